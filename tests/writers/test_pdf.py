"""The PDF writer, checked on its output: text, fonts, fallback glyphs, line breaks, pages."""

from __future__ import annotations

import dataclasses
import io
import itertools
import mmap
import re
import subprocess
import warnings
from datetime import UTC
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from conftest import LONG_UNITS, ROOT, with_long_units
from docx import Document
from docx.shared import Pt
from pdfcheck import (
    MM,
    SAMPLE,
    TABLES,
    Extract,
    assert_binary_streams,
    assert_cell_text_inside_padding,
    assert_embedded_subset_fonts,
    assert_no_overlapping_glyphs,
    assert_no_stub_splits,
    extract,
    font_glyphs,
    hint_length,
    line_starts,
    needs_poppler,
    pdffonts,
    pdftotext,
    require_kai_font,
    split_rows,
    squash,
)
from reportlab.pdfbase import pdfmetrics

from sqdocs.build import file_stem
from sqdocs.cli import main
from sqdocs.errors import UserError
from sqdocs.model import Plan
from sqdocs.outline import annex_label, numbered, plan_sections
from sqdocs.text.numbering import outline_label
from sqdocs.writers import fontfiles, layout
from sqdocs.writers.docx import styles as S
from sqdocs.writers.fontfiles import missing_glyph_advice
from sqdocs.writers.pdf import MissingGlyphWarning, render_plan
from sqdocs.writers.pdf import fonts as pdf_fonts
from sqdocs.writers.pdf.linebreak import CLOSING, OPENING
from sqdocs.writers.pdf.text import AUTOSPACE, BODY_LEADING, Styles

EXT_B = "\U00021619"  # 𡘙, CJK Extension B: outside the BMP and outside TW-Kai's main file
NO_FONT = "\U0010fffd"  # private use: no font has it

pytestmark = needs_poppler


@pytest.fixture(scope="session", autouse=True)
def _kai_font() -> None:
    require_kai_font()


@pytest.fixture(scope="session")
def built(plan: Plan, tmp_path_factory) -> tuple[Path, list[warnings.WarningMessage]]:
    """The sample plan built once through the CLI, and the warnings it gave."""
    out = tmp_path_factory.mktemp("pdf")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["build", str(SAMPLE), "--only", "plan", "--format", "pdf", "-o", str(out)]) == 0
    return out / f"{file_stem(plan.title)}.pdf", caught


@pytest.fixture(scope="session")
def plan_pdf(built) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def out(plan_pdf: Path) -> Extract:
    return extract(plan_pdf)


def _odd_plan(plan: Plan) -> Plan:
    """The sample with rare names in the roster, a 40-practice point and one practice longer than a page."""
    dim = plan.annex1.dimensions[0]
    item = dim.items[0]
    practice = "民眾申辦之各相關業務(如人民或團體持有刀械申請書、受理護照遺失案件)訂定標準作業流程，供承辦人員依循。"
    forty = item.points[0].model_copy(
        update={"name": "四十項作法", "practices": [f"第 {n} 項：{practice}" for n in range(1, 41)]}
    )
    endless = item.points[0].model_copy(update={"name": "超長作法", "practices": [practice * 60]})
    item = item.model_copy(update={"points": [*item.points, forty, endless]})
    dim = dim.model_copy(update={"items": [item, *dim.items[1:]]})
    members = list(plan.roster.members)
    members[0] = members[0].model_copy(update={"name": f"黃{EXT_B}昭"})
    members[4] = members[4].model_copy(update={"name": f"林{NO_FONT}峰"})
    members[5] = members[5].model_copy(update={"name": "王堃喆"})
    return dataclasses.replace(
        plan,
        annex1=plan.annex1.model_copy(update={"dimensions": [dim, *plan.annex1.dimensions[1:]]}),
        roster=plan.roster.model_copy(update={"members": members}),
    )


@pytest.fixture(scope="session")
def odd(plan: Plan, tmp_path_factory) -> tuple[Plan, Path, list[warnings.WarningMessage]]:
    odd_plan = _odd_plan(plan)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_plan(odd_plan)
    path = tmp_path_factory.mktemp("odd") / "odd.pdf"
    path.write_bytes(data)
    return odd_plan, path, caught


# ---- content -------------------------------------------------------------------


def test_cli_writes_the_official_file_name(plan_pdf: Path) -> None:
    assert plan_pdf.name == "基隆市警察局107年度提升服務品質執行計畫.pdf"
    assert plan_pdf.read_bytes().startswith(b"%PDF-")


def test_body_has_title_and_every_section(plan: Plan, out: Extract) -> None:
    assert out.has(plan.title)
    for section in plan_sections(plan.body):
        assert out.has(section.heading)
        if section.intro:
            assert out.has(section.intro)
        for top in section.paras:
            for para in top.walk():
                assert out.has(para.line), para.line


def test_every_practice_and_action_numbered(plan: Plan, out: Extract) -> None:
    for dim in plan.annex1.dimensions:
        for item in dim.items:
            for point in item.points:
                for line in numbered(point.practices):
                    assert out.has(line), line
                assert out.has(point.name)
        for point in dim.points:
            for line in numbered(point.actions):
                assert out.has(line), line


def test_annex_labels_titles_and_captions(plan: Plan, out: Extract) -> None:
    for n in (1, 2, 3):
        assert out.has(annex_label(n))
    assert out.has(plan.annex2.title) and out.has(plan.roster.title)
    for annex in (plan.annex1, plan.annex2):
        for n, dim in enumerate(annex.dimensions, 1):
            assert out.has(f"{outline_label(1, n)}{dim.caption}")


def test_every_checklist_entry_has_a_box(plan: Plan, out: Extract) -> None:
    count = 0
    for dim in plan.annex2.dimensions:
        points = [p for item in dim.items for p in item.points] + list(dim.points)
        for point in points:
            for entry in point.entries:
                assert out.has(f"{layout.CHECKBOX} {entry}"), entry
                count += 1
    text = "".join(out.columns.values())
    assert text.count(layout.CHECKBOX) == count


def test_roster_columns_in_order(plan: Plan, out: Extract) -> None:
    members = plan.roster.members
    for index, field in enumerate(("role", "position", "name", "duty")):
        got = out.column(layout.ROSTER_COLUMNS, index)
        assert got == "".join(squash(getattr(m, field)) for m in members), field


def test_item_label_once_per_group_and_units_one_per_line(plan: Plan, out: Extract) -> None:
    items = [i.name for d in plan.annex1.dimensions for i in d.items]
    first_column = out.column(layout.ANNEX1_COLUMNS, 0)
    for name in items:  # what is left without the (續) labels of continued pages: each item once
        first_column = first_column.replace(f"{squash(name)}（續）", "")
    assert first_column == squash("".join(items))
    units = {u for ref in plan.points() for u in ref.point.units}
    point = plan.annex1.dimensions[0].items[0].points[0]
    unit_lines = [ln for ln in out.cell_lines if ln in units]
    assert set(point.units) <= set(unit_lines)


def test_long_unit_names_are_not_broken(plan: Plan) -> None:
    """「刑事警察大隊」 on one line, not 「刑事警察」 over 「大隊」: the 承辦單位 column is as wide as its longest name."""
    data = render_plan(with_long_units(plan))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [squash(line) for page in pdf.pages[:8] for line in page.extract_text().splitlines()]
    for name in LONG_UNITS:
        assert any(line.endswith(name) for line in lines), name


def test_long_positions_in_the_roster_are_not_broken(plan: Plan) -> None:
    """「中和第一分局分局長」 on one line, not 「中和第一分局分／局長」: 現職 is as wide as its longest title."""
    titles = ["勤務指揮中心主任", "刑事警察大隊大隊長", "中和第一分局分局長"]
    members = [m.model_copy(update={"position": t}) for m, t in zip(plan.roster.members, titles, strict=False)]
    roster = plan.roster.model_copy(update={"members": [*members, *plan.roster.members[len(titles):]]})
    data = render_plan(dataclasses.replace(plan, roster=roster))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [squash(line) for page in pdf.pages[-3:] for line in page.extract_text().splitlines()]
    for title in titles:
        assert any(title in line for line in lines), title


