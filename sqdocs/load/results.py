"""Load indicators.yaml and results/<unit>.yaml into a :class:`ResultSet`, checking every figure."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path, PurePosixPath

from PIL import Image

from sqdocs.fsutil import display_name
from sqdocs.load.checks import unique_names, unregistered_unit
from sqdocs.load.diagnostics import Diagnostic, LoadError, Loc
from sqdocs.load.plan import PLAN_FILES
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import YamlDoc, listed, read_yaml
from sqdocs.model import Plan, PointRef
from sqdocs.model.results import (
    CHART_MAX_INDICATORS,
    COUNT_UNITS,
    PHOTO_FORMATS,
    ChecklistPath,
    CheckRef,
    Indicator,
    IndicatorSet,
    Measure,
    Omission,
    PointResult,
    ResultSet,
    Submission,
    counterpart,
    find_point,
    indicator_points,
    omissions,
    unentered,
)
from sqdocs.text.numbers import exact, growth, value_text
from sqdocs.text.roc import ROC_OFFSET, examples_in, format_roc
from sqdocs.text.suggest import suggest

INDICATORS_FILE = "indicators.yaml"
HISTORY_YEARS = 30
"""How many years before the plan's a history may reach: the trend chart draws every year between."""
RESULTS_DIR = "results"
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def has_results(folder: Path | str) -> bool:
    """Whether a data folder holds year-end results (indicators.yaml or results/)."""
    folder = Path(folder)
    return _exists(folder / INDICATORS_FILE) or (folder / RESULTS_DIR).is_dir()


def result_files(folder: Path | str) -> list[Path]:
    """The units' results files of a data folder (``results/*.yaml`` and ``*.yml``).

    A results/ that cannot be listed is a LoadError: glob would take it for an empty folder,
    and the build would say no unit had handed in its results. Hidden files (macOS's
    ``._第一分局.yaml`` on a shared drive or in a zip, an editor's lock) are no unit's, as in subplans/."""
    results = Path(folder) / RESULTS_DIR
    if not results.exists():
        return []
    # A file named results is an error, not a folder without results.
    names = [p for p in listed(results) if not p.name.startswith(".")]
    return [p for p in names if p.suffix == ".yaml"] + [p for p in names if p.suffix == ".yml"]


def saved_as_text(folder: Path | str) -> list[Path]:
    """Results an editor saved with .txt after the name (Notepad's 第一分局.yaml.txt): not read."""
    results = Path(folder) / RESULTS_DIR
    return sorted(results.glob("*.y*ml.txt")) if results.is_dir() else []


def _nested(folder: Path) -> list[Path]:
    """YAML files in folders inside results/ (a unit's file filed one level too deep): not read."""
    results = folder / RESULTS_DIR
    if not results.is_dir():
        return []
    return sorted(p for p in results.glob("*/*.y*ml") if not any(part.startswith(".") for part in p.parts[-2:]))


def submitted(folder: Path | str) -> bool:
    """Whether any unit has handed in its results (a YAML file in ``results/``)."""
    return bool(result_files(folder))


def _exists(path: Path) -> bool:
    """A file, or a symbolic link in its place (whose reading says what is wrong with it)."""
    return path.is_file() or path.is_symlink()


