"""The OpenDocument writer: every document's text, tables, merged cells, styles, pictures, package
and bytes, read back from content.xml; and LibreOffice converting each file."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import (
    SAMPLE,
    compiled,
    photos_under_their_lines,
    replace_once,
    with_long_units,
    with_photos,
    with_text,
)
from lxml import etree

from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.derive import detailed_plan, subplan_annex, subplan_title
from sqdocs.load import load_plan
from sqdocs.load.subplan import load_subplans
from sqdocs.model import Plan, Subplan
from sqdocs.outline import (
    SAMPLE_DATA_NOTE,
    annex_label,
    calculation_lines,
    counted_units_text,
    evidence_line,
    numbered,
    plan_sections,
    report_headings,
    subplan_sections,
)
from sqdocs.report import CHECKED, UNCHECKED, report_title
from sqdocs.writers import layout
from sqdocs.writers.charts import chart_size_mm
from sqdocs.writers.odt import render_plan, render_report, render_subplan
from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt.xml import NS

SOFFICE = shutil.which("soffice")
UNITS = ("第一分局", "第二分局", "第三分局", "第四分局")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MISSING_HEADERS = [c.header for c in layout.REPORT_MISSING_COLUMNS]


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def text_of(element) -> str:
    """An ODF paragraph's text as written: text:s as spaces, text:tab as \\t, line breaks as \\n."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == q("text:s"):
            parts.append(" " * int(child.get(q("text:c"), "1")))
        elif child.tag == q("text:tab"):
            parts.append("\t")
        elif child.tag == q("text:line-break"):
            parts.append("\n")
        elif child.tag == q("text:span"):
            parts.append(text_of(child))
        elif child.tag in (q("text:page-number"), q("text:page-count")):
            parts.append(child.text or "")  # the office suite replaces it
        parts.append(child.tail or "")
    return "".join(parts)


class Odt:
    """An .odt read back: its parts parsed, its body's blocks and tables."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.content = etree.fromstring(self.zip.read("content.xml"))
        self.styles = etree.fromstring(self.zip.read("styles.xml"))
        self.meta = etree.fromstring(self.zip.read("meta.xml"))
        self.body = self.content.find(f"{q('office:body')}/{q('office:text')}")

    def blocks(self) -> list[tuple[str, str, str | None]]:
        """(tag, text, outline level) of each paragraph and heading directly in the body."""
        return [
            (etree.QName(b).localname, text_of(b), b.get(q("text:outline-level")))
            for b in self.body
            if b.tag in (q("text:p"), q("text:h"))
        ]

    def headings(self, level: int) -> list[str]:
        return [t for tag, t, lvl in self.blocks() if tag == "h" and lvl == str(level)]

    def styled(self, style: str) -> list[str]:
        return [text_of(b) for b in self.body if b.get(q("text:style-name")) == style]

    def tables(self) -> list:
        return self.body.findall(q("table:table"))

    def auto_style(self, name: str):
        return self.content.find(f"{q('office:automatic-styles')}/{q('style:style')}[@{q('style:name')}='{name}']")

    def named_style(self, name: str):
        return self.styles.find(f"{q('office:styles')}/{q('style:style')}[@{q('style:name')}='{name}']")


def header_texts(table) -> list[str]:
    [row] = table.findall(f"{q('table:table-header-rows')}/{q('table:table-row')}")
    return [text_of(c.find(q("text:p"))) for c in row]


def body_rows(table) -> list[list]:
    """The rows below the header, each a list of cells (covered cells included), one per column."""
    return [list(row) for row in table.findall(q("table:table-row"))]


def lines(cell) -> list[str]:
    """A cell's paragraphs in order, those of a table inside it too (a photo kept with its line)."""
    return [text_of(p) for p in cell.iter(q("text:p"))]


def is_covered(cell) -> bool:
    return cell.tag == q("table:covered-table-cell")


def span(cell) -> int:
    return int(cell.get(q("table:number-rows-spanned"), "1"))


def check_spans(table) -> int:
    """Every spanning cell has exactly the covered cells below it; the number of spans > 1."""
    rows = body_rows(table)
    columns = len(table.findall(q("table:table-column")))
    assert all(len(r) == columns for r in rows)
    spans = 0
    for col in range(columns):
        r = 0
        while r < len(rows):
            cell = rows[r][col]
            assert not is_covered(cell), f"covered cell without a spanning cell above, row {r} col {col}"
            n = span(cell)
            assert all(is_covered(rows[r + k][col]) for k in range(1, n))
            spans += n > 1
            r += n
    return spans


def _points(dim) -> list:
    return [p for item in dim.items for p in item.points] if dim.items else list(dim.points)


# ---- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def subplans(plan: Plan) -> dict[str, Subplan]:
    return {unit: loaded.subplan for unit, loaded in load_subplans(SAMPLE, plan).items()}


