"""Progress of a build: a live bar on a terminal, plain log lines otherwise (CI, pipes, files)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import TextIO

from sqdocs.build import Outcome


class _Lines:
    """One line per finished document: what a log file or CI should show."""

    def __init__(self, total: int, stream: TextIO):
        self.total, self.done, self.stream = total, 0, stream
        self.start = time.perf_counter()

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        mark = "✓" if outcome.ok else "✗"
        tail = f"（{outcome.seconds:.2f} 秒）" if outcome.ok else f"：{outcome.error}"
        print(f"[{self.done}/{self.total}] {mark} {outcome.path}{tail}", file=self.stream, flush=True)
        for note in outcome.warnings:
            print(f"    警告：{note}", file=self.stream, flush=True)


@contextmanager
def progress(total: int, stream: TextIO | None = None):
    """Yield a callback to call with each :class:`Outcome` as it finishes."""
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

    console = Console(file=stream)
    bar = Progress(
        TextColumn("產生文件"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("剩餘"),
        TimeRemainingColumn(), TextColumn("{task.description}"), console=console, transient=False,
    )
    with bar:
        task = bar.add_task("", total=total)

        def advance(outcome: Outcome) -> None:
            if not outcome.ok:
                console.print(f"✗ {outcome.path}：{outcome.error}", markup=False)
            for note in outcome.warnings:
                console.print(f"警告：{outcome.path.name}：{note}", markup=False)
            bar.update(task, advance=1, description=outcome.path.name)

        yield advance
