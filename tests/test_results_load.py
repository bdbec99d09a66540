"""Loading indicators.yaml and results/*.yaml: the sample loads clean; each mistake gets file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import (
    ONLINE_CASES_OF_FIRST,
    SAMPLE,
    SOP_RATE_OF_FIRST,
    left_out,
    moved_point,
    replace_once,
)

from sqdocs.cli import main
from sqdocs.forms.results import INDICATOR_SHEET
from sqdocs.fsutil import display_name
from sqdocs.load import LoadError, load_plan
from sqdocs.load.results import load_results, submitted
from sqdocs.model import Plan
from sqdocs.model.common import MAX_TEXT_CHARS

PLAN_FILES = ("plan.yaml", "units.yaml", "annex1.yaml", "annex2.yaml", "annex3.yaml")

GOOD = """\
unit: 第一分局
year: 107
results:
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 服務及時性
    outcome: 全年受理申辦案件 100 件，時限內完成 95 件。
    indicators:
      on_time_rate: {numerator: 95, denominator: 100}
"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """The sample plan and indicators, with an empty results/ folder."""
    target = tmp_path / "data"
    target.mkdir()
    for name in (*PLAN_FILES, "indicators.yaml"):
        shutil.copy(SAMPLE / name, target / name)
    (target / "results").mkdir()
    return target


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / "results" / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(folder: Path, plan: Plan) -> list[str]:
    """Every diagnostic as printed, errors and warnings alike."""
    try:
        _, warnings = load_results(folder, plan)
    except LoadError as exc:
        return [str(d) for d in exc.diagnostics]
    return [str(d) for d in warnings]


def only(found: list[str], needle: str) -> str:
    hits = [p for p in found if needle in p]
    assert len(hits) == 1, found
    return hits[0]


def test_sample_loads_without_errors_or_warnings(plan: Plan) -> None:
    results, warnings = load_results(SAMPLE, plan)
    assert warnings == []
    assert list(results.submissions) == [u.name for u in plan.units.units if plan.points_for(u.name)]
    assert len(results.indicators.indicators) >= 20


def test_good_submission(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD)
    results, warnings = load_results(folder, plan)
    assert warnings == []
    assert results.submission("第一分局").results[0].indicators["on_time_rate"].numerator == 95


def test_zero_denominator_is_a_warning(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 0, denominator: 0}"))
    results, warnings = load_results(folder, plan)  # loads: a warning only
    assert len(warnings) == 1
    w = warnings[0]
    assert (w.line, w.column, w.path, w.severity) == (9, 49, "results[0].indicators.on_time_rate.denominator", "warning")
    assert str(w).endswith("警告：「處理時限內完成比率」分母為 0，比率無法計算；「第一分局」的此項數據不列入全局比率")
    assert results.submission("第一分局") is not None


def test_numerator_above_denominator(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("numerator: 95", "numerator: 105"))
    found = only(problems(folder, plan), "大於分母")
    assert "第一分局.yaml:9:" in found
    assert "results[0].indicators.on_time_rate.numerator" in found
    assert "分子 105（處理時限內完成件數）大於分母 100（申辦案件總件數）" in found


def test_numerator_above_a_zero_denominator_is_an_error(folder: Path, plan: Plan) -> None:
    """14 of 0 is a typo, not a unit with nothing to count: refused, not left out with a warning."""
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 14, denominator: 0}"))
    found = problems(folder, plan)
    assert "分子 14（處理時限內完成件數）大於分母 0（申辦案件總件數）" in only(found, "大於分母")
    assert not [p for p in found if "分母為 0" in p]


def test_unknown_indicator_suggests(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("on_time_rate:", "on_time_rat:"))
    found = only(problems(folder, plan), "未知的指標")
    assert "第一分局.yaml:9:7:" in found
    assert "是不是「on_time_rate」" in found


def test_indicator_written_by_its_chinese_name(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("on_time_rate:", "處理時限內完成比率:"))
    found = only(problems(folder, plan), "未知的指標")
    assert "「處理時限內完成比率」的代號是「on_time_rate」" in found


def test_point_not_assigned_to_unit(folder: Path, plan: Plan) -> None:
    text = GOOD.replace("unit: 第一分局", "unit: 會計室")
    write(folder, "會計室.yaml", text)
    found = only(problems(folder, plan), "不是評核重點")
    assert "會計室.yaml:6:12: results[0].point:" in found
    assert "「會計室」不是評核重點「服務及時性」的承辦單位" in found


def test_unknown_point_suggests(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("point: 服務及時性", "point: 服務即時性"))
    found = only(problems(folder, plan), "沒有評核重點")
    assert "第一分局.yaml:6:12:" in found and "是不是「服務及時性」" in found


def test_two_files_for_one_unit(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD)
    write(folder, "第一分局-補充.yaml", GOOD)
    found = only(problems(folder, plan), "只能有一個成果檔")
    assert "第一分局.yaml:1:7: unit:" in found  # sorted: 第一分局-補充.yaml is read first
    assert "已由" in found and "第一分局-補充.yaml 填報" in found


def test_full_name_and_short_name_are_the_same_unit(folder: Path, plan: Plan) -> None:
    one = GOOD.replace("unit: 第一分局", "unit: 交通隊").replace("第一分局", "交通隊")
    write(folder, "交通隊.yaml", one)
    write(folder, "交通警察隊.yaml", one.replace("unit: 交通隊", "unit: 交通警察隊"))
    assert any("只能有一個成果檔" in p for p in problems(folder, plan))


def test_two_results_for_one_point(folder: Path, plan: Plan) -> None:
    extra = GOOD.split("results:\n")[1].replace("on_time_rate", "documents_waived").replace(
        "{numerator: 95, denominator: 100}", "{value: 3}"
    )
    write(folder, "第一分局.yaml", GOOD + extra)
    found = only(problems(folder, plan), "重複填報")
    assert "第一分局.yaml:12:12: results[1].point:" in found and "第 4 行已有" in found


def test_one_indicator_under_two_points(folder: Path, plan: Plan) -> None:
    extra = """\
  - dimension: 基礎服務
    item: 服務一致及正確
    point: 申辦業務標準作業流程訂定情形
    outcome: 訂定標準作業流程。
    indicators:
      on_time_rate: {numerator: 1, denominator: 1}
