"""Images of the report: the charts (PNG bytes from :mod:`sqdocs.writers.charts`) with their
captions, and evidence photos inside table cells.

A chart is placed at the size it was drawn at (``chart_size_mm``), so its lettering prints at
the point sizes charts.py chose. Images are embedded from bytes, never from a path or a
timestamped cache, so the PDF stays the same for the same data.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether

from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.text import Typesetter
from sqdocs.writers.photos import load_photo


def chart(png: bytes, size_mm: tuple[float, float], caption: str, key: str, ts: Typesetter) -> Flowable:
    """A chart at its drawn size, centred, with 「圖 n …」 below it; both on one page."""
    width, height = size_mm
    image = Image(io.BytesIO(png), width=width * mm, height=height * mm)
    image.hAlign = "CENTER"
    furniture.mark(image, key, caption, level=1)
    return KeepTogether([image, ts.para(caption, ts.styles.figure_caption, caption)])


def photo(path: Path | None, max_width: float) -> Flowable | None:
    """An evidence photo (PNG or JPEG) scaled to ``max_width`` points; None if it cannot be read."""
    picture = load_photo(path, max_width / mm)
    if picture is None:
        return None
    flow = Image(io.BytesIO(picture.data), width=max_width, height=picture.height_for(max_width))
    flow.hAlign = "LEFT"
    return flow
