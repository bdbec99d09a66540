"""Charts: valid PNGs at the inserted size, Chinese font, identical bytes for identical data."""

from __future__ import annotations

import io
import itertools
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pytest
from conftest import ROOT
from PIL import Image, ImageChops

from sqdocs.errors import UserError
from sqdocs.model.results import CHART_MAX_INDICATORS
from sqdocs.report import ChartData, ChartSeries, CompiledReport
from sqdocs.writers import charts, fontfiles
from sqdocs.writers.charts import raster, scene
from sqdocs.writers.pdf import fonts as pdf_fonts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking each CRC."""
    assert png.startswith(PNG_SIGNATURE)
    found, at = [], len(PNG_SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + data) == crc
        found.append((kind, data))
        at += 12 + length
    return found


def test_every_sample_chart_is_a_png_at_print_size(report: CompiledReport) -> None:
    rendered = {chart.id: charts.render_chart(chart) for chart in report.charts}
    assert set(rendered) == {"satisfaction_trend", "online_trend", "on_time_by_unit"}
    for chart_id, png in rendered.items():
        parts = chunks(png)
        assert parts[0][0] == b"IHDR" and parts[-1][0] == b"IEND"
        width, height = struct.unpack(">II", parts[0][1][:8])
        w_mm, h_mm = charts.chart_size_mm(report.chart(chart_id))
        assert abs(width - w_mm / 25.4 * charts.DPI) < 1 and abs(height - h_mm / 25.4 * charts.DPI) < 1
        phys = dict(parts)[b"pHYs"]  # so Word and reportlab insert it at that size
        assert struct.unpack(">IIB", phys) == (round(charts.DPI / 0.0254),) * 2 + (1,)
        assert not [p for p in parts if p[0] in (b"tEXt", b"iTXt", b"zTXt", b"tIME")]  # no software, no date


def test_png_encoder_keeps_every_pixel_of_up_to_256_colours() -> None:
    image = Image.new("RGB", (37, 5), "white")
    image.putdata([(x * 7 % 256, y * 50, (x * y) % 256) for y in range(5) for x in range(37)])
    decoded = Image.open(io.BytesIO(raster.encode_png(image, 180)))
    assert decoded.mode == "P" and decoded.size == (37, 5)
    assert decoded.convert("RGB").tobytes() == image.tobytes()
    assert decoded.info["dpi"] == pytest.approx((180, 180), abs=0.01)


def test_png_encoder_keeps_a_chart_of_more_colours_close(report: CompiledReport, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chart's anti-aliased edges give it about a thousand colours; the PNG keeps 256,
    each pixel within a few levels of its own and the white paper white."""
    chart = report.chart("satisfaction_trend")
    faces = raster.Faces(fontfiles.resolve_main())
    drawn = {}
    real_encode = raster.encode_png

    def keep(image: Image.Image, dpi: int) -> bytes:
        drawn["image"] = image.convert("RGB")
        return real_encode(image, dpi)

    monkeypatch.setattr(raster, "encode_png", keep)
    png = raster.png(scene.layout(chart, raster.measure(faces)), faces, charts.DPI)
    original = drawn["image"]
    assert len(original.getcolors(1 << 16)) > 256
    decoded = Image.open(io.BytesIO(png))
    assert decoded.mode == "P"
    difference = ImageChops.difference(decoded.convert("RGB"), original)
    assert max(high for _, high in difference.getextrema()) <= 8
    assert decoded.convert("RGB").getpixel((1, 1)) == original.getpixel((1, 1)) == (255, 255, 255)


def test_labels_are_at_least_10_pt_and_dpi_prints_well() -> None:
    assert min(charts.TICK_PT, charts.LABEL_PT, charts.TITLE_PT) >= 10
    assert 150 <= charts.DPI <= 200


def test_same_data_same_bytes(report: CompiledReport) -> None:
    chart = report.chart("satisfaction_trend")
    assert charts.render_chart(chart) == charts.render_chart(chart)


