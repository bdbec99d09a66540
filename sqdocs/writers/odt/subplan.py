"""A unit's detailed plan (細部執行計畫) as OpenDocument Text: sections 壹–陸 and the 附件 table,
built from the same blocks and the same 附件 1 table as the execution plan."""

from __future__ import annotations

from sqdocs.derive import DetailedPlan
from sqdocs.model import Plan
from sqdocs.outline import (
    SUBPLAN_ANNEX_LABEL,
    subplan_annex_title,
    subplan_sections,
    two_line_title,
)
from sqdocs.properties import subplan_properties
from sqdocs.writers.odt import blocks, package, tables
from sqdocs.writers.odt.document import Document


def build(plan: Plan, detailed: DetailedPlan) -> Document:
    """A unit's detailed plan as an ODF document: title, sections 壹–陸 and its 附件 1-style table."""
    subplan = detailed.subplan
    doc = Document()
    # A 20 pt title of this length never fits one line: break it after the unit's full name.
    blocks.title(doc, two_line_title(detailed.title, f"{plan.agency}{subplan.unit}"))
    for sec in subplan_sections(plan, subplan):
        blocks.section(doc, sec)
    blocks.annex_start(doc, SUBPLAN_ANNEX_LABEL, subplan_annex_title(plan, subplan))
    tables.annex1(doc, detailed.annex)
    return doc


def render_subplan(plan: Plan, detailed: DetailedPlan) -> bytes:
    """A unit's detailed plan (:func:`sqdocs.derive.detailed_plan`) as .odt bytes; identical data
    gives identical bytes."""
    return package.write(build(plan, detailed), subplan_properties(plan, detailed.subplan))
