"""Fonts of the PDF: find a Kai (楷書) face, register it once per process, and pick a fallback
font per character for the rare ones the main face lacks. Latin letters and digits are drawn
in Times New Roman (or a face with its widths) where one is installed, as Word draws them.

The main face is the one every writer draws in (:func:`sqdocs.writers.fontfiles.resolve_main`).
reportlab reads TrueType outlines only, so CFF ``.otf`` fonts (Noto CJK, Source Han) are
refused here with a message saying so.

The main face and its fallbacks are embedded as one composite font each (:class:`_CIDFont`),
the Latin faces as reportlab's simple fonts of 256 glyphs (:class:`_TTFont`).
"""

from __future__ import annotations

import hashlib
import mmap
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cache, lru_cache
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTEncoding, TTFError, TTFont

from sqdocs.errors import UserError
from sqdocs.writers.fontfiles import (
    INSTALL_HINT,
    FontRef,
    fallback_candidates,
    installed,
    is_latin,
    resolve_latin,
    resolve_latin_bold,
    resolve_main,
    split_runs,
)
from sqdocs.writers.pdf.flate import FAST_FLATE
from sqdocs.writers.pdf.ttfread import BulkFace


class _TTFont(TTFont):
    """TTFont whose ToUnicode map is right for characters outside the BMP.

    reportlab writes ``<%04X>`` of the code point, so 𡘙 U+21619 comes out of copy and
    search as U+2161; a CMap must give such a character as a UTF-16 surrogate pair.

    Its face reads the large tables in bulk (:class:`~sqdocs.writers.pdf.ttfread.BulkFace`).
    """

    def __init__(self, name: str, file, subfontIndex: int = 0):
        # TTFont.__init__ with BulkFace in place of TTFontFace; the rest as reportlab sets it.
        self.fontName = name
        self.face = BulkFace(file, subfontIndex=subfontIndex)
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)

    def splitString(self, text, doc, encoding="utf-8"):  # reportlab's names
        """TTFont.splitString, its result the same, faster for text whose every character
        already has its code in the first subset (the Latin face's letters and digits, after
        their first use): looked up all at once rather than one by one."""
        state = self.state.get(doc)
        if state is not None and isinstance(text, str) and text:
            try:
                codes = bytes(map(state.assignments.__getitem__, map(ord, text)))
            except (KeyError, ValueError):  # a character new to the document, or past the first subset
                pass
            else:
                return [(0, codes)]
        return super().splitString(text, doc, encoding)

    def addObjects(self, doc):  # reportlab's name
        # Same as TTFont.addObjects, with our ToUnicode CMap.
        state = self._assignState(doc)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = b"".join(
                (SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)
            ).decode("pdfdoc")
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset)))
            pdf_font.ToUnicode = _to_unicode(doc, base_font_name, subset)
            pdf_font.FontDescriptor = _embedded(self.face, doc, base_font_name, subset)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


class _Glyphs:
    """One document's characters of a :class:`_CIDFont`: each code point its own code (CID),
    in order of first use, so that copying text gives back the very character written; and
    each CID's glyph (GID) in the embedded subset, as ``BulkFace.makeSubset`` (ttfread.py)
    numbers the glyphs of ``code_of_cid``. The two differ only where a font draws two code
    points with one glyph (a compatibility ideograph such as U+F967 with 不 U+4E0D)."""

    def __init__(self) -> None:
        self.encoded: dict[str, bytes] = {}  # character → its CID, two bytes (Identity-H)
        self.cid_of_code: dict[int, int] = {}
        self.code_of_cid: list[int | None] = [None]  # CID 0 is .notdef
        self.gid_of_glyph: dict[int, int] = {0: 0}  # the font's glyph index → the subset's
        self.gid_of_cid: list[int] = [0]
        self.internal_name: str | None = None
        self.frozen = False


