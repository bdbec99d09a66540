"""The annual performance report (績效報告) as PDF, checked on the built file as a reader sees it."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from conftest import (
    ONLINE_CASES_OF_FIRST,
    ROOT,
    compiled,
    left_out,
    photos_under_their_lines,
    with_photos,
)
from pdfcheck import (
    SAMPLE,
    SUMMARY_COLUMNS,
    Extract,
    assert_binary_streams,
    assert_cell_text_inside_padding,
    assert_embedded_subset_fonts,
    assert_no_overlapping_glyphs,
    assert_no_stub_splits,
    extract,
    image_xobjects,
    line_starts,
    needs_poppler,
    outline_titles,
    require_kai_font,
    split_rows,
    squash,
)

from sqdocs import outline
from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.model import Plan
from sqdocs.report import CHECKED, UNCHECKED, ChartData, ChartSeries, CompiledReport
from sqdocs.text.numbering import outline_label
from sqdocs.writers import charts, fontfiles, layout
from sqdocs.writers.pdf import MissingGlyphWarning, render_report
from sqdocs.writers.pdf import fonts as pdf_fonts
from sqdocs.writers.pdf.linebreak import CLOSING, OPENING
from sqdocs.writers.pdf.text import BODY_LEADING, Styles

NO_FONT = "\U0010fffd"  # private use: no font has it
MM = 72 / 25.4
MAX_BYTES = 2 * 1024 * 1024

pytestmark = needs_poppler


@pytest.fixture(scope="session", autouse=True)
def _kai_font() -> None:
    require_kai_font()


@pytest.fixture(scope="session")
def built(report: CompiledReport, tmp_path_factory) -> tuple[Path, list[warnings.WarningMessage]]:
    """The sample report built once through the CLI, and the warnings it gave."""
    out = tmp_path_factory.mktemp("report")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["build", str(SAMPLE), "--only", "report", "--format", "pdf", "-o", str(out)]) == 0
    return out / f"{file_stem(report.title)}.pdf", caught


@pytest.fixture(scope="session")
def report_pdf(built) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def out(report_pdf: Path) -> Extract:
    return extract(report_pdf)


@pytest.fixture(scope="session")
def gaps(plan: Plan, tmp_path_factory) -> tuple[CompiledReport, Path, Extract]:
    """The sample without the files of 秘書科 and 第四分局, and 第一分局's on-time counts 0 of 0:
    missing submissions, entries without evidence (☐) and a figure left out of the bureau's."""
    folder = tmp_path_factory.mktemp("gaps") / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    for unit in ("秘書科", "第四分局"):
        (folder / "results" / f"{unit}.yaml").unlink()
    first = folder / "results" / "第一分局.yaml"
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("{numerator: 8547, denominator: 8591}", "{numerator: 0, denominator: 0}"), "utf-8")
    gaps = compiled(folder, plan)
    path = folder.parent / "gaps.pdf"
    path.write_bytes(render_report(plan, gaps))
    return gaps, path, extract(path)


# ---- content -------------------------------------------------------------------------


def test_cli_writes_the_official_file_name(report_pdf: Path) -> None:
    assert report_pdf.name == "基隆市警察局107年度提升服務品質績效報告.pdf"
    assert report_pdf.read_bytes().startswith(b"%PDF-")


def test_headings_and_text_are_indented_as_in_word(report_pdf: Path) -> None:
    """一、 (一) 1. where Word's Heading 2–4 put them, the trend sentences indented on their
    first line only (layout.REPORT_HEADING_EMS, FIRST_LINE_EMS); they were under 「貳、」's text."""
    # The first pages' lines in order: where a page ends between the headings does not matter.
    page = [line for n in range(3) for line in line_starts(report_pdf, n)]
    at = dict(page)
    assert at["貳、各評核"] == 0
    assert at["一、個別評"] == layout.REPORT_HEADING_EMS[0][0]
    assert at["(一)服務"] == layout.REPORT_HEADING_EMS[1][0]
    assert at["1.申辦業"] == layout.REPORT_HEADING_EMS[2][0]
    skipped = dict(line for n in range(3) for line in line_starts(report_pdf, n, skip=2))
    assert skipped["申辦業務標"] == layout.REPORT_HEADING_EMS[2][1]
    trend = next(n for n, (text, _) in enumerate(page) if text.startswith("訂定標準作"))
    assert page[trend][1] == layout.FIRST_LINE_EMS and page[trend + 1][1] == 0


def test_title_headings_and_sentences(report: CompiledReport, out: Extract) -> None:
    assert out.has(report.title)
    for heading in [*outline.report_headings(), outline.REPORT_APPENDIX_HEADING, outline.REPORT_DEFINITIONS_HEADING]:
        assert out.has(heading)
    for sentence in (
        outline.summary_sentence(report), outline.results_sentence(report),
        outline.checklist_sentence(report), outline.missing_sentence(report), outline.definitions_sentence(report),
    ):
        assert out.has(sentence), sentence



def _assert_appendix_placed(report: CompiledReport, path: Path) -> None:
    heading = squash(outline.REPORT_APPENDIX_HEADING)
    pages = extract(path).pages
    at = next(n for n, text in enumerate(pages) if heading in squash(text))
    page = squash(pages[at])
    if squash(report.checklist[-1].points[-1].name) in page[: page.index(heading)]:
        return
    with pdfplumber.open(path) as pdf:
        before = pdf.pages[at - 1]
        frame_bottom = before.height - layout.MARGIN_BOTTOM_MM * 72 / 25.4
        lowest = max(c["bottom"] for c in before.chars if c["text"].strip() and c["bottom"] < frame_bottom)
    styles = Styles.for_font("Helvetica")  # sizes only
    need = styles.section.spaceBefore + styles.section.leading + styles.body.leading  # the heading and its sentence
    assert frame_bottom - lowest < need, "附錄 started a page the checklist left room on"


def test_the_appendix_follows_the_checklist_rather_than_taking_a_page(
    plan: Plan, report: CompiledReport, report_pdf: Path, tmp_path: Path
) -> None:
    """When every unit reported, 附錄 is one sentence: it starts a page only when the checklist
    filled the page before (a forced page break put it alone on the report's last page)."""
    _assert_appendix_placed(report, report_pdf)
    # The checklist one point shorter: room below it on its last page, whatever the sample's layout.
    last = report.checklist[-1]
    shorter = report.model_copy(update={"checklist": [*report.checklist[:-1], last.model_copy(update={"points": last.points[:1]})]})
    path = tmp_path / "shorter.pdf"
    path.write_bytes(render_report(plan, shorter))
    _assert_appendix_placed(shorter, path)


