"""What every form shares: cell styles, print setup, the hidden fingerprint, reading cells back,
and problems addressed as ``sheet!cell``.

A form is a workbook a clerk fills in instead of YAML. Cells the clerk must not change (the
bureau's dimensions, items, points and practices) are locked and shaded; cells to fill are
unlocked and carry Excel data validation. Reading a form back turns the cells into the same plain
data a YAML file holds, so the YAML loader can check it and its problems can be shown at the cell
they came from.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, to_excel
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sqdocs.derive import moved_entries
from sqdocs.load.diagnostics import Diagnostic, LoadError, Loc, display_name, format_path
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import parse_yaml
from sqdocs.model import Plan, PointRef
from sqdocs.model.common import CONTINUOUS, MAX_FIGURE
from sqdocs.model.results import PointResult, Submission
from sqdocs.model.subplan import Subplan, SubplanPoint
from sqdocs.text.lines import joined
from sqdocs.text.roc import (
    ROC_OFFSET,
    date_examples,
    example_date,
    example_year,
    format_roc,
    parse_roc,
    roc_year,
    western_date,
)

E = TypeVar("E", SubplanPoint, PointResult)

FORM_NAMES = {"subplan": "細部計畫", "results": "執行成果"}
"""Each kind of form by the name its file carries: 第一分局細部計畫.xlsx."""
FORM_CONTENTS = {"subplan": "細部執行計畫", "results": "年度執行成果"}
"""Each kind of form by what it holds, as messages name it: 第一分局的細部執行計畫表單."""


def regenerate(kind: str, folder: Path, unit: str) -> str:
    """The command that makes a form afresh, named beside the filled one rather than over it:
    the clerk copies what was filled from the old form into the new."""
    return f"sqdocs form {kind} {display_name(folder)} --unit {unit} -o {unit}{FORM_NAMES[kind]}-新.xlsx"

# ---- problems addressed by cell ---------------------------------------------------


@dataclass(frozen=True)
class CellProblem:
    """One problem in a filled form, at one cell; printed as ``細部計畫!G7: message``."""

    sheet: str
    row: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        kind = "" if self.severity == "error" else "警告："
        return f"{self.sheet}!{self.cell}: {kind}{self.message}"


class FormError(Exception):
    """A form that cannot be imported; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[CellProblem], *, fixable: bool = True):
        self.problems = list(problems)
        self.fixable = fixable
        """False for a form no correction makes importable: another agency's, year's or plan's."""
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Where:
    sheet: str
    row: int
    column: int


class CellMap:
    """Which cell each field of the YAML data came from, to show the loader's problems there."""

    def __init__(self, fallback: Where):
        self.fallback = fallback
        self._cells: dict[str, Where] = {}

    def put(self, loc: Loc, where: Where) -> None:
        self._cells[format_path(loc)] = where

    def find(self, path: str) -> Where:
        """The cell of ``path`` (``points[3].units[1]``) or of the nearest enclosing field."""
        while path:
            if path in self._cells:
                return self._cells[path]
            cut = re.search(r"(\[\d+\]|\.[^.\[\]]+)$", path)
            path = path[: cut.start()] if cut else ""
        return self.fallback

    def problem(self, diagnostic: Diagnostic) -> CellProblem:
        """A loader diagnostic as a cell problem."""
        at = self.find(diagnostic.path)
        return CellProblem(at.sheet, at.row, at.column, diagnostic.message, diagnostic.severity)


def merge(found: list[CellProblem], later: Iterable[CellProblem]) -> list[CellProblem]:
    """``found`` (from reading the cells) and the loader's ``later`` problems, without repeating a
    cell already reported, nor warning about a row that already has an error."""
    cells = {(p.sheet, p.row, p.column) for p in found if p.severity == "error"}
    rows = {(sheet, row) for sheet, row, _ in cells}
    return found + [
        p for p in later
        if (p.sheet, p.row, p.column) not in cells and not (p.severity == "warning" and (p.sheet, p.row) in rows)
    ]


def sort_problems(problems: Iterable[CellProblem], sheets: Sequence[str]) -> list[CellProblem]:
    """Workbook order: by sheet tab, then row, then column."""
    rank = {name: i for i, name in enumerate(sheets)}
    return sorted(problems, key=lambda p: (rank.get(p.sheet, len(rank)), p.row, p.column, p.message))


# ---- styles -------------------------------------------------------------------------

FONT_NAME = "新細明體"  # the default face of Traditional Chinese Office
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="D0D0D0")
FILL_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")  # headers of the columns to fill: light blue
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
REFERENCE_SIZE = 10  # the bureau's long texts, only read: a point smaller keeps rows (and the printout) short
CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
ROC_DATE_FORMAT = '[$-404]e"年"m"月"d"日"'  # shows 107年6月30日 in Excel and LibreOffice

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = 4

