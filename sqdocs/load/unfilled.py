"""Fill-in markers: values a new year's data must have re-entered (written 【待填】…)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqdocs.load.diagnostics import Diagnostic, Loc
from sqdocs.load.yamlfile import YamlDoc

MARKER = "【待填】"


def is_unfilled(value: Any) -> bool:
    """Whether a value is a fill-in marker left by ``sqdocs rollover``."""
    return isinstance(value, str) and value.lstrip().startswith(MARKER)


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
            yield doc.diagnostic(loc, f"尚未填寫{('：' + hint) if hint else ''}；請填入正確內容並刪除「{MARKER}」")

    yield from walk(doc.data, ())
