"""The documents as numbered text: labels, section titles and sentences every writer shares.

This is a filter in Pandoc's sense: model in, format-neutral structure out. Writers
decide fonts and layout; they never number or phrase anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqdocs.model import Basis, Clause, Plan, PlanBody, Subplan
from sqdocs.text.numbering import chinese_number, outline_label
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
    for n, step in enumerate(body.steps, 1):
        if "細部執行計畫" in f"{step.title or ''}{step.text or ''}":
            return f"{section}{chinese_number(n)}"
    return section


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


SUBPLAN_ANNEX_LABEL = "附件"


def subplan_annex_title(plan: Plan, subplan: Subplan) -> str:
    """第一分局 107 年度提升服務品質細部執行項目表."""
    return f"{subplan.unit} {plan.year} 年度提升服務品質細部執行項目表"
