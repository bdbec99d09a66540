"""The Word writer: the plan's text, annex tables, styles, page set-up and reproducibility."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from conftest import ROOT, SAMPLE, replace_once, with_long_units, with_text
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.errors import UserError
from sqdocs.load import load_plan
from sqdocs.model import Plan
from sqdocs.options import BuildOptions
from sqdocs.outline import numbered, plan_sections
from sqdocs.writers import layout
from sqdocs.writers.docx import oxml, render_plan
from sqdocs.writers.docx import styles as S

TEMPLATE = ROOT / "templates" / "plan.docx"
MM = 72 / 25.4
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def docx_bytes(plan: Plan) -> bytes:
    return render_plan(plan, BuildOptions())


@pytest.fixture(scope="module")
def doc(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


@pytest.fixture(scope="module")
def annex_tables(plan, doc):
    """The tables by annex: (附件 1 per dimension, 附件 2 per dimension, roster)."""
    tables = doc.tables
    n1, n2 = len(plan.annex1.dimensions), len(plan.annex2.dimensions)
    return tables[:n1], tables[n1 : n1 + n2], tables[n1 + n2]


def _cell_lines(cell) -> list[str]:
    """A cell's paragraphs, with the tab after a list label read as a space."""
    return [p.text.replace("\t", " ") for p in cell.paragraphs]


def _body(table):
    return table.rows[1:]


def _headers(table) -> list[str]:
    return [c.text for c in table.rows[0].cells]


def _soffice(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # A profile of its own: other LibreOffice runs on the machine must not block this one.
    profile = (cwd / "lo-profile").as_uri()
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", *args],
        cwd=cwd, capture_output=True, text=True, timeout=180,
    )


# ---- body -------------------------------------------------------------------------


def test_title_sections_and_cross_references(plan, doc):
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paragraphs[0] == ("Title", plan.title)
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    sections = plan_sections(plan.body)
    assert headings[: len(sections)] == [s.heading for s in sections]
    assert [h[:2] for h in headings[:7]] == ["壹、", "貳、", "參、", "肆、", "伍、", "陸、", "柒、"]
    text = "\n".join(t for _, t in paragraphs)
    for n in (1, 2, 3):
        assert f"（如附件 {n}）" in text
    assert "{{" not in text and "{%" not in text


def _schedule(docx: bytes) -> str:
    """The paragraph under 肆、執行期程."""
    texts = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    return texts[texts.index("肆、執行期程") + 1]


def test_size_under_limit(docx_bytes):
    assert len(docx_bytes) <= 200 * 1024  # issue 8: .docx ≤ 200 KB


def test_schedule_says_retroactive_only_for_a_plan_issued_after_its_start(plan, docx_bytes):
    # The sample cites letters of 107 年 3 月, so it was issued after 1 月 1 日: 「溯自」.
    assert _schedule(docx_bytes) == "溯自民國 107 年 1 月 1 日起至 107 年 12 月 31 日止，計 1 年。"
    # Issued at the end of the year before (as checks.py allows), it does not apply retroactively.
    letters = [b.model_copy(update={"date": date(2017, 11, 20)}) for b in plan.body.basis]
    body = plan.body.model_copy(update={"issued": date(2017, 12, 28), "basis": letters})
    early = render_plan(dataclasses.replace(plan, body=body), BuildOptions())
    assert _schedule(early) == "自民國 107 年 1 月 1 日起至 107 年 12 月 31 日止，計 1 年。"


def test_schedule_counts_days_when_the_period_is_not_whole_months(plan):
    """107 年 1 月 15 日 to 12 月 31 日 is not 「計 1 年」; whole months are counted as such."""
    def schedule(start: date, end: date) -> str:
        return plan.body.model_copy(update={"period": plan.body.period.model_copy(update={"start": start, "end": end})}).schedule

    assert schedule(date(2018, 1, 15), date(2018, 12, 31)).endswith("止，計 351 日。")
    assert schedule(date(2018, 1, 1), date(2018, 12, 30)).endswith("止，計 364 日。")
    assert schedule(date(2018, 7, 1), date(2018, 12, 31)).endswith("止，計 6 個月。")
    assert schedule(date(2018, 1, 1), date(2019, 2, 28)).endswith("止，計 14 個月。")
    assert schedule(date(2018, 1, 1), date(2019, 12, 31)).endswith("止，計 2 年。")


