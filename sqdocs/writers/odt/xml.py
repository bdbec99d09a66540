"""The raw OpenDocument XML the ODT writer needs: namespaces, elements, text and bytes.

Every XML detail lives here under a name that says what it does, so the other modules
read as document structure. Elements are named with their ODF prefixes (``text:p``,
``table:table-cell``); attributes likewise (``{"text:style-name": "Body"}``).
"""

from __future__ import annotations

import re

from lxml import etree

ODF_VERSION = "1.3"
MIMETYPE = "application/vnd.oasis.opendocument.text"

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}

Attrs = dict[str, str] | None


def qname(name: str) -> str:
    """``text:p`` → ``{urn:…:text:1.0}p`` (lxml's Clark notation)."""
    prefix, local = name.split(":", 1)
    return f"{{{NS[prefix]}}}{local}"


def _set(element: etree._Element, attrs: Attrs) -> etree._Element:
    for name, value in (attrs or {}).items():
        element.set(qname(name), value)
    return element


def el(name: str, attrs: Attrs = None, *children: etree._Element) -> etree._Element:
    """A new element, not yet in a tree."""
    element = _set(etree.Element(qname(name), nsmap=NS), attrs)
    element.extend(children)
    return element


def sub(parent: etree._Element, name: str, attrs: Attrs = None) -> etree._Element:
    """A new last child of ``parent``."""
    return _set(etree.SubElement(parent, qname(name)), attrs)


def root(name: str) -> etree._Element:
    """A document root (``office:document-content`` …) declaring every namespace."""
    return el(name, {"office:version": ODF_VERSION})


# ---- text ------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all; the loader keeps them out, this is the last guard.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ODF collapses white space like HTML: runs of spaces, tabs and line breaks need elements.
_SPECIAL = re.compile(r"( {2,}|^ | $|\t|\n)")


def add_text(parent: etree._Element, text: str) -> etree._Element:
    """Append ``text`` to ``parent`` exactly as written: spaces kept (``text:s``), ``\\t`` as
    ``text:tab``, ``\\n`` as ``text:line-break``. lxml escapes & < > and quotes; text such as
    ``{{ x }}`` is only text here."""
    text = _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    last = parent[-1] if len(parent) else None
    for n, piece in enumerate(_SPECIAL.split(text)):
        if not piece:
            continue
        if n % 2 == 0:  # plain text
            if last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        if piece == "\t":
            last = sub(parent, "text:tab")
        elif piece == "\n":
            last = sub(parent, "text:line-break")
        else:  # spaces: one text:s for the lot (ODF counts them in text:c)
            last = sub(parent, "text:s", {"text:c": str(len(piece))} if len(piece) > 1 else None)
    return parent


def paragraph(style: str, text: str = "") -> etree._Element:
    """``<text:p text:style-name=…>text</text:p>``."""
    return add_text(el("text:p", {"text:style-name": style}), text)


def heading(style: str, level: int, text: str) -> etree._Element:
    """An outline heading: shown in the navigator and the PDF bookmarks at ``level`` (1 = top)."""
    return add_text(el("text:h", {"text:style-name": style, "text:outline-level": str(level)}), text)


def page_number_field(parent: etree._Element) -> None:
    """The current page's number, filled in by the office suite (``text:page-number``)."""
    sub(parent, "text:page-number", {"text:select-page": "current"}).text = "1"


def page_count_field(parent: etree._Element) -> None:
    """The document's page count (``text:page-count``)."""
    sub(parent, "text:page-count").text = "1"


# ---- lengths ---------------------------------------------------------------------------


def mm(value: float) -> str:
    """A length in millimetres as ODF writes it: ``22mm``, ``56.667mm``."""
    return f"{round(value, 3):g}mm"


def pt(value: float) -> str:
    """Points as an ODF length, without trailing zeros."""
    return f"{round(value, 3):g}pt"


# ---- bytes -----------------------------------------------------------------------------


def to_bytes(element: etree._Element) -> bytes:
    """The element as a UTF-8 XML document, every namespace declared once on the root."""
    etree.cleanup_namespaces(element, top_nsmap=NS, keep_ns_prefixes=list(NS))
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")
