"""A chart scene as a PNG, drawn with Pillow.

Drawn at twice the resolution and reduced, which smooths lines and markers as an
anti-aliasing renderer would. The PNG carries its resolution (pHYs) so Word and LibreOffice
insert it at the size it was laid out for, and nothing else: no software name, no time.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import struct
import zlib

from isal import isal_zlib
from PIL import Image, ImageDraw, ImageFont

from sqdocs.errors import UserError
from sqdocs.writers.charts.scene import (
    ANCHOR_SHARE,
    EDGE_PT,
    HOLLOW_PT,
    Box,
    Label,
    Line,
    Marker,
    Measure,
    Scene,
    Stroke,
    marker_outline,
)
from sqdocs.writers.fontfiles import (
    INSTALL_HINT,
    Coverage,
    FontRef,
    coverage,
    fallback_candidates,
    installed,
    is_latin,
    resolve_latin,
    split_runs,
)

_SUPERSAMPLE = 2


@functools.lru_cache(maxsize=64)
def font(ref: FontRef, pixels: int) -> ImageFont.FreeTypeFont:
    """The face ``ref`` at ``pixels`` size for Pillow; a UserError when FreeType cannot read it."""
    try:
        return ImageFont.truetype(str(ref.path), pixels, index=ref.index)
    except OSError as exc:  # not a font FreeType reads, or cut short
        raise UserError(f"{ref.path}：無法使用此字型（{exc}）。{INSTALL_HINT}") from None


class Faces:
    """The Latin face for ASCII, the main face and, for a character it lacks, the first fallback
    face that has it, as the PDF chooses (:func:`sqdocs.writers.fontfiles.fallback_candidates`)."""

    def __init__(self, main: FontRef) -> None:
        self.main = main
        self._main_has = coverage(main)
        self.latin = resolve_latin()
        self._latin_has = coverage(self.latin) if self.latin is not None else None
        self._fallbacks: list[tuple[FontRef, Coverage]] | None = None
        self.missing: dict[str, None] = {}
        """Characters no face has, in the order met: drawn as the main face's empty box."""

    def face_for(self, ch: str) -> FontRef:
        if self.latin is not None and self._latin_has is not None and is_latin(ch) and ch in self._latin_has:
            return self.latin
        # An unreadable cmap (a font FreeType takes but this reader does not) is trusted whole.
        if self._main_has is None or ch in self._main_has or ch.isspace():
            return self.main
        if self._fallbacks is None:
            found = ((ref, coverage(ref)) for ref in fallback_candidates(self.main) if installed(ref.path))
            self._fallbacks = [(ref, has) for ref, has in found if has is not None]
        for ref, has in self._fallbacks:
            if ch in has:
                return ref
        self.missing.setdefault(ch)
        return self.main

    def runs(self, text: str) -> list[tuple[FontRef, str]]:
        """``text`` as (face, characters) runs, each drawn from a face that has its characters."""
        return split_runs(text, self.face_for)


def measure(faces: Faces) -> Measure:
    """Text widths in points from the font files' advance widths."""
    return lambda text, size: sum(font(ref, 1000).getlength(chunk) for ref, chunk in faces.runs(text)) * size / 1000


def png(scene: Scene, faces: Faces, dpi: int) -> bytes:
    """``scene`` as PNG bytes at ``dpi``."""
    width = round(scene.width / 72 * dpi)
    height = round(scene.height / 72 * dpi)
    scale = dpi / 72 * _SUPERSAMPLE
    image = Image.new("RGB", (width * _SUPERSAMPLE, height * _SUPERSAMPLE), "white")
    draw = ImageDraw.Draw(image)
    for item in scene.items:
        if isinstance(item, Line):
            _line(draw, [(x * scale, y * scale) for x, y in item.points], item.stroke, scale)
        elif isinstance(item, Box):
            x, y = item.x * scale, item.y * scale
            if item.width > 0 and item.height > 0:  # a bar of 0 has nothing to fill
                draw.rectangle((x, y, x + max(item.width * scale - 1, 0), y + max(item.height * scale - 1, 0)), fill=item.fill,
                               outline=item.edge, width=max(1, round(EDGE_PT * scale)))
        elif isinstance(item, Marker):
            # an open marker: white inside its outline, so a line or a grid line stops at its edge
            fill, outline = ("#ffffff", item.colour) if item.hollow else (item.colour, None)
            width = round(HOLLOW_PT * scale)
            # Pillow draws an outline inside the shape, the PDF about its path: the shape at the
            # outline's outer edge puts the outline where the PDF's is.
            shape = dataclasses.replace(item, size=item.size + HOLLOW_PT) if item.hollow else item
            if item.shape.startswith("circle"):
                draw.ellipse(_circle(shape, scale), fill=fill, outline=outline, width=width)
            else:
                draw.polygon(marker_outline(shape, scale), fill=fill, outline=outline, width=width)
        elif isinstance(item, Label):
            _label(image, draw, item, faces, scale)
    return encode_png(image.reduce(_SUPERSAMPLE), dpi)


