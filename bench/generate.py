"""Synthetic bureaus for the benchmark: each a full plan with five sub-bureaus and every unit's results.

Each bureau is the Keelung sample under another name, with a fifth 分局 and its sub-plan
and results copied from 第四分局, and its practices rotated so no two bureaus are identical.

    python bench/generate.py OUT_DIR --count 22
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "keelung-107"
NEW_UNIT = "第五分局"


def _rename(text: str, agency: str) -> str:
    return text.replace("基隆市警察局", agency)


def _add_fifth_sub_bureau(units: str) -> str:
    units = units.replace("  - name: 第四分局\n    kind: 分局\n", f"  - name: 第四分局\n    kind: 分局\n  - name: {NEW_UNIT}\n    kind: 分局\n")
    return units.replace("第三分局, 第四分局]", f"第三分局, 第四分局, {NEW_UNIT}]")


def _rotate_practices(text: str, shift: int) -> str:
    """Swap the order of practices in a few blocks so bureaus differ in content, not just in name."""
    lines = text.split("\n")
    out, block = [], []
    for line in [*lines, ""]:
        if re.match(r"^\s+- (?!name:|dimension:)", line) and (not block or _indent(line) == _indent(block[0])):
            block.append(line)
            continue
        if block:
            k = shift % len(block)
            out.extend(block[k:] + block[:k])
            block = []
        out.append(line)
    return "\n".join(out[:-1])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def make_bureau(out_dir: Path, index: int) -> Path:
    """Write one synthetic bureau folder and return its path."""
    agency = f"測試第{index:02d}市警察局"
    target = out_dir / f"bureau-{index:02d}-107"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SAMPLE, target)
    for path in sorted(target.rglob("*.yaml")):
        text = _rename(path.read_text(encoding="utf-8"), agency)
        if path.name == "units.yaml":
            text = _add_fifth_sub_bureau(text)
        elif path.parent.name == "subplans":
            text = _rotate_practices(text, index)
        path.write_text(text, encoding="utf-8")
    for folder in ("subplans", "results"):
        source = target / folder / "第四分局.yaml"
        (target / folder / f"{NEW_UNIT}.yaml").write_text(
            source.read_text(encoding="utf-8").replace("第四分局", NEW_UNIT), encoding="utf-8"
        )
    return target


def generate(out_dir: Path, count: int) -> list[Path]:
    """``count`` synthetic bureaus in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [make_bureau(out_dir, i) for i in range(1, count + 1)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=22, help="how many bureaus (1 or more; default 22)")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be 1 or more")
    for path in generate(args.out, args.count):
        print(path)
