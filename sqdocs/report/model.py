"""The compiled annual performance report (年度績效報告): every figure computed, every text ready.

A writer renders these objects as they are; it never adds, averages or rounds. Numbers come with
their display text (``text``), changes with a sign and a direction, checklist entries with their
mark (☑/☐). Percentages are on the 0–100 scale.

It is also what the library hands a caller (README, "Using it from Python"), so it holds more
than the official layout prints: a change's previous figure and relative rate, the units counted
in a figure, the evidence and figures behind each ☑. Writers print what the layout has.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field

from sqdocs.model.common import Record

Direction = Literal["up", "down", "flat"]
Assessment = Literal["good", "bad", "neutral"]
CHECKED, UNCHECKED = "☑", "☐"


class YearFigure(Record):
    """An indicator's bureau figure for one year."""

    year: int = Field(description="民國年")
    value: float = Field(description="數值（% 為 0–100）")
    text: str = Field(description="顯示文字，如 98.6%")
    computed: bool = Field(description="true：由 sqdocs 計算（本年度成果，或成長率由歷年數據算出）；false：indicators.yaml 所列的歷年數據")


class Change(Record):
    """The change against the latest earlier year."""

    previous_year: int = Field(description="比較的年度")
    previous: float = Field(description="比較年度的數值")
    previous_text: str = Field(description="比較年度的顯示文字")
    delta: float = Field(description="增減（依顯示位數四捨五入後相減；% 為百分點）")
    delta_text: str = Field(description="增減文字，如 +0.5 個百分點、-12 件")
    relative: float | None = Field(description="相對增減率 %（% 指標與前期為 0 時為 null）")
    relative_text: str = Field(description="相對增減率文字，如 +12.3%；無則空白")
    direction: Direction = Field(description="up 上升、down 下降、flat 持平")
    assessment: Assessment = Field(description="good 進步、bad 退步、neutral 持平或無好壞之分")


class UnitFigure(Record):
    """One unit's figure for one indicator."""

    indicator: str = Field(description="指標代號")
    unit: str = Field(description="單位簡稱")
    value: float | None = Field(description="該單位的數值；未列入計算時仍為其填報值或 null")
    text: str = Field(description="顯示文字；無法計算時為 —")
    numerator: float | None = Field(None, description="分子（比率指標）")
    denominator: float | None = Field(None, description="分母（比率指標）")
    base: float | None = Field(None, description="權數（加權平均指標）")
    excluded: str | None = Field(None, description="未列入全局計算的原因（如 分母為 0）")
    note: str = Field("", description="單位的說明")


class IndicatorFigure(Record):
    """A headline indicator: this year's bureau figure, history, change and the units' parts."""

    id: str = Field(description="指標代號")
    name: str = Field(description="指標名稱")
    definition: str = Field(description="定義與計算方式")
    unit: str = Field(description="單位")
    kind: str = Field(description="ratio、value 或 growth")
    aggregate: str | None = Field(description="sum 或 mean（數值指標）")
    numerator_label: str | None = Field(description="分子說明")
    denominator_label: str | None = Field(description="分母說明")
    base_label: str | None = Field(description="權數說明")
    of: str | None = Field(None, description="成長率指標所依據的指標代號")
    higher_is_better: bool | None = Field(description="越高越好 true、越低越好 false、無好壞 null")
    year: int = Field(description="本年度")
    value: float | None = Field(description="本年度全局數值；無數據時為 null")
    text: str = Field(description="本年度顯示文字")
    reported: str | None = Field(
        description="本年度數值依顯示位數四捨五入，不含千分位（如 95.4）：下一年度 indicators.yaml 的 history 所記；無數據時為 null"
    )
    numerator: float | None = Field(description="全局分子合計（比率指標）")
    denominator: float | None = Field(description="全局分母合計（比率指標）")
    base: float | None = Field(description="全局權數合計（加權平均指標）")
    counted_units: int = Field(description="列入計算的單位數")
    partial_units: list[str] = Field(
        default_factory=list,
        description="尚未繳交成果檔或成果檔未填此項數據、全局數值（合計、比率或平均）因而不完整的單位（此時標「*」、不與上年比較）",
    )
    change: Change | None = Field(description="與前一年度比較；無歷年數據時為 null")
    series: list[YearFigure] = Field(description="歷年數值（含本年度），依年度排列")
    trend: str = Field(description="趨勢分析文字")
    units: list[UnitFigure] = Field(description="各單位數據，依單位名冊順序")
    checklist: tuple[str, str | None, str] = Field(description="佐證的附件 2 評核重點（構面, 項目, 重點）")
    supports: list[int] = Field(description="佐證的附件 2 檢核事項編號")


class EvidenceItem(Record):
    """A piece of evidence a unit gave."""

    unit: str = Field(description="提供單位")
    title: str = Field(description="名稱")
    kind: str = Field(description="文件、照片、網頁、影音、其他")
    file: str | None = Field(None, description="檔案路徑或網址，照原樣")
    path: Path | None = Field(None, description="檔案的完整路徑（網址則為 null）")
    date: datetime.date | None = Field(None, description="日期")
    date_text: str = Field("", description="民國日期文字")


class EntrySource(Record):
    """What makes a checklist entry ☑: a unit's evidence or a bureau figure."""

    unit: str | None = Field(description="單位；全局指標為 null")
    title: str = Field(description="佐證名稱或指標名稱與數值")
    kind: Literal["evidence", "indicator"] = Field(description="evidence 佐證資料、indicator 量化指標")


