"""The execution plan as a PDF: title, sections 壹–柒 and annexes 1–3, each a list of flowables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from sqdocs.model import Plan
from sqdocs.outline import Para, Section, annex_label, plan_sections
from sqdocs.text.numbering import outline_label
from sqdocs.writers import layout
from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.fonts import font_set
from sqdocs.writers.pdf.tables import annex1_table, annex2_table, roster_table
from sqdocs.writers.pdf.text import Typesetter

# A dimension caption is only set where its table can start below it (caption, header, a few lines).
CAPTION_ROOM = 40 * mm


def _paragraph(para: Para, ts: Typesetter, x: float, where: str) -> list[Flowable]:
    """A numbered paragraph, its label at ``x``, and its children aligned with its text."""
    body = ts.styles.body
    at = f"{where} {para.label}"
    first = ts.hanging(para.label, para.line[len(para.label) :], body, at, x)
    if para.children:
        first.keepWithNext = 1  # 「二、獎懲作業：」 never alone at the foot of a page
    flows: list[Flowable] = [first]
    child_x = x + ts.width(para.label, body)
    for child in para.children:
        flows += _paragraph(child, ts, child_x, at)
    return flows


def section(sec: Section, number: int, ts: Typesetter) -> list[Flowable]:
    """壹、計畫依據 … with its intro and numbered paragraphs; text aligns after 「壹、」."""
    styles = ts.styles
    heading = ts.para(sec.heading, styles.heading, sec.heading)
    heading.keepWithNext = 1
    flows: list[Flowable] = [furniture.mark(heading, f"section-{number}", sec.heading)]
    x = ts.width(sec.label, styles.body)
    if sec.intro:
        flows.append(ts.hanging("", sec.intro, styles.body, f"{sec.heading} 本文", x))
    for para in sec.paras:
        flows += _paragraph(para, ts, x, sec.heading)
    return flows


def _annex_start(number: int, title: str | None, ts: Typesetter) -> list[Flowable]:
    """A new page with 「附件 n」 at the top right and the annex title."""
    label = annex_label(number)
    flows: list[Flowable] = [
        PageBreak(),
        furniture.mark(
            ts.para(label, ts.styles.annex_label, label),
            f"annex-{number}", f"{label} {title}" if title else label,
        ),
    ]
    if title:
        flows.append(ts.para(title, ts.styles.annex_title, f"{label} 標題"))
    return flows


def _dimensions(number: int, dimensions, make_table: Callable, ts: Typesetter) -> list[Flowable]:
    """一、個別評核構面-基礎服務 and its table, for each dimension of an annex."""
    flows: list[Flowable] = []
    for n, dim in enumerate(dimensions, 1):
        caption = f"{outline_label(1, n)}{dim.caption}"
        where = f"{annex_label(number)} {dim.caption} "
        flows += [
            CondPageBreak(CAPTION_ROOM),
            furniture.mark(
                ts.para(caption, ts.styles.caption, f"{annex_label(number)} {caption}"),
                f"annex-{number}-{n}", caption, level=1,
            ),
            make_table(dim, ts, where),
            Spacer(0, layout.TABLE_PT),
        ]
    return flows


def story(plan: Plan, ts: Typesetter) -> list[Flowable]:
    """Every flowable of the plan, in reading order."""
    flows: list[Flowable] = [ts.para(plan.title, ts.styles.title, "標題")]
    for number, sec in enumerate(plan_sections(plan.body), 1):
        flows += section(sec, number, ts)
    flows += _annex_start(1, plan.annex1.title, ts)
    flows += _dimensions(1, plan.annex1.dimensions, annex1_table, ts)
    flows += _annex_start(2, plan.annex2.title, ts)
    flows += _dimensions(2, plan.annex2.dimensions, annex2_table, ts)
    flows += _annex_start(3, plan.roster.title, ts)
    flows.append(roster_table(plan.roster, ts, f"{annex_label(3)} "))
    return flows


def render_plan(plan: Plan, font: Path | None = None) -> tuple[bytes, list[str]]:
    """The plan's PDF, and a message per character no font could draw."""
    fonts = font_set(font)
    ts = Typesetter(fonts)
    flows = story(plan, ts)
    meta = furniture.Metadata(
        title=plan.title,
        author=plan.agency,
        subject="提升服務品質執行計畫",  # as the Word writer sets them
        keywords=("提升服務品質", "執行計畫", plan.agency, f"{plan.year} 年度"),
        created=plan.body.document_date,
    )
    return furniture.render(flows, meta, fonts.main), ts.missing_messages()
