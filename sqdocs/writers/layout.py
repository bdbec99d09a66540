"""Page and table geometry shared by every writer: one place to change a column width.

Widths are in millimetres on A4 portrait with the margins below (text width 170 mm).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqdocs.model import Annex1, Point, Roster
    from sqdocs.report.model import CompiledReport, Contribution

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 25.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 20.0
MARGIN_RIGHT_MM = 20.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

LATIN_FONT = "Times New Roman"
"""Latin letters and digits (政府文書格式參考規範); the PDF draws them in it or in a face with
its widths (:func:`sqdocs.writers.fontfiles.resolve_latin`)."""
EAST_ASIAN_FONT = "標楷體"
"""Chinese text in Word and ODF documents; Word on Windows has it as DFKai-SB, LibreOffice
maps it through fontconfig (scripts/fontconfig). The PDF embeds a Kai face found on the machine."""

BODY_PT = 14
TABLE_PT = 12
TITLE_PT = 20
CELL_PADDING_MM = 1.0
"""Left and right padding of table cells (「副主任委員」 fits on one line), in every format."""
CELL_PADDING_V_MM = 0.5  # above and below a cell's text, in every format: text off the lines
TABLE_LINE_PT = 0.75
"""The tables' lines in the Word template and the .odt. Word and LibreOffice lay a line out
between the rows it parts, so each row is that much taller than its text and padding; the PDF's
rows are spaced as much (its lines are its own: writers/pdf/tables.py)."""
CHECKBOX = "☐"
CHECKED = "☑"
HEADER_SHADE = (0.9, 0.9, 0.9)
"""The light grey behind a table's header row (red, green, blue from 0 to 1), in every format."""


def hex_colour(rgb: tuple[float, float, float]) -> str:
    """``(0.9, 0.9, 0.9)`` → ``E6E6E6``."""
    return "".join(f"{round(c * 255):02X}" for c in rgb)

OUTLINE_EMS = ((0.0, 2.0), (2.0, 4.0), (4.0, 5.5), (5.5, 7.0))
"""Where the numbered paragraphs 一、 (一) 1. (1) have their label and their text (wrapped lines
too), in characters of body text from the margin: 一、 flush left, each deeper label under the
text of the level above. The Word templates, the .odt styles and the PDF all set them so."""
REPORT_HEADING_EMS = ((0.0, 2.0), (1.0, 3.0), (2.0, 3.5))
"""The report's headings 一、 (一) 1. (Heading 2–4): label and text, as :data:`OUTLINE_EMS`."""
FIRST_LINE_EMS = 2.0
"""A section's own paragraph (Body Text): its first line indented two characters, the rest flush left."""
TABLE_LIST_EMS = (0.0, 1.5)
"""A numbered practice or ☐ entry in a table cell (Table List): its label flush left and its text,
wrapped lines too, one and a half characters of table text in, where a tab after the label reaches."""


@dataclass(frozen=True)
class Column:
    header: str
    width_mm: float


class Merged:
    """Marks a table cell that the cell above continues (merged down into it)."""

    def __repr__(self) -> str:
        return "MERGED"


MERGED = Merged()


_DATE_PARTS = re.compile(r"(?<=[年月]) ")


def deadline_lines(text: str) -> list[str]:
    """A 完成期限 for Word and LibreOffice, a date's parts one per line: 「107 年」「3 月」「31 日」.

    Their line breaking takes a space or a digit before 月 or 日 as a place to break, so in the
    narrow column a date came out 「107 年 3／月 31 日」; the PDF's own breaker needs no help."""
    return _DATE_PARTS.split(text)


KEEP_TOGETHER_LINES = 12
"""A table row of at most this many lines (about a quarter page) is kept on one page in the
.docx and .odt: split, such a row left a line or two alone at a page's foot or top. A longer
row may split, so a page is not left mostly empty."""