def encode_png(image: Image.Image, dpi: int) -> bytes:
    """An image as an 8-bit palette PNG with its resolution (pHYs) and nothing else.

    A chart is flat colours and their anti-aliased edges: at most 256 colours are kept exactly,
    more (a chart's edges give about a thousand) are reduced to the 256 that cover most of it,
    each pixel within a few levels of its own. One byte a pixel instead of three makes a
    chart about a third of its RGB size; the report's three had taken the .docx past 200 KB.

    Written here rather than by Pillow: Pillow tries every row filter on every row, which
    was most of the time a chart took (15 ms each); rows left unfiltered and deflated by
    ISA-L take 1–2 ms.
    """
    width, height = image.size
    indexed = image.convert("RGB").quantize(256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    colours = indexed.getextrema()[1] + 1
    palette = bytes(indexed.getpalette("RGB")[: 3 * colours])
    raw = indexed.tobytes()
    rows = b"".join(b"\0" + raw[at : at + width] for at in range(0, len(raw), width))  # filter 0: none
    per_metre = round(dpi / 0.0254)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),  # 8-bit palette
        _chunk(b"PLTE", palette),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", isal_zlib.compress(rows, 2)),
        _chunk(b"IEND", b""),
    ))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _line(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], stroke: Stroke, scale: float) -> None:
    width = max(1, round(stroke.width * scale))
    if not stroke.dash:
        draw.line(points, fill=stroke.colour, width=width, joint="curve")
        return
    pattern = [d * stroke.width * scale for d in stroke.dash]
    for dash in _dashes(points, pattern):
        draw.line(dash, fill=stroke.colour, width=width)


def _dashes(points: list[tuple[float, float]], pattern: list[float]) -> list[list[tuple[float, float]]]:
    """The 'on' pieces of a dashed polyline, the pattern running on across corners."""
    pieces: list[list[tuple[float, float]]] = []
    k, left, on = 0, pattern[0], True
    current: list[tuple[float, float]] = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        at = 0.0
        while length - at > left:
            at += left
            point = (x0 + (x1 - x0) * at / length, y0 + (y1 - y0) * at / length)
            if on:
                current.append(point)
                pieces.append(current)
            current = [point]
            k = (k + 1) % len(pattern)
            left, on = pattern[k], not on
        left -= length - at
        if on:
            current.append((x1, y1))
        else:
            current = [(x1, y1)]
    if on and len(current) > 1:
        pieces.append(current)
    return pieces


def _circle(marker: Marker, scale: float) -> tuple[float, float, float, float]:
    r = marker.radius * scale
    x, y = marker.x * scale, marker.y * scale
    return (x - r, y - r, x + r, y + r)


_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def _label(image: Image.Image, draw: ImageDraw.ImageDraw, label: Label, faces: Faces, scale: float) -> None:
    pixels = max(1, round(label.size * scale))
    runs = faces.runs(label.text)
    if len(runs) == 1 and not label.vertical:
        draw.text((label.x * scale, label.y * scale), label.text, fill=label.colour, font=font(runs[0][0], pixels),
                  anchor=_ANCHORS[label.anchor])
        return
    widths = [font(ref, pixels).getlength(chunk) for ref, chunk in runs]
    if not label.vertical:  # runs from several faces, one after another on the label's baseline
        x = label.x * scale - sum(widths) * ANCHOR_SHARE[label.anchor]
        for (ref, chunk), width in zip(runs, widths, strict=True):
            draw.text((x, label.y * scale), chunk, fill=label.colour, font=font(ref, pixels), anchor="ls")
            x += width
        return
    # Turned text: drawn on its own strip, rotated, and pasted with the strip as its mask.
    length = math.ceil(sum(widths)) + 2
    size = math.ceil(label.size * scale * 1.4)
    strip = Image.new("L", (length, size), 0)
    strip_draw, x = ImageDraw.Draw(strip), 1.0
    for (ref, chunk), width in zip(runs, widths, strict=True):
        strip_draw.text((x, round(size * 0.8)), chunk, fill=255, font=font(ref, pixels), anchor="ls")
        x += width
    turned = strip.rotate(90, expand=True)
    baseline = round(label.x * scale - size * 0.8)
    top = round(label.y * scale - length / 2)
    image.paste(label.colour, (baseline, top), turned)
