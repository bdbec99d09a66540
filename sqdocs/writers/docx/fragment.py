"""Generated content for a ``{{p … }}`` tag of the template, styled by the template."""

from __future__ import annotations

import functools

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from sqdocs.writers.docx import oxml
from sqdocs.writers.docx import styles as S


class Fragment(BlockItemContainer):
    """Paragraphs and tables to splice into a template in place of a ``{{p name }}`` tag.

    Its parent is the template document, so style names resolve against the template's
    styles. This is what docxtpl's ``Subdoc`` does, without its docxcompose dependency.
    """

    def __init__(self, document: Document, styles: dict[str, BaseStyle]):
        super().__init__(OxmlElement("w:body"), document)
        self._styles = styles
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_style_id = default.style_id if default is not None else None
        self._ids: dict[str, str | None] = {}

    def add_paragraph(self, text: str = "", style: BaseStyle | None = None) -> Paragraph:  # type: ignore[override]
        paragraph = super().add_paragraph(text)
        if style is not None:
            self.set_style(paragraph, style)
        return paragraph

    def set_style(self, paragraph: Paragraph, style: BaseStyle) -> None:
        """Give ``paragraph`` a style of the template.

        python-docx's ``paragraph.style = …`` searches every style for the default on each
        call, which took most of the time of building a large table.
        """
        paragraph._p.style = self._written_id(style)

    def style_id(self, name: str) -> str | None:
        """The id to write in ``w:pStyle`` for the template's style ``name``; None for the default style."""
        # Asked for every cell paragraph: each id is read from the style's XML once per fragment.
        try:
            return self._ids[name]
        except KeyError:
            written = self._ids[name] = self._written_id(self._styles[name])
            return written

    def _written_id(self, style: BaseStyle) -> str | None:
        # The default style is written as no style at all, as Word itself does.
        return None if style.style_id == self._default_style_id else style.style_id

    def append_table(self, tbl) -> Table:  # type: ignore[no-untyped-def]
        """Add a table built as XML (``oxml.new_table``) after what the fragment holds."""
        self._element.append(tbl)
        return Table(tbl, self)

    def style(self, name: str) -> BaseStyle:
        """The template's style ``name`` (see ``styles.find``)."""
        return self._styles[name]

    @functools.cached_property
    def table_indent(self) -> int:
        """The indent (twips) that puts the left line of a table of the template's table style
        on the margin, as the PDF and ODT tables are (:func:`oxml.table_indent_twips`)."""
        return oxml.table_indent_twips(self.style(S.TABLE), self.part.document.settings.element)

    def __html__(self) -> str:
        # Jinja (with autoescape) inserts an object's __html__ as markup, unescaped.
        return oxml.protect_braces(oxml.inner_xml(self._element))
