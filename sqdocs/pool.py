"""Running build jobs side by side: a pool of worker processes that inherit the loaded data and
fonts, stop at once with the build (Ctrl-C, SIGTERM, a dead parent), and redo the jobs a
killed worker took down."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqdocs.build import FORMATS, Job, Outcome, build_one, keep_loaded, loaded_parts
from sqdocs.errors import Interrupted
from sqdocs.fsutil import file_stamp, remove_temps_since
from sqdocs.gcpause import frozen
from sqdocs.options import BuildOptions


def differing_outputs(jobs: list[Job], options: BuildOptions, scratch: Path, workers: int | None = 1) -> list[Path]:
    """Build ``jobs`` again into ``scratch``, the way the first build ran (:func:`run_jobs`),
    and list the outputs whose bytes differ from the first build."""
    # One folder per job: a batch may build files of the same name for different bureaus.
    again = [dataclasses.replace(job, path=scratch / str(n) / job.path.name) for n, job in enumerate(jobs)]
    outcomes = run_jobs(again, options, workers)
    return [
        job.path
        for job, outcome in zip(jobs, outcomes, strict=True)
        if not outcome.ok or not job.path.is_file() or outcome.job.path.read_bytes() != job.path.read_bytes()
    ]


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(jobs: int) -> int:
    """As many processes as the CPUs this process may use, and no more than there are documents."""
    return max(1, min(usable_cpus(), jobs))


# Rough relative cost of a document, so the longest start first and the pool ends together.
_WEIGHT = {"report": 4, "plan": 2, "subplan": 1}


def prepare_writers(jobs: list[Job], options: BuildOptions) -> None:
    """Import the writers the jobs need and parse their fonts here, once, before workers fork.

    Forked workers then start with all of it in memory instead of each repeating it. A
    failure here is left for the job itself to report, with its document named.
    """
    import importlib

    for fmt in dict.fromkeys(job.fmt for job in jobs if job.fmt in FORMATS):
        try:
            prepare = getattr(importlib.import_module(f"sqdocs.writers.{fmt}"), "prepare", None)
            if prepare is not None:
                prepare(options)
        except Exception:  # noqa: BLE001 — reported by the job that needs it
            pass


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

_busy = False
"""In a worker: a job is being built, so SIGTERM must unwind it (removing its temporary file)."""
_stopping = False
"""In a worker: SIGTERM came, and the worker ends as soon as its job is unwound."""


class _Stop(BaseException):
    """SIGTERM in a worker, raised through the job so that write_atomic removes its temporary file.

    Not an Exception: build_one and the writers must not take it for a failed document.
    """


def _on_sigterm(signum: int, frame: object) -> None:
    global _busy, _stopping
    _stopping = True
    if _busy:
        _busy = False  # a second SIGTERM while unwinding ends the worker at once
        raise _Stop
    os._exit(128 + signum)  # idle: nothing to clean up, and no traceback from the pool's loop


def _die_with_parent() -> None:
    """Have Linux send this worker SIGTERM when its parent dies, however it dies (kill -9
    included): forked workers would otherwise live on, each holding its memory, forever."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the parent still stops its workers when it can
        pass


def _worker_init(parent: int) -> None:
    """Run first in each worker process."""
    # Ctrl-C reaches every process of the terminal's job; the parent alone decides what stops
    # (and stops the workers), so a worker neither stops on its own nor prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(128 + signal.SIGTERM)


def _raise_if_stopping() -> None:
    if _stopping:  # a library's bare except took the worker's _Stop: what it rendered may be wrong
        raise _Stop


def _work(job: Job, options: BuildOptions) -> Outcome:
    """:func:`build_one` in a worker; SIGTERM ends the worker once the job's temporary file is removed."""
    global _busy
    outcome = None
    started = time.time()
    try:
        _busy = True
        outcome = build_one(job, options, _raise_if_stopping)
        _busy = False
    except _Stop:
        # write_atomic removes its temporary file as _Stop unwinds it, but not when the signal
        # comes inside mkstemp, after the file is made and before its name is known. A file's
        # time is taken from a coarse clock, a few milliseconds behind time.time(): hence the slack.
        remove_temps_since([job.path], started - 1)
    if _stopping or outcome is None:  # also when a library's bare except swallowed the _Stop
        os._exit(128 + signal.SIGTERM)
    return outcome


def _pool(workers: int) -> ProcessPoolExecutor:
    # fork on Linux: workers inherit the loaded data, imported writers and parsed fonts.
    # Elsewhere the platform's default (spawn) starts each worker from scratch: macOS's system
    # libraries make fork unsafe there, and Windows has none.
    init = {"initializer": _worker_init, "initargs": (os.getpid(),)}
    if sys.platform.startswith("linux"):
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"), **init)
    return ProcessPoolExecutor(max_workers=workers, **init)


