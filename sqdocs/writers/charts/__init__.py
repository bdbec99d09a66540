"""Charts of the annual report: trend lines over the years, one bar per unit.

:mod:`.scene` lays a chart out once (in points, with the font's own text widths); the Word
and ODF reports insert it as a PNG drawn by :mod:`.raster`, the PDF report draws the same
scene as vectors (:mod:`sqdocs.writers.pdf.figures`). Both draw in the face the PDF's text
is set in (:func:`sqdocs.writers.fontfiles.resolve_main`). Each chart is laid out at the size
it is meant to be inserted (:func:`chart_size_mm`), so the point sizes are the printed
sizes: labels ≥ 10 pt. The same data gives the same bytes: no timestamp or software name in the
PNG, a fixed font file.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

from sqdocs.report.model import ChartData
from sqdocs.writers.charts import raster
from sqdocs.writers.charts.scene import (
    LABEL_PT,
    TICK_PT,
    TITLE_PT,
    chart_size_mm,
    layout,
)
from sqdocs.writers.fontfiles import (
    FontRef,
    MissingGlyphWarning,
    missing_glyph_advice,
    resolve_main,
)

__all__ = [
    "DPI", "LABEL_PT", "TICK_PT", "TITLE_PT",
    "chart_size_mm", "render_chart",
]

DPI = 180

def render_chart(chart: ChartData, *, font: Path | None = None, dpi: int = DPI) -> bytes:
    """One chart as PNG bytes, in ``font`` or else the face the PDF's text uses (drawn once
    per process for the same chart, font and resolution). A character no font has is warned
    about (:class:`MissingGlyphWarning`) every time, like the PDF's."""
    png, missing = _render_cached(chart.model_dump_json(), resolve_main(font), dpi)
    for ch in missing:
        warnings.warn(
            f"圖表缺字：U+{ord(ch):04X}「{ch}」沒有任何可用字型含此字，在圖表圖片中會顯示為空白方框"
            f"（出現於：圖表「{chart.title}」）。{missing_glyph_advice(ch)}",
            MissingGlyphWarning,
            stacklevel=2,
        )
    return png


# A report built as .docx and .odt shows the same charts: draw each once.
@functools.lru_cache(maxsize=32)
def _render_cached(chart_json: str, font: FontRef, dpi: int) -> tuple[bytes, tuple[str, ...]]:
    chart = ChartData.model_validate_json(chart_json)
    faces = raster.Faces(font)
    return raster.png(layout(chart, raster.measure(faces)), faces, dpi), tuple(faces.missing)
