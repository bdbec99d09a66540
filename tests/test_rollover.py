"""Next year's data folder: moved on, re-entry fields marked, the old year untouched."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ONLINE_CASES_OF_FIRST, SOP_RATE_OF_FIRST, fill_markers, left_out

from sqdocs.cli import main
from sqdocs.load import load_plan
from sqdocs.load.unfilled import MARKER


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_rollover_marks_what_must_be_re_entered(data_copy, capsys):
    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace("deadline: 賡續辦理", "deadline: 107 年 6 月 30 日", 1), encoding="utf-8")
    before = _digest(data_copy)

    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    assert _digest(data_copy) == before

    assert main(["validate", str(target)]) == 2
    err = capsys.readouterr().err
    assert "共 38 個錯誤，請修正後再執行。\n以上都是 sqdocs rollover 留下、待本局填寫的欄位" in err
    assert ("annex3.yaml:7:11: members[0].name: 尚未填寫：局長的姓名（107 年為 黃明昭）；"
            "請把雙引號中的整段提示（含「【待填】」）換成正確內容\n") in err
    lines = [line for line in err.splitlines() if "尚未填寫" in line]
    fields = sorted(re.search(r": ([\w\[\].]+): 尚未填寫", line).group(1) for line in lines)
    expected = sorted(
        [f"basis[{i}].{f}" for i in range(3) for f in ("date", "number")]
        + [f"members[{i}].name" for i in range(31)]
        + ["dimensions[0].items[0].points[0].deadline"]
    )
    assert fields == expected

    fill_markers(target)
    plan = load_plan(target)
    assert plan.year == 108
    assert plan.title == "基隆市警察局 108 年度提升服務品質執行計畫"
    assert plan.body.period.start.year == 2019
    assert plan.roster.title == "基隆市警察局 108 年度「推動提升服務品質」考核小組編組表"
    assert MARKER in (target / "README.md").read_text(encoding="utf-8")
    out = data_copy.parent / "out"
    assert main(["build", str(target), "-o", str(out), "--only", "plan"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "基隆市警察局108年度提升服務品質執行計畫.docx", "基隆市警察局108年度提升服務品質執行計畫.pdf",
    ]


def test_a_marker_deleted_alone_leaves_the_hint_which_validate_names(data_copy, capsys):
    """「請填入正確內容並刪除【待填】」 read as 「delete 【待填】」: what was left, 「局長的姓名（107 年為 黃明昭）」,
    would print in the roster as the name, and a 文號 hint in 壹 as the letter's number."""
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    for name, marked in (("annex3.yaml", "局長的姓名（107 年為 黃明昭）"),
                         ("plan.yaml", "文號（107 年為 發社字第 1071300028 號）"),
                         ("plan.yaml", "發文日期（107 年為 107 年 2 月 21 日）")):
        path = target / name
        path.write_text(path.read_text(encoding="utf-8").replace(f'"{MARKER}{marked}"', f'"{marked}"', 1), encoding="utf-8")
    fill_markers(target)  # every other marker, as it should be
    capsys.readouterr()
    assert main(["validate", str(target)]) == 2
    err = capsys.readouterr().err
    assert ("annex3.yaml:7:11: members[0].name: 「局長的姓名（107 年為 黃明昭）」是 sqdocs rollover 留下的提示，"
            "只刪了「【待填】」；請把整段（含括號中的說明）換成局長的姓名") in err
    assert "plan.yaml:13:13: basis[0].number: 「文號（107 年為 發社字第 1071300028 號）」是 sqdocs rollover 留下的提示" in err
    assert "plan.yaml:17:11: basis[1].date: 「發文日期（107 年為 107 年 2 月 21 日）」是 sqdocs rollover 留下的提示" in err
    assert err.count("plan.yaml:17:11:") == 1  # not also 「不是日期」
    assert "共 3 個錯誤，請修正後再執行。\n以上都是 sqdocs rollover 留下、待本局填寫的欄位" in err


def test_a_text_of_the_plan_may_speak_of_last_year_in_brackets(data_copy, capsys):
    plan = data_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "targets: 本局各分局、直屬（大）隊、科、中心、室。", "targets: 本局各分局、直屬（大）隊、科、中心、室（106 年為 24 個單位）。"),
        encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0


def test_rollover_keeps_comments_and_layout(data_copy):
    main(["rollover", str(data_copy), "--to", "108"])
    old = (data_copy / "units.yaml").read_text(encoding="utf-8")
    new = (data_copy.parent / "keelung-108" / "units.yaml").read_text(encoding="utf-8")
    assert old == new
    assert (data_copy.parent / "keelung-108" / "annex2.yaml").read_text(encoding="utf-8").startswith("#")


def test_rollover_never_overwrites(data_copy, capsys):
    (data_copy.parent / "keelung-108").mkdir()
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    assert "已存在" in capsys.readouterr().err
    assert list((data_copy.parent / "keelung-108").iterdir()) == []


def test_rollover_refuses_going_back(data_copy, capsys):
    assert main(["rollover", str(data_copy), "--to", "106"]) == 2