def test_header_row_on_every_table_page(out: Extract) -> None:
    first = next(n for n, keys in enumerate(out.tables) if keys)
    assert all(out.tables[first:]), "an annex page without a table"
    parts = [key for keys in out.tables for key in keys]
    assert set(parts) <= set(TABLES), "a table part that does not start with its header row"
    assert len(parts) >= 15  # 10 tables, several of them over two or more pages


# ---- pages, outline, metadata, reproducibility -----------------------------------


def test_numbered_paragraphs_and_body_text_are_indented_as_in_word(plan_pdf: Path) -> None:
    """一、 flush left, (一) under its text, text and wrapped lines where Word's Outline styles
    put them, a section's own paragraph indented on its first line only (layout.OUTLINE_EMS).
    The PDF had them all two characters further right, under the text of 「壹、」."""
    page1, page2 = line_starts(plan_pdf, 0), line_starts(plan_pdf, 1)
    at = dict(page1 + page2)
    assert at["壹、計畫依"] == 0
    assert at["一、國家發"] == layout.OUTLINE_EMS[0][0]
    intro = next(n for n, (text, _) in enumerate(page1) if text.startswith("本局為呼應"))
    assert page1[intro][1] == layout.FIRST_LINE_EMS and page1[intro + 1][1] == 0  # wrapped: flush left
    first = next(n for n, (text, _) in enumerate(page1) if text.startswith("一、發揮專"))
    assert page1[first + 1][1] == layout.OUTLINE_EMS[0][1]  # the text's wrapped line, after the label
    sub = next(n for n, (text, _) in enumerate(page2) if text.startswith("(一)"))
    assert page2[sub][1] == layout.OUTLINE_EMS[1][0] and page2[sub + 1][1] == layout.OUTLINE_EMS[1][1]
    # the text after 「(一)」 starts where its wrapped lines do, as after Word's tab
    assert dict(line_starts(plan_pdf, 1, skip=3))["不定期查訪"] == layout.OUTLINE_EMS[1][1]


def test_title_headings_and_table_headers_are_bold_and_sized_as_in_word(plan: Plan, plan_pdf: Path) -> None:
    """Kai has no bold face: Word thickens 標楷體; the PDF strokes the text it fills (render mode
    2) in the title, the section headings (16 pt, as Heading 1), 柒's 一、考核作業： (Heading 2)
    and the table headers, and only there."""
    reader = pypdf.PdfReader(plan_pdf)

    def stroked(page: int) -> int:  # text objects (a paragraph, a line) with text stroked in them
        return sum(b" 2 Tr" in text for text in reader.pages[page].get_contents().get_data().split(b"BT "))

    assert stroked(0) == 1 + len(plan_sections(plan.body)[:5])  # the title and 壹 … 伍
    rest = plan_sections(plan.body)[5:]  # 陸 and 柒, on page 2
    headings = [para for sec in rest for para in sec.paras if para.is_heading]
    assert headings and stroked(1) == len(rest) + len(headings)
    assert stroked(3)  # 附件 1's caption and table header
    with pdfplumber.open(plan_pdf) as pdf:
        sizes = {c["size"] for c in pdf.pages[0].chars if c["text"] in "壹貳肆伍"}  # 參 is in 參酌 too
        titles = {round(c["size"]) for c in pdf.pages[0].chars if c["text"] == "執"}
    assert sizes == {16} and titles >= {20}


def test_body_text_is_justified_as_in_word(plan_pdf: Path) -> None:
    """Word's Normal is justified (兩端對齊): every line of a paragraph but its last ends at
    the right margin, the space spread between the characters; the PDF's lines ended ragged."""
    right = (layout.PAGE_WIDTH_MM - layout.MARGIN_RIGHT_MM) * MM
    with pdfplumber.open(plan_pdf) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip() and c["size"] == layout.BODY_PT]
    lines: dict[float, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c)
    ends = {"".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])): max(c["x1"] for c in row) for row in lines.values()}
    intro = [text for text in ends if text.startswith("本局為呼應")]
    assert intro
    wrapped = list(ends)[list(ends).index(intro[0]) : list(ends).index(intro[0]) + 6]  # 貳's paragraph: six lines
    assert [abs(ends[text] - right) < 0.5 for text in wrapped] == [True] * 5 + [False], wrapped
    assert sum(abs(end - right) < 0.5 for end in ends.values()) >= 10


def test_a_justified_line_spreads_chinese_and_spaces_not_the_letters_of_a_number(plan_pdf: Path) -> None:
    """As Word: 「1071300028」 keeps its digits together on a justified line; the line's Chinese
    characters take the extra space."""
    with pdfplumber.open(plan_pdf) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    text = "".join(c["text"] for c in chars)
    at = text.index("1071300028")
    digits = chars[at : at + 10]
    assert all(abs(b["x0"] - a["x1"]) < 0.05 for a, b in itertools.pairwise(digits)), "digits spread apart"
    line = [c for c in chars if abs(c["top"] - digits[0]["top"]) < 1]
    right = (layout.PAGE_WIDTH_MM - layout.MARGIN_RIGHT_MM) * MM
    assert abs(max(c["x1"] for c in line) - right) < 0.5  # the line is justified …
    han = [c for c in line if "\u4e00" <= c["text"] <= "\u9fff"]
    assert any(b["x0"] - a["x1"] > 0.1 for a, b in itertools.pairwise(han))  # … by its Chinese characters


def test_chinese_and_latin_text_are_set_a_little_apart_as_word_does(plan_pdf: Path) -> None:
    """Word's automatic spacing (autoSpaceDE/DN, on in the templates): 「第2屆」 has a space of
    about a fifth of an em on each side of the 2 in LibreOffice's rendering of the .docx; the
    PDF had none. None beside punctuation: 「透過(m-police)行動」."""
    with pdfplumber.open(plan_pdf) as pdf:
        chars = [c for page in pdf.pages[:3] for c in page.chars]  # spaces too: 壹 has 「第 2 屆」
    text = "".join(c["text"] for c in chars)
    first, two, last = chars[text.index("第2屆") : text.index("第2屆") + 3]
    gap = AUTOSPACE * two["size"]
    assert abs(last["x0"] - two["x1"] - gap) < 0.05  # after the digit (a justified line spreads no digit)
    assert gap - 0.05 < two["x0"] - first["x1"] < gap + 1  # before it, with the line's spreading
    at = text.index("透過(m-police)行動")
    spread = [b["x0"] - a["x1"] for a, b in itertools.pairwise(chars[at : at + 14])]
    assert max(spread) < 0.5 * gap


def test_no_automatic_space_at_a_line_end() -> None:
    """A line that ends between a Chinese character and a digit keeps its width: the space
    falls between the lines, not at the right margin, nor at the next line's start."""
    from reportlab.platypus import SimpleDocTemplate

    from sqdocs.writers.pdf.text import Typesetter

    ts = Typesetter(pdf_fonts.font_set())
    style = ts.styles.body
    width = 10 * style.fontSize  # ten characters a line
    buffer = io.BytesIO()
    # The eleventh character is a digit: the first line ends at 「十」 and the gap before 2.
    para = ts.para("一二三四五六七八九十2025年度計畫執行成果一二三四五六七八九十", style, "t")
    left = 72 + 6  # the margin and the frame's padding
    SimpleDocTemplate(buffer, pagesize=(width + 156, 400), leftMargin=72, rightMargin=72).build([para])
    with pdfplumber.open(buffer) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    lines: dict[float, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c)
    first, second = list(lines.values())[:2]
    assert "".join(c["text"] for c in first) == "一二三四五六七八九十"
    assert abs(first[-1]["x1"] - (left + width)) < 0.05 and abs(first[1]["x0"] - first[0]["x1"]) < 0.05
    assert second[0]["text"] == "2" and abs(second[0]["x0"] - left) < 0.05