def test_same_bytes_in_another_process(report: CompiledReport) -> None:
    chart = report.chart("on_time_by_unit")
    script = (
        "import sys; from sqdocs.report import ChartData; from sqdocs.writers.charts import render_chart;"
        "sys.stdout.buffer.write(render_chart(ChartData.model_validate_json(sys.stdin.read())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], input=chart.model_dump_json().encode(), capture_output=True, check=True, cwd=ROOT
    )
    assert out.stdout == charts.render_chart(chart)


def test_different_data_different_bytes(report: CompiledReport) -> None:
    chart = report.chart("online_trend")
    series = [chart.series[0].model_copy(update={"values": [30.0, 35.0, 40.0]}), *chart.series[1:]]
    assert charts.render_chart(chart.model_copy(update={"series": series})) != charts.render_chart(chart)


def test_chart_without_data_still_renders() -> None:
    empty = ChartData(
        id="x", title="無資料之圖", kind="units", unit="%", places=1, categories=[],
        series=[ChartSeries(label="處理時限內完成比率", values=[], texts=[])],
    )
    assert charts.render_chart(empty).startswith(PNG_SIGNATURE)


def test_a_gap_in_a_trend(report: CompiledReport) -> None:
    chart = report.chart("online_trend")
    gap = chart.series[0].model_copy(update={"values": [None, 41.2, 41.9], "texts": ["", "41.2%", "41.9%"]})
    assert charts.render_chart(chart.model_copy(update={"series": [gap]})).startswith(PNG_SIGNATURE)


def test_charts_are_drawn_in_the_face_of_the_pdf_text(monkeypatch, report: CompiledReport) -> None:
    chart = report.chart("online_trend")
    monkeypatch.delenv(fontfiles.ENV_FONT, raising=False)
    main = pdf_fonts.resolve_main()
    assert charts.render_chart(chart) == charts.render_chart(chart, font=main.path)
    ukai = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    if ukai.is_file() and main.path != ukai:  # the user's choice reaches the chart images too
        monkeypatch.setenv(fontfiles.ENV_FONT, str(ukai))
        by_env = charts.render_chart(chart)
        assert by_env == charts.render_chart(chart, font=ukai) != charts.render_chart(chart, font=main.path)
        assert fontfiles.resolve_main() == fontfiles.FontRef(ukai, 2)  # AR PL UKai TW, not CN


def test_a_broken_font_file_is_a_clear_error(tmp_path: Path, report: CompiledReport) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"\0\1\0\0" + bytes(100))
    with pytest.raises(UserError, match="無法使用此字型"):
        charts.render_chart(report.chart("online_trend"), font=broken)


def test_explicit_font_must_exist(tmp_path: Path, report: CompiledReport) -> None:
    with pytest.raises(UserError, match="找不到字型檔"):
        charts.render_chart(report.chart("online_trend"), font=tmp_path / "none.ttf")


def test_end_labels_of_close_values_are_spread_apart() -> None:
    ends = [(2, 93.5), (2, 93.5), (2, 89.9), None]
    per_unit, gap = 9.0, charts.TICK_PT * 1.3
    lift = scene.spread_labels(ends, per_unit, gap)
    placed = sorted(v * per_unit + d for (_, v), d in zip(ends[:3], lift[:3], strict=True))
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(placed))
    assert lift[2] == 0.0  # a label clear of the others stays by its point
    assert lift[0] == -lift[1] != 0  # two equal values: one label above, one below
    assert lift[3] == 0.0


@pytest.mark.parametrize(
    ("low", "high", "count", "expected"),
    [
        (81.2, 98.0, 9, [82, 84, 86, 88, 90, 92, 94, 96, 98]),
        (0.0, 100.0, 5, [0, 20, 40, 60, 80, 100]),
        (0.0, 4.4, 5, [0, 1, 2, 3, 4]),
        (5.3, 54.1, 9, [10, 20, 30, 40, 50]),
        (0.0, 1.1, 5, [0, 0.25, 0.5, 0.75, 1.0]),
    ],
)
def test_nice_ticks(low, high, count, expected) -> None:
    assert scene.nice_ticks(low, high, count) == pytest.approx(expected)


