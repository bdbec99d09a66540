"""Value types shared by every part of the model: text, ROC dates, deadlines."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    Strict,
    WithJsonSchema,
)

from sqdocs.text.names import NOT_IN_FILE_NAMES
from sqdocs.text.roc import ROC_OFFSET, example_date, format_roc, parse_roc, western_date

# Characters XML 1.0 forbids: a .docx holding one is refused by Word.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Control characters XML does allow (DEL and the C1 set, left by a text decoded in the wrong
# code page): Word opens the file, but no font has them, so the PDF prints a box.
_OTHER_CONTROL = re.compile("[\x7f-\x9f]")

# Characters a text holds without anyone seeing them, often pasted from Word along with it: the
# format characters of Unicode (category Cf: zero-width space and joiners, the soft hyphen,
# word joiner, BOM, direction marks). The PDF prints each as a box, and a name holding one
# matches nothing typed as it looks. Spaces other than the plain one are not among them: a
# full-width space in a text is typed on purpose (load.checks refuses them in unit names only).
INVISIBLE_CHARACTERS = r"\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}\\U000e0001\\U000e0020-\\U000e007f]")  # and the tag characters
_INVISIBLE_NAMES = {
    0x00AD: "軟連字號", 0x200B: "零寬空格", 0x200C: "零寬不連字", 0x200D: "零寬連字", 0x200E: "由左至右標記",
    0x200F: "由右至左標記", 0x2060: "字詞連接符", 0xFEFF: "位元組順序記號 BOM",
    # Spaces: flagged in names only (load.checks), where they make a name match nothing.
    0x00A0: "不換行空白", 0x3000: "全形空白",
}


def invisible_character(text: str) -> re.Match[str] | None:
    """The first character of ``text`` that prints as nothing (or as a box), or None. A zero-width
    joiner between two emoji (🧑‍🚒) is part of the emoji, typed as such, not pasted in unseen."""
    for found in _INVISIBLE.finditer(text):
        at = found.start()
        if found.group() == "\u200d" and 0 < at < len(text) - 1 and _emoji(text[at - 1]) and _emoji(text[at + 1]):
            continue
        return found
    return None


def without_invisible(text: str) -> str:
    """``text`` without the characters :func:`invisible_character` finds."""
    while (found := invisible_character(text)) is not None:
        text = text[: found.start()] + text[found.end() :]
    return text


def _emoji(c: str) -> bool:
    # Pictographs (U+1F000 on), the older symbols and dingbats, and the variation selector 16
    # that asks for an emoji's picture form.
    return ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF or c == "\ufe0f"


def invisible_name(c: str) -> str:
    """「U+200B（零寬空格）」: an invisible character (or a special space) as a message names it."""
    name = _INVISIBLE_NAMES.get(ord(c))
    return f"U+{ord(c):04X}" + (f"（{name}）" if name else "")


def _one_line(text: str) -> str:
    """``text`` with each line break or tab, and the blanks after it, as one space."""
    return re.sub(r"[\t\r\n][\t\r\n ]*", " ", text)


MAX_TEXT_CHARS = 100_000
"""The longest text one field may hold: a practice or outcome is a few hundred characters.

