"""Templates edited in Word the way the secretariat does: each mistake is refused with a
Chinese message saying where and how to fix it, and no document is written.

Each case edits the default plan.docx's XML in tmp_path (as tests/bad/templates/make.py does).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import SAMPLE
from docx.enum.section import WD_ORIENT

from sqdocs.cli import main
from sqdocs.writers.docx.template import DEFAULT_TEMPLATES

BASE = Path(__file__).parent / "bad" / "_base"
DOCUMENT = "word/document.xml"


def edited(folder: Path, replace: dict[str, str], part: str = DOCUMENT, name: str = "plan.docx", last: bool = False) -> Path:
    """A copy of the default plan.docx in ``folder`` with ``part``'s first (or ``last``)
    occurrence of each key replaced."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    with zipfile.ZipFile(DEFAULT_TEMPLATES / "plan.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                for old, new in replace.items():
                    assert old in text, old
                    head, _, tail = text.rpartition(old) if last else text.partition(old)
                    text = head + new + tail
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return path


def build(folder: Path, out: Path, capsys) -> tuple[int, str]:
    code = main(["build", str(BASE), "-o", str(out), "--only", "plan", "--format", "docx", "--templates", str(folder)])
    return code, capsys.readouterr().err


def refused(tmp_path: Path, capsys, replace: dict[str, str], at_render: bool = False, **how) -> str:
    """Build the plan from the edited template; assert it failed cleanly and return stderr.

    A mistake found before building is bad input (exit 2) and leaves no output folder; one
    found only when the tags are evaluated (``at_render``) fails that document (exit 1).
    """
    folder = tmp_path / "tpl"
    edited(folder, replace, **how)
    out = tmp_path / "out"
    code, err = build(folder, out, capsys)
    assert code == (1 if at_render else 2), err
    assert "Traceback" not in err and "內部錯誤" not in err
    if at_render:
        assert not out.exists() or list(out.iterdir()) == []
    else:
        assert not out.exists()
    return err


# ---- 1. block tags that do not pair up -----------------------------------------------


@pytest.mark.parametrize(
    ("replace", "last", "expected"),
    [
        (
            {"{%p for section in sections %}": "{% for section in sections %}"},
            False,
            "範本第 20 段的「{%p endfor %}」與第 2 段的「{% for section in sections %}」不成對："
            "各佔一段的標籤須都寫成 {%p … %}：{%p for section in sections %} 與 {%p endfor %}。",
        ),
        (
            {"{%p endfor %}": "{% endfor %}"},
            False,
            "範本第 19 段的「{% endfor %}」與第 7 段的「{%p for para in section.paras %}」不成對："
            "以 {%p 開始的標籤，結尾也須寫成 {%p endfor %}。",
        ),
        (
            {"{%p endif %}": "{%p endfor %}"},
            False,
            "範本第 6 段的「{%p endfor %}」與第 4 段的「{%p if section.intro %}」不成對："
            "「{%p if section.intro %}」須以 {%p endif %} 結尾。",
        ),
        (
            {"{%p for section in sections %}": "{%p For section in sections %}"},
            False,
            "範本第 2 段的「{%p For section in sections %}」：不認得的指令「For」（應為小寫的「for」）。",
        ),
        (
            {"<w:t>{%p endfor %}</w:t>": "<w:t></w:t>"},
            True,
            "範本第 21 段的「{%p for annex in annexes %}」沒有結尾：須在區塊後加上一段 {%p endfor %}。",
        ),
        (
            {"{%p else %}": "{% else %}"},
            False,
            "範本第 16 段的「{% else %}」與第 8 段的「{%p if para.heading %}」不一致："
            "以 {%p 開始的區塊，else 也須寫成 {%p else %}。",
        ),
    ],
    ids=["for-without-p", "endfor-without-p", "endif-typed-endfor", "capital-For", "unclosed", "else-without-p"],
)
def test_block_tags_must_pair(tmp_path, capsys, replace, last, expected):
    err = refused(tmp_path, capsys, replace, last=last)
    assert expected in err


def test_a_body_needs_the_p_tag(tmp_path, capsys):
    err = refused(tmp_path, capsys, {"{{p annex.body }}": "{{ annex.body }}"})
    assert "範本第 28 段的「{{ annex.body }}」插入的是整段內容，須寫成 {{p annex.body }}" in err