"""
    write(folder, "第一分局.yaml", GOOD + extra)
    found = only(problems(folder, plan), "只填一次")
    assert "第一分局.yaml:15:7:" in found and "第 9 行" in found


def test_percentage_written_as_fraction_warns(folder: Path, plan: Plan) -> None:
    text = GOOD.replace("point: 服務及時性", "point: 定期進行滿意度調查").replace("服務一致及正確", "服務滿意情形").replace(
        "dimension: 基礎服務", "dimension: 服務評價"
    ).replace("on_time_rate: {numerator: 95, denominator: 100}", "staff_satisfaction: {value: 0.85, base: 40}")
    write(folder, "第一分局.yaml", text)
    _, warnings = load_results(folder, plan)
    assert len(warnings) == 1
    message = str(warnings[0])
    assert "第一分局.yaml:9:35: results[0].indicators.staff_satisfaction.value: 警告：" in message
    assert "看起來是小數比例" in message and "請改為 85" in message


def test_percentage_over_100_is_an_error(folder: Path, plan: Plan) -> None:
    text = GOOD.replace("point: 服務及時性", "point: 定期進行滿意度調查").replace("服務一致及正確", "服務滿意情形").replace(
        "dimension: 基礎服務", "dimension: 服務評價"
    ).replace("on_time_rate: {numerator: 95, denominator: 100}", "staff_satisfaction: {value: 8500, base: 40}")
    write(folder, "第一分局.yaml", text)
    assert "超過 100" in only(problems(folder, plan), "百分比")


def test_history_as_fraction_warns(folder: Path, plan: Plan) -> None:
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{105: 98.2, 106: 98.8}", "{105: 0.982, 106: 98.8}"), encoding="utf-8")
    _, warnings = load_results(folder, plan)
    assert len(warnings) == 1 and "indicators[1].history[105]" in str(warnings[0])


def test_yes_is_not_a_number(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("denominator: 100", "denominator: yes"))
    found = only(problems(folder, plan), "是非值")
    assert "第一分局.yaml:9:50: results[0].indicators.on_time_rate.denominator: 應為數字，實際是是非值 true" in found
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("supports: [1]", "supports: [yes]", 1), encoding="utf-8")
    assert "indicators[0].supports[0]: 應為整數，實際是是非值 true" in only(problems(folder, plan), "supports")


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (".inf", "「inf」不是有限的數字"),
        (".nan", "「nan」不是有限的數字"),
        ("1e300", "數值 1e+300 過大"),  # YAML 1.1 reads this as text, pydantic as a number
        ("1.0e+300", "數值 1e+300 過大"),
        ("1e-300", "數值 1e-300 過小"),
        # a figure typed with digits too many is shown whole, not as 1.23457e+13
        ("12345678901234", "數值 12345678901234 過大"),
        ("12345678901234.5", "數值 12345678901234.5 過大"),
        ("0.0000001", "數值 0.0000001 過小"),
    ],
)
def test_figures_that_are_not_real_counts(folder: Path, plan: Plan, figure: str, message: str) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("denominator: 100", f"denominator: {figure}"))
    assert "第一分局.yaml:9:50: results[0].indicators.on_time_rate.denominator: " in only(problems(folder, plan), message)


def test_a_negative_count_names_the_bound_as_typed(folder: Path, plan: Plan) -> None:
    """The bound of a figure is 0, not pydantic's 0.0 of a float field."""
    write(folder, "第一分局.yaml", GOOD.replace("numerator: 95", "numerator: -95"))
    found = only(problems(folder, plan), "numerator")
    assert found.endswith("results[0].indicators.on_time_rate.numerator: 數值 -95 超出範圍，應大於或等於 0")


def test_an_optional_list_left_empty_says_to_fill_it_or_delete_the_line(folder: Path, plan: Plan) -> None:
    """Deleting a result's only figure leaves `indicators:` with nothing under it."""
    write(folder, "第一分局.yaml", GOOD.replace("on_time_rate: {numerator: 95, denominator: 100}", ""))
    found = only(problems(folder, plan), "indicators")
    assert found.endswith("results[0].indicators: 應為欄位對照（欄位: 值），實際是空值；"
                          "「indicators:」之下沒有任何內容：請在其下填寫，或刪除「indicators:」這一行")


def test_history_figures_out_of_range(folder: Path, plan: Plan) -> None:
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8").replace("{105: 98.2, 106: 98.8}", "{105: 1e308, 106: 1e-308}")
    path.write_text(text, encoding="utf-8")
    found = problems(folder, plan)
    assert "indicators[1].history[105]: 數值 1e+308 過大" in only(found, "過大")
    assert "indicators[1].history[106]: 數值 1e-308 過小" in only(found, "過小")


def test_history_in_western_years_says_so(folder: Path, plan: Plan) -> None:
    """{2016: …, 2017: …} said 「歷年數據只能寫到 106 年」, which a clerk who wrote 2017 cannot act on."""
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{105: 98.2, 106: 98.8}", "{2016: 98.2, 2017: 98.8}"),
                    encoding="utf-8")
    found = problems(folder, plan)
    assert "indicators[1].history[2017]: 2017 是西元年；history 的年度請寫民國年，西元 2017 年請寫 106" in only(found, "2017")
    assert not any("只能寫到" in p for p in found)


def test_a_history_year_typed_short_is_refused(folder: Path, plan: Plan) -> None:
    """「6: 98.8」 for 106 drew the trend chart with every year from 6 to 107 on its axis."""
    replace_once(folder / "indicators.yaml", "{105: 98.2, 106: 98.8}", "{105: 98.2, 6: 98.8, 77: 97.0}")
    found = problems(folder, plan)
    assert ("indicators[1].history[6]: 6 年距計畫年度（107 年）超過 30 年，多半是打錯的民國年；"
            "請寫完整的民國年（如 106），早於 77 年的數據請刪除") in only(found, "history[6]")
    assert not [p for p in found if "history[77]" in p]  # 30 years before is still a year


def test_figures_at_the_bounds_still_compile(folder: Path, plan: Plan) -> None:
    """The largest and smallest figures accepted go through the exact arithmetic and rounding."""
    from conftest import compiled

    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8").replace("{105: 5230, 106: 6870}", "{105: 0.000001, 106: 1000000000000}")
    path.write_text(text, encoding="utf-8")
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 1, denominator: 1e12}"))
    assert compiled(folder, plan).indicators


def test_thousands_separators_are_named(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 8,547, denominator: 12,345,678}"))
    found = problems(folder, plan)
    assert len(found) == 2, found
    assert found[0].endswith(
        "第一分局.yaml:9:33: results[0].indicators.on_time_rate.numerator: "
        "數字請勿加千分位逗號：「8,547」請寫成 8547（逗號在 { } 中是分隔符號）"
    )
    assert "denominator: 數字請勿加千分位逗號：「12,345,678」請寫成 12345678" in found[1]
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 95, denominator: '1,000'}"))
    assert "數字請勿加千分位逗號，請寫成 1000" in only(problems(folder, plan), "denominator")


