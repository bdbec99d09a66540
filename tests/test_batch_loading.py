"""A batch's bureaus loaded side by side before the build (pool.loaded_in_turn): what the
workers load is kept in the command's process, in order, and whatever goes wrong in a worker
only leaves that folder for the command to load itself."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest

from sqdocs.build import forget_loaded, loaded_parts, remembered
from sqdocs.pool import loaded_in_turn

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")

FOLDERS = [Path(f"/nowhere/bureau-{n}") for n in range(6)]


@pytest.fixture(autouse=True)
def _nothing_loaded():
    forget_loaded()
    yield
    forget_loaded()


# Module-level, as a worker's job must be (sent to it by name).
def _load(folder: Path) -> None:
    remembered("loaded by", folder, lambda: os.getpid())
    remembered("name", folder, lambda: folder.name.upper())


def _load_but_bureau_2(folder: Path) -> None:
    remembered("name", folder, lambda: folder.name.upper())
    if folder.name.endswith("-2"):
        raise ValueError("bad data")
    remembered("rest", folder, lambda: "loaded")


def _kill_the_worker_at_bureau_3(folder: Path) -> None:
    if folder.name.endswith("-3"):
        os._exit(9)  # as the OOM killer would
    remembered("name", folder, lambda: folder.name.upper())


def _slow_after_the_first(folder: Path) -> None:
    with (folder.parent / "started.txt").open("a", encoding="utf-8") as log:
        log.write(f"{folder.name}\n")
    if not folder.name.endswith("-0"):
        time.sleep(1)
    remembered("name", folder, lambda: folder.name.upper())


def _running(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (neither gone nor a zombie), after a moment to end in."""
    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


_BEFORE: set[int] = set()


@pytest.fixture(autouse=True)
def _children_before():
    _BEFORE.clear()
    _BEFORE.update(process.pid for process in multiprocessing.active_children())


def _workers() -> list[int]:
    """The processes started since the test began."""
    return [process.pid for process in multiprocessing.active_children() if process.pid not in _BEFORE]


def test_the_workers_load_each_folder_and_the_command_keeps_it_in_order():
    with loaded_in_turn(FOLDERS, _load, 2) as in_turn:
        workers = _workers()
        seen = [(folder, loaded_parts(folder)) for folder in in_turn]
    assert [folder for folder, _ in seen] == FOLDERS
    for folder, parts in seen:  # each there by the time it comes
        assert parts["name"] == folder.name.upper()
        assert parts["loaded by"] in workers
    assert len(workers) == 2 and _running(workers) == []


def test_what_a_worker_could_not_load_is_left_to_the_command():
    with loaded_in_turn(FOLDERS, _load_but_bureau_2, 2) as in_turn:
        assert list(in_turn) == FOLDERS
    # What went before the failure is kept; the command loads what failed again, and reports
    # its error as it always does.
    assert [loaded_parts(folder) for folder in FOLDERS] == [
        {"name": folder.name.upper(), "rest": "loaded"} for folder in FOLDERS[:2]
    ] + [{"name": "BUREAU-2"}] + [{"name": folder.name.upper(), "rest": "loaded"} for folder in FOLDERS[3:]]


def test_a_killed_worker_leaves_its_folders_to_the_command_without_an_error():
    with loaded_in_turn(FOLDERS, _kill_the_worker_at_bureau_3, 2) as in_turn:
        workers = _workers()
        assert list(in_turn) == FOLDERS
    assert loaded_parts(FOLDERS[3]) == {}
    assert _running(workers) == []


def test_ctrl_c_in_the_command_ends_the_loading_once_the_loads_under_way_are_done(tmp_path):
    # Their workers are not killed: one killed while sending its folder back hung the command.
    folders = [tmp_path / f"bureau-{n}" for n in range(12)]
    with pytest.raises(KeyboardInterrupt), loaded_in_turn(folders, _slow_after_the_first, 2) as in_turn:
        workers = _workers()
        for _ in in_turn:
            raise KeyboardInterrupt
    started = (tmp_path / "started.txt").read_text(encoding="utf-8").split()
    assert "bureau-0" in started and len(started) < len(folders)  # the rest were never begun
    assert len(workers) == 2 and _running(workers) == []


@pytest.mark.parametrize(("folders", "workers"), [(FOLDERS, 1), (FOLDERS[:1], 2)])
def test_one_folder_or_one_worker_is_loaded_by_the_command_itself(folders, workers):
    with loaded_in_turn(folders, _load, workers) as in_turn:
        assert _workers() == []
        assert list(in_turn) == folders
    assert all(loaded_parts(folder) == {} for folder in folders)
