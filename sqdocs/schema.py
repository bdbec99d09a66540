"""JSON Schemas of every data file, so editors complete and check YAML as a clerk types.

The schemas come from the model itself (pydantic), with the Chinese descriptions of its
fields; a schema cannot know cross-file facts (is this unit registered?), which
``sqdocs validate`` still checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sqdocs.model import Annex1, Annex2, PlanBody, Roster, UnitRegistry
from sqdocs.model.results import IndicatorSet, Submission
from sqdocs.model.subplan import Subplan

# file kind → (model, title, which files use it)
FILE_KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "plan": (PlanBody, "執行計畫本文（plan.yaml）", "plan.yaml"),
    "units": (UnitRegistry, "單位名冊（units.yaml）", "units.yaml"),
    "annex1": (Annex1, "附件 1 執行項目（annex1.yaml）", "annex1.yaml"),
    "annex2": (Annex2, "附件 2 組織診斷檢核表（annex2.yaml）", "annex2.yaml"),
    "annex3": (Roster, "附件 3 考核小組編組表（annex3.yaml）", "annex3.yaml"),
    "subplan": (Subplan, "分局細部執行計畫（subplans/*.yaml）", "subplans/*.yaml"),
    "indicators": (IndicatorSet, "量化指標定義（indicators.yaml）", "indicators.yaml"),
    "results": (Submission, "單位年度執行成果（results/*.yaml）", "results/*.yaml"),
}
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def file_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind of data file."""
    model, title, _ = FILE_KINDS[kind]
    schema = model.model_json_schema(mode="validation")
    return {"$schema": DRAFT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def combined_schema() -> dict[str, Any]:
    """One schema for every data file: a document is valid when it is a valid file of some kind."""
    defs: dict[str, Any] = {}
    for kind in FILE_KINDS:
        schema = file_schema(kind)
        for name, definition in schema.pop("$defs", {}).items():
            assert defs.setdefault(name, definition) == definition, f"two models named {name}"
        schema.pop("$schema")
        defs[f"file_{kind}"] = schema
    return {
        "$schema": DRAFT,
        "title": "sqdocs 資料檔",
        "description": "提升服務品質執行計畫、細部執行計畫與年度成果的 YAML 資料檔。",
        "anyOf": [{"$ref": f"#/$defs/file_{kind}"} for kind in FILE_KINDS],
        "$defs": defs,
    }


def write_schemas(out: Path) -> list[Path]:
    """Write ``out`` (the combined schema) and ``<kind>.schema.json`` beside it for each kind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = [out]
    out.write_text(_dump(combined_schema()), encoding="utf-8")
    for kind in FILE_KINDS:
        path = out.parent / f"{kind}.schema.json"
        path.write_text(_dump(file_schema(kind)), encoding="utf-8")
        written.append(path)
    return written


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
