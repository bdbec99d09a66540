"""Benchmark: sqdocs against LibreOffice, and nationwide batch builds.

    python bench/run.py                      # everything, results also in build/bench.json
    python bench/run.py --bureaus 1,5 --no-soffice --json /tmp/b.json

Measures, on this machine and in one run:
  * the sample set (plan + 4 subplans + report, .docx and .pdf) from one cold ``sqdocs build``:
    wall time, CPU time of all its processes, per-document time, peak RSS, output sizes;
  * LibreOffice converting the six generated .docx to PDF in one invocation (warm profile),
    and the plan .docx alone; the ratios against sqdocs, and the CPU times side by side;
  * the plan PDF rendered inside one process after imports and font loading, and with one
    paragraph of 6,000, 24,000 and 96,000 characters (long text should cost linear time);
  * synthetic bureaus (bench/generate.py) built with ``-j``: time per document at 1, 5, 22
    bureaus and the peak RSS of the largest process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "keelung-107"
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from sqdocs.pool import default_workers  # noqa: E402

_DONE = re.compile(r"\[\d+/\d+\] ✓ (?P<path>.+)（(?P<sec>[\d.]+) 秒）")


def _sqdocs(*args: str) -> tuple[float, str, float, float]:
    """One cold ``sqdocs build``: wall seconds, its log, the peak RSS in MB of the largest
    process it ran (the command or one of its workers), and the CPU seconds of all of them
    (user and system), from wait4: that command's alone, not LibreOffice's or an earlier run's."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "sqdocs.cli", "build", *args], stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        log.seek(0)
        text = log.read().decode()
    if (code := os.waitstatus_to_exitcode(status)) != 0:
        sys.exit(f"sqdocs build failed ({code}):\n{text}")
    # wait4 counts the workers too: the command waits for each before it exits.
    return wall, text, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # RSS in KiB on Linux


def sample_set(out: Path) -> dict:
    """The six sample documents in both formats from one cold command (best of three, as for
    LibreOffice; every run a new process writing every file again)."""
    runs = [_sqdocs(str(SAMPLE), "-o", str(out)) for _ in range(3)]
    wall, log, _, cpu = min(runs)
    docs = [
        {"file": Path(m["path"]).name, "seconds": float(m["sec"]), "bytes": Path(m["path"]).stat().st_size}
        for m in _DONE.finditer(log)
    ]
    processes = default_workers(len(docs))  # what ``sqdocs build`` chose: one per CPU
    peak = max(rss for _, _, rss, _ in runs)
    return {"wall_seconds": wall, "cpu_seconds": cpu, "documents": docs, "peak_rss_mb": peak, "processes": processes}


PLAN_RENDERS = """
import json, sys, time
t0 = time.perf_counter()
import sqdocs
from sqdocs.options import BuildOptions
from sqdocs.load import load_plan
from sqdocs.writers.pdf import render_plan
t1 = time.perf_counter()
plan = load_plan(sys.argv[1])
t2 = time.perf_counter()
render_plan(plan, BuildOptions())          # first render parses the fonts
t3 = time.perf_counter()
wall, cpu = [], []
for _ in range(int(sys.argv[2])):
    s, c = time.perf_counter(), time.process_time()
    render_plan(plan, BuildOptions())
    wall.append(time.perf_counter() - s)
    cpu.append(time.process_time() - c)
print(json.dumps({"package": sqdocs.__file__, "imports": t1 - t0, "load": t2 - t1, "first_render": t3 - t2,
                  "wall": wall, "cpu": cpu}))
"""
"""The plan PDF rendered in one process (``python -c PLAN_RENDERS DATA_DIR COUNT``): the
seconds of imports, loading and the first render (which parses the fonts), then the wall and
CPU seconds of each of COUNT renders, and where sqdocs was imported from; one JSON line.
Shared with bench/ab.py, so that both time the render alike."""


