"""Regenerate the default Word templates templates/plan.docx, subplan.docx and report.docx.

    .venv/bin/python templates/make_templates.py

A template holds the fixed parts of a document: page set-up, styles, footer, the title
and the docxtpl (Jinja) tags that lay out the sections and annexes. The execution plan
and the detailed plans share one layout; the report adds heading levels and chart styles.
Users restyle a copy in Word or LibreOffice (docs/templates.md); this script is only
for changing the defaults. Its output is byte-identical on every run.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from sqdocs.writers import layout
from sqdocs.writers.docx import oxml, package
from sqdocs.writers.docx import styles as S

HERE = Path(__file__).resolve().parent
STAMP = date(1980, 1, 1)

EM = layout.BODY_PT * 20  # one Chinese character of body text, in twips
TABLE_EM = layout.TABLE_PT * 20
HEADING_1_PT = 16
LINE_SPACING = 1.25  # body text; tables are single-spaced


def paragraph_style(doc, name: str, base: str = "Normal"):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def ems(at: tuple[float, float]) -> tuple[int, int]:
    """(label, text) positions in characters of body text (:data:`layout.OUTLINE_EMS`) as twips."""
    return round(at[0] * EM), round(at[1] * EM)


def hang(style, label_at: int, text_at: int) -> None:
    """Label at ``label_at``, wrapped lines and the text after the tab at ``text_at`` (twips)."""
    fmt = style.paragraph_format
    fmt.left_indent = Twips(text_at)
    fmt.first_line_indent = Twips(label_at - text_at)
    fmt.tab_stops.add_tab_stop(Twips(text_at))


def define_styles(doc) -> None:
    oxml.drop_theme_fonts(doc.styles.element)
    oxml.set_document_defaults(doc.styles.element, S.LATIN_FONT, S.EAST_ASIAN_FONT, layout.BODY_PT)

    normal = doc.styles["Normal"]
    oxml.reset_formatting(normal)
    oxml.set_style_fonts(normal, S.LATIN_FONT, S.EAST_ASIAN_FONT)
    normal.font.size = Pt(layout.BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = LINE_SPACING

    title = doc.styles[S.TITLE]
    oxml.reset_formatting(title)
    title.font.size = Pt(layout.TITLE_PT)
    title.font.bold = True
    fmt = title.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.space_after = Pt(18)
    fmt.keep_with_next = True

    for name, size, level, before, after in ((S.HEADING_1, HEADING_1_PT, 0, 12, 6), (S.HEADING_2, layout.BODY_PT, 1, 6, 3)):
        heading = doc.styles[name]
        oxml.reset_formatting(heading)
        heading.font.size = Pt(size)
        heading.font.bold = True
        fmt = heading.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.keep_with_next = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        oxml.set_outline_level(heading, level)
    hang(doc.styles[S.HEADING_2], *ems(layout.REPORT_HEADING_EMS[0]))

    body = doc.styles[S.BODY]
    oxml.reset_formatting(body)
    body.paragraph_format.first_line_indent = Twips(round(layout.FIRST_LINE_EMS * EM))

    for name, at in zip(S.OUTLINE, layout.OUTLINE_EMS, strict=True):  # 一、 flush left, (一) under its text …
        hang(paragraph_style(doc, name), *ems(at))

    label = paragraph_style(doc, S.ANNEX_LABEL)
    fmt = label.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fmt.page_break_before = True
    fmt.keep_with_next = True
    fmt.space_after = Pt(6)

    table_text = paragraph_style(doc, S.TABLE_TEXT)
    table_text.font.size = Pt(layout.TABLE_PT)
    fmt = table_text.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table_header = paragraph_style(doc, S.TABLE_HEADER, S.TABLE_TEXT)
    table_header.font.bold = True
    table_header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table_list = paragraph_style(doc, S.TABLE_LIST, S.TABLE_TEXT)
    hang(table_list, *(round(em * TABLE_EM) for em in layout.TABLE_LIST_EMS))

    table = doc.styles.add_style(S.TABLE, WD_STYLE_TYPE.TABLE)
    table.base_style = doc.styles["Normal Table"]
    oxml.set_table_style_grid(
        table, line_eighths_pt=round(layout.TABLE_LINE_PT * 8), cell_margin_twips=oxml.mm_to_twips(layout.CELL_PADDING_MM),
        cell_margin_v_twips=oxml.mm_to_twips(layout.CELL_PADDING_V_MM),
    )

    footer = doc.styles["Footer"]
    oxml.reset_formatting(footer)
    footer.font.size = Pt(layout.TABLE_PT)
    footer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def define_report_styles(doc) -> None:
    """Heading levels (一) and 1. for the results, and the chart paragraph with its caption."""
    for name, level, (label_at, text_at) in ((S.HEADING_3, 2, ems(layout.REPORT_HEADING_EMS[1])),
                                             (S.HEADING_4, 3, ems(layout.REPORT_HEADING_EMS[2]))):
        heading = doc.styles[name]
        oxml.reset_formatting(heading)
        heading.font.size = Pt(layout.BODY_PT)
        heading.font.bold = True
        fmt = heading.paragraph_format
        fmt.space_before, fmt.space_after = Pt(6), Pt(3)
        fmt.keep_with_next = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        oxml.set_outline_level(heading, level)
        hang(heading, label_at, text_at)

    table_figure = paragraph_style(doc, S.TABLE_FIGURE, S.TABLE_TEXT)
    table_figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    figure = paragraph_style(doc, S.FIGURE)
    fmt = figure.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.keep_with_next = True
    fmt.space_before = Pt(12)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE

    caption = doc.styles[S.CAPTION]
    oxml.reset_formatting(caption)
    caption.font.size = Pt(layout.TABLE_PT)
    fmt = caption.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.space_before, fmt.space_after = Pt(3), Pt(12)


FOLLOWED_BY = {
    S.TITLE: S.BODY, S.HEADING_1: S.BODY, S.HEADING_2: S.BODY, S.HEADING_3: S.BODY, S.HEADING_4: S.BODY,
    S.ANNEX_LABEL: S.HEADING_1, S.FIGURE: S.CAPTION, S.CAPTION: S.BODY,
}
"""The style Word gives the paragraph a clerk starts with Enter at the end of one of these:
body text after a heading (python-docx's template says Normal, which has no first-line
indent), an annex's title after 「附件 1」 (not another right-aligned label on a new page)."""