def test_a_broken_rendering_is_refused():
    """The backstop after rendering: what docxtpl's recovering parser lets through."""
    from lxml import etree

    from sqdocs.writers.docx import tags

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = etree.fromstring(f'<w:body xmlns:w="{w}"><w:p><w:r><w:t>x<w:tbl/></w:t></w:r></w:p><w:sectPr/></w:body>')
    assert "w:t" in tags.broken_structure(body, had_section=True)
    body = etree.fromstring(f'<w:body xmlns:w="{w}"><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body>')
    assert "w:sectPr" in tags.broken_structure(body, had_section=True)
    assert tags.broken_structure(body, had_section=False) is None


# ---- 2. files that are not a .docx, or not where expected ---------------------------


_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", " Word 範本（.dotx）"),
        ("application/vnd.ms-word.document.macroEnabled.main+xml", "啟用巨集的 Word 文件（.docm）"),
    ],
)
def test_a_renamed_dotx_or_docm(tmp_path, capsys, content_type, kind):
    err = refused(tmp_path, capsys, {_MAIN: content_type}, part="[Content_Types].xml")
    assert f"這是{kind}，只是副檔名改成 .docx" in err
    assert "存檔類型選「Word 文件 (*.docx)」" in err


def test_strict_open_xml(tmp_path, capsys):
    old = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    err = refused(tmp_path, capsys, {old: "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"}, part="_rels/.rels")
    assert "Strict Open XML" in err and "Word 文件 (*.docx)" in err


def test_an_old_doc_renamed(tmp_path, capsys):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "plan.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 2
    assert "舊版 Word 97-2003 格式（.doc）" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_templates_given_a_file(tmp_path, capsys):
    code = main(["build", str(BASE), "-o", str(tmp_path / "out"), "--format", "docx", "--templates", str(DEFAULT_TEMPLATES / "plan.docx")])
    err = capsys.readouterr().err
    assert code != 0
    assert "這是一個檔案，不是資料夾" in err and f"--templates {DEFAULT_TEMPLATES}" in err


@pytest.mark.parametrize("near", ["plan.docx.docx", "Plan.DOCX", "plan (1).docx"])
def test_a_misnamed_template_is_named(tmp_path, capsys, near):
    folder = tmp_path / "tpl"
    edited(folder, {}, name=near)
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 2
    assert f"範本資料夾中沒有 plan.docx。資料夾中有「{near}」，是不是它？請把它改名為 plan.docx。" in err


@pytest.mark.parametrize("other", ["plan.doc", "plan.dotx", "Plan.docm", "plan.odt"])
def test_a_template_saved_in_another_format_is_named(tmp_path, capsys, other):
    """「另存新檔」as .doc, .dotx … leaves plan.doc beside no plan.docx: say so, not 「copy the default」."""
    folder = tmp_path / "tpl"
    edited(folder, {}, name=other)
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 2
    assert f"資料夾中有「{other}」，但範本須存成 Word 文件（.docx）" in err
    assert "存檔類型選「Word 文件 (*.docx)」" in err
    assert "複製到該資料夾" not in err  # copying the default would throw the customised template away
    assert not (tmp_path / "out").exists()


# ---- 3. tracked changes, comments, bookmarks -----------------------------------------

_INS = '<w:ins w:id="1" w:author="秘書室" w:date="2024-01-01T00:00:00Z"><w:r><w:t>{{ section.heading }}</w:t></w:r></w:ins>'

_DEL = '<w:del w:id="2" w:author="a"><w:r><w:delText>舊標題</w:delText></w:r></w:del><w:r><w:t>{{ section.heading }}</w:t></w:r>'


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        ({"<w:r><w:t>{{ section.heading }}</w:t></w:r>": _INS}, "範本第 3 段有追蹤修訂"),
        ({"<w:r><w:t>{{ section.heading }}</w:t></w:r>": _DEL}, "範本第 3 段有追蹤修訂"),
        ({"<w:t>{{ section.heading }}</w:t></w:r>": '<w:t>{{ section.heading }}</w:t></w:r><w:commentRangeStart w:id="0"/>'}, "範本第 3 段有註解"),
    ],
    ids=["insertion", "deletion", "comment"],
)
def test_revisions_and_comments_are_refused(tmp_path, capsys, replace, expected):
    err = refused(tmp_path, capsys, replace)
    assert expected in err
    assert "接受所有變更並停止追蹤" in err or "刪除文件中的所有註解" in err


