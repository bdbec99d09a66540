"""Checks of the report's charts against what the compiled report draws in them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqdocs.load.diagnostics import Diagnostic
from sqdocs.load.indicators import INDICATORS_FILE
from sqdocs.load.yamlfile import read_yaml

if TYPE_CHECKING:
    from sqdocs.report import CompiledReport

# A span of ROC years in a title: 「（105–107 年）」「105-107年」.
_SPAN = re.compile(r"(?<!\d)(\d{2,3})(\s*[–—－~～-]\s*)(\d{2,3})(\s*年)")


def chart_title_warnings(folder: Path, report: CompiledReport) -> list[Diagnostic]:
    """A warning at each trend chart whose title names a span of years other than the one its
    axis shows: the title is typed, the years come from the indicators' history and this year,
    so a history year added or dropped by hand left 「（105–107 年）」 over 103–107. (The axis
    reaches this year before its figures are in: compile leaves the year as a gap.)"""
    wrong = []
    for chart in report.charts:
        span = _SPAN.search(chart.title) if chart.kind == "trend" and chart.categories else None
        if span is None:
            continue
        first, last = (int(re.match(r"\d+", year).group()) for year in (chart.categories[0], chart.categories[-1]))
        if (int(span.group(1)), int(span.group(3))) != (first, last):
            wrong.append((chart, span, first, last))
    if not wrong:
        return []
    path = Path(folder) / INDICATORS_FILE
    doc = read_yaml(path)  # loaded without errors for the report: its lines place the warnings
    ids = [chart.get("id") if isinstance(chart, dict) else None for chart in (doc.data or {}).get("charts", [])]
    found = []
    for chart, span, first, last in wrong:
        fixed = f"{first}{span.group(2)}{last}{span.group(4)}"
        found.append(doc.diagnostic(("charts", ids.index(chart.id), "title"), (
            f"圖表標題寫「{span.group()}」，圖中的年度卻是 {first} 至 {last} 年（依各指標的 history 與本年度成果）；"
            f"請把標題改為「{chart.title[:span.start()]}{fixed}{chart.title[span.end():]}」，或補上、刪除 history 的年度"
        ), severity="warning"))
    return found
