"""The JSON Schemas editors use: up to date, valid for every sample file, and strict on broken ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, SAMPLE

from sqdocs.cli import main
from sqdocs.schema import FILE_KINDS, combined_schema, file_schema

SCHEMAS = ROOT / "schemas"
BAD = ROOT / "tests" / "bad"
KIND_OF = {"plan.yaml": "plan", "units.yaml": "units", "annex1.yaml": "annex1", "annex2.yaml": "annex2",
           "annex3.yaml": "annex3", "indicators.yaml": "indicators"}


def _kind(path: Path) -> str:
    return {"subplans": "subplan", "results": "results"}.get(path.parent.name) or KIND_OF[path.name]


SAMPLE_FILES = sorted(SAMPLE.rglob("*.yaml"))


def test_committed_schemas_are_current(tmp_path):
    assert main(["schema", "-o", str(tmp_path / "sqdocs.schema.json")]) == 0
    for kind in FILE_KINDS:
        assert (tmp_path / f"{kind}.schema.json").read_text(encoding="utf-8") == (
            SCHEMAS / f"{kind}.schema.json"
        ).read_text(encoding="utf-8"), f"schemas/{kind}.schema.json is stale: run sqdocs schema -o schemas/sqdocs.schema.json"
    assert json.loads((SCHEMAS / "sqdocs.schema.json").read_text(encoding="utf-8")) == combined_schema()


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_schema_is_valid_and_described_in_chinese(kind):
    schema = file_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    fields = [p for d in [schema, *schema.get("$defs", {}).values()] for p in d.get("properties", {}).values()]
    assert fields and all(re.search(r"[\u4e00-\u9fff]", f.get("description", "")) for f in fields)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLE)))
def test_sample_file_matches_its_schema_and_names_it(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    declared = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert declared, "the file's first line tells editors which schema to use"
    schema_path = (path.parent / declared.group(1)).resolve()
    assert schema_path == (SCHEMAS / f"{_kind(path)}.schema.json").resolve()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(data, combined_schema(), cls=jsonschema.Draft202012Validator)


# What a schema cannot see: whether a day exists, other files (units, period), the order of
# YAML keys (parsers keep the last duplicate), encodings, files YAML cannot parse at all, and
# how deep a recursive clause goes.
NOT_FOR_A_SCHEMA = {
    "bad-date", "feb29-not-leap", "deadline-outside-period", "period-reversed", "period-year-mismatch",
    "duplicate-point", "unknown-unit", "unknown-group-member", "duplicate-key", "utf16-encoding",
    "big5-encoding", "colon-in-text", "deep-nesting", "python-tag", "syntax-unclosed-quote", "tab-indent",
    "two-documents", "missing-file", "control-char-raw", "iso-date-nonexistent",
    "syntax-fullwidth-colon", "syntax-colon-without-space", "syntax-text-starts-with-star",
    "syntax-text-starts-with-percent", "syntax-unclosed-bracket", "syntax-fullwidth-comma-in-brackets",
    "unit-name-invisible-char", "unit-names-fullwidth-comma", "unit-listed-twice", "group-members-all-unknown",
    "syntax-text-starts-with-bracket", "syntax-text-starts-with-brace", "syntax-text-starts-with-quote",
    "registered-unit-name-invisible-char", "registered-unit-names-fullwidth-comma", "clause-too-deep", "utf16-no-bom",
    "syntax-fullwidth-dash", "syntax-fullwidth-space-after-colon", "syntax-nbsp-after-colon",
    "syntax-unclosed-bracket-after-comma", "syntax-empty-item-in-brackets",
    "syntax-backslash-in-quotes", "yaml-tag-unreadable-value", "surrogate-escape",
    "syntax-fullwidth-colon-first-key-of-block", "syntax-colon-without-space-first-key-of-block",
    "syntax-key-indented-deeper",
}


def _schema_cases() -> list[str]:
    cases = {p.name for p in BAD.iterdir() if p.is_dir() and p.name[0] != "_" and p.name != "templates"}
    assert cases >= NOT_FOR_A_SCHEMA, NOT_FOR_A_SCHEMA - cases  # no stale name hides a case
    return sorted(cases - NOT_FOR_A_SCHEMA)


@pytest.mark.parametrize("case", _schema_cases())
def test_schema_rejects_broken_fixture(case):
    (path,) = (BAD / case).glob("*.yaml")
    data = yaml.safe_load(path.read_bytes())
    errors = list(jsonschema.Draft202012Validator(file_schema(KIND_OF[path.name])).iter_errors(data))
    assert errors, f"{case} passed the schema"


def test_schema_flags_an_entry_number_below_1_and_a_year_key_not_in_figures():
    """What validate says as 「沒有第 0 項」, 「應為整數」 and 「一張圖最多 12 項指標」, an editor shows
    as the clerk types."""
    results = yaml.safe_load((SAMPLE / "results" / "秘書科.yaml").read_text(encoding="utf-8"))
    evidence = next(e for r in results["results"] for e in r.get("evidence", []) if e.get("supports"))
    evidence["supports"] = [0]
    with pytest.raises(jsonschema.ValidationError, match="less than the minimum of 1"):
        jsonschema.validate(results, file_schema("results"), cls=jsonschema.Draft202012Validator)
    indicators = yaml.safe_load((SAMPLE / "indicators.yaml").read_text(encoding="utf-8"))
    # as an editor reads YAML for its schema: keys are text
    indicators["indicators"][0]["history"] = {"105": 90.2, "一〇六": 93.5}
    with pytest.raises(jsonschema.ValidationError, match="一〇六"):
        jsonschema.validate(indicators, file_schema("indicators"), cls=jsonschema.Draft202012Validator)
    indicators = yaml.safe_load((SAMPLE / "indicators.yaml").read_text(encoding="utf-8"))
    indicators["charts"][0]["indicators"] = [indicators["indicators"][0]["id"]] * 13  # one more than markers
    with pytest.raises(jsonschema.ValidationError, match="is too long"):
        jsonschema.validate(indicators, file_schema("indicators"), cls=jsonschema.Draft202012Validator)
