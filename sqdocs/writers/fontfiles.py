"""Font files as the writers find them: which Kai face to draw in, and which face of a
collection (.ttc) to use.

Resolution order: the user's font (``--font`` / BuildOptions.font, then the environment
variable ``SQDOCS_FONT``) → well-known installed Kai fonts (標楷體 kaiu.ttf first) →
fontconfig → an error that says how to install one. The PDF draws its text in this face and
the Word and ODF reports' chart images are drawn in it too, so a document's charts match
its text on every machine. Latin letters and digits are drawn in Times New Roman or a face
with its widths (:func:`resolve_latin`), as Word draws them.
"""

from __future__ import annotations

import functools
import itertools
import mmap
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PIL import ImageFont

from sqdocs.errors import UserError
from sqdocs.fsutil import MISSING_FILE, file_problem

ENV_FONT = "SQDOCS_FONT"
INSTALL_HINT = (
    "請安裝楷書字型（Debian/Ubuntu：sudo apt-get install fonts-cns11643-kai），"
    f"或以 --font 指定 TrueType 字型檔（.ttf/.ttc，如 標楷體 kaiu.ttf），也可設定環境變數 {ENV_FONT}。"
)


def _chosen_hint(origin: str) -> str:
    """What to do when the font the user chose (by ``origin``: --font or the environment variable)
    cannot be used: installing a Kai font would change nothing, as the choice comes first."""
    drop = "不加 --font" if origin == "--font" else f"取消環境變數 {ENV_FONT}（unset {ENV_FONT}）"
    return f"請改指定可用的 TrueType 字型檔（.ttf/.ttc，如 標楷體 kaiu.ttf），或{drop}，改用已安裝的楷書字型。"


CNS_DIR = Path("/usr/share/fonts/truetype/cns11643")
ARPHIC_DIR = Path("/usr/share/fonts/truetype/arphic")
HANAZONO_DIR = Path("/usr/share/fonts/truetype/hanazono")
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
LIBERATION_DIR = Path("/usr/share/fonts/truetype/liberation2")

_Face = TypeVar("_Face")


class MissingGlyphWarning(UserWarning):
    """A character no available font can draw: it shows as an empty box (in the PDF's text or
    a chart image)."""


def installed(path: Path) -> bool:
    """Whether a font file is there to use. A folder this user may not enter (a HOME of another
    user's, under sudo) holds none for it, rather than ending the build in a permission error."""
    try:
        return path.is_file()
    except OSError:
        return False


def missing_glyph_advice(ch: str) -> str:
    """What to do about a character no font has: install one that has it (unless Hanazono, the
    font named, is installed already), or, for a 自造字 (a private-use code point, drawn only by
    the font of the machine it was made on), write a standard character instead, since no font
    to install has it."""
    code = ord(ch)
    if 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
        return "這是自造字（Unicode 私人使用區），只有造字的電腦上有字形，任何可安裝的字型都沒有；請改用標準字，或改寫為文字說明。"
    if all(installed(HANAZONO_DIR / name) for name in ("HanaMinA.ttf", "HanaMinB.ttf")):
        # Installing the font the advice names would change nothing: it was asked already.
        return (
            "本機已安裝的 fonts-hanazono 也沒有此字（表情符號、新近收入 Unicode 的字多半如此）；"
            "請改用常用字或改寫為文字說明，或以 --font 指定含此字的字型。"
        )
    return "請安裝含此字的字型（如 fonts-hanazono）或以 --font 指定字型。"


@dataclass(frozen=True)
class FontRef:
    """A font file and, for a collection (.ttc), the index of the face in it."""

    path: Path
    index: int = 0


