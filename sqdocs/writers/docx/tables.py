"""The table builder every generated table uses, and the annex tables (附件 1–3) laid out with
it from :mod:`sqdocs.writers.annex_tables`, which decides their cells for Word and ODF alike.

Column headers and proportions come from ``sqdocs.writers.layout``; fonts, sizes,
borders and indents from the template's styles (``styles.py`` names them), so a
restyled template restyles the tables too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docx.shared import Mm
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from sqdocs.model import Annex1, Annex2, Roster
from sqdocs.writers import annex_tables, layout
from sqdocs.writers.annex_tables import Marked
from sqdocs.writers.docx import oxml
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.fragment import Fragment
from sqdocs.writers.layout import MERGED
from sqdocs.writers.photos import Photo


@dataclass(frozen=True)
class CellPicture:
    """A picture that fills a paragraph of a cell (an evidence photo)."""

    photo: Photo
    width_mm: float
    name: str
    description: str


Block = tuple[str, "str | CellPicture"]
"""One paragraph of a cell: (style name, text or picture)."""


@dataclass(frozen=True)
class Kept:
    """Paragraphs of a cell kept together on one page (an evidence photo and the line naming it):
    a row of a borderless table inside the cell (:func:`oxml.kept_table`). Blocks kept one after
    another are rows of one table, as LibreOffice reads two tables with nothing between."""

    blocks: tuple[Block, ...]


def column_widths(columns: Sequence[layout.Column], text_width_twips: int) -> list[int]:
    """The layout's widths scaled to the template's text width (a template may change margins)."""
    total = sum(c.width_mm for c in columns)
    widths = [round(c.width_mm / total * text_width_twips) for c in columns]
    widths[-1] += text_width_twips - sum(widths)
    return widths


def text(*texts: str) -> list[Block]:
    """Plain cell text, one paragraph each."""
    return [(S.TABLE_TEXT, t) for t in texts]


CENTRED = "Table Text, centred"
"""Table text centred in its cell (完成期限, 承辦單位), as the PDF sets them: the template's
Table Text style and a centred paragraph, so a template needs no style more."""


def centred(*texts: str) -> list[Block]:
    """Centred cell text, one paragraph each."""
    return [(CENTRED, t) for t in texts]


def listed(labelled: Sequence[str]) -> list[Block]:
    """Entries of ``numbered``: the label is followed by a tab so wrapped lines hang under the text."""
    return [(S.TABLE_LIST, "\t".join(entry.split(" ", 1))) for entry in labelled]


def _checklist(entries: Sequence[Marked]) -> list[Block]:
    return [(S.TABLE_LIST, f"{mark}\t{entry}") for mark, entry in entries]


class AnnexTable:
    """A table with a repeated header row, built row by row."""

    def __init__(self, doc: Fragment, columns: Sequence[layout.Column], text_width_twips: int, *, middle: bool = False):
        """``middle``: every cell centred between its top and bottom, as short rows read best
        (a roster, a table of figures); else text starts at the top, beside long neighbours."""
        self.doc = doc
        self.middle = middle
        self.widths = column_widths(columns, text_width_twips)
        self._tops: list = [None] * len(columns)  # per column, the last cell not merged into the one above
        self.table: Table = doc.append_table(oxml.new_table(doc.style(S.TABLE).style_id, self.widths, doc.table_indent))
        header = oxml.add_row(self.table._tbl, self.widths, header=True)
        for tc, column, width in zip(header, columns, self.widths, strict=True):
            self._fill(tc, [(S.TABLE_HEADER, column.header)], width)
            oxml.shade(tc, layout.hex_colour(layout.HEADER_SHADE))
            oxml.center_vertically(tc)

    def row(self, *cells: list[Block | Kept] | layout.Merged, keep_together: bool = False) -> None:
        """A row of ``cells``; ``MERGED`` where the cell above continues down over this row.

        ``keep_together`` keeps the row on one page.
        """
        created = oxml.add_row(self.table._tbl, self.widths, keep_together=keep_together)
        for col, (tc, blocks) in enumerate(zip(created, cells, strict=True)):
            if blocks is MERGED:
                if self._tops[col] is None:
                    raise ValueError("the first row has no cell above to merge with")
                self._fill(tc, [], self.widths[col])
                oxml.merge_into(self._tops[col], tc)
            else:
                self._fill(tc, blocks, self.widths[col])  # type: ignore[arg-type]
                self._tops[col] = tc
                if self.middle:
                    oxml.center_vertically(tc)

    def finish(self) -> Table:
        return self.table

    def _fill(self, tc, blocks: list[Block | Kept], width_twips: int) -> None:  # type: ignore[no-untyped-def]
        """One paragraph per block in the cell ``width_twips`` wide; an empty cell keeps one empty paragraph."""
        kept = None  # the table of the blocks kept just above: blocks kept next are a row more of it
        for block in blocks or [(S.TABLE_TEXT, "")]:
            if isinstance(block, Kept):
                inside = width_twips - 2 * oxml.mm_to_twips(layout.CELL_PADDING_MM)
                if kept is None:
                    kept = oxml.kept_table(tc, inside)
                [row_cell] = oxml.add_row(kept, [inside], keep_together=True)
                for style, content in block.blocks:
                    self._paragraph(row_cell, style, content)
            else:
                kept = None
                self._paragraph(tc, *block)
        oxml.close_cell(tc)

    def _paragraph(self, tc, style: str, content: str | CellPicture) -> None:  # type: ignore[no-untyped-def]
        center = style == CENTRED
        style_id = self.doc.style_id(S.TABLE_TEXT if center else style)
        if isinstance(content, CellPicture):
            p = oxml.add_paragraph(tc, style_id, "")
            width, height = content.photo.size_mm(content.width_mm)
            picture = Paragraph(p, _Cell(tc, self.table)).add_run().add_picture(
                io.BytesIO(content.photo.data), width=Mm(width), height=Mm(height)
            )
            oxml.describe_picture(picture, content.name, content.description)
        else:
            oxml.add_paragraph(tc, style_id, content, center=center)


def cell(content: annex_tables.Cell) -> list[Block] | layout.Merged:
    """A cell of :mod:`sqdocs.writers.annex_tables` as this writer's paragraphs."""
    if isinstance(content, annex_tables.Text):
        return text(*content.texts)
    if isinstance(content, annex_tables.Centred):
        return centred(*content.texts)
    if isinstance(content, annex_tables.Entries):
        return _checklist(content.entries)
    return MERGED


