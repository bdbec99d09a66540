"""The annex tables: 附件 1 implementation items, 附件 2 checklist, 附件 3 roster.

Headers and column widths come from :mod:`sqdocs.writers.layout`; numbering from
:mod:`sqdocs.outline`.

An item (評核項目) spans the rows of its points. It is not a reportlab SPAN: a span cannot
split when its rows are taller than a page. Instead the label sits in the group's first row
and the horizontal lines of that column are left out inside the group, so it looks merged
while every row can still split across pages. Where a page starts inside a group (or inside
a split row) the item and point names are repeated with 「（續）」, so no page is anonymous; a
name too long to repeat (taller than :data:`_REPEAT_LINES`) goes on where it was cut, or is
repeated cut short with 「……」, so that a name taller than a page cannot come back on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from sqdocs.model import CheckDimension, Dimension, Roster, deadline_text
from sqdocs.outline import numbered
from sqdocs.report import CheckDimensionMarks
from sqdocs.writers import layout
from sqdocs.writers.layout import Column
from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.text import TABLE_LEADING, Typesetter

OUTER_LINE = 0.9
INNER_LINE = 0.5
HEADER_SHADE = colors.Color(*layout.HEADER_SHADE)
PADDING = (layout.CELL_PADDING_MM * mm, layout.CELL_PADDING_V_MM * mm + layout.TABLE_LINE_PT / 2) * 2
"""Left, top, right and bottom padding of a cell's text (pt), as the Word template's and the .odt's
tables; above and below, half the line Word and LibreOffice lay out between two rows as well, so
a row is as tall as theirs and the text as far from each line's edge as the padding."""

Cell = list[Flowable]


CONTINUED = "（續）"


@dataclass
class Row:
    """A table row; ``carry`` are the labels (column → text) repeated when a page starts in it."""

    cells: list[Cell]
    merged: int = 0  # the first ``merged`` columns continue the previous row's (merged-looking) cells
    carry: dict[int, str] = field(default_factory=dict)

    def carried(self, split_inside: bool) -> dict[int, str]:
        """Labels to repeat at the top of a page that starts with this row (or its rest)."""
        if split_inside:
            return self.carry
        return {col: self.carry[col] for col in range(self.merged) if col in self.carry}


