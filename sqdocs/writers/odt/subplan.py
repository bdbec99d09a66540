"""A unit's detailed plan (細部執行計畫) as OpenDocument Text: sections 壹–陸 and the 附件 table,
built from the same blocks and the same 附件 1 table as the execution plan."""

from __future__ import annotations

from sqdocs.derive import subplan_annex, subplan_title
from sqdocs.model import Plan, Subplan
from sqdocs.outline import SUBPLAN_ANNEX_LABEL, subplan_annex_title, subplan_sections
from sqdocs.writers.odt import blocks, package, tables
from sqdocs.writers.odt.document import Document


def title(plan: Plan, subplan: Subplan) -> str:
    return subplan.title or subplan_title(plan, subplan.unit)


def build(plan: Plan, subplan: Subplan) -> Document:
    annex = subplan_annex(plan, subplan)  # the bureau's order, the unit's practices; removed points left out
    doc = Document()
    # A 20 pt title of this length never fits one line: break it after the unit's full name.
    blocks.title(doc, title(plan, subplan), break_after=f"{plan.agency}{subplan.unit}")
    for sec in subplan_sections(plan, subplan):
        blocks.section(doc, sec)
    blocks.annex_start(doc, SUBPLAN_ANNEX_LABEL, subplan_annex_title(plan, subplan))
    tables.annex1(doc, annex)
    return doc


def properties(plan: Plan, subplan: Subplan) -> package.Properties:
    return package.Properties(
        title=title(plan, subplan),
        author=f"{plan.agency}{subplan.unit}",
        subject="提升服務品質細部執行計畫",
        keywords=("提升服務品質", "細部執行計畫", plan.agency, subplan.unit, f"{plan.year} 年度"),
        category="細部執行計畫",
        day=plan.body.document_date,
    )


def render_subplan(plan: Plan, subplan: Subplan) -> bytes:
    """A unit's detailed plan as .odt bytes; identical data gives identical bytes."""
    return package.write(build(plan, subplan), properties(plan, subplan))
