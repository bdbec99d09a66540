"""Compiling results into the annual report: figures against hand-computed values, missing lists, ☑/☐."""

from __future__ import annotations

import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import (
    ONLINE_CASES_OF_FIRST,
    SAMPLE,
    SECRETARIAT_SIMPLIFIED,
    SOP_RATE_OF_FIRST,
    compiled,
    left_out,
    replace_once,
)

from sqdocs.load import load_plan
from sqdocs.load.results import load_results
from sqdocs.model import Plan
from sqdocs.outline import summary_figures, summary_sentence, unit_figure_line
from sqdocs.report import CompiledReport, MissingResult, compile_report
from sqdocs.text.numbers import value_text

PLAN_FILES = ("plan.yaml", "units.yaml", "annex1.yaml", "annex2.yaml", "annex3.yaml")

INDICATORS = """\
indicators:
  - id: on_time_rate
    name: 處理時限內完成比率
    definition: 時限內完成件數 ÷ 申辦案件總件數 × 100%
    unit: "%"
    kind: ratio
    numerator: 時限內完成件數
    denominator: 申辦案件總件數
    checklist: {dimension: 基礎服務, item: 服務一致及正確, point: 服務及時性}
    supports: [2]
    history: {105: 90.0, 106: 92.5}
  - id: phone_score
    name: 電話禮貌測試平均成績
    definition: 依受測通數加權平均
    unit: 分
    kind: value
    aggregate: mean
    base: 受測電話通數
    checklist: {dimension: 基礎服務, item: 服務友善, point: 服務行為的友善性}
    supports: [1]
    history: {106: 88.0}
  - id: cases
    name: 線上申辦件數
    definition: 線上申辦之件數
    unit: 件
    kind: value
    aggregate: sum
    checklist: {dimension: 服務遞送, item: 服務便捷, point: 開發線上申辦或跨平臺通用服務}
    supports: [2]
    history: {105: 150, 106: 160}
  - id: growth
    name: 線上申辦使用成長率
    definition: 線上申辦件數較前一年度之成長率
    unit: "%"
    kind: growth
    of: cases
    checklist: {dimension: 服務遞送, item: 服務便捷, point: 開發線上申辦或跨平臺通用服務}
    supports: [2]
  - id: days
    name: 陳情案件平均處理日數
    definition: 依結案件數加權平均
    unit: 日
    kind: value
    aggregate: mean
    base: 結案件數
    higher_is_better: false
    checklist: {dimension: 服務評價, item: 意見回應處理情形, point: 針對民眾意見、抱怨及陳情積極回應}
    supports: [1]
    history: {106: 5.0}
charts:
  - id: trend
    title: 處理時限內完成比率趨勢
    kind: trend
    indicators: [on_time_rate]
  - id: by_unit
    title: 各單位處理時限內完成比率
    kind: units
    indicators: [on_time_rate]
"""

FIRST = """\
unit: 第一分局
year: 107
results:
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 服務及時性
    outcome: 受理 100 件，時限內完成 95 件。
    evidence:
      - title: 第一分局時效統計表
        date: 107 年 12 月 20 日
        file: evidence/stat.pdf
        supports: [1]
    indicators:
      on_time_rate: {numerator: 95, denominator: 100}
  - dimension: 基礎服務
    item: 服務友善
    point: 服務行為的友善性
    outcome: 電話禮貌測試 10 通，平均 90 分。
    indicators:
      phone_score: {value: 90, base: 10}
  - dimension: 服務遞送
    item: 服務便捷
    point: 開發線上申辦或跨平臺通用服務
    outcome: 線上申辦 120 件。
    indicators:
      cases: {value: 120}
"""

SECOND = """\
unit: 第二分局
year: 107
results:
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 服務及時性
    outcome: 本年度無申辦案件。
    indicators:
      on_time_rate: {numerator: 0, denominator: 0}
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 申辦業務標準作業流程訂定情形
    outcome: 訂定標準作業流程。
    evidence:
      - title: 第二分局標準作業流程彙編
        supports: [1]
"""

TRAFFIC = """\
unit: 交通隊
year: 107
results:
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 服務及時性
    outcome: 受理 200 件，時限內完成 180 件。
    indicators:
      on_time_rate: {numerator: 180, denominator: 200}
  - dimension: 基礎服務
    item: 服務友善
    point: 服務行為的友善性
    outcome: 電話禮貌測試 30 通，平均 80 分。
    indicators:
      phone_score: {value: 80, base: 30}
  - dimension: 服務遞送
    item: 服務便捷
    point: 開發線上申辦或跨平臺通用服務
    outcome: 線上申辦 80 件。
    indicators:
      cases: {value: 80}
"""


def make_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "data"
    (folder / "results").mkdir(parents=True)
    for name in PLAN_FILES:
        shutil.copy(SAMPLE / name, folder / name)
    (folder / "indicators.yaml").write_text(INDICATORS, encoding="utf-8")
    for name, text in files.items():
        (folder / "results" / name).write_text(text, encoding="utf-8")
    (folder / "results" / "evidence").mkdir()
    (folder / "results" / "evidence" / "stat.pdf").write_bytes(b"%PDF-1.4\n")
    return folder


@pytest.fixture()
def small(tmp_path: Path, plan: Plan) -> tuple[CompiledReport, list, Path]:
    folder = make_folder(tmp_path, {"第一分局.yaml": FIRST, "第二分局.yaml": SECOND, "交通隊.yaml": TRAFFIC})
    results, warnings = load_results(folder, plan)
    return compile_report(plan, results), warnings, folder


def only_first_and_traffic(folder: Path) -> Plan:
    """``folder``'s plan with every 附件 1 point assigned to 第一分局 and 交通隊 alone: with both
    files in, each figure is the bureau's whole figure, compared with last year's."""
    annex1 = folder / "annex1.yaml"
    annex1.write_text(re.sub(r"units: \[[^\]]*\]", "units: [第一分局, 交通隊]", annex1.read_text(encoding="utf-8")),
                      encoding="utf-8")
    return load_plan(folder)