class GroupedTable(Table):
    """A Table that repeats the item / point labels on the page where their rows continue."""

    sq_rows: list[Row | None] = []  # one per table row, None for the header
    sq_label = None  # (text, where for messages) → cell content

    sq_whole: frozenset[int] = frozenset()
    """Columns whose cell is never split across pages (a 承辦單位 list): its row moves on whole."""
    sq_keep: float | None = None
    """Rows no taller than this stay on one page (the report's, as Word and ODF keep them)."""

    sq_room: float | None = None
    """On the rest of a table whose split row was moved on whole: the room left on that page."""

    def split(self, availWidth, availHeight):  # reportlab's names
        if self.sq_room is not None and availHeight <= self.sq_room + 0.5:
            # Nothing of this rest on the page its first part ends: start the next one with it.
            # (On a new page there is more room, and the rest is laid out as usual.)
            self.sq_room = None
            return []
        parts = self._split(availWidth, availHeight)
        if len(parts) == 2 and not _progresses(self, parts[1]):
            # A rest holding all that this table holds would come back on every page, for
            # ever: whatever the rules above did, split so that less is left.
            parts = self._split_anyhow(availWidth, availHeight)
        return parts

    def _splitRows(self, availHeight, doInRowSplit=0):  # reportlab's names
        if not doInRowSplit:
            return super()._splitRows(availHeight, doInRowSplit)
        # reportlab splits a centred (MIDDLE) cell where its text sits in the whole row: a name
        # beside a duty taller than a page went to the row's last page, left blank on the first,
        # and that part was drawn a page tall. It also moves the cells' styles (padding, valign)
        # in place, so a row split here and then moved on whole was drawn off centre. Split as if
        # top-aligned, then give both parts back their centring.
        styles = [style for row in self._cellStyles for style in row]
        saved = [(s.valign, s.topPadding, s.bottomPadding) for s in styles]
        for style in styles:
            if style.valign == "MIDDLE":
                style.valign = "TOP"
        try:
            parts = super()._splitRows(availHeight, doInRowSplit)
        finally:
            for style, (valign, top, bottom) in zip(styles, saved, strict=True):
                style.valign, style.topPadding, style.bottomPadding = valign, top, bottom
        if len(parts) == 2 and parts[0]._nrows + parts[1]._nrows - self.repeatRows == self._nrows + 1:
            # The rest of the split row has copies of its styles, made while top-aligned.
            row = self._cellStyles[parts[0]._nrows - 1]
            for copy, style in zip(parts[1]._cellStyles[self.repeatRows], row, strict=True):
                copy.valign = style.valign
        return parts

    def _splitCell(self, value, style, oldHeight, newHeight, width):  # reportlab's names
        # reportlab fills the part of a split row left on a page down to the cut, into its
        # bottom padding; Word keeps a cell's padding there too, above the rule.
        return super()._splitCell(value, style, oldHeight, newHeight - style.bottomPadding, width)

    def _split(self, availWidth: float, availHeight: float) -> list[Table]:
        """The split with the keep-together rules and the labels repeated."""
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2 or not self.sq_rows:
            return parts
        head = self.repeatRows
        # A row split in two appears in both parts: one row more than before.
        split_inside = parts[0]._nrows + parts[1]._nrows - head == self._nrows + 1
        if split_inside and not any(parts[0]._cellvalues[-1]):
            # Nothing of the row fitted here (a centred cell gives way where a top-aligned one
            # refuses): move the whole row on rather than leave an empty strip.
            parts = self._splitRows(availHeight, doInRowSplit=False)
            if len(parts) != 2:
                return parts
            split_inside = False
        moved = False
        if split_inside and any(parts[1]._cellvalues[head]) and self._split_is_poor(parts):
            # A line or so of a row alone at the foot of a page or the top of the next reads
            # as a stray, and so do a rest that would hold nothing but repeated labels and a
            # 承辦單位 list cut in two: move the whole row to the next page when rows before
            # it fill this one.
            whole = self._splitRows(availHeight, doInRowSplit=False)
            if len(whole) == 2:
                parts, split_inside, moved = whole, False, True
        if not split_inside and parts[1]._nrows - head == 1 and parts[0]._nrows - head >= 3:
            # One short last row alone under the repeated header reads as a stray too: take
            # the row before it along, when that row is short (a tall one would leave a gap).
            widow = self._fewer_rows(parts[0], availWidth)
            if widow is not None:
                parts, moved = widow, True
        top, rest = parts
        # Close the part left on this page: reportlab's BOX (and 'splitlast') is lost once a
        # row has been split twice, leaving a page that ends in open columns.
        top.setStyle([("LINEBELOW", (0, -1), (-1, -1), OUTER_LINE, colors.black)])
        first = top._nrows - 1 if split_inside else top._nrows
        if split_inside and not any(rest._cellvalues[head]):
            # The row fitted but for its bottom padding: drop its empty rest, which would
            # otherwise open the next page as a blank row.
            rest = _drop_first_row(rest, availWidth, head)
            if rest is None:
                return [top]
            split_inside, first = False, first + 1
        top.sq_rows, rest.sq_rows = self.sq_rows[: top._nrows], [None] * head + self.sq_rows[first:]
        for part in (top, rest):
            part.sq_label, part.sq_whole, part.sq_keep = self.sq_label, self.sq_whole, self.sq_keep
        row = self.sq_rows[first]
        labels = row.carried(split_inside) if row else {}
        if labels:
            cells = list(rest._cellvalues[head])  # a new row list: the old one may be shared
            for col, text in labels.items():
                # The label's own text ran over: a label too long to repeat reads on as it was cut.
                ran_over = split_inside and cells[col] and not _repeated(self._cellvalues[first][col])
                cells[col] = self._repeated_label(text, _inner(self, col), cells[col] if ran_over else None)
            rest._cellvalues = [*rest._cellvalues[:head], cells, *rest._cellvalues[head + 1 :]]
            # The row's height was measured without the label: measure it again.
            rest._argH = rest._rowHeights = [*rest._argH[:head], None, *rest._argH[head + 1 :]]
        rest.sq_room = availHeight - top.wrap(availWidth, availHeight)[1] if moved else None
        return [top, rest]

    def _repeated_label(self, text: str, width: float, rest: Cell | None) -> Cell:
        """The label ``text`` again with 「（續）」, at most :data:`_REPEAT_LINES` lines tall.

        A longer one is not repeated whole, or a label taller than a page would come back
        on every page and the row never end: ``rest``, the part of the label that ran over,
        goes on where there is one, else as many of its first characters as fit, then 「……」."""
        where = text + CONTINUED  # a character no font has is reported there, however cut
        cell = self.sq_label(where, where)
        room = _REPEAT_LINES * _LINE
        if _height(cell, width) > room:
            if rest:
                return rest
            lo, hi = 0, len(text)  # the longest start that fits, found by halving
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if _height(self.sq_label(text[:mid] + ELLIPSIS + CONTINUED, where), width) <= room:
                    lo = mid
                else:
                    hi = mid - 1
            cell = self.sq_label(text[:lo] + ELLIPSIS + CONTINUED, where)
        for flowable in cell:
            flowable.sq_repeated = True
        return cell

    def _split_anyhow(self, availWidth: float, availHeight: float) -> list[Table]:
        """reportlab's own split, or else one between rows, if it leaves the rest shorter than
        this table (none if neither does).

        Its rest is a plain table (no :attr:`sq_rows`): it is cut, never given anything, so
        each page leaves it shorter until it ends. Its labels are not repeated any more."""
        for parts in (super().split(availWidth, availHeight), self._splitRows(availHeight, doInRowSplit=False)):
            if len(parts) == 2 and _shorter(self, parts[1], availWidth):
                parts[0].setStyle([("LINEBELOW", (0, -1), (-1, -1), OUTER_LINE, colors.black)])
                return parts
        return []

    def _split_is_poor(self, parts: list[Table]) -> bool:
        """Whether the row split across ``parts`` is no taller than :attr:`sq_keep`, or leaves
        a stub: two lines or fewer of its text on either side (as the check by row height did:
        a 2-line part, 「創新性」's, moved on), a cell of the :attr:`sq_whole` columns cut in
        two, or only labels to go on.

        Lines are counted in the row's text columns, not in its labels or 承辦單位 list: a
        3-line 評核重點 beside one line of 具體作法 still leaves that line alone."""
        top, rest = parts
        r, head = top._nrows - 1, self.repeatRows
        if self.sq_keep is not None and self._rowHeights[r] <= self.sq_keep:
            return True
        if any(top._cellvalues[r][col] and rest._cellvalues[head][col] for col in self.sq_whole):
            return True
        row = self.sq_rows[r]
        text = [col for col in range(self._ncols) if col not in self.sq_whole and not (row and col in row.carry)]
        return (
            _text_lines(top, r, text) < _LEAST_LINES
            or _text_lines(rest, head, text) < _LEAST_LINES
            or self._only_labels_go_on(parts)
        )

    def _fewer_rows(self, top: Table, width: float) -> list[Table] | None:
        """The split with the last row of ``top`` moved on as well, if that row is short."""
        short = 3 * layout.TABLE_PT * TABLE_LEADING + PADDING[1] + PADDING[3]
        if _row_height(top, top._nrows - 1, width) > short:
            return None
        self._calc(width, 1e9)
        parts = self._splitRows(sum(self._rowHeights[: top._nrows - 1]) + 0.01, doInRowSplit=False)
        return parts if len(parts) == 2 else None

    def _only_labels_go_on(self, parts: list[Table]) -> bool:
        """Whether the rest of a split row has nothing in the columns that are not repeated
        anyway: only a label (a long 評核重點) ran over, and the page would show it again
        with 「（續）」 beside empty cells."""
        top, rest = parts
        row = self.sq_rows[top._nrows - 1]
        if row is None or not row.carry:
            return False
        cells = rest._cellvalues[self.repeatRows]
        return not any(cell for col, cell in enumerate(cells) if col not in row.carry)