def test_ratio_entered_as_value(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{value: 95}"))
    assert "請填 numerator" in only(problems(folder, plan), "比率指標")


def test_mean_without_base(folder: Path, plan: Plan) -> None:
    text = GOOD.replace("point: 服務及時性", "point: 服務行為的友善性").replace("服務一致及正確", "服務友善").replace(
        "on_time_rate: {numerator: 95, denominator: 100}", "phone_courtesy_score: {value: 88}"
    )
    write(folder, "第一分局.yaml", text)
    assert "須填 base（受測電話通數）" in only(problems(folder, plan), "加權平均")


def test_a_mean_whose_base_has_a_fraction(folder: Path, plan: Plan) -> None:
    """16.5 calls: the results form refuses it as a weight is a count; the YAML took it silently."""
    text = GOOD.replace("point: 服務及時性", "point: 服務行為的友善性").replace("服務一致及正確", "服務友善").replace(
        "on_time_rate: {numerator: 95, denominator: 100}", "phone_courtesy_score: {value: 88, base: 16.5}"
    )
    write(folder, "第一分局.yaml", text)
    found = only(problems(folder, plan), "base")
    assert found.endswith("results[0].indicators.phone_courtesy_score.base: 「電話禮貌測試平均成績」的 16.5 不是整數；"
                          "base（受測電話通數）是件數或人數，應為整數")


def test_growth_is_not_entered(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("on_time_rate:", "online_growth:").replace(
        "{numerator: 95, denominator: 100}", "{value: 12}"))
    assert "不必填報" in only(problems(folder, plan), "成長率")


def test_wrong_year(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("year: 107", "year: 106"))
    assert "第一分局.yaml:2:7: year:" in only(problems(folder, plan), "沿用了舊年度")


def test_gregorian_year_asks_for_the_roc_year(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("year: 107", "year: 2018"))
    found = only(problems(folder, plan), "year")
    assert found.endswith("第一分局.yaml:2:7: year: 數值 2018 超出範圍，應小於或等於 999；year 是民國年度，西元 2018 年請寫 107")


def test_unknown_unit_and_group(folder: Path, plan: Plan) -> None:
    write(folder, "第五分局.yaml", GOOD.replace("unit: 第一分局", "unit: 第五分局"))
    write(folder, "各分局.yaml", GOOD.replace("unit: 第一分局", "unit: 各分局"))
    found = problems(folder, plan)
    fifth = only(found, "第五分局")  # no fifth precinct: the ones there are, not one of them as a typo
    assert "現有的是「第一分局」「第二分局」「第三分局」「第四分局」" in fifth and "是不是" not in fifth
    group = only(found, "各分局.yaml")
    assert "填報單位須為單一單位，不可寫群組" in group and "是不是" not in group


def test_file_name_differs_from_unit_warns(folder: Path, plan: Plan) -> None:
    write(folder, "first.yaml", GOOD)
    _, warnings = load_results(folder, plan)
    assert "建議命名為 第一分局.yaml" in str(warnings[0])


def test_evidence_entry_out_of_range(folder: Path, plan: Plan) -> None:
    text = GOOD + "    evidence:\n      - title: 時效統計表\n        supports: [2, 3]\n"
    write(folder, "第一分局.yaml", text)
    found = only(problems(folder, plan), "沒有第 3 項")
    assert "第一分局.yaml:12:23: results[0].evidence[0].supports[1]:" in found
    assert "只有 2 項檢核事項" in found


def test_evidence_dated_outside_the_period_gives_the_period(folder: Path, plan: Plan) -> None:
    """A date just outside the period (a plan of 3 月 1 日 to 12 月 31 日, say) is told with the period,
    which 「不在 107 年度計畫期程內」 did not give."""
    text = GOOD + "    evidence:\n      - title: 時效統計表\n        date: 108-01-02\n"
    write(folder, "第一分局.yaml", text)
    found = only(problems(folder, plan), "日期 108 年 1 月 2 日")
    assert "results[0].evidence[0].date: 警告：日期 108 年 1 月 2 日 晚於計畫期程（107 年 1 月 1 日至 107 年 12 月 31 日）；" in found


def test_the_same_evidence_listed_twice_is_warned(folder: Path, plan: Plan) -> None:
    """A row pasted twice in the form went into the report twice, without a word."""
    one = "      - title: 時效統計表\n        date: 107-06-02\n        supports: [1]\n"
    path = write(folder, "第一分局.yaml", GOOD + "    evidence:\n" + one + one)
    found = only(problems(folder, plan), "完全相同")
    assert "第一分局.yaml:14:9: results[0].evidence[1]: 警告：佐證資料「時效統計表」與此評核重點的第 1 項完全相同" in found
    assert "請刪除重複的一項" in found
    path.write_text(GOOD + "    evidence:\n" + one + one.replace("[1]", "[2]"), encoding="utf-8")
    assert not [p for p in problems(folder, plan) if "完全相同" in p]


def test_evidence_checklist_point_suggests(folder: Path, plan: Plan) -> None:
    text = GOOD + "    evidence:\n      - title: 抽查紀錄\n        checklist: {point: 其它服務作法}\n        supports: [1]\n"
    write(folder, "第一分局.yaml", text)
    assert "是不是「其他服務作法」" in only(problems(folder, plan), "沒有評核重點「其它服務作法」")


@pytest.mark.parametrize(("dimension", "item", "fix"), [
    ("服務遞送", "服務可近性", "請把 item 改為「服務便捷」"),  # moved to another 評核項目
    ("基礎服務", "服務友善", "請把 dimension 改為「服務遞送」、item 改為「服務便捷」"),  # and 構面
    ("服務遞送", "線上服務類", "請把 item 改為「服務便捷」"),  # an item the plan does not have
])
def test_result_of_a_point_the_plan_moved_says_where_it_is(
    folder: Path, plan: Plan, dimension: str, item: str, fix: str
) -> None:
    """Last year's names of a point the bureau moved: the message says where it went."""
    text = GOOD.replace("基礎服務", dimension).replace("服務一致及正確", item).replace("服務及時性", "建置單一窗口整合服務")
    write(folder, "第一分局.yaml", text)
    found = only(problems(folder, plan), "沒有評核")
    assert found.endswith(f"本局計畫已把評核重點「建置單一窗口整合服務」移到「服務遞送／服務便捷」，{fix}"), found


def test_result_of_a_point_named_in_several_items_names_none(folder: Path, plan: Plan) -> None:
    """「其他服務作法」 is in two items of 服務遞送: no guess which one was meant; both are named."""
    text = GOOD.replace("基礎服務", "服務遞送").replace("服務一致及正確", "服務成長及優化").replace("服務及時性", "其他服務作法")
    write(folder, "第一分局.yaml", text)
    assert only(problems(folder, plan), "其他服務作法").endswith(
        "沒有評核重點「其他服務作法」；附件 1 有 2 個「其他服務作法」（服務遞送／服務便捷、服務遞送／服務可近性），"
        "請把 dimension、item 改為其中之一")


def test_result_of_a_point_the_plan_deleted_says_what_to_do(folder: Path, plan: Plan) -> None:
    """A point the bureau deleted: the message said only that 附件 1 has no such point."""
    write(folder, "第一分局.yaml", GOOD.replace("服務及時性", "已停辦的服務措施"))
    assert only(problems(folder, plan), "已停辦的服務措施").endswith(
        "沒有評核重點「已停辦的服務措施」；本局計畫可能已刪除此評核重點：請把成果移到本單位仍負責的評核重點下，或刪除此項")


def test_evidence_file_outside_folder_and_missing(folder: Path, plan: Plan) -> None:
    text = GOOD + (
        "    evidence:\n      - title: 照片\n        kind: 照片\n        file: ../../secret.png\n"
        "      - title: 照片二\n        kind: 照片\n        file: evidence/none.png\n"
    )
    write(folder, "第一分局.yaml", text)
    found = problems(folder, plan)
    assert "第一分局.yaml:13:15:" in only(found, "須為 results 資料夾內檔案的相對路徑")
    assert "警告：找不到檔案「evidence/none.png」" in only(found, "none.png")


def test_evidence_linked_to_a_file_outside_the_results_folder_is_warned(folder: Path, plan: Plan, tmp_path: Path) -> None:
    """A symbolic link under evidence/ to a picture anywhere on the machine went into the report unsaid."""
    from PIL import Image

    outside = tmp_path / "elsewhere" / "秘密.png"
    outside.parent.mkdir()
    Image.new("RGB", (40, 30), "white").save(outside)
    (folder / "results" / "evidence").mkdir()
    (folder / "results" / "evidence" / "inside.png").symlink_to(outside)
    shutil.copy(outside, folder / "results" / "evidence" / "copy.png")
    (folder / "results" / "evidence" / "alias.png").symlink_to("copy.png")  # a link inside is fine
    write(folder, "第一分局.yaml", GOOD + "    evidence:\n" + "".join(
        f"      - title: 照片{n}\n        kind: 照片\n        file: evidence/{name}\n"
        for n, name in enumerate(["inside.png", "copy.png", "alias.png"], 1)
    ))
    assert only(problems(folder, plan), "連結").endswith(
        f"第一分局.yaml:13:15: results[0].evidence[0].file: 警告：檔案「evidence/inside.png」是連結，指向 results 資料夾以外的 "
        f"{display_name(outside)}，報告會放入該檔案；請確認這是要放的佐證資料，並把檔案本身複製到 results 資料夾內（取代連結）"
    )


@pytest.mark.parametrize("url", ["https://", "http:///klpd/news", "https:// www.klpd.gov.tw/news"])
def test_a_web_address_without_its_site_is_refused(folder: Path, plan: Plan, url: str) -> None:
    """「https://」 alone went into the report as the evidence's place, a link to nowhere."""
    write(folder, "第一分局.yaml", GOOD + f"    evidence:\n      - title: 網頁\n        kind: 網頁\n        file: {url}\n")
    found = only(problems(folder, plan), "網址")
    assert f"第一分局.yaml:13:15: results[0].evidence[0].file: 網址「{url}」沒有完整的網站名稱" in found
    write(folder, "第一分局.yaml", GOOD + "    evidence:\n      - title: 網頁\n        kind: 網頁\n"
          "        file: https://www.klpd.gov.tw/news?id=1#top\n")
    assert problems(folder, plan) == []


@pytest.mark.parametrize(("file", "why"), [("evidence/" + "長" * 100 + ".png", "名稱超過檔案系統的長度上限；請縮短檔名或資料夾名稱"),
                                         ("evidence", "是資料夾，不是檔案")])
def test_evidence_that_is_no_file_is_a_warning_at_its_line(folder: Path, plan: Plan, file: str, why: str) -> None:
    """A name too long for the file system ended validate, build and export in 「錯誤：無法寫入或讀取
    …：名稱超過檔案系統的長度上限；請用 -o 指定其他位置」, with no file or line, and stopped the run."""
    (folder / "results" / "evidence").mkdir(exist_ok=True)
    write(folder, "第一分局.yaml", GOOD + f"    evidence:\n      - title: 照片\n        kind: 照片\n        file: {file}\n")
    assert f"第一分局.yaml:13:15: results[0].evidence[0].file: 警告：檔案「{file}」（相對於" in only(problems(folder, plan), why)


@pytest.mark.parametrize("file", [".", "./", ".\\"])
def test_evidence_file_naming_the_folder_itself_is_told_where(folder: Path, plan: Plan, file: str) -> None:
    """「.」 names the results folder, no file in it: an IndexError (exit 70) in every command."""
    write(folder, "第一分局.yaml", GOOD + f"    evidence:\n      - title: 照片\n        kind: 照片\n        file: '{file}'\n")
    assert "第一分局.yaml:13:15:" in only(problems(folder, plan), "須為 results 資料夾內檔案的相對路徑")


def test_an_invisible_character_in_a_text_of_several_lines_is_told_on_one_line(folder: Path, plan: Plan) -> None:
    """A 執行成果 pasted from Word as a literal block, a soft hyphen in it: the message quoted its
    lines, tab and all, and ran over three lines of its own."""
    outcome = "    outcome: |\n      一、辦理情形：\n      \t1.　全年受理申辦案件 100 件，\n      時限內完成 95 件，逾時均已檢\u00ad討。\n"
    write(folder, "第一分局.yaml", GOOD.replace("    outcome: 全年受理申辦案件 100 件，時限內完成 95 件。\n", outcome))
    found = only(problems(folder, plan), "軟連字號")
    assert "\n" not in found and "\t" not in found
    assert "文字在「95 件，逾時均已檢」之後（第 45 個字）有看不見的字元 U+00AD（軟連字號）" in found
    assert found.endswith("刪除後即為「一、辦理情形： 1.　全年受理申辦案件 100 件， 時限內…」")


def test_a_webp_photo_is_one_the_report_holds(folder: Path, plan: Plan) -> None:
    from PIL import Image

    (folder / "results" / "evidence").mkdir()
    Image.new("RGB", (40, 30), "white").save(folder / "results" / "evidence" / "櫃檯.webp", format="WEBP")
    text = GOOD + "    evidence:\n      - title: 櫃檯照片\n        kind: 照片\n        file: evidence/櫃檯.webp\n"
    write(folder, "第一分局.yaml", text)
    _, warnings = load_results(folder, plan)
    assert warnings == []


def test_photo_that_a_report_cannot_hold_warns(folder: Path, plan: Plan) -> None:
    (folder / "results" / "evidence").mkdir()
    (folder / "results" / "evidence" / "櫃檯.heic").write_bytes(b"heic")
    text = GOOD + "    evidence:\n      - title: 櫃檯照片\n        kind: 照片\n        file: evidence/櫃檯.heic\n"
    write(folder, "第一分局.yaml", text)
    _, warnings = load_results(folder, plan)
    assert [w.line for w in warnings] == [13] and "不是 PNG、JPEG 或 WebP" in warnings[0].message


def _image(path: Path, size: tuple[int, int], fmt: str) -> None:
    from PIL import Image

    Image.new("1", size).save(path, format=fmt)


def _noise_jpeg(path: Path) -> None:
    """A photo-like JPEG (noise does not compress away), checked at a reduced decode size."""
    from PIL import Image

    Image.effect_noise((800, 600), 60).convert("RGB").save(path, format="JPEG")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "無法開啟（檔案損毀、不完整或不是圖片）"),
        (lambda p: p.write_text("不是圖片", encoding="utf-8"), "無法開啟（檔案損毀、不完整或不是圖片）"),
        (lambda p: (_image(p, (400, 300), "PNG"), p.write_bytes(p.read_bytes()[:-40])), "無法開啟（檔案損毀、不完整或不是圖片）"),
        (lambda p: (_noise_jpeg(p), p.write_bytes(p.read_bytes()[:-2000])), "無法開啟（檔案損毀、不完整或不是圖片）"),
        (lambda p: _image(p, (20000, 10000), "PNG"), "太大"),  # Pillow refuses it outright
        (lambda p: _image(p, (12000, 8000), "PNG"), "太大（12000×8000 像素）"),  # Pillow warns
    ],
)
def test_photo_that_does_not_open_as_a_sane_image_is_an_error(folder: Path, plan: Plan, make, message: str) -> None:
    (folder / "results" / "evidence").mkdir()
    make(folder / "results" / "evidence" / "櫃檯.png")
    evidence = "    evidence:\n      - {title: 服務櫃檯照片, kind: 照片, file: evidence/櫃檯.png}\n"
    write(folder, "第一分局.yaml", GOOD.replace("    indicators:\n", evidence + "    indicators:\n"))
    with pytest.raises(LoadError) as info:
        load_results(folder, plan)
    [problem] = [str(d) for d in info.value.diagnostics]
    assert "第一分局.yaml:9:41: results[0].evidence[0].file: 照片「evidence/櫃檯.png」" + message in problem


