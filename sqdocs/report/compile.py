"""Compile unit submissions into the annual performance report: a pure function plan + results → report."""

from __future__ import annotations

from fractions import Fraction

from sqdocs.model import Plan, PointRef, checklist_caption, dimension_caption
from sqdocs.model.results import (
    ChartDef,
    Indicator,
    PointResult,
    ResultSet,
    counterpart,
    find_check_point,
    find_point,
    omissions,
    owing,
    resolve_checklist,
)
from sqdocs.report.figures import PARTIAL_MARK, Share, aggregate, total_word, unit_share
from sqdocs.report.model import (
    Change,
    ChartData,
    ChartSeries,
    CheckDimensionMarks,
    CheckItemMarks,
    CheckPointMarks,
    CompiledReport,
    Contribution,
    DimensionReport,
    EntryMark,
    EntrySource,
    EvidenceItem,
    Exclusion,
    IndicatorFigure,
    ItemReport,
    MissingResult,
    PointReport,
    UncheckedEntry,
    UnitFigure,
    UnitGroupMembers,
    YearFigure,
)
from sqdocs.text.numbers import (
    decimals,
    delta_text,
    exact,
    grouped,
    growth,
    plain_shown,
    shown,
    told,
    value_text,
)
from sqdocs.text.roc import format_roc

Key = tuple[str, str | None, str]

NOT_REPORTED = "無填報數據"
"""Why a year has no figure, in the trend sentence, unless a growth rate names its missing base."""


def report_title(plan: Plan) -> str:
    """基隆市警察局 107 年度提升服務品質績效報告."""
    return f"{plan.agency} {plan.year} 年度提升服務品質績效報告"


def compile_report(plan: Plan, results: ResultSet) -> CompiledReport:
    """Every figure, mark and list of the annual performance report of ``plan.year``."""
    figures = _indicator_figures(plan, results)
    by_id = {f.id: f for f in figures}
    marks = _checklist_marks(plan, results, figures)
    dimensions, missing = _dimensions(plan, results, figures, marks)
    responsible = plan.assigned_units()
    unchecked = [
        UncheckedEntry(dimension=p.dimension, item=p.item, point=p.name, number=e.number, text=e.text)
        for p in marks.values()
        for e in p.entries
        if not e.checked
    ]
    exclusions = [
        Exclusion(indicator=f.id, name=f.name, unit=u.unit, reason=u.excluded)
        for f in figures
        for u in f.units
        if u.excluded
    ]
    return CompiledReport(
        agency=plan.agency,
        year=plan.year,
        title=report_title(plan),
        sample=results.indicators.sample,
        indicators=figures,
        dimensions=dimensions,
        checklist=_checklist_tree(plan, marks),
        charts=[_chart(chart, by_id, results) for chart in results.indicators.charts],
        units=responsible,
        groups=[UnitGroupMembers(name=g.name, units=plan.units.expand(g.name)) for g in plan.units.groups],
        submitted=list(results.submissions),
        missing=sorted(missing, key=lambda m: responsible.index(m.unit) if m.unit in responsible else len(responsible)),
        unchecked=unchecked,
        exclusions=exclusions,
    )


# ---- indicators ------------------------------------------------------------


def _measures(results: ResultSet, indicator_id: str) -> list[tuple[str, PointResult]]:
    """(unit, result) of every unit that entered ``indicator_id``, in registry order."""
    found = []
    for unit, sub in results.submissions.items():
        result = next((r for r in sub.results if indicator_id in r.indicators), None)
        if result is not None:
            found.append((unit, result))
    return found


