"""Numbered text of ``sqdocs.outline`` as values for the template's tags (docs/templates.md)."""

from __future__ import annotations

from sqdocs.outline import Para, Section
from sqdocs.writers.docx.fragment import Fragment

BODY = "body"
"""The key of each generated body (a :class:`Fragment`, for a ``{{p … }}`` tag) in every template's context."""


def para(para: Para) -> dict:
    """A numbered paragraph for the template; a bare 一、 title over sub-clauses is a heading."""
    return {
        "depth": para.depth,
        "label": para.label,
        "text": para.line.removeprefix(para.label),
        "line": para.line,
        "heading": para.is_heading,
    }


def section(section: Section) -> dict:
    """壹、… with its own paragraph and its numbered paragraphs in reading order."""
    return {
        "heading": section.heading,
        "intro": section.intro,
        "paras": [para(p) for top in section.paras for p in top.walk()],
    }


def annex(label: str, title: str | None, body: Fragment) -> dict:
    """附件 1 …: its label, title (empty when none) and generated captions and tables."""
    return {"label": label, "title": title or "", BODY: body}
