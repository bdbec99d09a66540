"""The year-end results form: 執行成果 per point, 量化指標 figures, 佐證資料 (evidence).

Sheets: 說明, 執行成果 (one row per point the bureau assigns to the unit: the bureau's side and
the matching 附件 2 checklist entries locked, 執行成果 to fill), 量化指標 (one row per indicator
that supports one of those points: counts or a value, checked as whole numbers ≥ 0 where they
are counts), 佐證資料 (free rows: which point, title, kind, date, file, which checklist entries).
Reading it back gives the plain data of ``results/<unit>.yaml``, checked by the same loader.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, get_args

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sqdocs.errors import UserError
from sqdocs.forms.cells import (
    blank,
    cell_date,
    cell_number,
    cell_paragraph,
    cell_passage,
    cell_text,
    filled_rows,
    first_filled,
    held,
    shortened,
    value_at,
)
from sqdocs.forms.entries import current_entries, existing_entries, followed
from sqdocs.forms.fingerprint import Fingerprint, digest
from sqdocs.forms.kinds import FIRST_ROW, regenerate
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
from sqdocs.fsutil import big5_spelling, display_name
from sqdocs.load.diagnostics import LoadError

# The form must be judged exactly as the YAML is: the loader's own indicator and submission checks.
from sqdocs.load.indicators import INDICATORS_FILE, INDICATORS_HOW, read_indicators
from sqdocs.load.results import RESULTS_DIR, check_submission
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import YamlDoc, parse_yaml
from sqdocs.model import Plan, PointRef
from sqdocs.model.results import (
    COUNT_UNITS,
    CheckRef,
    EvidenceKind,
    Indicator,
    IndicatorSet,
    Submission,
    check_points,
    counterpart,
    resolve_checklist,
)
from sqdocs.text.names import MAX_NAME_BYTES
from sqdocs.text.numbers import plain_number
from sqdocs.text.roc import date_examples, format_roc
from sqdocs.text.yamltext import block_scalar, flow_scalar, lines_scalar

SHEET = "執行成果"
INDICATOR_SHEET = "量化指標"
EVIDENCE_SHEET = "佐證資料"
LISTS_SHEET = "選項"
SHEETS = ("說明", SHEET, INDICATOR_SHEET, EVIDENCE_SHEET)

EVIDENCE_KINDS: tuple[str, ...] = get_args(EvidenceKind)
EVIDENCE_ROWS = 40  # blank evidence rows offered beyond the existing ones (at least)

# 執行成果
C_NO, C_DIM, C_ITEM, C_POINT, C_BUREAU, C_CHECK, C_OUTCOME = range(1, 8)
COLUMNS = [
    Column("序號", 5, center=True),
    Column("評核構面", 10),
    Column("評核項目", 11),
    Column("評核重點", 16),
    Column("本局具體作法（參考）", 34),
    Column("組織診斷檢核事項\n（佐證資料依此編號）", 32),
    # Structured lines are kept (說明 6): the header no longer asks for one paragraph.
    Column("執行成果\n（可分項，各項一行）", 52, fill=True, former=("執行成果\n（寫成一段文字）",)),
]
# 量化指標
I_NO, I_POINT, I_NAME, I_HOW, I_UNIT, I_FIRST, I_SECOND, I_NOTE = range(1, 9)
INDICATOR_COLUMNS = [
    Column("序號", 5, center=True),
    Column("評核重點", 16),
    Column("指標名稱", 18),
    Column("定義與填寫說明", 44),
    Column("單位", 6, center=True),
    Column("數值或分子", 12, fill=True, center=True),
    Column("分母或權數", 12, fill=True, center=True),
    Column("備註（可留白）", 28, fill=True),
]
# 佐證資料
E_NO, E_POINT, E_TITLE, E_KIND, E_DATE, E_FILE, E_SUPPORTS, E_CHECK = range(1, 9)
OWN_FORMULAS = {EVIDENCE_SHEET: (E_POINT,)}  # the point a 序號 stands for, looked up by formula
EVIDENCE_COLUMNS = [
    Column("序號", 7, fill=True, center=True),
    Column("評核重點（依序號自動顯示）", 18),
    Column("佐證資料名稱", 38, fill=True),
    Column("類別", 8, fill=True, center=True),
    Column("日期", 15, fill=True, center=True),
    Column("檔案或網址（可留白）", 24, fill=True),
    Column("佐證檢核事項編號\n（如 1、2）", 12, fill=True, center=True),
    Column("佐證的組織診斷評核重點\n（留白＝本評核重點）", 24, fill=True),
]


# ---- the data folder ---------------------------------------------------------------


def load_indicators(folder: Path, plan: Plan) -> IndicatorSet:
    """The indicator definitions a results form lists; a UserError or LoadError when they are missing or wrong."""
    path = folder / INDICATORS_FILE
    if not path.is_file():
        raise UserError(f"找不到 {display_name(path)}；執行成果表單要列出量化指標，請先定義 indicators.yaml（{INDICATORS_HOW}）")
    indicators, problems = read_indicators(path, plan)
    if indicators is None or any(p.severity == "error" for p in problems):
        raise LoadError(problems)
    return indicators


def results_path(folder: Path, plan: Plan, unit: str) -> Path:
    """``results/<unit>.yaml``; a file already named by the unit's full name (or .yml, or in the
    Big5 bytes a Windows zip leaves) is used as it is, as the report reads it."""
    registered = plan.units.unit(unit)
    names = [unit] + ([registered.full_name] if registered and registered.full_name else [])
    for name in names:
        for suffix in (".yaml", ".yml"):
            spelt = f"{name}{suffix}"
            for path in (folder / RESULTS_DIR / n for n in (spelt, big5_spelling(spelt)) if n is not None):
                if path.is_file():
                    return path
    return folder / RESULTS_DIR / f"{unit}.yaml"


def read_existing(doc: YamlDoc, plan: Plan, unit: str) -> Submission:
    """``unit``'s current results, to pre-fill its form; LoadError (file:line:col) if invalid.

    A file whose ``unit`` names another unit (another unit's file copied as a start, a typo) is
    refused here: the form would carry that name back, and the untouched form then failed to
    import at a cell the clerk cannot change, or imported results the bureau reads as another unit's.
    """
    submission, problems = validate(doc, Submission)
    if submission is None:
        raise LoadError(problems)
    registered = plan.units.unit(submission.unit)
    if registered is None or registered.name != unit:
        name = PurePosixPath(doc.file).name
        raise LoadError([doc.diagnostic(
            ("unit",), f"unit 寫「{submission.unit}」，但 {name} 是「{unit}」的成果檔；請改為 unit: {unit}"
                       f"（若這是其他單位的成果，請將檔案改名為該單位的名稱）",
        )])
    return submission


def _supports(indicator: Indicator, check: CheckRef | None) -> bool:
    path = indicator.checklist
    return check is not None and check.key == (path.dimension, path.item, path.point)


def planned_indicators(plan: Plan, unit: str, indicators: IndicatorSet) -> list[tuple[PointRef, Indicator]]:
    """The indicators a unit reports, each under the point whose 附件 2 counterpart it supports."""
    rows = []
    for ref in plan.points_for(unit):
        check = counterpart(plan, ref)
        rows += [(ref, ind) for ind in indicators.indicators if ind.entered and _supports(ind, check)]
    return rows


def indicators_digest(plan: Plan, unit: str, indicators: IndicatorSet) -> str:
    """What the 量化指標 rows are made from: a form from before indicators.yaml changed is refused."""
    return digest([
        [*ref.key, ind.id, ind.name, ind.kind, ind.aggregate, ind.unit]
        for ref, ind in planned_indicators(plan, unit, indicators)
    ])


def stale(fp: Fingerprint, plan: Plan, folder: Path, form: Path) -> list[str]:
    """Why the results form at ``form`` no longer matches indicators.yaml or annex2.yaml, each
    with the command that makes it afresh; empty when it matches. Not a thing to fix in the form."""
    indicators = load_indicators(folder, plan)
    return [why for why in (_stale_indicators(fp, plan, indicators, folder, form), _stale_checklist(fp, plan, folder, form))
            if why]


def _stale_indicators(fp: Fingerprint, plan: Plan, indicators: IndicatorSet, folder: Path, form: Path) -> str:
    """Why the form's 量化指標 rows no longer match indicators.yaml; empty when they do."""
    if indicators_digest(plan, fp.unit, indicators) == fp.extra.get("indicators_hash"):
        return ""
    return (
        f"此表單產生後，量化指標的定義（{INDICATORS_FILE}）已修改，表單上的指標與現行定義不同；"
        f"請重新產生表單（{regenerate('results', folder, fp.unit, form)}），把已填的內容貼到新表單後再匯入"
    )


def checklist_digest(plan: Plan, unit: str) -> str:
    """The 附件 2 checklist entries the 執行成果 sheet numbers: evidence cites them by number."""
    checks = [counterpart(plan, ref) for ref in plan.points_for(unit)]
    return digest([[list(c.key), list(c.point.entries)] if c else None for c in checks])


def _stale_checklist(fp: Fingerprint, plan: Plan, folder: Path, form: Path) -> str:
    """Why the form's numbered checklist entries no longer match annex2.yaml; empty when they do
    (or the form is from before the hash was kept)."""
    kept = fp.extra.get("checklist_hash")
    if kept is None or kept == checklist_digest(plan, fp.unit):
        return ""
    return (
        "此表單產生後，組織診斷檢核表（附件 2）的檢核事項已修改，表單上的檢核事項編號可能已對應到不同的事項；"
        f"請重新產生表單（{regenerate('results', folder, fp.unit, form)}），把已填的內容貼到新表單後再匯入"
    )


def _check_label(ref: CheckRef) -> str:
    return "／".join(n for n in (ref.dimension, ref.item, ref.point.name) if n)


# ---- building -----------------------------------------------------------------------


def _how(ind: Indicator) -> str:
    """What the two figure columns take for this indicator."""
    lines = [ind.definition]
    if ind.kind == "ratio":
        lines += [f"數值或分子：{ind.numerator}（整數）", f"分母或權數：{ind.denominator}（整數）"]
    else:
        kind = "整數" if ind.unit in COUNT_UNITS else ("0–100，85 代表 85%" if ind.unit == "%" else "可有小數")
        lines.append(f"數值或分子：{ind.name}（{ind.unit}，{kind}）")
        lines.append(f"分母或權數：{ind.base}（整數，用於全局加權平均）" if ind.aggregate == "mean" else "分母或權數：免填")
    return "\n".join(lines)


def _guide(plan: Plan, unit: str, count: int) -> list[str]:
    period = plan.body.period.text
    roc, slash, _ = date_examples(plan.year)
    return [
        f"1. 本表單由 sqdocs 依「{plan.title}」產生，列出本局計畫指派{unit}辦理的 {count} 個評核重點，"
        f"用來填報{unit} {plan.year} 年度的執行成果、量化指標數據與佐證資料。",
        "2. 灰底欄位是本局計畫、組織診斷檢核表與指標定義的內容，已鎖定，請勿修改；請填寫藍色標題的欄位。",
        "3. 「執行成果」工作表：每個評核重點寫它的執行成果（做了什麼、多少件、成效），可分項（見第 6 點）。沒有辦理的評核重點留白即可，"
        "不會列入；但已填量化指標或佐證資料的評核重點，執行成果必填。",
        "4. 「量化指標」工作表：比率指標填分子與分母的件數（整數，由系統加總計算全局比率，不要自行填百分比）；"
        "數值指標填「數值或分子」欄，加權平均的指標另填權數（如 受測人數）。% 一律以 0–100 填寫（85 代表 85%）。"
        "沒有數據的指標整列留白；但同一群組（如 各分局）的其他單位已填的指標，本單位留白會被提醒漏填"
        "（加總的全局合計會標「*」），實際為 0 請填 0。",
        "5. 「佐證資料」工作表：每列一件佐證資料。「序號」由下拉選單選擇（即「執行成果」工作表的序號），"
        "評核重點會自動顯示；類別由下拉選單選擇（留白為 文件）；日期填計畫期程"
        f"（{period}）內的日期，可用 Excel 日期或民國「{roc}」「{slash}」；"
        "「佐證檢核事項編號」填「執行成果」工作表「組織診斷檢核事項」的編號，多個以「、」分隔（如 1、2）；"
        "佐證的是其他評核重點的檢核事項時，在最後一欄由下拉選單選擇該評核重點。",
        "6. 一格要寫多行時，Excel 按 Alt+Enter 換行（Mac 為 Control+Option+Return，LibreOffice 為 Ctrl+Enter）；"
        "執行成果可以分項：以「一、」「1.」「(1)」「●」等開頭的行，以及「：」「。」結尾的下一行，在報告中各自成行；"
        "其他換行（例如只為了讓長句放進格子）匯入後會接回同一行。",
        "7. 請勿插入、刪除、複製或搬移「執行成果」與「量化指標」的列，也不要修改工作表名稱；列高不夠時，可調整列高。",
        "8. 填好後交回承辦人，以 sqdocs form import 檔名.xlsx 資料夾 匯入。有錯誤時會列出「工作表!儲存格: 說明」"
        "（如 量化指標!F5: 應填數字，實際是文字「十四」），且不會寫入任何檔案；請依說明修正後再交回。",
        "9. 本表單附有隱藏的識別資料（單位、年度、本局計畫與指標定義的版本）。本局計畫或指標定義修訂後，請改用新產生的表單；"
        "表單發出後若有人直接修改了成果檔，匯入時也會提醒，以免蓋掉別人的修改。",
        "10. 列印：已設定 A4 橫向、縮放為一頁寬、每頁重複標題列。",
    ]


def _indicator_rows(
    plan: Plan, unit: str, indicators: IndicatorSet, existing: Submission | None
) -> list[tuple[int, PointRef, Indicator]]:
    """(point number, point, indicator) rows: the planned ones, and any the unit's YAML reports
    under another point (the loader only warns about that), so pre-filling loses nothing."""
    refs = plan.points_for(unit)
    number = {ref.key: n for n, ref in enumerate(refs, 1)}
    planned = planned_indicators(plan, unit, indicators)
    reported = {r.key: r for r in existing.results} if existing is not None else {}
    rows = []
    for ref in refs:
        ids = [ind.id for r, ind in planned if r.key == ref.key]
        result = reported.get(ref.key)
        extra = [i for i in (result.indicators if result else {}) if i not in ids]
        for ind_id in ids + extra:
            ind = indicators.get(ind_id)
            if ind is not None and ind.entered:
                rows.append((number[ref.key], ref, ind))
    return rows


def build(plan: Plan, unit: str, indicators: IndicatorSet, existing: Submission | None, fp: Fingerprint) -> Workbook:
    """The results form of ``unit``, pre-filled from its results file when it has one."""
    refs = plan.points_for(unit)
    reported = {r.key: r for r in existing.results} if existing is not None else {}
    title = f"{plan.agency}{unit} {plan.year} 年度提升服務品質執行成果"
    wb = Workbook()
    instructions(wb, f"{title}：填寫說明", _guide(plan, unit, len(refs)))

    # 執行成果
    ws = wb.create_sheet(SHEET)
    sheet_heading(
        ws, COLUMNS, title,
        "灰底欄位已鎖定；請在「執行成果」欄寫每個評核重點的成果（沒有辦理的留白）。量化指標與佐證資料請填在後面兩個工作表；"
        "佐證資料的「佐證檢核事項編號」即本表「組織診斷檢核事項」的編號。",
    )
    layout: list[list[Any]] = []
    for n, ref in enumerate(refs, 1):
        row = FIRST_ROW + n - 1
        check = counterpart(plan, ref)
        entries = "\n".join(f"{i}. {e}" for i, e in enumerate(check.point.entries, 1)) if check else "（附件 2 無對應的評核重點）"
        result = reported.get(ref.key)
        put(ws.cell(row, C_NO), n, fill=False, center=True)
        put(ws.cell(row, C_DIM), ref.dimension.name, fill=False)
        put(ws.cell(row, C_ITEM), ref.item.name, fill=False)
        put(ws.cell(row, C_POINT), ref.point.name, fill=False)
        bureau = "\n".join(f"{i}. {p}" for i, p in enumerate(ref.point.practices, 1))
        put(ws.cell(row, C_BUREAU), bureau, fill=False, size=REFERENCE_SIZE)
        put(ws.cell(row, C_CHECK), entries, fill=False, size=REFERENCE_SIZE)
        put(ws.cell(row, C_OUTCOME), result.outcome if result else None, fill=True)
        fit_row(ws, row, COLUMNS, minimum=4)
        layout.append([row, *ref.key])
    last = FIRST_ROW + len(refs) - 1
    print_setup(ws, len(COLUMNS), last, f"{unit} 執行成果表單")
    protect(ws)

    # 量化指標
    iws = wb.create_sheet(INDICATOR_SHEET)
    sheet_heading(
        iws, INDICATOR_COLUMNS, f"{unit} {plan.year} 年度量化指標數據",
        "比率指標填分子、分母的件數（整數，不要填百分比）；數值指標填數值，加權平均的另填權數。% 以 0–100 填寫。沒有數據的指標整列留白。",
    )
    indicator_layout: list[list[Any]] = []
    whole, decimal, percent = [], [], []
    irows = _indicator_rows(plan, unit, indicators, existing)
    for k, (n, ref, ind) in enumerate(irows):
        row = FIRST_ROW + k
        result = reported.get(ref.key)
        measure = result.indicators.get(ind.id) if result else None
        first = second = None
        if measure is not None:
            first = measure.numerator if ind.kind == "ratio" else measure.value
            second = measure.denominator if ind.kind == "ratio" else measure.base
        put(iws.cell(row, I_NO), n, fill=False, center=True)
        put(iws.cell(row, I_POINT), ref.point.name, fill=False)
        put(iws.cell(row, I_NAME), ind.name, fill=False)
        put(iws.cell(row, I_HOW), _how(ind), fill=False, size=REFERENCE_SIZE)
        put(iws.cell(row, I_UNIT), ind.unit, fill=False, center=True)
        put(iws.cell(row, I_FIRST), plain_number(first), fill=True, center=True)
        takes_second = ind.kind == "ratio" or ind.aggregate == "mean"
        put(iws.cell(row, I_SECOND), plain_number(second) if takes_second else None, fill=takes_second, center=True)
        put(iws.cell(row, I_NOTE), (measure.note or None) if measure else None, fill=True)
        if ind.kind == "ratio" or ind.unit in COUNT_UNITS:
            whole.append(iws.cell(row, I_FIRST))
        else:
            (percent if ind.unit == "%" else decimal).append(iws.cell(row, I_FIRST))
        if takes_second:
            whole.append(iws.cell(row, I_SECOND))
        fit_row(iws, row, INDICATOR_COLUMNS, minimum=2)
        indicator_layout.append([row, str(n), ind.name])
    validation(iws, "whole", whole, operator="greaterThanOrEqual", formula1="0",
               prompt="填 0 以上的整數（件數、人數）。", error="這一格只能填 0 以上的整數。")
    validation(iws, "decimal", decimal, operator="greaterThanOrEqual", formula1="0",
               prompt="填 0 以上的數字，可有小數。", error="這一格只能填 0 以上的數字。")
    validation(iws, "decimal", percent, operator="between", formula1="0", formula2="100",
               prompt="填 0–100 的數字（85 代表 85%）。", error="百分比以 0–100 填寫（85 代表 85%）。")
    print_setup(iws, len(INDICATOR_COLUMNS), FIRST_ROW + len(irows) - 1, f"{unit} 量化指標")
    protect(iws)

    # 選項: the 附件 2 points evidence may support, for a dropdown (hidden: not a sheet to fill)
    lists = wb.create_sheet(LISTS_SHEET)
    labels = [_check_label(c) for c in check_points(plan)]
    for i, label in enumerate(labels, 1):
        lists.cell(i, 1, label)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    # 佐證資料
    ews = wb.create_sheet(EVIDENCE_SHEET)
    sheet_heading(
        ews, EVIDENCE_COLUMNS, f"{unit} {plan.year} 年度佐證資料",
        "每列一件佐證資料；序號選「執行成果」工作表的序號。佐證檢核事項編號即「執行成果」工作表組織診斷檢核事項的編號，多個以「、」分隔。",
    )
    rows = []
    for n, ref in enumerate(refs, 1):
        result = reported.get(ref.key)
        for ev in result.evidence if result else []:
            check = resolve_checklist(plan, ev.checklist, ref) if ev.checklist is not None else None
            label = _check_label(check) if check is not None and check != counterpart(plan, ref) else None
            rows.append([n, ev.title, ev.kind, ev.date, ev.file, "、".join(map(str, ev.supports)) or None, label])
    total = len(rows) + max(EVIDENCE_ROWS, 2 * len(refs))
    last_evidence = FIRST_ROW + total - 1
    points_range = f"'{SHEET}'!$A${FIRST_ROW}:$A${last}"
    names_range = f"'{SHEET}'!$D${FIRST_ROW}:$D${last}"
    for k in range(total):
        row = FIRST_ROW + k
        no, title_, kind, day, file, supports, label = rows[k] if k < len(rows) else [None] * 7
        put(ews.cell(row, E_NO), no, fill=True, center=True)
        lookup = f'=IF(A{row}="","",IFERROR(INDEX({names_range},MATCH(A{row},{points_range},0)),"（序號不存在）"))'
        put(ews.cell(row, E_POINT), lookup, fill=False, formula=True)
        put(ews.cell(row, E_TITLE), title_, fill=True)
        put(ews.cell(row, E_KIND), kind, fill=True, center=True)
        put(ews.cell(row, E_DATE), day, fill=True, center=True)
        ews.cell(row, E_DATE).number_format = ROC_DATE_FORMAT
        put(ews.cell(row, E_FILE), file, fill=True)
        put(ews.cell(row, E_SUPPORTS), supports, fill=True, center=True)
        ews.cell(row, E_SUPPORTS).number_format = "@"  # text: 「1、2」 must not turn into a number or a date
        put(ews.cell(row, E_CHECK), label, fill=True)
        fit_row(ews, row, EVIDENCE_COLUMNS, minimum=2)
    col = get_column_letter

    def span(c: int) -> str:
        return f"{col(c)}{FIRST_ROW}:{col(c)}{last_evidence}"

    validation(ews, "list", span(E_NO), formula1=points_range,
               prompt="選擇「執行成果」工作表的序號。", error="請由下拉選單選擇「執行成果」工作表的序號。")
    validation(ews, "list", span(E_KIND), formula1=f'"{",".join(EVIDENCE_KINDS)}"',
               prompt="由下拉選單選擇類別；留白為 文件。", error=f"類別須為 {'、'.join(EVIDENCE_KINDS)} 之一。")
    start, end = plan.body.period.start, plan.body.period.end
    roc, slash, _ = date_examples(plan.year)
    e = f"{col(E_DATE)}{FIRST_ROW}"
    validation(
        ews, "custom", span(E_DATE),
        formula1=(f'OR(AND(ISNUMBER({e}),{e}>=DATE({start.year},{start.month},{start.day}),'
                  f'{e}<=DATE({end.year},{end.month},{end.day})),ISNUMBER(FIND("年",{e})),ISNUMBER(FIND("/",{e})))'),
        prompt=f"填計畫期程內的日期（如 {roc}、{slash} 或 Excel 日期）。",
        error=f"日期須在計畫期程（{plan.body.period.text}）之內。",
    )
    validation(ews, "list", span(E_CHECK), formula1=f"'{LISTS_SHEET}'!$A$1:$A${len(labels)}",
               prompt="佐證的是其他評核重點的檢核事項時才選；留白表示本評核重點。",
               error="請由下拉選單選擇組織診斷檢核表的評核重點。")
    print_setup(ews, len(EVIDENCE_COLUMNS), last_evidence, f"{unit} 佐證資料")
    protect(ews)

    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))  # keep the hidden sheet after the visible ones
    fp.rows = {SHEET: layout, INDICATOR_SHEET: indicator_layout}
    fp.extra = {
        "indicators_hash": indicators_digest(plan, unit, indicators),
        "checklist_hash": checklist_digest(plan, unit),
        "unit_label": existing.unit if existing is not None else unit,
    }
    return wb


