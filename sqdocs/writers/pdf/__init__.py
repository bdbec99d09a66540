"""The PDF writer (reportlab platypus): fonts, Chinese line breaking, annex tables, page furniture.

``render_plan(plan, options)``, ``render_subplan(plan, subplan, options)`` and
``render_report(plan, report, options)`` return the PDF's bytes. A character no installed font
can draw is reported with :class:`MissingGlyphWarning` (``warnings.warn``), naming it and where
it occurs.
"""

from __future__ import annotations

import warnings

from sqdocs.model import Plan, Subplan
from sqdocs.report import CompiledReport
from sqdocs.writers.pdf import plan as _plan
from sqdocs.writers.pdf import report as _report
from sqdocs.writers.pdf import subplan as _subplan
from sqdocs.writers.pdf.fonts import font_set
from sqdocs.writers.pdf.text import MissingGlyphWarning

__all__ = ["MissingGlyphWarning", "prepare", "render_plan", "render_report", "render_subplan"]


def prepare(options=None) -> None:
    """Find and parse the main font now (a batch does this once before its workers fork)."""
    font_set(getattr(options, "font", None))


def _warn(rendered: tuple[bytes, list[str]]) -> bytes:
    data, missing = rendered
    for message in missing:
        warnings.warn(message, MissingGlyphWarning, stacklevel=3)
    return data


def render_plan(plan: Plan, options=None) -> bytes:
    """The execution plan as PDF bytes; ``options.font`` (BuildOptions) picks the main font."""
    return _warn(_plan.render_plan(plan, getattr(options, "font", None)))


def render_subplan(plan: Plan, subplan: Subplan, options=None) -> bytes:
    """A unit's detailed plan (細部執行計畫) as PDF bytes."""
    return _warn(_subplan.render_subplan(plan, subplan, getattr(options, "font", None)))


def render_report(plan: Plan, report: CompiledReport, options=None) -> bytes:
    """The annual performance report (績效報告) as PDF bytes, its charts drawn in the same font."""
    return _warn(_report.render_report(plan, report, getattr(options, "font", None)))