def test_photo_in_another_format_warns(folder: Path, plan: Plan) -> None:
    (folder / "results" / "evidence").mkdir()
    _image(folder / "results" / "evidence" / "櫃檯.png", (40, 30), "GIF")
    evidence = "    evidence:\n      - {title: 服務櫃檯照片, kind: 照片, file: evidence/櫃檯.png}\n"
    write(folder, "第一分局.yaml", GOOD.replace("    indicators:\n", evidence + "    indicators:\n"))
    _, warnings = load_results(folder, plan)
    assert "警告：照片「evidence/櫃檯.png」的內容不是 PNG、JPEG 或 WebP 圖檔（GIF）" in only([str(w) for w in warnings], "照片")


def test_a_phone_jpeg_with_a_gain_map_is_a_jpeg(folder: Path, plan: Plan) -> None:
    """iPhones and many Android phones add an HDR gain map or depth map after the photo (an MP
    extension), which Pillow calls MPO: such a .jpg was warned 「內容不是 PNG 或 JPEG 圖檔（MPO）」
    and left out of the report."""
    from PIL import Image

    (folder / "results" / "evidence").mkdir()
    path = folder / "results" / "evidence" / "IMG_0413.jpg"
    Image.new("RGB", (400, 300), "red").save(path, format="MPO", save_all=True, append_images=[Image.new("L", (100, 75))])
    evidence = "    evidence:\n      - {title: 服務櫃檯照片, kind: 照片, file: evidence/IMG_0413.jpg}\n"
    write(folder, "第一分局.yaml", GOOD.replace("    indicators:\n", evidence + "    indicators:\n"))
    _, warnings = load_results(folder, plan)
    assert [str(w) for w in warnings if "照片" in w.message] == []