# ---- reading a filled form ------------------------------------------------------------


def _percent_cell(value: Any, number_format: str) -> Any:
    """A percentage as the form takes it (0–100): 82.9% typed in Excel is 0.829 in a % formatted cell."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return round(value * 100, 10)  # 0.829 * 100 is 82.89999999999999 in binary
    return value


_PERCENT_TEXT = re.compile(r"^[+-]?[\d,，]*\.?\d+\s*[%％]$")


def _typed_percent(value: Any, number_format: str) -> str | None:
    """A percentage as the cell shows it (「96%」): text ending in a % sign, or a number in a %
    formatted cell (Excel stores 96% typed as 0.96 so formatted); None for anything else."""
    if isinstance(value, str):
        text = cell_text(value)
        return text if _PERCENT_TEXT.match(text) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return f"{cell_text(round(value * 100, 10))}%"
    return None


def _not_a_percent(ind: Indicator, field: str, shown: str) -> str:
    """Why a percentage does not go in this cell of ``ind``, and what does: a ratio's numerator
    and denominator and a mean's weight are counts (the rate is computed from them), and a value
    in another unit than % is not a rate at all. Dropping the % sign would import a wrong figure."""
    if ind.kind == "ratio":
        label, what = ("分子", ind.numerator) if field == "first" else ("分母", ind.denominator)
        return (
            f"「{ind.name}」的{label}應填{what}（整數），不是百分比，實際是「{shown}」；"
            f"比率由系統以 分子（{ind.numerator}）÷ 分母（{ind.denominator}）計算，請填{what}"
        )
    if field == "second":
        return f"「{ind.name}」的權數應填{ind.base}（整數），不是百分比，實際是「{shown}」；請填{ind.base}"
    return f"「{ind.name}」以「{ind.unit}」計，不是百分比，實際是「{shown}」；請填{ind.unit}數"


def _unfilled(ind: Indicator, no: int) -> str:
    """What a blank row of ``ind`` (of point 序號 ``no``) still needs, and that the import goes on
    without it. The form tells a unit without the figure to leave its row blank: so does this."""
    if ind.kind == "ratio":
        what = f"分子（{ind.numerator}）與分母（{ind.denominator}）"
    elif ind.aggregate == "mean":
        what = f"數值與權數（{ind.base}）"
    else:
        what = "數值（確實為 0 也請填 0）"
    return (f"「{ind.name}」（序號 {no}）尚未填寫，本次匯入沒有這項指標；有此項數據請在這一列填入{what}後再匯入一次，"
            "本單位沒有此項數據則整列留白即可")


def _read_indicators(
    ws: Worksheet, fp: Fingerprint, indicators: IndicatorSet, problems: list[CellProblem],
    blanks: dict[int, list[tuple[str, CellProblem]]],
) -> dict[int, list[tuple[str, dict[str, Any], dict[str, Where]]]]:
    """Figures per point number: (indicator id, measure data, where each field came from);
    ``blanks`` gets each row left blank, by point number: its indicator's name and its warning."""

    def key_of(row: int) -> tuple[str, ...] | None:
        key = (cell_text(value_at(ws, row, I_NO)), cell_text(value_at(ws, row, I_NAME)))
        return None if not any(key) else key

    match = match_rows(
        ws, fp.keys(INDICATOR_SHEET), key_of,
        lambda row: first_filled(ws, row, range(1, len(INDICATOR_COLUMNS) + 1)),
        lambda key: f"序號 {key[0]} 的指標「{key[1]}」", I_NAME,
    )
    problems += match.problems
    by_name = {ind.name: ind for ind in indicators.indicators}
    found: dict[int, list[tuple[str, dict[str, Any], dict[str, Where]]]] = {}
    for (no, name), row in sorted(match.rows.items(), key=lambda kv: kv[1]):
        ind = by_name.get(name)
        if not no.isdecimal():  # the issued key said so too: the fingerprint sheet was tampered with
            problems.append(CellProblem(ws.title, row, I_NO, f"序號「{no}」不是數字；請重新產生表單"))
            continue
        if ind is None or not ind.entered:
            problems.append(CellProblem(ws.title, row, I_NAME, f"{INDICATORS_FILE} 已沒有可填報的指標「{name}」；請重新產生表單"))
            continue
        first, second, note = (ws.cell(row, c).value for c in (I_FIRST, I_SECOND, I_NOTE))
        if blank(first) and blank(second) and blank(note):
            # Not an error (a form may go back unfinished), but said here, where the clerk can act
            # on it: validate would later ask for a YAML key the clerk never saw.
            warning = CellProblem(ws.title, row, I_FIRST, _unfilled(ind, int(no)), "warning")
            blanks.setdefault(int(no), []).append((ind.name, warning))
            continue
        where = {f: Where(ws.title, row, c) for f, c in
                 (("first", I_FIRST), ("second", I_SECOND), ("note", I_NOTE))}
        ratio = ind.kind == "ratio"
        takes_second = ratio or ind.aggregate == "mean"
        if not ratio and ind.unit == "%":
            first = _percent_cell(first, ws.cell(row, I_FIRST).number_format)
        values: dict[str, Any] = {}
        failed: set[str] = set()
        for field, value, whole in (
            ("first", first, ratio or ind.unit in COUNT_UNITS),
            ("second", second if takes_second else None, True),
        ):
            shown = None if field == "first" and not ratio and ind.unit == "%" else (
                _typed_percent(value, ws.cell(row, where[field].column).number_format)
            )
            if shown is not None:
                problems.append(CellProblem(ws.title, where[field].row, where[field].column, _not_a_percent(ind, field, shown)))
                values[field] = 0
                failed.add(field)
                continue
            try:
                values[field] = cell_number(value, whole=whole)
            except ValueError as exc:
                problems.append(CellProblem(ws.title, where[field].row, where[field].column, f"「{ind.name}」{exc}"))
                values[field] = 0  # keeps looking for other problems; nothing is written anyway
                failed.add(field)
        if ratio and "second" in failed and values["first"] is not None:
            # A 0 for the unreadable denominator would have the loader add 「分子 234 大於分母 0」 at
            # the numerator, a problem the clerk did not make; the numerator itself stands in.
            values["second"] = values["first"]
        if not takes_second and not blank(second):
            problems.append(CellProblem(ws.title, row, I_SECOND, f"「{ind.name}」不需要分母或權數，請清空這一格"))
        labels = (
            ("分子", ind.numerator, "分母", ind.denominator) if ratio
            else ("數值", ind.name, "權數", ind.base)
        )
        if values["first"] is None:
            problems.append(CellProblem(ws.title, row, I_FIRST, f"未填{labels[0]}（{labels[1]}）；這一列已填了其他欄位，{labels[0]}為必填"))
        if takes_second and values["second"] is None:
            problems.append(CellProblem(ws.title, row, I_SECOND, f"未填{labels[2]}（{labels[3]}）；這一列已填了其他欄位，{labels[2]}為必填"))
        measure: dict[str, Any] = (
            {"numerator": values["first"], "denominator": values["second"]} if ratio
            else {"value": values["first"], **({"base": values["second"]} if takes_second else {})}
        )
        fields = {"numerator": where["first"], "value": where["first"], "denominator": where["second"],
                  "base": where["second"], "note": where["note"]}
        if not blank(note):
            measure["note"] = cell_paragraph(note)
        found.setdefault(int(no), []).append((ind.id, measure, fields))
    return found


