"""Typo hints: which known name a mistyped one most likely meant (「交通對」 → 「交通隊」).

Shared by the loaders, the subplan checks and derivation; names only, nothing of YAML or the model.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

SUGGEST_CUTOFF = 0.5
"""How alike two names must be (difflib's ratio) for one to be taken as a typo of the other."""


_DIGITS = "〇一二三四五六七八九"


def _in_words(number: int) -> str:
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[ones] if ones else ''}"
    return str(number)


def _numbers_in_words(name: str) -> str:
    """``name`` with its figures written as the registry writes them: 「第1分局」 → 「第一分局」.

    By letters alone 「第1分局」 is as like 「第四分局」 as 「第一分局」, and difflib picked the
    last: a clerk who took the hint would file one precinct's results under another's."""
    return re.sub(r"[0-9０-９]+", lambda m: _in_words(int(unicodedata.normalize("NFKC", m.group()))), name)


def close(name: str, other: str) -> bool:
    """Whether ``name`` and ``other`` are alike enough for one to be a typo of the other."""
    return difflib.SequenceMatcher(None, _numbers_in_words(name), _numbers_in_words(other)).ratio() >= SUGGEST_CUTOFF


_NUMERALS = re.compile("[〇一二三四五六七八九十百千]+")


def _numbered_otherwise(spelt: str, other: str) -> bool:
    """Whether two names (:func:`_numbers_in_words`) differ only in a number: 「第五分局」 and
    「第四分局」 name two units, and one is no typo of the other."""
    return spelt != other and _NUMERALS.sub("#", spelt) == _NUMERALS.sub("#", other)


def closest(word: str, choices: list[str]) -> str | None:
    """The one of ``choices`` most like ``word``, if any is alike enough to be its typo; never
    one that differs from it only in a number (「第5分局」 is not 「第四分局」 mistyped)."""
    spelt: dict[str, str] = {}
    word_spelt = _numbers_in_words(word)
    for choice in choices:
        choice_spelt = _numbers_in_words(choice)
        if not _numbered_otherwise(word_spelt, choice_spelt):
            spelt.setdefault(choice_spelt, choice)
    match = difflib.get_close_matches(word_spelt, list(spelt), n=1, cutoff=SUGGEST_CUTOFF)
    return spelt[match[0]] if match else None


def suggest(word: str, choices: list[str]) -> str:
    """「，是不是「X」？」 when a close match exists; for a name whose number none has
    (「第5分局」), the names that differ from it only in their number; else empty.

    The one name that holds ``word`` whole, or that it holds, comes first: 「第一分局」 after the
    unit became 「中正第一分局」 was offered 「第二分局」「第三分局」「第四分局」, another unit's."""
    spelt = _numbers_in_words(word)
    holding = [choice for choice in choices if choice != word and min(len(choice), len(word)) > 1
               and (spelt in _numbers_in_words(choice) or _numbers_in_words(choice) in spelt)]
    if len(holding) == 1:
        return f"，是不是「{holding[0]}」？"
    same = next((choice for choice in choices if _numbers_in_words(choice) == spelt), None)
    siblings = [choice for choice in choices if _numbered_otherwise(spelt, _numbers_in_words(choice))]
    if siblings and same is None:
        shown = "".join(f"「{name}」" for name in siblings[:8])
        return f"，現有的是{shown}{f'等 {len(siblings)} 個' if len(siblings) > 8 else ''}"
    match = same or closest(word, choices)
    return f"，是不是「{match}」？" if match else ""
