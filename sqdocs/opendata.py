"""The plan, subplans and compiled indicators as tidy tables for open data (one row per fact).

Pure functions over the model: a writer (sqdocs.writers.opendata) turns each :class:`Table`
into CSV or JSON. Personal data stays out unless asked for: the roster table has no names
by default (個資去識別化).

Every row starts with the bureau (機關) and plan year (計畫年度) it belongs to, and no title
names one bureau: the National Police Agency compiles the tables of every bureau, so a row
must say whose it is, and one bureau's table must fit under another's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqdocs.model import Plan, deadline_text
from sqdocs.model.subplan import Subplan
from sqdocs.report import CompiledReport
from sqdocs.report.figures import total_word
from sqdocs.text.numbers import plain_number

Value = str | int | float | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # 文字 | 整數 | 數值 | 日期
    description: str


@dataclass(frozen=True)
class Table:
    """One tidy table: its file name, what a row is, its columns and rows."""

    name: str
    title: str
    row_is: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip((c.name for c in self.columns), row, strict=True)) for row in self.rows]


_BUREAU = (
    Column("機關", "文字", "機關名稱，如其文件所印（plan.yaml 的 agency）"),
    Column("計畫年度", "整數", "該機關執行計畫與績效報告的民國年度（plan.yaml 的 year）"),
)
"""The leading columns of every table: whose data a row is, so rows of several bureaus can be told apart."""


TABLE_NAMES = ("annex1_practices", "annex2_checklist", "subplan_practices", "indicator_values", "indicator_definitions",
               "roster", "data_dictionary")
"""Every table an export can write, by file name without extension."""


def left_over(out: Path, written: Collection[Path], formats: Iterable[str]) -> list[Path]:
    """Files in ``out`` named as export's tables (of ``formats``) that this export did not
    write: an earlier export's subplans or results, say, which no longer match the rest."""
    candidates = (out / f"{name}.{fmt}" for name in TABLE_NAMES for fmt in formats)
    return [path for path in candidates if path not in written and path.is_file()]


def _deadline(value: date | str | None) -> str:
    if value is None:
        return ""
    return deadline_text(value)


_POINT = (
    Column("構面類別", "文字", "個別評核構面或整體評核構面"),
    Column("構面", "文字", "評核構面名稱"),
    Column("評核項目", "文字", "評核項目（整體評核構面無）"),
    Column("評核重點", "文字", "評核重點"),
)


def annex1_table(plan: Plan) -> Table:
    """附件 1 as a tidy table: one row per 具體作法, with its dimension, item, point, deadline and units."""
    bureau = (plan.agency, plan.year)
    rows = []
    for dim in plan.annex1.dimensions:
        for item in dim.items:
            for point in item.points:
                for n, text in enumerate(point.practices, 1):
                    rows.append((*bureau, f"{dim.scope}評核構面", dim.name, item.name, point.name, n, text,
                                 _deadline(point.deadline), "、".join(point.units)))
        for point in dim.points:
            for n, text in enumerate(point.actions, 1):
                rows.append((*bureau, f"{dim.scope}評核構面", dim.name, "", point.name, n, text, "", ""))
    return Table(
        "annex1_practices", "提升服務品質執行計畫 附件 1 具體作法", "一項具體作法（或開放創新的一項辦理事項）",
        (*_BUREAU, *_POINT, Column("序號", "整數", "該評核重點下的作法序號，自 1 起"), Column("具體作法", "文字", "具體作法或辦理事項"),
         Column("完成期限", "文字", "「賡續辦理」或民國日期"), Column("承辦單位", "文字", "承辦單位，多個以「、」分隔")),
        tuple(rows),
    )


def annex2_table(plan: Plan) -> Table:
    """附件 2 (組織診斷檢核表) as a tidy table: one row per checklist entry."""
    bureau = (plan.agency, plan.year)
    rows = []
    for dim in plan.annex2.dimensions:
        groups = [(item.name, p) for item in dim.items for p in item.points] + [("", p) for p in dim.points]
        for item_name, point in groups:
            for n, text in enumerate(point.entries, 1):
                rows.append((*bureau, f"{dim.scope}評核構面", dim.name, item_name, point.name, n, text))
    return Table(
        "annex2_checklist", "提升服務品質執行計畫 附件 2 組織診斷檢核表", "一項檢核事項",
        (*_BUREAU, *_POINT, Column("序號", "整數", "該評核重點下的檢核事項序號，自 1 起"), Column("檢核事項", "文字", "辦理事項")),
        tuple(rows),
    )


