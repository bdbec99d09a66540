"""The raw WordprocessingML the docx writer needs and python-docx has no API for.

Every XML detail of what the writer generates lives here, under a name that says what it
does in Word, so ``tables.py`` and ``report.py`` read as document structure (checking a
template's own XML, its tags and sections, is ``tags.py``'s). Helpers take python-docx
objects (styles, paragraphs, tables, rows, cells) and change their underlying elements.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn as _clark
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from lxml import etree

TWIPS_PER_MM = 1440 / 25.4


def mm_to_twips(mm: float) -> int:
    """Millimetres as Word's twentieths of a point."""
    return round(mm * TWIPS_PER_MM)


# ---- element order -----------------------------------------------------------

# Word refuses a file whose child elements are out of schema order (ECMA-376 part 1),
# so each parent the writer touches lists its children in that order.
_ORDER = {
    "w:rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
        "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
        "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
    ),
    "w:pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
        "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
        "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    "w:tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription tblPrChange"
    ),
    "w:trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader",
    "w:tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
        "tcFitText vAlign hideMark"
    ),
    "w:settings": (
        "compat docVars rsids attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
        "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary "
        "shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator"
    ),
    "w:compat": (
        "useSingleBorderforContiguousCells wpJustification noTabHangInd noLeading spaceForUL "
        "noColumnBalance balanceSingleByteDoubleByteWidth noExtraLineSpacing doNotLeaveBackslashAlone "
        "ulTrailSpace doNotExpandShiftReturn spacingInWholePoints lineWrapLikeWord6 "
        "printBodyTextBeforeHeader printColBlack wpSpaceWidth showBreaksInFrames subFontBySize "
        "suppressBottomSpacing suppressTopSpacing suppressSpacingAtTopOfPage suppressTopSpacingWP "
        "suppressSpBfAfterPgBrk swapBordersFacingPages convMailMergeEsc truncateFontHeightsLikeWP6 "
        "mwSmallCaps usePrinterMetrics doNotSuppressParagraphBorders wrapTrailSpaces footnoteLayoutLikeWW8 "
        "shapeLayoutLikeWW8 alignTablesRowByRow forgetLastTabAlignment adjustLineHeightInTable "
        "autoSpaceLikeWord95 noSpaceRaiseLower doNotUseHTMLParagraphAutoSpacing layoutRawTableWidth "
        "layoutTableRowsApart useWord97LineBreakRules doNotBreakWrappedTables doNotSnapToGridInCell "
        "selectFldWithFirstOrLastChar applyBreakingRules doNotWrapTextWithPunct doNotUseEastAsianBreakRules "
        "useWord2002TableStyleRules growAutofit useFELayout useNormalStyleForList "
        "doNotUseIndentAsNumberingTabStop useAltKinsokuLineBreakRules allowSpaceOfSameStyleInTable "
        "doNotSuppressIndentation doNotAutofitConstrainedTables autofitToFirstFixedWidthCell "
        "underlineTabInNumList displayHangulFixedWidth splitPgBreakAndParaMark doNotVertAlignCellWithSp "
        "doNotBreakConstrainedForcedTable doNotVertAlignInTxbx useAnsiKerningPairs cachedColBalance compatSetting"
    ),
    "w:style": (
        "name aliases basedOn next link autoRedefine uiPriority semiHidden unhideWhenUsed "
        "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
        "tblStylePr"
    ),
}


@functools.cache
def qn(tag: str) -> str:
    """python-docx's ``qn`` (``"w:p"`` → its Clark name), each tag worked out once: a report's
    tables call it some twenty thousand times."""
    return _clark(tag)