def test_a_lead_in_typed_with_its_colon_gets_no_second_one(data_copy):
    # As the source shows them: 「一、考核作業：」 over (一)…, 「一、進行組織診斷：本局依據…」.
    replace_once(data_copy / "plan.yaml", "title: 考核作業\n", "title: 考核作業：\n")
    replace_once(data_copy / "plan.yaml", "title: 進行組織診斷\n", "title: 進行組織診斷：\n")
    texts = [p.text for p in Document(io.BytesIO(render_plan(load_plan(data_copy), BuildOptions()))).paragraphs]
    assert "一、考核作業：" in texts
    assert any(t.startswith("一、進行組織診斷：本局依據") for t in texts)
    assert not any("：：" in t for t in texts)


def test_a_basis_title_typed_with_its_quotes_is_quoted_once(data_copy):
    replace_once(data_copy / "plan.yaml", "title: 第 2 屆政府服務獎評獎實施計畫\n", "title: 「第 2 屆政府服務獎評獎實施計畫」\n")
    texts = [p.text for p in Document(io.BytesIO(render_plan(load_plan(data_copy), BuildOptions()))).paragraphs]
    assert "一、國家發展委員會 107 年 1 月 15 日發社字第 1071300028 號函頒「第 2 屆政府服務獎評獎實施計畫」。" in texts
    assert not any("「「" in t for t in texts)


def test_outline_levels_use_their_styles(plan, doc):
    by_style = {}
    for p in doc.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert "一、考核作業：" in by_style["Heading 2"]
    assert any(t.startswith("(一)\t不定期查訪") for t in by_style["Outline 2"])
    assert any(t.startswith("一、進行組織診斷：") for t in by_style["Outline 1"])
    assert by_style["Body Text"][0] == plan.body.objectives.intro


def test_annex_labels_start_new_pages_top_right(plan, doc):
    labels = [p for p in doc.paragraphs if p.style.name == S.ANNEX_LABEL]
    assert [p.text for p in labels] == ["附件 1", "附件 2", "附件 3"]
    style = doc.styles[S.ANNEX_LABEL]
    assert style.paragraph_format.page_break_before
    assert style.paragraph_format.alignment == 2  # right
    # 附件 1 has no title in the data, so its label is its entry in the navigation pane.
    assert labels[0]._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "0"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert plan.annex2.title in headings and plan.roster.title in headings


# ---- annex tables -----------------------------------------------------------------


def test_number_of_tables_and_rows(plan, annex_tables):
    annex1, annex2, roster = annex_tables
    assert len(annex1) == 5 and len(annex2) == 5
    for table, dim in zip(annex1, plan.annex1.dimensions, strict=True):
        points = [p for item in dim.items for p in item.points] if dim.items else dim.points
        assert len(table.rows) == 1 + len(points)
    for table, dim in zip(annex2, plan.annex2.dimensions, strict=True):
        points = [p for item in dim.items for p in item.points] if dim.items else dim.points
        assert len(table.rows) == 1 + len(points)
    assert len(roster.rows) == 1 + len(plan.roster.members) == 32


def test_column_headers_come_from_layout(plan, annex_tables):
    annex1, annex2, roster = annex_tables
    for table, dim in zip(annex1, plan.annex1.dimensions, strict=True):
        columns = layout.ANNEX1_COLUMNS if dim.items else layout.ANNEX1_OVERALL_COLUMNS
        assert _headers(table) == [c.header for c in columns]
    assert _headers(annex1[-1]) == ["評核重點", "辦理事項"]
    for table, dim in zip(annex2, plan.annex2.dimensions, strict=True):
        columns = layout.ANNEX2_COLUMNS if dim.items else layout.ANNEX2_OVERALL_COLUMNS
        assert _headers(table) == [c.header for c in columns]
    assert _headers(roster) == ["職稱", "現職", "姓名", "職掌", "備考"]


def test_captions_number_the_dimensions(plan, doc):
    captions = [p.text for p in doc.paragraphs if p.style.name == "Heading 2" and "評核構面" in p.text]
    expected = [f"{n}、{d.caption}" for n, d in zip("一二三四五", plan.annex1.dimensions, strict=True)]
    assert captions[:5] == expected
    assert captions[0] == "一、個別評核構面-基礎服務"
    assert captions[4] == "五、整體評核構面-開放創新"


