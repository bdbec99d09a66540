"""Charts: valid PNGs at the inserted size, Chinese font, identical bytes for identical data."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

from sqdocs.errors import UserError
from sqdocs.load.results import load_results
from sqdocs.model import Plan
from sqdocs.report import ChartData, ChartSeries, CompiledReport, compile_report
from sqdocs.writers import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(plan: Plan) -> CompiledReport:
    results, _ = load_results(SAMPLE, plan)
    return compile_report(plan, results)


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
    rendered = charts.render_charts(report)
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


def test_font_is_a_cjk_file_on_the_machine() -> None:
    font = charts.find_font()
    assert font in charts.FONT_CANDIDATES and font.is_file()


def test_explicit_font_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="找不到字型檔"):
        charts.find_font(tmp_path / "none.ttf")


def test_end_labels_of_close_values_are_spread_apart() -> None:
    ends = [(2, 93.5), (2, 93.5), (2, 89.9), None]
    lift = charts._spread_labels(ends, 80.0, 100.0, charts.TREND_HEIGHT_MM)
    per_unit = charts.TREND_HEIGHT_MM / 25.4 * 72 * 0.6 / 20.0
    placed = sorted(v * per_unit + d for (_, v), d in zip(ends[:3], lift[:3], strict=True))
    assert all(b - a >= charts.TICK_PT * 1.3 - 1e-9 for a, b in zip(placed, placed[1:], strict=False))
    assert lift[2] == 0.0  # a label clear of the others stays by its point
    assert lift[0] == -lift[1] != 0  # two equal values: one label above, one below
    assert lift[3] == 0.0
