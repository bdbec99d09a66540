"""A unit's detailed plan (細部執行計畫) as a PDF: title, sections 壹–陸 and the 附件 table,
built from the same blocks and the same 附件 1 table as the execution plan."""

from __future__ import annotations

from functools import partial

from reportlab.platypus import Flowable

from sqdocs.derive import DetailedPlan
from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.outline import SUBPLAN_ANNEX_LABEL, subplan_annex_title, subplan_sections
from sqdocs.properties import subplan_properties
from sqdocs.writers import layout
from sqdocs.writers.pdf import blocks, document
from sqdocs.writers.pdf.tables import annex1_table
from sqdocs.writers.pdf.text import Typesetter


def story(plan: Plan, detailed: DetailedPlan, ts: Typesetter) -> list[Flowable]:
    """Every flowable of the detailed plan, in reading order; removed points are not in the annex."""
    annex = detailed.annex  # the bureau's order, the unit's practices, deadlines and units
    flows: list[Flowable] = [*blocks.title(detailed.title, ts)]
    for number, sec in enumerate(subplan_sections(plan, detailed.subplan), 1):
        flows += blocks.section(sec, number, ts)
    label = SUBPLAN_ANNEX_LABEL
    flows += blocks.annex_start(label, "annex", subplan_annex_title(plan, detailed.subplan), ts)
    make_table = partial(annex1_table, columns=layout.annex1_columns(annex))
    flows += blocks.dimension_tables(label, "annex", annex.dimensions, make_table, ts)
    return flows


def render_subplan(plan: Plan, detailed: DetailedPlan, options: BuildOptions | None = None) -> bytes:
    """A unit's detailed plan (細部執行計畫, :func:`sqdocs.derive.detailed_plan`) as PDF bytes."""
    options = chosen(options)
    plan = options.dated(plan)
    meta = subplan_properties(plan, detailed.subplan)
    return document.render(lambda ts: story(plan, detailed, ts), meta, options.font)