def complete_report(folder: Path) -> CompiledReport:
    """The report of ``folder`` (第一分局's and 交通隊's results) under :func:`only_first_and_traffic`."""
    whole = only_first_and_traffic(folder)
    return compile_report(whole, load_results(folder, whole)[0])


@pytest.fixture()
def complete(tmp_path: Path) -> CompiledReport:
    return complete_report(make_folder(tmp_path, {"第一分局.yaml": FIRST, "交通隊.yaml": TRAFFIC}))


def test_ratio_is_summed_counts_not_average_of_ratios(small) -> None:
    report, warnings, _ = small
    f = report.indicator("on_time_rate")
    # (95 + 180) / (100 + 200) = 91.67 %; the average of 95 % and 90 % would be 92.5 %.
    assert f.value == pytest.approx(275 / 300 * 100)
    assert f.text == "91.7%"
    assert (f.numerator, f.denominator, f.counted_units) == (275, 300, 2)
    assert [(u.unit, u.text, u.excluded is None) for u in f.units] == [
        ("交通隊", "90.0%", True), ("第一分局", "95.0%", True), ("第二分局", "—", False),
    ]


def test_zero_denominator_is_warned_and_excluded(small) -> None:
    report, warnings, _ = small
    # 第二分局 also leaves out two figures 第一分局 entered (test_a_sum_some_units_have_not_reported_…)
    [zero] = [w for w in warnings if "分母為 0" in w.message]
    assert [w.severity for w in warnings] == ["warning"] * 3 and zero.file.endswith("第二分局.yaml")
    assert {w.message.split("：")[0] for w in warnings if w is not zero} == {
        "「第二分局」未填報指標「電話禮貌測試平均成績」（phone_score）", "「第二分局」未填報指標「線上申辦件數」（cases）",
    }
    assert [(e.indicator, e.unit) for e in report.exclusions] == [("on_time_rate", "第二分局")]
    assert "分母為 0" in report.exclusions[0].reason


def test_year_over_year_change_of_a_ratio(complete) -> None:
    f = complete.indicator("on_time_rate")
    assert [(y.year, y.text, y.computed) for y in f.series] == [
        (105, "90.0%", False), (106, "92.5%", False), (107, "91.7%", True),
    ]
    c = f.change
    assert (c.previous_year, c.previous_text, c.delta_text) == (106, "92.5%", "-0.8 個百分點")
    assert c.delta == pytest.approx(-0.8)
    assert (c.direction, c.assessment, c.relative) == ("down", "bad", None)
    assert f.trend == "105 年 90.0%、106 年 92.5%、107 年 91.7%；107 年較 106 年下降 0.8 個百分點，呈退步趨勢，將檢討原因並研提改善措施。"


def test_mean_is_weighted_by_base(complete) -> None:
    f = complete.indicator("phone_score")
    # (90 × 10 + 80 × 30) / 40 = 82.5; the plain average would be 85.
    assert f.value == pytest.approx(82.5)
    assert (f.text, f.base) == ("82.5 分", 40)
    c = f.change
    assert (c.delta_text, c.relative_text, c.assessment) == ("-5.5 分", "-6.3%", "bad")  # -6.25 % rounds half up


def test_sum_and_growth(plan: Plan) -> None:
    report = compile_report(plan, load_results(SAMPLE, plan)[0])
    cases = report.indicator("online_cases")
    assert (cases.text, cases.change.delta_text, cases.change.relative_text) == ("8,661 件", "+1,791 件", "+26.1%")
    assert cases.change.assessment == "good" and cases.partial_units == []
    assert cases.trend.endswith("107 年較 106 年增加 1,791 件，已連續 2 年增加，呈進步趨勢。")
    growth = report.indicator("online_growth")
    assert [(y.year, y.text) for y in growth.series] == [(105, "18.6%"), (106, "31.4%"), (107, "26.1%")]
    assert growth.units == [] and growth.change.delta_text == "-5.3 個百分點"


def test_a_sum_some_units_have_not_reported_is_marked_and_not_compared(small) -> None:
    """Three units of many: the total is a lower bound, and against last year's whole total it
    would read as 退步 that is only a missing file."""
    report = small[0]
    cases = report.indicator("cases")
    assert cases.text == "200 件" and cases.change is None
    owing = [u for u in cases.partial_units if u in report.unsubmitted]
    # 第二分局 sent a file without the figure the other 分局 that reported entered
    assert owing and cases.partial_units == sorted([*owing, "第二分局"], key=report.units.index)
    assert "第一分局" not in cases.partial_units
    assert cases.trend == (f"105 年 150 件、106 年 160 件、107 年 200 件；107 年的合計不含尚未填報成果的單位（{'、'.join(owing)}）"
                           "及成果未填此項數據的單位（第二分局），待各單位填報齊全後再與上年比較。")
    growth = report.indicator("growth")  # no rate from an incomplete total
    assert growth.value is None and growth.trend.endswith("107 年無法計算（107 年的「線上申辦件數」合計不含未填報單位）。")
    # nor is a ratio of the units that reported compared: 91.7% of 2 units is not the bureau's rate
    on_time = report.indicator("on_time_rate")
    assert on_time.text == "91.7%" and on_time.change is None and on_time.partial_units
    assert "將檢討原因" not in on_time.trend and on_time.trend.endswith("待各單位填報齊全後再與上年比較。")
    assert summary_figures(cases, [105, 106, 107]) == ["150 件", "160 件", "200 件*", "—", "—"]
    assert "標「*」之數值不含尚未繳交之單位" in summary_sentence(report)  # 數值: sums, ratios and means


