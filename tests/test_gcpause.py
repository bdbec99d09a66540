"""The garbage collector around a build: off while loading, loaded data set aside for workers,
and the state of an in-process caller left as it was."""

from __future__ import annotations

import gc

import pytest
from conftest import SAMPLE

from sqdocs import build, cli, gcpause
from sqdocs.build import Job
from sqdocs.gcpause import frozen, paused
from sqdocs.options import BuildOptions
from sqdocs.pool import run_jobs


def test_paused_restores_the_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def test_paused_sets_what_it_loaded_aside_only_in_a_process_that_ends_with_the_command(monkeypatch):
    with paused():
        loaded = [object() for _ in range(10)]  # noqa: F841 — kept alive through the checks
    assert gc.get_freeze_count() == 0  # an in-process caller's objects stay collectable
    monkeypatch.setattr(gcpause, "_command_is_the_process", True)
    try:
        with paused():
            loaded = [[] for _ in range(1000)]
        assert gc.get_freeze_count() >= 1000 and gc.isenabled()
        assert all(gc.is_tracked(item) for item in loaded)
    finally:
        gc.unfreeze()


def test_frozen_sets_objects_aside_only_inside_the_block():
    with frozen():
        assert gc.get_freeze_count() > 1000
    assert gc.get_freeze_count() == 0


def _freeze_count_as_file(plan, options) -> bytes:
    return str(gc.get_freeze_count()).encode()


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_workers_start_with_the_loaded_data_set_aside(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(build, "_writer", lambda kind, fmt: _freeze_count_as_file)  # forked workers inherit it
    jobs = [Job(SAMPLE, "plan", "pdf", tmp_path / f"{n}.pdf") for n in range(3)]
    assert all(o.ok for o in run_jobs(jobs, BuildOptions(), workers))
    counts = [int(job.path.read_bytes()) for job in jobs]
    if workers == 1:
        assert counts == [0, 0, 0]  # no fork, nothing to share
    else:
        assert min(counts) > 1000
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_build_called_in_process_leaves_the_collector_as_it_found_it(tmp_path, capsys):
    assert cli.main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx", "-j", "2"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_console_script_exits_with_the_command_code_after_setting_aside(monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(cli, "for_the_whole_process", lambda: calls.append("whole"))
    monkeypatch.setattr(cli, "main", lambda: calls.append("main") or 2)
    monkeypatch.setattr(cli, "skip_exit_collections", lambda: calls.append("skip"))
    with pytest.raises(SystemExit) as exited:
        cli.run()
    assert exited.value.code == 2 and calls == ["whole", "main", "skip"]
