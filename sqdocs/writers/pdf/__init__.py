"""The PDF writer (reportlab platypus): fonts, Chinese line breaking, annex tables, page furniture.

``render_plan(plan, options)`` returns the PDF's bytes. A character no installed font can draw
is reported with :class:`MissingGlyphWarning` (``warnings.warn``), naming it and where it occurs.
"""

from __future__ import annotations

from sqdocs.writers.pdf.text import MissingGlyphWarning

__all__ = ["MissingGlyphWarning", "render_plan"]


def render_plan(plan, options=None) -> bytes:
    """The execution plan as PDF bytes; ``options.font`` (BuildOptions) picks the main font."""
    from sqdocs.writers.pdf import plan as pdf_plan

    data, missing = pdf_plan.render_plan(plan, getattr(options, "font", None))
    pdf_plan.warn_missing(missing)
    return data
