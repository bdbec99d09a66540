"""Single values written into YAML text that people read and edit (skeletons, imported forms).

A value is written plain when it reads back unchanged, else double-quoted: a JSON string is a
YAML double-quoted scalar, and it keeps Chinese characters as they are.
"""

from __future__ import annotations

import json
import re

import yaml

LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""A line break as YAML counts them, so line numbers agree with PyYAML's marks (str.splitlines
also splits at \\f, \\v …, which YAML does not)."""


def _written(text: str, wrap: str, expected: object) -> str:
    try:
        plain = yaml.safe_load(wrap.format(text)) == expected
    except (yaml.YAMLError, ValueError, LookupError):  # 2018-02-30 is no day, !!float x no number, !!int nothing
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def block_scalar(text: str) -> str:
    """``text`` as the value of a ``key: value`` line, its whitespace runs made single spaces."""
    text = " ".join(text.split())
    return _written(text, "k: {}", {"k": text})


def flow_scalar(text: str) -> str:
    """``text`` inside a YAML flow list or mapping (``[行政組, 各派出所]``), whitespace as above."""
    text = " ".join(text.split())
    return _written(text, "[{}]", [text])


def lines_scalar(text: str, indent: str) -> str:
    """``text`` as the value of a ``key: value`` line, exactly (blanks and all): a text of several
    lines as a literal block ``|``, its lines indented by ``indent``, as a person writes one; one
    that would not read back so (a first line indented) double-quoted."""
    if "\n" not in text:
        return _written(text, "k: {}", {"k": text})
    block = "|\n" + "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))
    try:
        literal = yaml.safe_load(f"k: {block}\n") == {"k": f"{text}\n"}
    except yaml.YAMLError:
        literal = False
    return block if literal else json.dumps(text, ensure_ascii=False)
