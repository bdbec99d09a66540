"""Images of the report: the charts (PNG bytes from :mod:`sqdocs.writers.charts`) with their
captions, and evidence photos inside table cells.

A chart is placed at the size it was drawn at (``chart_size_mm``), so its lettering prints at
the point sizes charts.py chose. Images are embedded from bytes, never from a path or a
timestamped cache, so the PDF stays the same for the same data.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether

from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.text import Typesetter

PHOTO_DPI = 200  # enough for print; a camera's 4000-pixel photo is scaled down to this
_PHOTO_FORMATS = ("PNG", "JPEG")


def chart(png: bytes, size_mm: tuple[float, float], caption: str, key: str, ts: Typesetter) -> Flowable:
    """A chart at its drawn size, centred, with 「圖 n …」 below it; both on one page."""
    width, height = size_mm
    image = Image(io.BytesIO(png), width=width * mm, height=height * mm)
    image.hAlign = "CENTER"
    furniture.mark(image, key, caption, level=1)
    return KeepTogether([image, ts.para(caption, ts.styles.figure_caption, caption)])


def photo(path: Path | None, max_width: float) -> Flowable | None:
    """An evidence photo (PNG or JPEG) scaled to ``max_width`` points; None if it cannot be read."""
    if path is None or not path.is_file():
        return None  # the loader has warned about it
    try:
        with PILImage.open(path) as img:
            if img.format not in _PHOTO_FORMATS:
                return None
            data, (px_w, px_h) = _scaled(img, path, max_width)
    except OSError:
        return None
    width = max_width
    height = width * px_h / px_w
    flow = Image(io.BytesIO(data), width=width, height=height)
    flow.hAlign = "LEFT"
    return flow


def _scaled(img: PILImage.Image, path: Path, width: float) -> tuple[bytes, tuple[int, int]]:
    """The photo's bytes, downscaled to PHOTO_DPI at ``width`` points when it is larger."""
    limit = round(width / 72 * PHOTO_DPI)
    if img.width <= limit:
        return path.read_bytes(), img.size
    size = (limit, max(1, round(img.height * limit / img.width)))
    out = io.BytesIO()
    if img.format == "JPEG":  # a camera's photo stays a JPEG …
        small = img.convert("RGB").resize(size, PILImage.Resampling.LANCZOS)
        small.save(out, format="JPEG", quality=85, optimize=False, progressive=False)
    else:  # … and a screenshot a PNG, without JPEG's smudges around text
        small = img.convert("RGBA" if "A" in img.getbands() else "RGB").resize(size, PILImage.Resampling.LANCZOS)
        small.save(out, format="PNG", optimize=False)
    return out.getvalue(), size