LINE_HEIGHT = 15.0  # points per line of 11 pt text


@dataclass(frozen=True)
class Column:
    """A column of a form sheet: header, width (Excel character units) and whether it is filled in."""

    header: str
    width: float
    fill: bool = False
    center: bool = False


def text_units(text: str) -> float:
    """Width of ``text`` in Excel character units: CJK and full-width characters take about two."""
    return sum(2.1 if unicodedata.east_asian_width(c) in "WFA" else 1.1 for c in text)


def lines_needed(text: str, width: float, size: float = 11) -> int:
    """How many lines ``text`` in ``size`` pt wraps to in a column ``width`` characters wide."""
    usable = max(width - 1.5, 1.0) * 11 / size
    return sum(max(1, math.ceil(text_units(line) / usable)) for line in str(text).split("\n"))


def put(
    cell: Cell, value: Any, *, fill: bool, center: bool = False, bold: bool = False, size: float = 11,
    formula: bool = False,
) -> Cell:
    """Write ``value`` and style the cell: locked and shaded, or unlocked for the clerk.

    Text is written as text even when it starts with 「=」 (openpyxl would otherwise store a
    unit's 「=詳附件」 as a formula, which Excel shows as #NAME?); ``formula`` writes the form's own.
    """
    cell.value = value
    if isinstance(value, str) and value.startswith("=") and not formula:
        cell.data_type = "s"
    cell.font = Font(name=FONT_NAME, size=size, bold=bold)
    cell.border = BORDER
    cell.alignment = CENTER if center else WRAP_TOP
    cell.protection = Protection(locked=not fill)
    if not fill:
        cell.fill = LOCKED_FILL
    if isinstance(value, (date, datetime)):
        cell.number_format = ROC_DATE_FORMAT
    return cell


def sheet_heading(ws: Worksheet, columns: Sequence[Column], title: str, note: str) -> None:
    """Title (row 1), a one-line reminder (row 2), headers (row 3); column widths; frozen headers."""
    last = len(columns)
    for row, text, size, bold in ((TITLE_ROW, title, 14, True), (NOTE_ROW, note, 11, False)):
        cell = ws.cell(row, 1, text)
        cell.font = Font(name=FONT_NAME, size=size, bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if bold else "left")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    total = sum(c.width for c in columns)
    ws.row_dimensions[TITLE_ROW].height = 24
    ws.row_dimensions[NOTE_ROW].height = LINE_HEIGHT * lines_needed(note, total) + 4
    for i, col in enumerate(columns, 1):
        cell = put(ws.cell(HEADER_ROW, i), col.header, fill=False, center=True, bold=True)
        cell.fill = FILL_HEADER_FILL if col.fill else HEADER_FILL
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * max(lines_needed(c.header, c.width) for c in columns) + 4
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)


def fit_row(ws: Worksheet, row: int, columns: Sequence[Column], minimum: int = 1) -> None:
    """Set the row tall enough for its wrapped text (at least ``minimum`` lines, room to write)."""
    height = LINE_HEIGHT * minimum
    for i, col in enumerate(columns, 1):
        cell = ws.cell(row, i)
        if cell.value is not None and cell.data_type != "f":
            size = cell.font.size or 11
            height = max(height, LINE_HEIGHT * size / 11 * lines_needed(display(cell.value), col.width, size))
    ws.row_dimensions[row].height = min(height + 4, 409)  # 409 pt: Excel's tallest row


def display(value: Any) -> str:
    """A value as a cell shows it: dates in ROC form (a date before 民國元年 in Western form)."""
    if isinstance(value, (date, datetime)):
        try:
            return format_roc(cell_day(value))
        except ValueError:
            return _western(value)
    return str(value)


def _western(day: date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def print_setup(ws: Worksheet, ncols: int, nrows: int, header: str) -> None:
    """A4 landscape, one page wide, header row repeated on every page, page X of Y in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(ncols)}{max(nrows, HEADER_ROW)}"
    ws.oddHeader.left.text = header
    ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = "&A"
    ws.oddHeader.right.size = 9
    ws.oddFooter.center.text = "第 &P 頁，共 &N 頁"
    ws.oddFooter.center.size = 9


def protect(ws: Worksheet) -> None:
    """Lock the sheet (no password: the import checks the locked cells anyway) but let the clerk
    resize rows and columns, so long text can be made visible."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False


def validation(ws: Worksheet, kind: str, cells: str | Iterable[Cell], *, prompt: str, error: str, **kw: Any) -> None:
    """Add an Excel data validation (a dropdown, a whole number ≥ 0 …) with a prompt and an error text."""
    refs = cells if isinstance(cells, str) else " ".join(c.coordinate for c in cells)
    if not refs:
        return
    dv = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, showInputMessage=True, **kw)
    dv.promptTitle, dv.prompt = "填寫說明", prompt[:250]  # Excel refuses prompts over 255 characters
    dv.errorTitle, dv.error = "輸入不符", error[:250]
    dv.sqref = refs  # type: ignore[assignment]
    ws.add_data_validation(dv)


