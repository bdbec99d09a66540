"""Charts of the annual report as PNG bytes: trend lines over the years, one bar per unit.

Drawn with matplotlib's Agg canvas directly (no pyplot, no global backend). Each chart is drawn
at the size it is meant to be inserted (:func:`chart_size_mm`), so the point sizes below are the
printed sizes: labels ≥ 10 pt. The same data gives the same bytes: fixed rcParams, no
timestamp or software name in the PNG, a fixed font file.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.report.model import ChartData, CompiledReport

CHART_WIDTH_MM = 160.0
TREND_HEIGHT_MM = 95.0
DPI = 180
TITLE_PT = 13
LABEL_PT = 11
TICK_PT = 10

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/cns11643/TW-Kai-98_1.ttf"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)

# Colours that stay apart in grey when printed, each with its own marker and dash.
_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#7f6000", "#2e75b6")
_MARKERS = ("o", "s", "^", "D", "v", "P")
_DASHES = ("-", "--", "-.", ":", "-", "--")
_MM_PER_INCH = 25.4

_RC = {
    "axes.unicode_minus": False,  # the CJK faces lack U+2212
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": TITLE_PT,
    "axes.labelsize": LABEL_PT,
    "xtick.labelsize": TICK_PT,
    "ytick.labelsize": TICK_PT,
    "legend.fontsize": TICK_PT,
    "font.size": LABEL_PT,
    "savefig.dpi": DPI,
    "svg.hashsalt": "sqdocs",
    "path.simplify": False,
}


def find_font(font: Path | None = None) -> Path:
    """The CJK font file charts use: ``font`` if given, else the first installed candidate."""
    if font is not None:
        if not font.is_file():
            raise UserError(f"{font}：找不到字型檔")
        return font
    for candidate in FONT_CANDIDATES:
        if candidate.is_file():
            return candidate
    names = "、".join(str(c) for c in FONT_CANDIDATES)
    raise UserError(f"找不到中文字型（{names}）；請執行 scripts/setup.sh 安裝，或以 --font 指定字型檔")


def _family(path: Path) -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def chart_size_mm(chart: ChartData) -> tuple[float, float]:
    """Width and height (mm) a chart is drawn at, and should be inserted at."""
    if chart.kind == "units":
        return CHART_WIDTH_MM, max(60.0, 28.0 + 9.0 * len(chart.categories))
    return CHART_WIDTH_MM, TREND_HEIGHT_MM


def render_chart(chart: ChartData, *, font: Path | None = None, dpi: int = DPI) -> bytes:
    """One chart as PNG bytes (drawn once per process for the same chart, font and resolution)."""
    return _render_cached(chart.model_dump_json(), find_font(font), dpi)


# A report built as .docx, .pdf and .odt shows the same charts: draw each once.
@functools.lru_cache(maxsize=32)
def _render_cached(chart_json: str, font: Path, dpi: int) -> bytes:
    chart = ChartData.model_validate_json(chart_json)
    family = _family(font)
    width, height = chart_size_mm(chart)
    # Imported here: matplotlib takes a third of a second to import, and only reports need it.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # ignore any matplotlibrc of the machine
        matplotlib.rcParams.update(_RC)
        matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
        fig = Figure(figsize=(width / _MM_PER_INCH, height / _MM_PER_INCH), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_title(chart.title, fontsize=TITLE_PT)
        has_data = any(v is not None for s in chart.series for v in s.values)
        if not has_data:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "無數據", ha="center", va="center", fontsize=LABEL_PT, transform=ax.transAxes)
        elif chart.kind == "trend":
            _trend(ax, chart)
        else:
            _bars(ax, chart)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def render_charts(report: CompiledReport, *, font: Path | None = None, dpi: int = DPI) -> dict[str, bytes]:
    """Every chart of the report, by chart id."""
    return {chart.id: render_chart(chart, font=font, dpi=dpi) for chart in report.charts}


def _axis_label(unit: str) -> str:
    return {"%": "百分比（%）", "分": "分數（分）", "日": "日數（日）", "小時": "時數（小時）"}.get(unit, f"數量（{unit}）")


def _limits(values: Iterable[float], unit: str) -> tuple[float, float]:
    """A y range that shows the differences without exaggerating them."""
    values = list(values)
    low, high = min(values), max(values)
    span = max(high - low, 1.0)
    bottom = max(0.0, low - span * 0.8)
    top = high + span * 0.6
    if unit == "%":
        top = min(top, 100.0 + span * 0.3)
    return bottom, top


def _trend(ax, chart: ChartData) -> None:  # type: ignore[no-untyped-def]
    positions = list(range(len(chart.categories)))
    values = [v for s in chart.series for v in s.values if v is not None]
    bottom, top = _limits(values, chart.unit)
    label_all = len(chart.series) <= 2
    # Where two lines meet at a year, the higher value is labelled above, the lower below.
    highest = {
        x: max((s.values[x] for s in chart.series if s.values[x] is not None), default=None) for x in positions
    }
    # Many lines carry only their last value, beside the line end; close values are spread apart.
    ends = [next(((x, v) for x, v in reversed(list(enumerate(s.values))) if v is not None), None) for s in chart.series]
    lift = _spread_labels(ends, bottom, top, chart_size_mm(chart)[1])
    for k, series in enumerate(chart.series):
        colour = _COLOURS[k % 6]
        points = [(x, v, t) for x, v, t in zip(positions, series.values, series.texts, strict=True) if v is not None]
        ax.plot(
            [p[0] for p in points], [p[1] for p in points], color=colour, marker=_MARKERS[k % 6],
            linestyle=_DASHES[k % 6], linewidth=1.8, markersize=6, label=series.label,
        )
        for x, y, text in points if label_all else points[-1:]:
            if not label_all:
                offset, ha, va = (8, lift[k]), "left", "center"
            elif y >= (highest[x] or y):
                offset, ha, va = (0, 7), "center", "bottom"
            else:
                offset, ha, va = (0, -9), "center", "top"
            ax.annotate(text, (x, y), textcoords="offset points", xytext=offset, ha=ha, va=va,
                        fontsize=TICK_PT, color=colour)
    ax.set_xticks(positions, chart.categories)
    ax.set_xlim(-0.4, len(positions) - 1 + (0.4 if label_all else 0.9))
    ax.set_ylim(bottom, top)
    ax.set_ylabel(_axis_label(chart.unit))
    ax.grid(axis="y", color="#d9d9d9", linewidth=0.6)
    ax.set_axisbelow(True)
    if len(chart.series) > 1:
        fig = ax.get_figure()
        fig.legend(loc="outside lower center", ncols=2, frameon=False)


def _spread_labels(
    ends: list[tuple[int, float] | None], bottom: float, top: float, height_mm: float
) -> list[float]:
    """Vertical offsets (pt) that keep labels at the same x at least a line apart: labels that
    would touch are stacked a line apart, centred on their points; the others stay put. The plot
    area is taken as about 60 % of the chart's height."""
    points_per_unit = height_mm / _MM_PER_INCH * 72 * 0.6 / (top - bottom)
    gap = TICK_PT * 1.3
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
    return lift


