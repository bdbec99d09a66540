"""The documents as numbered text: labels, section titles and sentences every writer shares.

This is a filter in Pandoc's sense: model in, format-neutral structure out. Writers
decide fonts and layout; they never number or phrase anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqdocs.model import Basis, Clause, Plan, PlanBody, Subplan
from sqdocs.report.figures import PARTIAL_MARK, total_word, totals_word
from sqdocs.report.model import (
    CHECKED,
    UNCHECKED,
    Change,
    CheckDimensionMarks,
    CheckPointMarks,
    CompiledReport,
    EvidenceItem,
    IndicatorFigure,
    UnitFigure,
)
from sqdocs.text.numbering import chinese_number, outline_label
from sqdocs.text.numbers import plain_number
from sqdocs.text.roc import format_roc

SECTION_TITLES = ("計畫依據", "計畫目標", "執行對象", "執行期程", "計畫內容", "執行步驟", "考核獎懲")


@dataclass(frozen=True)
class Para:
    """A numbered paragraph: ``label`` (一、), optional lead-in ``title`` and ``text``.

    ``depth`` is 1 for 一、, 2 for (一), 3 for 1., 4 for (1).
    """

    depth: int
    label: str
    title: str | None
    text: str | None
    children: tuple[Para, ...] = ()

    @property
    def line(self) -> str:
        """The paragraph as one line of text: 一、進行組織診斷：本局……"""
        if self.title and self.text:
            return f"{self.label}{self.title}：{self.text}"
        if self.title:
            return f"{self.label}{self.title}：" if self.children else f"{self.label}{self.title}"
        return f"{self.label}{self.text}"

    @property
    def is_heading(self) -> bool:
        """A bare 一、 title over sub-clauses, which Word and ODF set as a heading."""
        return self.depth == 1 and bool(self.title) and not self.text and bool(self.children)

    def walk(self):
        """This paragraph and all below it, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Section:
    """A top-level section: 壹、計畫依據 with an optional intro and numbered paragraphs."""

    label: str
    title: str
    intro: str | None = None
    paras: tuple[Para, ...] = field(default_factory=tuple)

    @property
    def heading(self) -> str:
        return f"{self.label}{self.title}"


def basis_sentence(basis: Basis) -> str:
    """國家發展委員會 107 年 1 月 15 日發社字第 1071300028 號函頒「第 2 屆政府服務獎評獎實施計畫」。"""
    return f"{basis.agency} {format_roc(basis.date)}{basis.number}{basis.action}「{basis.title}」。"


def _paras(clauses: list[Clause], depth: int = 1) -> tuple[Para, ...]:
    return tuple(
        Para(depth, outline_label(depth, n), c.title, c.text, _paras(list(c.items), depth + 1))
        for n, c in enumerate(clauses, 1)
    )


def _texts(texts: list[str]) -> tuple[Para, ...]:
    return tuple(Para(1, outline_label(1, n), None, t) for n, t in enumerate(texts, 1))


def plan_sections(body: PlanBody) -> list[Section]:
    """Sections 壹–柒 of the execution plan, numbered."""
    contents = [
        (None, _texts([basis_sentence(b) for b in body.basis])),
        (body.objectives.intro, _texts(list(body.objectives.goals))),
        (body.targets, ()),
        (body.schedule, ()),
        (body.content, ()),
        (None, _paras(list(body.steps))),
        (None, _paras(list(body.assessment))),
    ]
    return [
        Section(outline_label(0, n), title, intro, paras)
        for n, (title, (intro, paras)) in enumerate(zip(SECTION_TITLES, contents, strict=True), 1)
    ]


def numbered(texts: list[str] | tuple[str, ...]) -> list[str]:
    """Practices inside a table cell: ``1. …``, ``2. …``."""
    return [f"{outline_label(3, n)} {t}" for n, t in enumerate(texts, 1)]


def annex_label(n: int) -> str:
    """附件 1."""
    return f"附件 {n}"


# ---- sub-bureau detailed plan (細部執行計畫) ---------------------------------

