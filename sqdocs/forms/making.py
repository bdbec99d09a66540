"""Making forms: a unit's subplan or results form (or every unit's) from its data folder,
pre-filled from the unit's YAML when there is one, with a hidden fingerprint of what it was
made from (:mod:`.importing` reads it back)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqdocs.derive import resolve_unit
from sqdocs.errors import UserError
from sqdocs.forms import results as results_form
from sqdocs.forms import subplan as subplan_form
from sqdocs.forms.entries import followed
from sqdocs.forms.fingerprint import (
    Fingerprint,
    data_digest,
    digest,
    file_digest,
    write_fingerprint,
)
from sqdocs.forms.kinds import FORM_NAMES
from sqdocs.fsutil import (
    check_targets,
    display_name,
    readable_name,
    remove_empty,
    write_all,
    write_atomic,
    writing,
)
from sqdocs.load import LoadError, load_plan
from sqdocs.load.checks import refuse_former
from sqdocs.load.subplan import (
    misnamed_refusal,
    misnamed_subplan,
    subplan_from,
    subplan_path,
)
from sqdocs.load.yamlfile import parse_yaml, read_data_bytes
from sqdocs.model import Plan
from sqdocs.model.results import IndicatorSet
from sqdocs.subplans.files import subplan_units
from sqdocs.text.names import shell_word

KINDS = FORM_NAMES


def default_output(kind: str, unit: str) -> Path:
    """第一分局細部計畫.xlsx / 第一分局執行成果.xlsx in the working folder."""
    return Path(f"{unit}{KINDS[kind]}.xlsx")


def points_digest(plan: Plan, unit: str) -> tuple[str, list[list[str]]]:
    """The bureau's points for ``unit`` and their hash: a form's rows are made from them."""
    points = [list(ref.key) for ref in plan.points_for(unit)]
    return digest(points), points


@dataclass(frozen=True)
class MadeForm:
    path: Path
    unit: str
    points: int
    prefilled: Path | None  # the YAML the form was pre-filled from
    # 「old → new」 of the YAML's entries whose point the bureau renamed or moved since: the form
    # shows them under the new names, and its import renames them in the YAML
    followed: tuple[str, ...] = ()
    unfilled: bool = False  # the subplan it was made from has no practice, deadline or 承辦單位 yet


_YAML_WHAT = {"subplan": "細部執行計畫", "results": "年度成果"}


def refuse_former_yaml(folder: Path, plan: Plan, kind: str, unit: str) -> None:
    """UserError when ``unit``'s YAML is not there but one from before its rename may be: a form
    made now would be blank, and its import would put a second file beside the unit's year of work."""
    target = unit_yaml(folder, plan, kind, unit)
    if not target.exists():
        refuse_former(target.parent, plan.units, unit, _YAML_WHAT[kind])


def make_form(folder: Path | str, kind: str, unit: str, out: Path | None = None, *, force: bool = False) -> MadeForm:
    """Write the ``kind`` form ("subplan" or "results") of ``unit``; refuses to overwrite unless ``force``."""
    folder = Path(folder)
    plan = load_plan(folder)
    name = resolve_unit(plan, unit)
    refs = plan.points_for(name)
    if not refs:
        raise UserError(f"本局計畫附件 1 沒有指派「{name}」辦理的評核重點，沒有表單可填")
    if out is not None and out.is_dir():  # a folder, as --all takes it: the form of its usual name in it
        out = out / default_output(kind, name).name
    out = out or default_output(kind, name)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"{display_name(out)}：表單須存為 .xlsx 檔；請以 .xlsx 結尾的檔名指定 -o，"
                        f"如 -o {shell_word(display_name(out.with_suffix('.xlsx')))}")
    if out.exists() and not force:
        raise UserError(f"{display_name(out)} 已存在（可能是已填寫的表單）；請另取檔名，或加 --force 覆蓋")
    if kind == "subplan" and (misnamed := misnamed_subplan(folder, name)) is not None:
        raise UserError(misnamed_refusal(misnamed))
    refuse_former_yaml(folder, plan, kind, name)
    made, data = _build(folder, plan, kind, name, out)
    with writing():
        write_atomic(out, data)
    return made


@dataclass(frozen=True)
class MadeForms:
    """What ``make_forms`` wrote: a form per unit, in registry order, into ``folder``."""

    folder: Path
    forms: list[MadeForm]
    # units that would get a subplan form (a 分局, a unit with a subplan file) but are assigned no point
    skipped: list[str] = field(default_factory=list)


def form_units(folder: Path, plan: Plan, kind: str) -> tuple[list[str], list[str]]:
    """Who gets a ``kind`` form when every unit's is made, in registry order; and the units passed over.

    subplan: the units ``sqdocs check`` holds to a detailed plan — every 分局, and any other unit
    that already has a subplan file (its form comes pre-filled from it). results: every unit the
    plan assigns a point to, as the annual report expects results of. A unit assigned no point
    has no form to fill: such a 分局 or unit with a subplan file is passed over (and named).
    """
    if kind == "subplan":
        return subplan_units(folder, plan)  # 第一分局.yml too: refused below
    return plan.assigned_units(), []


