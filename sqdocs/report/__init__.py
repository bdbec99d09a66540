"""The annual performance report (年度績效報告): unit results compiled into figures, marks and lists.

``compile_report(plan, results)`` is a pure function; its :class:`CompiledReport` holds every
number already computed and formatted, so a writer only lays it out.
"""

from sqdocs.report.compile import compile_report, report_title
from sqdocs.report.model import (
    CHECKED,
    UNCHECKED,
    Change,
    ChartData,
    ChartSeries,
    CheckDimensionMarks,
    CheckItemMarks,
    CheckPointMarks,
    CompiledReport,
    Contribution,
    DimensionReport,
    EntryMark,
    EntrySource,
    EvidenceItem,
    Exclusion,
    IndicatorFigure,
    ItemReport,
    MissingResult,
    PointReport,
    UncheckedEntry,
    UnitFigure,
    UnitGroupMembers,
    YearFigure,
)

__all__ = [
    "CHECKED", "UNCHECKED", "Change", "ChartData", "ChartSeries", "CheckDimensionMarks", "CheckItemMarks",
    "CheckPointMarks", "CompiledReport", "Contribution", "DimensionReport", "EntryMark", "EntrySource",
    "EvidenceItem", "Exclusion", "IndicatorFigure", "ItemReport", "MissingResult", "PointReport",
    "UncheckedEntry", "UnitFigure", "UnitGroupMembers", "YearFigure", "compile_report", "report_title",
]
