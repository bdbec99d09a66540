"""Numbered texts as typed: a number typed into one (「- 1.<TAB>定期辦理…」 prints 「1. 1. 定期辦理…」),
or the same text listed twice.

The label of a practice, a goal or a clause comes from its position (docs/data-format.md);
one typed as well, as in a text pasted from Word, is printed twice. Legal data, so a warning,
given by ``sqdocs validate``, ``check`` and ``build`` like the texts a ``#`` cut short.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqdocs.load.diagnostics import Diagnostic, Loc
from sqdocs.load.yamlfile import YamlDoc
from sqdocs.text.numbering import outline_label

_FORMAL = "壹貳參肆伍陸柒捌玖拾佰"
_CHINESE = "零一二三四五六七八九十百"
_DIGITS = "0-9０-９"
# 壹、 一、 (一) （一） 1. 1、 1． (1) （1）, with the spaces or tabs after it. Not 「1.5 倍」 or
# 「1999 專線」 (no mark right after the number), nor 「一、二級主管」 or 「1、2 月」 (a second
# number after 、: two numbers listed, not a label).
_LABEL = re.compile(
    rf"(?:[{_FORMAL}]+、|[{_CHINESE}]+、(?![{_CHINESE}{_DIGITS}])|[(（][{_CHINESE}]+[)）]"
    rf"|[{_DIGITS}]{{1,3}}(?:[.．](?![{_DIGITS}])|、(?![{_CHINESE}{_DIGITS}]))|[(（][{_DIGITS}]{{1,3}}[)）])[ \t\u3000]*"
)


def typed_label(text: str) -> str | None:
    """The outline label ``text`` starts with (「1.」, 「（一）」 …), without what follows it, or None."""
    found = _LABEL.match(text.lstrip())
    if found is None or found.end() == len(text.lstrip()):
        return None  # a text that is only 「一、」 says nothing more; it is not a doubled label
    return found.group().rstrip(" \t\u3000")


def _items(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _numbered(doc: YamlDoc) -> Iterator[tuple[Loc, str, str]]:
    """(where, the generated label, what is printed before the text) of every text printed
    after a generated label, in a file of the kind its name says."""
    name = doc.file.replace("\\", "/").rsplit("/", 1)[-1]
    data = doc.data
    if name == "plan.yaml":
        goals = _items(data.get("objectives") if isinstance(data, dict) else None, "goals")
        for n, _ in enumerate(goals, 1):
            label = outline_label(1, n)
            yield ("objectives", "goals", n - 1), label, label
        for key in ("steps", "assessment"):
            yield from _clauses(_items(data, key), (key,), 1)
    elif name == "annex1.yaml":
        for di, dim in enumerate(_items(data, "dimensions")):
            points = [(("dimensions", di, "points", pi), p) for pi, p in enumerate(_items(dim, "points"))]
            for ii, item in enumerate(_items(dim, "items")):
                points += [(("dimensions", di, "items", ii, "points", pi), p) for pi, p in enumerate(_items(item, "points"))]
            for loc, point in points:
                for key in ("practices", "actions"):
                    yield from _practices(_items(point, key), (*loc, key))
    elif doc.file.replace("\\", "/").rsplit("/", 2)[-2:-1] == ["subplans"]:
        for pi, point in enumerate(_items(data, "points")):
            yield from _practices(_items(point, "practices"), ("points", pi, "practices"))


def _practices(texts: list[Any], loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    for n, _ in enumerate(texts, 1):
        label = outline_label(3, n)
        yield (*loc, n - 1), label, f"{label} "


def _clauses(clauses: list[Any], loc: Loc, depth: int) -> Iterator[tuple[Loc, str, str]]:
    for n, clause in enumerate(clauses, 1):
        if not isinstance(clause, dict):
            continue
        label = outline_label(depth, n)
        title = clause.get("title")
        if isinstance(title, str) and title.strip():
            yield (*loc, n - 1, "title"), label, label
            # 「一、進行組織診斷：一、利用…」: the text follows the lead-in after its colon
            lead = title.strip() if len(title.strip()) <= 8 else f"{title.strip()[:6]}…"
            yield (*loc, n - 1, "text"), label, f"{label}{lead}："
        else:
            yield (*loc, n - 1, "text"), label, label
        yield from _clauses(_items(clause, "items"), (*loc, n - 1, "items"), depth + 1)


def typed_labels(doc: YamlDoc) -> Iterator[Diagnostic]:
    """A warning for each numbered text of ``doc`` that starts with a typed label."""
    for loc, label, printed in _numbered(doc):
        text = doc.text_at(loc)
        typed = typed_label(text) if text is not None else None
        if typed is None:
            continue
        body = re.sub(r"[ \t]+", " ", text.strip())  # a tab prints as a gap, shown here as a space
        shown = f"{printed}{body if len(body) <= 16 else body[:16] + '…'}"
        yield doc.diagnostic(loc, (
            f"文字開頭的「{typed}」像是手打的編號；編號「{label}」會依項目順序自動產生，此項印出為「{shown}」，"
            f"編號重複了；請刪除手打的「{typed}」"
        ), severity="warning")


def repeated_items(doc: YamlDoc) -> Iterator[Diagnostic]:
    """A warning for each practice or goal of ``doc`` that repeats an earlier one of its list
    (a line pasted twice): both are printed, numbered as two."""
    first: dict[tuple[Loc, str], str] = {}
    for loc, label, _ in _numbered(doc):
        if not isinstance(loc[-1], int):  # a clause: its lead-in and text are two parts of one item
            continue
        text = doc.text_at(loc)
        if text is None or not text.strip():
            continue
        key = (loc[:-1], re.sub(r"\s+", "", text))  # blanks are no difference a reader would see in Chinese
        if key in first:
            yield doc.diagnostic(loc, (
                f"此項與「{first[key]}」項的文字相同，印出時會以「{label}」再列一次；請刪除重複的一項"
            ), severity="warning")
        else:
            first[key] = label
