"""Page furniture: the page template, the footer 「第 X 頁，共 Y 頁」, bookmarks and metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from sqdocs.properties import Properties
from sqdocs.writers import layout
from sqdocs.writers.pdf.flate import FAST_FLATE
from sqdocs.writers.pdf.fonts import FontSet

# Streams (pages, images) are written as binary Flate, not also ASCII85-encoded as reportlab's
# default has it for files sent through 7-bit channels: a fifth smaller, and no pass to encode.
rl_config.useA85 = 0

PAGE_SIZE = (layout.PAGE_WIDTH_MM * mm, layout.PAGE_HEIGHT_MM * mm)
FOOTER_PT = layout.TABLE_PT
FOOTER_Y = layout.MARGIN_BOTTOM_MM * mm / 2
FRAME_HEIGHT = (layout.PAGE_HEIGHT_MM - layout.MARGIN_TOP_MM - layout.MARGIN_BOTTOM_MM) * mm
"""The height of the text on a page."""


@dataclass(frozen=True)
class Outline:
    """A bookmark: set as ``flowable.outline`` and it is added when the flowable is placed."""

    key: str
    title: str
    level: int = 0


def mark(flowable: Flowable, key: str, title: str, level: int = 0) -> Flowable:
    """``flowable`` with a bookmark (PDF outline entry) at ``level`` where it is drawn."""
    flowable.outline = Outline(key, title, level)
    return flowable


def _numbered_canvas(fonts: FontSet):
    """A Canvas that holds pages back until the end, so each footer can give the page total.

    Bookmarks are held with their page and set when it is really written: reportlab binds a
    bookmark to the page being written, which is only the right one at that time.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []
            self._held_marks: list[tuple[str, tuple, dict]] = []

        def bookmarkPage(self, key, *args, **kwargs):  # reportlab's name
            self._held_marks.append((key, args, kwargs))

        def showPage(self):
            self._held_pages.append(dict(self.__dict__, _marks=self._held_marks))
            self._held_marks = []
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, 1):
                marks = state.pop("_marks")
                self.__dict__.update(state)
                for key, args, kwargs in marks:
                    Canvas.bookmarkPage(self, key, *args, **kwargs)
                runs = fonts.runs(f"第 {number} 頁，共 {total} 頁")
                x = (PAGE_SIZE[0] - sum(stringWidth(chunk, font, FOOTER_PT) for font, chunk in runs)) / 2
                for font, chunk in runs:
                    self.setFont(font, FOOTER_PT)
                    self.drawString(x, FOOTER_Y, chunk)
                    x += stringWidth(chunk, font, FOOTER_PT)
                Canvas.showPage(self)
                _compress(self._doc.Pages.pages[-1])
            Canvas.save(self)

    return NumberedCanvas


def _compress(page: pdfdoc.PDFPage) -> None:
    """The page's content as reportlab would make it when writing the file, compressed by
    :data:`FAST_FLATE` rather than zlib's level 6, its default (a plan's pages: 0.7 ms rather
    than 5.6 ms, for 7 KB more)."""
    if page.Contents or not page.stream:
        return
    stream = pdfdoc.PDFStream(content=page.stream, filters=[FAST_FLATE])
    stream.__Comment__ = "page stream"
    page.Contents = stream


def _xmp(info: pdfdoc.PDFInfo, meta: Properties, when: str) -> str:
    """The info dictionary's title, author, subject and keywords, its tools and date, as XMP."""
    bag = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in meta.keywords)
    return "\n".join((
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
        "<dc:format>application/pdf</dc:format>",
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>',
        f"<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>",
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt></dc:description>',
        f"<dc:subject><rdf:Bag>{bag}</rdf:Bag></dc:subject>",
        f"<dc:language><rdf:Bag><rdf:li>{escape(meta.language)}</rdf:li></rdf:Bag></dc:language>",
        f"<pdf:Keywords>{escape(info.keywords)}</pdf:Keywords>",
        f"<pdf:Producer>{escape(info.producer)}</pdf:Producer>",
        f"<xmp:CreatorTool>{escape(info.creator)}</xmp:CreatorTool>",
        f"<xmp:CreateDate>{when}</xmp:CreateDate><xmp:ModifyDate>{when}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{when}</xmp:MetadataDate>",
        "</rdf:Description></rdf:RDF></x:xmpmeta>",
        '<?xpacket end="r"?>',
    ))


class _Metadata(pdfdoc.PDFStream):
    """The catalog's XMP packet: PDF/UA and PDF/A checkers read the title and language there,
    not in the info dictionary. Made when the file is written, from the info as it is then;
    not compressed, so that tools other than PDF readers find it too."""

    def __init__(self, meta: Properties, when: str):
        super().__init__()
        self.meta, self.when = meta, when

    def format(self, document):  # reportlab's name
        packet = _xmp(document.info, self.meta, self.when).encode("utf-8")
        head = pdfdoc.PDFDictionary(
            {"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML"), "Length": len(packet)}
        )
        return pdfdoc.format(head, document) + b"\nstream\n" + packet + b"\nendstream\n"


class _DocTemplate(BaseDocTemplate):
    def __init__(self, buffer, meta: Properties, font: str):
        self._meta = meta
        frame = Frame(
            layout.MARGIN_LEFT_MM * mm, layout.MARGIN_BOTTOM_MM * mm,
            layout.TEXT_WIDTH_MM * mm, FRAME_HEIGHT,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
        )
        super().__init__(
            buffer, pagesize=PAGE_SIZE, pageTemplates=[PageTemplate("page", [frame])],
            title=meta.title, author=meta.author, subject=meta.subject,
            keywords=list(meta.keywords), creator="sqdocs", lang=meta.language,
            displayDocTitle=True, pageCompression=1,
            invariant=1,  # no time stamp or random file ID: same data, same bytes
            initialFontName=font,  # else the canvas sets Helvetica, a font not embedded
        )

    def _makeCanvas(self, filename=None, canvasmaker=Canvas):
        canvas = super()._makeCanvas(filename, canvasmaker)
        day = self._meta.day
        stamp = f"D:{day.year:04d}{day.month:02d}{day.day:02d}000000+08'00'"
        canvas._doc.info._dateFormatter = lambda *_: stamp  # the document's own date, Taipei time
        canvas._doc.Catalog.Metadata = _Metadata(self._meta, f"{day.isoformat()}T00:00:00+08:00")
        canvas.showOutline()
        return canvas

    def afterFlowable(self, flowable):
        outline = getattr(flowable, "outline", None)
        if isinstance(outline, Outline):
            top = self.frame._y + flowable.height  # the flowable's top: its height after wrap
            self.canv.bookmarkPage(outline.key, fit="XYZ", left=0, top=top)
            self.canv.addOutlineEntry(outline.title, outline.key, outline.level, closed=outline.level > 0)


def render(story: list[Flowable], meta: Properties, fonts: FontSet) -> bytes:
    """Lay out ``story`` on A4 pages with footers, bookmarks and metadata; the PDF's bytes."""
    buffer = io.BytesIO()
    doc = _DocTemplate(buffer, meta, fonts.main)
    doc.build(story, canvasmaker=_numbered_canvas(fonts))
    return buffer.getvalue()
