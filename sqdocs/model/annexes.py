"""The plan's three annexes: implementation items (附件 1), checklist (附件 2), roster (附件 3)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from sqdocs.model.common import Deadline, OptionalText, Record, Text, UnitName

Scope = Literal["個別", "整體"]
"""個別評核構面 (individual dimensions) or 整體評核構面 (the overall one, 開放創新)."""


def dimension_caption(scope: str, name: str) -> str:
    """The caption a dimension carries in both annexes: 個別評核構面-基礎服務."""
    return f"{scope}評核構面-{name}"


def checklist_caption(scope: str, name: str) -> str:
    """附件 2 quotes its dimension captions, as the official checklist does: 「個別評核構面-服務遞送」."""
    return f"「{dimension_caption(scope, name)}」"


# The same rule as _items_or_points, for editors that check the JSON Schema.
_ITEMS_OR_POINTS = {
    "if": {"properties": {"scope": {"const": "個別"}}},
    "then": {"required": ["items"], "properties": {"items": {"minItems": 1}}},
    "else": {"required": ["points"], "properties": {"points": {"minItems": 1}}},
}


class _Dimension(Record):
    """A dimension holds items (個別) or, for the overall dimension, points directly (整體)."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_ITEMS_OR_POINTS)

    @model_validator(mode="after")
    def _items_or_points(self):  # type: ignore[no-untyped-def]
        if self.scope == "個別" and not self.items:
            raise ValueError("個別評核構面須有 items（評核項目）")
        if self.scope == "整體" and not self.points:
            raise ValueError("整體評核構面須有 points（評核重點）")
        if self.scope == "個別" and self.points:
            raise ValueError("個別評核構面的評核重點應寫在 items 之下，不可直接寫 points")
        if self.scope == "整體" and self.items:
            raise ValueError("整體評核構面沒有評核項目，請直接寫 points")
        return self

    @property
    def caption(self) -> str:
        return dimension_caption(self.scope, self.name)


# ---- 附件 1 ----------------------------------------------------------------


class Point(Record):
    """評核重點 with the bureau's 具體作法, 完成期限 and 承辦單位."""

    name: Text = Field(description="評核重點")
    practices: list[Text] = Field(min_length=1, description="具體作法，依序編號 1. 2. …")
    deadline: Deadline = Field(description="完成期限：「賡續辦理」或民國日期")
    units: list[UnitName] = Field(min_length=1, description="承辦單位：單位或群組名稱（如 各分局）")


class Item(Record):
    """評核項目 and its points."""

    name: Text = Field(description="評核項目")
    points: list[Point] = Field(min_length=1, description="評核重點")


class OverallPoint(Record):
    """A point of the overall dimension (開放創新): 評核重點 | 辦理事項."""

    name: Text = Field(description="評核重點")
    actions: list[Text] = Field(min_length=1, description="辦理事項，依序編號 1. 2. …")


class Dimension(_Dimension):
    """評核構面 of 附件 1."""

    scope: Scope = Field(description="個別 或 整體 評核構面")
    name: Text = Field(description="構面名稱（如 基礎服務）")
    items: list[Item] = Field(default_factory=list, description="評核項目（個別評核構面）")
    points: list[OverallPoint] = Field(
        default_factory=list, description="評核重點（整體評核構面）"
    )


class Annex1(Record):
    """附件 1: implementation items per evaluation dimension."""

    title: Text | None = Field(None, description="附件標題（可省略）")
    dimensions: list[Dimension] = Field(min_length=1, description="評核構面")


# ---- 附件 2 ----------------------------------------------------------------


class CheckPoint(Record):
    """評核重點 of the checklist and its entries, each shown with a ☐."""

    name: Text = Field(description="評核重點")
    entries: list[Text] = Field(min_length=1, description="檢核的辦理事項，每項前有 ☐")


class CheckItem(Record):
    name: Text = Field(description="評核項目")
    points: list[CheckPoint] = Field(min_length=1, description="評核重點")


class CheckDimension(_Dimension):
    """評核構面 of the checklist."""

    scope: Scope = Field(description="個別 或 整體 評核構面")
    name: Text = Field(description="構面名稱")
    items: list[CheckItem] = Field(default_factory=list, description="評核項目（個別評核構面）")
    points: list[CheckPoint] = Field(default_factory=list, description="評核重點（整體評核構面）")

    @property
    def caption(self) -> str:
        return checklist_caption(self.scope, self.name)


class Annex2(Record):
    """附件 2: the organization diagnosis checklist (組織診斷檢核表)."""

    title: Text = Field(description="檢核表標題")
    dimensions: list[CheckDimension] = Field(min_length=1, description="評核構面")


# ---- 附件 3 ----------------------------------------------------------------


class Member(Record):
    """One row of the assessment team roster."""

    role: Text = Field(description="職稱（如 召集人、委員）")
    position: Text = Field(description="現職（如 局長、行政科科長）")
    name: Text = Field(description="姓名")
    duty: Text = Field(description="職掌")
    note: OptionalText = Field("", description="備考")


class Roster(Record):
    """附件 3: the assessment team roster (考核小組編組表); order is kept."""

    title: Text = Field(description="編組表標題")
    members: list[Member] = Field(min_length=1, description="成員，依序排列")