def load_results(folder: Path | str, plan: Plan) -> tuple[ResultSet, list[Diagnostic]]:
    """Read ``indicators.yaml`` and ``results/*.yaml`` of a data folder.

    Returns the results and the warnings (分母為 0, a percentage that looks like a fraction …).
    Raises :class:`LoadError` listing every problem, warnings included, when any is an error.
    """
    with examples_in(plan.year):
        folder = Path(folder)
        problems: list[Diagnostic] = []
        indicators = IndicatorSet.model_construct(indicators=[], charts=[])
        known = False  # whether the units' figures can be judged against the indicator definitions
        path = folder / INDICATORS_FILE
        if _exists(path):
            loaded, found = read_indicators(path, plan)
            problems += found
            if loaded is not None:
                indicators, known = loaded, True
        submissions: dict[str, tuple[Submission, YamlDoc]] = {}
        files = result_files(folder)
        for saved in saved_as_text(folder):
            problems.append(Diagnostic(display_name(saved), 1, 1, "", (
                f"成果檔的檔名須為「單位.yaml」；請改名為 {saved.name.removesuffix('.txt')}（否則此單位算是未填報）"
            )))
        for nested in _nested(folder):
            problems.append(Diagnostic(display_name(nested), 1, 1, "", (
                f"成果檔須直接放在 {RESULTS_DIR}/ 中，子資料夾中的檔案不會讀取；要繳交的請移到 {RESULTS_DIR}/"
                f"（否則此單位算是未填報），不用的請移出 {RESULTS_DIR}/"
            ), severity="warning"))
        if files and not _exists(path):
            problems.append(
                Diagnostic(
                    display_name(path), 1, 1, "", f"找不到檔案；填報了成果就須有指標定義 indicators.yaml{_misnamed(folder)}"
                )
            )
        figures = False
        for file in files:
            try:
                doc = read_yaml(file)
            except LoadError as exc:
                problems += exc.diagnostics
                continue
            submission, found = validate(doc, Submission)
            problems += found
            if submission is None:
                continue
            figures = figures or any(r.indicators for r in submission.results)
            problems += check_submission(doc, file, submission, plan, indicators, submissions, indicators_known=known)
        if known:
            problems += omission_warnings(plan, indicators, submissions)
            problems += unentered_warnings(path, plan, indicators, submissions)
        if figures and not known:
            # Every figure would be an 「未知的指標」 and bury the one mistake in indicators.yaml.
            problems.append(
                Diagnostic(
                    display_name(path), 1, 1, "",
                    f"indicators.yaml {'有錯誤' if _exists(path) else '不存在'}，各單位成果的量化指標數據尚未檢查；"
                    "修正後請再執行一次",
                    "warning",
                )
            )
        if any(p.severity == "error" for p in problems):
            raise LoadError(problems)
        order = [u.name for u in plan.units.units]
        ordered = {name: submissions[name][0] for name in order if name in submissions}
        return ResultSet(indicators=indicators, submissions=ordered, evidence_dir=folder / RESULTS_DIR), sorted(problems)


# ---- indicators.yaml -------------------------------------------------------


def _misnamed(folder: Path) -> str:
    """「，是不是 indicator.yaml？」 when a file in ``folder`` looks like a misspelt indicators.yaml."""
    names = [p.name for p in folder.glob("*.y*ml") if p.name not in PLAN_FILES]
    match = difflib.get_close_matches(INDICATORS_FILE, names, n=1, cutoff=0.7)
    return f"；「{match[0]}」是不是 indicators.yaml 拼錯了？請改名為 indicators.yaml" if match else ""


def read_indicators(path: Path, plan: Plan) -> tuple[IndicatorSet | None, list[Diagnostic]]:
    """``indicators.yaml`` and every problem in it; None when it cannot be used at all."""
    with examples_in(plan.year):
        try:
            doc = read_yaml(path)
        except LoadError as exc:
            return None, exc.diagnostics
        value, problems = validate(doc, IndicatorSet)
        if value is None:
            return None, problems
        problems += _check_indicators(doc, value, plan)
        return value, problems


