"""Load a plan folder (plan.yaml, units.yaml, annex1–3.yaml) into a :class:`Plan`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pydantic import BaseModel

from sqdocs.folders import find_folders, misnamed
from sqdocs.fsutil import display_name
from sqdocs.load import checks
from sqdocs.load.diagnostics import Diagnostic, LoadError
from sqdocs.load.unfilled import unfilled
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import YamlDoc, listed, read_yaml
from sqdocs.model import Annex1, Annex2, Plan, PlanBody, Roster, UnitRegistry
from sqdocs.model.results import counterpart
from sqdocs.text.roc import examples_in

PLAN_FILES: dict[str, type[BaseModel]] = {
    "plan.yaml": PlanBody,
    "units.yaml": UnitRegistry,
    "annex1.yaml": Annex1,
    "annex2.yaml": Annex2,
    "annex3.yaml": Roster,
}


def load_plan(folder: Path | str) -> Plan:
    """Read a plan folder. Raises :class:`LoadError` listing every problem in every file."""
    with examples_in(written_year(folder)):  # 「如 108 年 6 月 30 日」 in a 108 plan's messages
        return _load_plan(Path(folder))


def _load_plan(folder: Path) -> Plan:
    if not folder.is_dir():
        raise LoadError([Diagnostic(display_name(folder), 0, 0, "", _not_a_folder(folder))])
    listed(folder)  # unreadable: one message for the folder, not one per file it should hold
    if not any((folder / name).exists() or misnamed(folder, name) for name in PLAN_FILES):
        # subplans/ or results/ given for the data folder: one message saying which, not five 找不到檔案
        raise LoadError([Diagnostic(display_name(folder), 0, 0, "", _not_a_plan_folder(folder))])
    problems: list[Diagnostic] = []
    to_fill: list[Diagnostic] = []
    docs: dict[str, YamlDoc] = {}
    models: dict[str, BaseModel] = {}
    for name, model in PLAN_FILES.items():
        try:
            doc = read_yaml(folder / name)
        except LoadError as exc:
            problems += [_hint_misnamed(folder, name, d) for d in exc.diagnostics]
            continue
        docs[name] = doc
        marked = list(unfilled(doc))
        to_fill += marked
        problems += marked
        value, found = validate(doc, model)
        told = {(d.line, d.column) for d in marked}  # a marker (or hint) in a date: said once, as such
        problems += [d for d in found if (d.line, d.column) not in told]
        if value is not None:
            models[name] = value

    body = models.get("plan.yaml")
    units = models.get("units.yaml")
    annex1 = models.get("annex1.yaml")
    annex2 = models.get("annex2.yaml")
    if isinstance(body, PlanBody):
        problems += checks.check_body(docs["plan.yaml"], body)
    if isinstance(units, UnitRegistry):
        problems += checks.check_units(docs["units.yaml"], units)
        if isinstance(annex1, Annex1) and isinstance(body, PlanBody):
            problems += checks.check_annex1(docs["annex1.yaml"], annex1, units, body, docs["units.yaml"])
        elif "annex1.yaml" in docs:  # it did not read (a deadline that is no date): its 承辦單位 are still judged
            told = {(d.file, d.line, d.column) for d in problems}
            doc = docs["annex1.yaml"]
            for refs in checks.written_unit_refs(doc.data):  # one point at a time: a name is unique within its point
                problems += [d for d in checks.check_unit_refs(doc, refs, units, "承辦單位")
                             if (d.file, d.line, d.column) not in told]
    if isinstance(annex2, Annex2):
        problems += checks.check_annex2(docs["annex2.yaml"], annex2)
    if isinstance(body, PlanBody):  # the annexes' titles name the bureau and year too
        year = checks.titled_year(body)
        for name in ("annex1.yaml", "annex2.yaml", "annex3.yaml"):
            if name in models:
                problems += checks.check_title(docs[name], getattr(models[name], "title", None), body.agency, year)

    errors = [p for p in problems if p.severity == "error"]
    if errors or len(models) < len(PLAN_FILES):
        only_marks = bool(to_fill) and all(p in to_fill for p in errors)
        raise LoadError(problems, (
            "以上都是 sqdocs rollover 留下、待本局填寫的欄位：填妥並通過 sqdocs validate 後，"
            "才能產生文件、細部計畫範本與表單" if only_marks else ""
        ))
    return Plan(
        body=models["plan.yaml"],  # type: ignore[arg-type]
        units=models["units.yaml"],  # type: ignore[arg-type]
        annex1=models["annex1.yaml"],  # type: ignore[arg-type]
        annex2=models["annex2.yaml"],  # type: ignore[arg-type]
        roster=models["annex3.yaml"],  # type: ignore[arg-type]
    )


def written_year(folder: Path | str) -> int | None:
    """The ``year`` a folder's plan.yaml says, read without judging the rest of the file (a
    folder rollover left unfilled still says which year it is for)."""
    try:
        data = read_yaml(Path(folder) / "plan.yaml").data
    except LoadError:
        return None
    year = data.get("year") if isinstance(data, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def plan_warnings(folder: Path | str, plan: Plan) -> list[Diagnostic]:
    """What is valid in the loaded ``plan`` of ``folder`` but probably a slip: plan.yaml's dates
    in another year than the plan's, a 文號 in full-width digits (:func:`checks.body_warnings`),
    another 年度 in the texts of 附件 1 and 附件 3,
    :func:`units_warnings`, and 附件 3 naming a unit as before a rename (:func:`checks.roster_warnings`)."""
    folder = Path(folder)
    annex1, annex3 = read_yaml(folder / "annex1.yaml"), read_yaml(folder / "annex3.yaml")
    return [*checks.body_warnings(read_yaml(folder / "plan.yaml"), plan.body), *units_warnings(folder, plan),
            # 附件 1's 「成立本局「107年度推動提升服務品質工作小組」」 is as much the plan's text
            *checks.other_year_warnings(annex1, plan.year), *checks.other_year_warnings(annex3, plan.year),
            *checks.roster_warnings(annex3, plan.roster, plan.units),
            *_without_counterpart(annex1, plan)]


def _without_counterpart(doc: YamlDoc, plan: Plan) -> list[Diagnostic]:
    """附件 1 points with no 附件 2 point to answer (:func:`counterpart`), said at annex1.yaml's
    ``doc``: found only at the year's end, when a unit's evidence for one named no 附件 2 point
    and its results were refused."""
    found = []
    for ref in plan.points():
        if counterpart(plan, ref) is not None:
            continue
        di = plan.annex1.dimensions.index(ref.dimension)
        ii = ref.dimension.items.index(ref.item)
        found.append(doc.diagnostic(("dimensions", di, "items", ii, "points", ref.point_index, "name"), (
            f"附件 2 的「{ref.dimension.name}」「{ref.item.name}」沒有與評核重點「{ref.point.name}」對應的評核重點；"
            "各單位為此評核重點的佐證資料勾選檢核事項（supports）時，須以 checklist 指明附件 2 的評核重點，否則成果檔會被拒絕。"
            "若是附件 2 漏列或名稱不同，請在 annex2.yaml 補上或改為相同名稱"
        ), severity="warning"))
    return found


def units_warnings(folder: Path | str, plan: Plan) -> list[Diagnostic]:
    """units.yaml's groups that leave out a unit of their kind (:func:`checks.group_warnings`)."""
    return list(checks.group_warnings(read_yaml(Path(folder) / "units.yaml"), plan.units))


