"""OpenDocument Text writer (.odt), native: the package's XML is written directly with lxml,
no office suite runs. The documents have the Word writer's content, headings and styles.

``render_plan(plan, options)``, ``render_subplan(plan, detailed, options)`` (``detailed`` from
:func:`sqdocs.derive.detailed_plan`) and ``render_report(plan, report, options)`` return the
file's bytes; the same data always gives the same bytes. ``options.font`` (:class:`sqdocs.options.BuildOptions`) is the font the report's charts are drawn in.

Modules: ``xml`` (namespaces, elements, text), ``styles`` (styles.xml: fonts, named styles,
page and footer), ``document`` (content.xml with its automatic styles and pictures),
``tables`` (the annex tables), ``blocks`` (title, sections, annex starts), ``figures``
(charts and photos), ``package`` (the zip, manifest and meta.xml), and one module per document.
"""

from __future__ import annotations

from sqdocs.derive import DetailedPlan
from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.report import CompiledReport
from sqdocs.writers.odt import plan as _plan
from sqdocs.writers.odt import report as _report
from sqdocs.writers.odt import subplan as _subplan

__all__ = ["render_plan", "render_report", "render_subplan"]


def render_plan(plan: Plan, options: BuildOptions | None = None) -> bytes:
    """The execution plan (執行計畫 with 附件 1–3) as .odt bytes."""
    return _plan.render_plan(chosen(options).dated(plan))


def render_subplan(plan: Plan, detailed: DetailedPlan, options: BuildOptions | None = None) -> bytes:
    """A unit's detailed plan (細部執行計畫) as .odt bytes."""
    return _subplan.render_subplan(chosen(options).dated(plan), detailed)


def render_report(plan: Plan, report: CompiledReport, options: BuildOptions | None = None) -> bytes:
    """The annual performance report (績效報告) as .odt bytes, its charts as PNG pictures."""
    return _report.render_report(plan, report, chosen(options).font)