_LINE = layout.TABLE_PT * TABLE_LEADING
KEPT_ROW_HEIGHT = layout.KEEP_TOGETHER_LINES * _LINE + PADDING[1] + PADDING[3]
"""The tallest row of the report's results kept on one page, as the .docx keeps one of
layout.KEEP_TOGETHER_LINES lines (:func:`layout.result_row_keeps_together`)."""
_LEAST_LINES = 3
"""Lines of text a split row keeps on each side of a page break."""
_REPEAT_LINES = 12
"""Lines a label repeated where a page starts inside its rows may take (a 評核重點 of some
sixty characters): a longer one is cut short with 「……」 (:meth:`GroupedTable._repeated_label`)."""
ELLIPSIS = "……"


def _height(cell: Cell | None, width: float) -> float:
    """The height of the flowables of ``cell`` set ``width`` wide (its padding not counted)."""
    return sum(f.wrap(width, 1e9)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in cell or ())


def _inner(table: Table, col: int) -> float:
    """The width of the text in column ``col`` of ``table``: the column less its padding."""
    return table._colWidths[col] - PADDING[0] - PADDING[2]


def _repeated(cell: Cell | None) -> bool:
    """Whether ``cell`` is a label repeated where a page starts (not the data's own text)."""
    return any(getattr(f, "sq_repeated", False) for f in cell or ())