HEADINGS = tuple(f"Heading {level}" for level in range(1, 10))


def finish_styles(doc) -> None:
    """What a clerk editing a generated document meets beyond the styles sqdocs applies: the
    style after Enter (:data:`FOLLOWED_BY`), 本文 in the style gallery, and no trace of
    python-docx's blue theme look in the styles Word applies on its own."""
    for name, following in FOLLOWED_BY.items():
        if name in doc.styles and following in doc.styles:
            doc.styles[name].next_paragraph_style = doc.styles[following]
    doc.styles[S.BODY].quick_style = True
    for name in HEADINGS:  # those no define_ function set (the plan's Heading 3 on): bold body text
        heading = doc.styles[name]
        if heading.element.find(f"{qn('w:rPr')}/{qn('w:color')}") is not None:
            for old in heading.element.findall(qn("w:rPr")):
                heading.element.remove(old)
            heading.font.bold = True
    # Applied to part of a paragraph, a heading style applies its linked character style
    # (「標題 1 字元」) instead; python-docx's template made those blue, 13–26 pt and italic.
    by_id = {style.get(qn("w:styleId")): style for style in doc.styles.element.style_lst}
    for style in doc.styles.element.style_lst:
        link = style.find(qn("w:link"))
        if style.type != WD_STYLE_TYPE.CHARACTER or link is None or (paragraph := by_id.get(link.get(qn("w:val")))) is None:
            continue
        for old in style.findall(qn("w:rPr")):
            style.remove(old)
        if (look := paragraph.find(qn("w:rPr"))) is not None:
            style.append(copy.deepcopy(look))


