"""Line breaks in the data as every document prints them: a text wrapped in YAML, a literal block."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import SAMPLE
from docx import Document
from pdfcheck import needs_poppler, pdftotext, require_kai_font

from sqdocs.cli import main
from sqdocs.writers import layout
from sqdocs.writers.pdf.fonts import font_set
from sqdocs.writers.pdf.text import BODY_LEADING


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _docx_texts(path: Path) -> list[str]:
    """Every paragraph of the body and of every table cell."""
    doc = Document(io.BytesIO(path.read_bytes()))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return [p.text for p in doc.paragraphs] + cells


def _build(folder: Path, out: Path) -> dict[str, Path]:
    assert main(["build", str(folder), "-o", str(out), "--only", "plan", "--format", "docx,pdf,odt"]) == 0
    [docx] = out.glob("*.docx")
    return {fmt: docx.with_suffix(f".{fmt}") for fmt in ("docx", "pdf", "odt")}


@pytest.fixture
def wrapped(tmp_path: Path) -> dict[str, Path]:
    """The plan built from the sample with a practice, a step and a goal wrapped onto two lines."""
    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    # a plain text continued on an indented line, as an editor wraps it
    _edit(folder / "annex1.yaml", "- 定期辦理公文講習，提升承辦人員公文品質。",
          "- 定期辦理公文講習，\n                提升承辦人員公文品質。")
    # a folded block, with a Latin word at one break: there the space stays
    _edit(folder / "plan.yaml", "text: 利用勤前教育、常年訓練等各種集會機會，安排合適師資，",
          "text: >\n      利用勤前教育、常年訓練等各種集會機會，\n      安排合適師資（M-Police\n      推廣），")
    return _build(folder, tmp_path / "out")


@needs_poppler
def test_a_text_wrapped_in_yaml_prints_without_a_space_between_chinese_characters(wrapped):
    require_kai_font()
    pdf = pdftotext(wrapped["pdf"])
    assert re.search(r"講習，\n?提升承辦", pdf) and "講習， 提升" not in pdf
    assert re.search(r"集會機會，\n?安排合適", pdf) and "機會， 安排" not in pdf
    assert re.search(r"M-Police[ \n]推廣", pdf)
    docx = "\n".join(_docx_texts(wrapped["docx"]))
    assert "定期辦理公文講習，提升承辦人員公文品質。" in docx
    assert "利用勤前教育、常年訓練等各種集會機會，安排合適師資（M-Police 推廣），講授" in docx
    with zipfile.ZipFile(wrapped["odt"]) as odt:
        content = odt.read("content.xml").decode("utf-8")
    assert "定期辦理公文講習，提升承辦人員公文品質。" in content and "（M-Police 推廣），講授" in content


@needs_poppler
def test_the_line_breaks_of_a_literal_block_are_kept_in_the_pdf_as_in_word_and_odf(tmp_path):
    require_kai_font()
    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    _edit(folder / "plan.yaml", "text: 利用勤前教育、常年訓練等各種集會機會，安排合適師資，講授提升為民服務品質的技巧與正確觀念，以提升全體同仁之服務素養。",
          "text: |\n      利用勤前教育、常年訓練等各種集會機會。\n      第二段：安排合適師資。\n\n      - 項目一\n      - 項目二")
    built = _build(folder, tmp_path / "out")
    lines = [line.strip() for line in pdftotext(built["pdf"]).splitlines() if line.strip()]  # a blank line has no text
    at = next(i for i, line in enumerate(lines) if line.endswith("集會機會。"))
    assert lines[at + 1 : at + 4] == ["第二段：安排合適師資。", "- 項目一", "- 項目二"]
    with pdfplumber.open(built["pdf"]) as pdf:  # the blank line is where it was written, one line high
        page = next(p for p in pdf.pages if p.search("第二段"))
        second, one, two = (page.search(text)[0]["top"] for text in ("第二段", "- 項目一", "- 項目二"))
    # The lines with 「-」 are a little taller than a Chinese one (Latin text, as in Word), their
    # text a little lower in them: 項目一 is two Chinese lines below 第二段 and that much lower.
    fonts = font_set()
    line = layout.BODY_PT * BODY_LEADING
    assert one - second == pytest.approx(2 * line + fonts.latin_drop * layout.BODY_PT)
    assert two - one == pytest.approx(line * fonts.latin_line)
    docx = _docx_texts(built["docx"])
    assert any(p.endswith("利用勤前教育、常年訓練等各種集會機會。\n第二段：安排合適師資。\n\n- 項目一\n- 項目二") for p in docx)
    # Justified, a line ending in a break would be spread edge to edge: Word is told not to, and
    # the ODF paragraph is set flush left (LibreOffice reads its switch only from a full settings.xml).
    with zipfile.ZipFile(built["docx"]) as package:
        assert b"<w:doNotExpandShiftReturn/>" in package.read("word/settings.xml")
    with zipfile.ZipFile(built["odt"]) as odt:
        content = odt.read("content.xml").decode("utf-8")
    paragraph = next(p for p in re.findall(r"<text:p [^>]*>.*?</text:p>", content) if "第二段" in p)
    style = re.search(r'text:style-name="([^"]+)"', paragraph).group(1)
    definition = re.search(rf'<style:style style:name="{style}"[^>]*>.*?</style:style>', content).group()
    assert 'fo:text-align="start"' in definition
