"""Font files as the writers find them: which Kai face to draw in, and which face of a
collection (.ttc) to use.

Resolution order: the user's font (``--font`` / BuildOptions.font, then the environment
variable ``SQDOCS_FONT``) → well-known installed Kai fonts (標楷體 kaiu.ttf first) →
fontconfig → an error that says how to install one. The PDF draws its text in this face and
the Word and ODF reports' chart images are drawn in it too, so a document's charts match
its text on every machine.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from sqdocs.errors import UserError

ENV_FONT = "SQDOCS_FONT"
INSTALL_HINT = (
    "請安裝楷書字型（Debian/Ubuntu：sudo apt-get install fonts-cns11643-kai），"
    f"或以 --font 指定 TrueType 字型檔（.ttf/.ttc，如 標楷體 kaiu.ttf），也可設定環境變數 {ENV_FONT}。"
)

CNS_DIR = Path("/usr/share/fonts/truetype/cns11643")
ARPHIC_DIR = Path("/usr/share/fonts/truetype/arphic")


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


def _user_ref(path: Path) -> FontRef:
    if not path.is_file():
        raise UserError(f"{path}：找不到字型檔。{INSTALL_HINT}")
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


def resolve_main(user_font: Path | None = None) -> FontRef:
    """The Kai face every writer draws in (PDF text, chart images): the user's font, else
    an installed Kai face; UserError if there is none."""
    if user_font is not None:
        return _user_ref(Path(user_font))
    env = os.environ.get(ENV_FONT, "").strip()
    if env:
        return _user_ref(Path(env).expanduser())
    for ref in kai_candidates():
        if ref.path.is_file():
            return ref
    for ref in _fontconfig_kai():
        if ref.path.is_file() and not is_cff(ref.path):
            return ref
    raise UserError(f"找不到楷書字型。{INSTALL_HINT}")
