"""Numbers as typed and as the documents write them: exact values, rounding half up (四捨五入),
figure texts and growth rates.

Every figure is computed with :class:`fractions.Fraction` from the numbers as typed, so a bureau
ratio is exactly Σ numerators ÷ Σ denominators and rounding happens once, for display. Nothing
here knows of indicators or units: loaders, the report and the forms share it.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

NO_DATA = "—"


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


def growth(current: Fraction | None, previous: Fraction | None) -> Fraction | None:
    """Growth rate in percent; None when either figure is missing or the previous one is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100
