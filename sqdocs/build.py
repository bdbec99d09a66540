"""Which documents a data folder yields, their official file names, and building them.

A :class:`Job` is a small, picklable description of one output file; :func:`render`
turns it into bytes in whichever process runs it, so a batch can use a process pool
while each worker loads a folder (and parses its fonts) once.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import re
import shlex
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqdocs.derive import subplan_title
from sqdocs.errors import Interrupted, UserError
from sqdocs.fsutil import os_error_text, write_atomic
from sqdocs.gcpause import frozen
from sqdocs.load import Diagnostic, LoadError, load_plan
from sqdocs.load.diagnostics import display_name
from sqdocs.load.plan import misnamed
from sqdocs.load.results import has_results, load_results, submitted
from sqdocs.load.subplan import load_subplans
from sqdocs.model import Plan, ResultSet
from sqdocs.model.subplan import Subplan
from sqdocs.report import CompiledReport, compile_report, report_title

FORMATS = ("docx", "pdf", "odt")
DEFAULT_FORMATS = ("docx", "pdf")
KINDS = ("plan", "subplans", "report")


@dataclass(frozen=True)
class BuildOptions:
    """Choices that change how documents look, not what they say."""

    templates: Path | None = None
    font: Path | None = None
    document_date: date | None = None
    """Overrides the data's document date (``SOURCE_DATE_EPOCH``), for archives that pin one."""


def source_date() -> date | None:
    """The date of ``SOURCE_DATE_EPOCH`` (UTC), when that variable is set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UserError(f"SOURCE_DATE_EPOCH「{value}」不是 Unix 時間（秒數）；請設為整數秒數（如 1546300800 即 "
                        "2019 年 1 月 1 日），或取消此環境變數，文件日期即依 plan.yaml 的 issued（未填則為期程起日）") from None


@dataclass(frozen=True)
class Job:
    """One output file: which folder and document it comes from and where it goes."""

    folder: Path
    kind: str
    fmt: str
    path: Path
    unit: str | None = None
    shortened: bool = False
    """The title was too long for a file name and the name was cut (:func:`file_stem`)."""


@dataclass(frozen=True)
class Outcome:
    job: Job
    error: str | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def path(self) -> Path:
        return self.job.path


MAX_NAME_BYTES = 255
"""The longest file name Linux and macOS file systems take, in UTF-8 bytes (a CJK character is 3)."""
_LONGEST_SUFFIX = ".docx"
_CUT = "…"


def file_stem(title: str) -> str:
    """An official title as a file name: spaces dropped, characters no file system allows
    replaced, and cut (ending in 「…」) where the name with its suffix would pass
    :data:`MAX_NAME_BYTES`."""
    stem = _whole_stem(title)
    budget = MAX_NAME_BYTES - len(_LONGEST_SUFFIX)
    if len(stem.encode("utf-8")) <= budget:
        return stem
    return stem.encode("utf-8")[: budget - len(_CUT.encode("utf-8"))].decode("utf-8", "ignore") + _CUT


def _whole_stem(title: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "_", re.sub(r"\s+", "", title))


def find_folders(paths: Iterable[Path]) -> list[Path]:
    """Data folders named directly, or the folders with a plan.yaml inside a folder of bureaus;
    each once, however often or however spelled it was named."""
    found: list[Path] = []
    for path in paths:
        inner = _bureaus_in(path)
        found.extend([path] if inner is None else inner)  # a data folder's missing plan.yaml is the loader's to say
    # Built twice, a folder's documents would be written twice to the same files. A link
    # and its folder both found are built once, under the folder's own name (OUT/<folder>),
    # whichever of them sorts or was named first.
    unique: dict[Path, Path] = {}
    for path in found:
        first = unique.setdefault(path.resolve(), path)
        if first.is_symlink() and not path.is_symlink():
            unique[path.resolve()] = path
    return list(unique.values())


def _is(test: Callable[[], bool]) -> bool | None:
    """``test()``, or None when a folder on the way cannot be read (no permission): whether
    the file is there cannot be told, and Path.is_file raises rather than say so."""
    try:
        return test()
    except OSError:
        return None


def _subfolders(folder: Path) -> list[Path]:
    """The visible subfolders of ``folder`` by name; none when it cannot be read (its loading says why)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if not p.name.startswith(".") and _is(p.is_dir)]


