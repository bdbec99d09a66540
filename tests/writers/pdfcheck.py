"""Reading the PDFs back as a person would: page texts, table columns, fonts, images.

Shared by the tests of every PDF document (test_pdf*.py).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import struct
import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from pdfminer import utils as pdfminer_utils
from pdfminer.pdfdevice import PDFTextDevice

from sqdocs.errors import UserError
from sqdocs.writers import layout
from sqdocs.writers.pdf import fonts as pdf_fonts

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "keelung-107"


def _render_string_horizontal(
    self, seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise, dxscale, ncs, graphicstate
):
    """pdfminer's, with the character spacing (Tc) after every glyph, as the PDF specification
    (9.4.4) has it and poppler, PDFium and Acrobat draw it: pdfminer leaves it out after the
    last glyph of each string, so in a justified line (sqdocs spreads it with Tc, a string per
    font) every later character read a little further left than it is drawn."""
    x, y = pos
    for obj in seq:
        if isinstance(obj, int | float):
            x -= obj * dxscale
        elif isinstance(obj, bytes):
            for cid in font.decode(obj):
                x += self.render_char(
                    pdfminer_utils.translate_matrix(matrix, (x, y)), font, fontsize, scaling, rise, cid, ncs, graphicstate
                )
                x += charspace
                if cid == 32 and wordspace:
                    x += wordspace
    return x, y


PDFTextDevice.render_string_horizontal = _render_string_horizontal

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")), reason="poppler-utils is not installed"
)


def require_kai_font() -> None:
    try:
        pdf_fonts.resolve_main()
    except UserError:
        pytest.skip("no Kai font installed (sudo apt-get install fonts-cns11643-kai)")


def squash(text: str) -> str:
    """Text without any whitespace: line breaks and spaces differ between PDF and data."""
    return re.sub(r"\s+", "", text)


def _sample_summary_columns() -> tuple[layout.Column, ...]:
    """The 績效摘要's columns in the sample report: their widths follow its names and figures."""
    from sqdocs.build import cached_report

    return layout.report_summary(cached_report(SAMPLE))[0]


SUMMARY_COLUMNS = _sample_summary_columns()
TABLES = {  # the squashed header row → the table's columns
    squash("".join(c.header for c in cols)): cols
    for cols in (layout.ANNEX1_COLUMNS, layout.ANNEX1_OVERALL_COLUMNS, layout.ANNEX2_COLUMNS,
                 layout.ANNEX2_OVERALL_COLUMNS, layout.ROSTER_COLUMNS, SUMMARY_COLUMNS,
                 layout.REPORT_RESULT_COLUMNS, layout.REPORT_MISSING_COLUMNS, layout.REPORT_EXCLUSION_COLUMNS,
                 layout.REPORT_DEFINITION_COLUMNS)
}
MM = 72 / 25.4


@dataclasses.dataclass
class Extract:
    """What a reader gets out of the PDF: page texts, body text, each table column across pages."""

    pages: list[str]
    body: str  # text outside tables without page footers, squashed
    columns: dict[tuple[str, int], str]  # (squashed header row, column) → squashed text of all pages
    cell_lines: list[str]  # every line drawn in a table cell
    body_lines: list[str]  # every line drawn outside tables
    tables: list[list[str]]  # per page: the first line of each table part on it

    def has(self, text: str) -> bool:
        wanted = squash(text)
        return wanted in self.body or any(wanted in col for col in self.columns.values())

    def column(self, columns: tuple[layout.Column, ...], index: int) -> str:
        return self.columns.get((squash("".join(c.header for c in columns)), index), "")


