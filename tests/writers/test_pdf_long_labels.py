"""A 評核項目 or 評核重點 name taller than a page, in every PDF that shows it in a table.

Such a name never ended the layout: the rest of its row, on the next page, began with the
whole name again (「（續）」), as tall as the row had been, page after page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pdfcheck import SAMPLE, extract, needs_poppler, require_kai_font, squash

from sqdocs.derive import subplan_annex
from sqdocs.load.plan import load_plan
from sqdocs.load.subplan import load_subplans
from sqdocs.outline import numbered
from sqdocs.writers import layout
from sqdocs.writers.pdf.tables import CONTINUED

pytestmark = needs_poppler

ROOT = Path(__file__).resolve().parents[2]
POINT, ITEM = "申辦業務標準作業流程訂定情形", "服務一致及正確"
LONG_POINT = f"{POINT}（{'說明' * 120}）"  # 256 characters: 240 already never ended
LONG_ITEM = f"{ITEM}（{'項目' * 199}）"  # 407: taller than a page of single-spaced 12 pt
ELLIPSIS = "……"  # where a name repeated is cut short
BUILD_SECONDS = 180
"""Far more than the build takes: a build still running then never ends."""


@pytest.fixture(scope="module")
def long_names(tmp_path_factory) -> tuple[Path, str]:
    """The sample with the long names everywhere the two are named, built to PDF through the
    command line (twice, to check the bytes are the same): the data folder, and why the build
    failed ("" if it did not)."""
    require_kai_font()
    tmp = tmp_path_factory.mktemp("long-names")
    data, out = tmp / "data", tmp / "out"
    shutil.copytree(SAMPLE, data)
    for path in data.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(ITEM, LONG_ITEM).replace(POINT, LONG_POINT), encoding="utf-8")
    command = [sys.executable, "-m", "sqdocs.cli", "build", str(data), "-o", str(out),
               "--format", "pdf", "-j", "1", "--check-reproducible"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        return data, f"the build did not end in {BUILD_SECONDS} s: the layout of a long name never ends"
    return data, "" if done.returncode == 0 else done.stdout + done.stderr


def _pdf(built: tuple[Path, str], ending: str) -> Path:
    """The one PDF built whose name ends in ``ending``."""
    data, failure = built
    assert not failure, failure
    (path,) = (data.parent / "out").glob(f"*{ending}.pdf")
    return path


def _cut_short(name: str) -> re.Pattern:
    """A repeat of ``name`` cut short: its first characters, then 「……（續）」."""
    return re.compile(re.escape(name[:8]) + r"[^）]*" + re.escape(ELLIPSIS + CONTINUED))


def test_plan_reads_each_long_name_in_full_across_pages(long_names: tuple[Path, str]) -> None:
    got = extract(_pdf(long_names, "局107年度提升服務品質執行計畫"))
    for columns in (layout.ANNEX1_COLUMNS, layout.ANNEX2_COLUMNS):
        assert squash(LONG_ITEM) in got.column(columns, 0)
        assert squash(LONG_POINT) in got.column(columns, 1)
    # Taller than a page, the point runs over two in 附件 1 and two in 附件 2 …
    assert sum("說明說明" in squash(page) for page in got.pages) >= 4
    # … and nothing of the point's row is lost
    point = load_plan(long_names[0]).annex1.dimensions[0].items[0].points[0]
    for line in numbered(point.practices):
        assert got.has(line), line


def test_a_name_too_long_to_repeat_is_repeated_cut_short(long_names: tuple[Path, str]) -> None:
    """Where a page starts in the rows of the long item, the item is named again, cut to at
    most twelve lines: repeated whole, a name taller than a page would fill every page."""
    got = extract(_pdf(long_names, "局107年度提升服務品質執行計畫"))
    items = got.column(layout.ANNEX1_COLUMNS, 0)
    assert _cut_short(LONG_ITEM).search(items)
    assert squash(LONG_ITEM + CONTINUED) not in items
    assert len(got.pages) < 30  # the sample has 13: a few more for the long names


def test_subplans_read_the_long_point_in_full(long_names: tuple[Path, str]) -> None:
    plan = load_plan(long_names[0])
    for unit, file in load_subplans(long_names[0], plan).items():
        columns = layout.annex1_columns(subplan_annex(plan, file.subplan))
        got = extract(_pdf(long_names, f"{unit}107年度提升服務品質細部執行計畫"), (columns,))
        assert squash(LONG_POINT) in got.column(columns, 1), unit


def test_report_reads_the_long_names_in_full(long_names: tuple[Path, str]) -> None:
    got = extract(_pdf(long_names, "績效報告"))
    assert got.has(LONG_ITEM) and got.has(LONG_POINT)
    assert squash(LONG_POINT) in got.column(layout.ANNEX2_COLUMNS, 1)  # the 檢核表 with its marks


COLUMNS = (layout.Column("評核重點", 30), layout.Column("具體作法", 130))
RUNAWAY_LABEL = """
import sys
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate
from sqdocs.writers import layout
from sqdocs.writers.pdf import fonts
from sqdocs.writers.pdf.tables import Row, grid
from sqdocs.writers.pdf.text import Typesetter

ts = Typesetter(fonts.font_set())
cell = ts.styles.cell
practices = [ts.para(f"第 {n} 項作法" + "說明" * 30 + "。", cell, "t") for n in range(1, 41)]
rows = [Row([[ts.para("重點甲", cell, "t")], practices], carry={0: "重點甲"})]
table = grid((layout.Column("評核重點", 30), layout.Column("具體作法", 130)), rows, ts)  # the test's COLUMNS
# A label taller than a page however it is cut, repeated where each page starts in the row.
table.sq_label = lambda text, where: [ts.para("重點甲" + "續" * 1200, cell, where)]
SimpleDocTemplate(sys.argv[1], leftMargin=layout.MARGIN_LEFT_MM * mm).build([table])
"""


def test_a_table_ends_whatever_its_repeated_labels_take(tmp_path: Path) -> None:
    """The safety net: however the rules for a split row go wrong (here a repeated label is
    always taller than a page), a table whose rest would hold all it holds is split anyway,
    so the layout ends and the text is all there."""
    require_kai_font()
    path = tmp_path / "runaway.pdf"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    try:
        done = subprocess.run([sys.executable, "-c", RUNAWAY_LABEL, str(path)],
                              capture_output=True, text=True, timeout=BUILD_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the layout did not end in {BUILD_SECONDS} s")
    assert done.returncode == 0, done.stderr
    practices = extract(path, (COLUMNS,)).column(COLUMNS, 1)
    for n in range(1, 41):
        assert squash(f"第 {n} 項作法" + "說明" * 30 + "。") in practices, n
