"""Is every unit's detailed plan complete? Problems as values, and a plain-text table of them.

A subplan is complete when it lists every point the bureau plan assigns to its unit, lists
nothing else, and each entry has practices, a deadline inside the plan period and known
承辦單位. Which units must have a subplan: every 分局 (陸、執行步驟七); other units that
wrote one are checked too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqdocs.load.checks import name_hint
from sqdocs.load.diagnostics import Loc
from sqdocs.model import Plan
from sqdocs.model.subplan import PointKey, Subplan
from sqdocs.text.names import command_line
from sqdocs.text.roc import format_roc
from sqdocs.text.suggest import close, closest, suggest

REQUIRED_KIND = "分局"

# Problem kinds and the short label the table shows for each.
KINDS = {
    "no_subplan": "尚未建立細部計畫",
    "missing": "缺少評核重點",
    "deleted": "本局計畫已無此重點",
    "not_assigned": "非本單位負責",
    "marked_removed": "誤標 removed",
    "no_practices": "未填具體作法",
    "no_deadline": "未填完成期限",
    "after_bureau": "期限晚於本局",
    "no_units": "未填承辦單位",
    "unknown_unit": "未知的承辦單位",
    "unfilled": "尚未填寫",  # the report's one line for a subplan still blank (:func:`unfilled`)
}
_BLANK_KINDS = ("no_practices", "no_deadline", "no_units")
REFUSED_KINDS = frozenset({"no_subplan", "missing", "marked_removed", *_BLANK_KINDS, "unfilled"})
"""The kinds of problem for which no detailed plan can be built (derive.detailed_plan refuses
it, or there is no file): what `export` counts as not yet written. The others are checked, but
the document is built."""


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a unit's subplan from being complete."""

    unit: str
    kind: str  # a key of KINDS
    message: str  # what and how to fix, in Chinese
    point: PointKey | None = None
    loc: Loc = field(default=())  # field path in the unit's subplan file, () when not in a file

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def _name(key: PointKey) -> str:
    return "／".join(key)


def _alike(key: PointKey, keys: list[PointKey]) -> PointKey | None:
    """The one of ``keys`` (in 附件 1's order: the first of a repeated name) whose point name
    is closest to ``key``'s, if any is close."""
    names: dict[str, PointKey] = {}
    for k in keys:
        names.setdefault(k[2], k)
    match = closest(key[2], list(names))
    return names[match] if match else None


def _after_bureau(own: date | str, bureau: date | str) -> str:
    """Why a unit's 完成期限 falls after the bureau's, which it serves; empty when it does not."""
    if not isinstance(bureau, date):
        return ""
    if not isinstance(own, date):
        return f"本局的完成期限是 {format_roc(bureau)}，細部計畫寫「{own}」；請填 {format_roc(bureau)} 或更早的日期"
    if own > bureau:
        return f"完成期限 {format_roc(own)} 晚於本局的 {format_roc(bureau)}；細部計畫的期限不可晚於本局"
    return ""


def _command(action: str, folder: str, *options: str) -> str:
    """``sqdocs subplan ACTION FOLDER …`` as the user pastes it: a folder or unit that a shell
    would split or expand (「我的 文件」「資料(修正版)」) quoted."""
    return command_line(["sqdocs", "subplan", action, folder, *options])