SUBPLAN_SECTION_TITLES = ("依據", "目標", "執行對象", "執行期程", "執行內容", "考核")


def detail_step_label(body: PlanBody) -> str:
    """陸、執行步驟七: the step of the bureau plan that asks for detailed plans."""
    section = f"{outline_label(0, 6)}{SECTION_TITLES[5]}"
    n = _detail_step(body)
    return f"{section}{chinese_number(n)}" if n else section


def detail_step_text(body: PlanBody) -> str | None:
    """The words of the step that asks for detailed plans (its title and text), as the bureau wrote them."""
    n = _detail_step(body)
    if not n:
        return None
    step = body.steps[n - 1]
    return "：".join(part for part in (step.title, step.text) if part)


def _detail_step(body: PlanBody) -> int:
    """The number (from 1) of the step that mentions 細部執行計畫; 0 when none does."""
    return next((n for n, step in enumerate(body.steps, 1) if "細部執行計畫" in f"{step.title or ''}{step.text or ''}"), 0)


def _self_name(plan: Plan, unit: str) -> str:
    """How the unit calls itself: 本分局, 本大隊 …"""
    found = plan.units.unit(unit)
    return f"本{found.kind}" if found else "本單位"


def subplan_sections(plan: Plan, subplan: Subplan) -> list[Section]:
    """Sections 壹–陸 of a unit's detailed plan; its table is the annex (``subplan_annex``)."""
    me = _self_name(plan, subplan.unit)
    bureau = f"「{plan.title}」"
    targets = "、".join(subplan.sub_units) or "各單位"
    contents = [
        (f"依據{bureau}{detail_step_label(plan.body)}辦理。", ()),
        (
            f"配合{bureau}之計畫目標，{me}以實務性、方法性為執行內容，"
            "依各評核構面項目、重點訂定具體推動作法，期能達成下列目標：",
            _texts(list(plan.body.objectives.goals)),
        ),
        (f"{me}所屬{targets}。", ()),
        (plan.body.schedule, ()),
        ("各評核構面之評核項目、評核重點、具體作法、完成期限及承辦單位（如附件）。", ()),
        (
            f"本局推動提升服務品質考核小組不定期查訪、輔導{me}執行情形，並於年度結束前辦理年度考核；"
            f"執行成效依{bureau}{outline_label(0, 7)}{SECTION_TITLES[6]}辦理獎懲。",
            (),
        ),
    ]
    return [
        Section(outline_label(0, n), title, intro, paras)
        for n, (title, (intro, paras)) in enumerate(zip(SUBPLAN_SECTION_TITLES, contents, strict=True), 1)
    ]


def two_line_title(title: str, lead: str) -> str:
    """``title`` broken after ``lead``, the unit's full name (基隆市警察局第一分局 / 107 年度…),
    where a typesetter would break it: a 20 pt title of this length never fits one line.
    Unchanged when it does not start with ``lead``."""
    rest = title[len(lead) :].strip() if title.startswith(lead) else ""
    return f"{lead}\n{rest}" if rest else title


SUBPLAN_ANNEX_LABEL = "附件"


def subplan_annex_title(plan: Plan, subplan: Subplan) -> str:
    """第一分局 107 年度提升服務品質細部執行項目表."""
    return f"{subplan.unit} {plan.year} 年度提升服務品質細部執行項目表"


# ---- annual performance report (績效報告) --------------------------------------

REPORT_SECTION_TITLES = ("績效摘要", "各評核構面執行成果", "圖表", "組織診斷檢核結果")
REPORT_APPENDIX_HEADING = "附錄一、未填報項目"
REPORT_DEFINITIONS_HEADING = "附錄二、量化指標定義"
SAMPLE_DATA_NOTE = "（本報告數據為範例資料，非真實統計）"
"""Printed under the title of a report built from data marked ``sample: true``."""
BUREAU_WORD = "全局"
"""The bureau as a whole, as against one unit: 全局比率, 「處理時限內完成比率（全局）：…」."""
REPORT_EXCLUSIONS_HEADING = "未列入全局計算之單位數據"
NO_FIGURE = "—"

