"""Which documents a data folder yields, their official file names, and building them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.fsutil import write_atomic
from sqdocs.model import Plan

FORMATS = ("docx", "pdf")
KINDS = ("plan", "subplans", "report")


@dataclass(frozen=True)
class BuildOptions:
    """Choices that change how documents look, not what they say."""

    templates: Path | None = None
    font: Path | None = None


@dataclass(frozen=True)
class Job:
    """One output file: its name and how to make its bytes."""

    kind: str
    fmt: str
    filename: str
    render: Callable[[], bytes] = field(compare=False)


@dataclass(frozen=True)
class Outcome:
    job: Job
    path: Path
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def file_stem(title: str) -> str:
    """An official title as a file name: spaces dropped, characters no file system allows replaced."""
    return re.sub(r'[\\/:*?"<>|]', "_", re.sub(r"\s+", "", title))


def _renderer(kind: str, fmt: str) -> Callable[..., bytes]:
    if fmt == "docx":
        from sqdocs.writers.docx import render_plan as render_docx

        return render_docx
    if fmt == "pdf":
        from sqdocs.writers.pdf import render_plan as render_pdf

        return render_pdf
    raise UserError(f"不支援的格式「{fmt}」；可用：{'、'.join(FORMATS)}")


def plan_jobs(plan: Plan, kinds: list[str], formats: list[str], options: BuildOptions) -> list[Job]:
    """The jobs that build the requested documents of ``plan``."""
    jobs: list[Job] = []
    if "plan" in kinds:
        for fmt in formats:
            render = _renderer("plan", fmt)
            jobs.append(
                Job("plan", fmt, f"{file_stem(plan.title)}.{fmt}", lambda r=render: r(plan, options))
            )
    return jobs


def run_jobs(jobs: list[Job], out_dir: Path, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build every job; one failing job is reported and the others still build."""
    outcomes = []
    for job in jobs:
        path = out_dir / job.filename
        try:
            write_atomic(path, job.render())
            outcome = Outcome(job, path)
        except UserError as exc:
            outcome = Outcome(job, path, str(exc))
        except OSError as exc:
            outcome = Outcome(job, path, f"無法寫入 {path}：{exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 — one broken writer must not stop the other documents
            outcome = Outcome(job, path, f"內部錯誤（{type(exc).__name__}: {exc}）；請回報此訊息與資料檔")
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes
