"""Year-end results: indicator definitions (indicators.yaml) and unit submissions (results/*.yaml).

Conventions (docs/data-format.md, 「年度成果」):

- A ratio indicator is entered as counts (``numerator``/``denominator``); the bureau figure is
  Σ numerators ÷ Σ denominators, never an average of the units' ratios.
- A value indicator is entered as ``value``; ``sum`` adds the units' values, ``mean`` weights each
  value by its ``base`` (受測人數, 案件數 …).
- Every percentage a person types (a ``%`` value, the history of a ``%`` indicator) is written
  on the 0–100 scale: 85 means 85 %.
- A growth indicator (成長率) is never entered: it is computed from the indicator named in ``of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema, model_validator

from sqdocs.model.common import (
    FIGURE,
    WHOLE_NUMBER,
    Figure,
    Flag,
    Int,
    OptionalText,
    Record,
    RocDate,
    Text,
)
from sqdocs.model.plan import CheckRef, Plan, PointRef

EntryNumber = Annotated[Int, WithJsonSchema({"type": "integer", "minimum": 1})]
"""A 附件 2 checklist entry's number: 0 is said by the loader, which knows how many the point has;
the schema can tell an editor no more than that it counts from 1."""

IndicatorUnit = Literal["%", "件", "分", "日", "小時", "張", "人", "次", "項"]
COUNT_UNITS = frozenset({"件", "張", "人", "次", "項"})
"""The indicator units of things counted one by one: a figure in them is a whole number."""
IndicatorKind = Literal["ratio", "value", "growth"]
Aggregate = Literal["sum", "mean"]
EvidenceKind = Literal["文件", "照片", "網頁", "影音", "其他"]
PHOTO_FORMATS = ("PNG", "JPEG", "MPO", "WEBP")
"""The image formats, as Pillow names them, of a 照片 the report prints. MPO is a JPEG that carries
more images after the photo (the HDR gain map or depth map iPhones and many Android phones add);
a WebP is saved from a web page or a messaging app."""
ChartKind = Literal["trend", "units"]
CHART_MAX_INDICATORS = 12
"""The most indicators one chart shows: as many as it has markers apart on a grey copy."""

INDICATOR_ID = r"^[a-z][a-z0-9_]*$"

NonNegative = Annotated[float, Field(ge=0), FIGURE]


# ---- indicators.yaml -------------------------------------------------------


class ChecklistPath(Record):
    """A point of 附件 2 (組織診斷檢核表) named by dimension, item and point."""

    dimension: Text | None = Field(None, description="評核構面（省略時與所屬評核重點相同）")
    item: Text | None = Field(None, description="評核項目（整體評核構面沒有評核項目）")
    point: Text = Field(description="附件 2 的評核重點")


class Indicator(Record):
    """One quantitative indicator, defined once for every unit and every year."""

    id: str = Field(pattern=INDICATOR_ID, description="代號，英文小寫與底線（如 on_time_rate）")
    name: Text = Field(description="指標名稱（如 處理時限內完成比率）")
    definition: Text = Field(description="定義與計算方式")
    unit: IndicatorUnit = Field(description="單位：%、件、分、日、小時、張、人、次、項")
    kind: IndicatorKind = Field(description="ratio（比率：分子／分母）、value（數值）或 growth（成長率，由系統計算）")
    numerator: Text | None = Field(None, description="比率指標的分子說明（如 時限內完成件數）")
    denominator: Text | None = Field(None, description="比率指標的分母說明（如 申辦案件總數）")
    aggregate: Aggregate | None = Field(None, description="數值指標的全局彙整方式：sum（加總）或 mean（依 base 加權平均）")
    base: Text | None = Field(None, description="加權平均的權數說明（如 受測人數）")
    of: str | None = Field(None, pattern=INDICATOR_ID, description="成長率指標所依據的指標代號")
    higher_is_better: Flag | None = Field(True, description="數值越高越好為 true，越低越好為 false，無好壞之分為 null")
    decimals: Annotated[int, Field(ge=0, le=3), WHOLE_NUMBER] | None = Field(None, description="顯示的小數位數（省略時依單位決定）")
    checklist: ChecklistPath = Field(description="此指標佐證的附件 2 評核重點")
    supports: list[EntryNumber] = Field(default_factory=list, description="佐證的附件 2 檢核事項編號（1 起算）")
    history: dict[Int, Figure] = Field(
        default_factory=dict, description="歷年全局數據（民國年: 數值；% 以 0–100 填寫）",
        json_schema_extra={"propertyNames": {"pattern": "^[1-9][0-9]{0,2}$"}},  # 民國年 as YAML keys: 105, not 一〇五 or 2016
    )

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Indicator:
        if self.kind == "ratio":
            if self.numerator is None or self.denominator is None:
                raise ValueError("比率指標（kind: ratio）須寫 numerator 與 denominator 的說明")
            if self.unit != "%":
                raise ValueError("比率指標（kind: ratio）的 unit 應為 %")
            if self.aggregate is not None or self.of is not None:
                raise ValueError("比率指標以分子分母加總計算，不可寫 aggregate 或 of")
        elif self.kind == "value":
            if self.aggregate is None:
                raise ValueError("數值指標（kind: value）須寫 aggregate：sum（加總）或 mean（加權平均）")
            if self.aggregate == "mean" and self.base is None:
                raise ValueError("加權平均（aggregate: mean）須寫 base，說明權數（如 受測人數）")
            if self.aggregate == "sum" and self.base is not None:
                raise ValueError("加總（aggregate: sum）不需要 base")
            if self.numerator is not None or self.denominator is not None or self.of is not None:
                raise ValueError("數值指標不可寫 numerator、denominator 或 of")
        else:
            if self.of is None:
                raise ValueError("成長率指標（kind: growth）須以 of 指明依據的指標代號")
            if self.unit != "%":
                raise ValueError("成長率指標（kind: growth）的 unit 應為 %")
            if self.numerator is not None or self.denominator is not None or self.aggregate is not None:
                raise ValueError("成長率指標由系統計算，不可寫 numerator、denominator 或 aggregate")
        return self

    @property
    def places(self) -> int:
        """Decimal places shown: ``decimals`` or the usual for the unit."""
        if self.decimals is not None:
            return self.decimals
        return 1 if self.unit in ("%", "分", "日", "小時") else 0

    @property
    def entered(self) -> bool:
        """Whether units enter this indicator (growth rates are computed)."""
        return self.kind != "growth"


class ChartDef(Record):
    """A chart the report shows: a trend over the years, or one bar per unit."""

    id: str = Field(pattern=INDICATOR_ID, description="圖表代號")
    title: Text = Field(description="圖表標題")
    kind: ChartKind = Field(description="trend（歷年趨勢折線圖）或 units（各單位長條圖）")
    indicators: list[str] = Field(
        min_length=1, description=f"圖中的指標代號（最多 {CHART_MAX_INDICATORS} 項）",
        # For an editor, as validate refuses more, or one listed twice (load.indicators, in its own
        # words): the model takes them, so that the refusal names the chart and says what to do.
        json_schema_extra={"maxItems": CHART_MAX_INDICATORS, "uniqueItems": True},
    )


class IndicatorSet(Record):
    """indicators.yaml: every indicator and the charts of the report."""

    sample: Flag = Field(False, description="範例資料：true 時績效報告在標題下註明「本報告數據為範例資料，非真實統計」")
    indicators: list[Indicator] = Field(min_length=1, description="量化指標")
    charts: list[ChartDef] = Field(default_factory=list, description="績效報告的圖表")

    def get(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


# ---- results/<unit>.yaml ---------------------------------------------------


class Evidence(Record):
    """One piece of evidence (佐證資料) and the checklist entries it supports."""

    title: Text = Field(description="佐證資料名稱（如 第一分局申辦業務標準作業流程彙編）")
    kind: EvidenceKind = Field("文件", description="類別：文件、照片、網頁、影音、其他")
    file: Text | None = Field(None, description="檔案路徑（相對於 results 資料夾）或網址")
    date: RocDate | None = Field(None, description="日期（民國）")
    checklist: ChecklistPath | None = Field(
        None, description="佐證的附件 2 評核重點（省略時為本評核重點在附件 2 的對應項目）"
    )
    supports: list[EntryNumber] = Field(default_factory=list, description="佐證的附件 2 檢核事項編號（1 起算）")


class Measure(Record):
    """A unit's figure for one indicator: counts for a ratio, or a value (with its base)."""

    numerator: NonNegative | None = Field(None, description="分子（比率指標）")
    denominator: NonNegative | None = Field(None, description="分母（比率指標）")
    value: NonNegative | None = Field(None, description="數值（數值指標；% 以 0–100 填寫）")
    base: NonNegative | None = Field(None, description="權數（加權平均指標，如 受測人數）")
    note: OptionalText = Field("", description="說明（可省略）")


