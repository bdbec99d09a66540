"""The Word writer for the annual performance report: summary, results, charts, ☑/☐, appendix, bytes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import (
    ONLINE_CASES_OF_FIRST,
    ROOT,
    SAMPLE,
    compiled,
    left_out,
    photos_under_their_lines,
    with_photos,
)
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.errors import UserError
from sqdocs.options import BuildOptions
from sqdocs.outline import (
    assessment_word,
    calculation_lines,
    counted_units_text,
    definitions_sentence,
    evidence_line,
    indicator_line,
    report_headings,
    results_sentence,
)
from sqdocs.report import CHECKED, UNCHECKED, CompiledReport
from sqdocs.text.numbering import outline_label
from sqdocs.writers import layout
from sqdocs.writers.charts import chart_size_mm
from sqdocs.writers.docx import render_report
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.oxml import mm_to_twips as oxml_twips

TEMPLATE = ROOT / "templates" / "report.docx"
SOFFICE = shutil.which("soffice")
CHECKLIST_HEADERS = ([c.header for c in layout.ANNEX2_COLUMNS], [c.header for c in layout.ANNEX2_OVERALL_COLUMNS])
RESULT_HEADERS = [c.header for c in layout.REPORT_RESULT_COLUMNS]
MISSING_HEADERS = [c.header for c in layout.REPORT_MISSING_COLUMNS]
DEFINITION_HEADERS = [c.header for c in layout.REPORT_DEFINITION_COLUMNS]


@pytest.fixture(scope="module")
def docx_bytes(plan, report) -> bytes:
    return render_report(plan, report, BuildOptions())


@pytest.fixture(scope="module")
def doc(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


def _headers(table) -> list[str]:
    return [c.text for c in table.rows[0].cells]


def _tables(doc, headers) -> list:
    return [t for t in doc.tables if _headers(t) in (headers if isinstance(headers, tuple) else (headers,))]


def _marks(doc) -> tuple[int, int]:
    """☑ and ☐ at the start of checklist entries."""
    lines = [p.text for t in _tables(doc, CHECKLIST_HEADERS) for row in t.rows[1:] for c in row.cells for p in c.paragraphs]
    return sum(t.startswith(f"{CHECKED}\t") for t in lines), sum(t.startswith(f"{UNCHECKED}\t") for t in lines)


def _lines(cell) -> list[str]:
    """A cell's paragraphs in order, those of a table inside it too (a photo kept with its line)."""
    return [Paragraph(p, cell).text for p in cell._tc.iter(qn("w:p"))]