def test_a_partial_total_is_marked_on_its_trend_chart_too(tmp_path: Path, plan: Plan) -> None:
    folder = make_folder(tmp_path, {"第一分局.yaml": FIRST, "第二分局.yaml": SECOND, "交通隊.yaml": TRAFFIC})
    indicators = folder / "indicators.yaml"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace(
        "    indicators: [on_time_rate]\n  - id: by_unit", "    indicators: [cases]\n  - id: by_unit", 1), encoding="utf-8")
    results, _ = load_results(folder, plan)
    [series] = next(c for c in compile_report(plan, results).charts if c.id == "trend").series
    assert series.texts == ["150 件", "160 件", "200 件*"]


def test_a_sum_a_unit_left_out_of_its_file_is_marked_and_not_compared(data_copy: Path, plan: Plan) -> None:
    """第一分局 handed in its results without its 線上申辦件數: 8,661 − 1,369 件 compared with
    106's whole total would read as a fall that is only a forgotten line."""
    left_out(data_copy, "第一分局", ONLINE_CASES_OF_FIRST)
    report = compiled(data_copy, plan)
    cases = report.indicator("online_cases")
    assert (cases.text, cases.partial_units, cases.change) == ("7,292 件", ["第一分局"], None)
    assert cases.trend == ("105 年 5,230 件、106 年 6,870 件、107 年 7,292 件；"
                           "107 年的合計不含成果未填此項數據的單位（第一分局），待各單位填報齊全後再與上年比較。")
    assert summary_figures(cases, [105, 106, 107]) == ["5,230 件", "6,870 件", "7,292 件*", "—", "—"]
    assert summary_sentence(report).endswith("；標「*」之合計不含成果未填該項數據之單位（第一分局），未與上年比較，彙整如下表。")
    growth = report.indicator("online_growth")
    assert growth.value is None and growth.trend.endswith("107 年無法計算（107 年的「線上申辦件數」合計不含未填報單位）。")
    assert [f.id for f in report.indicators if f.partial_units] == ["online_cases"]


def test_a_sum_lacking_a_file_and_a_figure_names_both(data_copy: Path, plan: Plan) -> None:
    (data_copy / "results" / "第四分局.yaml").unlink()
    left_out(data_copy, "第一分局", ONLINE_CASES_OF_FIRST)
    report = compiled(data_copy, plan)
    cases = report.indicator("online_cases")
    assert cases.partial_units == ["第一分局", "第四分局"]
    assert cases.trend.endswith("107 年的合計不含尚未填報成果的單位（第四分局）及成果未填此項數據的單位（第一分局），"
                                "待各單位填報齊全後再與上年比較。")
    # 第四分局 owes ratios too, so 「*」 marks more than sums
    assert "；標「*」之數值不含尚未繳交之單位（第四分局）及成果未填該項數據之單位（第一分局），未與上年比較" in summary_sentence(report)


def test_a_late_unit_owes_a_sum_only_if_its_group_enters_it(data_copy: Path, plan: Plan) -> None:
    """第一分局 sent no file, and the other 分局 reported no 陳情案件數: the figure is not the
    分局' (as when a file leaves it out), so its total lacks nothing and is compared. With no 分局
    reported at all, nothing shows that: the total is marked as lacking them."""
    (data_copy / "results" / "第一分局.yaml").unlink()
    for unit, value in (("第二分局", 66), ("第三分局", 75), ("第四分局", 53)):
        left_out(data_copy, unit, f"      complaint_cases: {{value: {value}}}\n")
    report = compiled(data_copy, plan)
    complaints = report.indicator("complaint_cases")
    assert complaints.partial_units == [] and complaints.change is not None
    assert report.indicator("documents_waived").partial_units == ["第一分局"]  # the other 分局 entered it

    for unit in ("第二分局", "第三分局", "第四分局"):
        (data_copy / "results" / f"{unit}.yaml").unlink()
    report = compiled(data_copy, plan)
    assert report.indicator("complaint_cases").partial_units == ["第一分局", "第二分局", "第三分局", "第四分局"]



def test_a_sum_whose_point_a_unit_has_not_reported_yet_is_marked_as_when_its_file_is_missing(
    data_copy: Path, plan: Plan
) -> None:
    """秘書科 (named on its own beside 交通隊 and 各分局) handed in its results without the point
    節省用紙張數 counts under: that point is not reported yet, as if the file were missing. Its
    186,000 張 absent, the total read as a fall of 186,000 張 (退步) and went into next year's history."""
    left_out(data_copy, "秘書科", SECRETARIAT_SIMPLIFIED)
    report = compiled(data_copy, plan)
    for name in ("paper_saved", "hours_saved"):
        figure = report.indicator(name)
        assert figure.partial_units == ["秘書科"] and figure.change is None, name
        assert figure.trend.endswith("107 年的合計不含成果未填此項數據的單位（秘書科），待各單位填報齊全後再與上年比較。")
    assert "；標「*」之合計不含成果未填該項數據之單位（秘書科），未與上年比較" in summary_sentence(report)
    # a point that has no sum under it, or a sum whose units all reported their part, is as it was
    assert report.indicator("online_cases").partial_units == [] and report.indicator("online_cases").change is not None


def test_a_ratio_a_unit_left_out_is_marked_and_not_compared(data_copy: Path, plan: Plan) -> None:
    """Σ numerators ÷ Σ denominators of the other units is their ratio, not the bureau's: it was
    compared with last year's whole ratio and judged 進步 or 退步 on a forgotten line."""
    left_out(data_copy, "第一分局", SOP_RATE_OF_FIRST)
    results, warnings = load_results(data_copy, plan)
    report = compile_report(plan, results)
    sop = report.indicator("sop_rate")
    assert [w.message.split("：")[0] for w in warnings] == ["「第一分局」未填報指標「訂定標準作業流程比率」（sop_rate）"]
    assert (sop.partial_units, sop.change, sop.counted_units) == (["第一分局"], None, 7)
    assert "第一分局" not in [u.unit for u in sop.units]
    assert sop.trend.endswith("107 年的比率不含成果未填此項數據的單位（第一分局），待各單位填報齊全後再與上年比較。")
    assert summary_figures(sop, [105, 106, 107])[2:] == [f"{sop.text}*", "—", "—"]
    assert summary_sentence(report).endswith("；標「*」之比率不含成果未填該項數據之單位（第一分局），未與上年比較，彙整如下表。")
    assert [f.id for f in report.indicators if f.partial_units] == ["sop_rate"]


