"""Progress of a build: a live bar on a terminal, plain log lines otherwise (CI, pipes, files)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import TextIO

from sqdocs.build import Job, Outcome


class _Lines:
    """One line per finished document: what a log file or CI should show."""

    def working(self, jobs: list[Job]) -> None:
        """Nothing: a log shows what finished, not what is under way."""

    def __init__(self, total: int, stream: TextIO):
        self.total, self.done, self.stream = total, 0, stream
        self.start = time.perf_counter()

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        mark = "✓" if outcome.ok else "✗"
        if not outcome.ok:
            tail = f"：{outcome.error}"
        else:
            tail = "（中斷時剛好完成）" if outcome.seconds is None else f"（{outcome.seconds:.2f} 秒）"
        print(f"[{self.done}/{self.total}] {mark} {outcome.path}{tail}", file=self.stream, flush=True)
        for note in outcome.warnings:
            print(f"    警告：{note}", file=self.stream, flush=True)


_KINDS = {"plan": "執行計畫", "report": "績效報告"}


def _short(job: Job) -> str:
    """A document's name short enough for beside the bar: keelung-107/第一分局細部計畫.docx."""
    what = f"{job.unit}細部計畫" if job.kind == "subplan" else _KINDS.get(job.kind, job.kind)
    return f"{job.folder.name}/{what}.{job.fmt}"


@contextmanager
def progress(total: int, stream: TextIO | None = None):
    """Yield a callback to call with each :class:`Outcome` as it finishes; its ``working``
    method takes the jobs being built, which a terminal shows beside the bar."""
    stream = stream or sys.stderr
    if not stream.isatty() or total <= 1:
        yield _Lines(total, stream)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column

    console = Console(file=stream)
    bar = Progress(
        TextColumn("產生文件"), BarColumn(bar_width=20), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("剩餘"),
        TimeRemainingColumn(),
        # The documents being built, cut short rather than wrapped on a narrow terminal.
        TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1)),
        console=console, transient=False, expand=True,
    )
    with bar:
        task = bar.add_task("", total=total)

        class Advance:
            """Called with each outcome; ``working`` names the documents being built."""

            def __call__(self, outcome: Outcome) -> None:
                # Left for the terminal to wrap: rich wraps at spaces, which left 「✗」 alone on
                # a narrow terminal's line above a path, and broke Chinese after any space.
                if not outcome.ok:
                    console.print(f"✗ {outcome.path}：{outcome.error}", markup=False, soft_wrap=True)
                for note in outcome.warnings:
                    console.print(f"警告：{outcome.path.name}：{note}", markup=False, soft_wrap=True)
                bar.update(task, advance=1)

            def working(self, jobs: list[Job]) -> None:
                bar.update(task, description="、".join(_short(job) for job in jobs))

        yield Advance()
