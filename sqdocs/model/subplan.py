"""A unit's detailed plan (細部執行計畫): its own practices for the bureau's points.

Step 陸.七 of the plan: each 分局 lists, for every 評核重點 the bureau assigns to it,
its concrete 具體作法, 完成期限 and 承辦單位 (its own sections: 行政組, 偵查隊, 各派出所 …).
A point is identified by the names of its dimension, item and point in 附件 1, so the
bureau plan stays the template and nothing assigned can be silently dropped.

Slots may be left empty while the unit is still writing; :mod:`sqdocs.check` reports them.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from sqdocs.model.common import (
    Deadline,
    Flag,
    OptionalText,
    OptionalUnitName,
    Record,
    Text,
    UnitName,
)

PointKey = tuple[str, str, str]
"""(構面, 評核項目, 評核重點) names: how a subplan entry refers to a point of 附件 1."""

KEY_FIELDS = ("dimension", "item", "point")
"""The fields of a subplan entry that hold its :data:`PointKey`, in order."""


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


def _none_to_list(value: Any) -> Any:
    return [] if value is None else value


def _drop_empty(values: list[str]) -> list[str]:
    return [v for v in values if v]


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Slot = Annotated[OptionalText, BeforeValidator(_none_to_empty)]
"""One line of a list the unit fills in; an empty ``-`` line is allowed and dropped."""

SlotList = Annotated[list[Slot], BeforeValidator(_none_to_list), AfterValidator(_drop_empty)]
"""Lines the unit fills in, without the empty ones."""

SubUnitList = Annotated[
    list[Annotated[OptionalUnitName, BeforeValidator(_none_to_empty)]], BeforeValidator(_none_to_list),
    AfterValidator(_drop_empty),
]
"""The unit's own sections, as SlotList; load.checks reports a name's invisible character."""


class SubUnitGroup(Record):
    """A name that stands for several of the unit's own sections (各派出所 = the named 派出所)."""

    name: UnitName = Field(description="群組名稱（如 各派出所）")
    members: list[UnitName] = Field(min_length=1, description="所含的組、隊、派出所（須列於 sub_units）")


class SubplanPoint(Record):
    """One 評核重點 of the bureau plan with the unit's own 具體作法, 完成期限 and 承辦單位."""

    dimension: Text = Field(description="構面名稱，與本局計畫附件 1 相同（如 基礎服務）")
    item: Text = Field(description="評核項目，與本局計畫附件 1 相同")
    point: Text = Field(description="評核重點，與本局計畫附件 1 相同")
    practices: SlotList = Field(default_factory=list, description="本單位的具體作法，每項一行")
    deadline: Annotated[Deadline | None, BeforeValidator(_blank_to_none)] = Field(
        None, description="完成期限：「賡續辦理」或民國日期"
    )
    units: SlotList = Field(default_factory=list, description="承辦單位：sub_units 或 sub_groups 的名稱")
    removed: Flag = Field(False, description="本局計畫已刪除或不再指派此評核重點（由 subplan update 標記）")

    @property
    def key(self) -> PointKey:
        return (self.dimension, self.item, self.point)


class Subplan(Record):
    """細部執行計畫 of one unit (usually a 分局): ``subplans/<unit>.yaml``."""

    unit: Text = Field(description="單位名稱，須登錄於 units.yaml（如 第一分局）")
    title: Text | None = Field(None, description="計畫名稱（省略時由本局計畫產生）")
    sub_units: SubUnitList = Field(default_factory=list, description="本單位所屬承辦單位（組、隊、派出所）")
    sub_groups: list[SubUnitGroup] = Field(default_factory=list, description="承辦單位群組（如 各派出所）")
    points: list[SubplanPoint] = Field(default_factory=list, description="評核重點，依本局計畫附件 1")

    def group(self, name: str) -> SubUnitGroup | None:
        for group in self.sub_groups:
            if group.name == name:
                return group
        return None

    def known_names(self) -> list[str]:
        """Every name a 承辦單位 list may use: the sub-units and the groups."""
        return [*self.sub_units, *(g.name for g in self.sub_groups)]

    def expand(self, name: str) -> list[str]:
        """The sub-units ``name`` stands for; [] if it is neither a sub-unit nor a group."""
        group = self.group(name)
        if group is not None:
            return [m for m in group.members if m in self.sub_units]
        return [name] if name in self.sub_units else []

    def entry(self, key: PointKey) -> SubplanPoint | None:
        """The entry for a point of the bureau plan, or None."""
        for point in self.points:
            if point.key == key:
                return point
        return None