def _indicator_figures(plan: Plan, results: ResultSet) -> list[IndicatorFigure]:
    indicators = results.indicators.indicators
    absent = [u.name for u in plan.units.units if plan.points_for(u.name) and u.name not in results.submissions]
    yearly: dict[str, dict[int, Fraction]] = {}
    built: dict[str, IndicatorFigure] = {}
    for ind in indicators:  # entered indicators first: growth rates need their base's years
        if ind.entered:
            owed = owing(plan, ind, results.submissions, absent)
            # A unit owing it that did hand in results left the figure out of them, whatever the reason.
            omitted = plan.units.in_order({o.unit for o in omissions(plan, ind, results.submissions)}
                                          | {u for u in owed if u in results.submissions})
            built[ind.id] = _entered_figure(plan, results, ind, yearly, owed, omitted)
    for ind in indicators:
        if not ind.entered:
            base = built[ind.of or ""]
            base_ind = results.indicators.get(ind.of or "")
            assert base_ind is not None  # load.indicators refuses a growth rate of no indicator
            printed = {year: Fraction(shown(value, base_ind.unit, base_ind.places))
                       for year, value in yearly.get(ind.of or "", {}).items()}
            built[ind.id] = _growth_figure(plan, ind, printed, base, bool(base.partial_units))
    return [built[ind.id] for ind in indicators]


def _entered_figure(
    plan: Plan,
    results: ResultSet,
    ind: Indicator,
    yearly: dict[str, dict[int, Fraction]],
    absent: list[str],
    omitted: list[str],
) -> IndicatorFigure:
    """An entered indicator's figure; ``absent``: units owing it that have not reported it (no
    file, or no result for its point), ``omitted``: units whose file leaves the figure out."""
    shares: list[tuple[Share, str]] = []
    for unit, result in _measures(results, ind.id):
        measure = result.indicators[ind.id]
        shares.append((unit_share(ind, unit, measure), measure.note))
    total = aggregate(ind, [s for s, _ in shares])
    years = {year: exact(value) for year, value in ind.history.items() if year < plan.year}
    # A figure without some units that owe it is not the bureau's: a sum is a lower bound, and a
    # ratio or mean is only that of the units that reported (one 分局's 14/15 is no bureau rate).
    # Compared with last year's whole figure it would read as 進步 or 退步 that is only a missing
    # file, or a missing line in one. It is printed, marked, never compared.
    partial = plan.units.in_order({*absent, *omitted}) if total.value is not None else []
    yearly[ind.id] = dict(years)
    computed = {plan.year} if total.value is not None else set()
    if total.value is not None:
        years[plan.year] = total.value
        if not partial:
            yearly[ind.id][plan.year] = total.value
    units = [_unit_figure(ind, share, note) for share, note in shares]
    missing = _uncomputable(ind) if shares and (ind.denominator or ind.base) else NOT_REPORTED
    return _figure(plan, ind, years, computed, total.value, units,
                   numerator=total.numerator, denominator=total.denominator, base=total.base, counted=total.counted,
                   missing=missing, partial=partial, omitted=omitted if partial else [])


def _uncomputable(ind: Indicator) -> str:
    """Why units entered ``ind`` yet it has no figure: every denominator (or base) was 0, which
    is not 無填報數據."""
    return f"無法計算（各填報單位的{ind.denominator or ind.base}均為 0）"


def _growth_figure(
    plan: Plan, ind: Indicator, base: dict[int, Fraction], base_figure: IndicatorFigure, of_partial: bool
) -> IndicatorFigure:
    """A growth rate from the yearly figures of ``base_figure`` as the report prints them, ``base``
    (``of_partial``: its figure this year lacks units that have not reported, so no rate is taken
    from it). Printed figures, so that a reader's (87.0 − 85.7) ÷ 85.7 is the rate shown, and
    next year's, from the rounded figures rollover keeps in history, gives this year's again."""
    of = base_figure.name
    years: dict[int, Fraction] = {}
    computed: set[int] = set()
    for year in sorted(base):
        rate = growth(base.get(year), base.get(year - 1))
        if rate is not None:
            years[year] = rate
            computed.add(year)
    for year, value in ind.history.items():  # figures reported in earlier years stand as reported
        if year < plan.year:
            years[year] = exact(value)
            computed.discard(year)
    missing = NOT_REPORTED
    if (plan.year in base or of_partial) and plan.year - 1 not in base:
        missing = f"無法計算（{plan.year - 1} 年的「{of}」無數據）"
    elif of_partial:
        word = total_word(base_figure.kind, base_figure.aggregate)
        missing = f"無法計算（{plan.year} 年的「{of}」{word}不含未填報單位）"
    elif plan.year in base and base[plan.year - 1] == 0:  # a rate from 0 has no value; 0 was reported
        missing = f"無法計算（{plan.year - 1} 年的「{of}」為 0）"
    return _figure(plan, ind, years, computed, years.get(plan.year), [], None, None, None, 0, missing)


