"""Names as people type them and as files must have them: one agency may be spelled 臺 or 台,
with spaces or without; a file name holds none of :data:`NOT_IN_FILE_NAMES`."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")  # \s covers the full-width space U+3000 too


def agency_key(name: str) -> str:
    """What two spellings of one agency have in common: 「台北市政府警察局」 and
    「臺北市 政府警察局」 give the same key. 臺 is the official form (教育部 常用國字標準字體)."""
    return _SPACE.sub("", name).replace("台", "臺")


NOT_IN_FILE_NAMES = '/\\:*?"<>|'
"""Characters a file name may not hold (Windows refuses them all; 「/」 would name a folder)."""
MAX_NAME_BYTES = 255
"""The longest file name Linux and macOS file systems take, in UTF-8 bytes (a CJK character is 3)."""


_SHELL_SPECIAL = re.compile(r"[\s'\"$`\\|&;<>()*?~!#\[\]{}]")
_IN_DOUBLE_QUOTES = re.compile(r"[\"$`\\!]")  # still special between double quotes (! in an interactive bash)


# A byte of a file name that is not UTF-8, as Python gives it: a lone surrogate (PEP 383).
_RAW_BYTE = re.compile("[\udc80-\udcff]")


def undecoded(text: str) -> bool:
    """Whether ``text`` (a file name) holds bytes that are not UTF-8, as a name a Windows zip
    left in Big5 does."""
    return _RAW_BYTE.search(text) is not None


def shell_word(word: str) -> str:
    """``word`` as typed on a command line: quoted only when a shell would split or expand it.
    (shlex.quote quotes every Chinese name as well, 「'第一分局'」, which no clerk types.)"""
    import shlex

    if undecoded(word):
        return _with_bytes(word)
    if word and not _SHELL_SPECIAL.search(word):
        return word
    if "'" in word and not _IN_DOUBLE_QUOTES.search(word):  # "John's data", not 'John'"'"'s data'
        return f'"{word}"'
    return shlex.quote(word)


def _with_bytes(word: str) -> str:
    """bash's (and zsh's) $'…', the one quoting in which bytes that are not UTF-8 can be typed:
    each as an octal escape, so that a name a Windows zip left in Big5 can still be given."""
    quoted = word.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _RAW_BYTE.sub(lambda byte: f"\\{ord(byte.group()) - 0xDC00:03o}", quoted) + "'"


def command_line(words: list[str]) -> str:
    """A command for a message, each word quoted only where a shell needs it (:func:`shell_word`)."""
    return " ".join(shell_word(word) for word in words)