def test_bookmarks_are_not_repeated(tmp_path, capsys):
    folder = tmp_path / "tpl"
    mark = '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>'
    edited(folder, {"<w:t>{{ section.heading }}</w:t></w:r>": "<w:t>{{ section.heading }}</w:t></w:r>" + mark})
    out = tmp_path / "out"
    code, err = build(folder, out, capsys)
    assert code == 0, err
    (produced,) = out.glob("*.docx")
    assert b"bookmarkStart" not in zipfile.ZipFile(produced).read(DOCUMENT)


# ---- 4. full-width braces -----------------------------------------------------------


def test_full_width_braces(tmp_path, capsys):
    err = refused(tmp_path, capsys, {"{{ title }}": "｛｛ title ｝｝"})
    assert "範本第 1 段「｛｛ title ｝｝」的標籤用了全形的" in err and "標籤須用半形 {{ }}、{% %}" in err


@pytest.mark.parametrize(
    ("typed", "mark"),
    [("{{ section．heading }}", "．"), ("{{ section。heading }}", "。"), ("{{ section.heading｜upper }}", "｜")],
)
def test_full_width_punctuation_in_a_tag(tmp_path, capsys, typed, mark):
    """A Chinese input method types 。 or ． for the dot; Jinja's 「unexpected char '．' at 1498」 says neither where nor why."""
    err = refused(tmp_path, capsys, {"{{ section.heading }}": typed})
    assert f"範本第 3 段的「{typed}」有全形標點「{mark}」" in err and "請切換到英數（半形）輸入後重打" in err
    assert "unexpected char" not in err


@pytest.mark.parametrize(
    ("old", "typed", "expected"),
    [
        (
            "{%p for section in sections %}",
            "{%p\u3000for section in sections %}",
            "範本第 2 段的「{%p\u3000for section in sections %}」：p 之後須是一個半形空格（現在是全形空格）；"
            "請寫成 {%p for section in sections %}。",
        ),
        (
            "{{p annex.body }}",
            "{{p\u00a0annex.body }}",
            "範本第 28 段的「{{p\u00a0annex.body }}」：p 之後須是一個半形空格（現在是不換行空格）；請寫成 {{p annex.body }}。",
        ),
        (
            "{{p annex.body }}",
            "{{ p annex.body }}",
            "範本第 28 段的「{{ p annex.body }}」：p 須緊接在 {{ 之後，中間不可有空格；請寫成 {{p annex.body }}。",
        ),
    ],
    ids=["full-width-space", "no-break-space", "space-before-p"],
)
def test_a_modifier_typed_with_another_space(tmp_path, capsys, old, typed, expected):
    """docxtpl takes p as its modifier only right after the brace and before an ASCII space: the
    message named 「不認得的指令「p」」 in a tag that looks right, or advised {{p p annex.body }}."""
    err = refused(tmp_path, capsys, {old: typed})
    assert expected in err and "{{p p" not in err and "指令「p」" not in err


def test_full_width_punctuation_inside_quotes_or_a_comment_is_text(tmp_path, capsys):
    folder = tmp_path / "tpl"
    edited(folder, {"{{ title }}": "{{ title|replace(\"（草案）\", \"。\") }}{# 秘書科：勿刪。 #}"})
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 0, err


@pytest.mark.parametrize("typed", ["(“提升服務品質”,”提升為民服務品質（草案）”)", "(‘提升服務品質’,’提升為民服務品質（草案）’)"])
def test_full_width_punctuation_inside_quotes_word_curled(tmp_path, capsys, typed):
    """Word's AutoCorrect curls a quote right after a comma as a closing one: the second text
    was not taken as quoted, and its （ refused as full-width punctuation typed in the tag."""
    folder = tmp_path / "tpl"
    edited(folder, {"{{ title }}": f"{{{{ title|replace{typed} }}}}"})
    out = tmp_path / "out"
    code, err = build(folder, out, capsys)
    assert code == 0, err
    (produced,) = out.iterdir()
    assert "提升為民服務品質（草案）執行計畫" in docx.Document(produced).paragraphs[0].text


