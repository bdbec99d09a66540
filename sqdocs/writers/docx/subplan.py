"""A unit's detailed plan (細部執行計畫) as Word: sections 壹–陸 and the 附件 1-style table."""

from __future__ import annotations

from sqdocs.derive import DetailedPlan
from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.outline import (
    SUBPLAN_ANNEX_LABEL,
    subplan_annex_title,
    subplan_sections,
    two_line_title,
)
from sqdocs.properties import subplan_properties
from sqdocs.writers import layout
from sqdocs.writers.docx import context, tables
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.template import WordTemplate, open_template

TEMPLATE_NAME = "subplan.docx"
STYLES = S.GENERATED
NAMES = frozenset({"title", "agency", "unit", "year", "sections", "annexes"})
"""What the template may read: the context :func:`_context` gives it (a test checks they agree)."""


def _context(plan: Plan, detailed: DetailedPlan, template: WordTemplate) -> dict:
    subplan = detailed.subplan
    body = template.fragment()
    tables.annex1(body, detailed.annex, template.text_width_twips)
    return {
        # docxtpl writes the \n as a line break
        "title": two_line_title(detailed.title, f"{plan.agency}{subplan.unit}"),
        "agency": plan.agency,
        "unit": subplan.unit,
        "year": plan.year,
        "sections": [context.section(s) for s in subplan_sections(plan, subplan)],
        "annexes": [context.annex(SUBPLAN_ANNEX_LABEL, subplan_annex_title(plan, subplan), body)],
    }


def render_subplan(plan: Plan, detailed: DetailedPlan, options: BuildOptions | None = None) -> bytes:
    """A unit's detailed plan (:func:`sqdocs.derive.detailed_plan`) as .docx bytes; identical data
    gives identical bytes."""
    options = chosen(options)
    plan = options.dated(plan)
    template = open_template(options.templates, TEMPLATE_NAME, STYLES)
    with layout.table_text_size(template.table_text_pt):
        return template.render(_context(plan, detailed, template), subplan_properties(plan, detailed.subplan))