@pytest.fixture(scope="module")
def built(plan, tmp_path_factory) -> Path:
    """Every sample document built as .odt by the CLI."""
    out = tmp_path_factory.mktemp("odt")
    assert main(["build", str(SAMPLE), "-o", str(out), "--format", "odt"]) == 0
    return out


@pytest.fixture(scope="module")
def plan_odt(plan, built) -> Odt:
    return Odt((built / f"{file_stem(plan.title)}.odt").read_bytes())


@pytest.fixture(scope="module")
def subplan_odts(plan, built) -> dict[str, Odt]:
    return {u: Odt((built / f"{file_stem(subplan_title(plan, u))}.odt").read_bytes()) for u in UNITS}


@pytest.fixture(scope="module")
def report_odt(plan, built) -> Odt:
    return Odt((built / f"{file_stem(report_title(plan))}.odt").read_bytes())


@pytest.fixture(scope="module")
def annex_tables(plan, plan_odt):
    """The plan's tables by annex: (附件 1 per dimension, 附件 2 per dimension, roster)."""
    tables = plan_odt.tables()
    n1, n2 = len(plan.annex1.dimensions), len(plan.annex2.dimensions)
    assert len(tables) == n1 + n2 + 1
    return tables[:n1], tables[n1 : n1 + n2], tables[n1 + n2]


# ---- the build -------------------------------------------------------------------------


def test_cli_writes_every_document_by_its_official_name(plan, built):
    names = {file_stem(plan.title), file_stem(report_title(plan)), *(file_stem(subplan_title(plan, u)) for u in UNITS)}
    assert sorted(p.name for p in built.iterdir()) == sorted(f"{n}.odt" for n in names)


# ---- the plan: body --------------------------------------------------------------------


def test_title_and_sections_are_outline_headings(plan, plan_odt):
    blocks = plan_odt.blocks()
    assert blocks[0] == ("p", plan.title, None)
    assert plan_odt.styled(S.TITLE) == [plan.title]
    sections = [s.heading for s in plan_sections(plan.body)]
    level1 = plan_odt.headings(1)
    # 附件 1 has no title: its label is its heading; the other annexes are headed by their titles.
    assert level1 == [*sections, annex_label(1), plan.annex2.title, plan.roster.title]
    level2 = plan_odt.headings(2)
    assert "一、考核作業：" in level2
    assert level2.count(f"一、{plan.annex1.dimensions[0].caption}") == 1  # 附件 1 …
    assert level2.count(f"一、「{plan.annex1.dimensions[0].caption}」") == 1  # … and 附件 2 in quotes, as the official form
    text = "\n".join(t for _, t, _ in blocks)
    for n in (1, 2, 3):
        assert f"（如附件 {n}）" in text
    assert plan_odt.styled(S.BODY)[0] == plan.body.objectives.intro


def test_numbered_paragraphs_hang_their_labels(plan_odt):
    assert any(t.startswith("一、進行組織診斷：") for t in plan_odt.styled(S.OUTLINE[0]))
    assert any(t.startswith("(一)\t不定期查訪") for t in plan_odt.styled(S.OUTLINE[1]))
    style = plan_odt.named_style(S.OUTLINE[1]).find(q("style:paragraph-properties"))
    assert style.get(q("fo:margin-left")) == "56pt" and style.get(q("fo:text-indent")) == "-28pt"
    assert style.find(f"{q('style:tab-stops')}/{q('style:tab-stop')}") is not None