def _unit_figure(ind: Indicator, share: Share, note: str) -> UnitFigure:
    text = value_text(share.value, ind.unit, ind.places) if share.value is not None else "—"
    return UnitFigure(
        indicator=ind.id,
        unit=share.unit,
        value=None if share.value is None else float(share.value),
        text=text,
        numerator=_float(share.numerator),
        denominator=_float(share.denominator),
        base=_float(share.base),
        excluded=share.excluded,
        note=note,
    )


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _figure(
    plan: Plan,
    ind: Indicator,
    years: dict[int, Fraction],
    computed: set[int],
    value: Fraction | None,
    units: list[UnitFigure],
    numerator: Fraction | None,
    denominator: Fraction | None,
    base: Fraction | None,
    counted: int,
    missing: str = NOT_REPORTED,
    partial: list[str] | None = None,
    omitted: list[str] | None = None,
) -> IndicatorFigure:
    """``partial``: the units the figure lacks, of which ``omitted`` sent a file without it."""
    places = ind.places
    series = [
        YearFigure(year=y, value=float(years[y]), text=value_text(years[y], ind.unit, places), computed=y in computed)
        for y in sorted(years)
    ]
    change = None if partial else _change(ind, years, plan.year)
    trend = (_partial_text(ind, years, plan.year, partial, omitted or []) if partial
             else _trend_text(ind, years, plan.year, missing))
    return IndicatorFigure(
        id=ind.id,
        name=ind.name,
        definition=ind.definition,
        unit=ind.unit,
        kind=ind.kind,
        aggregate=ind.aggregate,
        numerator_label=ind.numerator,
        denominator_label=ind.denominator,
        base_label=ind.base,
        of=ind.of,
        higher_is_better=ind.higher_is_better,
        year=plan.year,
        value=_float(value),
        text=value_text(value, ind.unit, places),
        reported=plain_shown(value, ind.unit, places) if value is not None else None,
        numerator=_float(numerator),
        denominator=_float(denominator),
        base=_float(base),
        counted_units=counted,
        partial_units=list(partial or []),
        change=change,
        series=series,
        trend=trend,
        units=units,
        checklist=(ind.checklist.dimension or "", ind.checklist.item, ind.checklist.point),
        supports=list(ind.supports),
    )


def _change(ind: Indicator, years: dict[int, Fraction], year: int) -> Change | None:
    """The change against the year before (「較上年」); none when either year has no figure,
    rather than a change against an older year under the same heading."""
    prev_year = year - 1
    if year not in years or prev_year not in years:
        return None
    current, previous = years[year], years[prev_year]
    # The change of the figures as printed, so 98.6% → 99.1% always reads +0.5, and
    # 99.95% → 100.0% reads +0.05 (:func:`~sqdocs.text.numbers.shown`).
    now, before = shown(current, ind.unit, ind.places), shown(previous, ind.unit, ind.places)
    places = max(decimals(now), decimals(before))
    delta = Fraction(now) - Fraction(before)
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    relative = None if ind.unit == "%" or previous == 0 else (current - previous) / previous * 100
    if direction == "flat" or ind.higher_is_better is None:
        assessment = "neutral"
    else:
        assessment = "good" if (direction == "up") == ind.higher_is_better else "bad"
    return Change(
        previous_year=prev_year,
        previous=float(previous),
        previous_text=value_text(previous, ind.unit, ind.places),
        delta=float(delta),
        delta_text=delta_text(delta, ind.unit, places),
        relative=_float(relative),
        relative_text="" if relative is None else _signed_percent(relative),
        direction=direction,
        assessment=assessment,
    )