# ---- 5. a section break on a tag's paragraph ----------------------------------------

_BREAK = '<w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1134" w:bottom="1134" w:left="1134" w:header="680" w:footer="567" w:gutter="0"/></w:sectPr></w:pPr>'
_LANDSCAPE = {'<w:pgSz w:w="11906" w:h="16838"/><w:pgMar': '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar'}


@pytest.mark.parametrize(
    "tag_paragraph",
    ["<w:p><w:r><w:t>{%p endfor %}</w:t></w:r></w:p><w:p><w:r><w:t>{%p for annex", "<w:p><w:r><w:t>{%p for annex"],
    ids=["on-endfor", "on-for"],
)
def test_a_section_break_on_a_tag_paragraph_is_kept(tmp_path, capsys, tag_paragraph):
    """A portrait body and landscape annexes stay two sections, whichever tag held the break."""
    folder = tmp_path / "tpl"
    path = edited(folder, _LANDSCAPE, last=True)
    moved = tag_paragraph.replace("<w:p><w:r>", f"<w:p>{_BREAK}<w:r>", 1) if "endfor" in tag_paragraph else tag_paragraph.replace("<w:p>", f"<w:p>{_BREAK}", 1)
    with zipfile.ZipFile(path) as src:
        xml = src.read(DOCUMENT).decode()
    assert tag_paragraph in xml
    edited(folder, {**_LANDSCAPE, tag_paragraph: moved})
    out = tmp_path / "out"
    code, err = build(folder, out, capsys)
    assert code == 0, err
    (produced,) = out.glob("*.docx")
    sections = docx.Document(produced).sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]


# ---- 6. text beside a {%p %} tag -----------------------------------------------------


_NEW_PAGE = '<w:p><w:r><w:t>{%p if section.new_page %}</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/><w:pageBreakBefore/></w:pPr>'
# LibreOffice saves the heading's 「段落前分頁」 as a page break ending the paragraph before it.
_NEW_PAGE_AS_LIBREOFFICE_SAVES_IT = (
    '<w:p><w:r><w:t>{%p if section.new_page %}</w:t></w:r><w:r><w:br w:type="page"/></w:r></w:p>'
    '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
)


def test_a_page_break_ending_a_p_tag_paragraph_starts_the_next_paragraph(tmp_path, capsys):
    """report.docx saved in LibreOffice: 參、圖表 lost its new page without a word, docxtpl
    dropping the tag's paragraph and the break with it."""
    folder = tmp_path / "tpl"
    folder.mkdir()
    with zipfile.ZipFile(DEFAULT_TEMPLATES / "report.docx") as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
    assert _NEW_PAGE.encode() in entries[DOCUMENT]
    entries[DOCUMENT] = entries[DOCUMENT].replace(_NEW_PAGE.encode(), _NEW_PAGE_AS_LIBREOFFICE_SAVES_IT.encode())
    with zipfile.ZipFile(folder / "report.docx", "w") as dst:
        for name, data in entries.items():
            dst.writestr(name, data)
    out = tmp_path / "out"
    code = main(["build", str(SAMPLE), "-o", str(out), "--only", "report", "--format", "docx", "--templates", str(folder)])
    assert code == 0, capsys.readouterr().err
    (produced,) = out.iterdir()
    headings = [p for p in docx.Document(produced).paragraphs if p.style.name == "Heading 1"]
    assert [h.text for h in headings if h.paragraph_format.page_break_before] == ["參、圖表"]


@pytest.mark.parametrize(
    ("typed", "lost"),
    [
        ('<w:r><w:br w:type="page"/></w:r><w:r><w:t>{%p for section in sections %}</w:t></w:r>', "分頁符號"),
        ("<w:r><w:t>{%p for section in sections %}</w:t></w:r><w:r><w:drawing/></w:r>", "圖片"),
    ],
    ids=["page-break-before-the-tag", "picture"],
)
def test_a_page_break_or_picture_on_a_p_tag_paragraph(tmp_path, capsys, typed, lost):
    """Ctrl+Enter typed at the start of a tag's paragraph, or a picture put there, went with the
    paragraph docxtpl replaces by the tag."""
    err = refused(tmp_path, capsys, {"<w:r><w:t>{%p for section in sections %}</w:t></w:r>": typed})
    assert f"範本第 2 段的{lost}與標籤「{{%p for section in sections %}}」在同一段" in err
    assert f"{lost}會消失；請在標籤前（或後）按 Enter 分段" in err