def test_rollover_of_invalid_data_reports_it(data_copy, capsys):
    (data_copy / "annex3.yaml").write_text("members: []\n", encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    assert "annex3.yaml" in capsys.readouterr().err
    assert not (data_copy.parent / "keelung-108").exists()


def test_a_file_named_results_is_told_not_taken_for_no_results(data_copy, capsys):
    """validate and build name such a file; rollover said 「沒有各單位的年度成果」 and carried no figures."""
    import shutil

    shutil.rmtree(data_copy / "results")
    (data_copy / "results").write_text("", encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    err = capsys.readouterr().err
    assert "results: 應是放各單位 YAML 檔的資料夾，這裡卻是一個檔案" in err
    assert not (data_copy.parent / "keelung-108").exists()


def test_rollover_refuses_a_western_year(data_copy, capsys):
    for year, western in (("2019", "（西元 2019 年為民國 108 年）"), ("1000", "")):
        assert main(["rollover", str(data_copy), "--to", year]) == 2
        assert capsys.readouterr().err.strip() == f"錯誤：--to {year} 不是民國年{western}；請用民國年，如 108"
    assert sorted(p.name for p in data_copy.parent.iterdir()) == ["keelung-107"]


def test_a_failed_rollover_names_the_new_folder_not_its_staging_copy(data_copy, monkeypatch, capsys):
    import errno
    import pathlib

    def disk_full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(pathlib.Path, "write_text", disk_full)
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    target = data_copy.parent / "keelung-108"
    assert capsys.readouterr().err.strip() == f"錯誤：無法寫入 {target}：磁碟空間不足；請清出空間後再執行"
    assert sorted(p.name for p in data_copy.parent.iterdir()) == ["keelung-107"]  # the staging copy is gone


def test_rollover_moves_the_year_on_in_comments_too(data_copy):
    """「# 附件 3：107 年度…編組表」 above 108's roster would mislead whoever edits the file."""
    main(["rollover", str(data_copy), "--to", "108"])
    target = data_copy.parent / "keelung-108"
    for name in ("plan.yaml", "annex3.yaml"):
        assert "107 年度" in (data_copy / name).read_text(encoding="utf-8").splitlines()[1]
        assert "108 年度" in (target / name).read_text(encoding="utf-8").splitlines()[1]
    comments = [line for path in target.glob("*.yaml") for line in path.read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("#")]
    assert not any(re.search(r"(?<!\d)107\s*年度", line) for line in comments)


def _form_texts(path: Path) -> list[str]:
    """Every text a clerk sees in a form: cells and the prompts of its input checks."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheets = [ws for ws in book.worksheets if ws.title != "_sqdocs"]
    texts = [str(c) for ws in sheets for row in ws.iter_rows(values_only=True) for c in row if c]
    return texts + [dv.prompt for ws in sheets for dv in ws.data_validations.dataValidation if dv.prompt]


def test_next_years_skeleton_and_form_give_that_years_dates_as_examples(data_copy, tmp_path):
    """A 108 skeleton asked for a date 「如 107 年 6 月 30 日」 beside 「須在計畫期程 108 年…之內」."""
    main(["rollover", str(data_copy), "--to", "108"])
    target = data_copy.parent / "keelung-108"
    fill_markers(target)
    assert main(["subplan", "init", str(target), "--unit", "第一分局"]) == 0
    skeleton = (target / "subplans" / "第一分局.yaml").read_text(encoding="utf-8")
    assert "107" not in skeleton and "如 108 年 6 月 30 日" in skeleton
    assert main(["form", "subplan", str(target), "--unit", "第二分局", "-o", str(tmp_path / "f.xlsx")]) == 0
    texts = _form_texts(tmp_path / "f.xlsx")
    assert not [t for t in texts if "107" in t]
    assert any("2019/6/30" in t and "「108 年 6 月 30 日」或「108/6/30」" in t for t in texts)
    assert any("完成期限 109 年 3 月 1 日 晚於計畫期程" in t for t in texts)
    assert main(["form", "results", str(target), "--unit", "第二分局", "-o", str(tmp_path / "r.xlsx")]) == 0
    texts = _form_texts(tmp_path / "r.xlsx")
    assert not [t for t in texts if "107" in t or "2018" in t]
    assert any("民國「108 年 6 月 30 日」「108/6/30」" in t for t in texts)


def _histories(folder: Path) -> dict[str, dict]:
    import yaml

    data = yaml.safe_load((folder / "indicators.yaml").read_text(encoding="utf-8"))
    return {ind["id"]: ind.get("history") or {} for ind in data["indicators"]}


def test_rollover_adds_this_years_figures_to_the_indicators_history(data_copy, report):
    """108's report shows 105–107 as trend: 107 is this year's figure, exactly as 107's report gave it."""
    indicators = data_copy / "indicators.yaml"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace(
        "indicators:\n", "indicators:\n# 107 年起改採新定義\n", 1).replace(
        "history: {105: 78.6, 106: 81.3}", "history: {105: 78.6, 106: 81.3}   # 本局 107 年度目標（105–107 年）"),
        encoding="utf-8")
    before = _histories(data_copy)
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    after = _histories(target)
    figures = {f.id: f for f in report.indicators}
    for ind_id, history in after.items():  # a growth rate too, as the report printed it
        assert history == {**before[ind_id], 107: float(figures[ind_id].reported)}, ind_id
    assert after["documents_waived"][107] == 12411 and after["sop_rate"][107] == 95.4
    assert after["online_growth"] == {105: 18.6, 107: 26.1}
    text = (target / "indicators.yaml").read_text(encoding="utf-8")
    assert "history: {105: 90.2, 106: 93.5, 107: 95.4}\n" in text  # written as the rest of the file
    assert "# 107 年起改採新定義\n" in text  # a year in a comment that is not 「N 年度」 is history: it stays
    assert "title: 服務品質滿意度調查趨勢（105–108 年）\n" in text  # the trend runs on to 108
    assert "title: 各單位申辦案件處理時限內完成比率（108 年）\n" in text  # a units chart draws 108's figures
    assert "history: {105: 78.6, 106: 81.3, 107: 83.3}   # 本局 108 年度目標（105–108 年）\n" in text
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "22 項指標的 history 已加入 107 年的全局數據" in readme and "訂定標準作業流程比率 95.4%" in readme
    assert not (target / "results").exists() and not (target / "subplans").exists()

    fill_markers(target)
    from sqdocs.load import load_results
    from sqdocs.report import compile_report

    plan = load_plan(target)
    sop = next(f for f in compile_report(plan, load_results(target, plan)[0]).indicators if f.id == "sop_rate")
    assert [(y.year, y.text, y.computed) for y in sop.series] == [
        (105, "90.2%", False), (106, "93.5%", False), (107, "95.4%", False)]


def test_history_is_added_however_it_is_written(data_copy):
    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    text = text.replace("    history: {105: 90.2, 106: 93.5}\n", "    history:\n      105: 90.2\n      106: 93.5  # 年報\n\n")
    text = text.replace("    history: {105: 98.2, 106: 98.8}\n", "")
    text = text.replace("    history: {105: 84.2, 106: 85.7}\n", "    history: {}\n")
    indicators.write_text(text, encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    after = _histories(target)
    assert after["sop_rate"] == {105: 90.2, 106: 93.5, 107: 95.4}
    assert after["on_time_rate"] == {107: 99.4}
    assert after["professional_test_score"] == {107: 87.0}
    new = (target / "indicators.yaml").read_text(encoding="utf-8")
    assert "      106: 93.5  # 年報\n      107: 95.4\n" in new
    assert "    supports: [1, 2]\n    history: {107: 99.4}\n" in new


def test_rollover_without_results_carries_the_indicators_and_says_history_is_to_be_added(data_copy):
    import shutil

    shutil.rmtree(data_copy / "results")
    before = _histories(data_copy)
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    assert _histories(target) == before
    assert "history 未加入 107 年數據。107 年度績效報告定稿後" in (target / "README.md").read_text(encoding="utf-8")


def test_rollover_before_every_unit_handed_in_adds_only_the_figures_it_lacks_nothing_of(data_copy, capsys):
    """Rolled over in January with 秘書科's file still missing: a partial sum would stand as 107's
    figure, so each figure 秘書科 owes waits. The others are whole, and 107's report printed them
    unmarked and compared: they go in (before, none did, and validate asked for 21 by hand)."""
    from conftest import compiled

    (data_copy / "results" / "秘書科.yaml").unlink()
    before = _histories(data_copy)
    report = compiled(data_copy, load_plan(data_copy))
    partial = {f.id for f in report.indicators if f.partial_units}
    whole = [f for f in report.indicators if f.id not in partial]
    assert partial and {"sop_rate", "online_cases", "online_growth"} <= {f.id for f in whole}
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    assert (f"注意：107 年還有 1 個單位未繳交成果（秘書科），{len(partial)} 項指標的全局數據尚未定案，"
            "history 未加入 107 年數據（明細見 README.md）。") in capsys.readouterr().out
    target = data_copy.parent / "keelung-108"
    after = _histories(target)
    assert {i: after[i] for i in partial} == {i: before[i] for i in partial}
    assert {f.id: after[f.id] for f in whole} == {f.id: {**before[f.id], 107: float(f.reported)} for f in whole}
    fill_markers(target)
    assert main(["validate", str(target)]) == 0
    err = capsys.readouterr().err
    assert err.count("history 沒有 107 年的數據，報告的「較上年」無法計算") == len(partial)
    # 107's report marked the figures it printed without 秘書科's 「*」: not the ones to copy
    assert "（報告中標「*」的數值缺少部分單位的數據，請改用各單位都繳交後的全局數值）" in err


def test_rollover_before_every_unit_handed_in_names_the_indicators_validate_will_not_ask_for(data_copy, capsys):
    """及格率 was first measured in 107 (no history yet): validate asks for 107 only in a history
    that has years, so the README, which says validate will ask, names it to add by hand."""
    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace("    history: {105: 93.6, 106: 95.3}\n", "", 1), encoding="utf-8")
    (data_copy / "results" / "秘書科.yaml").unlink()
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "（`sqdocs validate` 會逐項提醒）。尚無 history 的指標不會提醒，也請加上：專業知識測驗及格率。\n" in readme
    fill_markers(target)
    capsys.readouterr()
    assert main(["validate", str(target)]) == 0
    err = capsys.readouterr().err
    assert "history 沒有 107 年的數據" in err and "indicators[3].history" not in err


def test_rollover_adds_no_sum_a_unit_left_out_of_its_file(data_copy, capsys):
    """Every file is in, but 第一分局's has no 線上申辦件數: 7,292 件 is not 107's figure."""
    left_out(data_copy, "第一分局", ONLINE_CASES_OF_FIRST)
    before = _histories(data_copy)
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    assert "注意：線上申辦件數的 107 年合計不含成果未填該項數據的單位，history 未加入" in capsys.readouterr().out
    after = _histories(data_copy.parent / "keelung-108")
    assert after["online_cases"] == before["online_cases"] and after["online_growth"] == before["online_growth"]
    assert after["sop_rate"] == {**before["sop_rate"], 107: 95.4}
    readme = (data_copy.parent / "keelung-108" / "README.md").read_text(encoding="utf-8")
    assert "- 107 年合計不完整、history 未加入的指標：線上申辦件數（不含第一分局）；" in readme
    # the growth rate was said to have 「無數據」, as if no unit had entered any count
    assert "線上申辦使用成長率（由線上申辦件數計算，無法計算）；待各單位補填" in readme
    assert "無數據" not in readme


def test_rollover_adds_no_ratio_a_unit_left_out_of_its_file(data_copy, capsys):
    """第一分局's file has no 訂定標準作業流程比率: the other units' ratio is not 107's figure."""
    left_out(data_copy, "第一分局", SOP_RATE_OF_FIRST)
    before = _histories(data_copy)
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    assert "注意：訂定標準作業流程比率的 107 年比率不含成果未填該項數據的單位，history 未加入" in capsys.readouterr().out
    after = _histories(data_copy.parent / "keelung-108")
    assert after["sop_rate"] == before["sop_rate"] and after["online_cases"] == {**before["online_cases"], 107: 8661}
    readme = (data_copy.parent / "keelung-108" / "README.md").read_text(encoding="utf-8")
    assert "- 107 年比率不完整、history 未加入的指標：訂定標準作業流程比率（不含第一分局）；" in readme


def test_rollover_names_the_warnings_of_the_results_its_figures_come_from(data_copy, capsys):
    """公關科 typed 87.6 % as 0.876: validate warns, and the bureau figure computed from it is what
    rollover writes into 108's history. Said at the rollover too, not only by a validate run before it."""
    results = data_copy / "results" / "公關科.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace(
        "staff_satisfaction: {value: 87.6, base: 518}", "staff_satisfaction: {value: 0.876, base: 518}"), encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    captured = capsys.readouterr()
    assert "results/公關科.yaml:85:" in captured.err
    assert "「內部同仁滿意度」填 0.876，看起來是小數比例" in captured.err
    assert ("注意：107 年的成果有 1 個警告（列於上方）；history 的 107 年數據是依現有成果計算的，"
            "若因此修正成果，請一併修改新資料夾 indicators.yaml 中 107 年的數值。") in captured.out
    assert _histories(data_copy.parent / "keelung-108")["staff_satisfaction"][107] != 87.6