class EntryMark(Record):
    """One entry of 附件 2 with its mark."""

    number: int = Field(description="檢核事項編號（1 起算）")
    text: str = Field(description="檢核事項")
    checked: bool = Field(description="有佐證為 true")
    sources: list[EntrySource] = Field(description="佐證來源")

    @property
    def mark(self) -> str:
        return CHECKED if self.checked else UNCHECKED


class CheckPointMarks(Record):
    """A point of 附件 2 and its entries."""

    dimension: str
    item: str | None
    name: str
    entries: list[EntryMark]

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.dimension, self.item, self.name)


class CheckItemMarks(Record):
    name: str
    points: list[CheckPointMarks]


class CheckDimensionMarks(Record):
    """A dimension of 附件 2: items (個別) or points directly (整體)."""

    scope: str
    name: str
    caption: str
    items: list[CheckItemMarks]
    points: list[CheckPointMarks]


class Contribution(Record):
    """What one unit reported for one point."""

    unit: str = Field(description="單位簡稱")
    outcome: str = Field(description="執行成果")
    evidence: list[EvidenceItem] = Field(description="佐證資料")
    figures: list[UnitFigure] = Field(description="此筆成果填報的指標數據")


class PointReport(Record):
    """A point of 附件 1 with every responsible unit's results."""

    dimension: str
    item: str
    name: str = Field(description="評核重點（附件 1 的名稱）")
    units: list[str] = Field(description="承辦單位（群組已展開，依名冊順序）")
    contributions: list[Contribution] = Field(description="各單位成果，依名冊順序")
    missing: list[str] = Field(description="未填報的承辦單位")
    indicators: list[IndicatorFigure] = Field(description="佐證此評核重點的指標")
    checklist: CheckPointMarks | None = Field(description="附件 2 的對應評核重點與勾選")


class ItemReport(Record):
    name: str
    points: list[PointReport]


class DimensionReport(Record):
    scope: str
    name: str
    caption: str
    items: list[ItemReport]


class MissingResult(Record):
    """A point a unit is responsible for but reported nothing on."""

    unit: str
    dimension: str
    item: str
    point: str


class UncheckedEntry(Record):
    """A checklist entry nothing supports (shown ☐)."""

    dimension: str
    item: str | None
    point: str
    number: int
    text: str


class Exclusion(Record):
    """A unit's figure left out of a bureau figure, and why."""

    indicator: str
    name: str
    unit: str
    reason: str


class ChartSeries(Record):
    label: str = Field(description="圖例（指標名稱）")
    values: list[float | None] = Field(description="對應 categories 的數值；null 為無數據")
    texts: list[str] = Field(description="數值標籤（與報告文字相同的四捨五入），無數據為空字串")


class ChartData(Record):
    """Everything a chart shows, ready to draw."""

    id: str
    title: str
    kind: Literal["trend", "units"]
    indicators: list[str] = Field(default_factory=list, description="圖中的指標代號，依 indicators.yaml 的 charts 順序")
    unit: str = Field(description="數值單位（軸標題用）")
    places: int = Field(description="數值標籤的小數位數")
    categories: list[str] = Field(description="橫軸：年度（105 年 …）或單位")
    series: list[ChartSeries]
    reference: float | None = Field(None, description="各單位長條圖的全局數值（參考線）")
    reference_label: str = Field("", description="參考線說明，如 全局 98.6%")


class UnitGroupMembers(Record):
    """A group of units.yaml (各分局) and the units it stands for."""

    name: str = Field(description="群組名稱")
    units: list[str] = Field(description="所含單位（單位名冊順序）")


class CompiledReport(Record):
    """The annual performance report of one plan year, ready to render."""

    agency: str
    year: int
    title: str
    sample: bool = Field(False, description="範例資料（indicators.yaml 的 sample）：報告須註明非真實統計")
    indicators: list[IndicatorFigure] = Field(description="量化指標，依 indicators.yaml 順序")
    dimensions: list[DimensionReport] = Field(description="附件 1 個別評核構面 → 評核項目 → 評核重點")
    checklist: list[CheckDimensionMarks] = Field(description="附件 2 組織診斷檢核表與勾選")
    charts: list[ChartData] = Field(description="圖表資料")
    units: list[str] = Field(description="須填報的單位（至少承辦一個評核重點）")
    groups: list[UnitGroupMembers] = Field(default_factory=list, description="units.yaml 的單位群組，依其順序")
    submitted: list[str] = Field(description="已繳交成果檔的單位")
    missing: list[MissingResult] = Field(description="未填報的 單位 × 評核重點，依單位、評核重點順序")
    unchecked: list[UncheckedEntry] = Field(description="沒有佐證的檢核事項（☐）")
    exclusions: list[Exclusion] = Field(description="未列入全局計算的單位數據")

    def indicator(self, indicator_id: str) -> IndicatorFigure:
        return next(i for i in self.indicators if i.id == indicator_id)

    def chart(self, chart_id: str) -> ChartData:
        return next(c for c in self.charts if c.id == chart_id)

    def points(self) -> list[PointReport]:
        return [p for d in self.dimensions for i in d.items for p in i.points]

    @property
    def unsubmitted(self) -> list[str]:
        """Units that are responsible for something and sent no file."""
        return [u for u in self.units if u not in self.submitted]

    def missing_by_unit(self) -> dict[str, list[MissingResult]]:
        grouped: dict[str, list[MissingResult]] = {}
        for m in self.missing:
            grouped.setdefault(m.unit, []).append(m)
        return grouped

    @property
    def complete(self) -> bool:
        return not self.missing