def test_a_label_wider_than_its_room_is_followed_by_its_text_at_once_as_in_the_pdf(data_copy):
    """(十一) and (10) are wider than the two and one and a half characters their text hangs
    after: a tab there jumped to the next default tab stop, two characters on
    (「(10)　　第 10 項」), where the PDF sets the text right after the label."""
    subs = "".join(f"      - text: 第 {n} 子項。\n" for n in range(1, 12))
    deepest = "".join(f"              - text: 第 {n} 細項。\n" for n in range(1, 11))
    clauses = f"  - title: 其他\n    items:\n{subs}      - title: 細項\n        items:\n          - title: 再細分\n            items:\n{deepest}"
    with (data_copy / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write(clauses)  # assessment (柒) is the file's last list
    odt = Odt(render_plan(load_plan(data_copy)))
    second, fourth = odt.styled(S.OUTLINE[1]), odt.styled(S.OUTLINE[3])
    assert "(十)\t第 10 子項。" in second and "(十一)第 11 子項。" in second
    assert "(9)\t第 9 細項。" in fourth and "(10)第 10 細項。" in fourth
    assert any(t.startswith("(一)\t不定期查訪") for t in second)


def test_annex_labels_start_new_pages_top_right(plan_odt):
    labels = plan_odt.styled(S.ANNEX_LABEL)
    assert labels == ["附件 1", "附件 2", "附件 3"]
    props = plan_odt.named_style(S.ANNEX_LABEL).find(q("style:paragraph-properties"))
    assert props.get(q("fo:break-before")) == "page" and props.get(q("fo:text-align")) == "end"
    # The annex titles are centred level-1 headings.
    title = next(b for b in plan_odt.body if text_of(b) == "提升服務品質組織診斷檢核表")
    style = plan_odt.auto_style(title.get(q("text:style-name")))
    assert style.get(q("style:parent-style-name")) == S.HEADINGS[0]
    assert style.find(q("style:paragraph-properties")).get(q("fo:text-align")) == "center"


# ---- the plan: annex tables ------------------------------------------------------------


def test_tables_have_repeated_headers_from_layout(plan, annex_tables):
    annex1, annex2, roster = annex_tables
    for table, dim in zip(annex1, plan.annex1.dimensions, strict=True):
        columns = layout.ANNEX1_COLUMNS if dim.items else layout.ANNEX1_OVERALL_COLUMNS
        assert header_texts(table) == [c.header for c in columns]
        assert len(body_rows(table)) == len(_points(dim))
    for table, dim in zip(annex2, plan.annex2.dimensions, strict=True):
        columns = layout.ANNEX2_COLUMNS if dim.items else layout.ANNEX2_OVERALL_COLUMNS
        assert header_texts(table) == [c.header for c in columns]
    assert header_texts(roster) == [c.header for c in layout.ROSTER_COLUMNS]


def test_header_rows_are_shaded_as_in_the_pdf(plan_odt, report_odt):
    fill = f"#{layout.hex_colour(layout.HEADER_SHADE).lower()}"
    for odt in (plan_odt, report_odt):
        for table in odt.tables():
            for cell in table.find(q("table:table-header-rows")).iter(q("table:table-cell")):
                props = odt.auto_style(cell.get(q("table:style-name"))).find(q("style:table-cell-properties"))
                assert props.get(q("fo:background-color")) == fill
            body_cells = [c for r in table.findall(q("table:table-row")) for c in r.findall(q("table:table-cell"))]
            assert all(
                odt.auto_style(c.get(q("table:style-name"))).find(q("style:table-cell-properties")).get(q("fo:background-color")) is None
                for c in body_cells
            )


def test_column_widths_come_from_layout(plan_odt, annex_tables):
    table = annex_tables[0][0]
    widths = []
    for column in table.findall(q("table:table-column")):
        style = plan_odt.auto_style(column.get(q("table:style-name")))
        widths.append(style.find(q("style:table-column-properties")).get(q("style:column-width")))
    assert widths == [f"{c.width_mm:g}mm" for c in layout.ANNEX1_COLUMNS]
    table_props = plan_odt.auto_style(table.get(q("table:style-name"))).find(q("style:table-properties"))
    assert table_props.get(q("style:width")) == f"{layout.TEXT_WIDTH_MM:g}mm"


def test_units_column_holds_the_longest_name_on_one_line(plan):
    """「勤務指揮中心」 (6 characters at 12 pt) fits its column, taken from 具體作法."""
    doc = Odt(render_plan(with_long_units(plan)))
    need = 6 * layout.TABLE_PT * 25.4 / 72 + 2 * layout.CELL_PADDING_MM
    tables = [t for t in doc.tables() if header_texts(t)[-1:] == ["承辦單位"]]
    assert len(tables) == 4
    for table in tables:
        widths = []
        for column in table.findall(q("table:table-column")):
            style = doc.auto_style(column.get(q("table:style-name")))
            widths.append(float(style.find(q("style:table-column-properties")).get(q("style:column-width"))[:-2]))
        assert widths[4] >= need
        assert abs(sum(widths) - layout.TEXT_WIDTH_MM) < 0.01


def test_every_practice_in_its_row_and_column(plan, annex_tables):
    annex1 = annex_tables[0]
    for table, dim in zip(annex1, plan.annex1.dimensions, strict=True):
        rows = body_rows(table)
        if not dim.items:
            for row, point in zip(rows, dim.points, strict=True):
                assert lines(row[0]) == [point.name]
                assert lines(row[1]) == [line.replace(" ", "\t", 1) for line in numbered(point.actions)]
            continue
        for row, point in zip(rows, _points(dim), strict=True):
            assert lines(row[1]) == [point.name]
            assert lines(row[2]) == [line.replace(" ", "\t", 1) for line in numbered(point.practices)]
            assert lines(row[4]) == list(point.units)


def test_every_checklist_entry_has_a_box(plan, annex_tables):
    annex2 = annex_tables[1]
    for table, dim in zip(annex2, plan.annex2.dimensions, strict=True):
        rows = body_rows(table)
        for row, point in zip(rows, _points(dim), strict=True):
            assert lines(row[-1]) == [f"{layout.CHECKBOX}\t{e}" for e in point.entries]
            assert lines(row[-2]) == [point.name]


def test_roster_members_in_order(plan, annex_tables):
    rows = body_rows(annex_tables[2])
    assert [[" ".join(lines(c)) for c in row] for row in rows] == [
        [m.role, m.position, m.name, m.duty, m.note] for m in plan.roster.members
    ]


def test_roster_short_fields_are_centred_and_duties_flush_left_as_in_the_pdf(annex_tables):
    for row in body_rows(annex_tables[2]):
        for n, cell in enumerate(row):
            want = S.TABLE_TEXT if n == 3 else S.TABLE_FIGURE
            assert {p.get(q("text:style-name")) for p in cell.findall(q("text:p")) if text_of(p)} <= {want}, n


def _vertical_align(odt: Odt, cell) -> str:
    props = odt.auto_style(cell.get(q("table:style-name"))).find(q("style:table-cell-properties"))
    return props.get(q("style:vertical-align"))


def test_roster_and_summary_cells_are_centred_between_top_and_bottom_as_in_the_pdf(plan_odt, annex_tables, report_odt):
    summary = report_odt.tables()[0]
    for odt, table in ((plan_odt, annex_tables[2]), (report_odt, summary)):
        assert {_vertical_align(odt, cell) for row in body_rows(table) for cell in row} == {"middle"}
    results = next(t for t in report_odt.tables() if header_texts(t)[0] == layout.REPORT_RESULT_COLUMNS[0].header)
    assert {_vertical_align(report_odt, cell) for row in body_rows(results) for cell in row} == {"top"}
    assert {p.get(q("text:style-name")) for row in body_rows(results) for p in row[0].findall(q("text:p"))} == {S.TABLE_FIGURE}


def test_item_cells_span_the_rows_of_their_points(plan, annex_tables):
    annex1, annex2, _ = annex_tables
    for tables, dims in ((annex1, plan.annex1.dimensions), (annex2, plan.annex2.dimensions)):
        for table, dim in zip(tables, dims, strict=True):
            check_spans(table)
            if not dim.items:
                continue
            rows = body_rows(table)
            r = 0
            for item in dim.items:
                assert lines(rows[r][0]) == [item.name]
                assert span(rows[r][0]) == len(item.points)
                assert all(is_covered(rows[r + k][0]) for k in range(1, len(item.points)))
                r += len(item.points)
    assert sum(check_spans(t) for t in annex1) > 5


# ---- styles, page, footer --------------------------------------------------------------


def test_fonts_kai_for_chinese_times_for_latin(plan_odt):
    faces = {f.get(q("style:name")) for f in plan_odt.styles.iter(q("style:font-face"))}
    assert {"標楷體", "Times New Roman"} <= faces
    default = plan_odt.styles.find(f"{q('office:styles')}/{q('style:default-style')}[@{q('style:family')}='paragraph']")
    props = default.find(q("style:text-properties"))
    assert props.get(q("style:font-name-asian")) == "標楷體"
    assert props.get(q("style:font-name")) == "Times New Roman"
    assert props.get(q("fo:font-size")) == props.get(q("style:font-size-asian")) == f"{layout.BODY_PT}pt"
    for name in (S.TABLE_TEXT, S.FOOTER):
        size = plan_odt.named_style(name).find(q("style:text-properties")).get(q("style:font-size-asian"))
        assert size == f"{layout.TABLE_PT}pt"
    # Every table paragraph uses a table style (12 pt), none the 14 pt body.
    table_styles = {S.TABLE_TEXT, S.TABLE_HEADER, S.TABLE_LIST, S.TABLE_FIGURE}
    for table in plan_odt.tables():
        assert {p.get(q("text:style-name")) for p in table.iter(q("text:p"))} <= table_styles


def test_fonts_are_the_word_writers(plan_odt):
    from sqdocs.writers.docx import styles as word

    assert (S.EAST_ASIAN_FONT, S.LATIN_FONT) == (word.EAST_ASIAN_FONT, word.LATIN_FONT)


def test_a4_portrait_margins_and_page_x_of_y_footer(plan_odt):
    page = plan_odt.styles.find(f".//{q('style:page-layout')}/{q('style:page-layout-properties')}")
    assert page.get(q("fo:page-width")) == "210mm" and page.get(q("fo:page-height")) == "297mm"
    assert page.get(q("style:print-orientation")) == "portrait"
    assert page.get(q("fo:margin-top")) == f"{layout.MARGIN_TOP_MM:g}mm"
    assert page.get(q("fo:margin-left")) == f"{layout.MARGIN_LEFT_MM:g}mm"
    assert page.get(q("fo:margin-right")) == f"{layout.MARGIN_RIGHT_MM:g}mm"
    # The footer sits in the bottom margin: page margin + footer height + spacing = layout's margin.
    footer = plan_odt.styles.find(f".//{q('style:footer-style')}/{q('style:header-footer-properties')}")
    parts = [page.get(q("fo:margin-bottom")), footer.get(q("fo:min-height")), footer.get(q("fo:margin-top"))]
    assert sum(float(p.removesuffix("mm")) for p in parts) == pytest.approx(layout.MARGIN_BOTTOM_MM)
    [line] = plan_odt.styles.iter(f"{q('style:footer')}")
    paragraph = line.find(q("text:p"))
    assert paragraph.find(q("text:page-number")) is not None
    assert paragraph.find(q("text:page-count")) is not None
    assert text_of(paragraph) == "第 1 頁，共 1 頁"


# ---- subplans ---------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
def test_every_sample_subplan(plan, subplans, subplan_odts, unit):
    subplan, odt = subplans[unit], subplan_odts[unit]
    # The 20 pt title is broken after the unit's full name.
    assert odt.styled(S.TITLE) == [subplan_title(plan, unit).replace(f"{plan.agency}{unit} ", f"{plan.agency}{unit}\n")]
    sections = [s.heading for s in subplan_sections(plan, subplan)]
    assert odt.headings(1)[: len(sections)] == sections
    assert odt.styled(S.ANNEX_LABEL) == ["附件"]
    annex = subplan_annex(plan, subplan)
    tables = odt.tables()
    assert len(tables) == len(annex.dimensions)
    practices = []
    for table, dim in zip(tables, annex.dimensions, strict=True):
        assert header_texts(table) == [c.header for c in layout.ANNEX1_COLUMNS]
        check_spans(table)
        for row, point in zip(body_rows(table), _points(dim), strict=True):
            assert lines(row[1]) == [point.name]
            assert lines(row[4]) == list(point.units)
            practices += [line.split("\t", 1)[1] for line in lines(row[2])]
    assert Counter(practices) == Counter(t for p in subplan.points if not p.removed for t in p.practices)
    assert odt.meta.findtext(f".//{q('dc:title')}") == subplan_title(plan, unit)


# ---- the report ---------------------------------------------------------------------------


def test_report_sections_and_summary(report, report_odt):
    assert report_odt.styled(S.TITLE) == [report.title]
    level1 = report_odt.headings(1)
    assert level1[:4] == report_headings() and level1[4:] == ["附錄一、未填報項目", "附錄二、量化指標定義"]
    # A section's lead sentence keeps with what follows: never 「貳、…」 and its lead alone at a page's foot.
    body = list(report_odt.body)
    leads = [body[n + 1] for n, b in enumerate(body[:-1]) if b.get(q("text:outline-level")) == "1"]
    leads = [b for b in leads if b.tag == q("text:p") and text_of(b) and not b.findall(f".//{q('draw:frame')}")]
    assert len(leads) == 5  # 參、圖表 has no lead: a chart follows it
    for lead in leads:
        props = report_odt.auto_style(lead.get(q("text:style-name"))).find(q("style:paragraph-properties"))
        assert props.get(q("fo:keep-with-next")) == "always"
    assert report_odt.headings(2)[0] == f"一、{report.dimensions[0].caption}"
    assert report_odt.headings(3)[0] == f"(一)\t{report.dimensions[0].items[0].name}"
    # 參、圖表 starts a page, as in Word.
    charts = next(b for b in report_odt.body if text_of(b) == report_headings()[2])
    style = report_odt.auto_style(charts.get(q("text:style-name")))
    assert style.get(q("style:parent-style-name")) == S.HEADINGS[0]
    assert style.find(q("style:paragraph-properties")).get(q("fo:break-before")) == "page"
    summary = report_odt.tables()[0]
    assert header_texts(summary)[0] == "指標" and header_texts(summary)[-1] == "趨勢"
    assert [lines(row[0])[0] for row in body_rows(summary)] == [i.name for i in report.indicators]


def test_report_results_and_checklist_marks(report, report_odt):
    tables = report_odt.tables()
    results = [t for t in tables if header_texts(t) == [c.header for c in layout.REPORT_RESULT_COLUMNS]]
    assert len(results) == sum(1 for p in report.points() if p.contributions)
    units = [lines(row[0])[0] for t in results for row in body_rows(t)]
    assert units == [c.unit for p in report.points() for c in p.contributions]
    marks = [line.split("\t")[0] for t in tables if header_texts(t)[-1] == "辦理事項" for row in body_rows(t) for line in lines(row[-1])]
    entries = [e for d in report.checklist for p in [p for i in d.items for p in i.points] + list(d.points) for e in p.entries]
    assert marks == [e.mark for e in entries]
    assert set(marks) <= {CHECKED, UNCHECKED}
    for table in tables:
        check_spans(table)
        assert table.find(q("table:table-header-rows")) is not None


def test_report_embeds_its_charts_and_photos_as_pictures(report, report_odt):
    frames = list(report_odt.body.iter(q("draw:frame")))
    assert len(frames) >= 3
    names = set(report_odt.zip.namelist())
    for frame in frames:
        href = frame.find(q("draw:image")).get(q("xlink:href"))
        assert href.startswith("Pictures/") and href in names
        assert frame.get(q("text:anchor-type")) == "as-char"
    charts = [f for f in frames if f.get(q("draw:name")).startswith("圖 ")]
    assert len(charts) == len(report.charts)
    for frame, chart in zip(charts, report.charts, strict=True):
        width, height = chart_size_mm(chart)
        assert frame.get(q("svg:width")) == f"{round(width, 3):g}mm"
        assert frame.get(q("svg:height")) == f"{round(height, 3):g}mm"
        png = report_odt.zip.read(frame.find(q("draw:image")).get(q("xlink:href")))
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", png[16:24])[0] > 1000  # drawn for print, not a thumbnail
    assert len({f.get(q("draw:name")) for f in frames}) == len(frames)  # unique, as office suites want
    photos = [f for f in frames if f.get(q("draw:name")).startswith("照片 ")]
    assert [f.findtext(q("svg:title")) for f in photos] == [
        e.title for p in report.points() for c in p.contributions for e in c.evidence if e.kind == "照片"
    ]
    captions = report_odt.styled(S.CAPTION)
    assert captions == [f"圖 {n} {c.title}" for n, c in enumerate(report.charts, 1)]



def test_a_chart_of_every_unit_fits_a_page_with_its_caption(data_copy, tmp_path):
    """A bar for each of the 25 units was drawn 253 mm tall, more than a page's text: LibreOffice
    set 「圖 4 …」 on the page after its chart, and the PDF of the same report was not made at all
    (「內部錯誤（LayoutError … too large）」). Drawn closer together, the chart and its caption fit."""
    import pdfplumber

    with (data_copy / "indicators.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: adoption_by_unit\n    title: 各單位創新提案採行率\n    kind: units\n"
                "    indicators: [adoption_rate]\n")
    out = tmp_path / "out"
    assert main(["build", str(data_copy), "--only", "report", "--format", "odt,pdf", "-o", str(out)]) == 0
    [odt_path] = out.glob("*.odt")
    odt = Odt(odt_path.read_bytes())
    [frame] = [f for f in odt.body.iter(q("draw:frame")) if f.get(q("draw:name")) == "圖 4"]
    text_height = layout.PAGE_HEIGHT_MM - layout.MARGIN_TOP_MM - layout.MARGIN_BOTTOM_MM
    caption_room = (12 + 3 + 1.25 * layout.TABLE_PT + 12) * 25.4 / 72  # Figure's space above, Caption's
    assert float(frame.get(q("svg:height")).removesuffix("mm")) + caption_room <= text_height
    with pdfplumber.open(next(out.glob("*.pdf"))) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    [page] = [t for t in pages if "第四分局" in t and "創新提案採行率" in t and "百分比" in t]
    assert "圖 4 各單位創新提案採行率" in page.replace("\n", "")


def test_evidence_is_numbered_only_when_there_are_several(report, report_odt):
    """As in the PDF and the .docx: one piece of evidence is a line, several a numbered list."""
    tables = [t for t in report_odt.tables() if header_texts(t)[-1:] == ["佐證資料"]]
    cells = [[line for line in lines(row[2]) if line] for t in tables for row in body_rows(t)]
    expected = [[evidence_line(e) for e in c.evidence] for p in report.points() for c in p.contributions]
    assert len(cells) == len(expected) and any(len(e) == 1 for e in expected) and any(len(e) > 1 for e in expected)
    for got, want in zip(cells, expected, strict=True):
        assert got == (want if len(want) == 1 else [f"{n}.\t{line}" for n, line in enumerate(want, 1)])

def test_a_photo_and_its_line_are_a_row_that_never_splits(plan, report, tmp_path):
    """LibreOffice ignores keep-with-next and keep-together on a paragraph in a table cell: a
    results row of many photos, taller than a page, left 「4. 現場照片 4（照片）」 at a page's foot
    and its photo atop the next. A photo and its line are a row that may not split, of a
    borderless table in the cell; photos one after another are rows of one table (two tables
    touching in a cell, LibreOffice laid the second over the first)."""
    odt = Odt(render_report(plan, with_photos(report, tmp_path)))
    [table, *_] = [t for t in odt.tables() if header_texts(t)[-1:] == ["佐證資料"]]
    cell = body_rows(table)[0][2]
    inner = cell.findall(q("table:table"))
    assert len(inner) == 2  # photos 1–6; the document line; photos 7–12
    inside = layout.REPORT_RESULT_COLUMNS[2].width_mm - 2 * layout.CELL_PADDING_MM
    kept = []
    for t in inner:
        props = odt.auto_style(t.get(q("table:style-name"))).find(q("style:table-properties"))
        assert props.get(q("style:width")) == f"{round(inside, 3):g}mm"
        for row in t.findall(q("table:table-row")):
            style = odt.auto_style(row.get(q("table:style-name"))).find(q("style:table-row-properties"))
            assert style.get(q("fo:keep-together")) == "always"
            [c] = row
            props = odt.auto_style(c.get(q("table:style-name"))).find(q("style:table-cell-properties"))
            assert (props.get(q("fo:border")), props.get(q("fo:padding"))) == ("none", "0mm")
            line, photo = c.findall(q("text:p"))
            assert photo.find(q("draw:frame")) is not None
            kept.append(text_of(line))
    numbers = [*range(1, 7), *range(8, 14)]
    assert kept == [f"{n}.\t現場照片 {p}（照片）" for n, p in zip(numbers, range(1, 13), strict=True)]
    assert [text_of(p) for p in cell.findall(q("text:p"))] == ["7.\t現場會議紀錄"]


def test_missing_submissions_span_their_unit_rows(plan, data_copy):
    (data_copy / "results" / "第四分局.yaml").unlink()
    report = compiled(data_copy, plan)
    odt = Odt(render_report(plan, report))
    [table] = [t for t in odt.tables() if header_texts(t) == MISSING_HEADERS]
    rows = body_rows(table)
    assert len(rows) == len(report.missing)
    assert lines(rows[0][0]) == ["第四分局"] and span(rows[0][0]) == len(report.missing)
    assert check_spans(table) >= 2  # the unit, and at least one dimension over several points
    assert [lines(r[3]) for r in rows] == [[m.point] for m in report.missing]


def test_a_line_break_in_an_indicator_line_leaves_it_flush_left_and_kept_with_its_table(plan, data_copy):
    """An indicator's line is Body Text kept with the table under it (an automatic variant): its
    line ending in a break was justified, and LibreOffice spread 「訂　定　標　準…」 edge to edge."""
    replace_once(data_copy / "indicators.yaml", "name: 訂定標準作業流程比率", 'name: "訂定標準作業流程比率\\n（含修正）"')
    odt = Odt(render_report(plan, compiled(data_copy, plan)))
    line = next(b for b in odt.body if text_of(b).startswith("訂定標準作業流程比率\n（含修正）（全局）："))
    style = odt.auto_style(line.get(q("text:style-name")))
    assert style.get(q("style:parent-style-name")) == S.BODY
    props = style.find(q("style:paragraph-properties"))
    assert props.get(q("fo:text-align")) == "start"
    assert props.get(q("fo:keep-with-next")) == "always"
    assert line.getnext().tag == q("table:table")


def test_the_indicator_definitions_table(report, report_odt):
    [table] = [t for t in report_odt.tables() if header_texts(t) == [c.header for c in layout.REPORT_DEFINITION_COLUMNS]]
    rows = body_rows(table)
    assert [lines(r[0]) for r in rows] == [[i.name] for i in report.indicators]
    for row, ind in zip(rows, report.indicators, strict=True):
        assert lines(row[1]) == [ind.definition]
        assert lines(row[2]) == calculation_lines(ind, report)
        assert lines(row[3]) == [counted_units_text(ind, report)]
    for row in table.findall(q("table:table-row")):  # kept on a page, as in the PDF
        style = report_odt.auto_style(row.get(q("table:style-name"))).find(q("style:table-row-properties"))
        assert style.get(q("fo:keep-together")) == "always"


def test_an_indicator_line_names_the_chart_that_draws_it(plan, report):
    odt = Odt(render_report(plan, report))
    lines_ = [text_of(b) for b in odt.body if text_of(b).startswith("處理時限內完成比率（全局）：")]
    assert len(lines_) == 1 and lines_[0].endswith("呈進步趨勢（如圖 3）。")


# ---- text from the data is text ----------------------------------------------------------

TRICKY = "A & B <c> \"q\" 'r' {{ 7 * 7 }} {% if true %}X{% endif %}  two  spaces\tand a tab"



def test_data_comes_out_literally(plan):
    odt = Odt(render_plan(with_text(plan, TRICKY)))
    assert odt.styled(S.TITLE) == [f"{plan.title} {TRICKY}"]
    assert TRICKY in odt.styled(S.BODY)
    rows = body_rows(odt.tables()[0])
    assert lines(rows[0][2])[0] == f"1.\t{TRICKY}"
    assert lines(rows[0][3]) == ["107 年", "6 月", "30 日"]  # one part per line, as in the .docx
    # 完成期限 and 承辦單位 centred, as in the PDF and the .docx
    for cell in (rows[0][3], rows[0][4]):
        assert {p.get(q("text:style-name")) for p in cell.iter(q("text:p"))} == {S.TABLE_FIGURE}
    assert lines(body_rows(odt.tables()[-1])[0][2]) == [TRICKY]
    assert odt.meta.findtext(f".//{q('dc:title')}") == f"{plan.title} {TRICKY}"
    assert b"&amp; B &lt;c&gt;" in odt.zip.read("content.xml")


# ---- the package ------------------------------------------------------------------------


def _all(plan_odt, subplan_odts, report_odt) -> list[Odt]:
    return [plan_odt, *subplan_odts.values(), report_odt]


def test_valid_odf_package(plan, plan_odt, subplan_odts, report_odt):
    for odt in _all(plan_odt, subplan_odts, report_odt):
        first = odt.zip.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert odt.zip.read("mimetype") == ODT_MIMETYPE
        # The mimetype's bytes at offset 38, where file(1) and office suites look for them.
        assert odt.data[30:38] == b"mimetype" and odt.data[38 : 38 + len(ODT_MIMETYPE)] == ODT_MIMETYPE
        manifest = etree.fromstring(odt.zip.read("META-INF/manifest.xml"))
        entries = {e.get(q("manifest:full-path")): e.get(q("manifest:media-type")) for e in manifest}
        assert entries.pop("/") == ODT_MIMETYPE.decode()
        assert set(entries) == set(odt.zip.namelist()) - {"mimetype", "META-INF/manifest.xml"}
        assert all(entries[n] == "text/xml" for n in ("content.xml", "styles.xml", "meta.xml"))
        assert len(odt.zip.namelist()) == len(set(odt.zip.namelist()))
        assert odt.zip.testzip() is None
        assert odt.content.get(q("office:version")) == "1.3"


def test_dates_from_the_data(plan, plan_odt, report_odt):
    day = plan.body.document_date
    assert plan_odt.meta.findtext(f".//{q('meta:creation-date')}") == f"{day.isoformat()}T00:00:00"
    assert {i.date_time for i in plan_odt.zip.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
    end = plan.body.period.end  # the report covers the whole period
    assert report_odt.meta.findtext(f".//{q('dc:date')}") == f"{end.isoformat()}T00:00:00"
    assert plan_odt.meta.findtext(f".//{q('dc:title')}") == plan.title
    assert plan_odt.meta.findtext(f".//{q('dc:creator')}") == plan.agency


def test_same_data_same_bytes(plan, subplans, report, plan_odt, subplan_odts, report_odt):
    assert render_plan(plan) == plan_odt.data
    assert render_subplan(plan, detailed_plan(plan, subplans["第二分局"])) == subplan_odts["第二分局"].data
    assert render_report(plan, report) == report_odt.data


# ---- LibreOffice --------------------------------------------------------------------------


def _to_pdf(folder: Path, *files: Path) -> subprocess.CompletedProcess:
    """LibreOffice converting ``files`` to PDF into ``folder``, with a profile of its own there."""
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_every_document_to_pdf(plan, built, tmp_path):
    files = sorted(built.glob("*.odt"))
    result = _to_pdf(tmp_path, *files)
    assert result.returncode == 0, result.stderr
    pypdf = pytest.importorskip("pypdf")
    for odt in files:
        pdf = tmp_path / f"{odt.stem}.pdf"
        assert pdf.is_file(), f"{odt.name}: {result.stderr}"
        reader = pypdf.PdfReader(pdf)
        total = len(reader.pages)
        assert f"第 1 頁，共 {total} 頁" in reader.pages[0].extract_text()
        assert f"第 {total} 頁，共 {total} 頁" in reader.pages[-1].extract_text()
        # 第四分局's ends in a table reaching the page's foot: LibreOffice's paragraph after it took a page
        for n, page in enumerate(reader.pages, 1):
            assert page.extract_text().replace(f"第 {n} 頁，共 {total} 頁", "").strip(), f"{odt.name}: p.{n} blank"
    reader = pypdf.PdfReader(tmp_path / f"{file_stem(plan.title)}.pdf")
    assert 8 <= len(reader.pages) <= 20  # 13 on this machine, as the Word file
    # The headings are real outline headings: LibreOffice makes them the PDF's bookmarks.
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[:7] == [s.heading for s in plan_sections(plan.body)]
    assert "附件 1" in titles
    assert "附件 3" in reader.pages[-1].extract_text() or "附件 3" in reader.pages[-2].extract_text()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_each_photo_under_its_line_where_a_row_splits(plan, report, tmp_path):
    """Twelve photos make a results row taller than a page: LibreOffice left a photo's line
    (「5. 現場照片 5（照片）」) at a page's foot and the photo atop the next."""
    (tmp_path / "report.odt").write_bytes(render_report(plan, with_photos(report, tmp_path)))
    result = _to_pdf(tmp_path, tmp_path / "report.odt")
    assert result.returncode == 0, result.stderr
    assert photos_under_their_lines(tmp_path / "report.pdf") == 12


def test_the_sample_data_note_is_centred_under_the_title_as_in_word_and_the_pdf(report, report_odt):
    assert report.sample
    note = next(b for b in report_odt.body if text_of(b) == SAMPLE_DATA_NOTE)
    style = report_odt.auto_style(note.get(q("text:style-name")))
    assert style.get(q("style:parent-style-name")) == S.BODY
    assert style.find(q("style:paragraph-properties")).get(q("fo:text-align")) == "center"


def test_the_sample_data_note_has_no_first_line_indent_so_it_is_truly_centred(report_odt):
    # Body Text indents its first line two characters; kept on a centred line it would push
    # the note half that (14 pt) right of the title's centre.
    note = next(b for b in report_odt.body if text_of(b) == SAMPLE_DATA_NOTE)
    props = report_odt.auto_style(note.get(q("text:style-name"))).find(q("style:paragraph-properties"))
    assert props.get(q("fo:text-indent")) == "0pt"
