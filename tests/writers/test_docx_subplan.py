"""The Word writer for a unit's detailed plan (細部執行計畫): body, the 附件 table, template, bytes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from docx import Document
from docx.oxml.ns import qn

from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.derive import detailed_plan, subplan_annex, subplan_title
from sqdocs.errors import UserError
from sqdocs.load.subplan import load_subplans
from sqdocs.model import Plan, Subplan
from sqdocs.options import BuildOptions
from sqdocs.outline import numbered, subplan_sections
from sqdocs.text.roc import format_roc
from sqdocs.writers import layout
from sqdocs.writers.docx import oxml, render_subplan
from sqdocs.writers.docx import styles as S

TEMPLATE = ROOT / "templates" / "subplan.docx"
SOFFICE = shutil.which("soffice")
UNITS = ("第一分局", "第二分局", "第三分局", "第四分局")


@pytest.fixture(scope="module")
def subplans(plan: Plan) -> dict[str, Subplan]:
    return {unit: loaded.subplan for unit, loaded in load_subplans(SAMPLE, plan).items()}


@pytest.fixture(scope="module")
def subplan(subplans) -> Subplan:
    return subplans["第一分局"]


@pytest.fixture(scope="module")
def docx_bytes(plan, subplan) -> bytes:
    return render_subplan(plan, detailed_plan(plan, subplan), BuildOptions())


@pytest.fixture(scope="module")
def doc(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


def _lines(cell) -> list[str]:
    return [p.text.replace("\t", " ") for p in cell.paragraphs]


def _practices(doc) -> list[str]:
    """Every line of the 具體作法 column, without its 1. label."""
    return [line.split(" ", 1)[1] for table in doc.tables for row in table.rows[1:] for line in _lines(row.cells[2])]


# ---- body ---------------------------------------------------------------------------


def test_title_and_numbered_sections(plan, subplan, doc):
    title = doc.paragraphs[0]
    assert title.style.name == S.TITLE
    # Broken after the unit's name, where a typesetter would break the 20 pt title.
    assert title.text == "基隆市警察局第一分局\n107 年度提升服務品質細部執行計畫"
    assert title.text.replace("\n", " ") == subplan_title(plan, "第一分局")
    headings = [p.text for p in doc.paragraphs if p.style.name == S.HEADING_1]
    assert headings[:6] == ["壹、依據", "貳、目標", "參、執行對象", "肆、執行期程", "伍、執行內容", "陸、考核"]
    assert headings[6] == "第一分局 107 年度提升服務品質細部執行項目表"
    body = [p.text for p in doc.paragraphs if p.style.name == S.BODY]
    sections = subplan_sections(plan, subplan)
    assert body == [s.intro for s in sections]
    assert f"「{plan.title}」陸、執行步驟七" in body[0]
    assert "信義派出所" in body[2] and "行政組" in body[2]  # 執行對象: the sub-units
    assert body[3] == plan.body.schedule
    assert "（如附件）" in body[4]
    assert "不定期查訪" in body[5] and "年度考核" in body[5]
    goals = [p.text for p in doc.paragraphs if p.style.name == S.OUTLINE[0]]
    assert goals == [f"{n}、{g}" for n, g in zip("一二三", plan.body.objectives.goals, strict=True)]


def test_annex_label_starts_a_new_page(doc):
    labels = [p for p in doc.paragraphs if p.style.name == S.ANNEX_LABEL]
    assert [p.text for p in labels] == ["附件"]
    assert doc.styles[S.ANNEX_LABEL].paragraph_format.page_break_before


# ---- the table ----------------------------------------------------------------------


def test_one_table_per_dimension_with_points(plan, subplan, doc):
    annex = subplan_annex(plan, subplan)
    assigned = {p.dimension for p in subplan.points if not p.removed}
    assert [d.name for d in annex.dimensions] == [d.name for d in plan.annex1.dimensions if d.name in assigned]
    assert len(doc.tables) == len(annex.dimensions) == 4
    captions = [p.text for p in doc.paragraphs if p.style.name == S.HEADING_2]
    assert captions == [f"{n}、{d.caption}" for n, d in zip("一二三四", annex.dimensions, strict=True)]
    for table, dim in zip(doc.tables, annex.dimensions, strict=True):
        assert [c.text for c in table.rows[0].cells] == [c.header for c in layout.ANNEX1_COLUMNS]
        assert len(table.rows) == 1 + sum(len(item.points) for item in dim.items)


def test_every_practice_once_in_its_column(subplan, doc):
    listed = Counter(_practices(doc))
    expected = [t for p in subplan.points if not p.removed for t in p.practices]
    assert Counter(expected) == listed
    assert all(count == 1 for count in listed.values())


def test_rows_carry_the_units_practices_deadline_and_units(plan, subplan, doc):
    rows = [row for table in doc.tables for row in table.rows[1:]]
    entries = [p for p in subplan.points if not p.removed]
    assert [r.cells[1].text for r in rows] == [p.point for p in entries]
    for row, entry in zip(rows, entries, strict=True):
        assert _lines(row.cells[2]) == numbered(entry.practices)
        deadline = entry.deadline if isinstance(entry.deadline, str) else format_roc(entry.deadline)
        assert row.cells[3].text.split("\n") == layout.deadline_lines(deadline)  # 「107 年」「3 月」「31 日」
        assert row.cells[4].text.split("\n") == list(entry.units)  # one unit per line
    deadlines = {r.cells[3].text.replace("\n", " ") for r in rows}
    assert "賡續辦理" in deadlines and any(d.endswith("日") for d in deadlines)


def test_item_cells_merge_down(plan, subplan, doc):
    annex = subplan_annex(plan, subplan)
    merged = 0
    for table, dim in zip(doc.tables, annex.dimensions, strict=True):
        tcs = [r._tr.tc_lst[0] for r in table.rows[1:]]
        marks = [tc.tcPr.find(qn("w:vMerge")) for tc in tcs]
        n = 0
        for item in dim.items:
            span, n = marks[n : n + len(item.points)], n + len(item.points)
            if len(span) > 1:
                merged += 1
                assert span[0].get(qn("w:val")) == "restart"
                assert all(m is not None and m.get(qn("w:val")) is None for m in span[1:])
            else:
                assert span[0] is None
        assert [tc.xpath("string(.)") for tc in tcs if tc.xpath("string(.)")] == [i.name for i in dim.items]
    assert merged >= 3


def test_header_rows_repeat_and_grid_is_fixed(plan, subplan, doc):
    text_width = oxml.mm_to_twips(layout.TEXT_WIDTH_MM)
    columns = layout.annex1_columns(subplan_annex(plan, subplan))
    assert columns[4].width_mm >= layout.one_line_mm("勤務指揮中心")  # a sub-unit of the sample
    for table in doc.tables:
        trs = [r._tr for r in table.rows]
        assert trs[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr is None or tr.trPr.find(qn("w:tblHeader")) is None for tr in trs[1:])
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - text_width) <= 1
        for width, column in zip(grid, columns, strict=True):
            assert abs(width - oxml.mm_to_twips(column.width_mm)) <= 2
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert table.style.name == S.TABLE


def test_kai_and_times_at_table_size(doc):
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "標楷體"
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    for rfonts in doc.element.body.iter(qn("w:rFonts")):
        assert rfonts.get(qn("w:eastAsia")) in (None, "標楷體")
    assert doc.styles[S.TABLE_TEXT].font.size.pt == layout.TABLE_PT == 12
    cell = doc.tables[0].rows[1].cells[2].paragraphs[0]
    assert cell.style.name == S.TABLE_LIST


def test_removed_points_are_not_rendered(plan, subplan):
    first, *rest = subplan.points
    stale = first.model_copy(update={"point": "已刪除的評核重點", "practices": ["不應出現的作法"], "removed": True})
    changed = subplan.model_copy(update={"points": [first, stale, *rest]})
    doc = Document(io.BytesIO(render_subplan(plan, detailed_plan(plan, changed), BuildOptions())))
    practices = _practices(doc)
    assert "不應出現的作法" not in practices
    assert len(practices) == sum(len(p.practices) for p in subplan.points)


def test_a_point_still_assigned_but_marked_removed_is_refused_not_dropped(plan, subplan):
    """The document must cover every point the bureau assigns: marked removed by hand, one was
    silently left out (as a point missing from the file was)."""
    first, *rest = subplan.points
    dropped = rest[0].model_copy(update={"removed": True})
    changed = subplan.model_copy(update={"points": [first, dropped, *rest[1:]]})
    with pytest.raises(UserError) as info:
        render_subplan(plan, detailed_plan(plan, changed), BuildOptions())
    assert f"標記為 removed（{'／'.join(dropped.key)}）" in str(info.value)
    assert f"sqdocs subplan update 資料夾 --unit {subplan.unit}" in str(info.value)


# ---- every sample, bytes, properties -------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
def test_every_sample_subplan_builds(plan, subplans, unit):
    subplan = subplans[unit]
    doc = Document(io.BytesIO(render_subplan(plan, detailed_plan(plan, subplan), BuildOptions())))
    assert doc.paragraphs[0].text.replace("\n", " ") == subplan_title(plan, unit)
    assert Counter(_practices(doc)) == Counter(t for p in subplan.points if not p.removed for t in p.practices)
    assert doc.core_properties.title == subplan_title(plan, unit)


def test_a_document_ending_in_a_table_ends_with_a_paragraph_too_small_for_a_page_of_its_own(plan, subplans):
    """Word puts a paragraph mark of the default size after a final table; after 第四分局's,
    which reaches the page's foot, it would take a blank page. The document gives it 1 pt."""
    doc = Document(io.BytesIO(render_subplan(plan, detailed_plan(plan, subplans["第四分局"]), BuildOptions())))
    blocks = [child for child in doc.element.body if child.tag != qn("w:sectPr")]
    assert blocks[-2].tag == qn("w:tbl") and blocks[-1].tag == qn("w:p")
    last = doc.paragraphs[-1]
    assert last.text == ""
    spacing = last._p.pPr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("20", "exact")
    assert last._p.pPr.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "2"


