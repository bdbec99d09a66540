"""The benchmark's own parts work from a checkout: synthetic bureaus are valid data, and
bench/run.py runs and writes its results. No timing is asserted here (targets are the
benchmark's business, not the tests')."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from generate import NEW_UNIT, generate

from sqdocs.load import load_plan
from sqdocs.load.results import load_results
from sqdocs.load.subplan import load_subplans


def test_synthetic_bureaus_are_valid_and_differ(tmp_path):
    folders = generate(tmp_path, 2)
    plans = [load_plan(folder) for folder in folders]
    assert len({p.body.agency for p in plans}) == 2
    subplans = [load_subplans(folder, plan) for folder, plan in zip(folders, plans, strict=True)]
    assert [len(s) for s in subplans] == [5, 5] and all(NEW_UNIT in s for s in subplans)
    # The sub-bureaus' practices are rotated, so bureaus differ in content, not only in name.
    assert subplans[0]["第一分局"].subplan.points != subplans[1]["第一分局"].subplan.points
    for folder, plan in zip(folders, plans, strict=True):
        results, _ = load_results(folder, plan)
        assert NEW_UNIT in results.submissions


def test_benchmark_runs_and_writes_its_results(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "bench/run.py", "--bureaus", "1", "--no-soffice", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    sample = result["sample"]
    assert len(sample["documents"]) == 12
    assert all(d["seconds"] > 0 and d["bytes"] > 0 for d in sample["documents"])
    # The workers' CPU is counted too. The command alone (start-up, about a third of the whole)
    # would fall well short of the documents' seconds, which are wall time: over CPU time only
    # as far as the machine is busy with something else, hence the 0.8.
    assert sample["cpu_seconds"] > 0.8 * sum(d["seconds"] for d in sample["documents"])
    assert result["plan_pdf_in_process"]["render"] > 0
    assert [row["characters"] for row in result["long_paragraph"]["sizes"]] == [6_000, 24_000, 96_000]
    assert all(row["seconds"] > 0 for row in result["long_paragraph"]["sizes"])
    assert "Plan PDF with one long paragraph: 6,000 characters +" in proc.stdout
    assert [b["documents"] for b in result["batches"]] == [14]  # plan + 5 subplans + report, twice
    machine = result["machine"]
    assert machine["cpus"] >= 1 and machine["cpu"] and Path(machine["interpreter"]).is_file()
    assert f"Python {machine['python']} ({machine['interpreter']})" in proc.stdout
    assert "Sample set: 12 files" in proc.stdout and "Batch   1 bureaus:   14 files" in proc.stdout


def _worktrees() -> list[str]:
    return subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()


def test_ab_times_a_revision_and_this_checkout_in_turn_and_compares_their_pdfs():
    before = _worktrees()
    proc = subprocess.run(
        [sys.executable, "bench/ab.py", "HEAD", "--rounds", "2", "--renders", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    rounds = [line for line in proc.stdout.splitlines() if line.startswith("Round ")]
    assert len(rounds) == 2 and all("HEAD: plan PDF best" in r and "this checkout: plan PDF best" in r for r in rounds)
    assert re.search(r"^PDFs(: all 6 byte for byte as HEAD's| that differ from HEAD's: \d+ of 6: .+)$", proc.stdout, re.M)
    assert _worktrees() == before  # its worktree is gone again


def test_ab_names_a_revision_git_does_not_know():
    proc = subprocess.run([sys.executable, "bench/ab.py", "no-such-revision"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "無法取出版本「no-such-revision」" in proc.stderr and "Traceback" not in proc.stderr


def test_ab_finds_the_pdfs_that_differ(tmp_path):
    from ab import _differing_pdfs

    old, new = tmp_path / "old", tmp_path / "new"
    for folder, texts in ((old, {"a": b"1", "b": b"2"}), (new, {"a": b"1", "b": b"3", "c": b"4"})):
        folder.mkdir()
        for name, data in texts.items():
            (folder / f"{name}.pdf").write_bytes(data)
    assert _differing_pdfs(old, new) == (["b.pdf", "c.pdf"], 3)


def test_ab_refuses_a_revision_without_the_package():
    """Without its own sqdocs the revision's side would time this checkout's (the editable
    install), against itself: the very first commit held only data."""
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    root = first.stdout.split()[-1]
    before = _worktrees()
    proc = subprocess.run([sys.executable, "bench/ab.py", root], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and "沒有 sqdocs 套件，無從比較" in proc.stderr
    assert _worktrees() == before
