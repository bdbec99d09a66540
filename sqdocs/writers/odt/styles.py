"""styles.xml: fonts, the named paragraph styles, the A4 page and its footer 「第 X 頁，共 Y 頁」.

The styles mirror those of the Word templates (templates/make_templates.py): same names,
sizes, indents and spacing, so the three formats look alike. Sizes and page geometry come
from :mod:`sqdocs.writers.layout`. The writer only names a style; how it looks is here.
"""

from __future__ import annotations

import functools

from lxml import etree

from sqdocs.writers import layout
from sqdocs.writers.odt import xml
from sqdocs.writers.odt.xml import mm, pt, sub

LATIN_FONT = layout.LATIN_FONT
EAST_ASIAN_FONT = layout.EAST_ASIAN_FONT

EM = layout.BODY_PT  # one Chinese character of body text, in points
TABLE_EM = layout.TABLE_PT
HEADING_1_PT = 16
LINE_SPACING = "125%"  # body text; tables are single-spaced
FOOTER_DISTANCE_MM = 10.0  # from the page's bottom edge to the footer, as in Word and the PDF


def name(display: str) -> str:
    """The ODF name of a style: LibreOffice writes spaces in names as ``_20_``."""
    return display.replace(" ", "_20_")


# Names (as Word's, so a user finds the same style in either file).
STANDARD = "Standard"
TITLE = "Title"
HEADINGS = tuple(name(f"Heading {n}") for n in (1, 2, 3, 4))  # 壹、 / 一、 and captions / (一) / 1.
BODY = name("Body Text")
OUTLINE = tuple(name(f"Outline {n}") for n in (1, 2, 3, 4))  # 一、 (一) 1. (1), label hanging
ANNEX_LABEL = name("Annex Label")  # 「附件 1」 at the top right of a new page
TABLE_HEADER = name("Table Header")
TABLE_TEXT = name("Table Text")
TABLE_LIST = name("Table List")  # numbered practices and ☐ entries, label hanging
TABLE_FIGURE = name("Table Figure")  # centred: the report's numbers, 附件 1's 完成期限 and 承辦單位
FIGURE = "Figure"  # the paragraph holding a chart
CAPTION = "Caption"  # 圖 1 … under a chart
JUSTIFIED = (STANDARD, BODY, *OUTLINE)  # the styles that justify their lines (the others set their own)
FOOTER = "Footer"

PAGE_LAYOUT = "A4"
MASTER_PAGE = "Standard"

# Table look, as the Word template's table style: single lines (their width, padding: layout).
BORDER = f"{layout.TABLE_LINE_PT}pt solid #000000"


def _bold() -> dict[str, str]:
    return {"fo:font-weight": "bold", "style:font-weight-asian": "bold", "style:font-weight-complex": "bold"}


def size(points: float) -> dict[str, str]:
    """A font size for Latin, Chinese and complex script text alike."""
    return {"fo:font-size": pt(points), "style:font-size-asian": pt(points), "style:font-size-complex": pt(points)}


def hanging(label_at: float, text_at: float) -> dict[str, str]:
    """Label at ``label_at``, wrapped lines (and the text after a tab) at ``text_at`` (points)."""
    return {"fo:margin-left": pt(text_at), "fo:text-indent": pt(label_at - text_at)}


def _style(parent: etree._Element, style_name: str, *, display: str | None = None, base: str | None = STANDARD,
           next_style: str | None = None, outline: int | None = None, para: dict | None = None,
           text: dict | None = None, tab_at: float | None = None) -> etree._Element:
    attrs = {"style:name": style_name, "style:family": "paragraph"}
    if display and display != style_name:
        attrs["style:display-name"] = display
    if base:
        attrs["style:parent-style-name"] = base
    if next_style:
        attrs["style:next-style-name"] = next_style
    if outline:
        attrs["style:default-outline-level"] = str(outline)
    style = sub(parent, "style:style", attrs)
    if para or tab_at is not None:
        props = sub(style, "style:paragraph-properties", para)
        if tab_at is not None:
            # A tab stop at the indent: the tab after a hanging label reaches the text there.
            # (ODF tab positions count from the paragraph's left margin.)
            stops = sub(props, "style:tab-stops")
            sub(stops, "style:tab-stop", {"style:position": pt(tab_at)})
    if text:
        sub(style, "style:text-properties", text)
    return style


