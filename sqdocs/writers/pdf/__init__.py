"""The PDF writer (reportlab platypus): fonts, Chinese line breaking, annex tables, page furniture.

``render_plan(plan, options)`` returns the PDF's bytes. A character no installed font can draw
is reported with :class:`MissingGlyphWarning` (``warnings.warn``), naming it and where it occurs.
"""

from __future__ import annotations

import warnings

from sqdocs.model import Plan
from sqdocs.writers.pdf import plan as _plan
from sqdocs.writers.pdf.text import MissingGlyphWarning

__all__ = ["MissingGlyphWarning", "render_plan"]


def render_plan(plan: Plan, options=None) -> bytes:
    """The execution plan as PDF bytes; ``options.font`` (BuildOptions) picks the main font."""
    data, missing = _plan.render_plan(plan, getattr(options, "font", None))
    for message in missing:
        warnings.warn(message, MissingGlyphWarning, stacklevel=2)
    return data