def _styled(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


# ---- structure ------------------------------------------------------------------------


def test_title_and_sections(report, doc):
    assert doc.paragraphs[0].text == report.title == "基隆市警察局 107 年度提升服務品質績效報告"
    assert _styled(doc, S.HEADING_1) == [*report_headings(), "附錄一、未填報項目", "附錄二、量化指標定義"]
    assert report_headings() == ["壹、績效摘要", "貳、各評核構面執行成果", "參、圖表", "肆、組織診斷檢核結果"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "{{" not in text and "{%" not in text
    # The charts start a page of their own; the other sections follow on.
    breaks = {p.text: bool(p.paragraph_format.page_break_before) for p in doc.paragraphs if p.style.name == S.HEADING_1}
    assert [h for h, brk in breaks.items() if brk] == ["參、圖表"]
    # A section's lead sentence keeps with what it introduces: never 「貳、…」 and its lead alone
    # at the foot of a page (as LibreOffice laid it out before).
    paragraphs = doc.paragraphs
    leads = [paragraphs[n + 1] for n, p in enumerate(paragraphs[:-1]) if p.style.name == S.HEADING_1]
    leads = [p for p in leads if p.style.name == S.BODY]
    assert len(leads) == 5 and all(p.paragraph_format.keep_with_next for p in leads)


def test_summary_table_shows_the_display_texts(report, doc):
    table = doc.tables[0]
    assert _headers(table) == ["指標", "105 年", "106 年", "107 年", "較上年", "趨勢"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(report.indicators)
    for row, indicator in zip(rows, report.indicators, strict=True):
        by_year = {f.year: f.text for f in indicator.series}
        assert row == [
            indicator.name, by_year[105], by_year[106], indicator.text,
            indicator.change.delta_text, assessment_word(indicator.change),
        ]
    on_time = rows[[i.id for i in report.indicators].index("on_time_rate")]
    assert on_time == ["處理時限內完成比率", "98.2%", "98.8%", "99.4%", "+0.6 個百分點", "進步"]
    assert {r[-1] for r in rows} >= {"進步", "退步"}
    assert all(p.style.name == S.TABLE_FIGURE for row in table.rows[1:] for c in row.cells[1:] for p in c.paragraphs)
    # centred between top and bottom, as in the PDF: a name on two lines beside figures on one
    assert all(tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "center" for row in table.rows[1:] for tc in row._tr.tc_lst)


def test_result_tables_centre_the_unit_as_the_pdf_does(doc):
    units = [row.cells[0] for t in _tables(doc, RESULT_HEADERS) for row in t.rows[1:]]
    assert units and all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for cell in units for p in cell.paragraphs if p.text)


def test_results_follow_dimension_item_point(report, doc):
    items = [f"{outline_label(2, n)}\t{i.name}" for d in report.dimensions for n, i in enumerate(d.items, 1)]
    assert _styled(doc, S.HEADING_3) == items
    assert items[0] == "(一)\t服務一致及正確"
    points = [p for d in report.dimensions for i in d.items for p in i.points]
    assert [t.split("\t", 1)[1] for t in _styled(doc, S.HEADING_4)] == [p.name for p in points]
    assert _styled(doc, S.HEADING_4)[0] == "1.\t申辦業務標準作業流程訂定情形"
    captions = [f"{n}、{d.caption}" for n, d in zip("一二三四", report.dimensions, strict=True)]
    assert _styled(doc, S.HEADING_2)[: len(captions)] == captions  # then 附件 2's captions under 肆


def test_every_contribution_outcome_evidence_and_trend(report, doc):
    tables = _tables(doc, RESULT_HEADERS)
    points = [p for p in report.points() if p.contributions]
    assert len(tables) == len(points)
    for table, point in zip(tables, points, strict=True):
        rows = table.rows[1:]
        assert [r.cells[0].text for r in rows] == [c.unit for c in point.contributions]
        for row, c in zip(rows, point.contributions, strict=True):
            lines = [p.text for p in row.cells[1].paragraphs]
            assert lines[0] == c.outcome
            assert [line.split("：")[1] for line in lines[1:]] == [f.text for f in c.figures]
            evidence = [line for line in _lines(row.cells[2]) if line]
            expected = [evidence_line(e) for e in c.evidence]
            if len(expected) == 1:  # one piece of evidence is not numbered (as in the PDF)
                assert evidence == expected
            else:
                assert evidence == [f"{n}.\t{line}" for n, line in enumerate(expected, 1)]
    body = _styled(doc, S.BODY)
    for indicator in report.indicators:
        if any(indicator in p.indicators for p in report.points()):
            assert indicator_line(indicator, report) in body
    assert "（107 年 9 月 24 日）" in "\n".join(c.text for t in tables for r in t.rows for c in r.cells)


# ---- charts ---------------------------------------------------------------------------


def _photos(report: CompiledReport) -> list:
    return [e for p in report.points() for c in p.contributions for e in c.evidence if e.kind == "照片" and e.path]


def test_charts_are_embedded_at_their_size_with_captions(report, doc, docx_bytes):
    assert len(report.charts) >= 3
    shapes = doc.inline_shapes
    charts = [s for s in shapes if s._inline.docPr.get("name").startswith("圖 ")]
    assert len(charts) == len(report.charts)
    for shape, chart in zip(charts, report.charts, strict=True):
        width, height = chart_size_mm(chart)
        assert abs(shape.width - Mm(width)) < Mm(0.1) and abs(shape.height - Mm(height)) < Mm(0.1)
        assert shape._inline.docPr.get("descr") == chart.title
    assert _styled(doc, S.CAPTION) == [f"圖 {n} {c.title}" for n, c in enumerate(report.charts, 1)]
    pictures = len(report.charts) + len(_photos(report))
    assert len(shapes) == pictures
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        assert len(media) == pictures
        assert all(z.read(n).startswith(b"\x89PNG") for n in media)
        body = z.read("word/document.xml").decode()
    ids = [d.get("id") for d in doc.element.body.iter(qn("wp:docPr"))]
    assert len(ids) == len(set(ids)) == pictures
    assert body.count("<pic:pic") == pictures


def test_sample_report_is_under_200_kb(docx_bytes):
    # issue 8's .docx ≤ 200 KB: the three charts as RGB PNGs had taken it to 236 KB
    assert len(docx_bytes) <= 200 * 1024


def test_evidence_photos_sit_in_the_evidence_column(report, doc):
    photos = _photos(report)
    assert photos, "the sample has evidence photos"
    shapes = [s for s in doc.inline_shapes if s._inline.docPr.get("name").startswith("照片 ")]
    assert [s._inline.docPr.get("descr") for s in shapes] == [e.title for e in photos]
    column = layout.REPORT_RESULT_COLUMNS[2].width_mm
    assert all(Mm(column - 5) < s.width < Mm(column) for s in shapes)
    inside = column - 2 * layout.CELL_PADDING_MM  # the column inside its padding, to a twentieth of a mm
    assert all(abs(s.width - Mm(inside)) < Mm(0.05) for s in shapes), [s.width.mm for s in shapes]
    # No spacing around a picture: LibreOffice's default distances pushed a photo out of its cell.
    for shape in doc.inline_shapes:
        assert all(shape._inline.get(side) == "0" for side in ("distT", "distB", "distL", "distR"))


def test_a_photo_and_its_line_are_a_row_that_never_splits(plan, report, tmp_path):
    """LibreOffice ignores keep-with-next and keep-lines-together in a table cell: a results row
    of many photos, taller than a page, left 「4. 現場照片 4（照片）」 at a page's foot and its photo
    atop the next. A photo and its line are a row that may not split, of a borderless table in
    the cell; photos one after another are rows of one table (LibreOffice joins tables that touch)."""
    doc = Document(io.BytesIO(render_report(plan, with_photos(report, tmp_path), BuildOptions())))
    table = _tables(doc, RESULT_HEADERS)[0]
    cell = table.rows[1].cells[2]
    column = int(table._tbl.tblGrid.findall(qn("w:gridCol"))[2].get(qn("w:w")))
    inner = cell._tc.findall(qn("w:tbl"))
    assert len(inner) == 2  # photos 1–6; the document line; photos 7–12
    kept = []
    for tbl in inner:
        pr = tbl.find(qn("w:tblPr"))
        assert {e.get(qn("w:val")) for e in pr.find(qn("w:tblBorders"))} == {"nil"}
        assert {e.get(qn("w:w")) for e in pr.find(qn("w:tblCellMar"))} == {"0"}
        assert abs(int(pr.find(qn("w:tblW")).get(qn("w:w"))) - (column - 2 * oxml_twips(layout.CELL_PADDING_MM))) <= 2
        for tr in tbl.findall(qn("w:tr")):
            assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
            [tc] = tr.findall(qn("w:tc"))
            line, photo = tc.findall(qn("w:p"))
            assert photo.find(f".//{qn('wp:inline')}") is not None
            kept.append(Paragraph(line, cell).text)
    numbers = [*range(1, 7), *range(8, 14)]
    assert kept == [f"{n}.\t現場照片 {p}（照片）" for n, p in zip(numbers, range(1, 13), strict=True)]
    # The document stays a line of the cell itself, which ends with a paragraph, as Word wants.
    assert [Paragraph(p, cell).text for p in cell._tc.findall(qn("w:p"))] == ["7.\t現場會議紀錄", ""]
    assert cell._tc[-1].tag == qn("w:p")


def test_unit_column_holds_the_longest_name_on_one_line(plan, report):
    """「中和第一分局」 (6 characters at 12 pt) fits 承辦單位, taken from 執行成果: photos keep their column."""
    renamed = CompiledReport.model_validate_json(report.model_dump_json().replace("第一分局", "中和第一分局"))
    doc = Document(io.BytesIO(render_report(plan, renamed, BuildOptions())))
    need = oxml_twips(6 * layout.TABLE_PT * 25.4 / 72 + 2 * layout.CELL_PADDING_MM)
    tables = _tables(doc, RESULT_HEADERS)
    assert tables
    for table in tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[0] >= need
        assert abs(grid[2] - oxml_twips(layout.REPORT_RESULT_COLUMNS[2].width_mm)) <= 2


# ---- checklist ------------------------------------------------------------------------


def _with_unchecked(report: CompiledReport, every: int = 3) -> CompiledReport:
    """The report with every ``every``-th checklist entry unsupported."""
    n = 0

    def points(points):
        nonlocal n
        out = []
        for p in points:
            entries = []
            for e in p.entries:
                n += 1
                entries.append(e.model_copy(update={"checked": False, "sources": []}) if n % every == 0 else e)
            out.append(p.model_copy(update={"entries": entries}))
        return out

    dims = [
        d.model_copy(update={
            "items": [i.model_copy(update={"points": points(i.points)}) for i in d.items],
            "points": points(d.points),
        })
        for d in report.checklist
    ]
    return report.model_copy(update={"checklist": dims})


def _count(report: CompiledReport) -> tuple[int, int]:
    entries = [e for d in report.checklist for p in [*(p for i in d.items for p in i.points), *d.points] for e in p.entries]
    return sum(e.checked for e in entries), sum(not e.checked for e in entries)


def test_checklist_marks_match_the_compiled_report(plan, report, doc):
    assert _marks(doc) == _count(report)
    assert len(_tables(doc, CHECKLIST_HEADERS)) == len(plan.annex2.dimensions)
    marked = _with_unchecked(report)
    checked, unchecked = _count(marked)
    assert checked and unchecked
    doc = Document(io.BytesIO(render_report(plan, marked, BuildOptions())))
    assert _marks(doc) == (checked, unchecked)
    sentence = next(t for t in _styled(doc, S.BODY) if t.startswith("依本局執行計畫附件 2"))
    assert f"已有佐證者 {checked} 項" in sentence and f"尚無佐證者 {unchecked} 項" in sentence


def test_checklist_has_the_plans_structure(plan, doc):
    tables = _tables(doc, CHECKLIST_HEADERS)
    for table, dim in zip(tables, plan.annex2.dimensions, strict=True):
        points = [p for item in dim.items for p in item.points] if dim.items else dim.points
        column = 2 if dim.items else 1
        for row, point in zip(table.rows[1:], points, strict=True):
            assert row.cells[column - 1].text == point.name
            assert [p.text.split("\t", 1)[1] for p in row.cells[column].paragraphs] == list(point.entries)


# ---- appendix -------------------------------------------------------------------------


def test_complete_sample_says_every_unit_submitted(report, doc):
    assert report.complete
    assert "各承辦單位均已就其承辦之評核重點填報執行成果，無未填報項目。" in _styled(doc, S.BODY)
    assert results_sentence(report) in _styled(doc, S.BODY) and "開放創新" in results_sentence(report)
    assert not _tables(doc, MISSING_HEADERS)


def test_an_indicator_line_names_the_chart_that_draws_it(doc):
    [line] = [t for t in _styled(doc, S.BODY) if t.startswith("處理時限內完成比率（全局）：")]
    assert line.endswith("呈進步趨勢（如圖 3）。")
    assert sum("（如圖 1）" in t for t in _styled(doc, S.BODY)) == 4


def test_a_results_row_of_more_than_twelve_lines_may_split(report, plan):
    """Kept whole (w:cantSplit), a big bureau's 600-character outcome went on to the next page and
    left half of this one empty; a row of up to twelve lines stays on one page, as in the PDF."""
    dim = report.dimensions[0]
    point = dim.items[0].points[0]
    long = "\n".join(f"{k}、本局持續辦理各項便民服務措施並定期檢討改進，以提升民眾滿意度。" for k in range(1, 21))
    first = point.contributions[0].model_copy(update={"outcome": long})
    point = point.model_copy(update={"contributions": [first, *point.contributions[1:]]})
    item = dim.items[0].model_copy(update={"points": [point, *dim.items[0].points[1:]]})
    tall = report.model_copy(update={"dimensions": [dim.model_copy(update={"items": [item, *dim.items[1:]]}),
                                                    *report.dimensions[1:]]})
    doc = Document(io.BytesIO(render_report(plan, tall, BuildOptions())))
    [table, *_] = _tables(doc, RESULT_HEADERS)
    rows = table.rows[1:]
    assert rows[0].cells[1].text.startswith("1、")
    assert rows[0]._tr.trPr is None or rows[0]._tr.trPr.find(qn("w:cantSplit")) is None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows[1:])


def test_the_indicator_definitions_follow_the_missing_points(report, doc):
    [table] = _tables(doc, DEFINITION_HEADERS)
    rows = table.rows[1:]
    assert [r.cells[0].text for r in rows] == [i.name for i in report.indicators]
    for row, ind in zip(rows, report.indicators, strict=True):
        assert row.cells[1].text == ind.definition
        assert [p.text for p in row.cells[2].paragraphs] == calculation_lines(ind, report)
        assert row.cells[3].text == counted_units_text(ind, report)
        assert row._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None  # not split from its indicator
    assert definitions_sentence(report) in _styled(doc, S.BODY)


def test_figures_left_out_are_listed_under_the_definitions(plan, data_copy):
    first = data_copy / "results" / "第一分局.yaml"
    first.write_text(first.read_text(encoding="utf-8").replace("{numerator: 8547, denominator: 8591}",
                                                               "{numerator: 0, denominator: 0}"), "utf-8")
    report = compiled(data_copy, plan)
    assert [(e.indicator, e.unit) for e in report.exclusions] == [("on_time_rate", "第一分局")]
    doc = Document(io.BytesIO(render_report(plan, report, BuildOptions())))
    headings = [p.text for p in doc.paragraphs if p.style.name in (S.HEADING_1, S.HEADING_2)]
    assert headings[-2:] == ["附錄二、量化指標定義", "未列入全局計算之單位數據"]
    [table] = _tables(doc, DEFINITION_HEADERS)
    [on_time] = [r for r in table.rows if r.cells[0].text == "處理時限內完成比率"]
    assert "第一分局" not in on_time.cells[3].text


def test_missing_submission_is_listed_in_the_appendix(plan, data_copy):
    (data_copy / "results" / "第四分局.yaml").unlink()
    report = compiled(data_copy, plan)
    missing = [(m.unit, m.dimension, m.item, m.point) for m in report.missing]
    assert missing and {m[0] for m in missing} == {"第四分局"}
    doc = Document(io.BytesIO(render_report(plan, report, BuildOptions())))
    [table] = _tables(doc, MISSING_HEADERS)
    rows = table.rows[1:]
    assert [r.cells[3].text for r in rows] == [m[3] for m in missing]
    assert rows[0].cells[0].text == "第四分局"
    # The unit's cell is written once and merged down over all its rows.
    marks = [r._tr.tc_lst[0].tcPr.find(qn("w:vMerge")) for r in rows]
    assert marks[0].get(qn("w:val")) == "restart" and all(m is not None for m in marks[1:])
    sentence = next(t for t in _styled(doc, S.BODY) if t.startswith("下列"))
    # the only unit missing is the one that sent nothing: not 「1 個單位…，其中第四分局未繳交成果檔」
    assert sentence == f"下列 1 個單位未繳交成果檔，計 {len(missing)} 項評核重點未填報執行成果。"
    assert "未填報：第四分局。" in _styled(doc, S.BODY)  # under each point, too


def test_the_appendix_names_among_the_missing_the_units_that_sent_nothing(plan, data_copy):
    """人事室 left out one point, 第四分局 sent no file: 「其中」 names 第四分局 among the two."""
    (data_copy / "results" / "第四分局.yaml").unlink()
    left_out(data_copy, "人事室", (
        "  - dimension: 服務遞送\n    item: 服務可近性\n    point: 在地化服務\n"
        "    outcome: 推動「3Q 退警志工」，退休同仁 34 人配合各區小學保護學童上、下學交通及人身安全。\n"
        "    evidence:\n      - title: 人事室在地化服務活動成果\n        kind: 文件\n"
        "        date: 107 年 12 月 13 日\n        supports: [1]\n"
    ))
    report = compiled(data_copy, plan)
    doc = Document(io.BytesIO(render_report(plan, report, BuildOptions())))
    sentence = next(t for t in _styled(doc, S.BODY) if t.startswith("下列"))
    assert sentence == f"下列 2 個單位計 {len(report.missing)} 項評核重點未填報執行成果，其中第四分局未繳交成果檔。"


def test_a_sum_a_unit_left_out_of_its_file_is_marked_in_the_summary(plan, data_copy):
    left_out(data_copy, "第一分局", ONLINE_CASES_OF_FIRST)
    doc = Document(io.BytesIO(render_report(plan, compiled(data_copy, plan), BuildOptions())))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows[1:]]
    assert [r for r in rows if r[4] == "—"] == [  # 較上年
        ["線上申辦件數", "5,230 件", "6,870 件", "7,292 件*", "—", "—"],
        ["線上申辦使用成長率", "18.6%", "31.4%", "—", "—", "—"],
    ]
    body = _styled(doc, S.BODY)
    [opening] = [t for t in body if t.startswith("本年度應填報執行成果之單位")]
    assert opening.endswith("；標「*」之合計不含成果未填該項數據之單位（第一分局），未與上年比較，彙整如下表。")
    assert ("線上申辦件數（全局）：105 年 5,230 件、106 年 6,870 件、107 年 7,292 件；"
            "107 年的合計不含成果未填此項數據的單位（第一分局），待各單位填報齊全後再與上年比較。") in body