def test_a_paragraph_over_pages_is_broken_into_lines_once(monkeypatch) -> None:
    """A paragraph running over several pages keeps the lines it was broken into: each page's
    part draws the next of them, as Word's lines do not move at a page break, and starts at the
    top as the first page's does. Breaking each page's rest again grew with the square of the
    paragraph's length (a paragraph of 32,000 characters added 2.6 s to the plan PDF)."""
    from reportlab.platypus import SimpleDocTemplate

    from sqdocs.writers.pdf.text import CJKParagraph, Typesetter

    breaks = []
    original = CJKParagraph._break
    monkeypatch.setattr(CJKParagraph, "_break", lambda self, widths: breaks.append(widths) or original(self, widths))
    ts = Typesetter(pdf_fonts.font_set())
    style = ts.styles.body
    text = "第2屆政府服務獎E化評獎（RSS）仁、" * 60  # Latin on every line: all lines the taller kind
    para = ts.para(text, style, "t")
    width = 20 * style.fontSize
    whole = [line for line in para.breakLinesCJK([width, width]).lines]
    breaks.clear()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=(width + 144, 300), leftMargin=66, rightMargin=66,
                      topMargin=36, bottomMargin=36).build([Typesetter(ts.fonts).para(text, style, "t")])
    assert len(breaks) == 1  # (another Typesetter: one would share the lines of the paragraph above)
    with pdfplumber.open(buffer) as pdf:
        pages = [[c for c in page.chars if c["text"].strip()] for page in pdf.pages]
    assert len(pages) >= 4
    drawn = []  # per page: baseline (from the page's foot) → the line's text
    for chars in pages:
        lines: dict[float, str] = {}
        for c in chars:
            baseline = round(c["matrix"][5], 1)
            lines[baseline] = lines.get(baseline, "") + c["text"]
        drawn.append(lines)
    assert [line for lines in drawn for line in lines.values()] == ["".join(w.text for w in ln.words) for ln in whole]
    assert len({max(lines) for lines in drawn}) == 1  # every page's first line as high as the first page's


def test_a_text_is_measured_as_wide_as_its_line_is_set(monkeypatch) -> None:
    """Typesetter.width, which decides whether a title fits on one line and how far an outline
    label's tab reaches, counts the automatic spaces the line is set with. A title 1 pt narrower
    than the frame without its space 「7年」 but wider with it is broken at its space, as it is
    set; measured without it, it was taken for one line and broke wherever it ran over."""
    from sqdocs.writers.pdf import blocks
    from sqdocs.writers.pdf.text import Typesetter

    ts = Typesetter(pdf_fonts.font_set())
    style = ts.styles.title
    for text in ("基隆市警察局107年度計畫", "第2屆 E化 (RSS)", "一二三"):
        para = ts.para(text, style, "t")
        para.wrap(1e4, 1e9)
        assert para.blPara.lines[0].currentWidth == pytest.approx(ts.width(text, style)), text
    title = "基隆市警察局第一分局 107年度提升服務品質細部執行計畫"
    glyphs = ts.width(title, style) - AUTOSPACE * style.fontSize  # its one automatic space: 「7年」
    monkeypatch.setattr(layout, "TEXT_WIDTH_MM", (glyphs + 1) / MM)
    parts = blocks.title(title, ts)
    assert ["".join(f.text for f in part.frags) for part in parts] == ["基隆市警察局第一分局", "107年度提升服務品質細部執行計畫"]


def test_automatic_spaces_inside_one_font_s_run_keep_every_line_on_its_own() -> None:
    """「ñ」 is drawn in Kai, as the Chinese beside it: the runs its automatic spaces cut were
    merged again into one, which lost the spaces and the line's end, so every line of the
    paragraph was drawn over the first (found by test_property)."""
    from reportlab.platypus import SimpleDocTemplate

    from sqdocs.writers.pdf.text import Typesetter

    ts = Typesetter(pdf_fonts.font_set())
    style = ts.styles.cell
    text = "仈乜ñ亭éÅ仼甲乙丙丁戊己庚辛"
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=(4 * style.fontSize + 156, 400), leftMargin=72, rightMargin=72).build(
        [ts.para(text, style, "t")]
    )
    with pdfplumber.open(buffer) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    baselines = [round(c["matrix"][5], 1) for c in chars]
    assert "".join(c["text"] for c in chars) == text
    assert baselines == sorted(baselines, reverse=True) and len(set(baselines)) >= 4  # line after line
    first = [c for c in chars if round(c["matrix"][5], 1) == baselines[0]]
    assert [c["text"] for c in first] == list("仈乜ñ")
    assert first[2]["x0"] - first[1]["x1"] == pytest.approx(AUTOSPACE * style.fontSize, abs=0.05)


def test_numbered_practices_hang_as_word_s_table_list_sets_them(plan_pdf: Path) -> None:
    """附件 1's 「1.」 flush with the cell and its text, wrapped lines too, 1.5 characters in
    (Table List in the Word template and the .odt); the text followed the label at once."""
    with pdfplumber.open(plan_pdf) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if c["text"].strip()]
    text = "".join(c["text"] for c in chars)
    at = text.index("1.民眾申辦之各相關業務")
    label, text_start = chars[at], chars[at + 2]
    wrapped = chars[text.index("持有刀械申請書")]
    assert abs(text_start["x0"] - label["x0"] - layout.TABLE_LIST_EMS[1] * layout.TABLE_PT) < 0.1
    assert abs(wrapped["x0"] - text_start["x0"]) < 0.1


def test_latin_text_in_a_bold_style_is_set_in_the_latin_face_s_bold(plan_pdf: Path) -> None:
    """As Word sets it in Times New Roman Bold: the title's 「107」 is in the Latin face's bold
    (Liberation Serif Bold here), drawn as it is (0 Tr), not the regular face thickened by a
    stroke as the Kai text around it still is (2 Tr: Kai has no bold)."""
    fonts = pdf_fonts.font_set()
    if fonts.latin_bold is None:
        pytest.skip("no bold Latin face installed (fonts-liberation2)")
    bold = pdfmetrics.getFont(fonts.latin_bold).face.name.decode()
    with pdfplumber.open(plan_pdf) as pdf:
        title = [c for c in pdf.pages[0].chars if c["size"] == layout.TITLE_PT]
    assert {c["fontname"].split("+")[-1] for c in title if c["text"].isdigit()} == {bold}
    assert {c["fontname"].split("+")[-1] for c in title if not c["text"].isascii()} == {
        pdfmetrics.getFont(fonts.main).face.name.decode()
    }
    title = next(t for t in pypdf.PdfReader(plan_pdf).pages[0].get_contents().get_data().split(b"BT ") if b" 2 Tr" in t)
    assert re.search(rb" 2 Tr .* 0 Tr .* 2 Tr ", title)  # Kai stroked, 「107」 not, Kai again


def test_without_a_bold_latin_face_latin_text_in_a_bold_style_is_thickened() -> None:
    """No Times New Roman Bold nor Liberation Serif Bold: the regular face, stroked as Kai is;
    the bold face is looked for beside the regular one (timesbd.ttf beside times.ttf)."""
    from sqdocs.writers.fontfiles import FontRef, resolve_latin_bold
    from sqdocs.writers.pdf.text import Typesetter

    fonts = pdf_fonts.font_set()
    if fonts.latin is None:
        pytest.skip("no Latin face installed (fonts-liberation2)")
    ts = Typesetter(dataclasses.replace(fonts, latin_bold=None))
    frag = ts._frag(ts.styles.title, fonts.latin)
    assert (frag.fontName, frag.sq_stroked) == (fonts.latin, True)
    assert ts.width("107", ts.styles.title) == pytest.approx(pdfmetrics.stringWidth("107", fonts.latin, layout.TITLE_PT))
    if fonts.latin_bold is not None:
        bold = Typesetter(fonts)._frag(Typesetter(fonts).styles.title, fonts.latin)
        assert (bold.fontName, bold.sq_stroked) == (fonts.latin_bold, False)
    assert resolve_latin_bold(FontRef(Path("/nowhere/times.ttf"))) is None  # no timesbd.ttf there
    assert resolve_latin_bold(FontRef(Path("/nowhere/OtherSerif.ttf"))) is None