def test_every_practice_in_its_row_and_column(plan, annex_tables):
    for table, dim in zip(annex_tables[0], plan.annex1.dimensions, strict=True):
        rows = _body(table)
        if dim.items:
            points = [p for item in dim.items for p in item.points]
            for row, point in zip(rows, points, strict=True):
                cells = row.cells
                assert cells[1].text == point.name
                assert _cell_lines(cells[2]) == numbered(point.practices)
                assert cells[4].text.split("\n") == list(point.units)  # one unit per line
            assert sum(len(_cell_lines(r.cells[2])) for r in rows) == sum(len(p.practices) for p in points)
        else:
            for row, point in zip(rows, dim.points, strict=True):
                assert row.cells[0].text == point.name
                assert _cell_lines(row.cells[1]) == numbered(point.actions)


def test_every_checklist_entry_has_a_box(plan, annex_tables):
    for table, dim in zip(annex_tables[1], plan.annex2.dimensions, strict=True):
        rows = _body(table)
        points = [p for item in dim.items for p in item.points] if dim.items else dim.points
        column = 2 if dim.items else 1
        for row, point in zip(rows, points, strict=True):
            assert row.cells[column - 1].text == point.name
            assert _cell_lines(row.cells[column]) == [f"{layout.CHECKBOX} {e}" for e in point.entries]


def test_roster_members_in_order(plan, annex_tables):
    rows = [[c.text for c in r.cells] for r in _body(annex_tables[2])]
    assert rows == [[m.role, m.position, m.name, m.duty, m.note] for m in plan.roster.members]


def test_roster_short_fields_are_centred_and_duties_flush_left_as_in_the_pdf(annex_tables):
    for row in _body(annex_tables[2]):
        for n, cell in enumerate(row.cells):
            want = None if n == 3 else WD_ALIGN_PARAGRAPH.CENTER  # 職掌 as the style sets it
            assert all(p.alignment == want for p in cell.paragraphs if p.text), (n, cell.text)


def test_roster_cells_are_centred_between_top_and_bottom_as_in_the_pdf(annex_tables):
    for row in _body(annex_tables[2]):
        for tc in row._tr.tc_lst:
            assert tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "center"


def test_item_cells_merge_down_over_their_points(plan, annex_tables):
    for tables, dims in ((annex_tables[0], plan.annex1.dimensions), (annex_tables[1], plan.annex2.dimensions)):
        for table, dim in zip(tables, dims, strict=True):
            if not dim.items:
                continue
            tcs = [r._tr.tc_lst[0] for r in _body(table)]
            marks = [tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None for tc in tcs]
            n = 0
            for item in dim.items:
                span, n = marks[n : n + len(item.points)], n + len(item.points)
                if len(span) == 1:
                    assert span[0] is None
                    continue
                assert span[0].get(qn("w:val")) == "restart"
                assert all(m is not None and m.get(qn("w:val")) in (None, "continue") for m in span[1:])
            names = [tc.xpath("string(.)") for tc in tcs]
            assert [x for x in names if x] == [item.name for item in dim.items]


def test_header_rows_repeat_on_every_page(doc):
    for table in doc.tables:
        trs = [r._tr for r in table.rows]
        assert trs[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr is None or tr.trPr.find(qn("w:tblHeader")) is None for tr in trs[1:])


def test_fixed_column_grid_fits_a4(doc, annex_tables):
    text_width = oxml.mm_to_twips(layout.TEXT_WIDTH_MM)
    expected = [layout.ANNEX1_COLUMNS] * 4 + [layout.ANNEX1_OVERALL_COLUMNS]
    expected += [layout.ANNEX2_COLUMNS] * 4 + [layout.ANNEX2_OVERALL_COLUMNS] + [layout.ROSTER_COLUMNS]
    for table, columns in zip(doc.tables, expected, strict=True):
        tbl = table._tbl
        grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - text_width) <= 1
        for width, column in zip(grid, columns, strict=True):
            assert abs(width - oxml.mm_to_twips(column.width_mm)) <= 2
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for tr in tbl.tr_lst:
            assert [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.tc_lst] == grid
        assert table.style.name == S.TABLE


