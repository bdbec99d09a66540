"""Load detailed plans (``subplans/<unit>.yaml``) into :class:`Subplan`, with file:line:col diagnostics.

Only what makes a file unusable is reported here (YAML, field types, unknown unit, names
used twice). Whether a subplan is *complete* is a separate question: :mod:`sqdocs.check`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqdocs.fsutil import display_name, legacy_reading, not_utf8_file, rename_advice
from sqdocs.load.checks import (
    check_date_in_period,
    check_title,
    name_flaws,
    name_hint,
    unique_names,
    unknown_unit,
    unregistered_unit,
)
from sqdocs.load.diagnostics import Diagnostic, LoadError, Loc
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import YamlDoc, listed, read_yaml
from sqdocs.model import Plan, Unit
from sqdocs.model.subplan import Subplan
from sqdocs.text.roc import examples_in

SUBPLAN_DIR = "subplans"


def subplan_path(folder: Path | str, unit: str) -> Path:
    """Where the detailed plan of ``unit`` lives: ``DATA_DIR/subplans/<unit>.yaml``."""
    return Path(folder) / SUBPLAN_DIR / f"{unit}.yaml"


def subplan_files(folder: Path | str) -> list[Path]:
    """Every subplan file of a data folder, sorted by name (backups ``*.bak*`` are not files of it).

    Whatever bears such a name counts, a broken symbolic link, a folder or a pipe too, so that
    reading it reports it (as results/ does) rather than the unit being said to have no subplan.
    """
    directory = Path(folder) / SUBPLAN_DIR
    if not os.path.lexists(directory):
        return []  # a file named subplans, or a link that leads nowhere: listed() says so
    return [p for p in listed(directory) if _named_as_subplan(p.name) and not p.name.startswith(".")]


def _named_as_subplan(name: str) -> bool:
    # 第一分局.yml or 第一分局.yaml.txt (Notepad) is meant as one too: reading it says to rename it
    return name.lower().endswith((".yaml", ".yml", ".yaml.txt", ".yml.txt"))


def misnamed_subplan(folder: Path | str, unit: str) -> Path | None:
    """``unit``'s subplan saved under a name sqdocs does not read (第一分局.yml, 第一分局.yaml.txt,
    第一分局.yaml in Big5 bytes)."""
    return next((p for p in subplan_files(folder) if misnamed_file(p) and name_as_read(p.name).split(".")[0] == unit), None)


def misnamed_refusal(path: Path) -> str:
    """Why a command will not write the unit's subplan beside a misnamed one of it."""
    if (encoding := not_utf8_file(path)) is not None:
        return f"{display_name(path)} 是此單位的細部執行計畫，但{encoding}；改好後再執行一次"
    return f"{display_name(path)} 是此單位的細部執行計畫，但檔名不對；{rename_advice(path, _right_name(path), '請先改名為')}，再執行一次"


def name_as_read(name: str) -> str:
    """A file name as its clerk reads it: a name left in Big5 bytes by a Windows zip, in Big5."""
    return legacy_reading(name) or name


def _right_name(path: Path) -> str:
    """第一分局.yml, 第一分局.YAML, 第一分局.yaml.txt → 第一分局.yaml."""
    return path.name[: path.name.lower().index(".y")] + ".yaml"


def misnamed_file(path: Path) -> Diagnostic | None:
    """Why a subplan file must be renamed to be used; None when its name is right."""
    if (encoding := not_utf8_file(path)) is not None:
        return Diagnostic(display_name(path), 1, 1, "", encoding)
    if path.suffix == ".yaml":
        return None
    return Diagnostic(display_name(path), 1, 1, "", (
        f"細部執行計畫檔的檔名須為「單位.yaml」（sqdocs 寫入與讀取都用這個名稱）；{rename_advice(path, _right_name(path))}"
    ))


@dataclass(frozen=True)
class SubplanFile:
    """A loaded subplan and the document it came from (for line numbers)."""

    path: Path
    doc: YamlDoc
    subplan: Subplan


