"""The 細部執行計畫 form: one row per point the bureau assigns to the unit, and its sub-units.

Sheets: 說明 (instructions), 細部計畫 (the points: the bureau's side locked, 具體作法 / 完成期限 /
承辦單位 to fill), 承辦單位 (the unit's sections and groups, the source of the dropdowns).
Reading it back gives the plain data of ``subplans/<unit>.yaml``, written in the layout
``sqdocs subplan init`` gives a clerk, so the loader and ``sqdocs check`` judge it as they judge YAML.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from sqdocs.check import check_subplan
from sqdocs.derive import subplan_title
from sqdocs.forms.cells import (
    blank,
    cell_deadline,
    cell_lines,
    cell_text,
    filled_rows,
    first_filled,
    value_at,
)
from sqdocs.forms.entries import current_entries, existing_file, marked_back
from sqdocs.forms.fingerprint import Fingerprint
from sqdocs.forms.kinds import FIRST_ROW
from sqdocs.forms.problems import CellMap, CellProblem, Where, merge
from sqdocs.forms.rows import match_rows
from sqdocs.forms.sheets import (
    REFERENCE_SIZE,
    ROC_DATE_FORMAT,
    Column,
    fit_row,
    instructions,
    print_setup,
    protect,
    put,
    sheet_heading,
    validation,
)
from sqdocs.forms.structure import beyond_columns, moved_columns
from sqdocs.fsutil import display_name
from sqdocs.load.checks import SPACED_NAMES
from sqdocs.load.diagnostics import LoadError, format_path
from sqdocs.load.labels import repeated_items, typed_labels
from sqdocs.load.subplan import subplan_from
from sqdocs.load.yamlfile import parse_yaml
from sqdocs.model import Plan, deadline_text
from sqdocs.model.common import CONTINUOUS
from sqdocs.model.subplan import Subplan, SubplanPoint
from sqdocs.subplans.text import PRECINCT_SUB_UNITS, filled_subplan_text
from sqdocs.text.roc import date_examples, format_roc

SHEET = "細部計畫"
UNITS_SHEET = "承辦單位"
SHEETS = ("說明", SHEET, UNITS_SHEET)
OWN_FORMULAS: dict[str, tuple[int, ...]] = {}  # columns whose formulas the form itself writes

COL_NO, COL_DIM, COL_ITEM, COL_POINT, COL_BUREAU, COL_PRACTICES, COL_DEADLINE, COL_UNITS = range(1, 9)
MIN_UNIT_COLUMNS = 3
UNIT_ROWS = 30  # blank rows offered on the 承辦單位 sheet beyond those already listed

_SPLIT = re.compile(r"[、,，;；\n]+")


def _columns(unit_columns: int) -> list[Column]:
    return [
        Column("序號", 5, center=True),
        Column("評核構面", 10),
        Column("評核項目", 10),
        Column("評核重點", 16),
        Column("本局具體作法（參考）", 38),
        Column("本單位具體作法\n（每項一行：Alt+Enter 換行）", 46, fill=True),
        Column("完成期限", 15, fill=True, center=True),
        *(Column(f"承辦單位 {n}", 10, fill=True, center=True) for n in range(1, unit_columns + 1)),
    ]


_UNIT_COLUMNS = [
    Column("承辦單位或群組名稱", 24, fill=True),
    Column("群組成員（只有群組才填：成員以「、」分隔，且須列於本表）", 70, fill=True),
]


def _deadline_rule(cell: str, first: date, last: date, *, continuous: bool) -> str:
    """Excel's rule for a 完成期限 cell: a date from ``first`` to ``last``, or text with 年 or /
    (a 民國 date, judged at import), and 「賡續辦理」 only where ``continuous``."""
    words = f'{cell}="{CONTINUOUS}",{cell}="持續辦理",' if continuous else ""
    return (f'OR({words}AND(ISNUMBER({cell}),{cell}>=DATE({first.year},{first.month},{first.day}),'
            f'{cell}<=DATE({last.year},{last.month},{last.day})),ISNUMBER(FIND("年",{cell})),ISNUMBER(FIND("/",{cell})))')


def _ranges(col: str, rows: list[int]) -> str:
    """Rows of one column as Excel writes a selection: runs as ranges, 「G4:G9 G12:G17」."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return " ".join(f"{col}{run[0]}:{col}{run[-1]}" if len(run) > 1 else f"{col}{run[0]}" for run in runs)


