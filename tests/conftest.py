"""Shared fixtures: the sample plan and report, and helpers to copy and break them."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sqdocs.load import load_plan
from sqdocs.load.results import load_results
from sqdocs.model import Plan
from sqdocs.report import CompiledReport, compile_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "keelung-107"
SOURCE = ROOT / "tests" / "fixtures" / "keelung-107-service-quality-plan.txt"
"""The converted source of the sample data, as the project received it (beside the repository,
in shared/source/): kept here so the tests that read the data against it run on any clone."""
ORIGINAL_SOURCE = ROOT.parent / "shared" / "source" / SOURCE.name


@pytest.fixture(autouse=True, scope="session")
def _no_source_date_epoch() -> Iterator[None]:
    """Tests compare documents dated from the data; a build machine's SOURCE_DATE_EPOCH would
    re-date those the command line builds. The tests of that variable set it themselves.
    Session-wide, so fixtures that build once per module or session do not see it either."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The Keelung 107 sample plan, loaded once."""
    return load_plan(SAMPLE)


def compiled(folder: Path, plan: Plan) -> CompiledReport:
    """The report compiled from a data folder's results (its warnings set aside)."""
    results, _warnings = load_results(folder, plan)
    return compile_report(plan, results)


@pytest.fixture(scope="session")
def report(plan: Plan) -> CompiledReport:
    """The sample report, compiled once."""
    return compiled(SAMPLE, plan)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample data folder."""
    target = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, target)
    return target


SOP_RATE_OF_FIRST = "    indicators:\n      sop_rate: {numerator: 14, denominator: 15}\n"
"""第一分局's only figure under 申辦業務標準作業流程訂定情形, with the key that holds it."""
ONLINE_CASES_OF_FIRST = "      online_cases: {value: 1369}\n"
"""第一分局's 線上申辦件數, one of three figures under 開發線上申辦或跨平臺通用服務."""


SECRETARIAT_SIMPLIFIED = """\
  - dimension: 服務量能
    item: 內部作業簡化
    point: 簡化內部作業，並聚焦核心業務，創新精進服務
    outcome: 推動公文線上簽核，線上簽核率 88.6%，節省用紙 186,000 張；簡化財產盤點作業，節省工時 1,850 小時。
    evidence:
      - title: 秘書科內部作業簡化成果統計表
        kind: 文件
        date: 107 年 12 月 11 日
        supports: [1, 2]
    indicators:
      hours_saved: {value: 1850}
      paper_saved: {value: 186000}
"""
"""秘書科's whole result for the point 節省用紙張數 and 節省工時 count under (sums of three kinds of unit)."""


def replace_once(path: Path, old: str, new: str) -> None:
    """``path`` with ``old`` (there exactly once) written as ``new``: a clerk's edit of one line."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def left_out(folder: Path, unit: str, *texts: str) -> Path:
    """``unit``'s results file in ``folder`` with each of ``texts`` (there exactly once) deleted:
    a unit that handed in its results and forgot a figure."""
    path = folder / "results" / f"{unit}.yaml"
    content = path.read_text(encoding="utf-8")
    for text in texts:
        assert content.count(text) == 1, text
        content = content.replace(text, "")
    path.write_text(content, encoding="utf-8")
    return path


def moved_point(folder: Path) -> None:
    """The data of ``folder`` after the bureau moved 專人全程服務 from 服務可近性 to 服務便捷 in its
    附件 1 (附件 2, the Agency's form, unchanged): the point, and every unit's results, moved;
    the subplans, which are ``subplan update``'s to follow, removed."""
    annex1 = folder / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    start = text.index("          - name: 專人全程服務\n")
    end = text.index("          - name: 主動服務\n")
    block, text = text[start:end], text[:start] + text[end:]
    at = text.index("          - name: 其他服務作法\n")  # the first: 服務便捷's
    annex1.write_text(text[:at] + block + text[at:], encoding="utf-8")
    for path in (folder / "results").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(
            "item: 服務可近性\n    point: 專人全程服務", "item: 服務便捷\n    point: 專人全程服務"), encoding="utf-8")
    shutil.rmtree(folder / "subplans")


