"""Bureau plan → a unit's detailed plan (細部執行計畫), as pure functions over the model.

Which points the bureau assigns a unit, what its subplan lacks or has left over
(:func:`subplan_changes`, with entries whose point the bureau moved or renamed), the detailed
plan the writers draw (:func:`detailed_plan`, its table :func:`subplan_annex`), and a new year's entries carried
over from the unit's subplan of an earlier year (:func:`carried_subplan`). The subplan file's
text and the file work are in :mod:`sqdocs.subplans`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqdocs.errors import FolderAdvice, UserError
from sqdocs.model import Annex1, Dimension, Item, Plan, Point, PointRef
from sqdocs.model.subplan import PointKey, Subplan, SubplanPoint
from sqdocs.text.names import shell_word
from sqdocs.text.roc import format_roc
from sqdocs.text.suggest import close, suggest

# ---- which unit, which points ------------------------------------------------


def resolve_unit(plan: Plan, name: str) -> str:
    """The registry's short name for ``name``; a :class:`UserError` if it is no single unit."""
    if plan.units.group(name) is not None:
        raise UserError(f"「{name}」是單位群組，不是單一單位；請指定一個單位，如 --unit 第一分局")
    unit = plan.units.unit(name)
    if unit is None:
        known = [u.name for u in plan.units.units]
        hint = suggest(name, known) or f"；可用的單位：{'、'.join(known)}"
        raise UserError(f"units.yaml 沒有單位「{name}」{hint}")
    return unit.name


def subplan_title(plan: Plan, unit: str) -> str:
    """基隆市警察局第一分局 107 年度提升服務品質細部執行計畫."""
    return f"{plan.agency}{unit} {plan.year} 年度提升服務品質細部執行計畫"


def subplan_document_title(plan: Plan, subplan: Subplan) -> str:
    """The title a detailed plan carries: its own, or the standard one (:func:`subplan_title`)."""
    return subplan.title or subplan_title(plan, subplan.unit)


@dataclass(frozen=True)
class Removal:
    """An entry of the subplan to mark ``removed: true``, and why."""

    index: int
    key: PointKey
    deleted: bool  # True: the bureau plan no longer has the point; False: no longer assigned to the unit

    @property
    def reason(self) -> str:
        return "本局計畫已刪除此評核重點" if self.deleted else "本局計畫已不再指派本單位辦理此評核重點"


@dataclass(frozen=True)
class SubplanChanges:
    """What ``update`` does to a subplan so it matches the bureau plan again."""

    added: tuple[PointRef, ...] = ()
    removed: tuple[Removal, ...] = ()
    restored: tuple[int, ...] = ()  # entries marked removed whose point is assigned again
    moved: tuple[tuple[int, PointRef], ...] = ()  # entries whose point now sits under another item

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.restored or self.moved)


def subplan_changes(plan: Plan, subplan: Subplan) -> SubplanChanges:
    """Points assigned to the unit but missing from ``subplan``, entries to mark or unmark, and
    entries to move (:func:`moved_entries`)."""
    refs = plan.points_for(subplan.unit)
    assigned = {ref.key for ref in refs}
    existing = plan.points_by_key
    listed = {p.key for p in subplan.points}
    added = [ref for ref in refs if ref.key not in listed]
    gone = [i for i, p in enumerate(subplan.points) if p.key not in assigned and not p.removed]
    marked = {i for i, p in enumerate(subplan.points) if p.removed}
    moved, back = followed_points(plan, subplan.unit, [p.key for p in subplan.points], marked)
    moved |= back
    added_left = tuple(ref for ref in added if ref not in moved.values())
    removed = tuple(Removal(i, subplan.points[i].key, subplan.points[i].key not in existing) for i in gone if i not in moved)
    restored = tuple(i for i, p in enumerate(subplan.points) if (p.key in assigned or i in back) and p.removed)
    return SubplanChanges(added_left, removed, restored, tuple(sorted(moved.items(), key=lambda pair: pair[0])))


def followed_points(
    plan: Plan, unit: str, keys: list[PointKey], marked: Collection[int]
) -> tuple[dict[int, PointRef], dict[int, PointRef]]:
    """The unit's entries (by their keys in file order) whose point the bureau moved or renamed
    (:func:`moved_entries`): the live ones, and those of ``marked`` (marked removed) whose point
    comes back under new names, moved to another item and assigned again. Such an entry is that
    point's, its practices the unit's: moved and unmarked, not left marked beside a blank new
    entry that check then tells the unit to fill in."""
    moved = moved_entries(plan, unit, keys, marked)
    back = moved_entries(plan, unit, keys, set(range(len(keys))) - set(marked))
    return moved, {i: ref for i, ref in back.items() if ref not in moved.values()}