def _named(parent: etree._Element, display: str, **kw) -> etree._Element:
    return _style(parent, name(display), display=display, **kw)


def _hang(label_at: float, text_at: float, **extra: str) -> dict:
    return {"para": {**hanging(label_at, text_at), **extra}, "tab_at": 0.0}


def font_faces(parent: etree._Element) -> None:
    """Declare the Latin and East Asian faces the styles name."""
    decls = sub(parent, "office:font-face-decls")
    sub(decls, "style:font-face", {
        "style:name": LATIN_FONT, "svg:font-family": f"'{LATIN_FONT}'",
        "style:font-family-generic": "roman", "style:font-pitch": "variable",
    })
    sub(decls, "style:font-face", {
        "style:name": EAST_ASIAN_FONT, "svg:font-family": EAST_ASIAN_FONT,
        "style:font-family-generic": "script", "style:font-pitch": "variable",
    })


def _defaults(styles: etree._Element) -> None:
    default = sub(styles, "style:default-style", {"style:family": "paragraph"})
    sub(default, "style:paragraph-properties", {
        "style:writing-mode": "lr-tb",
        "style:line-break": "strict",  # no 「，」「。」 at the start of a line
        "style:punctuation-wrap": "simple",  # punctuation stays inside the margin (and the cell)
        "style:text-autospace": "ideograph-alpha",
        "style:tab-stop-distance": pt(2 * EM),
    })
    sub(default, "style:text-properties", {
        "style:font-name": LATIN_FONT, "style:font-name-asian": EAST_ASIAN_FONT,
        "style:font-name-complex": LATIN_FONT, **size(layout.BODY_PT),
        "fo:language": "en", "fo:country": "US",
        "style:language-asian": "zh", "style:country-asian": "TW",
        "fo:hyphenate": "false",
    })
    graphic = sub(styles, "style:default-style", {"style:family": "graphic"})
    sub(graphic, "style:graphic-properties", {"style:wrap": "none", "draw:stroke": "none", "draw:fill": "none"})
    table = sub(styles, "style:default-style", {"style:family": "table"})
    sub(table, "style:table-properties", {"table:border-model": "collapsing"})


def _paragraph_styles(styles: etree._Element) -> None:
    _style(styles, STANDARD, base=None, para={
        "fo:text-align": "justify", "fo:margin-top": "0pt", "fo:margin-bottom": "0pt",
        "fo:line-height": LINE_SPACING, "fo:orphans": "2", "fo:widows": "2",
    })
    _style(styles, TITLE, next_style=BODY, para={
        "fo:text-align": "center", "fo:margin-bottom": pt(18), "fo:keep-with-next": "always",
    }, text={**size(layout.TITLE_PT), **_bold()})

    heading = {"fo:keep-with-next": "always", "fo:text-align": "start"}
    _named(styles, "Heading 1", outline=1, next_style=BODY,
           para={**heading, "fo:margin-top": pt(12), "fo:margin-bottom": pt(6)},
           text={**size(HEADING_1_PT), **_bold()})
    for level, (label_em, text_em) in enumerate(layout.REPORT_HEADING_EMS, 2):
        label_at, text_at = label_em * EM, text_em * EM
        hang = _hang(label_at, text_at, **heading, **{"fo:margin-top": pt(6), "fo:margin-bottom": pt(3)})
        _named(styles, f"Heading {level}", outline=level, next_style=BODY, **hang,
               text={**size(layout.BODY_PT), **_bold()})

    _named(styles, "Body Text", para={"fo:text-indent": pt(layout.FIRST_LINE_EMS * EM)})
    for n, (label_em, text_em) in enumerate(layout.OUTLINE_EMS, 1):
        _named(styles, f"Outline {n}", **_hang(label_em * EM, text_em * EM))

    _named(styles, "Annex Label", para={
        "fo:text-align": "end", "fo:break-before": "page", "fo:keep-with-next": "always", "fo:margin-bottom": pt(6),
    })

    single = {"fo:line-height": "100%", "fo:text-align": "start"}
    _named(styles, "Table Text", para=single, text=size(layout.TABLE_PT))
    _named(styles, "Table Header", base=TABLE_TEXT, para={"fo:text-align": "center"}, text=_bold())
    _named(styles, "Table List", base=TABLE_TEXT, **_hang(*(em * TABLE_EM for em in layout.TABLE_LIST_EMS)))
    _named(styles, "Table Figure", base=TABLE_TEXT, para={"fo:text-align": "center"})
    _named(styles, FIGURE, next_style=CAPTION, para={
        "fo:text-align": "center", "fo:keep-with-next": "always", "fo:margin-top": pt(12), "fo:line-height": "100%",
    })
    _named(styles, CAPTION, para={"fo:text-align": "center", "fo:margin-top": pt(3), "fo:margin-bottom": pt(12)},
           text=size(layout.TABLE_PT))
    _named(styles, FOOTER, para={"fo:text-align": "center", "fo:line-height": "100%"}, text=size(layout.TABLE_PT))