def _holds_yaml(folder: Path) -> bool:
    try:
        return any(p.suffix.lower() in (".yaml", ".yml") for p in folder.iterdir() if _is(p.is_file))
    except OSError:
        return False


def _bureaus_in(path: Path) -> list[Path] | None:
    """The bureau folders of ``path`` when it is a folder of bureaus, else None (a data folder,
    or no folder at all, for the loader to report).

    A folder of bureaus has no plan.yaml of its own and a subfolder with one, whatever loose
    files lie beside them (a CI repository's .gitlab-ci.yml); or, holding no YAML itself,
    subfolders with YAML that are meant as bureaus or hold bureaus (:func:`skipped_folders`
    names those). A subfolder that cannot be read may be a bureau: it is listed, and its
    loading says that it cannot be read rather than the batch passing over it.
    """
    if _is((path / "plan.yaml").is_file) is not False or not _is(path.is_dir):
        return None
    subs = _subfolders(path)
    has_plan = {sub: _is((sub / "plan.yaml").is_file) for sub in subs}
    bureaus = [sub for sub in subs if has_plan[sub] is not False]
    if any(has_plan.values()):
        return bureaus
    if _holds_yaml(path):
        return None
    if bureaus or any(_holds_yaml(sub) or _deeper_bureaus(sub) for sub in subs):
        return bureaus
    return None  # an empty folder: the loader names the files a data folder needs


def _deeper_bureaus(folder: Path) -> bool:
    """Whether a subfolder of ``folder`` holds a plan.yaml: ``folder`` is a folder of bureaus."""
    return any(_is((sub / "plan.yaml").is_file) for sub in _subfolders(folder))


def loose_yaml(paths: Iterable[Path]) -> list[tuple[Path, list[str]]]:
    """The YAML files lying beside the bureaus in each folder of bureaus, which are not read.

    Hidden ones (.gitlab-ci.yml, .pre-commit-config.yaml) belong to tools and are left out.
    """
    loose = []
    for path in paths:
        if not _bureaus_in(path):
            continue
        try:
            names = sorted(p.name for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml")
                           and not p.name.startswith(".") and _is(p.is_file))
        except OSError:
            continue
        if names:
            loose.append((path, names))
    return loose


def skipped_folders(paths: Iterable[Path], command: str = "build") -> list[tuple[Path, str]]:
    """The subfolders of a folder of bureaus that :func:`find_folders` passes over although
    they hold YAML (a bureau whose plan.yaml is missing or misnamed), each with what to do;
    and a folder whose bureaus lie one level deeper, with the ``command`` that builds them.

    Subfolders without YAML (photos, notes, .git) are not data and are not listed.
    """
    skipped = []
    for path in paths:
        # A data folder holds its YAML itself; only a folder of folders is searched.
        if (bureaus := _bureaus_in(path)) is None:
            continue
        subs = _subfolders(path)
        for sub in subs:
            if _is((sub / "plan.yaml").is_file) is not False or not _holds_yaml(sub):
                continue
            named = misnamed(sub, "plan.yaml")
            if named:
                reason = f"沒有 plan.yaml，但有 {'、'.join(named)}；請改名為 plan.yaml"
            else:
                reason = "有 YAML 檔但沒有 plan.yaml，不是完整的資料夾；請補上 plan.yaml，或把此資料夾移出"
            skipped.append((sub, reason))
        if not bureaus and (deeper := [sub for sub in subs if _deeper_bureaus(sub)]):
            skipped.append((path, _deeper_reason(path, deeper, command)))
    return skipped


def _deeper_reason(path: Path, deeper: list[Path], command: str) -> str:
    """What to run when the bureaus of ``path`` are one level down (``nest/north/bureau-01``)."""
    names = "、".join(sub.name for sub in deeper)
    if command == "validate":  # it takes one folder at a time
        runs = "；".join(f"sqdocs validate {shlex.quote(str(sub))}" for sub in deeper)
        return f"其中沒有機關資料夾（含 plan.yaml 的資料夾），但其子資料夾 {names} 中有；請分別執行 {runs}"
    given = " ".join(shlex.quote(str(sub)) for sub in deeper)
    return (f"其中沒有機關資料夾（含 plan.yaml 的資料夾），但其子資料夾 {names} 中有；"
            f"請改為指定這些資料夾：sqdocs build {given}（或 {shlex.quote(str(path))}/*），其餘參數不變")


