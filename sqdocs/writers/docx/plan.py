"""The execution plan as Word: template context and document properties."""

from __future__ import annotations

from collections.abc import Callable

from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.outline import annex_label, plan_sections
from sqdocs.properties import plan_properties
from sqdocs.writers import layout
from sqdocs.writers.docx import context, tables
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.template import WordTemplate, open_template

TEMPLATE_NAME = "plan.docx"
STYLES = S.GENERATED
NAMES = frozenset({"title", "agency", "year", "sections", "annexes"})
"""What the template may read: the context :func:`_context` gives it (a test checks they agree)."""


def _context(plan: Plan, template: WordTemplate) -> dict:
    def annex(n: int, title: str | None, build: Callable, data) -> dict:
        body = template.fragment()
        build(body, data, template.text_width_twips)
        return context.annex(annex_label(n), title, body)

    return {
        "title": plan.title,
        "agency": plan.agency,
        "year": plan.year,
        "sections": [context.section(s) for s in plan_sections(plan.body)],
        "annexes": [
            annex(1, plan.annex1.title, tables.annex1, plan.annex1),
            annex(2, plan.annex2.title, tables.annex2, plan.annex2),
            annex(3, plan.roster.title, tables.roster, plan.roster),
        ],
    }


def render_plan(plan: Plan, options: BuildOptions | None = None) -> bytes:
    """The execution plan as .docx bytes; identical data gives identical bytes."""
    options = chosen(options)
    plan = options.dated(plan)
    template = open_template(options.templates, TEMPLATE_NAME, STYLES)
    with layout.table_text_size(template.table_text_pt):
        return template.render(_context(plan, template), plan_properties(plan))