def _checklist(plan: Plan, ref: PointRef, check: CheckRef) -> dict[str, str] | None:
    """The shortest ``checklist`` that names ``check`` from ``ref`` (None: the point's own counterpart)."""
    if check == counterpart(plan, ref):
        return None
    if check.item is None:
        return {"dimension": check.dimension, "point": check.point.name}
    if check.dimension == ref.dimension.name:
        if check.item == ref.item.name:
            return {"point": check.point.name}
        return {"item": check.item, "point": check.point.name}
    return {"dimension": check.dimension, "item": check.item, "point": check.point.name}


_FILE_EXAMPLE = "evidence/照片.jpg"
_WEB = ("http://", "https://")


def _not_a_file(text: str) -> str | None:
    """Why an evidence cell's file names no file at all (「.」「./」: no name; a name too long for
    any file system); None for a name or a web address. The loader judges the rest."""
    if not text or text.startswith(_WEB):
        return None
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if not parts:
        return f"「{text}」不是檔案名稱；請填佐證資料檔案在 results 資料夾內的路徑（如 {_FILE_EXAMPLE}）或網址，沒有檔案請留白"
    if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in parts):
        return (f"檔案「{shortened(text)}」的名稱太長（超過 {MAX_NAME_BYTES} 位元組），不是能存在的檔案；"
                f"請填檔案實際的名稱（如 {_FILE_EXAMPLE}）或網址")
    return None