def _not_a_folder(path: Path) -> str:
    """Why ``path`` is no folder at all: missing, or a file (plan.yaml itself, one of the unit's
    files, the zip the data came in) given for the folder it is in."""
    if not path.is_file():
        return "找不到資料夾（應含 plan.yaml 等檔案）"
    if path.suffix.lower() in (".zip", ".7z", ".rar"):
        return "這是壓縮檔，不是資料夾；請先解壓縮，再指定解壓縮後含 plan.yaml 的資料夾"
    for above in path.resolve().parents[:3]:  # plan.yaml, subplans/x.yaml, results/evidence/x.png
        if (above / "plan.yaml").is_file():
            return f"這是檔案，不是資料夾；請改指定它所在的計畫資料夾 {display_name(above)}"
    return "這是檔案，不是資料夾；請指定含 plan.yaml 的資料夾（如 data/keelung-107）"


def _not_a_plan_folder(folder: Path) -> str:
    """Why ``folder``, holding none of the plan's files, is not a data folder, and which is."""
    what = f"此資料夾沒有計畫資料檔（{'、'.join(PLAN_FILES)}），不是計畫資料夾"
    for above in folder.resolve().parents[:2]:  # subplans/, results/, results/evidence/
        if (above / "plan.yaml").is_file():
            return f"{what}；它在計畫資料夾 {display_name(above)} 之中，請改指定 {display_name(above)}"
    # A folder of bureaus, which validate, check, build and export take, given to a command that
    # works on one bureau (subplan, form, rollover): name the bureaus in it, as those find them.
    bureaus = [found for found in find_folders([folder]) if found != folder]
    if bureaus:
        names = "、".join(sub.name for sub in bureaus[:5]) + ("等" if len(bureaus) > 5 else "")
        return (f"{what}；它內含各機關的資料夾（{names}），此指令一次處理一個機關"
                f"（validate、check、build、export 才可指定整個資料夾）：請改指定其中之一，如 {display_name(bureaus[0])}")
    return f"{what}；請指定含 plan.yaml 的資料夾（如 data/keelung-107）"


def _hint_misnamed(folder: Path, name: str, problem: Diagnostic) -> Diagnostic:
    """「找不到檔案」 says so when the file is there under .yml or another case (Plan.yaml)."""
    if problem.message != "找不到檔案" or not folder.is_dir():
        return problem
    near = misnamed(folder, name)
    if not near:  # deleted or never copied: where one comes from
        return dataclasses.replace(problem, message=(
            f"找不到檔案；計畫資料夾須有 {'、'.join(PLAN_FILES)}：請從前一年度的資料夾複製 {name}"
            f"（或以 sqdocs rollover 由前一年度產生新年度的資料夾），格式見 docs/data-format.md"))
    return dataclasses.replace(problem, message=f"找不到檔案；資料夾中有 {near[0]}，請改名為 {name}")
