"""The bureau's execution plan (執行計畫): metadata, body sections 壹–柒 and the assembled plan."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import Field, field_validator, model_validator

from sqdocs.model.annexes import Annex1, Annex2, CheckPoint, Dimension, Item, Point, Roster
from sqdocs.model.common import Int, Record, RocDate, Text
from sqdocs.model.units import UnitRegistry
from sqdocs.text.roc import format_roc


class Period(Record):
    """The plan period (執行期程)."""

    start: RocDate = Field(description="起日，如 107 年 1 月 1 日")
    end: RocDate = Field(description="迄日，如 107 年 12 月 31 日")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"迄日 {format_roc(self.end)} 早於起日 {format_roc(self.start)}")
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def text(self) -> str:
        """「107 年 1 月 1 日至 107 年 12 月 31 日」, as messages and forms write the period."""
        return f"{format_roc(self.start)}至 {format_roc(self.end)}"

    def outside(self, day: date) -> str | None:
        """None for a day in the period; else where it falls, as messages say it:
        「早於計畫期程（107 年 1 月 1 日至 107 年 12 月 31 日）」 or 「晚於…」."""
        if day in self:
            return None
        side = "早於" if day < self.start else "晚於"
        return f"{side}計畫期程（{self.text}）"


class Basis(Record):
    """A letter the plan is based on (計畫依據): who issued what, when, under which number."""

    agency: Text = Field(description="發文機關（如 國家發展委員會）")
    date: RocDate = Field(description="發文日期")
    number: Text = Field(description="文號（如 發社字第 1071300028 號）")
    action: Text = Field("函頒", description="動作，通常為「函頒」")
    title: Text = Field(description="計畫名稱，不含「」")

    @field_validator("title")
    @classmethod
    def _unquoted(cls, title: str) -> str:
        """The title without the 「」 the sentence puts around it: typed as the source quotes it
        (「第 2 屆政府服務獎評獎實施計畫」), it printed 函頒「「第 2 屆…」」."""
        inner = title[1:-1]
        quoted = title.startswith("「") and title.endswith("」") and "「" not in inner and "」" not in inner
        return inner.strip() if quoted and inner.strip() else title


class Objectives(Record):
    """貳、計畫目標: an introduction and the numbered goals."""

    intro: Text = Field(description="前言")
    goals: list[Text] = Field(min_length=1, description="目標，依序編號 一、二、…")


class Clause(Record):
    """A numbered paragraph; its depth in the outline decides its label (一、 (一) 1. (1))."""

    title: Text | None = Field(None, description="標題或引言（如 進行組織診斷）")
    text: Text | None = Field(None, description="內文")
    items: list[Clause] = Field(default_factory=list, description="下一層條文")

    @field_validator("title")
    @classmethod
    def _lead_in(cls, title: str | None) -> str | None:
        """The title without a colon of its own: the documents add 「：」 after it, and a title
        typed as the source shows it (「考核作業：」) printed 「一、考核作業：：」."""
        return (title.rstrip("：: ") or title) if title else title

    @model_validator(mode="after")
    def _not_empty(self) -> Clause:
        if self.title is None and self.text is None:
            raise ValueError("條文須有 title 或 text")
        return self


class PlanBody(Record):
    """Metadata and body sections 壹–柒 of the execution plan."""

    agency: Text = Field(description="機關名稱（如 基隆市警察局）")
    year: Int = Field(ge=1, le=999, description="民國年度（如 107）")
    title: Text = Field(description="計畫名稱")
    period: Period = Field(description="執行期程")
    issued: RocDate | None = Field(None, description="發布日期（文件日期；省略時用期程起日）")
    basis: list[Basis] = Field(min_length=1, description="壹、計畫依據")
    objectives: Objectives = Field(description="貳、計畫目標")
    targets: Text = Field(description="參、執行對象")
    content: Text = Field(description="伍、計畫內容")
    steps: list[Clause] = Field(min_length=1, description="陸、執行步驟")
    assessment: list[Clause] = Field(min_length=1, description="柒、考核獎懲")

    @property
    def schedule(self) -> str:
        """肆、執行期程, written from the period: 「溯自」 only for a plan issued after its period
        began (it then applies retroactively), else 「自」."""
        start, end = self.period.start, self.period.end
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if start.day != 1 or (end + timedelta(days=1)).day != 1:  # not whole months: 1 月 15 日 on was 「計 1 年」
            span = f"計 {(end - start).days + 1} 日"
        else:
            span = f"計 {months // 12} 年" if months % 12 == 0 else f"計 {months} 個月"
        since = "溯自" if self.issued_after_start else "自"
        return f"{since}民國 {format_roc(start)}起至 {format_roc(end)}止，{span}。"

    @property
    def issued_after_start(self) -> bool:
        """Whether the plan was issued after its period began: by ``issued``, or, without it, by
        a basis letter dated after the start (a plan is issued after the letters it cites)."""
        issued = self.issued or max(b.date for b in self.basis)
        return issued > self.period.start

    @property
    def document_date(self) -> date:
        """The date the document carries: ``issued`` or else the start of the period."""
        return self.issued or self.period.start


@dataclass(frozen=True)
class PointRef:
    """Where a point of 附件 1 sits: its position in its item and the objects themselves."""

    point_index: int
    dimension: Dimension
    item: Item
    point: Point

    @property
    def key(self) -> tuple[str, str, str]:
        """A stable identity: (構面, 評核項目, 評核重點) names."""
        return (self.dimension.name, self.item.name, self.point.name)


@dataclass(frozen=True)
class CheckRef:
    """Where a point of 附件 2 sits: names and the point itself."""

    dimension: str
    item: str | None
    point: CheckPoint

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.dimension, self.item, self.point.name)


@dataclass(frozen=True)
class Plan:
    """The whole execution plan: body, unit registry and annexes."""

    body: PlanBody
    units: UnitRegistry
    annex1: Annex1
    annex2: Annex2
    roster: Roster

    @property
    def agency(self) -> str:
        return self.body.agency

    @property
    def year(self) -> int:
        return self.body.year

    @property
    def title(self) -> str:
        return self.body.title

    def points(self) -> list[PointRef]:
        """Every point of 附件 1 that has units (the individual dimensions), in order."""
        refs = []
        for dim in self.annex1.dimensions:
            for item in dim.items:
                for pi, point in enumerate(item.points):
                    refs.append(PointRef(pi, dim, item, point))
        return refs

    @functools.cached_property
    def points_by_key(self) -> dict[tuple[str, str, str], PointRef]:
        """:meth:`points` by (構面, 評核項目, 評核重點) names, worked out once per plan."""
        return {ref.key: ref for ref in self.points()}

    @functools.cached_property
    def check_points(self) -> tuple[CheckRef, ...]:
        """Every point of 附件 2, in order, worked out once per plan."""
        refs: list[CheckRef] = []
        for dim in self.annex2.dimensions:
            refs += [CheckRef(dim.name, None, p) for p in dim.points]
            for item in dim.items:
                refs += [CheckRef(dim.name, item.name, p) for p in item.points]
        return tuple(refs)

    @functools.cached_property
    def check_points_by_key(self) -> dict[tuple[str, str | None, str], CheckRef]:
        """:attr:`check_points` by (構面, 評核項目 or None, 評核重點) names; the first of a name
        wins, as a search in order would find it."""
        found: dict[tuple[str, str | None, str], CheckRef] = {}
        for ref in self.check_points:
            found.setdefault(ref.key, ref)
        return found

    def points_for(self, unit: str) -> list[PointRef]:
        """The points ``unit`` is responsible for, directly or through a group (各分局, 各單位 …)."""
        return [ref for ref in self.points() if self.units.covers(list(ref.point.units), unit)]

    def assigned_units(self) -> list[str]:
        """The units (short names, registry order) assigned at least one point: those whose
        results the annual report expects."""
        return [u.name for u in self.units.units if self.points_for(u.name)]