def test_figures_of_one_unit_of_many_are_marked_and_not_judged(data_copy: Path, plan: Plan) -> None:
    """Only 第一分局 has handed in: its 14/15 is not the bureau's 訂定標準作業流程比率. It was
    printed as the bureau's 93.3%, judged 退步 against 106's 93.5% (「宜檢討原因」) and charted."""
    for path in (data_copy / "results").glob("*.yaml"):
        if path.stem != "第一分局":
            path.unlink()
    report = compiled(data_copy, plan)
    sop = report.indicator("sop_rate")
    assert (sop.text, sop.change) == ("93.3%", None) and "第二分局" in sop.partial_units
    assert summary_figures(sop, [105, 106, 107]) == ["90.2%", "93.5%", "93.3%*", "—", "—"]
    assert sop.trend.startswith("105 年 90.2%、106 年 93.5%、107 年 93.3%；107 年的比率不含尚未填報成果的單位（")
    phone = report.indicator("phone_courtesy_score")  # a mean
    assert phone.change is None and "107 年的平均不含尚未填報成果的單位" in phone.trend
    computed = [f for f in report.indicators if f.value is not None and f.kind != "growth"]
    assert computed and all(f.partial_units and f.change is None for f in computed)
    assert not [f.id for f in report.indicators if "進步" in f.trend or "退步" in f.trend or "將檢討" in f.trend]
    sentence = summary_sentence(report)
    assert "較上年" not in sentence and "；標「*」之數值不含尚未繳交之單位（" in sentence
    # the charts mark what the table marks
    on_time = report.indicator("on_time_rate")
    assert report.chart("on_time_by_unit").reference_label == f"全局 {on_time.text}*"
    for series in report.chart("satisfaction_trend").series:
        assert series.texts[-1].endswith("*") and not series.texts[0].endswith("*")


def test_lower_is_better_and_no_data(small) -> None:
    days = small[0].indicator("days")
    assert (days.value, days.text, days.change) == (None, "—", None)
    assert days.trend == "106 年 5.0 日；107 年無填報數據。"


def test_missing_submissions(small, plan: Plan) -> None:
    report = small[0]
    total = sum(len(plan.points_for(u.name)) for u in plan.units.units)
    assert len(report.missing) == total - 8
    second = [m.point for m in report.missing_by_unit()["第二分局"]]
    assert "服務及時性" not in second and "申辦業務標準作業流程訂定情形" not in second
    assert "服務行為的友善性" in second
    assert MissingResult(unit="第三分局", dimension="基礎服務", item="服務一致及正確", point="服務及時性") in report.missing
    assert report.submitted == ["交通隊", "第一分局", "第二分局"]
    assert "第三分局" in report.unsubmitted and "交通隊" not in report.unsubmitted
    units = [m.unit for m in report.missing]
    assert units == sorted(units, key=report.units.index)  # grouped by unit, registry order


def test_point_report(small) -> None:
    report, _, folder = small
    point = next(p for p in report.points() if p.name == "服務及時性")
    assert point.units == ["外事科", "資訊科", "勤指中心", "交通隊", "婦幼隊", "第一分局", "第二分局", "第三分局", "第四分局"]
    assert [c.unit for c in point.contributions] == ["交通隊", "第一分局", "第二分局"]
    assert point.missing == ["外事科", "資訊科", "勤指中心", "婦幼隊", "第三分局", "第四分局"]
    assert [f.id for f in point.indicators] == ["on_time_rate"]
    first = point.contributions[1]
    assert first.outcome == "受理 100 件，時限內完成 95 件。"
    assert [(f.indicator, f.text) for f in first.figures] == [("on_time_rate", "95.0%")]
    ev = first.evidence[0]
    assert (ev.title, ev.date_text, ev.path) == ("第一分局時效統計表", "107 年 12 月 20 日", folder / "results" / "evidence/stat.pdf")
    assert [e.mark for e in point.checklist.entries] == ["☑", "☑"]


def test_checklist_marks(small) -> None:
    report = small[0]
    marks = {p.key: p for d in report.checklist for p in [*d.points, *(q for i in d.items for q in i.points)]}
    timely = marks[("基礎服務", "服務一致及正確", "服務及時性")]
    assert [e.checked for e in timely.entries] == [True, True]
    assert [(s.unit, s.kind) for s in timely.entries[0].sources] == [("第一分局", "evidence")]
    assert timely.entries[1].sources[0].title == "處理時限內完成比率 91.7%"
    sop = marks[("基礎服務", "服務一致及正確", "申辦業務標準作業流程訂定情形")]
    assert [e.mark for e in sop.entries] == ["☑", "☐"]
    open_part = marks[("開放創新", None, "開放參與")]
    assert not any(e.checked for e in open_part.entries)
    unchecked = {(u.point, u.number) for u in report.unchecked}
    assert ("申辦業務標準作業流程訂定情形", 2) in unchecked and ("服務及時性", 1) not in unchecked
    assert len(report.unchecked) == sum(len(p.entries) for p in marks.values()) - 5


def test_indicator_without_data_does_not_check_its_entry(tmp_path: Path, plan: Plan) -> None:
    results, _ = load_results(make_folder(tmp_path, {"第二分局.yaml": SECOND}), plan)
    report = compile_report(plan, results)
    assert report.indicator("on_time_rate").text == "—"
    assert ("服務及時性", 2) in {(u.point, u.number) for u in report.unchecked}