def test_reportlab_s_own_paragraphs_draw_as_reportlab_draws_them() -> None:
    """sqdocs replaces reportlab's line drawers for the lines it breaks itself; any other
    paragraph still goes through reportlab's, with what only they handle (an underline)."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    import sqdocs.writers.pdf.text  # noqa: F401 — the replacement is made on import

    buffer = io.BytesIO()
    style = ParagraphStyle("plain", fontName="Helvetica", fontSize=10, alignment=TA_JUSTIFY)
    words = " ".join(["word"] * 40)
    SimpleDocTemplate(buffer, pageCompression=0).build([Paragraph(f"<u>{words}</u> end", style)])
    page = pypdf.PdfReader(buffer).pages[0].get_contents().get_data()
    assert b" Tw" in page  # justified the way reportlab justifies Latin text: wider spaces
    assert b" l" in page and b" m" in page  # the underline, drawn as lines


def test_footer_page_x_of_y(out: Extract) -> None:
    total = len(out.pages)
    for n, text in enumerate(out.pages, 1):
        assert text.strip().splitlines()[-1] == f"第 {n} 頁，共 {total} 頁"


def test_bookmarks_for_every_section_and_annex(plan: Plan, plan_pdf: Path, out: Extract) -> None:
    reader = pypdf.PdfReader(plan_pdf)
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    titles = [entry.title for entry in top]
    expected = [s.heading for s in plan_sections(plan.body)]
    expected += [annex_label(1), f"{annex_label(2)} {plan.annex2.title}", f"{annex_label(3)} {plan.roster.title}"]
    assert titles == expected
    for entry in top:  # each bookmark opens the page its heading is on
        page = reader.get_destination_page_number(entry)
        assert squash(entry.title.split(" ")[0]) in squash(out.pages[page])
    annex_pages = [reader.get_destination_page_number(e) for e in top[-3:]]
    for page in annex_pages:  # each annex starts a page, its label first (top right)
        assert out.pages[page].strip().startswith("附件")


def test_bookmarks_for_headings_inside_a_section(plan: Plan, plan_pdf: Path, out: Extract) -> None:
    """A bare 一、 title over sub-clauses (一、考核作業：) is a heading in Word and ODF, so in
    their navigation; the PDF bookmarks it under its section, at the page it is on."""
    reader = pypdf.PdfReader(plan_pdf)
    children = {}
    for before, entry in zip(reader.outline, reader.outline[1:], strict=False):
        if isinstance(entry, list) and not isinstance(before, list):
            children[before.title] = entry
    wanted = {s.heading: [p.line for p in s.paras if p.is_heading] for s in plan_sections(plan.body)}
    wanted = {k: v for k, v in wanted.items() if v}
    assert wanted, "the sample has 一、考核作業： under 柒、考核獎懲"
    for heading, lines in wanted.items():
        assert [e.title for e in children.get(heading, [])] == lines
        for entry in children[heading]:
            assert squash(entry.title) in squash(out.pages[reader.get_destination_page_number(entry)])


def test_metadata(plan: Plan, plan_pdf: Path) -> None:
    reader = pypdf.PdfReader(plan_pdf)
    meta = reader.metadata
    assert meta.title == plan.title
    assert meta.author == plan.agency
    assert meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "zh-TW"
    day = plan.body.document_date
    assert meta["/CreationDate"].startswith(f"D:{day:%Y%m%d}")


def test_xmp_metadata_says_what_the_info_says(plan: Plan, plan_pdf: Path) -> None:
    """PDF/UA and PDF/A checkers (and some catalogues) read the title, author and language
    from the XMP packet, not the info dictionary; it is left uncompressed for non-PDF tools."""
    reader = pypdf.PdfReader(plan_pdf)
    meta, xmp = reader.metadata, reader.xmp_metadata
    assert xmp is not None, "no XMP metadata stream"
    assert xmp.dc_title == {"x-default": plan.title}
    assert xmp.dc_creator == [plan.agency]
    assert xmp.dc_description == {"x-default": meta.subject}
    assert xmp.pdf_keywords == meta["/Keywords"]
    assert xmp.dc_subject == [k.strip() for k in meta["/Keywords"].split(",")]
    assert xmp.dc_language == ["zh-TW"]
    assert xmp.pdf_producer == meta.producer and xmp.xmp_creator_tool == meta.creator
    in_utc = meta.creation_date.astimezone(UTC).replace(tzinfo=None)  # pypdf gives XMP dates in UTC
    assert xmp.xmp_create_date == xmp.xmp_modify_date == in_utc
    assert f"<xmp:CreateDate>{plan.body.document_date}T00:00:00+08:00<" in xmp.stream.get_data().decode()
    assert "/Filter" not in reader.trailer["/Root"]["/Metadata"].get_object()


def test_same_data_same_bytes(plan: Plan, plan_pdf: Path) -> None:
    assert render_plan(plan) == plan_pdf.read_bytes()


def test_streams_are_binary_flate(plan_pdf: Path) -> None:
    assert assert_binary_streams(plan_pdf) > 10


def test_size_under_limit(plan_pdf: Path) -> None:
    assert plan_pdf.stat().st_size <= 1024 * 1024  # issue 8: the plan PDF ≤ 1 MB with subset fonts


def test_embedded_glyphs_carry_no_hinting_programs(plan_pdf: Path) -> None:
    """Hints are a third of a Kai glyph's bytes and nothing a printed page needs."""
    reader = pypdf.PdfReader(plan_pdf)
    programs, seen = [], set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":  # a composite font: its glyphs are its descendant's
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            key = descriptor["/FontName"]
            if key in seen:
                continue
            seen.add(key)
            programs.append(descriptor["/FontFile2"].get_object().get_data())
    lengths = [hint_length(glyph) for program in programs for glyph in font_glyphs(program)]
    lengths = [length for length in lengths if length is not None]  # simple glyphs
    assert len(programs) >= 3 and len(lengths) > 500
    assert set(lengths) == {0}


# ---- fonts ---------------------------------------------------------------------


def test_only_embedded_subset_fonts(plan_pdf: Path, odd) -> None:
    for path in (plan_pdf, odd[1]):
        assert_embedded_subset_fonts(path)


def _font_operators(path: Path) -> list[str]:
    """The font names every Tf operator of every page sets, in order."""
    reader = pypdf.PdfReader(path)
    return [m.group(1).decode() for page in reader.pages for m in re.finditer(rb"/(\S+) [\d.]+ Tf", page.get_contents().get_data())]


def test_chinese_text_is_one_composite_font_set_once_a_run(plan: Plan, plan_pdf: Path, tmp_path: Path) -> None:
    """The Kai face is embedded once, as a composite (Type 0, Identity-H) font holding every glyph
    the document uses. As reportlab's 256-glyph simple fonts, Chinese text changed font at nearly
    every character (the plan set a font 5,800 times for 10,000 characters)."""
    kai = [row for row in pdffonts(plan_pdf) if "Kai" in row[0]]
    assert len(kai) == 1 and kai[0][1:4] == ["CID", "TrueType", "Identity-H"], kai
    latin = [row for row in pdffonts(plan_pdf) if "Liberation" in row[0] or "Times" in row[0]]
    assert latin and all(row[1] == "TrueType" for row in latin)  # simple: its spaces take word spacing
    # 400 different characters in one paragraph: one font operator, whatever their order.
    chars = "".join(chr(c) for c in range(0x4E00, 0x9FA5) if pdf_fonts.has_glyph(pdf_fonts.font_set().main, chr(c)))
    text = chars[:400] + "\u00a0" + chars[400:410]  # a non-breaking space is drawn as a space
    path = tmp_path / "many.pdf"
    path.write_bytes(render_plan(dataclasses.replace(plan, body=plan.body.model_copy(update={"targets": text}))))
    words = pdftotext(path).replace("\n", "")
    assert chars[:400] in words and f"{chars[400:410]}" in words
    assert words.index(chars[399]) + 2 == words.index(chars[400])  # the space between, kept
    assert len(_font_operators(path)) < len(_font_operators(plan_pdf)) + 10
    assert len(set(_font_operators(plan_pdf))) <= 4  # Kai, Latin, Latin bold and maybe a fallback


