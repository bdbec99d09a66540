"""Bureau figures of the report: each unit's share of an indicator, their aggregate, and the
words that name a bureau figure. The numbers' arithmetic and texts are :mod:`sqdocs.text.numbers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqdocs.model.results import Indicator, Measure
from sqdocs.text.numbers import exact

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
