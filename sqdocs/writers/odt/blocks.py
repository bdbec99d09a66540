"""Blocks every document shares: the title, numbered sections and the start of an annex.

Text and numbering come from :mod:`sqdocs.outline`; these functions choose styles and
outline levels only, as the Word templates do.
"""

from __future__ import annotations

import unicodedata

from sqdocs.outline import Para, Section
from sqdocs.writers import layout
from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt.document import Document


def title(doc: Document, text: str) -> None:
    """The document's title (a \n in it breaks the line)."""
    doc.paragraph(S.TITLE, text)


def labelled(label: str, text: str, at: tuple[float, float]) -> str:
    """``label`` and ``text`` of a paragraph whose label hangs at ``at[0]`` and text at ``at[1]``
    (characters from the margin): a tab reaches the text after a label narrower than its room.

    A wider label ((十一), (10)) is followed by its text at once, as in the PDF: a tab after it
    jumped to the next default tab stop, two characters on. Its width is reckoned as a
    full-width character an em and any other half of one, more than (, ) and . take, so a
    label that fits ((十), (9), 10.) is never taken for a wider one.
    """
    ems = sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in label)
    return f"{label}{text}" if ems > at[1] - at[0] else f"{label}\t{text}"


def _para(doc: Document, para: Para) -> None:
    """A numbered paragraph; a bare 一、 title over sub-clauses is a level-2 heading."""
    if para.is_heading:
        doc.heading(S.HEADINGS[1], 2, para.line)
    elif para.depth == 1:
        # 一、 is exactly the hanging indent wide: a tab there would jump to the next stop.
        doc.paragraph(S.OUTLINE[0], para.line)
    else:
        level = min(para.depth, len(S.OUTLINE)) - 1
        text = labelled(para.label, para.line.removeprefix(para.label), layout.OUTLINE_EMS[level])
        doc.paragraph(S.OUTLINE[level], text)


def section(doc: Document, sec: Section) -> None:
    """壹、計畫依據 … (a level-1 heading) with its own paragraph and numbered paragraphs."""
    doc.heading(S.HEADINGS[0], 1, sec.heading)
    if sec.intro:
        doc.paragraph(S.BODY, sec.intro)
    for top in sec.paras:
        for para in top.walk():
            _para(doc, para)


def annex_start(doc: Document, label: str, title_text: str | None) -> None:
    """A new page with 「附件 n」 at the top right, then the annex title, centred.

    The title is the annex's heading; without one the label itself is.
    """
    if not title_text:
        doc.heading(S.ANNEX_LABEL, 1, label)
        return
    doc.paragraph(S.ANNEX_LABEL, label)
    doc.heading(doc.variant(S.HEADINGS[0], {"fo:text-align": "center"}), 1, title_text)