def add_rows(table: AnnexTable, rows: Sequence[annex_tables.Row]) -> None:
    for row in rows:
        table.row(*map(cell, row.cells), keep_together=row.keep_together)


def add_table(doc: Fragment, spec: annex_tables.Table, text_width_twips: int) -> None:
    """``spec`` under its caption (a level-2 heading), if it has one."""
    if spec.caption is not None:
        doc.add_paragraph(spec.caption, doc.style(S.HEADING_2))
    table = AnnexTable(doc, spec.columns, text_width_twips, middle=spec.middle)
    add_rows(table, spec.rows)
    table.finish()


def merged_rows(table: AnnexTable, rows: list[tuple[str, ...]], merged_columns: int) -> None:
    """Rows of plain text, their first ``merged_columns`` cells merged down while they repeat
    (:func:`annex_tables.merged_rows`)."""
    add_rows(table, annex_tables.merged_rows(rows, merged_columns))


def annex1(doc: Fragment, annex: Annex1, text_width_twips: int) -> None:
    """附件 1: a captioned table per dimension."""
    for spec in annex_tables.annex1(annex):
        add_table(doc, spec, text_width_twips)


def checklist(
    doc: Fragment, dimensions: Sequence, text_width_twips: int, marks: Callable[[object], Sequence[Marked]]
) -> None:
    """A captioned checklist table per dimension (:func:`annex_tables.checklist`)."""
    for spec in annex_tables.checklist(dimensions, marks):
        add_table(doc, spec, text_width_twips)


def annex2(doc: Fragment, annex: Annex2, text_width_twips: int) -> None:
    """附件 2: the diagnosis checklist, a ☐ before every entry."""
    for spec in annex_tables.annex2(annex):
        add_table(doc, spec, text_width_twips)


def roster(doc: Fragment, annex: Roster, text_width_twips: int) -> None:
    """附件 3: the assessment team, one row per member in the data's order."""
    add_table(doc, annex_tables.roster(annex), text_width_twips)