def test_tick_texts_have_the_places_of_the_step() -> None:
    assert [scene.tick_text(t, [0, 2.5, 5]) for t in (0, 2.5, 5)] == ["0.0", "2.5", "5.0"]
    assert scene.tick_text(90, [85, 90, 95]) == "90"


def test_axis_figures_are_grouped_by_thousands_as_the_values(report: CompiledReport) -> None:
    """A trend of 免附書表件數 (8,450 → 12,411 件): its axis read 「14000」 beside 「12,411 件」."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    chart = ChartData(
        id="documents", title="免附書表件數趨勢", kind="trend", unit="件", places=0, categories=["105 年", "106 年", "107 年"],
        series=[ChartSeries(label="免附書表件數", values=[8450.0, 9620.0, 12411.0], texts=["8,450 件", "9,620 件", "12,411 件"])],
    )
    texts = [i.text for i in scene.layout(chart, measure).items if isinstance(i, scene.Label)]
    assert "12,411 件" in texts
    ticks = [t for t in texts if t.replace(",", "").isdigit() and int(t.replace(",", "")) >= 1000]
    assert ticks and all(t == f"{int(t.replace(',', '')):,}" and "," in t for t in ticks), ticks


def test_dashes_follow_the_pattern_across_corners() -> None:
    pieces = raster._dashes([(0, 0), (10, 0), (10, 10)], [4.0, 2.0])
    assert [p[0] for p in pieces] == [(0, 0), (6.0, 0), (10, 2.0), (10, 8.0)]
    assert pieces[1] == [(6.0, 0), (10, 0), (10, 0.0)]  # a dash turns the corner


def _extent(item, measure) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a scene item (a label from its font metrics)."""
    if isinstance(item, scene.Line):
        xs, ys = [p[0] for p in item.points], [p[1] for p in item.points]
        return min(xs), min(ys), max(xs), max(ys)
    if isinstance(item, scene.Box):
        return item.x, item.y, item.x + item.width, item.y + item.height
    if isinstance(item, scene.Marker):
        r = item.size / 2
        return item.x - r, item.y - r, item.x + r, item.y + r
    length = measure(item.text, item.size)
    start = {"start": 0.0, "middle": -length / 2, "end": -length}[item.anchor]
    if item.vertical:
        return item.x - 0.88 * item.size, item.y - start - length, item.x + 0.12 * item.size, item.y - start
    return item.x + start, item.y - 0.88 * item.size, item.x + start + length, item.y + 0.12 * item.size


def _crowded() -> list[ChartData]:
    units = [f"第{n}分局駐在所派出所" for n in range(1, 26)]
    return [
        ChartData(
            id="many", title="二十五個單位的長條圖", kind="units", unit="件", places=0, categories=units,
            series=[ChartSeries(label="件數", values=[float(n * 37) for n in range(25)], texts=[str(n * 37) for n in range(25)])],
        ),
        ChartData(
            id="six", title="六條線", kind="trend", unit="分", places=1, categories=["105 年", "106 年", "107 年"],
            series=[
                ChartSeries(label=f"指標{k}很長的名稱", values=[80.0 + k, 81.0 + k, 82.0], texts=[f"{80 + k}.0", f"{81 + k}.0", "82.0"])
                for k in range(6)
            ],
        ),
    ]


def test_everything_is_drawn_inside_the_chart(report: CompiledReport) -> None:
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    for chart in [*report.charts, *_crowded()]:
        laid = scene.layout(chart, measure)
        assert (laid.width, laid.height) == pytest.approx(tuple(v * scene.MM for v in charts.chart_size_mm(chart)))
        for item in laid.items:
            left, top, right, bottom = _extent(item, measure)
            assert left >= -0.5 and top >= -0.5 and right <= laid.width + 0.5 and bottom <= laid.height + 0.5, (chart.id, item)


