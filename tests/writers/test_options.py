"""BuildOptions reach the documents the same way through the library as through `sqdocs build`."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pypdf
import pytest

from sqdocs.derive import detailed_plan
from sqdocs.load import load_subplans
from sqdocs.model import Plan
from sqdocs.options import BuildOptions
from sqdocs.writers import docx, odt, pdf
from tests.conftest import SAMPLE

PINNED = date(2019, 1, 1)


def _dates(fmt: str, data: bytes) -> set[str]:
    """Every date a file says it was made on, as yyyy-mm-dd."""
    if fmt == "pdf":
        info = pypdf.PdfReader(io.BytesIO(data)).metadata
        return {f"{v[2:6]}-{v[6:8]}-{v[8:10]}" for v in (info["/CreationDate"], info["/ModDate"])}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        meta = z.read("docProps/core.xml" if fmt == "docx" else "meta.xml").decode()
        stamps = {f"{y:04d}-{m:02d}-{d:02d}" for y, m, d, *_ in (i.date_time for i in z.infolist())}
    return stamps | set(re.findall(r">(\d{4}-\d\d-\d\d)T", meta))


@pytest.fixture(scope="module")
def subplan(plan: Plan):
    return load_subplans(SAMPLE, plan)["第一分局"].subplan


@pytest.mark.parametrize("writer", [docx, pdf, odt], ids=["docx", "pdf", "odt"])
def test_a_pinned_date_dates_plan_and_subplan(writer, plan: Plan, subplan) -> None:
    fmt = writer.__name__.rsplit(".", 1)[1]
    options = BuildOptions(document_date=PINNED)
    assert _dates(fmt, writer.render_plan(plan)) == {plan.body.document_date.isoformat()}
    assert _dates(fmt, writer.render_plan(plan, options)) == {PINNED.isoformat()}
    assert _dates(fmt, writer.render_subplan(plan, detailed_plan(plan, subplan), options)) == {PINNED.isoformat()}
    assert plan.body.issued != PINNED  # the model itself is left as loaded
