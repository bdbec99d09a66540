"""Open data export: tidy CSV/JSON that round-trip to the model, with no personal names by default."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from conftest import SAMPLE, replace_once

from sqdocs.build import cached_report, cached_subplans
from sqdocs.cli import main
from sqdocs.opendata import SAMPLE_SOURCE
from sqdocs.writers.opendata import csv_cell


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("opendata")
    assert main(["export", str(SAMPLE), "-o", str(out)]) == 0
    return out


def _source(row) -> str:
    """A value's 資料來源 without the sample data's mark (the sample says ``sample: true``)."""
    return row["資料來源"].removesuffix(SAMPLE_SOURCE)


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_annex1_round_trip(exported, plan):
    rows = _csv(exported / "annex1_practices.csv")
    expected = [
        (d.name, it.name, p.name, text, "、".join(p.units))
        for d in plan.annex1.dimensions for it in d.items for p in it.points for text in p.practices
    ] + [(d.name, "", p.name, text, "") for d in plan.annex1.dimensions for p in d.points for text in p.actions]
    got = [(r["構面"], r["評核項目"], r["評核重點"], r["具體作法"], r["承辦單位"]) for r in rows]
    assert sorted(got) == sorted(expected)
    assert {r["序號"] for r in rows if r["評核重點"] == "服務人員專業度"} == {str(n) for n in range(1, 9)}


def test_annex2_and_subplans_round_trip(exported, plan):
    rows = _csv(exported / "annex2_checklist.csv")
    entries = [e for d in plan.annex2.dimensions for p in [*d.points, *(p for it in d.items for p in it.points)] for e in p.entries]
    assert sorted(r["檢核事項"] for r in rows) == sorted(entries)
    subplans = cached_subplans(SAMPLE)
    rows = _csv(exported / "subplan_practices.csv")
    for unit, subplan in subplans.items():
        mine = [r["具體作法"] for r in rows if r["單位"] == unit]
        assert mine == [t for p in subplan.points for t in p.practices]


def test_indicators_json_round_trip(exported):
    report = cached_report(SAMPLE)
    doc = json.loads((exported / "indicator_values.json").read_text(encoding="utf-8"))
    bureau = {(r["指標代號"], r["年度"]): r["數值"] for r in doc["資料"] if r["範圍"] == "全局"}
    for ind in report.indicators:
        for year in ind.series:
            assert bureau[(ind.id, year.year)] == pytest.approx(year.value)
    units = [r for r in doc["資料"] if r["範圍"] != "全局"]
    assert len(units) == sum(1 for ind in report.indicators for f in ind.units if f.value is not None)


def test_no_names_unless_asked(exported, plan, tmp_path):
    names = [m.name for m in plan.roster.members]
    for path in exported.iterdir():
        text = path.read_bytes().decode("utf-8-sig")
        assert not [n for n in names if n in text], path.name
    assert "姓名" not in _csv(exported / "roster.csv")[0]
    assert main(["export", str(SAMPLE), "-o", str(tmp_path), "--format", "csv", "--include-names"]) == 0
    assert [r["姓名"] for r in _csv(tmp_path / "roster.csv")] == names
    assert not list(tmp_path.glob("*.json"))


def test_data_dictionary_describes_every_column(exported):
    dictionary = _csv(exported / "data_dictionary.csv")
    described = {(r["檔案"], r["欄位"]) for r in dictionary}
    for path in exported.glob("*.csv"):
        if path.stem == "data_dictionary":
            continue
        header = _csv(path)[0].keys()
        assert {(path.stem, c) for c in header} <= described
    assert all(r["說明"] for r in dictionary)


def test_a_figure_some_units_are_missing_from_says_so(data_copy, tmp_path):
    """The report marks such a figure 「*」 and compares it with nothing; the export gave it as the
    bureau's figure with nothing to tell it apart."""
    (data_copy / "results" / "第四分局.yaml").unlink()
    assert main(["export", str(data_copy), "-o", str(tmp_path)]) == 0
    rows = _csv(tmp_path / "indicator_values.csv")
    partial = [r for r in rows if r["範圍"] == "全局" and "不完整" in _source(r)]
    assert partial and all(r["年度"] == "107" for r in partial)
    # 第四分局 owes sums, ratios and means: each says which it is
    assert {_source(r) for r in partial} == {f"本年度成果計算（{w}不含第四分局，不完整）" for w in ("合計", "比率", "平均")}
    assert _source(next(r for r in partial if r["指標代號"] == "sop_rate")) == "本年度成果計算（比率不含第四分局，不完整）"
    report = cached_report(data_copy)
    assert {r["指標代號"] for r in partial} == {i.id for i in report.indicators if i.partial_units}