def test_a_percentage_axis_has_no_tick_above_100() -> None:
    """Rates far apart (31.5% and 99.2%) leave room above 100 for the labels; its ticks stopped at
    120, a rate no indicator reaches."""
    chart = ChartData(
        id="apart", title="差距大的比率", kind="trend", unit="%", places=1, categories=["107 年", "108 年", "109 年"],
        series=[
            ChartSeries(label="甲", values=[31.5, 40.0, 52.3], texts=["31.5", "40.0", "52.3"]),
            ChartSeries(label="乙", values=[97.0, 98.1, 99.2], texts=["97.0", "98.1", "99.2"]),
        ],
    )
    laid = scene.layout(chart, raster.measure(raster.Faces(fontfiles.resolve_main())))
    ticks = [float(i.text) for i in laid.items if isinstance(i, scene.Label) and i.anchor == "end"]
    assert ticks and max(ticks) == 100.0, ticks
    assert max(i.y for i in laid.items if isinstance(i, scene.Label) and i.text == "99.2") > 0  # the label still fits


def test_crowded_charts_and_a_zero_bar_render() -> None:
    for chart in _crowded():
        png = charts.render_chart(chart, dpi=60)
        assert dict(chunks(png))[b"IHDR"]


def test_labels_do_not_overlap(report: CompiledReport) -> None:
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    for chart in [*report.charts, *_crowded()]:
        boxes = [(_extent(i, measure), i.text) for i in scene.layout(chart, measure).items if isinstance(i, scene.Label)]
        for (a, text_a), (b, text_b) in itertools.combinations(boxes, 2):
            apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
            assert apart, (chart.id, text_a, text_b)


EXT_B = "\U00020000"  # 𠀀: CJK Extension B, in TW-Kai-Ext-B and HanaMinB but not in the main Kai faces
NO_FONT = "\U0010FFFD"  # private use: no font has it


def _faces_with(ch: str) -> list[fontfiles.FontRef]:
    main = fontfiles.resolve_main()
    return [r for r in [main, *fontfiles.fallback_candidates(main)] if r.path.is_file() and ch in fontfiles.coverage(r)]


@pytest.mark.parametrize("name", ["TW-Kai-98_1.ttf", "TW-Kai-Ext-B-98_1.ttf"])
def test_coverage_reads_the_cmap_as_reportlab_does(name: str) -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = fontfiles.CNS_DIR / name
    if not path.is_file():
        pytest.skip("fonts-cns11643-kai is not installed")
    covered = fontfiles.coverage(fontfiles.FontRef(path))
    assert covered is not None
    theirs = {code for code, glyph in TTFontFile(str(path)).charToGlyph.items() if glyph and code != 0xA0}
    ours = {code for code in range(0x20, 0x30000) if code != 0xA0 and chr(code) in covered}  # reportlab aliases NBSP
    assert ours == {code for code in theirs if 0x20 <= code < 0x30000} and len(ours) > 30000


def test_a_character_the_main_face_lacks_is_drawn_from_a_fallback(report: CompiledReport) -> None:
    main = fontfiles.resolve_main()
    if EXT_B in fontfiles.coverage(main) or not _faces_with(EXT_B):
        pytest.skip("needs a main face without Extension B and a fallback with it (fonts-cns11643-kai)")
    faces = raster.Faces(main)
    runs = faces.runs(f"第一{EXT_B}分局")
    assert [text for _, text in runs] == ["第一", EXT_B, "分局"]
    assert runs[0][0] == runs[2][0] == main and runs[1][0] == _faces_with(EXT_B)[0] and not faces.missing
    chart = report.chart("on_time_by_unit")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = charts.render_chart(chart.model_copy(update={"title": f"{chart.title}{EXT_B}"}))
        boxed = charts.render_chart(chart.model_copy(update={"title": f"{chart.title}{NO_FONT}"}))
    # Without the fallback both would show the main face's empty box, and be the same image.
    assert drawn != boxed
    messages = [str(w.message) for w in caught if issubclass(w.category, fontfiles.MissingGlyphWarning)]
    assert len(messages) == 1 and "U+10FFFD" in messages[0] and chart.title in messages[0]