class PointResult(Record):
    """What a unit did for one point of 附件 1 it is responsible for."""

    dimension: Text = Field(description="評核構面（如 基礎服務）")
    item: Text = Field(description="評核項目（如 服務一致及正確）")
    point: Text = Field(description="附件 1 的評核重點")
    outcome: Text = Field(description="執行成果（文字敘述）")
    evidence: list[Evidence] = Field(default_factory=list, description="佐證資料")
    indicators: dict[str, Measure] = Field(default_factory=dict, description="量化指標數據（指標代號: 數據）")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.dimension, self.item, self.point)


class Submission(Record):
    """One unit's year-end results: one file per unit."""

    unit: Text = Field(description="填報單位（單位簡稱或全銜）")
    year: Int = Field(ge=1, le=999, description="民國年度，須與計畫年度相同")
    results: list[PointResult] = Field(min_length=1, description="各評核重點的執行成果")


@dataclass(frozen=True)
class ResultSet:
    """Everything loaded for the report: indicator definitions and each unit's submission.

    ``submissions`` maps the unit's short name to its submission, in registry order;
    ``evidence_dir`` is the folder evidence file paths are relative to (``results/``).
    """

    indicators: IndicatorSet
    submissions: dict[str, Submission]
    evidence_dir: Path

    def submission(self, unit: str) -> Submission | None:
        return self.submissions.get(unit)