def test_charts_data(small) -> None:
    report = small[0]
    trend = report.chart("trend")
    assert trend.categories == ["105 年", "106 年", "107 年"]
    assert trend.series[0].values == pytest.approx([90.0, 92.5, 275 / 3])
    assert trend.series[0].texts == ["90.0%", "92.5%", "91.7%*"]  # the other units owing it have not reported
    bars = report.chart("by_unit")
    assert bars.categories == ["交通隊", "第一分局"]  # 第二分局 (分母為 0) has no bar
    assert bars.series[0].values == pytest.approx([90.0, 95.0])
    assert bars.reference_label == "全局 91.7%*"


def test_a_units_chart_of_a_sum_draws_no_bureau_line(tmp_path: Path, plan: Plan) -> None:
    """各單位線上申辦件數: the bureau's figure is the units' total (200 件), no unit's peer. It
    was the chart's reference all the same: far off the axis, its line was never drawn, while
    the legend still showed 「全局 200 件」."""
    folder = make_folder(tmp_path, {"第一分局.yaml": FIRST, "第二分局.yaml": SECOND, "交通隊.yaml": TRAFFIC})
    indicators = folder / "indicators.yaml"
    indicators.write_text(indicators.read_text(encoding="utf-8") + (
        "  - id: cases_by_unit\n    title: 各單位線上申辦件數\n    kind: units\n    indicators: [cases]\n"
    ), encoding="utf-8")
    results, _ = load_results(folder, plan)
    report = compile_report(plan, results)
    cases = report.chart("cases_by_unit")
    assert max(v for v in cases.series[0].values if v is not None) < report.indicator("cases").value
    assert cases.reference is None and cases.reference_label == ""
    from sqdocs.writers import fontfiles
    from sqdocs.writers.charts import raster, scene

    drawn = scene.layout(cases, raster.measure(raster.Faces(fontfiles.resolve_main())))
    assert not [i for i in drawn.items if isinstance(i, scene.Label) and i.text.startswith("全局")]
    rates = report.chart("by_unit")  # a ratio is the units' peer: its line stays
    assert rates.reference == report.indicator("on_time_rate").value and rates.reference_label.startswith("全局 ")


def test_a_trend_chart_keeps_a_year_without_data_as_a_gap(tmp_path: Path) -> None:
    """History of 103 and 106: the axis ran 103, 106, 107 evenly spaced, drawing three years as one step."""
    folder = make_folder(tmp_path, {"第一分局.yaml": FIRST, "交通隊.yaml": TRAFFIC})
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{105: 90.0, 106: 92.5}", "{103: 88.0, 106: 92.5}"),
                    encoding="utf-8")
    trend = complete_report(folder).chart("trend")
    assert trend.categories == ["103 年", "104 年", "105 年", "106 年", "107 年"]
    assert trend.series[0].values[:4] == [88.0, None, None, 92.5]
    assert trend.series[0].texts[:4] == ["88.0%", "", "", "92.5%"]


def test_charts_of_a_complete_figure_are_unmarked(complete) -> None:
    assert complete.chart("trend").series[0].texts == ["90.0%", "92.5%", "91.7%"]
    assert complete.chart("by_unit").reference_label == "全局 91.7%"


def test_checklist_counterpart_when_annexes_name_a_point_differently(plan: Plan) -> None:
    from sqdocs.model.results import counterpart

    names = {ref.point.name: counterpart(plan, ref) for ref in plan.points()}
    assert names["在地化服務"].point.name == "客製化服務"
    assert names["消除申辦案件需檢附之書表謄本"].point.name == "減除申辦案件需檢附之書表謄本"
    assert names["服務及時性"].point.name == "服務及時性"


def test_sample_compiles_complete(plan: Plan) -> None:
    results, warnings = load_results(SAMPLE, plan)
    report = compile_report(plan, results)
    assert warnings == [] and report.missing == [] and report.unsubmitted == []
    assert report.unchecked == []
    assert report.exclusions == []
    assert all(f.value is not None and f.change is not None for f in report.indicators)
    assert {c.id for c in report.charts} == {"satisfaction_trend", "online_trend", "on_time_by_unit"}
    assert len(report.chart("satisfaction_trend").series) == 4
    assert CompiledReport.model_validate_json(report.model_dump_json()) == report


def test_checklist_point_of_an_overall_annex2_dimension_takes_no_item(plan: Plan) -> None:
    # 附件 2 may make a dimension overall (no items) that 附件 1 splits into items. Evidence under
    # a 附件 1 point naming only the 附件 2 point must resolve as the loader accepts it, not to nothing.
    import dataclasses

    from sqdocs.model import CheckDimension
    from sqdocs.model.results import ChecklistPath, resolve_checklist

    basic = next(d for d in plan.annex2.dimensions if d.name == "基礎服務")
    overall = CheckDimension(scope="整體", name="基礎服務", points=basic.items[0].points)
    dims = [overall if d is basic else d for d in plan.annex2.dimensions]
    odd = dataclasses.replace(plan, annex2=plan.annex2.model_copy(update={"dimensions": dims}))
    ref = next(r for r in odd.points() if r.dimension.name == "基礎服務")
    target = overall.points[-1].name
    check = resolve_checklist(odd, ChecklistPath(point=target), ref)
    assert check is not None and check.key == ("基礎服務", None, target)
    assert resolve_checklist(odd, ChecklistPath(item=ref.item.name, point=target), ref) is None  # the loader refuses an item here