def test_a_missing_character_is_warned_about_each_time_the_chart_is_used(report: CompiledReport) -> None:
    chart = report.chart("online_trend").model_copy(update={"categories": ["105 年", f"106{NO_FONT}", "107 年"]})
    for _ in range(2):  # the image is drawn once per process; the .docx and the .odt both need the warning
        with pytest.warns(fontfiles.MissingGlyphWarning, match="U\\+10FFFD"):
            charts.render_chart(chart)


def test_the_bureau_line_does_not_strike_through_value_labels() -> None:
    """With many units the values crowd around the bureau figure: the dashed 全局 line ran
    through 「95.5 分」「92.3 分」. It is broken where a label is, and drawn everywhere else."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    values = [88.7 + (n % 7 - 3) * 1.9 for n in range(23)]
    chart = ChartData(
        id="crowd", title="電話禮貌測試平均成績", kind="units", unit="分", places=1,
        categories=[f"第{n}分局" for n in range(1, 24)],
        series=[ChartSeries(label="成績", values=values, texts=[f"{v:.1f} 分" for v in values])],
        reference=88.7, reference_label="全局 88.7 分",
    )
    laid = scene.layout(chart, measure)
    lines = [i for i in laid.items if isinstance(i, scene.Line) and i.stroke == scene._REFERENCE]
    labels = [_extent(i, measure) for i in laid.items if isinstance(i, scene.Label) and i.text.endswith(" 分")]
    crossed = [box for box in labels if box[0] <= lines[0].points[0][0] <= box[2]]
    assert crossed  # the case: labels the line would cross
    for line in lines:
        (x, y0), (_, y1) = line.points
        for left, top, right, bottom in crossed:
            assert y1 <= top or y0 >= bottom, (line, (left, top, right, bottom))
    drawn = sum(line.points[1][1] - line.points[0][1] for line in lines)
    assert drawn > 0.5 * (lines[-1].points[1][1] - lines[0].points[0][1])  # still a line, not a few dashes


@pytest.mark.parametrize(("values", "limit", "first", "last"), [
    ([99.1, 99.3, 99.8], 100.0, 98.0, 100.0),  # rates near 100%: an axis near them
    ([1000.0, 1050.0], 1155.0, 900.0, 1150.0),
])
def test_values_close_together_get_an_axis_that_starts_near_them(values, limit, first, last) -> None:
    ticks = scene.dot_axis(values, limit)
    assert ticks is not None and first <= ticks[0] < min(values) and ticks[-1] == pytest.approx(last)
    assert ticks == sorted(ticks) and len(ticks) >= 3


@pytest.mark.parametrize("values", [[20.0, 90.0], [0.0, 0.5], [60.0, 95.0]])
def test_values_bars_from_zero_tell_apart_keep_the_bars(values) -> None:
    assert scene.dot_axis(values, 100.0) is None


def test_unit_rates_that_bars_would_draw_alike_are_dots_where_they_differ(report: CompiledReport) -> None:
    """各單位申辦案件處理時限內完成比率 is 99.1–99.8%: from 0 every bar had one length and the
    全局 line sat on their ends. As dots on an axis near them, 99.1 and 99.8 lie far apart."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    chart = report.chart("on_time_by_unit")
    laid = scene.layout(chart, measure)
    assert not [i for i in laid.items if isinstance(i, scene.Box)]
    dots = [i for i in laid.items if isinstance(i, scene.Marker)]
    values = [v for v in chart.series[0].values if v is not None]
    assert len(dots) == len(values) + 1  # and the legend's
    xs = [d.x for d in dots[: len(values)]]
    assert max(xs) - min(xs) > laid.width / 4  # spread across the chart, not within 3 pt of bar ends
    assert sorted(range(len(xs)), key=xs.__getitem__) == sorted(range(len(values)), key=values.__getitem__)
    line = next(i for i in laid.items if isinstance(i, scene.Line) and i.stroke == scene._REFERENCE)
    assert min(xs) < line.points[0][0] < max(xs)  # the bureau's 99.4% among them