def row_lines(cells: Sequence[tuple[Sequence[str], float]]) -> int:
    """About how many lines a row takes: its tallest cell, each cell's ``texts`` (one paragraph
    each) set full-width at the table text size in a column ``width_mm`` wide."""
    em_mm = _TABLE_TEXT_PT.get() * 25.4 / 72
    tallest = 0
    for texts, width_mm in cells:
        per_line = max(1, int((width_mm - 2 * CELL_PADDING_MM) / em_mm))
        tallest = max(tallest, sum(-(-max(1, len(t)) // per_line) for t in texts))
    return tallest


def repeated_above(rows: Sequence[Sequence[str]], columns: int) -> list[int]:
    """For each row, how many of its first ``columns`` cells repeat the row above together with
    every cell to their left (單位 → 評核構面 → 評核項目): those are written once and merged down."""
    counts = []
    for n, row in enumerate(rows):
        count = 0
        while n > 0 and count < columns and rows[n - 1][: count + 1] == row[: count + 1]:
            count += 1
        counts.append(count)
    return counts


def _fit(*columns: Column) -> tuple[Column, ...]:
    total = sum(c.width_mm for c in columns)
    assert abs(total - TEXT_WIDTH_MM) < 0.01, f"columns sum to {total} mm, text width is {TEXT_WIDTH_MM}"
    return columns


ANNEX1_COLUMNS = _fit(
    Column("評核項目", 22), Column("評核重點", 26), Column("具體作法", 80), Column("完成期限", 21), Column("承辦單位", 21)
)
ANNEX1_OVERALL_COLUMNS = _fit(Column("評核重點", 40), Column("辦理事項", 130))
ANNEX2_COLUMNS = _fit(Column("評核項目", 30), Column("評核重點", 36), Column("辦理事項", 104))
ANNEX2_OVERALL_COLUMNS = _fit(Column("評核重點", 40), Column("辦理事項", 130))
ROSTER_COLUMNS = _fit(Column("職稱", 24), Column("現職", 34), Column("姓名", 22), Column("職掌", 74), Column("備考", 16))

# ---- annual performance report ------------------------------------------------

REPORT_RESULT_COLUMNS = _fit(Column("承辦單位", 20), Column("執行成果", 88), Column("佐證資料", 62))
REPORT_MISSING_COLUMNS = _fit(Column("單位", 26), Column("評核構面", 26), Column("評核項目", 44), Column("評核重點", 74))
REPORT_EXCLUSION_COLUMNS = _fit(Column("指標", 60), Column("單位", 30), Column("原因", 80))
REPORT_DEFINITION_COLUMNS = _fit(Column("指標", 30), Column("定義", 60), Column("全局數值計算方式", 38), Column("列入計算之單位", 42))
REPORT_SUMMARY_NAME_MM = 44.0
REPORT_SUMMARY_CHANGE_MM = 35.0
REPORT_SUMMARY_TREND_MM = 14.0  # 進步／退步: room for the year columns to hold 「214,000 張」 on one line
REPORT_SUMMARY_YEARS = 3
"""The summary table shows the report year and the two before it."""


def report_summary_years(report: CompiledReport) -> list[int]:
    """The report year and the years just before it, at most REPORT_SUMMARY_YEARS, from the first
    any indicator has: a year no indicator has between them is a column of 「—」, not skipped
    (「106 年 107 年 109 年」 put 107 beside 109 under 較上年's 「—」)."""
    first = min((f.year for i in report.indicators for f in i.series if f.year <= report.year), default=report.year)
    return list(range(max(first, report.year - REPORT_SUMMARY_YEARS + 1), report.year + 1))


REPORT_SUMMARY_NAME_MIN_MM = 30.0
"""The 指標 column gives the year columns no more than this leaves it (names wrap; figures should not)."""


def report_summary_columns(
    years: list[int], names: Iterable[str] = (), rows: Iterable[Sequence[str]] = ()
) -> tuple[Column, ...]:
    """指標 | 105 年 | 106 年 | 107 年 | 較上年 | 趨勢 for the indicators ``names``, whose ``rows``
    are the texts after the name (:func:`sqdocs.outline.summary_figures`).

    The year columns share what the others leave, each widened, from 指標, to hold the longest
    figure on one line: a large bureau's 「1,028,164 張」 is not printed 「1,028,164／張」. 指標 then
    takes what the figures leave spare, up to its longest name on one line: 「訂定標準作業流程比率」
    is not printed 「訂定標準作業流程比／率」.
    """
    rows = list(rows)
    count = max(len(years), 1)
    each = (TEXT_WIDTH_MM - REPORT_SUMMARY_NAME_MM - REPORT_SUMMARY_CHANGE_MM - REPORT_SUMMARY_TREND_MM) / count
    year_need = math.ceil(max((one_line_mm(t) for row in rows for t in row[: len(years)]), default=0.0))
    extra = min(max(year_need - each, 0.0), (REPORT_SUMMARY_NAME_MM - REPORT_SUMMARY_NAME_MIN_MM) / count)
    name, year, change = REPORT_SUMMARY_NAME_MM - extra * count, each + extra, REPORT_SUMMARY_CHANGE_MM
    if rows:
        change_need = math.ceil(max(one_line_mm(row[len(years)]) for row in rows))
        name_need = math.ceil(max((one_line_mm(n) for n in names), default=0.0))
        from_change = min(max(change - change_need, 0.0), max(name_need - name, 0.0))
        from_years = min(max(year - year_need, 0.0) * count, max(name_need - name - from_change, 0.0))
        name, year, change = name + from_change + from_years, year - from_years / count, change - from_change
    return _fit(
        Column("指標", name),
        *(Column(f"{y} 年", year) for y in years),
        Column("較上年", change),
        Column("趨勢", REPORT_SUMMARY_TREND_MM),
    )


def report_summary(report: CompiledReport) -> tuple[tuple[Column, ...], list[tuple[str, list[str]]]]:
    """The summary table of ``report``: its columns, and each indicator's name with the texts
    after it (:func:`sqdocs.outline.summary_figures`), as every writer prints them."""
    from sqdocs.outline import (
        summary_figures,  # the texts decide the widths; layout stays importable alone
    )

    years = report_summary_years(report)
    rows = [(ind.name, summary_figures(ind, years)) for ind in report.indicators]
    return report_summary_columns(years, [name for name, _ in rows], [texts for _, texts in rows]), rows


NAME_PADDING_MM = 2 * 3 * 25.4 / 72 + 0.5
"""Room a name needs beside its characters in a cell: the PDF's padding (3 pt each side, wider
than Word's and ODF's CELL_PADDING_MM) and half a millimetre for rounding in the office suites."""
UNIT_NAME_MAX_EMS = 8
"""The 承辦單位 column grows for names up to this many full-width characters (「勤務指揮中心」 is 6);
a longer one wraps, so 具體作法 keeps most of the width."""


_TABLE_TEXT_PT: ContextVar[float] = ContextVar("table_text_pt", default=TABLE_PT)


@contextmanager
def table_text_size(pt: float) -> Iterator[None]:
    """Column widths and row heights worked out, inside the block, for table text of ``pt``
    points (a Word template's Table Text) rather than TABLE_PT: set in 14 pt, 「刑警大隊」 broke
    as 「刑警大／隊」 in a column widened for 12 pt."""
    token = _TABLE_TEXT_PT.set(pt)
    try:
        yield
    finally:
        _TABLE_TEXT_PT.reset(token)


def one_line_mm(text: str) -> float:
    """The width of a table cell that holds ``text`` on one line at the table text size
    (TABLE_PT, or :func:`table_text_size`'s): a full-width character takes an em, any other half of one."""
    return _cell_mm(sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text))


def _cell_mm(ems: float) -> float:
    """The width of a cell holding ``ems`` full-width characters at the table text size on one line."""
    return ems * _TABLE_TEXT_PT.get() * 25.4 / 72 + NAME_PADDING_MM


def widened(columns: tuple[Column, ...], grow: int, texts: Iterable[str], give: int, max_ems: float) -> tuple[Column, ...]:
    """``columns`` with column ``grow`` wide enough (in whole millimetres) for the longest of
    ``texts`` on one line, up to ``max_ems`` characters, taking the width from column ``give``;
    unchanged when they already fit."""
    need = min(max((one_line_mm(t) for t in texts), default=0.0), _cell_mm(max_ems))
    extra = math.ceil(need) - columns[grow].width_mm
    if extra <= 0:
        return columns
    resized = list(columns)
    resized[grow] = Column(columns[grow].header, columns[grow].width_mm + extra)
    resized[give] = Column(columns[give].header, columns[give].width_mm - extra)
    return _fit(*resized)


def annex1_columns(annex: Annex1) -> tuple[Column, ...]:
    """ANNEX1_COLUMNS for ``annex`` (the bureau's 附件 1 or a detailed plan's table): the
    承辦單位 column as wide as its longest name, so 「刑事警察大隊」 is not broken into
    「刑事警察／大隊」; 具體作法 gives the width. The same for every table of the document."""
    from sqdocs.model import deadline_text

    points = [p for d in annex.dimensions for i in d.items for p in i.points]
    columns = widened(ANNEX1_COLUMNS, 4, {u for p in points for u in p.units}, give=2, max_ems=UNIT_NAME_MAX_EMS)
    # 完成期限 holds its header and 「賡續辦理」 on one line at 12 pt; in a template's larger
    # Table Text (:func:`table_text_size`) they wrapped as 「完成期／限」 unless it widens too.
    deadlines = {"完成期限", *(part for p in points for part in deadline_lines(deadline_text(p.deadline)))}
    return widened(columns, 3, deadlines, give=2, max_ems=DEADLINE_MAX_EMS)


DEADLINE_MAX_EMS = 5
"""The 完成期限 column grows for its header and 「賡續辦理」 (4 characters) at a larger table text size."""

POSITION_MAX_EMS = 10
"""The 現職 column of 附件 3 grows for titles up to this many characters (「中和第一分局分局長」 is 9)."""


def roster_columns(roster: Roster) -> tuple[Column, ...]:
    """ROSTER_COLUMNS with 現職 as wide as the longest title, so 「勤務指揮中心主任」 is not printed
    「勤務指揮中心主／任」; 職掌 gives the width."""
    return widened(ROSTER_COLUMNS, 1, {m.position for m in roster.members}, give=3, max_ems=POSITION_MAX_EMS)


def report_result_columns(report: CompiledReport) -> tuple[Column, ...]:
    """REPORT_RESULT_COLUMNS with 承辦單位 as wide as the longest unit name that reported
    (「中和第一分局」 whole, not 「中和第一／分局」), taken from 執行成果: 佐證資料 and its photos keep their width."""
    names = {c.unit for d in report.dimensions for i in d.items for p in i.points for c in p.contributions}
    return widened(REPORT_RESULT_COLUMNS, 0, names, give=1, max_ems=UNIT_NAME_MAX_EMS)


def report_missing_columns(report: CompiledReport) -> tuple[Column, ...]:
    """REPORT_MISSING_COLUMNS with 單位 as wide as its longest name, taken from 評核重點."""
    return widened(REPORT_MISSING_COLUMNS, 0, {m.unit for m in report.missing}, give=3, max_ems=UNIT_NAME_MAX_EMS)


def report_exclusion_columns(report: CompiledReport) -> tuple[Column, ...]:
    """REPORT_EXCLUSION_COLUMNS with 單位 as wide as its longest name, taken from 原因."""
    return widened(REPORT_EXCLUSION_COLUMNS, 1, {e.unit for e in report.exclusions}, give=2, max_ems=UNIT_NAME_MAX_EMS)


PHOTO_LINES = 10
"""About the lines a photo takes in the 佐證資料 column (60 mm wide, 4:3: 45 mm)."""


def result_row_keeps_together(outcome: Sequence[str], evidence: Sequence[str], photos: int,
                              columns: tuple[Column, ...] = REPORT_RESULT_COLUMNS) -> bool:
    """Whether a 貳 results row (執行成果 and its figures; 佐證資料 with ``photos`` photos) is kept
    on one page in the .docx and .odt, as a 附件 1 row is (:data:`KEEP_TOGETHER_LINES`): a longer
    one kept whole moved on and left up to a page half empty, read as content missing."""
    numbered = [f"1. {t}" for t in evidence] if len(evidence) > 1 else list(evidence)
    lines = row_lines([(list(outcome), columns[1].width_mm), (numbered, columns[2].width_mm)])
    return max(lines, row_lines([(numbered, columns[2].width_mm)]) + photos * PHOTO_LINES) <= KEEP_TOGETHER_LINES


def contribution_keeps_together(contribution: Contribution, figure_lines: Sequence[str], columns: tuple[Column, ...]) -> bool:
    """:func:`result_row_keeps_together` for a unit's row as the .docx and .odt lay it out: its
    outcome over ``figure_lines``, its evidence as :func:`sqdocs.outline.evidence_line` words it."""
    from sqdocs.outline import evidence_line

    evidence = contribution.evidence
    return result_row_keeps_together([contribution.outcome, *figure_lines], [evidence_line(e) for e in evidence],
                                     sum(e.kind == "照片" for e in evidence), columns)


def annex1_row_lines(
    name: str, practices: Sequence[str], units: Sequence[str], columns: tuple[Column, ...] = ANNEX1_COLUMNS
) -> int:
    """:func:`row_lines` of a 附件 1 (or detailed plan) row: 評核重點, numbered 具體作法, 承辦單位."""
    _, point, practice, _, unit = columns
    numbered = [f"1. {t}" for t in practices]  # the number takes room on the first line
    return row_lines([([name], point.width_mm), (numbered, practice.width_mm), (list(units), unit.width_mm)])


def keeps_together(point: Point, columns: tuple[Column, ...]) -> bool:
    """Whether the 附件 1 row of ``point`` is short enough to be kept on one page (:data:`KEEP_TOGETHER_LINES`)."""
    return annex1_row_lines(point.name, point.practices, point.units, columns) <= KEEP_TOGETHER_LINES