def test_rollover_of_results_without_warnings_says_nothing_of_them(data_copy, capsys):
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "警告" not in captured.out


def test_rollover_with_results_in_error_writes_nothing(data_copy, capsys):
    results = data_copy / "results" / "秘書科.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace("item: 服務一致及正確\n", "item: 服務一至及正確\n", 1),
                       encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    err = capsys.readouterr().err
    assert "秘書科.yaml" in err and "rollover 要由 107 年各單位的成果計算 107 年的全局數據" in err
    assert not (data_copy.parent / "keelung-108").exists()


def test_rollover_over_several_years_says_the_history_has_a_gap_and_names_keep_last_years(data_copy, capsys):
    assert main(["rollover", str(data_copy), "--to", "110"]) == 0
    assert "注意：由 107 年直接轉入 110 年，歷年數據將缺 108–109 年。" in capsys.readouterr().out
    readme = (data_copy.parent / "keelung-110" / "README.md").read_text(encoding="utf-8")
    assert "- 由 107 年直接轉入 110 年：各指標的 history 沒有 108–109 年的數據" in readme  # was on the screen only
    roster = (data_copy.parent / "keelung-110" / "annex3.yaml").read_text(encoding="utf-8")
    assert '"【待填】局長的姓名（107 年為 ' in roster


