"""The comments of a unit's YAML that an import does not carry into the file it writes.

An import writes the file anew from the form, in the layout sqdocs gives it: the comments sqdocs
wrote come back (or are replaced by newer ones), the schema line is kept, but a clerk's own notes
cannot be placed again. They stay in the backup, and the import names them there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from sqdocs.subplans.text import (
    ADDED_STAMP,
    FLAG_STAMP,
    IMPORT_STAMP,
    KEPT_HEADING,
    REFERENCE_HEADER,
)
from sqdocs.text.yamltext import LINE_BREAK

# The line the README recommends for an editor's completion and checks: kept as it was.
_SCHEMA = re.compile(r"#\s*yaml-language-server:\s*\$schema=")

# Comments only sqdocs writes, in the words of this and earlier versions: the import's stamp and
# origin lines, the dimension and item headings, the hints beside empty slots, the notes of
# `subplan update`, of an import's kept entries and of `subplan init --from`.
_OWN = (
    re.compile(r"sqdocs-form-import:"),
    re.compile(r"本檔由 sqdocs "),
    re.compile(r"══ .+ ══$"),
    re.compile(r"── .+ ──$"),
    re.compile(r"← "),
    re.compile(f".*(?:{'|'.join(re.escape(stamp) for stamp in (FLAG_STAMP, ADDED_STAMP, IMPORT_STAMP))})"),
    re.compile(re.escape(KEPT_HEADING)),
    re.compile(r"\d+ 年(為「.+」；本局今年的完成期限是|的完成期限為 .+；請改填今年的期限)"),
)
_NUMBERED = re.compile(r"\d+\. ")
_TERMS = re.compile(r"本局完成期限：.+；本局承辦單位：")


@dataclass(frozen=True)
class Comment:
    line: int  # 1-based, in the file
    text: str  # from its 「#」, trailing spaces left out
    alone: bool  # on a line of its own, not after a value


def _body(comment: str) -> str:
    """A comment's words, for comparing: without its 「#」 and with its whitespace runs made one space."""
    return " ".join(comment.lstrip("#").split())


def yaml_comments(text: str) -> list[Comment]:
    """Every comment in ``text``; a 「#」 inside a quoted or block scalar is text, not a comment.
    When ``text`` does not scan as YAML, the lines that start with 「#」."""
    lines = LINE_BREAK.split(text)
    covered: dict[int, list[tuple[int, float]]] = {}  # line → the columns tokens take
    has_token: set[int] = set()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            start, end = token.start_mark, token.end_mark
            if start.line == end.line and start.column == end.column:
                continue  # stream, block end and other tokens that take no text
            for line in range(start.line, end.line + 1):
                first = start.column if line == start.line else 0
                last = end.column if line == end.line else float("inf")
                if first >= last:
                    continue  # a block scalar ends at the start of the line after it
                covered.setdefault(line, []).append((first, last))
                has_token.add(line)
    except yaml.YAMLError:
        return [Comment(n, line.rstrip(), True) for n, line in enumerate(lines, 1) if line.lstrip().startswith("#")]
    found = []
    for n, line in enumerate(lines):
        at = line.find("#")
        while at >= 0 and any(first <= at < last for first, last in covered.get(n, ())):
            at = line.find("#", at + 1)
        if at >= 0:
            found.append(Comment(n + 1, line[at:].rstrip(), n not in has_token))
    return found


def schema_line(text: str) -> str | None:
    """The ``# yaml-language-server: $schema=…`` line of ``text``, if it has one."""
    return next((c.text for c in yaml_comments(text) if c.alone and _SCHEMA.match(c.text)), None)


def dropped_comments(old: str, new: str, known: Iterable[str] = ()) -> list[Comment]:
    """The comments of ``old`` that sqdocs did not write and ``new`` does not have: the unit's own
    notes, which an import that writes ``new`` in place of ``old`` would lose. ``known``: other
    comment lines sqdocs writes in such a file (a skeleton's), which are not the unit's."""
    kept = {_body(c.text) for c in yaml_comments(new)} | {_body(line) for line in known}
    found = []
    reference = guide = quote = False  # inside a reference block; the header's 填寫說明; its quoted step
    lines = LINE_BREAK.split(old)
    first_data = next((n for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")),
                      len(lines) + 1)
    for comment in yaml_comments(old):
        body = _body(comment.text)
        if comment.alone:
            # The bureau's practices below REFERENCE_HEADER, however old: numbered, then the terms.
            reference = body == _body(REFERENCE_HEADER) or (reference and bool(_NUMBERED.match(body) or _TERMS.match(body)))
            # The header's numbered instructions and their continued lines, in any version's words.
            guide = comment.line < first_data and (body == "填寫說明：" or (guide and (
                bool(_NUMBERED.match(body)) or comment.text.startswith("#   "))))
            # The bureau's step quoted in the header (「依「…執行計畫」陸、執行步驟七：…」), in the words
            # of the plan when the file was written, and its lines down to the header's next 「#」.
            quote = comment.line < first_data and bool(body) and (body.startswith("依「") or quote)
        else:
            reference = guide = quote = False
        if not body or body in kept or reference or guide or quote or _SCHEMA.match(comment.text):
            continue
        if any(pattern.match(body) for pattern in _OWN):
            continue
        found.append(comment)
    return found