def instructions(wb: Workbook, title: str, paragraphs: Sequence[str]) -> Worksheet:
    """The 說明 sheet: a title and numbered paragraphs, printable on A4 landscape."""
    ws = wb.active
    ws.title = "說明"
    width = 120.0
    ws.column_dimensions["A"].width = width
    cell = ws.cell(1, 1, title)
    cell.font = Font(name=FONT_NAME, size=14, bold=True)
    ws.row_dimensions[1].height = 24
    for n, text in enumerate(paragraphs, 2):
        cell = ws.cell(n, 1, text)
        cell.font = Font(name=FONT_NAME, size=11)
        cell.alignment = WRAP_TOP
        ws.row_dimensions[n].height = LINE_HEIGHT * lines_needed(text, width) + 6
    print_setup(ws, 1, len(paragraphs) + 1, title)
    ws.print_title_rows = None  # the title row is the sheet's own first line, not a table header
    protect(ws)
    return ws


# ---- the fingerprint ---------------------------------------------------------------

FINGERPRINT_SHEET = "_sqdocs"
FORMAT = "sqdocs-form/1"


def digest(data: Any) -> str:
    """A short stable hash of JSON-able ``data``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_digest(raw: bytes | None) -> str:
    """The hash of a YAML file's bytes; empty when there was no file."""
    return hashlib.sha256(raw).hexdigest()[:16] if raw is not None else ""


@dataclass
class Fingerprint:
    """What a form was made from. Stored in a hidden sheet, checked when the form comes back.

    ``points`` are the bureau's points for the unit and ``layout`` what they were in the form
    (built from the bureau plan, plus anything the issue-time YAML added): its hash tells a form
    from an older plan. ``yaml_hash`` is the hash of the unit's YAML when the form was made: if
    the file changed since, importing would overwrite someone's edits.
    """

    kind: str  # "subplan" or "results"
    unit: str
    year: int
    agency: str
    points_hash: str
    points: list[list[str]]
    yaml_file: str  # relative to the data folder
    yaml_hash: str
    issued: str
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)  # sheet → [[row, *key], …]
    extra: dict[str, str] = field(default_factory=dict)

    def keys(self, sheet: str) -> dict[tuple[Any, ...], int]:
        """The rows of ``sheet`` as issued: key → row number."""
        return {tuple(entry[1:]): entry[0] for entry in self.rows.get(sheet, [])}


_SCALARS = ("kind", "unit", "year", "agency", "points_hash", "yaml_file", "yaml_hash", "issued")


def write_fingerprint(wb: Workbook, fp: Fingerprint) -> None:
    ws = wb.create_sheet(FINGERPRINT_SHEET)
    ws.sheet_state = "veryHidden"  # not listed under Unhide in Excel: only sqdocs reads it
    ws.append(["sqdocs 表單識別資料；匯入時用來核對，請勿修改", FORMAT])
    for name in _SCALARS:
        ws.append([name, getattr(fp, name)])
    ws.append(["points", json.dumps(fp.points, ensure_ascii=False)])
    for sheet, rows in fp.rows.items():
        ws.append([f"rows:{sheet}", json.dumps(rows, ensure_ascii=False)])
    for name, value in fp.extra.items():
        ws.append([f"extra:{name}", value])
    ws.protection.sheet = True


INT_EXTRAS = {"unit_columns": range(1, 101)}  # extras read as numbers, and the values they may take