def test_a_new_year_without_results_builds_no_empty_report_and_says_so(data_copy, tmp_path, capsys):
    main(["rollover", str(data_copy), "--to", "108"])
    target = data_copy.parent / "keelung-108"
    fill_markers(target)
    capsys.readouterr()
    assert main(["validate", str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "✓ 年度成果：尚無單位填報（25 個單位待填報）、22 項指標、0 個警告"
    assert out[-1].startswith("  注意：indicators.yaml 標為範例資料（sample: true）")  # the sample's, carried over
    assert main(["build", str(target), "-o", str(tmp_path / "out"), "--format", "pdf", "-j", "1"]) == 0
    assert f"略過 {target} 的績效報告：尚無單位填報年度成果" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["基隆市警察局108年度提升服務品質執行計畫.pdf"]


def _next_year(data_copy: Path) -> Path:
    main(["rollover", str(data_copy), "--to", "108"])
    target = data_copy.parent / "keelung-108"
    fill_markers(target)
    return target


def test_a_new_years_subplan_can_start_from_last_years(data_copy, capsys):
    from sqdocs.load.subplan import read_subplan

    target = _next_year(data_copy)
    capsys.readouterr()
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert "帶入 107 年的具體作法與承辦單位：14 個評核重點；完成期限 2 個待改填" in out
    old = read_subplan(data_copy / "subplans" / "第一分局.yaml", load_plan(data_copy)).subplan
    path = target / "subplans" / "第一分局.yaml"
    new = read_subplan(path, load_plan(target)).subplan
    assert new.title == "基隆市警察局第一分局 108 年度提升服務品質細部執行計畫"
    assert (new.sub_units, new.sub_groups) == (old.sub_units, old.sub_groups)
    for was, now in zip(old.points, new.points, strict=True):
        assert (now.key, now.practices, now.units) == (was.key, was.practices, was.units)
        assert now.deadline == (was.deadline if isinstance(was.deadline, str) else None)
    text = path.read_text(encoding="utf-8")
    assert "    # 107 年的完成期限為 107 年 3 月 31 日；請改填今年的期限\n    deadline:" in text
    assert main(["check", str(target)]) == 1
    report = capsys.readouterr().out
    assert len([line for line in report.splitlines() if "未填完成期限" in line]) == 2
    assert "未填具體作法" not in report and "未填承辦單位" not in report


def test_last_years_subplan_follows_this_years_points(data_copy, capsys):
    """A point whose name 108's plan corrected keeps its content and both names are told; the
    points of an item renamed keep their content (found by their own names); a point unlike any
    of 107 starts empty."""
    from sqdocs.load.subplan import read_subplan

    target = _next_year(data_copy)
    annex1 = target / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8").replace("name: 服務及時性\n", "name: 服務即時性\n", 1)
    annex1.write_text(text.replace("name: 服務友善\n", "name: 服務友善性\n", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert "帶入 107 年的具體作法與承辦單位：14 個評核重點" in out
    assert "本局今年改了名稱、依相近名稱帶入的評核重點：服務及時性 → 服務即時性（請確認是同一項）" in out
    assert "由空白開始" not in out and "未帶入" not in out
    new = read_subplan(target / "subplans" / "第一分局.yaml", load_plan(target)).subplan
    old = read_subplan(data_copy / "subplans" / "第一分局.yaml", load_plan(data_copy)).subplan
    renamed = next(p for p in new.points if p.point == "服務即時性")
    was = next(p for p in old.points if p.point == "服務及時性")
    assert (renamed.practices, renamed.units) == (was.practices, was.units) and renamed.practices
    was = next(p for p in old.points if p.point == "網站使用便利性")
    moved = next(p for p in new.points if p.point == "網站使用便利性")
    assert moved.item == "服務友善性" and (moved.practices, moved.units) == (was.practices, was.units)

    annex1.write_text(annex1.read_text(encoding="utf-8").replace("name: 服務即時性\n", "name: 夜間報案受理\n", 1),
                      encoding="utf-8")
    (target / "subplans" / "第一分局.yaml").unlink()
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert "今年新增或改名、由空白開始的評核重點：基礎服務／服務一致及正確／夜間報案受理" in out
    assert "107 年有、今年沒有同名評核重點而未帶入：基礎服務／服務一致及正確／服務及時性" in out


def test_subplan_init_from_names_last_years_folder_of_this_bureau(data_copy, tmp_path, capsys):
    """The example was 「如 data/keelung-106」 whatever the bureau: the sample's folder, at a year
    it never had. It is now the name of the folder being written, at last year."""
    folder = data_copy.rename(tmp_path / "hsinchu-107")
    for options in (["--unit", "第一分局"], ["--all"]):
        assert main(["subplan", "init", str(folder), *options, "--from", str(tmp_path / "hsinchu-10")]) == 2
        err = capsys.readouterr().err
        assert f"找不到此資料夾；--from 要指定前一年度的資料夾（如 {tmp_path / 'hsinchu-106'}）" in err
        assert "keelung" not in err


def test_subplan_init_from_refuses_what_is_not_an_earlier_year(data_copy, tmp_path, capsys):
    target = _next_year(data_copy)
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(target)]) == 2
    assert "是 108 年度的資料，要建立的是 108 年度的細部計畫；--from 要指定 107 年或更早的資料夾" in capsys.readouterr().err
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy / "plan.yaml")]) == 2
    assert f"是檔案；--from 要指定前一年度的資料夾（如 {data_copy}），不是其中的檔案" in capsys.readouterr().err
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy / "subplans")]) == 2
    assert "此資料夾沒有 plan.yaml，不是計畫資料夾" in capsys.readouterr().err
    # another bureau's folder: its agency and the titles naming it (else validate refuses the titles)
    named = {path: path.read_text(encoding="utf-8") for path in data_copy.glob("*.yaml")}
    for path, text in named.items():
        path.write_text(text.replace("基隆市警察局", "臺北市政府警察局"), encoding="utf-8")
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy)]) == 2
    assert "是「臺北市政府警察局」的資料，本資料夾是「基隆市警察局」的" in capsys.readouterr().err
    for path, text in named.items():
        path.write_text(text, encoding="utf-8")
    (data_copy / "subplans" / "第二分局.yaml").unlink()
    assert main(["subplan", "init", str(target), "--unit", "第二分局", "--from", str(data_copy)]) == 2
    assert "沒有第二分局的細部執行計畫（" in capsys.readouterr().err
    assert not (target / "subplans").exists()


