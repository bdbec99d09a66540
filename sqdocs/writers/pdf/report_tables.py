"""The tables of the performance report: the summary of indicators, each point's results,
the missing submissions, the indicators' definitions and the units' figures left out of the
bureau figure.

Built with the annex machinery of :mod:`sqdocs.writers.pdf.tables` (header repeated on every
page, rows that split, merged-looking group cells); columns from :mod:`sqdocs.writers.layout`,
every text from :mod:`sqdocs.outline` or the compiled report as it is.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Table

from sqdocs import outline
from sqdocs.report import CompiledReport, EvidenceItem, PointReport
from sqdocs.writers import layout
from sqdocs.writers.pdf import figures
from sqdocs.writers.pdf.tables import (
    KEPT_ROW_HEIGHT,
    PADDING,
    Cell,
    Row,
    grid,
    numbered_cell,
    text_cell,
)
from sqdocs.writers.pdf.text import Typesetter


def summary_table(report: CompiledReport, ts: Typesetter, where: str) -> Table:
    """指標 | 105 年 | 106 年 | 107 年 | 較上年 | 趨勢, one row per indicator, as compiled."""
    columns, shown = layout.report_summary(report)
    rows = []
    for name, values in shown:
        at = f"{where}「{name}」"
        cells = [text_cell(name, ts, at)]
        cells += [text_cell(v, ts, f"{at}{c.header}", center=True) for v, c in zip(values, columns[1:], strict=True)]
        rows.append(Row(cells))
    return grid(columns, rows, ts, valign="MIDDLE", keep_rows=True)


def _evidence_cell(evidence: list[EvidenceItem], ts: Typesetter, where: str) -> Cell:
    """Each piece of evidence (numbered when there are several), a photo under its line."""
    width = layout.REPORT_RESULT_COLUMNS[2].width_mm * mm - PADDING[0] - PADDING[2]
    lines = [outline.evidence_line(ev) for ev in evidence]
    paras = [ts.para(lines[0], ts.styles.cell, f"{where}第 1 項")] if len(lines) == 1 else numbered_cell(lines, ts, where)
    cell: Cell = []
    for ev, para in zip(evidence, paras, strict=True):
        image = figures.photo(ev.path, width) if ev.kind == "照片" else None
        cell.append(para if image is None else figures.Captioned(para, image))
    return cell


def results_table(point: PointReport, report: CompiledReport, ts: Typesetter, where: str) -> Table:
    """承辦單位 | 執行成果 | 佐證資料: each unit that reported on the point, its figures under its outcome."""
    names = {ind.id: ind.name for ind in report.indicators}
    columns = layout.report_result_columns(report)
    unit_h, outcome_h, evidence_h = (c.header for c in columns)
    rows = []
    for c in point.contributions:
        at = f"{where}{c.unit} "
        outcome = text_cell(c.outcome, ts, f"{at}{outcome_h}")
        outcome += [
            ts.para(outline.unit_figure_line(names.get(f.indicator, f.indicator), f), ts.styles.cell, f"{at}{outcome_h}")
            for f in c.figures
        ]
        rows.append(Row(
            [
                text_cell(c.unit, ts, f"{at}{unit_h}", center=True),
                outcome,
                _evidence_cell(c.evidence, ts, f"{at}{evidence_h}"),
            ],
            carry={0: c.unit},
        ))
    return grid(columns, rows, ts, keep_rows=KEPT_ROW_HEIGHT)


def exclusions_table(report: CompiledReport, ts: Typesetter, where: str) -> Table:
    """指標 | 單位 | 原因 of every unit figure left out of a bureau figure."""
    columns = layout.report_exclusion_columns(report)
    heads = [c.header for c in columns]
    rows = [
        Row([
            text_cell(value, ts, f"{where}第 {n} 列 {head}", center=head == heads[1])
            for value, head in zip((e.name, e.unit, e.reason), heads, strict=True)
        ])
        for n, e in enumerate(report.exclusions, 1)
    ]
    return grid(columns, rows, ts, valign="MIDDLE", keep_rows=True)


def definitions_table(report: CompiledReport, ts: Typesetter, where: str) -> Table:
    """指標 | 定義 | 全局數值計算方式 | 列入計算之單位, one row per indicator, in the summary's order."""
    columns = layout.REPORT_DEFINITION_COLUMNS
    heads = [c.header for c in columns]
    rows = []
    for ind in report.indicators:
        at = f"{where}「{ind.name}」"
        calculation: Cell = [ts.para(line, ts.styles.cell, f"{at}{heads[2]}") for line in outline.calculation_lines(ind, report)]
        rows.append(Row([
            text_cell(ind.name, ts, f"{at}{heads[0]}"),
            text_cell(ind.definition, ts, f"{at}{heads[1]}"),
            calculation,
            text_cell(outline.counted_units_text(ind, report), ts, f"{at}{heads[3]}"),
        ]))
    return grid(columns, rows, ts, keep_rows=True)


def missing_table(report: CompiledReport, ts: Typesetter, where: str) -> Table:
    """單位 | 評核構面 | 評核項目 | 評核重點 of every missing submission; a unit, its dimension and its
    item are written once and look merged over the rows that repeat them (as in the Word report)."""
    columns = layout.report_missing_columns(report)
    heads = [c.header for c in columns]
    values = [(m.unit, m.dimension, m.item, m.point) for m in report.missing]
    rows = []
    for row, merged in zip(values, layout.repeated_above(values, 3), strict=True):
        at = f"{where}{row[0]}「{row[3]}」"
        cells = [
            [] if col < merged else text_cell(value, ts, f"{at}{heads[col]}", center=col < 2)
            for col, value in enumerate(row)
        ]
        rows.append(Row(cells, merged=merged, carry=dict(enumerate(row[:3]))))
    return grid(columns, rows, ts, keep_rows=True)
