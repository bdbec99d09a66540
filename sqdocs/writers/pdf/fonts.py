"""Fonts of the PDF: find a Kai (楷書) face, register it once per process, and pick a fallback
font per character for the rare ones the main face lacks.

Resolution order of the main face: the user's font (``--font`` / BuildOptions.font, then the
environment variable ``SQDOCS_FONT``) → well-known installed Kai fonts → fontconfig → an error
that says how to install one. reportlab reads TrueType outlines only, so CFF ``.otf`` fonts
(Noto CJK, Source Han) are refused with a message saying so.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from isal import isal_zlib
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFError, TTFont

from sqdocs.errors import UserError
from sqdocs.writers.fontfiles import taiwan_face

ENV_FONT = "SQDOCS_FONT"
INSTALL_HINT = (
    "請安裝楷書字型（Debian/Ubuntu：sudo apt-get install fonts-cns11643-kai），"
    f"或以 --font 指定 TrueType 字型檔（.ttf/.ttc，如 標楷體 kaiu.ttf），也可設定環境變數 {ENV_FONT}。"
)

_CNS = Path("/usr/share/fonts/truetype/cns11643")
_ARPHIC = Path("/usr/share/fonts/truetype/arphic")
_HANAZONO = Path("/usr/share/fonts/truetype/hanazono")
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class FontRef:
    """A font file and, for a collection (.ttc), the index of the face in it."""

    path: Path
    index: int = 0


def _windows_kai() -> list[FontRef]:
    """Where 標楷體 (kaiu.ttf) is found: Windows itself, WSL, or copied into a user's fonts."""
    home = Path.home()
    dirs = [
        Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
        Path("/mnt/c/Windows/Fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts/truetype/kaiu"),
        Path("/usr/share/fonts/truetype/msttcorefonts"),
        Path("/Library/Fonts"),
        home / "Library/Fonts",
    ]
    return [FontRef(d / name) for d in dirs for name in ("kaiu.ttf", "KAIU.TTF")]


def kai_candidates() -> list[FontRef]:
    """Well-known Kai faces, best first."""
    return [
        *_windows_kai(),
        FontRef(_CNS / "TW-Kai-98_1.ttf"),  # 全字庫正楷體
        FontRef(_ARPHIC / "ukai.ttc", 2),  # AR PL UKai TW (index 0 is the CN face)
        FontRef(Path("/usr/share/fonts/truetype/cwtex/cwkai.ttf")),  # cwTeX 楷書
    ]