# ---- 附件 1 ⇄ 附件 2 ---------------------------------------------------------


def check_points(plan: Plan) -> list[CheckRef]:
    """Every point of 附件 2, in order."""
    return list(plan.check_points)


def find_check_point(plan: Plan, dimension: str, item: str | None, point: str) -> CheckRef | None:
    """The 附件 2 point with these names, or None."""
    return plan.check_points_by_key.get((dimension, item, point))


def counterpart(plan: Plan, ref: PointRef) -> CheckRef | None:
    """The 附件 2 point that corresponds to a 附件 1 point.

    The same dimension, item and point names; failing that, the only point of that name in the
    dimension (a bureau that moved a point to another 評核項目 of its 附件 1 still answers the
    same entry of 附件 2, the Agency's form); failing that, the point at the same position in
    the same item of 附件 2 when neither annex uses the other's name there (附件 1 writes
    「在地化服務」 where 附件 2 writes 「客製化服務」).
    """
    found = find_check_point(plan, ref.dimension.name, ref.item.name, ref.point.name)
    if found is not None:
        return found
    named = [c for c in plan.check_points if c.dimension == ref.dimension.name and c.point.name == ref.point.name]
    if len(named) == 1:
        return named[0]
    dim = next((d for d in plan.annex2.dimensions if d.name == ref.dimension.name), None)
    item = next((i for i in dim.items if i.name == ref.item.name), None) if dim else None
    if item is None or ref.point_index >= len(item.points):
        return None
    candidate = item.points[ref.point_index]
    annex1_names = {p.name for p in ref.item.points}
    if candidate.name in annex1_names:
        return None
    return CheckRef(ref.dimension.name, ref.item.name, candidate)


def find_point(plan: Plan, dimension: str, item: str, point: str) -> PointRef | None:
    """The 附件 1 point with these names, or None."""
    return plan.points_by_key.get((dimension, item, point))


def resolve_checklist(plan: Plan, path: ChecklistPath | None, ref: PointRef) -> CheckRef | None:
    """The 附件 2 point a piece of evidence under ``ref`` supports.

    No ``checklist``: the counterpart of ``ref``. Otherwise the names given, the omitted leading
    ones (dimension, then item) taken from ``ref``; an overall (整體) dimension of 附件 2 takes
    no item, so none is taken from ``ref`` there (as the loader accepts it).
    """
    if path is None:
        return counterpart(plan, ref)
    if path.dimension is None:
        dim = ref.dimension.name
        overall = any(d.name == dim and d.scope == "整體" for d in plan.annex2.dimensions)
        item = path.item if path.item is not None or overall else ref.item.name
        return find_check_point(plan, dim, item, path.point)
    return find_check_point(plan, path.dimension, path.item, path.point)


# ---- who enters an indicator -------------------------------------------------


def indicator_points(plan: Plan, ind: Indicator) -> list[PointRef]:
    """The 附件 1 points whose 附件 2 counterpart is the point ``ind`` supports: the units
    responsible for them are the ones that may enter it."""
    key = (ind.checklist.dimension or "", ind.checklist.item, ind.checklist.point)
    return [ref for ref in plan.points() if (check := counterpart(plan, ref)) is not None and check.key == key]


def peer_groups(plan: Plan, ref: PointRef) -> dict[str, list[str]]:
    """The units a point assigns through each group of its 承辦單位 (各分局 → the four 分局, in
    registry order), by the group's name as the point writes it: units doing the same work, of
    whom one entering a figure means all should.

    A unit named on its own has no peers (資訊科 beside 各分局 does other work there). A unit a
    group of all units (各單位) reaches is that group's only when no named group reaches it: in
    [各直屬隊, 各分局, 各單位], 各單位 stands for the units not named otherwise."""
    units = plan.units
    names = list(ref.point.units)
    taken = {u for name in names if units.group(name) is None for u in units.expand(name)}
    groups: dict[str, list[str]] = {}
    for everyone in (False, True):
        for name in names:
            group = units.group(name)
            if group is None or group.all != everyone:
                continue
            members = [u for u in units.expand(name) if u not in taken]
            taken.update(members)
            if members:
                groups[name] = members
    return groups