def _web_link(ws: Worksheet, row: int) -> str | None:
    """The web address an evidence row's file cell links to when it shows a name instead
    (Excel's 插入連結: 「本局網站專區」); None otherwise. The name alone was taken for a file
    that was not there, and the address lost."""
    cell = held(ws).get((row, E_FILE))  # not ws.cell(), which creates the cell it is asked for
    target = getattr(getattr(cell, "hyperlink", None), "target", None) or ""
    if target.startswith(_WEB) and not cell_text(cell.value).startswith(_WEB):
        return target
    return None


def _read_evidence(
    ws: Worksheet, plan: Plan, refs: list[PointRef], problems: list[CellProblem]
) -> dict[int, list[tuple[dict[str, Any], dict[str, Where]]]]:
    """Evidence per point number: (evidence data, where each field came from), in row order."""
    labels = {_check_label(c): c for c in check_points(plan)}
    found: dict[int, list[tuple[dict[str, Any], dict[str, Where]]]] = {}
    fill = (E_NO, E_TITLE, E_KIND, E_DATE, E_FILE, E_SUPPORTS, E_CHECK)
    for row in filled_rows(ws):
        if first_filled(ws, row, fill) is None:
            continue
        value = {c: value_at(ws, row, c) for c in fill}
        at = {c: Where(ws.title, row, c) for c in fill}
        failed: set[int] = set()

        def fail(column: int, message: str, row: int = row, failed: set[int] = failed) -> None:
            problems.append(CellProblem(ws.title, row, column, message))
            failed.add(column)

        no_text = cell_text(value[E_NO])
        no = int(no_text) if no_text.isdecimal() else None
        if no is None or not 1 <= no <= len(refs):
            fail(E_NO, f"序號應為 1–{len(refs)}（「{SHEET}」工作表的序號）" + (f"，不是「{no_text}」" if no_text else "；這一列未填序號"))
        title = cell_paragraph(value[E_TITLE])
        if not title:
            fail(E_TITLE, "未填佐證資料名稱；這一列已填了其他欄位，名稱為必填")
        kind = cell_text(value[E_KIND]) or "文件"
        if kind not in EVIDENCE_KINDS:
            fail(E_KIND, f"類別「{kind}」不是可用的值；應為 {'、'.join(EVIDENCE_KINDS)} 之一")
        file = _web_link(ws, row) or cell_text(value[E_FILE])
        if (wrong := _not_a_file(file)) is not None:
            fail(E_FILE, wrong)
        day: date | None = None
        if not blank(value[E_DATE]):
            try:
                day = cell_date(value[E_DATE])
            except ValueError as exc:
                fail(E_DATE, str(exc))
        supports: list[int] = []
        for part in re.split(r"[、,，;；\s]+", cell_text(value[E_SUPPORTS])):
            if part.isdecimal() and len(part) > 6:  # int() of 4301 digits fails; the YAML would not read it back
                fail(E_SUPPORTS, f"佐證檢核事項編號「{shortened(part)}」不是檢核事項的編號；"
                     f"請填「{SHEET}」工作表「組織診斷檢核事項」的編號，多個以「、」分隔（如 1、2）")
                break
            if part.isdecimal():
                supports.append(int(part))
            elif part:
                fail(E_SUPPORTS, f"佐證檢核事項編號應為數字，多個以「、」分隔（如 1、2），不是「{cell_text(value[E_SUPPORTS])}」")
                break
        label = cell_text(value[E_CHECK])
        check = labels.get(label) if label else None
        if label and check is None:
            # Typed rather than chosen: the point's own name, without 構面／評核項目 before it.
            named = [full for full in labels if full.rsplit("／", 1)[-1] == label]
            if no is not None and 1 <= no <= len(refs) and len(named) > 1:
                # the row's point's own 附件 2 entry (its counterpart: under its old 評核項目 if
                # the bureau moved the point in 附件 1), else its 附件 1 names
                mine = counterpart(plan, refs[no - 1])
                names = (mine.dimension, mine.item) if mine else (refs[no - 1].dimension.name, refs[no - 1].item.name)
                own = "".join(f"{n}／" for n in names if n)
                named = [full for full in named if full.startswith(own)] or named
            if len(named) == 1:
                check = labels[named[0]]
            elif named:
                fail(E_CHECK, f"組織診斷檢核表有 {len(named)} 個「{label}」（{'、'.join(named)}）；請由下拉選單選擇其中一個")
            else:
                fail(E_CHECK, f"「{label}」不是組織診斷檢核表的評核重點；請由下拉選單選擇，或留白")
        if (supports and E_SUPPORTS not in failed and check is None and E_CHECK not in failed
                and no is not None and 1 <= no <= len(refs) and counterpart(plan, refs[no - 1]) is None):
            # The loader would ask for `checklist`, a YAML key; on the form it is the column beside.
            fail(E_SUPPORTS, f"組織診斷檢核表（附件 2）沒有與「{refs[no - 1].point.name}」對應的評核重點；"
                 "請在「佐證的組織診斷評核重點」欄選擇這件佐證資料佐證的評核重點，或清空佐證檢核事項編號")
        if no is None or E_NO in failed or E_TITLE in failed:
            continue
        # The cells that are right still go on to the loader's checks (a 檢核事項 number that
        # does not exist), so one round of corrections fixes the whole row; the import writes
        # nothing while any problem stands.
        ref = refs[no - 1]
        evidence: dict[str, Any] = {"title": title, "kind": kind if E_KIND not in failed else "文件"}
        if file and E_FILE not in failed:
            evidence["file"] = file
        if day is not None:
            evidence["date"] = format_roc(day)
        if check is not None and (checklist := _checklist(plan, ref, check)) is not None:
            evidence["checklist"] = checklist
        if supports and E_SUPPORTS not in failed:
            evidence["supports"] = supports
        where = {"": at[E_TITLE], "title": at[E_TITLE], "kind": at[E_KIND], "file": at[E_FILE], "date": at[E_DATE],
                 "checklist": at[E_CHECK], "supports": at[E_SUPPORTS]}
        found.setdefault(no, []).append((evidence, where))
    return found