def _content(table: Table) -> tuple[int, float]:
    """How much of the data ``table`` holds: its rows below the header, and the height of the
    text and pictures in their cells, repeated labels left out."""
    head = table.repeatRows
    total = 0.0
    for row in table._cellvalues[head:]:
        for col, cell in enumerate(row):
            if isinstance(cell, list | tuple) and not _repeated(cell):
                total += _height(cell, _inner(table, col))
    return table._nrows - head, total


def _progresses(table: Table, rest: Table) -> bool:
    """Whether ``rest``, the part of ``table`` left for the next page, holds less than
    ``table``: fewer rows, or as many with less in them. (Not whether it is shorter: a row
    may go on taller than it was, its labels repeated, and still end on the next page.)"""
    (rows, amount), (rest_rows, rest_amount) = _content(table), _content(rest)
    return rest_rows < rows or (rest_rows == rows and rest_amount < amount - 0.5)


def _shorter(table: Table, rest: Table, width: float) -> bool:
    """Whether ``rest``, the part of ``table`` left for the next page, has fewer rows than
    ``table``, or as many and is less tall."""
    head = table.repeatRows
    (rows, height), (rest_rows, rest_height) = (
        (t._nrows - head, sum(_row_heights(t, width)[head:])) for t in (table, rest)
    )
    return rest_rows < rows or (rest_rows == rows and rest_height < height - 0.5)


def _text_lines(table: Table, row: int, columns: Sequence[int]) -> float:
    """How many lines the tallest of ``columns`` holds in ``row`` of ``table`` (a picture
    counts by its height)."""
    tallest = max((_height(table._cellvalues[row][col], _inner(table, col)) for col in columns), default=0.0)
    return round(tallest / _LINE, 2)


def _row_heights(table: Table, width: float) -> list[float]:
    table._calc(width, 1e9)
    return table._rowHeights


def _row_height(table: Table, row: int, width: float) -> float:
    return _row_heights(table, width)[row]


def _drop_first_row(table: Table, width: float, head: int) -> Table | None:
    """``table`` without its first row below the header (None if no row is left).

    Done by splitting just below that row, so reportlab keeps the line and cell styles right.
    """
    table._calc(width, 1e9)
    below = sum(table._rowHeights[: head + 1]) + 0.01
    parts = table._splitRows(below, doInRowSplit=False)
    return parts[1] if len(parts) == 2 else None