@dataclass(frozen=True)
class Omission:
    """A unit that handed in its results without an indicator other units of its group entered."""

    unit: str
    point: PointRef
    """The point the unit owes the figure under (the one it has a result for, when it has one)."""
    group: str
    """The group of the point's 承辦單位 that assigns it (各分局)."""
    peers: list[str]
    """The units of that group that entered the indicator, in registry order."""


def omissions(plan: Plan, ind: Indicator, submissions: dict[str, Submission]) -> list[Omission]:
    """The units of ``submissions`` (short name → submission) that left ``ind`` out although
    units assigned the same point through the same group entered it (:func:`peer_groups`), in
    registry order. Entered under any point counts as entered: a misplaced figure is still counted."""
    if not ind.entered:
        return []
    entered = _entered(ind, submissions)
    found: dict[str, Omission] = {}
    for ref in indicator_points(plan, ind):
        for group, members in peer_groups(plan, ref).items():
            peers = [u for u in members if u in entered]
            if not _groups_figure(plan, group, peers, members):
                continue
            for unit in members:
                if unit in entered or unit not in submissions:  # no file at all: owing's to mark
                    continue
                sub = submissions[unit]
                # one warning per unit, at the point it has a result for when it has one
                if unit not in found or (_reports(sub, ref) and not _reports(sub, found[unit].point)):
                    found[unit] = Omission(unit, ref, group, peers)
    return [found[unit] for unit in plan.units.in_order(found)]


def owing(plan: Plan, ind: Indicator, submissions: dict[str, Submission], absent: list[str]) -> list[str]:
    """The units that may owe part of ``ind`` and have not reported it, in registry order: of
    ``absent`` (no results handed in), and of those whose results have none for a point leading
    to ``ind`` (that point not reported yet, which is no different). Each unit a point names on
    its own, and the members of its groups (:func:`peer_groups`) unless the members that did
    report the point show the figure is not the group's: none of them entered it (of 各單位,
    fewer than half). All of ``absent`` when no point leads to it."""
    points = indicator_points(plan, ind)
    if not points:
        return absent
    entered = _entered(ind, submissions)
    owed: set[str] = set()
    for ref in points:
        pending = {u for u, sub in submissions.items() if u not in entered and not _reports(sub, ref)}
        missing = pending | set(absent)
        groups = peer_groups(plan, ref)
        grouped = {u for members in groups.values() for u in members}
        owed.update(u for u in missing if u not in grouped and plan.units.covers(list(ref.point.units), u))
        for group, members in groups.items():
            filed = [u for u in members if u in submissions and u not in pending]
            if filed and not _groups_figure(plan, group, [u for u in filed if u in entered], filed):
                continue  # 各分局 that reported it left the figure out: not a figure of theirs, late or not
            owed.update(u for u in members if u in missing)
    return plan.units.in_order(owed)


def unentered(plan: Plan, ind: Indicator, submissions: dict[str, Submission]) -> list[str] | None:
    """The units responsible for ``ind``'s points, in registry order, when every one of them has
    reported those points and none entered ``ind``: no figure is coming, and the report would
    print 「—」 for the year. None while a unit may still send it, or when someone entered it."""
    points = indicator_points(plan, ind)
    if not ind.entered or not points or _entered(ind, submissions):
        return None
    units: set[str] = set()
    for ref in points:
        for unit in {u for name in ref.point.units for u in plan.units.expand(name)}:
            sub = submissions.get(unit)
            if sub is None or not _reports(sub, ref):
                return None
            units.add(unit)
    return plan.units.in_order(units)


def _entered(ind: Indicator, submissions: dict[str, Submission]) -> set[str]:
    """The units whose results enter ``ind``, under any point."""
    return {u for u, sub in submissions.items() if any(ind.id in r.indicators for r in sub.results)}


def _groups_figure(plan: Plan, group: str, peers: list[str], among: list[str]) -> bool:
    """Whether the indicator is a figure every unit of ``group`` enters, judged by ``among`` of them,
    ``peers`` of whom entered it: when none did, it is not the group's; nor, of 各單位 (every
    unit, not units alike), when fewer than half did: a figure a few hold (資訊科's) is theirs."""
    if not peers:
        return False
    everyone = plan.units.group(group)
    return not (everyone is not None and everyone.all and 2 * len(peers) < len(among))


def _reports(sub: Submission, ref: PointRef) -> bool:
    return any(r.key == ref.key for r in sub.results)