def _check_indicators(doc: YamlDoc, indicators: IndicatorSet, plan: Plan) -> Iterator[Diagnostic]:
    items = indicators.indicators
    yield from unique_names(doc, ((("indicators", i, "id"), ind.id) for i, ind in enumerate(items)), "指標代號")
    yield from unique_names(doc, ((("indicators", i, "name"), ind.name) for i, ind in enumerate(items)), "指標名稱")
    ids = [ind.id for ind in items]
    for i, ind in enumerate(items):
        loc: Loc = ("indicators", i)
        if ind.checklist.dimension is None:
            yield doc.diagnostic((*loc, "checklist"), "指標的 checklist 須寫 dimension（評核構面）")
        else:
            check, found = _resolve_check(doc, (*loc, "checklist"), ind.checklist, None, plan)
            yield from found
            if check is not None:
                yield from _check_entries(doc, (*loc, "supports"), ind.supports, check)
        if ind.kind == "growth":
            base = indicators.get(ind.of or "")
            if base is None:
                yield doc.diagnostic((*loc, "of"), f"未知的指標代號「{ind.of}」{suggest(ind.of or '', ids)}")
            elif base.kind == "growth":
                yield doc.diagnostic((*loc, "of"), f"成長率不可依據另一個成長率指標「{ind.of}」")
            else:
                yield from _stale_growth(doc, loc, ind, base)
        if ind.history and ind.kind != "growth" and plan.year - 1 not in ind.history:
            yield doc.diagnostic((*loc, "history"), (
                f"history 沒有 {plan.year - 1} 年的數據，報告的「較上年」無法計算"
                f"{'、成長率也無法計算' if any(other.of == ind.id for other in indicators.indicators) else ''}；"
                f"請依 {plan.year - 1} 年度績效報告在 history 加上「{plan.year - 1}: 數值」"
                "（報告中標「*」的數值缺少部分單位的數據，請改用各單位都繳交後的全局數值）"
            ), severity="warning", key=True)
        for year, value in ind.history.items():
            hloc = (*loc, "history", year)
            if year > ROC_OFFSET:  # 2017: a Western year
                yield doc.diagnostic(hloc, (
                    f"{year} 是西元年；history 的年度請寫民國年，西元 {year} 年請寫 {year - ROC_OFFSET}"
                ), key=True)
            elif year >= plan.year:
                yield doc.diagnostic(
                    hloc, f"歷年數據只能寫到 {plan.year - 1} 年；{plan.year} 年由各單位填報的成果計算", key=True
                )
            elif year < plan.year - HISTORY_YEARS:
                # 「7: 90」 for 107 drew a trend chart of every year from 7 to the plan's: a hundred.
                yield doc.diagnostic(hloc, (
                    f"{year} 年距計畫年度（{plan.year} 年）超過 {HISTORY_YEARS} 年，多半是打錯的民國年；"
                    f"請寫完整的民國年（如 {plan.year - 1}），早於 {plan.year - HISTORY_YEARS} 年的數據請刪除"
                ), key=True)
            if value < 0 and ind.kind != "growth":
                yield doc.diagnostic(hloc, f"「{ind.name}」{year} 年為負數 {_num(value)}；只有成長率可以小於 0，請確認數值")
            yield from _percent_warnings(doc, hloc, ind, value)
    charts = indicators.charts
    yield from unique_names(doc, ((("charts", c, "id"), ch.id) for c, ch in enumerate(charts)), "圖表代號")
    for c, chart in enumerate(charts):
        if len(chart.indicators) > CHART_MAX_INDICATORS:
            yield doc.diagnostic(("charts", c, "indicators", CHART_MAX_INDICATORS), (
                f"一張圖最多 {CHART_MAX_INDICATORS} 項指標，「{chart.title}」有 {len(chart.indicators)} 項："
                f"再多則黑白列印時各指標的標記重複，無法分辨；請分成兩張以上的圖"
            ))
        units = set()
        for k, ref in enumerate(chart.indicators):
            ind = indicators.get(ref)
            if ind is None:
                yield doc.diagnostic(("charts", c, "indicators", k), f"未知的指標代號「{ref}」{suggest(ref, ids)}")
                continue
            units.add(ind.unit)
            if chart.kind == "units" and not ind.entered:
                yield doc.diagnostic(
                    ("charts", c, "indicators", k), f"成長率指標「{ref}」沒有各單位數據，不能畫各單位長條圖"
                )
        if len(units) > 1:
            yield doc.diagnostic(
                ("charts", c, "indicators"), f"同一張圖的指標單位須相同，實際有 {'、'.join(sorted(units))}"
            )


def _percent_warnings(doc: YamlDoc, loc: Loc, ind: Indicator, value: float) -> Iterator[Diagnostic]:
    """% figures are typed on the 0–100 scale: 0.85 is almost certainly 85 % written as a fraction."""
    if ind.unit != "%" or ind.kind == "growth":
        return
    if value > 100:
        yield doc.diagnostic(loc, f"百分比 {_num(value)} 超過 100；% 以 0–100 填寫（85 代表 85%）")
    elif 0 < value <= 1:
        yield doc.diagnostic(
            loc,
            f"「{ind.name}」填 {_num(value)}，看起來是小數比例；% 一律以 0–100 填寫（85 代表 85%），"
            f"若是 {_num(value * 100)}% 請改為 {_num(value * 100)}；若確為 {_num(value)}% 可忽略此警告",
            severity="warning",
        )


def _stale_growth(doc: YamlDoc, loc: Loc, ind: Indicator, base: Indicator) -> Iterator[Diagnostic]:
    """A growth rate in history that its base's history no longer gives. rollover writes both as
    the report printed them, and the report prints a rate in history as it stands; a base figure
    corrected afterwards (as rollover's README asks) left the old rate beside the new figure.
    Both are taken as rounded for print, so only a rate no rounding explains is named."""
    half, slack = Fraction(1, 2 * 10**base.places), Fraction(1, 2 * 10**ind.places)
    for year, value in ind.history.items():
        now, before = base.history.get(year), base.history.get(year - 1)
        if now is None or before is None or exact(before) <= half:
            continue
        now, before = exact(now), exact(before)
        low, high = growth(now - half, before + half), growth(now + half, before - half)
        if low - slack <= exact(value) <= high + slack:
            continue
        rate = value_text(growth(now, before), ind.unit, ind.places)
        yield doc.diagnostic((*loc, "history", year), (
            f"「{ind.name}」{year} 年寫 {value_text(exact(value), ind.unit, ind.places)}，"
            f"由「{base.name}」的 history 計算卻是 {rate}"
            f"（{year - 1} 年 {value_text(before, base.unit, base.places)} → {year} 年 {value_text(now, base.unit, base.places)}）；"
            f"若修正過「{base.name}」的數值，請把此年度改為 {rate.removesuffix('%')}，"
            f"或刪除「{year}: {_num(value)}」改由 sqdocs 計算"
        ), severity="warning")


