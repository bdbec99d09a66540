"""Figures of the report: the charts, drawn as vectors from their scene
(:mod:`sqdocs.writers.charts.scene`) with their captions, and evidence photos inside table cells.

A chart is drawn at the size it was laid out for (``chart_size_mm``), in the PDF's own fonts,
so its lettering prints at the point sizes the scene chose, stays sharp at any zoom and can be
searched and copied. Photos are embedded from bytes, never from a path or a timestamped cache,
so the PDF stays the same for the same data.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, KeepTogether

from sqdocs.report.model import ChartData
from sqdocs.writers.charts.scene import (
    ANCHOR_SHARE,
    EDGE_PT,
    HOLLOW_PT,
    Box,
    Label,
    Line,
    Marker,
    Scene,
    layout,
    marker_outline,
)
from sqdocs.writers.pdf import furniture
from sqdocs.writers.pdf.text import Typesetter
from sqdocs.writers.photos import load_photo


def chart(data: ChartData, caption: str, key: str, ts: Typesetter) -> Flowable:
    """A chart at its laid-out size, centred, with 「圖 n …」 below it; both on one page."""
    drawing = ChartDrawing(layout(data, lambda text, size: _text_width(ts, text, size, caption)), ts, caption)
    drawing.hAlign = "CENTER"
    furniture.mark(drawing, key, caption, level=1)
    return KeepTogether([drawing, ts.para(caption, ts.styles.figure_caption, caption)])


def _text_width(ts: Typesetter, text: str, size: float, where: str) -> float:
    return sum(stringWidth(chunk, font, size) for font, chunk in ts.runs(text, where))


class ChartDrawing(Flowable):
    """A chart scene drawn with the canvas: lines, boxes, markers and text in the PDF's fonts."""

    def __init__(self, scene: Scene, ts: Typesetter, where: str) -> None:
        super().__init__()
        self.scene, self.ts, self.where = scene, ts, where
        self.width, self.height = scene.width, scene.height

    def wrap(self, available_width, available_height):  # reportlab's name
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        # The scene counts y down from the top; the page counts up from the bottom.
        c.translate(0, self.height)
        c.scale(1, -1)
        c.setLineJoin(1)
        for item in self.scene.items:
            if isinstance(item, Line):
                self._line(item)
            elif isinstance(item, Box):
                c.setFillColor(HexColor(item.fill))
                if item.edge:
                    c.setStrokeColor(HexColor(item.edge))
                    c.setLineWidth(EDGE_PT)
                    c.setDash([])
                c.rect(item.x, item.y, item.width, item.height, stroke=1 if item.edge and item.width > 0 else 0, fill=1)
            elif isinstance(item, Marker):
                self._marker(item)
            elif isinstance(item, Label):
                self._label(item)
        c.restoreState()

    def _line(self, line: Line) -> None:
        c, stroke = self.canv, line.stroke
        c.setStrokeColor(HexColor(stroke.colour))
        c.setLineWidth(stroke.width)
        c.setDash([d * stroke.width for d in stroke.dash] if stroke.dash else [])
        c.setLineCap(0 if stroke.dash else 1)
        path = c.beginPath()
        path.moveTo(*line.points[0])
        for point in line.points[1:]:
            path.lineTo(*point)
        c.drawPath(path, stroke=1, fill=0)

    def _marker(self, marker: Marker) -> None:
        c = self.canv
        # an open marker: white inside its outline, so a line or a grid line stops at its edge
        c.setFillColor(HexColor("#ffffff" if marker.hollow else marker.colour))
        if marker.hollow:
            c.setStrokeColor(HexColor(marker.colour))
            c.setLineWidth(HOLLOW_PT)
            c.setDash([])
        if marker.shape.startswith("circle"):
            c.circle(marker.x, marker.y, marker.radius, stroke=int(marker.hollow), fill=1)
            return
        path = c.beginPath()
        first, *rest = marker_outline(marker, 1.0)
        path.moveTo(*first)
        for point in rest:
            path.lineTo(*point)
        path.close()
        c.drawPath(path, stroke=int(marker.hollow), fill=1)

    def _label(self, label: Label) -> None:
        c = self.canv
        runs = self.ts.runs(label.text, self.where)
        widths = [stringWidth(chunk, font, label.size) for font, chunk in runs]
        start = -sum(widths) * ANCHOR_SHARE[label.anchor] or 0.0  # never -0.0
        c.saveState()
        c.translate(label.x, label.y)
        if label.vertical:
            c.rotate(-90)  # reads bottom to top once the page's y is turned up again
        c.scale(1, -1)  # text stands upright on the page
        c.setFillColor(HexColor(label.colour))
        x = start
        for (font, chunk), width in zip(runs, widths, strict=True):
            c.setFont(font, label.size)
            c.drawString(x, 0, chunk)
            x += width
        c.restoreState()


def photo(path: Path | None, max_width: float) -> Flowable | None:
    """An evidence photo (PNG, JPEG or WebP) scaled to ``max_width`` points (narrower if it would be
    taller than :data:`photos.MAX_HEIGHT_MM`); None if it cannot be read."""
    picture = load_photo(path, max_width / mm)
    if picture is None:
        return None
    width, height = picture.size_mm(max_width / mm)
    flow = Image(io.BytesIO(picture.data), width=width * mm, height=height * mm)
    flow.hAlign = "LEFT"
    return flow


class Captioned(Flowable):
    """A photo under the line that names it, moved on together, never split apart: a row of many
    photos, taller than a page, left a line at one page's foot and its photo atop the next."""

    def __init__(self, line: Flowable, picture: Flowable) -> None:
        super().__init__()
        self.line, self.picture = line, picture

    def wrap(self, available_width, available_height):  # reportlab's names
        width, self._line_height = self.line.wrap(available_width, available_height)
        self._gap = self.line.getSpaceAfter() + self.picture.getSpaceBefore()
        picture_width, self._picture_height = self.picture.wrap(available_width, available_height)
        self.width, self.height = max(width, picture_width), self._line_height + self._gap + self._picture_height
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # reportlab's name
        return self.line.getSpaceBefore()

    def getSpaceAfter(self) -> float:  # reportlab's name
        return self.picture.getSpaceAfter()

    def draw(self) -> None:
        self.picture.drawOn(self.canv, 0, 0)
        self.line.drawOn(self.canv, 0, self._picture_height + self._gap)