def _trend(count: int) -> ChartData:
    return ChartData(
        id="many_lines", title="多項滿意度趨勢", kind="trend", unit="%", places=1, categories=["105 年", "106 年", "107 年"],
        series=[
            ChartSeries(label=f"滿意度{k}", values=[80.0 + k, 81.0 + k, 82.0 + k], texts=["", "", f"{82 + k}.0%"])
            for k in range(count)
        ],
    )


@pytest.mark.parametrize("count", [2, 6, 7, 12])
def test_every_line_of_a_trend_has_its_own_marker_and_dash(count: int) -> None:
    """Printed in black and white, a line is told only by its markers and its dashes: the 7th of
    seven was drawn as the 1st (the same dots on the same solid line, in the same colour), and
    their legend entries were alike too."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    laid = scene.layout(_trend(count), measure)
    lines = [i for i in laid.items if isinstance(i, scene.Line) and i.stroke.width == scene._LINE_PT]
    markers = [i for i in laid.items if isinstance(i, scene.Marker)]

    def looks(line: scene.Line) -> set[tuple[str, tuple[float, ...]]]:
        """(marker, dash) of the markers drawn on ``line``, in its colour."""
        on = [m for m in markers if m.colour == line.stroke.colour and any(
            abs(m.y - (y0 + (y1 - y0) * (m.x - x0) / (x1 - x0))) < 0.01 and x0 <= m.x <= x1
            for (x0, y0), (x1, y1) in zip(line.points, line.points[1:], strict=False))]
        return {(m.shape, line.stroke.dash) for m in on}

    samples = [line for line in lines if line.points[1][0] - line.points[0][0] == pytest.approx(22.0)]
    plotted = [line for line in lines if line not in samples]
    assert len(plotted) == count and len(samples) == (count if count > 1 else 0)
    drawn = [looks(line) for line in plotted]
    assert all(len(d) == 1 for d in drawn)  # each line carries one marker
    assert len(set().union(*drawn)) == count  # and no two lines look alike
    assert [looks(line) for line in samples] == drawn  # the legend shows each as drawn


@pytest.mark.parametrize("count", [3, 6, 9, 12])
def test_the_end_labels_of_many_close_lines_stay_apart_inside_the_plot(count: int) -> None:
    """Lines a point apart stack their end labels at the last year: with 12 the stack ran above
    the chart's top (93.0% cut off) and down over the years' labels under the plot."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    laid = scene.layout(_trend(count), measure)
    texts = {s.texts[-1] for s in _trend(count).series}
    ends = sorted((i for i in laid.items if isinstance(i, scene.Label) and i.text in texts), key=lambda label: label.y)
    assert len(ends) == count
    axis = next(i for i in laid.items if isinstance(i, scene.Line) and i.stroke == scene._AXIS and len(i.points) == 3)
    (_, top), _, (_, bottom) = axis.points
    for label in ends:
        assert top - 1e-6 <= label.y - scene._ASCENT * label.size and label.y + scene._DESCENT * label.size <= bottom + 1e-6
    assert all(b.y - a.y >= label.size * 1.3 - 1e-6 for a, b in itertools.pairwise(ends))


