"""Page and table geometry shared by every writer: one place to change a column width.

Widths are in millimetres on A4 portrait with the margins below (text width 170 mm).
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 25.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 20.0
MARGIN_RIGHT_MM = 20.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

BODY_PT = 14
TABLE_PT = 12
TITLE_PT = 20
CHECKBOX = "☐"
CHECKED = "☑"


@dataclass(frozen=True)
class Column:
    header: str
    width_mm: float


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
