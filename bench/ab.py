"""Old and new code side by side: a git revision against this checkout, alternating.

    python bench/ab.py HEAD~1                 # 3 rounds: plan PDF in process, and the sample set cold
    python bench/ab.py main --rounds 5 --renders 20

A machine's speed drifts by a third from hour to hour, more than most single changes gain,
so figures from different hours cannot be compared. Here each round times the revision
(checked out in a temporary git worktree) and then this checkout, in fresh interpreters,
in turn: the plan PDF rendered ``--renders`` times in one process after a first render
(best and mean CPU seconds), and the whole sample set built by one cold ``sqdocs build``
(wall seconds). Then the PDFs both build from the sample data are compared byte for byte,
as a change meant only to be faster must leave them as they were.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PLAN_RENDERS, ROOT, SAMPLE


def _env(tree: Path) -> dict[str, str]:
    # The tree's own package first, ahead of the editable install of this checkout.
    return {**os.environ, "PYTHONPATH": str(tree)}


def _run(tree: Path, args: list[str], what: str) -> str:
    proc = subprocess.run([sys.executable, *args], cwd=tree, env=_env(tree), capture_output=True, text=True)
    if proc.returncode != 0:
        last = "\n".join(proc.stderr.strip().splitlines()[-5:])
        sys.exit(f"{tree} 無法{what}（結束碼 {proc.returncode}）：\n{last}")
    return proc.stdout


def _renders(tree: Path, count: int) -> list[float]:
    result = json.loads(_run(tree, ["-c", PLAN_RENDERS, str(SAMPLE), str(count)], "在同一程序中產生計畫 PDF"))
    if not Path(result["package"]).resolve().is_relative_to(tree.resolve()):
        # Another sqdocs (this checkout's editable install) would be timed against itself.
        sys.exit(f"{tree} 的程式沒有被載入（載入的是 {result['package']}）")
    return result["cpu"]


def _build(tree: Path, out: Path, *formats: str) -> float:
    args = [arg for fmt in formats for arg in ("--format", fmt)]
    start = time.perf_counter()
    _run(tree, ["-m", "sqdocs.cli", "build", str(SAMPLE), "-o", str(out), *args], "建置範例文件")
    return time.perf_counter() - start


def _compile(tree: Path) -> None:
    # Bytecode first, so that neither side pays for compiling where PYTHONDONTWRITEBYTECODE is set.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "sqdocs")], check=True)


def _worktree(revision: str, where: Path) -> None:
    proc = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(where), revision],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"無法取出版本「{revision}」：{proc.stderr.strip()}（請給 git 認得的版本，例如 HEAD~1、main 或提交編號）")


def _differing_pdfs(old: Path, new: Path) -> tuple[list[str], int]:
    names = sorted(p.name for p in new.glob("*.pdf"))
    return [n for n in names if not (old / n).is_file() or (old / n).read_bytes() != (new / n).read_bytes()], len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revision", help="the git revision to compare this checkout with (HEAD~1, main, a commit)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each timing both sides in turn (default 3)")
    parser.add_argument("--renders", type=int, default=10, help="plan PDF renders per round and side (default 10)")
    args = parser.parse_args()
    if args.rounds < 1 or args.renders < 1:
        parser.error("--rounds and --renders must be 1 or more")
    # Stopped by SIGTERM as by Ctrl-C: the worktree and its folder are removed on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    with tempfile.TemporaryDirectory(prefix="sqdocs-ab-") as tmp:
        work = Path(tmp)
        old = work / "tree"
        _worktree(args.revision, old)
        try:
            if not (old / "sqdocs" / "__init__.py").is_file():
                sys.exit(f"版本「{args.revision}」沒有 sqdocs 套件，無從比較")
            sides = {args.revision: old, "this checkout": ROOT}
            for tree in sides.values():
                _compile(tree)
            results: dict[str, dict[str, list[float]]] = {name: {"best": [], "mean": [], "sample": []} for name in sides}
            for n in range(1, args.rounds + 1):
                # Alternate which side goes first, so neither always runs on a machine the other warmed.
                order = list(sides.items()) if n % 2 else list(reversed(sides.items()))
                for name, tree in order:
                    times = _renders(tree, args.renders)
                    results[name]["best"].append(min(times))
                    results[name]["mean"].append(statistics.fmean(times))
                    results[name]["sample"].append(_build(tree, work / "out" / name / str(n)))
                print(f"Round {n}: " + "; ".join(
                    f"{name}: plan PDF best {results[name]['best'][-1]:.3f} s, mean {results[name]['mean'][-1]:.3f} s, "
                    f"sample set {results[name]['sample'][-1]:.2f} s"
                    for name in sides
                ))
            for name in sides:
                r = results[name]
                print(f"{name}: plan PDF best {min(r['best']):.3f} s (rounds {_span(r['best'], 3)}), "
                      f"mean {_span(r['mean'], 3)} s; sample set {_span(r['sample'], 2)} s")
            _build(old, work / "pdf" / "old", "pdf")
            _build(ROOT, work / "pdf" / "new", "pdf")
            differing, total = _differing_pdfs(work / "pdf" / "old", work / "pdf" / "new")
            if differing:
                print(f"PDFs that differ from {args.revision}'s: {len(differing)} of {total}: {', '.join(differing)}")
            else:
                print(f"PDFs: all {total} byte for byte as {args.revision}'s")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False)


def _span(values: list[float], digits: int) -> str:
    low, high = min(values), max(values)
    return f"{low:.{digits}f}" if f"{low:.{digits}f}" == f"{high:.{digits}f}" else f"{low:.{digits}f}–{high:.{digits}f}"


if __name__ == "__main__":
    main()