class _CIDFont(_TTFont):
    """A face embedded as one composite font (Type 0, CIDFontType2, Identity-H): two bytes a
    glyph, every glyph a document uses in one subset, as Word and LibreOffice embed fonts.

    reportlab embeds a TrueType face as simple fonts of 256 glyphs each, numbered in order of
    first use: Chinese text then changes font nearly every character (a plan PDF's text set
    5,800 fonts for 10,000 characters), which cost time to write and to read and bytes in every
    page. A composite font sets its font once per run of text.

    Word spacing (PDF Tw) applies to no character of a composite font: the Latin face, whose
    spaces a justified line widens that way, stays a simple font (:func:`load`).
    """

    def _glyphs(self, doc) -> _Glyphs:
        glyphs = self.state.get(doc)
        if glyphs is None:
            glyphs = self.state[doc] = _Glyphs()
        return glyphs

    def splitString(self, text, doc, encoding="utf-8"):  # reportlab's names
        if not isinstance(text, str):
            text = text.decode(encoding)
        if not text:
            return []
        glyphs = self._glyphs(doc)
        encoded = glyphs.encoded
        try:
            return [(0, b"".join(map(encoded.__getitem__, text)))]
        except KeyError:
            for ch in text:
                if ch not in encoded:
                    encoded[ch] = self._assign(glyphs, ch)
            return [(0, b"".join(map(encoded.__getitem__, text)))]

    def _assign(self, glyphs: _Glyphs, ch: str) -> bytes:
        code = 32 if ch == "\xa0" else ord(ch)  # a non-breaking space is drawn as a space, as reportlab does
        glyph = self.face.charToGlyph.get(code)
        if glyph is None:
            return b"\0\0"  # .notdef: the character is reported missing (Typesetter.missing)
        cid = glyphs.cid_of_code.get(code)
        if cid is None:
            if glyphs.frozen:
                raise pdfdoc.PDFError(f"Font {self.fontName} is already frozen, cannot add new character U+{code:04X}")
            cid = glyphs.cid_of_code[code] = len(glyphs.code_of_cid)
            glyphs.code_of_cid.append(code)
            gid = glyphs.gid_of_glyph.setdefault(glyph, len(glyphs.gid_of_glyph))
            glyphs.gid_of_cid.append(gid)
        return cid.to_bytes(2, "big")

    def getSubsetInternalName(self, subset, doc):  # reportlab's names
        glyphs = self._glyphs(doc)
        if glyphs.internal_name is None:
            glyphs.internal_name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = "/" + glyphs.internal_name
            doc.delayedFonts.append(self)
        return f"/{glyphs.internal_name}+0"

    def addObjects(self, doc):  # reportlab's name
        glyphs = self._glyphs(doc)
        glyphs.frozen = True
        internal_name = self.getSubsetInternalName(0, doc)[1:]
        face = self.face
        codes = glyphs.code_of_cid[1:]
        base_font_name = b"".join((_subset_tag(face.name, codes), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        descriptor = _embedded(face, doc, base_font_name, codes)
        widths = [face.defaultWidth, *map(face.getCharWidth, codes)]
        if glyphs.gid_of_cid == list(range(len(glyphs.gid_of_cid))):
            cid_to_gid = pdfdoc.PDFName("Identity")
        else:
            cid_to_gid = pdfdoc.PDFStream(content=b"".join(gid.to_bytes(2, "big") for gid in glyphs.gid_of_cid))
            cid_to_gid.filters = [FAST_FLATE]
            cid_to_gid = doc.Reference(cid_to_gid)
        cid_font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("CIDFontType2"),
            "BaseFont": pdfdoc.PDFName(base_font_name),
            "CIDSystemInfo": pdfdoc.PDFDictionary(
                {"Registry": pdfdoc.PDFString("Adobe"), "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}
            ),
            "FontDescriptor": descriptor,
            "W": pdfdoc.PDFArray(_width_runs(widths)),
            "CIDToGIDMap": cid_to_gid,
        })
        descendant = doc.Reference(cid_font)
        to_unicode = _to_unicode(doc, base_font_name, glyphs.code_of_cid, code_bytes=2)
        font = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("Type0"),
            "BaseFont": pdfdoc.PDFName(base_font_name),
            "Encoding": pdfdoc.PDFName("Identity-H"),
            "DescendantFonts": pdfdoc.PDFArray([descendant]),
            "ToUnicode": to_unicode,
        })
        doc.idToObject["BasicFonts"].dict[internal_name] = doc.Reference(font, internal_name)
        del self.state[doc]


def _embedded(face, doc, base_font_name: str, codes: list[int]):
    """The glyphs of ``codes`` embedded as one font program (reportlab's addSubsetObjects), that
    program compressed by :data:`FAST_FLATE`; a reference to its FontDescriptor."""
    descriptor = face.addSubsetObjects(doc, base_font_name, codes)
    font_file = doc.idToObject.get(f"fontFile:{face.filename}({base_font_name})")
    if font_file is not None and font_file.filters:
        font_file.filters = [FAST_FLATE]
    return descriptor


def _to_unicode(doc, base_font_name: str, subset: list[int | None], code_bytes: int = 1):
    """A reference to the ToUnicode stream (:func:`to_unicode_cmap`) of the font ``base_font_name``."""
    cmap = pdfdoc.PDFStream()
    cmap.content = to_unicode_cmap(base_font_name, subset, code_bytes)
    if doc.compression:
        cmap.filters = [FAST_FLATE]
    return doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)


