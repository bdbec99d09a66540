"""Reading a filled form's cells back: which cells a sheet holds, and each value as the text,
lines, date, deadline or number it stands for.

Reading a form back turns the cells into the same plain data a YAML file holds, so the YAML
loader can check it. A value the import cannot take is a ValueError in Chinese, for its cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.utils.datetime import from_excel, to_excel
from openpyxl.worksheet.worksheet import Worksheet

from sqdocs.forms.kinds import FIRST_ROW
from sqdocs.model.common import CONTINUOUS, MAX_FIGURE, without_invisible
from sqdocs.text.lines import joined
from sqdocs.text.roc import (
    ROC_OFFSET,
    date_examples,
    example_date,
    example_year,
    format_roc,
    parse_roc,
    roc_year,
    western_date,
)

# ---- the cells a sheet holds ----------------------------------------------------------
# openpyxl's ws.cell(), ws.iter_rows() and a loop to ws.max_row create every cell they are asked
# for: one character typed in row 1048576 made the import create a million rows of cells (minutes,
# gigabytes). Reading goes through the cells the file holds instead, whatever row they are in.


def held(ws: Worksheet) -> dict[tuple[int, int], Cell]:
    """The cells the file holds, by (row, column): openpyxl's own map, which reading leaves as it is."""
    return ws._cells


def value_at(ws: Worksheet, row: int, column: int) -> Any:
    """The value of a cell, None for one the file does not hold (and without creating it)."""
    cell = held(ws).get((row, column))
    return None if cell is None else cell.value


def held_cells(ws: Worksheet, first: int = FIRST_ROW) -> list[Cell]:
    """The cells from row ``first`` on that hold a value, in row and column order."""
    return [cell for (row, _), cell in sorted(held(ws).items()) if row >= first and cell.value is not None]


def filled_rows(ws: Worksheet, first: int = FIRST_ROW) -> list[int]:
    """The rows from ``first`` on with a cell holding a value, in order: the rows a loop to
    ``ws.max_row`` would find anything in."""
    return sorted({row for (row, _), cell in held(ws).items() if row >= first and cell.value is not None})


def first_filled(ws: Worksheet, row: int, columns: Iterable[int]) -> int | None:
    """The first of ``columns`` that holds something in ``row``, or None."""
    return next((c for c in columns if not blank(value_at(ws, row, c))), None)


# ---- reading cells ------------------------------------------------------------------


def display(value: Any) -> str:
    """A value as a cell shows it: dates in ROC form (a date before 民國元年 in Western form)."""
    if isinstance(value, (date, datetime)):
        try:
            return format_roc(cell_day(value))
        except ValueError:
            return _western(value)
    return str(value)