def _guide(plan: Plan, unit: str, count: int) -> list[str]:
    roc, slash, western = date_examples(plan.year)
    return [
        f"1. 本表單由 sqdocs 依「{plan.title}」產生，列出本局計畫指派{unit}辦理的 {count} 個評核重點，"
        f"用來填寫{unit}的細部執行計畫（具體推動作法、完成期限、承辦單位）。",
        "2. 「細部計畫」工作表：灰底欄位（序號、評核構面、評核項目、評核重點、本局具體作法）是本局計畫的內容，"
        "已鎖定，請勿修改；請填寫藍色標題的欄位。",
        "3. 本單位具體作法：寫本單位實際的作法，寫清楚由哪個單位、做什麼、多久一次。一格可寫多項，每項一行："
        "Excel 按 Alt+Enter 換行（Mac 為 Control+Option+Return，LibreOffice 為 Ctrl+Enter）。"
        "不必自行編號，產生文件時會自動編為 1. 2. 3.。",
        f"4. 完成期限：填「{CONTINUOUS}」，或計畫期程（{plan.body.period.text}）內的日期；"
        f"日期可用 Excel 日期（如 {western}），也可打民國日期「{roc}」或「{slash}」。"
        "本局完成期限是日期的評核重點（本局具體作法欄末寫有本局完成期限），須填該日或更早的日期，不可填"
        f"「{CONTINUOUS}」。",
        "5. 承辦單位：由下拉選單選擇，每格一個；一個評核重點可選多個承辦單位（承辦單位 1、2、3 …）。"
        "下拉選單的名單在「承辦單位」工作表，請先在那裡列出本單位的組、隊、派出所。"
        "承辦單位欄不夠用時，請在「承辦單位」工作表設一個群組（見第 6 點）再選該群組；表單欄位以外的儲存格不會匯入。",
        "6. 「承辦單位」工作表：每列一個承辦單位。要用一個名稱代表多個單位時（如「各派出所」），"
        "在「群組成員」欄列出成員，以「、」分隔，成員須另列於本表。",
        "7. 請勿插入、刪除、複製或搬移「細部計畫」的列，也不要修改工作表名稱；還沒想好的評核重點可先留白"
        "（匯入後 sqdocs check 會列為尚未完成）。列高不夠時，可調整列高或按兩下列號下緣自動調整。",
        "8. 填好後交回承辦人，以 sqdocs form import 檔名.xlsx 資料夾 匯入。有錯誤時會列出「工作表!儲存格: 說明」"
        f"（如 細部計畫!G7: 完成期限 {plan.year + 1} 年 3 月 1 日 晚於計畫期程），且不會寫入任何檔案；請依說明修正後再交回。",
        "9. 本表單附有隱藏的識別資料（單位、年度、本局計畫版本）。本局計畫修訂後，請改用新產生的表單；"
        "表單發出後若有人直接修改了細部計畫檔，匯入時也會提醒，以免蓋掉別人的修改。",
        "10. 列印：已設定 A4 橫向、縮放為一頁寬、每頁重複標題列。",
    ]


def _sub_unit_rows(plan: Plan, unit: str, existing: Subplan | None) -> list[tuple[str, str]]:
    """(name, members) rows of the 承辦單位 sheet: the existing plan's, else the usual sections of a 分局."""
    if existing is not None:
        rows = [(name, "") for name in existing.sub_units]
        return rows + [(g.name, "、".join(g.members)) for g in existing.sub_groups]
    registered = plan.units.unit(unit)
    if registered is not None and registered.kind == "分局":
        return [(name, "") for name in PRECINCT_SUB_UNITS]
    return []


