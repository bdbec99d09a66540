"""Folders of bureaus as they are found: loose files beside the bureaus, bureaus a level too
deep, a bureau that cannot be read, the advice for building one bureau of a batch alone."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE

from sqdocs.cli import main

PLAN_DOCX = "基隆市警察局107年度提升服務品質執行計畫.docx"
ONLY_PLAN = ["--only", "plan", "--format", "docx", "-j", "1"]


def _bureaus(root: Path, *names: str) -> Path:
    for name in names:
        shutil.copytree(SAMPLE, root / name)
    return root


def test_loose_yaml_beside_the_bureaus_does_not_hide_a_misnamed_bureau(tmp_path, capsys):
    bureaus = _bureaus(tmp_path / "bureaus", "a", "b")
    (bureaus / "oldbureau").mkdir()
    (bureaus / "oldbureau" / "Plan.yml").write_text("year: 107\n")
    (bureaus / ".gitlab-ci.yml").write_text("build: {script: [x]}\n")  # a CI repository's own file
    (bureaus / "stray.yaml").write_text("x: 1\n")
    out = tmp_path / "out"
    assert main(["build", str(bureaus), "-o", str(out), *ONLY_PLAN]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        f"略過 {bureaus / 'oldbureau'}：沒有 plan.yaml，但有 Plan.yml；請改名為 plan.yaml",
        f"注意：{bureaus} 中的 stray.yaml 不在任何機關資料夾內，不會讀取",
    ]
    assert err[-1] == f"1 個資料夾有錯誤，未產生其文件：{bureaus / 'oldbureau'}。"
    assert sorted(p.name for p in out.iterdir()) == ["a", "b"]
    assert (out / "a" / PLAN_DOCX).is_file() and (out / "b" / PLAN_DOCX).is_file()

    assert main(["validate", str(bureaus)]) == 2
    out_text, err_text = capsys.readouterr()
    assert err_text.splitlines()[:2] == err[:2]
    assert f"✓ {bureaus / 'a'}：資料正確" in out_text and f"✓ {bureaus / 'b'}：資料正確" in out_text


def test_bureaus_a_level_too_deep_are_pointed_to(tmp_path, capsys):
    nest = tmp_path / "nest"
    _bureaus(nest / "north", "a")
    _bureaus(nest / "south", "b")
    out = tmp_path / "out"
    assert main(["build", str(nest), "-o", str(out), *ONLY_PLAN]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"略過 {nest}：其中沒有機關資料夾（含 plan.yaml 的資料夾），但其子資料夾 north、south 中有；"
        f"請改為指定這些資料夾：sqdocs build {nest / 'north'} {nest / 'south'}（或 {nest}/*），其餘參數不變"
    )
    assert not any("找不到檔案" in line for line in err)
    assert not out.exists()
    assert main(["build", str(nest / "north"), str(nest / "south"), "-o", str(out), *ONLY_PLAN]) == 0
    assert (out / "a" / PLAN_DOCX).is_file() and (out / "b" / PLAN_DOCX).is_file()

    capsys.readouterr()
    assert main(["validate", str(nest)]) == 2
    assert capsys.readouterr().err.splitlines()[0].endswith(
        f"請分別執行 sqdocs validate {nest / 'north'}；sqdocs validate {nest / 'south'}")
    assert main(["check", str(nest)]) == 2  # check, too, takes one folder of bureaus at a time
    assert capsys.readouterr().err.splitlines()[0].endswith(
        f"請分別執行 sqdocs check {nest / 'north'}；sqdocs check {nest / 'south'}")


def test_a_folder_that_is_not_there_has_no_line_and_column(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["build", "nope", "-o", "out"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == "nope: 找不到資料夾（應含 plan.yaml 等檔案）"


def _forbid(monkeypatch: pytest.MonkeyPatch, place: Path) -> None:
    """Make ``place`` (a folder and what is in it, or a file) unreadable as chmod 000 makes it
    for anyone but root, who runs these tests and whom chmod does not stop."""
    place_is_dir = place.is_dir()

    def forbid(real, *, listing: bool = False):
        def call(path, *args, **kwargs):
            absolute = Path(os.path.abspath(path))
            # Inside a folder nothing can be looked at; the folder itself can, but not listed.
            if place in absolute.parents or (absolute == place and (listing or not place_is_dir)):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(Path, "stat", forbid(Path.stat))
    monkeypatch.setattr(Path, "open", forbid(Path.open))
    monkeypatch.setattr(Path, "iterdir", forbid(Path.iterdir, listing=True))
    monkeypatch.setattr(os, "listdir", forbid(os.listdir, listing=True))


@pytest.mark.parametrize(("unreadable", "kinds", "message"), [
    ("b", "plan", "{b}: 沒有讀取權限；請確認資料夾權限"),
    ("b/subplans", "plan,subplans", "{b}/subplans: 沒有讀取權限；請確認資料夾權限"),
    ("b/annex2.yaml", "plan", "{b}/annex2.yaml:1:1: 沒有讀取權限；請確認檔案權限"),
    # glob took an unlistable results/ for an empty one: 「尚無單位填報年度成果」
    ("b/results", "plan,report", "{b}/results: 沒有讀取權限；請確認資料夾權限"),
])
def test_an_unreadable_bureau_is_its_input_error_and_the_others_are_built(
        tmp_path, capsys, monkeypatch, unreadable, kinds, message):
    bureaus = _bureaus(tmp_path / "bureaus", "a", "b", "c")
    _forbid(monkeypatch, bureaus / unreadable)
    out = tmp_path / "out"
    assert main(["build", str(bureaus), "-o", str(out), "--only", kinds, "--format", "docx", "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert message.format(b=bureaus / "b") in err.splitlines()
    assert "請用 -o" not in err and "錯誤：" not in err and "Permission" not in err
    assert err.endswith(f"1 個資料夾有錯誤，未產生其文件：{bureaus / 'b'}。\n")
    assert (out / "a" / PLAN_DOCX).is_file() and (out / "c" / PLAN_DOCX).is_file()
    assert not (out / "b").exists()

    capsys.readouterr()
    assert main(["validate", str(bureaus)]) == 2  # validate goes on to the next bureau too
    out_text, err_text = capsys.readouterr()
    assert message.format(b=bureaus / "b") in err_text.splitlines() and "Permission" not in err_text
    assert err_text.endswith(f"1 個資料夾有錯誤：{bureaus / 'b'}；其餘 2 個資料夾資料正確。\n")  # a cron mail's last line
    assert f"✓ {bureaus / 'a'}：資料正確" in out_text and f"✓ {bureaus / 'c'}：資料正確" in out_text


def test_documents_an_earlier_build_left_are_noted_and_kept(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    build = ["build", str(data_copy), "-o", str(out), "--format", "docx,odt", "-j", "1"]
    assert main(build) == 0
    assert "注意" not in capsys.readouterr().err
    (data_copy / "subplans" / "第四分局.yaml").unlink()
    (out / "其他機關107年度提升服務品質執行計畫.docx").write_bytes(b"")  # another bureau's: not this one's
    assert main(build) == 0
    old = "基隆市警察局第四分局107年度提升服務品質細部執行計畫"
    assert capsys.readouterr().err.splitlines()[-1] == (  # the last before the result (on stdout)
        f"注意：{out} 中有 2 個本次沒有產生的文件（{old}.docx、{old}.odt），可能是舊版；確認不需要請刪除")
    assert (out / f"{old}.docx").is_file() and (out / f"{old}.odt").is_file()  # never deleted
    # Kinds and formats not asked for are left as a partial build leaves them, unremarked.
    assert main([*build[:-4], "--only", "plan,report", "--format", "docx", "-j", "1"]) == 0
    assert "注意" not in capsys.readouterr().err


def test_another_year_s_documents_in_the_output_folder_are_not_called_old_versions(data_copy, tmp_path, capsys):
    # 使用手冊 5.3 builds 107's report into build/, where 108's documents already are (and the
    # reverse next year): neither is an old version of the other, to be deleted.
    out = tmp_path / "out"
    last_year = "基隆市警察局106年度提升服務品質績效報告.docx"
    out.mkdir()
    (out / last_year).write_bytes(b"")
    (out / "基隆市警察局第四分局106年度提升服務品質細部執行計畫.docx").write_bytes(b"")
    assert main(["build", str(data_copy), "-o", str(out), "--format", "docx", "-j", "1"]) == 0
    assert "注意" not in capsys.readouterr().err
    (out / "基隆市警察局提升服務品質績效報告.docx").write_bytes(b"")  # no year: may be this one's
    assert main(["build", str(data_copy), "-o", str(out), "--only", "report", "--format", "docx", "-j", "1"]) == 0
    assert f"注意：{out} 中有 1 個本次沒有產生的文件（基隆市警察局提升服務品質績效報告.docx）" in capsys.readouterr().err


def test_a_link_beside_its_bureau_is_built_once_under_the_bureau_s_name(tmp_path, capsys):
    bureaus = _bureaus(tmp_path / "bureaus", "keelung", "other")
    (bureaus / "alias").symlink_to("keelung")  # sorts first
    out = tmp_path / "out"
    assert main(["build", str(bureaus), "-o", str(out), *ONLY_PLAN]) == 0
    assert capsys.readouterr().err.count("] ✓") == 2
    assert sorted(p.name for p in out.iterdir()) == ["keelung", "other"]
    assert main(["build", str(bureaus / "alias"), str(bureaus / "keelung"), str(bureaus / "other"),
                 "-o", str(tmp_path / "out2"), *ONLY_PLAN]) == 0
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == ["keelung", "other"]


def test_a_bureau_a_level_deeper_beside_the_bureaus_is_named_not_passed_over(tmp_path, capsys):
    bureaus = _bureaus(tmp_path / "bureaus", "a", "b")
    _bureaus(bureaus / "north", "c")  # a region's bureaus, unpacked one level down
    (bureaus / "photos").mkdir()  # no bureau in it: not data, not named
    out = tmp_path / "out"
    assert main(["build", str(bureaus), "-o", str(out), *ONLY_PLAN]) == 2
    err = capsys.readouterr().err.splitlines()
    named = (f"略過 {bureaus / 'north'}：其中沒有 plan.yaml，但其子資料夾 c 是機關資料夾，比 {bureaus} 中的其他機關深一層，"
             f"不會讀取；請把它們移到 {bureaus} 下，或另外執行 sqdocs {{}} {bureaus / 'north'}"
             f"（要把此資料夾移出 {bureaus} 時，請改指定移到的新位置）")
    assert err[0] == named.format("build")
    assert err[-1] == f"1 個資料夾有錯誤，未產生其文件：{bureaus / 'north'}。"
    assert sorted(p.name for p in out.iterdir()) == ["a", "b"]

    assert main(["validate", str(bureaus)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == named.format("validate")


def test_the_last_line_of_a_batch_says_whose_documents_failed(tmp_path, capsys):
    """「2 份文件未能產生（其餘 … 份已完成）」 ended a nationwide build: which bureaus' they were sat
    far above it, among the other bureaus' lines."""
    bureaus = _bureaus(tmp_path / "bureaus", "a", "b")
    blank = bureaus / "b" / "subplans" / "第一分局.yaml"
    blank.unlink()
    assert main(["subplan", "init", str(bureaus / "b"), "--unit", "第一分局"]) == 0  # not filled in yet
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["build", str(bureaus), "-o", str(out), "--only", "subplans", "--format", "docx", "-j", "1"]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == f"1 份文件未能產生（其餘 7 份已產生於 {out}）：{bureaus / 'b'} 1 份。", last
    capsys.readouterr()
    assert main(["build", str(bureaus / "b"), "-o", str(out), "--only", "subplans", "--format", "docx", "-j", "1"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"1 份文件未能產生（其餘 3 份已產生於 {out}）。"  # one bureau: no whose
