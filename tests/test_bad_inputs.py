"""The corpus of broken data folders in tests/bad: each gives exactly its expected messages and exit 2.

A case folder holds the files that replace those of tests/bad/_base (a small valid plan),
an optional ``_delete`` listing files to remove, and ``expected.txt``: the exact lines
``sqdocs validate`` must print, with paths relative to a folder called ``plan``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqdocs.cli import main

BAD = Path(__file__).parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_") and p.name != "templates")


def _assemble(case: str, tmp_path: Path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(BAD / "_base", target)
    for f in (BAD / case).iterdir():
        if f.name == "_delete":
            for name in f.read_text().split():
                (target / name).unlink()
        elif f.name != "expected.txt":
            shutil.copy(f, target / f.name)
    return target


def test_base_is_valid(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(BAD / "_base", tmp_path / "plan")
    assert main(["validate", "plan"]) == 0
    assert "警告" not in capsys.readouterr().err  # each case's expected lines are its own


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case, tmp_path, monkeypatch, capsys):
    _assemble(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "plan"]) == 2
    err = capsys.readouterr().err
    expected = (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    got = [line for line in err.splitlines() if not line.startswith("共 ")]
    assert got == expected
    assert "Traceback" not in err


def test_build_refuses_bad_input_and_writes_nothing(tmp_path, monkeypatch, capsys):
    _assemble("unknown-unit", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "plan", "-o", "out"]) == 2
    assert not (tmp_path / "out").exists()
