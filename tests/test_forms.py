"""Spreadsheet forms: make a unit's form, fill it as a clerk would (openpyxl), import it back.

The imported YAML must load to the same model as YAML written by hand; every bad fill must be
reported as ``sheet!cell: message`` and leave the data folder exactly as it was.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import SAMPLE, moved_point
from docx import Document
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from sqdocs.check import check_subplan
from sqdocs.cli import main
from sqdocs.errors import UserError
from sqdocs.forms import import_form, import_forms
from sqdocs.forms.cells import (
    cell_date,
    cell_deadline,
    cell_lines,
    cell_number,
    cell_paragraph,
    cell_passage,
)
from sqdocs.forms.fingerprint import FINGERPRINT_SHEET, read_fingerprint
from sqdocs.forms.kinds import FIRST_ROW
from sqdocs.forms.results import C_OUTCOME, C_POINT, load_indicators, planned_indicators
from sqdocs.fsutil import display_name
from sqdocs.load import load_plan, load_subplans, read_subplan, subplan_path
from sqdocs.load.results import load_results
from sqdocs.model import Plan
from sqdocs.model.results import Submission

SOFFICE = shutil.which("soffice")
PRECINCT = "第一分局"
SECTION = "秘書科"


# ---- helpers -------------------------------------------------------------------------


def make(folder: Path, kind: str, unit: str, out: Path) -> Path:
    assert main(["form", kind, str(folder), "--unit", unit, "-o", str(out)]) == 0
    return out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def refused(form: Path, folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """Import a bad form: exit code 2, nothing on disk changed; returns what was printed."""
    before = snapshot(folder)
    capsys.readouterr()
    assert main(["form", "import", str(form), str(folder), *extra]) == 2
    assert snapshot(folder) == before
    return capsys.readouterr().err


def imported(form: Path, folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    capsys.readouterr()
    code = main(["form", "import", str(form), str(folder), *extra])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def row_of(ws: Worksheet, column: int, text: str, *, also: tuple[int, str] | None = None) -> int:
    """The row whose ``column`` reads ``text`` (and, given ``also``, whose other column matches)."""
    for row in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row, column).value == text and (also is None or ws.cell(row, also[0]).value == also[1]):
            return row
    raise AssertionError(f"{ws.title}: no row with {text}")


def edit(path: Path, change) -> Path:  # noqa: ANN001 — a callable taking the workbook
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


@pytest.fixture()
def folder(data_copy: Path) -> Path:
    """The sample data without 第一分局's subplan and results, and without 秘書科's results."""
    subplan_path(data_copy, PRECINCT).unlink()
    (data_copy / "results" / f"{PRECINCT}.yaml").unlink()
    (data_copy / "results" / f"{SECTION}.yaml").unlink()
    return data_copy


# ---- the subplan form ------------------------------------------------------------------

SUB_UNITS = ["行政組", "偵查隊", "交通組", "信義派出所", "正濱派出所"]
DEADLINES = [datetime(2018, 6, 30), "107 年 3 月 31 日", "107/9/30", "賡續辦理"]
DEADLINE_TEXT = ["107 年 6 月 30 日", "107 年 3 月 31 日", "107 年 9 月 30 日", "賡續辦理"]


def fill_subplan(wb: openpyxl.Workbook, plan: Plan) -> None:
    """What a clerk types: the sub-units, then every row (two practices, a deadline, two units)."""
    units = wb["承辦單位"]
    for row in range(FIRST_ROW, units.max_row + 1):
        units.cell(row, 1).value = units.cell(row, 2).value = None
    for row, name in enumerate(SUB_UNITS, FIRST_ROW):
        units.cell(row, 1).value = name
    units.cell(FIRST_ROW + len(SUB_UNITS), 1).value = "各派出所"
    units.cell(FIRST_ROW + len(SUB_UNITS), 2).value = "信義派出所、正濱派出所"
    ws = wb["細部計畫"]
    for n, ref in enumerate(plan.points_for(PRECINCT)):
        row = row_of(ws, 4, ref.point.name, also=(3, ref.item.name))
        ws.cell(row, 6).value = f"1. 行政組每月檢討第 {n + 1} 項作法\n2. 各派出所每週宣導：「{ref.point.name}」"
        ws.cell(row, 7).value = DEADLINES[n % 4]
        ws.cell(row, 8).value = "行政組"
        ws.cell(row, 9).value = "各派出所"


def subplan_by_hand(plan: Plan) -> str:
    """The same subplan, as a clerk would type the YAML."""
    lines = [f"unit: {PRECINCT}", "sub_units:", *(f"  - {n}" for n in SUB_UNITS),
             "sub_groups:", "  - name: 各派出所", "    members: [信義派出所, 正濱派出所]", "points:"]
    for n, ref in enumerate(plan.points_for(PRECINCT)):
        lines += [
            f"  - dimension: {ref.dimension.name}", f"    item: {ref.item.name}", f"    point: {ref.point.name}",
            "    practices:", f"      - 行政組每月檢討第 {n + 1} 項作法", f"      - 各派出所每週宣導：「{ref.point.name}」",
            f"    deadline: {DEADLINE_TEXT[n % 4]}", "    units: [行政組, 各派出所]",
        ]
    return "\n".join(lines) + "\n"


def test_subplan_form_round_trip(folder: Path, tmp_path: Path, capsys) -> None:
    plan = load_plan(folder)
    form = make(folder, "subplan", PRECINCT, tmp_path / "第一分局細部計畫.xlsx")
    edit(form, lambda wb: fill_subplan(wb, plan))
    out = imported(form, folder, capsys)
    assert "已匯入第一分局的細部執行計畫" in out
    got = read_subplan(subplan_path(folder, PRECINCT), plan).subplan

    by_hand = tmp_path / "hand" / "subplans" / f"{PRECINCT}.yaml"
    by_hand.parent.mkdir(parents=True)
    by_hand.write_text(subplan_by_hand(plan), encoding="utf-8")
    expected = read_subplan(by_hand, plan).subplan
    assert got.model_dump(exclude={"title"}) == expected.model_dump(exclude={"title"})
    assert check_subplan(plan, got) == []
    # the file reads like one `subplan init` wrote: the bureau's practices as comments
    text = subplan_path(folder, PRECINCT).read_text(encoding="utf-8")
    assert "# 本局具體作法（僅供參考，不是資料，可刪除）：" in text
    assert main(["check", str(folder)]) == 0
    # its title first, as every subplan file's; and it says where it came from once, not also
    # that `subplan init` wrote it
    header = text.split("填寫說明", 1)[0]
    assert header.startswith(f"# {got.title}\n")
    assert "本檔由 sqdocs form import 自試算表表單匯入" in header and "subplan init" not in header


def test_subplan_form_prefilled_from_yaml_imports_unchanged(data_copy: Path, tmp_path: Path, capsys) -> None:
    plan = load_plan(data_copy)
    path = subplan_path(data_copy, PRECINCT)
    original_bytes = path.read_bytes()
    original = read_subplan(path, plan).subplan
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(form)["細部計畫"]
    assert ws.cell(FIRST_ROW, 6).value == "\n".join(original.points[0].practices)
    # The form holds what the hand-written file holds: the file, its comments and its schema
    # line stay as they are, and no backup is made.
    assert "未修改" in imported(form, data_copy, capsys)
    assert path.read_bytes() == original_bytes and read_subplan(path, plan).subplan == original
    assert not path.with_name(f"{path.name}.bak.1").exists()
    # one practice changed: now the file is rewritten from the form, the old one kept
    wb = openpyxl.load_workbook(form)
    wb["細部計畫"].cell(FIRST_ROW, 6).value = "表單上改寫的作法"
    wb.save(form)
    assert "原檔另存為" in imported(form, data_copy, capsys)
    assert path.with_name(f"{path.name}.bak.1").read_bytes() == original_bytes


def test_a_practice_written_on_several_lines_goes_through_the_form_whole(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A practice the file writes as a literal block (「|」, its line break printed in the
    documents) is shown a line per line, as separate practices are: an untouched form split it
    into two practices, and one edited elsewhere in the cell did too. An entry the form does not
    show (kept, marked removed) kept its text only with its lines joined and its spaces squeezed."""
    plan = load_plan(data_copy)
    path = subplan_path(data_copy, PRECINCT)
    text = path.read_text(encoding="utf-8")
    one = "      - 民眾陳情案件由行政組列管，於 6 日內函復陳情人。\n"
    assert text.count(one) == 1
    several = "民眾陳情案件由行政組列管：\n於 6 日內函復陳情人。"
    mine = {ref.key for ref in plan.points_for(PRECINCT)}
    other = next(ref.key for ref in plan.points() if ref.key not in mine)
    kept = "第一行作法說明。\n第二行　作法說明。"
    path.write_text(text.replace(one, "      - |\n        民眾陳情案件由行政組列管：\n        於 6 日內函復陳情人。\n") + (
        f"  - dimension: {other[0]}\n    item: {other[1]}\n    point: {other[2]}\n"
        "    practices:\n      - |\n        第一行作法說明。\n        第二行　作法說明。\n"
        "    deadline: 賡續辦理\n    units: [行政組]\n    removed: true\n"), encoding="utf-8")
    before = snapshot(data_copy)
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    assert "未修改" in imported(form, data_copy, capsys)
    assert snapshot(data_copy) == before

    def reworded(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        row = row_of(ws, 4, next(e.point for e in read_subplan(path, plan).subplan.points if several in e.practices))
        ws.cell(row, 6).value = ws.cell(row, 6).value.replace("勤務指揮中心受理", "勤務指揮中心全天受理")

    imported(edit(form, reworded), data_copy, capsys)
    entries = read_subplan(path, plan).subplan.points
    assert any(several in e.practices and any("全天受理" in p for p in e.practices) for e in entries)
    assert [e.practices for e in entries if e.key == other] == [[kept]]


@pytest.mark.parametrize(("kind", "where", "spelled", "respelled"), [
    ("subplan", "subplans", "    deadline: 107 年 3 月 31 日\n", "    deadline: 107年3月31日\n"),
    ("results", "results", "        date: 107 年 12 月 26 日\n", "        date: 107年12月26日\n"),
])
def test_a_date_spelled_without_spaces_in_the_yaml_is_the_same_content(
    kind: str, where: str, spelled: str, respelled: str, data_copy: Path, tmp_path: Path, capsys,
) -> None:
    """「107年3月31日」 is a spelling data-format.md accepts: a form handed back unchanged holds
    the same date, so the file (with its comments) is left as it is and no backup is made."""
    path = data_copy / where / f"{PRECINCT}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(spelled) == 1
    path.write_text(text.replace(spelled, respelled), encoding="utf-8")
    before = snapshot(data_copy)
    form = make(data_copy, kind, PRECINCT, tmp_path / "f.xlsx")
    assert f"✓ {path} 與表單內容相同，未修改。" in imported(form, data_copy, capsys)
    assert snapshot(data_copy) == before


# ---- the results forms -------------------------------------------------------------------


def fill_results_precinct(wb: openpyxl.Workbook) -> None:
    ws, ind, ev = wb["執行成果"], wb["量化指標"], wb["佐證資料"]
    ws.cell(row_of(ws, 4, "申辦業務標準作業流程訂定情形"), 7).value = "訂定標準作業流程 14 項，\n公布於服務櫃檯。"
    ws.cell(row_of(ws, 4, "服務行為的友善性"), 7).value = "電話禮貌測試 23 通，平均 91.4 分。"
    ws.cell(row_of(ws, 4, "消除申辦案件需檢附之書表謄本"), 7).value = "免附書表謄本 2,235 件。"
    row = row_of(ind, 3, "訂定標準作業流程比率")
    ind.cell(row, 6).value, ind.cell(row, 7).value = 14, "15"  # a number typed as text is still a number
    row = row_of(ind, 3, "電話禮貌測試平均成績")
    ind.cell(row, 6).value, ind.cell(row, 7).value, ind.cell(row, 8).value = 91.4, 23, "督察科抽測"
    ind.cell(row_of(ind, 3, "免附書表謄本件數"), 6).value = 2235
    for r, values in enumerate([
        (1, "第一分局申辦業務標準作業流程彙編", "文件", datetime(2018, 12, 26), None, "1", None),
        (1, "標準作業流程檢討會議紀錄", None, "107 年 9 月 24 日", None, "2", None),
        (1, "刑事紀錄證明抽查紀錄", "文件", "107/7/22", None, 1, "基礎服務／服務一致及正確／其他服務作法"),
        (4, "電話禮貌測試成績表", "照片", None, "evidence/禮貌測試.jpg", "1、2", None),
        (7, "跨機關電子查驗統計表", "文件", None, None, None, None),
    ], FIRST_ROW + 2):  # two blank rows first: blank rows are skipped
        for c, value in enumerate(values, 1):
            if c >= 2:
                c += 1  # column B shows the point by formula
            ev.cell(r, c).value = value


RESULTS_BY_HAND = """\
unit: 第一分局
year: 107
results:
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 申辦業務標準作業流程訂定情形
    outcome: 訂定標準作業流程 14 項，公布於服務櫃檯。
    evidence:
      - title: 第一分局申辦業務標準作業流程彙編
        date: 107 年 12 月 26 日
        supports: [1]
      - title: 標準作業流程檢討會議紀錄
        date: 107 年 9 月 24 日
        supports: [2]
      - title: 刑事紀錄證明抽查紀錄
        date: 107 年 7 月 22 日
        checklist: {point: 其他服務作法}
        supports: [1]
    indicators:
      sop_rate: {numerator: 14, denominator: 15}
  - dimension: 基礎服務
    item: 服務友善
    point: 服務行為的友善性
    outcome: 電話禮貌測試 23 通，平均 91.4 分。
    evidence:
      - title: 電話禮貌測試成績表
        kind: 照片
        file: evidence/禮貌測試.jpg
        supports: [1, 2]
    indicators:
      phone_courtesy_score: {value: 91.4, base: 23, note: 督察科抽測}
  - dimension: 服務遞送
    item: 服務便捷
    point: 消除申辦案件需檢附之書表謄本
    outcome: 免附書表謄本 2,235 件。
    evidence:
      - title: 跨機關電子查驗統計表
    indicators:
      documents_waived: {value: 2235}
"""


def results_of(folder: Path, unit: str) -> Submission:
    results, _ = load_results(folder, load_plan(folder))
    return results.submissions[unit]


def by_hand(folder: Path, tmp_path: Path, unit: str, text: str) -> Submission:
    """``text`` loaded as results/<unit>.yaml of a copy of ``folder``."""
    copy = tmp_path / "hand"
    shutil.copytree(folder, copy)
    (copy / "results" / f"{unit}.yaml").write_text(text, encoding="utf-8")
    return results_of(copy, unit)


def test_results_form_round_trip_precinct(folder: Path, tmp_path: Path, capsys) -> None:
    form = make(folder, "results", PRECINCT, tmp_path / "第一分局執行成果.xlsx")
    edit(form, fill_results_precinct)
    capsys.readouterr()
    assert main(["form", "import", str(form), str(folder)]) == 0
    # a missing evidence file is only a warning (as in YAML), shown at its cell
    assert "佐證資料!F9: 警告：找不到檔案「evidence/禮貌測試.jpg」" in capsys.readouterr().err
    assert results_of(folder, PRECINCT) == by_hand(folder, tmp_path, PRECINCT, RESULTS_BY_HAND)
    assert main(["validate", str(folder)]) == 0


def test_results_form_import_names_the_indicator_rows_left_blank(results_form: Path, folder: Path, capsys) -> None:
    """They were passed over without a word, and `validate` later asked for a YAML key
    (「請在評核重點…的 indicators 下加上 on_time_rate: …」) a clerk using the form never saw. A figure
    of a point reported is told at its row (it may be forgotten); those of the points not reported
    this time are one line naming them: a row each was 16 lines for a 秘書科 that filled one point."""
    forgotten = row_of(openpyxl.load_workbook(results_form)["量化指標"], 3, "免附書表謄本件數")
    def forget(wb: openpyxl.Workbook) -> None:
        wb["量化指標"].cell(forgotten, 6).value = None

    sheet = openpyxl.load_workbook(edit(results_form, forget))["量化指標"]
    blank_ratio, blank_count = row_of(sheet, 3, "處理時限內完成比率"), row_of(sheet, 3, "陳情案件數")
    no = sheet.cell(forgotten, 1).value
    capsys.readouterr()
    assert main(["form", "import", str(results_form), str(folder)]) == 0
    err = capsys.readouterr().err
    assert (f"量化指標!F{forgotten}: 警告：「免附書表謄本件數」（序號 {no}）尚未填寫，本次匯入沒有這項指標；"
            "有此項數據請在這一列填入數值（確實為 0 也請填 0）後再匯入一次，本單位沒有此項數據則整列留白即可") in err
    unreported = [line for line in err.splitlines() if "所屬的評核重點" in line]
    assert len(unreported) == 1 and unreported[0].startswith(f"量化指標!F{min(blank_ratio, blank_count)}: 警告："), err
    assert "處理時限內完成比率" in unreported[0] and "陳情案件數" in unreported[0] and "序號 2、" in unreported[0]
    assert unreported[0].endswith("未填執行成果，指標也未填；本次匯入沒有這些指標，有成果時請連同指標填寫後再匯入一次")
    assert err.count("尚未填寫，本次匯入沒有這項指標") == 1
    for filled in ("訂定標準作業流程比率", "電話禮貌測試平均成績"):
        assert filled not in err


def test_results_form_round_trip_section(folder: Path, tmp_path: Path, capsys) -> None:
    form = make(folder, "results", SECTION, tmp_path / "秘書科執行成果.xlsx")

    def fill(wb: openpyxl.Workbook) -> None:
        ws, ind, ev = wb["執行成果"], wb["量化指標"], wb["佐證資料"]
        ws.cell(row_of(ws, 4, "服務人員專業度"), 7).value = "辦理公文講習 3 場次，計 286 人參加。"
        ws.cell(row_of(ws, 4, "定期進行滿意度調查"), 7).value = "有效樣本 260 份。"
        row = row_of(ind, 3, "服務人員專業知識測驗平均成績")
        ind.cell(row, 6).value, ind.cell(row, 7).value = 86.5, 120
        row = row_of(ind, 3, "專業知識測驗及格率")
        ind.cell(row, 6).value, ind.cell(row, 7).value = 115, 120
        row = row_of(ind, 2, "定期進行滿意度調查")  # the first indicator of that point
        ind.cell(row, 6).value, ind.cell(row, 7).value = 234, 260
        ev.cell(FIRST_ROW, 1).value, ev.cell(FIRST_ROW, 3).value = 1, "107 年公文講習簽到表"
        ev.cell(FIRST_ROW, 5).value, ev.cell(FIRST_ROW, 7).value = datetime(2018, 8, 8), "1"
        ev.cell(FIRST_ROW + 1, 1).value, ev.cell(FIRST_ROW + 1, 3).value = 10, "滿意度調查分析"
        ev.cell(FIRST_ROW + 1, 7).value = "1,2"
        ev.cell(FIRST_ROW + 1, 8).value = "開放創新／開放參與"

    edit(form, fill)
    imported(form, folder, capsys)
    expected = f"""\
unit: 秘書科
year: 107
results:
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 服務人員專業度
    outcome: 辦理公文講習 3 場次，計 286 人參加。
    evidence:
      - title: 107 年公文講習簽到表
        date: 107 年 8 月 8 日
        supports: [1]
    indicators:
      professional_test_score: {{value: 86.5, base: 120}}
      professional_test_pass_rate: {{numerator: 115, denominator: 120}}
  - dimension: 服務評價
    item: 服務滿意情形
    point: 定期進行滿意度調查
    outcome: 有效樣本 260 份。
    evidence:
      - title: 滿意度調查分析
        checklist: {{dimension: 開放創新, point: 開放參與}}
        supports: [1, 2]
    indicators:
      {_first_satisfaction_id(folder)}: {{numerator: 234, denominator: 260}}
"""
    assert results_of(folder, SECTION) == by_hand(folder, tmp_path, SECTION, expected)


def _first_satisfaction_id(folder: Path) -> str:
    """The first indicator listed under 定期進行滿意度調查 (the row the test filled)."""
    plan = load_plan(folder)
    rows = planned_indicators(plan, SECTION, load_indicators(folder, plan))
    return next(ind.id for ref, ind in rows if ref.point.name == "定期進行滿意度調查")


def test_results_form_prefilled_from_yaml_imports_unchanged(data_copy: Path, tmp_path: Path, capsys) -> None:
    before = {unit: results_of(data_copy, unit) for unit in (PRECINCT, SECTION)}
    for unit in (PRECINCT, SECTION):
        form = make(data_copy, "results", unit, tmp_path / f"{unit}.xlsx")
        imported(form, data_copy, capsys)
    assert {unit: results_of(data_copy, unit) for unit in (PRECINCT, SECTION)} == before



@pytest.mark.parametrize("written", ["會計室", "各秘書科"])
def test_results_form_refuses_a_yaml_of_another_unit(data_copy: Path, tmp_path: Path, capsys, written: str) -> None:
    """results/秘書科.yaml saying `unit: 會計室` (another unit's file copied as a start) or a typo:
    the form was made from it, and the form handed back untouched then failed at 執行成果!A1, a cell
    the clerk cannot change (or, for 會計室, imported as that unit's). Refused at the YAML's line."""
    path = data_copy / "results" / f"{SECTION}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"unit: {SECTION}", f"unit: {written}"), encoding="utf-8")
    capsys.readouterr()
    assert main(["form", "results", str(data_copy), "--unit", SECTION, "-o", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"results/{SECTION}.yaml:4:7: unit: unit 寫「{written}」，但 {SECTION}.yaml 是「{SECTION}」的成果檔；" \
           f"請改為 unit: {SECTION}" in err
    assert not (tmp_path / "r.xlsx").exists()

# ---- bad fills: each reported at its cell, nothing written -------------------------------------


@pytest.fixture()
def subplan_form(folder: Path, tmp_path: Path) -> Path:
    """A subplan form of 第一分局, filled in completely and correctly."""
    plan = load_plan(folder)
    return edit(make(folder, "subplan", PRECINCT, tmp_path / "s.xlsx"), lambda wb: fill_subplan(wb, plan))


@pytest.fixture()
def results_form(folder: Path, tmp_path: Path) -> Path:
    """A results form of 第一分局, partly filled in, correctly."""
    return edit(make(folder, "results", PRECINCT, tmp_path / "r.xlsx"), fill_results_precinct)


def test_a_results_form_sent_back_blank_is_told_so_in_one_message(folder: Path, tmp_path: Path, capsys) -> None:
    """第一分局's form returned as issued: one error, not buried under a 「尚未填寫」 warning for
    each of its blank figure rows."""
    form = make(folder, "results", PRECINCT, tmp_path / "r.xlsx")
    err = refused(form, folder, capsys)
    assert err.splitlines() == [
        "執行成果!G4: 沒有填寫任何評核重點的執行成果；至少要填一個",
        f"{form}：共 1 個錯誤，未寫入任何檔案；請修正表單後再匯入。",
    ]


def test_bad_date_outside_period(subplan_form: Path, folder: Path, capsys) -> None:
    def late(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["G5"] = "108 年 3 月 1 日"
        wb["細部計畫"]["G6"] = datetime(2017, 12, 31)

    err = refused(edit(subplan_form, late), folder, capsys)
    assert "細部計畫!G5: 完成期限 108 年 3 月 1 日 晚於計畫期程（107 年 1 月 1 日至 107 年 12 月 31 日）" in err
    assert "細部計畫!G6: 完成期限 106 年 12 月 31 日 早於計畫期程" in err


def test_text_yaml_would_read_as_a_bad_date_or_tag_is_written_quoted(subplan_form: Path, folder: Path, capsys) -> None:
    """A practice 「2018-02-30」 or 「!!float x」, a unit 「2018-13-01」: PyYAML's ValueError while
    deciding whether to quote them ended in 「內部錯誤」 (exit 70)."""
    def odd(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["F4"] = "2018-02-30"
        wb["細部計畫"]["F5"] = "!!float x"

    imported(edit(subplan_form, odd), folder, capsys)
    points = read_subplan(subplan_path(folder, PRECINCT), load_plan(folder)).subplan.points
    assert (points[0].practices, points[1].practices) == (["2018-02-30"], ["!!float x"])
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("H4", "2018-13-01")), folder, capsys)
    assert "細部計畫!H4: 未知的承辦單位「2018-13-01」" in err


def test_bad_deadline_text(subplan_form: Path, folder: Path, capsys) -> None:
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("G4", "年底前")), folder, capsys)
    assert "細部計畫!G4: 完成期限「年底前」應為「賡續辦理」或日期" in err



def test_merged_cells_are_one_clear_error(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    """Merging repeated 構面 or a shared 完成期限 leaves the other cells empty: said as such, not as
    rows deleted or deadlines missing."""
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].merge_cells("B4:B7")), folder, capsys)
    assert "細部計畫!B4: B4:B7 被合併成一格" in err and "被刪除" not in err and "共 1 個錯誤" in err
    assert "Excel：常用 → 跨欄置中" in err and "LibreOffice Calc：格式 → 合併與取消合併儲存格" in err  # both suites' menus
    err = refused(edit(results_form, lambda wb: wb["佐證資料"].merge_cells("E4:E5")), folder, capsys)
    assert "佐證資料!E4: E4:E5 被合併成一格" in err