def test_fast_drawing_writes_what_reportlabs_general_drawing_writes(plan: Plan, monkeypatch) -> None:
    """CJKParagraph.drawOn, _draw and _text_out write reportlab's operators without its general
    set-up: the PDF is the same, byte for byte, when reportlab's drawOn, drawPara and _textOut
    draw instead.
    The plan has every alignment (centred titles and headers, the right-aligned 附件 label,
    justified body text), bold text, outline labels with their tab and mixed Latin text."""
    from reportlab.platypus import Flowable, Paragraph

    from sqdocs.writers.pdf import text as pdf_text

    dim = plan.annex1.dimensions[0]
    item = dim.items[0]
    mixed = "第2屆政府服務獎E化評獎（RSS）ñ仁、 https://www.klg.gov.tw/查詢 3 月\u00a08,547 件" * 12
    point = item.points[0].model_copy(update={"practices": [mixed, "第一行\n\n第三行"]})
    item = item.model_copy(update={"points": [point, *item.points[1:]]})
    dim = dim.model_copy(update={"items": [item, *dim.items[1:]]})
    plan = dataclasses.replace(plan, annex1=plan.annex1.model_copy(update={"dimensions": [dim, *plan.annex1.dimensions[1:]]}))
    fast = render_plan(plan)
    monkeypatch.setattr(pdf_text.CJKParagraph, "drawOn", Flowable.drawOn)
    monkeypatch.setattr(pdf_text.CJKParagraph, "_draw", lambda self, debug: Paragraph.drawPara(self, debug))
    monkeypatch.setattr(pdf_text, "_text_out", lambda tx, text, star: tx._textOut(text, star))
    assert render_plan(plan) == fast


def test_paragraphs_alike_are_broken_once_and_drawn_as_before(plan: Plan, monkeypatch) -> None:
    """Paragraphs of the same text, style and width (「委員」, 「各分局」 in many rows) share the
    lines the first of them was broken into: the PDF is byte for byte the one every paragraph
    broken on its own gives, and fewer paragraphs are broken than set."""
    from sqdocs.writers.pdf import text as pdf_text

    broken = []
    original = pdf_text.CJKParagraph._break

    def counted(self, widths):
        broken.append(self)
        return original(self, widths)

    monkeypatch.setattr(pdf_text.CJKParagraph, "_break", counted)
    shared = render_plan(plan)
    sharing = len(broken)
    broken.clear()
    monkeypatch.setattr(pdf_text.Typesetter, "_shared", lambda self, para: para)
    assert render_plan(plan) == shared
    assert sharing < 0.8 * len(broken)


def test_two_characters_one_glyph_each_copy_as_written(plan: Plan, tmp_path: Path, monkeypatch) -> None:
    """A font may draw two code points with one glyph (a compatibility ideograph such as U+F967
    with 不 U+4E0D, as Droid Sans Fallback does): each keeps its own code in the composite
    font, so that copying gives back the character written, and both draw that glyph."""
    face = pdfmetrics.getFont(pdf_fonts.font_set().main).face
    for table in (face.charToGlyph, face.charWidths):
        monkeypatch.setitem(table, 0xF967, table[0x4E0D])
    pdf_fonts._font_set.cache_clear()  # no font chosen for U+F967 yet
    try:
        text = "兩字同形：\uf967與不，\uf967再現"
        path = tmp_path / "shared.pdf"
        path.write_bytes(render_plan(dataclasses.replace(plan, body=plan.body.model_copy(update={"targets": text}))))
    finally:
        pdf_fonts._font_set.cache_clear()
    assert text in pdftotext(path).replace("\n", "")
    reader = pypdf.PdfReader(path)
    kai = next(
        font.get_object()["/DescendantFonts"][0].get_object()
        for font in reader.pages[0]["/Resources"]["/Font"].values()
        if font.get_object()["/Subtype"] == "/Type0"
    )
    gids = kai["/CIDToGIDMap"].get_object().get_data()  # not /Identity: two codes, one glyph
    pairs = [int.from_bytes(gids[i : i + 2], "big") for i in range(0, len(gids), 2)]
    assert len(pairs) == len(set(pairs)) + 1


def test_composite_font_widths_and_cmap() -> None:
    assert pdf_fonts._width_runs([500, 1000, 1000, 1000, 250]) == [0, 0, 500, 1, 3, 1000, 4, 4, 250]
    assert pdf_fonts._width_runs([1000]) == [0, 0, 1000]
    cmap = pdf_fonts.to_unicode_cmap("X", [None, 0x4E00, 0x21619], code_bytes=2)
    assert "<0000> <FFFF>" in cmap and "<0001> <4E00>" in cmap and "<0002> <D845DE19>" in cmap
    assert "<0000> <" not in cmap.split("endcodespacerange")[1]  # .notdef draws no character
    tag = pdf_fonts._subset_tag(b"Kai", [1, 2, 3])
    assert re.fullmatch(rb"[A-Z]{6}", tag) and tag == pdf_fonts._subset_tag(b"Kai", [1, 2, 3])
    assert tag != pdf_fonts._subset_tag(b"Kai", [1, 2, 4])


def test_kai_face_by_default(plan_pdf: Path) -> None:
    names = {row[0].split("+", 1)[1] for row in pdffonts(plan_pdf)}
    assert any(re.search(r"Kai|kaiu|BiauKai", n, re.I) for n in names), names


