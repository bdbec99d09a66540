"""Flowable factories every document shares: the title, numbered sections, annex starts and
the captioned tables of an annex, one per dimension.

Text and numbering come from :mod:`sqdocs.outline`; these functions only decide layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Table

from sqdocs.outline import Para, Section
from sqdocs.text.numbering import outline_label
from sqdocs.writers import layout
from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.text import Typesetter

# A caption is only set where its table can start below it (caption, header, a few lines).
CAPTION_ROOM = 40 * mm


class Room(CondPageBreak):
    """A page break unless ``height`` is left on the page; between two flowables it leaves their
    spacing as it was without it: the larger of the space after one and before the other, not
    both added (reportlab adds the next one's whole space before after a flowable of no height)."""

    _SPACETRANSFER = True  # reportlab's name: the space after the flowable before passes on


class RoomForStart(Room):
    """A page break unless what follows fits below it up to the first row of a table: the
    headings of a point, its indicator lines, the table's header and first row.

    Headings then never end a page apart from what they introduce, while a long table still
    starts on the page (keepWithNext would carry the whole table to the next one). The room
    asked for is at most half a page, unless the first row is one the table keeps whole
    (:attr:`GroupedTable.sq_keep`): then the headings go on with it, as in Word.

    ``whole``: ask for that room only if it is within that limit, else for none (:func:`led`).
    """

    def __init__(self, flows: Sequence[Flowable], whole: bool = False) -> None:
        super().__init__(0)
        self.flows = list(flows)
        self.whole = whole

    def wrap(self, availWidth, availHeight):  # reportlab's names
        needed, most = 0.0, furniture.FRAME_HEIGHT / 2
        for flow in self.flows:
            if isinstance(flow, Table):
                flow._calc(availWidth, 1e9)
                needed += sum(flow._rowHeights[: flow.repeatRows + 1])
                keep = getattr(flow, "sq_keep", None)
                if keep is not None and flow._rowHeights[flow.repeatRows] <= keep:
                    most = furniture.FRAME_HEIGHT  # a row kept whole: all of it goes to the next page
                break
            needed += flow.wrap(availWidth, 1e9)[1] + flow.getSpaceBefore() + flow.getSpaceAfter()
        # Else never more than half a page: a first row as tall as a page would break every page.
        self.height = 0.0 if self.whole and needed > most else min(needed, most)
        return super().wrap(availWidth, availHeight)


def led(lead: Sequence[Flowable], start: Sequence[Flowable]) -> list[Flowable]:
    """``start`` (a point's headings and what follows them, a caption and its table) placed by
    :class:`RoomForStart`, after ``lead`` (a section's heading and lead sentence, which Word keeps
    with what follows): on the page where the start goes, when the two fit on one; else where
    the lead falls, so that a row kept whole still finds a page with the headings over it."""
    if not lead:
        return [RoomForStart(start), *start]
    return [RoomForStart([*lead, *start], whole=True), *lead, RoomForStart(start), *start]


def spaced(flow: Flowable, after: float) -> Flowable:
    """``flow`` with room below it; unlike a Spacer, the room is dropped at the foot of a page
    instead of opening the next one (a Spacer there before a page break leaves a blank page)."""
    flow.spaceAfter = after
    return flow


def title(text: str, ts: Typesetter) -> list[Flowable]:
    """The centred title; one too long for a line breaks at a space, not inside a word:
    「基隆市警察局第一分局」 over 「107 年度提升服務品質細部執行計畫」."""
    style = ts.styles.title
    width = layout.TEXT_WIDTH_MM * mm
    if ts.width(text, style) <= width:
        return [ts.para(text, style, "標題")]
    for cut in (i for i, ch in enumerate(text) if ch == " "):
        head, rest = text[:cut], text[cut + 1 :]
        if ts.width(rest, style) <= width:
            first = ts.para(head, ts.styles.title_first, "標題")
            return [first, ts.para(rest, style, "標題")]
    return [ts.para(text, style, "標題")]


def paragraph(para: Para, ts: Typesetter, where: str) -> list[Flowable]:
    """A numbered paragraph and its children, each at its level's place (layout.OUTLINE_EMS)."""
    at = f"{where} {para.label}"
    level = min(para.depth, len(layout.OUTLINE_EMS)) - 1
    style = ts.styles.heading if para.is_heading else ts.styles.body  # bold, as Word's Heading 2
    first = ts.outline(para.label, para.line[len(para.label) :], style, at, layout.OUTLINE_EMS[level])
    if para.children:
        first.keepWithNext = 1  # 「二、獎懲作業：」 never alone at the foot of a page
    flows: list[Flowable] = [first]
    for child in para.children:
        flows += paragraph(child, ts, at)
    return flows


def heading(text: str, key: str, ts: Typesetter) -> Flowable:
    """A section heading kept with what follows, bookmarked at the top level."""
    flow = ts.para(text, ts.styles.section, text)
    flow.keepWithNext = 1
    return furniture.mark(flow, key, text, 0)


def section(sec: Section, number: int, ts: Typesetter) -> list[Flowable]:
    """壹、計畫依據 … with its intro and numbered paragraphs, indented as in Word (layout.OUTLINE_EMS,
    FIRST_LINE_EMS). A bare 一、 title over sub-clauses is bookmarked under the section."""
    styles = ts.styles
    flows: list[Flowable] = [heading(sec.heading, f"section-{number}", ts)]
    if sec.intro:
        flows.append(ts.outline("", sec.intro, styles.body, f"{sec.heading} 本文", (layout.FIRST_LINE_EMS, 0.0)))
    for n, para in enumerate(sec.paras, 1):
        para_flows = paragraph(para, ts, sec.heading)
        if para.is_heading:  # a heading in Word and ODF (一、考核作業：), so in their navigation too
            furniture.mark(para_flows[0], f"section-{number}-{n}", para.line, level=1)
        flows += para_flows
    return flows


def annex_start(label: str, key: str, title_text: str | None, ts: Typesetter) -> list[Flowable]:
    """A new page with 「附件 n」 at the top right and the annex title."""
    flows: list[Flowable] = [
        PageBreak(),
        furniture.mark(
            ts.para(label, ts.styles.annex_label, label), key, f"{label} {title_text}" if title_text else label
        ),
    ]
    if title_text:
        flows.append(ts.para(title_text, ts.styles.annex_title, f"{label} 標題"))
    return flows


def caption(text: str, key: str, ts: Typesetter, where: str) -> list[Flowable]:
    """A caption over a table, on a new page unless the table can start below it; bookmarked
    under the section."""
    para = ts.para(text, ts.styles.caption, where)
    return [Room(CAPTION_ROOM), furniture.mark(para, key, text, level=1)]


def dimension_tables(
    label: str, key: str, dimensions: Sequence, make_table: Callable, ts: Typesetter, lead: Sequence[Flowable] = ()
) -> list[Flowable]:
    """一、個別評核構面-基礎服務 and its table, for each dimension; ``label`` names the annex in
    messages. ``lead`` (a section's heading and lead sentence) goes on with the first caption
    and the start of its table, as Word keeps them with what follows."""
    flows: list[Flowable] = []
    for n, dim in enumerate(dimensions, 1):
        text = f"{outline_label(1, n)}{dim.caption}"
        room, title = caption(text, f"{key}-{n}", ts, f"{label} {text}")
        table = make_table(dim, ts, f"{label} {dim.caption} ")  # the next caption's space follows it, as in Word
        # The caption also waits for a page that holds the table's first row whole (when that
        # row is short enough): split there, the row could not move on without its caption.
        flows += [room, *led(lead, [title, table])]
        lead = ()
    return [*flows, *lead]