def test_columns_inserted_deleted_or_moved_are_one_clear_error(
    subplan_form: Path, results_form: Path, folder: Path, tmp_path: Path, capsys
) -> None:
    """The sheets' protection has no password: a column deleted or inserted shifted every cell the
    import read, and gave a page of 完成期限「行政組」 and rows 「可能被刪除了」 instead of the cause."""
    def altered(form: Path, change) -> Path:  # noqa: ANN001 — a callable taking the workbook
        return edit(Path(shutil.copy(form, tmp_path / f"altered-{form.name}")), change)

    err = refused(altered(subplan_form, lambda wb: wb["細部計畫"].delete_cols(5)), folder, capsys)
    assert "細部計畫!E3: 欄位標題應為「本局具體作法（參考）」，實際是「本單位具體作法」；" in err, err
    assert "共 1 個錯誤" in err
    err = refused(altered(results_form, lambda wb: wb["量化指標"].insert_cols(3)), folder, capsys)
    assert "量化指標!C3: 欄位標題應為「指標名稱」，實際是空白；" in err and "共 1 個錯誤" in err, err

    def swapped(wb: openpyxl.Workbook) -> None:  # 類別 and 日期 exchanged, as by dragging a column
        ws = wb["佐證資料"]
        for row in range(3, ws.max_row + 1):
            ws.cell(row, 4).value, ws.cell(row, 5).value = ws.cell(row, 5).value, ws.cell(row, 4).value

    err = refused(altered(results_form, swapped), folder, capsys)
    assert "佐證資料!D3: 欄位標題應為「類別」，實際是「日期」；" in err and "共 1 個錯誤" in err, err
    err = refused(altered(subplan_form, lambda wb: wb["承辦單位"].insert_rows(1)), folder, capsys)
    assert "承辦單位!A3: 欄位標題應為「承辦單位或群組名稱」，實際是「每列一個承辦單位" in err, err


def test_results_header_invites_items_and_a_form_with_the_former_header_still_imports(
    results_form: Path, folder: Path, capsys
) -> None:
    """The 執行成果 header asked for 「一段文字」, yet numbered lines are kept (說明 6); forms issued
    with that header before it changed are still read, not refused as columns moved."""
    header = openpyxl.load_workbook(results_form)["執行成果"].cell(3, 7).value
    assert header.startswith("執行成果") and "可分項" in header and "一段" not in header
    imported(edit(results_form, lambda wb: wb["執行成果"].cell(3, 7, "執行成果\n（寫成一段文字）")), folder, capsys)
    err = refused(edit(results_form, lambda wb: wb["執行成果"].cell(3, 7, "成果")), folder, capsys)
    assert "執行成果!G3: 欄位標題應為「執行成果」，實際是「成果」" in err, err


def test_bad_text_in_number_cell(results_form: Path, capsys, folder: Path) -> None:
    def words(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind.cell(row_of(ind, 3, "訂定標準作業流程比率"), 6).value = "十四"
        ind.cell(row_of(ind, 3, "免附書表謄本件數"), 6).value = 2235.5

    err = refused(edit(results_form, words), folder, capsys)
    assert "量化指標!F4: 「訂定標準作業流程比率」應填數字，實際是文字「十四」" in err
    assert "「免附書表謄本件數」應填整數（件數、人數），實際是 2235.5" in err


def test_an_unreadable_denominator_adds_no_problem_at_its_numerator(results_form: Path, capsys, folder: Path) -> None:
    """The denominator 「二六〇」 was read as 0 to go on, and the loader then said 「分子 14 大於分母 0」
    at the numerator, which the clerk typed right."""
    def words(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind.cell(row := row_of(ind, 3, "訂定標準作業流程比率"), 6).value = 14
        ind.cell(row, 7).value = "十五"

    err = refused(edit(results_form, words), folder, capsys)
    assert "量化指標!G4: 「訂定標準作業流程比率」應填數字，實際是文字「十五」" in err
    assert "量化指標!F4" not in err and "大於分母" not in err and "共 1 個錯誤" in err, err


def test_a_time_or_a_huge_number_in_a_number_cell_is_told_at_its_cell(results_form: Path, folder: Path, capsys) -> None:
    """1:00 typed into a number cell is stored as a time (in an [h]:mm cell, a duration); a whole
    number of 400 digits or 1e400, as another program may write them, reads as an int too large
    for float() or as inf. Each was 「內部錯誤」 (exit 70) or went on to the YAML as 「inf」."""
    def odd(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind["F4"], ind["G4"] = time(1, 0), timedelta(hours=26)
        ind["F6"], ind["F7"] = 987654, 876543  # rewritten in the XML below

    form = edit(results_form, odd)
    _rezip(form, "xl/worksheets/sheet3.xml",
           lambda xml: xml.replace("<v>987654</v>", "<v>1e400</v>").replace("<v>876543</v>", f"<v>{'9' * 400}</v>"))
    err = refused(form, folder, capsys)
    assert "量化指標!F4: 「訂定標準作業流程比率」應填數字，實際是時間「1:00」（Excel 把含「:」的輸入當成時間）；請只填數字\n" in err
    assert "量化指標!G4: 「訂定標準作業流程比率」應填數字，實際是時間「26:00」" in err
    assert "量化指標!F6: 「電話禮貌測試平均成績」「inf」不是有限的數字；請填實際的數字\n" in err
    assert (f"量化指標!F7: 「免附書表謄本件數」數值 {'9' * 30}…（共 400 個字元） 過大（超過 1 兆）；"
            "請確認是否多打了位數\n") in err
    assert "內部錯誤" not in err
    with pytest.raises(ValueError, match="過大（超過 1 兆）"):
        cell_number("1" * 400, whole=False)  # float() of it is inf
    with pytest.raises(ValueError, match="^「1:00」不是日期"):
        cell_date(time(1, 0))


def test_bad_unknown_sub_unit(subplan_form: Path, folder: Path, capsys) -> None:
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("I7", "刑事組")), folder, capsys)
    assert "細部計畫!I7: 未知的承辦單位「刑事組」；請先列於「承辦單位」工作表" in err
    # a group member that is not a sub-unit is the loader's error, shown on the 承辦單位 sheet
    err = refused(edit(subplan_form, lambda wb: wb["承辦單位"].__setitem__("B9", "信義派出所、八斗子派出所")), folder, capsys)
    assert "承辦單位!B9: 未知的承辦單位「八斗子派出所」，是不是「正濱派出所」？" in err


def test_bad_sub_unit_name_on_the_units_sheet(subplan_form: Path, folder: Path, capsys) -> None:
    """Two names in one cell of the 承辦單位 sheet: said at that cell."""
    err = refused(edit(subplan_form, lambda wb: wb["承辦單位"].__setitem__("A5", "偵查隊、交通組")), folder, capsys)
    assert "承辦單位!A5: 名稱「偵查隊、交通組」中有「、」，像是把幾個名稱寫在一起；一格只能寫一個名稱，多個名稱請分列（每列一個）" in err


def test_characters_that_print_as_nothing_are_left_out(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    """A zero-width space or soft hyphen pasted from Word or a web page cannot be seen in Excel:
    the import refused the form, telling the clerk to delete a character nobody could find."""
    def pasted(wb: openpyxl.Workbook) -> None:
        name = wb["承辦單位"]["A4"].value
        wb["承辦單位"]["A4"] = f"{name[0]}\u200b{name[1:]}"
        ws = wb["細部計畫"]
        ws["F4"] = f"\ufeff{ws['F4'].value}\u00ad"

    imported(edit(subplan_form, pasted), folder, capsys)
    text = subplan_path(folder, PRECINCT).read_text(encoding="utf-8")
    assert not any(c in text for c in "\u200b\u00ad\ufeff")
    assert check_subplan(load_plan(folder), read_subplan(subplan_path(folder, PRECINCT), load_plan(folder)).subplan) == []

    def outcome(wb: openpyxl.Workbook) -> None:
        ws = wb["執行成果"]
        cell = ws.cell(row_of(ws, C_POINT, "服務行為的友善性"), C_OUTCOME)
        cell.value = "電話禮貌\u200b測試 23 通，\u2060平均 91.4 分。🧑\u200d🚒"

    imported(edit(results_form, outcome), folder, capsys)
    found = next(r for r in results_of(folder, PRECINCT).results if r.point == "服務行為的友善性")
    assert found.outcome == "電話禮貌測試 23 通，平均 91.4 分。🧑\u200d🚒"  # an emoji's joiner is kept


def test_a_unit_chosen_twice_for_a_point_or_a_member_listed_twice(subplan_form: Path, folder: Path, capsys) -> None:
    def twice(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["I7"] = wb["細部計畫"]["H7"].value
        wb["承辦單位"]["B9"] = "信義派出所、正濱派出所、信義派出所"

    err = refused(edit(subplan_form, twice), folder, capsys)
    assert "細部計畫!I7: 承辦單位「行政組」重複（已有同名項目）；名稱必須唯一" in err
    assert "承辦單位!B9: 群組成員「信義派出所」重複（已有同名項目）；名稱必須唯一" in err


def test_members_separated_by_spaces_are_told_how_to_separate(subplan_form: Path, folder: Path, capsys) -> None:
    """「信義派出所 正濱派出所」 was one unknown name, and the message never said to use 「、」."""
    err = refused(edit(subplan_form, lambda wb: wb["承辦單位"].__setitem__("B9", "信義派出所 正濱派出所")), folder, capsys)
    assert "承辦單位!B9: 未知的承辦單位「信義派出所 正濱派出所」；多個名稱請以「、」分隔，不要只用空格隔開" in err, err


def test_bad_wrong_units_form(subplan_form: Path, folder: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    units = other / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace(PRECINCT, "第五分局"), encoding="utf-8")
    err = refused(subplan_form, other, capsys)
    assert "細部計畫!A1: 此表單是「第一分局」的表單，但資料夾" in err
    assert "units.yaml 沒有「第一分局」這個單位" in err


def test_a_form_from_before_a_point_moved_says_where_it_went(subplan_form: Path, folder: Path, capsys) -> None:
    """服務及時性 moved from 服務一致及正確 to 服務友善 was 「新增…、不再指派或已刪除…」, two changes."""
    annex = folder / "annex1.yaml"
    text = annex.read_text(encoding="utf-8")
    at = text.index("          - name: 服務及時性\n")
    end = text.index("          - name: 服務人員專業度\n")
    block, text = text[at:end], text[:at] + text[end:]
    into = text.index("          - name: 服務設施合宜程度\n")
    annex.write_text(text[:into] + block + text[into:], encoding="utf-8")
    err = refused(subplan_form, folder, capsys)
    assert "本局計畫其後已修訂：「基礎服務／服務一致及正確／服務及時性」改為「基礎服務／服務友善／服務及時性」。" in err


def test_bad_form_from_an_older_plan(subplan_form: Path, folder: Path, capsys) -> None:
    annex = folder / "annex1.yaml"
    text = annex.read_text(encoding="utf-8")
    assert text.count("name: 服務及時性") == 1
    annex.write_text(text.replace("name: 服務及時性", "name: 服務即時性"), encoding="utf-8")
    err = refused(subplan_form, folder, capsys)
    assert "細部計畫!A1: 此表單是依較舊版本的本局計畫產生的" in err
    # one change, not a point added and another deleted
    assert "本局計畫其後已修訂：「基礎服務／服務一致及正確／服務及時性」改為「基礎服務／服務一致及正確／服務即時性」。" in err
    assert "新增" not in err and "已刪除" not in err
    # A new form named beside the filled one: at the default name it would be refused (or, with
    # --force, replace the form the clerk is to copy from); in its folder, not wherever the import ran.
    fresh = subplan_form.parent / f"{PRECINCT}細部計畫-新.xlsx"
    assert f"請重新產生表單（sqdocs form subplan {folder} --unit {PRECINCT} -o {fresh}）" in err


def test_bad_indicators_changed(results_form: Path, folder: Path, capsys) -> None:
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 訂定標準作業流程比率", "name: 標準作業流程訂定比率"),
                    encoding="utf-8")
    err = refused(results_form, folder, capsys)
    assert "執行成果!A1: 此表單產生後，量化指標的定義（indicators.yaml）已修改" in err
    # nothing in the form to fix: a new form, made beside this one
    assert f"-o {results_form.parent / (PRECINCT + '執行成果-新.xlsx')}）" in err
    assert err.rstrip().endswith("請依上列說明改用正確的表單。") and "請修正表單" not in err, err


def test_bad_deleted_row(subplan_form: Path, folder: Path, capsys) -> None:
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].delete_rows(5)), folder, capsys)
    assert "細部計畫!D5: 找不到評核重點「服務及時性」這一列（發出時在第 5 列），可能被刪除了" in err


