"""Open data of several bureaus: one table of each kind with every bureau's rows, as the National
Police Agency compiles them; bad input in any bureau, or one bureau twice, writes nothing."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, SOP_RATE_OF_FIRST

from sqdocs.cli import main

OTHER = "測試市警察局"
TABLES = ["annex1_practices", "annex2_checklist", "indicator_definitions", "indicator_values", "roster", "subplan_practices"]


def _bureau(folder: Path, agency: str | None = None) -> Path:
    """A copy of the sample as ``folder``, under another agency's name when ``agency`` is given."""
    shutil.copytree(SAMPLE, folder)
    if agency is not None:
        plan = folder / "plan.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("agency: 基隆市警察局\n", f"agency: {agency}\n", 1),
                        encoding="utf-8")
        for path in [*folder.glob("*.yaml"), *folder.glob("subplans/*.yaml")]:  # the titles name it too
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"(?m)^title: 基隆市警察局", f"title: {agency}", text), encoding="utf-8")
    return folder


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and rows of an exported CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_two_bureaus_give_one_table_of_each_kind_with_the_rows_of_both_in_turn(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    first, second = _bureau(bureaus / "a-keelung"), _bureau(bureaus / "b-other", OTHER)
    for folder in (first, second):
        assert main(["export", str(folder), "-o", str(tmp_path / "alone" / folder.name)]) == 0
    assert main(["export", str(bureaus), "-o", str(tmp_path / "all")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"✓ 已合併 2 個機關 2 份資料：基隆市警察局 107 年度、{OTHER} 107 年度"
    for name in TABLES:
        header, rows = _rows(tmp_path / "all" / f"{name}.csv")
        alone = [_rows(tmp_path / "alone" / folder.name / f"{name}.csv") for folder in (first, second)]
        assert header == alone[0][0] == alone[1][0]
        assert rows == alone[0][1] + alone[1][1], name  # the folder of bureaus in the order found
        assert {r[0] for r in alone[1][1]} == {OTHER}
        records = json.loads((tmp_path / "all" / f"{name}.json").read_text(encoding="utf-8"))["資料"]
        assert [(r["機關"], r["計畫年度"]) for r in records] == [(r[0], int(r[1])) for r in rows]
    dictionary = _rows(tmp_path / "all" / "data_dictionary.csv")
    assert dictionary == _rows(tmp_path / "alone" / first.name / "data_dictionary.csv")  # described once

    # Named one by one, the bureaus come in the order named.
    assert main(["export", str(second), str(first), "-o", str(tmp_path / "named")]) == 0
    _header, rows = _rows(tmp_path / "named" / "roster.csv")
    assert [r[0] for r in rows] == [OTHER] * 31 + ["基隆市警察局"] * 31


def test_a_bureau_named_twice_is_exported_once(tmp_path):
    assert main(["export", str(SAMPLE), str(SAMPLE), "-o", str(tmp_path / "out")]) == 0
    _header, rows = _rows(tmp_path / "out" / "roster.csv")
    assert len(rows) == 31


def test_bad_input_in_one_bureau_names_every_bad_one_and_writes_nothing(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    _bureau(bureaus / "a", "甲市警察局")
    bad_plan = _bureau(bureaus / "b", "乙市警察局") / "plan.yaml"
    bad_results = _bureau(bureaus / "c", "丙市警察局") / "results" / "第一分局.yaml"
    out = tmp_path / "out"
    assert main(["export", str(bureaus), "-o", str(out)]) == 0
    before = _files(out)
    capsys.readouterr()
    bad_plan.write_text(bad_plan.read_text(encoding="utf-8").replace("year: 107\n", "year: 一O七\n"), encoding="utf-8")
    bad_results.write_text(bad_results.read_text(encoding="utf-8").replace(
        SOP_RATE_OF_FIRST, "    indicators:\n      sop_rate: {numerator: 16, denominator: 15}\n"), encoding="utf-8")
    assert main(["export", str(bureaus), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert any(line.startswith(f"{bad_plan}:") and "year" in line for line in err), err
    assert any(line.startswith(f"{bad_results}:") and "大於分母" in line for line in err), err
    assert err[-1] == f"2 個資料夾有錯誤：{bureaus / 'b'}、{bureaus / 'c'}；未輸出任何檔案，請修正後再執行。"
    assert "✓" not in captured.out and "Traceback" not in captured.err
    assert _files(out) == before  # the good bureau's tables are not written over with its rows alone
    # Meanwhile the good bureau's tables can be had by asking for them alone, into a folder of
    # their own: in OUT they would replace the complete tables of an earlier export.
    rerun = f"sqdocs export {bureaus / 'a'} -o {tmp_path / 'out-部分'} --format csv --include-names"
    assert main(["export", str(bureaus), "-o", str(out), "--format", "csv", "--include-names"]) == 2
    assert capsys.readouterr().err.splitlines()[-2] == (
        f"其餘 1 個資料夾無誤；若要先輸出不含上列有錯誤資料夾的資料，可另外執行 {rerun}")
    assert main(shlex.split(rerun)[1:]) == 0
    assert {path.name for path in (tmp_path / "out-部分").iterdir()} >= {"roster.csv", "indicator_values.csv"}
    assert _files(out) == before

    assert main(["export", str(bureaus / "a"), str(bureaus / "b"), "-o", str(tmp_path / "new")]) == 2
    assert not (tmp_path / "new").exists()


def test_the_same_bureau_and_year_twice_is_refused(tmp_path, capsys):
    """Two copies of one bureau's data (a folder copied and not renamed): their rows would be the
    same bureau's twice, with nothing to tell which is right."""
    first, second = _bureau(tmp_path / "keelung"), _bureau(tmp_path / "keelung-copy")
    out = tmp_path / "out"
    assert main(["export", str(first), str(second), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{second / 'plan.yaml'}:3:9: agency: 與 {first} 同為「基隆市警察局」107 年度的資料"), err
    assert err[-1] == f"1 個資料夾有錯誤：{second}；未輸出任何檔案，請修正後再執行。"
    assert not out.exists()
    # Another year of the same bureau is other data, its rows saying 108: the copy a year on,
    # every 107 in it (year, period, deadlines, dates) made 108.
    for path in second.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("107", "108"), encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(first), str(second), "-o", str(out), "--format", "csv"]) == 0
    _header, rows = _rows(out / "annex1_practices.csv")
    assert {(r[0], r[1]) for r in rows} == {("基隆市警察局", "107"), ("基隆市警察局", "108")}
    assert capsys.readouterr().out.splitlines()[-1] == "✓ 已合併 1 個機關 2 份資料：基隆市警察局 107 年度、基隆市警察局 108 年度"


def test_one_agency_spelled_with_tai_or_a_space_is_still_the_same_bureau(tmp_path, capsys):
    """臺 and 台 (and a stray space) are one agency to the National Police Agency: two folders
    of one year under the two spellings are refused, and two years of it count as one agency."""
    first = _bureau(tmp_path / "a", "臺北市政府警察局")
    second = _bureau(tmp_path / "b", "台北市 政府警察局")
    out = tmp_path / "out"
    assert main(["export", str(first), str(second), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(
        f"{second / 'plan.yaml'}:3:9: agency: 與 {first} 同為「台北市 政府警察局」（該資料夾寫作「臺北市政府警察局」）"
        "107 年度的資料"), err
    assert not out.exists()
    for path in second.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("107", "108"), encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(first), str(second), "-o", str(out), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("✓ 已合併 1 個機關 2 份資料")


def test_a_subfolder_passed_over_in_a_folder_of_bureaus_writes_nothing(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    _bureau(bureaus / "a")
    (bureaus / "old").mkdir()
    (bureaus / "old" / "Plan.yml").write_text("year: 107\n")
    assert main(["export", str(bureaus), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"略過 {bureaus / 'old'}：沒有 plan.yaml，但有 Plan.yml；請改名為 plan.yaml"
    assert err[-1] == f"1 個資料夾有錯誤：{bureaus / 'old'}；未輸出任何檔案，請修正後再執行。"
    assert not (tmp_path / "out").exists()


def test_bureaus_a_level_too_deep_are_pointed_to_with_export(tmp_path, capsys):
    nest = tmp_path / "nest"
    _bureau(nest / "north" / "a")
    assert main(["export", str(nest), "-o", str(tmp_path / "out")]) == 2
    assert f"請改為指定這些資料夾：sqdocs export {nest / 'north'}（或 {nest}/*）" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_what_one_bureau_lacks_leaves_the_others_rows(tmp_path, capsys):
    """A bureau without subplans or results, and a unit whose denominator is 0 (no figure, left
    out as before), change only their own rows."""
    full, bare = _bureau(tmp_path / "full", "甲市警察局"), _bureau(tmp_path / "bare", "乙市警察局")
    shutil.rmtree(bare / "subplans")
    shutil.rmtree(bare / "results")
    (bare / "indicators.yaml").unlink()
    results = full / "results" / "第一分局.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace(
        SOP_RATE_OF_FIRST, "    indicators:\n      sop_rate: {numerator: 0, denominator: 0}\n"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", str(bare), str(full), "-o", str(out)]) == 0
    for name in ("subplan_practices", "indicator_values"):
        _header, rows = _rows(out / f"{name}.csv")
        assert rows and {r[0] for r in rows} == {"甲市警察局"}, name
    for name in ("annex1_practices", "roster"):
        _header, rows = _rows(out / f"{name}.csv")
        assert rows[0][0] == "乙市警察局" and rows[-1][0] == "甲市警察局", name
    header, rows = _rows(out / "indicator_values.csv")
    sop = [dict(zip(header, r, strict=True)) for r in rows if r[header.index("指標代號")] == "sop_rate"]
    units = {r["範圍"] for r in sop if r["年度"] == "107"}
    assert "全局" in units and "第一分局" not in units and "第二分局" in units
    bureau = next(r for r in sop if r["範圍"] == "全局" and r["年度"] == "107")
    assert (bureau["分子"], bureau["分母"]) == ("69", "72")  # 83 / 87 without 第一分局's 14 / 15
    # Why 第一分局 has no row, as build warns of it: the NPA reading the table should not have to guess.
    assert f"{results}:" in capsys.readouterr().err


def test_an_id_two_bureaus_define_differently_is_told_by_its_definition(tmp_path):
    """Each bureau writes its own indicators.yaml: one id may measure different things. The
    figures alone, keyed by 機關, 計畫年度 and 指標代號, did not say what either measures."""
    same, other = _bureau(tmp_path / "same"), _bureau(tmp_path / "other", OTHER)
    path = other / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("民眾申辦案件於處理時限內完成之件數", "民眾申辦案件於 3 日內完成之件數", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["export", str(same), str(other), "-o", str(out)]) == 0
    header, rows = _rows(out / "indicator_definitions.csv")
    defined = {(r[0], r[header.index("指標代號")]): dict(zip(header, r, strict=True)) for r in rows}
    mine, theirs = defined[("基隆市警察局", "on_time_rate")], defined[(OTHER, "on_time_rate")]
    assert mine["定義"].startswith("民眾申辦案件於處理時限內完成之件數 ÷")
    assert theirs["定義"].startswith("民眾申辦案件於 3 日內完成之件數 ÷")
    assert (mine["計算方式"], mine["分子"], mine["分母"]) == ("比率", "處理時限內完成件數", "申辦案件總件數")
    assert defined[("基隆市警察局", "professional_test_score")]["權數"] == "受測人數"
    assert defined[("基隆市警察局", "online_growth")]["計算方式"] == "成長率"
    _header, values = _rows(out / "indicator_values.csv")
    assert {(r[0], r[2]) for r in values} == set(defined)  # every figure's id is defined, and no more


def test_tables_an_earlier_export_left_are_noted_not_deleted(tmp_path, capsys):
    """Subplans exported earlier, then removed: their table would be published beside tables it no longer matches."""
    data = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "out"
    assert main(["export", str(data), "-o", str(out), "--format", "csv"]) == 0
    assert "本次沒有產生" not in capsys.readouterr().err
    shutil.rmtree(data / "subplans")
    assert main(["export", str(data), "-o", str(out), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert f"注意：{out} 中有 1 個本次沒有產生的資料檔（subplan_practices.csv），是先前輸出的舊資料" in err
    assert (out / "subplan_practices.csv").is_file()


def test_tables_of_another_format_an_earlier_export_left_are_noted(tmp_path, capsys):
    """An export with --include-names, then a CSV-only one without: roster.json, names and all,
    stayed beside the nameless roster.csv without a word."""
    out = tmp_path / "out"
    assert main(["export", str(SAMPLE), "-o", str(out), "--include-names"]) == 0
    capsys.readouterr()
    assert main(["export", str(SAMPLE), "-o", str(out), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert f"注意：{out} 中有 7 個本次沒有產生的資料檔（" in err and "roster.json" in err


def test_every_table_is_one_export_knows_by_name(plan, report):
    """What left_over looks for: a table missing from TABLE_NAMES would never be noted as left over."""
    from sqdocs.load import load_subplans
    from sqdocs.opendata import TABLE_NAMES, Bureau, open_data_tables

    subplans = {unit: found.subplan for unit, found in load_subplans(SAMPLE, plan).items()}
    tables = open_data_tables([Bureau(plan, subplans, report)])
    assert sorted(t.name for t in tables) == sorted(TABLE_NAMES)


@pytest.mark.parametrize("given", [".", "..", "out/"])
def test_the_export_of_the_good_bureaus_alone_goes_beside_an_output_named_dot_or_dot_dot(tmp_path, monkeypatch, capsys, given):
    """With -o . the suggested export of the good bureaus was an internal error (「PosixPath('.') has
    an empty name」) instead of the bad bureau's errors; with -o .. it went into a folder 「..-部分」."""
    bureaus = tmp_path / "work" / "out" / "bureaus"
    _bureau(bureaus / "a", "甲市警察局")
    bad_plan = _bureau(bureaus / "b", "乙市警察局") / "plan.yaml"
    bad_plan.write_text(bad_plan.read_text(encoding="utf-8").replace("year: 107\n", "year: 一O七\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work" / "out")
    assert main(["export", "bureaus", "-o", given]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "1 個資料夾有錯誤：bureaus/b；未輸出任何檔案，請修正後再執行。"
    beside = {".": tmp_path / "work" / "out-部分", "..": tmp_path / "work-部分", "out/": Path("out-部分")}[given]
    assert err[-2] == f"其餘 1 個資料夾無誤；若要先輸出不含上列有錯誤資料夾的資料，可另外執行 sqdocs export bureaus/a -o {beside}"