def test_a_title_left_at_last_year_is_an_error(data_copy, capsys):
    """A 107 file copied into 108's folder printed its cover as 107 and, for the plan, took 107's file name."""
    target = _next_year(data_copy)
    plan = target / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("title: 基隆市警察局 108 年度", "title: 基隆市警察局 107 年度"), encoding="utf-8")
    assert main(["validate", str(target)]) == 2
    assert ("plan.yaml:5:8: title: 標題寫的是 107 年度，但計畫是 108 年度；應為「基隆市警察局 108 年度提升服務品質執行計畫」"
            in capsys.readouterr().err)
    plan.write_text(text, encoding="utf-8")
    (target / "subplans").mkdir()
    subplan = (data_copy / "subplans" / "第四分局.yaml").read_text(encoding="utf-8")
    (target / "subplans" / "第四分局.yaml").write_text(subplan.replace("107 年 ", "108 年 "), encoding="utf-8")
    assert main(["validate", str(target)]) == 2
    assert "第四分局.yaml:26:8: title: 標題寫的是 107 年度，但計畫是 108 年度" in capsys.readouterr().err


def test_a_history_layout_the_edit_cannot_follow_costs_only_that_figure(data_copy, capsys):
    """A trailing comma is followed; a shared (&/*) history is not: those two figures are listed
    with their lines and ready to paste, and every other indicator still gets its figure."""
    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    text = text.replace("history: {105: 5.1, 106: 4.6}", "history: {105: 5.1, 106: 4.6,}")
    text = text.replace("    history: {105: 90.2, 106: 93.5}\n", "    history:\n      105: 90.2\n      106: 93.5\n")
    text = text.replace("history: {105: 88.1, 106: 89.6}", "history: &same {105: 88.1, 106: 89.6}")
    text = text.replace("history: {105: 91.2, 106: 92.0}", "history: *same")
    indicators.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))  # saved on Windows
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    out = capsys.readouterr().out
    assert "20 項指標的 history 已加入 107 年數據" in out
    assert re.search(r"注意：indicators.yaml 第 \d+ 行、第 \d+ 行的 history 寫法無法自動加入", out)
    target = data_copy.parent / "keelung-108"
    after = _histories(target)
    assert after["complaint_days"] == {105: 5.1, 106: 4.6, 107: 3.8}
    assert after["sop_rate"] == {105: 90.2, 106: 93.5, 107: 95.4}
    assert after["satisfaction_environment"] == after["satisfaction_courtesy"] == {105: 88.1, 106: 89.6}
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "「洽公環境滿意度」：`107: 89.8`" in readme and "「服務禮儀滿意度」：`107: 93.7`" in readme
    raw = (target / "indicators.yaml").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # still CRLF throughout


