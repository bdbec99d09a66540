"""The file work of ``sqdocs subplan init`` and ``update``.

``init`` writes a unit's subplan file from :mod:`sqdocs.subplans.text` (blank, or filled from its
subplan in an earlier year's folder, ``--from``); ``update`` merges the bureau plan's changes into
it with :mod:`sqdocs.subplans.merge`. Both refuse to overwrite, keep backups and write atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqdocs.check import required_units
from sqdocs.derive import (
    Carried,
    SubplanChanges,
    carried_subplan,
    resolve_unit,
    subplan_changes,
)
from sqdocs.errors import UserError
from sqdocs.folders import default_target
from sqdocs.fsutil import display_name, replace_keeping_backup, write_all, write_atomic, writing
from sqdocs.load import Diagnostic, LoadError, load_plan
from sqdocs.load.checks import former_file, former_hint, refuse_former, registered_names
from sqdocs.load.plan import written_year
from sqdocs.load.subplan import (
    SUBPLAN_DIR,
    misnamed_file,
    misnamed_refusal,
    misnamed_subplan,
    name_as_read,
    read_subplan,
    subplan_files,
    subplan_path,
)
from sqdocs.load.yamlfile import parse_yaml
from sqdocs.model import Plan, PointRef
from sqdocs.model.common import CONTINUOUS
from sqdocs.model.subplan import KEY_FIELDS, Subplan
from sqdocs.subplans.merge import Refresh, apply_changes, references
from sqdocs.subplans.text import filled_subplan_text, subplan_skeleton
from sqdocs.text.names import command_line


def previous_plan(folder: Path, plan: Plan, data: Path) -> Plan:
    """The plan of ``folder``, an earlier year's data folder of the same agency: where ``subplan
    init --from`` takes subplans from. UserError, naming --from, for any other folder; its example
    is last year's name of ``data``, the folder being written (hsinchu-113 → hsinchu-112)."""
    where = f"--from {folder}"
    example = f"如 {display_name(default_target(Path(data), plan.year - 1))}"
    if folder.is_file():
        raise UserError(f"{where} 是檔案；--from 要指定前一年度的資料夾（{example}），不是其中的檔案")
    if not (folder / "plan.yaml").is_file():
        found = "找不到此資料夾" if not folder.is_dir() else "此資料夾沒有 plan.yaml，不是計畫資料夾"
        raise UserError(f"{where}：{found}；--from 要指定前一年度的資料夾（{example}）")
    year = written_year(folder)
    if year is not None and year >= plan.year:  # before loading: a later year's folder may be unfilled yet
        raise UserError(
            f"{where} 是 {year} 年度的資料，要建立的是 {plan.year} 年度的細部計畫；"
            f"--from 要指定 {plan.year - 1} 年或更早的資料夾（是否把兩個資料夾寫反了？）"
        )
    earlier = load_plan(folder)
    if earlier.agency != plan.agency:
        raise UserError(f"{where} 是「{earlier.agency}」的資料，本資料夾是「{plan.agency}」的；請指定本機關前一年度的資料夾")
    return earlier


def _earlier_subplan(folder: Path, earlier: Plan, name: str) -> tuple[Subplan, int] | None:
    """``name``'s subplan in ``folder`` (of the plan ``earlier``) and its year; None when it has none.
    UserError when it is there under a name sqdocs does not read; LoadError when it cannot be read."""
    path = subplan_path(folder, name)
    if not path.is_file():
        if (misnamed := misnamed_subplan(folder, name)) is not None:
            raise UserError(misnamed_refusal(misnamed))
        return None
    return read_subplan(path, earlier).subplan, earlier.year


def previous_subplan(folder: Path, plan: Plan, unit: str, data: Path) -> tuple[Subplan, int]:
    """``unit``'s subplan in ``folder``, an earlier year's data folder of the same agency, and that
    year: what ``subplan init --from`` into ``data`` starts from. UserError, naming --from, for any
    other folder."""
    earlier = previous_plan(folder, plan, data)
    name = resolve_unit(plan, unit)
    found = _earlier_subplan(folder, earlier, name)
    if found is None:
        path = subplan_path(folder, name)
        hint = ""
        if (former := former_file(path.parent, name, registered_names(plan.units))) is not None:
            hint = "。" + former_hint(former, name, subplan_path(data, name), data, replacing=False)
        raise UserError(f"{display_name(folder)} 沒有{name}的細部執行計畫（{display_name(path)}）；不加 --from 即由空白範本開始{hint}")
    return found