def _grey(colour: str) -> float:
    """How light ``colour`` prints in grey, 0 to 1 (0.299 R + 0.587 G + 0.114 B, as printers and pdftoppm -gray)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    def lum(colour: str) -> float:
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _units(series: int, units: int = 6) -> ChartData:
    """``series`` rates of ``units`` units, bars from 0 (they differ by far more than a fifth)."""
    values = [[20.0 + 7 * i + 3 * k for i in range(units)] for k in range(series)]
    return ChartData(
        id="rates", title="各單位線上申辦比率", kind="units", unit="%", places=1,
        categories=[f"第{i + 1}分局" for i in range(units)],
        series=[ChartSeries(label=f"比率{k}", values=v, texts=[f"{x:.1f}%" for x in v]) for k, v in enumerate(values)],
    )


@pytest.mark.parametrize("count", [1, 2, 3, 6])
def test_bars_of_several_indicators_tell_apart_in_grey_and_their_labels_read(count: int) -> None:
    """Printed in black and white (or read by someone who does not tell red from green), bars of
    different indicators differ only by how dark they are: the orange and green bars printed as
    one grey (0.45 and 0.42), as did the 6th blue. And the white value labels, set inside bars
    thinner than the text, ran out onto the paper and over the next bar."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    chart = _units(count)
    laid = scene.layout(chart, measure)
    boxes = [i for i in laid.items if isinstance(i, scene.Box)]
    fills = list(dict.fromkeys(b.fill for b in boxes))
    assert len(fills) == count
    for a, b in itertools.combinations(fills, 2):
        assert abs(_grey(a) - _grey(b)) >= 0.12, (a, b)
    for box in boxes:  # a light bar is outlined, so it shows on the paper
        assert _contrast(box.fill, "#ffffff") >= 3 or getattr(box, "edge", None) == "#000000", box
    labels = [i for i in laid.items if isinstance(i, scene.Label) and i.text.endswith("%") and "（" not in i.text]
    assert len(labels) == count * len(chart.categories)
    for label in labels:
        left, top, right, bottom = _extent(label, measure)
        under = [b for b in boxes if b.x <= left and right <= b.x + b.width and b.y <= top and bottom <= b.y + b.height]
        over = [b for b in boxes if not (right <= b.x or left >= b.x + b.width or bottom <= b.y or top >= b.y + b.height)]
        ground = under[0].fill if under else "#ffffff"
        assert len(over) == len(under) <= 1, (label, over)  # on one bar, whole, or on the paper
        assert _contrast(label.colour, ground) >= 4.5, (label, ground)
    for (a, text_a), (b, text_b) in itertools.combinations([(_extent(i, measure), i.text) for i in labels], 2):
        apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
        assert apart, (text_a, text_b)


def _crowd(series: int, units: int, *, dots: bool) -> ChartData:
    """``series`` rates of ``units`` units with names of a real bureau's length: bars from 0, or
    rates within 90–99% (dots on an axis near them)."""
    def value(i: int, k: int) -> float:
        step = (i * 7 + k * 11) % 23
        return 90.0 + step * 0.4 if dots else 3.0 + step * 4.3
    return ChartData(
        id="crowd", title="各單位比率", kind="units", unit="%", places=1,
        categories=[f"第{i + 1}分局" if i % 3 else f"刑事警察大隊{i + 1}" for i in range(units)],
        series=[
            ChartSeries(label=f"比率{k + 1}", values=[value(i, k) for i in range(units)],
                        texts=[f"{value(i, k):.1f}%" for i in range(units)])
            for k in range(series)
        ],
    )


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return not (a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5)