def in_process_plan_pdf() -> dict:
    """Plan PDF render time in one process once imports are done and fonts are loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", PLAN_RENDERS, str(SAMPLE), "3"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    times = json.loads(proc.stdout)
    return {"imports": times["imports"], "load": times["load"], "first_render": times["first_render"],
            "render": min(times["wall"])}


LONG_SIZES = (6_000, 24_000, 96_000)  # each 4× the last, the longest under a text's 100,000-character limit
"""Characters of the one long paragraph :func:`long_paragraph` times, each 4 times the last."""


def long_paragraph(work: Path) -> dict:
    """The plan PDF with one paragraph of each of LONG_SIZES characters, mixed Chinese and Latin
    (肆's targets, running over many pages), rendered in process after a first render: the time
    over the sample's should grow with the length, not its square."""
    code = """
import json, sys, time
from pathlib import Path
from sqdocs.options import BuildOptions
from sqdocs.load import load_plan
from sqdocs.writers.pdf import render_plan
render_plan(load_plan(sys.argv[1]), BuildOptions())  # fonts parsed
times = {}
for folder in sys.argv[1:]:
    plan = load_plan(folder)
    start = time.perf_counter(); render_plan(plan, BuildOptions()); times[Path(folder).name] = time.perf_counter() - start
print(json.dumps(times))
"""
    folders = [str(SAMPLE)]
    for size in LONG_SIZES:
        folder = work / f"long-{size}"
        shutil.copytree(SAMPLE, folder)
        plan = folder / "plan.yaml"
        text = plan.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith("targets: "))
        unit = "本局各分局直屬大隊科中心室，警政服務品質ABC 123。"
        plan.write_text(text.replace(line, "targets: " + unit * (size // len(unit))), encoding="utf-8")
        folders.append(str(folder))
    proc = subprocess.run([sys.executable, "-c", code, *folders], capture_output=True, text=True, cwd=ROOT, check=True)
    times = json.loads(proc.stdout)
    base = times[SAMPLE.name]
    return {"sample_seconds": base, "sizes": [
        {"characters": size, "seconds": times[f"long-{size}"], "added_seconds": times[f"long-{size}"] - base}
        for size in LONG_SIZES
    ]}


def startup_floor() -> dict:
    """What a cold build pays before its first document: a fresh interpreter importing the
    command and both writers, loading and checking the sample folder, and parsing the main
    font. Best of three runs, as for the sample set."""
    # As the command does it: the collector paused while importing and loading (what was loaded then
    # set aside for good), and no last collections at exit.
    code = """
import time
from pathlib import Path
from sqdocs.gcpause import for_the_whole_process, paused, skip_exit_collections
for_the_whole_process()
with paused():
    import sqdocs.cli.build, sqdocs.writers.docx, sqdocs.writers.pdf
    from sqdocs.build import cached_plan, jobs_for
folder = Path(__import__("sys").argv[1])
with paused():
    jobs_for(folder, cached_plan(folder), ["plan", "subplans", "report"], ["docx", "pdf"], Path("unused"))
    sqdocs.writers.pdf.prepare()
skip_exit_collections()
"""
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(SAMPLE)], cwd=ROOT, check=True)
        runs.append(time.perf_counter() - start)
    return {"seconds": min(runs)}


def soffice(docx: list[Path], out: Path, profile: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, of every process it started) LibreOffice takes
    to convert ``docx`` to PDF in one invocation."""
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*cmd, *map(str, docx)], capture_output=True, check=True, timeout=600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def libreoffice(built: Path, work: Path) -> dict | None:
    if not shutil.which("soffice"):
        return None
    docx = sorted(built.glob("*.docx"))
    plan = next(p for p in docx if p.name.endswith("執行計畫.docx"))
    profile = work / "lo-profile"
    soffice([plan], work / "warm-up", profile)  # first start creates the profile; not timed
    # LibreOffice's time varies by a third from run to run: take the best of three, as for sqdocs.
    six_wall, six_cpu = min(soffice(docx, work / "lo-all", profile) for _ in range(3))
    return {
        "six_docx_seconds": six_wall,
        "six_docx_cpu_seconds": six_cpu,
        "plan_docx_seconds": min(soffice([plan], work / "lo-plan", profile) for _ in range(3))[0],
        "documents": len(docx),
    }


def batches(counts: list[int], jobs: int, work: Path) -> list[dict]:
    folders = generate(work / "bureaus", max(counts))
    rows = []
    for n in counts:
        out = work / f"batch-{n}"
        wall, log, peak, _ = _sqdocs(*map(str, folders[:n]), "-o", str(out), "-j", str(jobs))
        files = len(_DONE.findall(log))
        rows.append({
            "bureaus": n, "documents": files, "jobs": jobs, "wall_seconds": wall,
            "seconds_per_document": wall / files, "peak_rss_mb": peak,
        })
        shutil.rmtree(out)
    return rows


def _machine() -> dict:
    """What the figures depend on: the processor and the interpreter. The interpreter's build
    counts as much as the processor: Debian's (profile-guided and link-time optimised) renders
    the plan PDF about a quarter faster than one compiled without those (pyenv's default)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(),
        "interpreter": os.path.realpath(sys.executable), "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bureaus", default="1,5,22", help="batch sizes to time (default 1,5,22)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--no-soffice", action="store_true", help="skip the LibreOffice comparison")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json")
    args = parser.parse_args()
    counts = [int(n) for n in args.bureaus.split(",") if n]

    with tempfile.TemporaryDirectory(prefix="sqdocs-bench-") as tmp:
        work = Path(tmp)
        result: dict = {
            "machine": _machine(),
            "sample": sample_set(work / "sample"),
            "plan_pdf_in_process": in_process_plan_pdf(),
            "startup_floor": startup_floor(),
            "long_paragraph": long_paragraph(work),
        }
        result["libreoffice"] = None if args.no_soffice else libreoffice(work / "sample", work)
        result["batches"] = batches(counts, args.jobs, work) if counts else []

    sample, inproc, lo = result["sample"], result["plan_pdf_in_process"], result["libreoffice"]
    machine = result["machine"]
    print(f"Machine: {machine['cpu']}, {machine['cpus']} CPUs; Python {machine['python']} ({machine['interpreter']})")
    print(f"Sample set: {len(sample['documents'])} files in {sample['wall_seconds']:.2f} s "
          f"(one cold command, {sample['processes']} processes, {sample['cpu_seconds']:.2f} s of CPU), "
          f"peak RSS {sample['peak_rss_mb']:.0f} MB")
    for doc in sample["documents"]:
        print(f"  {doc['seconds']:6.2f} s  {doc['bytes'] / 1024:8.0f} KB  {doc['file']}")
    print(f"Plan PDF in process: {inproc['render']:.3f} s "
          f"(imports {inproc['imports']:.2f} s, load {inproc['load']:.2f} s, first render with fonts {inproc['first_render']:.2f} s)")
    if lo:
        result["ratios"] = {
            "sample_set_vs_libreoffice_six_docx": sample["wall_seconds"] / lo["six_docx_seconds"],
            "libreoffice_plan_vs_in_process_plan_pdf": lo["plan_docx_seconds"] / inproc["render"],
        }
        print(f"LibreOffice: six .docx → PDF {lo['six_docx_seconds']:.2f} s; plan .docx → PDF {lo['plan_docx_seconds']:.2f} s")
        print(f"  sqdocs sample set / LibreOffice six docx = {result['ratios']['sample_set_vs_libreoffice_six_docx']:.2f} (target ≤ 0.25)")
        print(f"  start-up before the first document (imports, data, font) = {result['startup_floor']['seconds']:.2f} s "
              f"= {result['startup_floor']['seconds'] / lo['six_docx_seconds']:.2f} of LibreOffice's time")
        # What no scheduling can beat: the sample set's CPU time spread evenly over the processes.
        floor = sample["cpu_seconds"] / sample["processes"]
        print(f"  CPU time: sqdocs sample set {sample['cpu_seconds']:.2f} s, LibreOffice six docx "
              f"{lo['six_docx_cpu_seconds']:.2f} s; over {sample['processes']} processes the sample set "
              f"needs at least {floor:.2f} s = {floor / lo['six_docx_seconds']:.2f} of LibreOffice's time")
        print(f"  LibreOffice plan / sqdocs plan PDF in process = {result['ratios']['libreoffice_plan_vs_in_process_plan_pdf']:.1f}× (target ≥ 10×)")
    long = result["long_paragraph"]
    print("Plan PDF with one long paragraph: " + ", ".join(
        f"{row['characters']:,} characters +{row['added_seconds']:.2f} s" for row in long["sizes"]
    ) + " (each 4× the last: linear if each adds about 4× the last)")
    for row in result["batches"]:
        print(f"Batch {row['bureaus']:3d} bureaus: {row['documents']:4d} files in {row['wall_seconds']:6.1f} s "
              f"with -j {row['jobs']} = {row['seconds_per_document']:.3f} s/file, peak RSS {row['peak_rss_mb']:.0f} MB")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"Results: {args.json}")


if __name__ == "__main__":
    main()
