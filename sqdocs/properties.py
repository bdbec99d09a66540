"""What each document says of itself (title, author, subject, keywords, category, date):
decided here once, so the Word, PDF and ODF files of a document carry the same properties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqdocs.derive import subplan_document_title
from sqdocs.model import Plan, Subplan
from sqdocs.report.model import CompiledReport

SUBJECT = "提升服務品質"


@dataclass(frozen=True)
class Properties:
    """Document properties, all from the data; ``day`` dates the document and its zip entries."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    category: str
    day: date
    language: str = "zh-TW"


def plan_properties(plan: Plan) -> Properties:
    """The 執行計畫's properties, dated by the plan."""
    return Properties(
        title=plan.title,
        author=plan.agency,
        subject=f"{SUBJECT}執行計畫",
        keywords=(SUBJECT, "執行計畫", plan.agency, f"{plan.year} 年度"),
        category="執行計畫",
        day=plan.body.document_date,
    )


def subplan_properties(plan: Plan, subplan: Subplan) -> Properties:
    """A 分局's 細部執行計畫's properties, authored by the 分局 and dated by the plan."""
    return Properties(
        title=subplan_document_title(plan, subplan),
        author=f"{plan.agency}{subplan.unit}",
        subject=f"{SUBJECT}細部執行計畫",
        keywords=(SUBJECT, "細部執行計畫", plan.agency, subplan.unit, f"{plan.year} 年度"),
        category="細部執行計畫",
        day=plan.body.document_date,
    )


def report_properties(plan: Plan, report: CompiledReport) -> Properties:
    """The 績效報告's properties, dated at the end of the plan's period."""
    return Properties(
        title=report.title,
        author=report.agency,
        subject=f"{SUBJECT}績效報告",
        keywords=(SUBJECT, "績效報告", report.agency, f"{report.year} 年度"),
        category="績效報告",
        day=plan.body.period.end,  # the report covers the plan year up to its end
    )
