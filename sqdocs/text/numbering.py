"""Chinese numbering of the official outline hierarchy: 壹、→ 一、→ (一) → 1. → (1)."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
_FORMAL_DIGITS = "零壹貳參肆伍陸柒捌玖"
_UNITS = ("", "十", "百", "千")
_FORMAL_UNITS = ("", "拾", "佰", "仟")


def _spell(n: int, digits: str, units: tuple[str, ...]) -> str:
    if not 1 <= n <= 9999:
        raise ValueError(f"numbering supports 1–9999, got {n}")
    parts: list[str] = []
    pending_zero = False
    for power in range(3, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            if parts:
                pending_zero = True
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        parts.append(digits[digit] + units[power])
    text = "".join(parts)
    # 10–19 read 十、十一 …, not 一十、一十一 (the formal form keeps 拾 alone the same way).
    lead = digits[1] + units[1]
    if 10 <= n <= 19 and text.startswith(lead):
        text = text[1:]
    return text


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 21 → 二十一, 105 → 一百零五."""
    return _spell(n, _DIGITS, _UNITS)


def formal_number(n: int) -> str:
    """1 → 壹, 10 → 拾, 11 → 拾壹, 20 → 貳拾, 21 → 貳拾壹 (大寫數字 for top-level sections)."""
    return _spell(n, _FORMAL_DIGITS, _FORMAL_UNITS)


# One entry per depth of the outline; deeper levels repeat the last style.
_LEVELS = (
    lambda n: f"{formal_number(n)}、",
    lambda n: f"{chinese_number(n)}、",
    lambda n: f"({chinese_number(n)})",
    lambda n: f"{n}.",
    lambda n: f"({n})",
)
OUTLINE_DEPTH = len(_LEVELS)
"""Levels of the official hierarchy, 壹、 to (1): the plan's clauses may not go deeper."""


def outline_label(depth: int, n: int) -> str:
    """Label of the n-th (1-based) entry at ``depth`` (0 = 壹、, 1 = 一、, 2 = (一), 3 = 1., 4+ = (1))."""
    if depth < 0:
        raise ValueError(f"depth must be ≥ 0, got {depth}")
    if n < 1:
        raise ValueError(f"numbering starts at 1, got {n}")
    return _LEVELS[min(depth, len(_LEVELS) - 1)](n)