def read_fingerprint(wb: Workbook) -> Fingerprint | None:
    """The fingerprint of a form, or None when the workbook is no sqdocs form (or it was damaged:
    every value is checked for the type and shape the import relies on)."""
    if FINGERPRINT_SHEET not in wb.sheetnames:
        return None
    ws = wb[FINGERPRINT_SHEET]
    if value_at(ws, 1, 2) != FORMAT:
        return None
    values: dict[str, Any] = {}
    rows: dict[str, list[list[Any]]] = {}
    extra: dict[str, str] = {}
    try:
        for name, value in ((value_at(ws, row, 1), value_at(ws, row, 2)) for row in filled_rows(ws, 2)):
            if not isinstance(name, str):
                continue
            if name.startswith("rows:"):
                rows[name[5:]] = json.loads(value)
            elif name.startswith("extra:"):
                extra[name[6:]] = "" if value is None else str(value)
            elif name == "points":
                values["points"] = json.loads(value)
            else:
                values[name] = "" if value is None else value
        fp = Fingerprint(
            kind=str(values["kind"]), unit=str(values["unit"]), year=int(values["year"]),
            agency=str(values["agency"]), points_hash=str(values["points_hash"]), points=values["points"],
            yaml_file=str(values["yaml_file"]), yaml_hash=str(values["yaml_hash"]),
            issued=str(values["issued"]), rows=rows, extra=extra,
        )
    except (KeyError, TypeError, ValueError, RecursionError):  # RecursionError: JSON nested 100000 deep
        return None
    return fp if _well_formed(fp) else None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _well_formed(fp: Fingerprint) -> bool:
    """Whether the parsed JSON and extras have the shapes the import uses (a damaged sheet may hold anything)."""
    if not (isinstance(fp.points, list) and all(_strings(p) for p in fp.points)):
        return False
    for entries in fp.rows.values():
        if not isinstance(entries, list):
            return False
        for entry in entries:
            if not (isinstance(entry, list) and len(entry) >= 2 and _strings(entry[1:])):
                return False
            if not isinstance(entry[0], int) or isinstance(entry[0], bool) or entry[0] < FIRST_ROW:
                return False
    for name, allowed in INT_EXTRAS.items():
        if name in fp.extra and not (fp.extra[name].isdecimal() and int(fp.extra[name]) in allowed):
            return False
    return True


# ---- the cells a sheet holds ----------------------------------------------------------
# openpyxl's ws.cell(), ws.iter_rows() and a loop to ws.max_row create every cell they are asked
# for: one character typed in row 1048576 made the import create a million rows of cells (minutes,
# gigabytes). Reading goes through the cells the file holds instead, whatever row they are in.


def _held(ws: Worksheet) -> dict[tuple[int, int], Cell]:
    """The cells the file holds, by (row, column): openpyxl's own map, which reading leaves as it is."""
    return ws._cells


def value_at(ws: Worksheet, row: int, column: int) -> Any:
    """The value of a cell, None for one the file does not hold (and without creating it)."""
    cell = _held(ws).get((row, column))
    return None if cell is None else cell.value


def held_cells(ws: Worksheet, first: int = FIRST_ROW) -> list[Cell]:
    """The cells from row ``first`` on that hold a value, in row and column order."""
    return [cell for (row, _), cell in sorted(_held(ws).items()) if row >= first and cell.value is not None]


def filled_rows(ws: Worksheet, first: int = FIRST_ROW) -> list[int]:
    """The rows from ``first`` on with a cell holding a value, in order: the rows a loop to
    ``ws.max_row`` would find anything in."""
    return sorted({row for (row, _), cell in _held(ws).items() if row >= first and cell.value is not None})


# ---- matching rows ------------------------------------------------------------------


@dataclass
class RowMatch:
    """Which sheet row holds each issued row, and the problems found while matching."""

    rows: dict[tuple[Any, ...], int]
    problems: list[CellProblem]


def match_rows(
    ws: Worksheet,
    issued: dict[tuple[Any, ...], int],
    key_of: Callable[[int], tuple[Any, ...] | None],
    content: Callable[[int], int | None],
    describe: Callable[[tuple[Any, ...]], str],
    key_column: int,
) -> RowMatch:
    """Find every issued row by its locked key cells, wherever it moved.

    ``key_of(row)`` is the key the locked cells show (None when they are empty); ``content(row)``
    the first filled column of a row without a key (None when the row is blank). A row with
    content but no key was added; a key nobody issued means locked cells were changed; an issued
    key not found means its row was deleted.
    """
    found: dict[tuple[Any, ...], int] = {}
    problems: list[CellProblem] = []
    for row in filled_rows(ws):
        key = key_of(row)
        if key is None:
            column = content(row)
            if column is not None:
                problems.append(CellProblem(
                    ws.title, row, column,
                    "多出的一列：表單只能填寫原有的列，請勿插入或複製列；同一格要寫多項時，"
                    "每項一行（Excel 按 Alt+Enter 換行），請把這一列的內容移到所屬評核重點的那一列",
                ))
            continue
        if key in found:
            problems.append(CellProblem(
                ws.title, row, key_column,
                f"{describe(key)}重複出現（第 {found[key]} 列已有）；請勿複製列，把內容合併到第 {found[key]} 列後刪除這一列",
            ))
        elif key not in issued:
            problems.append(CellProblem(
                ws.title, row, key_column,
                f"灰底欄位被修改過：{describe(key)}不是這份表單發出時的內容；灰底欄位是本局計畫內容，請改回原文"
                "（或重新產生表單）",
            ))
        else:
            found[key] = row
    for key, row in issued.items():
        if key not in found:
            problems.append(CellProblem(
                ws.title, row, key_column,
                f"找不到{describe(key)}這一列（發出時在第 {row} 列），可能被刪除了；請勿刪除列，"
                "沒有內容的評核重點留白即可",
            ))
    return RowMatch(found, problems)