def _num(value: float) -> str:
    return f"{value:g}"


def _whole(doc: YamlDoc, loc: Loc, ind: Indicator, value: float | None, why: str) -> Iterator[Diagnostic]:
    """A count with a fraction (2.4 件): each unit would print 2 and the total 2.4 × n, so the
    printed figures would not add up."""
    if value is not None and value != int(value):
        yield doc.diagnostic(loc, f"「{ind.name}」的 {_num(value)} 不是整數；{why}，應為整數")


# ---- 附件 2 references -------------------------------------------------------


def _resolve_check(
    doc: YamlDoc, loc: Loc, path: ChecklistPath, default: tuple[str, str | None] | None, plan: Plan
) -> tuple[CheckRef | None, list[Diagnostic]]:
    """Find the 附件 2 point ``path`` names; omitted names are those of ``default`` (構面, 評核項目)."""
    if path.dimension is None:
        if default is None:
            return None, [doc.diagnostic(loc, "須寫 dimension（附件 2 的評核構面）")]
        dim_name, item_name = default[0], path.item if path.item is not None else default[1]
    else:
        dim_name, item_name = path.dimension, path.item
    dims = plan.annex2.dimensions
    dim = next((d for d in dims if d.name == dim_name), None)
    if dim is None:
        names = [d.name for d in dims]
        return None, [doc.diagnostic((*loc, "dimension"), f"附件 2 沒有評核構面「{dim_name}」{suggest(dim_name, names)}")]
    if dim.scope == "整體":
        if item_name is not None and path.item is not None:
            return None, [doc.diagnostic((*loc, "item"), f"「{dim.name}」是整體評核構面，沒有評核項目；請刪除 item")]
        points, item_name = dim.points, None
    else:
        if item_name is None:
            return None, [doc.diagnostic(loc, f"「{dim.name}」須寫 item（評核項目）")]
        item = next((i for i in dim.items if i.name == item_name), None)
        if item is None:
            names = [i.name for i in dim.items]
            return None, [
                doc.diagnostic((*loc, "item"), f"附件 2「{dim.name}」沒有評核項目「{item_name}」{suggest(item_name, names)}")
            ]
        points = item.points
    point = next((p for p in points if p.name == path.point), None)
    if point is None:
        names = [p.name for p in points]
        where = f"{dim.name}／{item_name}" if item_name else dim.name
        return None, [
            doc.diagnostic((*loc, "point"), f"附件 2「{where}」沒有評核重點「{path.point}」{suggest(path.point, names)}")
        ]
    return CheckRef(dim.name, item_name, point), []


def _check_entries(doc: YamlDoc, loc: Loc, entries: list[int], check: CheckRef) -> Iterator[Diagnostic]:
    count = len(check.point.entries)
    seen: set[int] = set()
    for k, number in enumerate(entries):
        if not 1 <= number <= count:
            yield doc.diagnostic(
                (*loc, k), f"附件 2「{check.point.name}」只有 {count} 項檢核事項（1–{count}），沒有第 {number} 項"
            )
        elif number in seen:
            yield doc.diagnostic((*loc, k), f"檢核事項第 {number} 項重複", severity="warning")
        seen.add(number)


# ---- results/<unit>.yaml ---------------------------------------------------


