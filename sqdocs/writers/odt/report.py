"""The annual performance report (績效報告) as OpenDocument Text: summary, results, charts,
checklist and appendices, laid out as the Word writer lays them out.

Every number and sentence comes ready from the compiled report and :mod:`sqdocs.outline`;
this module only places them as headings, tables and pictures.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqdocs.model import Plan
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
from sqdocs.writers.odt import blocks, figures, package, tables
from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt.document import Document
from sqdocs.writers.odt.tables import AnnexTable, Cell, listed, text

# ---- 壹、績效摘要 ---------------------------------------------------------------------



def summary(doc: Document, report: CompiledReport) -> None:
    """指標 | 105 年 | 106 年 | 107 年 | 較上年 | 趨勢, one row per indicator."""
    columns, rows = layout.report_summary(report)
    table = AnnexTable(doc, columns, middle=True)
    for name, texts in rows:
        table.row(text(name), *(tables.figures(t) for t in texts), keep_together=True)
    table.finish()


# ---- 貳、各評核構面執行成果 -------------------------------------------------------------

# Photos fill the 佐證資料 column inside its padding.
_PHOTO_WIDTH_MM = layout.REPORT_RESULT_COLUMNS[2].width_mm - 2 * layout.CELL_PADDING_MM


def _evidence(doc: Document, evidence: list[EvidenceItem]) -> Cell:
    """Each piece of evidence (numbered when there are several), a photo under its line.

    A photo is kept on one page with its line, as in the .docx and the PDF: a row of many
    photos, taller than a page, left 「4. 現場照片（照片）」 at one page's foot and its photo atop the next.
    """
    cell: Cell = []
    texts = [evidence_line(e) for e in evidence]
    for ev, line in zip(evidence, text(*texts) if len(texts) == 1 else listed(numbered(texts)), strict=True):
        picture = figures.photo(doc, ev.path, _PHOTO_WIDTH_MM, ev.title) if ev.kind == "照片" else None
        if picture is None:
            cell.append(line)
        else:
            tables.keep_together(doc, cell, [line, picture], _PHOTO_WIDTH_MM)
    return cell


def results(doc: Document, report: CompiledReport) -> None:
    """一、dimension → (一) item → 1. point: its indicators' trends, then each unit's results."""
    names = {i.id: i.name for i in report.indicators}
    keep_with_table = doc.variant(S.BODY, {"fo:keep-with-next": "always"})
    for n, dim in enumerate(report.dimensions, 1):
        doc.heading(S.HEADINGS[1], 2, f"{outline_label(1, n)}{dim.caption}")
        for m, item in enumerate(dim.items, 1):
            doc.heading(S.HEADINGS[2], 3, blocks.labelled(outline_label(2, m), item.name, layout.REPORT_HEADING_EMS[1]))
            for k, point in enumerate(item.points, 1):
                doc.heading(S.HEADINGS[3], 4, blocks.labelled(outline_label(3, k), point.name, layout.REPORT_HEADING_EMS[2]))
                for indicator in point.indicators:
                    # a figure line never ends a page apart from the results table it introduces
                    doc.paragraph(keep_with_table if point.contributions else S.BODY, indicator_line(indicator, report))
                if point.contributions:
                    columns = layout.report_result_columns(report)
                    table = AnnexTable(doc, columns)
                    for c in point.contributions:
                        figures = [unit_figure_line(names[f.indicator], f) for f in c.figures]
                        table.row(tables.figures(c.unit), text(c.outcome, *figures), _evidence(doc, c.evidence),
                                  keep_together=layout.contribution_keeps_together(c, figures, columns))
                    table.finish()
                if point.missing:
                    doc.paragraph(S.BODY, missing_units_line(point.missing))


# ---- 參、圖表 ---------------------------------------------------------------------------


def charts(doc: Document, report: CompiledReport, font: Path | None) -> None:
    """Each chart as a PNG at the size it was drawn for, captioned 圖 1 …"""
    for n, chart in enumerate(report.charts, 1):
        figures.chart(doc, chart, n, font)


# ---- 肆、組織診斷檢核結果 ---------------------------------------------------------------


def checklist(doc: Document, report: CompiledReport) -> None:
    """附件 2 as in the plan, ☑ where evidence or a figure supports an entry, ☐ where nothing does."""
    tables.checklist(doc, report.checklist, lambda point: [(e.mark, e.text) for e in point.entries])


# ---- 附錄一、未填報項目 -----------------------------------------------------------------


def appendix(doc: Document, report: CompiledReport) -> None:
    """The points each unit reported nothing on (the unit's cell spanning its rows)."""
    if report.missing:
        table = AnnexTable(doc, layout.report_missing_columns(report))
        tables.merged_rows(table, [(m.unit, m.dimension, m.item, m.point) for m in report.missing], merged_columns=3)
        table.finish()


# ---- 附錄二、量化指標定義 ----------------------------------------------------------------


def definitions(doc: Document, report: CompiledReport) -> None:
    """What each indicator measures and how its bureau figure is made; then any unit figures
    left out of a bureau figure."""
    table = AnnexTable(doc, layout.REPORT_DEFINITION_COLUMNS)
    for ind in report.indicators:
        # kept on a page, as in the PDF: a split row left 「107 年：65 ÷ 191」 a page from its indicator
        table.row(text(ind.name), text(ind.definition), text(*calculation_lines(ind, report)),
                  text(counted_units_text(ind, report)), keep_together=True)
    table.finish()
    if report.exclusions:
        doc.heading(S.HEADINGS[1], 2, REPORT_EXCLUSIONS_HEADING)
        doc.paragraph(S.BODY, exclusions_sentence())
        table = AnnexTable(doc, layout.report_exclusion_columns(report), middle=True)
        for e in report.exclusions:
            table.row(text(e.name), text(e.unit), text(e.reason))
        table.finish()


# ---- the document -----------------------------------------------------------------------


def build(report: CompiledReport, font: Path | None = None) -> Document:
    """The performance report as an ODF document, its charts drawn in ``font`` (the Kai face by default)."""
    doc = Document()
    blocks.title(doc, report.title)
    if report.sample:
        # Centred under the title, as in Word and the PDF; without Body Text's first-line indent,
        # which would push a centred line half of it right.
        note = doc.variant(S.BODY, {"fo:text-align": "center", "fo:text-indent": "0pt"})
        doc.paragraph(note, SAMPLE_DATA_NOTE)
    headings = report_headings()
    new_page = doc.variant(S.HEADINGS[0], {"fo:break-before": "page"})
    sections: list[tuple[str, str, Callable[[], None], str]] = [
        (headings[0], summary_sentence(report), lambda: summary(doc, report), S.HEADINGS[0]),
        (headings[1], results_sentence(report), lambda: results(doc, report), S.HEADINGS[0]),
        # The charts start a page: two fit on it, rather than one squeezed after the results (as in Word).
        (headings[2], charts_sentence(report), lambda: charts(doc, report, font), new_page if report.charts else S.HEADINGS[0]),
        (headings[3], checklist_sentence(report), lambda: checklist(doc, report), S.HEADINGS[0]),
        (REPORT_APPENDIX_HEADING, missing_sentence(report), lambda: appendix(doc, report), S.HEADINGS[0]),
        (REPORT_DEFINITIONS_HEADING, definitions_sentence(report), lambda: definitions(doc, report), S.HEADINGS[0]),
    ]
    lead = doc.variant(S.BODY, {"fo:keep-with-next": "always"})  # never alone at a page's foot, as in Word
    for heading, intro, body, style in sections:
        doc.heading(style, 1, heading)
        if intro:
            doc.paragraph(lead, intro)
        body()
    return doc


def render_report(plan: Plan, report: CompiledReport, font: Path | None = None) -> bytes:
    """The annual performance report as .odt bytes, charts included; identical data gives identical bytes."""
    return package.write(build(report, font), report_properties(plan, report))
