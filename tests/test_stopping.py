"""Stopping a batch build: Ctrl-C, SIGTERM and a killed worker or parent, with real processes.

A batch of two synthetic bureaus (28 documents) is built with ``-j 2`` in a command of its
own, signalled once a few documents are done. Timeouts are generous for a slow machine.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

from sqdocs import build, fsutil, pool
from sqdocs.build import Job
from sqdocs.errors import Interrupted
from sqdocs.fsutil import STALE_AFTER, _write_temp, remove_stale_temps, write_atomic
from sqdocs.options import BuildOptions
from sqdocs.pool import run_jobs
from sqdocs.progress import progress

sys.path.insert(0, str(ROOT / "bench"))

from generate import generate

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and /proc as on Linux")

DOCUMENTS = 28  # two bureaus: each a plan, five subplans and a report, as .docx and .pdf


@pytest.fixture(scope="module")
def bureaus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bureaus")
    generate(folder, 2)
    return folder


def _start(bureaus: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "sqdocs.cli", "build", str(bureaus), "-o", str(out), "-j", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        start_new_session=True,  # a process group of its own, as a terminal's job is
    )


def _after_done(proc: subprocess.Popen, count: int) -> list[str]:
    """The progress lines until ``count`` documents are done."""
    lines: list[str] = []
    while sum("✓" in line for line in lines) < count:
        line = proc.stderr.readline()
        assert line, f"the build ended before {count} documents were done: {''.join(lines)}"
        lines.append(line)
    return lines


def _rest(proc: subprocess.Popen, timeout: float) -> str:
    """What the command prints until it ends. Not communicate(timeout=…): that reads the pipe
    itself, and loses what readline() in _after_done had already buffered (a ✓ line or two)."""
    proc.wait(timeout=timeout)
    return proc.stderr.read()


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()]


def _survivors(out: Path) -> list[int]:
    """Live processes still building into ``out`` (forked workers share the command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and str(out) in (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # not yet reaped
            ):
                found.append(int(entry.name))
        except OSError:  # ended meanwhile
            continue
    return found


def _wait_for_no_survivors(out: Path, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _survivors(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _documents(out: Path) -> list[Path]:
    return [path for path in out.rglob("*") if path.suffix in (".docx", ".pdf")]


def _temporary(out: Path) -> list[Path]:
    return [path for path in out.rglob(".*") if path.is_file()]


def _stopped(proc: subprocess.Popen, lines: list[str], out: Path, code: int) -> None:
    """The build ended with ``code`` soon, said truly how many files it wrote, and left nothing behind."""
    signalled = time.monotonic()
    rest = _rest(proc, 30)
    assert time.monotonic() - signalled < 6  # about a second; generous for a slow machine
    text = "".join(lines) + rest
    assert proc.returncode == code, text
    assert "Traceback" not in text
    written = len(_documents(out))
    assert f"已中斷：已完成 {written} 份文件，其餘未產生；沒有寫到一半的檔案。" in text
    assert text.count("✓") == written < DOCUMENTS
    assert _temporary(out) == []
    assert _wait_for_no_survivors(out) == []


def test_ctrl_c_stops_a_pool_build_at_once_and_says_what_was_written(bureaus, tmp_path):
    out = tmp_path / "out"
    proc = _start(bureaus, out)
    lines = _after_done(proc, 2)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the workers get it too
    _stopped(proc, lines, out, 130)


def test_sigterm_to_the_main_process_alone_stops_its_workers(bureaus, tmp_path):
    out = tmp_path / "out"
    proc = _start(bureaus, out)
    lines = _after_done(proc, 2)
    os.kill(proc.pid, signal.SIGTERM)  # as a wrapper's proc.terminate()
    _stopped(proc, lines, out, 143)


def test_workers_die_with_a_killed_parent(bureaus, tmp_path):
    out = tmp_path / "out"
    proc = _start(bureaus, out)
    _after_done(proc, 2)
    workers = _children(proc.pid)
    assert workers
    proc.kill()
    proc.communicate(timeout=30)
    assert _wait_for_no_survivors(out) == []
    assert _temporary(out) == []  # a worker stopped by its parent's death removes its temporary file


def test_a_killed_worker_costs_no_document(bureaus, tmp_path):
    out = tmp_path / "out"
    proc = _start(bureaus, out)
    lines = _after_done(proc, 2)
    os.kill(_children(proc.pid)[0], signal.SIGKILL)  # as the OOM killer does
    rest = _rest(proc, 120)
    text = "".join(lines) + rest
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "terminated abruptly" not in text
    assert len(_documents(out)) == DOCUMENTS and _temporary(out) == []


def test_a_document_that_kills_its_worker_fails_alone_and_says_why(tmp_path, monkeypatch):
    def killed(plan, options) -> bytes:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    # Forked workers inherit these writers.
    monkeypatch.setattr(build, "_writer", lambda kind, fmt: {"docx": killed, "pdf": lambda plan, options: b"p"}[fmt])
    jobs = [Job(SAMPLE, "plan", name.rsplit(".", 1)[1], tmp_path / name) for name in ("a.pdf", "b.docx", "c.pdf", "d.pdf")]
    outcomes = run_jobs(jobs, BuildOptions(), 2)
    assert [o.ok for o in outcomes] == [True, False, True, True]
    assert outcomes[1].error == "產生此文件的工作程序被系統終止（可能記憶體不足）；請以較小的 -j 重試"
    assert sorted(os.listdir(tmp_path)) == ["a.pdf", "c.pdf", "d.pdf"]


def test_a_worker_killed_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    """The OOM killer can stop a worker inside write_atomic: its hidden temporary file stayed
    beside the document, built again by another worker, until a build more than
    STALE_AFTER seconds later."""
    out = tmp_path / "out"
    out.mkdir()
    marker = tmp_path / "killed-once"

    def killed_once(plan, options) -> bytes:
        if not marker.exists():
            marker.touch()
            _write_temp(out / "b.docx", b"half")  # as write_atomic had begun to
            os.kill(os.getpid(), signal.SIGKILL)
        return b"d"

    monkeypatch.setattr(build, "_writer", lambda kind, fmt: {"docx": killed_once, "pdf": lambda plan, options: b"p"}[fmt])
    jobs = [Job(SAMPLE, "plan", name.rsplit(".", 1)[1], out / name) for name in ("a.pdf", "b.docx", "c.pdf")]
    outcomes = run_jobs(jobs, BuildOptions(), 2)
    assert marker.exists() and all(o.ok for o in outcomes)
    assert sorted(os.listdir(out)) == ["a.pdf", "b.docx", "c.pdf"]


def test_a_worker_stopped_inside_mkstemp_leaves_no_temporary_file(tmp_path, monkeypatch):
    """SIGTERM (the parent died: no parent will clean up) can come inside mkstemp, after the
    temporary file is made and before write_atomic has its name to remove it."""
    make = tempfile.mkstemp

    def signalled(*args, **kwargs):
        made = make(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs here, as it would between two lines of mkstemp
        return made

    def worker() -> None:
        signal.signal(signal.SIGTERM, pool._on_sigterm)
        pool._work(Job(SAMPLE, "plan", "pdf", tmp_path / "a.pdf"), BuildOptions())

    monkeypatch.setattr(build, "_writer", lambda kind, fmt: lambda plan, options: b"p")
    monkeypatch.setattr(fsutil.tempfile, "mkstemp", signalled)
    child = multiprocessing.get_context("fork").Process(target=worker)
    child.start()
    child.join(30)
    assert child.exitcode == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == []


def test_a_document_written_as_ctrl_c_comes_is_counted_and_logged(tmp_path, monkeypatch):
    """Ctrl-C can come after a document is renamed into place and before it is reported: it
    is written, so the count says so, and the log has its ✓ line, as for the others."""

    def interrupted_once_written(plan, options) -> bytes:
        if (tmp_path / "a.pdf").exists():
            write_atomic(tmp_path / "b.pdf", b"b")  # the worker's rename, just before the signal
            raise KeyboardInterrupt
        return b"a"

    monkeypatch.setattr(build, "_writer", lambda kind, fmt: interrupted_once_written)
    jobs = [Job(SAMPLE, "plan", "pdf", tmp_path / name) for name in ("a.pdf", "b.pdf", "c.pdf")]
    log = io.StringIO()
    with pytest.raises(Interrupted) as stopped, progress(len(jobs), log) as report:
        run_jobs(jobs, BuildOptions(), 1, report)
    assert stopped.value.written == 2
    assert sorted(os.listdir(tmp_path)) == ["a.pdf", "b.pdf"]
    first, second = log.getvalue().splitlines()
    assert first.startswith(f"[1/3] ✓ {tmp_path / 'a.pdf'}（") and first.endswith(" 秒）")
    assert second == f"[2/3] ✓ {tmp_path / 'b.pdf'}（中斷時剛好完成）"


def test_ctrl_c_while_a_document_is_announced_comes_after_its_line(tmp_path, monkeypatch):
    """Ctrl-C (or SIGTERM) can come while the build reports a finished document: it is then
    counted, so its ✓ line is printed too before the build stops."""
    monkeypatch.setattr(build, "_writer", lambda kind, fmt: lambda plan, options: b"p")
    jobs = [Job(SAMPLE, "plan", "pdf", tmp_path / name) for name in ("a.pdf", "b.pdf", "c.pdf")]
    log = io.StringIO()
    with pytest.raises(Interrupted) as stopped, progress(len(jobs), log) as report:

        def announce(outcome) -> None:
            if outcome.job is jobs[0]:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)  # Python runs the handler here, before the line is printed
            report(outcome)

        run_jobs(jobs, BuildOptions(), 1, announce)
    assert stopped.value.written == 1
    assert len(log.getvalue().splitlines()) == 1 and "✓" in log.getvalue()


def test_stale_temporary_files_of_the_outputs_are_removed_and_nothing_else(tmp_path):
    target = tmp_path / "計畫.pdf"
    write_atomic(target, b"done")
    names = {
        ".計畫.pdf.abc_12xy.tmp": True,  # left by a killed build: removed
        ".計畫.docx.abc_12xy.tmp": False,  # another file's
        ".計畫.pdf.abc12.tmp": False,  # not what mkstemp names
        "計畫.pdf.abc_12xy.tmp": False,  # not hidden: not ours
        ".計畫.pdf.zzzzzzzz.tmp.previous": False,
    }
    old = time.time() - STALE_AFTER - 10
    for name in names:
        (tmp_path / name).write_bytes(b"half")
        os.utime(tmp_path / name, (old, old))
    (tmp_path / ".計畫.pdf.fresh000.tmp").write_bytes(b"being written by another build")
    remove_stale_temps([target, tmp_path / "missing" / "x.pdf"])
    left = set(os.listdir(tmp_path))
    assert left == {"計畫.pdf", ".計畫.pdf.fresh000.tmp"} | {name for name, removed in names.items() if not removed}


def test_ctrl_c_while_the_command_is_still_loading_ends_in_a_message_not_a_traceback():
    """The parser and the messages import the data model, half a second at start: a Ctrl-C then
    (here raised as the parser's module is imported, as it would be) gets the command's message."""
    code = (
        "import sys\n"
        "class Stop:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'sqdocs.cli.arguments':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Stop())\n"
        "from sqdocs.cli import run\n"
        "sys.argv = ['sqdocs', 'validate', sys.argv[1]]\n"
        "run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 130 and proc.stderr.strip() == "已中斷；尚未開始執行。"


def test_a_sigterm_as_the_command_ends_is_an_exit_code_not_a_traceback(monkeypatch, capsys):
    """SIGTERM after the command has finished, while main() puts the old handler back, raised
    out of main() as a traceback: the command's own handlers no longer caught it."""
    import sqdocs.cli as cli

    real = signal.signal
    calls = []

    def restoring(signum, handler):  # noqa: ANN001, ANN202 — signal.signal's own
        calls.append(handler)
        if len(calls) == 2:  # putting the old one back: the signal comes just before it is
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler, still sqdocs', runs here
        return real(signum, handler)

    monkeypatch.setattr(cli.signal, "signal", restoring)
    monkeypatch.setattr(cli, "_command", lambda args: 0)
    assert cli.main(["validate", str(SAMPLE)]) == 128 + signal.SIGTERM
    assert len(calls) == 3 and calls[1] is calls[2] is signal.getsignal(signal.SIGTERM)  # the old one back