def with_text(plan: Plan, text: str) -> Plan:
    """The plan with ``text`` as the first practice (deadline 107 年 6 月 30 日), the first
    roster name, 參、執行對象 and the end of the title: where every writer must print
    data literally."""
    dim = plan.annex1.dimensions[0]
    item = dim.items[0]
    point = item.points[0]
    point = point.model_copy(update={"practices": [text, *point.practices[1:]], "deadline": date(2018, 6, 30)})
    item = item.model_copy(update={"points": [point, *item.points[1:]]})
    dim = dim.model_copy(update={"items": [item, *dim.items[1:]]})
    annex1 = plan.annex1.model_copy(update={"dimensions": [dim, *plan.annex1.dimensions[1:]]})
    member = plan.roster.members[0].model_copy(update={"name": text})
    roster = plan.roster.model_copy(update={"members": [member, *plan.roster.members[1:]]})
    body = plan.body.model_copy(update={"title": f"{plan.title} {text}", "targets": text})
    return dataclasses.replace(plan, body=body, annex1=annex1, roster=roster)


def with_photos(report: CompiledReport, folder: Path, count: int = 12) -> CompiledReport:
    """The report with ``count`` portrait photos (「現場照片 1」…, a phone's 3:4, 80 mm tall in the
    佐證資料 column) as the first unit's evidence on the first point, a document between the
    sixth and seventh: a results row taller than a page, made in ``folder``."""
    from PIL import Image

    from sqdocs.report import EvidenceItem

    path = folder / "現場.jpg"
    Image.new("RGB", (300, 400), (90, 140, 200)).save(path)
    unit = report.dimensions[0].items[0].points[0].contributions[0].unit
    photos = [EvidenceItem(unit=unit, title=f"現場照片 {n}", kind="照片", file="evidence/現場.jpg", path=path)
              for n in range(1, count + 1)]
    evidence = [*photos[:6], EvidenceItem(unit=unit, title="現場會議紀錄", kind="文件"), *photos[6:]]
    dim = report.dimensions[0]
    item, point = dim.items[0], dim.items[0].points[0]
    first = point.contributions[0].model_copy(update={"evidence": evidence})
    point = point.model_copy(update={"contributions": [first, *point.contributions[1:]]})
    item = item.model_copy(update={"points": [point, *item.points[1:]]})
    dim = dim.model_copy(update={"items": [item, *dim.items[1:]]})
    return report.model_copy(update={"dimensions": [dim, *report.dimensions[1:]]})


def photos_under_their_lines(pdf: Path, line: str = r"現場照片 ?\d+") -> int:
    """How many lines naming a photo of :func:`with_photos` (matching ``line``) the PDF has, each
    asserted to have its photo, and one only, just below it on its page."""
    import pdfplumber

    found = 0
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            images = [im for im in page.images if im["height"] > 50]
            for named in page.search(line):
                below = [im for im in images if 0 <= im["top"] - named["bottom"] < 10]
                assert len(below) == 1, (page.page_number, named["text"])
                found += 1
    return found


LONG_UNITS = ["刑事警察大隊", "交通警察大隊", "婦幼警察隊", "少年警察隊", "各分局", "勤務指揮中心", "公共關係室"]
"""A large bureau's 承辦單位, by their full names (新北市政府警察局)."""


def with_long_units(plan: Plan) -> Plan:
    """The plan with :data:`LONG_UNITS` as the 承辦單位 of its first point."""
    dim = plan.annex1.dimensions[0]
    item = dim.items[0]
    point = item.points[0].model_copy(update={"units": LONG_UNITS})
    item = item.model_copy(update={"points": [point, *item.points[1:]]})
    dim = dim.model_copy(update={"items": [item, *dim.items[1:]]})
    return dataclasses.replace(plan, annex1=plan.annex1.model_copy(update={"dimensions": [dim, *plan.annex1.dimensions[1:]]}))


def fill_markers(folder: Path) -> None:
    """What a clerk does: replace every marker with a real value."""
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'date: "【待填】[^"]*"', "date: 108 年 1 月 20 日", text)
        text = re.sub(r'number: "【待填】[^"]*"', "number: 發社字第 1081300001 號", text)
        text = re.sub(r'deadline: "【待填】[^"]*"', "deadline: 108 年 6 月 30 日", text)
        text = re.sub(r'name: "【待填】[^"]*"', "name: 王小明", text)
        path.write_text(text, encoding="utf-8")
