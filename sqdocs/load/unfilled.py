"""Fill-in markers: values a new year's data must have re-entered (written 【待填】…)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqdocs.load.diagnostics import Diagnostic, Loc
from sqdocs.load.yamlfile import YamlDoc

MARKER = "【待填】"
_LAST_YEAR = re.compile(r"（\d{1,3} 年為 .*）")
"""The hint rollover writes after the marker: 「（107 年為 黃明昭）」."""


def is_unfilled(value: Any) -> bool:
    """Whether a value is a fill-in marker left by ``sqdocs rollover``."""
    return isinstance(value, str) and value.lstrip().startswith(MARKER)


def _marked_field(loc: tuple[Any, ...]) -> bool:
    """Whether rollover writes a marker at ``loc``: a letter's date and number, a deadline, a name
    of the roster (not a text of the plan, which may well say 「（106 年為 85%）」)."""
    return bool(loc) and (loc[-1] in ("date", "number", "deadline") or (loc[0] == "members" and loc[-1] == "name"))


def is_hint_left(value: Any, loc: tuple[Any, ...]) -> bool:
    """Whether a value is rollover's hint with only the marker deleted: 「局長的姓名（107 年為 黃明昭）」,
    which would print as the name."""
    return (isinstance(value, str) and not is_unfilled(value) and _marked_field(loc)
            and _LAST_YEAR.search(value) is not None)


def unfilled(doc: YamlDoc) -> Iterator[Diagnostic]:
    """One diagnostic per value still marked 【待填】, with what to enter."""

    def walk(value: Any, loc: Loc) -> Iterator[Diagnostic]:
        if isinstance(value, dict):
            for key, child in value.items():
                yield from walk(child, (*loc, key))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                yield from walk(child, (*loc, i))
        elif is_unfilled(value):
            hint = value.strip()[len(MARKER):].strip()
            yield doc.diagnostic(loc, f"尚未填寫{('：' + hint) if hint else ''}；請把雙引號中的整段提示（含「{MARKER}」）換成正確內容")
        elif is_hint_left(value, loc):
            what = value[: _LAST_YEAR.search(value).start()].strip() or "正確內容"  # type: ignore[union-attr]
            yield doc.diagnostic(loc, f"「{value.strip()}」是 sqdocs rollover 留下的提示，只刪了「{MARKER}」；"
                                      f"請把整段（含括號中的說明）換成{what}")

    yield from walk(doc.data, ())
