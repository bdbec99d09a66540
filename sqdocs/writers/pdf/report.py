"""The annual performance report (績效報告) as a PDF.

壹 the summary of indicators, 貳 each dimension → item → point with the units' results,
參 the charts, 肆 the 附件 2 checklist with ☑/☐, 附錄一 the missing submissions, 附錄二 the
indicators' definitions. Every text is
the compiled report's or :mod:`sqdocs.outline`'s; the layout reuses the plan's blocks and tables.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from sqdocs import outline
from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.properties import report_properties
from sqdocs.report import CompiledReport, PointReport
from sqdocs.text.numbering import outline_label
from sqdocs.writers import layout
from sqdocs.writers.pdf import blocks, document, figures, furniture
from sqdocs.writers.pdf.report_tables import (
    definitions_table,
    exclusions_table,
    missing_table,
    results_table,
    summary_table,
)
from sqdocs.writers.pdf.tables import marked_checklist_table
from sqdocs.writers.pdf.text import Typesetter


class _Story:
    """The flowables of one report, section by section."""

    def __init__(self, report: CompiledReport, ts: Typesetter) -> None:
        self.report, self.ts = report, ts
        self.headings = outline.report_headings()

    def sample_note(self) -> list[Flowable]:
        """「本報告數據為範例資料…」 under the title, when the data says it is sample data."""
        if not self.report.sample:
            return []
        return [self.ts.para(outline.SAMPLE_DATA_NOTE, self.ts.styles.note, "標題")]

    def text(self, text: str, where: str) -> Flowable:
        """A paragraph of the report's own text, its first line indented as in Word (Body Text)."""
        return self.ts.outline("", text, self.ts.styles.body, where, (layout.FIRST_LINE_EMS, 0.0))

    def subheading(self, label: str, title: str, key: str, level: int) -> list[Flowable]:
        """A bookmarked heading that starts a page rather than end one without room for the
        start of its table below."""
        return [blocks.Room(blocks.CAPTION_ROOM), self.marked_heading(label, title, key, level)]

    def marked_heading(self, label: str, title: str, key: str, level: int) -> Flowable:
        """一、 (一) 1. at ``level`` 1–3, placed as Word's Heading 2–4 (layout.REPORT_HEADING_EMS)
        and bookmarked at that level."""
        at = layout.REPORT_HEADING_EMS[level - 1]
        flow = self.ts.outline(label, title, self.ts.styles.heading, f"{label}{title}", at)
        return furniture.mark(flow, key, f"{label}{title}", level)

    def all(self) -> list[Flowable]:
        return [
            *blocks.title(self.report.title, self.ts),
            *self.sample_note(),
            *self.summary(),
            *self.results(),
            *self.charts(),
            *self.checklist(),
            *self.appendix(),
            *self.definitions(),
        ]

    def summary(self) -> list[Flowable]:
        report, ts = self.report, self.ts
        heading = self.headings[0]
        return [
            blocks.heading(heading, "section-1", ts),
            self.text(outline.summary_sentence(report), f"{heading} 本文"),
            blocks.spaced(summary_table(report, ts, f"{heading} "), layout.TABLE_PT),
        ]

    def results(self) -> list[Flowable]:
        heading = self.headings[1]
        flows: list[Flowable] = []
        # The section's heading and lead sentence go with the first point's start, as Word keeps
        # them with what follows (the template's lead sentence is kept with the next paragraph).
        lead = [blocks.heading(heading, "section-2", self.ts), self.text(outline.results_sentence(self.report), f"{heading} 本文")]
        for d, dim in enumerate(self.report.dimensions, 1):
            key = f"results-{d}"
            # The headings that open a point start a page together with the point's first lines.
            headings = [self.marked_heading(outline_label(1, d), dim.caption, key, 1)]
            for i, item in enumerate(dim.items, 1):
                headings.append(self.marked_heading(outline_label(2, i), item.name, f"{key}-{i}", 2))
                for p, point in enumerate(item.points, 1):
                    headings.append(self.marked_heading(outline_label(3, p), point.name, f"{key}-{i}-{p}", 3))
                    body = self.point(point, f"{heading} {dim.caption} {item.name} {point.name} ")
                    flows += blocks.led(lead, headings + body)
                    headings, lead = [], []
        return flows + lead

    def point(self, point: PointReport, where: str) -> list[Flowable]:
        """The point's indicators and their trends, the units' results as a table, who did not report.
        Nothing is spaced below them but by the next heading's space before, as in the .docx."""
        flows: list[Flowable] = [self.text(outline.indicator_line(ind, self.report), f"{where}{ind.name}") for ind in point.indicators]
        if point.contributions:
            flows.append(results_table(point, self.report, self.ts, where))
        if point.missing:
            flows.append(self.text(outline.missing_units_line(point.missing), f"{where}未填報"))
        return flows

    def charts(self) -> list[Flowable]:
        heading = self.headings[2]
        # A new page, so the charts share pages instead of one squeezed after the results (as in Word).
        if not self.report.charts:
            return [blocks.heading(heading, "section-3", self.ts),
                    self.text(outline.charts_sentence(self.report), f"{heading} 本文")]
        flows: list[Flowable] = [PageBreak(), blocks.heading(heading, "section-3", self.ts)]
        for n, chart in enumerate(self.report.charts, 1):
            caption = outline.figure_caption(n, chart.title)
            flows.append(figures.chart(chart, caption, f"chart-{n}", self.ts))
        return flows

    def checklist(self) -> list[Flowable]:
        heading = self.headings[3]
        lead = [blocks.heading(heading, "section-4", self.ts), self.text(outline.checklist_sentence(self.report), f"{heading} 本文")]
        return blocks.dimension_tables(heading, "checklist", self.report.checklist, marked_checklist_table, self.ts, lead)

    def appendix(self) -> list[Flowable]:
        """The points each unit reported nothing on."""
        report, ts = self.report, self.ts
        heading = outline.REPORT_APPENDIX_HEADING
        flows: list[Flowable] = [
            # Not a page of its own (as in Word): when every unit reported, it is one sentence,
            # which the heading keeps with it; room for a table's start only when a table follows.
            *([blocks.Room(blocks.CAPTION_ROOM)] if report.missing else []),
            blocks.heading(heading, "appendix", ts),
            self.text(outline.missing_sentence(report), f"{heading} 本文"),
        ]
        if report.missing:
            flows.append(blocks.spaced(missing_table(report, ts, f"{heading} "), layout.TABLE_PT))
        return flows

    def definitions(self) -> list[Flowable]:
        """What each indicator measures and how its bureau figure is made; then any unit figures
        left out of a bureau figure."""
        report, ts = self.report, self.ts
        heading = outline.REPORT_DEFINITIONS_HEADING
        flows: list[Flowable] = [
            blocks.Room(blocks.CAPTION_ROOM),
            blocks.heading(heading, "definitions", ts),
            self.text(outline.definitions_sentence(report), f"{heading} 本文"),
            blocks.spaced(definitions_table(report, ts, f"{heading} "), layout.TABLE_PT),
        ]
        if report.exclusions:
            title = outline.REPORT_EXCLUSIONS_HEADING
            flows += [
                *self.subheading(outline_label(1, 1), title, "definitions-exclusions", 1),
                self.text(outline.exclusions_sentence(), f"{heading} {title}"),
                exclusions_table(report, ts, f"{heading} {title} "),
            ]
        return flows


def render_report(plan: Plan, report: CompiledReport, options: BuildOptions | None = None) -> bytes:
    """The annual performance report (績效報告) as PDF bytes, its charts drawn in the same font."""
    options = chosen(options)
    meta = report_properties(plan, report)
    return document.render(lambda ts: _Story(report, ts).all(), meta, options.font)