def grid(
    columns: Sequence[Column], rows: list[Row], ts: Typesetter, valign: str = "TOP", *,
    whole: Sequence[int] = (), keep_rows: bool | float = False,
) -> Table:
    """A table with a header row repeated on every page; rows may split across pages, but not
    the cells of the ``whole`` columns, nor, with ``keep_rows``, a row no taller than a page, or
    than ``keep_rows`` points when it is a number (as Word keeps a row it may not split: w:cantSplit)."""
    header = [[ts.para(c.header, ts.styles.header, f"表頭「{c.header}」")] for c in columns]
    data = [header, *[row.cells for row in rows]]
    left, top, right, bottom = PADDING
    style = [
        ("FONT", (0, 0), (-1, -1), ts.fonts.main, layout.TABLE_PT),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), left),
        ("TOPPADDING", (0, 0), (-1, -1), top),
        ("RIGHTPADDING", (0, 0), (-1, -1), right),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE),
        ("BOX", (0, 0), (-1, -1), OUTER_LINE, colors.black),
        ("LINEAFTER", (0, 0), (-2, -1), INNER_LINE, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), OUTER_LINE, colors.black),
    ]
    for r in range(1, len(rows)):  # the line below data row r (table row r) …
        first = rows[r].merged  # … left out under merged-looking labels
        style.append(("LINEBELOW", (first, r), (-1, r), INNER_LINE, colors.black))
    # splitByRow=0: fill the page and split the row that does not fit (as Word does), rather
    # than leave the rest of the page empty; a row taller than a page must split anyway.
    table = GroupedTable(
        data, colWidths=[c.width_mm * mm for c in columns], repeatRows=1,
        splitByRow=0, splitInRow=1, style=style, hAlign="LEFT",
    )
    table.sq_rows = [None, *rows]
    table.sq_whole = frozenset(whole)
    if keep_rows:
        table.sq_keep = furniture.FRAME_HEIGHT if keep_rows is True else float(keep_rows)
    table.sq_label = lambda text, where: [ts.para(text, ts.styles.cell, where)]
    return table


def numbered_cell(texts: Sequence[str], ts: Typesetter, where: str) -> Cell:
    """Numbered entries (1. 2. …), each with its number hanging as Word's Table List sets it."""
    cell = []
    for n, line in enumerate(numbered(list(texts)), 1):
        label, text = line.split(" ", 1)  # outline.numbered writes 「1. text」
        cell.append(ts.outline(label, text, ts.styles.cell, f"{where}第 {n} 項", layout.TABLE_LIST_EMS))
    return cell


def checked_cell(entries: Sequence[tuple[str, str]], ts: Typesetter, where: str) -> Cell:
    """Checklist entries, each after its mark (☐ or ☑) that hangs, as :func:`numbered_cell`."""
    return [
        ts.outline(mark, text, ts.styles.cell, f"{where}第 {n} 項", layout.TABLE_LIST_EMS)
        for n, (mark, text) in enumerate(entries, 1)
    ]


def text_cell(text: str, ts: Typesetter, where: str, center: bool = False) -> Cell:
    """A table cell of one paragraph (none for empty text) in the cell style, centred if asked."""
    return [ts.para(text, ts.styles.cell_center if center else ts.styles.cell, where)] if text else []


