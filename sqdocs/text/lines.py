"""Chinese typed over several lines: a line break between two Chinese characters is no space."""

from __future__ import annotations

from collections.abc import Iterable


def east_asian(c: str) -> bool:
    """Chinese and Japanese script and punctuation, written without spaces between words."""
    code = ord(c)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation 「」，。, kana, bopomofo, ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= code <= 0xFE4F  # vertical forms
        or 0xFF00 <= code <= 0xFFEF  # full-width forms （），：；！？
        or 0x20000 <= code <= 0x3FFFF  # ideographs beyond the BMP
    )


def joined(lines: Iterable[str]) -> str:
    """The non-empty ``lines`` of one paragraph joined as Chinese is written: nothing where a break
    falls between two Chinese characters or marks (「14 項，」 / 「尚未」), one space elsewhere
    (after a Latin word or a number), as Pandoc's east_asian_line_breaks does."""
    out = ""
    for line in lines:
        if line:
            out += ("" if not out or east_asian(out[-1]) and east_asian(line[0]) else " ") + line
    return out