def moved_entries(plan: Plan, unit: str, keys: list[PointKey], skip: Collection[int] = ()) -> dict[int, PointRef]:
    """Of a unit's entries (its subplan's points or its results, by their keys in file order,
    those of ``skip`` aside), the ones whose point the bureau moved or renamed: entry index → the
    point it now is. A point put under another item (or whose item or dimension was renamed) is
    the same point when its own name is unique both in the plan and among the entries; a point
    renamed in place is found by :func:`_renamed`."""
    refs = plan.points_for(unit)
    assigned = {ref.key for ref in refs}
    listed = set(keys)
    added = [ref for ref in refs if ref.key not in listed]
    gone = [i for i, key in enumerate(keys) if key not in assigned and i not in skip]
    new_by_name = _unique_by_point(added)
    old_names = Counter(keys[i][2] for i in gone)
    plan_names = _unique_by_point(list(plan.points()))
    moved = {  # entry index → the point it now is
        i: new_by_name[name] for i in gone
        if (name := keys[i][2]) in new_by_name and old_names[name] == 1 and name in plan_names
    }
    moved |= dict(_renamed(
        [(i, keys[i]) for i in gone if i not in moved and keys[i] not in plan.points_by_key],
        [ref for ref in added if ref not in moved.values()],
    ))
    return moved


# ---- the rendered view -------------------------------------------------------


def subplan_annex(plan: Plan, subplan: Subplan) -> Annex1:
    """The subplan as an 附件 1 table: the bureau's dimensions, items and points, in the
    bureau's order, each point carrying the unit's practices, deadline and units.

    Entries the bureau plan no longer assigns to the unit are left out. Raises
    :class:`UserError` when an assigned point is not in the file, or only marked ``removed``
    (the document would drop it unnoticed), or its entry is still incomplete (see ``sqdocs check``).
    """
    entries: dict[PointKey, SubplanPoint] = {}
    for entry in sorted(subplan.points, key=lambda p: p.removed):  # a live entry before a removed one
        entries.setdefault(entry.key, entry)
    missing: list[str] = []
    marked: list[str] = []
    incomplete: list[str] = []
    dimensions: list[Dimension] = []
    for dim in plan.annex1.dimensions:
        items: list[Item] = []
        for item in dim.items:
            points: list[Point] = []
            for point in item.points:
                if not plan.units.covers(list(point.units), subplan.unit):
                    continue
                entry = entries.get((dim.name, item.name, point.name))
                if entry is None:  # assigned after the unit wrote its plan (or deleted from the file)
                    missing.append(f"{dim.name}／{item.name}／{point.name}")
                    continue
                if entry.removed:  # marked by hand, or assigned again since `subplan update` marked it
                    marked.append(f"{dim.name}／{item.name}／{point.name}")
                    continue
                if not entry.practices or entry.deadline is None or not entry.units:
                    incomplete.append(f"{dim.name}／{item.name}／{point.name}")
                    continue
                points.append(
                    Point(name=point.name, practices=entry.practices, deadline=entry.deadline, units=entry.units)
                )
            if points:
                items.append(Item(name=item.name, points=points))
        if items:
            dimensions.append(Dimension(scope=dim.scope, name=dim.name, items=items))
    if missing:
        raise FolderAdvice(
            f"{subplan.unit}的細部執行計畫缺少本局計畫指派的評核重點（{'、'.join(missing)}）；"
            f"請執行 sqdocs subplan update {{folder}} --unit {shell_word(subplan.unit)} 補上後填寫"
        )
    if marked:
        raise FolderAdvice(
            f"{subplan.unit}的細部執行計畫把本局計畫仍指派的評核重點標記為 removed（{'、'.join(marked)}）；"
            f"請刪除該項的「removed: true」（或執行 sqdocs subplan update {{folder}} --unit {shell_word(subplan.unit)}），確認內容後再產生"
        )
    if incomplete:
        # Said for its .docx and its .pdf, of every 分局 in a batch: a blank subplan's every point,
        # each with its dimension and item, ran to 600 characters a line; check lists them all.
        shown = (f"{len(incomplete)} 個評核重點都未填完" if not dimensions and len(incomplete) > 3
                 else "、".join(incomplete) if len(incomplete) <= 3
                 else f"{'、'.join(incomplete[:3])}等 {len(incomplete)} 個評核重點")
        raise FolderAdvice(
            f"{subplan.unit}的細部執行計畫尚未填完（{shown}）；請執行 sqdocs check {{folder}} 查看缺漏"
        )
    if not dimensions:
        raise UserError(f"{subplan.unit}的細部執行計畫沒有任何本局計畫指派的評核重點")
    return Annex1(title=subplan_document_title(plan, subplan), dimensions=dimensions)


@dataclass(frozen=True)
class DetailedPlan:
    """A unit's detailed plan as its writers draw it: the unit's subplan file (its unit, 所屬
    單位, own title) and its table, derived from the bureau plan (:func:`subplan_annex`)."""

    subplan: Subplan
    annex: Annex1

    @property
    def unit(self) -> str:
        return self.subplan.unit

    @property
    def title(self) -> str:
        return self.annex.title


def detailed_plan(plan: Plan, subplan: Subplan) -> DetailedPlan:
    """The detailed plan of ``subplan``'s unit, ready for any writer; raises as :func:`subplan_annex`
    does when the subplan does not cover what the bureau assigns the unit."""
    return DetailedPlan(subplan=subplan, annex=subplan_annex(plan, subplan))