_SAME_LINE = 2.5
"""Baselines this close (pt) are one line: a cell whose line has Latin text sets it a little
lower than its neighbour's Chinese one, as Word does (a taller line, its text 0.09 em lower in it)."""


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Characters as drawn lines: grouped by baseline (whatever the font), top to bottom, each
    left to right."""
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: -c["matrix"][5]):
        if rows and rows[-1][0]["matrix"][5] - c["matrix"][5] <= _SAME_LINE:
            rows[-1].append(c)
        else:
            rows.append([c])
    return [sorted(row, key=lambda c: c["x0"]) for row in rows]


def _lines(chars: list[dict]) -> list[str]:
    return ["".join(c["text"] for c in row) for row in _rows(chars)]


def extract(path: Path, widths: tuple[tuple[layout.Column, ...], ...] = ()) -> Extract:
    """``widths``: columns a document has other than the default ones of their header row
    (a 附件 1 whose 承辦單位 is widened for long names, :func:`layout.annex1_columns`)."""
    known = TABLES | {squash("".join(c.header for c in cols)): cols for cols in widths}
    pages, body, cell_lines, body_lines, tables = [], [], [], [], []
    columns: dict[tuple[str, int], list[str]] = defaultdict(list)
    left = layout.MARGIN_LEFT_MM * MM
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            pages.append(page.extract_text())
            # Turned characters are a chart's axis title, not a line of text.
            outside = [c for c in page.chars if c["text"].strip() and c["upright"]]
            tables.append([])
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                inside = [c for c in outside if x0 <= c["x0"] < x1 and top <= c["top"] < bottom]
                outside = [c for c in outside if c not in inside]
                lines = _lines(inside)
                key = squash(lines[0])  # the header row, repeated on every page
                tables[-1].append(key)
                cols = known.get(key, ())
                header_y = max(c["matrix"][5] for c in inside if c["top"] < top + 30)
                edges = [left]
                for col in cols:
                    edges.append(edges[-1] + col.width_mm * MM)
                for i in range(len(cols)):
                    mine = [
                        c for c in inside
                        if edges[i] <= (c["x0"] + c["x1"]) / 2 < edges[i + 1] and c["matrix"][5] < header_y - 1
                    ]
                    col_lines = _lines(mine)
                    cell_lines += col_lines
                    columns[(key, i)].append("".join(col_lines))
            lines = _lines(outside)
            body_lines += lines
            body.append(re.sub(r"第\d+頁，共\d+頁", "", squash("".join(lines))))
    return Extract(
        pages, "".join(body), {k: squash("".join(v)) for k, v in columns.items()}, cell_lines, body_lines, tables
    )


@dataclasses.dataclass
class SplitRow:
    """A table row split across a page break: its cells' lines at the foot of ``page`` and at
    the top of the next page (the repeated labels there end in 「（續）」)."""

    page: int  # 1-based, where the row starts
    header: list[str]  # the table's column headers
    top: list[list[str]]
    rest: list[list[str]]
    first: bool  # the first row of its table: the table starts at the page's foot with it


def split_rows(path: Path) -> list[SplitRow]:
    """Every table row of the PDF that continues on the next page, as pdfplumber reads the cells.

    A row goes on where the next page's first row repeats its own label with 「（續）」: the
    評核重點 of a 附件 1 or 附件 2 table, else the first column (a unit, or an overall table's
    評核重點). A 評核項目 repeated beside a new 評核重點 only means a new row in the same item."""
    with pdfplumber.open(path) as pdf:
        tables = [[t.extract() for t in page.find_tables()] for page in pdf.pages]
    found = []
    for n in range(len(tables) - 1):
        if not tables[n] or not tables[n + 1] or len(tables[n + 1][0]) < 2:
            continue
        header = [squash(c or "") for c in tables[n + 1][0][0]]
        first = tables[n + 1][0][1]
        label = 1 if header[1:2] == ["評核重點"] else 0
        if first[label] and first[label].endswith("（續）"):
            cells = lambda row: [(c or "").splitlines() for c in row]  # noqa: E731
            part = tables[n][-1]
            starts = len(part) == 2 and not any((c or "").endswith("（續）") for c in part[1])
            found.append(SplitRow(n + 1, header, cells(part[-1]), cells(first), starts))
    return found


TEXT_COLUMNS = ("具體作法", "辦理事項", "執行成果", "佐證資料")
"""The columns whose lines count when a split row is checked for a stub (not labels or lists)."""


LEAST_LINES = 3
"""Lines of its text a row split across pages keeps on each side: one or two read as strays."""


def assert_no_stub_splits(path: Path) -> list[SplitRow]:
    """Every row split across pages keeps at least LEAST_LINES lines of its text on each side,
    and a 附件 1 row's 承辦單位 list stays on one page; returns the split rows."""
    splits = split_rows(path)
    for row in splits:
        text = [n for n, head in enumerate(row.header) if head in TEXT_COLUMNS]
        for side in (row.top, row.rest):
            assert max(len(side[n]) for n in text) >= LEAST_LINES, (path.name, row)
        if "具體作法" in row.header:
            units = row.header.index("承辦單位")
            assert not (row.top[units] and row.rest[units]), (path.name, row)
    return splits


def assert_no_overlapping_glyphs(path: Path, tolerance: float = 1.0) -> None:
    """No two characters' boxes overlap by more than ``tolerance`` points both ways: text drawn
    over text (a line set too low, two cells' text in one place)."""
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            chars = [c for c in page.chars if c["text"].strip() and c["upright"]]
            # Sorted by left edge: only a character starting before another ends can overlap it.
            chars.sort(key=lambda c: c["x0"])
            for i, a in enumerate(chars):
                for b in chars[i + 1 :]:
                    if b["x0"] >= a["x1"] - tolerance:
                        break
                    if min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > tolerance:
                        raise AssertionError(f"{path.name} 第 {number} 頁：「{a['text']}」與「{b['text']}」重疊")


