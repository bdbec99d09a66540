"""Rewriting a .docx zip so the same content always gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from docx.document import Document
from docx.opc.pkgwriter import PackageWriter

from sqdocs import __version__
from sqdocs.writers.zipdates import zip_time

_FIRST = ("[Content_Types].xml", "_rels/.rels")

# LibreOffice links docProps/core.xml under this non-standard type. python-docx does not
# recognise it, adds a second core.xml and the zip would hold the name twice.
LIBREOFFICE_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)


def _order(name: str) -> tuple[int, str]:
    # Content types first, as Word writes them; then a plain sort, never insertion order.
    return (_FIRST.index(name) if name in _FIRST else len(_FIRST), name)


APP_PROPERTIES = "docProps/app.xml"


def app_xml() -> bytes:
    """docProps/app.xml naming the program that wrote the file. The one python-docx's default
    template carries (and a template inherits) says 「Microsoft Macintosh Word」, Normal.dotm and
    1 page; Word counts pages and words again when it saves."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>sqdocs/{__version__}</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()


def normalise(docx: bytes, stamp: date) -> bytes:
    """The .docx ``docx`` made as :func:`saved` makes a document's (templates/make_templates.py
    normalises the templates python-docx saves)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        return _zipped({name: src.read(name) for name in src.namelist()}, stamp)


def saved(document: Document, stamp: date) -> bytes:
    """``document``'s package with entries sorted, every entry dated ``stamp`` at midnight,
    and :func:`app_xml` for the application properties.

    python-docx stamps each zip entry with the current time, so two builds of the same data
    would differ; system and permission bits are fixed for the same reason. The parts go
    straight into this zip: saving with python-docx and rewriting its zip compressed every
    part twice, a sixth of a report .docx's time."""
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    members = _Members()
    # PackageWriter.write's three steps, into members rather than a zip file of its own.
    PackageWriter._write_content_types_stream(members, parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, parts)
    return _zipped(members, stamp)


class _Members(dict):
    """python-docx's physical package writer, keeping each part's bytes by name."""

    def write(self, pack_uri, blob) -> None:  # python-docx's names
        self[pack_uri.membername] = blob


def _zipped(members: dict[str, bytes], stamp: date) -> bytes:
    when = zip_time(stamp)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in sorted(members, key=_order):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, app_xml() if name == APP_PROPERTIES else members[name], compresslevel=6)
    return out.getvalue()


def drop_relationships(source, *reltypes: str) -> None:
    """Unlink parts (thumbnail, custom XML …) from a python-docx package or part.

    A part nothing points to is not written when the document is saved.
    """
    for rid, rel in list(source.rels.items()):
        if rel.reltype in reltypes:
            del source.rels[rid]