def read(
    wb: Workbook, fp: Fingerprint, plan: Plan, indicators: IndicatorSet, before: dict[tuple[str, ...], str] | None = None
) -> tuple[dict[str, Any], CellMap, list[CellProblem]]:
    """The results data the form holds (as YAML would hold it), where each field came from, problems.
    ``before``: the unit's 執行成果 as its YAML holds them, by point (:func:`_outcomes`)."""
    problems = [
        CellProblem(wb.sheetnames[0], 1, 1, f"找不到工作表「{name}」；請勿刪除或改名工作表")
        for name in (SHEET, INDICATOR_SHEET, EVIDENCE_SHEET) if name not in wb.sheetnames
    ]
    if not problems:  # each sheet is read by column: a column moved would shift everything
        for name, columns in ((SHEET, COLUMNS), (INDICATOR_SHEET, INDICATOR_COLUMNS), (EVIDENCE_SHEET, EVIDENCE_COLUMNS)):
            problems += moved_columns(wb[name], columns)
    cells = CellMap(Where(SHEET, 1, 1))
    if problems:
        return {}, cells, problems
    ws = wb[SHEET]
    refs = plan.points_for(fp.unit)

    def key_of(row: int) -> tuple[str, ...] | None:
        key = tuple(cell_text(value_at(ws, row, c)) for c in (C_DIM, C_ITEM, C_POINT))
        return None if not any(key) else key

    match = match_rows(
        ws, fp.keys(SHEET), key_of,
        lambda row: first_filled(ws, row, range(1, len(COLUMNS) + 1)),
        lambda key: f"評核重點「{key[-1]}」", C_POINT,
    )
    problems += match.problems
    for sheet, columns, advice in (
        (ws, COLUMNS, "請把內容寫在「執行成果」欄（G 欄）"),
        (wb[INDICATOR_SHEET], INDICATOR_COLUMNS, "說明請寫在「備註」欄（H 欄）"),
        (wb[EVIDENCE_SHEET], EVIDENCE_COLUMNS, "每列一件佐證資料，請把內容移到表單的欄位，或另起一列"),
    ):
        problems += beyond_columns(sheet, len(columns), advice)
    blanks: dict[int, list[tuple[str, CellProblem]]] = {}
    figures = _read_indicators(wb[INDICATOR_SHEET], fp, indicators, problems, blanks)
    evidence = _read_evidence(wb[EVIDENCE_SHEET], plan, refs, problems)
    results: list[dict[str, Any]] = []
    for n, ref in enumerate(refs, 1):
        row = match.rows.get(ref.key)
        if row is None:
            continue
        value = ws.cell(row, C_OUTCOME).value
        # A 執行成果 the form was filled with and the clerk left as it is stays as the YAML has it,
        # every line break and blank: read as a clerk's lines, a `|` block's own breaks could join.
        kept = (before or {}).get(ref.key)
        outcome = kept if kept is not None and cell_text(value) == kept else cell_passage(value)
        if not outcome:
            if figures.get(n) or evidence.get(n):
                what = "、".join(w for w, has in (("量化指標", figures.get(n)), ("佐證資料", evidence.get(n))) if has)
                problems.append(CellProblem(
                    SHEET, row, C_OUTCOME, f"未填執行成果；序號 {n} 已填了{what}，執行成果為必填"
                ))
            continue
        problems += [warning for _, warning in blanks.pop(n, [])]  # a figure forgotten, perhaps
        r = len(results)
        cells.put(("results", r), Where(SHEET, row, C_OUTCOME))
        cells.put(("results", r, "point"), Where(SHEET, row, C_POINT))
        cells.put(("results", r, "outcome"), Where(SHEET, row, C_OUTCOME))
        result: dict[str, Any] = {
            "dimension": ref.dimension.name, "item": ref.item.name, "point": ref.point.name, "outcome": outcome,
        }
        if evidence.get(n):
            result["evidence"] = []
            for e, (data, where) in enumerate(evidence[n]):
                for name, at in where.items():
                    cells.put(("results", r, "evidence", e, *((name,) if name else ())), at)
                for k in range(len(data.get("supports", []))):
                    cells.put(("results", r, "evidence", e, "supports", k), where["supports"])
                result["evidence"].append(data)
        if figures.get(n):
            result["indicators"] = {}
            for ind_id, measure, where in figures[n]:
                cells.put(("results", r, "indicators", ind_id), where["value"])
                for name, at in where.items():
                    cells.put(("results", r, "indicators", ind_id, name), at)
                result["indicators"][ind_id] = measure
        results.append(result)
    if blanks and results:
        # The figures of points not reported this time: one line, not one a row (16 for a 秘書科
        # that filled one point of its 10); a form sent back blank is told so alone (below).
        first = min((warning for rows in blanks.values() for _, warning in rows), key=lambda w: w.row)
        names = [name for rows in blanks.values() for name, _ in rows]
        problems.append(replace(first, message=(
            f"{len(names)} 項量化指標（{'、'.join(names)}）所屬的評核重點（序號 {'、'.join(map(str, blanks))}）"
            "未填執行成果，指標也未填；本次匯入沒有這些指標，有成果時請連同指標填寫後再匯入一次"
        )))
    if not results and not any(p.severity == "error" for p in problems):
        problems.append(CellProblem(SHEET, FIRST_ROW, C_OUTCOME, "沒有填寫任何評核重點的執行成果；至少要填一個"))
    data = {"unit": fp.extra.get("unit_label") or fp.unit, "year": plan.year, "results": results}
    return data, cells, problems