def test_bad_changed_locked_cell_is_not_also_a_deleted_row(subplan_form: Path, folder: Path, capsys) -> None:
    """A 評核重點 typed over in its grey cell is that change, told once: its row is still there."""
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("D5", "服務及時度")), folder, capsys)
    assert "細部計畫!D5: 灰底欄位被修改過：評核重點「服務及時度」不是這份表單發出時的內容" in err
    assert "可能被刪除了" not in err, err


def test_a_group_whose_members_are_cleared_is_warned_about(data_copy: Path, tmp_path: Path, capsys) -> None:
    """Emptying 各派出所's 群組成員 cell imported it, without a word, as one sub-unit named
    各派出所: every 承辦單位 naming it stood for no station any more."""
    form = make(data_copy, "subplan", "第二分局", tmp_path / "f.xlsx")

    def clear(wb: openpyxl.Workbook) -> None:
        ws = wb["承辦單位"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "各派出所")
        ws.cell(row, 2).value = None

    edit(form, clear)
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy), "--force"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"承辦單位!B\d+: 警告：「各派出所」原是群組（成員：.+派出所），表單中其「群組成員」欄是空白的，"
                     r"匯入後成為一個單獨的承辦單位；若是誤刪，請填回成員", err), err


def test_a_control_character_excel_wrote_as_an_escape_is_read_as_itself(subplan_form: Path, folder: Path, capsys) -> None:
    """Excel writes a control character in a cell as 「_x0007_」 (Word's Shift+Enter pasted in:
    「_x000B_」), which came back as those seven letters and printed in the documents."""
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("F4", "作法_x0007_鈴")), folder, capsys)
    assert "細部計畫!F4:" in err and "_x0007_" not in err, err

    def line_break(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["F4"] = "第一項作法_x000B_第二項作法"

    edit(subplan_form, line_break)
    capsys.readouterr()
    assert main(["form", "import", str(subplan_form), str(folder)]) == 0
    entry = yaml.safe_load(subplan_path(folder, PRECINCT).read_text(encoding="utf-8"))["points"][0]
    assert entry["practices"] == ["第一項作法", "第二項作法"]


def test_bad_extra_row(subplan_form: Path, folder: Path, capsys) -> None:
    def extra(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        ws.insert_rows(6)
        ws["F6"] = "另一項作法"

    err = refused(edit(subplan_form, extra), folder, capsys)
    assert "細部計畫!F6: 多出的一列：表單只能填寫原有的列" in err


def test_a_value_filled_down_a_column_is_told_on_one_line(results_form: Path, folder: Path, capsys) -> None:
    """「已完成」 dragged below the table printed one line per cell: 150,007 lines for 150,000 rows.
    Ten or more cells one below the other with the same problem are one line; fewer, one each."""
    below = {}

    def fill(wb: openpyxl.Workbook) -> None:
        ws = wb["執行成果"]
        below["first"] = first = ws.max_row + 1
        for row in range(first, first + 300):
            ws.cell(row, 7).value = "已完成"
        for row in range(first, first + 3):
            ws.cell(row, 9).value = "另一欄"

    err = refused(edit(results_form, fill), folder, capsys)
    first = below["first"]
    extra = "多出的一列：表單只能填寫原有的列，請勿插入或複製列"
    lines = err.splitlines()
    assert [line for line in lines if f"!G{first}" in line] == [
        f"執行成果!G{first}–G{first + 299}（共 300 格）: {extra}；同一格要寫多項時，每項一行（Excel 按 Alt+Enter 換行），"
        "請把這一列的內容移到所屬評核重點的那一列"
    ]
    assert len(lines) < 10 and "共 303 個錯誤" in lines[-1]  # and the 3 in column I, one line each


def test_bad_copied_row_and_changed_locked_cell(subplan_form: Path, folder: Path, capsys) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        for c in range(1, 12):
            ws.cell(ws.max_row + 1 if c == 1 else ws.max_row, c).value = ws.cell(4, c).value
        ws["D6"] = "網站便利性"

    err = refused(edit(subplan_form, change), folder, capsys)
    assert "細部計畫!D18: 評核重點「申辦業務標準作業流程訂定情形」重複出現（第 4 列已有）" in err
    assert "細部計畫!D6: 灰底欄位被修改過：評核重點「網站便利性」不是這份表單發出時的內容" in err


def test_bad_empty_required_cells(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("F8", None)), folder, capsys)
    assert "細部計畫!F8: 未填本單位具體作法（這一列已填了其他欄位；本單位具體作法為必填）" in err

    def half(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind.cell(row_of(ind, 3, "訂定標準作業流程比率"), 7).value = None
        ws = wb["執行成果"]
        ws.cell(row_of(ws, 4, "消除申辦案件需檢附之書表謄本"), 7).value = None
        wb["佐證資料"]["C8"] = None

    err = refused(edit(results_form, half), folder, capsys)
    assert "量化指標!G4: 未填分母（民眾申辦業務項目總數）" in err
    assert "執行成果!G10: 未填執行成果；序號 7 已填了量化指標、佐證資料，執行成果為必填" in err
    assert "佐證資料!C8: 未填佐證資料名稱" in err


def test_bad_evidence_cells(results_form: Path, folder: Path, capsys) -> None:
    def bad(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        ev["A6"], ev["E7"], ev["G8"], ev["D9"], ev["H10"] = 99, "去年", "第一項", "錄音", "不存在的重點"
        ev["G6"] = "5"

    err = refused(edit(results_form, bad), folder, capsys)
    assert "佐證資料!A6: 序號應為 1–14（「執行成果」工作表的序號），不是「99」" in err
    assert "佐證資料!E7: 「去年」不是日期" in err
    assert "佐證資料!G8: 佐證檢核事項編號應為數字" in err
    assert "佐證資料!D9: 類別「錄音」不是可用的值" in err
    assert "佐證資料!H10: 「不存在的重點」不是組織診斷檢核表的評核重點" in err


def test_an_evidence_cell_linking_to_a_web_page_imports_the_address(results_form: Path, folder: Path, capsys) -> None:
    """A cell showing 「本局網站專區」 with Excel's link to the page: its address is the evidence,
    where the shown name was taken for a missing file and the address lost."""
    def link(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        cell = ev.cell(row_of(ev, 3, "跨機關電子查驗統計表"), 6)
        cell.value, cell.hyperlink = "本局網站專區", "https://www.klpd.gov.tw/special"

    out = imported(edit(results_form, link), folder, capsys)
    assert "找不到檔案" not in out
    point = next(r for r in results_of(folder, PRECINCT).results if r.point == "消除申辦案件需檢附之書表謄本")
    assert [(e.title, e.file) for e in point.evidence] == [("跨機關電子查驗統計表", "https://www.klpd.gov.tw/special")]


def test_an_evidence_file_that_names_no_file_is_told_at_its_cell(results_form: Path, folder: Path, capsys) -> None:
    """「.」 or 「./」 is an empty path: the loader's parts[0] of it was an IndexError (exit 70); a
    name longer than a file system takes stopped the import at an OSError without its cell."""
    def files(wb: openpyxl.Workbook) -> None:
        wb["佐證資料"]["F6"], wb["佐證資料"]["F7"], wb["佐證資料"]["F8"] = ".", ".\\", "evidence/" + "照" * 90 + ".jpg"

    err = refused(edit(results_form, files), folder, capsys)
    empty = "不是檔案名稱；請填佐證資料檔案在 results 資料夾內的路徑（如 evidence/照片.jpg）或網址，沒有檔案請留白\n"
    assert f"佐證資料!F6: 「.」{empty}" in err and f"佐證資料!F7: 「.\\」{empty}" in err
    assert (f"佐證資料!F8: 檔案「evidence/{'照' * 21}…（共 103 個字元）」的名稱太長（超過 255 位元組），不是能存在的檔案；"
            "請填檔案實際的名稱（如 evidence/照片.jpg）或網址\n") in err
    assert "內部錯誤" not in err and "共 3 個錯誤" in err


def test_an_evidence_number_of_hundreds_of_digits_is_told_at_its_cell(results_form: Path, folder: Path, capsys) -> None:
    """A 佐證檢核事項編號 of 400 digits (a number cell) was 「內部錯誤」 (OverflowError in float()
    while writing the YAML); one of 5000 (text) fails int() itself."""
    def long(wb: openpyxl.Workbook) -> None:
        wb["佐證資料"]["G6"], wb["佐證資料"]["G7"] = "9" * 5000, 765432  # G7 rewritten in the XML below

    form = edit(results_form, long)
    _rezip(form, "xl/worksheets/sheet4.xml", lambda xml: xml.replace("<v>765432</v>", f"<v>{'8' * 400}</v>"))
    err = refused(form, folder, capsys)
    advice = "請填「執行成果」工作表「組織診斷檢核事項」的編號，多個以「、」分隔（如 1、2）\n"
    assert f"佐證資料!G6: 佐證檢核事項編號「{'9' * 30}…（共 5000 個字元）」不是檢核事項的編號；{advice}" in err
    assert f"佐證資料!G7: 佐證檢核事項編號「{'8' * 30}…（共 400 個字元）」不是檢核事項的編號；{advice}" in err
    assert "內部錯誤" not in err


def test_bad_percentage_and_ratio(results_form: Path, folder: Path, capsys) -> None:
    """The loader's own checks of figures, at the cells: numerator above denominator."""
    def bad(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind.cell(row_of(ind, 3, "訂定標準作業流程比率"), 6).value = 16

    err = refused(edit(results_form, bad), folder, capsys)
    assert "量化指標!F4: 「訂定標準作業流程比率」分子 16（已訂定標準作業流程之業務項目數）大於分母 15" in err


def test_not_a_form(folder: Path, tmp_path: Path, capsys) -> None:
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    err = refused(plain, folder, capsys)
    assert "Sheet!A1: 這不是 sqdocs 產生的表單" in err
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    assert "無法以 Excel 活頁簿（.xlsx）開啟" in refused(text, folder, capsys)
    err = refused(tmp_path, folder, capsys)  # a folder is a folder of forms now: each refused on its own
    assert f"✗ {plain} 未匯入，共 1 個錯誤" in err and f"✗ {text} 未匯入：" in err and "Exception" not in err
    with pytest.raises(UserError, match="這是資料夾，不是表單檔；請指定填好的 .xlsx 表單檔"):
        import_form(tmp_path, folder)  # the library's import of one form


def _rezip(form: Path, member: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML part of a workbook as another program might have left it."""
    with zipfile.ZipFile(form) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    parts[member] = change(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(form, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)


# How Excel 2010 and later save a dropdown listing another sheet's cells: in the x14 extension.
_X14_LIST = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>'承辦單位'!$A$4:$A$45</xm:f></x14:formula1><xm:sqref>H4:K17</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>"
)


def test_a_form_saved_by_excel_imports_without_openpyxls_english_warnings(data_copy: Path, tmp_path: Path,
                                                                         capsys) -> None:
    """Every form a clerk saved in Excel printed 「…/site-packages/openpyxl/worksheet/_reader.py:329:
    UserWarning: Data Validation extension is not supported and will be removed」 above the import's
    Chinese lines: Excel keeps the 承辦單位 dropdown in an extension openpyxl drops."""
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    edit(form, lambda wb: wb["細部計畫"].__setitem__("F4", "表單上改寫的作法"))
    _rezip(form, "xl/worksheets/sheet2.xml", lambda xml: xml.replace("</worksheet>", _X14_LIST))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        imported(form, data_copy, capsys)
    assert [str(w.message) for w in caught] == []
    assert read_subplan(subplan_path(data_copy, PRECINCT), load_plan(data_copy)).subplan.points[0].practices == [
        "表單上改寫的作法"]


@pytest.mark.parametrize("change", [
    lambda xml: xml[: len(xml) // 2],  # cut short: ParseError (a SyntaxError) from the XML parser
    lambda xml: xml.replace("<sheetView ", '<sheetView bogus="1" ', 1),  # TypeError from openpyxl
], ids=["xml-cut-short", "unknown-attribute"])
def test_a_form_whose_xml_is_damaged_is_told_so(folder: Path, tmp_path: Path, capsys, change) -> None:
    """Both ended in 「內部錯誤」 (exit 70)."""
    form = make(folder, "subplan", PRECINCT, tmp_path / "f.xlsx")
    _rezip(form, "xl/worksheets/sheet2.xml", change)
    err = refused(form, folder, capsys)
    assert "活頁簿的內容已損壞，無法讀取；請以 Excel 開啟此檔" in err and "內部錯誤" not in err


def _zip(**entries: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return out.getvalue()


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # an OLE compound file's header: .xls, or an encrypted .xlsx
_ODS = _zip(mimetype=b"application/vnd.oasis.opendocument.spreadsheet", **{"content.xml": b"<office:document-content/>"})
_CSV = "序號,評核構面,評核項目\r\n1,基礎服務,服務一致及正確\r\n".encode("cp950")
_SAVE_AS = ("請開啟它另存為 .xlsx 後匯入存出的檔案：Excel 按「檔案 → 另存新檔」，存檔類型選「Excel 活頁簿 (*.xlsx)」；"
            "LibreOffice Calc 按「檔案 → 另存新檔」，檔案類型選「Excel 2007-365 (.xlsx)」，問到格式時按「使用 Excel 2007-365 格式」")


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("~$第一分局表單.xlsx", b"\x00owner", "這是 Excel 開啟表單時產生的暫存檔，不是表單；請匯入 第一分局表單.xlsx（並先在 Excel 關閉它）"),
    ("第一分局表單.xls", _OLE, f"這是舊版 Excel 97-2003 活頁簿（.xls，或 WPS 的 .et），不是表單的格式；{_SAVE_AS}"),
    ("第一分局表單.ods", _ODS, f"這是開放文件格式（ODF）試算表（.ods，LibreOffice Calc 的預設格式），不是表單的格式；{_SAVE_AS}"),
    ("第一分局表單.xlsx", _ODS, "這是開放文件格式（ODF）試算表（.ods，LibreOffice Calc 的預設格式），只是副檔名是 .xlsx，不是表單的格式"),
    ("第一分局表單.xlsx", _OLE, "這是舊版 Excel 97-2003 活頁簿（.xls，或 WPS 的 .et），只是副檔名是 .xlsx，不是表單的格式"),
    ("第一分局表單.xlsb", _zip(**{"xl/workbook.bin": b"\x83\x01"}), f"這是二進位格式的 Excel 活頁簿（.xlsb），不是表單的格式；{_SAVE_AS}"),
    ("第一分局表單.xlsx", _zip(**{"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\x00"}),
     f"這是含巨集的 Excel 活頁簿（.xlsm），只是副檔名是 .xlsx，不是表單的格式；{_SAVE_AS}"),
    ("第一分局表單.csv", _CSV, "這是文字檔（如 CSV）：只存了一張工作表的文字，沒有表單的其他工作表與識別資料，另存為 .xlsx 也無法復原；"
                           "請匯入原本的 .xlsx 表單"),
    ("第一分局表單.xlsx", _CSV, "這是文字檔（如 CSV），只是副檔名是 .xlsx：只存了一張工作表的文字"),
    ("第一分局表單.xlsx", _OLE + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le"),
     "這個活頁簿設了開啟密碼（已加密），無法讀取；請移除密碼後存檔再匯入：Excel 按「檔案 → 資訊 → 保護活頁簿 → 以密碼加密」，"
     "清空密碼後按「確定」並存檔；LibreOffice Calc 按「檔案 → 另存新檔」，檔案類型選「Excel 2007-365 (.xlsx)」，取消勾選「使用密碼儲存」"),
    ("第一分局表單.xls", b"\xd0\xcf\x11", f".xls 不是表單的格式；{_SAVE_AS}"),  # cut short: only its name is left to go by
], ids=["lock-file", "xls", "ods", "ods-renamed", "xls-renamed", "xlsb", "xlsm-renamed", "csv", "csv-renamed", "encrypted",
        "cut-short"])
def test_a_lock_file_or_another_format_is_told_what_it_is(folder: Path, tmp_path: Path, capsys, name, content,
                                                         expected) -> None:
    """They were all 「請確認是 sqdocs 產生的表單，且以 .xlsx 格式儲存」, which a clerk holding an .xls
    (or Excel's ~$ lock file, picked by mistake) could not act on. The format is told by the file's
    content: a form saved in LibreOffice Calc's default .ods, or with a password to open, or renamed
    to .xlsx, was 「請確認是 sqdocs 產生的表單」 or 「請在 Excel 以另存新檔…」 to a clerk with no Excel;
    a CSV was told to be saved as .xlsx, which cannot bring back the sheets and fingerprint it lost."""
    path = tmp_path / name
    path.write_bytes(content)
    err = refused(path, folder, capsys)
    assert expected in err and "Traceback" not in err


def test_a_form_whose_pictures_unpack_to_gigabytes_is_refused_before_it_is_read(
    results_form: Path, folder: Path, capsys, monkeypatch
) -> None:
    """1.6 GB of one picture packed into 1.6 MB: openpyxl held it for both readings of the form,
    3.2 GB, and under a memory limit the import ended in 「內部錯誤：MemoryError」 (exit 70)."""
    from sqdocs.forms import importing

    monkeypatch.setattr(importing, "MAX_FORM_BYTES", 2 * 1024 * 1024)  # 200 MB, made small to test
    with zipfile.ZipFile(results_form, "a") as archive:
        archive.writestr("xl/media/image1.png", bytes(2 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    err = refused(results_form, folder, capsys)
    assert (f"{results_form}：表單解壓後有 2 MB，多半是貼進了許多或很大的圖片、物件；表單只填文字：佐證照片請放在 "
            "results/evidence 資料夾，在「佐證資料」工作表填其檔名（如 evidence/照片.jpg），並從表單刪除圖片後存檔再匯入") in err


def test_a_form_too_large_for_the_memory_left_is_told_so(results_form: Path, folder: Path, capsys, monkeypatch) -> None:
    def out_of_memory(*args, **kwargs):  # noqa: ANN002, ANN003 — openpyxl.load_workbook's
        raise MemoryError

    monkeypatch.setattr(openpyxl, "load_workbook", out_of_memory)
    err = refused(results_form, folder, capsys)
    assert f"{results_form}：記憶體不足，無法讀取此表單；請從表單刪除貼進的圖片、物件後存檔再匯入" in err
    assert "內部錯誤" not in err


def test_a_form_that_unpacks_to_gigabytes_is_refused_before_it_is_read(results_form: Path, folder: Path, capsys) -> None:
    """openpyxl reads a whole sheet into memory: 2 GB of blanks packed into a 2 MB form took 44 s
    and 2 GB of memory, 400,000 rows of a value dragged down a column 5 minutes, before any message.
    A picture pasted into the form is no sheet content and does not count."""
    form, size = results_form, 20 * 1024 * 1024  # forms.importing.MAX_FORM_XML_BYTES
    with zipfile.ZipFile(form, "a") as archive:
        archive.writestr("xl/media/image1.png", bytes(size + 1))
    imported(form, folder, capsys)
    _rezip(form, "xl/worksheets/sheet2.xml", lambda xml: xml.replace("</sheetData>", " " * size + "</sheetData>"))
    err = refused(form, folder, capsys)
    assert f"{form}：表單內容解壓後有 20 MB（sqdocs 的表單不到 1 MB），多半是某欄的內容或格式被往下拉到數十萬列；" in err
    assert "請在 Excel 刪除表格下方多餘的列後另存新檔再匯入" in err


def test_a_form_saved_as_strict_open_xml_is_told_how_to_save_it(folder: Path, tmp_path: Path, capsys) -> None:
    """Excel's 「另存新檔」 lists 「Strict Open XML 試算表 (*.xlsx)」 under 「Excel 活頁簿」: openpyxl opened
    such a form with no sheets and the import ended in 「內部錯誤：IndexError」 (exit 70)."""
    form = make(folder, "subplan", PRECINCT, tmp_path / "f.xlsx")
    with zipfile.ZipFile(form) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    with zipfile.ZipFile(form, "w") as new:
        for name, data in parts.items():
            if name.endswith((".xml", ".rels")):
                data = (data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                     b"http://purl.oclc.org/ooxml/spreadsheetml/main")
                        .replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                                 b"http://purl.oclc.org/ooxml/officeDocument/relationships"))
            new.writestr(name, data)
    err = refused(form, folder, capsys)
    assert "這是存成「Strict Open XML 試算表」的活頁簿，讀不到其中的工作表；請在 Excel 開啟它，按「檔案 → 另存新檔」，" \
           "存檔類型選「Excel 活頁簿 (*.xlsx)」" in err
    assert "內部錯誤" not in err


@pytest.mark.parametrize("change", [
    ("deadline: 107 年 3 月 31 日", "deadline: 107 年 4 月 30 日"),  # an entry the form would overwrite
    ("  - 八斗子派出所\n", "  - 八斗子派出所\n  - 和平島派出所\n"),  # a section added
])
def test_yaml_edited_since_the_form_was_made(data_copy: Path, tmp_path: Path, capsys, change) -> None:
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    edit(form, lambda wb: wb["細部計畫"].__setitem__("F4", "表單上改寫的作法"))
    path = subplan_path(data_copy, PRECINCT)
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(*change, 1), encoding="utf-8")
    edited = path.read_bytes()
    err = refused(form, data_copy, capsys)
    assert "在表單產生後已被修改" in err and "--force" in err
    imported(form, data_copy, capsys, "--force")
    assert read_subplan(path, load_plan(data_copy)).subplan.points[0].practices == ["表單上改寫的作法"]
    assert path.with_name(f"{path.name}.bak.1").read_bytes() == edited


def _revise_a_bureau_practice(folder: Path) -> None:
    """The bureau rewords a practice: `subplan update` then refreshes the reference comments of every subplan."""
    annex = folder / "annex1.yaml"
    annex.write_text(annex.read_text(encoding="utf-8").replace("- 辦理機關電話禮貌測試。", "- 每月辦理機關電話禮貌測試。"),
                     encoding="utf-8")
    assert main(["subplan", "update", str(folder), "--all"]) == 0


def test_comments_changed_since_the_form_was_made_do_not_block_its_import(data_copy: Path, tmp_path: Path, capsys) -> None:
    """The file's hash in the form covered its bytes: after `subplan update --all` refreshed the
    bureau's comments, every form handed out before was refused as if the unit's data were edited."""
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    edit(form, lambda wb: wb["細部計畫"].__setitem__("F4", "表單上改寫的作法"))
    _revise_a_bureau_practice(data_copy)
    path = subplan_path(data_copy, PRECINCT)
    assert "#   1. 每月辦理機關電話禮貌測試。" in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8") + "# 承辦人直接加的註記\n", encoding="utf-8")
    imported(form, data_copy, capsys)
    assert read_subplan(path, load_plan(data_copy)).subplan.points[0].practices == ["表單上改寫的作法"]


def test_a_form_made_before_the_data_hash_was_kept_compares_the_file_s_bytes(
    data_copy: Path, tmp_path: Path, capsys
) -> None:
    """Its fingerprint holds the hash of the file's bytes only: a comment changed is all it can tell."""
    def older(wb: openpyxl.Workbook) -> None:
        ws = wb[FINGERPRINT_SHEET]
        ws.delete_rows(next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "yaml_data_hash"))
        wb["細部計畫"]["F4"] = "表單上改寫的作法"

    form = edit(make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx"), older)
    path = subplan_path(data_copy, PRECINCT)
    path.write_text(path.read_text(encoding="utf-8") + "# 承辦人直接加的註記\n", encoding="utf-8")
    assert "在表單產生後已被修改" in refused(form, data_copy, capsys)


@pytest.mark.parametrize("value", ["2018-02-30", "!!float x"])
def test_yaml_edited_since_to_what_yaml_cannot_read_is_still_told_as_edited(data_copy, tmp_path, capsys, value) -> None:
    """The comparison of the old file's data with the form's raised PyYAML's ValueError: 「內部錯誤」 (exit 70)."""
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    path = subplan_path(data_copy, PRECINCT)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("deadline: 賡續辦理", f"deadline: {value}", 1), encoding="utf-8")
    err = refused(form, data_copy, capsys)
    assert "在表單產生後已被修改" in err and "內部錯誤" not in err


def test_a_cell_typed_far_below_the_form_does_not_reread_the_sheet_per_row(
    results_form: Path, folder: Path, capsys, monkeypatch
) -> None:
    """Outside the form's columns at row 5000: openpyxl's max_column, which counts every cell of
    the sheet, was asked once per row (hours at row 100000); now a few times, whatever the row."""
    from openpyxl.worksheet.worksheet import Worksheet

    form = edit(results_form, lambda wb: wb["執行成果"].__setitem__("H5000", "備註"))
    asked: list[str] = []
    real = Worksheet.max_column
    monkeypatch.setattr(Worksheet, "max_column", property(lambda ws: asked.append(ws.title) or real.fget(ws)))
    err = refused(form, folder, capsys)
    assert "執行成果!H5000: 這一格在表單的欄位之外（表單只到 G 欄），內容不會匯入" in err
    assert asked.count("執行成果") < 10


def test_a_character_in_the_last_row_of_a_sheet_creates_no_cells_down_to_it(
    subplan_form: Path, results_form: Path, folder: Path, capsys, monkeypatch
) -> None:
    """「x」 typed in row 1048576: the readers looped to ws.max_row asking openpyxl for every cell,
    which creates each one (92 s and 5.7 GB, a MemoryError under a limit). Now they read the
    cells the file holds: what the import creates does not depend on how far down the cell is."""
    from openpyxl.worksheet.worksheet import Worksheet

    created: list[int] = []
    real = Worksheet._add_cell

    def counted(ws: Worksheet, cell) -> None:  # noqa: ANN001 — an openpyxl Cell
        created.append(cell.row)
        if len(created) > 50_000:  # stop the old code long before it fills the memory
            raise MemoryError
        real(ws, cell)

    last = 1048576
    edit(subplan_form, lambda wb: (wb["細部計畫"].__setitem__(f"F{last}", "x"), wb["承辦單位"].__setitem__(f"A{last}", "y")))
    monkeypatch.setattr(Worksheet, "_add_cell", counted)
    err = refused(subplan_form, folder, capsys)
    assert f"細部計畫!F{last}: 多出的一列：表單只能填寫原有的列，請勿插入或複製列" in err
    assert "內部錯誤" not in err
    assert len(created) < 1000 and max(created, default=0) < 100

    def stray(wb: openpyxl.Workbook) -> None:
        wb["執行成果"][f"G{last}"] = "x"
        wb["量化指標"][f"H{last}"] = "x"
        wb["佐證資料"][f"C{last}"] = "x"
        wb["佐證資料"][f"XFD{last}"] = "x"

    monkeypatch.setattr(Worksheet, "_add_cell", real)
    edit(results_form, stray)
    monkeypatch.setattr(Worksheet, "_add_cell", counted)
    created.clear()
    err = refused(results_form, folder, capsys)
    assert f"執行成果!G{last}: 多出的一列" in err and f"量化指標!H{last}: 多出的一列" in err
    assert f"佐證資料!A{last}: 序號應為 1–14（「執行成果」工作表的序號）；這一列未填序號" in err
    assert f"佐證資料!XFD{last}: 這一格在表單的欄位之外（表單只到 H 欄）" in err
    assert len(created) < 1000 and max(created, default=0) < 100


def test_make_refuses_to_overwrite_a_form(folder: Path, tmp_path: Path, capsys) -> None:
    form = make(folder, "subplan", PRECINCT, tmp_path / "f.xlsx")
    assert main(["form", "subplan", str(folder), "--unit", PRECINCT, "-o", str(form)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["form", "subplan", str(folder), "--unit", "各分局", "-o", str(tmp_path / "g.xlsx")]) == 2
    assert "是單位群組" in capsys.readouterr().err


# ---- every unit's form at once (--all) ------------------------------------------------------------


def _forms_in(out: Path) -> dict[str, Path]:
    return {path.name: path for path in sorted(out.iterdir())}


def _unit_of(form: Path, sheet: str) -> str:
    """The unit a form is for, as its fingerprint has it; its title names the same unit."""
    wb = openpyxl.load_workbook(form)
    unit = read_fingerprint(wb).unit
    assert unit in wb[sheet]["A1"].value
    return unit


def test_all_results_forms_one_per_unit_the_plan_assigns_points(data_copy: Path, tmp_path: Path, capsys) -> None:
    plan = load_plan(data_copy)
    expected = [u.name for u in plan.units.units if plan.points_for(u.name)]  # whose results the report expects
    assert len(expected) == 25
    out = tmp_path / "表單"
    capsys.readouterr()
    assert main(["form", "results", str(data_copy), "--all", "-o", str(out)]) == 0
    forms = _forms_in(out)
    assert set(forms) == {f"{unit}執行成果.xlsx" for unit in expected}
    for unit in (SECTION, PRECINCT, expected[-1]):
        assert _unit_of(forms[f"{unit}執行成果.xlsx"], "執行成果") == unit
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 26  # a line a form, in registry order, then the count
    assert [line.split("：")[1].split(" ")[0] for line in lines[:-1]] == expected
    assert lines[expected.index(SECTION)] == (
        f"✓ 已產生 {out / '秘書科執行成果.xlsx'}：秘書科 {len(plan.points_for(SECTION))} 個評核重點，"
        f"已帶入 {data_copy / 'results' / '秘書科.yaml'} 的內容"
    )
    assert lines[-1] == f"✓ 已產生 25 份年度執行成果表單，存於資料夾 {out}"


def test_all_subplan_forms_for_every_precinct_and_any_unit_with_a_subplan(folder: Path, tmp_path: Path, capsys) -> None:
    """Every 分局 (as check requires) — 第一分局 without a subplan too, its form blank — and 秘書科,
    which is no 分局 but has written one; no other unit."""
    assert main(["subplan", "init", str(folder), "--unit", SECTION]) == 0
    out = tmp_path / "表單"
    capsys.readouterr()
    assert main(["form", "subplan", str(folder), "--all", "-o", str(out)]) == 0
    expected = [SECTION, "第一分局", "第二分局", "第三分局", "第四分局"]
    forms = _forms_in(out)
    assert set(forms) == {f"{unit}細部計畫.xlsx" for unit in expected}
    assert _unit_of(forms["第一分局細部計畫.xlsx"], "細部計畫") == PRECINCT
    assert _unit_of(forms["秘書科細部計畫.xlsx"], "細部計畫") == SECTION
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("：")[1].split(" ")[0] for line in lines[:5]] == expected
    assert "已帶入" not in lines[1] and "已帶入" in lines[2]
    # 秘書科's subplan, just made by init, has nothing to carry over: not said to be carried over
    assert lines[0].endswith(f"（{subplan_path(folder, SECTION)} 尚未填寫具體作法、完成期限與承辦單位，這些欄位是空白的）"), lines[0]
    assert lines[5] == f"✓ 已產生 5 份細部執行計畫表單，存於資料夾 {out}"
    assert lines[6].startswith(f"  第一分局尚無細部執行計畫，表單是空白的；要帶入去年的具體作法，請先執行 "
                               f"sqdocs subplan init {folder} --unit 第一分局 --from 去年的資料夾")


def test_all_blank_subplan_forms_say_to_start_them_with_init_all(data_copy: Path, tmp_path: Path, capsys) -> None:
    shutil.rmtree(data_copy / "subplans")
    assert main(["form", "subplan", str(data_copy), "--all", "-o", str(tmp_path / "表單")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"  第一分局、第二分局、第三分局、第四分局尚無細部執行計畫，表單是空白的；要帶入去年的具體作法，請先執行 "
        f"sqdocs subplan init {data_copy} --all --from 去年的資料夾，再加 --force 重新產生表單")


def test_a_subplan_form_sent_back_blank_is_one_warning(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A blank form imports (the unit fills it in later), told once, not once for each of its 14
    rows: a folder of 14 分局's blank forms printed 196 such lines around its errors."""
    subplan_path(data_copy, PRECINCT).unlink()
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    said = capsys.readouterr()
    assert [line for line in (said.out + said.err).splitlines() if line.startswith("細部計畫!")] == [
        f"細部計畫!F{FIRST_ROW}: 警告：整份表單尚未填寫（14 個評核重點都是空白）；可先匯入，sqdocs check 會列為尚未完成"
    ]


def test_all_forms_written_into_the_working_folder_by_default(data_copy: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    capsys.readouterr()
    assert main(["form", "subplan", str(data_copy), "--all"]) == 0
    assert set(_forms_in(work)) == {f"第{n}分局細部計畫.xlsx" for n in "一二三四"}
    assert capsys.readouterr().out.splitlines()[-1] == "✓ 已產生 4 份細部執行計畫表單，存於目前的資料夾"


def test_all_forms_refused_when_any_exists_and_none_written(data_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "表單"
    out.mkdir()
    filled = {name: f"已填寫的{name}".encode() for name in ("秘書科執行成果.xlsx", "第四分局執行成果.xlsx")}
    for name, data in filled.items():
        (out / name).write_bytes(data)
    before = snapshot(out)
    capsys.readouterr()
    assert main(["form", "results", str(data_copy), "--all", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out / '秘書科執行成果.xlsx'}、{out / '第四分局執行成果.xlsx'} 已存在（可能是已填寫的表單），未產生任何表單" in err
    assert "--force" in err
    assert snapshot(out) == before  # the other 23 not made, the two left as they were
    assert main(["form", "results", str(data_copy), "--all", "-o", str(out), "--force"]) == 0
    assert len(_forms_in(out)) == 25
    assert _unit_of(out / "秘書科執行成果.xlsx", "執行成果") == SECTION


def test_all_forms_with_a_unit_s_yaml_unreadable_writes_none(data_copy: Path, tmp_path: Path, capsys) -> None:
    """Every unit's YAML is read before any form is written, and all that is wrong is told at once."""
    for unit in (SECTION, PRECINCT):
        with (data_copy / "results" / f"{unit}.yaml").open("a", encoding="utf-8") as fh:
            fh.write("oops: [\n")
    out = tmp_path / "表單"
    capsys.readouterr()
    assert main(["form", "results", str(data_copy), "--all", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "results/秘書科.yaml:" in err and "results/第一分局.yaml:" in err
    assert err.rstrip().endswith("未產生任何表單。")
    assert not out.exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["--all", "--unit", SECTION], "參數 --unit 與 --all 不能同時使用"),
    (["--unit", SECTION, "--all"], "參數 --all 與 --unit 不能同時使用"),
    ([], "缺少必要的參數：--unit 或 --all（擇一）"),
])
def test_all_and_unit_are_one_or_the_other(argv: list[str], message: str, tmp_path: Path, capsys) -> None:
    for kind in ("subplan", "results"):
        with pytest.raises(SystemExit) as info:
            main(["form", kind, str(SAMPLE), *argv, "-o", str(tmp_path / "out")])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(f"用法：sqdocs form {kind}") and f"sqdocs form {kind}：錯誤：{message}" in err, err
    assert not (tmp_path / "out").exists()


def test_all_with_o_naming_a_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "f.xlsx").write_bytes(b"a form")
    for out in (tmp_path / "f.xlsx", tmp_path / "new.xlsx"):
        assert main(["form", "results", str(SAMPLE), "--all", "-o", str(out)]) == 2
        assert "加上 --all 時，-o 須指定存放表單的資料夾（如 -o 表單）" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["f.xlsx"]


def test_unit_with_o_naming_a_folder_writes_the_form_of_its_usual_name_there(tmp_path: Path, capsys) -> None:
    """`-o 表單` is the folder of --all; with --unit it was refused (「-o 須指定表單的檔名」), though
    --all and schema take a folder: the form now goes into it under its usual name."""
    forms = tmp_path / "表單"
    forms.mkdir()
    assert main(["form", "results", str(SAMPLE), "--unit", "秘書科", "-o", str(forms)]) == 0
    assert capsys.readouterr().out.startswith(f"✓ 已產生 {forms / '秘書科執行成果.xlsx'}：秘書科")
    assert main(["form", "results", str(SAMPLE), "--unit", "秘書科", "-o", str(forms)]) == 2  # not overwritten
    assert f"{forms / '秘書科執行成果.xlsx'} 已存在（可能是已填寫的表單）" in capsys.readouterr().err
    assert main(["form", "subplan", str(SAMPLE), "--unit", "第一分局", "-o", str(tmp_path / "第一分局")]) == 2
    assert capsys.readouterr().err == (
        f"錯誤：{tmp_path / '第一分局'}：表單須存為 .xlsx 檔；請以 .xlsx 結尾的檔名指定 -o，如 -o {tmp_path / '第一分局.xlsx'}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["表單"] and [p.name for p in forms.iterdir()] == ["秘書科執行成果.xlsx"]


# ---- many forms at once: form import FORM... DATA_DIR ------------------------------------------


def fill_section(wb: openpyxl.Workbook, outcome: str = "辦理公文講習 3 場次，計 286 人參加。") -> None:
    """秘書科's results form with one point's outcome, as little as imports."""
    ws = wb["執行成果"]
    ws.cell(row_of(ws, C_POINT, "服務人員專業度"), C_OUTCOME).value = outcome


def import_many(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["form", "import", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_folder_of_forms_imports_every_good_one_and_names_the_bad(folder: Path, tmp_path: Path, capsys) -> None:
    """Every unit's form from `form results --all`: 第一分局's filled in, 第二分局's outcome revised,
    秘書科's sent back blank. The 24 good ones are imported; 秘書科's is refused under its name."""
    out = tmp_path / "表單"
    assert main(["form", "results", str(folder), "--all", "-o", str(out)]) == 0
    edit(out / "第一分局執行成果.xlsx", fill_results_precinct)
    second = folder / "results" / "第二分局.yaml"
    before = second.read_bytes()

    def revise(wb: openpyxl.Workbook) -> None:
        ws = wb["執行成果"]
        ws.cell(row_of(ws, C_POINT, "申辦業務標準作業流程訂定情形"), C_OUTCOME).value = "修訂標準作業流程 16 項。"

    edit(out / "第二分局執行成果.xlsx", revise)
    code, stdout, err = import_many(capsys, out, folder)
    assert code == 2
    assert results_of(folder, PRECINCT) == by_hand(folder, tmp_path, PRECINCT, RESULTS_BY_HAND)
    revised = next(r for r in results_of(folder, "第二分局").results if r.point == "申辦業務標準作業流程訂定情形")
    assert revised.outcome == "修訂標準作業流程 16 項。"
    assert second.with_name("第二分局.yaml.bak.1").read_bytes() == before
    assert not (folder / "results" / f"{SECTION}.yaml").exists()
    form = out / "秘書科執行成果.xlsx"
    assert f"✗ {form} 未匯入，共 1 個錯誤；請修正表單後再匯入：\n  執行成果!G4: 沒有填寫任何評核重點的執行成果" in err
    # a warning is told under its form's name, not as a bare cell
    # (its blank indicator rows first, by sheet)
    assert f"{out / '第一分局執行成果.xlsx'} 的警告：\n  量化指標!F" in err
    assert "\n  佐證資料!F9: 警告：找不到檔案「evidence/禮貌測試.jpg」" in err
    assert f"✓ 已匯入第一分局的年度執行成果：{folder / 'results' / '第一分局.yaml'}" in stdout
    assert stdout.count("與表單內容相同，未修改。") == 22
    assert err.splitlines()[-1] == (
        f"已匯入 24 份表單（其中 22 份與原有的檔案內容相同，未修改）；1 份有錯誤未匯入：{form}。"
        "請依上列說明處理後，再執行同一指令（已匯入的表單再匯入一次不會改變任何檔案）"
    )
    # 秘書科 fills its form in; the same command again imports it and leaves the other 24 as they are
    edit(form, fill_section)
    imported_files = snapshot(folder / "results")
    code, stdout, err = import_many(capsys, out, folder)
    assert code == 0, err
    assert results_of(folder, SECTION).results[0].outcome == "辦理公文講習 3 場次，計 286 人參加。"
    after = snapshot(folder / "results")
    assert {name: after[name] for name in imported_files} == imported_files
    assert stdout.splitlines()[-1] == "✓ 已匯入 25 份表單（其中 24 份與原有的檔案內容相同，未修改）"


def test_a_bug_met_in_one_form_of_many_is_named_there_and_the_rest_imported(
    folder: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """A bug tripped over by one unit's form is no fault of the clerk's: 內部錯誤 under that form,
    the others imported all the same, exit 70, no traceback."""
    import sqdocs.forms.importing

    out = tmp_path / "表單"
    assert main(["form", "results", str(folder), "--all", "-o", str(out)]) == 0
    edit(out / "第一分局執行成果.xlsx", fill_results_precinct)
    edit(out / "秘書科執行成果.xlsx", fill_section)
    real = sqdocs.forms.importing._import

    def failing(path, wb, fp, data, *, force):  # noqa: ANN001, ANN202
        if fp.unit == "第二分局":
            raise KeyError("第二分局")
        return real(path, wb, fp, data, force=force)

    monkeypatch.setattr(sqdocs.forms.importing, "_import", failing)
    code, stdout, err = import_many(capsys, out, folder)
    assert code == 70
    form = out / "第二分局執行成果.xlsx"
    assert (f"✗ {form} 未匯入：\n  內部錯誤：KeyError: '第二分局'\n  請將此訊息與該檔回報給維護者；其他表單不受影響") in err
    assert results_of(folder, SECTION).results[0].outcome == "辦理公文講習 3 場次，計 286 人參加。"
    assert f"✓ 已匯入第一分局的年度執行成果：{folder / 'results' / '第一分局.yaml'}" in stdout
    assert err.splitlines()[-1].startswith(f"已匯入 24 份表單（其中 22 份與原有的檔案內容相同，未修改）；1 份有錯誤未匯入：{form}。")
    assert "Traceback" not in err


def test_two_forms_of_one_unit_are_both_refused_and_the_rest_imported(folder: Path, tmp_path: Path, capsys) -> None:
    """A form re-sent with corrections beside the first: neither may win by its place in the folder."""
    out = tmp_path / "表單"
    out.mkdir()
    first = edit(make(folder, "results", PRECINCT, out / "第一分局執行成果.xlsx"), fill_results_precinct)
    again = edit(make(folder, "results", PRECINCT, out / "第一分局執行成果-修正.xlsx"), fill_results_precinct)
    edit(make(folder, "results", SECTION, out / "秘書科執行成果.xlsx"), fill_section)
    plan = load_plan(folder)  # 第一分局's subplan form: another kind, another file, imported
    edit(make(folder, "subplan", PRECINCT, out / "第一分局細部計畫.xlsx"), lambda wb: fill_subplan(wb, plan))
    code, stdout, err = import_many(capsys, out, folder)
    assert code == 2
    assert not (folder / "results" / f"{PRECINCT}.yaml").exists()
    assert results_of(folder, SECTION).results[0].outcome == "辦理公文講習 3 場次，計 286 人參加。"
    assert read_subplan(subplan_path(folder, PRECINCT), plan).subplan.sub_units == SUB_UNITS
    both = f"{again}、{first} 都是第一分局的年度執行成果表單，無法判斷要以哪一份為準，2 份都未匯入"
    assert f"✗ {again} 未匯入：\n  {both}" in err and f"✗ {first} 未匯入：\n  {both}" in err
    assert err.splitlines()[-1].startswith(f"已匯入 2 份表單；2 份有錯誤未匯入：{again}、{first}。")
    # the library says the same, form by form
    result = import_forms([out], folder)
    assert [o.path.name for o in result.refused] == [again.name, first.name]
    assert all(both in str(o.error) for o in result.refused)
    assert sorted(o.result.unit for o in result.imported) == [SECTION, PRECINCT]


def test_lock_files_hidden_files_and_other_files_in_the_folder(folder: Path, tmp_path: Path, capsys) -> None:
    """Excel's ~$ lock file and a .docx are named as passed over, a hidden file not at all; an
    .xlsx that is no form is that file's error, and so is a form saved as .xls (a unit's return,
    not to be passed over). None of them stops the form beside them."""
    out = tmp_path / "表單"
    out.mkdir()
    form = edit(make(folder, "results", SECTION, out / "秘書科執行成果.xlsx"), fill_section)
    (out / "~$秘書科執行成果.xlsx").write_bytes(b"\x00owner")
    (out / "._秘書科執行成果.xlsx").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    (out / "公文.docx").write_bytes(b"PK\x03\x04 a Word file")
    openpyxl.Workbook().save(out / "名冊.xlsx")
    (out / "第一分局執行成果.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    code, stdout, err = import_many(capsys, out, form, folder)  # the form named twice: imported once
    assert code == 2
    assert results_of(folder, SECTION).results[0].outcome == "辦理公文講習 3 場次，計 286 人參加。"
    assert stdout.count("✓ 已匯入秘書科的年度執行成果") == 1
    assert f"略過 {out / '~$秘書科執行成果.xlsx'}：Excel 開啟表單時產生的暫存檔，不是表單" in err
    assert f"略過 {out / '公文.docx'}：不是 .xlsx 表單" in err
    assert "._秘書科" not in err + stdout
    assert f"✗ {out / '名冊.xlsx'} 未匯入，共 1 個錯誤；請依下列說明改用正確的表單：\n  Sheet!A1: 這不是 sqdocs 產生的表單" in err
    assert f"✗ {out / '第一分局執行成果.xls'} 未匯入：\n  無法以 Excel 活頁簿（.xlsx）開啟；這是舊版 Excel 97-2003 活頁簿（.xls" in err
    assert err.splitlines()[-1].startswith(
        f"已匯入 1 份表單；2 份有錯誤未匯入：{out / '名冊.xlsx'}、{out / '第一分局執行成果.xls'}。")
    (out / "名冊.xlsx").unlink()
    (out / "第一分局執行成果.xls").unlink()
    code, stdout, err = import_many(capsys, out, folder)
    assert code == 0, err
    assert stdout.splitlines()[-1] == "✓ 已匯入 1 份表單（都與原有的檔案內容相同，未修改）"


def test_a_folder_without_forms_or_a_pattern_matching_none(folder: Path, tmp_path: Path, capsys) -> None:
    empty = tmp_path / "空的"
    empty.mkdir()
    (empty / "~$秘書科執行成果.xlsx").write_bytes(b"\x00owner")
    before = snapshot(folder)
    code, stdout, err = import_many(capsys, empty, folder)
    assert code == 2 and stdout == ""
    assert f"錯誤：資料夾 {empty} 中沒有 .xlsx 表單檔；請確認資料夾或檔名" in err
    pattern = tmp_path / "*執行成果.xlsx"
    code, stdout, err = import_many(capsys, pattern, folder)
    assert code == 2 and f"錯誤：符合 {pattern} 的檔案中沒有 .xlsx 表單檔" in err
    assert snapshot(folder) == before


def test_a_pattern_cmd_exe_left_unexpanded_is_matched(folder: Path, tmp_path: Path, capsys) -> None:
    """`表單\\*執行成果.xlsx` reaches sqdocs as typed on Windows: the results forms only, not the
    subplan form beside them (left blank, it would be refused)."""
    out = tmp_path / "表單"
    out.mkdir()
    edit(make(folder, "results", SECTION, out / "秘書科執行成果.xlsx"), fill_section)
    make(folder, "subplan", PRECINCT, out / "第一分局細部計畫.xlsx")
    code, stdout, err = import_many(capsys, out / "*執行成果.xlsx", folder)
    assert code == 0, err
    assert results_of(folder, SECTION).results[0].outcome == "辦理公文講習 3 場次，計 286 人參加。"
    assert not subplan_path(folder, PRECINCT).exists()
    assert stdout.splitlines()[-1] == "✓ 已匯入 1 份表單"


def test_many_forms_into_a_folder_whose_plan_does_not_load(folder: Path, tmp_path: Path, capsys) -> None:
    """The data folder's problem is told once, before any form is read, not once a form."""
    out = tmp_path / "表單"
    out.mkdir()
    edit(make(folder, "results", SECTION, out / "秘書科執行成果.xlsx"), fill_section)
    edit(make(folder, "results", PRECINCT, out / "第一分局執行成果.xlsx"), fill_results_precinct)
    with (folder / "plan.yaml").open("a", encoding="utf-8") as fh:
        fh.write("oops: [\n")
    before = snapshot(folder)
    code, _, err = import_many(capsys, out, folder)
    assert code == 2
    assert err.count("plan.yaml:") == 1 and err.rstrip().endswith("未匯入任何表單。")
    assert snapshot(folder) == before


# ---- what the workbook holds -------------------------------------------------------------------


def _validations(ws: Worksheet) -> dict[str, list]:
    found: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        found.setdefault(dv.type, []).append(dv)
    return found


def test_a_point_the_bureau_dated_asks_for_that_day_or_earlier(folder: Path, tmp_path: Path, capsys) -> None:
    """A new bureau dating its 完成期限 (114 年 6 月 30 日): the skeleton and the form invited 「賡續辦理」
    for its points, which check and import then refused as later than the bureau's."""
    annex1 = folder / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    annex1.write_text(text.replace("deadline: 賡續辦理", "deadline: 107 年 6 月 30 日", 1), encoding="utf-8")
    assert main(["subplan", "init", str(folder), "--unit", PRECINCT]) == 0
    skeleton = (folder / "subplans" / f"{PRECINCT}.yaml").read_text(encoding="utf-8")
    assert skeleton.count("deadline:       # ← 完成期限：民國日期，不晚於本局的 107 年 6 月 30 日（本局訂有期限，不可填賡續辦理）") == 1
    assert skeleton.count("deadline:       # ← 完成期限：賡續辦理 或民國日期") == len(load_plan(folder).points_for(PRECINCT)) - 1
    ws = openpyxl.load_workbook(make(folder, "subplan", PRECINCT, tmp_path / "f.xlsx"))["細部計畫"]
    custom = _validations(ws)["custom"]
    dated = next(dv for dv in custom if str(dv.sqref) == f"G{FIRST_ROW}")
    assert "DATE(2018,6,30)" in dated.formula1 and "賡續辦理" not in dated.formula1 and "107 年 6 月 30 日" in dated.prompt
    [rest] = [dv for dv in custom if "賡續辦理" in dv.formula1]
    assert str(rest.sqref) == f"G{FIRST_ROW + 1}:G{FIRST_ROW + len(load_plan(folder).points_for(PRECINCT)) - 1}"
    assert f"G{FIRST_ROW + 1}" in rest.formula1  # relative to the first cell of its own rule


def test_subplan_form_locks_validations_and_print_setup(folder: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(make(folder, "subplan", PRECINCT, tmp_path / "f.xlsx"))
    assert wb.sheetnames[:3] == ["說明", "細部計畫", "承辦單位"]
    assert wb[FINGERPRINT_SHEET].sheet_state == "veryHidden"
    ws = wb["細部計畫"]
    assert ws.protection.sheet and wb["承辦單位"].protection.sheet
    points = load_plan(folder).points_for(PRECINCT)
    last = FIRST_ROW + len(points) - 1
    assert ws.max_row == last
    for row in range(FIRST_ROW, last + 1):
        assert all(ws.cell(row, c).protection.locked for c in range(1, 6))
        assert not any(ws.cell(row, c).protection.locked for c in range(6, 10))
    assert ws.cell(FIRST_ROW, 5).fill.fgColor.rgb.endswith("EDEDED")
    dvs = _validations(ws)
    (units,) = dvs["list"]
    assert units.formula1 == "'承辦單位'!$A$4:$A$40" and str(units.sqref) == f"H4:J{last}"
    (deadline,) = dvs["custom"]
    assert "DATE(2018,1,1)" in deadline.formula1 and "DATE(2018,12,31)" in deadline.formula1
    assert '"賡續辦理"' in deadline.formula1 and str(deadline.sqref) == f"G4:G{last}"
    assert wb["承辦單位"]["A4"].value == "行政組" and not wb["承辦單位"]["A4"].protection.locked
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert ws.cell(FIRST_ROW, 5).alignment.wrap_text
    assert "Alt+Enter" in ws.cell(3, 6).value
    assert any("Alt+Enter" in str(c.value) for c in wb["說明"]["A"])


def test_results_form_validations(folder: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(make(folder, "results", PRECINCT, tmp_path / "f.xlsx"))
    assert [n for n in wb.sheetnames if wb[n].sheet_state == "visible"] == ["說明", "執行成果", "量化指標", "佐證資料"]
    ind = wb["量化指標"]
    dvs = _validations(ind)
    whole = " ".join(str(dv.sqref) for dv in dvs["whole"])
    ratio = row_of(ind, 3, "訂定標準作業流程比率")
    assert f"F{ratio}" in whole and f"G{ratio}" in whole
    assert all(dv.operator == "greaterThanOrEqual" and dv.formula1 == "0" for dv in dvs["whole"])
    total = row_of(ind, 3, "免附書表謄本件數")
    assert ind.cell(total, 7).protection.locked  # a sum has no denominator or weight
    percent = [dv for dv in dvs["decimal"] if dv.operator == "between"]
    assert percent and percent[0].formula2 == "100"
    ev = wb["佐證資料"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in _validations(ev)["list"]}
    assert lists["A4"] == "'執行成果'!$A$4:$A$17"
    assert lists["D4"] == '"文件,照片,網頁,影音,其他"'
    assert ev["B4"].protection.locked and str(ev["B4"].value).startswith("=IF(")
    assert all(wb[n].protection.sheet for n in ("執行成果", "量化指標", "佐證資料"))


# ---- LibreOffice opens it and prints it on A4 landscape ------------------------------------------


def _calc_installed() -> bool:
    """soffice alone is not enough: spreadsheets need LibreOffice Calc (libreoffice-calc-nogui)."""
    if SOFFICE is None:
        return False
    program = Path(SOFFICE).resolve().parent
    return any(program.glob("libsclo.so")) or any(program.glob("libsc*.dylib")) or any(program.glob("sc*.dll"))


@pytest.mark.skipif(not _calc_installed(), reason="LibreOffice Calc is not installed")
@pytest.mark.parametrize("kind", ["subplan", "results"])
def test_libreoffice_prints_the_form(kind: str, data_copy: Path, tmp_path: Path, capsys) -> None:
    form = make(data_copy, kind, PRECINCT, tmp_path / "form.xlsx")
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: other LibreOffice runs must not block it
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(form)], capture_output=True, text=True, timeout=180, check=True,
    )
    reader = PdfReader(tmp_path / "form.pdf")
    assert len(reader.pages) >= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)  # cells wrap lines
    assert "填寫說明" in text and "申辦業務標準作業流程訂定情形" in text
    # a form saved by LibreOffice still imports (the fingerprint and the dates survive)
    resaved = tmp_path / "resaved"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
         "--outdir", str(resaved), str(form)], capture_output=True, text=True, timeout=180, check=True,
    )
    before = _unit_model(data_copy, kind)
    imported(resaved / "form.xlsx", data_copy, capsys)
    assert _unit_model(data_copy, kind) == before


def _unit_model(folder: Path, kind: str):  # noqa: ANN202 — a Subplan or a Submission
    if kind == "subplan":
        return read_subplan(subplan_path(folder, PRECINCT), load_plan(folder)).subplan
    return results_of(folder, PRECINCT)


def test_every_problem_in_one_round(subplan_form: Path, folder: Path, capsys) -> None:
    """Cells the reader rejects and cells the loader rejects are all listed, in sheet order."""
    def many(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        ws["G5"], ws["H6"], ws["F7"], ws["G10"] = "108 年 3 月 1 日", "刑事組", None, "明年"

    lines = refused(edit(subplan_form, many), folder, capsys).splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["細部計畫!G5", "細部計畫!H6", "細部計畫!F7", "細部計畫!G10"]
    assert lines[-1].endswith("共 4 個錯誤，未寫入任何檔案；請修正表單後再匯入。")


# ---- reading cells -------------------------------------------------------------------------


def test_cell_readers() -> None:
    june = date(2018, 6, 30)
    for value in (datetime(2018, 6, 30, 0, 0), june, 43281, "107 年 6 月 30 日", "107年6月30日", "107/6/30",
                  " 107.6.30 ", "2018/6/30", "2018-06-30"):
        assert cell_date(value) == june, value
    assert cell_deadline("賡續辦理") == "賡續辦理" and cell_deadline(None) is None
    with pytest.raises(ValueError, match="不是存在的日期"):
        cell_date("107 年 2 月 30 日")
    with pytest.raises(ValueError, match=r"^「2018/6/31」不是存在的日期（2018 年 6 月沒有 31 日）$"):
        cell_date("2018/6/31")
    with pytest.raises(ValueError, match="不是日期"):
        cell_date("下個月")
    assert cell_lines("1. 甲\n\n2、乙\r\n3) 丙") == ["甲", "乙", "丙"]
    assert cell_lines("110 報案派遣\n2. 不是從 1 起編號") == ["110 報案派遣", "2. 不是從 1 起編號"]
    assert cell_number(" 1,234 ", whole=True) == 1234 and cell_number(14.0, whole=True) == 14
    assert cell_number(91.4, whole=False) == 91.4 and cell_number("", whole=True) is None
    for bad, message in (("十四", "實際是文字「十四」"), (-1, "不可為負數"), (2.5, "應填整數")):
        with pytest.raises(ValueError, match=message):
            cell_number(bad, whole=True)


def test_every_sample_unit_round_trips(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A form made from each unit's YAML and imported untouched gives back the same model."""
    plan = load_plan(data_copy)
    results = load_results(data_copy, plan)[0].submissions
    subplans = {unit: f.subplan for unit, f in load_subplans(data_copy, plan).items()}
    forms = [make(data_copy, "results", unit, tmp_path / f"{unit}-results.xlsx") for unit in results]
    forms += [make(data_copy, "subplan", unit, tmp_path / f"{unit}-subplan.xlsx") for unit in subplans]
    for form in forms:
        imported(form, data_copy, capsys)
    after, warnings = load_results(data_copy, plan)
    assert after.submissions == results and warnings == []
    assert {unit: f.subplan for unit, f in load_subplans(data_copy, plan).items()} == subplans


# ---- dates before 民國元年 --------------------------------------------------------------------


def test_dates_before_the_roc_era(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    """A number in a date cell (30 → 1900-01-30), a Western year before 1912 or a date in a text
    cell are reported at their cells, not an internal error."""
    def early(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        ws["G4"] = 30  # the cell keeps its date format: read back as 1900-01-30
        ws["G5"] = "1911/6/30"
        ws["F6"] = datetime(1900, 3, 1)

    err = refused(edit(subplan_form, early), folder, capsys)
    assert "細部計畫!G4: 「1900/1/30」不是計畫期程內的日期" in err and "請填民國日期" in err
    assert "細部計畫!G5: 「1911/6/30」不是計畫期程內的日期" in err
    assert "內部錯誤" not in err

    def evidence(wb: openpyxl.Workbook) -> None:
        wb["佐證資料"]["E6"] = "1900/1/1"
        ind = wb["量化指標"]
        ind.cell(row_of(ind, 3, "免附書表謄本件數"), 6).value = datetime(1900, 3, 1)

    err = refused(edit(results_form, evidence), folder, capsys)
    assert "佐證資料!E6: 「1900/1/1」不是計畫期程內的日期" in err
    assert "應填數字，實際是日期「1900/3/1」（這一格被設成日期格式" in err


def test_a_number_in_a_cell_formatted_as_a_date_says_to_change_the_format(
    results_form: Path, folder: Path, capsys,
) -> None:
    """186000 typed where Excel had set a date format is saved as the date 2409-03-31: the clerk
    sees a date and needs to hear that the cell's format, not the number, is what to change."""
    def dated(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        cell = ind.cell(row_of(ind, 3, "免附書表謄本件數"), 6)
        cell.value, cell.number_format = 186000, "yyyy/m/d"

    err = refused(edit(results_form, dated), folder, capsys)
    assert "「免附書表謄本件數」應填數字，實際是日期「498 年 3 月 31 日」" in err
    assert "請將這一格的儲存格格式改為「通用格式」或「數值」，再只填數字" in err


def test_a_compact_roc_date_in_a_date_cell_is_told_how_to_write_it(
    subplan_form: Path, results_form: Path, folder: Path, capsys,
) -> None:
    """1080630 pasted into a date cell reads as the serial day of 4858-08-29 (「2947 年 … 晚於計畫
    期程」); typed as text or into a cell without a date format it is no date either. Each is
    told as the ROC date it looks like, never taken for it; six digits name both readings."""
    def compact(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        ws["G4"], ws["G5"], ws["G6"] = 1080630, "1070630", 990630  # G4 and G6 keep their date format
        ws["G7"].number_format = "General"
        ws["G7"] = 1071231

    err = refused(edit(subplan_form, compact), folder, capsys)
    assert "細部計畫!G4: 「1080630」看似民國 108 年 6 月 30 日；請寫成 108 年 6 月 30 日 或 108/6/30\n" in err
    assert "細部計畫!G5: 「1070630」看似民國 107 年 6 月 30 日；請寫成 107 年 6 月 30 日 或 107/6/30\n" in err
    assert ("細部計畫!G6: 「990630」看似連寫的日期（民國 99 年或西元 2099 年 6 月 30 日）；"
            "請寫成民國日期，如 107 年 6 月 30 日 或 107/6/30\n") in err
    assert "細部計畫!G7: 「1071231」看似民國 107 年 12 月 31 日" in err
    assert "2947 年" not in err and "共 4 個錯誤" in err

    edit(results_form, lambda wb: wb["佐證資料"].__setitem__("E6", 1071226))
    err = refused(results_form, folder, capsys)
    assert "佐證資料!E6: 「1071226」看似民國 107 年 12 月 26 日；請寫成 107 年 12 月 26 日 或 107/12/26\n" in err
    with pytest.raises(ValueError, match="不是日期"):
        cell_date(1071332)
    assert cell_date(43281) == cell_date(datetime(2018, 6, 30)) == date(2018, 6, 30)  # real Excel dates still read


def test_a_date_years_off_is_told_at_its_cell(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    """An Excel date of 9999-12-31 was written to the YAML as 「8088 年 12 月 31 日」, which reads
    back as the Western year 8088 (「日期 6177 年 …」): a date past 民國 200 年 is a typo."""
    def far(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        ev["E6"], ev["E7"], ev["E8"] = datetime(9999, 12, 31), "3000/1/1", "999/1/1"

    err = refused(edit(results_form, far), folder, capsys)
    advice = "不是計畫會用到的日期，可能打錯了年份；請填民國日期，如 107 年 6 月 30 日 或 107/6/30\n"
    assert f"佐證資料!E6: 「8088 年 12 月 31 日」是西元 9999 年（民國 8088 年），{advice}" in err
    assert f"佐證資料!E7: 「3000/1/1」是西元 3000 年（民國 1089 年），{advice}" in err
    assert f"佐證資料!E8: 「999/1/1」是西元 2910 年（民國 999 年），{advice}" in err
    assert "6177" not in err

    edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("G4", datetime(2112, 1, 1)))
    assert f"細部計畫!G4: 「201 年 1 月 1 日」是西元 2112 年（民國 201 年），{advice}" in refused(subplan_form, folder, capsys)
    assert cell_date(datetime(2111, 12, 31)) == date(2111, 12, 31)  # 民國 200 年 still reads


def test_libreoffice_roc_date_as_year_ad(subplan_form: Path, folder: Path, capsys) -> None:
    """LibreOffice (zh-TW) stores a typed 107/6/30 as the Julian-calendar 107-06-30 AD: serial -654699."""
    edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("G4", -654699))  # the cell has a date format
    assert openpyxl.load_workbook(subplan_form)["細部計畫"]["G4"].value == datetime(107, 6, 29)  # openpyxl: Gregorian
    imported(subplan_form, folder, capsys)
    assert read_subplan(subplan_path(folder, PRECINCT), load_plan(folder)).subplan.points[0].deadline == date(2018, 6, 30)
    with pytest.raises(ValueError, match="民國 104 年 2 月沒有 29 日"):  # Julian 104-02-29: no such ROC date
        cell_date(datetime(104, 2, 28))
    with pytest.raises(ValueError, match="不是計畫期程內的日期"):
        cell_date(datetime(1850, 1, 1))


@pytest.mark.parametrize(("name", "value"), [
    ("extra:unit_columns", "x"), ("extra:unit_columns", "0"), ("rows:細部計畫", "5"), ("rows:細部計畫", "[[4]]"),
    ("rows:細部計畫", '[["4", "a", "b", "c"]]'), ("points", '[["a", 1]]'), ("points", "{}"), ("year", "一〇七"),
    ("rows:細部計畫", "[" * 100000 + "]" * 100000),  # RecursionError in json.loads: exit 70
])
def test_damaged_fingerprint(name: str, value: str, subplan_form: Path, folder: Path, capsys) -> None:
    def damage(wb: openpyxl.Workbook) -> None:
        ws = wb[FINGERPRINT_SHEET]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == name)
        ws.cell(row, 2).value = value

    err = refused(edit(subplan_form, damage), folder, capsys)
    assert "這不是 sqdocs 產生的表單" in err and "內部錯誤" not in err


def test_damaged_fingerprint_indicator_number(results_form: Path, folder: Path, capsys) -> None:
    """A 序號 that is no number both in the fingerprint and in its locked cell is reported, not int()-ed."""
    def damage(wb: openpyxl.Workbook) -> None:
        ws = wb[FINGERPRINT_SHEET]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "rows:量化指標")
        ws.cell(row, 2).value = ws.cell(row, 2).value.replace('[4, "1"', '[4, "x"', 1)
        wb["量化指標"]["A4"] = "x"

    err = refused(edit(results_form, damage), folder, capsys)
    assert "量化指標!A4: 序號「x」不是數字" in err


def test_superscript_digits_in_evidence_numbers(results_form: Path, folder: Path, capsys) -> None:
    """「²」 is a digit to str.isdigit() but not to int(): reported as a wrong number, not an internal error."""
    def sup(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        ev["A30"], ev["C30"] = "1²", "甲"
        ev["A31"], ev["C31"], ev["G31"] = 1, "乙", "1、²"

    err = refused(edit(results_form, sup), folder, capsys)
    assert "佐證資料!A30: 序號應為 1–14" in err and "佐證資料!G31: 佐證檢核事項編號應為數字" in err


def test_numbers_typed_as_text(results_form: Path, folder: Path, capsys) -> None:
    """Only proper thousands grouping is a number; a % sign or a unit is named, to be dropped."""
    assert cell_number("12,345.6", whole=False) == 12345.6 and cell_number("1，000", whole=True) == 1000

    def typed(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind.cell(row_of(ind, 3, "免附書表謄本件數"), 6).value = "2,23,5"
        ind.cell(row_of(ind, 3, "訂定標準作業流程比率"), 7).value = "1_000"
        ind.cell(row_of(ind, 3, "電話禮貌測試平均成績"), 6).value = "91.4分"

    err = refused(edit(results_form, typed), folder, capsys)
    assert "「免附書表謄本件數」「2,23,5」的千分位逗號位置不對" in err
    assert "量化指標!G4: 「訂定標準作業流程比率」應填數字，實際是文字「1_000」" in err
    assert "「電話禮貌測試平均成績」應只填數字，實際是「91.4分」；請刪除「分」，只填 91.4" in err
    for text in ("82.9%", "82.9％"):
        with pytest.raises(ValueError, match="請刪除「.」，只填 82.9（百分比以 0–100 填寫"):
            cell_number(text, whole=False)


def test_own_numbering_of_practices_dropped(subplan_form: Path, folder: Path, capsys) -> None:
    """一、 (一) and bullets on every line are the clerk's numbering, dropped as 1. 2. is; a line
    that only starts with a number stays whole."""
    for text, lines in (("一、甲\n二、乙", ["甲", "乙"]), ("(一)甲\n（二）乙", ["甲", "乙"]), ("• 甲\n• 乙", ["甲", "乙"]),
                        ("・甲\n●乙\n- 丙", ["甲", "乙", "丙"]), ("十一、甲", ["十一、甲"]), ("1.5 倍", ["1.5 倍"]),
                        ("一、甲\n三、乙", ["一、甲", "三、乙"]), ("• 甲\n乙", ["• 甲", "乙"]), ("-5 度\n-3 度", ["-5 度", "-3 度"])):
        assert cell_lines(text) == lines, text

    def own(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        ws["F4"], ws["F5"], ws["F6"] = "一、第一項\n二、第二項", "(一) 受理 110 報案\n(二) 加速 1.5 倍", "1.5 倍"

    imported(edit(subplan_form, own), folder, capsys)
    points = read_subplan(subplan_path(folder, PRECINCT), load_plan(folder)).subplan.points
    assert [p.practices for p in points[:3]] == [["第一項", "第二項"], ["受理 110 報案", "加速 1.5 倍"], ["1.5 倍"]]


def test_percentage_typed_with_a_percent_sign(results_form: Path, folder: Path, capsys) -> None:
    """Excel stores 82.9% typed in a cell as 0.829 with a % format: a percent indicator reads 82.9."""
    point = ""

    def percent(wb: openpyxl.Workbook) -> None:
        nonlocal point
        ind = wb["量化指標"]
        cell = ind.cell(row_of(ind, 3, "陳情案件處理滿意度"), 6)
        cell.value, cell.number_format = 0.829, "0.0%"
        ind.cell(cell.row, 7).value = 120
        point = ind.cell(cell.row, 2).value
        ws = wb["執行成果"]
        ws.cell(row_of(ws, 4, point), 7).value = "陳情案件處理滿意度 82.9%。"

    imported(edit(results_form, percent), folder, capsys)
    result = next(r for r in results_of(folder, PRECINCT).results if r.point == point)
    assert result.indicators["complaint_satisfaction"].value == 82.9


def test_a_percentage_in_a_count_cell_asks_for_the_count(results_form: Path, folder: Path, capsys) -> None:
    """A ratio's numerator and denominator, a mean's weight and a value in 件 are not rates:
    dropping the % sign (96% → 96) would import a wrong figure, so the cell is told what it
    takes. A percentage stored by Excel (1.0 in a % formatted cell, shown 100%) is told the same;
    a % indicator's value keeps the percent advice."""
    rows: dict[str, int] = {}

    def percents(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        rows.update({name: row_of(ind, 3, name) for name in
                     ("訂定標準作業流程比率", "電話禮貌測試平均成績", "免附書表謄本件數", "陳情案件處理滿意度")})
        ind.cell(rows["訂定標準作業流程比率"], 6).value = "93%"
        cell = ind.cell(rows["訂定標準作業流程比率"], 7)
        cell.value, cell.number_format = 1, "0%"
        ind.cell(rows["電話禮貌測試平均成績"], 7).value = "50％"
        ind.cell(rows["免附書表謄本件數"], 6).value = "96%"
        ind.cell(rows["陳情案件處理滿意度"], 6).value = "82.9%"
        ind.cell(rows["陳情案件處理滿意度"], 7).value = 120
        ws = wb["執行成果"]
        ws.cell(row_of(ws, 4, ind.cell(rows["陳情案件處理滿意度"], 2).value), 7).value = "陳情案件處理滿意度 82.9%。"

    err = refused(edit(results_form, percents), folder, capsys)
    ratio, mean, total, percent = rows.values()
    assert (f"量化指標!F{ratio}: 「訂定標準作業流程比率」的分子應填已訂定標準作業流程之業務項目數（整數），不是百分比，"
            "實際是「93%」；比率由系統以 分子（已訂定標準作業流程之業務項目數）÷ 分母（民眾申辦業務項目總數）計算，"
            "請填已訂定標準作業流程之業務項目數") in err
    assert f"量化指標!G{ratio}: 「訂定標準作業流程比率」的分母應填民眾申辦業務項目總數（整數），不是百分比，實際是「100%」" in err
    assert f"量化指標!G{mean}: 「電話禮貌測試平均成績」的權數應填受測電話通數（整數），不是百分比，實際是「50％」；請填受測電話通數" in err
    assert f"量化指標!F{total}: 「免附書表謄本件數」以「件」計，不是百分比，實際是「96%」；請填件數" in err
    assert f"量化指標!F{percent}: 「陳情案件處理滿意度」應只填數字，實際是「82.9%」；請刪除「%」，只填 82.9（百分比以 0–100 填寫" in err
    assert "請刪除「%」，只填 93" not in err and "共 5 個錯誤" in err


def test_duplicate_sub_unit_names_at_their_cells(subplan_form: Path, folder: Path, capsys) -> None:
    """A name listed twice on the 承辦單位 sheet names the cell of the first, not a line of YAML."""
    def twice(wb: openpyxl.Workbook) -> None:
        wb["承辦單位"]["A12"] = "行政組"
        wb["承辦單位"]["A13"], wb["承辦單位"]["B13"] = "偵查隊", "信義派出所、正濱派出所"

    err = refused(edit(subplan_form, twice), folder, capsys)
    assert "承辦單位!A12: 承辦單位或群組名稱「行政組」重複（承辦單位!A4 已有同名項目）" in err
    assert "承辦單位!A13: 承辦單位或群組名稱「偵查隊」重複（承辦單位!A5 已有同名項目）" in err
    assert "行已有" not in err


def test_cells_beyond_the_form_columns(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    """A 4th 承辦單位 typed in K (the sheet unprotected) would be lost: reported with what to do instead."""
    def fourth(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["K4"] = "交通組"
        wb["承辦單位"]["C5"] = "備註"

    err = refused(edit(subplan_form, fourth), folder, capsys)
    assert "細部計畫!K4: 這一格在表單的欄位之外（表單只到 J 欄），內容不會匯入；" in err
    assert "請在「承辦單位」工作表設一個群組" in err
    assert "承辦單位!C5: 這一格在表單的欄位之外（表單只到 B 欄）" in err

    def outside(wb: openpyxl.Workbook) -> None:
        wb["執行成果"]["H5"] = "補充"
        wb["量化指標"]["I4"] = 3
        wb["佐證資料"]["I6"] = "另一檔案"

    err = refused(edit(results_form, outside), folder, capsys)
    assert all(f"{cell}: 這一格在表單的欄位之外" in err for cell in ("執行成果!H5", "量化指標!I4", "佐證資料!I6"))


def test_formula_cells(subplan_form: Path, results_form: Path, folder: Path, capsys) -> None:
    """A formula saved without its result (as openpyxl saves it) would read as blank, an error value
    as text: both are reported at their cells."""
    def formulas(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["F4"] = '="每月" & "檢討"'
        wb["細部計畫"]["F5"] = "#DIV/0!"  # what a workbook saved by Excel holds for =1/0

    err = refused(edit(subplan_form, formulas), folder, capsys)
    assert '細部計畫!F4: 這一格是公式（="每月" & "檢討"），但檔案裡沒有它的計算結果' in err and "用 Excel 開啟後存檔" in err
    assert "細部計畫!F5: 這一格的值是錯誤值「#DIV/0!」" in err

    def figure(wb: openpyxl.Workbook) -> None:
        ind = wb["量化指標"]
        ind.cell(row_of(ind, 3, "免附書表謄本件數"), 6).value = "=2000+235"

    err = refused(edit(results_form, figure), folder, capsys)
    assert "量化指標!F7: 這一格是公式（=2000+235）" in err
    assert "佐證資料!B" not in err  # the form's own lookup formulas are not the clerk's


def test_checklist_changed(results_form: Path, folder: Path, capsys) -> None:
    """Evidence cites 附件 2 entries by number: a form made before they changed is refused."""
    path = folder / "annex2.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- 提供申辦業務標準作業流程訂定比率。\n", "- 新增的檢核事項。\n              - 提供申辦業務標準作業流程訂定比率。\n", 1),
                    encoding="utf-8")
    err = refused(results_form, folder, capsys)
    assert "執行成果!A1: 此表單產生後，組織診斷檢核表（附件 2）的檢核事項已修改" in err
    assert err.rstrip().endswith("請依上列說明改用正確的表單。"), err

    def older(wb: openpyxl.Workbook) -> None:  # a form from before the hash was kept is not refused for it
        ws = wb[FINGERPRINT_SHEET]
        ws.delete_rows(next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "extra:checklist_hash"))

    imported(edit(results_form, older), folder, capsys)


def test_reimport_of_a_corrected_form(subplan_form: Path, folder: Path, capsys) -> None:
    """The same form imported again after a fix replaces what its own import wrote, but not a hand edit."""
    imported(subplan_form, folder, capsys)
    edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("F4", "改正後的作法"))
    imported(subplan_form, folder, capsys)
    path = subplan_path(folder, PRECINCT)
    assert read_subplan(path, load_plan(folder)).subplan.points[0].practices == ["改正後的作法"]
    assert "未修改" in imported(subplan_form, folder, capsys)

    path.write_text(path.read_text(encoding="utf-8").replace("改正後的作法", "承辦人直接改的作法"), encoding="utf-8")
    edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("F4", "再改一次"))
    err = refused(subplan_form, folder, capsys)
    # the folder had no subplan when the form was made: what changed the file is the hand edit
    # after this form's own import, not its creation
    assert "在匯入此表單後已被修改" in err and "--force" in err, err


def test_reimport_after_subplan_update_refreshed_the_comments_of_the_form_s_own_import(
    subplan_form: Path, folder: Path, capsys
) -> None:
    """The import's stamp hashed the text: the comments `subplan update` refreshed in the file the
    form's own import wrote made the corrected form be refused, though no one edited the data."""
    imported(subplan_form, folder, capsys)
    _revise_a_bureau_practice(folder)
    path = subplan_path(folder, PRECINCT)
    assert "#   1. 每月辦理機關電話禮貌測試。" in path.read_text(encoding="utf-8")
    edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("F4", "改正後的作法"))
    imported(subplan_form, folder, capsys)
    assert read_subplan(path, load_plan(folder)).subplan.points[0].practices == ["改正後的作法"]


def _reported_comments(out: str) -> list[str]:
    """The comments an import's summary lists as left in the backup, 「第 N 行：# …」."""
    return [line.strip() for line in out.splitlines() if line.startswith("    第 ")]


def test_an_import_keeps_the_schema_line_and_names_the_unit_s_comments_left_in_the_backup(
    data_copy: Path, tmp_path: Path, capsys
) -> None:
    """The file is written anew from the form: the schema line went, and every note a clerk wrote
    in it with it, without a word; they are still in the backup, which the summary now names."""
    path = subplan_path(data_copy, PRECINCT)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("    units: [行政組, 防治組, 各派出所]"))
    lines[at] = lines[at].rstrip("\n") + "   # 承辦人：王小明（分機 1234）\n"
    lines.insert(at + 1, "    # 下半年再與防治組確認分工\n")
    path.write_text("".join(lines), encoding="utf-8")
    form = edit(make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx"),
                lambda wb: wb["細部計畫"].__setitem__("F4", "表單上改寫的作法"))
    out = imported(form, data_copy, capsys)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/subplan.schema.json\n")
    backup = path.with_name(f"{path.name}.bak.1")
    assert f"6 則註解（「#」開頭的說明）沒有帶入新檔，仍保留在備份檔 {backup}" in out
    # the sample's own notes and the clerk's, by their lines in the backup; none sqdocs writes
    # (header, reference blocks, headings, hints), which the new file has again
    assert _reported_comments(out) == [
        "第 2 行：# 【範例資料】本檔是為 sqdocs 撰寫的示範資料，不是取自基隆市警察局或第一分局的原始文件：",
        "第 3 行：# 轄區（中正區、信義區）派出所名稱、各項作法、期限與承辦單位都是為示範格式與 sqdocs check 而寫，",
        "第 4 行：# 不代表該分局實際的細部執行計畫。",
        "第 41 行：# 「各派出所」代表本分局所屬全部派出所",
        f"第 {at + 1} 行：# 承辦人：王小明（分機 1234）",
    ]
    assert "…另有 1 則，見備份檔" in out
    backup_lines = backup.read_text(encoding="utf-8").splitlines()
    assert backup_lines[at].endswith("# 承辦人：王小明（分機 1234）") and backup_lines[at + 1].endswith("下半年再與防治組確認分工")
    assert "王小明" not in text


def test_an_import_over_a_file_sqdocs_wrote_reports_no_comments(folder: Path, tmp_path: Path, capsys) -> None:
    """The header, reference blocks (refreshed by `subplan update` too), headings and hints are sqdocs' own."""
    assert main(["subplan", "init", str(folder), "--unit", PRECINCT]) == 0
    form = edit(make(folder, "subplan", PRECINCT, tmp_path / "f.xlsx"),
                lambda wb: fill_subplan(wb, load_plan(folder)))
    _revise_a_bureau_practice(folder)
    out = imported(form, folder, capsys)
    assert "原檔另存為" in out and "註解" not in out, out


def test_comments_are_told_from_a_hash_sign_in_text() -> None:
    from sqdocs.forms.comments import yaml_comments

    text = 'a: "x # y"  # 註一\nb: |\n  # 區塊文字\n  t\n# 註二\nc: [行政組, "b #c"] # 註三\n'
    assert [(c.line, c.text, c.alone) for c in yaml_comments(text)] == [
        (1, "# 註一", False), (5, "# 註二", True), (6, "# 註三", False)]


_RENAMED = ("name: 服務及時性", "name: 案件回應速度")  # a new name, not a typo fixed: not followed


def test_points_not_on_the_form_kept_marked_removed(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A point replaced in the bureau plan by another: the form made afterwards does not show the
    unit's old entry; importing it keeps that entry, marked removed as `subplan update` does, with a warning."""
    path = subplan_path(data_copy, PRECINCT)
    old = next(p for p in read_subplan(path, load_plan(data_copy)).subplan.points if p.point == "服務及時性")
    annex = data_copy / "annex1.yaml"
    annex.write_text(annex.read_text(encoding="utf-8").replace(*_RENAMED), encoding="utf-8")
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert "原有的評核重點「基礎服務／服務一致及正確／服務及時性」不在表單上" in err and "removed: true" in err
    kept = [p for p in read_subplan(path, load_plan(data_copy)).subplan.points if p.removed]
    assert kept == [old.model_copy(update={"removed": True})]


def _rename_a_point(folder: Path) -> None:
    """The bureau fixes a typo in a point's name: 服務及時性 → 服務即時性."""
    annex = folder / "annex1.yaml"
    text = annex.read_text(encoding="utf-8").replace("name: 服務及時性", "name: 服務即時性")
    annex.write_text(text, encoding="utf-8")


def test_a_subplan_form_shows_an_entry_under_its_point_s_new_name(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A point the bureau renamed after the unit wrote its plan: the form shows the unit's text on
    the renamed point's row, as `subplan update` would carry it over (a clerk working from forms
    would otherwise retype it), and importing the form renames the entry in the YAML."""
    path = subplan_path(data_copy, PRECINCT)
    old = next(p for p in read_subplan(path, load_plan(data_copy)).subplan.points if p.point == "服務及時性")
    _rename_a_point(data_copy)
    capsys.readouterr()
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    out = capsys.readouterr().out
    assert "基礎服務／服務一致及正確／服務及時性 → 基礎服務／服務一致及正確／服務即時性" in out and "表單已依新名稱帶入" in out
    ws = openpyxl.load_workbook(form)["細部計畫"]
    assert ws.cell(row_of(ws, 4, "服務即時性"), 6).value == "\n".join(old.practices)

    assert main(["form", "import", str(form), str(data_copy)]) == 0
    assert "不在表單上" not in capsys.readouterr().err
    points = read_subplan(path, load_plan(data_copy)).subplan.points
    assert not any(p.point == "服務及時性" for p in points)
    now = next(p for p in points if p.point == "服務即時性")
    assert (now.practices, now.deadline, now.units, now.removed) == (old.practices, old.deadline, old.units, False)


def test_a_results_form_shows_results_under_their_point_s_new_name(data_copy: Path, tmp_path: Path, capsys) -> None:
    """Results have no removed mark: a renamed point's results were left off the form and dropped
    on import (kept only in the backup). They now show on the renamed point's row and are renamed."""
    path = data_copy / "results" / f"{PRECINCT}.yaml"
    old = next(r for r in yaml.safe_load(path.read_text(encoding="utf-8"))["results"] if r["point"] == "服務及時性")
    _rename_a_point(data_copy)
    capsys.readouterr()
    form = make(data_copy, "results", PRECINCT, tmp_path / "r.xlsx")
    assert "服務及時性 → 基礎服務／服務一致及正確／服務即時性" in capsys.readouterr().out
    ws = openpyxl.load_workbook(form)["執行成果"]
    assert ws.cell(row_of(ws, 4, "服務即時性"), 7).value == old["outcome"]

    assert main(["form", "import", str(form), str(data_copy)]) == 0
    assert "不在表單上" not in capsys.readouterr().err
    after = yaml.safe_load(path.read_text(encoding="utf-8"))["results"]
    assert not any(r["point"] == "服務及時性" for r in after)
    assert [r for r in after if r["point"] == "服務即時性"] == [old | {"point": "服務即時性"}]


def test_results_not_on_the_form_warned(data_copy: Path, tmp_path: Path, capsys) -> None:
    """Results for a point the form does not show are not kept (results have no removed mark): warned."""
    annex = data_copy / "annex1.yaml"
    annex.write_text(annex.read_text(encoding="utf-8").replace(*_RENAMED), encoding="utf-8")
    form = make(data_copy, "results", PRECINCT, tmp_path / "r.xlsx")
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert "原有的評核重點「基礎服務／服務一致及正確／服務及時性」不在表單上" in err and ".bak" in err


def test_evidence_for_a_point_without_a_checklist_counterpart_names_the_column_to_fill(folder: Path, tmp_path: Path, capsys) -> None:
    """A point the bureau added to 附件 1 only has no 附件 2 entries of its own: the loader asks for
    ``checklist``, a YAML key a clerk filling the form never sees; the form has a column for it."""
    annex = folder / "annex1.yaml"
    annex.write_text(annex.read_text(encoding="utf-8").replace("          - name: 服務資訊透明度\n", (
        "          - name: 公文線上簽核比率\n            practices:\n              - 推動公文線上簽核。\n"
        "            deadline: 賡續辦理\n            units: [各分局]\n          - name: 服務資訊透明度\n"), 1), encoding="utf-8")

    def filled(wb: openpyxl.Workbook) -> None:
        ws, ev = wb["執行成果"], wb["佐證資料"]
        row = row_of(ws, 4, "公文線上簽核比率")
        ws.cell(row, 7).value = "線上簽核比率達 85%。"
        ev.cell(FIRST_ROW, 1).value, ev.cell(FIRST_ROW, 3).value = ws.cell(row, 1).value, "線上簽核統計表"
        ev.cell(FIRST_ROW, 7).value = "1"

    form = edit(make(folder, "results", PRECINCT, tmp_path / "r.xlsx"), filled)
    err = refused(form, folder, capsys)
    assert (f"佐證資料!G{FIRST_ROW}: 組織診斷檢核表（附件 2）沒有與「公文線上簽核比率」對應的評核重點；"
            "請在「佐證的組織診斷評核重點」欄選擇這件佐證資料佐證的評核重點，或清空佐證檢核事項編號") in err, err
    assert "checklist" not in err

    def chosen(wb: openpyxl.Workbook) -> None:
        wb["佐證資料"].cell(FIRST_ROW, 8).value = "基礎服務／服務一致及正確／其他服務作法"

    imported(edit(form, chosen), folder, capsys)


def test_every_problem_of_an_evidence_row_is_told_at_once(results_form: Path, folder: Path, capsys) -> None:
    """A wrong date no longer hides the same row's wrong 檢核事項 number until the next import."""
    def bad(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        ev["E6"], ev["G6"] = "108/13/5", "9"

    err = refused(edit(results_form, bad), folder, capsys)
    assert "佐證資料!E6: 「108/13/5」不是存在的日期" in err
    assert "佐證資料!G6: " in err and "沒有第 9 項" in err


def test_typed_numbering_kept_is_warned_at_its_cell(subplan_form: Path, folder: Path, capsys) -> None:
    """Numbering that is not dropped (lines not in sequence, a line pasted from the middle of a
    list) would print twice, 「1. 1.甲」: the import says so at the cell, as validate does at
    the YAML line."""
    def own(wb: openpyxl.Workbook) -> None:
        ws = wb["細部計畫"]
        ws["F5"], ws["F6"] = "1.勤務指揮中心即時派遣\n3.各派出所每月檢討", "(3)各派出所每月檢討"

    capsys.readouterr()
    assert main(["form", "import", str(edit(subplan_form, own)), str(folder)]) == 0
    out = capsys.readouterr()
    said = out.out + out.err
    assert "細部計畫!F5: 警告：文字開頭的「1.」像是手打的編號；編號「1.」會依項目順序自動產生" in said
    assert "細部計畫!F5: 警告：文字開頭的「3.」像是手打的編號；編號「2.」會依項目順序自動產生" in said
    assert "細部計畫!F6: 警告：文字開頭的「(3)」像是手打的編號；編號「1.」會依項目順序自動產生" in said
    assert "細部計畫!F4: 警告" not in said


def test_a_practice_line_pasted_twice_is_warned_at_its_cell(subplan_form: Path, folder: Path, capsys) -> None:
    """Two lines alike in a cell are two practices, printed 1. and 2.: said at the cell, as validate says it."""
    def own(wb: openpyxl.Workbook) -> None:
        wb["細部計畫"]["F5"] = "勤務指揮中心即時派遣\n各派出所每月檢討\n勤務指揮中心即時派遣"

    capsys.readouterr()
    assert main(["form", "import", str(edit(subplan_form, own)), str(folder)]) == 0
    out = capsys.readouterr()
    assert "細部計畫!F5: 警告：此項與「1.」項的文字相同，印出時會以「3.」再列一次；請刪除重複的一項" in out.out + out.err


def test_dates_typed_in_full_width(subplan_form: Path, folder: Path, capsys) -> None:
    """A clerk typing with the input method in full-width mode gets 「１０７／６／３０」: the same
    date as 107/6/30, not an error asking for 107/6/30."""
    june = date(2018, 6, 30)
    for value in ("１０７／６／３０", "１０７．６．３０", "１０７－６－３０", "107／6／30", "２０１８／６／３０",
                  "２０１８－０６－３０", "１０７/６/３０"):
        assert cell_date(value) == june, value
    with pytest.raises(ValueError, match="「１０７／２／３０」不是存在的日期"):
        cell_date("１０７／２／３０")

    imported(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("G4", "１０７／６／３０")), folder, capsys)
    assert read_subplan(subplan_path(folder, PRECINCT), load_plan(folder)).subplan.points[0].deadline == june


def test_line_breaks_in_one_paragraph_cells(results_form: Path, folder: Path, capsys) -> None:
    """A line break in 執行成果, a note or an evidence title joins the lines: with a space between
    Latin words or a number and a word, with nothing between two Chinese characters or marks,
    which Chinese never separates (「14 項， 尚未」 prints a stray gap)."""
    for text, one in (("14 項，\n尚未訂定", "14 項，尚未訂定"), ("完成 8,913 件；\r\n逾時 62 件", "完成 8,913 件；逾時 62 件"),
                      ("刑事紀錄證明\n及遺失物招領", "刑事紀錄證明及遺失物招領"), ("免附 2,235\n件", "免附 2,235 件"),
                      ("GIS\nm-police", "GIS m-police"), ("甲 \n\n  乙", "甲乙"), ("甲\t 乙", "甲 乙")):
        assert cell_paragraph(text) == one, text

    def broken(wb: openpyxl.Workbook) -> None:
        ws, ind, ev = wb["執行成果"], wb["量化指標"], wb["佐證資料"]
        ws.cell(row_of(ws, 4, "服務行為的友善性"), 7).value = "電話禮貌測試 23 通，\n平均 91.4 分。"
        ind.cell(row_of(ind, 3, "電話禮貌測試平均成績"), 8).value = "督察科\n抽測"
        ev.cell(FIRST_ROW + 5, 3).value = "電話禮貌測試\n成績表"

    imported(edit(results_form, broken), folder, capsys)
    result = next(r for r in results_of(folder, PRECINCT).results if r.point == "服務行為的友善性")
    assert result.outcome == "電話禮貌測試 23 通，平均 91.4 分。"
    assert result.indicators["phone_courtesy_score"].note == "督察科抽測"
    assert result.evidence[0].title == "電話禮貌測試成績表"


# 執行成果 as a clerk pastes it from Word (CRLF), with a line broken only to fit (「8,591 件，」)
PASTED = ("一、辦理情形：\r\n1. 全年受理申辦案件 8,591 件，\r\n於時限內完成 8,547 件。\r\n(1) 櫃檯設置叫號系統，\r\n縮短等候時間\r\n"
          "● 設置便民服務專區\r\n2. 訂定標準作業流程 14 項，\r\n尚未訂定\r\n二、檢討與策進：持續追蹤逾時案件。\r\n另於勤前教育宣導")
STRUCTURED = ("一、辦理情形：\n1. 全年受理申辦案件 8,591 件，於時限內完成 8,547 件。\n(1) 櫃檯設置叫號系統，縮短等候時間\n"
              "● 設置便民服務專區\n2. 訂定標準作業流程 14 項，尚未訂定\n二、檢討與策進：持續追蹤逾時案件。\n另於勤前教育宣導")


def test_an_outcome_pasted_with_its_numbered_lines_keeps_them_in_the_report(
    results_form: Path, folder: Path, tmp_path: Path, capsys,
) -> None:
    """Lines a clerk numbered or bulleted, and those after a heading (「…：」) or a sentence (「…。」),
    stay lines of their own, as a YAML literal block's do in every document: joined into one
    paragraph the report printed 「一、辦理情形：1. …(1) 櫃檯…● 設置…」 run together. A line broken
    only to fit the cell still joins (「14 項，尚未訂定」), and the YAML holds the lines as a `|` block
    that the same form, imported again, leaves byte for byte as it is."""
    assert "\n" not in cell_paragraph(PASTED)  # a note or a title: still one line
    for text, kept in (("14 項，\n尚未訂定", "14 項，尚未訂定"), ("效率提升\n1.5 倍", "效率提升 1.5 倍"),
                       ("撥打\n110 報案", "撥打 110 報案"), ("成果如下：\n\n櫃檯 3 處", "成果如下：\n櫃檯 3 處"),
                       ("完成 2 項。」\n另", "完成 2 項。」\n另"), ("重點\n(一) 櫃檯\n①叫號\n※ 註", "重點\n(一) 櫃檯\n①叫號\n※ 註")):
        assert cell_passage(text) == kept, text

    def pasted(wb: openpyxl.Workbook) -> None:
        ws = wb["執行成果"]
        ws.cell(row_of(ws, 4, "服務及時性"), 7).value = PASTED

    form = edit(results_form, pasted)
    imported(form, folder, capsys)
    path = folder / "results" / f"{PRECINCT}.yaml"
    result = next(r for r in results_of(folder, PRECINCT).results if r.point == "服務及時性")
    assert result.outcome == STRUCTURED
    assert "    outcome: |\n      一、辦理情形：\n      1. 全年受理申辦案件 8,591 件，於時限內完成 8,547 件。\n" in path.read_text(encoding="utf-8")
    written = path.read_bytes()
    assert "未修改" in imported(form, folder, capsys)
    assert path.read_bytes() == written

    out = tmp_path / "out"
    assert main(["build", str(folder), "-o", str(out), "--only", "report", "--format", "docx"]) == 0
    [docx] = out.glob("*.docx")
    doc = Document(io.BytesIO(docx.read_bytes()))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    assert STRUCTURED in cells  # its lines as line breaks in the one paragraph


def test_an_untouched_form_keeps_the_lines_of_a_literal_block_outcome(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A 執行成果 written in the YAML as a `|` block fills its cell line by line: the form handed
    back untouched joined the lines into one paragraph and rewrote the file, though nothing was
    changed. Every break is the unit's own, even one after 「8,591 件，」 that a clerk's cell joins."""
    path = data_copy / "results" / f"{PRECINCT}.yaml"
    text = path.read_text(encoding="utf-8")
    one = "    outcome: 全年受理警察刑事紀錄證明等民眾申辦案件 8,591 件，於處理時限內完成 8,547 件；"
    [line] = [line for line in text.splitlines() if line.startswith(one)]
    block = ("    outcome: |\n      一、辦理情形：\n      1. 全年受理申辦案件 8,591 件，\n      於處理時限內完成 8,547 件。\n"
             "      2. 逾時 44 件均已檢討。\n      二、檢討與策進：\n      持續追蹤逾時案件。")
    path.write_text(text.replace(line, block), encoding="utf-8")
    before = snapshot(data_copy)
    form = make(data_copy, "results", PRECINCT, tmp_path / "f.xlsx")
    assert f"✓ {path} 與表單內容相同，未修改。" in imported(form, data_copy, capsys)
    assert snapshot(data_copy) == before

    def edited(wb: openpyxl.Workbook) -> None:  # another point changed: this one is still written as it was
        ws = wb["執行成果"]
        ws.cell(row_of(ws, 4, "服務行為的友善性"), 7).value = "電話禮貌測試 23 通。"

    imported(edit(form, edited), data_copy, capsys)
    result = next(r for r in results_of(data_copy, PRECINCT).results if r.point == "服務及時性")
    assert result.outcome == "一、辦理情形：\n1. 全年受理申辦案件 8,591 件，\n於處理時限內完成 8,547 件。\n2. 逾時 44 件均已檢討。\n二、檢討與策進：\n持續追蹤逾時案件。"
    assert block + "\n" in path.read_text(encoding="utf-8")


def test_row_prefilled_without_a_deadline_imports_as_work_in_progress(data_copy: Path, tmp_path: Path, capsys) -> None:
    """`subplan init --from` leaves last year's dated deadlines to set again: a form made from
    that file, handed back with some of them still empty, imports (the empty ones are warned
    about, as check lists them); a row the clerk changed must still be complete."""
    path = subplan_path(data_copy, PRECINCT)
    text = path.read_text(encoding="utf-8")
    assert text.count("    deadline: 107 年 3 月 31 日\n") == 1
    path.write_text(text.replace("    deadline: 107 年 3 月 31 日\n", "    deadline:\n"), encoding="utf-8")
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(form)["細部計畫"]
    row = next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 7).value is None)

    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    said = capsys.readouterr()
    assert "未修改" in said.out
    assert f"細部計畫!G{row}: 警告：未填完成期限" in said.out + said.err

    edit(form, lambda wb: wb["細部計畫"].cell(row, 6).__setattr__("value", "表單上改寫的作法"))
    err = refused(form, data_copy, capsys)
    assert f"細部計畫!G{row}: 未填完成期限（這一列已填了其他欄位；完成期限為必填）" in err


def test_a_row_kept_without_practices_is_warned_about_once(data_copy: Path, tmp_path: Path, capsys) -> None:
    """A row as the file has it, with a deadline and units but no 具體作法, is one warning at its
    cell, not that one and the check's 「這一列尚未填寫」 there too."""
    path = subplan_path(data_copy, PRECINCT)
    text = path.read_text(encoding="utf-8")
    first = read_subplan(path, load_plan(data_copy)).subplan.points[0].practices
    kept = "    practices:\n" + "".join(f"      - {line}\n" for line in first)
    assert text.count(kept) == 1
    path.write_text(text.replace(kept, "    practices:\n      -\n"), encoding="utf-8")
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")

    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    said = capsys.readouterr()
    told = [line for line in (said.out + said.err).splitlines() if line.startswith(f"細部計畫!F{FIRST_ROW}:")]
    assert told == [f"細部計畫!F{FIRST_ROW}: 警告：未填本單位具體作法（這一列照原檔內容）；可先匯入，sqdocs check 會列為尚未完成"]


def test_import_over_a_read_only_file_gives_advice_that_applies(subplan_form: Path, folder: Path, capsys) -> None:
    """A unit's YAML made read-only (a plan signed off) is not replaced; the advice is to lift
    read-only, not to give `form import` an -o it does not have."""
    imported(subplan_form, folder, capsys)
    path = subplan_path(folder, PRECINCT)
    path.chmod(0o444)
    try:
        err = refused(edit(subplan_form, lambda wb: wb["細部計畫"].__setitem__("G4", "賡續辦理")), folder, capsys)
    finally:
        path.chmod(0o644)
    assert "subplans/第一分局.yaml：此檔案設為唯讀（可能是已定稿的版本），未覆寫；要更新請先取消唯讀" in err
    assert "用 -o" not in err
    assert not path.with_name(f"{path.name}.bak.1").exists()


def test_checklist_point_typed_by_its_own_name(results_form: Path, folder: Path, capsys) -> None:
    """A clerk who types the 附件 2 point rather than choosing 「構面／評核項目／評核重點」 from the
    list means that point: a name found once, or once in the item of the row's point; a name
    found in several items is asked to be chosen, naming them."""
    def typed(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        ev.cell(FIRST_ROW + 4, 8).value = "其他服務作法"  # 序號 1: 基礎服務／服務一致及正確
        ev.cell(FIRST_ROW + 10, 1).value, ev.cell(FIRST_ROW + 10, 3).value = 4, "志工服務照片"
        ev.cell(FIRST_ROW + 10, 7).value, ev.cell(FIRST_ROW + 10, 8).value = "1", "服務人員專業度"

    imported(edit(results_form, typed), folder, capsys)
    evidence = results_of(folder, PRECINCT).results[0].evidence
    assert evidence[2].checklist is not None and evidence[2].checklist.point == "其他服務作法"
    result = next(r for r in results_of(folder, PRECINCT).results if r.point == "服務行為的友善性")
    assert result.evidence[-1].checklist is not None and result.evidence[-1].checklist.item == "服務一致及正確"
    assert result.evidence[-1].checklist.point == "服務人員專業度"

    def ambiguous(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        # 服務量能／內部作業簡化 has no 其他服務作法 of its own
        ev.cell(FIRST_ROW + 4, 1).value = row_of(wb["執行成果"], 4, "簡化內部作業，並聚焦核心業務，創新精進服務") - FIRST_ROW + 1
        ev.cell(FIRST_ROW + 4, 7).value = None
        ev.cell(FIRST_ROW + 10, 8).value = "其他服務"

    err = refused(edit(results_form, ambiguous), folder, capsys)
    assert (f"佐證資料!H{FIRST_ROW + 4}: 組織診斷檢核表有 4 個「其他服務作法」（基礎服務／服務一致及正確／其他服務作法、"
            "基礎服務／服務友善／其他服務作法、服務遞送／服務便捷／其他服務作法、服務遞送／服務可近性／其他服務作法）；"
            "請由下拉選單選擇其中一個") in err
    assert f"佐證資料!H{FIRST_ROW + 10}: 「其他服務」不是組織診斷檢核表的評核重點" in err


def test_last_year_s_form_into_a_rolled_over_folder_is_told_so_first(subplan_form: Path, folder: Path, capsys) -> None:
    """Into 108's folder before its 【待填】 were filled, 107's form listed 37 of the bureau's markers
    and only then (once they were filled) that the form was 107's."""
    target = folder.parent / "keelung-108"
    assert main(["rollover", str(folder), "--to", "108", "-o", str(target)]) == 0
    err = refused(subplan_form, target, capsys)
    assert f"細部計畫!A1: 此表單是 107 年度的表單，資料夾 {target} 是 108 年度的計畫；請改用 108 年度產生的表單" in err, err
    assert "待填" not in err


def test_a_typed_checklist_name_of_a_moved_point_is_read_in_its_own_annex2_item(folder: Path, tmp_path: Path, capsys) -> None:
    """專人全程服務 moved to 服務便捷 in 附件 1 is still under 服務可近性 in 附件 2: 「其他服務作法」
    typed for its evidence means 附件 2's 服務可近性 one, beside it, not 服務便捷's."""
    moved_point(folder)
    form = make(folder, "results", PRECINCT, tmp_path / "moved.xlsx")

    def typed(wb: openpyxl.Workbook) -> None:
        ev = wb["佐證資料"]
        row = row_of(wb["執行成果"], C_POINT, "專人全程服務")
        wb["執行成果"].cell(row, C_OUTCOME).value = "受理住宅竊盜案件，全程專人服務。"
        no = row - FIRST_ROW + 1
        ev.cell(FIRST_ROW, 1).value, ev.cell(FIRST_ROW, 3).value = no, "整合性服務紀錄"
        ev.cell(FIRST_ROW, 7).value, ev.cell(FIRST_ROW, 8).value = "1", "其他服務作法"

    imported(edit(form, typed), folder, capsys)
    result = next(r for r in results_of(folder, PRECINCT).results if r.point == "專人全程服務")
    assert result.evidence[0].checklist is not None
    assert (result.evidence[0].checklist.item, result.evidence[0].checklist.point) == ("服務可近性", "其他服務作法")


def test_text_starting_with_an_equals_sign_is_written_as_text_not_a_formula(
    data_copy: Path, tmp_path: Path, capsys
) -> None:
    """A unit's 「=詳附件」 must reach Excel as the words typed, not as a formula showing #NAME?."""
    subplan = subplan_path(data_copy, PRECINCT)
    text = subplan.read_text(encoding="utf-8")
    subplan.write_text(text.replace("      - 行政組彙整本分局", "      - =行政組彙整本分局", 1), encoding="utf-8")
    results = data_copy / "results" / f"{PRECINCT}.yaml"
    text = results.read_text(encoding="utf-8")
    results.write_text(text.replace("    outcome: 第一分局受理", "    outcome: =第一分局受理", 1), encoding="utf-8")
    before = {path: path.read_bytes() for path in (subplan, results)}

    sform = make(data_copy, "subplan", PRECINCT, tmp_path / "s.xlsx")
    rform = make(data_copy, "results", PRECINCT, tmp_path / "r.xlsx")
    cell = openpyxl.load_workbook(sform)["細部計畫"].cell(FIRST_ROW, 6)
    assert cell.data_type == "s" and cell.value.startswith("=行政組彙整本分局")
    ws = openpyxl.load_workbook(rform)["執行成果"]
    cell = ws.cell(FIRST_ROW, C_OUTCOME)
    assert cell.data_type == "s" and cell.value.startswith("=第一分局受理")
    # the form's own lookups stay formulas
    assert openpyxl.load_workbook(rform)["佐證資料"].cell(FIRST_ROW, 2).data_type == "f"

    for form in (sform, rform):
        assert "未修改" in imported(form, data_copy, capsys)
    assert {path: path.read_bytes() for path in (subplan, results)} == before


def test_a_kept_entry_s_delete_note_goes_when_the_bureau_assigns_its_point_again(data_copy: Path, tmp_path: Path, capsys) -> None:
    """The import notes over each kept entry's ``removed`` that it may be deleted; once the bureau
    assigns the point again, `subplan update` turns that note into the restore note, as for its own."""
    path = subplan_path(data_copy, PRECINCT)
    annex = data_copy / "annex1.yaml"
    before = annex.read_text(encoding="utf-8")
    annex.write_text(before.replace(*_RENAMED), encoding="utf-8")
    form = make(data_copy, "subplan", PRECINCT, tmp_path / "f.xlsx")
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = next(i for i, line in enumerate(lines) if line.strip() == "point: 服務及時性")
    flag = next(i for i in range(kept, len(lines)) if lines[i].strip() == "removed: true")
    assert "確認後可整項刪除" in lines[flag - 1] and lines[flag - 1].lstrip().startswith("# ")

    annex.write_text(before, encoding="utf-8")  # the bureau takes its new name back
    assert main(["subplan", "update", str(data_copy), "--unit", PRECINCT]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = next(i for i, line in enumerate(lines) if line.strip() == "point: 服務及時性")
    flag = next(i for i in range(kept, len(lines)) if lines[i].strip().startswith("removed:"))
    assert lines[flag].strip() == "removed: false"
    assert lines[flag - 1].strip() == "# 本局計畫又指派本單位辦理此評核重點（sqdocs subplan update 標記），已取消 removed"
    heading = next(line for line in lines if "以下評核重點不在表單上" in line)
    assert "確認後可整項刪除" not in heading


def test_the_notes_an_import_writes_over_kept_entries_are_not_taken_for_the_unit_s() -> None:
    """An entry kept off one form comes back on the next (the bureau assigned its point again):
    the note and heading the first import wrote over it are sqdocs', not the clerk's to copy back."""
    from sqdocs.forms.comments import dropped_comments
    from sqdocs.subplans.text import IMPORT_NOTE, KEPT_HEADING

    old = (f"unit: 第一分局\npoints:\n\n  # {KEPT_HEADING}：原有內容照原樣保留\n  - point: 服務及時性\n"
           f"    # {IMPORT_NOTE}\n    removed: true\n  # 承辦人：王小明\n")
    assert [c.text for c in dropped_comments(old, "unit: 第一分局\npoints:\n  - point: 服務及時性\n")] == ["# 承辦人：王小明"]


def test_an_import_is_compared_with_the_file_as_the_loader_reads_it() -> None:
    """PyYAML alone reads a practice wrapped over two lines of Chinese as 「甲 乙」: an import
    changing it to exactly that was taken for no change, and not written."""
    from sqdocs.forms.importing import _same_data
    from sqdocs.model.subplan import Subplan

    wrapped = "unit: 第一分局\npoints:\n  - practices:\n      - 甲\n        乙\n".encode()
    assert _same_data(wrapped, "unit: 第一分局\npoints:\n  - practices: [甲乙]\n".encode(), Subplan)
    assert not _same_data(wrapped, "unit: 第一分局\npoints:\n  - practices: [甲 乙]\n".encode(), Subplan)


@pytest.mark.parametrize("case", ["an entry update marked removed", "a tab in a practice"])
def test_an_untouched_form_imported_changes_nothing(data_copy: Path, tmp_path: Path, capsys, case: str) -> None:
    """forms.md's promise. The import rewrote the file, moving an entry update had marked removed
    to its end and the unit's comments into the backup; and a practice's tab, which the form gives
    back as a space, was a change too."""
    path = subplan_path(data_copy, PRECINCT)
    if case == "a tab in a practice":
        text = path.read_text(encoding="utf-8")
        practice = "      - 於分局專區公布中正區、信義區治安及交通宣導資訊，並連結「基警服務 APP」下載頁面。\n"
        assert text.count(practice) == 1
        path.write_text(text.replace(practice, practice.replace("，並連結", '\\t並連結').replace("- ", '- "', 1)
                                     .replace("頁面。\n", '頁面。"\n')), encoding="utf-8")
    else:
        annex1 = data_copy / "annex1.yaml"
        text = annex1.read_text(encoding="utf-8")
        start = text.index("          - name: 網站使用便利性\n")
        end = text.index("          - name: ", start + 1)
        annex1.write_text(text[:start] + text[end:], encoding="utf-8")
        assert main(["subplan", "update", str(data_copy), "--unit", PRECINCT]) == 0
    before = path.read_bytes()
    backups = sorted(path.parent.glob("*.bak*"))
    form = tmp_path / "f.xlsx"
    assert main(["form", "subplan", str(data_copy), "--unit", PRECINCT, "-o", str(form)]) == 0
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    assert "與表單內容相同，未修改" in capsys.readouterr().out
    assert path.read_bytes() == before and sorted(path.parent.glob("*.bak*")) == backups


def test_an_import_taking_a_hand_written_removed_off_says_so(data_copy: Path, tmp_path: Path, capsys) -> None:
    """The form shows a point the bureau still assigns as any other row, so an import of it,
    untouched, took a hand-written 「removed: true」 off without a word."""
    unit = "第四分局"
    path = subplan_path(data_copy, unit)
    text = path.read_text(encoding="utf-8")
    at = text.index("\n", text.index("    units:", text.index("point: 定期進行滿意度調查"))) + 1
    path.write_text(text[:at] + "    removed: true\n" + text[at:], encoding="utf-8")
    form = tmp_path / "f.xlsx"
    assert main(["form", "subplan", str(data_copy), "--unit", unit, "-o", str(form)]) == 0
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    out = capsys.readouterr()
    assert (f"細部計畫!A1: 警告：{display_name(path)} 中的評核重點「服務評價／服務滿意情形／定期進行滿意度調查」標記為 removed: true，"
            "但本局計畫仍指派本單位辦理；表單照常列出此項，匯入後取消 removed") in out.out + out.err
    assert "\n    removed: true" not in path.read_text(encoding="utf-8")


def test_a_form_follows_an_entry_marked_removed_back_to_its_moved_point(data_copy: Path, tmp_path: Path, capsys) -> None:
    """As update does: a point unassigned (the entry marked removed), then moved to another item
    and assigned again. The form showed the point's row blank, and its import kept the unit's
    practices in the marked entry, which check then told the unit to delete."""
    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    block = text[text.index("          - name: 專人全程服務\n"):text.index("          - name: 主動服務\n")]
    unassigned = block.replace("units: [刑警大隊, 婦幼隊, 各分局]", "units: [刑警大隊, 婦幼隊]")
    annex1.write_text(text.replace(block, unassigned), encoding="utf-8")
    assert main(["subplan", "update", str(data_copy), "--unit", PRECINCT]) == 0
    text = annex1.read_text(encoding="utf-8").replace(unassigned, "")
    head = "      - name: 服務便捷\n        points:\n"
    annex1.write_text(text.replace(head, head + block), encoding="utf-8")
    form = tmp_path / "f.xlsx"
    assert main(["form", "subplan", str(data_copy), "--unit", PRECINCT, "-o", str(form)]) == 0
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    out = capsys.readouterr()
    assert ("「服務遞送／服務可近性／專人全程服務」標記為 removed: true，本局計畫已把它移到「服務遞送／服務便捷／專人全程服務」"
            "並再指派本單位辦理") in out.out + out.err
    plan = load_plan(data_copy)
    subplan = read_subplan(subplan_path(data_copy, PRECINCT), plan).subplan
    entries = [p for p in subplan.points if p.point == "專人全程服務"]
    assert len(entries) == 1 and entries[0].item == "服務便捷" and not entries[0].removed and entries[0].practices
    assert check_subplan(plan, subplan) == []