def test_a_point_heading_shares_its_page_with_the_start_of_its_table(report: CompiledReport, out: Extract) -> None:
    """No page ends with a point's headings and trend lines while its table starts overleaf."""
    charts_page = next(n for n, page in enumerate(out.pages) if squash(outline.report_headings()[2]) in squash(page))
    results = [squash(page) for page in out.pages[:charts_page]]
    header = squash(layout.REPORT_RESULT_COLUMNS[0].header)
    for dim in report.dimensions:
        for item in dim.items:
            for p, point in enumerate(item.points, 1):
                heading = squash(f"{outline_label(3, p)} {point.name}")
                page = next(text for text in results if heading in text)
                after = page[page.index(heading) + len(heading):]
                assert header in after or "未填報" in after, point.name


def test_the_results_heading_and_lead_sentence_start_a_page_with_the_first_point(report: CompiledReport, out: Extract) -> None:
    """「貳、各評核構面執行成果」 and its lead sentence are kept with what follows, as the Word
    template keeps them: on the page where the first point's table starts, not alone at the foot
    of the page before (the sample's page 1, where LibreOffice moves them on with the .docx)."""
    heading = squash(outline.report_headings()[1])
    page = next(squash(text) for text in out.pages if heading in squash(text))
    after = page[page.index(heading) :]
    first = report.dimensions[0].items[0].points[0]
    assert squash(outline.RESULTS_SENTENCE) in after and squash(first.name) in after
    assert squash(layout.REPORT_RESULT_COLUMNS[0].header) in after


def test_summary_table_shows_every_headline_figure_as_compiled(report: CompiledReport, out: Extract) -> None:
    assert [c.header for c in SUMMARY_COLUMNS[1:4]] == ["105 年", "106 年", "107 年"]
    inds = report.indicators
    assert out.column(SUMMARY_COLUMNS, 0) == squash("".join(i.name for i in inds))
    for col, year in enumerate((105, 106, 107), 1):
        texts = [next(y.text for y in i.series if y.year == year) for i in inds]
        assert out.column(SUMMARY_COLUMNS, col) == squash("".join(texts)), year
    assert out.column(SUMMARY_COLUMNS, 3) == squash("".join(i.text for i in inds))
    assert out.column(SUMMARY_COLUMNS, 4) == squash("".join(i.change.delta_text for i in inds))
    assert out.column(SUMMARY_COLUMNS, 5) == squash("".join(outline.assessment_word(i.change) for i in inds))


def test_summary_figures_stay_on_one_line(report: CompiledReport, out: Extract) -> None:
    lines = set(out.cell_lines)
    for ind in report.indicators:
        for year in ind.series:
            assert year.text.replace(" ", "") in lines, year.text


def test_a_large_bureau_s_seven_digit_figures_stay_on_one_line(plan: Plan, report: CompiledReport) -> None:
    """A bureau the size of 新北 counts 「1,028,164 張」: its year column printed 「1,028,164」 over
    「張」. The year columns widen, from 指標, to hold the longest figure on one line."""
    big = CompiledReport.model_validate_json(report.model_dump_json().replace("214,000 張", "1,028,164 張"))
    with pdfplumber.open(io.BytesIO(render_report(plan, big))) as pdf:
        lines = [squash(line) for line in (pdf.pages[0].extract_text() or "").splitlines()]
    assert any("1,028,164張" in line for line in lines), lines
    years = layout.report_summary_years(big)
    rows = [outline.summary_figures(i, years) for i in big.indicators]
    widths = [c.width_mm for c in layout.report_summary_columns(years, [i.name for i in big.indicators], rows)]
    assert widths[0] < SUMMARY_COLUMNS[0].width_mm and widths[1] > SUMMARY_COLUMNS[1].width_mm
    assert widths[1] >= layout.one_line_mm("1,028,164 張")


def test_a_year_no_indicator_has_is_a_column_of_dashes_not_skipped(report: CompiledReport) -> None:
    """A history without 106 (rolled over before 106's figures were final) headed the table
    「105 年 107 年」 … and a 109 report 「106 年 107 年 109 年」, 107 beside 109 under 較上年's 「—」."""
    def without(years: set[int]) -> CompiledReport:
        return report.model_copy(update={"indicators": [
            i.model_copy(update={"series": [y for y in i.series if y.year not in years]}) for i in report.indicators]})

    assert layout.report_summary_years(report) == [105, 106, 107]
    gap = without({106})
    assert layout.report_summary_years(gap) == [105, 106, 107]
    assert outline.summary_figures(gap.indicator("sop_rate"), [105, 106, 107])[:3] == ["90.2%", "—", "95.4%"]
    assert layout.report_summary_years(without({105})) == [106, 107]  # no column before the first year held
    assert layout.report_summary_years(without({105, 106})) == [107]


def test_indicator_names_of_ten_or_eleven_characters_leave_no_character_alone(report: CompiledReport, out: Extract) -> None:
    """The 指標 column takes what the figure columns leave spare: 「訂定標準作業流程比率」 was
    printed 「訂定標準作業流程比」 over a lone 「率」."""
    lines = set(out.cell_lines)
    short = [i.name for i in report.indicators if len(i.name) <= 11]
    assert any(len(name) >= 10 for name in short)
    for name in short:
        assert name in lines, name
    years = layout.report_summary_years(report)
    for row in (outline.summary_figures(i, years) for i in report.indicators):
        for text, column in zip(row, SUMMARY_COLUMNS[1:], strict=True):
            assert layout.one_line_mm(text) <= column.width_mm, (text, column)


def test_results_per_dimension_item_and_point(report: CompiledReport, out: Extract) -> None:
    names = {i.id: i.name for i in report.indicators}
    for d, dim in enumerate(report.dimensions, 1):
        assert out.has(f"{outline_label(1, d)}{dim.caption}")
        for i, item in enumerate(dim.items, 1):
            assert out.has(f"{outline_label(2, i)}{item.name}")
            for p, point in enumerate(item.points, 1):
                assert out.has(f"{outline_label(3, p)} {point.name}")
                for ind in point.indicators:
                    assert out.has(outline.indicator_line(ind, report)), ind.name
                for c in point.contributions:
                    assert out.has(c.outcome), (point.name, c.unit)
                    for f in c.figures:
                        assert out.has(outline.unit_figure_line(names[f.indicator], f))
                    for ev in c.evidence:
                        assert out.has(outline.evidence_line(ev))
                        assert ev.date_text and out.has(ev.date_text)


