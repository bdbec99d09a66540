"""Load results/<unit>.yaml, with indicators.yaml (:mod:`.indicators`), into a :class:`ResultSet`, checking every figure."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from PIL import Image

from sqdocs.fsutil import (
    MISSING_FILE,
    big5_spelling,
    display_name,
    file_problem,
    not_utf8_file,
    not_utf8_name,
    rename_advice,
    unreadable_reason,
)
from sqdocs.load.checklist import check_entries, resolve_check
from sqdocs.load.checks import unknown_unit, unregistered_unit
from sqdocs.load.diagnostics import Diagnostic, LoadError, Loc
from sqdocs.load.indicators import (
    INDICATORS_FILE,
    INDICATORS_HOW,
    figure_text,
    misnamed_hint,
    percent_warnings,
    read_indicators,
    whole_count,
)
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import YamlDoc, listed, read_yaml
from sqdocs.model import Plan, PointRef
from sqdocs.model.results import (
    COUNT_UNITS,
    PHOTO_FORMATS,
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
from sqdocs.text.roc import examples_in, format_roc
from sqdocs.text.suggest import suggest

RESULTS_DIR = "results"
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def has_results(folder: Path | str) -> bool:
    """Whether a data folder holds year-end results (indicators.yaml or results/)."""
    folder = Path(folder)
    return _exists(folder / INDICATORS_FILE) or (folder / RESULTS_DIR).is_dir()


def result_files(folder: Path | str) -> list[Path]:
    """The units' results files of a data folder (``results/*.yaml`` and ``*.yml``, in capitals too).

    A results/ that cannot be listed is a LoadError: glob would take it for an empty folder,
    and the build would say no unit had handed in its results. Hidden files (macOS's
    ``._第一分局.yaml`` on a shared drive or in a zip, an editor's lock) are no unit's, as in subplans/."""
    results = Path(folder) / RESULTS_DIR
    if not os.path.lexists(results):
        return []
    # A file named results, or a link that leads nowhere, is an error, not a folder without results.
    names = [p for p in listed(results) if not p.name.startswith(".")]
    return [p for p in names if p.suffix.lower() == ".yaml"] + [p for p in names if p.suffix.lower() == ".yml"]


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
            advice = rename_advice(saved, saved.name.removesuffix(".txt"), why="（否則此單位算是未填報）")
            problems.append(Diagnostic(display_name(saved), 1, 1, "", f"成果檔的檔名須為「單位.yaml」；{advice}"))
        for nested in _nested(folder):
            problems.append(Diagnostic(display_name(nested), 1, 1, "", (
                f"成果檔須直接放在 {RESULTS_DIR}/ 中，子資料夾中的檔案不會讀取；要繳交的請移到 {RESULTS_DIR}/"
                f"（否則此單位算是未填報），不用的請移出 {RESULTS_DIR}/"
            ), severity="warning"))
        missing = bool(files) and not _exists(path)
        at_missing = len(problems)  # said here, before the units' files, once it is known whether they hold figures
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
        if missing:
            later = "；各單位成果的量化指標數據待此檔建立後才會檢查" if figures else ""
            problems.insert(at_missing, Diagnostic(
                display_name(path), 1, 1, "",
                f"找不到檔案；填報了成果就須有指標定義 indicators.yaml（{INDICATORS_HOW}）{misnamed_hint(folder)}{later}"
            ))
        elif figures and not known:
            # Every figure would be an 「未知的指標」 and bury the one mistake in indicators.yaml.
            problems.append(
                Diagnostic(
                    display_name(path), 1, 1, "",
                    "indicators.yaml 有錯誤，各單位成果的量化指標數據尚未檢查；"
                    "修正後請再執行一次",
                    "warning",
                )
            )
        if any(p.severity == "error" for p in problems):
            raise LoadError(problems)
        order = [u.name for u in plan.units.units]
        ordered = {name: submissions[name][0] for name in order if name in submissions}
        return ResultSet(indicators=indicators, submissions=ordered, evidence_dir=folder / RESULTS_DIR), sorted(problems)


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
            message = unknown_unit(sub.unit, file, known)
        yield doc.diagnostic(("unit",), message)
        return
    if unit.name in seen:
        yield doc.diagnostic(
            ("unit",), f"「{unit.name}」已由 {seen[unit.name][1].file} 填報；每個單位只能有一個成果檔，請合併為一份"
        )
        return
    seen[unit.name] = (sub, doc)
    if (encoding := not_utf8_file(file)) is not None:
        yield doc.diagnostic(("unit",), encoding, severity="warning")
    elif file.stem not in (unit.name, unit.full_name):
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
            if evidence in result.evidence[:e]:
                # A row pasted twice in the form: the report would list the same evidence twice.
                twin = result.evidence.index(evidence)
                yield doc.diagnostic(eloc, (
                    f"佐證資料「{evidence.title}」與此評核重點的第 {twin + 1} 項完全相同，報告中會列出兩次；"
                    "請刪除重複的一項"
                ), severity="warning")
                continue
            if evidence.checklist is None and default is None:
                if evidence.supports:
                    yield doc.diagnostic(
                        (*eloc, "supports"),
                        f"附件 2 沒有與「{ref.point.name}」對應的評核重點；請以 checklist 指明佐證的是附件 2 哪一個評核重點",
                    )
            else:
                check, problems = (
                    (default, []) if evidence.checklist is None
                    else resolve_check(
                        doc, (*eloc, "checklist"), evidence.checklist, (ref.dimension.name, ref.item.name), plan
                    )
                )
                yield from problems
                if check is not None:
                    yield from check_entries(doc, (*eloc, "supports"), evidence.supports, check)
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
                        problem = _photo_problem(photo) if photo is not None and file_problem(photo) is None else None
                        if problem:
                            message, severity = problem
                            yield doc.diagnostic((*eloc, "file"), f"照片「{evidence.file}」{message}", severity=severity)
        for indicator_id, measure in result.indicators.items():
            iloc = (*loc, "indicators", indicator_id)
            if indicators_known:
                yield from _check_measure(doc, iloc, indicator_id, measure, indicators, ref, default, unit.name)
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
        scheme, rest = file.split("://", 1)
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if not host.strip() or any(c.isspace() for c in host):
            # 「https://」 alone, or 「https:// www…」: the report printed it as the evidence's place.
            yield doc.diagnostic(loc, (
                f"網址「{file}」沒有完整的網站名稱；請填瀏覽器網址列中的完整網址（如 {scheme}://www.klpd.gov.tw/…），"
                "中間不可有空白"
            ))
        return
    pure = _relative(file)
    if pure is None:
        yield doc.diagnostic(loc, f"檔案路徑「{file}」須為 results 資料夾內檔案的相對路徑（如 evidence/照片.jpg）")
    elif (why := file_problem(folder / pure)) == MISSING_FILE:
        yield doc.diagnostic(loc, f"找不到檔案「{file}」（相對於 {display_name(folder)}）{_in_big5(folder, pure)}",
                             severity="warning")
    elif why is not None:  # a folder, a pipe, a name too long, no permission: left out as a missing one is
        yield doc.diagnostic(loc, f"檔案「{file}」（相對於 {display_name(folder)}）{why}", severity="warning")
    elif not (target := (folder / pure).resolve()).is_relative_to(folder.resolve()):
        # A symbolic link (evidence/link.png → /home/…): the report would carry a file from anywhere.
        yield doc.diagnostic(loc, (
            f"檔案「{file}」是連結，指向 results 資料夾以外的 {display_name(target)}，報告會放入該檔案；"
            "請確認這是要放的佐證資料，並把檔案本身複製到 results 資料夾內（取代連結）"
        ), severity="warning")


def _in_big5(folder: Path, pure: PurePosixPath) -> str:
    """The hint for evidence missing only because its name is there in Big5 bytes (a Windows zip)."""
    legacy = big5_spelling(str(pure))
    if legacy is None or not os.path.lexists(folder / legacy):
        return ""
    return f"；資料夾中有此檔，但{not_utf8_name(legacy, folder.parent)}"


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
    except PermissionError as exc:
        return f"{unreadable_reason(path, exc)}，報告無法放入", "error"
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
                f"「{ind.name}」分子 {figure_text(m.numerator)}（{ind.numerator}）大於分母 {figure_text(m.denominator)}（{ind.denominator}）",
            )
        elif m.denominator == 0:
            yield doc.diagnostic(
                (*loc, "denominator"),
                f"「{ind.name}」分母為 0，比率無法計算；「{unit}」的此項數據不列入全局比率",
                severity="warning",
            )
        for field, label in (("numerator", ind.numerator), ("denominator", ind.denominator)):
            yield from whole_count(doc, (*loc, field), ind, getattr(m, field), f"{field}（{label}）是件數")
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
            yield from whole_count(doc, (*loc, "base"), ind, m.base, f"base（{ind.base}）是件數或人數")
        elif m.base is not None:
            yield doc.diagnostic((*loc, "base"), f"「{ind.name}」以加總彙整，不需要 base")
        if ind.aggregate == "sum" and ind.unit in COUNT_UNITS:
            yield from whole_count(doc, (*loc, "value"), ind, m.value, f"單位是「{ind.unit}」")
        yield from percent_warnings(doc, (*loc, "value"), ind, m.value)
    target = (ind.checklist.dimension, ind.checklist.item, ind.checklist.point)
    if default is None or default.key != target:
        yield doc.diagnostic(
            loc,
            f"指標「{ind.name}」佐證附件 2「{ind.checklist.point}」，卻填在「{ref.point.name}」之下；"
            "數據仍列入全局計算，但建議移到對應的評核重點",
            key=True,
            severity="warning",
        )
