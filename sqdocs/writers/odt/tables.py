"""The table builder every generated table uses, and the annex tables (附件 1–3) laid out with
it from :mod:`sqdocs.writers.annex_tables`, which decides their cells for Word and ODF alike.

Column headers and widths come from :mod:`sqdocs.writers.layout`. A table's header row is
repeated on every page (``table:table-header-rows``); an item's cell spans the rows of its
points (``table:number-rows-spanned`` over ``table:covered-table-cell``), as in Word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree

from sqdocs.model import Annex1, Annex2, Roster
from sqdocs.writers import annex_tables, layout
from sqdocs.writers.annex_tables import Marked
from sqdocs.writers.layout import MERGED
from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt import xml
from sqdocs.writers.odt.document import Document
from sqdocs.writers.odt.xml import mm, sub

Cell = list[etree._Element]
"""A cell's paragraphs (and pictures in paragraphs)."""


def text(*texts: str) -> Cell:
    """Plain cell text, one paragraph each."""
    return [xml.paragraph(S.TABLE_TEXT, t) for t in texts]


def figures(*texts: str) -> Cell:
    """Centred cell text: numbers, 附件 1's 完成期限 and 承辦單位, the roster's short fields."""
    return [xml.paragraph(S.TABLE_FIGURE, t) for t in texts]


def listed(labelled: Sequence[str]) -> Cell:
    """Entries of ``outline.numbered``: the label, a tab, the text; wrapped lines hang under the text."""
    return [xml.paragraph(S.TABLE_LIST, "\t".join(entry.split(" ", 1))) for entry in labelled]


def keep_together(doc: Document, cell: Cell, content: Cell, width_mm: float) -> None:
    """Append ``content`` to ``cell`` kept together on one page (an evidence photo and the line
    naming it): a row that never splits, of a borderless table ``width_mm`` wide without padding.

    LibreOffice ignores keep-with-next and keep-together on a paragraph in a table cell, and
    splits a cell between any two lines; a row that may not split it keeps, in a cell too.
    Content kept after content kept is a row more of the same table: two tables in a row in a
    cell, LibreOffice laid out the second and those after it on top of each other.
    """
    if cell and cell[-1].tag == xml.qname("table:table"):
        table = cell[-1]
    else:
        table = xml.el("table:table", {
            "table:name": doc.next_name("表"),
            "table:style-name": doc.auto_style("table", {
                "style:width": mm(width_mm), "table:align": "left", "fo:margin-left": "0mm",
            }),
        })
        sub(table, "table:table-column", {
            "table:style-name": doc.auto_style("table-column", {"style:column-width": mm(width_mm)}),
        })
        cell.append(table)
    row = sub(table, "table:table-row", {"table:style-name": doc.auto_style("table-row", {"fo:keep-together": "always"})})
    sub(row, "table:table-cell", {
        "table:style-name": doc.auto_style("table-cell", {"fo:padding": "0mm", "fo:border": "none"}),
        "office:value-type": "string",
    }).extend(content)


def marked(entries: Sequence[Marked]) -> Cell:
    """A cell of numbered or ☐ entries, each hanging after its mark (Table List)."""
    return [xml.paragraph(S.TABLE_LIST, f"{mark}\t{entry}") for mark, entry in entries]


