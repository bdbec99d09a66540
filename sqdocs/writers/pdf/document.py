"""One document from start to bytes: fonts, a typesetter, the story, pages."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Flowable

from sqdocs.properties import Properties
from sqdocs.writers.fontfiles import MissingGlyphWarning
from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.fonts import font_set
from sqdocs.writers.pdf.text import Typesetter


def render(make_story: Callable[[Typesetter], list[Flowable]], meta: Properties, font: Path | None = None) -> bytes:
    """The PDF of the story ``make_story`` builds; a character no font could draw is warned
    about (:class:`MissingGlyphWarning`), naming it and where it is."""
    ts = Typesetter(font_set(font))
    data = furniture.render(make_story(ts), meta, ts.fonts)
    for message in ts.missing_messages():
        warnings.warn(message, MissingGlyphWarning, stacklevel=3)  # at the caller of render_plan …
    return data