def build(plan: Plan, unit: str, existing: Subplan | None, fp: Fingerprint) -> Workbook:
    """The subplan form of ``unit``, pre-filled from its subplan when it has one; ``fp`` gets the layout."""
    refs = plan.points_for(unit)
    entries = {p.key: p for p in existing.points} if existing is not None else {}
    unit_columns = max([MIN_UNIT_COLUMNS, *(len(p.units) for p in entries.values())])
    columns = _columns(unit_columns)
    title = (existing.title if existing is not None else None) or subplan_title(plan, unit)

    wb = Workbook()
    instructions(wb, f"{title}：填寫說明", _guide(plan, unit, len(refs)))

    ws = wb.create_sheet(SHEET)
    note = (
        "灰底欄位是本局計畫的內容（已鎖定）；請填寫藍色標題的欄位。具體作法一格可寫多項，每項一行（Alt+Enter 換行）；"
        f"完成期限填「{CONTINUOUS}」或 {plan.body.period.text}之間的日期；承辦單位由下拉選單選擇（名單在「{UNITS_SHEET}」工作表）。"
    )
    sheet_heading(ws, columns, title, note)
    layout: list[list[Any]] = []
    for n, ref in enumerate(refs, 1):
        row = FIRST_ROW + n - 1
        entry = entries.get(ref.key)
        bureau = "\n".join(f"{i}. {text}" for i, text in enumerate(ref.point.practices, 1))
        # As the YAML skeleton's comments say it: a unit's 完成期限 may not fall after the bureau's.
        bureau += f"\n（本局完成期限：{deadline_text(ref.point.deadline)}；本局承辦單位：{'、'.join(ref.point.units)}）"
        put(ws.cell(row, COL_NO), n, fill=False, center=True)
        put(ws.cell(row, COL_DIM), ref.dimension.name, fill=False)
        put(ws.cell(row, COL_ITEM), ref.item.name, fill=False)
        put(ws.cell(row, COL_POINT), ref.point.name, fill=False)
        put(ws.cell(row, COL_BUREAU), bureau, fill=False, size=REFERENCE_SIZE)
        put(ws.cell(row, COL_PRACTICES), "\n".join(entry.practices) if entry and entry.practices else None, fill=True)
        put(ws.cell(row, COL_DEADLINE), entry.deadline if entry else None, fill=True, center=True)
        ws.cell(row, COL_DEADLINE).number_format = ROC_DATE_FORMAT  # a date typed later shows as 107年6月30日
        names = list(entry.units) if entry else []
        for k in range(unit_columns):
            put(ws.cell(row, COL_UNITS + k), names[k] if k < len(names) else None, fill=True, center=True)
        fit_row(ws, row, columns, minimum=4)
        layout.append([row, *ref.key])
    last = FIRST_ROW + len(refs) - 1
    start, end = plan.body.period.start, plan.body.period.end
    roc, slash, _ = date_examples(plan.year)
    col = get_column_letter(COL_DEADLINE)
    open_rows = [FIRST_ROW + n for n, ref in enumerate(refs) if not isinstance(ref.point.deadline, date)]
    g = f"{col}{open_rows[0] if open_rows else FIRST_ROW}"  # the formula's cell: the first of the rule's cells
    validation(
        ws, "custom", _ranges(col, open_rows),
        formula1=_deadline_rule(g, start, end, continuous=True),
        prompt=f"填「{CONTINUOUS}」或 {plan.body.period.text}之間的日期（如 {roc}、{slash} 或 Excel 日期）。",
        error=f"完成期限須為「{CONTINUOUS}」或計畫期程（{plan.body.period.text}）內的日期。",
    )
    # Where the bureau's 完成期限 is a day, the unit's is that day or earlier: 賡續辦理, which the
    # form's one rule let pass, was refused only at import (check: 晚於本局的完成期限).
    for n, ref in enumerate(refs):
        if isinstance(due := ref.point.deadline, date):
            cell = f"{col}{FIRST_ROW + n}"
            validation(
                ws, "custom", cell,
                formula1=_deadline_rule(cell, start, due, continuous=False),
                prompt=f"本局完成期限為 {format_roc(due)}：填該日或更早的日期（如 {roc}、{slash} 或 Excel 日期），不可填「{CONTINUOUS}」。",
                error=f"本局完成期限為 {format_roc(due)}：完成期限須為該日或更早的日期。",
            )
    unit_last = FIRST_ROW + len(_sub_unit_rows(plan, unit, existing)) + UNIT_ROWS - 1
    validation(
        ws, "list",
        f"{get_column_letter(COL_UNITS)}{FIRST_ROW}:{get_column_letter(COL_UNITS + unit_columns - 1)}{last}",
        formula1=f"'{UNITS_SHEET}'!$A${FIRST_ROW}:$A${unit_last}",
        prompt=f"由下拉選單選擇一個承辦單位；名單在「{UNITS_SHEET}」工作表。",
        error=f"請由下拉選單選擇；新的承辦單位請先加到「{UNITS_SHEET}」工作表。",
    )
    print_setup(ws, len(columns), last, f"{unit} 細部執行計畫表單")
    protect(ws)

    units_ws = wb.create_sheet(UNITS_SHEET)
    sheet_heading(
        units_ws, _UNIT_COLUMNS, f"{unit} 承辦單位（組、隊、派出所）",
        "每列一個承辦單位；「細部計畫」工作表的承辦單位下拉選單即取自本表第一欄。要用一個名稱代表多個單位時（如 各派出所），"
        "在「群組成員」欄列出成員，以「、」分隔。",
    )
    for row in range(FIRST_ROW, unit_last + 1):
        put(units_ws.cell(row, 1), None, fill=True)
        put(units_ws.cell(row, 2), None, fill=True)
    for row, (name, members) in enumerate(_sub_unit_rows(plan, unit, existing), FIRST_ROW):
        units_ws.cell(row, 1).value = name
        units_ws.cell(row, 2).value = members or None
        fit_row(units_ws, row, _UNIT_COLUMNS)
    print_setup(units_ws, len(_UNIT_COLUMNS), unit_last, f"{unit} 承辦單位")
    protect(units_ws)

    fp.rows = {SHEET: layout}
    fp.extra = {"unit_columns": str(unit_columns)}
    return wb