def _refuse_existing(folder: Path | str, name: str) -> Path:
    """Where ``name``'s subplan goes; UserError when it, or a misnamed copy of it, is already there."""
    path = subplan_path(folder, name)
    if (misnamed := misnamed_subplan(folder, name)) is not None:
        raise UserError(misnamed_refusal(misnamed))
    if path.exists():
        raise UserError(
            f"{display_name(path)} 已存在；為避免蓋掉已填寫的內容，init 不會重寫。"
            f"要加入本局計畫新增的評核重點，請執行：{command_line(['sqdocs', 'subplan', 'update', display_name(Path(folder)), '--unit', name])}"
        )
    return path


def _new_subplan_text(plan: Plan, name: str, previous: tuple[Subplan, int] | None) -> tuple[str, Carried | None]:
    """The text ``init`` writes for ``name``: the skeleton, or one filled from ``previous``."""
    if previous is None:
        return subplan_skeleton(plan, name), None
    data, carried = carried_subplan(plan, name, *previous)
    return filled_subplan_text(plan, data, (
        f"# 本檔由 sqdocs subplan init 產生，帶入 {carried.year} 年細部執行計畫的具體作法、承辦單位與「{CONTINUOUS}」；"
        "請逐項檢查是否仍適用，寫成日期的完成期限請改填今年的日期。"
    )), carried


def init_subplan(
    folder: Path | str, plan: Plan, unit: str, previous: tuple[Subplan, int] | None = None
) -> tuple[Path, int, Carried | None]:
    """Write the skeleton of ``unit``'s subplan, filled from ``previous`` (its subplan of an earlier
    year, and that year) when given; refuses to overwrite. Returns (path, points, what was carried)."""
    name = resolve_unit(plan, unit)
    path = _refuse_existing(folder, name)
    refuse_beside_former(folder, plan, name)
    refs = plan.points_for(name)
    if not refs:
        raise UserError(f"本局計畫附件 1 沒有指派「{name}」辦理的評核重點，不需要細部執行計畫")
    text, carried = _new_subplan_text(plan, name, previous)
    with writing(data_folder=True):
        write_atomic(path, text.encode("utf-8"))
    return path, len(refs), carried


def subplan_units(folder: Path | str, plan: Plan) -> tuple[list[str], list[str]]:
    """The units that must have a subplan, in registry order — every 分局, and any other unit that
    already has a subplan file (第一分局.yml too) — and, apart, those of them the plan assigns no
    point to: they have nothing to plan."""
    wrote = {path.name.split(".")[0] for path in subplan_files(folder)}
    wanted = plan.units.in_order(set(required_units(plan)) | wrote)
    units = [unit for unit in wanted if plan.points_for(unit)]
    return units, [unit for unit in wanted if unit not in units]


@dataclass(frozen=True)
class NewSubplan:
    """A subplan ``init --all`` wrote."""

    unit: str
    path: Path
    points: int
    carried: Carried | None  # None: a blank skeleton
    missing: Path | None = None  # with --from: the earlier year's file the unit does not have
    former: Path | None = None  # with --from: a file there that may be the unit's before a rename


@dataclass(frozen=True)
class InitResult:
    made: list[NewSubplan]
    existing: list[tuple[str, Path]]  # units that have a subplan already: left alone
    unneeded: list[str]  # 分局 the plan assigns no point to, without a file: none needed
    earlier_only: list[str] = field(default_factory=list)  # other units with a subplan in the --from folder only


