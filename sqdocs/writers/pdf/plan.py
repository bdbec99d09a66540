"""The execution plan as a PDF: title, sections 壹–柒 and annexes 1–3, each a list of flowables."""

from __future__ import annotations

from functools import partial

from reportlab.platypus import Flowable

from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.outline import annex_label, plan_sections
from sqdocs.properties import plan_properties
from sqdocs.writers import layout
from sqdocs.writers.pdf import blocks, document
from sqdocs.writers.pdf.tables import annex1_table, annex2_table, roster_table
from sqdocs.writers.pdf.text import Typesetter


def story(plan: Plan, ts: Typesetter) -> list[Flowable]:
    """Every flowable of the plan, in reading order."""
    flows: list[Flowable] = [*blocks.title(plan.title, ts)]
    for number, sec in enumerate(plan_sections(plan.body), 1):
        flows += blocks.section(sec, number, ts)
    annexes = (
        (plan.annex1.title, plan.annex1.dimensions, partial(annex1_table, columns=layout.annex1_columns(plan.annex1))),
        (plan.annex2.title, plan.annex2.dimensions, annex2_table),
    )
    for number, (title, dimensions, make_table) in enumerate(annexes, 1):
        flows += blocks.annex_start(annex_label(number), f"annex-{number}", title, ts)
        flows += blocks.dimension_tables(annex_label(number), f"annex-{number}", dimensions, make_table, ts)
    flows += blocks.annex_start(annex_label(3), "annex-3", plan.roster.title, ts)
    flows.append(roster_table(plan.roster, ts, f"{annex_label(3)} "))
    return flows


def render_plan(plan: Plan, options: BuildOptions | None = None) -> bytes:
    """The execution plan as PDF bytes; ``options.font`` picks the main font."""
    options = chosen(options)
    plan = options.dated(plan)
    return document.render(lambda ts: story(plan, ts), plan_properties(plan), options.font)