def test_an_iphone_heic_photo_is_told_how_to_get_a_jpeg(folder: Path, plan: Plan) -> None:
    """An iPhone saves HEIC by default; 「請轉存為 .jpg」 alone left a clerk asking how."""
    (folder / "results" / "evidence").mkdir()
    (folder / "results" / "evidence" / "IMG_0412.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic")
    evidence = "    evidence:\n      - {title: 服務櫃檯照片, kind: 照片, file: evidence/IMG_0412.HEIC}\n"
    write(folder, "第一分局.yaml", GOOD.replace("    indicators:\n", evidence + "    indicators:\n"))
    _, warnings = load_results(folder, plan)
    found = only([str(w) for w in warnings], "照片")
    assert "照片「evidence/IMG_0412.HEIC」不是 PNG、JPEG 或 WebP，報告無法放入；iPhone 的 HEIC 照片請轉存為 .jpg" in found
    assert "「最相容」" in found


def test_overall_dimension_is_refused(folder: Path, plan: Plan) -> None:
    text = GOOD.replace("dimension: 基礎服務", "dimension: 開放創新")
    write(folder, "第一分局.yaml", text)
    assert "整體評核構面" in only(problems(folder, plan), "沒有承辦單位")


def test_yaml_and_schema_errors_keep_positions(folder: Path, plan: Plan) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("outcome:", "outcom:"))
    found = problems(folder, plan)
    assert any("第一分局.yaml:7:5:" in p and "是不是「outcome」" in p for p in found), found


def test_indicator_definition_checks(folder: Path, plan: Plan) -> None:
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("point: 服務及時性}", "point: 服務即時性}").replace("of: online_cases", "of: online_case")
    path.write_text(text, encoding="utf-8")
    found = problems(folder, plan)
    assert "是不是「服務及時性」" in only(found, "服務即時性")
    assert "是不是「online_cases」" in only(found, "online_case」")


def test_results_without_indicators_file(folder: Path, plan: Plan) -> None:
    (folder / "indicators.yaml").unlink()
    write(folder, "第一分局.yaml", GOOD)
    assert any("indicators.yaml:1:1:" in p and "找不到檔案" in p for p in problems(folder, plan))


def test_a_broken_indicators_file_is_not_buried_under_unknown_indicators(folder: Path, plan: Plan) -> None:
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: on_time_rate", "id: On_time_rate"), encoding="utf-8")
    write(folder, "第一分局.yaml", GOOD)
    found = problems(folder, plan)
    assert not [p for p in found if "未知的指標" in p], found
    assert "indicators[1].id: 代號「On_time_rate」只能用小寫英文字母" in only(found, "代號")
    assert "警告：indicators.yaml 有錯誤，各單位成果的量化指標數據尚未檢查" in only(found, "尚未檢查")
    assert len(found) == 2


def test_a_misnamed_indicators_file_is_named(folder: Path, plan: Plan) -> None:
    (folder / "indicators.yaml").rename(folder / "indicator.yaml")
    write(folder, "第一分局.yaml", GOOD)
    found = problems(folder, plan)
    assert not [p for p in found if "未知的指標" in p], found
    # one message, not that and 「警告：indicators.yaml 不存在，各單位成果的量化指標數據尚未檢查」 besides
    missing = only(found, "找不到檔案")
    assert "「indicator.yaml」是不是 indicators.yaml 拼錯了" in missing
    assert missing.endswith("；各單位成果的量化指標數據待此檔建立後才會檢查") and not [p for p in found if "尚未檢查" in p]
    assert "indicators.yaml（寫法見 docs/data-format.md 的 indicators.yaml 一節" in missing


def test_plan_is_still_loadable(folder: Path) -> None:
    assert load_plan(folder).year == 107