def _put(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """Set ``parent``'s ``tag`` child to a new element carrying ``attrs`` (``w:`` names).

    An existing child is replaced where it stands; a new one goes before the first
    sibling the schema puts after it.
    """
    child = OxmlElement(tag)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    old = parent.find(qn(tag))
    if old is not None:
        parent.replace(old, child)
        return child
    order = [f"w:{name}" for name in _ORDER.get(_prefixed(parent), "").split()]
    if tag in order:
        later = {qn(t) for t in order[order.index(tag) + 1 :]}
        for n, sibling in enumerate(parent):
            if sibling.tag in later:
                parent.insert(n, child)
                return child
    parent.append(child)
    return child


def _prefixed(element: etree._Element) -> str:
    return "w:" + etree.QName(element).localname


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """``parent``'s ``tag`` child, created in schema order if missing."""
    found = parent.find(qn(tag))
    return found if found is not None else _put(parent, tag)


def _ppr(style: BaseStyle) -> etree._Element:
    return _child(style.element, "w:pPr")


def _rpr(style: BaseStyle) -> etree._Element:
    return _child(style.element, "w:rPr")


# ---- fonts and languages ----------------------------------------------------------


def set_fonts(rpr: etree._Element, latin: str, east_asian: str) -> None:
    """Name the font for Latin letters and digits and, separately, for CJK characters.

    python-docx's ``Font.name`` writes only the Latin slots, so Chinese text would fall
    back to the theme font. Theme attributes are dropped because Word lets them win over
    explicit names.
    """
    _put(rpr, "w:rFonts", ascii=latin, hAnsi=latin, cs=latin, eastAsia=east_asian)


def set_languages(rpr: etree._Element, latin: str = "en-US", east_asian: str = "zh-TW") -> None:
    """Mark text as Traditional Chinese so Word picks the East Asian font for shared marks."""
    _put(rpr, "w:lang", val=latin, eastAsia=east_asian, bidi="ar-SA")


def set_style_fonts(style: BaseStyle, latin: str, east_asian: str) -> None:
    """Set a style's Latin and East Asian fonts, and its languages (zh-TW text, en-US Latin)."""
    set_fonts(_rpr(style), latin, east_asian)
    set_languages(_rpr(style))


def reset_formatting(style: BaseStyle) -> None:
    """Forget a built-in style's paragraph and character formatting (theme fonts, colours,
    borders) so it starts again from Normal."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style.element.findall(qn(tag)):
            style.element.remove(old)


def drop_theme_fonts(styles_element: etree._Element) -> None:
    """Make every style (Heading 3, Quote …) inherit the document's fonts, not the theme's.

    A theme font attribute wins over an explicit font name, and the theme's East Asian
    faces are not 標楷體.
    """
    theme = {qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")}
    for fonts in styles_element.iter(qn("w:rFonts")):
        for name in theme & set(fonts.attrib):
            del fonts.attrib[name]
        if not len(fonts.attrib):
            fonts.getparent().remove(fonts)


def set_document_defaults(styles_element: etree._Element, latin: str, east_asian: str, size_pt: float) -> None:
    """The fonts, size and languages every style starts from (``w:docDefaults``)."""
    rpr = styles_element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr, latin, east_asian)
    _put(rpr, "w:sz", val=str(round(size_pt * 2)))
    _put(rpr, "w:szCs", val=str(round(size_pt * 2)))
    set_languages(rpr)
    ppr = styles_element.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
    _put(ppr, "w:spacing", after="0", line="240", lineRule="auto")
    # Word's own default, written out because LibreOffice reads its absence (and "0") as
    # hanging punctuation, and then drops a 「，」 that falls at the end of a justified line.
    _put(ppr, "w:overflowPunct", val="1")


# ---- paragraphs -------------------------------------------------------------------


def set_outline_level(target: BaseStyle | Paragraph, level: int) -> None:
    """Show the paragraph in Word's navigation pane at ``level`` (0 = top)."""
    ppr = _ppr(target) if isinstance(target, BaseStyle) else target._p.get_or_add_pPr()
    _put(ppr, "w:outlineLvl", val=str(level))


def add_field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a field such as PAGE or NUMPAGES that Word and LibreOffice fill in."""

    def run(*children: etree._Element) -> None:
        r = OxmlElement("w:r")
        for child in children:
            r.append(child)
        paragraph._p.append(r)

    def char(kind: str) -> etree._Element:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    text = OxmlElement("w:t")
    text.text = placeholder
    run(char("begin"))
    run(instr)
    run(char("separate"))
    run(text)
    run(char("end"))


# ---- table style ------------------------------------------------------------------


def set_table_style_grid(
    style: BaseStyle, line_eighths_pt: int, cell_margin_twips: int, cell_margin_v_twips: int = 0
) -> None:
    """Single lines on every cell edge and cell padding (left/right, top/bottom), for a table style."""
    tblpr = _child(style.element, "w:tblPr")
    borders = _put(tblpr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _put(borders, f"w:{edge}", val="single", sz=str(line_eighths_pt), space="0", color="auto")
    margins = _put(tblpr, "w:tblCellMar")
    sides = (cell_margin_v_twips, cell_margin_twips, cell_margin_v_twips, cell_margin_twips)
    for edge, width in zip(("top", "left", "bottom", "right"), sides, strict=True):
        _put(margins, f"w:{edge}", w=str(width), type="dxa")


# ---- tables -----------------------------------------------------------------------


# A generated table is written as elements directly: python-docx's row and cell API
# (add_row, row.cells, paragraph.style) took most of the time of a report's .docx.
_TBL_LOOK = (
    ("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"),
    ("noHBand", "0"), ("noVBand", "1"), ("val", "04A0"),
)
_SPLIT = re.compile(r"([\t\r\n])")


_WORD_CELL_MARGIN_TWIPS = 108  # Word's own left and right cell margin (Normal Table)


def table_indent_twips(style: BaseStyle, settings_element: etree._Element) -> int:
    """How far right of the margin a table of ``style`` must start for its left line to be on
    the margin: Word before 2013 (a document's ``compatibilityMode`` below 15, or none) and
    LibreOffice reading it place a table so its cells' *text* starts where the table is
    indented to, its line a cell margin further left. 0 in Word 2013's mode."""
    mode = settings_element.find(f"{qn('w:compat')}/{qn('w:compatSetting')}[@{qn('w:name')}='compatibilityMode']")
    if mode is not None and _integer(mode.get(qn("w:val")), 0) >= 15:
        return 0
    left = style.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn('w:left')}")
    if left is None or left.get(qn("w:type"), "dxa") != "dxa":
        return _WORD_CELL_MARGIN_TWIPS
    return max(0, _integer(left.get(qn("w:w")), _WORD_CELL_MARGIN_TWIPS))


def _integer(value: str | None, default: int) -> int:
    # A template edited by hand may hold anything: Word reads what it cannot as its default.
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def new_table(style_id: str, widths_twips: Sequence[int], indent_twips: int = 0) -> etree._Element:
    """An empty ``w:tbl`` of table style ``style_id`` with fixed columns of ``widths_twips``,
    indented ``indent_twips`` (:func:`table_indent_twips`).

    The grid (``w:gridCol``) is what LibreOffice lays out from; ``w:tblLayout type=fixed``
    stops Word resizing columns to their content.
    """
    tbl = OxmlElement("w:tbl")
    pr = etree.SubElement(tbl, qn("w:tblPr"))
    etree.SubElement(pr, qn("w:tblStyle")).set(qn("w:val"), style_id)
    width = etree.SubElement(pr, qn("w:tblW"))
    width.set(qn("w:w"), str(sum(widths_twips)))
    width.set(qn("w:type"), "dxa")
    if indent_twips:
        indent = etree.SubElement(pr, qn("w:tblInd"))
        indent.set(qn("w:w"), str(indent_twips))
        indent.set(qn("w:type"), "dxa")
    etree.SubElement(pr, qn("w:tblLayout")).set(qn("w:type"), "fixed")
    look = etree.SubElement(pr, qn("w:tblLook"))
    for name, value in _TBL_LOOK:
        look.set(qn(f"w:{name}"), value)
    grid = etree.SubElement(tbl, qn("w:tblGrid"))
    for column in widths_twips:
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(column))
    return tbl