def test_figures_of_one_unit_of_many_are_marked_and_not_judged(plan, data_copy):
    """Only 第一分局 handed in: its 14/15 read as the bureau's rate, judged 退步 (宜檢討原因)."""
    for path in (data_copy / "results").glob("*.yaml"):
        if path.stem != "第一分局":
            path.unlink()
    doc = Document(io.BytesIO(render_report(plan, compiled(data_copy, plan), BuildOptions())))
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in doc.tables[0].rows[1:]}
    assert rows["訂定標準作業流程比率"] == ["90.2%", "93.5%", "93.3%*", "—", "—"]
    assert rows["電話禮貌測試平均成績"] == ["86.4 分", "88.2 分", "91.4 分*", "—", "—"]
    assert not [r for r in rows.values() if r[-1] in ("進步", "退步", "持平")]
    body = _styled(doc, S.BODY)
    assert not [t for t in body if "將檢討原因" in t or "趨勢" in t]
    [opening] = [t for t in body if t.startswith("本年度應填報執行成果之單位")]
    assert "較上年" not in opening and "；標「*」之數值不含尚未繳交之單位（行政科、" in opening
    assert any(t.startswith("訂定標準作業流程比率（全局）：105 年 90.2%、106 年 93.5%、107 年 93.3%；107 年的比率不含尚未填報成果的單位（")
               and t.endswith("待各單位填報齊全後再與上年比較。") for t in body)


