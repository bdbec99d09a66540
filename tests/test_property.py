"""Property: any valid plan — random Unicode in every text, random sizes — builds, and every text comes back out.

The number of examples is bounded so CI stays fast; raise it locally with
SQDOCS_HYPOTHESIS_EXAMPLES=200.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from writers.pdfcheck import extract, require_kai_font

from sqdocs.load import load_plan
from sqdocs.options import BuildOptions
from sqdocs.writers import layout
from sqdocs.writers.docx import render_plan as render_docx
from sqdocs.writers.pdf import render_plan as render_pdf

EXAMPLES = int(os.environ.get("SQDOCS_HYPOTHESIS_EXAMPLES", "12"))

# What a clerk may type: ASCII, the original CJK block (every character has a glyph in some installed
# font), CJK and full-width punctuation, accented Latin, and a few Extension B name characters.
PIECES = st.one_of(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),  # Unicode 1.1: in every CJK font
    st.sampled_from(list("，。、；：！？「」『』（）《》…—　")),
    st.sampled_from(list("éüñçÅ")),
    st.sampled_from(["𡘙", "𠀀", "𪚥", "𠮷"]),
    st.sampled_from(["{_{", "}_}", "{_%", "%_}", "{{", "{%p "]),  # what docxtpl treats specially
    st.just(" "),
)
TEXT = st.lists(PIECES, min_size=1, max_size=30).map("".join).filter(lambda s: s.strip()).map(str.strip)

# A unit is registered under one name: list separators and special spaces in it are errors, and
# it names the unit's files, so what a file name cannot hold is an error too.
UNIT_NAME = TEXT.map(lambda s: re.sub('[，、,；;\u3000/\\\\:*?"<>|]', "", s).strip()).filter(lambda s: s.strip(".") != "")


# A clause's title is a lead-in the documents follow with 「：」: one typed with a colon of its own
# (「考核作業：」) is kept without it, by design (test_a_lead_in_typed_with_its_colon_gets_no_second_one),
# so it is not printed as typed.
LEAD_IN = TEXT.filter(lambda s: s.rstrip("：: ") == s)


def _unique(n_min: int, n_max: int):
    return st.lists(TEXT, min_size=n_min, max_size=n_max, unique_by=lambda s: s)


@st.composite
def plans(draw) -> dict[str, dict]:
    unit_names = draw(st.lists(UNIT_NAME, min_size=1, max_size=4, unique=True))
    dims = []
    for name in draw(_unique(1, 2)):
        items = []
        for item in draw(_unique(1, 2)):
            points = [
                {"name": p, "practices": draw(st.lists(TEXT, min_size=1, max_size=3)), "deadline": "賡續辦理",
                 "units": draw(st.lists(st.sampled_from(unit_names), min_size=1, max_size=2, unique=True))}
                for p in draw(_unique(1, 2))
            ]
            items.append({"name": item, "points": points})
        dims.append({"scope": "個別", "name": name, "items": items})
    overall = {"scope": "整體", "name": draw(TEXT.filter(lambda n: n not in {d["name"] for d in dims})),
               "points": [{"name": draw(TEXT), "actions": draw(st.lists(TEXT, min_size=1, max_size=2))}]}
    checklist = [
        {"scope": "個別", "name": d["name"], "items": [
            {"name": it["name"], "points": [{"name": p["name"], "entries": draw(st.lists(TEXT, min_size=1, max_size=2))}
                                            for p in it["points"]]} for it in d["items"]]}
        for d in dims
    ]
    clause = st.fixed_dictionaries({"title": LEAD_IN, "text": TEXT})
    body = {
        "agency": draw(TEXT), "year": 107, "title": draw(TEXT),
        "period": {"start": "107 年 1 月 1 日", "end": "107 年 12 月 31 日"},
        "basis": [{"agency": draw(TEXT), "date": "107 年 1 月 15 日", "number": draw(TEXT), "title": draw(TEXT)}],
        "objectives": {"intro": draw(TEXT), "goals": draw(st.lists(TEXT, min_size=1, max_size=3))},
        "targets": draw(TEXT), "content": draw(TEXT),
        "steps": draw(st.lists(clause, min_size=1, max_size=3)),
        "assessment": [{"title": draw(LEAD_IN), "items": draw(st.lists(clause, min_size=1, max_size=2))}],
    }
    roster = {"title": draw(TEXT), "members": [
        {"role": draw(TEXT), "position": draw(TEXT), "name": draw(TEXT), "duty": draw(TEXT)}
        for _ in range(draw(st.integers(1, 4)))
    ]}
    return {
        "plan.yaml": body,
        "units.yaml": {"units": [{"name": n, "kind": "科"} for n in unit_names]},
        "annex1.yaml": {"dimensions": [*dims, overall]},
        "annex2.yaml": {"title": draw(TEXT), "dimensions": checklist},
        "annex3.yaml": roster,
    }


def _texts(value) -> list[str]:
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in ("scope", "deadline", "date", "start", "end", "year") for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [value] if isinstance(value, str) else []


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_text(data: bytes, tmp: Path) -> str:
    path = tmp / "plan.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return _squash("".join(parts))


# No shrinking: each example builds two documents, and a failure prints its whole plan anyway.
@settings(
    max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=plans())
def test_any_valid_plan_builds_and_keeps_every_text(files, tmp_path_factory):
    require_kai_font()
    folder = tmp_path_factory.mktemp("plan")
    for name, content in files.items():
        (folder / name).write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = load_plan(folder)
    # The agency is metadata (author) and the units file a registry: neither is printed as such.
    shown = {**files, "plan.yaml": {k: v for k, v in files["plan.yaml"].items() if k != "agency"}}
    texts = {_squash(t) for name, content in shown.items() for t in _texts(content) if name != "units.yaml"}

    in_docx = _docx_text(render_docx(plan, BuildOptions()), folder)
    assert [t for t in texts if t not in in_docx] == []

    pdf = folder / "plan.pdf"
    pdf.write_bytes(render_pdf(plan, BuildOptions()))
    found = extract(pdf, (layout.annex1_columns(plan.annex1), layout.roster_columns(plan.roster)))  # widened for long names
    assert [t for t in texts if not found.has(t)] == []
