"""What the command line says when a file cannot be written, a value is wrong or the console
cannot show a character: Chinese, the path meant, a fitting exit code, never a traceback."""

from __future__ import annotations

import errno
import os
import shutil

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


def test_a_full_disk_names_the_subplan_being_written(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    shutil.rmtree(folder / "subplans")
    monkeypatch.setattr(os, "fsync", _disk_full)
    assert main(["subplan", "init", str(folder), "--unit", "第一分局"]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'subplans' / '第一分局.yaml'}：磁碟空間不足" in err, err


def test_an_untranslated_error_still_names_the_path():
    exc = OSError(errno.ELOOP, "Too many levels of symbolic links")
    assert os_error_text(exc, "out/a.pdf", "寫入") == "無法寫入 out/a.pdf：Too many levels of symbolic links"