_ASSESSMENT_WORDS = {"good": "進步", "bad": "退步"}


def report_headings() -> list[str]:
    """壹、績效摘要 … 肆、組織診斷檢核結果."""
    return [f"{outline_label(0, n)}{title}" for n, title in enumerate(REPORT_SECTION_TITLES, 1)]


def assessment_word(change: Change | None) -> str:
    """The 趨勢 column: 進步 / 退步 / 持平, or — where a change is neither better nor worse."""
    if change is None:
        return NO_FIGURE
    if change.direction == "flat":
        return "持平"
    return _ASSESSMENT_WORDS.get(change.assessment, NO_FIGURE)


def summary_figures(indicator: IndicatorFigure, years: list[int]) -> list[str]:
    """One indicator's row of the 績效摘要 after its name: each year's figure, 較上年, 趨勢."""
    by_year = {f.year: f.text for f in indicator.series}
    if indicator.partial_units and indicator.year in by_year:
        by_year[indicator.year] += PARTIAL_MARK
    change = indicator.change.delta_text if indicator.change else NO_FIGURE
    return [*(by_year.get(year, NO_FIGURE) for year in years), change, assessment_word(indicator.change)]


def summary_sentence(report: CompiledReport) -> str:
    """壹's opening: who reported and how the indicators moved."""
    words = [assessment_word(i.change) for i in report.indicators]
    submitted = "均已繳交" if not report.unsubmitted else f"已繳交 {len(report.submitted)} 個"
    moves = "、".join(f"{word} {words.count(word)} 項" for word in ("進步", "退步", "持平") if words.count(word))
    if moves and (unjudged := words.count(NO_FIGURE)):  # the counts add up to the indicators listed
        moves += f"，另 {unjudged} 項未評比進退（表中以「{NO_FIGURE}」表示）"
    return (
        f"本年度應填報執行成果之單位計 {len(report.units)} 個，{submitted}；"
        f"量化指標 {len(report.indicators)} 項" + (f"，較上年{moves}" if moves else "") + _partial_note(report) + "，彙整如下表。"
    )


def _partial_note(report: CompiledReport) -> str:
    """What the figures marked 「*」 lack: units that sent no file, units whose file lacks the figure."""
    partial = [i for i in report.indicators if i.partial_units]
    if not partial:
        return ""
    lacking = {u for i in partial for u in i.partial_units}
    lacks = []
    if any(u in report.unsubmitted for u in lacking):
        lacks.append(f"尚未繳交之單位（{'、'.join(report.unsubmitted)}）")
    if omitted := [u for u in report.units if u in lacking and u in report.submitted]:
        lacks.append(f"成果未填該項數據之單位（{'、'.join(omitted)}）")
    word = totals_word(total_word(i.kind, i.aggregate) for i in partial)
    compared = "，未與上年比較" if any(y.year < report.year for i in partial for y in i.series) else ""
    return f"；標「{PARTIAL_MARK}」之{word}不含{'及'.join(lacks)}{compared}"


RESULTS_SENTENCE = "依本局執行計畫附件 1 各評核構面、評核項目及評核重點，彙整各承辦單位填報之執行成果、佐證資料及量化指標如下。"


def results_sentence(report: CompiledReport) -> str:
    """貳's opening. A dimension without 評核項目 (整體評核構面-開放創新) has no 承辦單位, so no
    results and no section of 貳: it is named, and where its evidence is, rather than left out
    without a word after 四、."""
    reported = {d.name for d in report.dimensions}
    overall = [d.caption for d in report.checklist if not d.items and d.name not in reported]
    if not overall:
        return RESULTS_SENTENCE
    return (f"{RESULTS_SENTENCE}{'、'.join(overall)}不分承辦單位，其辦理情形以下列各構面執行成果中的佐證資料呈現，"
            f"彙整於{report_headings()[3]}。")