def test_text_beside_a_p_tag(tmp_path, capsys):
    err = refused(tmp_path, capsys, {"{%p for section in sections %}": "機密等級：普通 {%p for section in sections %}"})
    assert "範本第 2 段的「機密等級：普通」與標籤「{%p for section in sections %}」在同一段" in err
    assert "請把它移到另一段" in err


# ---- 7. headers and footers ------------------------------------------------------------


def test_tags_in_the_footer_are_checked(tmp_path, capsys):
    err = refused(tmp_path, capsys, {"第 </w:t>": "{% if title %}第 </w:t>"}, part="word/footer1.xml")
    assert "範本頁尾（footer1.xml）第 1 段的「{% if title %}」沒有結尾" in err


def test_an_unknown_name_in_the_footer_is_refused_before_the_build(tmp_path, capsys):
    """Found only when filled in, it failed every document, one by one (exit 1)."""
    err = refused(tmp_path, capsys, {"第 </w:t>": "{{ agncy }}第 </w:t>"}, part="word/footer1.xml")
    assert ("範本用了未定義的名稱「agncy」（這份範本可用的名稱：agency、annexes、sections、title、year；"
            "另見 docs/templates.md）；標籤：{{ agncy }}（範本頁尾（footer1.xml）第 1 段）") in err




def with_note(folder: Path, kind: str, text: str) -> None:
    """The default plan.docx in ``folder`` with one footnote or endnote (Word: 參考資料 → 插入註腳 /
    章節附註) holding ``text``, referred to from the title, as Word writes it."""
    part = f"{kind}s"
    note = (
        f'<w:{part} xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:id="1"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:{kind}>'
        f"</w:{part}>"
    )
    edited(folder, {"<w:t>{{ title }}</w:t></w:r>": f'<w:t>{{{{ title }}}}</w:t></w:r><w:r><w:{kind}Reference w:id="1"/></w:r>'})
    path = folder / "plan.docx"
    with zipfile.ZipFile(path) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/word/{part}.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'wordprocessingml.{part}+xml"/></Types>'.encode(),
    )
    entries["word/_rels/document.xml.rels"] = entries["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdNote" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{part}" '
        f'Target="{part}.xml"/></Relationships>'.encode(),
    )
    entries[f"word/{part}.xml"] = note.encode()
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in entries.items():
            dst.writestr(name, data)


def test_tags_in_a_footnote_are_filled_in(tmp_path, capsys):
    with_note(tmp_path / "tpl", "footnote", "依{{ agency }}核定")
    code, err = build(tmp_path / "tpl", tmp_path / "out", capsys)
    assert code == 0, err
    (produced,) = (tmp_path / "out").iterdir()
    assert "依基隆市警察局核定" in zipfile.ZipFile(produced).read("word/footnotes.xml").decode()


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "footnote",
            "依{{ agncy }}核定",
            "範本用了未定義的名稱「agncy」（這份範本可用的名稱：agency、annexes、sections、title、year；"
            "另見 docs/templates.md）；標籤：{{ agncy }}（範本註腳（footnotes.xml）第 3 段）",
        ),
        ("footnote", "{% if title %}", "範本註腳（footnotes.xml）第 3 段的「{% if title %}」沒有結尾"),
        (
            "endnote",
            "依{{ agency }}核定",
            "範本尾註（endnotes.xml）第 3 段的「{{ agency }}」：尾註中的標籤不會被填入，"
            "會原樣印在每份產生的文件中；請把它移到內文、頁首、頁尾或註腳。",
        ),
    ],
    ids=["footnote-unknown-name", "footnote-unclosed", "endnote"],
)
def test_tags_in_the_notes_are_checked_before_the_build(tmp_path, capsys, kind, text, expected):
    """A footnote's tags failed each document one by one (an unclosed block in English), and an
    endnote's, which docxtpl never fills in, were printed as typed in every document."""
    with_note(tmp_path / "tpl", kind, text)
    code, err = build(tmp_path / "tpl", tmp_path / "out", capsys)
    assert code == 2 and expected in err, err
    assert not (tmp_path / "out").exists()


