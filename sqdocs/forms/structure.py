"""What was done to a filled form's sheets that the import cannot read past: columns moved, cells
merged, cells filled beyond the form's columns, formulas without a saved result. Each is told as
the one cause at its cell (rows moved, added or deleted: :func:`sqdocs.forms.rows.match_rows`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sqdocs.forms.cells import blank, cell_text, held, held_cells
from sqdocs.forms.kinds import FIRST_ROW, HEADER_ROW
from sqdocs.forms.problems import CellProblem
from sqdocs.forms.sheets import Column


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
            result = held(shown).get((cell.row, cell.column))
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
                    "請選取後取消合併（Excel：常用 → 跨欄置中；LibreOffice Calc：格式 → 合併與取消合併儲存格 → 取消合併儲存格），"
                    "把內容填回每一格再匯入",
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
        if "".join(found.split()) not in {"".join(h.split()) for h in (col.header, *col.former)}:  # a line break retyped is the same header
            shown = f"「{found.splitlines()[0]}」" if found else "空白"
            order = "、".join(c.header.splitlines()[0] for c in columns)
            return [CellProblem(
                ws.title, HEADER_ROW, i,
                f"欄位標題應為「{col.header.splitlines()[0]}」，實際是{shown}；這張工作表的欄被刪除、插入或搬移過"
                f"（或標題上方多了列），匯入會讀錯欄位。請復原成第 {HEADER_ROW} 列依序為 {order} 的欄位，"
                "或重新產生表單，把填好的內容貼到新表單後再匯入",
            )]
    return []
