"""content.xml as it is built: the body text, the automatic styles it needs, the pictures.

A :class:`Document` is what the block and table builders write into. Automatic styles
(a table's column widths, a centred heading, a kept-together row) are created on first
use and named in that order, so the same document always gets the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt import xml
from sqdocs.writers.odt.xml import mm, sub

_PREFIX = {"paragraph": "P", "table": "Table", "table-column": "Col", "table-row": "Row",
           "table-cell": "Cell", "graphic": "fr"}
_PROPERTIES = {"paragraph": "paragraph-properties", "table": "table-properties",
               "table-column": "table-column-properties", "table-row": "table-row-properties",
               "table-cell": "table-cell-properties", "graphic": "graphic-properties"}


@dataclass(frozen=True)
class Picture:
    """An image stored in the package."""

    path: str  # Pictures/chart-1.png
    data: bytes
    media_type: str


class Document:
    """The body of one OpenDocument Text file and everything content.xml declares for it."""

    def __init__(self) -> None:
        self.root = xml.root("office:document-content")
        S.font_faces(self.root)
        self._automatic = sub(self.root, "office:automatic-styles")
        self.body = sub(sub(self.root, "office:body"), "office:text")
        self._styles: dict[tuple, str] = {}
        self._variants: dict[str, tuple[str, dict[str, str]]] = {}  # a variant's (named style, props)
        self._counts: dict[str, int] = {}
        self.pictures: list[Picture] = []

    # ---- content ----------------------------------------------------------------

    def add(self, *elements: etree._Element) -> None:
        self.body.extend(elements)

    def paragraph(self, style: str, text: str = "") -> etree._Element:
        if "\n" in text:
            style = self._unjustified(style)
        element = xml.paragraph(style, text)
        self.body.append(element)
        return element

    def _unjustified(self, style: str) -> str:
        """``style``, set flush left if it justifies its lines (a variant of a justified style too).

        LibreOffice spreads a justified line that ends in a line break edge to edge
        (「第　　二　　段」); its switch against it (DoNotJustifyLinesWithManualBreak) is read
        only from a complete settings.xml, and a partial one turns on legacy layout.
        """
        parent, props = self._variants.get(style, (style, {}))
        if parent not in S.JUSTIFIED or props.get("fo:text-align", "justify") != "justify":
            return style
        return self.variant(parent, {**props, "fo:text-align": "start"})

    def heading(self, style: str, level: int, text: str) -> etree._Element:
        """An outline heading (``text:h``) the navigator and PDF bookmarks list at ``level``."""
        element = xml.heading(style, level, text)
        self.body.append(element)
        return element

    def next_name(self, prefix: str) -> str:
        """``prefix`` numbered by use: 表1, 表2 …; 圖1 …"""
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return f"{prefix}{self._counts[prefix]}"

    # ---- automatic styles -------------------------------------------------------

    def auto_style(self, family: str, props: dict[str, str], parent: str | None = None) -> str:
        """The name of an automatic style of ``family`` with ``props``, created on first use."""
        key = (family, parent, tuple(props.items()))
        found = self._styles.get(key)
        if found:
            return found
        style_name = self.next_name(_PREFIX[family])
        attrs = {"style:name": style_name, "style:family": family}
        if parent:
            attrs["style:parent-style-name"] = parent
        style = sub(self._automatic, "style:style", attrs)
        sub(style, f"style:{_PROPERTIES[family]}", props)
        self._styles[key] = style_name
        return style_name

    def variant(self, style: str, props: dict[str, str]) -> str:
        """``style`` with a few paragraph properties changed (``{"fo:text-align": "center"}``)."""
        name = self.auto_style("paragraph", props, parent=style)
        self._variants[name] = (style, props)
        return name

    # ---- pictures ---------------------------------------------------------------

    def picture(self, data: bytes, media_type: str, stem: str) -> str:
        """Store ``data`` in the package as Pictures/<stem>-<n>.<ext>; its path."""
        ext = {"image/png": "png", "image/jpeg": "jpg"}[media_type]
        path = f"Pictures/{self.next_name(stem)}.{ext}"
        self.pictures.append(Picture(path, data, media_type))
        return path

    def frame(self, path: str, width_mm: float, height_mm: float, name: str,
              title: str = "", description: str = "") -> etree._Element:
        """A picture set in the text like a character (``draw:frame`` anchored as-char)."""
        style = self.auto_style("graphic", {
            "style:vertical-pos": "top", "style:vertical-rel": "baseline",
            "style:horizontal-pos": "center", "style:horizontal-rel": "paragraph",
            "fo:border": "none", "fo:padding": "0mm", "draw:stroke": "none", "draw:fill": "none",
        })
        frame = xml.el("draw:frame", {
            "draw:style-name": style, "draw:name": name, "text:anchor-type": "as-char",
            "svg:width": mm(width_mm), "svg:height": mm(height_mm), "draw:z-index": "0",
        })
        sub(frame, "draw:image", {
            "xlink:href": path, "xlink:type": "simple", "xlink:show": "embed", "xlink:actuate": "onLoad",
        })
        if title:
            sub(frame, "svg:title").text = title
        if description:
            sub(frame, "svg:desc").text = description
        return frame

    def content_xml(self) -> bytes:
        if len(self.body) and self.body[-1].tag == xml.qname("table:table"):
            self._close_after_table()
        return xml.to_bytes(self.root)

    def _close_after_table(self) -> None:
        """End the text with a paragraph too small to need a page: LibreOffice gives a text that
        ends in a table a paragraph of the default size after it, and after a table reaching the
        page's foot that paragraph took a blank page of its own."""
        name = self.next_name(_PREFIX["paragraph"])
        style = sub(self._automatic, "style:style", {"style:name": name, "style:family": "paragraph"})
        sub(style, "style:paragraph-properties", {
            "fo:margin-top": "0mm", "fo:margin-bottom": "0mm", "fo:line-height": "0.2mm",
        })
        sub(style, "style:text-properties", {
            "fo:font-size": "1pt", "style:font-size-asian": "1pt", "style:font-size-complex": "1pt",
        })
        self.body.append(xml.paragraph(name, ""))