def test_units_column_holds_the_longest_name_on_one_line(plan):
    """「勤務指揮中心」 (6 characters at 12 pt) fits its column, taken from 具體作法; every 附件 1 table alike."""
    doc = Document(io.BytesIO(render_plan(with_long_units(plan), BuildOptions())))
    need = oxml.mm_to_twips(6 * layout.TABLE_PT * 25.4 / 72 + 2 * layout.CELL_PADDING_MM)
    tables = [t for t in doc.tables if [c.text for c in t.rows[0].cells][-1] == "承辦單位"]
    assert len(tables) == 4
    for table in tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[4] >= need
        assert abs(sum(grid) - oxml.mm_to_twips(layout.TEXT_WIDTH_MM)) <= 1


def test_position_column_holds_the_longest_title_on_one_line(plan):
    """「中和第一分局分局長」 (9 characters at 12 pt) fits 現職, taken from 職掌."""
    member = plan.roster.members[0].model_copy(update={"position": "中和第一分局分局長"})
    roster = plan.roster.model_copy(update={"members": [member, *plan.roster.members[1:]]})
    doc = Document(io.BytesIO(render_plan(dataclasses.replace(plan, roster=roster), BuildOptions())))
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [c.header for c in layout.ROSTER_COLUMNS]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[1] >= oxml.mm_to_twips(9 * layout.TABLE_PT * 25.4 / 72 + 2 * layout.CELL_PADDING_MM)
    assert abs(sum(grid) - oxml.mm_to_twips(layout.TEXT_WIDTH_MM)) <= 1


def test_table_paragraphs_use_template_styles(annex_tables):
    table = annex_tables[0][0]
    assert {p.style.name for c in table.rows[0].cells for p in c.paragraphs} == {S.TABLE_HEADER}
    row = table.rows[1].cells
    assert {p.style.name for p in row[2].paragraphs} == {S.TABLE_LIST}
    assert {p.style.name for p in row[4].paragraphs} == {S.TABLE_TEXT}


# ---- fonts, page, properties ------------------------------------------------------


def test_fonts_east_asian_kai_latin_times(doc):
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "標楷體"
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "標楷體"
    # No style or run brings back a theme font or another East Asian face.
    for element in (doc.styles.element, doc.element.body):
        for rfonts in element.iter(qn("w:rFonts")):
            assert rfonts.get(qn("w:eastAsiaTheme")) is None
            assert rfonts.get(qn("w:eastAsia")) in (None, "標楷體")
    assert doc.styles["Normal"].font.size.pt == layout.BODY_PT
    assert doc.styles[S.TABLE_TEXT].font.size.pt == layout.TABLE_PT