def test_results_table_columns(report: CompiledReport, out: Extract) -> None:
    """Each unit's name, outcome and evidence in their own columns, in reading order."""
    contributions = [c for p in report.points() for c in p.contributions]
    columns = [out.column(layout.REPORT_RESULT_COLUMNS, i) for i in range(3)]
    units = columns[0]
    for unit in report.units:  # what is left without the (續) labels of continued rows: each unit once
        units = units.replace(f"{unit}（續）", "")
    assert units == squash("".join(c.unit for c in contributions))
    at = [0, 0]
    for c in contributions:
        at[0] = columns[1].index(squash(c.outcome), at[0])
        for ev in c.evidence:
            at[1] = columns[2].index(squash(outline.evidence_line(ev)), at[1])


# ---- charts and photos -------------------------------------------------------------------


def test_photos_are_the_only_images(report: CompiledReport, report_pdf: Path) -> None:
    photos = [e for p in report.points() for c in p.contributions for e in c.evidence if e.kind == "照片" and e.path]
    assert len(report.charts) >= 3 and photos
    assert image_xobjects(report_pdf) == len(photos)  # the charts are drawn as vectors


def _chart_page(pdf, caption: str):
    """The page with a chart's caption, and the caption's top."""
    for page in pdf.pages:
        for line in page.extract_text_lines():
            if squash(line["text"]) == squash(caption):
                return page, line["top"]
    raise AssertionError(f"no caption {caption}")


def test_charts_are_vectors_at_their_size_with_their_text(report: CompiledReport, report_pdf: Path) -> None:
    """Each chart is drawn above its caption at its laid-out size; its labels are text a reader can copy."""
    with pdfplumber.open(report_pdf) as pdf:
        for n, chart in enumerate(report.charts, 1):
            caption = outline.figure_caption(n, chart.title)
            page, top = _chart_page(pdf, caption)
            width, height = (v * MM for v in charts.chart_size_mm(chart))
            # The caption's line has digits: it is taller than a Chinese one, its text lower in it.
            above = top - height - 0.15 * layout.BODY_PT * BODY_LEADING - 1
            inside = [o for o in page.lines + page.rects + page.curves if above <= o["top"] < top]
            assert inside, chart.id
            drawn = max(o["x1"] for o in inside) - min(o["x0"] for o in inside)
            assert 0.8 * width <= drawn <= width + 0.5, (chart.id, drawn, width)
            chars = [c for c in page.chars if above <= c["top"] < top]
            text = squash("".join(c["text"] for c in chars))
            assert squash(chart.title) in text
            # Two lines or bars carry every value; more lines only their last (and a legend).
            several = chart.kind == "trend" and len(chart.series) > 2
            values = [[t for t in s.texts if t][-1:] if several else s.texts for s in chart.series]
            legend = [s.label for s in chart.series] if len(chart.series) > 1 else []
            for label in [*chart.categories, *(t for v in values for t in v), *legend]:
                assert squash(label) in text, (chart.id, label)
            # Chinese in Kai; digits and Latin letters in the Latin face, as in the text
            latin = fontfiles.resolve_latin() is not None
            drawn = [c for c in chars if c["text"].strip()]
            assert drawn and all(("Kai" in c["fontname"]) != (latin and fontfiles.is_latin(c["text"])) for c in drawn)
            if chart.kind == "trend":
                assert [c for c in chars if not c["upright"]], "the y axis title reads bottom to top"


def test_a_chart_of_every_unit_fits_on_a_page_with_its_caption(plan: Plan, report: CompiledReport, tmp_path: Path) -> None:
    """A units chart of an indicator all 25 units of the sample report (各單位創新提案件數) was
    drawn 253 mm tall, more than a page holds: the PDF failed with an internal LayoutError."""
    units = report.units
    assert len(units) >= 25
    chart = ChartData(
        id="proposals_by_unit", title="各單位創新提案件數", kind="units", unit="件", places=0, categories=units,
        series=[ChartSeries(label="創新提案件數", values=[float(n % 12 + 1) for n in range(len(units))],
                            texts=[f"{n % 12 + 1} 件" for n in range(len(units))])],
    )
    path = tmp_path / "many.pdf"
    path.write_bytes(render_report(plan, report.model_copy(update={"charts": [chart]})))
    caption = outline.figure_caption(1, chart.title)
    with pdfplumber.open(path) as pdf:
        page, top = _chart_page(pdf, caption)
        above = [c for c in page.chars if c["top"] < top]
        text = squash("".join(c["text"] for c in above))
        assert squash(chart.title) in text and all(squash(u) in text for u in units)
        _, height = charts.chart_size_mm(chart)
        assert height <= layout.PAGE_HEIGHT_MM - layout.MARGIN_TOP_MM - layout.MARGIN_BOTTOM_MM - 20


# ---- checklist ---------------------------------------------------------------------------


def _marks(extracted: Extract) -> str:
    return extracted.column(layout.ANNEX2_COLUMNS, 2) + extracted.column(layout.ANNEX2_OVERALL_COLUMNS, 1)


def _entries(report: CompiledReport):
    for dim in report.checklist:
        for point in [p for i in dim.items for p in i.points] + list(dim.points):
            yield from point.entries


@pytest.mark.parametrize("which", ["sample", "gaps"])
def test_checklist_marks_match_the_compiled_report(which: str, report, out, gaps) -> None:
    compiled, got = (report, out) if which == "sample" else (gaps[0], gaps[2])
    entries = list(_entries(compiled))
    marks = _marks(got)
    assert marks.count(CHECKED) == sum(e.checked for e in entries)
    assert marks.count(UNCHECKED) == sum(not e.checked for e in entries)
    for entry in entries:
        assert squash(f"{entry.mark} {entry.text}") in marks, entry.text
    if which == "gaps":
        assert marks.count(UNCHECKED) > 0


def test_checkboxes_drawn_from_a_font_that_has_them(report_pdf: Path) -> None:
    with pdfplumber.open(report_pdf) as pdf:
        boxes = [c for page in pdf.pages for c in page.chars if c["text"] in (CHECKED, UNCHECKED)]
    assert boxes
    for c in boxes:
        assert pdf_fonts.has_glyph(pdf_fonts.font_set().font_for(c["text"]), c["text"])


