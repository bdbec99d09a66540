"""The PDF writer (reportlab platypus): fonts, Chinese line breaking, annex tables, page furniture.

``render_plan(plan, options)``, ``render_subplan(plan, detailed, options)`` (``detailed`` from
:func:`sqdocs.derive.detailed_plan`) and ``render_report(plan, report, options)`` return the
PDF's bytes. A character no installed font can draw is reported with
:class:`MissingGlyphWarning` (``warnings.warn``), naming it and where it occurs.
"""

from __future__ import annotations

from sqdocs.options import BuildOptions, chosen
from sqdocs.writers.fontfiles import MissingGlyphWarning
from sqdocs.writers.pdf.fonts import font_set
from sqdocs.writers.pdf.plan import render_plan
from sqdocs.writers.pdf.report import render_report
from sqdocs.writers.pdf.subplan import render_subplan

__all__ = ["MissingGlyphWarning", "prepare", "render_plan", "render_report", "render_subplan"]


def prepare(options: BuildOptions | None = None) -> None:
    """Find and parse the main font now (a batch does this once before its workers fork)."""
    font_set(chosen(options).font)
