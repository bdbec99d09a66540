"""Broken and hostile Word templates (tests/bad/templates): a message naming the template and tag, never a traceback.

Regenerate the cases with ``python tests/bad/templates/make.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sqdocs.cli import main

BAD = Path(__file__).parent / "bad"
CASES = sorted(p.name for p in (BAD / "templates").iterdir() if p.is_dir())


def test_enough_cases():
    data_cases = [p for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_") and p.name != "templates"]
    assert len(CASES) >= 10
    assert len(data_cases) + len(CASES) >= 40


# Found only when Jinja evaluates a tag with a document's data: that document fails, as any
# failed document does. Every other case is refused before anything is built.
AT_RENDER = {"attr-filter", "class-mro", "cycler-globals", "include"}


@pytest.mark.parametrize("case", CASES)
def test_bad_template(case, tmp_path, capsys):
    folder = BAD / "templates" / case
    out = tmp_path / "out"
    code = main(["build", str(BAD / "_base"), "-o", str(out), "--only", "plan", "--format", "docx", "--templates", str(folder)])
    err = capsys.readouterr().err
    expected = (folder / "expected.txt").read_text(encoding="utf-8").strip()
    assert f"{folder / 'plan.docx'}：{expected}" in err
    assert "Traceback" not in err
    if case in AT_RENDER:
        assert code == 1
        assert not out.exists() or list(out.iterdir()) == []
    else:  # bad input, said once: no document, not even the output folder
        assert code == 2
        assert err == f"錯誤：{folder / 'plan.docx'}：{expected}\n"
        assert not out.exists()


def test_sandbox_blocks_code_even_without_the_cli(tmp_path):
    """The writer itself refuses, whoever calls it."""
    from sqdocs.errors import UserError
    from sqdocs.load import load_plan
    from sqdocs.options import BuildOptions
    from sqdocs.writers.docx import render_plan

    plan = load_plan(BAD / "_base")
    with pytest.raises(UserError, match="__class__"):
        render_plan(plan, BuildOptions(templates=BAD / "templates" / "class-mro"))
