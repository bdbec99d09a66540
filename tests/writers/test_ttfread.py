"""BulkFace (sqdocs.writers.pdf.ttfread) reads a TrueType face exactly as reportlab does."""

from __future__ import annotations

import struct

import pytest
from pdfcheck import require_kai_font
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from sqdocs.writers.fontfiles import FontRef, fallback_candidates, resolve_main
from sqdocs.writers.pdf import fonts as pdf_fonts
from sqdocs.writers.pdf import ttfread
from sqdocs.writers.pdf.ttfread import BulkFace

# Everything reportlab's extractInfo sets and the PDF writer or reportlab later reads.
ATTRIBUTES = (
    "name", "familyName", "styleName", "fullName", "uniqueFontID", "fontRevision", "unitsPerEm",
    "bbox", "ascent", "descent", "capHeight", "stemV", "italicAngle", "underlinePosition",
    "underlineThickness", "flags", "numGlyphs", "_full_font",
    "charToGlyph", "glyphToChar", "charWidths", "defaultWidth", "hmetrics", "glyphPos",
)  # fmt: skip


def _faces() -> list[FontRef]:
    """The main Kai face and every fallback installed here: formats 4 and 12, .ttf and .ttc."""
    try:
        main = resolve_main()
    except Exception:  # noqa: BLE001 — no Kai face: the test below says so
        return []
    return [main, *(ref for ref in fallback_candidates(main) if ref.path.is_file())]


def _same(ours: TTFontFace, theirs: TTFontFace) -> None:
    for attribute in ATTRIBUTES:
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    # glyph → characters: the same lists in the same order (reportlab's shaping takes the first)
    assert list(ours.glyphToChar.items()) == list(theirs.glyphToChar.items())


@pytest.mark.parametrize("ref", _faces(), ids=lambda ref: f"{ref.path.name}:{ref.index}")
def test_bulk_face_reads_what_reportlab_reads(ref: FontRef) -> None:
    _same(BulkFace(str(ref.path), subfontIndex=ref.index), TTFontFace(str(ref.path), subfontIndex=ref.index))


def test_the_faces_compared_include_both_cmap_formats() -> None:
    require_kai_font()
    formats = set()
    for ref in _faces():
        face = TTFontFace(str(ref.path), subfontIndex=ref.index)
        data, chosen = face._ttf_data, None
        cmap = face.get_table_pos("cmap")[0]
        for n in range(struct.unpack_from(">H", data, cmap + 2)[0]):
            platform, encoding, offset = struct.unpack_from(">HHL", data, cmap + 4 + 8 * n)
            if platform == 3 or (platform == 0 and encoding != 5):
                chosen = offset
        formats.add(struct.unpack_from(">H", data, cmap + chosen)[0])
    assert {4, 12} <= formats, formats


def test_another_cmap_format_is_read_by_reportlab(monkeypatch) -> None:
    ref = resolve_main()
    monkeypatch.setattr(BulkFace, "_cmap", lambda self, data: None)
    _same(BulkFace(str(ref.path), subfontIndex=ref.index), TTFontFace(str(ref.path), subfontIndex=ref.index))


def _format4(segments: list[tuple[int, int, int, int]], glyphs: list[int], length_cut: int = 0) -> bytes:
    """A format 4 subtable: (start, end, delta, range offset) per segment, then the glyph array."""
    count = len(segments)
    body = b"".join(
        (
            struct.pack(f">{count}H", *(end for _, end, _, _ in segments)),
            b"\0\0",
            struct.pack(f">{count}H", *(start for start, _, _, _ in segments)),
            struct.pack(f">{count}h", *(delta for _, _, delta, _ in segments)),
            struct.pack(f">{count}H", *(offset for _, _, _, offset in segments)),
            struct.pack(f">{len(glyphs)}H", *glyphs),
        )
    )
    length = 14 + len(body) - length_cut
    return struct.pack(">7H", 4, length, 0, 2 * count, 0, 0, 0) + body + bytes(4)


def test_format4_deltas_glyph_arrays_and_a_glyph_past_the_end() -> None:
    # Segment 1 by delta; segment 2 through the glyph array (a 0 stays 0, others get the
    # delta); segment 3 points past the subtable's end, as broken fonts do: glyph 0 there.
    # A range offset counts from its own entry: entry n is 2 × (count − n) bytes before the array.
    segments = [(0x41, 0x43, 3, 0), (0x61, 0x63, 1, 2 * 3), (0x70, 0x71, 0, 2 * 2 + 2 * 3), (0xFFFF, 0xFFFF, 1, 0)]
    table = _format4(segments, [5, 0, 7], length_cut=2 * 3 - 2)  # the subtable ends inside the array
    assert ttfread._format4(table, 0) == {
        0x41: 0x44, 0x42: 0x45, 0x43: 0x46,
        0x61: 6, 0x62: 0, 0x63: 0,  # 0x63's entry lies past the end: 0
        0x70: 0, 0x71: 0,
        0xFFFF: 0,
    }  # fmt: skip


def test_format12_groups() -> None:
    groups = [(0x20, 0x22, 3), (0x21619, 0x2161A, 100)]
    table = struct.pack(">HHLLL", 12, 0, 16 + 12 * len(groups), 0, len(groups))
    table += b"".join(struct.pack(">3L", *group) for group in groups)
    assert ttfread._format12(table, 0) == {0x20: 3, 0x21: 4, 0x22: 5, 0x21619: 100, 0x2161A: 101}


def test_the_pdf_font_has_what_reportlab_gives_a_ttfont() -> None:
    ref = resolve_main()
    ours = pdf_fonts._TTFont("ours", str(ref.path), subfontIndex=ref.index)
    theirs = TTFont("theirs", str(ref.path), subfontIndex=ref.index)
    assert isinstance(ours.face, BulkFace)
    assert vars(ours).keys() == vars(theirs).keys()
    for key in vars(theirs).keys() - {"fontName", "face", "encoding", "state"}:
        assert getattr(ours, key) == getattr(theirs, key), key
