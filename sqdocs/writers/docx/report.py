"""The annual performance report (績效報告) as Word: summary, results, charts, checklist, appendices.

Every number and sentence comes ready from the compiled report and ``sqdocs.outline``; this
module only lays them out as headings, tables and pictures in the template's styles.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from docx.shared import Mm

from sqdocs.model import Plan
from sqdocs.options import BuildOptions, chosen
from sqdocs.outline import (
    REPORT_APPENDIX_HEADING,
    REPORT_DEFINITIONS_HEADING,
    REPORT_EXCLUSIONS_HEADING,
    SAMPLE_DATA_NOTE,
    calculation_lines,
    charts_sentence,
    checklist_sentence,
    counted_units_text,
    definitions_sentence,
    evidence_line,
    exclusions_sentence,
    figure_caption,
    indicator_line,
    missing_sentence,
    missing_units_line,
    numbered,
    report_headings,
    results_sentence,
    summary_sentence,
    unit_figure_line,
)
from sqdocs.properties import report_properties
from sqdocs.report.model import CompiledReport, EvidenceItem
from sqdocs.text.numbering import outline_label
from sqdocs.writers import layout
from sqdocs.writers.charts import chart_size_mm, render_chart
from sqdocs.writers.docx import context, oxml, tables
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.fragment import Fragment
from sqdocs.writers.docx.tables import (
    AnnexTable,
    Block,
    CellPicture,
    Kept,
    centred,
    column_widths,
    listed,
    text,
)
from sqdocs.writers.docx.template import WordTemplate, open_template
from sqdocs.writers.photos import load_photo

TEMPLATE_NAME = "report.docx"
STYLES = S.REPORT_GENERATED
NAMES = frozenset({"title", "note", "agency", "year", "sections"})
"""What the template may read: the context :func:`_context` gives it (a test checks they agree)."""


def _figures(*texts: str) -> list[Block]:
    """Numbers in a table: centred (the template's Table Figure style)."""
    return [(S.TABLE_FIGURE, t) for t in texts]


# ---- 壹、績效摘要 ---------------------------------------------------------------------



def summary(doc: Fragment, report: CompiledReport, width: int) -> None:
    """指標 | 105 年 | 106 年 | 107 年 | 較上年 | 趨勢, one row per indicator."""
    columns, rows = layout.report_summary(report)
    table = AnnexTable(doc, columns, width, middle=True)
    for name, figures in rows:
        table.row(text(name), *(_figures(f) for f in figures), keep_together=True)
    table.finish()


# ---- 貳、各評核構面執行成果 -------------------------------------------------------------


def results(doc: Fragment, report: CompiledReport, width: int) -> None:
    """一、dimension → (一) item → 1. point: its indicators' trends, then each unit's results."""
    # Photos fill the 佐證資料 column inside its padding, at the template's own column width.
    photo_mm = column_widths(layout.REPORT_RESULT_COLUMNS, width)[2] / oxml.TWIPS_PER_MM - 2 * layout.CELL_PADDING_MM
    names = {i.id: i.name for i in report.indicators}
    for n, dim in enumerate(report.dimensions, 1):
        doc.add_paragraph(f"{outline_label(1, n)}{dim.caption}", doc.style(S.HEADING_2))
        for m, item in enumerate(dim.items, 1):
            doc.add_paragraph(f"{outline_label(2, m)}\t{item.name}", doc.style(S.HEADING_3))
            for k, point in enumerate(item.points, 1):
                doc.add_paragraph(f"{outline_label(3, k)}\t{point.name}", doc.style(S.HEADING_4))
                for indicator in point.indicators:
                    line = doc.add_paragraph(indicator_line(indicator, report), doc.style(S.BODY))
                    if point.contributions:
                        line.paragraph_format.keep_with_next = True  # with the table's first row
                if point.contributions:
                    columns = layout.report_result_columns(report)
                    table = AnnexTable(doc, columns, width)
                    for c in point.contributions:
                        figures = [unit_figure_line(names[f.indicator], f) for f in c.figures]
                        table.row(centred(c.unit), text(c.outcome, *figures), _evidence(c.evidence, photo_mm),
                                  keep_together=layout.contribution_keeps_together(c, figures, columns))
                    table.finish()
                if point.missing:
                    doc.add_paragraph(missing_units_line(point.missing), doc.style(S.BODY))


def _evidence(evidence: list[EvidenceItem], photo_mm: float) -> list[Block | Kept]:
    """Each piece of evidence (numbered when there are several), a photo under its line, as in
    the PDF and ODT.

    A photo is kept on one page with its line: a row of many photos, taller than a page, left
    「4. 現場照片（照片）」 at one page's foot and its photo atop the next.
    """
    blocks: list[Block | Kept] = []
    texts = [evidence_line(e) for e in evidence]
    lines = text(*texts) if len(texts) == 1 else listed(numbered(texts))
    for ev, line in zip(evidence, lines, strict=True):
        photo = load_photo(ev.path, photo_mm) if ev.kind == "照片" else None
        if photo is None:
            blocks.append(line)
        else:
            picture = CellPicture(photo, photo_mm, f"照片 {ev.unit} {ev.title}", ev.title)
            blocks.append(Kept((line, (S.TABLE_TEXT, picture))))
    return blocks


# ---- 參、圖表 ---------------------------------------------------------------------------


def charts(doc: Fragment, report: CompiledReport, width: int, font: Path | None) -> None:
    """Each chart as a PNG at the size it was drawn for, captioned 圖 1 …"""
    for n, chart in enumerate(report.charts, 1):
        png = render_chart(chart, font=font)
        w, h = chart_size_mm(chart)
        scale = min(1.0, width / oxml.mm_to_twips(w))  # a template with wider margins: shrink, keep proportions
        run = doc.add_paragraph(style=doc.style(S.FIGURE)).add_run()
        picture = run.add_picture(io.BytesIO(png), width=Mm(w * scale), height=Mm(h * scale))
        oxml.describe_picture(picture, f"圖 {n}", chart.title)
        doc.add_paragraph(figure_caption(n, chart.title), doc.style(S.CAPTION))


# ---- 肆、組織診斷檢核結果 ---------------------------------------------------------------


def checklist(doc: Fragment, report: CompiledReport, width: int) -> None:
    """附件 2 as in the plan, ☑ where evidence or a figure supports an entry, ☐ where nothing does."""
    tables.checklist(doc, report.checklist, width, lambda point: [(e.mark, e.text) for e in point.entries])


# ---- 附錄一、未填報項目 -----------------------------------------------------------------


def appendix(doc: Fragment, report: CompiledReport, width: int) -> None:
    """The points each unit reported nothing on (the unit's cell merged over its rows)."""
    if report.missing:
        table = AnnexTable(doc, layout.report_missing_columns(report), width)
        tables.merged_rows(table, [(m.unit, m.dimension, m.item, m.point) for m in report.missing], merged_columns=3)
        table.finish()


# ---- 附錄二、量化指標定義 ----------------------------------------------------------------


def definitions(doc: Fragment, report: CompiledReport, width: int) -> None:
    """What each indicator measures and how its bureau figure is made; then any unit figures
    left out of a bureau figure."""
    table = AnnexTable(doc, layout.REPORT_DEFINITION_COLUMNS, width)
    for ind in report.indicators:
        # kept on a page, as in the PDF: a split row left 「107 年：65 ÷ 191」 a page from its indicator
        table.row(text(ind.name), text(ind.definition), text(*calculation_lines(ind, report)),
                  text(counted_units_text(ind, report)), keep_together=True)
    table.finish()
    if report.exclusions:
        doc.add_paragraph(REPORT_EXCLUSIONS_HEADING, doc.style(S.HEADING_2))
        doc.add_paragraph(exclusions_sentence(), doc.style(S.BODY))
        table = AnnexTable(doc, layout.report_exclusion_columns(report), width, middle=True)
        for e in report.exclusions:
            table.row(text(e.name), text(e.unit), text(e.reason))
        table.finish()


# ---- the document -----------------------------------------------------------------------


def _context(report: CompiledReport, template: WordTemplate, font: Path | None) -> dict:
    width = template.text_width_twips

    def section(heading: str, intro: str, build: Callable[[Fragment], None], new_page: bool = False) -> dict:
        body = template.fragment()
        build(body)
        return {"heading": heading, "intro": intro, context.BODY: body, "new_page": new_page}

    headings = report_headings()
    return {
        "title": report.title,
        "note": SAMPLE_DATA_NOTE if report.sample else "",
        "agency": report.agency,
        "year": report.year,
        "sections": [
            section(headings[0], summary_sentence(report), lambda doc: summary(doc, report, width)),
            section(headings[1], results_sentence(report), lambda doc: results(doc, report, width)),
            # The charts start a page: two fit on it, rather than one squeezed after the results.
            section(headings[2], charts_sentence(report), lambda doc: charts(doc, report, width, font),
                    new_page=bool(report.charts)),
            section(headings[3], checklist_sentence(report), lambda doc: checklist(doc, report, width)),
            section(REPORT_APPENDIX_HEADING, missing_sentence(report), lambda doc: appendix(doc, report, width)),
            section(REPORT_DEFINITIONS_HEADING, definitions_sentence(report), lambda doc: definitions(doc, report, width)),
        ],
    }


def render_report(plan: Plan, report: CompiledReport, options: BuildOptions | None = None) -> bytes:
    """The annual performance report as .docx bytes, charts included; identical data gives identical bytes."""
    options = chosen(options)
    template = open_template(options.templates, TEMPLATE_NAME, STYLES)
    with layout.table_text_size(template.table_text_pt):
        return template.render(_context(report, template, options.font), report_properties(plan, report))
