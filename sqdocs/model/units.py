"""The unit registry: the bureau's units and the groups the plan names (各分局, 各單位 …)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from pydantic import Field, PrivateAttr

from sqdocs.model.common import Flag, Record, RegisteredUnitName, UnitName

UnitKind = Literal["科", "室", "中心", "大隊", "隊", "分局"]


class Unit(Record):
    """One unit of the bureau."""

    name: RegisteredUnitName = Field(description="單位簡稱，計畫內一律使用此名稱（如 刑警大隊）；也是該單位檔案的名稱，不可含 / \\ : * ? \" < > |")
    full_name: UnitName | None = Field(None, description="單位全銜（如 刑事警察大隊）")
    kind: UnitKind = Field(description="單位類別：科、室、中心、大隊、隊、分局")


class UnitGroup(Record):
    """A name that stands for several units (各分局 = the four 分局)."""

    name: UnitName = Field(description="群組名稱（如 各分局）")
    aliases: list[UnitName] = Field(default_factory=list, description="同義的其他寫法（如 各直屬隊）")
    members: list[UnitName] = Field(default_factory=list, description="所含單位的簡稱")
    all: Flag = Field(False, description="為 true 時代表全部單位（如 各單位）")


class UnitRegistry(Record):
    """Every unit of the bureau and every group name the plan may use."""

    units: list[Unit] = Field(min_length=1, description="本局所有單位")
    groups: list[UnitGroup] = Field(default_factory=list, description="單位群組")
    # The registry is immutable, so what a name stands for is worked out once per name:
    # compiling a report asks it for every unit of every point.
    _expanded: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)
    _covered: dict[tuple[tuple[str, ...], str], bool] = PrivateAttr(default_factory=dict)

    def __copy__(self) -> UnitRegistry:
        # A copy may get other units (model_copy(update=…)): it starts with a cache of its own.
        copied = super().__copy__()
        copied._expanded, copied._covered = {}, {}
        return copied

    def __deepcopy__(self, memo: dict | None = None) -> UnitRegistry:
        copied = super().__deepcopy__(memo)
        copied._expanded, copied._covered = {}, {}
        return copied

    def unit(self, name: str) -> Unit | None:
        """The unit called ``name`` (short or full name), or None."""
        for unit in self.units:
            if name in (unit.name, unit.full_name):
                return unit
        return None

    def group(self, name: str) -> UnitGroup | None:
        """The group called ``name`` or one of its aliases, or None."""
        for group in self.groups:
            if name == group.name or name in group.aliases:
                return group
        return None

    def in_order(self, names: Collection[str]) -> list[str]:
        """The units' short names that are among ``names``, in registry order."""
        return [u.name for u in self.units if u.name in names]

    def known_names(self) -> list[str]:
        """Every name a plan may use for a unit or group."""
        names = [u.name for u in self.units] + [u.full_name for u in self.units if u.full_name]
        for group in self.groups:
            names += [group.name, *group.aliases]
        return names

    def expand(self, name: str) -> list[str]:
        """The units (short names, registry order) that ``name`` stands for; [] if unknown."""
        found = self._expanded.get(name)
        if found is None:
            found = self._expanded[name] = tuple(self._expand(name, frozenset()))
        return list(found)

    def _expand(self, name: str, _seen: frozenset[str]) -> list[str]:
        group = self.group(name)
        if group is None:
            unit = self.unit(name)
            return [unit.name] if unit else []
        if group.all:
            return [u.name for u in self.units]
        if group.name in _seen:  # a group that contains itself adds nothing more
            return []
        seen = _seen | {group.name}
        wanted = {m for member in group.members for m in self._expand(member, seen)}
        return [u.name for u in self.units if u.name in wanted]

    def covers(self, names: list[str], unit: str) -> bool:
        """Whether a 承辦單位 list (units and groups) includes ``unit``."""
        key = (tuple(names), unit)
        found = self._covered.get(key)
        if found is None:
            target = self.unit(unit)
            found = self._covered[key] = target is not None and any(target.name in self.expand(n) for n in names)
        return found
