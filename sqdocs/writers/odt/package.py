"""The .odt zip: mimetype first and uncompressed (as ODF requires), the manifest, meta.xml,
styles.xml, content.xml and the pictures, always in that order and dated from the data,
so the same document gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from sqdocs import __version__
from sqdocs.properties import Properties
from sqdocs.writers.odt import styles, xml
from sqdocs.writers.odt.document import Document
from sqdocs.writers.odt.xml import sub
from sqdocs.writers.zipdates import zip_time


def meta_xml(props: Properties) -> bytes:
    """meta.xml: the document's properties (title, subject, author, keywords, date) as ODF metadata."""
    root = xml.root("office:document-meta")
    meta = sub(root, "office:meta")
    stamp = f"{props.day.isoformat()}T00:00:00"
    for tag, value in (
        ("meta:generator", f"sqdocs/{__version__}"),
        ("dc:title", props.title),
        ("dc:subject", props.subject),
        *(("meta:keyword", k) for k in props.keywords),
        ("meta:initial-creator", props.author),
        ("dc:creator", props.author),
        ("meta:creation-date", stamp),
        ("dc:date", stamp),
        ("dc:language", props.language),
        ("meta:editing-cycles", "1"),
    ):
        sub(meta, tag).text = value
    sub(meta, "meta:user-defined", {"meta:name": "Category"}).text = props.category
    return xml.to_bytes(root)


def manifest_xml(parts: list[tuple[str, str]]) -> bytes:
    """META-INF/manifest.xml listing the package itself and every part with its media type."""
    root = xml.el("manifest:manifest", {"manifest:version": xml.ODF_VERSION})
    sub(root, "manifest:file-entry", {
        "manifest:full-path": "/", "manifest:version": xml.ODF_VERSION, "manifest:media-type": xml.MIMETYPE,
    })
    for path, media_type in parts:
        sub(root, "manifest:file-entry", {"manifest:full-path": path, "manifest:media-type": media_type})
    return xml.to_bytes(root)


def _entry(name: str, day: date, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=zip_time(day))
    info.compress_type = compress
    info.create_system = 0  # the same bytes on every system
    info.external_attr = 0
    return info


def write(document: Document, props: Properties) -> bytes:
    """The .odt bytes of ``document``."""
    parts = [
        ("meta.xml", "text/xml", meta_xml(props)),
        ("styles.xml", "text/xml", styles.styles_xml()),
        ("content.xml", "text/xml", document.content_xml()),
        *((p.path, p.media_type, p.data) for p in document.pictures),
    ]
    manifest = manifest_xml([(path, media_type) for path, media_type, _ in parts])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as odt:
        odt.writestr(_entry("mimetype", props.day, zipfile.ZIP_STORED), xml.MIMETYPE.encode("ascii"))
        odt.writestr(_entry("META-INF/manifest.xml", props.day, zipfile.ZIP_DEFLATED), manifest, compresslevel=6)
        for path, media_type, data in parts:
            # PNG and JPEG are compressed already: stored, as office suites keep them.
            compress = zipfile.ZIP_STORED if media_type.startswith("image/") else zipfile.ZIP_DEFLATED
            odt.writestr(_entry(path, props.day, compress), data, compresslevel=6 if compress else None)
    return out.getvalue()