def test_no_change_against_an_older_year_when_last_years_figure_is_missing(tmp_path: Path) -> None:
    """Without 106 in the history, 「較上年」 is —, not the change against 105 under the same heading,
    and the trend sentence, which compares with 105, says 106 is missing and calls it neither
    進步 nor 退步 where the summary's 趨勢 is —; the growth rate says which base year is missing,
    and loading warns of the gap."""
    indicators = INDICATORS.replace("history: {105: 90.0, 106: 92.5}", "history: {105: 90.0}")
    indicators = indicators.replace("history: {105: 150, 106: 160}", "history: {105: 150}")
    folder = make_folder(tmp_path, {"第一分局.yaml": FIRST, "交通隊.yaml": TRAFFIC})
    (folder / "indicators.yaml").write_text(indicators, encoding="utf-8")
    whole = only_first_and_traffic(folder)
    results, warnings = load_results(folder, whole)
    report = compile_report(whole, results)
    on_time = report.indicator("on_time_rate")
    assert on_time.change is None
    assert on_time.trend == "105 年 90.0%、107 年 91.7%；106 年無數據，107 年較 105 年上升 1.7 個百分點。"
    assert summary_figures(on_time, [105, 106, 107])[-2:] == ["—", "—"]
    assert "進步" not in summary_sentence(report)  # 「較上年退步 1 項」: on_time_rate is not counted
    growth = report.indicator("growth")
    assert growth.value is None
    assert growth.trend == "107 年無法計算（106 年的「線上申辦件數」無數據）。"
    gaps = [w.path for w in warnings if "history 沒有 106 年的數據" in w.message]
    assert gaps == ["indicators[0].history", "indicators[2].history"]
    assert "成長率也無法計算" in next(w.message for w in warnings if w.path == "indicators[2].history")


def test_every_denominator_zero_says_why_there_is_no_figure(tmp_path: Path, plan: Plan) -> None:
    """Units that entered 0 of 0 (or a base of 0) did report: the year cannot be computed, it is not 無填報數據."""
    first = FIRST.replace("{numerator: 95, denominator: 100}", "{numerator: 0, denominator: 0}")
    first = first.replace("{value: 90, base: 10}", "{value: 90, base: 0}")
    folder = make_folder(tmp_path, {"第一分局.yaml": first, "第二分局.yaml": SECOND})
    report = compile_report(plan, load_results(folder, plan)[0])
    on_time, phone = report.indicator("on_time_rate"), report.indicator("phone_score")
    assert (on_time.text, on_time.change) == ("—", None)
    assert on_time.trend == "105 年 90.0%、106 年 92.5%；107 年無法計算（各填報單位的申辦案件總件數均為 0）。"
    assert phone.trend == "106 年 88.0 分；107 年無法計算（各填報單位的受測電話通數均為 0）。"


def test_growth_from_a_year_of_zero_says_why_there_is_no_rate(data_copy: Path, plan: Plan) -> None:
    """A rate from 0 has no value; the base year did report, so it is not 無填報數據."""
    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace("history: {105: 5230, 106: 6870}", "history: {105: 5230, 106: 0}"), encoding="utf-8")
    growth = compile_report(plan, load_results(data_copy, plan)[0]).indicator("online_growth")
    assert [(y.year, y.text) for y in growth.series] == [(105, "18.6%"), (106, "-100.0%")]
    assert (growth.text, growth.change) == ("—", None)
    assert growth.trend == "105 年 18.6%、106 年 -100.0%；107 年無法計算（106 年的「線上申辦件數」為 0）。"


def test_a_rate_short_of_100_percent_never_reads_100_percent(tmp_path: Path) -> None:
    """1 late case in 4 000 is 99.975%: at one decimal it would read 100.0%, all on time."""
    first = FIRST.replace("{numerator: 95, denominator: 100}", "{numerator: 1999, denominator: 2000}")
    traffic = TRAFFIC.replace("{numerator: 180, denominator: 200}", "{numerator: 2000, denominator: 2000}")
    folder = make_folder(tmp_path, {"第一分局.yaml": first, "交通隊.yaml": traffic})
    (folder / "indicators.yaml").write_text(INDICATORS.replace("{105: 90.0, 106: 92.5}", "{105: 90.0, 106: 99.9}"),
                                            encoding="utf-8")
    f = complete_report(folder).indicator("on_time_rate")
    assert (f.text, f.reported) == ("99.98%", "99.98")
    assert {u.unit: u.text for u in f.units} == {"第一分局": "99.95%", "交通隊": "100.0%"}
    # the change is told between the figures as printed, with as many decimals as they have
    assert (f.change.delta_text, f.change.direction) == ("+0.08 個百分點", "up")
    assert "107 年較 106 年上升 0.08 個百分點" in f.trend


@pytest.mark.parametrize(("value", "text"), [
    (Fraction(1999, 20), "99.95%"), (Fraction(9994, 100), "99.9%"), (Fraction(100), "100.0%"),
    (Fraction(1, 25), "0.04%"), (Fraction(0), "0.0%"), (Fraction(9999999, 100000), "99.9999%"),
    (Fraction(1, 10**7), "0.0001%"), (Fraction(10004, 100), "100.04%"), (Fraction(10005, 100), "100.1%"),
])  # fmt: skip
def test_percentages_near_the_limits(value: Fraction, text: str) -> None:
    assert value_text(value, "%", 1) == text


def test_other_units_round_as_before() -> None:
    assert value_text(Fraction(9999, 100), "分", 1) == "100.0 分"
    assert value_text(Fraction(12345, 10), "件", 0) == "1,235 件"


def test_a_figure_left_out_says_so_once_under_the_outcome(small) -> None:
    """The reason already says what the figure is left out of; the line must not repeat it."""
    report, _, _ = small
    [figure] = [u for u in report.indicator("on_time_rate").units if u.excluded]
    line = unit_figure_line("處理時限內完成比率", figure)
    assert line == "處理時限內完成比率：—（分母為 0，比率無法計算，未列入全局比率）"


def test_a_trend_chart_runs_to_the_report_year_before_any_unit_entered_its_figure(tmp_path: Path, plan: Plan) -> None:
    """Only 第二分局 (分母為 0) reported on_time_rate: the axis stopped at 106, under a title
    rollover had written for 105–107, and validate asked for the title to name 106."""
    results, _ = load_results(make_folder(tmp_path, {"第二分局.yaml": SECOND}), plan)
    trend = compile_report(plan, results).chart("trend")
    assert trend.categories == ["105 年", "106 年", "107 年"]
    assert trend.series[0].values == [90.0, 92.5, None]
    assert trend.series[0].texts == ["90.0%", "92.5%", ""]