def check_submission(
    doc: YamlDoc,
    file: Path,
    sub: Submission,
    plan: Plan,
    indicators: IndicatorSet,
    seen: dict[str, tuple[Submission, YamlDoc]],
    *,
    indicators_known: bool = True,
) -> Iterator[Diagnostic]:
    """What is wrong with one unit's results ``doc``, read as ``file`` (its name and the folder of
    its evidence files count); ``seen`` collects the units already read, to catch a second file.
    Without ``indicators_known`` (indicators.yaml missing or broken) the figures are not judged."""
    unit = plan.units.unit(sub.unit)
    if unit is None:
        known = [u.name for u in plan.units.units] + [u.full_name for u in plan.units.units if u.full_name]
        if plan.units.group(sub.unit):
            message = f"未知的單位「{sub.unit}」；填報單位須為單一單位，不可寫群組，每個單位各交一份"
        elif file.stem == sub.unit:
            message = unregistered_unit(sub.unit, file, known)
        else:
            message = f"未知的單位「{sub.unit}」{suggest(sub.unit, known)}"
        yield doc.diagnostic(("unit",), message)
        return
    if unit.name in seen:
        yield doc.diagnostic(
            ("unit",), f"「{unit.name}」已由 {seen[unit.name][1].file} 填報；每個單位只能有一個成果檔，請合併為一份"
        )
        return
    seen[unit.name] = (sub, doc)
    if file.stem not in (unit.name, unit.full_name):
        yield doc.diagnostic(
            ("unit",), f"檔名「{file.name}」與填報單位「{unit.name}」不同；建議命名為 {unit.name}.yaml", severity="warning"
        )
    if sub.year != plan.year:
        yield doc.diagnostic(("year",), f"年度 {sub.year} 與計畫年度 {plan.year} 不同；是否沿用了舊年度的檔案？")
    points: dict[tuple[str, str, str], int] = {}
    reported: dict[str, Loc] = {}
    for r, result in enumerate(sub.results):
        loc: Loc = ("results", r)
        ref, found = _resolve_point(doc, loc, result, plan)
        yield from found
        if ref is None:
            continue
        if ref.key in points:
            line = doc.where(("results", points[ref.key]))[0]
            yield doc.diagnostic(
                (*loc, "point"), f"評核重點「{ref.point.name}」重複填報（第 {line} 行已有）；請合併為一筆"
            )
            continue
        points[ref.key] = r
        if not plan.units.covers(list(ref.point.units), unit.name):
            yield doc.diagnostic(
                (*loc, "point"),
                f"「{unit.name}」不是評核重點「{ref.point.name}」的承辦單位（承辦單位：{'、'.join(ref.point.units)}）",
            )
            continue
        default = counterpart(plan, ref)
        for e, evidence in enumerate(result.evidence):
            eloc = (*loc, "evidence", e)
            if evidence.checklist is None and default is None:
                if evidence.supports:
                    yield doc.diagnostic(
                        (*eloc, "supports"),
                        f"附件 2 沒有與「{ref.point.name}」對應的評核重點；請以 checklist 指明佐證的是附件 2 哪一個評核重點",
                    )
            else:
                check, problems = (
                    (default, []) if evidence.checklist is None
                    else _resolve_check(
                        doc, (*eloc, "checklist"), evidence.checklist, (ref.dimension.name, ref.item.name), plan
                    )
                )
                yield from problems
                if check is not None:
                    yield from _check_entries(doc, (*eloc, "supports"), evidence.supports, check)
            if evidence.date is not None and (outside := plan.body.period.outside(evidence.date)):
                yield doc.diagnostic(
                    (*eloc, "date"),
                    f"日期 {format_roc(evidence.date)} {outside}；請確認是否為本年度的佐證資料",
                    severity="warning",
                )
            if evidence.file is not None:
                yield from _check_file(doc, (*eloc, "file"), evidence.file, file.parent)
                if evidence.kind == "照片" and not evidence.file.startswith(("http://", "https://")):
                    suffix = PurePosixPath(evidence.file).suffix.lower()
                    if suffix not in PHOTO_SUFFIXES:
                        how = HEIC_ADVICE if suffix in (".heic", ".heif") else "請轉存為 .jpg 或 .png"
                        yield doc.diagnostic(
                            (*eloc, "file"),
                            f"照片「{evidence.file}」不是 PNG、JPEG 或 WebP，報告無法放入；{how}",
                            severity="warning",
                        )
                    else:
                        inside = _relative(evidence.file)
                        photo = file.parent / inside if inside is not None else None
                        problem = _photo_problem(photo) if photo is not None and photo.is_file() else None
                        if problem:
                            message, severity = problem
                            yield doc.diagnostic((*eloc, "file"), f"照片「{evidence.file}」{message}", severity=severity)
        for indicator_id, measure in result.indicators.items():
            iloc = (*loc, "indicators", indicator_id)
            if indicators_known:
                yield from _check_measure(doc, iloc, indicator_id, measure, indicators, ref, default, plan, unit.name)
            if indicator_id in reported:
                line = doc.where(reported[indicator_id], key=True)[0]
                yield doc.diagnostic(
                    iloc, f"指標「{indicator_id}」已於第 {line} 行填報；同一單位每項指標只填一次，以免重複計算", key=True
                )
            else:
                reported[indicator_id] = iloc


