"""Problems in a filled form addressed as ``sheet!cell``: those found reading the cells, and the
YAML loader's, shown at the cell their field came from (:class:`CellMap`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from openpyxl.utils import get_column_letter

from sqdocs.load.diagnostics import Diagnostic, Loc, format_path


@dataclass(frozen=True)
class CellProblem:
    """One problem in a filled form, at one cell; printed as ``細部計畫!G7: message``."""

    sheet: str
    row: int
    column: int
    message: str
    severity: Literal["error", "warning"] = "error"

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        kind = "" if self.severity == "error" else "警告："
        return f"{self.sheet}!{self.cell}: {kind}{self.message}"


class FormError(Exception):
    """A form that cannot be imported; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[CellProblem], *, fixable: bool = True):
        self.problems = list(problems)
        self.fixable = fixable
        """False for a form no correction makes importable: another agency's, year's or plan's."""
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Where:
    sheet: str
    row: int
    column: int


class CellMap:
    """Which cell each field of the YAML data came from, to show the loader's problems there."""

    def __init__(self, fallback: Where):
        self.fallback = fallback
        self._cells: dict[str, Where] = {}

    def put(self, loc: Loc, where: Where) -> None:
        self._cells[format_path(loc)] = where

    def find(self, path: str) -> Where:
        """The cell of ``path`` (``points[3].units[1]``) or of the nearest enclosing field."""
        while path:
            if path in self._cells:
                return self._cells[path]
            cut = re.search(r"(\[\d+\]|\.[^.\[\]]+)$", path)
            path = path[: cut.start()] if cut else ""
        return self.fallback

    def problem(self, diagnostic: Diagnostic) -> CellProblem:
        """A loader diagnostic as a cell problem."""
        at = self.find(diagnostic.path)
        return CellProblem(at.sheet, at.row, at.column, diagnostic.message, diagnostic.severity)


def merge(found: list[CellProblem], later: Iterable[CellProblem]) -> list[CellProblem]:
    """``found`` (from reading the cells) and the loader's ``later`` problems, without repeating a
    cell already reported, nor warning about a row that already has an error."""
    cells = {(p.sheet, p.row, p.column) for p in found if p.severity == "error"}
    rows = {(sheet, row) for sheet, row, _ in cells}
    return found + [
        p for p in later
        if (p.sheet, p.row, p.column) not in cells and not (p.severity == "warning" and (p.sheet, p.row) in rows)
    ]


def sort_problems(problems: Iterable[CellProblem], sheets: Sequence[str]) -> list[CellProblem]:
    """Workbook order: by sheet tab, then row, then column."""
    rank = {name: i for i, name in enumerate(sheets)}
    return sorted(problems, key=lambda p: (rank.get(p.sheet, len(rank)), p.row, p.column, p.message))


RUN = 10
"""As many cells in a row of one column with the same problem are told on one line."""


def problem_lines(problems: Sequence[CellProblem]) -> list[str]:
    """The problems as printed, one line each, except that :data:`RUN` or more cells one below the
    other in a column with the same problem are one line, 「執行成果!H13–H150012（共 150,000 格）: …」.

    A value filled down a column (「已完成」 dragged to row 150,012) printed a line for every cell.
    """
    runs: list[list[CellProblem]] = []
    last: dict[tuple[str, int, str, str], list[CellProblem]] = {}
    for problem in problems:
        key = (problem.sheet, problem.column, problem.message, problem.severity)
        run = last.get(key)
        if run is not None and run[-1].row == problem.row - 1:
            run.append(problem)
        else:
            last[key] = run = [problem]
            runs.append(run)
    lines: list[str] = []
    for run in runs:
        if len(run) < RUN:
            lines += [str(problem) for problem in run]
            continue
        first, end = run[0], run[-1]
        kind = "" if first.severity == "error" else "警告："
        lines.append(f"{first.sheet}!{first.cell}–{end.cell}（共 {len(run):,} 格）: {kind}{first.message}")
    return lines
