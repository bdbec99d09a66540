"""Pictures of the report: the charts (PNG bytes from :mod:`sqdocs.writers.charts`) with their
captions, and evidence photos inside table cells.

A chart is placed at the size it was laid out for (``chart_size_mm``), so its lettering prints
at the point sizes :mod:`sqdocs.writers.charts.scene` chose. Pictures are stored in the package from bytes, named by
their order, so the file stays the same for the same data.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from sqdocs.outline import figure_caption
from sqdocs.report.model import ChartData
from sqdocs.writers import layout
from sqdocs.writers.charts import chart_size_mm, render_chart
from sqdocs.writers.odt import styles as S
from sqdocs.writers.odt import xml
from sqdocs.writers.odt.document import Document
from sqdocs.writers.photos import load_photo


def chart(doc: Document, chart_data: ChartData, n: int, font: Path | None) -> None:
    """圖 n: the chart at its drawn size (shrunk only to fit the text width), centred, its caption below."""
    png = render_chart(chart_data, font=font)
    width, height = chart_size_mm(chart_data)
    scale = min(1.0, layout.TEXT_WIDTH_MM / width)
    path = doc.picture(png, "image/png", "chart-")
    frame = doc.frame(path, width * scale, height * scale, f"圖 {n}", f"圖 {n}", chart_data.title)
    doc.paragraph(S.FIGURE).append(frame)
    doc.paragraph(S.CAPTION, figure_caption(n, chart_data.title))


def photo(doc: Document, path: Path | None, width_mm: float, title: str) -> etree._Element | None:
    """A paragraph holding an evidence photo (PNG, JPEG or WebP) ``width_mm`` wide; None if it cannot be read.

    The frame is named 照片 n (office suites want frame names unique); ``title`` is its alt text.
    """
    picture = load_photo(path, width_mm)
    if picture is None:
        return None
    stored = doc.picture(picture.data, picture.media_type, "photo-")
    paragraph = xml.paragraph(S.TABLE_TEXT)
    paragraph.append(doc.frame(stored, *picture.size_mm(width_mm), doc.next_name("照片 "), title))
    return paragraph