# ---- reading cells ------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as ROC dates, surrounding blanks dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return display(value)
    if isinstance(value, (time, timedelta)):
        return _clock(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "").strip()


def _clock(value: time | timedelta) -> str:
    """A time as Excel shows it: 1:00 typed into a cell is stored as a time of day (or, in an
    [h]:mm cell, a duration), and read back so by openpyxl."""
    if isinstance(value, time):
        hours, minutes, seconds = value.hour, value.minute, value.second
    else:
        total = int(value.total_seconds())
        hours, minutes, seconds = total // 3600, total // 60 % 60, total % 60
    return f"{hours}:{minutes:02}" + (f":{seconds:02}" if seconds else "")


def cell_paragraph(value: Any) -> str:
    """A cell that is one paragraph (執行成果, a note, a title), its lines joined as Chinese is
    written (:func:`sqdocs.text.lines.joined`): 「14 項，」+「尚未」 is 「14 項，尚未」, not 「14 項，
    尚未」. Runs of blanks in a line become one space, as they do in any text the import writes."""
    return joined(" ".join(line.split()) for line in cell_text(value).split("\n"))


# A clerk's own numbering of the lines: 1. / 1、 / (1) / 1) — not 1.5 —, 一、, (一); and bullets.
_NUMBERINGS = (
    re.compile(r"^[（(]?(\d{1,2})(?:[.．](?!\d)|[、)）])\s*"),
    re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*"),
    re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*"),
)
_BULLET = re.compile(r"^(?:[•・●‧▪■◆○◦＊*]|[-－](?!\d))\s*")
_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", 1)}


def _numeral(text: str) -> int | None:
    """1 … 99 written 一 … 九十九 (or 1 … 99), None otherwise."""
    if text.isdecimal():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return _DIGITS.get(text) if len(text) == 1 else None
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS) or len(text) > 3:
        return None
    return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)


def _numbering(lines: list[str]) -> list[re.Match[str]] | None:
    """The marks that number every line 1, 2, 3 … in one style, or bullet every line; None otherwise."""
    for pattern in _NUMBERINGS:
        marks = [pattern.match(line) for line in lines]
        if all(m and _numeral(m.group(1)) == n for n, m in enumerate(marks, 1)):
            return [m for m in marks if m]
    bullets = [_BULLET.match(line) for line in lines]
    return [m for m in bullets if m] if all(bullets) else None


def cell_lines(value: Any) -> list[str]:
    """One entry per line of a cell (Alt+Enter); blank lines dropped.

    The clerk may number the lines (1. 2. 3., 一、二、, (一)(二)) or bullet them by habit;
    documents number them anyway, so a numbering that runs 1, 2, 3 … over every line, or a
    bullet on every line, is removed (and only then: 「110 報案」 and 「1.5 倍」 stay).
    """
    lines = [line.strip() for line in cell_text(value).split("\n") if line.strip()]
    marks = _numbering(lines) if lines else None
    if marks:
        lines = [line[m.end():].strip() for line, m in zip(lines, marks, strict=True)]
    return [line for line in lines if line]


ROC_YEARS = range(1, 201)  # years a cell date may carry when an ROC date was taken for a year AD
_GREGORIAN_START = date(1582, 10, 15)


def _julian(day: date) -> tuple[int, int, int]:
    """The Julian-calendar (year, month, day) of a proleptic Gregorian date (the usual JDN algorithm)."""
    c = day.toordinal() + 1721425 + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1


def _not_in_period(text: str) -> ValueError:
    return ValueError(
        f"「{text}」不是計畫期程內的日期（早於民國元年：可能是在日期格填了數字）；"
        f"請填民國日期，如 {example_date()} 或 {example_date(slash=True)}，或 Excel 日期（如 {date_examples(example_year())[2]}）"
    )


def cell_day(value: date) -> date:
    """The date a clerk meant by a cell's date value. ValueError in Chinese for a date before 民國元年.

    LibreOffice in the zh-TW locale takes 107/6/30 for the year 107 AD, which it counts in the
    Julian calendar (as it does every date before 1582-10-15) while openpyxl counts the same
    serial number in the Gregorian one: undone, that is the ROC date typed.
    """
    day = value.date() if isinstance(value, datetime) else value
    if day.year > ROC_OFFSET:
        return day
    if day < _GREGORIAN_START:
        year, month, mday = _julian(day)
        if year in ROC_YEARS:
            return parse_roc(f"{year}/{month}/{mday}")  # 「…」不是存在的日期 for a Julian-only 2 月 29 日
    raise _not_in_period(_western(day))