def check_subplan(plan: Plan, subplan: Subplan, folder: str = "資料夾") -> list[Problem]:
    """Every problem of one unit's subplan, in file order, then the points it is missing;
    ``folder`` is the data folder as the command to run names it."""
    registered = plan.units.unit(subplan.unit)
    unit = registered.name if registered else subplan.unit  # the short name, also when written in full
    assigned = plan.points_for(unit)
    assigned_keys = {ref.key for ref in assigned}
    existing = {ref.key: ref for ref in plan.points()}
    problems: list[Problem] = []
    filled = {entry.key for entry in subplan.points if entry.practices and not entry.removed}
    for i, entry in enumerate(subplan.points):
        key, loc = entry.key, ("points", i)
        if key not in existing:
            if entry.removed:
                message = f"{_name(key)}：本局計畫已刪除此評核重點（已標記 removed）；確認後請整項刪除"
                # Renamed and moved at once, the bureau's point reads to update as one deleted and
                # one new: the unit's work is to be moved over to the new entry, not deleted.
                if like := _alike(key, [r.key for r in assigned if r.key[2] != key[2] and r.key not in filled]):
                    message = (f"{_name(key)}：本局計畫已刪除此評核重點（已標記 removed）；本局計畫指派的"
                               f"「{_name(like)}」名稱相近，若是此評核重點改名或移動，請先把本項的具體作法、"
                               f"完成期限、承辦單位移到該項，再整項刪除本項")
            else:
                # Only points of a close name: the same 構面 and 項目 alone make any of their
                # points look like a suggestion for a point the bureau deleted. And only the
                # unit's own: another unit's point there would just be 非本單位負責.
                near = [_name(r.key) for r in assigned if close(key[2], r.key[2])]
                hint = suggest(_name(key), near) or (
                    f"（可能已刪除或改名）；已刪除的請執行 {_command('update', folder, '--unit', unit)} 標記 removed 或整項刪除，"
                    "否則構面、評核項目、評核重點的名稱須與本局計畫附件 1 相同")
                message = f"{_name(key)}：本局計畫附件 1 沒有此評核重點{hint}"
            problems.append(Problem(unit, "deleted", message, key, (*loc, "point")))
            continue
        if key not in assigned_keys:
            units = "、".join(existing[key].point.units)
            problems.append(Problem(
                unit, "not_assigned",
                f"{_name(key)}：本局計畫未指派{unit}辦理（承辦單位：{units}）"
                f"{'（已標記 removed）' if entry.removed else ''}；確認後請整項刪除",
                key, (*loc, "point"),
            ))
            continue
        if entry.removed:
            problems.append(Problem(
                unit, "marked_removed",
                f"{_name(key)}：本局計畫仍指派本單位辦理，但標記了 removed: true；請刪除 removed 一行",
                key, (*loc, "removed"),
            ))
        if not entry.practices:
            problems.append(Problem(unit, "no_practices", f"{_name(key)}：未填具體作法（practices）", key, (*loc, "practices")))
        # A deadline outside the period does not load (load.subplan), as in annex1.
        if entry.deadline is None:
            problems.append(Problem(unit, "no_deadline", f"{_name(key)}：未填完成期限（deadline）", key, (*loc, "deadline")))
        if entry.deadline is not None and (late := _after_bureau(entry.deadline, existing[key].point.deadline)):
            problems.append(Problem(unit, "after_bureau", f"{_name(key)}：{late}", key, (*loc, "deadline")))
        if not entry.units:
            problems.append(Problem(unit, "no_units", f"{_name(key)}：未填承辦單位（units）", key, (*loc, "units")))
        for ui, name in enumerate(entry.units):
            if not subplan.expand(name):
                known = subplan.known_names()
                hint = name_hint(name, known, "sub_units") or "；請先列於 sub_units（或 sub_groups）"
                problems.append(Problem(
                    unit, "unknown_unit", f"{_name(key)}：未知的承辦單位「{name}」{hint}", key, (*loc, "units", ui)
                ))
    listed = {entry.key for entry in subplan.points}
    order = {key: n for n, key in enumerate(existing)}
    for ref in assigned:
        if ref.key not in listed:
            where, loc = _place_of(subplan, order, order[ref.key])
            problems.append(Problem(
                unit, "missing",
                f"{_name(ref.key)}：本局計畫指派{unit}辦理，細部計畫未列{where}（執行 {_command('update', folder, '--unit', unit)} 可補上）",
                ref.key, loc,
            ))
    return problems


def _place_of(subplan: Subplan, order: dict[PointKey, int], position: int) -> tuple[str, Loc]:
    """Where a missing point belongs in the subplan file, in 附件 1's order: before the first entry
    that comes after it, or after the last one; said, and pointed at, for a clerk adding it by hand."""
    later = [(i, e) for i, e in enumerate(subplan.points) if order.get(e.key, -1) > position]
    if later:
        i, entry = later[0]
        return f"，應列在「{entry.point}」之前", ("points", i)
    if subplan.points:
        return f"，應列在最後一項「{subplan.points[-1].point}」之後", ("points", len(subplan.points) - 1)
    return "", ("points",)


def required_units(plan: Plan) -> list[str]:
    """The units that must write a detailed plan: every 分局 of the registry."""
    return [u.name for u in plan.units.units if u.kind == REQUIRED_KIND]


def check_subplans(plan: Plan, subplans: Mapping[str, Subplan], folder: str = "資料夾") -> list[Problem]:
    """Problems of every subplan, and a problem for each 分局 that has none; by unit, registry order.
    ``folder`` is the data folder as the command to run names it."""
    problems: list[Problem] = []
    for unit in unit_order(plan, subplans):
        subplan = subplans.get(unit)
        if subplan is None:
            problems.append(Problem(
                unit, "no_subplan",
                f"{unit}尚未建立細部執行計畫（執行 {_command('init', folder, '--unit', unit)} 產生範本；"
                "新年度加上 --from 去年的資料夾，可帶入去年的具體作法與承辦單位）",
            ))
        else:
            problems += check_subplan(plan, subplan, folder)
    return problems


def unit_order(plan: Plan, subplans: Mapping[str, Subplan]) -> list[str]:
    """The units a check covers: required ones and those with a subplan, in registry order."""
    return plan.units.in_order(set(required_units(plan)) | set(subplans))