def test_a4_page_and_footer_page_numbers(doc):
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == layout.MARGIN_LEFT_MM
    footer = section.footer.paragraphs[0]
    xml = footer._p.xml
    assert footer.text.startswith("第 ") and "頁，共" in footer.text and footer.text.endswith(" 頁")
    instructions = [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert xml.count('w:fldCharType="begin"') == 2


def test_document_properties_from_data(plan, doc):
    props = doc.core_properties
    day = plan.body.document_date
    assert props.title == plan.title
    assert props.author == plan.agency
    assert props.subject and plan.agency in props.keywords
    assert props.created.date() == day and props.modified.date() == day


def test_same_data_same_bytes(plan, docx_bytes):
    assert render_plan(plan, BuildOptions()) == docx_bytes
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        assert len(names) == len(set(names))
        day = plan.body.document_date
        assert {i.date_time for i in z.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
        body = z.read("word/document.xml").decode()
    assert "w:rsid" not in body


def test_package_holds_what_python_docx_saves(plan, monkeypatch):
    """The parts go straight into the dated zip (package.saved), not through python-docx's own
    zip: every part python-docx would save is there, byte for byte, and nothing else."""
    from sqdocs.writers.docx import package

    saved_by_python_docx = []
    real = package.saved

    def saved(document, stamp):
        buffer = io.BytesIO()
        document.save(buffer)
        saved_by_python_docx.append(buffer.getvalue())
        return real(document, stamp)

    monkeypatch.setattr(package, "saved", saved)
    ours = zipfile.ZipFile(io.BytesIO(render_plan(plan, BuildOptions())))
    theirs = zipfile.ZipFile(io.BytesIO(saved_by_python_docx[0]))
    assert sorted(ours.namelist()) == sorted(theirs.namelist())
    for name in theirs.namelist():
        if name != package.APP_PROPERTIES:  # sqdocs's own (package.app_xml)
            assert ours.read(name) == theirs.read(name), name


@pytest.mark.parametrize("name", ["plan", "subplan", "report"])
def test_default_template_is_what_the_script_makes(name):
    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "templates" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = zipfile.ZipFile(io.BytesIO(getattr(module, f"make_{name}_template")()))
    stored = zipfile.ZipFile(ROOT / "templates" / f"{name}.docx")
    assert made.namelist() == stored.namelist()
    for name in made.namelist():
        assert made.read(name) == stored.read(name), f"{name}: run templates/make_templates.py"


@pytest.mark.parametrize("name", ["plan", "subplan", "report"])
def test_a_default_template_defines_only_the_table_styles_a_document_uses(name, tmp_path):
    # python-docx's own template defines Word's 98 other built-in table styles: 300 KB in
    # every generated .docx, to open and save each time (templates/make_templates.py drops them).
    def table_styles(path: Path) -> set[str]:
        return {style.name for style in Document(str(path)).styles if style.type == WD_STYLE_TYPE.TABLE}

    assert table_styles(ROOT / "templates" / f"{name}.docx") == {"Normal Table", "Table Grid", "Annex Table"}
    kind = {"plan": "plan", "subplan": "subplans", "report": "report"}[name]
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", kind, "--format", "docx"]) == 0
    built = sorted(tmp_path.glob("*.docx"))
    assert built and all(table_styles(path) == {"Normal Table", "Table Grid", "Annex Table"} for path in built)
    assert all(len(zipfile.ZipFile(path).read("word/styles.xml")) < 60_000 for path in built)


@pytest.mark.parametrize("kind", ["plan", "subplans", "report"])
def test_a_clerk_editing_in_word_gets_body_text_and_no_blue(kind, tmp_path):
    """Enter after a heading gives 本文 (first-line indent), after 「附件 1」 an annex title
    rather than another right-aligned label on a new page; a heading style applied to part of
    a paragraph (its linked character style) and Heading 5–9 carry no colour, italic or theme size."""
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", kind, "--format", "docx"]) == 0
    for path in sorted(tmp_path.glob("*.docx")):
        styles = Document(str(path)).styles
        following = {style.name: style.next_paragraph_style.name for style in styles if style.type == WD_STYLE_TYPE.PARAGRAPH}
        heads = ["Title", "Heading 1", "Heading 2", *(["Heading 3", "Heading 4", "Caption"] if kind == "report" else [])]
        assert {name: following[name] for name in heads} == dict.fromkeys(heads, "Body Text"), path.name
        assert following["Annex Label"] == "Heading 1"
        if kind == "report":
            assert following["Figure"] == "Caption"
        assert styles["Body Text"].quick_style
        xml = zipfile.ZipFile(path).read("word/styles.xml").decode()
        for style_id in ["TitleChar", *(f"Heading{n}Char" for n in range(1, 10)), *(f"Heading{n}" for n in range(5, 10))]:
            found = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', xml)
            assert found and not re.search(r"<w:(color|i)\b|Theme", found.group()), (path.name, style_id)
        heading = re.search(r'<w:style [^>]*w:styleId="Heading1Char".*?</w:style>', xml).group()
        assert "<w:b/>" in heading and '<w:sz w:val="32"/>' in heading  # as Heading 1 itself


# ---- data is text, never template -------------------------------------------------

TRICKY = "A & B <c> \"q\" 'r' {{ 7 * 7 }} {% if true %}X{% endif %} {# c #}"



def test_data_comes_out_literally(plan):
    """& < > quotes and Jinja syntax in data are text; a date deadline is written in ROC form."""
    doc = Document(io.BytesIO(render_plan(with_text(plan, TRICKY), BuildOptions())))
    assert doc.paragraphs[0].text == f"{plan.title} {TRICKY}"
    assert TRICKY in [p.text for p in doc.paragraphs if p.style.name == "Body Text"]
    assert _cell_lines(doc.tables[0].rows[1].cells[2])[0] == f"1. {TRICKY}"
    # one part per line: Word's and LibreOffice's line breaking would split 「6／月」 in the narrow column
    assert [p.text for p in doc.tables[0].rows[1].cells[3].paragraphs] == ["107 年", "6 月", "30 日"]
    assert doc.tables[-1].rows[1].cells[2].text == TRICKY
    assert doc.core_properties.title == f"{plan.title} {TRICKY}"
    assert "49" not in doc.paragraphs[0].text


# ---- templates --------------------------------------------------------------------


def test_templates_dir_without_plan_docx_is_a_user_error(plan, tmp_path):
    with pytest.raises(UserError, match="plan.docx"):
        render_plan(plan, BuildOptions(templates=tmp_path))


def test_cli_builds_with_a_templates_folder(plan, tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(TEMPLATE, folder / "plan.docx")
    args = ["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "docx"]
    assert main([*args, "--templates", str(folder)]) == 0
    built = tmp_path / "out" / f"{file_stem(plan.title)}.docx"
    assert built.read_bytes() == render_plan(plan, BuildOptions())
    (folder / "plan.docx").unlink()
    assert main([*args, "--templates", str(folder)]) != 0
    assert "plan.docx" in capsys.readouterr().err


def test_template_missing_a_table_style_is_a_user_error(plan, tmp_path):
    custom = Document(TEMPLATE)
    style = custom.styles[S.TABLE_LIST]
    style.element.getparent().remove(style.element)
    custom.save(tmp_path / "plan.docx")
    with pytest.raises(UserError, match=S.TABLE_LIST):
        render_plan(plan, BuildOptions(templates=tmp_path))


def test_word_paragraph_ids_are_not_repeated_by_loops(plan, tmp_path):
    custom = Document(TEMPLATE)
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    for n, p in enumerate(custom.paragraphs):  # as Word saves them
        p._p.set(f"{{{w14}}}paraId", f"{n:08X}")
        p._p.set(qn("w:rsidR"), "00A1B2C3")
    custom.save(tmp_path / "plan.docx")
    data = render_plan(plan, BuildOptions(templates=tmp_path))
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "paraId" not in body and "rsidR" not in body


@pytest.mark.parametrize("tag", ["{{ titel }}", "{{ title ", "{{ title.__class__ }}"])
def test_broken_template_tag_is_a_user_error(plan, tmp_path, tag):
    custom = Document(TEMPLATE)
    custom.paragraphs[0].runs[0].text = tag
    custom.save(tmp_path / "plan.docx")
    with pytest.raises(UserError, match="範本"):
        render_plan(plan, BuildOptions(templates=tmp_path))


def test_customised_template_restyles_the_document(plan, tmp_path):
    custom = Document(TEMPLATE)
    oxml.set_fonts(custom.styles["Normal"].element.rPr, "Arial", "新細明體")
    custom.styles[S.TABLE_TEXT].font.size = Pt(layout.TABLE_PT - 1)
    section = custom.sections[0]
    section.left_margin = section.right_margin = Mm(30)
    custom.save(tmp_path / "plan.docx")

    doc = Document(io.BytesIO(render_plan(plan, BuildOptions(templates=tmp_path))))
    assert doc.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "新細明體"
    assert doc.styles[S.TABLE_TEXT].font.size.pt == layout.TABLE_PT - 1
    assert round(doc.sections[0].left_margin.mm) == 30
    # The tables shrink to the narrower text width, in the layout's proportions.
    grid = [int(c.get(qn("w:w"))) for c in doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) - oxml.mm_to_twips(150)) <= 1
    assert len(doc.tables) == 11 and doc.tables[-1].rows[1].cells[2].text == plan.roster.members[0].name


def test_a_template_with_larger_table_text_gets_columns_that_hold_its_names(plan, tmp_path):
    """Table Text set to 14 pt broke 「刑警大隊」 as 「刑警大／隊」 and 「完成期限」 over two lines: the
    承辦單位 column was widened for names at 12 pt. It is widened for the template's own size."""
    def grid(doc) -> list[int]:
        table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][-1:] == ["承辦單位"])
        return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]

    default = grid(Document(io.BytesIO(render_plan(plan, BuildOptions()))))
    custom = Document(TEMPLATE)
    custom.styles[S.TABLE_TEXT].font.size = Pt(14)
    custom.save(tmp_path / "plan.docx")
    larger = grid(Document(io.BytesIO(render_plan(plan, BuildOptions(templates=tmp_path)))))
    longest = max(len(u) for d in plan.annex1.dimensions for i in d.items for p in i.points for u in p.units)
    assert larger[4] > default[4] and larger[3] > default[3] and sum(larger) == sum(default)
    assert larger[4] >= oxml.mm_to_twips(longest * 14 * 25.4 / 72)  # the longest name on one line at 14 pt
    assert larger[3] >= oxml.mm_to_twips(4 * 14 * 25.4 / 72)  # 「完成期限」, 「賡續辦理」
    assert layout.one_line_mm("刑警大隊") == 4 * layout.TABLE_PT * 25.4 / 72 + layout.NAME_PADDING_MM  # 12 pt again after


