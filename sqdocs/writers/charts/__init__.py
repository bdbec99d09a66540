"""Charts of the annual report: trend lines over the years, one bar per unit.

:mod:`.scene` lays a chart out once (in points, with the font's own text widths); the Word
and ODF reports insert it as a PNG drawn by :mod:`.raster`, the PDF report draws the same
scene as vectors (:mod:`sqdocs.writers.pdf.figures`). Each chart is laid out at the size it is
meant to be inserted (:func:`chart_size_mm`), so the point sizes are the printed sizes:
labels ≥ 10 pt. The same data gives the same bytes: no timestamp or software name in the
PNG, a fixed font file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.report.model import ChartData, CompiledReport
from sqdocs.writers.charts import raster
from sqdocs.writers.charts.scene import (
    LABEL_PT,
    TICK_PT,
    TITLE_PT,
    chart_size_mm,
    layout,
)

__all__ = [
    "DPI", "FONT_CANDIDATES", "LABEL_PT", "TICK_PT", "TITLE_PT",
    "chart_size_mm", "find_font", "render_chart", "render_charts",
]

DPI = 180

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/cns11643/TW-Kai-98_1.ttf"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


def find_font(font: Path | None = None) -> Path:
    """The CJK font file charts use: ``font`` if given, else the first installed candidate."""
    if font is not None:
        if not font.is_file():
            raise UserError(f"{font}：找不到字型檔")
        return font
    for candidate in FONT_CANDIDATES:
        if candidate.is_file():
            return candidate
    names = "、".join(str(c) for c in FONT_CANDIDATES)
    raise UserError(f"找不到中文字型（{names}）；請執行 scripts/setup.sh 安裝，或以 --font 指定字型檔")


def render_chart(chart: ChartData, *, font: Path | None = None, dpi: int = DPI) -> bytes:
    """One chart as PNG bytes (drawn once per process for the same chart, font and resolution)."""
    return _render_cached(chart.model_dump_json(), find_font(font), dpi)


# A report built as .docx and .odt shows the same charts: draw each once.
@functools.lru_cache(maxsize=32)
def _render_cached(chart_json: str, font: Path, dpi: int) -> bytes:
    chart = ChartData.model_validate_json(chart_json)
    return raster.png(layout(chart, raster.measure(font)), font, dpi)


def render_charts(report: CompiledReport, *, font: Path | None = None, dpi: int = DPI) -> dict[str, bytes]:
    """Every chart of the report, by chart id."""
    return {chart.id: render_chart(chart, font=font, dpi=dpi) for chart in report.charts}