Far longer, it is a whole file pasted in by mistake; each 100,000 characters add about a
second to a PDF, and past 10 MB libxml2 cuts the Word document's text, which then read as a
broken template."""


def _check_text(value: str, *, hidden: bool = True) -> str:
    value = value.strip()
    if not value:
        raise ValueError("不可為空白")
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(
            f"文字長達 {len(value):,} 字，超過一欄的上限 {MAX_TEXT_CHARS:,} 字（開頭是「{_one_line(value[:20])}…」）；"
            "多半是貼上時帶入了整份檔案，請只留下這一欄的文字，長的說明請分成數段或放在佐證資料中"
        )
    bad = _XML_FORBIDDEN.search(value)
    if bad:
        raise ValueError(
            f"含有不可見的控制字元 U+{ord(bad.group()):04X}（第 {bad.start() + 1} 個字），"
            "Word 無法開啟含此字元的文件，請刪除後重打"
        )
    bad = _OTHER_CONTROL.search(value)
    if bad:
        raise ValueError(
            f"含有不可見的控制字元 U+{ord(bad.group()):04X}（第 {bad.start() + 1} 個字），"
            "PDF 會印成方框；這多半是轉檔或複製時帶入的，請刪除後重打"
        )
    found = invisible_character(value) if hidden else None
    if found:
        # Quoted on the message's one line: a text of several lines (「outcome: |」, pasted from
        # Word) broke the message over lines of its own, with its tabs.
        before = _one_line(value[max(0, found.start() - 10) : found.start()])
        where = f"在「{before}」之後（第 {found.start() + 1} 個字）" if before else "開頭"
        clean = _one_line(_INVISIBLE.sub("", value))
        shown = clean if len(clean) <= 30 else clean[:30] + "…"
        raise ValueError(
            f"文字{where}有看不見的字元 {invisible_name(found.group())}，"
            f"PDF 會印成方框；這多半是從 Word 貼上時帶入的，請刪除此字元，刪除後即為「{shown}」"
        )
    return value


# Not blank, and none of the control characters (_XML_FORBIDDEN, _OTHER_CONTROL) nor the invisible ones.
_TEXT_PATTERN = (
    "^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufffe\\uffff"
    f"{INVISIBLE_CHARACTERS}]*$"
)
Text = Annotated[
    str, AfterValidator(_check_text),
    WithJsonSchema({"type": "string", "pattern": _TEXT_PATTERN, "maxLength": MAX_TEXT_CHARS}),
]
"""Non-empty text a reader sees; surrounding whitespace is dropped."""


def _optional_text(value: str) -> str:
    return _check_text(value) if value.strip() else ""


OptionalText = Annotated[str, AfterValidator(_optional_text)]
"""Text that may be left empty (e.g. 備考)."""


def _check_unit_name(value: str) -> str:
    return _check_text(value, hidden=False)


UnitName = Annotated[
    str, AfterValidator(_check_unit_name),
    WithJsonSchema({"type": "string", "pattern": _TEXT_PATTERN, "maxLength": MAX_TEXT_CHARS}),
]
"""A unit or group name where it is defined or referred to. An invisible character in one is
reported by load.checks once the file loads, naming the unit it stands for, beside the file's
other name problems; refused here it would hide them."""

def _check_file_unit_name(value: str) -> str:
    value = _check_unit_name(value)
    bad = next((ch for ch in value if ch in NOT_IN_FILE_NAMES), None)
    if bad is not None or set(value) == {"."}:
        what = f"含有「{bad}」" if bad else "只有「.」"
        raise ValueError(
            f"單位簡稱「{value}」{what}，不能當作檔名（各單位的 results/、subplans/ 檔案與表單以單位簡稱命名）；"
            f"請改用不含 {' '.join(NOT_IN_FILE_NAMES)} 的名稱"
        )
    return value


RegisteredUnitName = Annotated[
    str, AfterValidator(_check_file_unit_name),
    WithJsonSchema({
        "type": "string", "pattern": f"^(?!\\.+$)(?![\\s\\S]*[{re.escape(NOT_IN_FILE_NAMES)}])" + _TEXT_PATTERN[1:],
    }),
]
"""A unit's short name in the registry: it names the unit's files (results/第一分局.yaml), so it
holds nothing a file name cannot (「/」 would put them in another folder)."""

OptionalUnitName = Annotated[str, AfterValidator(lambda value: _check_unit_name(value) if value.strip() else "")]
"""A unit name that may be left empty (a slot of a subplan)."""

def _western_date(text: str) -> date | None:
    """A Western date typed as text (``2018-06-30``, ``2018/6/30``, ``2018年6月30日``), as YAML
    reads ``2018-06-30`` and the Excel forms take all three; ValueError when there is no such day."""
    try:
        typed = western_date(text)
    except ValueError as exc:
        raise ValueError(f"{exc}；日期請寫成民國日期，如 {example_date()}") from None
    return None if typed is None else _checked_date(typed, text)


def _checked_date(value: date, text: str | None = None) -> date:
    """A date YAML read (``2018-06-30``), refused when it has a time or falls before ROC year 1."""
    if isinstance(value, datetime):
        if value.time() != time(0) or value.tzinfo is not None:
            raise ValueError(f"「{value.isoformat(sep=' ')}」含有時間；日期欄只寫日期，如 {example_date()}")
        value = value.date()
    if value.year <= ROC_OFFSET:
        if value.year <= 200:  # 0107-06-30: the ROC year written as if it were the Gregorian one
            raise ValueError(
                f"「{value.isoformat()}」是西元 {value.year} 年，早於民國元年；若是民國 {value.year} 年，"
                f"請寫成 {value.year} 年 {value.month} 月 {value.day} 日"
            )
        raise ValueError(f"「{value.isoformat()}」早於民國元年（西元 1912 年）；日期請寫成民國日期，如 {example_date()}")
    return _within_reach(value, text or value.isoformat())


LAST_YEAR = 2111
"""民國 200 年: a later date is a slip (「9999 年 12 月 31 日」 read as the Gregorian 9999), and one
near the calendar's end makes the writers' date arithmetic overflow."""


def _within_reach(value: date, typed: str) -> date:
    if value.year > LAST_YEAR:
        raise ValueError(f"「{typed.strip()}」是民國 {value.year - ROC_OFFSET} 年（西元 {value.year} 年），晚於民國 "
                         f"{LAST_YEAR - ROC_OFFSET} 年，不像是計畫的日期；請確認年份，日期請寫成民國日期，如 {example_date()}")
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, str):
        return _western_date(value) or _within_reach(parse_roc(value), value)
    if isinstance(value, date):
        return _checked_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # pydantic would take a number for seconds since 1970
        raise ValueError(f"應為民國日期（如 {example_date()}），實際是數字 {value}")
    return value


# What an editor checks as the clerk types (the loader checks that the day exists).
ROC_DATE_PATTERN = (
    r"^\s*((民國\s*)?\d{1,3}\s*(年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[/.-]\d{1,2}[/.-]\d{1,2})"
    r"|\d{4}\s*[/.\-年]\s*\d{1,2}\s*[/.\-月]\s*\d{1,2}\s*日?)\s*$"
)
_ROC_DATE_SCHEMA = {"type": "string", "pattern": ROC_DATE_PATTERN, "description": "民國日期，如 107 年 1 月 15 日"}

RocDate = Annotated[
    date,
    BeforeValidator(_to_date),
    PlainSerializer(format_roc, return_type=str),
    WithJsonSchema(_ROC_DATE_SCHEMA),
]
"""A date written in the data as ``107 年 1 月 15 日``."""

def _no_bool(value: Any, want: str = "數字") -> Any:
    # pydantic takes true for 1, and YAML reads yes, no, on and off as true and false
    if isinstance(value, bool):
        raise ValueError(
            f"應為{want}，實際是是非值 {str(value).lower()}（YAML 把 yes、no、on、off 讀成 true、false）"
        )
    return value


WHOLE_NUMBER = BeforeValidator(lambda value: _no_bool(value, "整數"))
"""Refuses true and false where a whole number belongs; bounds (``Field(ge=…)``) go before it
in ``Annotated`` so that pydantic checks them natively and the JSON Schema shows them."""

Int = Annotated[int, WHOLE_NUMBER]
"""A whole number; true and false are not 1 and 0."""

Flag = Annotated[bool, Strict()]
"""true or false, as YAML reads them (true, false; yes, no unquoted). Not 1, 0 or the text
"yes", "no", "false", which pydantic took for either: `removed: "no"` is a text, not a no."""

MAX_FIGURE = 1e12
MIN_FIGURE = 1e-6


def _to_figure(value: Any) -> Any:
    number = _no_bool(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value  # pydantic says it is not a number
    if not isinstance(number, int | float):
        return value
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"「{value}」不是有限的數字（.inf、.nan 是無限大、非數字）；請填實際的數字")
    # The report computes exactly and rounds to 50 digits; figures beyond these are typos anyway.
    if abs(number) > MAX_FIGURE:
        raise ValueError(f"數值 {_as_typed(number)} 過大（超過 1 兆）；請確認是否多打了位數")
    if 0 < abs(number) < MIN_FIGURE:
        raise ValueError(f"數值 {_as_typed(number)} 過小（不到 0.000001），不像實際的數據；請確認數值")
    return value


def _as_typed(number: float) -> str:
    """Every digit of ``number``, so a user sees the figure they typed: ``123456789012345``,
    ``0.0000001``; an exponent only for what no one types out (``1e+300``)."""
    if isinstance(number, int):
        return str(number)
    text = repr(number)
    if "e" in text and abs(int(text.split("e")[1])) <= 20:
        text = format(Decimal(text), "f")
    return text.removesuffix(".0")


FIGURE = BeforeValidator(_to_figure)
"""Refuses true and false, .inf, .nan and absurd magnitudes where a figure belongs; bounds
go before it, as for WHOLE_NUMBER."""

Figure = Annotated[float, FIGURE]
"""A figure a person types: finite, not a yes/no, within what a yearly statistic can be."""

CONTINUOUS = "賡續辦理"
"""The deadline of work that goes on all year."""

_CONTINUOUS_WORDS = (CONTINUOUS, "持續辦理")


def _to_deadline(value: Any) -> Any:
    if isinstance(value, date):
        return _checked_date(value)
    if isinstance(value, str):
        text = value.strip()
        if text in _CONTINUOUS_WORDS:
            return text
        western = _western_date(text)  # its errors already say what is wrong with the date
        if western is not None:
            return western
        try:
            return parse_roc(text)
        except ValueError as exc:
            if "不是存在的日期" in str(exc):  # written as a date, but no such day
                raise
            raise ValueError(
                f"完成期限「{text}」應為「{CONTINUOUS}」或民國日期（如 {example_date()}）"
            ) from None
    raise ValueError(f"完成期限應為「{CONTINUOUS}」或民國日期（如 {example_date()}）")


def deadline_text(value: date | str) -> str:
    """A 完成期限 as documents print it: 賡續辦理 as is, a date in ROC form."""
    return format_roc(value) if isinstance(value, date) else value


Deadline = Annotated[
    date | str,
    BeforeValidator(_to_deadline),
    PlainSerializer(deadline_text, return_type=str),
    WithJsonSchema({"anyOf": [{"enum": list(_CONTINUOUS_WORDS)}, _ROC_DATE_SCHEMA], "description": "「賡續辦理」或民國日期"}),
]
"""完成期限: a date, or 賡續辦理 for continuous work."""


class Record(BaseModel):
    """Base of every model object: unknown fields are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
