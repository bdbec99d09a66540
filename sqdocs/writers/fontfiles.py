"""Font files as the writers find them: which face of a collection (.ttc) to use."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from PIL import ImageFont


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
