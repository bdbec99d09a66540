"""The annex tables (附件 1–3) and the report's checklist as rows of plain cells, for the Word
and ODF writers.

What each column holds and how it is aligned, which cells merge down over the rows below, and
which rows stay on one page are decided here once. Each writer only turns a cell into its own
paragraphs. The PDF's tables (writers/pdf/tables.py) follow the same layout with reportlab's
splitting rules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqdocs.model import Annex1, Annex2, Point, Roster, deadline_text
from sqdocs.outline import numbered
from sqdocs.text.numbering import outline_label
from sqdocs.writers import layout
from sqdocs.writers.layout import MERGED, Column, Merged

Marked = tuple[str, str]
"""A checklist entry: (☐ or ☑, text)."""


@dataclass(frozen=True)
class Text:
    """Plain cell text, one paragraph each."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class Centred:
    """Centred cell text, one paragraph each: 完成期限, 承辦單位, the roster's short fields."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class Entries:
    """Entries each after a label that hangs (1. 2. …, ☐, ☑), wrapped lines under the text."""

    entries: tuple[Marked, ...]


Cell = Text | Centred | Entries | Merged


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    keep_together: bool = False
    """The row stays on one page."""


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    """「一、個別評核構面-基礎服務」, a heading above the table; None for none."""
    middle: bool = False
    """Every cell centred between its top and bottom, as short rows read best (a roster)."""


def text(*texts: str) -> Text:
    return Text(texts)


def centred(*texts: str) -> Centred:
    return Centred(texts)


def listed(texts: Sequence[str]) -> Entries:
    """``texts`` numbered 1. 2. … (:func:`sqdocs.outline.numbered`)."""
    return Entries(tuple((label, rest) for label, _, rest in (entry.partition(" ") for entry in numbered(list(texts)))))


def _caption(n: int, caption: str) -> str:
    return f"{outline_label(1, n)}{caption}"


def _items_with_points(items, point_cells: Callable, keep: Callable[[object], bool]) -> tuple[Row, ...]:  # type: ignore[no-untyped-def]
    """Rows of an individual dimension: the 評核項目 cell merged down over its points; a row
    ``keep`` says is short stays on one page."""
    return tuple(
        Row((text(item.name) if n == 0 else MERGED, *point_cells(point)), keep_together=keep(point))
        for item in items
        for n, point in enumerate(item.points)
    )


def _practice_cells(point: Point) -> tuple[Cell, ...]:
    """評核重點 | 具體作法 | 完成期限 | 承辦單位 (one unit per line). A date's parts go one per
    line (:func:`layout.deadline_lines`): Word and LibreOffice would break it badly."""
    return (text(point.name), listed(point.practices), centred(*layout.deadline_lines(deadline_text(point.deadline))),
            centred(*point.units))


def annex1(annex: Annex1) -> list[Table]:
    """附件 1: a captioned table per dimension (整體評核構面: 評核重點 | 辦理事項)."""
    columns = layout.annex1_columns(annex)
    found = []
    for n, dim in enumerate(annex.dimensions, 1):
        if dim.items:
            rows = _items_with_points(dim.items, _practice_cells, lambda p: layout.keeps_together(p, columns))
            found.append(Table(columns, rows, _caption(n, dim.caption)))
        else:
            rows = tuple(Row((text(point.name), listed(point.actions))) for point in dim.points)
            found.append(Table(layout.ANNEX1_OVERALL_COLUMNS, rows, _caption(n, dim.caption)))
    return found


def checklist(dimensions: Sequence, marks: Callable[[object], Sequence[Marked]]) -> list[Table]:
    """A captioned checklist table per dimension: 評核項目 | 評核重點 | 辦理事項, a mark before every entry.

    ``dimensions`` are those of 附件 2 or of a compiled report (same shape); ``marks`` gives a
    point's entries with their marks. A point's row is kept on one page: split, a checklist row
    could leave one line alone under the repeated header (and LibreOffice has no widow control
    inside a table cell).
    """

    def cells(point) -> tuple[Cell, ...]:  # type: ignore[no-untyped-def]
        return text(point.name), Entries(tuple(marks(point)))

    found = []
    for n, dim in enumerate(dimensions, 1):
        if dim.items:
            rows = _items_with_points(dim.items, cells, keep=lambda point: True)
            found.append(Table(layout.ANNEX2_COLUMNS, rows, _caption(n, dim.caption)))
        else:
            rows = tuple(Row(cells(point), keep_together=True) for point in dim.points)
            found.append(Table(layout.ANNEX2_OVERALL_COLUMNS, rows, _caption(n, dim.caption)))
    return found


def annex2(annex: Annex2) -> list[Table]:
    """附件 2: the diagnosis checklist, a ☐ before every entry."""
    return checklist(annex.dimensions, lambda point: [(layout.CHECKBOX, e) for e in point.entries])  # type: ignore[attr-defined]


def roster(annex: Roster) -> Table:
    """附件 3: the assessment team, one row per member in the data's order; short fields centred,
    職掌 flush left, as the PDF sets them."""
    rows = tuple(
        Row((centred(m.role), centred(m.position), centred(m.name), text(m.duty), centred(m.note) if m.note else text()),
            keep_together=True)
        for m in annex.members
    )
    return Table(layout.roster_columns(annex), rows, middle=True)


def merged_rows(rows: list[tuple[str, ...]], merged_columns: int) -> tuple[Row, ...]:
    """Rows of plain text whose first ``merged_columns`` cells are written once and merged down
    while they repeat, together with every cell to their left (單位 → 評核構面 → 評核項目)."""
    return tuple(
        Row(tuple(MERGED if col < merged else text(value) for col, value in enumerate(row)))
        for row, merged in zip(rows, layout.repeated_above(rows, merged_columns), strict=True)
    )
