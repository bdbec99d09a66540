"""The sub-bureau detailed plans (細部執行計畫) as PDF, checked on the built files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pypdf
import pytest
from pdfcheck import (
    SAMPLE,
    Extract,
    assert_embedded_subset_fonts,
    assert_no_overlapping_glyphs,
    assert_no_stub_splits,
    extract,
    needs_poppler,
    outline_titles,
    require_kai_font,
    split_rows,
    squash,
)

from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.derive import detailed_plan, subplan_annex, subplan_title
from sqdocs.load.subplan import load_subplans
from sqdocs.model import Plan, Subplan
from sqdocs.outline import SUBPLAN_ANNEX_LABEL, numbered, subplan_annex_title, subplan_sections
from sqdocs.text.numbering import outline_label
from sqdocs.text.roc import format_roc
from sqdocs.writers import layout
from sqdocs.writers.pdf import MissingGlyphWarning, render_subplan
from sqdocs.writers.pdf.linebreak import CLOSING, OPENING

NO_FONT = "\U0010fffd"  # private use: no font has it
UNITS = ("第一分局", "第二分局", "第三分局", "第四分局")

pytestmark = needs_poppler


@pytest.fixture(scope="session", autouse=True)
def _kai_font() -> None:
    require_kai_font()


@pytest.fixture(scope="session")
def subplans(plan: Plan) -> dict[str, Subplan]:
    return {unit: loaded.subplan for unit, loaded in load_subplans(SAMPLE, plan).items()}


@pytest.fixture(scope="session")
def built(plan: Plan, tmp_path_factory) -> tuple[dict[str, Path], list[warnings.WarningMessage]]:
    """The four sample subplans built once through the CLI, and the warnings they gave."""
    out = tmp_path_factory.mktemp("subplans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["build", str(SAMPLE), "--only", "subplans", "--format", "pdf", "-o", str(out)])
    assert code == 0
    return {unit: out / f"{file_stem(subplan_title(plan, unit))}.pdf" for unit in UNITS}, caught


@pytest.fixture(scope="session")
def pdfs(built) -> dict[str, Path]:
    return built[0]


def _columns(plan: Plan, subplan: Subplan) -> tuple[layout.Column, ...]:
    return layout.annex1_columns(subplan_annex(plan, subplan))


@pytest.fixture(scope="session")
def first(plan: Plan, subplans, pdfs) -> Extract:
    return extract(pdfs["第一分局"], (_columns(plan, subplans["第一分局"]),))


@pytest.fixture(scope="session")
def extracts(plan: Plan, subplans, pdfs) -> dict[str, Extract]:
    return {unit: extract(path, (_columns(plan, subplans[unit]),)) for unit, path in pdfs.items()}


def test_the_four_sample_subplans_build_with_official_names(pdfs: dict[str, Path]) -> None:
    assert pdfs["第一分局"].name == "基隆市警察局第一分局107年度提升服務品質細部執行計畫.pdf"
    for path in pdfs.values():
        assert path.read_bytes().startswith(b"%PDF-")


def test_title_and_numbered_body(plan: Plan, subplans, extracts) -> None:
    for unit, got in extracts.items():
        subplan = subplans[unit]
        assert got.has(subplan.title or subplan_title(plan, unit))
        sections = subplan_sections(plan, subplan)
        assert [s.title for s in sections] == ["依據", "目標", "執行對象", "執行期程", "執行內容", "考核"]
        for section in sections:
            assert got.has(section.heading)
            if section.intro:
                assert got.has(section.intro), section.intro
            for top in section.paras:
                for para in top.walk():
                    assert got.has(para.line), para.line
        assert got.has(f"「{plan.title}」")
        assert got.has(plan.body.schedule)
        assert got.has("、".join(subplan.sub_units))


def test_the_title_breaks_between_words(first: Extract) -> None:
    lines = [ln for ln in first.body_lines[:3]]
    assert lines[:2] == ["基隆市警察局第一分局", "107年度提升服務品質細部執行計畫"]


def test_every_practice_of_every_subplan_in_its_table(plan: Plan, subplans, extracts) -> None:
    for unit, got in extracts.items():
        annex = subplan_annex(plan, subplans[unit])
        columns = layout.annex1_columns(annex)
        points = [p for d in annex.dimensions for i in d.items for p in i.points]
        assert got.column(columns, 2) == squash("".join(
            line for p in points for line in numbered(p.practices)
        )), unit
        deadlines = [format_roc(p.deadline) if not isinstance(p.deadline, str) else p.deadline for p in points]
        assert got.column(columns, 3) == squash("".join(deadlines)), unit
        assert got.column(columns, 4) == squash("".join(u for p in points for u in p.units)), unit
        for point in points:  # the practices the unit wrote, not the bureau's
            assert got.has(point.name)


def test_units_one_per_line(plan: Plan, subplans, first: Extract) -> None:
    """Every name whole on its line, 「勤務指揮中心」 too (it was broken 「勤務指揮／中心」)."""
    annex = subplan_annex(plan, subplans["第一分局"])
    names = {u for d in annex.dimensions for i in d.items for p in i.points for u in p.units}
    assert "勤務指揮中心" in names
    assert names <= set(first.cell_lines)


def test_annex_label_title_and_captions(plan: Plan, subplans, first: Extract, pdfs) -> None:
    subplan = subplans["第一分局"]
    assert first.has(SUBPLAN_ANNEX_LABEL)
    assert first.has(subplan_annex_title(plan, subplan))
    annex = subplan_annex(plan, subplan)
    for n, dim in enumerate(annex.dimensions, 1):
        assert first.has(f"{outline_label(1, n)}{dim.caption}")
    titles = outline_titles(pdfs["第一分局"])
    top = [t for t in titles if isinstance(t, str)]
    assert top == [s.heading for s in subplan_sections(plan, subplan)] + [
        f"{SUBPLAN_ANNEX_LABEL} {subplan_annex_title(plan, subplan)}"
    ]
    assert titles[-1] == [f"{outline_label(1, n)}{d.caption}" for n, d in enumerate(annex.dimensions, 1)]


def test_header_row_on_every_table_page(first: Extract) -> None:
    start = next(n for n, keys in enumerate(first.tables) if keys)
    assert all(first.tables[start:])
    assert {key for keys in first.tables for key in keys} == {"".join(c.header for c in layout.ANNEX1_COLUMNS)}


def test_footer_and_metadata(plan: Plan, pdfs, first: Extract) -> None:
    total = len(first.pages)
    for n, text in enumerate(first.pages, 1):
        assert text.strip().splitlines()[-1] == f"第 {n} 頁，共 {total} 頁"
    meta = pypdf.PdfReader(pdfs["第一分局"]).metadata
    assert meta.title == subplan_title(plan, "第一分局")
    assert meta.author == f"{plan.agency}第一分局"


def test_only_embedded_fonts(pdfs) -> None:
    for path in pdfs.values():
        assert_embedded_subset_fonts(path)


def test_no_line_starts_with_closing_punctuation(extracts) -> None:
    for got in extracts.values():
        lines = [ln.strip() for ln in got.cell_lines + got.body_lines if ln.strip()]
        assert len(lines) > 100
        assert not [ln for ln in lines if ln[0] in CLOSING]
        assert not [ln for ln in lines if ln[-1] in OPENING]


def test_same_data_same_bytes_and_no_warning(plan: Plan, subplans, built) -> None:
    pdfs, caught = built
    assert not [w for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert render_subplan(plan, detailed_plan(plan, subplans["第二分局"])) == pdfs["第二分局"].read_bytes()


def _changed(subplan: Subplan, index: int, **update) -> Subplan:
    points = list(subplan.points)
    points[index] = points[index].model_copy(update=update)
    return subplan.model_copy(update={"points": points})


def test_removed_points_are_not_rendered(plan: Plan, subplans, tmp_path: Path) -> None:
    """An entry for a point the bureau deleted, marked removed by `subplan update`."""
    subplan = subplans["第一分局"]
    gone = subplan.points[0].model_copy(update={"point": "已刪除的評核重點", "practices": ["不應出現的作法"], "removed": True})
    path = tmp_path / "removed.pdf"
    changed = subplan.model_copy(update={"points": [gone, *subplan.points]})
    path.write_bytes(render_subplan(plan, detailed_plan(plan, changed)))
    got = extract(path, (_columns(plan, changed),))
    assert not got.has(gone.practices[0])
    assert not got.has(gone.point)
    assert got.has(subplan.points[0].practices[0])


def test_a_character_no_font_has_is_reported(plan: Plan, subplans) -> None:
    subplan = subplans["第三分局"]
    odd = _changed(subplan, 0, practices=[f"測試{NO_FONT}字", *subplan.points[0].practices[1:]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_subplan(plan, detailed_plan(plan, odd))
    messages = [str(w.message) for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert len(messages) == 1
    assert "U+10FFFD" in messages[0] and subplan.points[0].point in messages[0]


def test_no_glyph_is_drawn_over_another(pdfs: dict[str, Path]) -> None:
    for path in pdfs.values():
        assert_no_overlapping_glyphs(path)


def test_no_split_row_leaves_a_stub_or_cuts_a_unit_list(pdfs: dict[str, Path]) -> None:
    """第四分局's 服務精進機制 split its four lines of 具體作法 two and two across pages 3 and 4."""
    for path in pdfs.values():
        assert_no_stub_splits(path)


def test_a_caption_waits_for_a_page_with_its_tables_first_row_whole(pdfs: dict[str, Path]) -> None:
    """第三分局's 內部作業簡化, the first row of 三, was split three lines and two below its
    caption at the foot of page 3 (LibreOffice moves it whole, as the .docx asks)."""
    for path in pdfs.values():
        assert not [row for row in split_rows(path) if row.first], path.name