def subplan_table(plan: Plan, subplans: dict[str, Subplan]) -> Table:
    """The 分局s' detailed plans as a tidy table: one row per practice of a point still assigned to the unit."""
    bureau = (plan.agency, plan.year)
    rows = []
    for unit, subplan in subplans.items():
        # As the 細部執行計畫 shows it: an entry whose point the bureau deleted or no longer
        # assigns to the unit is not the unit's work, marked `removed` or not yet.
        assigned = {ref.key for ref in plan.points_for(unit)}
        for point in subplan.points:
            if point.removed or point.key not in assigned:
                continue
            for n, text in enumerate(point.practices, 1):
                rows.append((*bureau, unit, point.dimension, point.item, point.point, n, text,
                             _deadline(point.deadline), "、".join(point.units)))
    return Table(
        "subplan_practices", "提升服務品質細部執行計畫 各單位具體作法", "一個單位的一項具體作法",
        (*_BUREAU, Column("單位", "文字", "訂定細部執行計畫的單位"), *_POINT[1:], Column("序號", "整數", "作法序號，自 1 起"),
         Column("具體作法", "文字", "該單位的具體作法"), Column("完成期限", "文字", "「賡續辦理」或民國日期"),
         Column("承辦單位", "文字", "該單位所屬承辦單位，多個以「、」分隔")),
        tuple(rows),
    )


# Columns the indicators' two tables share, described once in the data dictionary's words.
_INDICATOR_NAME = Column("指標名稱", "文字", "指標名稱")
_MEASURE_UNIT = Column("計量單位", "文字", "%、件、分、日、小時、張 等；% 為 0–100")


SAMPLE_SOURCE = "（範例資料，非真實統計）"
"""Added to the 資料來源 of every indicator value of a bureau whose indicators.yaml says ``sample: true``."""

def indicator_table(report: CompiledReport) -> Table:
    """The report's indicators as a tidy table: one row per indicator and year, saying where each figure comes from."""
    bureau = (report.agency, report.year)
    # The report says so under its title; a row of a merged national table has only this column.
    sample = SAMPLE_SOURCE if report.sample else ""
    rows: list[tuple[Value, ...]] = []
    for ind in report.indicators:
        for year in ind.series:
            # A growth rate of an earlier year is computed too, but from the history's figures:
            # this year's results, their numerator and what they lack belong to this year's row only.
            current = year.computed and year.year == report.year
            source = "本年度成果計算" if current else "由歷年統計計算" if year.computed else "歷年統計"
            if current and ind.partial_units:  # as the report marks it 「*」: not the bureau's whole figure
                source += f"（{total_word(ind.kind, ind.aggregate)}不含{'、'.join(ind.partial_units)}，不完整）"
            source += sample
            numerator = ind.numerator if current else None
            denominator = ind.denominator if current else None
            base = ind.base if current else None
            rows.append((*bureau, ind.id, ind.name, ind.unit, year.year, "全局", plain_number(year.value), plain_number(numerator),
                         plain_number(denominator), plain_number(base), source))
        for fig in ind.units:
            if fig.value is None:
                continue
            rows.append((*bureau, ind.id, ind.name, ind.unit, ind.year, fig.unit, plain_number(fig.value), plain_number(fig.numerator),
                         plain_number(fig.denominator), plain_number(fig.base), (fig.excluded or "單位填報") + sample))
    return Table(
        "indicator_values", "提升服務品質績效報告 量化指標", "一項指標在一個年度、一個範圍（全局或單位）的數值",
        (*_BUREAU, Column("指標代號", "文字", "indicators.yaml 的 id"), _INDICATOR_NAME, _MEASURE_UNIT,
         Column("年度", "整數", "數值所屬的民國年；計畫年度的績效報告也列出此前各年度的數值（歷年統計）；"
                "合併多個年度的資料時，一個年度的數值請取 年度 = 計畫年度 的列"),
         Column("範圍", "文字", "「全局」或單位簡稱"),
         Column("數值", "數值", "年度 = 計畫年度 者未經四捨五入；此前各年度中，資料來源為「歷年統計」者是當年報告所列、"
                "已四捨五入的數值，「由歷年統計計算」者（如前一年度的成長率）未經四捨五入"),
         Column("分子", "數值", "比率指標的分子（全局為各單位合計）"), Column("分母", "數值", "比率指標的分母"),
         Column("權數", "數值", "加權平均指標的權數"), Column("資料來源", "文字", "本年度成果計算（全局數值缺單位時註明不含哪些單位、不完整）、歷年統計、由歷年統計計算（如前一年度的成長率）、單位填報，或未列入計算的原因；"
                f"範例資料（indicators.yaml 的 sample: true）另註明「{SAMPLE_SOURCE}」")),
        tuple(rows),
    )


_METHOD = {("ratio", None): "比率", ("value", "sum"): "加總", ("value", "mean"): "加權平均", ("growth", None): "成長率"}