def omission_warnings(
    plan: Plan, indicators: IndicatorSet, submissions: dict[str, tuple[Submission, YamlDoc]]
) -> list[Diagnostic]:
    """A warning for each unit that left out an indicator the other units of its group entered
    (:func:`omissions`): the bureau figure would be computed without it and nobody told."""
    subs = {unit: sub for unit, (sub, _) in submissions.items()}
    return [
        _omitted(submissions[o.unit][1], subs[o.unit], o, ind)
        for ind in indicators.indicators
        for o in omissions(plan, ind, subs)
    ]


def unentered_warnings(
    path: Path, plan: Plan, indicators: IndicatorSet, submissions: dict[str, tuple[Submission, YamlDoc]]
) -> list[Diagnostic]:
    """A warning at each indicator no unit entered though every unit responsible for its points
    has reported them (:func:`unentered`): the report would show 「—」 for the year, unasked."""
    subs = {unit: sub for unit, (sub, _) in submissions.items()}
    found = [(i, ind, units) for i, ind in enumerate(indicators.indicators)
             if (units := unentered(plan, ind, subs)) is not None]
    if not found:
        return []
    doc = read_yaml(path)  # read without errors a moment ago; its lines place the warning
    problems = []
    for i, ind, units in found:
        named = _named(units, 3)
        points = "、".join(dict.fromkeys(f"「{ref.point.name}」" for ref in indicator_points(plan, ind)))
        problems.append(doc.diagnostic(("indicators", i), (
            f"沒有任何單位填報指標「{ind.name}」（{ind.id}）：評核重點{points}的承辦單位（{named}）都已填報成果，"
            f"卻沒有此項數據，報告中此指標 {plan.year} 年將為「—」（無填報數據）；"
            f"請承辦單位在該評核重點的 indicators 下加上 {_entry(ind)}（或在執行成果表單「量化指標」工作表填寫「{ind.name}」一列後重新匯入），"
            "本年度不再統計此指標的，請從 indicators.yaml 刪除"
        ), severity="warning"))
    return problems


def _named(units: list[str], shown: int) -> str:
    """Up to three units by name; more as the first ``shown`` and how many there are."""
    return "、".join(units) if len(units) <= 3 else f"{'、'.join(units[:shown])}等 {len(units)} 個單位"


def _entry(ind: Indicator) -> str:
    """What a unit adds under a result's ``indicators`` to enter ``ind``."""
    if ind.kind == "ratio":
        return f"{ind.id}: {{numerator: …, denominator: …}}（分子：{ind.numerator}；分母：{ind.denominator}）"
    if ind.aggregate == "mean":
        return f"{ind.id}: {{value: …, base: …}}（base：{ind.base}）"
    return f"{ind.id}: {{value: …}}（確實為 0 也請填 0）"


def _omitted(doc: YamlDoc, sub: Submission, omission: Omission, ind: Indicator) -> Diagnostic:
    """The warning of one :class:`Omission`, at the unit's result for the point, else at the file."""
    ref = omission.point
    r = next((i for i, result in enumerate(sub.results) if result.key == ref.key), None)
    peers = omission.peers
    named = _named(peers, 2)
    entry = _entry(ind)
    if ind.kind == "ratio":
        effect = "本單位未列入全局比率，報告中的比率將標「*」、不與上年比較"
    elif ind.aggregate == "mean":
        effect = "本單位未列入全局平均，報告中的平均將標「*」、不與上年比較"
    else:
        effect = "全局合計少了本單位，報告中的合計將標「*」、不與上年比較"
    if r is None:
        fix = (f"本檔沒有評核重點「{ref.point.name}」（{ref.dimension.name}／{ref.item.name}）的成果；"
               f"請加上這一筆，並在其 indicators 下加上 {entry}")
    else:
        fix = f"請在評核重點「{ref.point.name}」的 indicators 下加上 {entry}"
    # A unit that reports through the Excel form never sees the YAML: the form's row too (the
    # sheet as sqdocs.forms.results names it; the loader does not import the forms and openpyxl).
    form = f"（以執行成果表單填報的單位：在表單「量化指標」工作表填寫「{ind.name}」一列後重新匯入）"
    message = (f"「{omission.unit}」未填報指標「{ind.name}」（{ind.id}）：同屬「{omission.group}」的{named}已填報，"
               f"{effect}；{fix}{form}")
    return doc.diagnostic(("results", r) if r is not None else (), message, severity="warning")