def _bars(ax, chart: ChartData) -> None:  # type: ignore[no-untyped-def]
    count = len(chart.categories)
    n = len(chart.series)
    values = [v for s in chart.series for v in s.values if v is not None]
    limit = 100.0 if chart.unit == "%" else max(values) * 1.1
    height = 0.7 / n
    for k, series in enumerate(chart.series):
        ys = [i + (k - (n - 1) / 2) * height for i in range(count)]
        widths = [v if v is not None else 0.0 for v in series.values]
        ax.barh(ys, widths, height=height * 0.9, color=_COLOURS[k % 6], label=series.label)
        for y, value, text in zip(ys, series.values, series.texts, strict=True):
            if value is None:
                continue
            inside = value >= limit * 0.25  # long bars carry their label inside, in white
            ax.annotate(
                text, (value, y), textcoords="offset points", xytext=(-4, 0) if inside else (3, 0),
                ha="right" if inside else "left", va="center", fontsize=TICK_PT,
                color="white" if inside else "black",
            )
    ax.set_yticks(range(count), chart.categories)
    ax.invert_yaxis()  # registry order, top to bottom
    ax.set_xlim(0, limit)
    ax.set_xlabel(_axis_label(chart.unit))
    ax.grid(axis="x", color="#d9d9d9", linewidth=0.6)
    ax.set_axisbelow(True)
    if chart.reference is not None:
        ax.axvline(chart.reference, color="#404040", linestyle="--", linewidth=1.2, label=chart.reference_label)
    if n > 1 or chart.reference is not None:
        ax.get_figure().legend(loc="outside lower center", ncols=min(n + 1, 4), frameon=False)