def output_dirs(folders: list[Path], out: Path) -> list[Path]:
    """Where each folder's documents go: ``out`` itself for one folder, ``out/<folder name>`` for several.

    Two folders of the same name would share a subfolder and the second would replace the
    first's documents. That is refused rather than resolved with invented names, so a
    bureau's documents are always found under its folder's name.
    """
    if len(folders) == 1:
        return [out]
    # The absolute path gives "." and ".." their real names; casefold, since Windows and
    # macOS file systems take 「Keelung」 and 「keelung」 for one folder.
    names = [Path(os.path.abspath(folder)).name for folder in folders]
    first: dict[str, Path] = {}
    for folder, name in zip(folders, names, strict=True):
        other = first.setdefault(name.casefold(), folder)
        if other is not folder:
            raise UserError(
                f"資料夾 {display_name(other)} 與 {display_name(folder)} 同名，文件都會寫入 {out / name}，"
                "後者會覆蓋前者；請將其中一個資料夾改名，或分兩次以不同的 -o 產生。"
            )
    return [out / name for name in names]


class PartlyBad(LoadError):
    """A folder whose plan loads but whose subplans or results do not: ``parts`` names which
    (``"subplans"``, ``"report"``), so the documents that could still be built can be said."""

    def __init__(self, diagnostics: list[Diagnostic], parts: list[str]):
        super().__init__(diagnostics)
        self.parts = parts


def jobs_for(folder: Path, plan: Plan, kinds: list[str], formats: list[str], out_dir: Path) -> list[Job]:
    """The jobs that build the requested documents of one plan folder into ``out_dir``.

    Subplans and the report are loaded here too, so bad input is reported before anything is
    built: both are read, and :class:`PartlyBad` lists the problems of both at once.
    """
    def document(kind: str, title: str, unit: str | None = None) -> list[Job]:
        stem = file_stem(title)
        shortened = stem != _whole_stem(title)
        return [Job(folder, kind, fmt, out_dir / f"{stem}.{fmt}", unit, shortened) for fmt in formats]

    jobs: list[Job] = []
    problems: list[Diagnostic] = []
    bad: list[str] = []
    if "plan" in kinds:
        jobs += document("plan", plan.title)
    if "subplans" in kinds:
        try:
            for unit in cached_subplans(folder):
                jobs += document("subplan", subplan_title(plan, unit), unit)
        except LoadError as exc:
            problems += exc.diagnostics
            bad.append("subplans")
    if "report" in kinds and has_results(folder) and submitted(folder):  # no report of nothing handed in
        try:
            cached_report(folder)
            jobs += document("report", report_title(plan))
        except LoadError as exc:
            problems += exc.diagnostics
            bad.append("report")
    if problems:
        raise PartlyBad(problems, bad)
    return jobs


def stale_documents(jobs: list[Job]) -> dict[Path, list[Path]]:
    """Per output folder, the documents there that look like this build's (the bureau's agency
    first in the name, a kind and format it built) but that it did not write: left from an
    earlier build, such as the plan of a 分局 whose subplan has since been deleted.

    Kinds and formats not asked for (--only, --format) are not looked at: leaving them as they
    are is what a partial build means.
    """
    written = {job.path for job in jobs}
    by_folder: dict[Path, list[Job]] = {}
    for job in jobs:
        by_folder.setdefault(job.path.parent, []).append(job)
    stale: dict[Path, list[Path]] = {}
    for out, built in by_folder.items():
        prefix = file_stem(cached_plan(built[0].folder).agency)
        kinds = {job.kind for job in built}
        suffixes = {f".{job.fmt}" for job in built}
        try:
            entries = sorted(out.iterdir())
        except OSError:
            continue
        found = [path for path in entries if path not in written and path.suffix in suffixes
                 and path.name.startswith(prefix) and _kind_named(path.stem) in kinds and path.is_file()]
        if found:
            stale[out] = found
    return stale


