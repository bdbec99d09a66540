"""ROC (民國) calendar dates: ``107 年 1 月 1 日`` ⇄ :class:`datetime.date`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

ROC_OFFSET = 1911

_ROC_RE = re.compile(
    r"^\s*(?:民國\s*)?(?P<y>\d{1,3})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[/.\-](?P<m2>\d{1,2})[/.\-](?P<d2>\d{1,2}))\s*$"
)

WESTERN_DATE = re.compile(r"^\s*(\d{4})\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})\s*日?\s*$")
"""A Western (西元) date typed as text: ``2018-06-30``, ``2018/6/30``, ``2018年6月30日``; the whole
text, so that 「2018-06-305」 or 「2018-06-30前」 is no date at all rather than 30 June."""


def western_date(text: str) -> date | None:
    """The day a Western date typed as text names (:data:`WESTERN_DATE`), or None when the text
    is not one. ValueError in Chinese when there is no such day (「2018-06-31」)."""
    m = WESTERN_DATE.match(text)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        why = f"一年沒有 {month} 月" if not 1 <= month <= 12 else f"{year} 年 {month} 月沒有 {day} 日"
        raise ValueError(f"「{text.strip()}」不是存在的日期（{why}）") from None


def roc_year(d: date) -> int:
    """The ROC year of a Gregorian date (2018 → 107)."""
    return d.year - ROC_OFFSET


def parse_roc(text: str) -> date:
    """Parse an ROC date such as ``107 年 1 月 15 日``, ``107年1月15日`` or ``107/1/15``.

    Raises ValueError with a message in Chinese when the text is not a real date.
    """
    m = _ROC_RE.match(text)
    if not m:
        raise ValueError(f"「{text}」不是民國日期，請寫成「{example_date()}」")
    year = int(m["y"])
    month = int(m["m"] or m["m2"])
    day = int(m["d"] or m["d2"])
    if year < 1:
        raise ValueError(f"「{text}」的民國年必須大於 0")
    # Out of range in every month: 「13 月沒有 1 日」 would blame the day.
    if not 1 <= month <= 12:
        raise ValueError(f"「{text}」不是存在的日期（一年沒有 {month} 月；月份須為 1–12）")
    if not 1 <= day <= 31:
        raise ValueError(f"「{text}」不是存在的日期（沒有 {day} 日；日須為 1–31）")
    try:
        return date(year + ROC_OFFSET, month, day)
    except ValueError:
        raise ValueError(f"「{text}」不是存在的日期（民國 {year} 年 {month} 月沒有 {day} 日）") from None


def format_roc(d: date, *, compact: bool = False) -> str:
    """Format a date the way the plan writes it: ``107 年 1 月 15 日`` (or ``107年1月15日``)."""
    if d.year <= ROC_OFFSET:
        raise ValueError(f"{d.isoformat()} 早於民國元年")
    sep = "" if compact else " "
    return f"{roc_year(d)}{sep}年{sep}{d.month}{sep}月{sep}{d.day}{sep}日"


def date_examples(year: int) -> tuple[str, str, str]:
    """30 June of ROC ``year`` as a clerk may type it: 「108 年 6 月 30 日」「108/6/30」「2019/6/30」.

    A skeleton or form of the 108 plan gives 108 dates as examples: a 107 one lies outside the
    very period the same sentence asks for."""
    return f"{year} 年 6 月 30 日", f"{year}/6/30", f"{year + ROC_OFFSET}/6/30"


_EXAMPLE_YEAR: ContextVar[int] = ContextVar("sqdocs_example_year", default=107)


@contextmanager
def examples_in(year: int | None) -> Iterator[None]:
    """While reading one plan year's files, give the dates in messages as examples in that year:
    a clerk of the 108 plan told to write 「107 年 6 月 30 日」 would copy a date outside the period."""
    if year is None or not 1 <= year <= 999:  # a plan.yaml whose year is itself wrong gives none
        year = _EXAMPLE_YEAR.get()
    token = _EXAMPLE_YEAR.set(year)
    try:
        yield
    finally:
        _EXAMPLE_YEAR.reset(token)


def example_year() -> int:
    """The ROC year dates in messages are given in (:func:`examples_in`); 107 outside any."""
    return _EXAMPLE_YEAR.get()


def example_date(*, slash: bool = False) -> str:
    """30 June of :func:`example_year`: 「107 年 6 月 30 日」 or 「107/6/30」."""
    roc, typed, _ = date_examples(example_year())
    return typed if slash else roc
