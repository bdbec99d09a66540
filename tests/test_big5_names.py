"""File names left in Big5 bytes by a zip made on Windows and unzipped on Linux or macOS.

Python holds such a name with lone surrogates; messages quoting it showed 「\\udcb2Ĥ@…」 and told
the clerk to rename 第一分局.yaml to 第一分局.yaml, rollover ended in 「內部錯誤」, and the
commands that write a unit's file made a second one beside it. They now give the Big5 reading,
a command that can be typed, and refuse to make the second file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE, fill_markers

from sqdocs.cli import main
from sqdocs.forms.results import results_path
from sqdocs.fsutil import legacy_reading, not_utf8_name, readable_name
from sqdocs.load import LoadError, load_plan, load_subplans, subplan_path
from sqdocs.load.results import load_results
from sqdocs.text.names import shell_word

CONVMV = "convmv -f cp950 -t utf-8 -r --notest"


def big5(path: Path) -> Path:
    """``path`` with its last name written in Big5 bytes, as a Windows zip unpacks."""
    return Path(os.fsdecode(os.fsencode(path.parent) + b"/" + path.name.encode("cp950")))


def rename_to_big5(path: Path) -> Path:
    target = big5(path)
    try:
        path.rename(target)
    except OSError:  # a file system that only takes UTF-8 names (macOS): nothing to test there
        pytest.skip("this file system refuses names that are not UTF-8")
    return target


def subplans_in(folder: Path) -> list[bytes]:
    return sorted(os.listdir(os.fsencode(folder / "subplans")))


def test_the_big5_reading_of_a_name_and_none_for_utf8_or_unreadable_bytes():
    assert legacy_reading(os.fsdecode("第一分局.yaml".encode("cp950"))) == "第一分局.yaml"
    assert legacy_reading("第一分局.yaml") is None
    assert legacy_reading(os.fsdecode(b"\xff\xfe.yaml")) is None  # neither UTF-8 nor Big5
    assert not_utf8_name("第一分局.yaml", Path("data")) is None
    assert readable_name(os.fsdecode("基隆107".encode("cp950"))) == "基隆107"
    assert readable_name(os.fsdecode(b"\xff.yaml")) == "\ufffd.yaml"  # written to a UTF-8 file


def test_a_name_that_is_not_big5_either_is_not_given_to_convmv():
    """convmv -f cp950 would turn it into 「�.yaml」 for good: the clerk is told to rename it."""
    message = not_utf8_name(os.fsdecode(b"\xff\xfe.yaml"), Path("data"))
    assert message is not None and "convmv" not in message and "以 Big5 讀是" not in message
    assert "請依檔案內容把它改名" in message


def test_a_name_in_big5_is_typed_in_bash_s_quoting():
    folder = os.fsdecode("基隆 107".encode("cp950"))
    typed = shell_word(folder)
    assert typed == "$'\\260\\362\\266\\251 107'"
    shown = subprocess.run(["bash", "-c", f"printf %s {typed}"], capture_output=True, check=True).stdout
    assert shown == "基隆 107".encode("cp950")
    assert shell_word("a'b\\c" + os.fsdecode(b"\xff")) == "$'a\\'b\\\\c\\377'"


def test_a_subplan_named_in_big5_is_refused_with_its_reading_and_the_rename(data_copy: Path, capsys):
    rename_to_big5(data_copy / "subplans" / "第二分局.yaml")
    with pytest.raises(LoadError) as caught:
        load_subplans(data_copy, load_plan(data_copy))
    (problem,) = caught.value.diagnostics
    assert "檔名不是 UTF-8 編碼（以 Big5 讀是「第二分局.yaml」）" in problem.message
    assert f"{CONVMV} {data_copy} " in problem.message
    assert "檔名應為" not in problem.message  # not 「rename 第二分局.yaml to 第二分局.yaml」
    assert main(["validate", str(data_copy)]) == 2
    assert "以 Big5 讀是「第二分局.yaml」" in capsys.readouterr().err


def test_the_commands_that_write_a_unit_s_subplan_see_it_under_its_big5_name(data_copy: Path, capsys):
    """Not 「找不到 … 請先執行 init」, which would make a second 第一分局.yaml beside it."""
    rename_to_big5(data_copy / "subplans" / "第一分局.yaml")
    before = subplans_in(data_copy)
    for command in (["subplan", "update", str(data_copy), "--unit", "第一分局"],
                    ["subplan", "init", str(data_copy), "--unit", "第一分局"],
                    ["form", "subplan", str(data_copy), "--unit", "第一分局", "-o", str(data_copy.parent / "f.xlsx")]):
        capsys.readouterr()
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert "是此單位的細部執行計畫，但檔名不是 UTF-8 編碼（以 Big5 讀是「第一分局.yaml」）" in err, command
    assert subplans_in(data_copy) == before
    assert not (data_copy.parent / "f.xlsx").exists()

    capsys.readouterr()
    assert main(["subplan", "update", str(data_copy), "--all"]) == 2
    err = capsys.readouterr().err
    assert "以 Big5 讀是「第一分局.yaml」" in err and "檔名應為" not in err


def test_init_from_last_year_s_big5_subplans_says_they_are_there(data_copy: Path, capsys):
    """Not a blank plan 「由空白範本開始」 for every 分局 whose last year's file is in Big5."""
    assert main(["rollover", str(data_copy), "--to", "108"]) == 0
    target = data_copy.parent / "keelung-108"
    fill_markers(target)
    rename_to_big5(data_copy / "subplans" / "第三分局.yaml")
    capsys.readouterr()
    assert main(["subplan", "init", str(target), "--all", "--from", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "以 Big5 讀是「第三分局.yaml」" in err and "未建立任何細部執行計畫" in err
    assert not subplan_path(target, "第一分局").exists()


def test_results_named_in_big5_still_count_are_warned_and_are_the_form_s(data_copy: Path, tmp_path: Path, capsys):
    named = rename_to_big5(data_copy / "results" / "人事室.yaml")
    plan = load_plan(data_copy)
    results, warnings = load_results(data_copy, plan)
    assert "人事室" in results.submissions
    (warning,) = [w for w in warnings if "UTF-8" in w.message]
    assert warning.severity == "warning" and "以 Big5 讀是「人事室.yaml」" in warning.message
    assert "與填報單位" not in warning.message
    # The form shows what the report does, and its import goes back into the same file.
    assert results_path(data_copy, plan, "人事室") == named
    form = tmp_path / "人事室.xlsx"
    assert main(["form", "results", str(data_copy), "--unit", "人事室", "-o", str(form)]) == 0
    assert "已帶入" in capsys.readouterr().out
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    assert "與表單內容相同，未修改" in capsys.readouterr().out
    assert not (data_copy / "results" / "人事室.yaml").exists()


def test_evidence_named_in_big5_is_named_as_there_but_unreadable(data_copy: Path):
    rename_to_big5(data_copy / "results" / "evidence" / "公關科-史蹟館.png")
    _, warnings = load_results(data_copy, load_plan(data_copy))
    (warning,) = [w for w in warnings if "公關科-史蹟館.png" in w.message]
    assert warning.message.startswith("找不到檔案「evidence/公關科-史蹟館.png」")
    assert "資料夾中有此檔，但檔名不是 UTF-8 編碼（以 Big5 讀是「evidence/公關科-史蹟館.png」）" in warning.message
    assert f"{CONVMV} {data_copy} " in warning.message


def test_a_missing_photo_gets_no_big5_hint(data_copy: Path):
    (data_copy / "results" / "evidence" / "公關科-史蹟館.png").unlink()
    _, warnings = load_results(data_copy, load_plan(data_copy))
    (warning,) = [w for w in warnings if "公關科-史蹟館.png" in w.message]
    assert warning.message.endswith("）") and "UTF-8" not in warning.message


def test_a_data_folder_named_in_big5_is_itself_given_to_convmv(data_copy: Path):
    """Not its parent, where convmv -r would rename the clerk's other files too."""
    folder = rename_to_big5(data_copy.rename(data_copy.parent / "基隆107"))
    rename_to_big5(folder / "subplans" / "第一分局.yaml")
    with pytest.raises(LoadError) as caught:
        load_subplans(folder, load_plan(folder))
    (problem,) = caught.value.diagnostics
    assert f"{CONVMV} {shell_word(str(folder))} 把其中的檔名都改為 UTF-8（資料夾本身也會改名為「基隆107」）" in problem.message


@pytest.mark.skipif(shutil.which("convmv") is None, reason="convmv (Debian package convmv) is not installed")
def test_the_convmv_command_given_renames_the_folder_so_that_it_validates(data_copy: Path, capsys):
    folder = rename_to_big5(data_copy.rename(data_copy.parent / "基隆107"))
    for name in ("subplans/第一分局.yaml", "results/人事室.yaml", "results/evidence/公關科-史蹟館.png"):
        rename_to_big5(folder / name)
    (data_copy.parent / os.fsdecode(b"caf\xe9.txt")).write_text("")  # a Latin-1 name beside it: left alone
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    command = err[err.index("執行 convmv") + len("執行 "):err.index(" 把其中的檔名")]
    subprocess.run(["bash", "-c", command], cwd=data_copy.parent, capture_output=True, check=True)
    assert sorted(os.listdir(os.fsencode(data_copy.parent))) == [b"caf\xe9.txt", "基隆107".encode()]
    assert main(["validate", str(data_copy.parent / "基隆107")]) == 0
    assert "UTF-8" not in capsys.readouterr().err


def test_rollover_from_a_big5_named_folder_writes_its_readme(data_copy: Path, capsys):
    """It ended in 「內部錯誤：UnicodeEncodeError」: the README quoted the folder's name."""
    folder = rename_to_big5(data_copy.rename(data_copy.parent / "基隆107"))
    capsys.readouterr()
    assert main(["rollover", str(folder), "--to", "108"]) == 0
    (target,) = [p for p in folder.parent.iterdir() if p != folder]
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# 民國 108 年度資料（由 基隆107 轉入）")
    assert f"--from {shell_word(str(folder))}" in readme


def edit_form(form: Path, sheet: str, cell: str, text: str) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(form)
    workbook[sheet][cell] = text
    workbook.save(form)


def test_an_edited_results_form_is_imported_into_the_big5_named_file(data_copy: Path, tmp_path: Path, capsys):
    """The temporary file and the backup are named from its bytes (內部錯誤 before)."""
    named = rename_to_big5(data_copy / "results" / "人事室.yaml")
    form = tmp_path / "人事室.xlsx"
    assert main(["form", "results", str(data_copy), "--unit", "人事室", "-o", str(form)]) == 0
    edit_form(form, "執行成果", "G4", "改寫的執行成果")
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 0
    assert "改寫的執行成果" in named.read_text(encoding="utf-8")
    assert Path(f"{named}.bak.1").is_file()
    assert not (data_copy / "results" / "人事室.yaml").exists()
    assert sorted(p.name for p in (data_copy / "results").iterdir() if ".tmp" in p.name) == []


@pytest.mark.parametrize("misnamed", ["big5", "yml"])
def test_a_subplan_form_is_not_imported_beside_the_unit_s_misnamed_file(data_copy: Path, tmp_path: Path, capsys, misnamed):
    form = tmp_path / "第一分局.xlsx"
    assert main(["form", "subplan", str(data_copy), "--unit", "第一分局", "-o", str(form)]) == 0
    edit_form(form, "細部計畫", "F4", "改寫的具體作法")
    own = data_copy / "subplans" / "第一分局.yaml"
    if misnamed == "big5":
        rename_to_big5(own)
    else:
        own.rename(own.with_suffix(".yml"))
    before = subplans_in(data_copy)
    capsys.readouterr()
    assert main(["form", "import", str(form), str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "是此單位的細部執行計畫，但" in err
    assert subplans_in(data_copy) == before


def test_a_big5_copy_beside_the_utf8_file_is_not_sent_to_convmv(data_copy: Path):
    """convmv skips a name that is taken and still says it converted: validate would repeat it."""
    shutil.copy(data_copy / "subplans" / "第一分局.yaml", big5(data_copy / "subplans" / "第一分局.yaml"))
    with pytest.raises(LoadError) as caught:
        load_subplans(data_copy, load_plan(data_copy))
    (problem,) = caught.value.diagnostics
    assert "而同一資料夾已有 UTF-8 的 第一分局.yaml：兩份是同一個檔案的新舊版本" in problem.message
    assert "convmv" not in problem.message


class _WindowsName(zipfile.ZipInfo):
    """A member named as Windows' own zip writes it: in the code page, without the UTF-8 flag."""

    def _encodeFilenameFlags(self):  # noqa: N802 — zipfile's name
        return self.filename.encode("cp950"), self.flag_bits


def test_the_re_extraction_given_reads_a_windows_zip_s_names_as_big5(tmp_path: Path, capsys):
    """Debian's and macOS's unzip have no -O; the message names Python's own zipfile instead."""
    archive = tmp_path / "分局資料.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(SAMPLE.rglob("*")):
            if path.is_file():
                zipped.writestr(_WindowsName(path.relative_to(SAMPLE).as_posix()), path.read_bytes())
    unzipped = tmp_path / "unzipped"  # as Info-ZIP's unzip leaves it: the names' bytes as they were
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            name = os.fsdecode(info.orig_filename.encode("cp437"))  # zipfile read them as cp437
            target = Path(os.fsdecode(os.fsencode(unzipped) + b"/" + os.fsencode(name)))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                target.write_bytes(zipped.read(info))
            except OSError:
                pytest.skip("this file system refuses names that are not UTF-8")
    capsys.readouterr()
    assert main(["validate", str(unzipped)]) == 2
    err = capsys.readouterr().err
    assert "或以 python3 -m zipfile --metadata-encoding cp950 -e 原檔.zip 資料夾 重新解壓" in err
    again = tmp_path / "again"
    subprocess.run([sys.executable, "-m", "zipfile", "--metadata-encoding", "cp950", "-e", str(archive), str(again)],
                   check=True, capture_output=True)
    assert main(["validate", str(again)]) == 0
