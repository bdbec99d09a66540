"""Arithmetic of the report: exact aggregation, rounding half up (四捨五入) and figure texts.

Every figure is computed with :class:`fractions.Fraction` from the numbers as typed, so a bureau
ratio is exactly Σ numerators ÷ Σ denominators and rounding happens once, for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from sqdocs.model.results import Indicator, Measure

NO_DATA = "—"

PARTIAL_MARK = "*"
"""After a bureau figure (a sum, ratio or mean) that lacks units which have not reported: in the
summary table and on the charts (壹's opening sentence says what it means)."""


def total_word(kind: str, aggregate: str | None) -> str:
    """What a bureau figure is called where it is said to lack units: 合計, 比率 or 平均."""
    if kind == "ratio":
        return "比率"
    return "平均" if aggregate == "mean" else "合計"


def totals_word(words: Iterable[str]) -> str:
    """One word for several figures' :func:`total_word`: theirs when they share it, else 數值."""
    distinct = set(words)
    return distinct.pop() if len(distinct) == 1 else "數值"


def plain_number(value: float | None) -> float | int | None:
    """A number as tables and forms show it: 83.0 → 83, so counts read as counts; other
    values keep their full precision."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def exact(number: float | int) -> Fraction:
    """The number as the person typed it (0.1 stays 1/10, not the nearest binary float)."""
    return Fraction(str(number)) if isinstance(number, float) else Fraction(number)


def rounded(value: Fraction, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` rounded half up (or as ``rounding`` says) to ``places`` decimals."""
    with localcontext() as ctx:
        ctx.prec = 50
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return quotient.quantize(Decimal(1).scaleb(-places), rounding=rounding)


_MORE_PLACES = 3
"""Decimals :func:`told` may add to tell a figure from a limit: 99.9995% is as far as it goes."""


def told(value: Fraction, places: int, *limits: Fraction) -> Decimal:
    """``value`` rounded to ``places``, or to more decimals if that would show it as one of
    ``limits`` it is not; negative zero never appears.

    A rate of 1 999 in 2 000 is 99.95%: at one decimal it reads 100.0%, every case on time,
    which a report must not claim. Past three more decimals it is rounded away from the limit
    (99.99999% → 99.9999%).
    """
    for more in range(places, places + _MORE_PLACES + 1):
        number = rounded(value, more)
        if not any(number == limit != value for limit in limits):
            break
    else:
        number = rounded(value, places + _MORE_PLACES, ROUND_FLOOR if value < number else ROUND_CEILING)
    return abs(number) if number == 0 else number


_PERCENT_LIMITS = (Fraction(0), Fraction(100))


def shown(value: Fraction, unit: str, places: int) -> Decimal:
    """``value`` as the report prints it: with the indicator's decimals, or more for a
    percentage they would show as 100.0% or 0.0% (:func:`told`)."""
    return told(value, places, *_PERCENT_LIMITS) if unit == "%" else told(value, places)


def decimals(number: Decimal) -> int:
    """How many decimals ``number`` is written with."""
    return max(0, -int(number.as_tuple().exponent))


def grouped(number: Decimal) -> str:
    """``1234.5`` → ``1,234.5``, with the decimals ``number`` has."""
    return f"{number:,.{decimals(number)}f}"


def plain_shown(value: Fraction, unit: str, places: int) -> str:
    """``value`` as the report shows it (:func:`shown`), without grouping: ``12411``, ``95.4``, ``99.95``."""
    number = shown(value, unit, places)
    return f"{number:.{decimals(number)}f}"


def number_text(value: Fraction, places: int) -> str:
    """``1234.5`` → ``1,234.5``; negative zero never appears."""
    return grouped(told(value, places))


def value_text(value: Fraction | None, unit: str, places: int) -> str:
    """A figure with its unit: ``98.6%``, ``1,234 件``, ``86.5 分``; ``—`` for no data; a
    percentage short of 100 never reads 100.0% (``99.95%``)."""
    if value is None:
        return NO_DATA
    text = grouped(shown(value, unit, places))
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def delta_text(delta: Fraction, unit: str, places: int) -> str:
    """A signed change: ``+0.5 個百分點`` for percentages, ``-12 件`` for counts."""
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    text = number_text(abs(delta), places)
    return f"{sign}{text} 個百分點" if unit == "%" else f"{sign}{text} {unit}"


@dataclass(frozen=True)
class Share:
    """One unit's part of an aggregate: its figure, or why it was left out."""

    unit: str
    value: Fraction | None
    numerator: Fraction | None = None
    denominator: Fraction | None = None
    base: Fraction | None = None
    excluded: str | None = None


@dataclass(frozen=True)
class Total:
    """A bureau-wide figure and what it was computed from."""

    value: Fraction | None
    numerator: Fraction | None
    denominator: Fraction | None
    base: Fraction | None
    counted: int


def unit_share(indicator: Indicator, unit: str, measure: Measure) -> Share:
    """A unit's own figure for ``indicator``; ratios in percent (0–100)."""
    if indicator.kind == "ratio":
        num = exact(measure.numerator or 0)
        den = exact(measure.denominator or 0)
        if den == 0:
            return Share(unit, None, num, den, excluded="分母為 0，比率無法計算，未列入全局比率")
        return Share(unit, num / den * 100, num, den)
    value = exact(measure.value or 0)
    if indicator.aggregate == "mean":
        base = exact(measure.base or 0)
        if base == 0:
            return Share(unit, value, base=base, excluded=f"{indicator.base or '權數'}為 0，未列入加權平均")
        return Share(unit, value, base=base)
    return Share(unit, value)


def aggregate(indicator: Indicator, shares: Sequence[Share]) -> Total:
    """The bureau figure: Σ numerators ÷ Σ denominators, a sum, or a mean weighted by base."""
    counted = [s for s in shares if s.excluded is None]
    if indicator.kind == "ratio":
        num = sum((s.numerator or Fraction(0) for s in counted), Fraction(0))
        den = sum((s.denominator or Fraction(0) for s in counted), Fraction(0))
        value = num / den * 100 if den else None
        return Total(value, num, den, None, len(counted))
    if not counted:
        return Total(None, None, None, None, 0)
    if indicator.aggregate == "mean":
        base = sum((s.base or Fraction(0) for s in counted), Fraction(0))
        weighted = sum(((s.value or Fraction(0)) * (s.base or Fraction(0)) for s in counted), Fraction(0))
        return Total(weighted / base if base else None, None, None, base, len(counted))
    return Total(sum((s.value or Fraction(0) for s in counted), Fraction(0)), None, None, None, len(counted))


def growth(current: Fraction | None, previous: Fraction | None) -> Fraction | None:
    """Growth rate in percent; None when either figure is missing or the previous one is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100