# ---- reading a filled form ------------------------------------------------------------


def _names(value: Any) -> list[str]:
    return [n.strip() for n in _SPLIT.split(cell_text(value)) if n.strip()]


def _read_sub_units(wb: Workbook, cells: CellMap, problems: list[CellProblem]) -> tuple[list[str], list[dict[str, Any]]]:
    ws = wb[UNITS_SHEET]
    sub_units: list[str] = []
    groups: list[dict[str, Any]] = []
    first: dict[str, str] = {}  # name → the cell it was first listed in
    for row in filled_rows(ws):
        name, members = cell_text(value_at(ws, row, 1)), _names(value_at(ws, row, 2))
        if not name and not members:
            continue
        if not name:
            problems.append(CellProblem(ws.title, row, 1, "已填群組成員，但沒有群組名稱（如 各派出所）"))
            continue
        if name in first:  # the loader says the same by YAML line, which a clerk never saw
            problems.append(CellProblem(
                ws.title, row, 1,
                f"承辦單位或群組名稱「{name}」重複（{ws.title}!{first[name]} 已有同名項目）；名稱必須唯一，請刪除這一列或改名",
            ))
        first.setdefault(name, f"A{row}")
        if members:
            g = len(groups)
            cells.put(("sub_groups", g), Where(ws.title, row, 1))
            cells.put(("sub_groups", g, "name"), Where(ws.title, row, 1))
            for m in range(len(members)):
                cells.put(("sub_groups", g, "members", m), Where(ws.title, row, 2))
            groups.append({"name": name, "members": members})
        else:
            cells.put(("sub_units", len(sub_units)), Where(ws.title, row, 1))
            sub_units.append(name)
    return sub_units, groups