@pytest.mark.parametrize(("at_top", "width_mm"), [(False, 150), (True, 160)])
def test_a_gutter_narrows_the_tables_unless_it_is_at_the_top(plan, tmp_path, at_top, width_mm):
    """A bound copy's 裝訂邊 (gutter) takes text width from the side, as Word and LibreOffice lay
    it out: tables kept the width without it and ran past the right margin."""
    custom = Document(TEMPLATE)
    section = custom.sections[0]
    section.left_margin = section.right_margin = Mm(25)
    section.gutter = Mm(10)
    if at_top:
        custom.settings.element.append(custom.settings.element.makeelement(qn("w:gutterAtTop"), {}))
    custom.save(tmp_path / "plan.docx")

    doc = Document(io.BytesIO(render_plan(plan, BuildOptions(templates=tmp_path))))
    for table in doc.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - oxml.mm_to_twips(width_mm)) <= 1


@needs_soffice
def test_template_saved_by_libreoffice_still_renders(plan, tmp_path):
    shutil.copy(TEMPLATE, tmp_path / "in.docx")
    out = tmp_path / "saved"
    result = _soffice("--convert-to", "docx", "--outdir", str(out), "in.docx", cwd=tmp_path)
    assert (out / "in.docx").is_file(), result.stderr
    (out / "in.docx").rename(out / "plan.docx")
    data = render_plan(plan, BuildOptions(templates=out))
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text == plan.title
    assert len(doc.tables) == 11
    assert doc.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len(z.namelist()) == len(set(z.namelist()))


