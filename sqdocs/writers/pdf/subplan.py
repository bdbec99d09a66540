"""A unit's detailed plan (細部執行計畫) as a PDF: title, sections 壹–陸 and the 附件 table,
built from the same blocks and the same 附件 1 table as the execution plan."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable

from sqdocs.derive import subplan_annex, subplan_title
from sqdocs.model import Plan, Subplan
from sqdocs.outline import SUBPLAN_ANNEX_LABEL, subplan_annex_title, subplan_sections
from sqdocs.writers.pdf import blocks, document, furniture
from sqdocs.writers.pdf.tables import annex1_table
from sqdocs.writers.pdf.text import Typesetter


def title(plan: Plan, subplan: Subplan) -> str:
    return subplan.title or subplan_title(plan, subplan.unit)


def story(plan: Plan, subplan: Subplan, ts: Typesetter) -> list[Flowable]:
    """Every flowable of the detailed plan, in reading order; removed points are not in the annex."""
    annex = subplan_annex(plan, subplan)  # the bureau's order, the unit's practices, deadlines and units
    flows: list[Flowable] = [*blocks.title(title(plan, subplan), ts)]
    for number, sec in enumerate(subplan_sections(plan, subplan), 1):
        flows += blocks.section(sec, number, ts)
    label = SUBPLAN_ANNEX_LABEL
    flows += blocks.annex_start(label, "annex", subplan_annex_title(plan, subplan), ts)
    flows += blocks.dimension_tables(label, "annex", annex.dimensions, annex1_table, ts)
    return flows


def metadata(plan: Plan, subplan: Subplan) -> furniture.Metadata:
    return furniture.Metadata(
        title=title(plan, subplan),
        author=f"{plan.agency}{subplan.unit}",
        subject="提升服務品質細部執行計畫",  # as the Word writer sets them
        keywords=("提升服務品質", "細部執行計畫", plan.agency, subplan.unit, f"{plan.year} 年度"),
        created=plan.body.document_date,
    )


def render_subplan(plan: Plan, subplan: Subplan, font: Path | None = None) -> tuple[bytes, list[str]]:
    """The detailed plan's PDF, and a message per character no font could draw."""
    return document.render(lambda ts: story(plan, subplan, ts), metadata(plan, subplan), font)