def read(
    wb: Workbook, fp: Fingerprint, plan: Plan, filed: dict[tuple[str, ...], SubplanPoint] | None = None
) -> tuple[dict[str, Any], CellMap, list[CellProblem]]:
    """The subplan data the form holds (as YAML would hold it), where each field came from, problems.
    ``filed``: the entries of the unit's YAML as it is, by point."""
    problems: list[CellProblem] = []
    for name in (SHEET, UNITS_SHEET):
        if name not in wb.sheetnames:
            problems.append(CellProblem(wb.sheetnames[0], 1, 1, f"找不到工作表「{name}」；請勿刪除或改名工作表"))
    unit_columns = int(fp.extra.get("unit_columns", MIN_UNIT_COLUMNS))
    if not problems:  # each sheet is read by column: a column moved would shift everything
        problems = moved_columns(wb[SHEET], _columns(unit_columns)) + moved_columns(wb[UNITS_SHEET], _UNIT_COLUMNS)
    if problems:
        return {}, CellMap(Where(wb.sheetnames[0], 1, 1)), problems
    ws = wb[SHEET]
    cells = CellMap(Where(SHEET, 1, 1))
    width = COL_UNITS + unit_columns - 1

    def key_of(row: int) -> tuple[str, ...] | None:
        key = tuple(cell_text(value_at(ws, row, c)) for c in (COL_DIM, COL_ITEM, COL_POINT))
        return None if not any(key) else key

    match = match_rows(
        ws, fp.keys(SHEET), key_of,
        lambda row: first_filled(ws, row, range(1, width + 1)),
        lambda key: f"評核重點「{key[-1]}」", COL_POINT,
    )
    problems += match.problems
    problems += beyond_columns(
        ws, width,
        f"一個評核重點的承辦單位超過 {unit_columns} 個時，請在「{UNITS_SHEET}」工作表設一個群組"
        "（在「群組成員」欄列出成員，以「、」分隔），再選該群組",
    )
    problems += beyond_columns(wb[UNITS_SHEET], len(_UNIT_COLUMNS), "每列只填承辦單位名稱（A 欄）與群組成員（B 欄）")
    sub_units, groups = _read_sub_units(wb, cells, problems)
    points: list[dict[str, Any]] = []
    for ref in plan.points_for(fp.unit):
        row = match.rows.get(ref.key)
        if row is None:
            continue
        i = len(points)
        at = {c: Where(SHEET, row, c) for c in range(1, width + 1)}
        cells.put(("points", i), at[COL_PRACTICES])
        cells.put(("points", i, "point"), at[COL_POINT])
        entry = (filed or {}).get(ref.key)
        practices = _regrouped(cell_lines(ws.cell(row, COL_PRACTICES).value), entry.practices if entry else [])
        cells.put(("points", i, "practices"), at[COL_PRACTICES])
        deadline: date | str | None = None
        try:
            deadline = cell_deadline(ws.cell(row, COL_DEADLINE).value)
        except ValueError as exc:
            problems.append(CellProblem(SHEET, row, COL_DEADLINE, str(exc)))
        if isinstance(deadline, date) and (where := plan.body.period.outside(deadline)) is not None:
            problems.append(CellProblem(SHEET, row, COL_DEADLINE, f"完成期限 {format_roc(deadline)} {where}"))
            deadline = None  # the loader would refuse the whole file at it; the other cells are still judged
        cells.put(("points", i, "deadline"), at[COL_DEADLINE])
        units: list[str] = []
        for c in range(COL_UNITS, width + 1):
            for name in _names(ws.cell(row, c).value):
                cells.put(("points", i, "units", len(units)), at[c])
                units.append(name)
        cells.put(("points", i, "units"), at[COL_UNITS])
        # A row left blank is allowed (work in progress); a row begun must be complete.
        dated = not blank(ws.cell(row, COL_DEADLINE).value)  # a deadline that did not parse is reported above
        # A row as the unit's file already has it was not begun on the form: `subplan init --from`
        # leaves last year's dated deadlines empty, and the form made from that file goes back as
        # work in progress, as the file itself loads (check lists what is missing).
        as_filed = entry is not None and (entry.practices, entry.deadline, entry.units) == (
            practices, deadline if dated else None, units)
        if practices or dated or units:
            for column, empty, what in ((COL_PRACTICES, not practices, "本單位具體作法"),
                                        (COL_DEADLINE, not dated, "完成期限"), (COL_UNITS, not units, "承辦單位")):
                if empty and as_filed:
                    problems.append(CellProblem(
                        SHEET, row, column, f"未填{what}（這一列照原檔內容）；可先匯入，sqdocs check 會列為尚未完成", "warning",
                    ))
                elif empty:
                    problems.append(CellProblem(SHEET, row, column, f"未填{what}（這一列已填了其他欄位；{what}為必填）"))
        points.append({
            "dimension": ref.dimension.name, "item": ref.item.name, "point": ref.point.name,
            "practices": practices,
            "deadline": deadline if deadline is None else deadline_text(deadline),
            "units": units,
        })
    title = cell_text(ws.cell(1, 1).value) or subplan_title(plan, fp.unit)
    data = {"unit": fp.unit, "title": title, "sub_units": sub_units, "sub_groups": groups, "points": points}
    return data, cells, problems


def _regrouped(lines: list[str], filed: list[str]) -> list[str]:
    """A cell's lines with each practice of the unit's file written on several lines (a YAML
    literal block, 「|」) whole again where its lines stand unchanged: the form shows it a line
    per line, as it shows separate practices, and an untouched form split it into several."""
    several = [(practice, parts) for practice in filed if "\n" in practice
               if (parts := [line.strip() for line in practice.split("\n") if line.strip()])]
    out, i = [], 0
    while i < len(lines):
        line = lines[i : i + 1]  # a line of its own: a practice as it stands
        practice, parts = next(((p, parts) for p, parts in several if lines[i:i + len(parts)] == parts), (line[0], line))
        out.append(practice)
        i += len(parts)
    return out


