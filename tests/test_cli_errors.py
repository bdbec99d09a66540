"""What the command line says when a file cannot be written, a value is wrong or the console
cannot show a character: Chinese, the path meant, a fitting exit code, never a traceback."""

from __future__ import annotations

import argparse
import errno
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE

from sqdocs.cli import main
from sqdocs.fsutil import os_error_text, write_atomic


def _disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_write_names_the_file_meant_not_the_temporary_file(tmp_path, monkeypatch):
    folder = tmp_path / "roster.json"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        write_atomic(folder, b"{}")
    assert info.value.filename == str(folder)
    assert os_error_text(info.value) == f"無法寫入或讀取 {folder}：這是一個資料夾，此處須為檔案；請移走或改名該資料夾"

    monkeypatch.setattr(os, "fsync", _disk_full)  # a write error names no file at all
    with pytest.raises(OSError) as info:
        write_atomic(tmp_path / "a.csv", b"x")
    assert info.value.filename == str(tmp_path / "a.csv")
    assert sorted(os.listdir(tmp_path)) == ["roster.json"]


@pytest.mark.parametrize("winerror", [32, 5])  # ERROR_SHARING_VIOLATION, ERROR_ACCESS_DENIED
def test_a_document_open_in_another_program_on_windows_is_told_so(tmp_path, monkeypatch, capsys, winerror):
    """Windows refuses to replace a file Word or Acrobat has open (PermissionError, errno EACCES):
    the message was 「沒有權限；…請管理者開放權限」, sending the clerk to an administrator."""
    out = tmp_path / "out"
    args = ["build", str(SAMPLE), "-o", str(out), "--only", "plan", "--format", "pdf", "-j", "1"]
    assert main(args) == 0
    pdf = next(out.glob("*.pdf"))
    pdf.write_bytes(b"last year's, open in Acrobat")

    def held_open(src, dst):  # noqa: ANN001, ANN202 — os.replace's
        exc = PermissionError(errno.EACCES, "Access is denied", os.fspath(src), None, os.fspath(dst))
        exc.winerror = winerror  # set by Windows itself; an attribute anywhere else
        raise exc

    monkeypatch.setattr(os, "replace", held_open)
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert (f"無法寫入或讀取 {pdf}：檔案可能正由其他程式開啟（如 Word、Excel 或 PDF 閱讀程式）；請關閉該檔案後再執行。"
            "若沒有開啟，則是沒有權限；") in err
    assert pdf.read_bytes() == b"last year's, open in Acrobat" and len(list(out.iterdir())) == 1  # no temporary file left


