"""indicators.yaml: the bureau's indicator definitions, their history and charts, checked
against the plan; and the checks of a figure that indicators.yaml and the units' results share
(a % on the 0–100 scale, a count that is whole)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from sqdocs.load.checklist import check_entries, resolve_check
from sqdocs.load.checks import unique_names
from sqdocs.load.diagnostics import Diagnostic, LoadError, Loc
from sqdocs.load.plan import PLAN_FILES
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import YamlDoc, read_yaml
from sqdocs.model import Plan
from sqdocs.model.results import CHART_MAX_INDICATORS, Indicator, IndicatorSet
from sqdocs.text.numbers import exact, growth, value_text
from sqdocs.text.roc import ROC_OFFSET, examples_in
from sqdocs.text.suggest import suggest

INDICATORS_FILE = "indicators.yaml"
INDICATORS_HOW = "寫法見 docs/data-format.md 的 indicators.yaml 一節，也可由範例 data/keelung-107/indicators.yaml 複製後改寫"
"""Where a bureau without indicators.yaml learns to write one."""
HISTORY_YEARS = 30
"""How many years before the plan's a history may reach: the trend chart draws every year between."""


def misnamed_hint(folder: Path) -> str:
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
    """What the schema cannot see: unknown or duplicate ids, a growth rate's base, history years, charts."""
    items = indicators.indicators
    yield from unique_names(doc, ((("indicators", i, "id"), ind.id) for i, ind in enumerate(items)), "指標代號")
    yield from unique_names(doc, ((("indicators", i, "name"), ind.name) for i, ind in enumerate(items)), "指標名稱")
    ids = [ind.id for ind in items]
    for i, ind in enumerate(items):
        loc: Loc = ("indicators", i)
        if ind.checklist.dimension is None:
            yield doc.diagnostic((*loc, "checklist"), "指標的 checklist 須寫 dimension（評核構面）")
        else:
            check, found = resolve_check(doc, (*loc, "checklist"), ind.checklist, None, plan)
            yield from found
            if check is not None:
                yield from check_entries(doc, (*loc, "supports"), ind.supports, check)
        if ind.kind == "growth":
            base = indicators.get(ind.of or "")
            if base is None:
                yield doc.diagnostic((*loc, "of"), f"未知的指標代號「{ind.of}」{suggest(ind.of or '', ids)}")
            elif base.kind == "growth":
                yield doc.diagnostic((*loc, "of"), f"成長率不可依據另一個成長率指標「{ind.of}」")
            else:
                yield from _stale_growth(doc, loc, ind, base)
                if not base.history:  # a base with a history lacking last year is warned at it
                    yield doc.diagnostic((*loc, "of"), (
                        f"「{base.name}」沒有歷年數據（history），{plan.year} 年的「{ind.name}」無法計算"
                        f"（成長率由 {plan.year - 1} 年與 {plan.year} 年的「{base.name}」計算）；若有 {plan.year - 1} 年的全局數據，"
                        f"請在「{base.name}」的 history 加上「{plan.year - 1}: 數值」"
                    ), severity="warning")
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
                yield doc.diagnostic(hloc, f"「{ind.name}」{year} 年為負數 {figure_text(value)}；只有成長率可以小於 0，請確認數值")
            yield from percent_warnings(doc, hloc, ind, value)
    charts = indicators.charts
    yield from unique_names(doc, ((("charts", c, "id"), ch.id) for c, ch in enumerate(charts)), "圖表代號")
    for c, chart in enumerate(charts):
        if len(chart.indicators) > CHART_MAX_INDICATORS:
            yield doc.diagnostic(("charts", c, "indicators", CHART_MAX_INDICATORS), (
                f"一張圖最多 {CHART_MAX_INDICATORS} 項指標，「{chart.title}」有 {len(chart.indicators)} 項："
                f"再多則黑白列印時各指標的標記重複，無法分辨；請分成兩張以上的圖"
            ))
        units = set()
        first: dict[str, int] = {}
        for k, ref in enumerate(chart.indicators):
            if ref in first:
                # Drawn twice, the same line under two markers and two legend entries.
                yield doc.diagnostic(("charts", c, "indicators", k), (
                    f"「{chart.title}」的第 {k + 1} 項指標「{ref}」與第 {first[ref] + 1} 項重複；"
                    "同一指標在一張圖中只畫一次，請刪除重複的一項"
                ))
                continue
            first[ref] = k
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


def percent_warnings(doc: YamlDoc, loc: Loc, ind: Indicator, value: float) -> Iterator[Diagnostic]:
    """% figures are typed on the 0–100 scale: 0.85 is almost certainly 85 % written as a fraction."""
    if ind.unit != "%" or ind.kind == "growth":
        return
    if value > 100:
        yield doc.diagnostic(loc, f"百分比 {figure_text(value)} 超過 100；% 以 0–100 填寫（85 代表 85%）")
    elif 0 < value <= 1:
        yield doc.diagnostic(
            loc,
            f"「{ind.name}」填 {figure_text(value)}，看起來是小數比例；% 一律以 0–100 填寫（85 代表 85%），"
            f"若是 {figure_text(value * 100)}% 請改為 {figure_text(value * 100)}；若確為 {figure_text(value)}% 可忽略此警告",
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
            f"或刪除「{year}: {figure_text(value)}」改由 sqdocs 計算"
        ), severity="warning")


def figure_text(value: float) -> str:
    """A figure as it was typed: 85, 0.85, 2.4."""
    return f"{value:g}"


def whole_count(doc: YamlDoc, loc: Loc, ind: Indicator, value: float | None, why: str) -> Iterator[Diagnostic]:
    """A count with a fraction (2.4 件): each unit would print 2 and the total 2.4 × n, so the
    printed figures would not add up."""
    if value is not None and value != int(value):
        yield doc.diagnostic(loc, f"「{ind.name}」的 {figure_text(value)} 不是整數；{why}，應為整數")