def _outline_style(styles: etree._Element) -> None:
    """Headings carry their numbers as text (壹、一、…); the outline adds none of its own."""
    outline = sub(styles, "text:outline-style", {"style:name": "Outline"})
    for level in range(1, 11):
        sub(outline, "text:outline-level-style", {"text:level": str(level), "style:num-format": ""})


def _page(automatic: etree._Element, masters: etree._Element) -> None:
    """A4 portrait. The body's margins are layout's; the footer sits in the bottom margin,
    ``FOOTER_DISTANCE_MM`` above the edge, as Word places it (ODF puts a footer inside the
    page margins, so the page's own bottom margin is the footer distance)."""
    footer_zone = layout.MARGIN_BOTTOM_MM - FOOTER_DISTANCE_MM
    page = sub(automatic, "style:page-layout", {"style:name": PAGE_LAYOUT})
    sub(page, "style:page-layout-properties", {
        "fo:page-width": mm(layout.PAGE_WIDTH_MM), "fo:page-height": mm(layout.PAGE_HEIGHT_MM),
        "style:print-orientation": "portrait",
        "fo:margin-top": mm(layout.MARGIN_TOP_MM), "fo:margin-bottom": mm(FOOTER_DISTANCE_MM),
        "fo:margin-left": mm(layout.MARGIN_LEFT_MM), "fo:margin-right": mm(layout.MARGIN_RIGHT_MM),
        "style:writing-mode": "lr-tb",
    })
    sub(page, "style:header-style")
    footer = sub(page, "style:footer-style")
    sub(footer, "style:header-footer-properties", {
        "fo:min-height": mm(footer_zone / 2), "fo:margin-top": mm(footer_zone / 2),
    })

    master = sub(masters, "style:master-page", {"style:name": MASTER_PAGE, "style:page-layout-name": PAGE_LAYOUT})
    line = sub(sub(master, "style:footer"), "text:p", {"text:style-name": FOOTER})
    xml.add_text(line, "第 ")
    xml.page_number_field(line)
    xml.add_text(line, " 頁，共 ")
    xml.page_count_field(line)
    xml.add_text(line, " 頁")


@functools.cache
def styles_xml() -> bytes:
    """The package's styles.xml; the same for every document, so built once per process."""
    root = xml.root("office:document-styles")
    font_faces(root)
    styles = sub(root, "office:styles")
    _defaults(styles)
    _paragraph_styles(styles)
    _outline_style(styles)
    automatic = sub(root, "office:automatic-styles")
    masters = sub(root, "office:master-styles")
    _page(automatic, masters)
    return xml.to_bytes(root)