def init_subplans(folder: Path | str, plan: Plan, previous: Path | None = None) -> InitResult:
    """``init`` of every unit :func:`subplan_units` names that has no subplan file yet, each from its
    own subplan in ``previous`` (an earlier year's folder) when it has one there, else blank.

    Everything is checked before anything is written (the --from folder, a unit's file under a
    name sqdocs does not read here or there, last year's files that cannot be read), and the
    files are written as one set: a failure midway leaves none of them.
    """
    units, unneeded = subplan_units(folder, plan)
    if not units:
        raise UserError("本局計畫附件 1 沒有指派任何單位辦理的評核重點，不需要細部執行計畫")
    earlier = previous_plan(previous, plan, Path(folder)) if previous is not None else None
    everyone = plan.units.in_order({*units, *unneeded})
    existing = [(unit, subplan_path(folder, unit)) for unit in everyone if subplan_path(folder, unit).exists()]
    wanted = [unit for unit in units if not subplan_path(folder, unit).exists()]
    refusals = [misnamed_refusal(misnamed) for unit in wanted if (misnamed := misnamed_subplan(folder, unit))]
    for unit in wanted:
        try:
            refuse_beside_former(folder, plan, unit)
        except UserError as exc:
            refusals.append(str(exc))
    found: dict[str, tuple[Subplan, int] | None] = {}
    problems: list[Diagnostic] = []
    for unit in wanted:
        if previous is None or earlier is None:
            found[unit] = None
            continue
        try:
            found[unit] = _earlier_subplan(previous, earlier, unit)
        except UserError as exc:
            refusals.append(str(exc))
        except LoadError as exc:
            problems += exc.diagnostics
    if refusals:
        raise UserError("\n".join([*refusals, "未建立任何細部執行計畫。"]))
    if problems:
        raise LoadError(problems, note=f"以上是 --from {display_name(previous)} 中去年的細部執行計畫；"
                                       "請修正後再執行，未建立任何細部執行計畫。")
    made, files = [], {}
    for unit in wanted:
        text, carried = _new_subplan_text(plan, unit, found[unit])
        path = subplan_path(folder, unit)
        missing = subplan_path(previous, unit) if previous is not None and found[unit] is None else None
        former = former_file(missing.parent, unit, registered_names(plan.units)) if missing is not None else None
        made.append(NewSubplan(unit, path, len(plan.points_for(unit)), carried, missing, former))
        files[path] = text.encode("utf-8")
    if any(path.exists() for path in files):  # written meanwhile (a colleague's init): not overwritten
        raise UserError("細部執行計畫檔在檢查後被建立（可能有同事同時執行）；未寫入任何檔案，請再執行一次")
    with writing(data_folder=True):
        write_all(files)
    earlier_only = []
    if previous is not None:
        theirs = {path.stem for path in subplan_files(previous)}
        earlier_only = [unit for unit in plan.units.in_order(theirs) if unit not in units]
    return InitResult(made, existing, [unit for unit in unneeded if not subplan_path(folder, unit).exists()],
                      earlier_only)


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    backup: Path | None  # None when nothing changed (and nothing was written)
    changes: SubplanChanges
    subplan: Subplan  # before the update, for naming the entries in a report
    refreshed: tuple[Refresh, ...] = ()
    edited: tuple[PointRef, ...] = ()  # entries whose reference comments the unit changed: left alone

    def edited_note(self) -> str:
        """What update left alone in the comments and so cannot vouch for; empty when nothing."""
        if not self.edited:
            return ""
        return (f"注意：{len(self.edited)} 個評核重點的本局參考說明（「#」開頭的註解）經過編輯，未自動更新："
                f"{'、'.join('／'.join(ref.key) for ref in self.edited)}；本局目前的內容見本局計畫附件 1")

    def lines(self) -> list[str]:
        """What changed, one line each, for the user."""
        out = [f"新增：{'／'.join(ref.key)}" for ref in self.changes.added]
        out += [f"標記 removed：{'／'.join(r.key)}（{r.reason}）" for r in self.changes.removed]
        out += [f"取消 removed：{'／'.join(self.subplan.points[i].key)}（本局計畫又指派本單位辦理）" for i in self.changes.restored]
        out += [
            f"{'改名' if self.subplan.points[i].key[:2] == ref.key[:2] else '移動'}："
            f"{'／'.join(self.subplan.points[i].key)} → {'／'.join(ref.key)}（內容照舊）"
            for i, ref in self.changes.moved
        ]
        out += [f"更新本局參考說明：{'／'.join(r.ref.key)}（{r.summary()}）" for r in self.refreshed]
        return out


def _verify(new_text: str, old: Subplan, changes: SubplanChanges) -> None:
    """Refuse to write an update that does not read back as intended (a bug, never the user's fault)."""
    try:
        # Read as validate and build read it: PyYAML alone joins a practice's lines of Chinese
        # with a space, and every update of a file with one wrapped by hand was refused.
        new = Subplan.model_validate(parse_yaml(new_text.encode("utf-8"), "細部執行計畫").data)
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(f"更新後的檔案無法讀回（{exc}）；未寫入任何檔案") from exc
    flagged = {r.index for r in changes.removed}
    moved = dict(changes.moved)
    expected_old = [
        p.model_copy(update={
            "removed": i in flagged or (p.removed and i not in changes.restored),
            **(dict(zip(KEY_FIELDS, moved[i].key, strict=True)) if i in moved else {}),
        })
        for i, p in enumerate(old.points)
    ]
    old_keys = {q.key for q in expected_old}
    kept = [p for p in new.points if p.key in old_keys]
    added = [p.key for p in new.points if p.key not in old_keys]
    if kept != expected_old or sorted(added) != sorted(r.key for r in changes.added):
        raise RuntimeError("更新後的評核重點與預期不符；未寫入任何檔案")
    if new.model_dump(exclude={"points"}) != old.model_dump(exclude={"points"}):
        raise RuntimeError("更新改動了評核重點以外的欄位；未寫入任何檔案")