def assert_cell_text_inside_padding(path: Path) -> int:
    """Every character drawn in a table cell lies within the cell's padding
    (:data:`layout.CELL_PADDING_V_MM` above and below): none on or over a rule. Returns how many
    characters were checked. A space has no ink (the one standing for a label's tab is as large
    as its gap) and is left out."""
    pad = layout.CELL_PADDING_V_MM * MM - 0.1
    checked = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if not c["text"].isspace()]
            for table in page.find_tables():
                for x0, top, x1, bottom in (c for row in table.rows for c in row.cells if c is not None):
                    for ch in chars:
                        if x0 < (ch["x0"] + ch["x1"]) / 2 < x1 and top < (ch["top"] + ch["bottom"]) / 2 < bottom:
                            where = f"{path.name} 第 {page.page_number} 頁「{ch['text']}」"
                            assert ch["top"] >= top + pad, f"{where} 頂端離上框線 {ch['top'] - top:.2f} pt"
                            assert ch["bottom"] <= bottom - pad, f"{where} 底端離下框線 {bottom - ch['bottom']:.2f} pt"
                            checked += 1
    return checked


def pdffonts(path: Path) -> list[list[str]]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in lines.splitlines()[2:]]




def assert_embedded_subset_fonts(path: Path) -> None:
    """Every font embedded as a subset with a ToUnicode map; no standard-14 font such as Helvetica."""
    rows = pdffonts(path)
    assert rows
    for row in rows:
        name, emb, sub, uni = row[0], row[-5], row[-4], row[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert re.match(r"^[A-Z]{6}\+", name), row
        assert "Helvetica" not in name and "Times" not in name


def assert_binary_streams(path: Path) -> int:
    """Every stream (pages, fonts, maps, images) Flate- or DCT-encoded and nothing else: none
    also ASCII85-encoded, which made a file a fifth larger. Every one decodes; returns how many."""
    reader = pypdf.PdfReader(path)
    count = 0
    for number in range(1, reader.trailer["/Size"]):
        obj = reader.get_object(number)
        if not isinstance(obj, pypdf.generic.StreamObject) or obj.get("/Type") == "/Metadata":
            continue  # the XMP packet is left uncompressed on purpose (furniture._Metadata)
        filters = obj.get("/Filter")
        filters = [filters] if isinstance(filters, str) else list(filters or [])
        assert filters in (["/FlateDecode"], ["/DCTDecode"]), (number, filters)
        if filters == ["/FlateDecode"]:
            obj.get_data()
        count += 1
    return count


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def image_xobjects(path: Path) -> int:
    """How many distinct images the PDF holds (image XObjects, each counted once however often shown)."""
    reader = pypdf.PdfReader(path)
    seen = set()
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                seen.add(ref.idnum if hasattr(ref, "idnum") else id(obj))
    return len(seen)


def outline_titles(path: Path) -> list:
    """The bookmarks as nested lists of titles, as a reader's sidebar shows them."""

    def walk(entries) -> list:
        out: list = []
        for entry in entries:
            if isinstance(entry, list):
                out.append(walk(entry))
            else:
                out.append(entry.title)
        return out

    return walk(pypdf.PdfReader(path).outline)


def line_starts(pdf_path: Path, page: int, skip: int = 0) -> list[tuple[str, float]]:
    """Each text line of a page: its first characters and how far its first one is from the
    left margin, in characters of body text; ``skip`` characters of each line passed over."""
    em = layout.BODY_PT
    with pdfplumber.open(pdf_path) as pdf:
        # body text and headings (14, 16 pt), not the title (20 pt) or tables (12 pt)
        chars = [c for c in pdf.pages[page].chars if em - 0.5 < c["size"] < 17 and c["text"].strip()]
    margin = layout.MARGIN_LEFT_MM * 72 / 25.4
    starts = []
    for line in _rows(chars):
        row = line[skip:]
        if not row:
            continue
        starts.append(("".join(c["text"] for c in row[:5]), round((row[0]["x0"] - margin) / em, 2)))
    return starts


def font_glyphs(font_program: bytes) -> list[bytes]:
    """The glyph records of a TrueType font program, by glyph index, as its 'loca' cuts 'glyf'."""
    count = struct.unpack(">H", font_program[4:6])[0]
    tables = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font_program[12 + 16 * i : 28 + 16 * i])
        tables[tag] = font_program[offset : offset + length]
    long_offsets = struct.unpack(">h", tables[b"head"][50:52])[0]
    loca = tables[b"loca"]
    if long_offsets:
        offsets = struct.unpack(f">{len(loca) // 4}I", loca)
    else:
        offsets = [2 * o for o in struct.unpack(f">{len(loca) // 2}H", loca)]
    return [tables[b"glyf"][start:end] for start, end in itertools.pairwise(offsets)]


def hint_length(glyph: bytes) -> int | None:
    """The length of a simple glyph's hinting program; None for an empty or composite glyph."""
    if not glyph or struct.unpack(">h", glyph[:2])[0] < 0:
        return None
    at = 10 + 2 * struct.unpack(">h", glyph[:2])[0]
    return struct.unpack(">H", glyph[at : at + 2])[0]