# ---- appendix ----------------------------------------------------------------------------


def test_every_unit_submitted_says_so(report: CompiledReport, out: Extract) -> None:
    assert report.complete
    assert out.has(outline.missing_sentence(report))
    assert not out.column(layout.REPORT_MISSING_COLUMNS, 3)


def test_missing_submissions_listed_in_the_appendix(gaps) -> None:
    compiled, _path, got = gaps
    assert {m.unit for m in compiled.missing} == {"秘書科", "第四分局"}
    assert got.has(outline.missing_sentence(compiled))
    points = got.column(layout.REPORT_MISSING_COLUMNS, 3)
    assert points == squash("".join(m.point for m in compiled.missing))
    units = got.column(layout.REPORT_MISSING_COLUMNS, 0)
    # once per unit (and page: 「（續）」 where the table goes on), merged over its rows
    assert re.sub("(秘書科|第四分局)（續）", "", units) == "秘書科第四分局"
    for point in compiled.points():
        if point.missing:
            assert got.has(outline.missing_units_line(point.missing))


def test_figures_left_out_of_the_bureau_figure_are_listed(gaps) -> None:
    compiled, _path, got = gaps
    assert compiled.exclusions
    assert got.has(outline.REPORT_EXCLUSIONS_HEADING) and got.has(outline.exclusions_sentence())
    assert got.column(layout.REPORT_EXCLUSION_COLUMNS, 1) == squash("".join(e.unit for e in compiled.exclusions))

    # with the indicators' definitions, which list the units each bureau figure counts
    text = squash("".join(got.pages))
    assert text.index(squash(outline.REPORT_DEFINITIONS_HEADING)) < text.index(squash(outline.REPORT_EXCLUSIONS_HEADING))


def test_the_indicator_definitions_table(report: CompiledReport, out: Extract) -> None:
    columns = layout.REPORT_DEFINITION_COLUMNS
    assert out.column(columns, 0) == squash("".join(i.name for i in report.indicators))
    assert out.column(columns, 2) == squash("".join(line for i in report.indicators for line in outline.calculation_lines(i, report)))
    assert out.column(columns, 3) == squash("".join(outline.counted_units_text(i, report) for i in report.indicators))