def _signed_percent(value: Fraction) -> str:
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return f"{sign}{grouped(told(abs(value), 1, Fraction(0)))}%"  # a change that is not nil never reads 「+0.0%」


def _words(unit: str) -> dict[int, str]:
    """Rates and scores 上升/下降; amounts (件, 張, 小時, 日 …) 增加/減少."""
    if unit in ("%", "分"):
        return {1: "上升", -1: "下降", 0: "持平"}
    return {1: "增加", -1: "減少", 0: "持平"}


def _listing(ind: Indicator, years: dict[int, Fraction]) -> str:
    """「105 年 90.2%、106 年 93.5%」: every year's figure, the start of a trend sentence."""
    return "、".join(f"{y} 年 {value_text(years[y], ind.unit, ind.places)}" for y in sorted(years))


def _partial_text(ind: Indicator, years: dict[int, Fraction], year: int, partial: list[str], omitted: list[str]) -> str:
    """The trend sentence of a figure some units are missing from: the figures, what this year's
    lacks (units without a file; those of ``omitted``, whose file lacks the figure), and no comparison."""
    absent = [u for u in partial if u not in omitted]
    lacks = []
    if absent:
        lacks.append(f"尚未填報成果的單位（{'、'.join(absent)}）")
    if omitted:
        lacks.append(f"成果未填此項數據的單位（{'、'.join(omitted)}）")
    word = total_word(ind.kind, ind.aggregate)
    # A bureau's first year in sqdocs has no earlier figure to compare with, later or not.
    then = "後再與上年比較" if any(y < year for y in years) else "後更新"
    return f"{_listing(ind, years)}；{year} 年的{word}不含{'及'.join(lacks)}，待各單位填報齊全{then}。"


def _trend_text(ind: Indicator, years: dict[int, Fraction], year: int, missing: str) -> str:
    """趨勢分析: the figures of every year, the latest change and how long the run has lasted;
    ``missing`` says why this year has no figure."""
    places = ind.places
    listing = _listing(ind, years)
    if year not in years:
        return f"{listing}；{year} 年{missing}。" if listing else f"{year} 年{missing}。"
    ordered = sorted(years)
    if len(ordered) == 1:
        return f"{listing}；無歷年數據可供比較。"
    printed = [shown(years[y], ind.unit, places) for y in ordered]
    steps = [(b > a) - (b < a) for a, b in zip(printed, printed[1:], strict=False)]
    last, prev_year = steps[-1], ordered[-2]
    word = _words(ind.unit)
    # Without last year's figure the 績效摘要 shows no 較上年 nor 進步/退步 (:func:`_change`): the
    # sentence names the gap and compares with the older year, but passes no verdict of its own.
    gap = f"{year - 1} 年無數據，" if prev_year != year - 1 else ""
    if last == 0:
        text = f"{listing}；{gap}{year} 年與 {prev_year} 年持平"
    else:
        amount = grouped(abs(printed[-1] - printed[-2]))
        unit = " 個百分點" if ind.unit == "%" else f" {ind.unit}"
        text = f"{listing}；{gap}{year} 年較 {prev_year} 年{word[last]} {amount}{unit}"
        run = 0
        for i in reversed(range(len(steps))):
            if steps[i] != last or ordered[i + 1] - ordered[i] != 1:
                break
            run += 1
        if run >= 2:
            text += f"，已連續 {run} 年{word[last]}"
        if ind.higher_is_better is not None and not gap:
            # The bureau reports on itself: 「宜檢討原因」 read as a reviewer's remark on it.
            text += "，呈進步趨勢" if (last > 0) == ind.higher_is_better else f"，呈退步趨勢，{WORSE_FOLLOW_UP}"
    return text + "。"