class AnnexTable:
    """A table of ``columns`` with a repeated header row, filled row by row, written by :meth:`finish`."""

    def __init__(self, doc: Document, columns: Sequence[layout.Column], *, middle: bool = False):
        """``middle``: every cell centred between its top and bottom, as short rows read best
        (a roster, a table of figures); else text starts at the top, beside long neighbours."""
        self.doc = doc
        self.middle = middle
        self.columns = tuple(columns)
        self.rows: list[tuple[tuple[Cell | layout.Merged, ...], bool]] = []
        self._cell_styles: dict[tuple[str, bool], str] = {}  # by vertical alignment and shading

    def row(self, *cells: Cell | layout.Merged, keep_together: bool = False) -> None:
        """A row of ``cells``; ``MERGED`` where the cell above spans down over this row.

        ``keep_together`` keeps the row on one page (short rows such as a roster entry).
        """
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        if not self.rows and any(c is MERGED for c in cells):
            raise ValueError("the first row has no cell above to merge with")
        self.rows.append((cells, keep_together))

    def _spans(self) -> list[list[int]]:
        """Rows each cell spans (0 for a covered cell)."""
        spans = [[0 if c is MERGED else 1 for c in cells] for cells, _ in self.rows]
        for col in range(len(self.columns)):
            top = 0
            for r in range(len(self.rows)):
                if spans[r][col]:
                    top = r
                else:
                    spans[top][col] += 1
        return spans

    def finish(self) -> etree._Element:
        """The ``table:table``, appended to the document."""
        doc = self.doc
        width = sum(c.width_mm for c in self.columns)
        table = xml.el("table:table", {
            "table:name": doc.next_name("表"),
            "table:style-name": doc.auto_style("table", {
                "style:width": mm(width), "table:align": "left", "fo:margin-left": "0mm",
                # No space below: LibreOffice adds a blank last page after a final table with one.
                "style:may-break-between-rows": "true", "table:border-model": "collapsing",
            }),
        })
        for column in self.columns:
            sub(table, "table:table-column", {
                "table:style-name": doc.auto_style("table-column", {"style:column-width": mm(column.width_mm)}),
            })
        header = sub(sub(table, "table:table-header-rows"), "table:table-row")
        for column in self.columns:
            self._cell(header, [xml.paragraph(S.TABLE_HEADER, column.header)], 1, "middle", shaded=True)
        split = doc.auto_style("table-row", {"fo:keep-together": "auto"})
        keep = doc.auto_style("table-row", {"fo:keep-together": "always"})
        for (cells, keep_together), spans in zip(self.rows, self._spans(), strict=True):
            row = sub(table, "table:table-row", {"table:style-name": keep if keep_together else split})
            for cell, span in zip(cells, spans, strict=True):
                if cell is MERGED:
                    sub(row, "table:covered-table-cell")
                else:
                    self._cell(row, cell, span, "middle" if self.middle else "top")
        doc.add(table)
        return table

    def _cell(self, row: etree._Element, content: Cell, span: int, valign: str, shaded: bool = False) -> None:
        style = self._cell_styles.get((valign, shaded))
        if style is None:  # asked for every cell: the style's name is looked up once per table
            props = {
                "style:vertical-align": valign, "fo:border": S.BORDER,
                "fo:padding-left": mm(layout.CELL_PADDING_MM), "fo:padding-right": mm(layout.CELL_PADDING_MM),
                "fo:padding-top": mm(layout.CELL_PADDING_V_MM), "fo:padding-bottom": mm(layout.CELL_PADDING_V_MM),
            }
            if shaded:
                props["fo:background-color"] = f"#{layout.hex_colour(layout.HEADER_SHADE).lower()}"
            style = self._cell_styles[(valign, shaded)] = self.doc.auto_style("table-cell", props)
        attrs = {"table:style-name": style, "office:value-type": "string"}
        if span > 1:
            attrs["table:number-rows-spanned"] = str(span)
        cell = sub(row, "table:table-cell", attrs)
        cell.extend(content or [xml.paragraph(S.TABLE_TEXT)])  # a cell holds at least one paragraph


# ---- annex tables ------------------------------------------------------------------------


def cell(content: annex_tables.Cell) -> Cell | layout.Merged:
    """A cell of :mod:`sqdocs.writers.annex_tables` as this writer's paragraphs."""
    if isinstance(content, annex_tables.Text):
        return text(*content.texts)
    if isinstance(content, annex_tables.Centred):
        return figures(*content.texts)
    if isinstance(content, annex_tables.Entries):
        return marked(content.entries)
    return MERGED


def add_rows(table: AnnexTable, rows: Sequence[annex_tables.Row]) -> None:
    for row in rows:
        table.row(*map(cell, row.cells), keep_together=row.keep_together)


def add_table(doc: Document, spec: annex_tables.Table) -> None:
    """``spec`` under its caption (a level-2 heading), if it has one."""
    if spec.caption is not None:
        doc.heading(S.HEADINGS[1], 2, spec.caption)
    table = AnnexTable(doc, spec.columns, middle=spec.middle)
    add_rows(table, spec.rows)
    table.finish()


def merged_rows(table: AnnexTable, rows: list[tuple[str, ...]], merged_columns: int) -> None:
    """Rows of plain text, their first ``merged_columns`` cells spanning down while they repeat
    (:func:`annex_tables.merged_rows`)."""
    add_rows(table, annex_tables.merged_rows(rows, merged_columns))


def annex1(doc: Document, annex: Annex1) -> None:
    """附件 1: a captioned table per dimension."""
    for spec in annex_tables.annex1(annex):
        add_table(doc, spec)


def checklist(doc: Document, dimensions: Sequence, marks: Callable[[object], Sequence[Marked]]) -> None:
    """A captioned checklist table per dimension (:func:`annex_tables.checklist`)."""
    for spec in annex_tables.checklist(dimensions, marks):
        add_table(doc, spec)


def annex2(doc: Document, annex: Annex2) -> None:
    """附件 2: the diagnosis checklist, a ☐ before every entry."""
    for spec in annex_tables.annex2(annex):
        add_table(doc, spec)


def roster(doc: Document, annex: Roster) -> None:
    """附件 3: the assessment team, one row per member in the data's order."""
    add_table(doc, annex_tables.roster(annex))