def refuse_beside_former(folder: Path | str, plan: Plan, unit: str) -> None:
    """UserError when ``unit`` has no subplan file but subplans/ holds one of a name units.yaml no
    longer has that may be its name before a rename (第一分局.yaml, the unit now 中正第一分局)."""
    refuse_former(Path(folder) / SUBPLAN_DIR, plan.units, unit, "細部執行計畫")


def refuse_beside_misnamed(folder: Path | str, unit: str) -> None:
    """UserError when ``unit``'s subplan is not at its path but there under a name sqdocs does
    not read (第一分局.yml, in Big5): writing one would put a second beside it."""
    if not subplan_path(folder, unit).exists() and (misnamed := misnamed_subplan(folder, unit)) is not None:
        raise UserError(misnamed_refusal(misnamed))


def update_subplan(folder: Path | str, plan: Plan, unit: str) -> UpdateResult:
    """Merge the bureau plan's changes into ``unit``'s subplan, keeping every byte the unit wrote.

    The bureau's reference comments of entries whose point the bureau changed are refreshed too.
    The previous file is kept as a numbered backup; nothing is written when nothing changed.
    """
    name = resolve_unit(plan, unit)
    path = subplan_path(folder, name)
    if not path.exists():
        refuse_beside_misnamed(folder, name)  # init, as the message below says, would make a second one
        refuse_beside_former(folder, plan, name)
        raise UserError(
            f"找不到 {display_name(path)}；請先執行：{command_line(['sqdocs', 'subplan', 'init', display_name(Path(folder)), '--unit', name])}"
        )
    loaded = read_subplan(path, plan)  # LoadError (file:line:col) if the unit's file cannot be read
    changes = subplan_changes(plan, loaded.subplan)
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    if text != loaded.doc.text:  # saved meanwhile: the entries read are not those of this text
        raise UserError(f"{display_name(path)} 在讀取時被修改（可能是編輯器剛存檔）；未寫入任何檔案，請再執行一次")
    try:
        refreshed, edited = references(text, plan, loaded.subplan, changes)
        if not changes and not refreshed:
            return UpdateResult(path, None, changes, loaded.subplan, edited=edited)
        new_text = apply_changes(text, plan, loaded.subplan, changes, refreshed)
    except UserError as exc:  # a layout update cannot work in: which file, as --unit names none
        raise UserError(f"{display_name(path)}：{exc}") from None
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    _verify(new_text, loaded.subplan, changes)
    backup = replace_keeping_backup(path, raw, bom + new_text.encode("utf-8"))
    return UpdateResult(path, backup, changes, loaded.subplan, refreshed, edited)


@dataclass(frozen=True)
class UpdateOutcome:
    """How ``update --all`` went for one subplan file: updated (or found in line), or why not."""

    unit: str  # the file's name without its extension: the unit's, when it is named right
    path: Path
    result: UpdateResult | None
    error: Exception | None = None
    """Bad input (UserError, LoadError), the file system (OSError), or any other: a bug."""


def update_subplans(folder: Path | str, plan: Plan) -> list[UpdateOutcome]:
    """:func:`update_subplan` of every subplan file in ``folder``, in registry order, each on its
    own: a file that cannot be read or updated (a misnamed one, one of no unit of the registry,
    one with errors) is reported in its outcome and the others are still updated."""
    paths = subplan_files(folder)
    if not paths:
        where = display_name(Path(folder) / "subplans")
        raise UserError(f"{where} 中沒有任何細部執行計畫檔；請先執行：{command_line(['sqdocs', 'subplan', 'init', display_name(Path(folder)), '--all'])}")
    rank = {unit.name: n for n, unit in enumerate(plan.units.units)}
    outcomes = []
    named = [(name_as_read(path.name).split(".")[0], path) for path in paths]
    for unit, path in sorted(named, key=lambda pair: (rank.get(pair[0], len(rank)), pair[1].name)):
        try:
            if misnamed_file(path) is not None:
                raise UserError(misnamed_refusal(path))
            registered = plan.units.unit(unit)
            if registered is None or registered.name != unit:
                read_subplan(path, plan)  # LoadError: the unit it names is not this file's
                raise UserError(f"檔名不是 units.yaml 中的單位簡稱；請改名為「單位.yaml」（如 {plan.units.units[0].name}.yaml）")
            outcomes.append(UpdateOutcome(unit, path, update_subplan(folder, plan, unit)))
        except Exception as exc:  # noqa: BLE001 — a bug met in one file leaves the others updated
            outcomes.append(UpdateOutcome(unit, path, None, exc))
    return outcomes