def fallback_candidates(main: FontRef) -> list[FontRef]:
    """Fonts asked, in order, for a character the main face lacks: Kai faces first, then Mincho,
    last DejaVu Sans for symbols."""
    tw_kai_dir = main.path.parent if main.path.name.startswith("TW-Kai") else _CNS
    refs = [
        FontRef(tw_kai_dir / "TW-Kai-98_1.ttf"),
        FontRef(tw_kai_dir / "TW-Kai-Plus-98_1.ttf"),
        FontRef(tw_kai_dir / "TW-Kai-Ext-B-98_1.ttf"),
        FontRef(_ARPHIC / "ukai.ttc", 2),
        FontRef(_HANAZONO / "HanaMinA.ttf"),
        FontRef(_HANAZONO / "HanaMinB.ttf"),
        FontRef(_ARPHIC / "uming.ttc", 2),  # AR PL UMing TW
        FontRef(_DEJAVU / "DejaVuSans.ttf"),  # symbols every Linux has: ☐ ☑ when no CJK face has them
    ]
    return [r for r in refs if r != main]


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate for embedded font programs, by ISA-L (isal) rather than zlib.

    Compressing the glyphs was the largest single cost of a plan PDF: zlib's level 1 took
    16 ms of it, ISA-L's level 2 takes 4 ms and gives a smaller file (the fonts of the plan:
    664 → 636 KB). The output is ordinary zlib data every PDF reader inflates.
    """

    def encode(self, text):
        return isal_zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 2)


_FAST_FLATE = _FastFlate()


class _TTFont(TTFont):
    """TTFont whose ToUnicode map is right for characters outside the BMP.

    reportlab writes ``<%04X>`` of the code point, so 𡘙 U+21619 comes out of copy and
    search as U+2161; a CMap must give such a character as a UTF-16 surrogate pair.
    """

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
            cmap = pdfdoc.PDFStream()
            cmap.content = to_unicode_cmap(base_font_name, subset)
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
            font_file = doc.idToObject.get(f"fontFile:{self.face.filename}({base_font_name})")
            if font_file is not None and font_file.filters:
                font_file.filters = [_FAST_FLATE]
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """A ToUnicode CMap for one 256-glyph subset; bfchar blocks hold at most 100 entries (PDF spec)."""
    entries = [f"<{i:02X}> <{_utf16_hex(code)}>" for i, code in enumerate(subset)]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
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
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


# ---- loading and registering ------------------------------------------------


def _is_cff(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"OTTO"


@cache
def load(ref: FontRef) -> str:
    """Register the face (once per process) and return the name to use in styles and markup."""
    path = ref.path
    if _is_cff(path):
        raise UserError(
            f"{path}：此字型為 CFF（PostScript 外框）的 OpenType 字型，PDF 產生器只能讀取 TrueType 外框；"
            "請改用 .ttf 或 .ttc 字型（如 全字庫正楷體 TW-Kai-98_1.ttf）。"
        )
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    name = f"sqdocs-{path.stem}-{ref.index}-{digest}"
    try:
        font = _TTFont(name, str(path), subfontIndex=ref.index)
    except TTFError as exc:
        if "postscript outlines" in str(exc).lower():
            raise UserError(
                f"{path}：此字型為 PostScript（CFF）外框，PDF 產生器只能讀取 TrueType 外框；"
                "請改用 TrueType 字型（如 全字庫正楷體 TW-Kai-98_1.ttf）。"
            ) from None
        raise UserError(f"{path}：無法使用此字型（{exc}）。{INSTALL_HINT}") from None
    except OSError as exc:
        raise UserError(f"{path}：無法讀取字型檔（{exc.strerror or exc}）。") from None
    _read_glyphs_in_place(font.face)
    pdfmetrics.registerFont(font)
    return name


class _GlyphTable:
    """The 'glyf' table as a view: slicing out one glyph copies only that glyph.

    reportlab copies the whole table (50 MB for TW-Kai) for every subset of every document.
    """

    __slots__ = ("_view",)

    def __init__(self, view: memoryview):
        self._view = view

    def __getitem__(self, key):
        part = self._view[key]
        return _unhinted(part) if isinstance(part, memoryview) else part

    def __len__(self) -> int:
        return len(self._view)


def _unhinted(glyph: memoryview) -> bytes:
    """A simple glyph without its hinting program, padded with zeros to its original length.

    Hints steer rasterising at screen sizes and are a third of TW-Kai's glyph bytes; PDF
    viewers and printers draw the outlines well without them. The record keeps its length
    because reportlab lays out the subset's 'loca' by the original lengths; bytes after a
    glyph's data are padding to every TrueType reader.
    """
    if len(glyph) < 12 or glyph[0] & 0x80:  # empty, or a composite glyph (kept as is)
        return bytes(glyph)
    contours = (glyph[0] << 8) | glyph[1]
    at = 10 + 2 * contours
    if at + 2 > len(glyph):
        return bytes(glyph)
    hinting = (glyph[at] << 8) | glyph[at + 1]
    if hinting == 0 or at + 2 + hinting > len(glyph):
        return bytes(glyph)
    return b"".join((glyph[:at], b"\0\0", glyph[at + 2 + hinting :], bytes(hinting)))


def _read_glyphs_in_place(face) -> None:
    whole = memoryview(face._ttf_data)
    get_table = face.get_table

    def table(tag: str):
        if tag == "glyf":
            pos, length = face.get_table_pos(tag)
            return _GlyphTable(whole[pos : pos + length])
        return get_table(tag)

    face.get_table = table


def _user_ref(path: Path) -> FontRef:
    if not path.is_file():
        raise UserError(f"{path}：找不到字型檔。{INSTALL_HINT}")
    path = path.resolve()  # one file, one registration, however the user spelled it
    return FontRef(path, taiwan_face(path))


def _fontconfig_kai() -> list[FontRef]:
    """Kai faces fontconfig knows of (TrueType only; Taiwan faces first)."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", "-f", "%{file}\t%{index}\t%{fontformat}\t%{family}\n", ":lang=zh-tw"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in sorted(set(out.splitlines())):
        parts = line.split("\t")
        if len(parts) != 4 or parts[2] != "TrueType" or not re.search(r"Kai|楷", parts[3]):
            continue
        if "MBE" in parts[3] or not parts[1].isdigit():
            continue
        taiwan = bool(re.search(r"TW|Taiwan|標楷|全字庫", parts[3]))
        found.append((not taiwan, FontRef(Path(parts[0]), int(parts[1]))))
    return [ref for _, ref in sorted(found, key=lambda t: (t[0], str(t[1].path), t[1].index))]


def resolve_main(user_font: Path | None = None) -> FontRef:
    """The main face: the user's font, else an installed Kai face; UserError if there is none."""
    if user_font is not None:
        return _user_ref(Path(user_font))
    env = os.environ.get(ENV_FONT, "").strip()
    if env:
        return _user_ref(Path(env).expanduser())
    for ref in kai_candidates():
        if ref.path.is_file():
            return ref
    for ref in _fontconfig_kai():
        if ref.path.is_file() and not _is_cff(ref.path):
            return ref
    raise UserError(f"找不到楷書字型，無法產生 PDF。{INSTALL_HINT}")


# ---- choosing a font per character ------------------------------------------


@dataclass
class FontSet:
    """The main face and the fallbacks, loaded only when a character needs them."""

    main: str
    fallback_refs: tuple[FontRef, ...]
    _fallbacks: list[str] = field(default_factory=list)
    _tried: int = 0
    _choice: dict[str, str | None] = field(default_factory=dict)

    def font_for(self, ch: str) -> str | None:
        """The font that draws ``ch``: the main face if it can, else the first fallback; None if none can."""
        try:
            return self._choice[ch]
        except KeyError:
            pass
        choice: str | None
        if ch.isspace() or has_glyph(self.main, ch):
            choice = self.main
        else:
            choice = next((name for name in self._fallback_names() if has_glyph(name, ch)), None)
        self._choice[ch] = choice
        return choice

    def _fallback_names(self):
        yield from self._fallbacks
        while self._tried < len(self.fallback_refs):
            ref = self.fallback_refs[self._tried]
            self._tried += 1
            if not ref.path.is_file():
                continue
            try:
                name = load(ref)
            except UserError:  # a broken optional fallback is skipped, not fatal
                continue
            self._fallbacks.append(name)
            yield name


def has_glyph(font_name: str, ch: str) -> bool:
    return ord(ch) in pdfmetrics.getFont(font_name).face.charToGlyph


@lru_cache(maxsize=8)
def _font_set(main: FontRef) -> FontSet:
    return FontSet(load(main), tuple(fallback_candidates(main)))


def font_set(user_font: Path | None = None) -> FontSet:
    """The fonts for one document, cached per process so each file is parsed once."""
    return _font_set(resolve_main(user_font))