def _resolve_point(
    doc: YamlDoc, loc: Loc, result: PointResult, plan: Plan
) -> tuple[PointRef | None, list[Diagnostic]]:
    ref = find_point(plan, *result.key)
    if ref is not None:
        return ref, []
    dims = plan.annex1.dimensions
    dim = next((d for d in dims if d.name == result.dimension), None)
    if dim is None:
        names = [d.name for d in dims]
        return None, [doc.diagnostic((*loc, "dimension"), f"附件 1 沒有評核構面「{result.dimension}」{suggest(result.dimension, names)}")]
    if dim.scope == "整體":
        return None, [
            doc.diagnostic(
                (*loc, "dimension"),
                f"「{dim.name}」是整體評核構面，沒有承辦單位；成果請寫在個別評核構面的評核重點下，"
                f"佐證資料可用 checklist 指向附件 2 的「{dim.name}」",
            )
        ]
    item = next((i for i in dim.items if i.name == result.item), None)
    if item is None:
        names = [i.name for i in dim.items]
        hint = suggest(result.item, names) or _elsewhere(result, plan)
        return None, [doc.diagnostic((*loc, "item"), f"附件 1「{dim.name}」沒有評核項目「{result.item}」{hint}")]
    names = [p.name for p in item.points]
    hint = suggest(result.point, names) or _elsewhere(result, plan)
    return None, [doc.diagnostic((*loc, "point"), f"附件 1「{dim.name}／{item.name}」沒有評核重點「{result.point}」{hint}")]


def _elsewhere(result: PointResult, plan: Plan) -> str:
    """「；…」 saying what to do with the result of a point 附件 1 has nowhere by these names: the
    bureau moved it to another 評核項目 (or 構面), and last year's names no longer find it; several
    points have its name, to pick one of; or none has (the bureau deleted it), to move or delete it."""
    found = [ref for ref in plan.points() if ref.point.name == result.point]
    if len(found) == 1:
        ref = found[0]
        fix = "、".join(
            f"{field} 改為「{new}」"
            for field, old, new in (("dimension", result.dimension, ref.dimension.name), ("item", result.item, ref.item.name))
            if old != new
        )
        return f"；本局計畫已把評核重點「{ref.point.name}」移到「{ref.dimension.name}／{ref.item.name}」，請把 {fix}"
    if found:
        places = "、".join(f"{ref.dimension.name}／{ref.item.name}" for ref in found)
        return f"；附件 1 有 {len(found)} 個「{result.point}」（{places}），請把 dimension、item 改為其中之一"
    return "；本局計畫可能已刪除此評核重點：請把成果移到本單位仍負責的評核重點下，或刪除此項"


def _relative(file: str) -> PurePosixPath | None:
    """An evidence ``file`` as a path inside the results folder; None when it would leave it or
    names no file in it (「.」: the folder itself)."""
    pure = PurePosixPath(file.replace("\\", "/"))
    if not pure.parts or pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
        return None
    return pure


def _check_file(doc: YamlDoc, loc: Loc, file: str, folder: Path) -> Iterator[Diagnostic]:
    if file.startswith(("http://", "https://")):
        return
    pure = _relative(file)
    if pure is None:
        yield doc.diagnostic(loc, f"檔案路徑「{file}」須為 results 資料夾內檔案的相對路徑（如 evidence/照片.jpg）")
    elif not (folder / pure).is_file():
        yield doc.diagnostic(loc, f"找不到檔案「{file}」（相對於 {display_name(folder)}）", severity="warning")


HEIC_ADVICE = ("iPhone 的 HEIC 照片請轉存為 .jpg（在電腦以「相片」開啟後另存，或於 iPhone「設定 → 相機 → 格式」"
               "選「最相容」後拍攝的照片即為 .jpg）")