@needs_soffice
def test_libreoffice_converts_the_document_to_pdf(docx_bytes, tmp_path):
    (tmp_path / "plan.docx").write_bytes(docx_bytes)
    result = _soffice("--convert-to", "pdf", "plan.docx", cwd=tmp_path)
    pdf = tmp_path / "plan.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(pdf).pages
    # 13 pages on this machine; a squeezed column (cell widths without a grid) made ~3× as many.
    assert 8 <= len(pages) <= 20
    assert "附件 3" in pages[-1].extract_text() or "附件 3" in pages[-2].extract_text()
    # Every 「，」 is laid out: with hanging punctuation LibreOffice dropped one that fell at the
    # end of a justified line. The footer 「第 X 頁，共 Y 頁」 adds one per page.
    body = Document(io.BytesIO(docx_bytes)).element.body
    commas = "".join(t.text or "" for t in body.iter(qn("w:t"))).count("，")
    assert sum(page.extract_text().count("，") for page in pages) == commas + len(pages)
    # Every table's lines run from margin to margin, as in the PDF and ODT (Word 2010's mode put
    # the left line a cell margin, 1 mm, out into the left margin).
    margins = (layout.MARGIN_LEFT_MM * MM, (layout.PAGE_WIDTH_MM - layout.MARGIN_RIGHT_MM) * MM)
    with pdfplumber.open(pdf) as rendered:
        for page in rendered.pages:
            xs = [e["x0"] for e in page.edges if e["orientation"] == "v"]
            if xs:
                assert (min(xs), max(xs)) == pytest.approx(margins, abs=0.3), page.page_number


def test_a_table_is_indented_by_its_cell_margin_unless_the_template_is_in_word_2013_mode(plan, tmp_path):
    """Word before 2013 and LibreOffice start a table's cell *text* where the table is indented
    to: each table is indented by the table style's left cell margin, so that its line is on
    the margin. A template saved in Word 2013's mode (compatibilityMode 15) places the line
    there itself, and gets no indent."""
    doc = Document(io.BytesIO(render_plan(plan, BuildOptions())))
    margin = oxml.mm_to_twips(layout.CELL_PADDING_MM)
    indents = [t._tbl.tblPr.find(qn("w:tblInd")) for t in doc.tables]
    assert [(i.get(qn("w:w")), i.get(qn("w:type"))) for i in indents] == [(str(margin), "dxa")] * len(doc.tables)
    template = Document(str(TEMPLATE))
    mode = template.settings.element.find(f"{qn('w:compat')}/{qn('w:compatSetting')}[@{qn('w:name')}='compatibilityMode']")
    mode.set(qn("w:val"), "15")
    folder = tmp_path / "templates"
    folder.mkdir()
    template.save(folder / "plan.docx")
    doc = Document(io.BytesIO(render_plan(plan, BuildOptions(templates=folder))))
    assert all(t._tbl.tblPr.find(qn("w:tblInd")) is None for t in doc.tables)