def test_properties_and_reproducible_bytes(plan, subplan, docx_bytes, doc):
    assert render_subplan(plan, detailed_plan(plan, subplan), BuildOptions()) == docx_bytes
    props = doc.core_properties
    assert props.title == subplan_title(plan, "第一分局")
    assert props.author == "基隆市警察局第一分局"
    assert props.created.date() == plan.body.document_date
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        day = plan.body.document_date
        assert {i.date_time for i in z.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
        assert "w:rsid" not in z.read("word/document.xml").decode()


# ---- templates -------------------------------------------------------------------------


def test_templates_dir_without_subplan_docx_is_a_user_error(plan, subplan, tmp_path):
    shutil.copy(ROOT / "templates" / "plan.docx", tmp_path / "plan.docx")
    with pytest.raises(UserError, match="subplan.docx"):
        render_subplan(plan, detailed_plan(plan, subplan), BuildOptions(templates=tmp_path))


def test_cli_builds_every_subplan_with_a_templates_folder(plan, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / "subplan.docx")
    out = tmp_path / "out"
    args = ["build", str(SAMPLE), "-o", str(out), "--only", "subplans", "--format", "docx", "--templates", str(folder)]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{file_stem(subplan_title(plan, u))}.docx" for u in UNITS)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_subplan_to_pdf(docx_bytes, tmp_path: Path):
    (tmp_path / "subplan.docx").write_bytes(docx_bytes)
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf", "subplan.docx"],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "subplan.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(pdf).pages
    assert 2 <= len(pages) <= 8  # 4 on this machine: the body, then the table from page 2
    assert "附件" in pages[1].extract_text()
