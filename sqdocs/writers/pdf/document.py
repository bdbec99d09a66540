"""One document from start to bytes: fonts, a typesetter, the story, pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Flowable

from sqdocs.properties import Properties
from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.fonts import font_set
from sqdocs.writers.pdf.text import Typesetter


def render(
    make_story: Callable[[Typesetter], list[Flowable]], meta: Properties, font: Path | None = None
) -> tuple[bytes, list[str]]:
    """The PDF of the story ``make_story`` builds, and a message per character no font could draw."""
    ts = Typesetter(font_set(font))
    flows = make_story(ts)
    return furniture.render(flows, meta, ts.fonts.main), ts.missing_messages()