def test_cli_validate_reports_results(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqdocs.cli import main

    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 0, denominator: 0}"))
    assert main(["validate", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "✓ 年度成果：1／25 個單位已填報" in out and "尚未填報：第二分局 14 個評核重點" in out
    assert "第一分局.yaml:9:49:" in err and "警告：" in err
    write(folder, "第一分局.yaml", GOOD.replace("numerator: 95", "numerator: 105"))
    assert main(["validate", str(folder)]) == 2
    assert "大於分母" in capsys.readouterr().err


def test_counts_are_whole_numbers_and_history_is_not_negative(folder: Path, plan: Plan) -> None:
    """2.4 件 in three units printed 2 件 each and a total of 7 件; -742 件 printed as history."""
    write(folder, "第一分局.yaml", GOOD.replace("{numerator: 95, denominator: 100}", "{numerator: 95.5, denominator: 100}"))
    assert "numerator: 「處理時限內完成比率」的 95.5 不是整數；numerator（處理時限內完成件數）是件數，應為整數" in only(
        problems(folder, plan), "不是整數")
    path = folder / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{105: 5230, 106: 6870}", "{105: -5230, 106: 6870}"),
                    encoding="utf-8")
    write(folder, "第一分局.yaml", GOOD)
    assert "history[105]: 「線上申辦件數」105 年為負數 -5230；只有成長率可以小於 0" in only(problems(folder, plan), "負數")


# ---- a figure left out of a file that was handed in ---------------------------------------


def test_a_figure_its_group_entered_left_out_warns_at_the_units_result(data_copy: Path, plan: Plan) -> None:
    """第一分局 forgot sop_rate, which the other 分局 (its 各分局 of the point) entered. The sample's
    units named on their own that have no such figure (資訊科 reports on 服務及時性 without
    on_time_rate) are not warned: this is the only warning."""
    path = left_out(data_copy, "第一分局", SOP_RATE_OF_FIRST)
    _, warnings = load_results(data_copy, plan)
    [w] = warnings
    line = path.read_text(encoding="utf-8").splitlines().index("    point: 申辦業務標準作業流程訂定情形") - 1
    assert (w.file, w.line, w.column, w.path, w.severity) == (display_name(path), line, 5, "results[0]", "warning")
    assert w.message == (
        "「第一分局」未填報指標「訂定標準作業流程比率」（sop_rate）：同屬「各分局」的第二分局、第三分局、第四分局已填報，"
        "本單位未列入全局比率，報告中的比率將標「*」、不與上年比較；請在評核重點「申辦業務標準作業流程訂定情形」的 indicators 下加上 "
        "sop_rate: {numerator: …, denominator: …}（分子：已訂定標準作業流程之業務項目數；分母：民眾申辦業務項目總數）"
        f"（以執行成果表單填報的單位：在表單「{INDICATOR_SHEET}」工作表填寫「訂定標準作業流程比率」一列後重新匯入）"
    )


def test_a_point_left_out_warns_of_its_figures_at_the_file(data_copy: Path, plan: Plan) -> None:
    path = data_copy / "results" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - dimension: 服務遞送\n    item: 服務便捷\n    point: 開發線上申辦或跨平臺通用服務\n")
    path.write_text(text[:start] + text[text.index("  - dimension:", start + 1):], encoding="utf-8")
    _, warnings = load_results(data_copy, plan)
    assert [(w.line, w.column, w.path) for w in warnings] == [(4, 1, "")] * 3  # the file: its first line of data
    assert [w.message.split("：")[0] for w in warnings] == [
        "「第一分局」未填報指標「可線上申辦業務項目比率」（online_service_rate）",
        "「第一分局」未填報指標「線上申辦件數」（online_cases）",
        "「第一分局」未填報指標「線上申辦使用率」（online_usage_rate）",
    ]
    cases = warnings[1].message
    assert "全局合計少了本單位，報告中的合計將標「*」、不與上年比較" in cases
    assert cases.endswith("本檔沒有評核重點「開發線上申辦或跨平臺通用服務」（服務遞送／服務便捷）的成果；"
                          "請加上這一筆，並在其 indicators 下加上 online_cases: {value: …}（確實為 0 也請填 0）"
                          "（以執行成果表單填報的單位：在表單「量化指標」工作表填寫「線上申辦件數」一列後重新匯入）")


def test_units_a_group_of_all_units_assigns_are_peers_of_each_other(data_copy: Path, plan: Plan) -> None:
    """[各分局, 各單位]: 各單位 stands for the 21 units that are not 分局."""
    left_out(data_copy, "資訊科", "      proposals: {value: 4}\n")
    _, warnings = load_results(data_copy, plan)
    [w] = warnings
    assert w.message.startswith("「資訊科」未填報指標「創新提案件數」（proposals）：同屬「各單位」的行政科、保安科等 20 個單位已填報")


def test_a_figure_a_few_of_all_units_hold_is_theirs_not_everyone_s(data_copy: Path, plan: Plan) -> None:
    """各單位 is every unit, not units alike: when only a few of them enter a figure, the others
    were not asked for it. Before, each of them was warned, and a sum was marked incomplete."""
    import re

    from sqdocs.report import compile_report

    keep = {"資訊科", "行政科"}
    for path in (data_copy / "results").glob("*.yaml"):
        if path.stem not in keep and path.stem not in {"第一分局", "第二分局", "第三分局", "第四分局"}:
            path.write_text(re.sub(r"\n      proposals: \{value: \d+\}", "", path.read_text(encoding="utf-8")),
                            encoding="utf-8")
    results, warnings = load_results(data_copy, plan)
    assert not [w for w in warnings if "proposals" in w.message], warnings
    figure = next(f for f in compile_report(plan, results).indicators if f.id == "proposals")
    assert figure.partial_units == []


def test_cli_validate_and_build_print_a_left_out_figure(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqdocs.cli import main

    path = left_out(data_copy, "第一分局", ONLINE_CASES_OF_FIRST)
    line = path.read_text(encoding="utf-8").splitlines().index("    point: 開發線上申辦或跨平臺通用服務") - 1
    where = f"{display_name(path)}:{line}:5: results[7]: 警告：「第一分局」未填報指標「線上申辦件數」（online_cases）"
    assert main(["validate", str(data_copy)]) == 0
    out, err = capsys.readouterr()
    assert where in err and "✓ 年度成果：25／25 個單位已填報、22 項指標、1 個警告" in out
    assert main(["build", str(data_copy), "--only", "report", "--format", "docx", "-o", str(tmp_path / "out")]) == 0
    assert where in capsys.readouterr().err


def test_a_point_moved_to_another_item_keeps_its_checklist_counterpart(data_copy, capsys) -> None:
    """The bureau moved 專人全程服務 from 服務可近性 to 服務便捷 in its 附件 1; 附件 2, the Agency's
    form, still has it under 服務可近性. Its evidence had no counterpart: a warning for every
    result, and the checklist lost the marks it earned."""
    from sqdocs.cli import main
    from sqdocs.model.results import counterpart

    moved_point(data_copy)
    plan = load_plan(data_copy)
    moved = next(ref for ref in plan.points() if ref.point.name == "專人全程服務")
    assert moved.item.name == "服務便捷"
    found = counterpart(plan, moved)
    assert found is not None and found.key == ("服務遞送", "服務可近性", "專人全程服務")
    assert main(["validate", str(data_copy)]) == 0
    assert "專人全程服務" not in capsys.readouterr().err


def test_hidden_files_in_results_are_not_a_unit_s(folder: Path, plan: Plan) -> None:
    # macOS leaves 「._第一分局.yaml」 beside each file it copies to a shared drive or zips;
    # an editor's lock file is hidden too. subplans/ passes them over, and so does results/.
    write(folder, "第一分局.yaml", GOOD)
    (folder / "results" / "._第一分局.yaml").write_bytes(b"\0\5\26\7\0\2\0\0Mac OS X")
    (folder / "results" / ".#第二分局.yaml").write_text("unit: 第二分局\n", encoding="utf-8")
    results, warnings = load_results(folder, plan)
    assert warnings == [] and list(results.submissions) == ["第一分局"]
    (folder / "results" / "第一分局.yaml").unlink()
    assert not submitted(folder)


def test_a_precinct_written_with_figures_is_suggested_by_its_number(data_copy, capsys) -> None:
    """「第1分局」 is as like 「第四分局」 as 「第一分局」 letter by letter: the hint must follow the number."""
    from sqdocs.cli import main

    for n, name in enumerate(["第一分局", "第二分局", "第三分局"], 1):
        path = data_copy / "results" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"unit: {name}", f"unit: 第{'１' if n == 1 else n}分局", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "未知的單位「第１分局」，是不是「第一分局」？" in err
    assert "未知的單位「第2分局」，是不是「第二分局」？" in err
    assert "未知的單位「第3分局」，是不是「第三分局」？" in err


def test_a_precinct_number_no_unit_has_is_told_the_numbers_there_are(data_copy, capsys) -> None:
    """「第5分局」 of a bureau with four is no typo of 「第四分局」, nor of the group 「各分局」:
    a clerk who took such a hint would file a unit's results under another's."""
    from sqdocs.cli import main

    path = data_copy / "results" / "第四分局.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit: 第四分局", "unit: 第5分局", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "未知的單位「第5分局」，現有的是「第一分局」「第二分局」「第三分局」「第四分局」" in err
    assert "是不是" not in err


def test_a_results_file_one_folder_too_deep_is_named_not_silently_skipped(data_copy, capsys) -> None:
    from sqdocs.cli import main

    (data_copy / "results" / "sub").mkdir()
    (data_copy / "results" / "秘書科.yaml").rename(data_copy / "results" / "sub" / "秘書科.yaml")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0  # a warning: the unit counts as not handed in
    err = capsys.readouterr().err
    assert f"{data_copy / 'results' / 'sub' / '秘書科.yaml'}:1:1: 警告：成果檔須直接放在 results/ 中，子資料夾中的檔案不會讀取" in err


def test_an_indicator_no_responsible_unit_entered_is_warned_at_its_definition(data_copy: Path, plan: Plan) -> None:
    """Every unit of its point handed in the point without the figure: the report would print 「—」
    for the year, and validate said 0 個警告."""
    left_out(data_copy, "公關科", "    indicators:\n      staff_satisfaction: {value: 87.6, base: 518}\n")
    found = only(problems(data_copy, plan), "staff_satisfaction")
    assert "indicators.yaml:204:5: indicators[18]: 警告：沒有任何單位填報指標「內部同仁滿意度」（staff_satisfaction）" in found
    assert "staff_satisfaction: {value: …, base: …}（base：有效問卷數）" in found
    assert "107 年將為「—」（無填報數據）" in found


def test_an_indicator_nobody_entered_yet_is_not_warned_while_units_may_still_send_it(
    data_copy: Path, plan: Plan
) -> None:
    left_out(data_copy, "公關科", "    indicators:\n      staff_satisfaction: {value: 87.6, base: 518}\n")
    (data_copy / "results" / "第四分局.yaml").unlink()  # 第四分局 shares 定期進行滿意度調查: its file may yet hold it
    assert not [p for p in problems(data_copy, plan) if "staff_satisfaction" in p]


def test_a_trend_chart_title_naming_other_years_than_its_axis_is_warned(data_copy, capsys) -> None:
    """The title 「（105–107 年）」 is typed; a history year added by hand put 104 on the axis under it."""
    from sqdocs.cli import main

    replace_once(data_copy / "indicators.yaml", "history: {105: 88.1, 106: 89.6}", "history: {104: 86.0, 105: 88.1, 106: 89.6}")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert ("警告：圖表標題寫「105–107 年」，圖中的年度卻是 104 至 107 年（依各指標的 history 與本年度成果）；"
            "請把標題改為「服務品質滿意度調查趨勢（104–107 年）」") in err
    assert err.count("圖表標題寫") == 1  # the other trend chart's years are what its title says
    assert main(["build", str(data_copy), "-o", str(data_copy / "out"), "--only", "report", "--format", "docx"]) == 0
    assert "圖表標題寫「105–107 年」" in capsys.readouterr().err


def test_a_units_chart_title_naming_another_year_is_warned(data_copy, capsys) -> None:
    """「各單位申辦案件處理時限內完成比率（107 年）」 stood over 108's figures year after year: rollover
    moved 「107 年度」 and spans, not a year on its own, and validate looked at trend charts only."""
    from sqdocs.cli import main

    title = "各單位申辦案件處理時限內完成比率（107 年）"
    replace_once(data_copy / "indicators.yaml", f"title: {title}", f"title: {title.replace('107', '106')}")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert f"charts[2].title: 警告：圖表標題寫「106 年」，圖中卻是 107 年各單位的數值；請把標題改為「{title}」" in err
    assert err.count("圖表標題寫") == 1


def test_the_sample_chart_titles_name_their_years(capsys) -> None:
    from sqdocs.cli import main

    assert main(["validate", str(SAMPLE)]) == 0
    assert "圖表標題" not in capsys.readouterr().err


def test_a_trend_chart_title_naming_this_year_is_not_warned_before_its_figures_are_in(data_copy, capsys) -> None:
    """Before any unit's figures are in (a folder just rolled over, units still reporting) the
    axis ended at last year, so the title 「（105–107 年）」, which names the year the report will
    draw, was warned with 「請把標題改為（105–106 年）」, the opposite of what rollover writes; the
    axis now runs to this year, left as a gap."""
    from sqdocs.cli import main

    for path in (data_copy / "results").glob("*.yaml"):
        path.unlink()
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert "圖表標題" not in err
    path = data_copy / "indicators.yaml"  # a history year added by hand is still warned
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("history: {105: 88.1, 106: 89.6}", "history: {104: 86.0, 105: 88.1, 106: 89.6}"),
                    encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0
    assert "請把標題改為「服務品質滿意度調查趨勢（104–107 年）」" in capsys.readouterr().err


def test_a_chart_of_more_indicators_than_markers_is_refused(folder: Path, plan: Plan) -> None:
    """A 13th line or dot would repeat the 1st's marker: on a black-and-white copy the two could not
    be told apart. Twelve are drawn; thirteen are an error at the 13th, saying to split the chart."""
    path = folder / "indicators.yaml"
    ids = ["satisfaction_environment", "satisfaction_courtesy", "satisfaction_professional", "satisfaction_measures"]
    # The sample's twelve % indicators, and a thirteenth: a copy of sop_rate under another id and name.
    twelve = [*ids, "sop_rate", "on_time_rate", "professional_test_pass_rate", "online_service_rate",
              "online_usage_rate", "adoption_rate", "staff_satisfaction", "complaint_satisfaction"]
    text = path.read_text(encoding="utf-8")
    sop = text[text.index("  - id: sop_rate\n"):text.index("  - id: on_time_rate\n")]
    text = text.replace(f"indicators: [{', '.join(ids)}]", f"indicators: [{', '.join(twelve)}]")
    text = text.replace("charts:\n", sop.replace("sop_rate", "sop_rate_copy").replace("比率", "比率（副本）") + "charts:\n")
    path.write_text(text, encoding="utf-8")
    assert not [p for p in problems(folder, plan) if "最多" in p or "重複" in p]
    path.write_text(text.replace(f"{', '.join(twelve)}]", f"{', '.join(twelve)}, sop_rate_copy]"), encoding="utf-8")
    found = only(problems(folder, plan), "最多")
    assert "indicators.yaml:" in found and "charts[0].indicators[12]" in found
    assert "一張圖最多 12 項指標，「服務品質滿意度調查趨勢（105–107 年）」有 13 項" in found and "分成兩張" in found


def test_an_indicator_listed_twice_in_a_chart_is_refused(folder: Path, plan: Plan) -> None:
    """Listed twice, an indicator was drawn twice: one line under two markers and two legend entries."""
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    line = "indicators: [online_service_rate, online_usage_rate]"
    assert line in text
    path.write_text(text.replace(line, "indicators: [online_service_rate, online_usage_rate, online_service_rate]"),
                    encoding="utf-8")
    found = only(problems(folder, plan), "重複")
    assert "indicators.yaml:" in found and "charts[1].indicators[2]" in found
    assert "的第 3 項指標「online_service_rate」與第 1 項重複" in found and "請刪除重複的一項" in found


def test_cli_validate_says_the_figures_are_marked_as_sample_data(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ✓ alone read as ready to send while the report would still say its figures are not real."""
    from sqdocs.cli import main

    note = "注意：indicators.yaml 標為範例資料（sample: true），績效報告的標題下會註明「本報告數據為範例資料，非真實統計」"
    assert main(["validate", str(data_copy)]) == 0
    assert note in capsys.readouterr().out
    path = data_copy / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    line = "sample: true  # 範例資料：報告標題下註明「本報告數據為範例資料，非真實統計」\n"
    assert text.count(line) == 1
    path.write_text(text.replace(line, ""), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0
    assert "範例資料" not in capsys.readouterr().out


def test_a_results_file_with_its_extension_in_capitals_is_read(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """秘書科.YAML was passed over, and validate said 秘書科 had handed nothing in."""
    from sqdocs.cli import main

    shutil.move(data_copy / "results" / "秘書科.yaml", data_copy / "results" / "秘書科.YAML")
    assert main(["validate", str(data_copy)]) == 0
    assert "✓ 年度成果：25／25 個單位已填報" in capsys.readouterr().out


@pytest.mark.parametrize(("typed", "said"), [
    ("5:24", "on_time_rate.numerator: 應為數字，實際是文字「5:24」"),  # YAML 1.1: 5×60+24 = 324, taken without a word
    ("0b101", "on_time_rate.numerator: 應為數字，實際是文字「0b101」"),
])
def test_a_number_only_yaml_1_1_reads_is_no_number(folder: Path, plan: Plan, typed: str, said: str) -> None:
    write(folder, "第一分局.yaml", GOOD.replace("numerator: 95", f"numerator: {typed}"))
    assert said in only(problems(folder, plan), said)


@pytest.mark.parametrize(("old", "new", "said"), [
    # pydantic gives such a key as Python's repr: the path named datetime.date(2017, 1, 1), and the
    # line was the mapping's, not the key's
    ("106: 93.5", "2017-01-01: 93.5", "indicators.yaml:17:26: indicators[0].history[2017-01-01]: 應為整數，實際是日期"),
    ("106: 93.5", "null: 93.5", "indicators.yaml:17:26: indicators[0].history[null]: 應為整數，實際是空值"),
    ("106: 93.5", "yes: 93.5", "indicators.yaml:17:26: indicators[0].history[true]: 應為整數，實際是是非值 true"),
    # a choice: 「True」, 「None」 and 「{'a': 1}」 were Python's words for what YAML read
    ("kind: ratio\n    numerator: 已訂定", "kind: yes\n    numerator: 已訂定",
     "indicators[0].kind: 應為「ratio」或「value」或「growth」，實際是是非值 true（YAML 把 yes、no、on、off 讀成 true、false）"),
    ("kind: ratio\n    numerator: 已訂定", "kind:\n    numerator: 已訂定",
     "indicators[0].kind: 應為「ratio」或「value」或「growth」，實際是空值"),
    ("kind: ratio\n    numerator: 已訂定", "kind: {a: 1}\n    numerator: 已訂定",
     "indicators[0].kind: 應為「ratio」或「value」或「growth」，實際是欄位對照"),
    ("kind: ratio\n    numerator: 已訂定", "kind: 'ratio '\n    numerator: 已訂定", "indicators[0].kind: 「ratio 」的前後多了空白；請寫成「ratio」"),
])
def test_values_yaml_reads_as_no_text_are_named_as_typed(folder: Path, plan: Plan, old: str, new: str, said: str) -> None:
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert said in only(problems(folder, plan), said.split(": ", 1)[-1] if ".yaml:" in said else said)


def test_a_list_for_a_text_is_not_told_to_add_quotes(folder: Path, plan: Plan) -> None:
    """Quotes make a number or a date a text; 「請加雙引號」 told a list to do what cannot help it."""
    write(folder, "第一分局.yaml", GOOD.replace("unit: 第一分局", "unit: [第一分局]"))
    assert only(problems(folder, plan), "unit:").endswith("unit: 應為文字，實際是清單")


def test_a_long_value_is_quoted_by_its_start(folder: Path, plan: Plan) -> None:
    """A text pasted into a name was quoted whole: hundreds of lines before what to do about it."""
    write(folder, "第一分局.yaml", GOOD.replace("item: 服務一致及正確", "item: " + "服務一致" * 2000))
    found = only(problems(folder, plan), "評核項目")
    assert len(found) < 600 and "服務一致" * 15 + "…」（共 8000 個字）" in found


@pytest.mark.parametrize("again", ['"106"', "'106 '", "0106"])
def test_a_history_year_written_twice_in_two_spellings_is_refused(folder: Path, plan: Plan, again: str) -> None:
    """106 and "106" are two keys to YAML and one year to the model, which kept the later figure silently."""
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("history: {105: 90.2, 106: 93.5}", f"history: {{105: 90.2, 106: 93.5, {again}: 50}}"),
                    encoding="utf-8")
    assert "indicators.yaml:17:37: 欄位「" in only(problems(folder, plan), "重複（第 17 行已出現）；請刪除其中一個")


def test_results_saved_as_text_beside_the_unit_s_file_are_not_to_be_renamed_over_it(data_copy, capsys):
    """The unit has handed in (秘書科.yaml): renaming the .txt copy onto it would replace it."""
    results = data_copy / "results"
    shutil.copy(results / "秘書科.yaml", results / "秘書科.yaml.txt")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "秘書科.yaml.txt:1:1: 成果檔的檔名須為「單位.yaml」；同一資料夾已有 秘書科.yaml：" in err
    assert "未填報" not in err.split("秘書科.yaml.txt:1:1:")[1].splitlines()[0]


def test_a_text_of_a_whole_pasted_file_is_refused_at_its_line(folder: Path, plan: Plan) -> None:
    """An outcome of 11 million characters passed validate, then broke the Word build with a
    message blaming the template (libxml2 cuts a text node past 10 MB); 100,000 is the limit."""
    at_limit = "成" * MAX_TEXT_CHARS
    write(folder, "第一分局.yaml", GOOD.replace("全年受理申辦案件 100 件，時限內完成 95 件。", at_limit))
    assert problems(folder, plan) == []
    write(folder, "第一分局.yaml", GOOD.replace("全年受理申辦案件 100 件，時限內完成 95 件。", at_limit + "果"))
    assert only(problems(folder, plan), "outcome").endswith(
        f"第一分局.yaml:7:14: results[0].outcome: 文字長達 100,001 字，超過一欄的上限 100,000 字（開頭是「{'成' * 20}…」）；"
        "多半是貼上時帶入了整份檔案，請只留下這一欄的文字，長的說明請分成數段或放在佐證資料中"
    )


def test_a_growth_rate_of_an_indicator_without_history_is_warned(data_copy, capsys) -> None:
    """A new bureau's growth rate, its base indicator new too: validate said nothing, and the report
    printed 「無法計算（106 年的「線上申辦件數」無數據）」 at the year's end."""
    from sqdocs.cli import main

    replace_once(data_copy / "indicators.yaml", "    history: {105: 5230, 106: 6870}\n", "")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    assert ("indicators[9].of: 警告：「線上申辦件數」沒有歷年數據（history），107 年的「線上申辦使用成長率」無法計算"
            "（成長率由 106 年與 107 年的「線上申辦件數」計算）；若有 106 年的全局數據，請在「線上申辦件數」的 history 加上「106: 數值」"
            ) in capsys.readouterr().err
    main(["validate", str(SAMPLE)])
    assert "沒有歷年數據" not in capsys.readouterr().err


def test_an_annex1_point_without_an_annex2_counterpart_is_warned(data_copy, capsys) -> None:
    """A point added to 附件 1 only: validate passed, and a unit's results citing it were refused at
    the year's end (「附件 2 沒有與「科技執法諮詢服務」對應的評核重點」)."""
    from sqdocs.cli import main

    replace_once(data_copy / "annex1.yaml", "            units: [交通隊, 外事科]\n      - name: 服務可近性\n", (
        "            units: [交通隊, 外事科]\n"
        "          - name: 科技執法諮詢服務\n            practices:\n              - 設置科技執法諮詢專線。\n"
        "            deadline: 賡續辦理\n            units: [交通隊]\n"
        "      - name: 服務可近性\n"))
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert ("annex1.yaml:114:19: dimensions[1].items[0].points[4].name: 警告：附件 2 的「服務遞送」「服務便捷」沒有與評核重點"
            "「科技執法諮詢服務」對應的評核重點；") in err
    assert err.count("對應的評核重點；") == 1


def test_a_trend_chart_of_a_single_year_is_warned(data_copy, capsys) -> None:
    """A bureau's first year in sqdocs: its trend charts drew dots over 「107 年」 and no trend, unsaid."""
    import re

    from sqdocs.cli import main

    indicators = data_copy / "indicators.yaml"
    indicators.write_text(re.sub(r"\n    history: \{[^}]*\}[^\n]*", "", indicators.read_text(encoding="utf-8")), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert err.count("警告：歷年趨勢圖只有 107 年一個年度的數據，圖中只有單點、看不出趨勢；") == 2  # the two trend charts
    assert "charts[2]" not in err  # the units chart draws the year's units, as it should


def test_a_folder_without_indicators_says_where_to_learn_to_write_them(data_copy, tmp_path, capsys) -> None:
    """The manual lets a first year define indicators.yaml later: validate said nothing of it, and
    form results then stopped at 「請先定義 indicators.yaml」 without saying how."""
    import shutil

    from sqdocs.cli import main

    (data_copy / "indicators.yaml").unlink()
    shutil.rmtree(data_copy / "results")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 0
    how = "寫法見 docs/data-format.md 的 indicators.yaml 一節，也可由範例 data/keelung-107/indicators.yaml 複製後改寫"
    assert f"注意：尚無 indicators.yaml（量化指標定義）；年底的執行成果表單與績效報告都依它列出量化指標，發成果表單前請先建立（{how}）" in (
        capsys.readouterr().out)
    assert main(["form", "results", str(data_copy), "--unit", "秘書科", "-o", str(tmp_path / "f.xlsx")]) == 2
    assert f"請先定義 indicators.yaml（{how}）" in capsys.readouterr().err
    main(["validate", str(SAMPLE)])
    assert "尚無 indicators.yaml" not in capsys.readouterr().out


def test_a_units_chart_title_s_other_numbers_and_a_second_year_are_left_alone(data_copy, capsys) -> None:
    """「服務滿 30 年」 is a span of time, not 民國 30 年; 「107 年與 106 年比較」 names the report's year."""
    from sqdocs.cli import main

    title = "各單位申辦案件處理時限內完成比率（107 年）"
    for other in ("各單位申辦案件處理時限內完成比率（服務滿 30 年）", "各單位處理時限內完成比率（107 年與 106 年比較）"):
        replace_once(data_copy / "indicators.yaml", f"title: {title}", f"title: {other}")
        title = other
        capsys.readouterr()
        assert main(["validate", str(data_copy)]) == 0
        assert "圖表標題寫" not in capsys.readouterr().err, other
