"""A chart laid out as a scene: lines, boxes, markers and labels in points, ready to draw.

The layout is decided here once, so the PNG of the Word and ODF reports (:mod:`.raster`)
and the vector drawing of the PDF report show the same chart. Coordinates are points from the
top-left corner; a label's ``y`` is its baseline. Text widths come from a ``measure``
function of the font the chart will be drawn in, so margins fit the longest label.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqdocs.outline import report_headings
from sqdocs.report.model import ChartData
from sqdocs.writers import layout as page

TITLE_PT = 13
LABEL_PT = 11
TICK_PT = 10
MM = 72 / 25.4

# Colours that stay apart in grey when printed, each with its own marker and dash.
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f6000", "#2e75b6")
MARKERS = (
    "circle", "square", "triangle", "diamond", "triangle_down", "plus",
    "circle_open", "square_open", "triangle_open", "diamond_open", "triangle_down_open", "cross",
)
"""Twelve shapes apart on a grey copy: six filled, then five of them open (white inside) and a ×."""
HOLLOW_PT = 1.2
"""The outline of an open marker."""
DASHES: tuple[tuple[float, ...], ...] = ((), (3.7, 1.6), (6.4, 1.6, 1.0, 1.6), (1.0, 1.65))
BAR_FILLS = ("#1f4e79", "#f4a460", "#6aa84f", "#2e1247", "#ffe08a", "#2e75b6")
"""Fills of the bars of several indicators, each a grey at least an eighth apart from every
other's (0.299 R + 0.587 G + 0.114 B: 69, 180, 139, 32, 223, 103), so a grey copy or a reader
who does not tell red from green still tells the bars apart: a bar has no marker or dash, and
the line colours' greys lie within 114 ± 11 for three of them."""
GRID = "#d9d9d9"
INK = "#000000"
WHITE = "#ffffff"
EDGE_PT = 0.5  # the outline of a bar too light to stand out from the paper

# Where a CJK face's ink sits on the em (TW-Kai, UKai, 標楷體 are alike): the baseline is
# 0.12 em above the bottom of the em box, its middle 0.38 em above the baseline.
_ASCENT, _DESCENT, _MIDDLE = 0.88, 0.12, 0.38
_PAD = 6.0
_TICK_LEN = 3.5
_GAP = 3.5
_LINE_PT = 1.8
_MARKER_PT = 7.0