def _subset_tag(face_name: bytes, codes: list[int]) -> bytes:
    """Six capital letters naming a subset (PDF 9.6.4), from its face and glyphs: the same
    glyphs, the same tag, so the same data gives the same bytes."""
    digest = hashlib.sha1(face_name + ",".join(map(str, codes)).encode()).digest()
    return bytes(65 + b % 26 for b in digest[:6])


def _width_runs(widths: list[float]) -> list:
    """A CIDFont's W array for the widths of CIDs 0, 1, …: ``first last width`` for each run of
    equal widths (a Chinese face's glyphs are nearly all one em)."""
    runs: list = []
    start = 0
    for cid in range(1, len(widths) + 1):
        if cid == len(widths) or widths[cid] != widths[start]:
            runs += [start, cid - 1, widths[start]]
            start = cid
    return runs


def _utf16_hex(code: int) -> str:
    if code < 0x10000:  # nearly every character: its code as it is
        return f"{code:04X}"
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int | None], code_bytes: int = 1) -> str:
    """A ToUnicode CMap for a font whose code ``i`` draws ``subset[i]`` (None: no character),
    each code ``code_bytes`` long; bfchar blocks hold at most 100 entries (PDF spec)."""
    digits = 2 * code_bytes
    entries = [f"<{i:0{digits}X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset) if code is not None]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    last = (len(subset) - 1) if code_bytes == 1 else 0xFFFF
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<{0:0{digits}X}> <{last:0{digits}X}>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


# ---- loading and registering ------------------------------------------------


@cache
def load(ref: FontRef, composite: bool = True) -> str:
    """Register the face (once per process) and return the name to use in styles and markup.

    It is embedded as one composite font (:class:`_CIDFont`), or, not ``composite``, as
    reportlab's simple fonts of 256 glyphs: the Latin face, whose spaces take word spacing."""
    path = ref.path
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    name = f"sqdocs-{path.stem}-{ref.index}-{digest}" + ("" if composite else "-simple")
    try:
        font = (_CIDFont if composite else _TTFont)(name, _MappedFile(path), subfontIndex=ref.index)
    except TTFError as exc:
        if "postscript outlines" in str(exc).lower():  # an .otf, or a face of a .ttc, with CFF outlines
            raise UserError(
                f"{path}：此字型為 CFF（PostScript 外框）的 OpenType 字型，PDF 產生器只能讀取 TrueType 外框；"
                "請改用 .ttf 或 .ttc 字型（如 全字庫正楷體 TW-Kai-98_1.ttf）。"
            ) from None
        raise UserError(f"{path}：無法使用此字型（{exc}）。{INSTALL_HINT}") from None
    except (struct.error, ValueError, IndexError):  # a file cut short: reportlab reads past its end
        raise UserError(f"{path}：字型檔損毀或不完整，無法使用。{INSTALL_HINT}") from None
    except OSError as exc:
        raise UserError(f"{path}：無法讀取字型檔（{exc.strerror or exc}）。") from None
    pdfmetrics.registerFont(font)
    return name


class _MappedFile:
    """A font file for reportlab, mapped into memory rather than read into it.

    reportlab copies the whole file into a bytes object (52 MB for TW-Kai, 65 MB for
    TW-Kai Ext-B): 35 ms per font, and the memory of every worker process. Mapped, only
    the tables and glyphs actually read are paged in, and the pages are shared between
    processes. reportlab slices the data like bytes, which a mapping allows.
    """

    def __init__(self, path: Path):
        self.name = str(path)  # reportlab's face.filename
        with path.open("rb") as fh:
            self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def read(self) -> mmap.mmap:
        return self._data


# ---- choosing a font per character ------------------------------------------

_NOT_DRAWN = re.compile("[\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef]")
"""Characters that only change how the ones around them look: the variation selectors (the
emoji form of ☎ or ❤ a phone types as U+FE0F after it, a name's variant glyph) and the
zero-width joiner between two emoji (🧑‍🚒). reportlab cannot apply them, and the Kai face
draws U+FE0F and U+200D as visible boxes (「VS16」), so the PDF draws the characters as they
are without them, as a reader without the forms does."""


@dataclass
class FontSet:
    """The main face, the Latin face and the fallbacks (loaded only when a character needs them)."""

    main: str
    fallback_refs: tuple[FontRef, ...]
    latin: str | None = None
    latin_bold: str | None = None
    """The Latin face's bold, for Latin text in a bold style; None: the Latin face, thickened."""
    _fallbacks: list[str] = field(default_factory=list)
    _tried: int = 0
    _choice: dict[str, str | None] = field(default_factory=dict)
    _main_only: set[str] = field(default_factory=set)
    """The characters :meth:`font_for` gave the main face, but those of :data:`_NOT_DRAWN`:
    most texts are of these alone."""

    @property
    def latin_line(self) -> float:
        """How much taller a line with Latin text is than one of Chinese only: Times New Roman's
        or Liberation Serif's line is 1.15 ems, the Kai faces' one em."""
        if self.latin is None:
            return 1.0
        return max(1.0, line_height(self.latin) / line_height(self.main))

    @property
    def latin_drop(self) -> float:
        """How much lower, in ems, the text of a line with Latin text sits: Word and LibreOffice
        put a line's baseline its tallest face's ascender below its top (Liberation Serif's
        0.89 em, the Kai faces' 0.80), and the rest of a taller line below the text."""
        if self.latin is None:
            return 0.0
        return max(0.0, ascender(self.latin) - ascender(self.main))

    def font_for(self, ch: str) -> str | None:
        """The font that draws ``ch``: the Latin face for ASCII, else the main face if it can,
        else the first fallback; None if none can."""
        try:
            return self._choice[ch]
        except KeyError:
            pass
        choice: str | None
        if self.latin is not None and is_latin(ch) and has_glyph(self.latin, ch):
            choice = self.latin
        elif ch.isspace() or has_glyph(self.main, ch):
            choice = self.main
        else:
            choice = next((name for name in self._fallback_names() if has_glyph(name, ch)), None)
        self._choice[ch] = choice
        if choice == self.main and not _NOT_DRAWN.match(ch):
            self._main_only.add(ch)
        return choice

    def runs(self, text: str, missing: Callable[[str], None] | None = None) -> list[tuple[str, str]]:
        """``text`` as (font, characters) runs; a character no font has stays in the main face,
        and is told to ``missing``. The characters of :data:`_NOT_DRAWN` are left out."""

        def face(ch: str) -> str:
            font = self.font_for(ch)
            if font is None:
                if missing is not None:
                    missing(ch)
                return self.main
            return font

        if self._main_only.issuperset(text):  # one run, and nothing to leave out or tell
            return [(self.main, text)] if text else []
        text = _NOT_DRAWN.sub("", text)
        try:  # every character's font already chosen: no call of face per character
            runs = split_runs(text, self._choice.__getitem__)
        except KeyError:
            return split_runs(text, face)
        return runs if all(font is not None for font, _ in runs) else split_runs(text, face)

    def _fallback_names(self):
        yield from self._fallbacks
        while self._tried < len(self.fallback_refs):
            ref = self.fallback_refs[self._tried]
            self._tried += 1
            if not installed(ref.path):
                continue
            try:
                name = load(ref)
            except UserError:  # a broken optional fallback is skipped, not fatal
                continue
            self._fallbacks.append(name)
            yield name


def has_glyph(font_name: str, ch: str) -> bool:
    """Whether the registered font ``font_name`` has a glyph for ``ch``."""
    return ord(ch) in pdfmetrics.getFont(font_name).face.charToGlyph


@cache
def _hhea(font_name: str) -> tuple[float, float, float]:
    face = pdfmetrics.getFont(font_name).face
    values = struct.unpack_from(">hhh", face.get_table("hhea"), 4)
    return tuple(v / face.unitsPerEm for v in values)  # type: ignore[return-value]


def line_height(font_name: str) -> float:
    """A face's single line in ems: its 'hhea' ascender, descender and line gap, which Word and
    LibreOffice give a line with text in that face (reportlab's ascent is the OS/2 table's)."""
    up, down, gap = _hhea(font_name)
    return up - down + gap


def ascender(font_name: str) -> float:
    """A face's 'hhea' ascender in ems: how far below a line's top Word and LibreOffice put the
    baseline of a line in that face."""
    return _hhea(font_name)[0]


@lru_cache(maxsize=8)
def _font_set(main: FontRef) -> FontSet:
    ref = resolve_latin()
    latin = _optional(ref)
    bold = _optional(resolve_latin_bold(ref)) if latin is not None and ref is not None else None
    return FontSet(load(main), tuple(fallback_candidates(main)), latin, bold)


def _optional(ref: FontRef | None) -> str | None:
    if ref is None:
        return None
    try:
        return load(ref, composite=False)
    except UserError:  # a broken Latin face: the main face draws Latin text, as with none
        return None


def font_set(user_font: Path | None = None) -> FontSet:
    """The fonts for one document, cached per process so each file is parsed once."""
    return _font_set(resolve_main(user_font))