def _western(day: date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as ROC dates, surrounding blanks
    dropped, and characters that print as nothing left out (:func:`without_invisible`): a zero-width
    space or soft hyphen pasted from Word or a web page cannot be seen in Excel, so a clerk told
    to delete it could not find it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return display(value)
    if isinstance(value, (time, timedelta)):
        return _clock(value)
    text = _ESCAPED.sub(lambda m: chr(int(m[1], 16)), str(value))
    # Word's line break (Shift+Enter, \v) and page break (\f) pasted into a cell: a new line,
    # as they look in Word. Other control characters stay, for the loader to refuse at their cell.
    text = re.sub("\r\n?|[\v\f]", "\n", text)
    return without_invisible(text).strip()


# How Excel writes a character XML cannot hold (a control character, a line's \r) in a
# cell: 「_x0007_」, and a text that itself reads so as 「_x005F_x0007_」. openpyxl reads
# these as they are written; left so, 「_x000B_」 printed in the documents.
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _clock(value: time | timedelta) -> str:
    """A time as Excel shows it: 1:00 typed into a cell is stored as a time of day (or, in an
    [h]:mm cell, a duration), and read back so by openpyxl."""
    if isinstance(value, time):
        hours, minutes, seconds = value.hour, value.minute, value.second
    else:
        total = int(value.total_seconds())
        hours, minutes, seconds = total // 3600, total // 60 % 60, total % 60
    return f"{hours}:{minutes:02}" + (f":{seconds:02}" if seconds else "")


def cell_paragraph(value: Any) -> str:
    """A cell that is one paragraph (執行成果, a note, a title), its lines joined as Chinese is
    written (:func:`sqdocs.text.lines.joined`): 「14 項，」+「尚未」 is 「14 項，尚未」, not 「14 項，
    尚未」. Runs of blanks in a line become one space, as they do in any text the import writes."""
    return joined(" ".join(line.split()) for line in cell_text(value).split("\n"))


# Where a line of 執行成果 is a line of its own: it starts with a numbering or bullet mark (一、 (一)
# 1. 1、 (1) ① ● ※ …; not 1.5), or the line before ends a heading or a sentence (： 。 ！ ？).
_ITEM_START = re.compile(
    r"^(?:\d{1,2}(?:[.．](?!\d)|[、)）])|[（(]\d{1,2}[)）]"
    r"|[一二三四五六七八九十壹貳參肆伍陸柒捌玖拾]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]"
    r"|[\u2460-\u2473•●○◦▪■□◆◇★☆※►▶➢➤✓✔]|[-－*＊](?!\d))"
)
_LINE_END = re.compile(r"(?:[：:]|[。！？!?][」』）)”’]*)$")


def cell_passage(value: Any) -> str:
    """執行成果: the lines of a cell joined as :func:`cell_paragraph` joins them, but for the breaks
    that give the text its structure, kept as line breaks, which the documents keep too: before a
    line that starts with a numbering or bullet mark (「一、」「1.」「(1)」「●」) and after a line
    that ends a heading or a sentence (「辦理情形：」「…2 項。」). 「14 項，」+「尚未訂定」, a line
    broken only to fit the cell, is still 「14 項，尚未訂定」."""
    groups: list[list[str]] = []
    for line in cell_text(value).split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        if groups and not (_ITEM_START.match(line) or _LINE_END.search(groups[-1][-1])):
            groups[-1].append(line)
        else:
            groups.append([line])
    return "\n".join(joined(group) for group in groups)


# A clerk's own numbering of the lines: 1. / 1、 / (1) / 1) — not 1.5 —, 一、, (一); and bullets.
_NUMBERINGS = (
    re.compile(r"^[（(]?(\d{1,2})(?:[.．](?!\d)|[、)）])\s*"),
    re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*"),
    re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*"),
)
_BULLET = re.compile(r"^(?:[•・●‧▪■◆○◦＊*]|[-－](?!\d))\s*")
_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", 1)}


def _numeral(text: str) -> int | None:
    """1 … 99 written 一 … 九十九 (or 1 … 99), None otherwise."""
    if text.isdecimal():
        return int(text)
    tens, ten, ones = text.partition("十")
    if not ten:
        return _DIGITS.get(text) if len(text) == 1 else None
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS) or len(text) > 3:
        return None
    return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)


def _numbering(lines: list[str]) -> list[re.Match[str]] | None:
    """The marks that number every line 1, 2, 3 … in one style, or bullet every line; None otherwise."""
    for pattern in _NUMBERINGS:
        marks = [pattern.match(line) for line in lines]
        if all(m and _numeral(m.group(1)) == n for n, m in enumerate(marks, 1)):
            return [m for m in marks if m]
    bullets = [_BULLET.match(line) for line in lines]
    return [m for m in bullets if m] if all(bullets) else None


def cell_lines(value: Any) -> list[str]:
    """One entry per line of a cell (Alt+Enter); blank lines dropped.

    The clerk may number the lines (1. 2. 3., 一、二、, (一)(二)) or bullet them by habit;
    documents number them anyway, so a numbering that runs 1, 2, 3 … over every line, or a
    bullet on every line, is removed (and only then: 「110 報案」 and 「1.5 倍」 stay).
    """
    lines = [line.strip() for line in cell_text(value).split("\n") if line.strip()]
    marks = _numbering(lines) if lines else None
    if marks:
        lines = [line[m.end():].strip() for line, m in zip(lines, marks, strict=True)]
    return [line for line in lines if line]


ROC_YEARS = range(1, 201)  # years a cell date may carry when an ROC date was taken for a year AD
_GREGORIAN_START = date(1582, 10, 15)


def _julian(day: date) -> tuple[int, int, int]:
    """The Julian-calendar (year, month, day) of a proleptic Gregorian date (the usual JDN algorithm)."""
    c = day.toordinal() + 1721425 + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1


def _not_in_period(text: str) -> ValueError:
    return ValueError(
        f"「{text}」不是計畫期程內的日期（早於民國元年：可能是在日期格填了數字）；"
        f"請填民國日期，如 {example_date()} 或 {example_date(slash=True)}，或 Excel 日期（如 {date_examples(example_year())[2]}）"
    )


