"""The PDF writer (reportlab platypus): fonts, Chinese line breaking, annex tables, page furniture.

``render_plan(plan, options)``, ``render_subplan(plan, detailed, options)`` (``detailed`` from
:func:`sqdocs.derive.detailed_plan`) and ``render_report(plan, report, options)`` return the
PDF's bytes. A character no installed font can draw is reported with
:class:`MissingGlyphWarning` (``warnings.warn``), naming it and where it occurs.
"""

from __future__ import annotations

from sqdocs.writers.pdf import platypus

platypus.load()  # before any module below imports reportlab.platypus

from sqdocs.options import BuildOptions, chosen  # noqa: E402
from sqdocs.writers.fontfiles import MissingGlyphWarning  # noqa: E402
from sqdocs.writers.pdf.fonts import font_set  # noqa: E402
from sqdocs.writers.pdf.plan import render_plan  # noqa: E402
from sqdocs.writers.pdf.report import render_report  # noqa: E402
from sqdocs.writers.pdf.subplan import render_subplan  # noqa: E402

__all__ = ["MissingGlyphWarning", "prepare", "render_plan", "render_report", "render_subplan"]


def prepare(options: BuildOptions | None = None) -> None:
    """Find and parse the main font now (a batch does this once before its workers fork)."""
    font_set(chosen(options).font)