def test_a_footnote_tag_that_fails_when_filled_in_is_named(tmp_path, capsys):
    """Not the body's {%p for section in sections %}, the first tag merely containing the name."""
    with_note(tmp_path / "tpl", "footnote", "依{{ section.heading }}")
    code, err = build(tmp_path / "tpl", tmp_path / "out", capsys)
    assert code == 1 and "標籤：{{ section.heading }}（範本註腳（footnotes.xml）第 3 段）" in err, err


def test_the_template_s_document_properties_are_not_tags(tmp_path, capsys):
    """A note to colleagues in 檔案 → 內容 → 註解 failed every document with Jinja's English
    「Expected an expression」: docxtpl rendered the properties sqdocs then overwrites."""
    folder = tmp_path / "tpl"
    folder.mkdir()
    template = docx.Document(DEFAULT_TEMPLATES / "plan.docx")
    template.core_properties.comments = "秘書科範本：請勿刪除 {{ }} 或 {% %} 標籤"
    template.core_properties.title = "{{ title }}（範本）"
    template.save(folder / "plan.docx")
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 0, err
    (produced,) = (tmp_path / "out").iterdir()
    properties = docx.Document(produced).core_properties
    assert properties.comments == "" and properties.title == docx.Document(produced).paragraphs[0].text


def test_the_names_a_template_may_read_are_those_its_writer_gives(plan, report):
    """writer.NAMES, checked before the build, and the context each writer fills in must agree."""
    from conftest import SAMPLE

    from sqdocs.build import cached_subplans
    from sqdocs.derive import detailed_plan
    from sqdocs.writers.docx import plan as plan_writer
    from sqdocs.writers.docx import report as report_writer
    from sqdocs.writers.docx import subplan as subplan_writer
    from sqdocs.writers.docx.template import open_template

    def template(writer):
        return open_template(None, writer.TEMPLATE_NAME, writer.STYLES)

    subplan = detailed_plan(plan, next(iter(cached_subplans(SAMPLE).values())))
    assert set(plan_writer._context(plan, template(plan_writer))) == plan_writer.NAMES
    assert set(subplan_writer._context(plan, subplan, template(subplan_writer))) == subplan_writer.NAMES
    assert set(report_writer._context(report, template(report_writer), None)) == report_writer.NAMES


# ---- 8. Jinja's messages, in Chinese -------------------------------------------------


def test_a_misspelt_field(tmp_path, capsys):
    err = refused(tmp_path, capsys, {"{{ section.heading }}": "{{ section.heding }}"}, at_render=True)
    assert "範本用了不存在的欄位「heding」" in err and "標籤：{{ section.heding }}" in err
    assert "dict object" not in err


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        # docxtpl puts a {%p %} tag on the line of the paragraph before it: {{ section.heading }}.
        ({"{%p if section.intro %}": "{%p if section.intro = 1 %}"}, "標籤：{%p if section.intro = 1 %}（範本第 4 段）"),
        ({"{%p for para in section.paras %}": "{%p for para section.paras %}"}, "標籤：{%p for para section.paras %}（範本第 7 段）"),
        # An unclosed quote runs on to the next one, paragraphs later.
        ({"{{ section.heading }}": '{{ "section.heading }}'}, '標籤：{{ "section.heading }}（範本第 3 段）'),
    ],
    ids=["if-assigns", "for-without-in", "unclosed-quote"],
)
def test_a_syntax_error_names_its_tag_and_paragraph(tmp_path, capsys, replace, expected):
    err = refused(tmp_path, capsys, replace)
    assert "範本標籤語法錯誤" in err and expected in err