def cell_day(value: date) -> date:
    """The date a clerk meant by a cell's date value. ValueError in Chinese for a date before 民國元年.

    LibreOffice in the zh-TW locale takes 107/6/30 for the year 107 AD, which it counts in the
    Julian calendar (as it does every date before 1582-10-15) while openpyxl counts the same
    serial number in the Gregorian one: undone, that is the ROC date typed.
    """
    day = value.date() if isinstance(value, datetime) else value
    if day.year > ROC_OFFSET:
        return day
    if day < _GREGORIAN_START:
        year, month, mday = _julian(day)
        if year in ROC_YEARS:
            return parse_roc(f"{year}/{month}/{mday}")  # 「…」不是存在的日期 for a Julian-only 2 月 29 日
    raise _not_in_period(_western(day))


_EXCEL_DAY_RANGE = (32874, 73051)  # 1990-01-01 … 2099-12-31 as Excel serial day numbers


class NotADate(ValueError):
    """A cell that holds no date at all (rather than a wrong one): a 完成期限 says what else it takes."""


# An input method in full-width mode types 「１０７／６／３０」: its digits read as digits, its marks do not.
_FULL_WIDTH_MARKS = str.maketrans("／．－", "/.-")


_COMPACT_DATE = re.compile(r"^(\d{2,3})(\d{2})(\d{2})$")