def test_ratios_and_means_of_one_unit_of_many_are_noted_incomplete(data_copy, tmp_path):
    """Only 第一分局 handed in: its 14 of 15 went out as the bureau's 訂定標準作業流程比率 with no
    note, where its sums said 「不完整」."""
    for path in (data_copy / "results").glob("*.yaml"):
        if path.stem != "第一分局":
            path.unlink()
    assert main(["export", str(data_copy), "-o", str(tmp_path)]) == 0
    rows = _csv(tmp_path / "indicator_values.csv")
    bureau = {r["指標代號"]: r for r in rows if r["範圍"] == "全局" and r["年度"] == "107"}
    sop = bureau["sop_rate"]
    assert (sop["數值"][:5], sop["分子"], sop["分母"]) == ("93.33", "14", "15")
    assert _source(sop) == "本年度成果計算（比率不含保安科、外事科、刑警大隊、交通隊、第二分局、第三分局、第四分局，不完整）"
    assert bureau["phone_courtesy_score"]["資料來源"].startswith("本年度成果計算（平均不含")
    assert bureau and all(_source(r).endswith("，不完整）") for r in bureau.values())
    # earlier years and the units' own figures are what they were
    assert {_source(r) for r in rows if r["年度"] != "107"} <= {"歷年統計", "由歷年統計計算"}
    assert {_source(r) for r in rows if r["範圍"] == "第一分局"} == {"單位填報"}


def test_an_earlier_years_growth_is_said_to_come_from_the_history(exported):
    """online_growth 106 is worked out from online_cases' 105 and 106 history: not from this
    year's results, and with none of this year's numerator or missing units."""
    rows = {r["年度"]: r for r in _csv(exported / "indicator_values.csv")
            if r["指標代號"] == "online_growth" and r["範圍"] == "全局"}
    assert {y: _source(r) for y, r in rows.items()} == {
        "105": "歷年統計", "106": "由歷年統計計算", "107": "本年度成果計算"}
    assert rows["106"]["分子"] == rows["106"]["分母"] == rows["106"]["權數"] == ""


def test_subplan_entries_for_a_point_the_bureau_deleted_are_not_exported(data_copy, tmp_path):
    """The 細部執行計畫 leaves out a point the bureau plan no longer has (or no longer assigns to the
    unit) until the unit runs `subplan update`; its open data said the unit still did that work."""
    path = data_copy / "annex1.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("          - name: 優質服務\n")
    path.write_text(text[:start] + text[text.index("  - scope:", start):], encoding="utf-8")
    shutil.rmtree(data_copy / "results")  # every unit's results name it too
    assert main(["export", str(data_copy), "-o", str(tmp_path)]) == 0
    rows = _csv(tmp_path / "subplan_practices.csv")
    assert rows and not [r for r in rows if r["評核重點"] == "優質服務"]


def test_a_text_excel_would_run_as_a_formula_is_marked_as_text_in_the_csv(data_copy, tmp_path):
    """A practice starting with - + = @ showed as #NAME? in Excel (=HYPERLINK would be a live
    link); the CSV gives it Excel's 「'」, the JSON keeps the text, numbers stay numbers."""
    path = data_copy / "subplans" / "第一分局.yaml"
    risky = ["-各派出所每月辦理一次", "+886-2-24252787 專線受理", '=HYPERLINK("http://example.com","詳見")', "@各派出所"]
    listed = "".join(f"      - '{text}'\n" for text in risky)
    first = "    practices:\n      - 行政組彙整本分局受理之申辦業務"
    replace_once(path, first, first.replace("practices:\n", "practices:\n" + listed))
    assert main(["export", str(data_copy), "-o", str(tmp_path)]) == 0
    mine = [r["具體作法"] for r in _csv(tmp_path / "subplan_practices.csv") if r["單位"] == "第一分局"]
    assert mine[:4] == [f"'{text}" for text in risky]
    assert not [text for text in mine[4:] if text.startswith("'")]
    doc = json.loads((tmp_path / "subplan_practices.json").read_text(encoding="utf-8"))
    assert [r["具體作法"] for r in doc["資料"] if r["單位"] == "第一分局"][:4] == risky
    assert not [row for row in _csv(tmp_path / "indicator_values.csv") if row["數值"].startswith("'")]
    assert csv_cell(-3.5) == -3.5 and csv_cell("-3.5") == "'-3.5"  # a growth rate is a number in its table