WORSE_FOLLOW_UP = "將檢討原因並研提改善措施"
"""What follows an indicator that moved the wrong way, in the bureau's own voice."""


# ---- 附件 1 points ------------------------------------------------------------


def _dimensions(
    plan: Plan, results: ResultSet, figures: list[IndicatorFigure], marks: dict[Key, CheckPointMarks]
) -> tuple[list[DimensionReport], list[MissingResult]]:
    missing: list[MissingResult] = []
    reports: list[DimensionReport] = []
    by_point: dict[tuple[str, str], list[PointReport]] = {}
    for ref in plan.points():
        report = _point_report(plan, results, ref, figures, marks)
        missing += [MissingResult(unit=u, dimension=report.dimension, item=report.item, point=report.name)
                    for u in report.missing]
        by_point.setdefault((ref.dimension.name, ref.item.name), []).append(report)
    for dim in plan.annex1.dimensions:
        if not dim.items:  # 開放創新 has no units, so no results: its entries are in the checklist
            continue
        items = [ItemReport(name=item.name, points=by_point[(dim.name, item.name)]) for item in dim.items]
        reports.append(
            DimensionReport(scope=dim.scope, name=dim.name, caption=dimension_caption(dim.scope, dim.name), items=items)
        )
    return reports, missing


def _point_report(
    plan: Plan, results: ResultSet, ref: PointRef, figures: list[IndicatorFigure], marks: dict[Key, CheckPointMarks]
) -> PointReport:
    responsible = [u.name for u in plan.units.units if plan.units.covers(list(ref.point.units), u.name)]
    contributions = []
    for unit in responsible:
        sub = results.submission(unit)
        result = next((r for r in sub.results if r.key == ref.key), None) if sub else None
        if result is None:
            continue
        unit_figures = [
            u for f in figures for u in f.units if u.unit == unit and f.id in result.indicators
        ]
        contributions.append(
            Contribution(unit=unit, outcome=result.outcome, evidence=_evidence(results, unit, result), figures=unit_figures)
        )
    done = {c.unit for c in contributions}
    check = counterpart(plan, ref)
    return PointReport(
        dimension=ref.dimension.name,
        item=ref.item.name,
        name=ref.point.name,
        units=responsible,
        contributions=contributions,
        missing=[u for u in responsible if u not in done],
        indicators=[f for f in figures if check is not None and f.checklist == check.key],
        checklist=marks.get(check.key) if check is not None else None,
    )


def _evidence(results: ResultSet, unit: str, result: PointResult) -> list[EvidenceItem]:
    items = []
    for ev in result.evidence:
        is_url = ev.file is not None and ev.file.startswith(("http://", "https://"))
        path = results.evidence_dir / ev.file.replace("\\", "/") if ev.file is not None and not is_url else None
        items.append(
            EvidenceItem(
                unit=unit,
                title=ev.title,
                kind=ev.kind,
                file=ev.file,
                path=path,
                date=ev.date,
                date_text=format_roc(ev.date) if ev.date else "",
            )
        )
    return items


# ---- 附件 2 checklist ----------------------------------------------------------