def _compact_date(text: str) -> ValueError | None:
    """「1080630」: an ROC date typed as one number, YYYMMDD, which a date cell takes for a serial
    day number thousands of years on. Told as the date it looks like, never taken for it. Six
    digits (「990630」) may be 民國 99 年 or 西元 2099 年: both readings are named."""
    match = _COMPACT_DATE.match(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if year not in ROC_YEARS:
        return None
    offsets = {f"民國 {year} 年": ROC_OFFSET, **({} if len(match[1]) == 3 else {f"西元 {2000 + year} 年": 2000})}
    readings = []
    for reading, offset in offsets.items():
        try:
            date(offset + year, month, day)
        except ValueError:
            continue
        readings.append(reading)
    if not readings:
        return None
    if len(offsets) == 1:  # a three-digit year is no Western one
        meant = format_roc(date(year + ROC_OFFSET, month, day))
        return ValueError(f"「{text}」看似民國 {meant}；請寫成 {meant} 或 {year}/{month}/{day}")
    return ValueError(
        f"「{text}」看似連寫的日期（{'或'.join(readings)} {month} 月 {day} 日）；"
        f"請寫成民國日期，如 {example_date()} 或 {example_date(slash=True)}"
    )


def cell_date(value: Any) -> date:
    """A real Excel date, or ROC text 「107 年 6 月 30 日」/「107/6/30」 (full-width marks too, 「１０７／６／３０」).
    ValueError in Chinese otherwise, naming the date a compact 「1080630」 looks like, or a date
    whose ROC year is not in :data:`ROC_YEARS` (民國 8088 年 would be written to the YAML as
    「8088 年 …」, which reads back as a Western year: a year that far off is a typo anyway)."""
    day = _cell_date(value)
    if roc_year(day) not in ROC_YEARS:
        shown = cell_text(value) if isinstance(value, str) else format_roc(day)
        raise ValueError(
            f"「{shown}」是西元 {day.year} 年（民國 {roc_year(day)} 年），不是計畫會用到的日期，可能打錯了年份；"
            f"請填民國日期，如 {example_date()} 或 {example_date(slash=True)}"
        )
    return day


def _cell_date(value: Any) -> date:
    if isinstance(value, (date, datetime)):
        serial = to_excel(value)
        if serial > _EXCEL_DAY_RANGE[1] and float(serial).is_integer():  # 1080630 typed into a date cell: year 4858
            compact = _compact_date(str(int(serial)))
            if compact is not None:
                raise compact
        return cell_day(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # a date whose cell format was lost (pasted as a value) is a plain serial day number
        if _EXCEL_DAY_RANGE[0] <= value <= _EXCEL_DAY_RANGE[1]:
            return from_excel(value).date()
        compact = _compact_date(cell_text(value))
        if compact is not None:
            raise compact
        raise NotADate(f"「{cell_text(value)}」不是日期；請填民國日期，如 {example_date()}")
    text = cell_text(value)
    if (compact := _compact_date(text)) is not None:
        raise compact
    marks = text.translate(_FULL_WIDTH_MARKS)
    try:
        # 2018/6/30 typed as text (Excel did not take it as a date): a Western year, not ROC 2018
        day = western_date(marks)
        if day is None:
            return parse_roc(marks)
    except ValueError as exc:
        if "不是存在的日期" in str(exc):  # named as typed
            raise ValueError(str(exc).replace(f"「{marks.strip()}」", f"「{text}」", 1)) from None
        raise NotADate(f"「{text}」不是日期；請填民國日期（如 {example_date()} 或 {example_date(slash=True)}）或 Excel 日期") from None
    if day.year <= ROC_OFFSET:
        raise _not_in_period(text)
    return day


def cell_deadline(value: Any) -> date | str | None:
    """完成期限: 賡續辦理, a date (see :func:`cell_date`), or None when blank."""
    text = cell_text(value)
    if not text:
        return None
    if text in (CONTINUOUS, "持續辦理"):
        return text
    try:
        return cell_date(value)
    except NotADate:
        raise ValueError(f"完成期限「{text}」應為「{CONTINUOUS}」或日期（如 {example_date()}、{example_date(slash=True)}）") from None


# What float() takes is too much (1_000, 1e3, inf): digits, thousands grouped properly or not at all.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:，\d{3})+|\d+)?(?:\.\d+)?$")
_NUMBER_WITH_UNIT = re.compile(r"^([+-]?[\d,，]*\.?\d+)\s*([%％]|[^\d\s.,，]{1,4})$")


def _typed_number(text: str) -> float:
    """A number typed as text: 1234, 1,234, 1，234, 12,345.6. ValueError in Chinese otherwise."""
    if _NUMBER.match(text) and any(c.isdecimal() for c in text):
        return float(text.replace(",", "").replace("，", ""))
    with_unit = _NUMBER_WITH_UNIT.match(text)
    if with_unit and _NUMBER.match(with_unit[1]):
        number, unit = with_unit.groups()
        hint = "（百分比以 0–100 填寫，85% 填 85）" if unit in "%％" else ""
        raise ValueError(f"應只填數字，實際是「{text}」；請刪除「{unit}」，只填 {number}{hint}")
    if re.fullmatch(r"[+-]?[\d,，]+(?:\.\d+)?", text):
        raise ValueError(f"「{text}」的千分位逗號位置不對；請只填數字，如 2235 或 2,235（每三位一個逗號）")
    raise ValueError(f"應填數字，實際是文字「{text}」")


def cell_number(value: Any, *, whole: bool) -> float | int | None:
    """A number ≥ 0 (a whole number when ``whole``), or None when blank. ValueError in Chinese otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (time, timedelta)):
        raise ValueError(f"應填數字，實際是時間「{cell_text(value)}」（Excel 把含「:」的輸入當成時間）；請只填數字")
    if isinstance(value, (date, datetime)):
        # A number in a cell Excel formatted as a date (after 5/1 was typed there once) shows,
        # and is saved, as a date: what to change is the cell's format, not the number.
        raise ValueError(
            f"應填數字，實際是日期「{cell_text(value)}」（這一格被設成日期格式，填入的數字會顯示成日期）；"
            "請將這一格的儲存格格式改為「通用格式」或「數值」，再只填數字"
        )
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"應填數字，實際是「{shortened(cell_text(value))}」")
    typed = shortened(cell_text(value))
    if isinstance(value, float) and not math.isfinite(value):  # <v>1e400</v>, written by another program
        raise ValueError(f"「{typed}」不是有限的數字；請填實際的數字")
    if isinstance(value, str):
        value = _typed_number(value.strip())  # inf for 400 digits: too large, below
    # an int stays exact: float() of one of 309 digits or more fails
    if value < 0:
        raise ValueError(f"不可為負數（填了 {typed}）")
    if value > MAX_FIGURE:  # as the loader says it, before a figure too large for a float fails
        raise ValueError(f"數值 {typed} 過大（超過 1 兆）；請確認是否多打了位數")
    if whole and not float(value).is_integer():
        raise ValueError(f"應填整數（件數、人數），實際是 {typed}")
    return int(value) if float(value).is_integer() else value


def shortened(text: str, most: int = 30) -> str:
    """``text`` as a message quotes it: a cell of 400 digits by its first ones and how many there are."""
    return text if len(text) <= most else f"{text[:most]}…（共 {len(text)} 個字元）"


def blank(value: Any) -> bool:
    """Whether a cell holds nothing but spaces (or nothing at all)."""
    return cell_text(value) == ""
