"""Very large and very deep input does not crash (it may be slow)."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pypdf
import yaml
from writers.pdfcheck import extract, squash

from sqdocs.cli import main
from sqdocs.writers import layout

BASE = Path(__file__).parent / "bad" / "_base"


def _plan(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(BASE, folder)
    for name in ("plan.yaml", "annex1.yaml"):
        data = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        edit(name, data)
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_ten_thousand_row_annex(tmp_path):
    def edit(name, data):
        if name == "annex1.yaml":
            data["dimensions"][0]["items"][0]["points"] = [
                {"name": f"評核重點 {i}", "practices": [f"第 {i} 項：各派出所每月辦理宣導並檢討成效。"],
                 "deadline": "賡續辦理", "units": ["交通隊"]}
                for i in range(10_000)
            ]

    out = tmp_path / "out"
    assert main(["build", str(_plan(tmp_path, edit)), "-o", str(out), "--only", "plan"]) == 0
    table = docx.Document(str(next(out.glob("*.docx")))).tables[0]
    assert len(table.rows) == 1 + 10_000  # the header and one row per point
    assert len(pypdf.PdfReader(next(out.glob("*.pdf"))).pages) > 300


def test_very_long_text(tmp_path):
    long_text = "民眾申辦案件於處理時限內完成，" * 6_000  # 90,000 characters: many pages in one cell

    def edit(name, data):
        if name == "annex1.yaml":
            data["dimensions"][0]["items"][0]["points"][0]["practices"] = [long_text]

    out = tmp_path / "out"
    assert main(["build", str(_plan(tmp_path, edit)), "-o", str(out), "--only", "plan"]) == 0
    practices = extract(next(out.glob("*.pdf"))).column(layout.ANNEX1_COLUMNS, 2)
    assert squash(long_text) in practices  # whole, in order, across every page it runs over


def test_deep_nesting_is_refused_once_at_the_first_level_too_deep(tmp_path, capsys):
    """30 levels of clauses: one message, at the clause under (1), not 25 nor a recursion error."""

    def edit(name, data):
        if name == "plan.yaml":
            clause = {"title": "最深層", "text": "內文。"}
            for depth in range(30):
                clause = {"title": f"第 {depth} 層", "items": [clause]}
            data["assessment"] = [clause]

    out = tmp_path / "out"
    assert main(["build", str(_plan(tmp_path, edit)), "-o", str(out), "--only", "plan"]) == 2
    err = capsys.readouterr().err
    assert err.count("層次太深") == 1
    assert "assessment[0].items[0].items[0].items[0].items: 層次太深：「(1)」之下不能再分層" in err
    assert not out.exists()
