"""reportlab's platypus, imported without compiling a pattern at import that sqdocs never uses.

Importing ``reportlab.platypus.paragraph`` compiles ``uri_pat``, a web address pattern that is
case-insensitive over most of Unicode: 65–70 ms of every cold command before its first
document, a twentieth of the sample set's start-up. reportlab matches it only when it
hyphenates a web address, which sqdocs's line breaking never asks of it. :func:`load` imports
the module with that one pattern compiled on first use instead.
"""

from __future__ import annotations

import re
import sys

_URI_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"  # how reportlab's uri_pat begins


class LazyPattern:
    """A regular expression compiled when it is first used, then used as the compiled one."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, pattern: str, flags: int):
        self._source = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):  # match, search, pattern, flags …
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


def load() -> None:
    """Import reportlab's paragraph module (and platypus with it) with ``uri_pat`` compiled
    lazily; nothing if it is imported already."""
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    compile_now = re.compile

    def compile_lazily(pattern, flags=0):
        if isinstance(pattern, str) and pattern.startswith(_URI_START):
            return LazyPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_lazily
    try:
        import reportlab.platypus.paragraph  # noqa: F401
    finally:
        re.compile = compile_now