def add_row(
    tbl: etree._Element, widths_twips: Sequence[int], *, header: bool = False, keep_together: bool = False
) -> list[etree._Element]:
    """Append a row of empty cells (``w:tc``) to ``tbl``. A header row repeats at the top of
    every page the table runs onto (``w:tblHeader``); a kept row never breaks across pages
    (``w:cantSplit``)."""
    tr = etree.SubElement(tbl, qn("w:tr"))
    if header or keep_together:
        pr = etree.SubElement(tr, qn("w:trPr"))
        if keep_together:
            etree.SubElement(pr, qn("w:cantSplit"))
        if header:
            etree.SubElement(pr, qn("w:tblHeader"))
    cells = []
    for column in widths_twips:
        tc = etree.SubElement(tr, qn("w:tc"))
        width = etree.SubElement(etree.SubElement(tc, qn("w:tcPr")), qn("w:tcW"))
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(column))
        cells.append(tc)
    return cells


def kept_table(tc: etree._Element, width_twips: int) -> etree._Element:
    """A borderless table of one column ``width_twips`` wide, without cell margins, appended to
    the cell ``tc``; each of its rows (:func:`add_row` ``keep_together``) stays on one page.

    LibreOffice ignores keep-with-next and keep-lines-together on a paragraph in a table cell,
    and splits a cell between any two lines; a row that may not split it keeps, in a cell as in
    the body, and so does Word. Close ``tc`` with :func:`close_cell`.
    """
    tbl = etree.SubElement(tc, qn("w:tbl"))
    pr = etree.SubElement(tbl, qn("w:tblPr"))
    _put(pr, "w:tblW", w=str(width_twips), type="dxa")
    borders = _put(pr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _put(borders, f"w:{edge}", val="nil")
    _put(pr, "w:tblLayout", type="fixed")
    margins = _put(pr, "w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        _put(margins, f"w:{edge}", w="0", type="dxa")
    etree.SubElement(etree.SubElement(tbl, qn("w:tblGrid")), qn("w:gridCol")).set(qn("w:w"), str(width_twips))
    return tbl


def close_cell(tc: etree._Element) -> None:
    """End a cell whose last block is a table (:func:`kept_table`) with a paragraph too small
    to show: Word refuses a cell that does not end with a paragraph."""
    if len(tc) and tc[-1].tag == qn("w:tbl"):
        tc.append(_tiny_paragraph())


def shade(tc: etree._Element, fill: str) -> None:
    """Fill the cell's background with ``fill`` (``E6E6E6``)."""
    _put(tc.find(qn("w:tcPr")), "w:shd", val="clear", color="auto", fill=fill)


def center_vertically(tc: etree._Element) -> None:
    """Centre the cell's content between its top and bottom (``w:vAlign``)."""
    _put(tc.find(qn("w:tcPr")), "w:vAlign", val="center")


def add_paragraph(parent: etree._Element, style_id: str | None, text: str, *, center: bool = False) -> etree._Element:
    """Append a paragraph of ``text`` in style ``style_id`` (None: the default style) to a cell,
    centred when ``center``.

    As python-docx writes a run: a tab becomes ``w:tab``, a line break ``w:br``, and text
    with spaces at either end keeps them (``xml:space="preserve"``).
    """
    p = etree.SubElement(parent, qn("w:p"))
    pr = etree.SubElement(p, qn("w:pPr"))
    if style_id is not None:
        etree.SubElement(pr, qn("w:pStyle")).set(qn("w:val"), style_id)
    if center:
        etree.SubElement(pr, qn("w:jc")).set(qn("w:val"), "center")
    if not text:
        return p
    r = etree.SubElement(p, qn("w:r"))
    for part in _SPLIT.split(text):
        if part == "\t":
            etree.SubElement(r, qn("w:tab"))
        elif part in ("\r", "\n"):
            etree.SubElement(r, qn("w:br"))
        elif part:
            t = etree.SubElement(r, qn("w:t"))
            t.text = part
            if len(part.strip()) < len(part):
                t.set(qn("xml:space"), "preserve")
    return p


def merge_into(top: etree._Element, tc: etree._Element) -> None:
    """Continue the vertical merge of the cell ``top`` (a ``w:tc``, which keeps the content)
    down into the cell ``tc`` of a row below (``w:vMerge``)."""
    _put(top.get_or_add_tcPr(), "w:vMerge", val="restart")
    _put(tc.get_or_add_tcPr(), "w:vMerge")


# ---- pictures ---------------------------------------------------------------------


def describe_picture(inline, name: str, description: str) -> None:
    """Name an inline picture and give it alternative text (``wp:docPr``), for screen readers
    and instead of python-docx's generic file name; no spacing around it."""
    # python-docx leaves out the distances, which Word reads as 0 but LibreOffice as its own
    # default: a photo that fills its cell was pushed right by 3 mm and cut off at the border.
    for side in ("distT", "distB", "distL", "distR"):
        inline._inline.set(side, "0")
    doc_pr = inline._inline.docPr
    doc_pr.set("name", name)
    doc_pr.set("descr", description)


# ---- fragments --------------------------------------------------------------------


def protect_braces(xml: str) -> str:
    """Braces as character references, so docxtpl's clean-up after rendering cannot touch data.

    docxtpl turns ``{_{`` into ``{{`` (and ``}_}``, ``{_%``, ``%_}`` likewise) in the rendered
    XML, which would change text such as 「{_{」 in the data; ``&#123;`` reads back as ``{``.
    """
    return xml.replace("{", "&#123;").replace("}", "&#125;")


def inner_xml(element: etree._Element) -> str:
    """The children of ``element`` as XML text, to splice into the template's body."""
    if len(element) == 0:
        return ""
    # Serialising the parent declares the namespaces once, not on every child.
    xml = etree.tostring(element, encoding="unicode")
    return xml[xml.index(">") + 1 : xml.rindex("</")]


# ---- package tidying --------------------------------------------------------------

_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_SESSION_ATTRS = {qn(f"w:{a}") for a in ("rsidR", "rsidRPr", "rsidRDefault", "rsidP", "rsidDel", "rsidSect", "rsidTr")}
_SESSION_ATTRS |= {f"{{{_W14}}}paraId", f"{{{_W14}}}textId"}


def strip_revision_ids(*roots: etree._Element) -> None:
    """Remove Word's editing-session ids (rsids) and paragraph ids (w14:paraId).

    They are optional noise, and a template paragraph repeated by a loop would repeat its
    paragraph id, which must be unique.
    """
    for root in roots:
        for element in root.iter():
            for name in _SESSION_ATTRS & set(element.attrib):
                del element.attrib[name]
        for tag in ("w:rsid", "w:rsids"):
            for element in root.findall(f".//{qn(tag)}"):
                element.getparent().remove(element)


def strip_bookmarks(root: etree._Element) -> None:
    """Remove the template's bookmarks (Word's _GoBack, a table of contents' _Toc…).

    A bookmark in a looped paragraph would be repeated, and its name must be unique.
    """
    for element in list(root.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))):
        element.getparent().remove(element)