def test_long_unit_names_are_not_broken(plan: Plan, gaps) -> None:
    """「中和第一分局」 whole in 承辦單位 and in the appendix's 單位, not 「中和第一」 over 「分局」."""
    renamed = gaps[0].model_dump_json().replace("第一分局", "中和第一分局").replace("第四分局", "中和第二分局")
    data = render_report(plan, CompiledReport.model_validate_json(renamed))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [squash(line) for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    assert any(line.startswith("中和第一分局中和第一分局") for line in lines)  # the unit, then its outcome
    assert any(line.startswith("中和第二分局") for line in lines)  # a missing submission
    assert not [line for line in lines if line.startswith("中和第一") and not line.startswith("中和第一分局")]


def test_a_sum_a_unit_left_out_of_its_file_is_marked_and_said(plan: Plan, data_copy: Path) -> None:
    left_out(data_copy, "第一分局", ONLINE_CASES_OF_FIRST)
    path = data_copy.parent / "left-out.pdf"
    path.write_bytes(render_report(plan, compiled(data_copy, plan)))
    got = extract(path)
    assert squash("41.9%39.8%7,292 件*—") in got.column(SUMMARY_COLUMNS, 3)  # between its neighbours' figures
    assert got.has("標「*」之合計不含成果未填該項數據之單位（第一分局），未與上年比較")
    assert got.has("107 年的合計不含成果未填此項數據的單位（第一分局），待各單位填報齊全後再與上年比較。")


def test_figures_of_one_unit_of_many_are_marked_in_the_table_and_charts(plan: Plan, data_copy: Path) -> None:
    """Only 第一分局 handed in: its figures were the bureau's, judged and charted unmarked."""
    for results in (data_copy / "results").glob("*.yaml"):
        if results.stem != "第一分局":
            results.unlink()
    with pdfplumber.open(io.BytesIO(render_report(plan, compiled(data_copy, plan)))) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    lines = pages[0].splitlines()
    assert "訂定標準作業流程比率 90.2% 93.5% 93.3%* — —" in lines
    assert "電話禮貌測試平均成績 86.4 分 88.2 分 91.4 分* — —" in lines
    text = squash("".join(pages))
    assert "標「*」之數值不含尚未繳交之單位" in text and "107年的比率不含尚未填報成果的單位" in text
    assert not [word for word in ("將檢討原因", "退步", "進步") if word in text]
    charts_page = next(p for p in pages if "參、圖表" in p)
    assert "94.1%*" in charts_page and "全局 99.5%*" in "".join(pages)  # a trend's last point, the bar chart's bureau line


# ---- pages, bookmarks, fonts, reproducibility ----------------------------------------------


def test_footer_page_x_of_y(out: Extract) -> None:
    total = len(out.pages)
    for n, text in enumerate(out.pages, 1):
        assert text.strip().splitlines()[-1] == f"第 {n} 頁，共 {total} 頁"


def test_bookmarks_for_every_section(report: CompiledReport, report_pdf: Path, out: Extract) -> None:
    titles = outline_titles(report_pdf)
    top = [t for t in titles if isinstance(t, str)]
    assert top == [*outline.report_headings(), outline.REPORT_APPENDIX_HEADING, outline.REPORT_DEFINITIONS_HEADING]
    nested = [t for t in titles if isinstance(t, list)]
    results, chart_marks, checklist = nested
    assert [t for t in results if isinstance(t, str)] == [
        f"{outline_label(1, n)}{d.caption}" for n, d in enumerate(report.dimensions, 1)
    ]
    assert chart_marks == [outline.figure_caption(n, c.title) for n, c in enumerate(report.charts, 1)]
    assert checklist == [f"{outline_label(1, n)}{d.caption}" for n, d in enumerate(report.checklist, 1)]
    reader = pypdf.PdfReader(report_pdf)
    for entry in reader.outline:
        if not isinstance(entry, list):  # each bookmark opens the page its heading is on
            assert squash(entry.title) in squash(out.pages[reader.get_destination_page_number(entry)])


def test_metadata(plan: Plan, report: CompiledReport, report_pdf: Path) -> None:
    reader = pypdf.PdfReader(report_pdf)
    assert reader.metadata.title == report.title
    assert reader.metadata.author == report.agency
    assert reader.trailer["/Root"]["/Lang"] == "zh-TW"
    assert reader.metadata["/CreationDate"].startswith(f"D:{plan.body.period.end:%Y%m%d}")


def test_only_embedded_fonts(report_pdf: Path, gaps) -> None:
    for path in (report_pdf, gaps[1]):
        assert_embedded_subset_fonts(path)


def test_no_line_starts_with_closing_punctuation(out: Extract) -> None:
    lines = [ln.strip() for ln in out.cell_lines + out.body_lines if ln.strip()]
    assert len(lines) > 500
    assert not [ln for ln in lines if ln[0] in CLOSING]
    assert not [ln for ln in lines if ln[-1] in OPENING]


def test_two_builds_are_byte_identical(plan: Plan, report: CompiledReport, report_pdf: Path, tmp_path: Path) -> None:
    assert render_report(plan, report) == report_pdf.read_bytes()  # in this process
    script = (  # and in a fresh one, with its own font registration and chart drawing
        "import sys; from pathlib import Path; from sqdocs.cli import main; "
        f"sys.exit(main(['build', {str(SAMPLE)!r}, '--only', 'report', '--format', 'pdf', '-o', {str(tmp_path)!r}]))"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    assert (tmp_path / report_pdf.name).read_bytes() == report_pdf.read_bytes()


def test_streams_are_binary_flate(report_pdf: Path) -> None:
    assert assert_binary_streams(report_pdf) > 10  # its chart pictures and photos too


def test_size_under_limit(report_pdf: Path) -> None:
    assert report_pdf.stat().st_size < MAX_BYTES


def test_no_warning_for_the_sample(built) -> None:
    assert not [w for w in built[1] if issubclass(w.category, MissingGlyphWarning)]


def test_a_character_no_font_has_is_reported(plan: Plan, report: CompiledReport) -> None:
    dims = report.dimensions
    point = dims[0].items[0].points[0]
    contribution = point.contributions[0].model_copy(update={"outcome": f"測試{NO_FONT}字"})
    point = point.model_copy(update={"contributions": [contribution, *point.contributions[1:]]})
    item = dims[0].items[0].model_copy(update={"points": [point, *dims[0].items[0].points[1:]]})
    dim = dims[0].model_copy(update={"items": [item, *dims[0].items[1:]]})
    odd = report.model_copy(update={"dimensions": [dim, *dims[1:]]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_report(plan, odd)
    messages = [str(w.message) for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert len(messages) == 1
    assert "U+10FFFD" in messages[0] and point.name in messages[0] and contribution.unit in messages[0]


def test_checkboxes_come_from_dejavu_when_no_cjk_face_has_them() -> None:
    ukai = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not (ukai.is_file() and dejavu.is_file()):
        pytest.skip("fonts-arphic-ukai or fonts-dejavu-core is not installed")
    main_ref = pdf_fonts.FontRef(ukai, 2)  # AR PL UKai TW has no ☐ ☑
    refs = [r for r in fontfiles.fallback_candidates(main_ref) if r.path.parent == dejavu.parent]
    fonts = pdf_fonts.FontSet(pdf_fonts.load(main_ref), tuple(refs))
    for mark in (CHECKED, UNCHECKED):
        chosen = fonts.font_for(mark)
        assert chosen is not None and chosen != fonts.main
        assert pdf_fonts.has_glyph(chosen, mark)


@pytest.mark.parametrize("size", [(4032, 3024), (400, 300)])  # a phone's photo, and one small enough to keep
def test_a_photo_taken_upright_on_a_phone_is_printed_upright(tmp_path: Path, size: tuple[int, int]) -> None:
    """A phone stores an upright photo on its side with an EXIF orientation, which reportlab
    ignores: evidence photos printed sideways. The pixels are turned, and the tag dropped."""
    from PIL import Image

    from sqdocs.writers.photos import load_photo

    stored = Image.new("RGB", size, "white")
    stored.paste((255, 0, 0), (0, 0, size[0], size[1] // 8))  # a red band along the stored top
    exif = stored.getexif()
    exif[0x0112] = 6  # shown turned 90° clockwise: the stored top is on the right
    path = tmp_path / "upright.jpg"
    stored.save(path, exif=exif)
    picture = load_photo(path, 60.0)
    assert picture is not None and picture.width_px < picture.height_px
    with Image.open(io.BytesIO(picture.data)) as embedded:
        assert embedded.size == (picture.width_px, picture.height_px)
        assert embedded.getexif().get(0x0112) in (None, 1)
        rgb = embedded.convert("RGB")
        right, left = rgb.getpixel((rgb.width - 2, rgb.height // 2)), rgb.getpixel((1, rgb.height // 2))
        assert right[0] > 200 and right[1] < 80 and left == pytest.approx((255, 255, 255), abs=8)


@pytest.mark.parametrize("size", [(4032, 3024), (400, 300)])
def test_a_phone_jpeg_with_a_gain_map_is_printed_without_it(tmp_path: Path, size: tuple[int, int]) -> None:
    """An iPhone's JPEG carries an HDR gain map after the photo (an MP extension; Pillow's MPO):
    it was left out of every format. The photo is printed, upright, and the map is not embedded."""
    from docx.image.image import Image as DocxImage
    from PIL import Image

    from sqdocs.writers.photos import load_photo

    stored = Image.new("RGB", size, "white")
    stored.paste((255, 0, 0), (0, 0, size[0], size[1] // 8))  # a red band along the stored top
    exif = stored.getexif()
    exif[0x0112] = 6
    path = tmp_path / "IMG_0413.jpg"
    stored.save(path, format="MPO", save_all=True, append_images=[Image.new("L", (size[0] // 4, size[1] // 4))], exif=exif)
    picture = load_photo(path, 60.0)
    assert picture is not None and picture.media_type == "image/jpeg" and picture.width_px < picture.height_px
    assert DocxImage.from_blob(picture.data).px_width == picture.width_px
    with Image.open(io.BytesIO(picture.data)) as embedded:
        assert embedded.format == "JPEG" and getattr(embedded, "n_frames", 1) == 1
        rgb = embedded.convert("RGB")
        assert rgb.getpixel((rgb.width - 2, rgb.height // 2))[0] > 200


@pytest.mark.parametrize("size", [(1600, 1200), (200, 150)])
@pytest.mark.parametrize("alpha", [False, True])
def test_a_webp_photo_is_printed_as_a_jpeg_or_with_transparency_as_a_png(tmp_path: Path, size: tuple[int, int], alpha: bool) -> None:
    """A photo saved from a web page or a messaging app as .webp was left out of the report with
    「請轉存」: no writer embeds WebP, but Pillow reads it, so it is written again as JPEG, or PNG
    when it has transparent parts (a JPEG would put them on black)."""
    from docx.image.image import Image as DocxImage
    from PIL import Image

    from sqdocs.writers.photos import load_photo

    stored = Image.new("RGBA" if alpha else "RGB", size, (255, 255, 255, 0) if alpha else "white")
    stored.paste((200, 0, 0, 255) if alpha else (200, 0, 0), (0, 0, size[0], size[1] // 2))
    path = tmp_path / "LINE_photo.webp"
    stored.save(path, format="WEBP", lossless=alpha)
    picture = load_photo(path, 60.0)
    assert picture is not None and picture.media_type == ("image/png" if alpha else "image/jpeg")
    assert DocxImage.from_blob(picture.data).px_width == picture.width_px  # Word's writer takes it
    with Image.open(io.BytesIO(picture.data)) as embedded:
        assert embedded.format == ("PNG" if alpha else "JPEG")
        if alpha:  # the transparent half stays transparent, not black
            assert embedded.convert("RGBA").getpixel((1, embedded.height - 2))[3] == 0
        else:
            assert embedded.convert("RGB").getpixel((1, embedded.height - 2))[0] > 200


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_large_photo_is_scaled_down_in_its_own_format(tmp_path: Path, fmt: str) -> None:
    from PIL import Image
    from reportlab.lib.units import mm

    from sqdocs.writers.pdf import figures
    from sqdocs.writers.photos import PHOTO_DPI, load_photo

    path = tmp_path / f"photo.{fmt.lower()}"
    Image.new("RGB", (4000, 3000), (120, 160, 200)).save(path, format=fmt)
    flow = figures.photo(path, 170.0)
    assert flow is not None and abs(flow.drawWidth - 170) < 1e-6 and abs(flow.drawHeight - 127.5) < 1e-6
    picture = load_photo(path, 170.0 / mm)
    with Image.open(io.BytesIO(picture.data)) as embedded:
        assert embedded.format == fmt
        assert embedded.size == (picture.width_px, picture.height_px) == (round(170 / 72 * PHOTO_DPI), 354)
    assert figures.photo(tmp_path / "missing.jpg", 170.0) is None
    (tmp_path / "fake.jpg").write_bytes(b"GIF89a not a photo")
    assert figures.photo(tmp_path / "fake.jpg", 170.0) is None


def _without_jfif(data: bytes) -> bytes:
    """A JPEG whose JFIF segment is dropped, so its ICC profile segment comes first (as some scanners write)."""
    assert data[2:4] == b"\xff\xe0" and data[6:10] == b"JFIF"
    return data[:2] + data[4 + int.from_bytes(data[4:6], "big"):]


@pytest.mark.parametrize("kind", ["CMYK JPEG", "JPEG without JFIF", "16-bit grey PNG"])
def test_a_photo_of_an_unusual_kind_is_embedded_so_every_format_shows_it(tmp_path: Path, kind: str) -> None:
    """A small photo was embedded as its own bytes: python-docx knows a JPEG only by a JFIF or
    Exif segment first, so a CMYK one (Photoshop's Adobe segment) or a scanner's starting with
    its ICC profile stopped the Word report (「內部錯誤（UnrecognizedImageError: ）」); and
    reportlab clips a 16-bit grey PNG to 8 bits, printing a scanned page white in the PDF."""
    from docx.image.image import Image as DocxImage
    from PIL import Image, ImageCms

    from sqdocs.writers.photos import load_photo

    path = tmp_path / ("scan.png" if "PNG" in kind else "photo.jpg")
    if kind == "CMYK JPEG":
        Image.new("CMYK", (300, 200), (0, 0, 0, 230)).save(path)  # nearly black
    elif kind == "JPEG without JFIF":
        out = io.BytesIO()
        icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        Image.new("RGB", (300, 200), (20, 20, 20)).save(out, format="JPEG", icc_profile=icc)
        path.write_bytes(_without_jfif(out.getvalue()))
    else:
        Image.new("I;16", (300, 200), 20 * 256).save(path)
    picture = load_photo(path, 60.0)
    assert picture is not None and (picture.width_px, picture.height_px) == (300, 200)
    assert DocxImage.from_blob(picture.data).px_width == 300
    with Image.open(io.BytesIO(picture.data)) as embedded:
        assert embedded.mode in ("RGB", "L")
        assert max(embedded.convert("RGB").getpixel((150, 100))) < 40


@pytest.mark.parametrize("where", ["EXIF", "XMP", "none"])
def test_a_small_photo_that_says_where_it_was_taken_is_written_again_without_it(tmp_path: Path, where: str) -> None:
    """A photo small enough to keep was embedded as its own bytes, a phone's GPS position (or a
    camera app's XMP) and all, into documents attached to official letters."""
    from PIL import Image

    from sqdocs.writers.photos import load_photo

    path = tmp_path / "櫃檯.jpg"
    image = Image.new("RGB", (300, 200), (90, 120, 150))
    exif = image.getexif()
    exif[0x0110] = "Phone"  # the camera's model: no position, kept as it was
    if where == "EXIF":
        exif.get_ifd(0x8825).update({1: "N", 2: (25.0, 7.0, 42.0), 3: "E", 4: (121.0, 44.0, 21.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>25,7.7N</exif:GPSLatitude></x:xmpmeta>'
    image.save(path, exif=exif, **({"xmp": xmp} if where == "XMP" else {}))
    def located(data: bytes) -> bool:
        with Image.open(io.BytesIO(data)) as img:
            return bool(img.getexif().get_ifd(0x8825)) or b"GPS" in data

    assert located(path.read_bytes()) == (where != "none")
    picture = load_photo(path, 60.0)
    assert picture is not None and (picture.width_px, picture.height_px) == (300, 200)
    assert (picture.data == path.read_bytes()) == (where == "none")
    assert not located(picture.data)


def test_a_screenshot_of_a_whole_web_page_is_printed_no_taller_than_a_page(data_copy: Path) -> None:
    """A 1080 × 9000 screenshot, as wide as its column, was 516 mm tall: the PDF failed with
    「內部錯誤（LayoutError … too large on page 6）」 and Word cuts such a picture off at the
    page's foot. Each format prints it at most photos.MAX_HEIGHT_MM tall, in proportion."""
    import zipfile

    from docx import Document
    from PIL import Image
    from reportlab.lib.units import mm

    Image.new("RGB", (1080, 9000), (200, 210, 230)).save(data_copy / "results" / "evidence" / "首頁截圖.png")
    results = data_copy / "results" / "秘書科.yaml"
    shown = "        file: evidence/秘書科-服務櫃檯.png\n        supports: [1]\n"
    text = results.read_text(encoding="utf-8")
    assert shown in text
    results.write_text(text.replace(shown, shown + (
        "      - title: 本局網站首頁全頁截圖\n        kind: 照片\n        file: evidence/首頁截圖.png\n        supports: [1]\n"
    )), encoding="utf-8")
    out = data_copy.parent / "out"
    assert main(["build", str(data_copy), "--only", "report", "--format", "pdf,docx,odt", "-o", str(out)]) == 0
    from sqdocs.writers.photos import MAX_HEIGHT_MM
    pdf_path, = out.glob("*.pdf")
    with pdfplumber.open(pdf_path) as pdf:
        sizes = [(im["width"] / mm, im["height"] / mm) for page in pdf.pages for im in page.images]
    docx_path, = out.glob("*.docx")
    sizes += [(s.width.mm, s.height.mm) for s in Document(docx_path).inline_shapes if s.height.mm > 100]
    odt_path, = out.glob("*.odt")
    content = zipfile.ZipFile(odt_path).read("content.xml").decode()
    sizes += [(float(w), float(h)) for w, h in re.findall(r'svg:width="([\d.]+)mm" svg:height="([\d.]+)mm"', content)]
    tall = [(w, h) for w, h in sizes if h > 150]
    assert len(tall) == 3  # the screenshot, once in each format
    for width, height in tall:
        assert height == pytest.approx(MAX_HEIGHT_MM, abs=0.1) and width == pytest.approx(MAX_HEIGHT_MM * 1080 / 9000, abs=0.1)
    assert all(h <= MAX_HEIGHT_MM + 0.1 for _, h in sizes)


def test_no_glyph_is_drawn_over_another(report_pdf: Path) -> None:
    """「3. 服務人員專業度」 was drawn a line too low, over the sentence below it: the space that
    stands for the tab after 「3.」 is set large, and reportlab took its height for the line's."""
    assert_no_overlapping_glyphs(report_pdf)


def test_no_split_row_leaves_a_stub(report_pdf: Path) -> None:
    """肆's 附件 2 split 開發線上申辦或跨平臺通用服務 two lines and two across pages 31 and 32."""
    assert_no_stub_splits(report_pdf)


_SENTENCE = "全年受理申辦案件均於處理時限內完成，並逐案檢討原因、主動告知申請人辦理進度。"


def _with_outcomes(report: CompiledReport, outcome, points: int | None = None) -> CompiledReport:
    """``report`` with the first unit's 執行成果 of each point of the first dimension (of its
    first ``points``) replaced by ``outcome(n)``."""
    dim = report.dimensions[0]
    items, n = [], 0
    for item in dim.items:
        changed = []
        for point in item.points:
            if points is None or n < points:
                first = point.contributions[0].model_copy(update={"outcome": outcome(n)})
                point = point.model_copy(update={"contributions": [first, *point.contributions[1:]]})
            changed.append(point)
            n += 1
        items.append(item.model_copy(update={"points": changed}))
    return report.model_copy(update={"dimensions": [dim.model_copy(update={"items": items}), *report.dimensions[1:]]})


def test_a_results_row_of_up_to_twelve_lines_is_not_split(
    plan: Plan, report: CompiledReport, report_pdf: Path, tmp_path: Path
) -> None:
    """As the .docx (w:cantSplit) and .odt keep such a row on one page: 第一分局's row broke inside
    「作業流|程 14 項」 across pages 2 and 3, its 佐證資料 1 and 2–3 apart, and 秘書科's photo
    went on to the next page without the line that names it."""
    results = [c.header for c in layout.REPORT_RESULT_COLUMNS]
    assert [row for row in split_rows(report_pdf) if row.header == results] == []
    # Rows of up to twelve lines (five sentences of two, the unit's figures), some of which meet
    # a page's foot: each goes on whole.
    kept = _with_outcomes(report, lambda n: "\n".join(f"{k}、{_SENTENCE}" for k in range(1, 6)))
    path = tmp_path / "kept-rows.pdf"
    path.write_bytes(render_report(plan, kept))
    assert [row for row in split_rows(path) if row.header == results] == []
    assert extract(path).has(f"5、{_SENTENCE}")
    with pdfplumber.open(report_pdf) as pdf:
        pages = [squash(page.extract_text()) for page in pdf.pages]
    for unit_lines in (
        ["第一分局受理之15項", "程14項，尚未訂定", "1.第一分局申辦業務標準作業", "3.第一分局警察刑事紀錄證明"],
        ["秘書科以「服務品質滿意度調查表」", "服務措施滿意度：86.2%"],
    ):
        assert any(all(t in page for t in unit_lines) for page in pages), unit_lines


def test_a_taller_results_row_splits_rather_than_leave_half_a_page_empty(
    plan: Plan, report: CompiledReport, tmp_path: Path
) -> None:
    """A big bureau's 600-character outcome, kept whole, went on to the next page and left half of
    this one empty, read as content missing. A row of more than twelve lines may split, as in
    the .docx (no w:cantSplit), with no stub on either side and its unit repeated 「（續）」."""
    tall = _with_outcomes(report, lambda n: "\n".join(f"{k}、{_SENTENCE}" for k in range(1, 21)))
    path = tmp_path / "tall-rows.pdf"
    path.write_bytes(render_report(plan, tall))
    results = [c.header for c in layout.REPORT_RESULT_COLUMNS]
    splits = [row for row in assert_no_stub_splits(path) if row.header == results]
    assert splits and all("".join(row.rest[0]).endswith("（續）") for row in splits)
    assert extract(path).has(f"20、{_SENTENCE}")


def test_a_results_row_taller_than_a_page_still_splits(plan: Plan, report: CompiledReport, tmp_path: Path) -> None:
    """Kept whole as Word keeps it, a row taller than a page must still split (Word splits it
    too), and every line of it is there."""
    long = _with_outcomes(report, lambda n: "\n".join(f"{k}、{_SENTENCE}" for k in range(1, 81)), points=1)
    path = tmp_path / "long-row.pdf"
    path.write_bytes(render_report(plan, long))
    results = [c.header for c in layout.REPORT_RESULT_COLUMNS]
    assert [row for row in split_rows(path) if row.header == results]
    got = extract(path)
    for n in (1, 40, 80):
        assert got.has(f"{n}、{_SENTENCE}"), n


def test_a_photo_stays_under_the_line_that_names_it_where_a_row_splits(
    plan: Plan, report: CompiledReport, tmp_path: Path
) -> None:
    """A unit's twelve photos, portrait as a phone takes them, make a row taller than a page: the
    row split between a photo's line (「4. 現場照片 4（照片）」 at a page's foot) and the photo."""
    pdf_path = tmp_path / "photos.pdf"
    pdf_path.write_bytes(render_report(plan, with_photos(report, tmp_path)))
    assert photos_under_their_lines(pdf_path, r"現場照片 \d+") == 12


def test_a_heading_taller_than_a_page_keeps_its_bookmark(data_copy: Path, tmp_path: Path) -> None:
    """A 評核項目 of thousands of characters: its (一) heading is split across pages, and the part
    that lost its bookmark left 「1. 申辦業務…」 a level too deep (ValueError, 內部錯誤)."""
    from sqdocs.load import load_plan

    item = "服務一致及正確"
    long_item = f"{item}（{'項目' * 1500}）"
    for path in data_copy.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(item, long_item), encoding="utf-8")
    plan = load_plan(data_copy)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_report(plan, compiled(data_copy, plan)))
    titles = outline_titles(pdf)
    results = titles[titles.index("貳、各評核構面執行成果") + 1]  # its children: 一、 then its (一) (二) …
    first, items = results[0], results[1]
    assert first == "一、個別評核構面-基礎服務"
    assert items[0].startswith(f"(一){item}（項目項目") and items[1][0] == "1.申辦業務標準作業流程訂定情形"


def test_headings_and_captions_are_spaced_as_the_word_template_s_styles() -> None:
    """The PDF's heading, table caption and figure caption styles have the space before and
    after of the Word template's Heading 2–4 and Caption, read from templates/report.docx."""
    from docx import Document

    from sqdocs.writers.docx import styles as S

    template = Document(str(ROOT / "templates" / "report.docx")).styles
    pdf = Styles.for_font(pdf_fonts.font_set().main)
    pairs = [(pdf.caption, S.HEADING_2), (pdf.heading, S.HEADING_2), (pdf.heading, S.HEADING_3),
             (pdf.heading, S.HEADING_4), (pdf.figure_caption, S.CAPTION)]
    for style, name in pairs:
        fmt = template[name].paragraph_format
        assert (style.spaceBefore, style.spaceAfter) == (fmt.space_before.pt, fmt.space_after.pt), name


def test_the_text_of_every_cell_lies_inside_its_padding(report_pdf: Path) -> None:
    """Word and LibreOffice put a line's baseline its face's ascender below the line's top and
    leave the descent under the last line, so every character of a cell (figures and Latin
    letters too) lies within the cell's 0.5 mm padding, also in a row split over pages. With
    reportlab's placement (the first baseline a font size down) a cell's last line sat on the
    rule below it."""
    assert assert_cell_text_inside_padding(report_pdf) > 5000


def test_a_heading_after_a_results_table_is_its_space_before_below_it(report_pdf: Path) -> None:
    """As in the .docx: a table has no space after it, and the next heading is the template's
    space before (6 pt) below its last line, its baseline then the Latin face's ascender lower
    (「2.」). The PDF put 6 pt more: the table's own space after, added to the heading's
    because a zero-height page-break check between them kept reportlab from overlapping the two."""
    style = Styles.for_font(pdf_fonts.font_set().main).heading
    fonts = pdf_fonts.font_set()
    face = fonts.latin or fonts.main
    expected = style.spaceBefore + pdf_fonts.ascender(face) * style.fontSize
    gaps = []
    with pdfplumber.open(report_pdf) as pdf:
        for page in pdf.pages:
            rules = sorted({e["top"] for e in page.edges if e["orientation"] == "h" and e["width"] > 200})
            lines = page.extract_text_lines()
            for before, line in itertools.pairwise(lines):
                if not re.match(r"\d\. ", line["text"]) or line["x0"] > 90:
                    continue
                above = [y for y in rules if y < line["top"]]
                if above and before["bottom"] <= above[-1] + 3:  # the line before it ends a table
                    char = next(c for c in page.chars if abs(c["top"] - line["top"]) < 2 and not c["text"].isspace())
                    gaps.append(page.height - char["matrix"][5] - above[-1])
    assert len(gaps) > 10
    assert gaps == pytest.approx([expected] * len(gaps), abs=0.1)


def test_the_checklist_heading_and_sentence_go_on_with_its_first_caption(plan: Plan, report: CompiledReport) -> None:
    """「肆、組織診斷檢核結果」 and its sentence near a page's foot, with no room for the first
    caption and its table below them: they go on with the caption, as the .docx keeps them
    (they used to end the page alone). Where they and the caption's start cannot share a page
    at all, they stay where they fall (test_a_results_row_shorter_than_a_page_is_not_split)."""
    from reportlab.platypus import Spacer

    from sqdocs.properties import report_properties
    from sqdocs.writers.pdf import document, furniture
    from sqdocs.writers.pdf.report import _Story

    heading = outline.report_headings()[3]
    caption = f"{outline_label(1, 1)}{report.checklist[0].caption}"
    for room in (140, 400):  # pt left under the filler: too little for the caption's start, enough
        data = document.render(
            lambda ts: [Spacer(0, furniture.FRAME_HEIGHT - room), *_Story(report, ts).checklist()],  # noqa: B023
            report_properties(plan, report),
        )
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [squash(page.extract_text()) for page in pdf.pages]
        on = next(n for n, text in enumerate(pages) if squash(heading) in text)
        assert squash(caption) in pages[on], room
        assert on == (1 if room == 140 else 0), room