def annex1_table(dim: Dimension, ts: Typesetter, where: str, *, columns: tuple[Column, ...]) -> Table:
    """附件 1, one dimension: 評核項目 | 評核重點 | 具體作法 | 完成期限 | 承辦單位 (整體: 評核重點 | 辦理事項);
    ``columns`` those of the whole annex (:func:`layout.annex1_columns`)."""
    if dim.scope == "整體":
        point_h, action_h = (c.header for c in layout.ANNEX1_OVERALL_COLUMNS)
        rows = [
            Row([
                text_cell(p.name, ts, f"{where}{point_h}「{p.name}」"),
                numbered_cell(p.actions, ts, f"{where}「{p.name}」{action_h}"),
            ], carry={0: p.name})
            for p in dim.points
        ]
        return grid(layout.ANNEX1_OVERALL_COLUMNS, rows, ts)
    item_h, point_h, practice_h, deadline_h, units_h = (c.header for c in columns)

    def point_cells(p) -> list[Cell]:
        at = f"{where}「{p.name}」"
        return [
            text_cell(p.name, ts, f"{where}{point_h}「{p.name}」"),
            numbered_cell(p.practices, ts, f"{at}{practice_h}"),
            text_cell(deadline_text(p.deadline), ts, f"{at}{deadline_h}", center=True),
            [ts.para(u, ts.styles.cell_center, f"{at}{units_h}") for u in p.units],
        ]

    # 完成期限 and the 承辦單位 list are short: split, a unit or two would stray onto the next page.
    return grid(columns, _item_rows(dim.items, point_cells, ts, f"{where}{item_h}"), ts, whole=(3, 4))


def _item_rows(items, point_cells: Callable[[Any], list[Cell]], ts: Typesetter, where: str) -> list[Row]:
    """Rows of an individual dimension: 評核項目 | ``point_cells(point)``…, the item's cell
    merged over its points (``where`` names the item column in messages)."""
    rows = []
    for item in items:
        for i, p in enumerate(item.points):
            item_cell = text_cell(item.name, ts, f"{where}「{item.name}」") if i == 0 else []
            rows.append(Row([item_cell, *point_cells(p)], merged=int(i > 0), carry={0: item.name, 1: p.name}))
    return rows


def annex2_table(dim: CheckDimension, ts: Typesetter, where: str) -> Table:
    """附件 2, one dimension: 評核項目 | 評核重點 | 辦理事項 with ☐ (整體: 評核重點 | 辦理事項)."""
    return checklist_table(dim, lambda p: [(layout.CHECKBOX, e) for e in p.entries], ts, where)


def marked_checklist_table(dim: CheckDimensionMarks, ts: Typesetter, where: str) -> Table:
    """The 附件 2 table of the report: each entry with ☑ where evidence supports it, else ☐."""
    return checklist_table(dim, lambda p: [(e.mark, e.text) for e in p.entries], ts, where)


def checklist_table(dim, entries: Callable[[Any], list[tuple[str, str]]], ts: Typesetter, where: str) -> Table:
    """One dimension of 附件 2; ``entries(point)`` gives each entry's mark and text."""
    if dim.scope == "整體":
        point_h, entry_h = (c.header for c in layout.ANNEX2_OVERALL_COLUMNS)
        rows = [
            Row([
                text_cell(p.name, ts, f"{where}{point_h}「{p.name}」"),
                checked_cell(entries(p), ts, f"{where}「{p.name}」{entry_h}"),
            ], carry={0: p.name})
            for p in dim.points
        ]
        return grid(layout.ANNEX2_OVERALL_COLUMNS, rows, ts)
    item_h, point_h, entry_h = (c.header for c in layout.ANNEX2_COLUMNS)

    def point_cells(p) -> list[Cell]:
        return [
            text_cell(p.name, ts, f"{where}{point_h}「{p.name}」"),
            checked_cell(entries(p), ts, f"{where}「{p.name}」{entry_h}"),
        ]

    return grid(layout.ANNEX2_COLUMNS, _item_rows(dim.items, point_cells, ts, f"{where}{item_h}"), ts)


def roster_table(roster: Roster, ts: Typesetter, where: str) -> Table:
    """附件 3: 職稱 | 現職 | 姓名 | 職掌 | 備考, one row per member in the data's order."""
    columns = layout.roster_columns(roster)
    heads = [c.header for c in columns]
    duty_h = heads[3]  # the one long-text column, set flush left
    rows = []
    for n, m in enumerate(roster.members, 1):
        values = (m.role, m.position, m.name, m.duty, m.note)
        rows.append(Row([
            text_cell(value, ts, f"{where}第 {n} 列 {head}", center=head != duty_h)
            for value, head in zip(values, heads, strict=True)
        ]))
    return grid(columns, rows, ts, valign="MIDDLE")  # short rows: centred reads best