@pytest.mark.parametrize(
    ("replace", "part", "expected"),
    [
        # A loop's tag moved out of it, to the footer: the loop's own {%p for section … %} is fine.
        (
            {"第 </w:t>": "{{ section.heading }}第 </w:t>"},
            "word/footer1.xml",
            "範本用了未定義的名稱「section」（可用的名稱見 docs/templates.md）；"
            "標籤：{{ section.heading }}（範本頁尾（footer1.xml）第 1 段）",
        ),
        # A field of another loop variable: {{ para.line }} earlier in the body is fine.
        (
            {"{{ annex.label }}": "{{ annex.line }}"},
            DOCUMENT,
            "範本用了不存在的欄位「line」（各標籤可用的欄位見 docs/templates.md）；標籤：{{ annex.line }}（範本第 23 段）",
        ),
    ],
    ids=["name-outside-its-loop", "field-of-another-variable"],
)
def test_a_render_error_names_the_tag_that_failed(tmp_path, capsys, replace, part, expected):
    """Not the first tag that merely contains the name."""
    err = refused(tmp_path, capsys, replace, at_render=True, part=part)
    assert expected in err


@pytest.mark.parametrize("typed", ["{{ title(1) }}", "{{ title + 1 }}"])
def test_a_tag_that_fails_when_evaluated_is_a_template_error(tmp_path, capsys, typed):
    """Not 「內部錯誤（TypeError …）；請回報」: the template's own expression is wrong."""
    err = refused(tmp_path, capsys, {"{{ title }}": typed}, at_render=True)
    assert "範本標籤的運算出錯（TypeError：" in err and f"標籤：{typed}（範本第 1 段）" in err
    assert "內部錯誤" not in err


# ---- 9. checked once, before anything is built -----------------------------------------

_DOTX = {_MAIN: "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"}


