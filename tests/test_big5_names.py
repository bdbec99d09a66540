"""File names left in Big5 bytes by a zip made on Windows and unzipped on Linux or macOS.

Python holds such a name with lone surrogates; messages quoting it showed 「\\udcb2Ĥ@…」 and told
the clerk to rename 第一分局.yaml to 第一分局.yaml. They now give the Big5 reading and one
command that renames them all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqdocs.cli import main
from sqdocs.fsutil import legacy_reading, not_utf8_name
from sqdocs.load import LoadError, load_plan, load_subplans
from sqdocs.load.results import load_results

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


def test_the_big5_reading_of_a_name_and_none_for_utf8_or_unreadable_bytes():
    assert legacy_reading(os.fsdecode("第一分局.yaml".encode("cp950"))) == "第一分局.yaml"
    assert legacy_reading("第一分局.yaml") is None
    assert legacy_reading(os.fsdecode(b"\xff\xfe.yaml")) is None  # neither UTF-8 nor Big5
    assert not_utf8_name("第一分局.yaml", Path("data")) is None
    unreadable = not_utf8_name(os.fsdecode(b"\xff\xfe.yaml"), Path("data"))
    assert unreadable is not None and "以 Big5 讀是" not in unreadable and f"{CONVMV} data " in unreadable
    spaced = not_utf8_name(os.fsdecode(b"\xff.yaml"), Path("my data"))
    assert spaced is not None and f"{CONVMV} 'my data' " in spaced  # as typed in a shell


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


def test_results_named_in_big5_still_count_and_are_warned(data_copy: Path):
    rename_to_big5(data_copy / "results" / "人事室.yaml")
    results, warnings = load_results(data_copy, load_plan(data_copy))
    assert "人事室" in results.submissions
    (warning,) = [w for w in warnings if "UTF-8" in w.message]
    assert warning.severity == "warning" and "以 Big5 讀是「人事室.yaml」" in warning.message
    assert "與填報單位" not in warning.message


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


def test_a_data_folder_named_in_big5_is_renamed_from_the_folder_that_can_be_typed(data_copy: Path):
    folder = rename_to_big5(data_copy.rename(data_copy.parent / "基隆107"))
    rename_to_big5(folder / "subplans" / "第一分局.yaml")
    with pytest.raises(LoadError) as caught:
        load_subplans(folder, load_plan(folder))
    (problem,) = caught.value.diagnostics
    assert f"{CONVMV} {data_copy.parent} " in problem.message