def indicator_line(indicator: IndicatorFigure, report: CompiledReport) -> str:
    """訂定標準作業流程比率（全局）：105 年 90.2%、…；107 年較 106 年上升 1.9 個百分點，…（如圖 1）。

    「全局」: the units' results below give their own figures of the same indicator, and a
    unit's text (「全局 1,124 人受測」) may count fewer units than the bureau's figure does.
    The charts of 參 that show the indicator are named, as a reader of 貳 would otherwise not
    know that a figure draws what the sentence says."""
    line = f"{indicator.name}（{BUREAU_WORD}）：{indicator.trend}"
    if not (numbers := figure_numbers(report, indicator.id)):
        return line
    figures = "、".join(f"圖 {n}" for n in numbers)
    if line.endswith("）。"):  # 「（…均為 0）（如圖 2）」 read as two asides run together
        return f"{line[:-1]}，如{figures}。"
    reference = f"（如{figures}）"
    return f"{line[:-1]}{reference}。" if line.endswith("。") else line + reference


def figure_numbers(report: CompiledReport, indicator_id: str) -> list[int]:
    """The numbers of the charts (圖 1, 圖 2 …, as 參 numbers them) that draw an indicator."""
    return [n for n, chart in enumerate(report.charts, 1) if indicator_id in chart.indicators]


def unit_figure_line(name: str, figure: UnitFigure) -> str:
    """A unit's figure under its outcome: 訂定標準作業流程比率：100.0%; one left out of the bureau
    figure gives the reason, which already says what it is left out of (全局比率, 加權平均)."""
    line = f"{name}：{figure.text}"
    if figure.excluded:
        line += f"（{figure.excluded}）"
    if figure.note:
        line += f"；{figure.note}"
    return line


def evidence_line(evidence: EvidenceItem) -> str:
    """第一分局標準作業流程檢討會議紀錄（107 年 10 月 24 日）; other kinds than 文件 say so."""
    details = [d for d in ("" if evidence.kind == "文件" else evidence.kind, evidence.date_text) if d]
    return f"{evidence.title}（{'，'.join(details)}）" if details else evidence.title


def missing_units_line(units: list[str]) -> str:
    """未填報：甲、乙。 — the units that sent no results."""
    return f"未填報：{'、'.join(units)}。"


def figure_caption(n: int, title: str) -> str:
    """圖 1 服務品質滿意度調查趨勢（105–107 年）."""
    return f"圖 {n} {title}"


def checklist_sentence(report: CompiledReport) -> str:
    """肆's opening: how many entries of 附件 2 have evidence."""
    entries = [e for d in report.checklist for p in _check_points(d) for e in p.entries]
    checked = sum(e.checked for e in entries)
    lead = f"依本局執行計畫附件 2 組織診斷檢核表逐項檢視各單位佐證資料及量化指標：檢核事項計 {len(entries)} 項，"
    if checked == len(entries):
        return lead + f"均已有佐證（{CHECKED}）。"
    return lead + f"已有佐證者 {checked} 項（{CHECKED}），尚無佐證者 {len(entries) - checked} 項（{UNCHECKED}）。"


def _check_points(dim: CheckDimensionMarks) -> list[CheckPointMarks]:
    return [p for item in dim.items for p in item.points] + list(dim.points)


NO_CHARTS_SENTENCE = "本報告未列圖表。"
"""參、圖表 of a report whose indicators.yaml sets no chart: the heading alone read as a page lost."""


def charts_sentence(report: CompiledReport) -> str:
    """參、圖表's opening: nothing when there are charts, else that the report has none."""
    return "" if report.charts else NO_CHARTS_SENTENCE