@pytest.mark.parametrize("dots", [False, True], ids=["bars", "dots"])
@pytest.mark.parametrize(("series", "units"), [(1, 7), (2, 6), (3, 6), (6, 6), (1, 25), (2, 25), (3, 25), (8, 25), (1, 45)])
def test_value_labels_of_many_units_stay_apart_or_are_left_to_the_text(series: int, units: int, dots: bool) -> None:
    """25 units × 3 rates on one page gave each bar a row thinner than its label: 「40.0%」 lay
    over 「36.7%」 and over the next bar. A value is labelled only where its row holds the text;
    else no value is, and the chart says where the report gives them (each unit's figures under
    its outcome in 貳)."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    chart = _crowd(series, units, dots=dots)
    laid = scene.layout(chart, measure)
    assert any(isinstance(i, scene.Marker) for i in laid.items) == (dots or series > 6)
    texts = {t for s in chart.series for t in s.texts}
    values = [i for i in laid.items if isinstance(i, scene.Label) and i.text in texts]
    notes = [i for i in laid.items if isinstance(i, scene.Label) and "貳、各評核構面執行成果" in i.text]
    if values or units <= 7:  # every value (always for a few units), or none and the note
        assert len(values) == series * units and not notes
    else:
        assert len(notes) == 1
    shapes = [i for i in laid.items if isinstance(i, scene.Box | scene.Marker)][: series * units]  # not the legend's
    for label in values:
        box = _extent(label, measure)
        assert box[2] <= laid.width + 0.5, label
        hit = [s for s in shapes if _overlap(box, _extent(s, measure))]
        inside = [s for s in hit if isinstance(s, scene.Box) and s.x <= box[0] and box[2] <= s.x + s.width
                  and s.y <= box[1] and box[3] <= s.y + s.height]
        assert hit == inside and len(inside) <= 1, (label, hit)  # on its own bar, whole, or on the paper
    labels = [(_extent(i, measure), i.text) for i in laid.items if isinstance(i, scene.Label)]
    for (a, text_a), (b, text_b) in itertools.combinations(labels, 2):
        assert not _overlap(a, b), (text_a, text_b)


@pytest.mark.parametrize("dots", [False, True], ids=["from_zero", "near"])
@pytest.mark.parametrize("series", [6, 7, 8, 12])
def test_every_indicator_of_a_units_chart_has_its_own_marker_or_grey(series: int, dots: bool) -> None:
    """Printed in black and white, a units chart of more than six indicators repeated the 1st's
    dot for the 7th (the same shape, in the same colour) and the 1st's fill for a 7th bar. Up to
    six are bars of greys apart; more are dots, each a marker of its own, in the chart and in
    its legend; up to 12 indicators, as many as a chart may have."""
    measure = raster.measure(raster.Faces(fontfiles.resolve_main()))
    chart = _crowd(series, 8, dots=dots)
    laid = scene.layout(chart, measure)
    markers = [i for i in laid.items if isinstance(i, scene.Marker)]
    boxes = [i for i in laid.items if isinstance(i, scene.Box)]
    if series <= 6 and not dots:
        assert not markers and len({b.fill for b in boxes}) == series
        return
    assert not boxes and len(markers) == series * 8 + series
    plotted, legend = markers[:-series], markers[-series:]
    looks = [{(m.shape, m.colour) for m in plotted[k * 8:(k + 1) * 8]} for k in range(series)]
    assert all(len(look) == 1 for look in looks)  # each indicator's dots alike
    shapes = [next(iter(look))[0] for look in looks]
    assert len(set(shapes)) == series  # and no two indicators' alike, colour aside
    assert [m.shape for m in legend] == shapes
    assert len(scene.MARKERS) >= CHART_MAX_INDICATORS


def test_open_markers_are_drawn_as_outlines() -> None:
    """An open marker is white inside its coloured outline, in the PNG as in the PDF."""
    chart = _crowd(8, 2, dots=True)
    laid = scene.layout(chart, raster.measure(raster.Faces(fontfiles.resolve_main())))
    ring = next(m for m in laid.items if isinstance(m, scene.Marker) and m.shape == "circle_open")
    png = raster.png(scene.Scene(laid.width, laid.height, (ring,)), raster.Faces(fontfiles.resolve_main()), 360)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = 360 / 72
    x, y = round(ring.x * scale), round(ring.y * scale)
    assert image.getpixel((x, y)) == (255, 255, 255)  # the middle white
    edge = image.getpixel((round((ring.x + ring.size / 2 - scene.HOLLOW_PT / 2) * scale), y))
    assert edge != (255, 255, 255)  # the outline in colour