def _photo_problem(path: Path) -> tuple[str, str] | None:
    """Why the writers could not put the photo at ``path`` in the report, and how bad it is; or None.

    They open it with Pillow, which refuses an image of more than twice MAX_IMAGE_PIXELS
    outright (a decompression bomb: the build would fail) and leaves out one that does not
    decode. Another format is left out too, a warning as for a file not named .png or .jpg.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is judged below
            with Image.open(path) as img:
                if img.format not in PHOTO_FORMATS:
                    return f"的內容不是 PNG、JPEG 或 WebP 圖檔（{img.format}），報告無法放入；請轉存為 .jpg 或 .png", "warning"
                if img.width * img.height > Image.MAX_IMAGE_PIXELS:
                    return f"太大（{img.width}×{img.height} 像素），報告無法放入；請縮小到長邊 4000 像素左右再存檔", "error"
                if img.format in ("JPEG", "MPO"):
                    # Decoded at an eighth of its size: the whole file is still read, so a cut-off
                    # one still fails, in about half the time of a full decode.
                    img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
                img.load()  # a truncated file fails only when decoded
    except Image.DecompressionBombError:
        return "太大，報告無法放入；請縮小到長邊 4000 像素左右再存檔", "error"
    except (OSError, SyntaxError, ValueError):
        return "無法開啟（檔案損毀、不完整或不是圖片），報告無法放入；請重新匯出或另存照片", "error"
    return None


def _check_measure(
    doc: YamlDoc,
    loc: Loc,
    indicator_id: str,
    m: Measure,
    indicators: IndicatorSet,
    ref: PointRef,
    default: CheckRef | None,
    plan: Plan,
    unit: str,
) -> Iterator[Diagnostic]:
    ind = indicators.get(indicator_id)
    if ind is None:
        choices = [i.id for i in indicators.indicators]
        by_name = next((i for i in indicators.indicators if i.name == indicator_id), None)
        hint = f"，「{by_name.name}」的代號是「{by_name.id}」" if by_name else suggest(indicator_id, choices)
        yield doc.diagnostic(loc, f"未知的指標「{indicator_id}」{hint}；指標須先定義於 indicators.yaml", key=True)
        return
    if not ind.entered:
        yield doc.diagnostic(loc, f"「{ind.name}」是成長率，由「{ind.of}」的歷年數據計算，不必填報", key=True)
        return
    if ind.kind == "ratio":
        if m.value is not None or m.base is not None:
            yield doc.diagnostic(loc, f"「{ind.name}」是比率指標，請填 numerator（{ind.numerator}）與 denominator（{ind.denominator}），不填 value")
            return
        if m.numerator is None or m.denominator is None:
            missing = "numerator" if m.numerator is None else "denominator"
            yield doc.diagnostic(loc, f"「{ind.name}」缺少 {missing}（分子：{ind.numerator}；分母：{ind.denominator}）")
            return
        # 14 of 0 is a typo as much as 105 of 100: only 0 of 0 is a unit with nothing to count.
        if m.numerator > m.denominator:
            yield doc.diagnostic(
                (*loc, "numerator"),
                f"「{ind.name}」分子 {_num(m.numerator)}（{ind.numerator}）大於分母 {_num(m.denominator)}（{ind.denominator}）",
            )
        elif m.denominator == 0:
            yield doc.diagnostic(
                (*loc, "denominator"),
                f"「{ind.name}」分母為 0，比率無法計算；「{unit}」的此項數據不列入全局比率",
                severity="warning",
            )
        for field, label in (("numerator", ind.numerator), ("denominator", ind.denominator)):
            yield from _whole(doc, (*loc, field), ind, getattr(m, field), f"{field}（{label}）是件數")
    else:
        if m.numerator is not None or m.denominator is not None:
            yield doc.diagnostic(loc, f"「{ind.name}」是數值指標，請填 value，不填 numerator／denominator")
            return
        if m.value is None:
            yield doc.diagnostic(loc, f"「{ind.name}」缺少 value")
            return
        if ind.aggregate == "mean":
            if m.base is None:
                yield doc.diagnostic(loc, f"「{ind.name}」以加權平均彙整，須填 base（{ind.base}）")
                return
            if m.base == 0:
                yield doc.diagnostic(
                    (*loc, "base"),
                    f"「{ind.name}」的 base（{ind.base}）為 0，無法加權；「{unit}」的此項數據不列入全局平均",
                    severity="warning",
                )
            # a weight counts people, calls or cases, as the results form takes it (whole numbers)
            yield from _whole(doc, (*loc, "base"), ind, m.base, f"base（{ind.base}）是件數或人數")
        elif m.base is not None:
            yield doc.diagnostic((*loc, "base"), f"「{ind.name}」以加總彙整，不需要 base")
        if ind.aggregate == "sum" and ind.unit in COUNT_UNITS:
            yield from _whole(doc, (*loc, "value"), ind, m.value, f"單位是「{ind.unit}」")
        yield from _percent_warnings(doc, (*loc, "value"), ind, m.value)
    target = (ind.checklist.dimension, ind.checklist.item, ind.checklist.point)
    if default is None or default.key != target:
        yield doc.diagnostic(
            loc,
            f"指標「{ind.name}」佐證附件 2「{ind.checklist.point}」，卻填在「{ref.point.name}」之下；"
            "數據仍列入全局計算，但建議移到對應的評核重點",
            key=True,
            severity="warning",
        )
