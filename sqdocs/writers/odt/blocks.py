"""Blocks every document shares: the title, numbered sections and the start of an annex.

Text and numbering come from :mod:`sqdocs.outline`; these functions choose styles and
outline levels only, as the Word templates do.
"""

from __future__ import annotations

from sqdocs.outline import Para, Section
from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt.document import Document


def title(doc: Document, text: str) -> None:
    """The document's title (a \n in it breaks the line)."""
    doc.paragraph(S.TITLE, text)


def _para(doc: Document, para: Para) -> None:
    """A numbered paragraph; a bare 一、 title over sub-clauses is a level-2 heading."""
    if para.is_heading:
        doc.heading(S.HEADINGS[1], 2, para.line)
    elif para.depth == 1:
        # 一、 is exactly the hanging indent wide: a tab there would jump to the next stop.
        doc.paragraph(S.OUTLINE[0], para.line)
    else:
        style = S.OUTLINE[min(para.depth, len(S.OUTLINE)) - 1]
        doc.paragraph(style, f"{para.label}\t{para.line.removeprefix(para.label)}")


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

