"""Matching a filled sheet's rows to the rows the form was issued with, by their locked key cells:
rows moved are followed; rows added, repeated, changed or deleted are problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from sqdocs.forms.cells import filled_rows
from sqdocs.forms.problems import CellProblem


@dataclass
class RowMatch:
    """Which sheet row holds each issued row, and the problems found while matching."""

    rows: dict[tuple[Any, ...], int]
    problems: list[CellProblem]


def match_rows(
    ws: Worksheet,
    issued: dict[tuple[Any, ...], int],
    key_of: Callable[[int], tuple[Any, ...] | None],
    content: Callable[[int], int | None],
    describe: Callable[[tuple[Any, ...]], str],
    key_column: int,
) -> RowMatch:
    """Find every issued row by its locked key cells, wherever it moved.

    ``key_of(row)`` is the key the locked cells show (None when they are empty); ``content(row)``
    the first filled column of a row without a key (None when the row is blank). A row with
    content but no key was added; a key nobody issued means locked cells were changed; an issued
    key not found, where no changed row now stands, means its row was deleted.
    """
    found: dict[tuple[Any, ...], int] = {}
    changed: set[int] = set()  # rows whose locked cells were changed
    problems: list[CellProblem] = []
    for row in filled_rows(ws):
        key = key_of(row)
        if key is None:
            column = content(row)
            if column is not None:
                problems.append(CellProblem(
                    ws.title, row, column,
                    "多出的一列：表單只能填寫原有的列，請勿插入或複製列；同一格要寫多項時，"
                    "每項一行（Excel 按 Alt+Enter 換行），請把這一列的內容移到所屬評核重點的那一列",
                ))
            continue
        if key in found:
            problems.append(CellProblem(
                ws.title, row, key_column,
                f"{describe(key)}重複出現（第 {found[key]} 列已有）；請勿複製列，把內容合併到第 {found[key]} 列後刪除這一列",
            ))
        elif key not in issued:
            changed.add(row)
            problems.append(CellProblem(
                ws.title, row, key_column,
                f"灰底欄位被修改過：{describe(key)}不是這份表單發出時的內容；灰底欄位是本局計畫內容，請改回原文"
                "（或重新產生表單）",
            ))
        else:
            found[key] = row
    for key, row in issued.items():
        # Its row still there with a locked cell changed was just told as such: not deleted too.
        if key not in found and row not in changed:
            problems.append(CellProblem(
                ws.title, row, key_column,
                f"找不到{describe(key)}這一列（發出時在第 {row} 列），可能被刪除了；請勿刪除列，"
                "沒有內容的評核重點留白即可",
            ))
    return RowMatch(found, problems)