def test_a_blank_subplan_form_says_how_to_start_from_last_year(data_copy, tmp_path, capsys):
    target = _next_year(data_copy)
    capsys.readouterr()
    assert main(["form", "subplan", str(target), "--unit", "第二分局", "-o", str(tmp_path / "f.xlsx")]) == 0
    assert "--unit 第二分局 --from 去年的資料夾，再加 --force 重新產生表單" in capsys.readouterr().out
    assert main(["subplan", "init", str(target), "--unit", "第二分局", "--from", str(data_copy)]) == 0
    # as the advice says: the same command again (the blank form is there) with --force
    assert main(["form", "subplan", str(target), "--unit", "第二分局", "-o", str(tmp_path / "f.xlsx"), "--force"]) == 0
    assert main(["form", "subplan", str(target), "--unit", "第二分局", "-o", str(tmp_path / "g.xlsx")]) == 0
    assert "--from" not in capsys.readouterr().out.splitlines()[-1]


def test_last_years_form_is_refused_with_no_talk_of_correcting_it(data_copy, tmp_path, capsys):
    form = tmp_path / "f.xlsx"
    assert main(["form", "subplan", str(data_copy), "--unit", "第一分局", "-o", str(form)]) == 0
    target = _next_year(data_copy)
    capsys.readouterr()
    assert main(["form", "import", str(form), str(target)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "此表單是 107 年度的表單" in err[0]
    assert err[-1].endswith("共 1 個錯誤，未寫入任何檔案；請依上列說明改用正確的表單。")


def test_from_a_later_years_unfilled_folder_is_the_year_not_its_blanks(data_copy, capsys):
    target = _next_year(data_copy)
    assert main(["rollover", str(target), "--to", "109"]) == 0
    capsys.readouterr()
    later = data_copy.parent / "keelung-109"
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(later)]) == 2
    err = capsys.readouterr().err
    assert "是 109 年度的資料，要建立的是 108 年度的細部計畫" in err and "尚未填寫" not in err


def test_last_years_continuing_deadline_against_this_years_date_is_left_to_set(data_copy, capsys):
    """The bureau gave the first point a date this year: 107's 「賡續辦理」 would fail check at once."""
    target = _next_year(data_copy)
    annex1 = target / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace(
        "deadline: 賡續辦理", "deadline: 108 年 6 月 30 日", 2), encoding="utf-8")  # the second point (服務及時性)
    text = annex1.read_text(encoding="utf-8")
    annex1.write_text(text.replace("deadline: 108 年 6 月 30 日", "deadline: 賡續辦理", 1), encoding="utf-8")
    assert main(["subplan", "init", str(target), "--unit", "第一分局", "--from", str(data_copy)]) == 0
    assert "完成期限 3 個待改填" in capsys.readouterr().out
    saved = (target / "subplans" / "第一分局.yaml").read_text(encoding="utf-8")
    assert "# 107 年為「賡續辦理」；本局今年的完成期限是 108 年 6 月 30 日，請填這一天或更早的日期\n    deadline:" in saved


def test_a_misnamed_subplan_is_not_written_beside_or_taken_for_missing(data_copy, tmp_path, capsys):
    subplans = data_copy / "subplans"
    (subplans / "第一分局.yaml").rename(subplans / "第一分局.yml")
    for command in (["subplan", "init", str(data_copy), "--unit", "第一分局"],
                    ["form", "subplan", str(data_copy), "--unit", "第一分局", "-o", str(tmp_path / "f.xlsx")]):
        assert main(command) == 2
        assert "第一分局.yml 是此單位的細部執行計畫，但檔名不對；請先改名為 第一分局.yaml" in capsys.readouterr().err
    assert not (subplans / "第一分局.yaml").exists() and not (tmp_path / "f.xlsx").exists()
    (data_copy / "results" / "秘書科.yaml").rename(data_copy / "results" / "秘書科.yaml.txt")
    assert main(["validate", str(data_copy)]) == 2
    assert "秘書科.yaml.txt:1:1: 成果檔的檔名須為「單位.yaml」；請改名為 秘書科.yaml" in capsys.readouterr().err


