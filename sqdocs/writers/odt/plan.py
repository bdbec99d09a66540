"""The execution plan as OpenDocument Text: title, sections 壹–柒 and annexes 1–3."""

from __future__ import annotations

from sqdocs.model import Plan
from sqdocs.outline import annex_label, plan_sections
from sqdocs.properties import plan_properties
from sqdocs.writers.odt import blocks, package, tables
from sqdocs.writers.odt.document import Document


def build(plan: Plan) -> Document:
    """The execution plan as an ODF document: title, sections 壹–柒 and annexes 1–3."""
    doc = Document()
    blocks.title(doc, plan.title)
    for sec in plan_sections(plan.body):
        blocks.section(doc, sec)
    blocks.annex_start(doc, annex_label(1), plan.annex1.title)
    tables.annex1(doc, plan.annex1)
    blocks.annex_start(doc, annex_label(2), plan.annex2.title)
    tables.annex2(doc, plan.annex2)
    blocks.annex_start(doc, annex_label(3), plan.roster.title)
    tables.roster(doc, plan.roster)
    return doc


def render_plan(plan: Plan) -> bytes:
    """The execution plan as .odt bytes; identical data gives identical bytes."""
    return package.write(build(plan), plan_properties(plan))
