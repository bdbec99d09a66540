"""Evidence photos for every writer: read once, scaled down to print resolution, never enlarged.

A camera's 4000-pixel photo in a 50 mm table column would add megabytes for nothing; at
200 dpi it prints sharp. A JPEG stays a JPEG, and a PNG (a screenshot, a scanned form)
stays a PNG, without JPEG's smudges around text.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from sqdocs.fsutil import display_name, file_problem
from sqdocs.model.results import PHOTO_FORMATS

PHOTO_DPI = 200
MAX_HEIGHT_MM = 180.0
"""The tallest a photo is printed. As wide as its column, a screenshot of a whole web page
(1080 × 9000 pixels) was taller than a page, which no format can split: the PDF could not be
made at all (LayoutError) and Word cuts such a picture off at the page's foot. Shrunk to this,
it fits on a page under the table's header row and its own title line, whatever a template's
margins."""
_MM_PER_INCH = 25.4
MEDIA_TYPES = {fmt: "image/png" if fmt == "PNG" else "image/jpeg" for fmt in PHOTO_FORMATS}
"""What every writer embeds a photo of each format as. An MPO is a .jpg, its first image the
photo. A WebP no writer embeds: it is written again, as a JPEG, or as a PNG when it has
transparency (:func:`_media_type`)."""


@dataclass(frozen=True)
class Photo:
    """Image bytes ready to embed, with their media type and pixel size."""

    data: bytes
    media_type: str
    width_px: int
    height_px: int

    def size_mm(self, width_mm: float) -> tuple[float, float]:
        """Its printed width and height (mm): ``width_mm`` wide, or narrower to be no taller
        than :data:`MAX_HEIGHT_MM`; its proportions kept."""
        width = min(width_mm, MAX_HEIGHT_MM * self.width_px / self.height_px)
        return width, width * self.height_px / self.width_px


def load_photo(path: Path | None, width_mm: float) -> Photo | None:
    """The PNG, JPEG or WebP at ``path`` for printing ``width_mm`` wide; None when it cannot be used.

    The loader has already warned about a missing file or another format; an image of more
    pixels than PIL will safely decode is left out here, with a warning naming it.
    """
    if path is None or file_problem(path) is not None:  # the loader has said what is wrong with it
        return None
    try:
        with warnings.catch_warnings():
            # PIL's own warnings are English and about its internals: not for the user. Its
            # decompression-bomb warning (over ~89 million pixels) is an error here, like its
            # error past twice that, since decoding such an image could exhaust memory.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _scaled(path, width_mm)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        warnings.warn(
            f"{display_name(path)}：相片像素過多（超過 {Image.MAX_IMAGE_PIXELS or 0:,} 像素），已略去；"
            "請縮小（如寬 2000 像素）後再放入",
            stacklevel=2,
        )
        return None
    except OSError:
        return None


_ORIENTATION = 0x0112
"""The EXIF tag a phone sets instead of turning the pixels of a photo taken upright."""


def _scaled(path: Path, width_mm: float) -> Photo | None:
    with Image.open(path) as img:
        media_type = _media_type(img)
        if media_type is None:
            return None
        # A phone's upright photo is stored on its side with an EXIF orientation, which
        # reportlab ignores and Word and ODF viewers honour or not: the pixels are turned here.
        orientation = img.getexif().get(_ORIENTATION, 1)
        sideways = orientation in (5, 6, 7, 8)
        width, height = (img.height, img.width) if sideways else (img.width, img.height)
        limit = round(width_mm / _MM_PER_INCH * PHOTO_DPI)
        if orientation == 1 and width <= limit:
            data = path.read_bytes()
            if _embeddable(img, data):
                return Photo(data, media_type, width, height)
        size = (min(limit, width), max(1, round(height * min(limit, width) / width)))
        jpeg = media_type == "image/jpeg"
        if jpeg:
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale for a fraction of the time; twice the
            # pixels printed is left for the resampling below, so nothing is lost.
            stored = (size[1], size[0]) if sideways else size
            img.draft("RGB", (stored[0] * 2, stored[1] * 2))
        upright = _eight_bit(ImageOps.exif_transpose(img))
        out = io.BytesIO()
        if jpeg:
            upright.convert("RGB").resize(size, Image.Resampling.LANCZOS).save(
                out, format="JPEG", quality=85, optimize=False, progressive=False
            )
        else:
            mode = "RGBA" if "A" in upright.getbands() else "RGB"
            upright.convert(mode).resize(size, Image.Resampling.LANCZOS).save(out, format="PNG", optimize=False)
        return Photo(out.getvalue(), media_type, *size)


_GPS_IFD = 0x8825
"""The EXIF block where a phone writes where a photo was taken."""


def _located(img: Image.Image) -> bool:
    """Whether the file says where it was taken (EXIF GPS, or XMP's exif:GPS…): such a photo is
    written again, without it, rather than carried into documents attached to official letters."""
    if img.getexif().get_ifd(_GPS_IFD):
        return True
    xmp = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp") or b""
    return b"GPS" in (xmp.encode("utf-8", "replace") if isinstance(xmp, str) else xmp)


_JPEG_HEADERS = (b"JFIF", b"Exif")
"""What python-docx reads at byte 6 of a JPEG to know it: one that opens with another segment
(a scanner's or Photoshop's Adobe or Ducky marker, an ICC profile) stops the Word document
(UnrecognizedImageError)."""


def _media_type(img: Image.Image) -> str | None:
    """What ``img`` is embedded as (:data:`MEDIA_TYPES`); None for a format no writer takes."""
    if img.format == "WEBP" and ("A" in img.getbands() or "transparency" in img.info):
        return "image/png"  # a sticker or logo: a JPEG would lay its transparent parts on black
    return MEDIA_TYPES.get(img.format or "")


def _embeddable(img: Image.Image, data: bytes) -> bool:
    """Whether every writer can take the file's own bytes: an RGB or grey JPEG that python-docx
    recognises, or a PNG of 8 bits a channel, that does not say where it was taken. An MPO's bytes
    would carry its gain or depth map into the document too: it is written again."""
    if img.format in ("MPO", "WEBP") or _located(img):
        return False
    if img.format == "JPEG":
        # A CMYK one (print shops, Photoshop) is shown with inverted or false colours by some viewers.
        return img.mode in ("RGB", "L") and data[6:10] in _JPEG_HEADERS
    # A 16-bit grey PNG (a scanner's) is printed white by reportlab, which clips it to 8 bits.
    return not img.mode.startswith("I")


def _eight_bit(img: Image.Image) -> Image.Image:
    """``img`` with 8 bits a channel: Pillow's own conversion of 16-bit grey clips every value
    above 255 to white, where the top byte keeps the picture."""
    if img.mode.startswith("I"):
        return img.convert("I").point(lambda v: v / 256).convert("L")
    return img