def test_last_year_s_letter_dates_are_quoted_as_the_documents_print_them(data_copy):
    """「（107 年為 １０７年１月１５日）」 quoted the date as it was typed, full-width digits and all."""
    plan_file = data_copy / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("date: 107 年 1 月 15 日", "date: １０７年１月１５日").replace(
        "date: 107 年 2 月 21 日", "date: 107/2/21"), encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    rolled = (data_copy.parent / "keelung-108" / "plan.yaml").read_text(encoding="utf-8")
    assert "發文日期（107 年為 107 年 1 月 15 日）" in rolled
    assert "發文日期（107 年為 107 年 2 月 21 日）" in rolled


def test_messages_give_example_dates_in_the_plans_year(data_copy, capsys):
    """A clerk of the 108 plan told 「請寫成 107 年 …」 would copy a date outside the period."""
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    fill_markers(target)
    plan_yaml = target / "plan.yaml"
    filled = plan_yaml.read_text(encoding="utf-8")
    plan_yaml.write_text(filled.replace("date: 108 年 1 月 20 日", "date: 明年", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(target)]) == 2
    assert "「明年」不是民國日期，請寫成「108 年 6 月 30 日」" in capsys.readouterr().err
    plan_yaml.write_text(filled, encoding="utf-8")
    assert main(["subplan", "init", str(target), "--unit", "第一分局"]) == 0
    subplan = target / "subplans" / "第一分局.yaml"
    text = subplan.read_text(encoding="utf-8")
    subplan.write_text(text.replace("deadline:       #", "deadline: 下個月       #", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(target)]) == 2
    err = capsys.readouterr().err
    assert "完成期限「下個月」應為「賡續辦理」或民國日期（如 108 年 6 月 30 日）" in err and "107 年" not in err


def test_rollover_into_a_folder_inside_this_year_s_is_refused(data_copy, capsys, monkeypatch):
    """-o keelung-107/sub would change this year's folder, which rollover promises to leave alone."""
    before = _digest(data_copy)
    assert main(["rollover", str(data_copy), "--to", "108", "-o", str(data_copy / "sub")]) == 2
    err = capsys.readouterr().err
    assert f"在 {data_copy} 之中；新年度的資料夾請建在它旁邊（如 -o {data_copy.parent / 'keelung-108'}）" in err
    assert _digest(data_copy) == before and not (data_copy / "sub").exists()
    monkeypatch.chdir(data_copy)  # from inside the folder, without -o: beside it, by its name
    assert main(["rollover", ".", "--to", "108"]) == 0
    assert (data_copy.parent / "keelung-108" / "plan.yaml").is_file() and _digest(data_copy) == before


def test_the_folder_rollover_suggests_is_quoted_for_the_shell(data_copy, capsys):
    spaced = data_copy.rename(data_copy.parent / "keelung 107")
    assert main(["rollover", str(spaced), "--to", "108", "-o", str(spaced / "sub")]) == 2
    assert f"（如 -o '{data_copy.parent / 'keelung 108'}'）" in capsys.readouterr().err


def test_moving_results_aside_is_suggested_only_for_errors_in_the_results(data_copy, capsys):
    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace("history: {105: 90.2, 106: 93.5}", "history: {105: 90.2, 106: 93.5, 107: 50.0}", 1),
                          encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    err = capsys.readouterr().err
    assert "indicators.yaml:" in err and "請先修正上列錯誤" in err and "暫時移開" not in err

    indicators.write_text(text, encoding="utf-8")
    results = data_copy / "results" / "交通隊.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace("year: 107", "year: 一〇七", 1), encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 2
    err = capsys.readouterr().err
    assert "results/交通隊.yaml:" in err and "請先修正上列錯誤，或暫時移開 results/ 資料夾" in err


def test_the_readme_lists_the_date_of_issue_when_rollover_marked_it(data_copy, capsys):
    plan = data_copy / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("period:\n", "issued: 107 年 1 月 15 日\nperiod:\n", 1), encoding="utf-8")
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    readme = (data_copy.parent / "keelung-108" / "README.md").read_text(encoding="utf-8")
    assert "- 本計畫的發布日期（plan.yaml 的 issued）；\n- 計畫依據各函的發文日期與文號；\n" in readme


