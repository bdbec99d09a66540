"""A unit's detailed plan (細部執行計畫) as OpenDocument Text: sections 壹–陸 and the 附件 table,
built from the same blocks and the same 附件 1 table as the execution plan."""

from __future__ import annotations

from sqdocs.derive import subplan_annex, subplan_document_title
from sqdocs.model import Plan, Subplan
from sqdocs.outline import (
    SUBPLAN_ANNEX_LABEL,
    subplan_annex_title,
    subplan_sections,
    two_line_title,
)
from sqdocs.properties import subplan_properties
from sqdocs.writers.odt import blocks, package, tables
from sqdocs.writers.odt.document import Document


def build(plan: Plan, subplan: Subplan) -> Document:
    """A unit's detailed plan as an ODF document: title, sections 壹–陸 and its 附件 1-style table."""
    annex = subplan_annex(plan, subplan)  # the bureau's order, the unit's practices; removed points left out
    doc = Document()
    # A 20 pt title of this length never fits one line: break it after the unit's full name.
    blocks.title(doc, two_line_title(subplan_document_title(plan, subplan), f"{plan.agency}{subplan.unit}"))
    for sec in subplan_sections(plan, subplan):
        blocks.section(doc, sec)
    blocks.annex_start(doc, SUBPLAN_ANNEX_LABEL, subplan_annex_title(plan, subplan))
    tables.annex1(doc, annex)
    return doc


def render_subplan(plan: Plan, subplan: Subplan) -> bytes:
    """A unit's detailed plan as .odt bytes; identical data gives identical bytes."""
    return package.write(build(plan, subplan), subplan_properties(plan, subplan))