# ---- data, bytes, templates -------------------------------------------------------------

TRICKY = "A & B <c> {{ 7 * 7 }} {% if true %}X{% endif %}"


def test_data_comes_out_literally(plan, report):
    point = report.dimensions[0].items[0].points[0]
    c = point.contributions[0].model_copy(update={"outcome": TRICKY})
    point = point.model_copy(update={"contributions": [c, *point.contributions[1:]]})
    item = report.dimensions[0].items[0].model_copy(update={"points": [point, *report.dimensions[0].items[0].points[1:]]})
    dim = report.dimensions[0].model_copy(update={"items": [item, *report.dimensions[0].items[1:]]})
    changed = report.model_copy(update={"dimensions": [dim, *report.dimensions[1:]]})
    doc = Document(io.BytesIO(render_report(plan, changed, BuildOptions())))
    assert _tables(doc, RESULT_HEADERS)[0].rows[1].cells[1].paragraphs[0].text == TRICKY


def test_properties_and_reproducible_bytes(plan, report, docx_bytes, doc):
    assert render_report(plan, report, BuildOptions()) == docx_bytes
    props = doc.core_properties
    assert props.title == report.title and props.author == report.agency
    assert props.created.date() == plan.body.period.end
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        day = plan.body.period.end
        assert {i.date_time for i in z.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
        assert len(z.namelist()) == len(set(z.namelist()))


def test_fonts_and_header_rows(doc):
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "標楷體" and fonts.get(qn("w:ascii")) == "Times New Roman"
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_templates_dir_without_report_docx_is_a_user_error(plan, report, tmp_path):
    shutil.copy(ROOT / "templates" / "plan.docx", tmp_path / "plan.docx")
    with pytest.raises(UserError, match="report.docx"):
        render_report(plan, report, BuildOptions(templates=tmp_path))


def test_plan_template_lacks_the_report_styles(plan, report, tmp_path):
    shutil.copy(ROOT / "templates" / "plan.docx", tmp_path / "report.docx")
    with pytest.raises(UserError, match=S.FIGURE):
        render_report(plan, report, BuildOptions(templates=tmp_path))


def test_cli_builds_the_report_with_a_templates_folder(plan, report, tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / "report.docx")
    out = tmp_path / "out"
    args = ["build", str(SAMPLE), "-o", str(out), "--only", "report", "--format", "docx", "--templates", str(folder)]
    assert main(args) == 0
    built = out / f"{file_stem(report.title)}.docx"
    assert built.read_bytes() == render_report(plan, report, BuildOptions())
    (folder / "report.docx").unlink()
    assert main(args) != 0
    assert "report.docx" in capsys.readouterr().err


def _soffice(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # A profile of its own: other LibreOffice runs on the machine must not block this one.
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(cwd / 'lo').as_uri()}", "--headless", *args],
        cwd=cwd, capture_output=True, text=True, timeout=180,
    )


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_template_saved_by_libreoffice_still_renders(plan, report, tmp_path):
    shutil.copy(TEMPLATE, tmp_path / "report.docx")
    out = tmp_path / "saved"
    result = _soffice("--convert-to", "docx", "--outdir", str(out), "report.docx", cwd=tmp_path)
    assert (out / "report.docx").is_file(), result.stderr
    doc = Document(io.BytesIO(render_report(plan, report, BuildOptions(templates=out))))
    assert doc.paragraphs[0].text == report.title
    assert len(doc.inline_shapes) == len(report.charts) + len(_photos(report))
    assert _marks(doc) == _count(report)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_report_to_pdf(docx_bytes, tmp_path):
    (tmp_path / "report.docx").write_bytes(docx_bytes)
    result = _soffice("--convert-to", "pdf", "report.docx", cwd=tmp_path)
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(pdf)
    assert 12 <= len(reader.pages) <= 40  # 25 on this machine
    text = "".join(page.extract_text() for page in reader.pages)
    assert "圖 3" in text and "附錄一、未填報項目" in text and "附錄二、量化指標定義" in text and CHECKED in text
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 3


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_each_photo_under_its_line_where_a_row_splits(plan, report, tmp_path):
    """Twelve photos make a results row taller than a page: LibreOffice left a photo's line
    (「5. 現場照片 5（照片）」) at a page's foot and the photo atop the next."""
    (tmp_path / "report.docx").write_bytes(render_report(plan, with_photos(report, tmp_path), BuildOptions()))
    result = _soffice("--convert-to", "pdf", "report.docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert photos_under_their_lines(tmp_path / "report.pdf") == 12


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_chart_of_every_unit_keeps_its_caption_on_its_page(plan, report, tmp_path):
    """A units chart of all 25 units of the sample was inserted 253 mm tall, as tall as the page's
    text: LibreOffice put its caption 「圖 1 …」 alone on the next page."""
    from sqdocs.report import ChartData, ChartSeries

    units = report.units
    chart = ChartData(
        id="proposals_by_unit", title="各單位創新提案件數", kind="units", unit="件", places=0, categories=units,
        series=[ChartSeries(label="創新提案件數", values=[float(n % 12 + 1) for n in range(len(units))],
                            texts=[f"{n % 12 + 1} 件" for n in range(len(units))])],
    )
    assert len(units) >= 25
    docx = render_report(plan, report.model_copy(update={"charts": [chart]}), BuildOptions())
    (tmp_path / "report.docx").write_bytes(docx)
    result = _soffice("--convert-to", "pdf", "report.docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(tmp_path / "report.pdf") as pdf:
        with_caption = [p for p in pdf.pages if "圖 1 各單位創新提案件數" in (p.extract_text() or "")]
        assert len(with_caption) == 1
        page = with_caption[0]
        caption = page.search("各單位創新提案件數")[0]
        charts = [i for i in page.images if i["bottom"] <= caption["top"] + 1]
        assert len(charts) == 1, "the chart, above its caption on the same page"


def test_a_results_row_is_measured_in_the_columns_its_table_has(report, plan):
    """承辦單位 widened for a long name narrows 執行成果: a row of twelve lines in the default columns
    is more in the table's own, and was still kept whole (w:cantSplit)."""
    outcome = "本局持續辦理各項便民服務措施並定期檢討改進以提升民眾滿意度" * 8  # 232 characters
    default = layout.REPORT_RESULT_COLUMNS
    wide = layout.widened(default, 0, ["中和第一分局分局"], give=1, max_ems=layout.UNIT_NAME_MAX_EMS)
    assert layout.result_row_keeps_together([outcome], [], 0, default)
    assert not layout.result_row_keeps_together([outcome], [], 0, wide)
    dim = report.dimensions[0]
    point = dim.items[0].points[0]
    first = point.contributions[0].model_copy(update={"unit": "中和第一分局分局", "outcome": outcome, "figures": [],
                                                       "evidence": []})
    point = point.model_copy(update={"contributions": [first, *point.contributions[1:]]})
    item = dim.items[0].model_copy(update={"points": [point, *dim.items[0].points[1:]]})
    long = report.model_copy(update={"dimensions": [dim.model_copy(update={"items": [item, *dim.items[1:]]}),
                                                    *report.dimensions[1:]]})
    doc = Document(io.BytesIO(render_report(plan, long, BuildOptions())))
    [table, *_] = _tables(doc, RESULT_HEADERS)
    row = table.rows[1]
    assert row.cells[0].text == "中和第一分局分局"
    assert row._tr.trPr is None or row._tr.trPr.find(qn("w:cantSplit")) is None