def _drawn_chars(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return [c for page in pdf.pages for c in page.chars if c["text"].strip()]


def test_latin_letters_and_digits_in_times_new_roman_widths_as_in_word(plan_pdf: Path) -> None:
    """Word sets them in Times New Roman (the template's Latin font); the PDF in it or a face
    with its widths (Liberation Serif, installed by the set-up), Chinese in Kai."""
    if fontfiles.resolve_latin() is None:
        pytest.fail("no Times New Roman or Liberation Serif: run scripts/setup.sh (fonts-liberation2)")
    chars = _drawn_chars(plan_pdf)
    latin = [c for c in chars if fontfiles.is_latin(c["text"])]
    assert {c["text"] for c in latin} >= set("0123456789()."), "the sample's numbers and labels"
    assert all(re.search(r"Times|Liberation|Tinos", c["fontname"]) for c in latin)
    assert all("Kai" in c["fontname"] for c in chars if "\u4e00" <= c["text"] <= "\u9fff")


def test_without_a_latin_face_the_main_face_draws_latin_text(plan: Plan, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fontfiles, "latin_candidates", list)
    pdf_fonts._font_set.cache_clear()
    try:
        path = tmp_path / "plan.pdf"
        path.write_bytes(render_plan(plan))
    finally:
        pdf_fonts._font_set.cache_clear()  # the next test gets the machine's fonts again
    digits = [c for c in _drawn_chars(path) if c["text"].isdigit()]
    assert digits and all("Kai" in c["fontname"] for c in digits)


def test_no_glyph_is_drawn_over_another(plan_pdf: Path, odd) -> None:
    """A numbered heading's first line was drawn a line too low, over the next (the space that
    stands for its tab is set large, and reportlab took its height for the line's)."""
    for path in (plan_pdf, odd[1]):
        assert_no_overlapping_glyphs(path)


def test_a_practice_of_mixed_text_longer_than_a_page_splits_whole_and_unharmed(plan: Plan, tmp_path) -> None:
    """Taller lines and automatic spaces through a cell split over pages: no line over another,
    no character lost or moved (the split's second part is made of the first's fragments)."""
    text = "第2屆政府服務獎E化評獎（RSS）ñ仁、" * 120
    dim = plan.annex1.dimensions[0]
    item = dim.items[0]
    point = item.points[0].model_copy(update={"name": "混合長文", "practices": [text]})
    item = item.model_copy(update={"points": [point]})
    dim = dim.model_copy(update={"items": [item]})
    mixed = dataclasses.replace(plan, annex1=plan.annex1.model_copy(update={"dimensions": [dim]}))
    path = tmp_path / "mixed.pdf"
    path.write_bytes(render_plan(mixed))
    assert_no_overlapping_glyphs(path)
    found = extract(path)
    assert squash(f"1. {text}") in found.column(layout.ANNEX1_COLUMNS, 2)


def test_ext_b_name_drawn_from_fallback_and_extracts_right(odd) -> None:
    _plan, path, _ = odd
    with pdfplumber.open(path) as pdf:
        chars = [c for page in pdf.pages[-3:] for c in page.chars]
    ext_b = [c for c in chars if c["text"] == EXT_B]
    main_font = {c["fontname"] for c in chars if c["text"] == "黃"}
    assert ext_b, "𡘙 is missing from the text layer (wrong ToUnicode?)"
    assert {c["fontname"] for c in ext_b}.isdisjoint(main_font)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"黃{EXT_B}昭" in text
    assert "王堃喆" in text


def test_character_no_font_has_is_reported(odd) -> None:
    _plan, _path, caught = odd
    messages = [str(w.message) for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert len(messages) == 1
    assert "U+10FFFD" in messages[0] and NO_FONT in messages[0]
    assert "附件 3 第 5 列 姓名" in messages[0]
    # U+10FFFD is a private-use code point, a 自造字: no font to install has it
    assert "這是自造字（Unicode 私人使用區）" in messages[0] and "fonts-hanazono" not in messages[0]


def test_variation_selectors_and_joiners_are_not_drawn(plan: Plan, tmp_path: Path) -> None:
    """A phone types ☎ and ❤ followed by U+FE0F (their emoji form): the Kai face drew it as a
    box reading 「VS16」, without a warning; a name's variant selector (葛 U+E0100) was warned
    about as a missing character and drawn as an empty box. The characters are drawn without them."""
    practice = "服務專線☎\ufe0f全天受理，民眾好評❤\ufe0f；承辦人葛\U000e0100小姐"
    dim = plan.annex1.dimensions[0]
    item = dim.items[0]
    point = item.points[0].model_copy(update={"practices": [practice]})
    dim = dim.model_copy(update={"items": [item.model_copy(update={"points": [point]}), *dim.items[1:]]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_plan(dataclasses.replace(plan, annex1=plan.annex1.model_copy(update={"dimensions": [dim]})))
    assert not [w for w in caught if issubclass(w.category, MissingGlyphWarning)]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        drawn = "".join(c["text"] for page in pdf.pages for c in page.chars)
    assert "☎" in drawn and "❤" in drawn and "葛" in drawn
    assert not set(drawn) & {"\ufe0f", "\U000e0100", "\x00"}
    path = tmp_path / "selectors.pdf"
    path.write_bytes(data)
    assert "1.服務專線☎全天受理，民眾好評❤；承辦人葛小姐" in extract(path).column(layout.ANNEX1_COLUMNS, 2)


def test_font_runs_of_text_seen_before_are_the_runs_of_text_never_seen() -> None:
    """FontSet.runs answers a text of characters already seen in the main face at once: the
    same runs as a fresh font set gives, a missing character still told every time, and
    the characters that are not drawn still left out."""
    used = pdf_fonts.font_set()
    texts = ["基隆市警察局", "局察警", "107年度 RSS", "\U0010fffd局", "局\U0010fffd", "葛\U000e0100局", "", "  ", "局\n察"]
    for _ in range(2):  # the second time, every character has been seen
        for text in texts:
            fresh = dataclasses.replace(used, _choice={}, _main_only=set())
            told, told_fresh = [], []
            assert used.runs(text, told.append) == fresh.runs(text, told_fresh.append), text
            assert told == told_fresh
    assert used.runs("局察", print) == [(used.main, "局察")] and "局" in used._main_only
    missed: list[str] = []
    assert used.runs("局\U0010fffd", missed.append) == [(used.main, "局\U0010fffd")]
    assert missed == ["\U0010fffd"] and "\U0010fffd" not in used._main_only
    assert used.runs("葛\U000e0100") == [(used.main, "葛")]


@pytest.mark.parametrize(("ch", "advice"), [("\ue000", "自造字"), ("\U000f0001", "自造字"), ("𪚥", "fonts-hanazono")])
def test_advice_for_a_missing_character_tells_a_private_use_one_apart(ch: str, advice: str) -> None:
    assert advice in missing_glyph_advice(ch)


def test_advice_for_a_missing_character_does_not_ask_to_install_a_font_already_installed(
    tmp_path: Path, monkeypatch
) -> None:
    """With fonts-hanazono installed and still no glyph (🫠, an emoji newer than the font), the
    advice was to install fonts-hanazono."""
    monkeypatch.setattr(fontfiles, "HANAZONO_DIR", tmp_path)
    assert "請安裝含此字的字型（如 fonts-hanazono）" in missing_glyph_advice("🫠")
    for name in ("HanaMinA.ttf", "HanaMinB.ttf"):
        (tmp_path / name).write_bytes(b"")
    advice = missing_glyph_advice("🫠")
    assert "請安裝" not in advice and "已安裝的 fonts-hanazono 也沒有此字" in advice and "文字說明" in advice


def test_no_warning_for_the_sample(built) -> None:
    assert not [w for w in built[1] if issubclass(w.category, MissingGlyphWarning)]


def test_cff_font_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    fake = tmp_path / "NotoSansCJK-Regular.otf"
    fake.write_bytes(b"OTTO" + bytes(64))
    with pytest.raises(UserError, match="TrueType"):
        pdf_fonts.load(pdf_fonts.resolve_main(fake))


def test_a_font_file_cut_short_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    whole = pdf_fonts.resolve_main().path.read_bytes()
    for name, data in (("empty.ttf", b""), ("head.ttf", whole[:5000]), ("half.ttf", whole[: len(whole) // 2])):
        cut = tmp_path / name
        cut.write_bytes(data)
        with pytest.raises(UserError, match="損毀或不完整|無法使用此字型"):
            pdf_fonts.load(pdf_fonts.FontRef(cut))


def test_the_font_file_is_mapped_not_copied() -> None:
    # Every worker would otherwise hold its own 52 MB copy of TW-Kai (see _MappedFile).
    name = pdf_fonts.load(pdf_fonts.resolve_main())
    assert isinstance(pdfmetrics.getFont(name).face._ttf_data, mmap.mmap)


def test_missing_font_file_and_no_font_at_all(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(UserError, match="找不到字型檔"):
        pdf_fonts.resolve_main(tmp_path / "nothing.ttf")
    monkeypatch.delenv(fontfiles.ENV_FONT, raising=False)
    monkeypatch.setattr(fontfiles, "kai_candidates", list)
    monkeypatch.setattr(fontfiles, "_fontconfig_kai", list)
    with pytest.raises(UserError, match="fonts-cns11643-kai"):
        pdf_fonts.resolve_main()


def test_env_font_and_taiwan_face_of_a_collection(monkeypatch) -> None:
    ukai = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    if not ukai.is_file():
        pytest.skip("fonts-arphic-ukai is not installed")
    monkeypatch.setenv(fontfiles.ENV_FONT, str(ukai))
    assert pdf_fonts.resolve_main() == pdf_fonts.FontRef(ukai, 2)  # AR PL UKai TW, not CN


def test_to_unicode_cmap_uses_surrogate_pairs() -> None:
    cmap = pdf_fonts.to_unicode_cmap("AAAAAA+X", [0, 0x5803, 0x21619])
    assert "<01> <5803>" in cmap
    assert "<02> <D845DE19>" in cmap


# ---- line breaking and long rows ------------------------------------------------


def test_no_line_starts_with_closing_punctuation(out: Extract) -> None:
    assert len(out.cell_lines) > 500
    bad = [ln for ln in out.cell_lines + out.body_lines if ln.strip()[0] in CLOSING]
    assert not bad
    bad = [ln for ln in out.cell_lines + out.body_lines if ln.strip()[-1] in OPENING]
    assert not bad


def test_latin_words_are_not_split(out: Extract) -> None:
    text = "\n".join(out.cell_lines)
    for word in ("m-police", "ODF", "PDF", "Facebook", "RSS"):
        assert word in text


def test_forty_practices_and_a_practice_longer_than_a_page(odd, out: Extract) -> None:
    odd_plan, path, _ = odd
    got = extract(path)
    point = odd_plan.annex1.dimensions[0].items[0].points
    for line in numbered(point[-2].practices):
        assert got.has(line), line
    assert got.has(numbered(point[-1].practices)[0])
    assert len(got.pages) >= len(out.pages) + 5  # the two points take pages of their own
    # every page the long row continues on names its point
    assert got.column(layout.ANNEX1_COLUMNS, 1).count("超長作法（續）") >= 2


# ---- splitting rows across pages -------------------------------------------------------

from sqdocs.writers.pdf.tables import PADDING  # noqa: E402


def _two_row_table():
    """A table whose second row holds six one-line paragraphs (as a unit's results do)."""
    from sqdocs.writers.pdf.tables import Row, grid
    from sqdocs.writers.pdf.text import Typesetter

    ts = Typesetter(pdf_fonts.font_set())
    columns = (layout.Column("甲", 30), layout.Column("乙", 60))
    body = ts.styles.cell
    # Chinese only: a line with digits in it is a little taller (as in Word), and these count lines.
    lines = [ts.para(f"第{n}項指標：已達成", body, "t") for n in "一二三四五六"]
    rows = [Row([[ts.para("第一列", body, "t")], [ts.para("一行", body, "t")]]), Row([[ts.para("第二列", body, "t")], lines])]
    table = grid(columns, rows, ts)
    width = sum(c.width_mm for c in columns) * 72 / 25.4
    table.wrap(width, 1e9)
    return table, width, table._rowHeights, body.leading


def test_a_row_that_would_leave_one_line_alone_moves_to_the_next_page() -> None:
    table, width, heights, leading = _two_row_table()
    # Room for five of the six lines: the sixth would open the next page alone.
    top, rest = table.split(width, heights[0] + heights[1] + sum(PADDING[1::2]) + leading * 5.3)
    assert top._nrows == 2 and rest._nrows == 2  # header + row 1 here; header + row 2 there
    room = rest.sq_room
    assert room is not None and rest.split(width, room) == []  # not squeezed in below row 1 …
    assert rest.sq_room is None  # … but laid out as usual on the next page


def test_a_moved_row_starting_a_new_page_is_laid_out_there() -> None:
    table, width, heights, leading = _two_row_table()
    _, rest = table.split(width, heights[0] + heights[1] + sum(PADDING[1::2]) + leading * 5.3)
    assert rest.split(width, rest.sq_room + 2 * leading) != []  # more room than was left: a new page


def test_a_row_with_several_lines_on_each_side_still_splits() -> None:
    table, width, heights, leading = _two_row_table()
    top, rest = table.split(width, heights[0] + heights[1] + sum(PADDING[1::2]) + leading * 3.3)
    assert top._nrows == 3 and rest.sq_room is None  # the second row starts on this page


def test_a_row_whose_rest_would_be_only_its_repeated_label_moves_on_whole() -> None:
    """A long 評核重點 beside short practices: splitting it would open the next page with
    the label again （續） beside empty cells, so the whole row goes to the next page."""
    from sqdocs.writers.pdf.tables import CONTINUED, Row, grid
    from sqdocs.writers.pdf.text import Typesetter

    ts = Typesetter(pdf_fonts.font_set())
    columns = (layout.Column("重點", 18), layout.Column("作法", 60))
    body = ts.styles.cell
    label = "組織內部建立常態性運作機制，以及在首長領導及成員合作下，投入服務創新及精進"
    rows = [
        Row([[ts.para("第一列", body, "t")], [ts.para("一行", body, "t")]]),
        Row([[ts.para(label, body, "t")], [ts.para("一、成立工作小組。", body, "t"), ts.para("二、推動提案。", body, "t")]],
            carry={0: label}),
    ]
    table = grid(columns, rows, ts)
    width = sum(c.width_mm for c in columns) * 72 / 25.4
    table.wrap(width, 1e9)
    heights, leading = table._rowHeights, body.leading
    assert heights[2] > 6 * leading  # the label is the tall cell
    # Room for the practices and four lines of the label.
    top, rest = table.split(width, heights[0] + heights[1] + sum(PADDING[1::2]) + leading * 4.3)
    assert top._nrows == 2  # header + row 1: the row was not split here …
    first_label = "".join(p.text for p in rest._cellvalues[1][0])
    assert first_label == label and CONTINUED not in first_label  # … it starts the next page whole


def test_a_caption_waits_for_a_page_with_its_tables_first_row_whole(plan_pdf: Path) -> None:
    """開放參與, 五's first row, was split at the foot of page 10 below its caption."""
    assert not [row for row in split_rows(plan_pdf) if row.first]


def test_no_split_row_leaves_a_stub_or_cuts_a_unit_list(plan_pdf: Path) -> None:
    """附件 1's 服務行為的友善性 left only 「1. 辦理機關電話禮貌測試。」 at a page foot beside a
    3-line 評核重點, and its 承辦單位 list on both pages (各直屬隊/秘書科/行政科 | 各分局)."""
    splits = assert_no_stub_splits(plan_pdf)
    assert splits  # long rows still split
    with pdfplumber.open(plan_pdf) as pdf:
        pages = [squash(page.extract_text()) for page in pdf.pages]
    assert any("1.辦理機關電話禮貌測試。" in page and "2.強化服務人員" in page for page in pages)


def _roster_plan(plan: Plan, extra: int, duty: str | None = None) -> Plan:
    """The sample with ``extra`` more members of three-line rows; ``duty``, when given, is the
    fourth member's."""
    members = list(plan.roster.members)
    if duty is not None:
        members[3] = members[3].model_copy(update={"duty": duty})
    members += [
        members[-1].model_copy(update={
            "role": "委員", "name": f"委員{n:02d}號", "note": "兼任" if n % 3 == 0 else "",
            "position": f"第{n % 4 + 1}分局分局長兼任本局推動提升服務品質考核小組第{n}組組長",
            "duty": f"督導第{n}組轄區各派出所推動提升服務品質相關事宜，並彙整考核結果陳報召集人。",
        })
        for n in range(extra)
    ]
    return dataclasses.replace(plan, roster=plan.roster.model_copy(update={"members": members}))


@dataclasses.dataclass
class _RosterRow:
    """A row of 附件 3 as drawn on one page: the text of its 姓名 and 職掌 cells, how far (pt)
    the name's middle lies below the cell's, and the gaps between the 職掌 text and the row's
    top and bottom."""

    page: int
    name: str
    duty: str
    name_offset: float
    duty_gaps: tuple[float, float]


def _roster_rows(path: Path) -> list[_RosterRow]:
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                header = [squash(h or "") for h in table.extract()[0]]
                if "姓名" not in header:
                    continue
                for row in table.rows[1:]:
                    top, bottom = row.bbox[1], row.bbox[3]
                    texts = []
                    for col in (header.index("姓名"), header.index("職掌")):
                        x0, _, x1, _ = row.cells[col]
                        texts.append([
                            c for c in page.chars if x0 < c["x0"] < x1 and top < c["top"] < bottom and c["text"].strip()
                        ])
                    name, duty = texts
                    middle = (min(c["top"] for c in name) + max(c["bottom"] for c in name)) / 2 if name else None
                    found.append(_RosterRow(
                        page.page_number, "".join(c["text"] for c in name), "".join(c["text"] for c in duty),
                        middle - (top + bottom) / 2 if name else float("nan"),
                        (min(c["top"] for c in duty) - top, bottom - max(c["bottom"] for c in duty)) if duty else (0, 0),
                    ))
    return found


def test_a_roster_row_moved_to_the_next_page_is_drawn_centred(plan: Plan, tmp_path: Path) -> None:
    """A row reportlab split at a page's foot, then moved on whole (a line or two would have
    stayed behind), kept the padding its split had given it: 「委員 10 號」 sat 7.6 pt low."""
    path = tmp_path / "roster.pdf"
    path.write_bytes(render_plan(_roster_plan(plan, 55)))
    rows = _roster_rows(path)
    assert len(rows) == len(plan.roster.members) + 55
    assert len({row.page for row in rows}) >= 3
    assert [(row.page, row.name, round(row.name_offset, 1)) for row in rows if abs(row.name_offset) > 1] == []


def test_a_roster_row_taller_than_a_page_names_its_member_where_it_starts(plan: Plan, tmp_path: Path) -> None:
    """A 職掌 of some 1,500 characters: the centred name went where the middle of the whole row
    fell, beside the duty's last lines, none beside its first, and each part after the first
    was drawn a page tall with its lines at the foot."""
    duty = "督(輔)導本案綜合規劃及管制考核等事宜，並彙整各單位執行成果陳報召集人核定。" * 40
    path = tmp_path / "roster.pdf"
    path.write_bytes(render_plan(_roster_plan(plan, 0, duty)))
    member = plan.roster.members[3]
    parts = [row for row in _roster_rows(path) if squash(row.duty) in squash(duty)]
    assert len(parts) >= 2  # the row runs over pages
    assert parts[0].name == member.name and abs(parts[0].name_offset) <= 1  # named, centred, where it starts
    assert squash(duty).startswith(squash(parts[0].duty)) and squash(duty).endswith(squash(parts[-1].duty))
    line = layout.TABLE_PT * 1.5
    assert all(max(part.duty_gaps) < line for part in parts), [part.duty_gaps for part in parts]
    assert_no_overlapping_glyphs(path)
    assert_cell_text_inside_padding(path)


def test_a_short_last_row_is_not_left_alone_on_the_next_page() -> None:
    from sqdocs.writers.pdf.tables import Row, grid
    from sqdocs.writers.pdf.text import Typesetter

    ts = Typesetter(pdf_fonts.font_set())
    columns = (layout.Column("指標", 40), layout.Column("數值", 40))
    body = ts.styles.cell
    rows = [Row([[ts.para(f"第 {n} 項", body, "t")], [ts.para(f"{n}0%", body, "t")]]) for n in range(1, 7)]
    table = grid(columns, rows, ts)
    width = sum(c.width_mm for c in columns) * 72 / 25.4
    table.wrap(width, 1e9)
    heights = table._rowHeights
    top, rest = table.split(width, sum(heights[:6]) + 1)  # room for the header and five of six rows
    assert (top._nrows, rest._nrows) == (5, 3)  # header + 4 here; header + the last 2 there
    assert rest.split(width, rest.sq_room) == []  # and the rest is not squeezed in below


# ---- line heights and spacing as the Word template's --------------------------------------


def _latin_line() -> float:
    fonts = pdf_fonts.font_set()
    if fonts.latin is None:
        pytest.skip("no Latin face installed (fonts-liberation2)")
    return fonts.latin_line


def test_a_line_with_latin_text_is_as_tall_as_word_makes_it() -> None:
    """Word and LibreOffice give a line its tallest face's line: 1.15 ems with Times New Roman
    or Liberation Serif in it (digits, letters, ASCII punctuation), one em of Kai alone."""
    from sqdocs.writers.pdf.text import Typesetter

    taller = _latin_line()
    assert taller == pytest.approx(2355 / 2048) == pytest.approx(pdf_fonts.line_height(pdf_fonts.font_set().latin))
    ts = Typesetter(pdf_fonts.font_set())
    for style in (ts.styles.body, ts.styles.cell):
        height = {text: ts.para(text, style, "t").wrap(400, 1e9)[1] for text in ("一二三", "一二3", "一 二", "一(二)")}
        assert height == pytest.approx({"一二三": style.leading, "一二3": style.leading * taller,
                                        "一 二": style.leading, "一(二)": style.leading * taller})


def test_a_paragraph_of_taller_lines_splits_where_they_fit() -> None:
    """Six lines with figures in them, in room for three Chinese lines: two fit, not three."""
    from sqdocs.writers.pdf.text import Typesetter

    taller = _latin_line()
    ts = Typesetter(pdf_fonts.font_set())
    style = ts.styles.cell
    para = ts.para("".join(f"第{n}項達成率99%。" for n in range(1, 7)), style, "t")
    width = ts.width("第1項達成率99%。", style) + 10  # a sentence a line (with its automatic spaces)
    _, height = para.wrap(width, 1e9)
    assert height == pytest.approx(6 * style.leading * taller)
    top, rest = para.split(width, 3.3 * style.leading)
    assert len(top.blPara.lines) == 2 and top.wrap(width, 1e9)[1] <= 3.3 * style.leading
    assert rest.wrap(width, 1e9)[1] == pytest.approx(4 * style.leading * taller)


def test_the_text_of_every_cell_lies_inside_its_padding(plan_pdf: Path) -> None:
    """As in Word, a cell's first line starts the Kai ascender below its padding and its last
    ends the descent above the padding below (the report's cells: test_pdf_report.py)."""
    assert assert_cell_text_inside_padding(plan_pdf) > 3000


def test_annex_labels_titles_and_sections_are_spaced_as_the_word_template_s_styles() -> None:
    """「附件 n」 (Annex Label) and an annex's title and 壹、… (Heading 1, the title centred) have
    the space before and after of templates/plan.docx's styles: the annex title had none before
    it where Heading 1 has 12 pt, 5 pt short of LibreOffice's rendering under 「附件 2」."""
    template = Document(str(ROOT / "templates" / "plan.docx")).styles
    pdf = Styles.for_font(pdf_fonts.font_set().main)
    for style, name in ((pdf.annex_label, S.ANNEX_LABEL), (pdf.annex_title, S.HEADING_1), (pdf.section, S.HEADING_1)):
        fmt = template[name].paragraph_format
        spaced = ((fmt.space_before or Pt(0)).pt, (fmt.space_after or Pt(0)).pt)
        assert (style.spaceBefore, style.spaceAfter) == spaced, name


def test_an_annex_s_first_caption_is_its_space_before_below_the_annex_label(plan_pdf: Path) -> None:
    """「附件 1」 and the caption under it are as far apart as in the .docx: the larger of the
    label's space after and the caption's space before, not both (LibreOffice: 26.1 pt from top
    to top; the PDF had 6 pt more, a zero-height page-break check between them)."""
    styles = Styles.for_font(pdf_fonts.font_set().main)
    label, caption = styles.annex_label, styles.caption
    with pdfplumber.open(plan_pdf) as pdf:
        page = next(p for p in pdf.pages if p.search("一、個別評核構面-基礎服務"))
        base = {}
        for text in ("附件 1", "一、個別評核構面-基礎服務"):
            top = page.search(text)[0]["top"]
            char = next(c for c in page.chars if abs(c["top"] - top) < 2 and not c["text"].isspace())
            base[text] = page.height - char["matrix"][5]
    fonts = pdf_fonts.font_set()
    # Both lines have Latin text (「1」, 「-」): taller, their text lower in them.
    label_below = label.leading * fonts.latin_line - pdf_fonts.ascender(fonts.latin or fonts.main) * label.fontSize
    caption_above = pdf_fonts.ascender(fonts.latin or fonts.main) * caption.fontSize
    gap = max(label.spaceAfter, caption.spaceBefore)
    assert base["一、個別評核構面-基礎服務"] - base["附件 1"] == pytest.approx(label_below + gap + caption_above, abs=0.1)


def test_cells_and_captions_are_spaced_as_in_the_word_template(plan_pdf: Path) -> None:
    """A cell's text has the template's 0.5 mm above and below it, and a row the line between
    it and the next as well, as Word and LibreOffice lay out the .docx (a one-line header row is
    12 pt + 1 mm + 0.75 pt tall: LibreOffice's is 15.5 pt); a caption 6 pt above and 3 pt
    below, as Heading 2, and no more space follows a table. The PDF's rows and captions were
    taller than the .docx's, then its rows shorter (by the line: a page less in 27)."""
    taller = _latin_line()
    with pdfplumber.open(plan_pdf) as pdf:
        page = next(p for p in pdf.pages if p.search("二、個別評核構面-服務遞送"))
        edges = sorted({round(e["top"], 2) for e in page.edges if e["orientation"] == "h" and e["width"] > 200})
        caption = page.search("二、個別評核構面-服務遞送")[0]["top"]
    above = max(y for y in edges if y < caption)  # the end of the table before
    below = [y for y in edges if y > caption][:2]  # the next table's header row
    row = layout.TABLE_PT + 2 * layout.CELL_PADDING_V_MM * MM + layout.TABLE_LINE_PT
    assert below[1] - below[0] == pytest.approx(row, abs=0.05)
    # The caption's 「-」 is Latin: its line is the taller one.
    assert below[0] - above == pytest.approx(6 + layout.BODY_PT * BODY_LEADING * taller + 3, abs=0.05)
