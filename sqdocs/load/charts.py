"""Checks of the report's charts against what the compiled report draws in them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqdocs.load.diagnostics import Diagnostic
from sqdocs.load.indicators import HISTORY_YEARS, INDICATORS_FILE
from sqdocs.load.yamlfile import read_yaml

if TYPE_CHECKING:
    from sqdocs.report import CompiledReport

# A span of ROC years in a title: 「（105–107 年）」「105-107年」.
_SPAN = re.compile(r"(?<!\d)(\d{2,3})(\s*[–—－~～-]\s*)(\d{2,3})(\s*年)")
YEAR = re.compile(r"(?<![\d–—－~～-])(?<![–—－~～-]\s)(\d{2,3})(?=\s*年)")
"""One ROC year in a title, not an end of a span: 「（107 年）」「107年度」."""


def year_moved(title: str, old: int, new: int) -> str:
    """``title`` with each single year ``old`` (:data:`YEAR`) written ``new``."""
    return YEAR.sub(lambda m: str(new) if int(m.group(1)) == old else m.group(1), title)


def chart_warnings(folder: Path, report: CompiledReport) -> list[Diagnostic]:
    """A warning at each chart whose title names other years than it draws: a trend chart's span
    against its axis (the title is typed, the years come from the indicators' history and this
    year, so a history year added or dropped by hand left 「（105–107 年）」 over 103–107; the axis
    reaches this year before its figures are in: compile leaves the year as a gap), and a units
    chart's year against the report's (「（107 年）」 over 108's figures); and a trend chart of
    one year, a bureau's first in sqdocs: dots over 「114 年」, no trend."""
    wrong: list[tuple[str, str]] = []  # (chart id, message)
    for chart in report.charts:
        if chart.kind == "trend" and len(chart.categories) == 1:
            wrong.append((chart.id, (
                f"歷年趨勢圖只有 {chart.categories[0]}一個年度的數據，圖中只有單點、看不出趨勢；各指標的 history "
                "加上歷年數據後才成趨勢，也可先刪除此圖，或改為 kind: units（各單位長條圖）"
            )))
            continue
        if chart.kind == "units":
            # A year of the plan's era (「30 年」 is a span of time, not 民國 30 年); a title that also
            # names the report's year (「107 年與 106 年比較」) is left as written.
            named = [m for m in YEAR.finditer(chart.title) if abs(int(m.group(1)) - report.year) <= HISTORY_YEARS]
            years = [m for m in named if int(m.group(1)) != report.year]
            if years and len(years) == len(named) and not _SPAN.search(chart.title):
                fixed = year_moved(chart.title, int(years[0].group(1)), report.year)
                wrong.append((chart.id, f"圖表標題寫「{years[0].group(1)} 年」，圖中卻是 {report.year} 年各單位的數值；"
                                        f"請把標題改為「{fixed}」"))
            continue
        span = _SPAN.search(chart.title) if chart.categories else None
        if span is None:
            continue
        first, last = (int(re.match(r"\d+", year).group()) for year in (chart.categories[0], chart.categories[-1]))
        if (int(span.group(1)), int(span.group(3))) != (first, last):
            fixed = f"{first}{span.group(2)}{last}{span.group(4)}"
            wrong.append((chart.id, (
                f"圖表標題寫「{span.group()}」，圖中的年度卻是 {first} 至 {last} 年（依各指標的 history 與本年度成果）；"
                f"請把標題改為「{chart.title[:span.start()]}{fixed}{chart.title[span.end():]}」，或補上、刪除 history 的年度"
            )))
    if not wrong:
        return []
    path = Path(folder) / INDICATORS_FILE
    doc = read_yaml(path)  # loaded without errors for the report: its lines place the warnings
    ids = [chart.get("id") if isinstance(chart, dict) else None for chart in (doc.data or {}).get("charts", [])]
    return [doc.diagnostic(("charts", ids.index(chart_id), "title"), message, severity="warning")
            for chart_id, message in wrong]