def keep_lines_before_breaks_unstretched(settings_element: etree._Element) -> None:
    """Don't stretch the line before a line break of a justified paragraph across the page.

    A text written on several lines (``text: |``) keeps its breaks; Word and LibreOffice
    would otherwise justify each of those short lines edge to edge (「第　　二　　段」).
    """
    compat = settings_element.find(qn("w:compat"))
    if compat is None:
        compat = _put(settings_element, "w:compat")
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        _put(compat, "w:doNotExpandShiftReturn")


def close_after_final_table(body: etree._Element) -> None:
    """End a body whose last block is a table with an empty paragraph too small to need a page.

    Word gives a document ending in a table a paragraph mark of the default size after it; after
    a table reaching the page's foot, that mark took a blank last page of its own.
    """
    blocks = [child for child in body if child.tag != qn("w:sectPr")]
    if not blocks or blocks[-1].tag != qn("w:tbl"):
        return
    blocks[-1].addnext(_tiny_paragraph())


def _tiny_paragraph() -> etree._Element:
    """An empty paragraph 1 pt tall, to close what must end with a paragraph."""
    p = OxmlElement("w:p")
    ppr = _put(p, "w:pPr")
    _put(ppr, "w:spacing", before="0", after="0", line="20", lineRule="exact")  # 1 pt
    rpr = _put(ppr, "w:rPr")
    _put(rpr, "w:sz", val="2")
    _put(rpr, "w:szCs", val="2")
    return p


def set_theme_languages(settings_element: etree._Element) -> None:
    """Tell Word the document's East Asian language is Traditional Chinese."""
    _put(settings_element, "w:themeFontLang", val="en-US", eastAsia="zh-TW")