def test_a_full_disk_names_the_subplan_being_written(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    shutil.rmtree(folder / "subplans")
    monkeypatch.setattr(os, "fsync", _disk_full)
    assert main(["subplan", "init", str(folder), "--unit", "第一分局"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"錯誤：無法寫入 {folder / 'subplans' / '第一分局.yaml'}：磁碟空間不足；請清出空間後再執行"
    assert not (folder / "subplans").exists() or not os.listdir(folder / "subplans")


def _read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system", os.path.join(kwargs["dir"], ".tmp123"))


def _denied(*args, **kwargs):
    raise OSError(errno.EACCES, "Permission denied", os.path.join(kwargs["dir"], ".tmp123"))


def test_a_form_into_a_read_only_place_is_bad_input_with_the_advice_to_use_o(tmp_path, monkeypatch, capsys):
    import tempfile

    out = tmp_path / "ro" / "f.xlsx"
    monkeypatch.setattr(tempfile, "mkstemp", _read_only)
    for kind in ("subplan", "results"):
        assert main(["form", kind, str(SAMPLE), "--unit", "第一分局", "-o", str(out)]) == 2
        assert capsys.readouterr().err.strip() == f"錯誤：無法寫入 {out}：位於唯讀的檔案系統；請用 -o 指定其他位置"
    assert not out.exists()


def _edited_form(folder, tmp_path):
    """A subplan form of 第一分局, and the unit's YAML edited since (so --force writes a backup):
    its title changed, so the form's content differs from the file and must be written."""
    form = tmp_path / "f.xlsx"
    assert main(["form", "subplan", str(folder), "--unit", "第一分局", "-o", str(form)]) == 0
    yaml = folder / "subplans" / "第一分局.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    yaml.write_text(text.replace("\ntitle: ", "\ntitle: 修訂版", 1), encoding="utf-8")
    return form, yaml


def test_a_form_imported_into_a_data_folder_without_permission(data_copy, tmp_path, monkeypatch, capsys):
    import tempfile

    form, yaml = _edited_form(data_copy, tmp_path)
    before = sorted(os.listdir(yaml.parent))
    capsys.readouterr()
    monkeypatch.setattr(tempfile, "mkstemp", _denied)
    assert main(["form", "import", str(form), str(data_copy), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"錯誤：無法寫入 {yaml.parent}/第一分局.yaml.bak.1：沒有權限；請管理者開放此資料夾的寫入權限"), err
    assert "-o 指定" not in err and "Traceback" not in err
    assert sorted(os.listdir(yaml.parent)) == before


def test_an_import_that_fails_halfway_leaves_no_backup_behind(data_copy, tmp_path, monkeypatch, capsys):
    form, yaml = _edited_form(data_copy, tmp_path)
    edited = yaml.read_bytes()
    calls = []

    def full_on_the_second_file(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the backup is written; the YAML itself is not
            _disk_full(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_second_file)
    assert main(["form", "import", str(form), str(data_copy), "--force"]) == 2
    assert f"無法寫入 {yaml}：磁碟空間不足" in capsys.readouterr().err
    assert yaml.read_bytes() == edited and not yaml.with_name("第一分局.yaml.bak.1").exists()


def test_subplan_update_in_a_read_only_data_folder(data_copy, monkeypatch, capsys):
    import tempfile

    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    yaml = data_copy / "subplans" / "第一分局.yaml"
    # 第一分局's first point assigned to 第二分局 only: update would mark it removed
    first = text.index("units: [")
    annex1.write_text(text[:first] + "units: [第二分局]" + text[text.index("]", first) + 1:], encoding="utf-8")
    old = yaml.read_bytes()
    monkeypatch.setattr(tempfile, "mkstemp", _read_only)
    assert main(["subplan", "update", str(data_copy), "--unit", "第一分局"]) == 2
    err = capsys.readouterr().err
    assert "位於唯讀的檔案系統；請把資料夾複製到可寫入的位置後再對該處執行" in err and "-o 指定" not in err, err
    assert yaml.read_bytes() == old and sorted(os.listdir(yaml.parent)) == sorted(os.listdir(SAMPLE / "subplans"))


def test_an_untranslated_error_still_names_the_path():
    exc = OSError(errno.ELOOP, "Too many levels of symbolic links")
    assert os_error_text(exc, "out/a.pdf", "寫入") == "無法寫入 out/a.pdf：Too many levels of symbolic links"


def test_export_checks_every_target_before_writing_any(tmp_path, capsys):
    out = tmp_path / "e"
    (out / "roster.json").mkdir(parents=True)  # the 12th file of 12
    assert main(["export", str(SAMPLE), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"無法寫入 {out / 'roster.json'}：這是一個資料夾" in err and ".tmp" not in err
    assert os.listdir(out) == ["roster.json"]  # nothing else written


def test_export_to_a_read_only_place_writes_nothing(tmp_path, monkeypatch, capsys):
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", os.path.join(kwargs["dir"], ".tmp123"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    assert main(["export", str(SAMPLE), "-o", str(tmp_path / "e")]) == 2
    assert f"無法寫入 {tmp_path / 'e'}：位於唯讀的檔案系統" in capsys.readouterr().err


def test_export_and_schema_leave_unchanged_files_alone_and_refuse_read_only_ones(tmp_path, capsys):
    """As build does: an unchanged file keeps its date; a read-only one (a published
    version) is not replaced, and then no file of the set is written."""
    out = tmp_path / "e"
    assert main(["export", str(SAMPLE), "-o", str(out), "--format", "csv"]) == 0
    files = sorted(out.iterdir())
    for path in files:
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert main(["export", str(SAMPLE), "-o", str(out), "--format", "csv"]) == 0
    assert {p.stat().st_mtime for p in files} == {1_000_000_000}
    roster = out / "roster.csv"
    roster.chmod(0o444)
    capsys.readouterr()
    assert main(["export", str(SAMPLE), "-o", str(out), "--format", "csv", "--include-names"]) == 2
    assert f"無法寫入 {roster}：此檔案設為唯讀（可能是已定稿的版本），未覆寫" in capsys.readouterr().err
    assert "姓名" not in roster.read_text(encoding="utf-8-sig") and sorted(out.iterdir()) == files
    schema = tmp_path / "sqdocs.schema.json"
    assert main(["schema", "-o", str(schema)]) == 0
    os.utime(schema, (1_000_000_000, 1_000_000_000))
    assert main(["schema", "-o", str(schema)]) == 0
    assert schema.stat().st_mtime == 1_000_000_000


def test_export_onto_a_disk_that_fills_up_changes_no_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "e"
    assert main(["export", str(SAMPLE), "-o", str(out), "--format", "csv"]) == 0
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    calls = []

    def full_on_the_third_file(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            _disk_full(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_third_file)
    capsys.readouterr()
    assert main(["export", str(SAMPLE), "-o", str(out), "--include-names"]) == 2
    captured = capsys.readouterr()
    assert re.fullmatch(rf"錯誤：無法寫入 {re.escape(str(out))}/\S+：磁碟空間不足；請清出空間後再執行\n", captured.err)
    assert "✓" not in captured.out
    assert {name: (out / name).read_bytes() for name in os.listdir(out)} == before  # no JSON, no temporary file


def _build(out, *more) -> list[str]:
    return ["build", str(SAMPLE), "-o", str(out), "--only", "plan", "--format", "docx,pdf", *more]


def test_build_into_an_existing_file_stops_before_building(tmp_path, capsys):
    out = tmp_path / "afile"
    out.write_text("mine")
    assert main(_build(out)) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"錯誤：無法寫入 {out}：已有同名的檔案，不是資料夾；請用 -o 指定其他位置"
    assert out.read_text() == "mine"


@pytest.mark.parametrize("command", ["build", "export"])
def test_output_through_a_link_to_nowhere_names_the_link(tmp_path, capsys, command):
    """-o naming a symbolic link to a missing place, or a loop of links: 「已有同名的檔案，不是資料夾」
    sent the user looking for a file that is not there."""
    (tmp_path / "gone").symlink_to(tmp_path / "missing" / "x")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    for out, link in ((tmp_path / "gone", None), (tmp_path / "loop1", None), (tmp_path / "gone" / "sub", tmp_path / "gone")):
        args = _build(out) if command == "build" else ["export", str(SAMPLE), "-o", str(out)]
        assert main(args) == 2
        this = "這" if link is None else f"{link} "
        assert capsys.readouterr().err.strip() == (
            f"錯誤：無法寫入 {out}：{this}是符號連結（捷徑），指向的位置不存在或連結形成迴圈；"
            "請移走或改正此連結，或用 -o 指定其他位置"
        )
    assert not (tmp_path / "missing").exists()


def test_a_folder_where_a_document_goes_stops_the_build_before_it_starts(tmp_path, capsys):
    pdf = tmp_path / "基隆市警察局107年度提升服務品質執行計畫.pdf"
    pdf.mkdir()
    assert main(_build(tmp_path)) == 2
    assert f"無法寫入 {pdf}：這是一個資料夾" in capsys.readouterr().err
    assert os.listdir(tmp_path) == [pdf.name]  # the .docx was not built either


def test_build_without_permission_stops_before_building(tmp_path, monkeypatch, capsys):
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(kwargs["dir"], ".tmp123"))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    assert main(_build(tmp_path / "out" / "107")) == 2
    assert f"無法寫入 {tmp_path / 'out' / '107'}：沒有權限" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []  # the folders made to try are gone again


def test_a_refused_batch_leaves_no_empty_bureau_folder(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    for name in ("a", "b"):
        shutil.copytree(SAMPLE, bureaus / name)
    out = tmp_path / "out"
    out.mkdir()
    (out / "b").write_text("mine")  # where bureau b's documents would go
    assert main(["build", str(bureaus), "-o", str(out), "--only", "plan", "--format", "docx"]) == 2
    assert f"無法寫入 {out / 'b'}：已有同名的檔案" in capsys.readouterr().err
    assert os.listdir(out) == ["b"]  # no empty out/a


def test_schema_never_overwrites_a_data_file(tmp_path, capsys):
    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    before = sorted(p.name for p in folder.iterdir())
    plan = (folder / "plan.yaml").read_bytes()
    assert main(["schema", "-o", str(folder / "plan.yaml")]) == 2
    assert "須以 .json 結尾" in capsys.readouterr().err
    (folder / "notes.json").write_text('{"mine": true}')
    assert main(["schema", "-o", str(folder / "notes.json")]) == 2
    assert f"{folder / 'notes.json'} 已存在，且不是 sqdocs 產生的 schema" in capsys.readouterr().err
    assert (folder / "plan.yaml").read_bytes() == plan
    assert sorted(p.name for p in folder.iterdir()) == sorted([*before, "notes.json"])  # nothing scattered


def test_schema_into_a_folder_not_yet_made_makes_it(tmp_path, capsys):
    """「-o schemas/」 (the shell's slash is gone by then) was refused with 「須以 .json 結尾…，或指定
    一個資料夾」: what was typed. A name without a suffix that does not exist is a folder to make."""
    assert main(["schema", "-o", str(tmp_path / "schemas") + "/"]) == 0
    assert capsys.readouterr().out.startswith(f"✓ {tmp_path / 'schemas' / 'sqdocs.schema.json'}\n")
    assert (tmp_path / "schemas" / "plan.schema.json").is_file()


def test_schema_onto_a_disk_that_fills_up_writes_none_of_its_files(tmp_path, monkeypatch, capsys):
    calls = []

    def full_on_the_second_file(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            _disk_full(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_second_file)
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 2
    assert "磁碟空間不足" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_schema_into_a_folder_and_again_over_its_own_files(tmp_path, capsys):
    assert main(["schema", "-o", str(tmp_path)]) == 0
    assert main(["schema", "-o", str(tmp_path)]) == 0  # its own schemas are replaced
    assert (tmp_path / "sqdocs.schema.json").is_file() and len(list(tmp_path.iterdir())) == 9
    (tmp_path / "plan.schema.json").write_text("{}")  # not one sqdocs wrote
    assert main(["schema", "-o", str(tmp_path / "sqdocs.schema.json")]) == 2
    assert "plan.schema.json 已存在" in capsys.readouterr().err


@pytest.mark.parametrize("size", [(10000, 10000), (20000, 10000)])  # over PIL's limit (its warning), over twice it (its error)
def test_a_photo_of_too_many_pixels_stops_the_build_at_its_evidence_entry(tmp_path, capsys, size):
    from PIL import Image

    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    photo = folder / "results" / "evidence" / "公關科-史蹟館.png"
    Image.new("1", size).save(photo, optimize=True)  # a few kB on disk
    args = ["build", str(folder), "-o", str(tmp_path / "out"), "--only", "report", "--format", "docx,pdf,odt", "-j", "1"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert re.search(r"公關科\.yaml:\d+:\d+: results\[\d+\]\.evidence\[\d+\]\.file: 照片「evidence/公關科-史蹟館\.png」太大", err), err
    assert "DecompressionBomb" not in err and "內部錯誤" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("size", [(10000, 10000), (20000, 10000)])
def test_the_writers_leave_out_a_photo_of_too_many_pixels_with_a_warning(tmp_path, size):
    """Should one get past the loader (changed after loading), the writers still do not fail."""
    from PIL import Image

    from sqdocs.writers.photos import load_photo

    photo = tmp_path / "huge.png"
    Image.new("1", size).save(photo, optimize=True)
    with pytest.warns(UserWarning, match="相片像素過多") as caught:
        assert load_photo(photo, 60.0) is None
    assert not [w for w in caught if "DecompressionBomb" in str(w.message)]


@pytest.mark.parametrize(
    "args",
    [["validate", "{data}"], ["check", "{data}"], ["export", "{data}", "-o", "{tmp}/e"], ["schema", "-o", "{tmp}"],
     ["subplan", "update", "{data}", "--unit", "第一分局"]],
)
def test_output_in_an_encoding_without_the_characters_printed(tmp_path, args):
    import subprocess
    import sys

    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    argv = [a.format(data=folder, tmp=tmp_path) for a in args]
    env = {**os.environ, "PYTHONIOENCODING": "cp950"}  # a redirect on a Traditional Chinese Windows
    done = subprocess.run([sys.executable, "-m", "sqdocs.cli", *argv], env=env, capture_output=True, check=False)
    err = done.stderr.decode("cp950")
    assert done.returncode == 0, err
    assert "\\u2713" in done.stdout.decode("cp950")  # ✓, which cp950 lacks, as an escape


def test_a_note_on_stderr_follows_the_line_it_is_about_in_one_log(data_copy):
    """`subplan update --all > log.txt 2>&1`: stdout went out in a block at the end, so the note
    about 第一分局's edited reference comments came first, far from 第一分局's line."""
    import subprocess
    import sys

    subplan = data_copy / "subplans" / "第一分局.yaml"
    practice = "    #   2. 各單位於相關網站主動公開有關民眾申辦案件之標準作業程序資訊及承辦業務種類資訊，並適時更新。\n"
    text = subplan.read_text(encoding="utf-8")
    assert text.count(practice) == 1
    subplan.write_text(text.replace(practice, practice + "    #   （分局註：行政組每月檢查）\n"), encoding="utf-8")
    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace("並適時檢討修正。", "並每半年檢討修正。", 1), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as a user runs it
    done = subprocess.run([sys.executable, "-m", "sqdocs.cli", "subplan", "update", str(data_copy), "--all"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False)
    lines = done.stdout.decode("utf-8").splitlines()
    assert done.returncode == 0, lines
    first = lines.index(f"✓ {subplan} 已與本局計畫一致，未修改。")
    assert lines[first + 1].startswith("注意：1 個評核重點的本局參考說明（「#」開頭的註解）經過編輯，未自動更新："), lines


@pytest.mark.parametrize("args", [["check", "{data}"], ["validate", "{data}"]])
def test_a_reader_that_stops_reading_ends_the_command_quietly(args):
    """`sqdocs check … | head`: the pipe closed under the command said 「錯誤：無法寫入或讀取 ：Broken
    pipe」 and exited 2, as if the data were wrong. It ends as SIGPIPE ends a command, saying nothing."""
    import subprocess
    import sys

    argv = [a.format(data=SAMPLE) for a in args]
    with subprocess.Popen([sys.executable, "-m", "sqdocs.cli", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        proc.stdout.close()  # before the command writes: like `| head -0`
        err = proc.stderr.read().decode()
        assert proc.wait() == 128 + 13, err
    assert err == ""


@pytest.mark.parametrize(
    ("head", "what"),
    [(b"hello, not a font", "不是 TrueType 字型檔"), (b"wOF2" + bytes(60), "為網頁字型（WOFF2）"),
     (b"OTTO" + bytes(60), "為 CFF（PostScript 外框）的 OpenType 字型"), (b"\x00\x01\x00\x00" + bytes(60), "字型檔損毀或不完整")],
    ids=["text", "woff2", "cff", "cut-short"],
)
def test_a_font_that_cannot_be_used_is_one_message_before_building(tmp_path, capsys, head, what):
    font = tmp_path / "font.ttf"
    font.write_bytes(head)
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "-o", str(out), "--only", "plan,report", "--format", "docx", "--font", str(font)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"錯誤：{font}：{what}") and err.count("\n") == 1, err
    assert not out.exists()



def test_a_font_without_chinese_is_refused(tmp_path, capsys):
    """DejaVu Sans is a real TrueType font, but every character would come from a fallback."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "-o", str(out), "--only", "plan", "--format", "pdf", "--font", str(dejavu)]) == 2
    assert capsys.readouterr().err.startswith(f"錯誤：{dejavu}：此字型沒有中文字")
    assert not out.exists()

def test_a_missing_font_named_by_the_environment_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SQDOCS_FONT", "/nope.ttf")
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("錯誤：環境變數 SQDOCS_FONT 所指的字型：/nope.ttf：找不到字型檔")
    # The variable comes first: installing a Kai font, which is there already, would change nothing.
    assert "apt-get install" not in err and "或取消環境變數 SQDOCS_FONT（unset SQDOCS_FONT），改用已安裝的楷書字型" in err
    assert not (tmp_path / "out").exists()


def test_a_font_given_that_is_no_font_is_not_told_to_install_one(tmp_path, capsys):
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan", "--font", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"錯誤：{bad}：不是 TrueType 字型檔。") and "apt-get install" not in err
    assert "或不加 --font，改用已安裝的楷書字型" in err


@pytest.mark.parametrize("by", ["--font", "SQDOCS_FONT"])
def test_a_fonts_folder_given_for_the_font_is_told_to_name_the_file(tmp_path, monkeypatch, capsys, by):
    """「--font C:\\Windows\\Fonts」 was 「找不到字型檔；請確認路徑」: the path was right, the folder is no file."""
    fonts = tmp_path / "Fonts"
    fonts.mkdir()
    argv = ["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "pdf"]
    if by == "--font":
        argv += ["--font", str(fonts)]
    else:
        monkeypatch.setenv("SQDOCS_FONT", str(fonts))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{fonts}：這是資料夾，不是字型檔；" in err and str(fonts / "kaiu.ttf") in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("by", ["--font", "SQDOCS_FONT"])
def test_a_device_given_for_the_font_is_told_for_what_it_is(tmp_path, monkeypatch, capsys, by):
    """「--font /dev/zero」 was 「找不到字型檔」, though it is there: it is no font file."""
    argv = ["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "pdf"]
    if by == "--font":
        argv += ["--font", "/dev/zero"]
    else:
        monkeypatch.setenv("SQDOCS_FONT", "/dev/zero")
    assert main(argv) == 2
    assert "/dev/zero：不是一般檔案（是裝置、具名管線或通訊端），讀不出資料" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "sqdocs：錯誤：缺少要執行的指令（validate、build、check …；完整清單請看 sqdocs -h）"),
        (["form"], "sqdocs form：錯誤：缺少要執行的動作：subplan、results、import，擇一（各動作的說明請看 sqdocs form -h）"),
        (["subplan"], "sqdocs subplan：錯誤：缺少要執行的動作：init、update，擇一（各動作的說明請看 sqdocs subplan -h）"),
        (["bogus"], "sqdocs：錯誤：沒有「bogus」這個指令；可用：validate、build、"),
        (["biuld", "x"], "sqdocs：錯誤：沒有「biuld」這個指令；是否要用 build？可用：validate、build、"),
        (["help"], "sqdocs：錯誤：要看說明請執行 sqdocs -h（可用的指令：validate、build、"),
        (["subplan", "int", "x"], "sqdocs subplan：錯誤：沒有「int」這個動作；是否要用 init？可用：init、update（說明請看 sqdocs subplan -h）"),
        (["-o", "out", "build", "x"], "sqdocs：錯誤：選項須寫在指令之後：「-o out」請移到 build 的後面，如 sqdocs build x -o out"),
        (["--check-reproducible", "build", "x"],
         "sqdocs：錯誤：選項須寫在指令之後：「--check-reproducible」請移到 build 的後面，如 sqdocs build x --check-reproducible"),
        (["subplan", "--unit", "第一分局", "init", "x"],
         "sqdocs subplan：錯誤：選項須寫在指令之後：「--unit 第一分局」請移到 init 的後面，如 sqdocs subplan init x --unit 第一分局"),
        (["build", "x", "--only", "plan,subplan"],
         "sqdocs build：錯誤：參數 --only：「plan,subplan」不是可用的值；是否要用 plan,subplans？可用：plan、subplans、report"),
        (["validate", "x", "y"],
         "sqdocs validate：錯誤：無法辨識的參數：y；sqdocs validate 一次處理一個資料夾，多個請分開執行，"
         "或把各機關的資料夾放在同一個資料夾中，再指定該資料夾"),
        (["build"], "sqdocs build：錯誤：缺少必要的參數：DATA_DIR"),
        (["build", "x", "-j", "abc"], "sqdocs build：錯誤：參數 -j/--jobs 須為整數，「abc」不是整數"),
        (["build", "x", "-o"], "sqdocs build：錯誤：參數 -o/--output 後面須接一個值"),
        (["build", "x", "--bogus"], "sqdocs build：錯誤：無法辨識的參數：--bogus；可用的參數請看 sqdocs build -h"),
        (["subplan", "init", "x", "--unit", "U", "--form"],
         "sqdocs subplan init：錯誤：無法辨識的參數：--form；是否要用 --from？可用的參數請看 sqdocs subplan init -h"),
        (["build", "x", "--onyl", "plan"], "sqdocs build：錯誤：無法辨識的參數：--onyl plan；是否要用 --only？"),
        (["build", "x", "--format", "doc"], "sqdocs build：錯誤：參數 --format：「doc」不是可用的值"),
        (["subplan", "init", "x"], "sqdocs subplan init：錯誤：缺少必要的參數：--unit"),
    ],
)
def test_command_line_mistakes_are_explained_in_chinese(capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"用法：{message.split('：')[0]}") and message in err, err  # the command's own usage
    assert "usage:" not in err and "error:" not in err


def test_a_folder_typed_without_a_command_is_told_to_put_one_before_it(capsys, tmp_path, monkeypatch):
    """「sqdocs k107」 was 「參數 COMMAND 沒有「k107」這個選項」."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k107").mkdir()
    with pytest.raises(SystemExit) as info:
        main(["k107"])
    assert info.value.code == 2
    assert "sqdocs：錯誤：「k107」是資料夾；請在它前面寫上要執行的指令，如 sqdocs validate k107（可用：validate、build、" in (
        capsys.readouterr().err)


def test_every_help_page_ends_with_examples_that_parse():
    """A first-time user copies the example of 「sqdocs build -h」; each one is a command line
    the parser takes (what it then does is the commands' own tests')."""
    import shlex

    from sqdocs.cli.arguments import make_parser

    def pages(parser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from pages(child)

    seen = 0
    for page in pages(make_parser()):
        if page._commands():  # a page that only lists its commands (subplan, form) gives none
            continue
        assert page.epilog and page.epilog.startswith("例：\n"), page.prog
        for line in page.epilog.split("\n\n")[0].splitlines()[1:]:
            words = shlex.split(line)
            assert words[0] == "sqdocs" and " ".join(words[1:]).startswith(page.prog.removeprefix("sqdocs "))
            make_parser().parse_args(words[1:])
            seen += 1
    assert seen >= 12


def test_help_still_works(capsys):
    with pytest.raises(SystemExit) as info:
        main(["build", "-h"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：sqdocs build") and "-h, --help            顯示此說明後結束" in out and "--font FILE" in out
    assert "\n位置參數：\n" in out and "\n選項：\n" in out and ":\n" not in out  # full-width, as in Chinese text



@pytest.mark.parametrize(("argv", "says", "not_says"), [
    # each form's -o names its own default file, as commands.md gives it
    (["form", "results", "-h"], "如秘書科執行成果.xlsx", "細部計畫.xlsx"),
    (["form", "subplan", "-h"], "如第一分局細部計畫.xlsx", "執行成果.xlsx"),
    (["form", "import", "-h"], '檔名樣式（如"表單/*執行成果.xlsx"）', None),  # cmd.exe passes it on as typed
    (["build", "-h"], "預設為環境變數SQDOCS_FONT", None),
])
def test_help_says_what_commands_md_says(capsys, argv, says, not_says):
    with pytest.raises(SystemExit):
        main(argv)
    out = "".join(capsys.readouterr().out.split())  # as argparse wraps it at any width
    assert says in out and (not_says is None or not_says not in out), out


def test_every_argument_of_every_command_is_explained_in_help():
    """A clerk reads -h, not the README: no bare DATA_DIR or -o OUT without a word of Chinese."""
    import argparse

    from sqdocs.cli.arguments import make_parser

    def parsers(parser, name="sqdocs"):
        yield name, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    yield from parsers(child, f"{name} {sub}")

    bare = [
        f"{name} {action.metavar or action.dest}"
        for name, parser in parsers(make_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert bare == []


def test_only_is_shown_as_a_comma_list_as_it_is_read(capsys):
    with pytest.raises(SystemExit):
        main(["build", "-h"])
    out = capsys.readouterr().out
    assert "[--only plan,subplans,report]" in out and "plan|subplans|report" not in out

def test_formats_and_documents_in_any_case(tmp_path):
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "PLAN", "--format", "DOCX,Odt"]) == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".odt"]


def test_only_and_format_given_twice_take_both(tmp_path):
    """argparse kept the last --only alone: 「--only plan --only subplans」 built the subplans only."""
    args = ["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx", "--only", "subplans"]
    assert main([*args, "--format", "odt,docx", "--only", "PLAN"]) == 0
    names = [p.name for p in tmp_path.iterdir()]
    assert sorted({p.rsplit(".", 1)[1] for p in names}) == ["docx", "odt"]
    assert sum("細部執行計畫" in n for n in names) == 8 and sum("局107年度提升服務品質執行計畫" in n for n in names) == 2


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_reports_subplan_and_results_errors_in_one_run(data_copy, capsys):
    _edit(data_copy / "subplans" / "第一分局.yaml", "deadline: 107 年 3 月 31 日", "deadline: 107 年 2 月 30 日")
    _edit(data_copy / "results" / "秘書科.yaml", "complaint_satisfaction: {value: 82.5,", "complaint_satisfaction: {value: 192.8,")
    assert main(["validate", str(data_copy)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == [
        f"{data_copy}/results/秘書科.yaml", f"{data_copy}/subplans/第一分局.yaml"]
    assert "百分比 192.8 超過 100" in lines[0] and "不是存在的日期" in lines[1]
    assert lines[2:] == ["共 2 個錯誤，請修正後再執行。"]


def test_validate_with_plan_errors_says_when_subplans_and_results_are_checked(data_copy, capsys):
    _edit(data_copy / "plan.yaml", "year: 107", "year: abc")
    _edit(data_copy / "subplans" / "第一分局.yaml", "deadline: 107 年 3 月 31 日", "deadline: 107 年 2 月 30 日")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{data_copy}/plan.yaml:") and len(err) == 3
    assert err[1:] == ["共 1 個錯誤，請修正後再執行。",
                       "細部執行計畫、年度成果、量化指標定義（indicators.yaml）要依本局計畫核對，待上列錯誤修正後才會檢查。"]
    # A folder rollover just made: no subplan or results to speak of yet.
    shutil.rmtree(data_copy / "subplans")
    shutil.rmtree(data_copy / "results")
    assert main(["validate", str(data_copy)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "量化指標定義（indicators.yaml）要依本局計畫核對，待上列錯誤修正後才會檢查。"


def test_validate_prints_comment_warnings_before_the_summaries_and_counts_them(data_copy, monkeypatch):
    import io
    import sys

    _edit(data_copy / "plan.yaml", "title: 基隆市警察局 107 年度提升服務品質執行計畫\n",
          "title: 基隆市警察局 107 年度提升服務品質執行計畫 #草案\n")
    _edit(data_copy / "results" / "秘書科.yaml", "item: 服務一致及正確\n", "item: 服務一致及正確 #第一項\n")
    both = io.StringIO()  # stdout and stderr as a terminal shows them, in one stream
    monkeypatch.setattr(sys, "stdout", both)
    monkeypatch.setattr(sys, "stderr", both)
    assert main(["validate", str(data_copy)]) == 0
    lines = both.getvalue().splitlines()
    assert "「#草案」被當成註解" in lines[0] and "「#第一項」被當成註解" in lines[1]
    assert lines[2].startswith(f"✓ {data_copy}：資料正確") and lines[2].endswith("位考核小組成員、1 個警告）")
    assert "、1 個警告；" not in lines[3]  # none in the subplans
    assert lines[4].startswith("✓ 年度成果：") and lines[4].endswith("、1 個警告")


def test_validate_names_the_sub_bureaus_without_a_subplan(data_copy, capsys):
    (data_copy / "subplans" / "第二分局.yaml").unlink()
    assert main(["validate", str(data_copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("✓ 細部執行計畫：3 個單位") and out[2] == "  尚未建立細部執行計畫：第二分局"
    # None at all yet (a new year's folder): still said, with how a 分局 starts one.
    shutil.rmtree(data_copy / "subplans")
    assert main(["validate", str(data_copy)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        f"  尚無細部執行計畫；應訂定的單位：第一分局、第二分局、第三分局、第四分局"
        f"（以 sqdocs subplan init {data_copy} --all 或 sqdocs form subplan {data_copy} --all 開始）")


def test_validate_names_the_subplans_build_would_refuse(data_copy, capsys, tmp_path):
    """Valid files that build refuses (a point renamed away, practices not yet typed): validate said
    only 「✓」, and build then failed them."""
    first = data_copy / "subplans" / "第一分局.yaml"
    first.write_text(first.read_text(encoding="utf-8").replace("    point: 服務及時性", '    point: "14"', 1),
                     encoding="utf-8")
    third = data_copy / "subplans" / "第三分局.yaml"
    text = third.read_text(encoding="utf-8")
    start = text.index("practices:\n")
    end = text.index("\n    ", text.index("\n", start) + 1)  # the entry's next key, after its practices
    while text[end + 5:end + 7] == "  ":
        end = text.index("\n    ", end + 1)
    third.write_text(text[:start] + "practices: []" + text[end:], encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == f"  尚未完整，sqdocs build 無法產生其細部執行計畫：第一分局、第三分局（缺漏明細請用 sqdocs check {data_copy}）"
    assert main(["build", str(data_copy), "-o", str(tmp_path / "out"), "--only", "subplans", "--format", "docx"]) == 1
    assert "2 份文件未能產生" in capsys.readouterr().err
    shutil.copy(SAMPLE / "subplans" / "第一分局.yaml", first)
    shutil.copy(SAMPLE / "subplans" / "第三分局.yaml", third)
    assert main(["validate", str(data_copy)]) == 0
    assert "尚未完整" not in capsys.readouterr().out


def test_validate_checks_each_bureau_of_a_folder_of_bureaus(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    shutil.copytree(SAMPLE, bureaus / "a-107")
    shutil.copytree(SAMPLE, bureaus / "b-107")
    _edit(bureaus / "b-107" / "subplans" / "第一分局.yaml", "deadline: 107 年 3 月 31 日", "deadline: 107 年 2 月 30 日")
    assert main(["validate", str(bureaus)]) == 2
    out, err = capsys.readouterr()
    assert [line for line in out.splitlines() if line.startswith("──")] == [
        f"── {bureaus / 'a-107'}", f"── {bureaus / 'b-107'}"]
    assert f"✓ {bureaus / 'a-107'}：資料正確" in out
    assert "找不到檔案" not in err and "不是存在的日期" in err

    shutil.rmtree(bureaus / "b-107")
    assert main(["validate", str(bureaus)]) == 0


def test_validate_of_a_folder_of_incomplete_bureaus_names_them(tmp_path, capsys):
    (tmp_path / "c").mkdir()
    shutil.copy(SAMPLE / "units.yaml", tmp_path / "c")
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"略過 {tmp_path / 'c'}：有 YAML 檔但沒有 plan.yaml") and "找不到檔案" not in err


def test_write_all_puts_every_file_back_when_one_cannot_be_moved_into_place(tmp_path, monkeypatch):
    """A file held open or locked (Excel on Windows) fails its move after others have moved."""
    import os as os_module

    from sqdocs.fsutil import write_all

    files = {tmp_path / name: f"old {name}".encode() for name in ("a.csv", "b.json", "c.json")}
    for path, data in files.items():
        path.write_bytes(data)
    real_replace = os_module.replace

    def replace(src, dst):  # c.json cannot be moved (or moved aside): it is held
        if os_module.fspath(tmp_path / "c.json") in (os_module.fspath(src), os_module.fspath(dst)):
            raise PermissionError(errno.EACCES, "Permission denied", os_module.fspath(src))
        real_replace(src, dst)

    monkeypatch.setattr(os_module, "replace", replace)
    with pytest.raises(OSError) as info:
        write_all({path: b"new" for path in files})
    monkeypatch.undo()
    assert info.value.filename == os_module.fspath(tmp_path / "c.json")  # the file meant, not a temp file
    assert {p: p.read_bytes() for p in files} == files  # a.csv and b.json as they were
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json", "c.json"]  # nothing left over


def test_a_fill_in_marker_in_a_subplan_or_results_file_is_an_error_not_a_file_dropped(data_copy, capsys):
    """「【待填】」, the marker rollover writes in the bureau's files, typed into a unit's own file: its
    value was passed over as a marker rollover's check would name, but that check reads the bureau's
    files only, so the whole file was dropped without a word: validate said 資料正確 and 秘書科
    尚未填報, check said 第一分局 尚未建立, and build made the report without 秘書科."""
    subplan = data_copy / "subplans" / "第一分局.yaml"
    subplan.write_text(subplan.read_text(encoding="utf-8").replace(
        "deadline: 107 年 3 月 31 日", 'deadline: "【待填】完成期限"', 1), encoding="utf-8")
    results = data_copy / "results" / "秘書科.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace(
        "date: 107 年 8 月 8 日", 'date: "【待填】日期"', 1), encoding="utf-8")

    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "subplans/第一分局.yaml:63:15: points[0].deadline: 完成期限「【待填】完成期限」應為「賡續辦理」或民國日期" in err
    assert "results/秘書科.yaml:14:15: results[0].evidence[0].date: 「【待填】日期」不是民國日期" in err
    assert "共 2 個錯誤" in err

    assert main(["check", str(data_copy)]) == 2
    assert "subplans/第一分局.yaml:63:15:" in capsys.readouterr().err
    assert main(["build", str(data_copy), "-o", str(data_copy.parent / "out"), "--only", "report"]) == 2
    assert "results/秘書科.yaml:14:15:" in capsys.readouterr().err


def test_a_figure_written_in_words_or_with_its_unit_is_shown_with_what_to_write(data_copy, capsys):
    """A results file is written by units that type figures as they would in a report."""
    results = data_copy / "results" / "秘書科.yaml"
    text = results.read_text(encoding="utf-8")
    for was, typed in (("satisfaction_courtesy: {numerator: 244,", "satisfaction_courtesy: {numerator: 二百四十四,"),
                       ("complaint_cases: {value: 312}", "complaint_cases: {value: 312件}"),
                       ("complaint_satisfaction: {value: 82.5,", "complaint_satisfaction: {value: 82.5%,")):
        assert text.count(was) == 1, was
        text = text.replace(was, typed)
    results.write_text(text, encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "results[9].indicators.satisfaction_courtesy.numerator: 應為數字，實際是文字「二百四十四」\n" in err
    assert "results[11].indicators.complaint_cases.value: 應為數字，實際是文字「312件」；請刪除「件」，只填 312\n" in err
    assert ("results[11].indicators.complaint_satisfaction.value: 應為數字，實際是文字「82.5%」；"
            "請刪除「%」，只填 82.5（百分比以 0–100 填寫，85% 填 85）\n") in err


@pytest.mark.parametrize(("typed", "hint"), [
    ("民國107年", "請刪除「民國」與「年」，只填 107"),
    ("民國 107", "請刪除「民國」，只填 107"),
    ("107年", "請刪除「年」，只填 107"),
])
def test_a_year_written_as_in_a_letter_is_shown_with_what_to_write(data_copy, capsys, typed, hint):
    plan = data_copy / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert text.count("\nyear: 107\n") == 1
    plan.write_text(text.replace("\nyear: 107\n", f"\nyear: {typed}\n"), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 2
    assert f"year: 應為整數，實際是文字「{typed}」；{hint}\n" in capsys.readouterr().err


def test_write_all_puts_every_file_back_when_interrupted_while_moving_them(tmp_path, monkeypatch):
    """Ctrl-C or a SIGTERM (a wrapper's terminate) between two moves: the set is as it was, and
    no file set aside is left behind, as when a move fails."""
    import os as os_module

    from sqdocs.fsutil import write_all

    files = {tmp_path / name: f"old {name}".encode() for name in ("a.csv", "b.json", "c.json")}
    for path, data in files.items():
        path.write_bytes(data)
    real_replace = os_module.replace
    signals = [KeyboardInterrupt()]

    def replace(src, dst):  # the signal comes once, as c.json's new version is about to move in
        if signals and os_module.fspath(dst) == os_module.fspath(tmp_path / "c.json") and ".tmp" in os_module.fspath(src):
            raise signals.pop()
        real_replace(src, dst)

    monkeypatch.setattr(os_module, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_all({path: b"new" for path in files})
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in files} == files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json", "c.json"]


def test_a_misspelt_unit_is_found_beside_a_deadline_that_is_no_date(data_copy, capsys):
    """annex1.yaml not reading as a whole (a deadline that is no date) kept its 承辦單位 from
    being checked: the misspelt unit came up only on the next run, after the first fix."""
    _edit(data_copy / "annex1.yaml", "deadline: 賡續辦理", "deadline: 108年6月底前")
    _edit(data_copy / "annex1.yaml", "units: [刑警大隊, 交通隊,", "units: [刑警大隊, 交通對,")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("deadline: 完成期限「108年6月底前」應為「賡續辦理」或民國日期（如 107 年 6 月 30 日）")
    assert err[1].endswith("units[1]: 未知的承辦單位「交通對」，是不是「交通隊」？")
    assert err[2] == "共 2 個錯誤，請修正後再執行。"  # names repeated across points are no error


@pytest.mark.parametrize("argv", [["validate", "{}"], ["build", "{}", "-o", "out"], ["form", "import", "f.xlsx", "{}"]])
def test_a_data_folder_named_with_a_leading_dash_is_told_how_to_name_it(tmp_path, monkeypatch, capsys, argv):
    """A folder 「-data」 is an option to argparse: 「缺少必要的參數：DATA_DIR」 named no cause."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-data").mkdir()
    with pytest.raises(SystemExit) as info:
        main([a.format("-data") for a in argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    command = " ".join(a for a in argv if not a.startswith(("{", "-", "f.", "out")))
    assert err.startswith(f"用法：sqdocs {command}"), err
    assert f"sqdocs {command}：錯誤：「-data」以「-」開頭，會被當成選項；它是資料夾或檔案的名稱時，請寫成 ./-data" in err


@pytest.mark.parametrize("argv", [["build", "d", "-o", "-new"], ["export", "d", "-o", "-new"], ["rollover", "d", "--to", "108", "-o", "-new"]])
def test_an_output_folder_still_to_be_made_with_a_leading_dash_is_told_how_to_name_it(tmp_path, monkeypatch, capsys, argv):
    """Not there yet, 「-new」 after -o read as a missing value: 「-o/--output 後面須接一個值」."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "「-new」以「-」開頭，會被當成選項；它是資料夾或檔案的名稱時，請寫成 ./-new" in capsys.readouterr().err


def test_a_negative_number_after_an_option_is_still_a_number(capsys):
    assert main(["build", "d", "-j", "-1"]) == 2  # told as a count of processes, not as a path
    assert "./-1" not in capsys.readouterr().err


def test_a_path_starting_with_a_tilde_is_in_the_home_folder(tmp_path, monkeypatch):
    """cmd.exe and PowerShell pass 「~」 on as typed: the files went into a folder named 「~」 of the
    current one, and the command said it was done."""
    from sqdocs.cli.arguments import make_parser

    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))  # Windows' home
    monkeypatch.chdir(work)
    assert main(["schema", "-o", "~/schemas/sqdocs.schema.json"]) == 0
    assert (home / "schemas" / "sqdocs.schema.json").is_file()
    assert os.listdir(work) == []
    # Excel's lock file 「~$…」 is a name, not someone's home.
    args = make_parser().parse_args(["form", "import", "~$秘書科執行成果.xlsx", "keelung-107"])
    assert args.forms == [Path("~$秘書科執行成果.xlsx")]


@pytest.mark.parametrize("argv, option", [
    (["export", str(SAMPLE), "-o", ""], "-o/--output"),
    (["schema", "-o", " "], "-o/--output"),
    (["build", str(SAMPLE), "-o", "", "--only", "plan", "--format", "docx"], "-o/--output"),
    (["validate", ""], "DATA_DIR"),
])
def test_an_empty_path_is_refused_not_taken_for_the_current_folder(tmp_path, monkeypatch, capsys, argv, option):
    """`-o "$OUT"` with OUT unset: export filled the current folder with its tables, unasked."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert f"錯誤：參數 {option}：路徑是空的（指令稿中的變數可能沒有值）" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_form_import_with_the_data_folder_first_says_the_order(data_copy, tmp_path, monkeypatch, capsys):
    """Every other command takes the folder first: the folder was read as forms, and the message
    「資料夾 … 中沒有 .xlsx 表單檔」 named no cause."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "秘書科執行成果.xlsx").write_bytes(b"")
    before = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    assert main(["form", "import", data_copy.name, "秘書科執行成果.xlsx"]) == 2
    assert capsys.readouterr().err == (
        f"錯誤：秘書科執行成果.xlsx 是表單，{data_copy.name} 才是計畫資料夾：form import 先列表單，計畫資料夾放在最後；"
        f"請改為 sqdocs form import 秘書科執行成果.xlsx {data_copy.name}\n"
    )
    assert {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()} == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no folder can be made")
@pytest.mark.parametrize("command", [["build", str(SAMPLE), "--only", "plan", "--format", "docx"], ["export", str(SAMPLE)]])
def test_an_output_folder_that_cannot_be_reached_says_what_to_check(capsys, command):
    """As -o Z:\\報告 on a drive not there: 「找不到此檔案或其所在的資料夾」 said what, not what to do."""
    out = "/proc/sqdocs-nowhere/out"
    assert main([*command, "-o", out]) == 2
    assert capsys.readouterr().err == f"錯誤：無法寫入 {out}：找不到此檔案或其所在的資料夾；請確認路徑，以及磁碟機或網路磁碟已連線\n"


def _pasted(printed: str, command: str) -> int:
    """Run ``command`` as bash gives it to sqdocs when pasted, after checking the message says it."""
    import subprocess

    assert command in printed, printed
    assert command.startswith("sqdocs ")
    words = subprocess.run(["bash", "-c", f"printf '%s\\0' {command[len('sqdocs '):]}"],
                           capture_output=True, text=True, check=True).stdout.split("\0")[:-1]
    return main(words)


@pytest.mark.parametrize(("name", "typed"), [
    ("我的 文件/基隆市 107 年度", "'我的 文件/基隆市 107 年度'"),
    ("資料(修正版)", "'資料(修正版)'"),
    ("John's data", '"John\'s data"'),
    ("$HOME107", "'$HOME107'"),
    ("-基隆107", "./-基隆107"),  # as typed, an option: display_name gives it as ./-基隆107
])
def test_the_commands_messages_suggest_run_as_printed_on_a_folder_of_any_name(tmp_path, monkeypatch, capsys, name, typed):
    """Folders named as clerks name them: the folder in the suggested commands was not quoted, so
    pasted into a shell 「sqdocs check 我的 文件/…」 named two folders, 「資料(修正版)」 was a syntax
    error and 「$HOME107」 became a folder that is not there."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / name
    name = typed if name.startswith("-") else name
    shutil.copytree(SAMPLE, folder)
    (folder / "subplans" / "第二分局.yaml").unlink()
    (folder / "subplans" / "第三分局.yaml").unlink()
    assert main(["check", name]) == 1
    out = capsys.readouterr().out
    assert f"sqdocs subplan init {typed} --all（" in out
    assert _pasted(out, f"sqdocs subplan init {typed} --unit 第二分局") == 0
    assert (folder / "subplans" / "第二分局.yaml").is_file()
    assert _pasted(capsys.readouterr().out, f"sqdocs check {typed}") == 1  # 第二分局's is still blank
    capsys.readouterr()

    assert main(["subplan", "init", name, "--unit", "第二分局"]) == 2
    assert _pasted(capsys.readouterr().err, f"sqdocs subplan update {typed} --unit 第二分局") == 0
    assert main(["subplan", "update", name, "--unit", "第三分局"]) == 2
    assert _pasted(capsys.readouterr().err, f"sqdocs subplan init {typed} --unit 第三分局") == 0
    (folder / "subplans" / "第三分局.yaml").unlink()
    assert main(["form", "subplan", name, "--unit", "第三分局", "-o", "表單.xlsx"]) == 0
    assert _pasted(capsys.readouterr().out, f"sqdocs subplan init {typed} --unit 第三分局") == 0

    assert main(["build", name, "--only", "subplans", "--format", "docx", "-o", "out"]) == 1
    assert _pasted(capsys.readouterr().err, f"sqdocs check {typed}") == 1
    capsys.readouterr()
    assert main(["export", name, "-o", "open"]) == 0
    assert _pasted(capsys.readouterr().err, f"sqdocs check {typed}") == 1
    capsys.readouterr()

    shutil.rmtree(folder / "subplans")
    assert main(["validate", name]) == 0
    assert _pasted(capsys.readouterr().out, f"sqdocs form subplan {typed} --all") == 0
    assert main(["rollover", name, "--to", "108", "-o", "次年 (108)"]) == 0
    assert _pasted(capsys.readouterr().out, "sqdocs validate '次年 (108)'") == 2  # its 【待填】 fields
    readme = (tmp_path / "次年 (108)" / "README.md").read_text(encoding="utf-8")
    assert f"    sqdocs subplan init '次年 (108)' --all --from {typed}\n" in readme


def test_form_import_in_the_wrong_order_keeps_force_in_the_command_it_gives(data_copy, tmp_path, monkeypatch, capsys):
    """The command given dropped --force: pasted, it refused the form the user had said to import
    over the edited YAML (「在表單產生後被修改過」)."""
    monkeypatch.chdir(tmp_path)
    form, yaml = _edited_form(data_copy, tmp_path)
    capsys.readouterr()
    assert main(["form", "import", "--force", data_copy.name, form.name]) == 2
    assert _pasted(capsys.readouterr().err, f"sqdocs form import {form.name} {data_copy.name} --force") == 0
    assert "\ntitle: 修訂版" not in yaml.read_text(encoding="utf-8")


def test_a_template_file_given_for_templates_is_told_its_folder_as_typed(tmp_path, monkeypatch, capsys):
    """「例如 --templates 我的 範本」: pasted, the folder was two words, the second a data folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "我的 範本").mkdir()
    (tmp_path / "我的 範本" / "plan.docx").write_bytes(b"")
    assert main(["build", str(SAMPLE), "--templates", "我的 範本/plan.docx", "-o", "out"]) == 2
    assert "（例如 --templates '我的 範本'），" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_check_checks_each_bureau_of_a_folder_of_bureaus(tmp_path, capsys):
    """The National Police Agency checks every bureau's subplans at once, as it validates them:
    one incomplete or unreadable bureau does not stop the others, and the last lines name them."""
    bureaus = tmp_path / "bureaus"
    for name in ("a-107", "b-107", "c-107"):
        shutil.copytree(SAMPLE, bureaus / name)
    assert main(["check", str(bureaus)]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("──")] == [
        f"── {bureaus / name}" for name in ("a-107", "b-107", "c-107")]
    assert out.count("✓ 4 個單位的細部執行計畫都完整。") == 3
    assert out.splitlines()[-1] == "✓ 3 個機關的細部執行計畫都完整。"

    (bureaus / "b-107" / "subplans" / "第二分局.yaml").unlink()
    assert main(["check", str(bureaus)]) == 1
    out = capsys.readouterr().out
    b_part = out[out.index(f"── {bureaus / 'b-107'}") : out.index(f"── {bureaus / 'c-107'}")]
    assert "第二分局尚未建立細部執行計畫" in b_part and "第二分局尚未建立" not in out.replace(b_part, "")
    assert out.splitlines()[-1] == f"1 個機關的細部執行計畫尚未完整：{bureaus / 'b-107'}；其餘 2 個機關都完整。"

    _edit(bureaus / "c-107" / "subplans" / "第一分局.yaml", "deadline: 107 年 3 月 31 日", "deadline: 107 年 2 月 30 日")
    (bureaus / "notes").mkdir()  # YAML but no plan.yaml: passed over, and said
    (bureaus / "notes" / "units.yaml").write_text("units: []\n", encoding="utf-8")
    assert main(["check", str(bureaus)]) == 2
    out, err = capsys.readouterr()
    assert f"── {bureaus / 'a-107'}" in out and "✓ 4 個單位的細部執行計畫都完整。" in out  # a-107 still checked
    assert "不是存在的日期" in err and "共 1 個錯誤，請修正後再執行。" in err
    assert err.startswith(f"略過 {bureaus / 'notes'}：")
    assert out.splitlines()[-1] == f"1 個機關的細部執行計畫尚未完整：{bureaus / 'b-107'}；其餘 1 個機關都完整。"
    assert err.splitlines()[-1] == f"2 個資料夾有錯誤，未能檢查：{bureaus / 'notes'}、{bureaus / 'c-107'}。"


@pytest.mark.parametrize("kind", ["device", "pipe"])
@pytest.mark.parametrize(("name", "argv"), [
    *((name, argv) for name in ("plan.yaml", "results/秘書科.yaml")
      for argv in (["validate", "{data}"], ["build", "{data}", "-o", "{out}"])),
    ("results/秘書科.yaml", ["form", "results", "{data}", "--unit", "秘書科", "-o", "{out}.xlsx"]),
])
def test_a_device_or_pipe_in_place_of_a_data_file_is_refused_at_once(data_copy, tmp_path, name, kind, argv):
    """/dev/zero (a link to it) was read until memory ran out; a named pipe waited for a writer
    for ever. Either is bad input, told at its name."""
    import subprocess
    import sys

    path = data_copy / name
    path.unlink()
    if kind == "device":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    words = [word.format(data=data_copy, out=tmp_path / "out") for word in argv]
    done = subprocess.run([sys.executable, "-m", "sqdocs.cli", *words], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2, done.stderr
    assert f"{path}:1:1: 不是一般檔案（是裝置、具名管線或通訊端），讀不出資料；請換成實際的檔案" in done.stderr, done.stderr
    assert not list(tmp_path.glob("out*")) or not any(p.is_file() for p in (tmp_path / "out").rglob("*"))


@pytest.mark.parametrize(("typed", "shown"), [('"no"', "文字「no」"), ('"false"', "文字「false」"), ('"yes"', "文字「yes」"),
                                              ("1", "整數"), ("0", "整數")])
def test_a_yes_or_no_written_as_text_or_a_number_is_refused(data_copy, capsys, typed, shown):
    """`removed: "no"` was read as true (pydantic takes any non-empty text it knows for a bool),
    and `removed: 1` too: check then said the point was marked removed."""
    path = data_copy / "subplans" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    units:")
    end = text.index("\n", start) + 1
    path.write_text(text[:end] + f"    removed: {typed}\n" + text[end:], encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"points[0].removed: 應為是/否（true 或 false），實際是{shown}；請寫 true 或 false（不加引號）" in err, err


@pytest.mark.parametrize("typed", ["true", "false", "yes", "no"])
def test_a_yes_or_no_as_yaml_writes_it_is_taken(data_copy, typed):
    from sqdocs.load import load_plan, load_subplans

    path = data_copy / "subplans" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    units:")
    end = text.index("\n", start) + 1
    path.write_text(text[:end] + f"    removed: {typed}\n" + text[end:], encoding="utf-8")
    subplan = load_subplans(data_copy, load_plan(data_copy))["第一分局"].subplan
    assert subplan.points[0].removed is (typed in ("true", "yes"))


def test_python_m_sqdocs_is_the_command(tmp_path):
    """`python -m sqdocs` said 「No module named sqdocs.__main__」; only `python -m sqdocs.cli` ran."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sqdocs", "validate", str(SAMPLE)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "資料正確" in done.stdout