# The loader and the check speak of YAML fields; a clerk filling the form knows the sheet.
_FORM_WORDS = (
    ("請先列於 sub_units（或 sub_groups）", "請先列於「承辦單位」工作表"),
    ("須先列於 sub_units", "須先列於「承辦單位」工作表"),
    ("一項只能寫一個名稱，多個名稱請分成多項", "一格只能寫一個名稱，多個名稱請分列（每列一個）"),
    (SPACED_NAMES, "；多個名稱請以「、」分隔，不要只用空格隔開"),
    ("sub_units 登錄的名稱", "「承辦單位」工作表登錄的名稱"), ("請修正 sub_units 中", "請修正「承辦單位」工作表中"),
    ("（practices）", ""), ("（deadline）", ""), ("（units）", ""),
)


def form_words(message: str) -> str:
    """A loader's message about subplan YAML reworded for the form: its columns, not YAML fields or lines."""
    for yaml_words, form in _FORM_WORDS:
        message = message.replace(yaml_words, form)
    return re.sub(r"（第 \d+ 行已有同名項目）", "（已有同名項目）", message)  # lines of a YAML text nobody saw


def _kept_warning(entry: SubplanPoint, target: Path) -> CellProblem:
    return CellProblem(
        SHEET, 1, 1,
        f"{display_name(target)} 原有的評核重點「{'／'.join(entry.key)}」不在表單上（本局計畫已刪除、改名或不再指派本單位辦理）；"
        "其內容照原樣保留在檔案中，標記為 removed: true，確認不需要後可整項刪除（sqdocs check 會列出）",
        "warning",
    )


BLANK_ROW = "這一列尚未填寫；可先匯入，sqdocs check 會列為尚未完成"


def judge(plan: Plan, subplan: Subplan, cells: CellMap, *, missing: bool = False) -> list[CellProblem]:
    """``sqdocs check`` on the imported plan: wrong deadlines and unknown 承辦單位 are errors,
    rows left blank are warnings (the unit may import what it has and finish later).
    ``missing``: rows were deleted, already reported where they were."""
    found = []
    for problem in check_subplan(plan, subplan):
        if missing and problem.kind == "missing":
            continue
        if problem.kind in ("deleted", "not_assigned"):
            continue  # only entries kept from the YAML, not on the form: warned about by import_text
        where = cells.find(format_path(problem.loc))
        message = problem.message.removeprefix(f"{'／'.join(problem.point)}：") if problem.point else problem.message
        blank_row = problem.kind in ("no_practices", "no_deadline", "no_units")
        if blank_row:
            if problem.kind != "no_practices":
                continue  # one warning per blank row is enough
            message = BLANK_ROW
        severity = "warning" if blank_row else "error"
        found.append(CellProblem(where.sheet, where.row, where.column, form_words(message), severity))
    return found


# ---- the YAML a clerk would write -----------------------------------------------------


def to_yaml(plan: Plan, data: dict[str, Any]) -> str:
    """The subplan as ``sqdocs subplan init`` lays it out, with the slots filled from the form."""
    origin = "# 本檔由 sqdocs form import 自試算表表單匯入；可再產生表單（sqdocs form subplan）修改，或直接編輯本檔。"
    return filled_subplan_text(plan, data, origin)


def _restored_warnings(existing: Subplan | None, plan: Plan, unit: str, target: Path) -> list[CellProblem]:
    """A warning for each entry of the unit's YAML marked removed whose point the bureau still
    assigns the unit, where it is or moved to another item (:func:`~sqdocs.forms.entries.marked_back`):
    the form shows it as any other row, so the import takes the mark off, as `subplan update`
    does, and says so; it changed the file without a word."""
    if existing is None:
        return []
    assigned = {ref.key for ref in plan.points_for(unit)}
    live = {entry.key for entry in existing.points if not entry.removed}
    found = [CellProblem(SHEET, 1, 1, (
        f"{display_name(target)} 中的評核重點「{'／'.join(entry.key)}」標記為 removed: true，但本局計畫仍指派本單位辦理；"
        "表單照常列出此項，匯入後取消 removed，此項會列入細部執行計畫"
    ), "warning") for entry in existing.points if entry.removed and entry.key in assigned and entry.key not in live]
    _, back = marked_back(plan, unit, existing.points)
    return found + [CellProblem(SHEET, 1, 1, (
        f"{display_name(target)} 中的評核重點「{'／'.join(existing.points[i].key)}」標記為 removed: true，本局計畫已把它移到"
        f"「{'／'.join(ref.key)}」並再指派本單位辦理；表單把其內容列在新的位置，匯入後取消 removed"
    ), "warning") for i, ref in sorted(back.items())]


