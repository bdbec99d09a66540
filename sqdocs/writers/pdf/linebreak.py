"""Chinese line breaking: where a line may end, and greedy filling of lines.

Rules (the usual ones of Traditional Chinese typesetting):

* a line may break between any two CJK characters;
* never before closing punctuation (，。、；：！？」』） …) and never after opening
  punctuation (「『（ …);
* Latin words and numbers (``m-police``, ``A1``, ``ODF``) are not split, except when a
  single word is wider than the whole line;
* spaces end a line (they hang in the margin) and never start one;
* a number stays with the word after it (「3 月」「8,547 件」);
* a web address is one word (never 「https:」 at a line's end and 「//…」 at the next one's
  start); one wider than the line is cut where it must, as any long word.

Pure functions of text and widths, so they can be tested without reportlab.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

# May not start a line (行首禁則).
CLOSING = frozenset(
    "，。、；：！？」』）〉》】〕〗］｝〞’”…‥·・％‰．｡､﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞"
    ",.;:!?)]}%"
)
# May not end a line (行尾禁則).
OPENING = frozenset("「『（〈《【〔〖［｛〝‘“﹙﹛﹝([{")

_FUZZ = 1e-6

# A scheme and what follows up to a space or a full-width character (「…gov.tw/查詢」 ends at 查):
# its ASCII punctuation would otherwise allow breaks (「https:」|「//」).
_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[!-~]+")


def _is_wide(ch: str) -> bool:
    """Ideographs, kana, fullwidth forms and the CJK symbols set in them: breakable on both sides."""
    width = unicodedata.east_asian_width(ch)
    # 'A' (ambiguous) covers Latin-1 letters too; from U+2000 on it is dashes, ☐, … set full width.
    return width in ("W", "F") or (width == "A" and ord(ch) >= 0x2000)


_SPACE, _CLOSE, _OPEN, _WIDE, _IDEO, _DIGIT, _ALNUM = (1 << n for n in range(7))
_KINDS: dict[str, int] = {}


def _kind(ch: str) -> int:
    """What the rules need to know of a character, as bits (looked up once per character)."""
    kind = _KINDS.get(ch)
    if kind is None:
        wide = _is_wide(ch)
        kind = (
            _SPACE * ch.isspace() | _CLOSE * (ch in CLOSING) | _OPEN * (ch in OPENING) | _WIDE * wide
            | _IDEO * (wide and unicodedata.category(ch) == "Lo") | _DIGIT * ch.isdigit() | _ALNUM * ch.isalnum()
        )
        _KINDS[ch] = kind
    return kind


def _may_break(before: int, after: int) -> bool:
    """Whether a line may end between characters of these kinds."""
    if after & (_SPACE | _CLOSE) or before & _OPEN:
        return False
    if before & (_SPACE | _WIDE) or after & _WIDE:
        return True
    # Half-width brackets hug the Latin word they enclose: 「(GIS)」, 「e)」.
    return bool(before & _CLOSE and not after & _ALNUM) or bool(after & _OPEN and not before & _ALNUM)


class _PairBreaks(dict):
    """:func:`_may_break` of a pair of kinds, looked up as ``_BREAKS[before << 7 | after]`` and
    worked out the first time a pair is seen (a text has a few dozen; a table of all 16,384
    made importing the module take 3.5 ms longer)."""

    def __missing__(self, pair: int) -> bool:
        self[pair] = allowed = _may_break(pair >> 7, pair & 0x7F)
        return allowed


_BREAKS = _PairBreaks()


def break_points(text: str) -> list[bool]:
    """``result[i]`` is True when a line may start at ``text[i]`` (index 0 is always False).

    Besides the rule between two characters (:func:`_may_break`), a number keeps the word
    that counts it: 「3 月」「8,547 件」「107年」 never end a line between them; and a web
    address is never broken.
    """
    kinds = [k if (k := _KINDS.get(ch)) is not None else _kind(ch) for ch in text]
    points = [False, *map(_BREAKS.__getitem__, [a << 7 | b for a, b in pairwise(kinds)])]
    for d in [d for d, k in enumerate(kinds) if k & _DIGIT]:
        # The 月 of 「3 月」: an ideograph after a digit, with at most one space between.
        i = d + 2 if text[d + 1 : d + 2] == " " else d + 1
        if i < len(text) and kinds[i] & _IDEO:
            points[i] = False
    if "://" in text:
        for address in _ADDRESS.finditer(text):
            points[address.start() + 1 : address.end()] = [False] * (len(address.group()) - 1)
    return points


# Chinese (and Japanese, Korean) letters, and Latin, Greek or Cyrillic letters and digits: the
# two sides of Word's automatic space. A pattern, not a loop over the characters: most
# paragraphs have a figure in them, and this runs for each.
_IDEOGRAPH = "\u3041-\u3096\u30a1-\u30fa\u3105-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f"
_LATIN = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
_AUTOSPACED = re.compile(f"[{_IDEOGRAPH}](?=[{_LATIN}])|[{_LATIN}](?=[{_IDEOGRAPH}])")


def autospaced(text: str) -> list[int]:
    """The indices ``i`` after which Word's automatic spacing (中英文間距, autoSpaceDE and
    autoSpaceDN, on unless a paragraph turns it off) sets a small space: between a Chinese
    character and a Latin letter or digit, either way round (「第2屆」「107年」「E化」).

    Not beside punctuation of either kind (「(RSS)」「，2」) nor a space, as LibreOffice
    lays out the .docx.
    """
    return [found.start() for found in _AUTOSPACED.finditer(text)]


@dataclass(frozen=True)
class Line:
    """Characters ``start``–``end`` (end exclusive, trailing spaces included) of width ``width``.

    ``width`` leaves out the trailing spaces: they hang past the line end.
    """

    start: int
    end: int
    width: float


def fit_lines(
    text: str, widths: Sequence[float], max_widths: Sequence[float], gaps: Mapping[int, float] | None = None
) -> list[Line]:
    """Fill lines greedily; ``max_widths[i]`` is the width of line i (the last one repeats).

    A ``\n`` in ``text`` ends its line (a line break written in the data, as Word and ODF
    keep it); it belongs to no line. ``gaps[i]`` is space set between ``text[i]`` and the
    character after it (:func:`autospaced`) when both are on one line.
    """
    if len(widths) != len(text):
        raise ValueError("one width per character is needed")
    if "\n" not in text and (whole := _one_line(text, widths, max_widths[0], gaps)) is not None:
        return [whole]
    points = break_points(text)
    lines: list[Line] = []
    start, n = 0, len(text)
    newline = -1  # the next line break written in the data, found once: a search per line
    # from each line's start to the text's end made a long paragraph's breaking quadratic
    while start < n:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0  # width up to i, trailing spaces included
        ink = 0.0  # width up to the last non-space character
        last_break = None
        i = start
        if newline < start:
            newline = text.find("\n", start)
            if newline < 0:
                newline = n
        end = stop = newline  # such a line break ends the line
        while i < stop:
            if i > start and points[i]:
                last_break = i
            used += widths[i]
            if gaps and i > start:
                used += gaps.get(i - 1, 0.0)
            if not text[i].isspace():
                if used > limit + _FUZZ and i > start:
                    # Too wide: end at the last allowed break, or mid-word if there is none
                    # (a word longer than the line must still make progress).
                    end = last_break if last_break is not None else _cut_word(text, start, i)
                    break
                ink = used
            i += 1
        if end < n:
            ink = _ink_width(text, widths, start, end, gaps)
        lines.append(Line(start, end, ink))
        start = end + 1 if end < n and text[end] == "\n" else end
    return lines


def _one_line(text: str, widths: Sequence[float], limit: float, gaps: Mapping[int, float] | None) -> Line | None:
    """``text`` as one line if it fits in ``limit``, else None: what :func:`fit_lines`'s loop
    finds for such a text (a half of a plan's paragraphs: cells of a date, a unit, a name),
    without its work per character. The widths are added in the loop's order, so that the
    line's width is the very same number."""
    last = len(text.rstrip())  # the loop's ink ends at the last character that is not a space
    if not last:
        return Line(0, len(text), 0.0) if text else None  # no text: no line
    if sum(widths[:last]) > limit + _FUZZ + 1e-3:  # too wide whatever the rounding
        return None
    if gaps:  # the loop adds the gap after character i − 1 once it has added character i
        sequence = [widths[0], *[x for i in range(1, last) for x in (widths[i], gaps.get(i - 1, 0.0))]]
    else:
        sequence = widths[:last]
    ink = functools.reduce(operator.add, sequence, 0.0)
    if ink > limit + _FUZZ:  # the loop would break it (or stand one wide character alone)
        return None
    return Line(0, len(text), ink)


def _cut_word(text: str, start: int, i: int) -> int:
    """Where to cut a word wider than the line: as late as possible, but still never before
    closing or after opening punctuation (only the keep-words-whole rule gives way)."""
    for j in range(i, start, -1):
        if not (text[j] in CLOSING or text[j].isspace() or text[j - 1] in OPENING):
            return j
    return i


def _ink_width(text: str, widths: Sequence[float], start: int, end: int, gaps: Mapping[int, float] | None) -> float:
    while end > start and text[end - 1].isspace():
        end -= 1
    return sum(widths[start:end]) + (sum(gaps.get(i, 0.0) for i in range(start, end - 1)) if gaps else 0.0)


def wrap(text: str, measure: Callable[[str], float], max_width: float) -> list[str]:
    """``text`` as lines no wider than ``max_width`` (trailing spaces dropped)."""
    widths = [measure(ch) for ch in text]
    return [text[ln.start : ln.end].rstrip() for ln in fit_lines(text, widths, [max_width])]