def series_style(k: int) -> tuple[str, str, tuple[float, ...]]:
    """Colour, marker and dash of the ``k``-th series (from 0). No two of the first
    ``len(MARKERS) * len(DASHES)`` series share a marker and a dash, so on a grey copy every line
    is told from the others: the 7th series was the 1st's again, colour, dot and solid line."""
    return COLOURS[k % len(COLOURS)], MARKERS[k % len(MARKERS)], DASHES[(k + k // len(MARKERS)) % len(DASHES)]

Measure = Callable[[str, float], float]
"""Width in points of a text at a size in points."""


@dataclass(frozen=True)
class Stroke:
    colour: str
    width: float
    dash: tuple[float, ...] = ()
    """On and off lengths in multiples of ``width`` (as matplotlib's dashes); () is solid."""


_AXIS = Stroke(INK, 0.8)  # the axes and their tick marks
_GRIDLINE = Stroke(GRID, 0.6)
_REFERENCE = Stroke("#404040", 1.2, (3.7, 1.6))  # a bar chart's bureau-wide value


@dataclass(frozen=True)
class Line:
    """An open polyline."""

    points: tuple[tuple[float, float], ...]
    stroke: Stroke


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    edge: str | None = None
    """An outline of EDGE_PT in this colour, or None for none."""


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21; 4.5 is the least for small text)."""

    def luminance(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def bar_fill(k: int) -> tuple[str, str | None]:
    """Fill and outline of the ``k``-th indicator's bars: an outline when the fill is too light
    to show on the paper by itself."""
    fill = BAR_FILLS[k % len(BAR_FILLS)]
    return fill, (INK if contrast(fill, WHITE) < 3 else None)


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    shape: str
    """One of MARKERS; an ``_open`` one is drawn as an outline of HOLLOW_PT, white inside."""
    size: float
    colour: str

    @property
    def hollow(self) -> bool:
        return self.shape.endswith("_open")

    @property
    def radius(self) -> float:
        """A circle's radius, or the half size of another shape, to the middle of an open one's
        outline: an open marker is as large as a filled one, its outline included."""
        return (self.size - (HOLLOW_PT if self.hollow else 0.0)) / 2


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    """Baseline; for a vertical label, the x of its baseline and the y of its middle."""
    text: str
    size: float
    colour: str = INK
    anchor: str = "start"
    """start, middle or end of the text at ``x`` (for a vertical label: along the page's y)."""
    vertical: bool = False
    """Turned 90° anticlockwise, read from bottom to top."""


ANCHOR_SHARE = {"start": 0.0, "middle": 0.5, "end": 1.0}
"""How much of a horizontal label's width lies before its ``x``, by its ``anchor``."""


Item = Line | Box | Marker | Label


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    items: tuple[Item, ...]


def marker_outline(marker: Marker, scale: float) -> list[tuple[float, float]]:
    """The corners of a marker other than a circle, placed, at ``scale`` pixels per point."""
    e, w = 0.85, 0.4  # the ×: arms to the corners of the square, about as thick as the plus's
    shapes = {
        "square": [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
        "triangle": [(0, -1.1), (1.0, 0.75), (-1.0, 0.75)],
        "triangle_down": [(0, 1.1), (1.0, -0.75), (-1.0, -0.75)],
        "diamond": [(0, -1.15), (0.85, 0), (0, 1.15), (-0.85, 0)],
        "plus": [(-0.35, -1), (0.35, -1), (0.35, -0.35), (1, -0.35), (1, 0.35), (0.35, 0.35),
                 (0.35, 1), (-0.35, 1), (-0.35, 0.35), (-1, 0.35), (-1, -0.35), (-0.35, -0.35)],
        "cross": [(0, -w), (e - w, -e), (e, -e + w), (w, 0), (e, e - w), (e - w, e),
                  (0, w), (-e + w, e), (-e, e - w), (-w, 0), (-e, -e + w), (-e + w, -e)],
    }
    half = marker.radius * scale
    x, y = marker.x * scale, marker.y * scale
    return [(x + dx * half, y + dy * half) for dx, dy in shapes[marker.shape.removesuffix("_open")]]


MAX_HEIGHT_MM = page.PAGE_HEIGHT_MM - page.MARGIN_TOP_MM - page.MARGIN_BOTTOM_MM - 25.0
"""The tallest a chart is drawn: with the space above it and a caption of two lines below, it
fits on one page of text (a chart of every unit, 25 of them, was taller than the page)."""


def chart_size_mm(chart: ChartData) -> tuple[float, float]:
    """Width and height (mm) a chart is drawn at, and should be inserted at."""
    if chart.kind == "units":  # 9 mm a unit, the rows closer when there are too many for a page
        # A unit's bars of several indicators each need a text's height for their value labels
        # (a bar has 70% of the unit's row): three to a 9 mm row, 「37.5%」 lay over 「35.7%」.
        # The room besides the rows grows with the legend: 6 units of 2 rates left each bar
        # 9.0 pt, too thin for its label, from a row of 11.6 mm.
        n, count = len(chart.series), len(chart.categories)
        row = max(9.0, 5.8 * n)
        labelled = (_units_frame_pt(chart) + _VALUE_ROW_PT * n / (_BARS * _THICK) * count) / MM + 0.1
        return 160.0, min(MAX_HEIGHT_MM, max(60.0, 28.0 + row * count, labelled))
    # A trend's end labels may stack at its last year: the plot is made tall enough for all of
    # them (12 lines a point apart ran above the chart and over the years' labels).
    stacked = _trend_frame_pt(chart) + _END_GAP * len(chart.series) + TICK_PT
    return 160.0, min(MAX_HEIGHT_MM, max(95.0, stacked / MM + 0.1))


_END_GAP = TICK_PT * 1.3
"""How far apart a trend's end labels are stacked (:func:`spread_labels`)."""


def _trend_entries(chart: ChartData) -> int:
    """A trend's legend entries: a line per series when there are several."""
    return len(chart.series) if len(chart.series) > 1 else 0


def _trend_frame_pt(chart: ChartData) -> float:
    """The height of a trend chart besides its plot: title, years, legend in two columns."""
    return _PAD + TITLE_PT + 8 + _TICK_LEN + _GAP + TICK_PT + _legend_pt(_trend_entries(chart), 2) + _PAD


_BARS = 0.7
"""How much of a unit's row its bars (or dots) take, the rest a gap to the next unit's."""
_THICK = 0.9
"""How much of its share of the row a bar is thick."""
_VALUE_ROW_PT = (_ASCENT + _DESCENT) * TICK_PT
"""The thinnest a bar can be and carry its value label: the text's height."""


def _units_legend(chart: ChartData) -> tuple[int, int]:
    """Entries and columns of a units chart's legend: the bureau line, then each indicator's
    bar or dot when there are several (one indicator alone is named by the title)."""
    n = len(chart.series)
    entries = (chart.reference is not None) + (n if n > 1 or chart.reference is not None else 0)
    return entries, min(n + 1, 4)


def _units_frame_pt(chart: ChartData) -> float:
    """The height of a units chart besides its rows: title, axis, axis title and legend."""
    return _PAD + TITLE_PT + 8 + _TICK_LEN + _GAP + TICK_PT + 4 + LABEL_PT + _legend_pt(*_units_legend(chart)) + _PAD


_LEGEND_ROW = TICK_PT * 1.7
"""A legend entry's line, and the note's under a chart whose values are not labelled."""


def _legend_pt(entries: int, columns: int) -> float:
    """The height a legend of ``entries`` in ``columns`` columns takes under the chart, the space
    above it included: one rule for the size a chart is inserted at and for its layout."""
    return math.ceil(entries / columns) * _LEGEND_ROW + 6 if entries else 0.0


def axis_label(unit: str) -> str:
    """The y axis's title for an indicator's unit: 「百分比（%）」, 「數量（件）」 …."""
    return {"%": "百分比（%）", "分": "分數（分）", "日": "日數（日）", "小時": "時數（小時）"}.get(unit, f"數量（{unit}）")


def limits(values: Sequence[float], unit: str) -> tuple[float, float]:
    """A y range that shows the differences without exaggerating them."""
    low, high = min(values), max(values)
    span = max(high - low, 1.0)
    bottom = max(0.0, low - span * 0.8)
    top = high + span * 0.6
    if unit == "%":
        top = min(top, 100.0 + span * 0.3)
    return bottom, top


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10ⁿ) within [low, high]."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 10))
        k += 1
    return ticks


def dot_axis(values: Sequence[float], limit: float) -> list[float] | None:
    """Ticks of an axis that starts just below ``values`` and ends at ``limit``, when bars from 0
    would differ by less than a fifth of their length and so tell the values apart no better
    than a table; None when bars from 0 show them."""
    low, high = min(values), max(values)
    if low <= 0 or high - low >= 0.2 * high:
        return None
    floor = low - max(high - low, (limit - low) * 0.5, limit * 0.01) * 0.6  # room left of the lowest dot
    step = nice_ticks(floor, limit, 5)
    step_size = step[1] - step[0] if len(step) > 1 else limit - floor
    first = math.floor(floor / step_size + 1e-9) * step_size
    ticks = [round(first + i * step_size, 10) for i in range(int((limit - first) / step_size + 1e-9) + 1)]
    return ticks if len(ticks) > 1 and ticks[0] > 0 else None


def tick_text(value: float, ticks: Sequence[float]) -> str:
    """An axis figure with the places of the step, grouped by thousands as the values beside it
    (「12,411 件」 over an axis of 「14000」 read as two ways of writing numbers)."""
    steps = {round(b - a, 10) for a, b in zip(ticks, ticks[1:], strict=False)} or {1.0}
    places = max((len(f"{s:.10g}".partition(".")[2]) for s in steps), default=0)
    return f"{value:,.{places}f}"


def spread_labels(
    ends: Sequence[tuple[int, float] | None], points_per_unit: float, gap: float,
    within: tuple[float, float] | None = None,
) -> list[float]:
    """Vertical offsets (pt, up) that keep end labels at the same x at least ``gap`` apart:
    labels that would touch are stacked ``gap`` apart, centred on their points; the others stay put.

    ``within`` (lowest, highest centre, pt up, as ``value × points_per_unit``): a stack is then
    pushed back inside the plot, or 12 lines a point apart set their labels above its top and
    over the years' labels under its foot."""
    lift = [0.0] * len(ends)

    def span(group: list[tuple[float, int]]) -> tuple[float, float]:
        centre = sum(y for y, _ in group) / len(group)
        half = (len(group) - 1) / 2 * gap
        return centre - half, centre + half

    for x in sorted({end[0] for end in ends if end is not None}):
        groups: list[list[tuple[float, int]]] = []
        for y, k in sorted((end[1] * points_per_unit, k) for k, end in enumerate(ends) if end and end[0] == x):
            groups.append([(y, k)])
            while len(groups) > 1 and span(groups[-2])[1] + gap > span(groups[-1])[0]:
                last = groups.pop()
                groups[-1] += last
        for group in groups:
            low = span(group)[0]
            for i, (y, k) in enumerate(group):
                lift[k] = low + i * gap - y
        if within is not None:
            placed = sorted((y + lift[k], y, k) for group in groups for y, k in group)
            at = [centre for centre, _, _ in placed]
            for i in range(len(at) - 1, -1, -1):  # down from the top, each still gap below the next
                at[i] = min(at[i], within[1] if i == len(at) - 1 else at[i + 1] - gap)
            for i in range(len(at)):  # up from the foot: the foot wins when they cannot all fit
                at[i] = max(at[i], within[0] if i == 0 else at[i - 1] + gap)
            for centre, (_, y, k) in zip(at, placed, strict=True):
                lift[k] = centre - y
    return lift


def _open_spans(top: float, bottom: float, cuts: Sequence[tuple[float, float] | None]) -> list[tuple[float, float]]:
    """The stretches of ``top``–``bottom`` outside every cut: a bar chart's bureau line, broken
    where it would strike through a value label (with many units, the values crowd around it)."""
    spans, y = [], top
    for y0, y1 in sorted(c for c in cuts if c is not None):
        if y0 > y:
            spans.append((y, min(y0, bottom)))
        y = max(y, y1)
    if y < bottom:
        spans.append((y, bottom))
    return [(a, b) for a, b in spans if b - a > 0.5]


def layout(chart: ChartData, measure: Measure) -> Scene:
    """The chart as a scene at :func:`chart_size_mm`."""
    w_mm, h_mm = chart_size_mm(chart)
    builder = _Builder(w_mm * MM, h_mm * MM, measure)
    builder.title(chart.title)
    if not any(v is not None for s in chart.series for v in s.values):
        builder.items.append(Label(builder.width / 2, builder.height / 2 + _MIDDLE * LABEL_PT, "無數據", LABEL_PT, anchor="middle"))
    elif chart.kind == "trend":
        builder.trend(chart)
    else:
        builder.bars(chart)
    return Scene(builder.width, builder.height, tuple(builder.items))


@dataclass
class _Entry:
    """One legend entry: a sample of the line or bar, then its text."""

    text: str
    colour: str
    kind: str  # line, box, marker
    dash: tuple[float, ...] = ()
    marker: str | None = None
    width: float = _LINE_PT
    edge: str | None = None  # a box's outline (:func:`bar_fill`)


def _units_entry(label: str, k: int, dots: bool) -> _Entry:
    """The legend entry of a units chart's ``k``-th series: its dot, or its bar as drawn."""
    if dots:
        colour, marker, _ = series_style(k)
        return _Entry(label, colour, "marker", marker=marker)
    fill, edge = bar_fill(k)
    return _Entry(label, fill, "box", edge=edge)


class _Builder:
    def __init__(self, width: float, height: float, measure: Measure):
        self.width, self.height, self.measure = width, height, measure
        self.items: list[Item] = []
        self.top = _PAD

    def title(self, text: str) -> None:
        self.items.append(Label(self.width / 2, _PAD + _ASCENT * TITLE_PT, text, TITLE_PT, anchor="middle"))
        self.top = _PAD + TITLE_PT + 8

    # ---- legend ------------------------------------------------------------------

    _SAMPLE = 22.0

    def legend(self, entries: Sequence[_Entry], columns: int) -> None:
        """Entries in ``columns`` columns, centred under the chart, filled column by column."""
        if not entries:
            return
        rows = math.ceil(len(entries) / columns)
        cols = [entries[c * rows : (c + 1) * rows] for c in range(columns)]
        cols = [c for c in cols if c]
        widths = [max(self._SAMPLE + 6 + self.measure(e.text, TICK_PT) for e in col) for col in cols]
        spacing = 24.0
        x = (self.width - sum(widths) - spacing * (len(cols) - 1)) / 2
        top = self.height - _PAD - math.ceil(len(entries) / columns) * _LEGEND_ROW
        for col, col_width in zip(cols, widths, strict=True):
            for r, entry in enumerate(col):
                middle = top + (r + 0.5) * _LEGEND_ROW
                if entry.kind == "box":
                    self.items.append(Box(x + 2, middle - 4, self._SAMPLE - 4, 8, entry.colour, entry.edge))
                elif entry.kind == "marker":  # a dot chart's series: its dot alone
                    self.items.append(Marker(x + self._SAMPLE / 2, middle, entry.marker or MARKERS[0], _MARKER_PT, entry.colour))
                else:
                    stroke = Stroke(entry.colour, entry.width, entry.dash)
                    self.items.append(Line(((x, middle), (x + self._SAMPLE, middle)), stroke))
                    if entry.marker:
                        self.items.append(Marker(x + self._SAMPLE / 2, middle, entry.marker, _MARKER_PT, entry.colour))
                self.items.append(Label(x + self._SAMPLE + 6, middle + _MIDDLE * TICK_PT, entry.text, TICK_PT))
            x += col_width + spacing

    # ---- axes --------------------------------------------------------------------

    def _rows_crossed(self, label: Label, x: float) -> tuple[float, float] | None:
        """The top and bottom of ``label`` (a horizontal one, with a little room around it) when
        a vertical line at ``x`` would strike through it; else None."""
        length = self.measure(label.text, label.size)
        start = label.x - length * ANCHOR_SHARE[label.anchor]
        if not start - 1 <= x <= start + length + 1:
            return None
        return label.y - _ASCENT * label.size - 1, label.y + _DESCENT * label.size + 1

    def frame(self, left: float, top: float, right: float, bottom: float) -> None:
        self.items.append(Line(((left, top), (left, bottom), (right, bottom)), _AXIS))

    def trend(self, chart: ChartData) -> None:
        n = len(chart.categories)
        values = [v for s in chart.series for v in s.values if v is not None]
        low, high = limits(values, chart.unit)
        label_all = len(chart.series) <= 2
        entries = [
            _Entry(s.label, colour, "line", dash, marker)
            for s, (colour, marker, dash) in zip(chart.series, map(series_style, range(len(chart.series))), strict=True)
        ] if len(chart.series) > 1 else []
        ticks = nice_ticks(low, high, 9)
        if chart.unit == "%" and max(values) <= 100.0:
            # The room limits() leaves above 100 is for the labels: a tick of 120% reads as a rate
            ticks = [t for t in ticks if t <= 100.0]  # the indicator could reach.
        tick_texts = [tick_text(t, ticks) for t in ticks]
        left = _PAD + LABEL_PT + 6 + max(self.measure(t, TICK_PT) for t in tick_texts) + _GAP + _TICK_LEN
        bottom = self.height - _PAD - _legend_pt(len(entries), 2) - TICK_PT - _GAP - _TICK_LEN
        top = self.top
        x_low, x_high = -0.4, n - 1 + (0.4 if label_all else 0.9)
        right = self.width - _PAD
        if not label_all:  # the end labels must fit beside the last year
            widest = max((self.measure(t, TICK_PT) for s in chart.series for t in s.texts), default=0.0)
            for _ in range(2):
                per_x = (right - left) / (x_high - x_low)
                room = (x_high - (n - 1)) * per_x
                right -= max(0.0, 8 + widest + 2 - room)
        per_x = (right - left) / (x_high - x_low)
        per_y = (bottom - top) / (high - low)

        def px(x: float) -> float:
            return left + (x - x_low) * per_x

        def py(y: float) -> float:
            return bottom - (y - low) * per_y

        for t, text in zip(ticks, tick_texts, strict=True):
            self.items.append(Line(((left, py(t)), (right, py(t))), _GRIDLINE))
            self.items.append(Line(((left - _TICK_LEN, py(t)), (left, py(t))), _AXIS))
            self.items.append(Label(left - _TICK_LEN - _GAP, py(t) + _MIDDLE * TICK_PT, text, TICK_PT, anchor="end"))
        for x, text in enumerate(chart.categories):
            self.items.append(Line(((px(x), bottom), (px(x), bottom + _TICK_LEN)), _AXIS))
            self.items.append(Label(px(x), bottom + _TICK_LEN + _GAP + _ASCENT * TICK_PT, text, TICK_PT, anchor="middle"))
        self.items.append(
            Label(_PAD + _ASCENT * LABEL_PT, (top + bottom) / 2, axis_label(chart.unit), LABEL_PT, anchor="middle", vertical=True)
        )
        self.frame(left, top, right, bottom)

        highest = {
            x: max((s.values[x] for s in chart.series if s.values[x] is not None), default=None) for x in range(n)
        }
        ends = [next(((x, v) for x, v in reversed(list(enumerate(s.values))) if v is not None), None) for s in chart.series]
        # End labels, each a line of text, are kept inside the plot (up from its foot, in pt).
        lift = spread_labels(ends, per_y, _END_GAP, (low * per_y + TICK_PT / 2, high * per_y - TICK_PT / 2))
        for k, series in enumerate(chart.series):
            colour, marker, dash = series_style(k)
            points = [(x, v, t) for x, (v, t) in enumerate(zip(series.values, series.texts, strict=True)) if v is not None]
            # A gap (no data for a year) breaks the line, as it would on paper.
            runs: list[list[tuple[float, float]]] = [[]]
            for x, v in enumerate(series.values):
                if v is None:
                    runs.append([])
                else:
                    runs[-1].append((px(x), py(v)))
            for run in runs:
                if len(run) > 1:
                    self.items.append(Line(tuple(run), Stroke(colour, _LINE_PT, dash)))
            for x, v, _ in points:
                self.items.append(Marker(px(x), py(v), marker, _MARKER_PT, colour))
            for x, v, text in points if label_all else points[-1:]:
                if not label_all:
                    label = Label(px(x) + 8, py(v) - lift[k] + _MIDDLE * TICK_PT, text, TICK_PT, colour)
                elif v >= (highest[x] or v):
                    label = Label(px(x), py(v) - 7 - _DESCENT * TICK_PT, text, TICK_PT, colour, "middle")
                else:
                    label = Label(px(x), py(v) + 9 + _ASCENT * TICK_PT, text, TICK_PT, colour, "middle")
                self.items.append(label)
        self.legend(entries, 2)

    def bars(self, chart: ChartData) -> None:
        """One row per unit: a bar from 0, or a dot on an axis that starts near the values when
        bars from 0 would all have one length (各單位 99.1–99.8%); the bureau's value as a line.
        More than six indicators are dots too: their markers stay apart on a grey copy, where
        a 7th bar's fill was the 1st's again.

        Each bar or dot carries its value when its row is as tall as the text; when the rows are
        thinner (many units of several indicators on one page) none does, and a note under the
        chart says where the values are: 25 units × 3 rates drew each 「40.0%」 over the next."""
        count, n = len(chart.categories), len(chart.series)
        values = [v for s in chart.series for v in s.values if v is not None]
        limit = 100.0 if chart.unit == "%" else max(values) * 1.1
        ticks = dot_axis(values, limit)
        # More indicators than fills that print as greys apart: dots, each with its own marker.
        dots = ticks is not None or n > len(BAR_FILLS)
        ticks = ticks or nice_ticks(0.0, limit, 5)
        start = ticks[0]
        entries = []
        if chart.reference is not None:
            entries.append(_Entry(chart.reference_label, _REFERENCE.colour, "line", _REFERENCE.dash, width=_REFERENCE.width))
        if n > 1 or chart.reference is not None:
            entries += [_units_entry(s.label, k, dots) for k, s in enumerate(chart.series)]
        columns = _units_legend(chart)[1]
        tick_texts = [tick_text(t, ticks) for t in ticks]
        left = _PAD + max(self.measure(c, TICK_PT) for c in chart.categories) + _GAP + _TICK_LEN
        bottom = self.height - _PAD - _legend_pt(len(entries), columns) - LABEL_PT - 4 - TICK_PT - _GAP - _TICK_LEN
        top = self.top
        height = _BARS / n
        # A value label takes a bar's (or dot's) share of the row: on a thinner one it lay over the
        # next; on a bar thinner than the text it is set after the bar, with room for it at the right.
        labelled = height * (bottom - top) / count >= _VALUE_ROW_PT
        thin = height * _THICK * (bottom - top) / count < _VALUE_ROW_PT
        if not labelled:  # the note takes a line above the legend
            bottom -= _LEGEND_ROW
        right = self.width - _PAD - self.measure(tick_texts[-1], TICK_PT) / 2
        if labelled and thin and not dots:
            right = min(right, self.width - _PAD - 3 - max(self.measure(t, TICK_PT) for s in chart.series for t in s.texts))
        per_x = (right - left) / (limit - start)
        band = (bottom - top) / count

        def px(x: float) -> float:
            return left + (x - start) * per_x

        for t, text in zip(ticks, tick_texts, strict=True):
            self.items.append(Line(((px(t), top), (px(t), bottom)), _GRIDLINE))
            self.items.append(Line(((px(t), bottom), (px(t), bottom + _TICK_LEN)), _AXIS))
            self.items.append(Label(px(t), bottom + _TICK_LEN + _GAP + _ASCENT * TICK_PT, text, TICK_PT, anchor="middle"))
        axis_y = bottom + _TICK_LEN + _GAP + TICK_PT + 4 + _ASCENT * LABEL_PT
        self.items.append(Label((left + right) / 2, axis_y, axis_label(chart.unit), LABEL_PT, anchor="middle"))
        if not labelled:
            note = f"（圖中未標數值，各單位數值見「{report_headings()[1]}」）"
            self.items.append(Label((left + right) / 2, axis_y + _DESCENT * LABEL_PT + _LEGEND_ROW, note, TICK_PT, anchor="middle"))
        value_labels: list[Label] = []
        for i, category in enumerate(chart.categories):
            middle = top + (i + 0.5) * band
            self.items.append(Line(((left - _TICK_LEN, middle), (left, middle)), _AXIS))
            self.items.append(Label(left - _TICK_LEN - _GAP, middle + _MIDDLE * TICK_PT, category, TICK_PT, anchor="end"))
        for k, series in enumerate(chart.series):
            colour, marker, _ = series_style(k)
            fill, edge = bar_fill(k)
            for i, (value, text) in enumerate(zip(series.values, series.texts, strict=True)):
                if value is None:
                    continue
                middle = top + (i + 0.5 + (k - (n - 1) / 2) * height) * band
                baseline = middle + _MIDDLE * TICK_PT
                if dots:
                    self.items.append(Line(((left, middle), (px(value), middle)), _GRIDLINE))
                    self.items.append(Marker(px(value), middle, marker, _MARKER_PT, colour))
                    room = right - px(value) - _MARKER_PT
                    label = (
                        Label(px(value) + _MARKER_PT, baseline, text, TICK_PT)
                        if self.measure(text, TICK_PT) <= room
                        else Label(px(value) - _MARKER_PT, baseline, text, TICK_PT, anchor="end")
                    )
                else:
                    thick = height * _THICK * band
                    self.items.append(Box(left, middle - thick / 2, value * per_x, thick, fill, edge))
                    # A long bar carries its label inside, in white or black, whichever reads on
                    # its fill; only a bar as tall as the text: on a thinner one the white label
                    # ran out onto the paper and over the next bar, and could not be read.
                    inside = value >= limit * 0.25 and not thin
                    ink = WHITE if contrast(fill, WHITE) >= contrast(fill, INK) else INK
                    label = (
                        Label(px(value) - 4, baseline, text, TICK_PT, ink, "end")
                        if inside
                        else Label(px(value) + 3, baseline, text, TICK_PT)
                    )
                if labelled:
                    value_labels.append(label)
                    self.items.append(label)
        if chart.reference is not None:
            x = px(chart.reference)
            for y0, y1 in _open_spans(top, bottom, [self._rows_crossed(label, x) for label in value_labels]):
                self.items.append(Line(((x, y0), (x, y1)), _REFERENCE))
        self.frame(left, top, right, bottom)
        self.legend(entries, columns)