def missing_sentence(report: CompiledReport) -> str:
    """附錄一's opening: every unit reported, or how many points are missing."""
    if report.complete:
        # Each responsible unit wrote on each of its points; whether every 具體作法 got a result
        # is not checked, and 「全部評核重點之執行成果」 claimed more than that.
        return "各承辦單位均已就其承辦之評核重點填報執行成果，無未填報項目。"
    units = report.missing_by_unit()
    if set(report.unsubmitted) == set(units):  # 「其中」 all of them (or of the one) reads wrong
        return f"下列 {len(units)} 個單位未繳交成果檔，計 {len(report.missing)} 項評核重點未填報執行成果。"
    sentence = f"下列 {len(units)} 個單位計 {len(report.missing)} 項評核重點未填報執行成果"
    if report.unsubmitted:
        sentence += f"，其中{'、'.join(report.unsubmitted)}未繳交成果檔"
    return sentence + "。"


def exclusions_sentence() -> str:
    """What the table of units left out of the bureau figures says above it."""
    return "下列單位數據因分母或權數為 0，未列入全局數值之計算。"


def definitions_sentence(report: CompiledReport) -> str:
    """附錄二's opening: what its table holds, and where the figures of other years come from."""
    sentence = (f"各量化指標之定義、全局數值之計算方式及列入計算之單位如下表；{report.year} 年全局數值由各單位填報之數據"
                "依表列方式計算")
    if any(y.year < report.year for i in report.indicators for y in i.series):
        sentence += "，以往年度數值為本局歷年全局數據"
    return sentence + "。"


def calculation_lines(indicator: IndicatorFigure, report: CompiledReport) -> list[str]:
    """How the bureau figure is made from the units' (全局數值計算方式), with this year's totals
    where there are some: a reviewer sees that a rate is Σ numerators ÷ Σ denominators, not a
    mean of the units' rates, and which totals give 99.4%. The formula itself is the definition's."""
    year = report.year
    if indicator.kind == "ratio":
        lines = ["各單位分子、分母分別合計後相除"]
        if indicator.numerator is not None and indicator.denominator:
            figure = indicator.text + (PARTIAL_MARK if indicator.partial_units else "")  # as in 壹's table
            lines.append(f"{year} 年：{_count(indicator.numerator)} ÷ {_count(indicator.denominator)} = {figure}")
        return lines
    if indicator.kind == "growth":
        return [f"依「{report.indicator(indicator.of or '').name}」之全局數值計算"]
    if indicator.aggregate == "mean":
        lines = [f"依各單位{indicator.base_label}加權平均"]
        if indicator.base:
            lines.append(f"{year} 年{indicator.base_label}合計 {_count(indicator.base)}")
        return lines
    return ["各單位數值加總"]


def counted_units_text(indicator: IndicatorFigure, report: CompiledReport) -> str:
    """列入計算之單位: the units whose figures make the bureau figure (a growth rate's are its
    base indicator's), then those that owe it and have not reported it; units left out of it
    (分母為 0) are listed below the table with the reason."""
    if indicator.kind == "growth":
        return f"同「{report.indicator(indicator.of or '').name}」"
    names = [u.unit for u in indicator.units if u.excluded is None]
    listed = "、".join(grouped_names(names, report))
    counted = f"{listed}（計 {len(names)} 個）" if len(names) > 1 else listed or NO_FIGURE
    # the units a figure marked 「*」 lacks, as 貳 names them under the point
    missing = grouped_names(indicator.partial_units, report)
    return f"{counted}；{missing_units_line(missing)[:-1]}" if missing else counted


def grouped_names(names: list[str], report: CompiledReport) -> list[str]:
    """``names`` with each whole group of units.yaml among them written as the group (各分局 for
    the four 分局, 各單位 for all), as the plan's 承辦單位 name them: forty names broken across a
    narrow column were hard to read. The largest group first; a group stands where its first
    member stood."""
    left, chosen = set(names), {}
    for group in sorted(report.groups, key=lambda g: -len(g.units)):
        if len(group.units) > 1 and left.issuperset(group.units):
            chosen[group.units[0]] = group
            left -= set(group.units)
    shown = []
    for name in names:
        if name in chosen:
            shown.append(chosen[name].name)
        elif name in left:
            shown.append(name)
    return shown


def _count(value: float) -> str:
    """A total as units entered it, grouped: 3,245; 1,166.5."""
    return f"{plain_number(value):,}"