# ---- the YAML ---------------------------------------------------------------------------


def _flow_value(value: Any) -> str:
    """A value inside a flow mapping ``{…}``: numbers as typed, text quoted when it needs it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # as it is: float() of one of 309 digits fails
    if isinstance(value, float):
        return str(plain_number(value))
    if isinstance(value, list):
        return f"[{', '.join(_flow_value(v) for v in value)}]"
    return flow_scalar(str(value))


def _flow_map(data: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_flow_value(v)}" for k, v in data.items()) + "}"


def to_yaml(data: dict[str, Any]) -> str:
    """results/<unit>.yaml in the layout of the sample files: one block per point."""
    lines = [
        f"# {data['unit']} {data['year']} 年度提升服務品質執行成果",
        "# 本檔由 sqdocs form import 自試算表表單匯入；可再產生表單（sqdocs form results）修改，或直接編輯本檔。",
        f"unit: {block_scalar(data['unit'])}",
        f"year: {data['year']}",
        "results:",
    ]
    for result in data["results"]:
        lines += [
            f"  - dimension: {block_scalar(result['dimension'])}",
            f"    item: {block_scalar(result['item'])}",
            f"    point: {block_scalar(result['point'])}",
            f"    outcome: {lines_scalar(result['outcome'], '      ')}",
        ]
        if result.get("evidence"):
            lines.append("    evidence:")
            for ev in result["evidence"]:
                lines.append(f"      - title: {block_scalar(ev['title'])}")
                lines.append(f"        kind: {block_scalar(ev['kind'])}")
                for name in ("file", "date"):
                    if name in ev:
                        lines.append(f"        {name}: {block_scalar(ev[name])}")
                if "checklist" in ev:
                    lines.append(f"        checklist: {_flow_map(ev['checklist'])}")
                if "supports" in ev:
                    lines.append(f"        supports: {_flow_value(ev['supports'])}")
        if result.get("indicators"):
            lines.append("    indicators:")
            lines += [f"      {ind_id}: {_flow_map(m)}" for ind_id, m in result["indicators"].items()]
    return "\n".join(lines) + "\n"


def _left_out(plan: Plan, unit: str, old: bytes | None, target: Path) -> list[CellProblem]:
    """A warning for each point the unit's YAML reports that the form does not show (renamed,
    deleted or no longer assigned): the import does not keep it; the backup does."""
    return [
        CellProblem(
            SHEET, 1, 1,
            f"{display_name(target)} 原有的評核重點「{'／'.join(r.key)}」不在表單上（本局計畫已刪除、改名或不再指派本單位辦理）；"
            "其執行成果、佐證資料與量化指標不會匯入，原檔會另存為 .bak 備份，需要時請從備份找回",
            "warning",
        )
        for r in current_entries(plan, unit, old, target, Submission)
    ]


def _outcomes(plan: Plan, unit: str, old: bytes | None, target: Path) -> dict[tuple[str, ...], str]:
    """The 執行成果 of the unit's YAML ``old`` by point, under the names the form shows them by
    (:func:`followed`, as the form was filled)."""
    results, _ = followed(plan, unit, existing_entries(old, target, Submission))
    return {result.key: result.outcome for result in results}


def import_text(
    wb: Workbook, fp: Fingerprint, plan: Plan, folder: Path, target: Path, old: bytes | None
) -> tuple[str, list[CellProblem], int]:
    """The YAML text of a filled results form and every problem, judged by the results loader;
    ``old`` is the unit's YAML as it is at ``target`` (None when there is none)."""
    indicators = load_indicators(folder, plan)  # a form no longer matching them was refused before (stale)
    data, cells, problems = read(wb, fp, plan, indicators, _outcomes(plan, fp.unit, old, target))
    problems += _left_out(plan, fp.unit, old, target)
    if not data.get("results"):  # a sheet is missing, or nothing was filled in
        return "", problems, 0
    # Even with problems in some cells, let the loader judge the rest, so one round shows them all.
    text = to_yaml(data)
    doc = parse_yaml(text.encode("utf-8"), display_name(target))
    submission, found = validate(doc, Submission)
    if submission is not None:
        # the real path: the loader compares the file name with the unit and finds evidence files beside it
        found += check_submission(doc, target, submission, plan, indicators, {})
    return text, merge(problems, [cells.problem(d) for d in found]), len(data["results"])
