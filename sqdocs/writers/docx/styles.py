"""Names of the Word styles the templates define and the writer applies.

The templates (templates/*.docx) own how each style looks; the writer only names
them, so restyling the template restyles the generated document. See docs/templates.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.styles.style import StyleFactory

from sqdocs.writers.layout import EAST_ASIAN_FONT, LATIN_FONT  # noqa: F401 — the names templates use

TITLE = "Title"
HEADING_1 = "Heading 1"  # 壹、… and annex titles
HEADING_2 = "Heading 2"  # 一、 as a heading, and dimension captions in the annexes
HEADING_3 = "Heading 3"  # report: (一) 評核項目
HEADING_4 = "Heading 4"  # report: 1. 評核重點
BODY = "Body Text"  # a section's own paragraph (參、執行對象 …)
OUTLINE = ("Outline 1", "Outline 2", "Outline 3", "Outline 4")  # 一、 (一) 1. (1), label hanging
ANNEX_LABEL = "Annex Label"  # 「附件 1」 at the top right of a new page

TABLE = "Annex Table"  # table style: borders and cell padding of every annex table
TABLE_HEADER = "Table Header"  # column headers
TABLE_TEXT = "Table Text"  # ordinary cell text
TABLE_LIST = "Table List"  # numbered practices and ☐ entries: one paragraph each, label hanging
TABLE_FIGURE = "Table Figure"  # report: figures in the summary table, centred
FIGURE = "Figure"  # report: the paragraph holding a chart, centred
CAPTION = "Caption"  # report: 圖 1 … under a chart

GENERATED = (HEADING_2, TABLE, TABLE_HEADER, TABLE_TEXT, TABLE_LIST)
"""Styles the writer applies to content it builds itself; a template must define them."""

REPORT_GENERATED = (*GENERATED, HEADING_3, HEADING_4, BODY, TABLE_FIGURE, FIGURE, CAPTION)
"""The report builds most of its body itself, so its template needs these as well."""


def find(document, names: Sequence[str]) -> dict[str, object]:
    """The template's styles called ``names`` (None for a missing one), looked up in one pass.

    Case is ignored: Word names built-in styles "heading 2", LibreOffice saves them as
    "Heading 2", and python-docx's own lookup is exact. The first style of a name wins.
    """
    # Read from the XML: wrapping each of a template's ~170 styles in python-docx's objects to
    # ask its name took a third of opening a template. python-docx's name mapping (BabelFish)
    # only changes case, which casefold already ignores.
    by_name: dict[str, object] = {}
    for element in document.styles.element.style_lst:
        if name := element.name_val:
            by_name.setdefault(name.casefold(), element)
    return {name: StyleFactory(found) if (found := by_name.get(name.casefold())) is not None else None
            for name in names}