def test_a_unit_named_on_its_own_beside_every_unit_owes_nothing_through_it(data_copy: Path) -> None:
    """[秘書科, 各分局, 各單位]: 各單位 stands for the units named neither on their own nor
    through 各分局 (data-format.md), so 秘書科, named on its own, is not held to the 創新提案件數
    nineteen others entered, while 行政科, reached only through 各單位, is."""
    annex1 = data_copy / "annex1.yaml"
    before = "            deadline: 賡續辦理\n            units: [各分局, 各單位]\n  - scope: 個別\n    name: 服務評價"
    content = annex1.read_text(encoding="utf-8")
    assert content.count(before) == 1
    annex1.write_text(content.replace(before, before.replace("[各分局, 各單位]", "[秘書科, 各分局, 各單位]")),
                      encoding="utf-8")
    for unit, value in (("秘書科", 4), ("行政科", 5)):
        left_out(data_copy, unit, f"      proposals: {{value: {value}}}\n")
    proposals = compiled(data_copy, load_plan(data_copy)).indicator("proposals")
    assert proposals.partial_units == ["行政科"] and proposals.change is None
    assert proposals.trend.endswith("107 年的合計不含成果未填此項數據的單位（行政科），待各單位填報齊全後再與上年比較。")


def test_the_summary_counts_every_indicator_and_says_what_a_dash_means(report):
    """「進步 20 項、退步 1 項」 of 22 left one unaccounted for: 陳情案件數, whose 趨勢 is 「—」
    (more complaints are neither better nor worse)."""
    sentence = summary_sentence(report)
    words = [summary_figures(i, [105, 106, 107])[-1] for i in report.indicators]
    assert words.count("—") >= 1
    counted = ", ".join(f"{w} {words.count(w)} 項" for w in ("進步", "退步") if words.count(w))
    assert f"量化指標 {len(report.indicators)} 項，較上年{counted.replace(', ', '、')}，另 {words.count('—')} 項未評比進退（表中以「—」表示）" in sentence


def test_a_worse_indicator_is_followed_up_in_the_bureaus_own_voice(report):
    worse = [i for i in report.indicators if i.change is not None and i.change.assessment == "bad"]
    assert worse and all(i.trend.endswith("呈退步趨勢，將檢討原因並研提改善措施。") for i in worse)


def test_the_overall_dimension_is_named_where_its_results_would_be(report):
    """貳 stopped after 四、 without a word of 五、整體評核構面-開放創新, which has no 承辦單位."""
    from sqdocs.outline import RESULTS_SENTENCE, results_sentence

    assert "開放創新" not in [d.name for d in report.dimensions]
    assert results_sentence(report) == (
        f"{RESULTS_SENTENCE}「整體評核構面-開放創新」不分承辦單位，其辦理情形以下列各構面執行成果中的佐證資料呈現，"
        "彙整於肆、組織診斷檢核結果。"
    )


def test_an_indicator_a_chart_draws_names_the_chart_in_its_line(report):
    """貳 said how 線上申辦使用率 moved and never that 參's 圖 2 draws it: the reader of 貳 had
    no way to know a figure shows the sentence, nor which."""
    from sqdocs.outline import figure_numbers, indicator_line

    charted = {i for chart in report.charts for i in chart.indicators}
    assert charted == {"satisfaction_environment", "satisfaction_courtesy", "satisfaction_professional",
                       "satisfaction_measures", "online_service_rate", "online_usage_rate", "on_time_rate"}
    for ind in report.indicators:
        line = indicator_line(ind, report)
        if ind.id in charted:
            [n] = figure_numbers(report, ind.id)
            assert report.charts[n - 1].title and line.endswith(f"趨勢（如圖 {n}）。"), line
        else:
            assert "如圖" not in line and line.endswith("。"), line
    assert indicator_line(report.indicator("on_time_rate"), report).endswith("（如圖 3）。")
    twice = report.model_copy(update={"charts": [*report.charts, report.charts[2]]})
    assert indicator_line(twice.indicator("on_time_rate"), twice).endswith("（如圖 3、圖 4）。")


def test_the_definitions_say_how_each_bureau_figure_is_made_and_from_which_units(report):
    """附錄二: a reviewer reading 87.0 分 beside 訓練科's own 86.9 分 could not tell that 外事科's
    42 are counted too, nor that a rate is Σ numerators ÷ Σ denominators."""
    from sqdocs.outline import calculation_lines, counted_units_text, grouped_names

    for ind in report.indicators:
        counted = [u for u in ind.units if u.excluded is None]
        lines = calculation_lines(ind, report)
        if ind.kind == "ratio":
            num, den = (sum(getattr(u, part) for u in counted) for part in ("numerator", "denominator"))
            assert lines == ["各單位分子、分母分別合計後相除", f"107 年：{num:,.0f} ÷ {den:,.0f} = {ind.text}"]
            assert f"{num / den * 100:.1f}%" == ind.text
        if ind.kind != "growth":
            names = [u.unit for u in counted]
            shown = "、".join(grouped_names(names, report))
            assert counted_units_text(ind, report) == (f"{shown}（計 {len(names)} 個）" if len(names) > 1 else names[0])
    assert calculation_lines(report.indicator("sop_rate"), report)[1] == "107 年：83 ÷ 87 = 95.4%"
    score = report.indicator("professional_test_score")
    assert calculation_lines(score, report) == ["依各單位受測人數加權平均", "107 年受測人數合計 1,166"]
    assert counted_units_text(score, report) == "訓練科、外事科（計 2 個）"
    growth = report.indicator("online_growth")
    assert calculation_lines(growth, report) == ["依「線上申辦件數」之全局數值計算"]
    assert counted_units_text(growth, report) == "同「線上申辦件數」"
    assert calculation_lines(report.indicator("documents_waived"), report) == ["各單位數值加總"]


