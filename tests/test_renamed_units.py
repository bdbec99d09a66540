"""A unit renamed in units.yaml (第一分局 → 中正第一分局) while its subplan and results keep the old
name: every command that would start the unit's file afresh says to rename the old one instead.

Before, `subplan init` and `form` made a blank 中正第一分局.yaml beside the filled 第一分局.yaml, and
validate then advised deleting the one that held the unit's year of work.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import replace_once

from sqdocs.cli import main

OLD, NEW = "第一分局", "中正第一分局"


@pytest.fixture()
def renamed(data_copy: Path) -> Path:
    """The sample with 第一分局 renamed in units.yaml only: its files still carry the old name."""
    units = data_copy / "units.yaml"
    replace_once(units, f"  - name: {OLD}\n", f"  - name: {NEW}\n")
    replace_once(units, f"members: [{OLD}, ", f"members: [{NEW}, ")
    return data_copy


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refusal(folder: Path, kind: str, what: str) -> str:
    path = folder / kind / f"{OLD}.yaml"
    return (f"{path} 的單位「{OLD}」不在 units.yaml 中，可能是{NEW}改名前的{what}；若是，請把它改名為 {NEW}.yaml，"
            f"並把檔中的 unit 改為「{NEW}」、title 中的單位名稱一併改為新名稱，再執行一次；若不是，請刪除或移走 {OLD}.yaml")


@pytest.mark.parametrize("argv", [
    ["subplan", "init", "{folder}", "--unit", NEW],
    ["subplan", "init", "{folder}", "--all"],
    ["subplan", "update", "{folder}", "--unit", NEW],
    ["form", "subplan", "{folder}", "--unit", NEW, "-o", "{out}/f.xlsx"],
    ["form", "subplan", "{folder}", "--all", "-o", "{out}"],
])
def test_nothing_starts_the_renamed_units_subplan_afresh(renamed, tmp_path, capsys, argv):
    before = _snapshot(renamed)
    out = tmp_path / "forms"
    capsys.readouterr()
    assert main([word.format(folder=renamed, out=out) for word in argv]) == 2
    assert _refusal(renamed, "subplans", "細部執行計畫") in capsys.readouterr().err
    assert _snapshot(renamed) == before and not (out.exists() and any(out.iterdir()))


@pytest.mark.parametrize("who", [["--unit", NEW], ["--all"]])
def test_no_blank_results_form_is_handed_out_for_the_renamed_unit(renamed, tmp_path, capsys, who):
    out = tmp_path / "forms"
    out.mkdir()
    assert main(["form", "results", str(renamed), *who, "-o", str(out)]) == 2
    assert _refusal(renamed, "results", "年度成果") in capsys.readouterr().err
    assert not any(out.iterdir())


def test_with_a_blank_file_made_beside_it_validate_asks_to_compare_not_to_delete(renamed, capsys):
    """Once a blank 中正第一分局.yaml sat beside it, the old file was only 「請刪除或移走」."""
    shutil.copy(renamed / "subplans" / "第二分局.yaml", renamed / "subplans" / f"{NEW}.yaml")
    (renamed / "subplans" / f"{NEW}.yaml").write_text(
        (renamed / "subplans" / "第二分局.yaml").read_text(encoding="utf-8").replace("第二分局", NEW), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(renamed)]) == 2
    line = next(line for line in capsys.readouterr().err.splitlines() if f"subplans/{OLD}.yaml:" in line and "unit:" in line)
    assert (f"未知的單位「{OLD}」；units.yaml 沒有此單位。若單位已改名為「{NEW}」：同一資料夾已有 {NEW}.yaml（可能是改名後另外建立的），"
            f"請比對兩份，把要保留的內容留在 {NEW}.yaml（unit 與 title 用新名稱）後，再刪除 {OLD}.yaml") in line


def test_a_file_renamed_but_not_its_unit_is_told_the_new_name_not_a_neighbour(renamed, capsys):
    """subplans/中正第一分局.yaml still saying unit: 第一分局 was offered 「第二分局」「第三分局」「第四分局」."""
    (renamed / "subplans" / f"{OLD}.yaml").rename(renamed / "subplans" / f"{NEW}.yaml")
    (renamed / "results" / f"{OLD}.yaml").rename(renamed / "results" / f"{NEW}.yaml")
    capsys.readouterr()
    assert main(["validate", str(renamed)]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if f"{NEW}.yaml:" in line and " unit: " in line]
    assert len(lines) == 2
    assert all(f"未知的單位「{OLD}」，是不是「{NEW}」？" in line and "第二分局" not in line for line in lines)


def test_a_form_handed_out_before_the_rename_says_which_form_to_make(data_copy, tmp_path, capsys):
    form = tmp_path / f"{OLD}執行成果.xlsx"
    assert main(["form", "results", str(data_copy), "--unit", OLD, "-o", str(form)]) == 0
    wb = openpyxl.load_workbook(form)
    wb.save(form)
    units = data_copy / "units.yaml"
    replace_once(units, f"  - name: {OLD}\n", f"  - name: {NEW}\n")
    replace_once(units, f"members: [{OLD}, ", f"members: [{NEW}, ")
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 2
    assert (f"此表單是「{OLD}」的表單，但資料夾 {data_copy} 的 units.yaml 沒有「{OLD}」這個單位；若單位已改名為「{NEW}」，"
            f"請以 sqdocs form results {data_copy} --unit {NEW} 產生新表單，把此表單填寫的內容複製過去後匯入新表單") in (
        capsys.readouterr().err)


def test_once_renamed_as_advised_everything_builds_under_the_new_name(renamed, tmp_path, capsys):
    for kind in ("subplans", "results"):
        old = renamed / kind / f"{OLD}.yaml"
        old.write_text(old.read_text(encoding="utf-8").replace(f"unit: {OLD}", f"unit: {NEW}").replace(
            f"基隆市警察局{OLD}", f"基隆市警察局{NEW}"), encoding="utf-8")
        old.rename(renamed / kind / f"{NEW}.yaml")
    capsys.readouterr()
    assert main(["validate", str(renamed)]) == 0, capsys.readouterr().err
    assert main(["build", str(renamed), "-o", str(tmp_path / "out"), "--only", "subplans", "--format", "docx"]) == 0
    assert (tmp_path / "out" / f"基隆市警察局{NEW}107年度提升服務品質細部執行計畫.docx").is_file()


def test_validate_warns_that_annex3_names_the_unit_as_before(renamed, capsys):
    """附件 3 printed 「第一分局分局長」 after the rename without a word (the manual's §6.8 says to edit it)."""
    capsys.readouterr()
    main(["validate", str(renamed)])
    err = capsys.readouterr().err
    line = next(n for n, text in enumerate((renamed / "annex3.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if f"position: {OLD}分局長" in text)
    assert (f"annex3.yaml:{line}:15: members[25].position: 警告：現職「{OLD}分局長」的「{OLD}」不在 units.yaml 中；"
            f"若單位已改名為「{NEW}」，請一併修改（附件 3 照此印出）") in err
    assert err.count("現職") == 1  # 局長, 副局長, 刑警大隊長, 第二分局分局長 … are not taken for old names
    replace_once(renamed / "annex3.yaml", f"position: {OLD}分局長", f"position: {NEW}分局長")
    main(["validate", str(renamed)])
    assert "現職" not in capsys.readouterr().err


def test_a_unit_merely_alike_is_not_taken_for_a_new_name(data_copy, capsys):
    """保安大隊 and 保安隊 look alike, yet neither holds the other: a 現職 of a unit not in units.yaml
    (a unit's full name, one outside the bureau) is not called a registered one renamed."""
    replace_once(data_copy / "annex3.yaml", "position: 保安隊長", "position: 保安大隊大隊長")
    replace_once(data_copy / "annex3.yaml", "position: 交通隊長", "position: 交通警察隊隊長")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    assert "現職" not in capsys.readouterr().err


def _next_year_renamed(folder: Path) -> Path:
    """108 rolled over from ``folder``, its 【待填】 filled, and 第一分局 renamed in its units.yaml."""
    from conftest import fill_markers

    assert main(["rollover", str(folder), "--to", "108"]) == 0
    target = folder.parent / "keelung-108"
    fill_markers(target)
    units = target / "units.yaml"
    replace_once(units, f"  - name: {OLD}\n", f"  - name: {NEW}\n")
    replace_once(units, f"members: [{OLD}, ", f"members: [{NEW}, ")
    return target


def test_init_from_last_year_names_the_file_the_renamed_unit_had_then(data_copy, capsys):
    """init --from started 中正第一分局 blank and never named last year's 第一分局.yaml."""
    target = _next_year_renamed(data_copy)
    old = data_copy / "subplans" / f"{OLD}.yaml"
    hint = (f"{old} 的單位「{OLD}」不在本年度的 units.yaml 中，可能是{NEW}改名前的；若是，請把它複製為 "
            f"{target / 'subplans' / f'{NEW}.yaml'}")
    capsys.readouterr()
    assert main(["subplan", "init", str(target), "--unit", NEW, "--from", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"沒有{NEW}的細部執行計畫" in err and hint + "，並把其中的 unit 與 title 改為新名稱" in err
    assert main(["subplan", "init", str(target), "--all", "--from", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert f"  注意：{hint}（取代由空白範本建立的檔案），並把其中的 unit 與 title 改為新名稱，再執行 sqdocs check {target}" in out
    assert out.count("注意：") == 1  # the other 分局 kept their names and were carried as usual


def test_a_precinct_units_yaml_no_longer_has_is_warned_in_annex3(data_copy, capsys):
    """A 分局 merged away, or the sample's 第四分局 left in a new bureau's roster, still headed a
    printed row of 附件 3 without a word."""
    replace_once(data_copy / "annex3.yaml", "position: 第四分局分局長", "position: 第五分局分局長")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert "警告：現職「第五分局分局長」的「第五分局」不在 units.yaml 中；若該分局已裁併、改名，或這是範例資料留下的，請一併修改" in err
    assert err.count("現職") == 1


def test_a_title_s_own_words_are_not_taken_for_a_unit(plan):
    """分局長, 副分局長, 大隊長, 中心主任 and 分局偵查隊長 name no unit; 「中正第一分局分局長」, where
    units.yaml still says 第一分局, is cut after its unit, not after 「…分局分局」."""
    from sqdocs.load.checks import roster_warnings
    from sqdocs.load.yamlfile import parse_yaml

    def warned(position: str) -> list[str]:
        roster = plan.roster.model_copy(update={"members": [plan.roster.members[0].model_copy(update={"position": position})]})
        doc = parse_yaml(f"members:\n  - position: {position}\n".encode(), "annex3.yaml")
        return [d.message for d in roster_warnings(doc, roster, plan.units)]

    for title in ("分局長", "副分局長", "大隊長", "中心主任", "分局偵查隊長", "副局長", "督察長"):
        assert warned(title) == [], title
    [message] = warned("中正第一分局分局長")
    assert message.startswith("現職「中正第一分局分局長」的「中正第一分局」不在 units.yaml 中；若單位已改名為「第一分局」")