def test_texts_still_naming_a_day_of_last_year_are_listed(data_copy, capsys):
    """Only 「107 年度」 moves on: a deadline typed in a step (「於 107 年 3 月 31 日前陳報」) stayed
    107 in the 108 plan, which validated clean and printed it. Such texts are now named."""
    plan = data_copy / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    step = "  - text: 本局編組「107 年度推動提升服務品質考核小組」（如附件 3）。\n"
    assert text.count(step) == 1
    plan.write_text(text.replace(step, step + "  - text: 各分局於 107 年 3 月 31 日前陳報細部執行計畫。\n"), encoding="utf-8")
    line = plan.read_text(encoding="utf-8").splitlines().index("  - text: 各分局於 107 年 3 月 31 日前陳報細部執行計畫。") + 1
    capsys.readouterr()
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    out = capsys.readouterr().out
    assert f"注意：1 處文字仍寫著 107 年的日期（plan.yaml 第 {line} 行：「107 年 3 月 31 日」），未隨年度改變；請逐一確認是否應改為 108 年" in out
    target = data_copy.parent / "keelung-108"
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "## 仍寫著 107 年日期的文字\n" in readme and f"- plan.yaml 第 {line} 行：「107 年 3 月 31 日」\n" in readme
    assert (target / "plan.yaml").read_text(encoding="utf-8").splitlines()[line - 1].endswith("107 年 3 月 31 日前陳報細部執行計畫。")
    # the period, the letters' dates and the dated deadlines are moved on or marked, so not listed
    assert readme.count("107 年日期的文字") == 1 and "第 6 行" not in readme and "annex1.yaml" not in readme


def test_the_sample_has_no_text_naming_a_day_of_its_year(data_copy, capsys):
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    assert "仍寫著" not in capsys.readouterr().out
    assert "仍寫著" not in (data_copy.parent / "keelung-108" / "README.md").read_text(encoding="utf-8")


def test_a_base_figure_corrected_after_rollover_names_the_growth_rate_left_from_it(data_copy, capsys):
    """The README asks to correct 107 in history if 107's results change; 線上申辦件數 corrected to
    9,000 left 線上申辦使用成長率 107 at 26.1% (from 8,661), which the 108 report printed beside it."""
    target = _next_year(data_copy)
    path = target / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("106: 6870, 107: 8661}") == 1 and "107: 26.1}" in text
    assert main(["validate", str(target)]) == 0
    assert "成長率" not in capsys.readouterr().err  # as rollover wrote them, the two agree
    path.write_text(text.replace("106: 6870, 107: 8661}", "106: 6870, 107: 9000}"), encoding="utf-8")
    assert main(["validate", str(target)]) == 0
    assert ("indicators[9].history[107]: 警告：「線上申辦使用成長率」107 年寫 26.1%，由「線上申辦件數」的 history 計算卻是 31.0%"
            "（106 年 6,870 件 → 107 年 9,000 件）；若修正過「線上申辦件數」的數值，請把此年度改為 31.0，"
            "或刪除「107: 26.1」改由 sqdocs 計算") in capsys.readouterr().err


def test_the_readme_s_subplan_command_names_no_unit_the_bureau_may_not_have(data_copy):
    """It gave `--unit 第一分局` whatever the bureau's units: one whose 分局 are 仁愛分局 … got
    「units.yaml 沒有單位「第一分局」」 running it, and any bureau got one 分局's subplan of four."""
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert f"    sqdocs subplan init {target} --all --from {data_copy}\n" in readme
    assert "第一分局" not in readme


def test_a_comment_aligned_after_a_history_keeps_its_column(data_copy):
    """Each rollover's year went in before the comment's spaces: the comment moved right each year."""
    path = data_copy / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    line = "    history: {105: 18.6}            # 105 年報告所列；106 年起由 online_cases 計算\n"
    assert text.count(line) == 1
    path.write_text(text.replace(line, line.replace("}   ", "}" + " " * 20 + "   ")), encoding="utf-8")
    target = _next_year(data_copy)
    moved = next(t for t in (target / "indicators.yaml").read_text(encoding="utf-8").splitlines() if "105 年報告所列" in t)
    assert moved.startswith("    history: {105: 18.6, 107: 26.1}  ") and moved.index("#") == line.index("#") + 20


def test_a_comment_after_a_history_with_no_room_left_keeps_two_spaces(data_copy):
    target = _next_year(data_copy)
    moved = next(t for t in (target / "indicators.yaml").read_text(encoding="utf-8").splitlines() if "105 年報告所列" in t)
    assert moved.startswith("    history: {105: 18.6, 107: 26.1}  # 105 年報告所列")


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_the_new_years_folder_is_open_to_read_as_its_files_are(data_copy, umask):
    """Not left 0700 as its staging copy was made (others sharing the data could not open it), nor
    opened wider than the user's umask allows, for the folder and for its files."""
    code = subprocess.run(
        [sys.executable, "-c", f"import os, sys; os.umask({umask}); from sqdocs.cli import main; "
                               f"sys.exit(main(['rollover', {str(data_copy)!r}, '--to', '108']))"],
        capture_output=True, text=True, timeout=120,
    ).returncode
    assert code == 0
    new = data_copy.parent / "keelung-108"
    assert new.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (new / "plan.yaml").stat().st_mode & 0o777 == 0o666 & ~umask


def test_rollover_takes_dates_typed_as_the_loader_takes_them(data_copy, capsys):
    """A period start typed as YAML's timestamp (2018-01-01T00:00:00) loads and builds, yet
    rollover ended in 「內部錯誤：ValueError … 不是民國日期」; a deadline typed 2018-06-30 was
    taken for 賡續辦理 and carried over unmarked."""
    plan = data_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("start: 107 年 1 月 1 日", "start: 2018-01-01T00:00:00"),
                    encoding="utf-8")
    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    annex1.write_text(text.replace("deadline: 賡續辦理", "deadline: 2018-06-30", 1), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    assert "  start: 108 年 1 月 1 日\n" in (target / "plan.yaml").read_text(encoding="utf-8")
    assert f'deadline: "{MARKER}完成期限（107 年為 107 年 6 月 30 日）"' in (target / "annex1.yaml").read_text(encoding="utf-8")