def test_the_units_a_figure_counts_are_named_by_their_group_where_it_is_whole(report):
    """Forty names broken across a narrow column were hard to read; the plan names them 各分局."""
    from sqdocs.outline import counted_units_text, grouped_names

    assert counted_units_text(report.indicator("sop_rate"), report) == "保安科、外事科、刑警大隊、交通隊、各分局（計 8 個）"
    assert counted_units_text(report.indicator("phone_courtesy_score"), report) == "秘書科、各直屬（大）隊、各分局（計 10 個）"
    assert counted_units_text(report.indicator("proposals"), report) == f"各單位（計 {len(report.units)} 個）"
    # a group not whole stays a list; a group of one unit is not a group to name
    assert grouped_names(["第一分局", "第二分局", "第三分局", "交通隊"], report) == ["第一分局", "第二分局", "第三分局", "交通隊"]
    assert grouped_names(["交通隊", "第一分局", "第二分局", "第三分局", "第四分局"], report) == ["交通隊", "各分局"]


def test_a_unit_left_out_of_a_figure_is_not_among_its_counted_units(small) -> None:
    from sqdocs.outline import calculation_lines, counted_units_text

    report, _, _ = small
    on_time = report.indicator("on_time_rate")
    assert [(e.indicator, e.unit) for e in report.exclusions] == [("on_time_rate", "第二分局")]
    assert "第二分局" not in counted_units_text(on_time, report)
    assert on_time.partial_units  # units of the small set that sent no file
    assert counted_units_text(on_time, report) == "、".join(u.unit for u in on_time.units if u.unit != "第二分局") + \
        f"（計 {len(on_time.units) - 1} 個）；未填報：{'、'.join(on_time.partial_units)}"
    assert calculation_lines(on_time, report)[1].endswith(f"= {on_time.text}*")


def test_a_growth_rate_follows_from_its_base_as_printed(data_copy: Path, plan: Plan) -> None:
    """7,487.4 hours printed 「7,487 小時」, 「±0 小時」 and 持平 beside a growth rate of 0.01% and
    退步: the rate came from the unrounded total, so no reader could get it from the table."""
    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8").replace("history: {105: 4980, 106: 6150}", "history: {105: 4980, 106: 7487}")
    growth_of_hours = text.split("  # ---- 服務量能 ----")[0].rsplit("  - id: online_growth", 1)[1]
    extra = "  - id: hours_growth" + growth_of_hours.replace("of: online_cases", "of: hours_saved").replace(
        "name: 線上申辦使用成長率", "name: 節省工時成長率").replace("history: {105: 18.6}", "history: {}")
    indicators.write_text(text.replace("  # ---- 服務量能 ----", extra + "  # ---- 服務量能 ----"), encoding="utf-8")
    replace_once(data_copy / "results" / "第一分局.yaml", "hours_saved: {value: 724}", "hours_saved: {value: 724.4}")
    report = compile_report(plan, load_results(data_copy, plan)[0])
    hours, rate = report.indicator("hours_saved"), report.indicator("hours_growth")
    assert (hours.text, hours.change.delta_text) == ("7,487 小時", "±0 小時")
    assert [(y.year, y.text) for y in rate.series] == [(106, "50.3%"), (107, "0.0%")]
    assert rate.change.delta_text == "-50.3 個百分點"


def test_a_line_ending_in_an_aside_takes_its_figure_after_a_comma(report):
    from sqdocs.outline import indicator_line

    online = report.indicator("online_service_rate").model_copy(
        update={"trend": "106 年 41.2%；107 年無法計算（各填報單位的民眾申辦業務項目總數均為 0）。"})
    assert indicator_line(online, report).endswith("107 年無法計算（各填報單位的民眾申辦業務項目總數均為 0），如圖 2。")


def test_the_definitions_mark_a_partial_figure_and_name_who_has_not_reported_it(data_copy: Path, plan: Plan) -> None:
    """The summary printed 95.8%* and 附錄二 「69 ÷ 72 = 95.8%」, with no word of the unit missing."""
    from sqdocs.outline import calculation_lines, counted_units_text

    (data_copy / "results" / "第四分局.yaml").unlink()
    report = compiled(data_copy, plan)
    sop = report.indicator("sop_rate")
    assert sop.partial_units == ["第四分局"]
    assert calculation_lines(sop, report)[1] == f"107 年：{sop.numerator:,.0f} ÷ {sop.denominator:,.0f} = {sop.text}*"
    assert counted_units_text(sop, report) == (
        "保安科、外事科、刑警大隊、交通隊、第一分局、第二分局、第三分局（計 7 個）；未填報：第四分局")
    score = report.indicator("professional_test_score")  # 第四分局 owes none: unmarked
    assert not score.partial_units and counted_units_text(score, report) == "訓練科、外事科（計 2 個）"


def test_a_first_year_without_history_is_not_promised_a_comparison(data_copy: Path, plan: Plan) -> None:
    """A bureau's first year in sqdocs, a unit late: 「待各單位填報齊全後再與上年比較」 and 壹's
    「未與上年比較」 spoke of a last year it has no figure for."""
    import re

    from sqdocs.outline import summary_sentence

    indicators = data_copy / "indicators.yaml"
    indicators.write_text(re.sub(r"\n    history: \{[^}]*\}[^\n]*", "", indicators.read_text(encoding="utf-8")), encoding="utf-8")
    (data_copy / "results" / "第四分局.yaml").unlink()
    report = compile_report(plan, load_results(data_copy, plan)[0])
    sop = report.indicator("sop_rate")
    assert [y.year for y in sop.series] == [107] and sop.partial_units == ["第四分局"]
    assert sop.trend.endswith("107 年的比率不含尚未填報成果的單位（第四分局），待各單位填報齊全後更新。")
    assert "未與上年比較" not in summary_sentence(report) and "不含尚未繳交之單位（第四分局）" in summary_sentence(report)