def test_a_bad_template_stops_every_format(tmp_path, capsys):
    """The PDF and ODT need no template, but a build with a bad one is refused whole, as for a bad --font."""
    folder = tmp_path / "tpl"
    edited(folder, _DOTX, part="[Content_Types].xml")
    out = tmp_path / "out"
    code = main(["build", str(BASE), "-o", str(out), "--only", "plan", "--format", "docx,pdf,odt", "--templates", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"錯誤：{folder / 'plan.docx'}：這是 Word 範本（.dotx），只是副檔名改成 .docx；")
    assert len(err.splitlines()) == 1
    assert not out.exists()


def test_a_batch_hears_of_a_bad_template_once(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    for name in ("north", "south"):
        shutil.copytree(BASE, bureaus / name)
    folder = tmp_path / "tpl"
    edited(folder, {"{{ title }}": "{{ title "})
    out = tmp_path / "out"
    code = main(["build", str(bureaus), "-o", str(out), "--only", "plan", "--format", "docx,pdf", "-j", "2",
                 "--templates", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"錯誤：{folder / 'plan.docx'}：範本第 1 段「{{{{ title」的標籤不完整，{{{{ 與 }}}}、{{% 與 %}} 須成對出現在同一段落內。\n"
    assert not out.exists()


def test_every_bad_template_is_named_and_nothing_is_built(tmp_path, capsys):
    """A folder with a good plan.docx, a .dotx as report.docx and no subplan.docx: both problems
    at once, so the user fixes them in one go; the plan is built once they are fixed (or left out)."""
    folder = tmp_path / "tpl"
    edited(folder, {})
    edited(folder, _DOTX, part="[Content_Types].xml", name="report.docx")
    out = tmp_path / "out"
    args = ["build", str(SAMPLE), "-o", str(out), "--format", "docx,pdf", "--templates", str(folder)]
    code = main(args)
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert len(err) == 2
    assert err[0].startswith(f"錯誤：{folder}：範本資料夾中沒有 subplan.docx。")
    assert err[1].startswith(f"{folder / 'report.docx'}：這是 Word 範本（.dotx）")
    assert not out.exists()
    assert main([*args, "--only", "plan"]) == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".pdf"]


def test_a_checked_template_is_read_and_compiled_once(tmp_path, monkeypatch, capsys):
    """The check before building costs the build nothing: its first document of each kind is
    filled in from the template the check opened, and no tag text is compiled twice."""
    from jinja2 import Environment

    from sqdocs.writers.docx.template import WordTemplate

    opened: list[str] = []
    compiled: list[str] = []
    open_file, parse = WordTemplate.__init__, Environment._parse

    def counted_open(self, templates, name, *args):
        opened.append(name)
        open_file(self, templates, name, *args)

    def counted_parse(self, source, *args):
        compiled.append(source)
        return parse(self, source, *args)

    monkeypatch.setattr(WordTemplate, "__init__", counted_open)
    monkeypatch.setattr(Environment, "_parse", counted_parse)
    folder = tmp_path / "tpl"
    folder.mkdir()
    for name in ("plan.docx", "subplan.docx", "report.docx"):
        shutil.copy(DEFAULT_TEMPLATES / name, folder / name)
    out = tmp_path / "out"
    assert main(["build", str(SAMPLE), "-o", str(out), "--format", "docx", "-j", "1", "--templates", str(folder)]) == 0
    built = sorted(p.name for p in out.iterdir())
    subplans = sum("細部執行計畫" in name for name in built)
    assert len(built) == subplans + 2 and subplans > 1
    # Each opened once by the check, then again only for the second subplan on.
    assert sorted(opened) == sorted(["plan.docx", "report.docx", *["subplan.docx"] * subplans])
    assert len(compiled) == len(set(compiled))


def test_a_template_changed_after_the_check_is_read_again(tmp_path):
    from sqdocs.load import load_plan
    from sqdocs.options import BuildOptions
    from sqdocs.writers.docx import check_templates, render_plan

    folder = tmp_path / "tpl"
    edited(folder, {})
    check_templates(["plan"], folder)
    edited(folder, {"{{ title }}": "{{ title }}（草案）"})
    document = docx.Document(io.BytesIO(render_plan(load_plan(BASE), BuildOptions(templates=folder))))
    assert document.paragraphs[0].text.endswith("（草案）")


@pytest.mark.parametrize(("setting", "expected"), [
    ('<w:documentProtection w:edit="readOnly" w:enforcement="1"/>', "設有「限制編輯」（唯讀），產生的 Word 文件也會受此限制"),
    ('<w:writeProtection w:recommended="1"/>', "設有「建議以唯讀方式開啟」或修改密碼，產生的 Word 文件也會如此"),
])
def test_a_locked_template_is_noted_once_and_still_builds(tmp_path, capsys, setting, expected):
    """A master template locked against edits locked every plan made from it, without a word."""
    folder = tmp_path / "tpl"
    edited(folder, {"<w:zoom ": setting + "<w:zoom "}, part="word/settings.xml")
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 0, err
    assert err.count(expected) == 1, err
    assert f"注意：{folder / 'plan.docx'} 設有" in err
    (plan,) = (tmp_path / "out").glob("*.docx")
    with zipfile.ZipFile(plan) as made:  # kept, as the note says: the choice may be deliberate
        assert setting.split()[0] in made.read("word/settings.xml").decode("utf-8")


def test_a_template_without_its_generated_body_is_noted(tmp_path, capsys):
    """The paragraph of {{p annex.body }} deleted: a plan of headings and text without its annexes' tables, silently."""
    folder = tmp_path / "tpl"
    edited(folder, {"{{p annex.body }}": ""})
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 0, err
    assert err.count(f"注意：{folder / 'plan.docx'} 中沒有插入產生內容的標籤") == 1, err
    assert f"請從預設範本 {DEFAULT_TEMPLATES / 'plan.docx'} 複製含該標籤的段落" in err


def test_an_unenforced_protection_is_not_noted(tmp_path, capsys):
    folder = tmp_path / "tpl"
    edited(folder, {"<w:zoom ": '<w:documentProtection w:edit="readOnly" w:enforcement="0"/><w:zoom '},
           part="word/settings.xml")
    code, err = build(folder, tmp_path / "out", capsys)
    assert code == 0 and "注意" not in err, err


@pytest.mark.parametrize("toc", [
    '<w:p><w:fldSimple w:instr=" TOC \\o &quot;1-3&quot; "><w:r><w:t>{{ section.heading }}</w:t></w:r></w:fldSimple></w:p>',
    '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
    '<w:sdtContent><w:p><w:r><w:t>{{ section.heading }}</w:t></w:r></w:p></w:sdtContent></w:sdt>',
], ids=["simple-field", "content-control"])
def test_a_table_of_contents_written_otherwise_is_refused_too(tmp_path, capsys, toc):
    """A 目錄 as one w:fldSimple, or Word's 目錄 content control, as well as the field of several runs."""
    err = refused(tmp_path, capsys, {"<w:body>": "<w:body>" + toc})
    assert "範本第 1 段是目錄中的項目，其中的「{{ section.heading }}」是 Word 從範本的標題複製的" in err