def make_forms(folder: Path | str, kind: str, out: Path | None = None, *, force: bool = False) -> MadeForms:
    """Write the ``kind`` form of every unit :func:`form_units` names into the folder ``out``
    (default: the working folder), each under its :func:`default_output` name.

    All or none: every target is checked first (an existing form is not overwritten unless
    ``force``; every one there is named), every unit's YAML is read, and the forms are written
    as one set, so a failure midway leaves none of them written or changed.
    """
    folder = Path(folder)
    plan = load_plan(folder)
    units, skipped = form_units(folder, plan, kind)
    if not units:
        raise UserError("本局計畫附件 1 沒有指派任何單位辦理的評核重點，沒有表單可產生")
    out = Path(".") if out is None else out
    if out.exists() and not out.is_dir():
        raise UserError(f"{display_name(out)} 是檔案；加上 --all 時，-o 須指定存放表單的資料夾（如 -o 表單），"
                        f"各表單以單位命名（如 {default_output(kind, units[0])}）")
    if not out.exists() and out.suffix.lower() == ".xlsx":
        raise UserError(f"加上 --all 時，-o 須指定存放表單的資料夾（如 -o 表單），不是檔名；"
                        f"各表單以單位命名（如 {default_output(kind, units[0])}）")
    targets = {unit: out / default_output(kind, unit) for unit in units}
    there = [path for path in targets.values() if path.exists() and not path.is_dir()]  # a folder: check_targets says so
    if there and not force:
        raise UserError(
            f"{'、'.join(display_name(path) for path in there)} 已存在（可能是已填寫的表單），未產生任何表單；"
            "請先移走這些檔案、以 -o 指定其他資料夾，或加 --force 覆蓋"
        )
    refusals = []
    if kind == "subplan":
        refusals += [misnamed_refusal(path) for unit in units if (path := misnamed_subplan(folder, unit)) is not None]
    for unit in units:
        try:
            refuse_former_yaml(folder, plan, kind, unit)
        except UserError as exc:
            refusals.append(str(exc))
    if refusals:
        raise UserError("；".join(refusals))
    indicators = results_form.load_indicators(folder, plan) if kind == "results" else None
    built: list[tuple[MadeForm, bytes]] = []
    problems = []
    for unit, path in targets.items():  # every unit's YAML read, all that cannot be told at once
        try:
            built.append(_build(folder, plan, kind, unit, path, indicators))
        except LoadError as exc:
            problems += exc.diagnostics
    if problems:
        raise LoadError(problems, note="未產生任何表單。")
    made_folders = check_targets(targets.values())
    try:
        with writing():
            write_all({made.path: data for made, data in built})
    except BaseException:
        remove_empty(made_folders)
        raise
    return MadeForms(out, [made for made, _ in built], skipped)


def _build(
    folder: Path, plan: Plan, kind: str, name: str, out: Path, indicators: IndicatorSet | None = None
) -> tuple[MadeForm, bytes]:
    """The ``kind`` form of ``name`` as it would be written to ``out``, pre-filled from the unit's YAML."""
    yaml_path = unit_yaml(folder, plan, kind, name)
    # Read once: the hash in the fingerprint and the pre-filled rows must come from the same bytes.
    # Anything by that name is the unit's file (a folder, a pipe, a broken link too: said, not passed over).
    raw = read_data_bytes(yaml_path) if os.path.lexists(yaml_path) else None
    doc = parse_yaml(raw, display_name(yaml_path)) if raw is not None else None
    points_hash, points = points_digest(plan, name)
    fp = Fingerprint(
        kind=kind, unit=name, year=plan.year, agency=plan.agency, points_hash=points_hash, points=points,
        yaml_file=readable_name(yaml_path.relative_to(folder).as_posix()), yaml_hash=file_digest(raw),
        yaml_data_hash=data_digest(raw), issued=datetime.now().isoformat(timespec="seconds"),
    )
    moves: list[str] = []
    unfilled = False
    if kind == "subplan":
        existing = subplan_from(doc, yaml_path, plan).subplan if doc is not None else None
        if existing is not None:
            points, moves = followed(plan, name, existing.points)
            existing = existing.model_copy(update={"points": points})
            unfilled = not any(entry.practices or entry.deadline or entry.units for entry in existing.points)
        wb = subplan_form.build(plan, name, existing, fp)
    else:
        if indicators is None:
            indicators = results_form.load_indicators(folder, plan)
        existing_sub = results_form.read_existing(doc, plan, name) if doc is not None else None
        if existing_sub is not None:
            results, moves = followed(plan, name, existing_sub.results)
            existing_sub = existing_sub.model_copy(update={"results": results})
        wb = results_form.build(plan, name, indicators, existing_sub, fp)
    write_fingerprint(wb, fp)
    buffer = io.BytesIO()
    wb.save(buffer)
    made = MadeForm(out, name, len(fp.points), yaml_path if raw is not None else None, tuple(moves), unfilled)
    return made, buffer.getvalue()


def unit_yaml(folder: Path, plan: Plan, kind: str, unit: str) -> Path:
    """The YAML file a form of ``unit`` reads and writes."""
    if kind == "subplan":
        return subplan_path(folder, unit)
    return results_form.results_path(folder, plan, unit)
