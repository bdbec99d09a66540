"""BulkFace (sqdocs.writers.pdf.ttfread) reads a TrueType face exactly as reportlab does."""

from __future__ import annotations

import random
import struct

import pytest
from pdfcheck import font_glyphs, hint_length, require_kai_font
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace, TTFontFile

from sqdocs.writers.fontfiles import FontRef, fallback_candidates, resolve_latin, resolve_main
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


# ---- subsets ---------------------------------------------------------------------------


def _subset_faces() -> list[FontRef]:
    """The faces above and the Latin face, whose accented letters are composite glyphs."""
    latin = resolve_latin()
    return [*_faces(), *([latin] if latin else [])]


def _composite_codes(face: TTFontFace) -> list[int]:
    """The codes whose glyphs are composite glyphs (made of others)."""
    data, start = face._ttf_data, face.get_table_pos("glyf")[0]
    positions = face.glyphPos
    return sorted(
        code for code, glyph in face.charToGlyph.items()
        if positions[glyph + 1] > positions[glyph] and struct.unpack_from(">h", data, start + positions[glyph])[0] < 0
    )  # fmt: skip


def _subsets(face: TTFontFace) -> list[list[int]]:
    """Subsets of many sizes, in no particular order, with composite glyphs where the face has
    them, a code twice, and a code the face does not have."""
    codes = sorted(face.charToGlyph)
    rnd = random.Random(8)
    composite = _composite_codes(face)
    return [
        codes[:5],
        rnd.sample(codes, 200),
        [*rnd.sample(codes, 60), *composite[:40], codes[3], 0x10FFFD],
        rnd.sample(codes, min(len(codes), 1500)),
    ]


@pytest.mark.parametrize("ref", _subset_faces(), ids=lambda ref: f"{ref.path.name}:{ref.index}")
def test_a_subset_with_hints_is_reportlabs_byte_for_byte(ref: FontRef) -> None:
    face = BulkFace(str(ref.path), subfontIndex=ref.index)
    for subset in _subsets(face):
        assert face.makeSubset(subset, hints=True) == TTFontFile.makeSubset(face, subset)


@pytest.mark.parametrize("ref", _subset_faces(), ids=lambda ref: f"{ref.path.name}:{ref.index}")
def test_a_subset_without_hints_has_the_same_glyphs_without_their_programs(ref: FontRef) -> None:
    face = BulkFace(str(ref.path), subfontIndex=ref.index)
    for subset in _subsets(face):
        hinted = font_glyphs(face.makeSubset(subset, hints=True))
        plain = font_glyphs(face.makeSubset(subset))
        assert len(plain) == len(hinted)
        for with_hints, without in zip(hinted, plain, strict=True):
            length = hint_length(with_hints)
            if not length:  # empty, composite, or without hints already: the very same record
                assert without == with_hints
                continue
            at = 10 + 2 * struct.unpack(">h", with_hints[:2])[0]
            outline = with_hints[at + 2 + length :].rstrip(b"\0")  # the record's padding aside
            assert without.rstrip(b"\0") == (with_hints[:at] + b"\0\0" + outline).rstrip(b"\0")
            assert len(without) < len(with_hints)


def test_subsets_were_tried_with_composite_glyphs_and_hints() -> None:
    """The two tests above meet both kinds of glyph record a subset rewrites."""
    require_kai_font()
    latin = resolve_latin()
    assert latin is not None
    assert len(_composite_codes(BulkFace(str(latin.path), subfontIndex=latin.index))) > 50
    kai = BulkFace(str(resolve_main().path))
    hinted = font_glyphs(kai.makeSubset(_subsets(kai)[1], hints=True))
    assert sum(bool(hint_length(glyph)) for glyph in hinted) > 100