# ---- last year's subplan, carried over ------------------------------------------


@dataclass(frozen=True)
class Carried:
    """What a new year's subplan took from the unit's subplan of an earlier year."""

    year: int
    filled: int  # points given that year's practices or units
    redate: int  # points whose dated deadline is to be set again
    fresh: list[str]  # this year's points nothing was carried to (new, or renamed)
    dropped: list[str]  # that year's points no point of this year took
    renamed: list[str] = dataclasses.field(default_factory=list)  # 「that year's name → this year's」


def carried_subplan(plan: Plan, unit: str, previous: Subplan, year: int) -> tuple[dict[str, Any], Carried]:
    """``unit``'s points in ``plan`` filled from its ``year`` subplan, as :func:`filled_subplan_text`
    data: practices, units, sub-units and 「賡續辦理」 carried; a dated deadline left to be set again,
    with that year's date in a comment above it.

    A point is found by its three names, or else by its own name alone when that is unique
    both years (a point moved to another item), or else as a corrected name (:func:`_renamed`);
    an entry marked removed that year counts too, as the unit's own words, if the point is
    assigned again.
    """
    earlier: dict[PointKey, SubplanPoint] = {}
    for entry in sorted(previous.points, key=lambda p: p.removed):  # a live entry before a removed one
        earlier.setdefault(entry.key, entry)
    refs = plan.points_for(unit)
    keys = {ref.key for ref in refs}
    by_name = _unique_by_point(earlier.values())
    now_by_name = _unique_by_point(refs)
    found: dict[PointKey, SubplanPoint] = {}
    for ref in refs:
        was = earlier.get(ref.key)
        if was is None and ref.point.name in by_name and ref.point.name in now_by_name:
            was = by_name[ref.point.name]
            was = None if was.key in keys else was  # that entry has its own point this year
        if was is not None:
            found[ref.key] = was
    matched = {id(was) for was in found.values()}
    left = [(was, key) for key, was in earlier.items() if id(was) not in matched and key not in plan.points_by_key]
    found.update((ref.key, was) for was, ref in _renamed(left, [ref for ref in refs if ref.key not in found]))
    points, taken, fresh, filled, redate = [], set(), [], 0, 0
    for ref in refs:
        was = found.get(ref.key)
        entry: dict[str, Any] = {"dimension": ref.dimension.name, "item": ref.item.name, "point": ref.point.name,
                                 "practices": [], "deadline": "", "units": []}
        if was is None:
            fresh.append("／".join(ref.key))
        else:
            taken.add(was.key)
            entry.update(practices=list(was.practices), units=list(was.units))
            filled += bool(was.practices or was.units)
            if isinstance(was.deadline, str) and isinstance(ref.point.deadline, date):
                entry["note"] = (f"{year} 年為「{was.deadline}」；本局今年的完成期限是 {format_roc(ref.point.deadline)}，"
                                 "請填這一天或更早的日期")
                redate += 1
            elif isinstance(was.deadline, str):
                entry["deadline"] = was.deadline
            elif was.deadline is not None:
                entry["note"] = f"{year} 年的完成期限為 {format_roc(was.deadline)}；請改填今年的期限"
                redate += 1
        points.append(entry)
    data = {
        "unit": unit, "title": subplan_title(plan, unit), "sub_units": list(previous.sub_units),
        "sub_groups": [{"name": g.name, "members": list(g.members)} for g in previous.sub_groups], "points": points,
    }
    dropped = ["／".join(key) for key, entry in earlier.items() if key not in taken and not entry.removed]
    renamed = [f"{was.point} → {name}" for (*_, name), was in found.items() if was.point != name]
    return data, Carried(year, filled, redate, fresh, dropped, renamed)


def _renamed(gone: list[tuple[Any, PointKey]], added: list[PointRef]) -> list[tuple[Any, PointRef]]:
    """Entries (by their handle and old key) paired with the point that took their place: within
    one 構面／評核項目, the only point that went and the only one that came, when their names are
    as close as a 「是不是」 suggestion's, is the same point renamed (a typo fixed), so the unit's
    text goes with it rather than being marked removed."""
    went: dict[tuple[str, str], list[tuple[Any, PointKey]]] = {}
    came: dict[tuple[str, str], list[PointRef]] = {}
    for handle, key in gone:
        went.setdefault(key[:2], []).append((handle, key))
    for ref in added:
        came.setdefault(ref.key[:2], []).append(ref)
    return [
        (went[place][0][0], came[place][0])
        for place in went
        if len(went[place]) == 1 and len(came.get(place, ())) == 1
        and close(went[place][0][1][2], came[place][0].point.name)
    ]


def _unique_by_point(entries) -> dict[str, Any]:
    """Entries (subplan points or point refs) by their point's own name, for names used once only."""
    found: dict[str, Any] = {}
    seen: set[str] = set()
    for entry in entries:
        name = entry.point if isinstance(entry, SubplanPoint) else entry.point.name
        if name in seen:
            found.pop(name, None)
        else:
            seen.add(name)
            found[name] = entry
    return found