def _checklist_marks(plan: Plan, results: ResultSet, figures: list[IndicatorFigure]) -> dict[Key, CheckPointMarks]:
    sources: dict[tuple[Key, int], list[EntrySource]] = {}
    for unit, sub in results.submissions.items():
        for result in sub.results:
            ref = find_point(plan, *result.key)
            if ref is None:
                continue
            for ev in result.evidence:
                check = resolve_checklist(plan, ev.checklist, ref)
                if check is None:
                    continue
                for number in dict.fromkeys(ev.supports):
                    sources.setdefault((check.key, number), []).append(
                        EntrySource(unit=unit, title=ev.title, kind="evidence")
                    )
    for figure in figures:
        if figure.value is None:
            continue
        check = find_check_point(plan, *figure.checklist)
        if check is None:
            continue
        for number in dict.fromkeys(figure.supports):
            sources.setdefault((check.key, number), []).append(
                EntrySource(unit=None, title=f"{figure.name} {figure.text}", kind="indicator")
            )
    marks: dict[Key, CheckPointMarks] = {}
    for dim in plan.annex2.dimensions:
        pairs = [(None, p) for p in dim.points] + [(item.name, p) for item in dim.items for p in item.points]
        for item_name, point in pairs:
            key = (dim.name, item_name, point.name)
            entries = [
                EntryMark(number=n, text=text, checked=bool(sources.get((key, n))), sources=sources.get((key, n), []))
                for n, text in enumerate(point.entries, start=1)
            ]
            marks[key] = CheckPointMarks(dimension=dim.name, item=item_name, name=point.name, entries=entries)
    return marks


def _checklist_tree(plan: Plan, marks: dict[Key, CheckPointMarks]) -> list[CheckDimensionMarks]:
    tree = []
    for dim in plan.annex2.dimensions:
        tree.append(
            CheckDimensionMarks(
                scope=dim.scope,
                name=dim.name,
                caption=checklist_caption(dim.scope, dim.name),
                items=[
                    CheckItemMarks(name=item.name, points=[marks[(dim.name, item.name, p.name)] for p in item.points])
                    for item in dim.items
                ],
                points=[marks[(dim.name, None, p.name)] for p in dim.points],
            )
        )
    return tree


# ---- charts ------------------------------------------------------------------


def _chart(chart: ChartDef, figures: dict[str, IndicatorFigure], results: ResultSet) -> ChartData:
    charted = [figures[i] for i in chart.indicators if i in figures]
    first = charted[0]
    definition = next(ind for ind in results.indicators.indicators if ind.id == first.id)
    places = definition.places
    if chart.kind == "trend":
        # Every year from the first to the report's own, so a year no series has (a history of
        # 103, 106) breaks the lines rather than drawing 103 → 106 as one year's step, and a year
        # none of its indicators has a figure for yet still ends the axis (as rollover's title
        # 「（105–108 年）」 says), rather than the axis stopping at last year.
        held = {y.year for f in charted for y in f.series}
        years = list(range(min(held), first.year + 1)) if held else []
        series = []
        for f in charted:
            points = [next((y for y in f.series if y.year == year), None) for year in years]
            series.append(ChartSeries(
                label=f.name,
                values=[p.value if p else None for p in points],
                # the point of a figure some units are missing from is marked as in the table
                texts=[(p.text + PARTIAL_MARK if f.partial_units and p.year == f.year else p.text) if p else ""
                       for p in points],
            ))
        return ChartData(
            id=chart.id, title=chart.title, kind="trend", indicators=[f.id for f in charted], unit=first.unit, places=places,
            categories=[f"{y} 年" for y in years], series=series,
        )
    units = list(dict.fromkeys(u.unit for f in charted for u in f.units if u.excluded is None and u.value is not None))
    series = []
    for f in charted:
        bars = [next((u for u in f.units if u.unit == unit and u.excluded is None), None) for unit in units]
        series.append(ChartSeries(
            label=f.name,
            values=[b.value if b else None for b in bars],
            texts=[b.text if b else "" for b in bars],
        ))
    # The bureau's figure as a line among the units' (a rate, a mean); never a sum, the units'
    # total, far off their axis: its legend entry 「全局 138 件」 had no line to go with it.
    single = len(charted) == 1 and first.value is not None and definition.aggregate != "sum"
    return ChartData(
        id=chart.id, title=chart.title, kind="units", indicators=[f.id for f in charted], unit=first.unit, places=places,
        categories=units, series=series,
        reference=first.value if single else None,
        reference_label=f"全局 {first.text}{PARTIAL_MARK if first.partial_units else ''}" if single else "",
    )