def _check(doc: YamlDoc, subplan: Subplan, plan: Plan, path: Path) -> Iterator[Diagnostic]:
    unit = plan.units.unit(subplan.unit)
    if unit is None:
        known = [u.name for u in plan.units.units]
        yield doc.diagnostic(("unit",), unregistered_unit(subplan.unit, path, known) if path.stem == subplan.unit else
                             unknown_unit(subplan.unit, path, known, "；單位須先登錄於 units.yaml"))
    elif path.stem != unit.name:
        yield doc.diagnostic(
            ("unit",), f"unit 寫「{subplan.unit}」，但檔名是 {path.name}；檔名應為 {unit.name}.yaml"
        )
    yield from check_title(doc, subplan.title, plan.agency, plan.year)
    if unit is not None:
        yield from _title_unit(doc, subplan.title, unit, plan)
    names: list[tuple[Loc, str]] = [(("sub_units", i), n) for i, n in enumerate(subplan.sub_units)]
    names += [(("sub_groups", i, "name"), g.name) for i, g in enumerate(subplan.sub_groups)]
    yield from name_flaws(doc, names)
    yield from unique_names(doc, names, "承辦單位或群組名稱")
    for gi, group in enumerate(subplan.sub_groups):
        for mi, member in enumerate(group.members):
            if member not in subplan.sub_units:
                hint = name_hint(member, subplan.sub_units, "sub_units") or "；群組成員須先列於 sub_units"
                yield doc.diagnostic(("sub_groups", gi, "members", mi), f"未知的承辦單位「{member}」{hint}")
        yield from unique_names(
            doc, ((("sub_groups", gi, "members", mi), m) for mi, m in enumerate(group.members)), "群組成員"
        )
    for pi, point in enumerate(subplan.points):  # as annex1 refuses a unit listed twice for a point
        yield from unique_names(
            doc, ((("points", pi, "units", ui), u) for ui, u in enumerate(point.units)), "承辦單位"
        )
        for ui, name in enumerate(point.units):
            if not point.removed and not subplan.expand(name):  # printed in the unit's plan: refused as annex1 refuses one
                hint = name_hint(name, subplan.known_names(), "sub_units") or "；請先列於 sub_units（或 sub_groups）"
                yield doc.diagnostic(("points", pi, "units", ui), f"未知的承辦單位「{name}」{hint}")
        if isinstance(point.deadline, date) and not point.removed:  # printed in the unit's plan, as annex1's is
            yield from check_date_in_period(doc, ("points", pi, "deadline"), point.deadline, plan.body, "完成期限")
    keys = [(("points", i, "point"), "／".join(p.key)) for i, p in enumerate(subplan.points)]
    yield from unique_names(doc, keys, "評核重點")


def _title_unit(doc: YamlDoc, title: str | None, unit: Unit, plan: Plan) -> Iterator[Diagnostic]:
    """A title that does not name the file's unit: a neighbour's subplan copied as a start, or a
    unit renamed in units.yaml, would print another unit on this one's cover."""
    if not title or unit.name in title or (unit.full_name and unit.full_name in title):
        return
    names = [n for u in plan.units.units for n in (u.full_name, u.name) if n]
    other = next((n for n in sorted(names, key=len, reverse=True) if n in title), None)  # 刑事警察大隊 before 警察大隊
    if other is None and (found := re.match(f"{re.escape(plan.agency)}(\\S+?)\\s*\\d+\\s*年度", title)):
        other = found.group(1)  # the unit's old name, no longer in units.yaml
    if other is None:
        yield doc.diagnostic(("title",), f"標題沒有寫出本單位「{unit.name}」；請在標題寫出單位名稱，或刪除 title 一行（使用標準標題）")
        return
    fixed = title.replace(other, unit.name, 1)
    yield doc.diagnostic(("title",), f"標題寫的是「{other}」，但 unit 是「{unit.name}」；應為「{fixed}」")


def read_subplan(path: Path, plan: Plan) -> SubplanFile:
    """Read one subplan file. Raises :class:`LoadError` with every problem found."""
    return subplan_from(read_yaml(path), path, plan)


def subplan_from(doc: YamlDoc, path: Path, plan: Plan) -> SubplanFile:
    """The subplan in ``doc``, judged as the file ``path`` (its name must be the unit's).

    Raises :class:`LoadError` with every problem found.
    """
    with examples_in(plan.year):
        subplan, problems = validate(doc, Subplan)
        if subplan is not None:
            problems += _check(doc, subplan, plan, path)
        if subplan is None or any(p.severity == "error" for p in problems):
            raise LoadError(problems)
        return SubplanFile(path, doc, subplan)


def load_subplans(folder: Path | str, plan: Plan) -> dict[str, SubplanFile]:
    """Every subplan of a data folder, by unit name. Raises :class:`LoadError` for all files at once."""
    found: dict[str, SubplanFile] = {}
    problems: list[Diagnostic] = []
    for path in subplan_files(folder):
        if (misnamed := misnamed_file(path)) is not None:
            problems.append(misnamed)
            continue
        try:
            loaded = read_subplan(path, plan)
        except LoadError as exc:
            problems += exc.diagnostics
            continue
        found[path.stem] = loaded  # the file name is the unit's short name (checked above)
    if problems:
        raise LoadError(problems)
    # 第一分局 before 第二分局, as the registry lists them (every file is a registered unit: checked above)
    return {u.name: found[u.name] for u in plan.units.units if u.name in found}