@contextmanager
def loaded_in_turn(folders: list[Path], load: Callable[[Path], object], workers: int) -> Iterator[Iterator[Path]]:
    """The folders in turn, each once ``load(folder)`` has run for it in one of ``workers``
    processes and what that remembered (:func:`sqdocs.build.remembered`) is kept here too.

    A batch loads its bureaus side by side this way, about 0.17 s each, instead of one after
    the other while the other CPUs wait; this process, which the build's workers are then
    forked from, still holds every one. What a worker could not load (bad input, a bug, a
    worker killed) is not kept, so the caller loads it again itself and reports it as it
    always does: the result is the same, only slower. One folder, one worker or no fork
    (not Linux): the folders come as they are.
    """
    if workers <= 1 or len(folders) <= 1 or not sys.platform.startswith("linux"):
        yield iter(folders)
        return
    pool = _pool(min(workers, len(folders)))
    try:
        futures = [pool.submit(_load_here, folder, load) for folder in folders]
        yield _kept_in_turn(folders, futures)
    finally:
        # After Ctrl-C or SIGTERM too, the loads under way are finished (each a fraction of a
        # second), not their workers killed: one killed while sending its folder back leaves
        # the pool's own thread waiting for the rest of the message, and the command hung.
        with _undisturbed():
            pool.shutdown(wait=True, cancel_futures=True)


def _load_here(folder: Path, load: Callable[[Path], object]) -> dict[str, Any]:
    with contextlib.suppress(Exception):  # loaded again by the caller, who reports it
        load(folder)
    return loaded_parts(folder)


def _kept_in_turn(folders: list[Path], futures: list[Future]) -> Iterator[Path]:
    for folder, future in zip(folders, futures, strict=True):
        with contextlib.suppress(Exception):  # a worker killed, or parts that would not pickle: loaded again
            keep_loaded(folder, future.result())
        yield folder


_GRACE = 0.5
"""Seconds the documents under way get to finish after Ctrl-C, before their workers are stopped."""

_KILLED = "產生此文件的工作程序被系統終止（可能記憶體不足）；請以較小的 -j 重試"


def run_jobs(
    jobs: list[Job],
    options: BuildOptions,
    workers: int | None = 1,
    on_done: Callable[[Outcome], None] | None = None,
    on_working: Callable[[list[Job]], None] | None = None,
) -> list[Outcome]:
    """Build every job, in this process or in a pool of ``workers`` (None: one per CPU);
    one failure never stops the rest. Outcomes come back in the order of ``jobs``.

    ``on_done`` hears of each outcome as it finishes; ``on_working`` of the jobs being built
    whenever that changes. Ctrl-C (or SIGTERM turned into :class:`Interrupted`) stops the
    build within about a second and raises :class:`Interrupted` saying how many files were written.
    """
    seen = _Seen(on_done, on_working)
    outcomes = seen.outcomes
    workers = default_workers(len(jobs)) if workers is None else workers
    # Each output as it was, so an interrupted build can count the files it did replace.
    before = {job: file_stamp(job.path) for job in jobs}
    try:
        if workers <= 1 or len(jobs) <= 1:
            _run_here(jobs, options, seen)
        else:
            _run_pooled(jobs, options, workers, seen)
    except KeyboardInterrupt as exc:
        reported = {outcome.job for outcome in outcomes}
        for job in jobs:
            # A job can finish its rename just as the interrupt comes, before its worker
            # reports it: it is written, so it is counted and gets its line in the log too.
            if job not in reported and file_stamp(job.path) != before[job]:
                seen.done(Outcome(job))
        written = sum(outcome.ok for outcome in outcomes)
        raise Interrupted(getattr(exc, "signum", signal.SIGINT), written) from None
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.job])


@dataclass
class _Seen:
    """The outcomes so far, and who hears of them (run_jobs's ``on_done`` and ``on_working``)."""

    on_done: Callable[[Outcome], None] | None
    on_working: Callable[[list[Job]], None] | None
    outcomes: list[Outcome] = field(default_factory=list)

    def done(self, outcome: Outcome) -> None:
        # Counted and announced together: a Ctrl-C between the two made the log say one
        # document fewer than 「已完成 N 份」 did.
        with _signals_after():
            self.outcomes.append(outcome)
            if self.on_done:
                self.on_done(outcome)

    def working(self, jobs: list[Job]) -> None:
        if self.on_working:
            self.on_working(jobs)