def _groups_emptied(existing: Subplan | None, data: dict[str, Any], cells: CellMap) -> list[CellProblem]:
    """A warning for each group of the unit's YAML whose members the form leaves empty: it
    would be imported as one sub-unit of that name, and every 承辦單位 naming it would stand for
    it alone, not for its members."""
    if existing is None:
        return []
    found = []
    for i, name in enumerate(data["sub_units"]):
        group = existing.group(name)
        if group is None:
            continue
        at = cells.find(format_path(("sub_units", i)))
        found.append(CellProblem(at.sheet, at.row, 2, (
            f"「{name}」原是群組（成員：{'、'.join(group.members)}），表單中其「群組成員」欄是空白的，"
            "匯入後成為一個單獨的承辦單位；若是誤刪，請填回成員（以「、」分隔）後再匯入"
        ), "warning"))
    return found


def import_text(
    wb: Workbook, fp: Fingerprint, plan: Plan, folder: Path, target: Path, old: bytes | None
) -> tuple[str, list[CellProblem], int]:
    """The YAML text of a filled subplan form and every problem, judged by the loader and the check;
    ``old`` is the unit's YAML as it is at ``target`` (None when there is none)."""
    existing = existing_file(old, target, Subplan)
    filed = {entry.key: entry for entry in existing.points} if existing is not None else {}
    data, cells, problems = read(wb, fp, plan, filed)
    if not data:  # a sheet is missing: nothing to check further
        return "", problems, 0
    problems += _groups_emptied(existing, data, cells)
    # Entries the form did not show are kept, marked removed, as `subplan update` keeps them: the
    # clerk's practices for a renamed point must not vanish on import (the form cannot show them).
    data["kept"] = current_entries(plan, fp.unit, old, target, Subplan)
    problems += [_kept_warning(entry, target) for entry in data["kept"]]
    problems += _restored_warnings(existing, plan, fp.unit, target)
    # Even with problems in some cells, let the loader judge the rest, so one round shows them all.
    text = to_yaml(plan, data)
    try:
        doc = parse_yaml(text.encode("utf-8"), display_name(target))
        loaded = subplan_from(doc, target, plan)
    except LoadError as exc:
        found = [cells.problem(d) for d in exc.diagnostics]
        return "", merge(problems, [replace(p, message=form_words(p.message)) for p in found]), 0
    judged = judge(plan, loaded.subplan, cells, missing=len(data["points"]) < len(fp.points))
    # A typed 「1.」 the form did not drop (one line, or lines not in sequence) prints twice, 「1. 1.…」:
    # validate and build warn at the YAML line, which a clerk working from the form never sees.
    judged += [cells.problem(d) for d in typed_labels(doc)]
    judged += [cells.problem(d) for d in repeated_items(doc)]  # a practice row pasted twice
    # A row kept as the file has it, its 具體作法 empty, is already warned about at that cell
    # (「未填本單位具體作法（這一列照原檔內容）」): the check's 「這一列尚未填寫」 there is the same news.
    warned = {(p.sheet, p.row, p.column) for p in problems if p.severity == "warning"}
    judged = [p for p in judged if p.severity == "error" or (p.sheet, p.row, p.column) not in warned]
    # A form sent back blank is one warning, not one a row: 14 of them for each of 14 分局 buried
    # a folder import's errors.
    blank = [p for p in judged if p.message == BLANK_ROW]
    if len(blank) > 1 and len(blank) == len(data["points"]):
        judged = [p for p in judged if p.message != BLANK_ROW] + [replace(blank[0], message=(
            f"整份表單尚未填寫（{len(blank)} 個評核重點都是空白）；可先匯入，sqdocs check 會列為尚未完成"
        ))]
    return text, merge(problems, judged), len(data["points"])
