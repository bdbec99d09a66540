"""Writing a form's sheets: cell styles, headings and row heights, print setup, protection, data
validation and the 說明 sheet.

A form is a workbook a clerk fills in instead of YAML. Cells the clerk must not change (the
bureau's dimensions, items, points and practices) are locked and shaded; cells to fill are
unlocked and carry Excel data validation.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sqdocs.forms.cells import display
from sqdocs.forms.kinds import FIRST_ROW, HEADER_ROW, NOTE_ROW, TITLE_ROW

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

LINE_HEIGHT = 15.0  # points per line of 11 pt text


@dataclass(frozen=True)
class Column:
    """A column of a form sheet: header, width (Excel character units) and whether it is filled in."""

    header: str
    width: float
    fill: bool = False
    center: bool = False
    former: tuple[str, ...] = ()
    """Headers forms made by earlier versions of sqdocs gave this column: such a form still imports."""


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
