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

from sqdocs.errors import UserError
from sqdocs.fsutil import check_targets, write_all, writing
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
COMBINED_TITLE = "sqdocs 資料檔"
DEFAULT_NAME = "sqdocs.schema.json"


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
        "title": COMBINED_TITLE,
        "description": "提升服務品質執行計畫、細部執行計畫與年度成果的 YAML 資料檔。",
        "anyOf": [{"$ref": f"#/$defs/file_{kind}"} for kind in FILE_KINDS],
        "$defs": defs,
    }


def write_schemas(out: Path) -> list[Path]:
    """Write ``out`` (the combined schema; in it, when a folder) and ``<kind>.schema.json``
    beside it for each kind; returns the files written.

    A file that is not a schema sqdocs wrote is never overwritten: ``-o plan.yaml`` must not
    replace a data file. Everything is checked before the first file is written.
    """
    if out.is_dir() or (out.suffix == "" and not out.exists()):  # 「-o sch/」: the shell's slash is lost by then
        out = out / DEFAULT_NAME
    kind_files = [out.parent / f"{kind}.schema.json" for kind in FILE_KINDS]
    if out.suffix.lower() != ".json":
        raise UserError(f"{out}：schema 檔名須以 .json 結尾（如 {DEFAULT_NAME}），或指定一個資料夾；未寫入任何檔案")
    if out in kind_files:
        raise UserError(f"{out}：此名稱留給單一資料檔類別的 schema；請改用其他檔名，如 {DEFAULT_NAME}")
    for path in (out, *kind_files):
        if path.is_file() and not _written_by_sqdocs(path):
            raise UserError(f"{path} 已存在，且不是 sqdocs 產生的 schema；為免覆蓋，請移走該檔或用 -o 指定其他位置；未寫入任何檔案")
    check_targets([out, *kind_files])
    files = {out: _dump(combined_schema()).encode("utf-8")}
    files |= {path: _dump(file_schema(kind)).encode("utf-8") for kind, path in zip(FILE_KINDS, kind_files, strict=True)}
    with writing():  # a disk that fills up after the check changes none of the files
        write_all(files)
    return [out, *kind_files]


def _written_by_sqdocs(path: Path) -> bool:
    """Whether ``path`` holds a schema this command writes (so replacing it loses nothing)."""
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    titles = {COMBINED_TITLE, *(title for _, title, _ in FILE_KINDS.values())}
    return isinstance(schema, dict) and schema.get("$schema") == DRAFT and schema.get("title") in titles


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
