"""Which documents a data folder yields, their official file names, and building one of them.

A :class:`Job` is a small, picklable description of one output file; :func:`render`
turns it into bytes in whichever process runs it (:mod:`sqdocs.pool` runs several side by
side), each process loading a folder once.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqdocs.derive import detailed_plan, subplan_title
from sqdocs.errors import FolderAdvice, UserError
from sqdocs.fsutil import display_name, os_error_text, write_atomic
from sqdocs.load import Diagnostic, LoadError, load_plan
from sqdocs.load.results import has_results, load_results, submitted
from sqdocs.load.subplan import load_subplans
from sqdocs.model import Plan, ResultSet
from sqdocs.model.subplan import Subplan
from sqdocs.options import BuildOptions
from sqdocs.report import CompiledReport, compile_report, report_title
from sqdocs.text.names import MAX_NAME_BYTES, NOT_IN_FILE_NAMES

FORMATS = ("docx", "pdf", "odt")
DEFAULT_FORMATS = ("docx", "pdf")
KINDS = ("plan", "subplans", "report")

T = TypeVar("T")


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
    seconds: float | None = None  # None: finished as the build was interrupted, its time unknown
    warnings: tuple[str, ...] = ()
    unchanged: bool = False  # the file already held these bytes and was left as it was

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def path(self) -> Path:
        return self.job.path


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
    stem = re.sub(f"[{re.escape(NOT_IN_FILE_NAMES)}]", "_", re.sub(r"\s+", "", title))
    # A name starting with 「.」 is a hidden file: a document nobody would see in the folder.
    return stem.lstrip(".") or "_"


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
    if "report" in kinds and has_results(folder):
        try:
            if submitted(folder):  # no report of nothing handed in
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
    are is what a partial build means. Nor are another year's documents (last year's report
    beside this year's in the default ``build/``): they are no earlier version of these.
    """
    written = {job.path for job in jobs}
    by_folder: dict[Path, list[Job]] = {}
    for job in jobs:
        by_folder.setdefault(job.path.parent, []).append(job)
    stale: dict[Path, list[Path]] = {}
    for out, built in by_folder.items():
        plan = cached_plan(built[0].folder)
        prefix = file_stem(plan.agency)
        kinds = {job.kind for job in built}
        suffixes = {f".{job.fmt}" for job in built}
        try:
            entries = sorted(out.iterdir())
        except OSError:
            continue
        found = [path for path in entries if path not in written and path.suffix in suffixes
                 and path.name.startswith(prefix) and _kind_named(path.stem) in kinds
                 and not _of_another_year(path.stem, plan.year) and path.is_file()]
        if found:
            stale[out] = found
    return stale


def _of_another_year(stem: str, year: int) -> bool:
    """Whether a document's name gives its year (「…107年度…」) and that year is not ``year``."""
    years = re.findall(r"(?<!\d)(\d{1,3})年", stem)
    return bool(years) and str(year) not in years


def _kind_named(stem: str) -> str:
    """The kind of document a file name gives (its title's last words, :func:`subplan_title`, report_title)."""
    return "subplan" if "細部執行計畫" in stem else "report" if "績效報告" in stem else "plan"


# Each process loads a folder once, however many documents it builds from it, and keeps every
# folder of the build (about 2 MB a bureau): a batch's workers inherit them all, so that none
# loads a bureau again.
_loaded: dict[tuple[str, Path], Any] = {}


def remembered(what: str, folder: Path, make: Callable[[], T]) -> T:
    """``make()``, the ``what`` of ``folder``, made once per process until :func:`forget_loaded`
    (a build does not expect its data to change). What raises is not remembered."""
    key = (what, folder)
    if key not in _loaded:
        _loaded[key] = make()
    return _loaded[key]


def loaded_parts(folder: Path) -> dict[str, Any]:
    """What this process has remembered of ``folder``, by name (:func:`remembered`)."""
    return {what: value for (what, where), value in _loaded.items() if where == folder}