def _run_here(jobs: list[Job], options: BuildOptions, seen: _Seen) -> None:
    for job in jobs:
        seen.working([job])
        seen.done(build_one(job, options))
    seen.working([])


def _run_pooled(jobs: list[Job], options: BuildOptions, workers: int, seen: _Seen) -> None:
    prepare_writers(jobs, options)
    todo = sorted(jobs, key=lambda job: -_WEIGHT.get(job.kind, 1))
    started = time.time()
    with frozen():
        lost = _run_pool(todo, options, min(workers, len(todo)), seen)
        taken_down = list(lost)  # every pool after this one builds only what the one before lost
        if lost:  # a worker was killed (the OOM killer, kill -9): what it took down gets one more try
            lost = _run_pool(lost, options, min(workers, len(lost)), seen)
        while lost:
            # Killed again: one worker at a time, so the job that kills its worker is known (the
            # first one unfinished) and fails alone, while the jobs it took down are built.
            lost = _run_pool(lost, options, 1, seen)
            if lost:
                seen.done(Outcome(lost.pop(0), _KILLED))
    if taken_down:
        # A killed worker could not remove the temporary file it was writing; the job, built
        # again, wrote a new one. The old one, hidden, would stay until a build a while later.
        remove_temps_since([job.path for job in taken_down], started)


def _run_pool(jobs: list[Job], options: BuildOptions, workers: int, seen: _Seen) -> list[Job]:
    """Build ``jobs`` in a fresh pool, each outcome to ``seen``; return the jobs lost because a
    worker died, which leaves the pool broken and every job not yet finished failed."""
    lost: list[Job] = []
    futures: dict[Future, Job] = {}
    with _pool(workers) as pool:
        try:
            for job in jobs:
                futures[pool.submit(_work, job, options)] = job
            for future in _completed(futures, workers, seen.on_working):
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost.append(futures[future])
                    continue
                except Exception as exc:  # noqa: BLE001 — a failing worker fails its job, not the batch
                    outcome = Outcome(futures[future], f"工作程序異常結束：{exc}")
                seen.done(outcome)
        except KeyboardInterrupt:
            _stop(pool, futures, seen)
            raise
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(lost, key=order.__getitem__)  # as submitted, which is as one worker takes them


def _stop(pool: ProcessPoolExecutor, futures: dict[Future, Job], seen: _Seen) -> None:
    """After Ctrl-C or SIGTERM: drop the jobs not started, give those under way a moment to
    finish, then stop the workers (SIGTERM: each removes the temporary file it was writing)."""
    with _undisturbed():
        # Leaving the pool waits for every job in it; the executor has no public handle on its
        # processes, and without them a Ctrl-C took as long as the whole build.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for future in futures:
            future.cancel()  # now: the executor's own thread would cancel them a moment later
        wait([future for future in futures if not future.done()], timeout=_GRACE)
        reported = {outcome.job for outcome in seen.outcomes}
        for future, job in futures.items():
            if job not in reported and future.done() and not future.cancelled() and future.exception() is None:
                seen.done(future.result())
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(3)
            if process.is_alive():  # stuck where a Python signal handler cannot run
                process.kill()
                process.join(1)
        pool.shutdown(wait=True)


@contextmanager
def _stop_signals(handler) -> Iterator[None]:
    """Ctrl-C and SIGTERM go to ``handler`` inside the block, then to their handlers again
    (in the main thread only: Python handles signals nowhere else)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, before in previous.items():
            if before is not None:
                signal.signal(signum, before)


@contextmanager
def _signals_after() -> Iterator[None]:
    """Ctrl-C or SIGTERM coming inside the block takes effect as it ends, not inside it."""
    came: list[int] = []
    try:
        with _stop_signals(lambda signum, frame: came.append(signum)):
            yield
    finally:
        for signum in came[:1]:
            signal.raise_signal(signum)  # to the handler it was meant for, now the block is done


@contextmanager
def _undisturbed() -> Iterator[None]:
    """Ignore a second Ctrl-C or SIGTERM while the workers are being stopped: stopping them
    halfway would leave them running."""
    with _stop_signals(signal.SIG_IGN):
        yield


def _completed(futures: dict, workers: int, on_working: Callable[[list[Job]], None] | None):
    """The futures (future → job, in the order submitted) as they complete, telling
    ``on_working`` which jobs are being built.

    The workers take jobs in the order they were submitted, so the jobs being built are the
    first ``workers`` unfinished ones in that order.
    """
    unfinished = dict.fromkeys(futures.values())
    if on_working:
        on_working(list(unfinished)[:workers])
    for future in as_completed(futures):
        del unfinished[futures[future]]
        if on_working:
            on_working(list(unfinished)[:workers])
        yield future