def _windows_dirs() -> list[Path]:
    """Where Windows fonts are found: Windows itself, WSL, or copied into a user's fonts."""
    home = Path.home()
    return [
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


def _windows_kai() -> list[FontRef]:
    """Where 標楷體 (kaiu.ttf) is found."""
    return [FontRef(d / name) for d in _windows_dirs() for name in ("kaiu.ttf", "KAIU.TTF")]


def latin_candidates() -> list[FontRef]:
    """Times New Roman, else a face with its widths (Liberation Serif, Tinos), best first."""
    names = ("times.ttf", "TIMES.TTF", "Times New Roman.ttf", "Times_New_Roman.ttf")
    return [
        *(FontRef(d / name) for d in _windows_dirs() for name in names),
        FontRef(Path("/System/Library/Fonts/Supplemental/Times New Roman.ttf")),
        FontRef(LIBERATION_DIR / "LiberationSerif-Regular.ttf"),  # fonts-liberation2
        FontRef(Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")),
        FontRef(Path("/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf")),
    ]


def resolve_latin() -> FontRef | None:
    """The face of Latin letters, digits and ASCII punctuation in the PDF's text and in charts,
    as Word sets them (:data:`layout.LATIN_FONT`); None if none is installed: the main face
    then draws them too."""
    return next((ref for ref in latin_candidates() if installed(ref.path)), None)


_BOLD_NAMES = {
    "times.ttf": "timesbd.ttf", "TIMES.TTF": "TIMESBD.TTF", "Times New Roman.ttf": "Times New Roman Bold.ttf",
    "Times_New_Roman.ttf": "Times_New_Roman_Bold.ttf", "LiberationSerif-Regular.ttf": "LiberationSerif-Bold.ttf",
    "Tinos-Regular.ttf": "Tinos-Bold.ttf",
}


def resolve_latin_bold(regular: FontRef) -> FontRef | None:
    """The bold face beside the Latin face ``regular`` (Times New Roman Bold, Liberation Serif
    Bold), which Word sets bold Latin text in; None if it is not installed (the regular face
    is then thickened as the Kai text is)."""
    name = _BOLD_NAMES.get(regular.path.name)
    if name is None:
        return None
    bold = regular.path.with_name(name)
    return FontRef(bold) if installed(bold) else None


def split_runs(text: str, face_for: Callable[[str], _Face]) -> list[tuple[_Face, str]]:
    """``text`` as (face, characters) runs: each run the longest stretch ``face_for`` gives one face."""
    runs: list[tuple[_Face, str]] = []
    at = 0
    for face, same in itertools.groupby(map(face_for, text)):
        count = len(list(same))
        runs.append((face, text[at : at + count]))
        at += count
    return runs


def is_latin(ch: str) -> bool:
    """A character Word draws in the Latin font (w:ascii) rather than the East Asian one: ASCII."""
    return " " <= ch <= "~"


def kai_candidates() -> list[FontRef]:
    """Well-known Kai faces, best first."""
    return [
        *_windows_kai(),
        FontRef(CNS_DIR / "TW-Kai-98_1.ttf"),  # 全字庫正楷體
        FontRef(ARPHIC_DIR / "ukai.ttc", 2),  # AR PL UKai TW (index 0 is the CN face)
        FontRef(Path("/usr/share/fonts/truetype/cwtex/cwkai.ttf")),  # cwTeX 楷書
    ]


def is_cff(path: Path) -> bool:
    """True for an OpenType font with PostScript (CFF) outlines, which reportlab cannot embed."""
    with path.open("rb") as fh:
        return fh.read(4) == b"OTTO"


@functools.lru_cache(maxsize=16)
def taiwan_face(path: Path) -> int:
    """In a collection, the index of the Taiwan face (e.g. 「AR PL UKai TW」) rather than 0,
    which is often the mainland face; 0 for a single font."""
    with path.open("rb") as fh:
        if fh.read(4) != b"ttcf":
            return 0
    for index in range(64):
        try:
            family = ImageFont.truetype(str(path), 10, index=index).getname()[0] or ""
        except OSError:
            break
        if re.search(r"TW|Taiwan", family) and "MBE" not in family:
            return index
    return 0


def _user_ref(path: Path, origin: str) -> FontRef:
    if path.is_dir():
        raise UserError(f"{path}：這是資料夾，不是字型檔；請指定其中的字型檔本身（.ttf/.ttc，如 {path / 'kaiu.ttf'}）")
    if (why := file_problem(path)) == MISSING_FILE:
        raise UserError(f"{path}：找不到字型檔。{_chosen_hint(origin)}")
    if why is not None:  # a device, a pipe, no permission: there, but no font to read
        raise UserError(f"{path}：{why}")
    path = path.resolve()  # one file, one registration, however the user spelled it
    return FontRef(path, taiwan_face(path))


@functools.cache
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


def _chosen(user_font: Path | None) -> tuple[Path, str] | None:
    """The font file the user chose and how (--font, else the environment variable); None
    when the user chose none."""
    if user_font is not None:
        return Path(user_font), "--font"
    env = os.environ.get(ENV_FONT, "").strip()
    return (Path(env).expanduser(), ENV_FONT) if env else None


def resolve_main(user_font: Path | None = None) -> FontRef:
    """The Kai face every writer draws in (PDF text, chart images): the user's font, else
    an installed Kai face; UserError if there is none."""
    if (chosen := _chosen(user_font)) is not None:
        return _user_ref(*chosen)
    for ref in kai_candidates():
        if installed(ref.path):
            return ref
    for ref in _fontconfig_kai():
        if installed(ref.path) and not is_cff(ref.path):
            return ref
    raise UserError(f"找不到楷書字型。{INSTALL_HINT}")


_TRUETYPE = (b"\x00\x01\x00\x00", b"true")
_NOT_TRUETYPE = {
    b"OTTO": "為 CFF（PostScript 外框）的 OpenType 字型，PDF 只能嵌入 TrueType 外框",
    b"wOFF": "為網頁字型（WOFF），不是 TrueType 字型檔",
    b"wOF2": "為網頁字型（WOFF2），不是 TrueType 字型檔",
}


def check_main(user_font: Path | None = None) -> FontRef:
    """:func:`resolve_main`, checked to be a TrueType face every writer can draw in.

    A build calls this once before its first document, so a wrong ``--font`` is one
    message rather than one per PDF and chart, each in the words of a different library.
    """
    origin = chosen[1] if (chosen := _chosen(user_font)) is not None else None
    try:
        ref = resolve_main(user_font)
        _check_face(ref, INSTALL_HINT if origin is None else _chosen_hint(origin))
    except UserError as exc:
        if origin == ENV_FONT:
            raise UserError(f"環境變數 {ENV_FONT} 所指的字型：{exc}") from None
        raise
    return ref


def _check_face(ref: FontRef, hint: str) -> None:
    try:
        with ref.path.open("rb") as fh:
            version = fh.read(4)
            if version == b"ttcf":  # a collection: the face's own header says what it is
                fh.seek(12 + 4 * ref.index)
                fh.seek(struct.unpack(">I", fh.read(4))[0])
                version = fh.read(4)
    except OSError as exc:
        raise UserError(f"{ref.path}：無法讀取字型檔（{exc.strerror or exc}）。") from None
    except struct.error:  # cut short
        version = b""
    if version not in _TRUETYPE:
        what = _NOT_TRUETYPE.get(version, "不是 TrueType 字型檔")
        raise UserError(f"{ref.path}：{what}。{hint}")
    try:
        ImageFont.truetype(str(ref.path), 12, index=ref.index)
    except OSError:
        raise UserError(f"{ref.path}：字型檔損毀或不完整，無法使用。{hint}") from None
    has = coverage(ref)
    if has is not None and not any(ch in has for ch in _CHINESE_SAMPLE):
        # Every character would come from a fallback face: not the font the user asked for.
        raise UserError(f"{ref.path}：此字型沒有中文字（如「{_CHINESE_SAMPLE}」），不能作為文件的字型。{hint}")


_CHINESE_SAMPLE = "計畫服務品質"


def fallback_candidates(main: FontRef) -> list[FontRef]:
    """Fonts asked, in order, for a character the main face lacks: Kai faces first, then Mincho,
    last DejaVu Sans for symbols."""
    tw_kai_dir = main.path.parent if main.path.name.startswith("TW-Kai") else CNS_DIR
    refs = [
        FontRef(tw_kai_dir / "TW-Kai-98_1.ttf"),
        FontRef(tw_kai_dir / "TW-Kai-Plus-98_1.ttf"),
        FontRef(tw_kai_dir / "TW-Kai-Ext-B-98_1.ttf"),
        FontRef(ARPHIC_DIR / "ukai.ttc", 2),
        FontRef(HANAZONO_DIR / "HanaMinA.ttf"),
        FontRef(HANAZONO_DIR / "HanaMinB.ttf"),
        FontRef(ARPHIC_DIR / "uming.ttc", 2),  # AR PL UMing TW
        FontRef(DEJAVU_DIR / "DejaVuSans.ttf"),  # symbols every Linux has: ☐ ☑ when no CJK face has them
    ]
    return [r for r in refs if r != main]


class Coverage:
    """Which characters a face maps to a glyph, looked up in its ``cmap`` table.

    Only the Unicode subtable is kept, and a character is found by binary search in it, so
    asking costs nothing up front (a CJK face's table has tens of thousands of ranges).
    """

    def __init__(self, table: bytes, fmt: int) -> None:
        self._table = table
        self._format = fmt
        self._known: dict[str, bool] = {}

    def __contains__(self, ch: str) -> bool:
        known = self._known.get(ch)
        if known is None:
            known = self._known[ch] = self._glyph(ord(ch)) != 0
        return known

    def _glyph(self, code: int) -> int:
        t = self._table
        if self._format == 12:
            lo, hi = 0, struct.unpack_from(">I", t, 12)[0]
            while lo < hi:  # the groups are sorted by start code and do not overlap
                mid = (lo + hi) // 2
                start, end, glyph = struct.unpack_from(">III", t, 16 + 12 * mid)
                if code < start:
                    hi = mid
                elif code > end:
                    lo = mid + 1
                else:
                    return glyph + code - start
            return 0
        if code > 0xFFFF:  # format 4 maps the Basic Multilingual Plane only
            return 0
        segments = struct.unpack_from(">H", t, 6)[0] // 2
        ends, starts = 14, 16 + 2 * segments
        deltas, range_offsets = starts + 2 * segments, starts + 4 * segments
        lo, hi = 0, segments
        while lo < hi:  # the first segment whose end is ≥ code
            mid = (lo + hi) // 2
            if struct.unpack_from(">H", t, ends + 2 * mid)[0] < code:
                lo = mid + 1
            else:
                hi = mid
        if lo == segments or struct.unpack_from(">H", t, starts + 2 * lo)[0] > code:
            return 0
        start = struct.unpack_from(">H", t, starts + 2 * lo)[0]
        delta = struct.unpack_from(">h", t, deltas + 2 * lo)[0]
        offset = struct.unpack_from(">H", t, range_offsets + 2 * lo)[0]
        if offset == 0:
            return (code + delta) & 0xFFFF
        glyph = struct.unpack_from(">H", t, range_offsets + 2 * lo + offset + 2 * (code - start))[0]
        return (glyph + delta) & 0xFFFF if glyph else 0


@functools.lru_cache(maxsize=16)
def coverage(ref: FontRef) -> Coverage | None:
    """The characters ``ref`` can draw; None when its file cannot be read as a TrueType face."""
    try:
        with open(ref.path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _unicode_cmap(data, ref.index)
    except (OSError, ValueError, struct.error):
        return None


def _unicode_cmap(data: mmap.mmap, index: int) -> Coverage | None:
    face = struct.unpack_from(">I", data, 12 + 4 * index)[0] if data[:4] == b"ttcf" else 0
    tables = struct.unpack_from(">H", data, face + 4)[0]
    for n in range(tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, face + 12 + 16 * n)
        if tag == b"cmap":
            break
    else:
        return None
    subtables = {}
    for n in range(struct.unpack_from(">H", data, offset + 2)[0]):
        platform, encoding, at = struct.unpack_from(">HHI", data, offset + 4 + 8 * n)
        subtables[(platform, encoding)] = offset + at
    # A full-repertoire table (format 12) first: Extension B characters are beyond format 4.
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3)):
        at = subtables.get(key)
        if at is None:
            continue
        fmt = struct.unpack_from(">H", data, at)[0]
        if fmt == 12:
            length = struct.unpack_from(">I", data, at + 4)[0]
        elif fmt == 4:
            length = struct.unpack_from(">H", data, at + 2)[0]
        else:
            continue
        return Coverage(bytes(data[at : at + length]), fmt)
    return None