def _kind_named(stem: str) -> str:
    """The kind of document a file name gives (its title's last words, :func:`subplan_title`, report_title)."""
    return "subplan" if "細部執行計畫" in stem else "report" if "績效報告" in stem else "plan"


# Each process loads a folder once, however many documents it builds from it.
def forget_loaded() -> None:
    """Drop the folders loaded so far: the next build reads its data as it is now (a process
    that builds again after the data changed, such as a test or an editor's preview)."""
    for cached in (cached_plan, cached_subplans, cached_results, cached_report):
        cached.cache_clear()


@functools.lru_cache(maxsize=8)
def cached_plan(folder: Path) -> Plan:
    """The plan of ``folder``, loaded once per process (a build does not expect its data to change)."""
    return load_plan(folder)


@functools.lru_cache(maxsize=8)
def cached_subplans(folder: Path) -> dict[str, Subplan]:
    return {unit: loaded.subplan for unit, loaded in load_subplans(folder, cached_plan(folder)).items()}


@functools.lru_cache(maxsize=8)
def cached_results(folder: Path) -> tuple[ResultSet, tuple[Diagnostic, ...]]:
    """The year-end results of ``folder`` and the loader's warnings about them (分母為 0, a missing photo …)."""
    results, warnings_found = load_results(folder, cached_plan(folder))
    return results, tuple(warnings_found)


@functools.lru_cache(maxsize=8)
def cached_report(folder: Path) -> CompiledReport:
    return compile_report(cached_plan(folder), cached_results(folder)[0])


def _writer(kind: str, fmt: str) -> Callable[..., bytes]:
    """The writer function for a document kind and format (imported only when used)."""
    import importlib

    if fmt not in FORMATS or kind not in ("plan", "subplan", "report"):
        raise UserError(f"不支援的文件或格式：{kind} / {fmt}")
    return getattr(importlib.import_module(f"sqdocs.writers.{fmt}"), f"render_{kind}")


def render(job: Job, options: BuildOptions) -> bytes:
    """The bytes of one job's file."""
    plan = cached_plan(job.folder)
    if options.document_date is not None:
        plan = dataclasses.replace(plan, body=plan.body.model_copy(update={"issued": options.document_date}))
    write = _writer(job.kind, job.fmt)
    if job.kind == "subplan":
        assert job.unit is not None
        return write(plan, cached_subplans(job.folder)[job.unit], options)
    if job.kind == "report":
        return write(plan, cached_report(job.folder), options)
    return write(plan, options)


def build_one(job: Job, options: BuildOptions) -> Outcome:
    """Render and atomically write one job; failures come back as values, never half files."""
    start = time.perf_counter()
    try:
        # Writers warn about what they could render only imperfectly (a glyph no font has);
        # those travel with the outcome so the CLI prints them plainly, even from a worker process.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = render(job, options)
        if _stopping:  # a library's bare except took the worker's _Stop: what it rendered may be wrong
            raise _Stop
        write_atomic(job.path, data)
    except (UserError, LoadError) as exc:
        return Outcome(job, str(exc))
    except OSError as exc:
        return Outcome(job, os_error_text(exc, job.path))
    except Exception as exc:  # noqa: BLE001 — one broken writer must not stop the other documents
        return Outcome(job, f"內部錯誤（{type(exc).__name__}: {exc}）；請回報此訊息與資料檔")
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    return Outcome(job, None, time.perf_counter() - start, notes)


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


def _work(job: Job, options: BuildOptions) -> Outcome:
    """:func:`build_one` in a worker; SIGTERM ends the worker once the job's temporary file is removed."""
    global _busy
    outcome = None
    try:
        _busy = True
        outcome = build_one(job, options)
        _busy = False
    except _Stop:
        pass
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


_GRACE = 0.5
"""Seconds the documents under way get to finish after Ctrl-C, before their workers are stopped."""