def set_up_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(layout.PAGE_WIDTH_MM), Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(layout.MARGIN_TOP_MM), Mm(layout.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(layout.MARGIN_LEFT_MM), Mm(layout.MARGIN_RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)

    page = section.footer.paragraphs[0]
    page.style = doc.styles["Footer"]
    page.add_run("第 ")
    oxml.add_field(page, "PAGE")
    page.add_run(" 頁，共 ")
    oxml.add_field(page, "NUMPAGES")
    page.add_run(" 頁")


def write_body(doc) -> None:
    """The plan's and a detailed plan's tags: sections, then annexes each on a new page.

    docxtpl fills them in; ``{%p … %}`` paragraphs disappear when rendered.
    """

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    doc.add_paragraph("{{ title }}", S.TITLE)
    tag("{%p for section in sections %}")
    doc.add_paragraph("{{ section.heading }}", S.HEADING_1)
    tag("{%p if section.intro %}")
    doc.add_paragraph("{{ section.intro }}", S.BODY)
    tag("{%p endif %}")
    tag("{%p for para in section.paras %}")
    tag("{%p if para.heading %}")
    doc.add_paragraph("{{ para.line }}", S.HEADING_2)
    for depth, style in enumerate(S.OUTLINE, 1):
        tag(f"{{%p elif para.depth == {depth} %}}" if depth < len(S.OUTLINE) else "{%p else %}")
        # 一、 is exactly two characters wide, the hanging indent: a tab there would jump to
        # the next tab stop. Narrower labels ((一) 1. (1)) reach the text through a tab.
        text = "{{ para.line }}" if depth == 1 else "{{ para.label }}\t{{ para.text }}"
        doc.add_paragraph(text, style)
    tag("{%p endif %}")
    tag("{%p endfor %}")
    tag("{%p endfor %}")

    tag("{%p for annex in annexes %}")
    tag("{%p if annex.title %}")
    doc.add_paragraph("{{ annex.label }}", S.ANNEX_LABEL)
    doc.add_paragraph("{{ annex.title }}", S.HEADING_1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    tag("{%p else %}")
    # Without a title the label itself is the annex's entry in the navigation pane.
    oxml.set_outline_level(doc.add_paragraph("{{ annex.label }}", S.ANNEX_LABEL), 0)
    tag("{%p endif %}")
    tag("{{p annex.body }}")
    tag("{%p endfor %}")


def write_report_body(doc) -> None:
    """The report's tags: each section is a heading, an optional sentence and a generated body."""
    doc.add_paragraph("{{ title }}", S.TITLE)
    doc.add_paragraph("{%p if note %}")
    note = doc.add_paragraph("{{ note }}", S.BODY)
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.paragraph_format.first_line_indent = 0  # centred under the title, not two characters right of it
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_paragraph("{%p if section.new_page %}")
    doc.add_paragraph("{{ section.heading }}", S.HEADING_1).paragraph_format.page_break_before = True
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ section.heading }}", S.HEADING_1)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if section.intro %}")
    # With what it introduces: a section's heading and lead sentence never end a page alone.
    doc.add_paragraph("{{ section.intro }}", S.BODY).paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{p section.body }}")
    doc.add_paragraph("{%p endfor %}")


KEPT_TABLE_STYLES = ("Normal Table", "Table Grid", S.TABLE)
"""The default table style, the one most used by hand, and the annexes'."""


def drop_builtin_table_styles(doc) -> None:
    """Drop the other 98 table styles python-docx's template defines (Light Grid, Medium
    Shading …, 300 KB of the 340 KB styles part). Every document made from the template
    carried them and was slower to open and save for it; Word offers its built-in table
    styles without them, and writes one into the document when it is applied."""
    styles = doc.styles.element
    for style in list(styles.style_lst):
        if style.type == WD_STYLE_TYPE.TABLE and style.name_val not in KEPT_TABLE_STYLES:
            styles.remove(style)


def tidy_package(doc, title: str) -> None:
    """Drop what python-docx's own template carries and a sqdocs template does not need."""
    package.drop_relationships(doc.part.package, RT.THUMBNAIL)
    package.drop_relationships(
        doc.part, RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
    )
    drop_builtin_table_styles(doc)
    oxml.strip_revision_ids(doc.element, doc.styles.element, doc.settings.element)
    oxml.set_theme_languages(doc.settings.element)
    props = doc.core_properties
    props.title = title
    props.subject = "提升服務品質"
    props.author = props.last_modified_by = "sqdocs"
    props.comments = "sqdocs 的 Word 範本；修改方式見 docs/templates.md"
    props.keywords = ""
    props.revision = 1
    props.created = props.modified = datetime(STAMP.year, STAMP.month, STAMP.day)


def make_template(write: Callable, title: str, *extra_styles: Callable) -> bytes:
    doc = Document()
    define_styles(doc)
    for define in extra_styles:
        define(doc)
    finish_styles(doc)
    set_up_page(doc)
    write(doc)
    tidy_package(doc, title)
    buffer = io.BytesIO()
    doc.save(buffer)
    return package.normalise(buffer.getvalue(), STAMP)


def make_plan_template() -> bytes:
    return make_template(write_body, "提升服務品質執行計畫（範本）")


def make_subplan_template() -> bytes:
    return make_template(write_body, "提升服務品質細部執行計畫（範本）")


def make_report_template() -> bytes:
    return make_template(write_report_body, "提升服務品質績效報告（範本）", define_report_styles)


TEMPLATES = {
    "plan.docx": make_plan_template,
    "subplan.docx": make_subplan_template,
    "report.docx": make_report_template,
}


def main() -> None:
    for name, make in TEMPLATES.items():
        target = HERE / name
        target.write_bytes(make())
        print(f"wrote {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