# ---- the report ----------------------------------------------------------------


def unfilled(subplan: Subplan | None, problems: Sequence[Problem]) -> bool:
    """Whether ``subplan`` is still blank, as ``subplan init`` or an unfilled form left it:
    ``problems`` (its unit's) are that each of its entries, two or more, lacks practices,
    deadline and 承辦單位, and nothing else."""
    return (subplan is not None and len(subplan.points) > 1 and all(p.kind in _BLANK_KINDS for p in problems)
            and len(problems) == len(_BLANK_KINDS) * len(subplan.points))  # each kind once per entry at most


@dataclass(frozen=True)
class UnitSummary:
    """A 分局's line in :func:`summarize`."""

    unit: str
    assigned: int  # points the bureau plan assigns to the unit
    listed: int | None  # entries of its subplan, None when it has none
    problems: int
    blank: bool = False  # the subplan is still blank (:func:`unfilled`)

    @property
    def status(self) -> str:
        """尚未建立 (no subplan), 完成 (no problem), 尚未填寫 (still blank) or 未完成."""
        if self.listed is None:
            return "尚未建立"
        return "完成" if self.problems == 0 else "尚未填寫" if self.blank else "未完成"


def summarize(plan: Plan, subplans: Mapping[str, Subplan], problems: Sequence[Problem]) -> list[UnitSummary]:
    """One line per 分局 for `sqdocs check`'s table: points assigned, points listed, problems."""
    lines = []
    for unit in unit_order(plan, subplans):
        mine = [p for p in problems if p.unit == unit]
        subplan = subplans.get(unit)
        listed = len(subplan.points) if subplan is not None else None
        lines.append(UnitSummary(unit, len(plan.points_for(unit)), listed, len(mine), unfilled(subplan, mine)))
    return lines


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Rows as aligned plain-text columns (the last column is not padded)."""
    widths = [max(text_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            fill = " " * (widths[i] - text_width(cell))
            if i == len(cells) - 1:
                out.append(cell)
            else:
                out.append(fill + cell if i in right else cell + fill)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def report(
    plan: Plan,
    subplans: Mapping[str, Subplan],
    problems: Sequence[Problem],
    where: Callable[[Problem], str] = lambda p: "",
    folder: str = "資料夾",
) -> str:
    """The check as text: one summary row per unit, then one row per problem.

    ``where`` names a problem's place (file:line) for the table; the caller knows the files.
    ``folder`` is the data folder as a command to run names it.
    """
    summary = summarize(plan, subplans, problems)
    # A blank subplan's problems are not counted (three a point: 42 beside its one line below);
    # its status says what it lacks.
    rows = [
        [s.unit, str(s.assigned), "—" if s.listed is None else str(s.listed), "—" if s.blank else str(s.problems), s.status]
        for s in summary
    ]
    parts = [
        f"細部執行計畫檢查：{plan.title}",
        "",
        format_table(["單位", "應辦評核重點", "已列", "問題", "狀態"], rows, right=(1, 2, 3)),
    ]
    if problems:
        # A subplan still blank is one line, not three for each of its points: eleven blank 分局
        # of fourteen buried the few problems of the others under 462 lines.
        blank = {s.unit: s.listed for s in summary if s.blank}
        shown = [p for p in problems if p.unit not in blank] + [
            Problem(unit, "unfilled", f"整份尚未填寫：{count} 個評核重點都未填具體作法、完成期限與承辦單位")
            for unit, count in blank.items()
        ]
        order = {s.unit: n for n, s in enumerate(summary)}
        shown.sort(key=lambda p: order.get(p.unit, len(order)))  # stable: file order within a unit
        detail = [[p.unit, where(p) or "—", p.label, p.message] for p in shown]
        parts += ["", "問題明細", "", format_table(["單位", "位置", "問題", "說明"], detail)]
        done = sum(1 for s in summary if s.status == "完成")
        told = []
        if counted := len(problems) - sum(s.problems for s in summary if s.blank):
            told.append(f"共 {counted} 個問題")
        if blank:
            told.append(f"{'另 ' if told else ''}{len(blank)} 個單位尚未填寫（{'、'.join(blank)}）")
        parts += ["", f"{'，'.join(told)}；{done}/{len(summary)} 個單位的細部執行計畫完整。"]
        if (missing := sum(p.kind == "no_subplan" for p in problems)) > 1:  # one command, not one per unit
            parts.append(f"尚未建立的 {missing} 個單位可一次產生範本：{_command('init', folder, '--all')}"
                         "（已有檔案的單位不受影響；新年度加上 --from 去年的資料夾）")
    else:
        parts += ["", f"✓ {len(summary)} 個單位的細部執行計畫都完整。"]
    return "\n".join(parts)