def test_a_title_longer_than_a_word_property_is_whole_in_the_document(plan):
    """Word allows 255 characters in a document property: the title is cut there, not refused."""
    long_title = plan.title + "附錄" * 150
    body = plan.body.model_copy(update={"title": long_title})
    doc = Document(io.BytesIO(render_plan(dataclasses.replace(plan, body=body), BuildOptions())))
    assert doc.paragraphs[0].text == long_title
    assert len(doc.core_properties.title) == 255 and doc.core_properties.title.endswith("…")
    assert long_title.startswith(doc.core_properties.title[:-1])


def test_deadline_and_units_are_centred_as_in_the_pdf(doc):
    """完成期限 and 承辦單位 centred in their cells (direct formatting: a template needs no new style)."""
    row = doc.tables[0].rows[1]
    for cell in (row.cells[3], row.cells[4]):
        assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in cell.paragraphs)
        assert all(p.style.name == S.TABLE_TEXT for p in cell.paragraphs)
    assert all(p.alignment is None for p in row.cells[2].paragraphs)  # practices stay as the style sets them


def test_short_annex_rows_stay_on_one_page_long_ones_may_split(plan, doc):
    """A short row split across pages left a line alone at a page's foot or top (LibreOffice);
    a long one kept whole would leave most of a page empty."""
    rows = [row for table in doc.tables[:4] for row in table.rows[1:]]  # the individual dimensions of 附件 1
    points = [ref.point for ref in plan.points()]
    assert len(rows) == len(points)
    kept = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows]
    lines = [layout.annex1_row_lines(p.name, p.practices, p.units) for p in points]
    assert kept == [n <= layout.KEEP_TOGETHER_LINES for n in lines]
    assert any(kept) and not all(kept)


def test_checklist_rows_stay_on_one_page_in_the_plan_and_the_report(plan, report, doc):
    """附件 2 and the report's checklist: split, a row left one line alone under the repeated
    header (LibreOffice, 執行計畫 p.11); the .odt kept them whole already."""
    from sqdocs.writers.docx import render_report

    report_doc = Document(io.BytesIO(render_report(plan, report, BuildOptions())))
    for document in (doc, report_doc):
        marks = (layout.CHECKBOX, layout.CHECKED)
        tables = [t for t in document.tables if any(m in c.text for m in marks for c in t.rows[-1].cells)]
        assert tables
        for table in tables:
            assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
                       for row in table.rows[1:])


def test_header_rows_are_shaded_as_in_the_pdf(doc):
    """The PDF's light grey header row; the Word tables had none."""
    fill = layout.hex_colour(layout.HEADER_SHADE)
    for table in doc.tables:
        shades = [tc.tcPr.find(qn("w:shd")) for tc in table.rows[0]._tr.tc_lst]
        assert all(s is not None and s.get(qn("w:fill")) == fill for s in shades)
        assert all(tc.tcPr.find(qn("w:shd")) is None for row in table.rows[1:] for tc in row._tr.tc_lst)


def test_lines_before_a_line_break_are_not_stretched_across_the_page(doc):
    """A text written on several lines keeps its breaks; justified, Word and LibreOffice would
    spread each short line edge to edge unless the document says not to."""
    compat = doc.settings.element.find(qn("w:compat"))
    names = [etree.QName(child).localname for child in compat]
    assert "doNotExpandShiftReturn" in names
    assert names.index("doNotExpandShiftReturn") < names.index("useFELayout")  # schema order


def test_the_application_properties_name_sqdocs_not_the_template_s_word(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        app = etree.fromstring(package.read("docProps/app.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{ns}Application").startswith("sqdocs/")
    assert app.find(f"{ns}Template") is None and app.find(f"{ns}Pages") is None  # Normal.dotm, 1 page: untrue
