"""Problems found in input, as values: where (file:line:col, field path), what, how to fix."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from sqdocs.fsutil import display_name

Loc = tuple[str | int, ...]


def format_path(loc: Loc) -> str:
    """``('dimensions', 0, 'items', 2)`` → ``dimensions[0].items[2]``; a key that is no text
    (``history: {106: …}``, a date, null) in brackets as YAML writes it: ``history[106]``, ``history[null]``."""
    out = ""
    for part in loc:
        if not isinstance(part, str):
            out += f"[{format_key(part)}]"
        else:
            out += f".{part}" if out else part
    return out


def format_key(value: object) -> str:
    """A value that is no text as YAML writes it: true, null, .inf, 2018-01-01, 106."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file. ``line`` and ``column`` are 1-based; 0 for a problem with a
    folder, which has no lines to point into."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        kind = "" if self.severity == "error" else "警告："
        # One line, as editors and logs read file:line:col messages: a line separator quoted from
        # the data (in a name it makes unknown) is shown by its code, not made a break.
        message = _LONG_QUOTE.sub(_shorten_quote, self.message.translate(_SHOWN_BREAKS))
        return f"{where}: {self.path}: {kind}{message}" if self.path else f"{where}: {kind}{message}"


_SHOWN_BREAKS = {ord(c): f"〔U+{ord(c):04X}〕" for c in "\x85\u2028\u2029"}

# A value quoted back at the user past this length (a text pasted into a name) is cut: the
# message around it, saying what to do, came after hundreds of lines of it.
_LONG_QUOTE = re.compile("「([^「」]{201,})」")


def _shorten_quote(found: re.Match[str]) -> str:
    text = found.group(1)
    return f"「{text[:60]}…」（共 {len(text)} 個字）"


class LoadError(Exception):
    """Input that cannot be used; carries every problem found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic], note: str = ""):
        self.diagnostics = sorted(diagnostics)
        self.note = note
        """What the user can still do meanwhile, said after the problems."""
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def folder_words(folder: Path) -> str:
    """A data folder named in a sentence: :func:`display_name`, except that the working folder
    is 「目前資料夾 keelung-107」 rather than a bare 「.」."""
    shown = display_name(folder)
    return f"目前資料夾 {folder.resolve().name}" if shown == "." else shown