def definition_table(report: CompiledReport) -> Table:
    """What each indicator of the report measures, one row per indicator: bureaus choose their own
    indicators and ids, so one id may stand for different measures in two bureaus, or two years."""
    bureau = (report.agency, report.year)
    rows = [(*bureau, ind.id, ind.name, ind.definition, ind.unit, _METHOD[(ind.kind, ind.aggregate)],
             ind.numerator_label or "", ind.denominator_label or "", ind.base_label or "", ind.checklist[0],
             ind.checklist[1] or "", ind.checklist[2]) for ind in report.indicators]
    return Table(
        "indicator_definitions", "提升服務品質績效報告 量化指標定義", "一項指標的定義",
        (*_BUREAU, Column("指標代號", "文字", "indicators.yaml 的 id，與 indicator_values 的指標代號對應；各機關自訂，同一代號在不同機關或年度的定義可能不同"),
         _INDICATOR_NAME, Column("定義", "文字", "定義與計算方式"), _MEASURE_UNIT,
         Column("計算方式", "文字", "比率（分子合計 ÷ 分母合計）、加總、加權平均（依權數）或成長率（較前一年度）"),
         Column("分子", "文字", "比率指標的分子說明"), Column("分母", "文字", "比率指標的分母說明"),
         Column("權數", "文字", "加權平均指標的權數說明"), Column("構面", "文字", "此指標佐證的附件 2 評核重點所屬構面"),
         Column("評核項目", "文字", "該評核重點所屬評核項目（整體評核構面無）"), Column("評核重點", "文字", "此指標佐證的附件 2 評核重點")),
        tuple(rows),
    )


def roster_table(plan: Plan, include_names: bool) -> Table:
    """附件 3 (考核小組編組表) as a tidy table; members' names only when ``include_names`` (personal data)."""
    columns = [*_BUREAU, Column("序號", "整數", "編組表順序，自 1 起"), Column("職稱", "文字", "考核小組職稱"), Column("現職", "文字", "現職")]
    if include_names:
        columns.append(Column("姓名", "文字", "姓名（個人資料，僅於指定 --include-names 時輸出）"))
    columns += [Column("職掌", "文字", "職掌"), Column("備考", "文字", "備考")]
    bureau = (plan.agency, plan.year)
    rows = []
    for n, m in enumerate(plan.roster.members, 1):
        rows.append((*bureau, n, m.role, m.position, *((m.name,) if include_names else ()), m.duty, m.note))
    return Table("roster", "提升服務品質執行計畫 附件 3 考核小組編組表", "考核小組的一位成員", tuple(columns), tuple(rows))


def dictionary_table(tables: list[Table]) -> Table:
    """The data dictionary: every column of every table, described."""
    rows = [(t.name, t.title, t.row_is, c.name, c.kind, c.description) for t in tables for c in t.columns]
    return Table(
        "data_dictionary", "資料說明", "一個資料表的一個欄位",
        (Column("檔案", "文字", "資料表檔名（不含副檔名）"), Column("資料表", "文字", "資料表名稱"),
         Column("每列代表", "文字", "資料表中一列代表什麼"), Column("欄位", "文字", "欄位名稱"),
         Column("型別", "文字", "文字、整數、數值"), Column("說明", "文字", "欄位說明")),
        tuple(rows),
    )


@dataclass(frozen=True)
class Bureau:
    """One bureau's data folder as the open data reads it: ``report`` is None without results."""

    plan: Plan
    subplans: dict[str, Subplan]
    report: CompiledReport | None = None


def open_data_tables(bureaus: Sequence[Bureau], include_names: bool = False) -> list[Table]:
    """Every table of ``bureaus``, one of each kind with the rows of every bureau in turn; the
    data dictionary last. A kind none of them has (no subplans, no results) has no table."""
    kinds = [
        [annex1_table(b.plan) for b in bureaus],
        [annex2_table(b.plan) for b in bureaus],
        [subplan_table(b.plan, b.subplans) for b in bureaus if b.subplans],
        [indicator_table(b.report) for b in bureaus if b.report is not None],
        [definition_table(b.report) for b in bureaus if b.report is not None],
        [roster_table(b.plan, include_names) for b in bureaus],
    ]
    tables = [_joined(parts) for parts in kinds if parts]
    return [*tables, dictionary_table(tables)]


def names_in_text(tables: Sequence[Table], bureaus: Sequence[Bureau]) -> list[tuple[str, str, str]]:
    """(table, column, name) for each roster member's name written in a text cell: without
    --include-names the 姓名 column is left out, yet 「（張竣翔 分機 2345）」 in a 職掌 went out."""
    names = {m.name for b in bureaus for m in b.plan.roster.members if len(m.name) >= 2}
    found: dict[tuple[str, str, str], None] = {}
    for table in tables:
        for row in table.rows:
            for column, value in zip(table.columns, row, strict=True):
                if isinstance(value, str):
                    found.update(dict.fromkeys((table.name, column.name, name) for name in names if name in value))
    return list(found)


def _joined(parts: list[Table]) -> Table:
    """The tables of one kind, of several bureaus, as one: their rows one after another."""
    first = parts[0]
    return Table(first.name, first.title, first.row_is, first.columns, tuple(row for part in parts for row in part.rows))