def test_every_row_says_which_bureau_and_year_it_is(exported, plan):
    """The National Police Agency puts every bureau's tables together: a row that does not say
    whose it is cannot be told from another bureau's."""
    tables = sorted(p.stem for p in exported.glob("*.csv") if p.stem != "data_dictionary")
    assert tables == ["annex1_practices", "annex2_checklist", "indicator_definitions", "indicator_values", "roster",
                      "subplan_practices"]
    for name in tables:
        with (exported / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
            header, *rows = list(csv.reader(f))
        assert header[:2] == ["機關", "計畫年度"], name
        assert rows and {tuple(r[:2]) for r in rows} == {("基隆市警察局", "107")}, name
        records = json.loads((exported / f"{name}.json").read_text(encoding="utf-8"))["資料"]
        assert list(records[0])[:2] == ["機關", "計畫年度"]
        assert {(r["機關"], r["計畫年度"]) for r in records} == {(plan.agency, plan.year)}  # the year an integer
    dictionary = {(r["檔案"], r["欄位"]): r for r in _csv(exported / "data_dictionary.csv")}
    assert all(dictionary[(name, "機關")]["型別"] == "文字" and dictionary[(name, "計畫年度")]["型別"] == "整數"
               for name in tables)
    # The indicators' own 年度 is the year of a figure: the 107 report gives 105's and 106's too.
    years = {r["年度"] for r in _csv(exported / "indicator_values.csv")}
    assert years == {"105", "106", "107"}


def test_no_title_names_a_bureau(exported, plan):
    """Each row says its bureau; a title naming one would be wrong over the rows of all bureaus."""
    for path in exported.glob("*.json"):
        title = json.loads(path.read_text(encoding="utf-8"))["資料表"]
        assert plan.agency not in title and str(plan.year) not in title, path.name
    assert not [r for r in _csv(exported / "data_dictionary.csv") if plan.agency in r["資料表"]]


def test_subplans_build_would_refuse_as_unfinished_are_named(data_copy, tmp_path, capsys):
    """A subplan still being filled in is exported as far as it goes (a blank 完成期限, a 分局
    without a file has no row) while build refuses it: the table looked like the finished plans."""
    path = data_copy / "subplans" / "第一分局.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    deadline: 107 年 3 月 31 日\n", "", 1), encoding="utf-8")
    (data_copy / "subplans" / "第三分局.yaml").unlink()
    assert main(["export", str(data_copy), "-o", str(tmp_path / "od")]) == 0
    err = capsys.readouterr().err
    assert "有 2 個單位的細部執行計畫尚未填完或尚未建立（第一分局、第三分局），subplan_practices 只有其已填的部分" in err
    rows = _csv(tmp_path / "od" / "subplan_practices.csv")
    assert {r["單位"] for r in rows} == {"第一分局", "第二分局", "第四分局"}

    assert main(["export", str(SAMPLE), "-o", str(tmp_path / "whole")]) == 0
    assert "尚未填完" not in capsys.readouterr().err  # finished subplans: nothing to say


def test_sample_data_is_marked_on_every_indicator_value(exported, data_copy, tmp_path, capsys):
    """The report said 「本報告數據為範例資料」 under its title; the export said nothing, and a merged
    national table showed the sample's figures as real ones."""
    rows = _csv(exported / "indicator_values.csv")
    assert rows and all(r["資料來源"].endswith("（範例資料，非真實統計）") for r in rows)
    main(["export", str(SAMPLE), "-o", str(tmp_path / "again")])
    assert "標為範例資料（sample: true）：indicator_values 的數值是範例" in capsys.readouterr().err
    replace_once(data_copy / "indicators.yaml", "sample: true", "sample: false")
    assert main(["export", str(data_copy), "-o", str(tmp_path / "real")]) == 0
    assert "範例" not in capsys.readouterr().err
    assert not [r for r in _csv(tmp_path / "real" / "indicator_values.csv") if "範例" in r["資料來源"]]


def test_a_members_name_in_a_text_is_said_when_names_are_left_out(data_copy, plan, tmp_path, capsys):
    name = plan.roster.members[0].name
    duty = plan.roster.members[0].duty
    replace_once(data_copy / "annex3.yaml", f"duty: {duty}", f"duty: {duty}（{name} 分機 2345）")
    capsys.readouterr()
    assert main(["export", str(data_copy), "-o", str(tmp_path / "out")]) == 0
    assert f"下列文字含有考核小組成員的姓名，仍會輸出：roster 的職掌含「{name}」" in capsys.readouterr().err
    assert main(["export", str(data_copy), "-o", str(tmp_path / "named"), "--include-names"]) == 0
    assert "考核小組成員的姓名" not in capsys.readouterr().err