def keep_loaded(folder: Path, parts: dict[str, Any]) -> None:
    """Remember ``parts`` of ``folder`` as :func:`loaded_parts` gave them in another process;
    what is already remembered here stays."""
    for what, value in parts.items():
        _loaded.setdefault((what, folder), value)


def forget_loaded() -> None:
    """Drop the folders loaded so far: the next build reads its data as it is now (a process
    that builds again after the data changed, such as a test or an editor's preview)."""
    _loaded.clear()


@contextmanager
def loaded_afresh() -> Iterator[None]:
    """Nothing remembered as the block starts, nothing as it ends (:func:`forget_loaded`): a
    command reads its data as it is now, and a caller that goes on (an editor's preview, a
    test) does not keep a batch's data after it."""
    forget_loaded()
    try:
        yield
    finally:
        forget_loaded()


def cached_plan(folder: Path) -> Plan:
    """The plan of ``folder``, loaded once (:func:`remembered`)."""
    return remembered("plan", folder, lambda: load_plan(folder))


def cached_subplans(folder: Path) -> dict[str, Subplan]:
    """Every 分局's subplan of ``folder``, by unit, loaded once."""
    return remembered("subplans", folder, lambda: {
        unit: loaded.subplan for unit, loaded in load_subplans(folder, cached_plan(folder)).items()})


def cached_results(folder: Path) -> tuple[ResultSet, tuple[Diagnostic, ...]]:
    """The year-end results of ``folder`` and the loader's warnings about them (分母為 0, a
    missing photo …), loaded once."""
    def load() -> tuple[ResultSet, tuple[Diagnostic, ...]]:
        results, warnings_found = load_results(folder, cached_plan(folder))
        return results, tuple(warnings_found)

    return remembered("results", folder, load)


def cached_report(folder: Path) -> CompiledReport:
    """The compiled report of ``folder``, compiled once."""
    return remembered("report", folder, lambda: compile_report(cached_plan(folder), cached_results(folder)[0]))


def _writer(kind: str, fmt: str) -> Callable[..., bytes]:
    """The writer function for a document kind and format (imported only when used)."""
    import importlib

    if fmt not in FORMATS or kind not in ("plan", "subplan", "report"):
        raise UserError(f"不支援的文件或格式：{kind} / {fmt}")
    return getattr(importlib.import_module(f"sqdocs.writers.{fmt}"), f"render_{kind}")


def render(job: Job, options: BuildOptions) -> bytes:
    """The bytes of one job's file."""
    plan = cached_plan(job.folder)
    write = _writer(job.kind, job.fmt)
    if job.kind == "subplan":
        assert job.unit is not None
        return write(plan, detailed_plan(plan, cached_subplans(job.folder)[job.unit]), options)
    if job.kind == "report":
        return write(plan, cached_report(job.folder), options)
    return write(plan, options)


def build_one(job: Job, options: BuildOptions, before_write: Callable[[], None] | None = None) -> Outcome:
    """Render and atomically write one job; failures come back as values, never half files.

    ``before_write`` runs between rendering and writing: a worker told to stop raises there
    (:mod:`sqdocs.pool`), so nothing rendered after the signal is written."""
    start = time.perf_counter()
    try:
        # Writers warn about what they could render only imperfectly (a glyph no font has);
        # those travel with the outcome so the CLI prints them plainly, even from a worker process.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = render(job, options)
        if before_write is not None:
            before_write()
        unchanged = not write_atomic(job.path, data)
    except FolderAdvice as exc:  # its advice names a command on this job's data folder
        return Outcome(job, exc.in_folder(display_name(job.folder)))
    except (UserError, LoadError) as exc:
        return Outcome(job, str(exc))
    except OSError as exc:
        return Outcome(job, os_error_text(exc, job.path))
    except Exception as exc:  # noqa: BLE001 — one broken writer must not stop the other documents
        return Outcome(job, f"內部錯誤（{type(exc).__name__}: {exc}）；請回報此訊息與資料檔")
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    return Outcome(job, None, time.perf_counter() - start, notes, unchanged)