_KILLED = "產生此文件的工作程序被系統終止（可能記憶體不足）；請以較小的 -j 重試"


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What identifies the file at ``path`` now (None: there is none), to tell later whether it was replaced."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


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
    outcomes: list[Outcome] = []
    workers = default_workers(len(jobs)) if workers is None else workers
    # Each output as it was, so an interrupted build can count the files it did replace.
    before = {job: _stamp(job.path) for job in jobs}
    try:
        if workers <= 1 or len(jobs) <= 1:
            _run_here(jobs, options, outcomes, on_done, on_working)
        else:
            _run_pooled(jobs, options, workers, outcomes, on_done, on_working)
    except KeyboardInterrupt as exc:
        reported = {outcome.job for outcome in outcomes}
        # A job can finish its rename just as the interrupt comes, before it is reported.
        unreported = sum(job not in reported and _stamp(job.path) != before[job] for job in jobs)
        written = sum(outcome.ok for outcome in outcomes) + unreported
        raise Interrupted(getattr(exc, "signum", signal.SIGINT), written) from None
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.job])


def _run_here(
    jobs: list[Job],
    options: BuildOptions,
    outcomes: list[Outcome],
    on_done: Callable[[Outcome], None] | None,
    on_working: Callable[[list[Job]], None] | None,
) -> None:
    for job in jobs:
        if on_working:
            on_working([job])
        outcomes.append(build_one(job, options))
        if on_done:
            on_done(outcomes[-1])
    if on_working:
        on_working([])


def _run_pooled(
    jobs: list[Job],
    options: BuildOptions,
    workers: int,
    outcomes: list[Outcome],
    on_done: Callable[[Outcome], None] | None,
    on_working: Callable[[list[Job]], None] | None,
) -> None:
    prepare_writers(jobs, options)
    todo = sorted(jobs, key=lambda job: -_WEIGHT.get(job.kind, 1))
    with frozen():
        lost = _run_pool(todo, options, min(workers, len(todo)), outcomes, on_done, on_working)
        if lost:  # a worker was killed (the OOM killer, kill -9): what it took down gets one more try
            lost = _run_pool(lost, options, min(workers, len(lost)), outcomes, on_done, on_working)
        while lost:
            # Killed again: one worker at a time, so the job that kills its worker is known (the
            # first one unfinished) and fails alone, while the jobs it took down are built.
            lost = _run_pool(lost, options, 1, outcomes, on_done, on_working)
            if lost:
                outcomes.append(Outcome(lost.pop(0), _KILLED))
                if on_done:
                    on_done(outcomes[-1])


def _run_pool(
    jobs: list[Job],
    options: BuildOptions,
    workers: int,
    outcomes: list[Outcome],
    on_done: Callable[[Outcome], None] | None,
    on_working: Callable[[list[Job]], None] | None,
) -> list[Job]:
    """Build ``jobs`` in a fresh pool, adding to ``outcomes``; return the jobs lost because a
    worker died, which leaves the pool broken and every job not yet finished failed."""
    lost: list[Job] = []
    futures: dict[Future, Job] = {}
    with _pool(workers) as pool:
        try:
            for job in jobs:
                futures[pool.submit(_work, job, options)] = job
            for future in _completed(futures, workers, on_working):
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    lost.append(futures[future])
                    continue
                except Exception as exc:  # noqa: BLE001 — a failing worker fails its job, not the batch
                    outcome = Outcome(futures[future], f"工作程序異常結束：{exc}")
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
        except KeyboardInterrupt:
            _stop(pool, futures, outcomes, on_done)
            raise
    order = {job: i for i, job in enumerate(jobs)}
    return sorted(lost, key=order.__getitem__)  # as submitted, which is as one worker takes them


def _stop(
    pool: ProcessPoolExecutor,
    futures: dict[Future, Job],
    outcomes: list[Outcome],
    on_done: Callable[[Outcome], None] | None,
) -> None:
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
        reported = {outcome.job for outcome in outcomes}
        for future, job in futures.items():
            if job not in reported and future.done() and not future.cancelled() and future.exception() is None:
                outcomes.append(future.result())
                if on_done:
                    on_done(outcomes[-1])
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
def _undisturbed() -> Iterator[None]:
    """Ignore a second Ctrl-C or SIGTERM while the workers are being stopped: stopping them
    halfway would leave them running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                signal.signal(signum, handler)


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