_EXCEL_DAY_RANGE = (32874, 73051)  # 1990-01-01 … 2099-12-31 as Excel serial day numbers


class NotADate(ValueError):
    """A cell that holds no date at all (rather than a wrong one): a 完成期限 says what else it takes."""


# An input method in full-width mode types 「１０７／６／３０」: its digits read as digits, its marks do not.
_FULL_WIDTH_MARKS = str.maketrans("／．－", "/.-")


_COMPACT_DATE = re.compile(r"^(\d{2,3})(\d{2})(\d{2})$")


def _compact_date(text: str) -> ValueError | None:
    """「1080630」: an ROC date typed as one number, YYYMMDD, which a date cell takes for a serial
    day number thousands of years on. Told as the date it looks like, never taken for it. Six
    digits (「990630」) may be 民國 99 年 or 西元 2099 年: both readings are named."""
    match = _COMPACT_DATE.match(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year not in ROC_YEARS:
        return None
    offsets = {f"民國 {year} 年": ROC_OFFSET, **({} if len(match[1]) == 3 else {f"西元 {2000 + year} 年": 2000})}
    readings = []
    for reading, offset in offsets.items():
        try:
            date(offset + year, month, day)
        except ValueError:
            continue
        readings.append(reading)
    if not readings:
        return None
    if len(offsets) == 1:  # a three-digit year is no Western one
        meant = format_roc(date(year + ROC_OFFSET, month, day))
        return ValueError(f"「{text}」看似民國 {meant}；請寫成 {meant} 或 {year}/{month}/{day}")
    return ValueError(
        f"「{text}」看似連寫的日期（{'或'.join(readings)} {month} 月 {day} 日）；"
        f"請寫成民國日期，如 {example_date()} 或 {example_date(slash=True)}"
    )


def cell_date(value: Any) -> date:
    """A real Excel date, or ROC text 「107 年 6 月 30 日」/「107/6/30」 (full-width marks too, 「１０７／６／３０」).
    ValueError in Chinese otherwise, naming the date a compact 「1080630」 looks like, or a date
    whose ROC year is not in :data:`ROC_YEARS` (民國 8088 年 would be written to the YAML as
    「8088 年 …」, which reads back as a Western year: a year that far off is a typo anyway)."""
    day = _cell_date(value)
    if roc_year(day) not in ROC_YEARS:
        shown = cell_text(value) if isinstance(value, str) else format_roc(day)
        raise ValueError(
            f"「{shown}」是西元 {day.year} 年（民國 {roc_year(day)} 年），不是計畫會用到的日期，可能打錯了年份；"
            f"請填民國日期，如 {example_date()} 或 {example_date(slash=True)}"
        )
    return day


def _cell_date(value: Any) -> date:
    if isinstance(value, (date, datetime)):
        serial = to_excel(value)
        if serial > _EXCEL_DAY_RANGE[1] and float(serial).is_integer():  # 1080630 typed into a date cell: year 4858
            compact = _compact_date(str(int(serial)))
            if compact is not None:
                raise compact
        return cell_day(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # a date whose cell format was lost (pasted as a value) is a plain serial day number
        if _EXCEL_DAY_RANGE[0] <= value <= _EXCEL_DAY_RANGE[1]:
            return from_excel(value).date()
        compact = _compact_date(cell_text(value))
        if compact is not None:
            raise compact
        raise NotADate(f"「{cell_text(value)}」不是日期；請填民國日期，如 {example_date()}")
    text = cell_text(value)
    if (compact := _compact_date(text)) is not None:
        raise compact
    marks = text.translate(_FULL_WIDTH_MARKS)
    try:
        # 2018/6/30 typed as text (Excel did not take it as a date): a Western year, not ROC 2018
        day = western_date(marks)
        if day is None:
            return parse_roc(marks)
    except ValueError as exc:
        if "不是存在的日期" in str(exc):  # named as typed
            raise ValueError(str(exc).replace(f"「{marks.strip()}」", f"「{text}」", 1)) from None
        raise NotADate(f"「{text}」不是日期；請填民國日期（如 {example_date()} 或 {example_date(slash=True)}）或 Excel 日期") from None
    if day.year <= ROC_OFFSET:
        raise _not_in_period(text)
    return day


def cell_deadline(value: Any) -> date | str | None:
    """完成期限: 賡續辦理, a date (see :func:`cell_date`), or None when blank."""
    text = cell_text(value)
    if not text:
        return None
    if text in (CONTINUOUS, "持續辦理"):
        return text
    try:
        return cell_date(value)
    except NotADate:
        raise ValueError(f"完成期限「{text}」應為「{CONTINUOUS}」或日期（如 {example_date()}、{example_date(slash=True)}）") from None


# What float() takes is too much (1_000, 1e3, inf): digits, thousands grouped properly or not at all.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:，\d{3})+|\d+)?(?:\.\d+)?$")
_NUMBER_WITH_UNIT = re.compile(r"^([+-]?[\d,，]*\.?\d+)\s*([%％]|[^\d\s.,，]{1,4})$")


def _typed_number(text: str) -> float:
    """A number typed as text: 1234, 1,234, 1，234, 12,345.6. ValueError in Chinese otherwise."""
    if _NUMBER.match(text) and any(c.isdecimal() for c in text):
        return float(text.replace(",", "").replace("，", ""))
    with_unit = _NUMBER_WITH_UNIT.match(text)
    if with_unit and _NUMBER.match(with_unit[1]):
        number, unit = with_unit.groups()
        hint = "（百分比以 0–100 填寫，85% 填 85）" if unit in "%％" else ""
        raise ValueError(f"應只填數字，實際是「{text}」；請刪除「{unit}」，只填 {number}{hint}")
    if re.fullmatch(r"[+-]?[\d,，]+(?:\.\d+)?", text):
        raise ValueError(f"「{text}」的千分位逗號位置不對；請只填數字，如 2235 或 2,235（每三位一個逗號）")
    raise ValueError(f"應填數字，實際是文字「{text}」")


def cell_number(value: Any, *, whole: bool) -> float | int | None:
    """A number ≥ 0 (a whole number when ``whole``), or None when blank. ValueError in Chinese otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (time, timedelta)):
        raise ValueError(f"應填數字，實際是時間「{cell_text(value)}」（Excel 把含「:」的輸入當成時間）；請只填數字")
    if isinstance(value, (bool, date, datetime)) or not isinstance(value, (str, int, float)):
        raise ValueError(f"應填數字，實際是「{shortened(cell_text(value))}」")
    typed = shortened(cell_text(value))
    if isinstance(value, float) and not math.isfinite(value):  # <v>1e400</v>, written by another program
        raise ValueError(f"「{typed}」不是有限的數字；請填實際的數字")
    if isinstance(value, str):
        value = _typed_number(value.strip())  # inf for 400 digits: too large, below
    # an int stays exact: float() of one of 309 digits or more fails
    if value < 0:
        raise ValueError(f"不可為負數（填了 {typed}）")
    if value > MAX_FIGURE:  # as the loader says it, before a figure too large for a float fails
        raise ValueError(f"數值 {typed} 過大（超過 1 兆）；請確認是否多打了位數")
    if whole and not float(value).is_integer():
        raise ValueError(f"應填整數（件數、人數），實際是 {typed}")
    return int(value) if float(value).is_integer() else value


def shortened(text: str, most: int = 30) -> str:
    """``text`` as a message quotes it: a cell of 400 digits by its first ones and how many there are."""
    return text if len(text) <= most else f"{text[:most]}…（共 {len(text)} 個字元）"


def blank(value: Any) -> bool:
    return cell_text(value) == ""


def formula_problems(
    values: Workbook, formulas: Workbook, sheets: Iterable[str], own: dict[str, tuple[int, ...]]
) -> list[CellProblem]:
    """Formula cells whose result the import cannot take: an error value (#DIV/0!), or no result
    saved at all (a file written by a program, not Excel, keeps only the formula: it would read
    as blank). ``values`` is the workbook as loaded with its results, ``formulas`` with its
    formulas; ``own`` the columns whose formulas the form itself put there."""
    problems: list[CellProblem] = []
    for name in sheets:
        if name not in values.sheetnames or name not in formulas.sheetnames:
            continue
        shown, written = values[name], formulas[name]
        for cell in held_cells(written):
            if cell.column in own.get(name, ()):
                continue
            result = _held(shown).get((cell.row, cell.column))
            if result is not None and result.data_type == "e":
                problems.append(CellProblem(
                    name, cell.row, cell.column,
                    f"這一格的值是錯誤值「{result.value}」（公式算不出結果）；請修正公式，或直接填入內容",
                ))
            elif cell.data_type == "f" and (result is None or result.value is None):
                problems.append(CellProblem(
                    name, cell.row, cell.column,
                    f"這一格是公式（{cell.value}），但檔案裡沒有它的計算結果，匯入會讀成空白；"
                    "請用 Excel 開啟後存檔再匯入，或直接填入數值或文字",
                ))
    return problems


def current_entries(plan: Plan, unit: str, old: bytes | None, target: Path, model: type[Subplan] | type[Submission]) -> list:
    """The entries (a subplan's points, a submission's results) of the unit's YAML as it is,
    ``old`` read from ``target``, whose point the form does not show: deleted or no longer
    assigned in the bureau plan (one it renamed or moved the form shows, :func:`followed`). A file
    that does not read as ``model`` gives none: it goes to the backup whole."""
    shown = {ref.key for ref in plan.points_for(unit)}
    entries = existing_entries(old, target, model)
    moved = _moved(plan, unit, entries)
    return [entry for i, entry in enumerate(entries) if entry.key not in shown and i not in moved]


def followed(plan: Plan, unit: str, entries: list[E]) -> tuple[list[E], list[str]]:
    """The unit's entries with those whose point the bureau renamed or moved under the point's new
    names, as ``sqdocs subplan update`` would rename them, so that the form shows them on its row;
    and 「old → new」 for each."""
    moved = _moved(plan, unit, entries)
    renamed = [
        entry.model_copy(update=dict(zip(("dimension", "item", "point"), moved[i].key, strict=True))) if i in moved else entry
        for i, entry in enumerate(entries)
    ]
    return renamed, [f"{'／'.join(entries[i].key)} → {'／'.join(ref.key)}" for i, ref in sorted(moved.items())]


def _moved(plan: Plan, unit: str, entries: list) -> dict[int, PointRef]:
    skip = {i for i, entry in enumerate(entries) if getattr(entry, "removed", False)}
    return moved_entries(plan, unit, [entry.key for entry in entries], skip)


def existing_entries(old: bytes | None, target: Path, model: type[Subplan] | type[Submission]) -> list:
    """Every entry of the unit's YAML as it is (``old``, read from ``target``); none when there is
    no file or it does not read as ``model``."""
    if old is None:
        return []
    try:
        existing, _ = validate(parse_yaml(old, display_name(target)), model)
    except LoadError:
        return []
    if existing is None:
        return []
    return existing.points if isinstance(existing, Subplan) else existing.results


def merged_cells(wb: Workbook, sheets: Iterable[str]) -> list[CellProblem]:
    """Cells merged below the form's headings (a habit for repeated 構面 or 完成期限): only the
    first cell of a range keeps its value, so the others would read as left blank."""
    problems = []
    for name in sheets:
        if name not in wb.sheetnames:
            continue
        for cells in sorted(wb[name].merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            if cells.max_row >= FIRST_ROW:
                problems.append(CellProblem(
                    name, cells.min_row, cells.min_col,
                    f"{cells.coord} 被合併成一格；表單的每一格要各自填寫（合併後只有左上角那格有內容），"
                    "請選取後按「跨欄置中」取消合併，把內容填回每一格再匯入",
                ))
    return problems


def beyond_columns(ws: Worksheet, last: int, advice: str) -> list[CellProblem]:
    """Cells filled to the right of the form's ``last`` column: the import does not read them."""
    return [
        CellProblem(
            ws.title, cell.row, cell.column,
            f"這一格在表單的欄位之外（表單只到 {get_column_letter(last)} 欄），內容不會匯入；{advice}",
        )
        for cell in held_cells(ws)
        if cell.column > last and not blank(cell.value)
    ]


def moved_columns(ws: Worksheet, columns: Sequence[Column]) -> list[CellProblem]:
    """The first header not where the form put it. The sheets' protection has no password, so a
    column can be deleted, inserted or dragged elsewhere: every cell would then be read from the
    wrong column, and judged as a page of wrong dates and missing rows instead of this one cause."""
    for i, col in enumerate(columns, 1):
        found = cell_text(ws.cell(HEADER_ROW, i).value)
        if "".join(found.split()) != "".join(col.header.split()):  # a line break retyped is the same header
            shown = f"「{found.splitlines()[0]}」" if found else "空白"
            order = "、".join(c.header.splitlines()[0] for c in columns)
            return [CellProblem(
                ws.title, HEADER_ROW, i,
                f"欄位標題應為「{col.header.splitlines()[0]}」，實際是{shown}；這張工作表的欄被刪除、插入或搬移過"
                f"（或標題上方多了列），匯入會讀錯欄位。請復原成第 {HEADER_ROW} 列依序為 {order} 的欄位，"
                "或重新產生表單，把填好的內容貼到新表單後再匯入",
            )]
    return []


def first_filled(ws: Worksheet, row: int, columns: Iterable[int]) -> int | None:
    """The first of ``columns`` that holds something in ``row``, or None."""
    return next((c for c in columns if not blank(value_at(ws, row, c))), None)
