"""The hidden fingerprint: what a form was made from, written to a very hidden sheet and read back
when the form is imported, to tell another agency's, year's or plan's form, and a unit's YAML
edited since the form was made."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from openpyxl.workbook import Workbook

from sqdocs.forms.cells import filled_rows, value_at
from sqdocs.forms.kinds import FIRST_ROW
from sqdocs.load.diagnostics import LoadError
from sqdocs.load.yamlfile import parse_yaml

FINGERPRINT_SHEET = "_sqdocs"
FORMAT = "sqdocs-form/1"


def digest(data: Any) -> str:
    """A short stable hash of JSON-able ``data``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_digest(raw: bytes | None) -> str:
    """The hash of a YAML file's bytes; empty when there was no file."""
    return hashlib.sha256(raw).hexdigest()[:16] if raw is not None else ""


def data_digest(raw: bytes | None) -> str:
    """The hash of the data a YAML file holds, whatever its comments and layout; empty when there
    was no file or it does not read as YAML (such a file is then compared by its bytes).

    Comments are not the unit's data: ``subplan update`` rewrites the bureau's reference comments
    in every subplan, and that must not make the forms handed out earlier look overwritten."""
    if raw is None:
        return ""
    try:
        # As the loader reads it: no alias bombs, no tags, no duplicate keys in a file a unit sent.
        data = parse_yaml(raw, "").data
        # repr() for the values JSON has no type for: a date is then not the text 「2018-06-30」
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=repr)
    except (LoadError, ValueError, TypeError, RecursionError):
        return ""  # 2018-02-30, a tag, mixed key types: nothing to compare by meaning
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Fingerprint:
    """What a form was made from. Stored in a hidden sheet, checked when the form comes back.

    ``points`` are the bureau's points for the unit, and ``points_hash`` their hash: it tells a
    form from an older plan. ``rows`` holds, sheet by sheet, each issued row's number and locked
    key cells (:func:`sqdocs.forms.rows.match_rows` follows moved rows by them); ``extra`` what
    else a kind of form reads back (the subplan form's number of unit columns, which the
    issue-time YAML may widen; the results form's indicator and checklist hashes and the unit as
    its YAML names it). ``yaml_hash`` is the hash of the unit's YAML file when the form was made
    and ``yaml_data_hash`` of the data in it (empty in forms made before it was kept): if the
    data changed since, importing would overwrite someone's edits.
    """

    kind: str  # "subplan" or "results"
    unit: str
    year: int
    agency: str
    points_hash: str
    points: list[list[str]]
    yaml_file: str  # relative to the data folder
    yaml_hash: str
    issued: str
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)  # sheet → [[row, *key], …]
    yaml_data_hash: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def keys(self, sheet: str) -> dict[tuple[Any, ...], int]:
        """The rows of ``sheet`` as issued: key → row number."""
        return {tuple(entry[1:]): entry[0] for entry in self.rows.get(sheet, [])}


_SCALARS = ("kind", "unit", "year", "agency", "points_hash", "yaml_file", "yaml_hash", "issued")


def write_fingerprint(wb: Workbook, fp: Fingerprint) -> None:
    """Add the hidden sheet an import checks the form against (unit, year, data versions, rows)."""
    ws = wb.create_sheet(FINGERPRINT_SHEET)
    ws.sheet_state = "veryHidden"  # not listed under Unhide in Excel: only sqdocs reads it
    ws.append(["sqdocs 表單識別資料；匯入時用來核對，請勿修改", FORMAT])
    for name in _SCALARS:
        ws.append([name, getattr(fp, name)])
    ws.append(["yaml_data_hash", fp.yaml_data_hash])
    ws.append(["points", json.dumps(fp.points, ensure_ascii=False)])
    for sheet, rows in fp.rows.items():
        ws.append([f"rows:{sheet}", json.dumps(rows, ensure_ascii=False)])
    for name, value in fp.extra.items():
        ws.append([f"extra:{name}", value])
    ws.protection.sheet = True


INT_EXTRAS = {"unit_columns": range(1, 101)}  # extras read as numbers, and the values they may take


def read_fingerprint(wb: Workbook) -> Fingerprint | None:
    """The fingerprint of a form, or None when the workbook is no sqdocs form (or it was damaged:
    every value is checked for the type and shape the import relies on)."""
    if FINGERPRINT_SHEET not in wb.sheetnames:
        return None
    ws = wb[FINGERPRINT_SHEET]
    if value_at(ws, 1, 2) != FORMAT:
        return None
    values: dict[str, Any] = {}
    rows: dict[str, list[list[Any]]] = {}
    extra: dict[str, str] = {}
    try:
        for name, value in ((value_at(ws, row, 1), value_at(ws, row, 2)) for row in filled_rows(ws, 2)):
            if not isinstance(name, str):
                continue
            if name.startswith("rows:"):
                rows[name[5:]] = json.loads(value)
            elif name.startswith("extra:"):
                extra[name[6:]] = "" if value is None else str(value)
            elif name == "points":
                values["points"] = json.loads(value)
            else:
                values[name] = "" if value is None else value
        fp = Fingerprint(
            kind=str(values["kind"]), unit=str(values["unit"]), year=int(values["year"]),
            agency=str(values["agency"]), points_hash=str(values["points_hash"]), points=values["points"],
            yaml_file=str(values["yaml_file"]), yaml_hash=str(values["yaml_hash"]),
            issued=str(values["issued"]), rows=rows, extra=extra,
            yaml_data_hash=str(values.get("yaml_data_hash", "")),  # absent from forms made before it was kept
        )
    except (KeyError, TypeError, ValueError, RecursionError):  # RecursionError: JSON nested 100000 deep
        return None
    return fp if _well_formed(fp) else None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _well_formed(fp: Fingerprint) -> bool:
    """Whether the parsed JSON and extras have the shapes the import uses (a damaged sheet may hold anything)."""
    if not (isinstance(fp.points, list) and all(_strings(p) for p in fp.points)):
        return False
    for entries in fp.rows.values():
        if not isinstance(entries, list):
            return False
        for entry in entries:
            if not (isinstance(entry, list) and len(entry) >= 2 and _strings(entry[1:])):
                return False
            if not isinstance(entry[0], int) or isinstance(entry[0], bool) or entry[0] < FIRST_ROW:
                return False
    for name, allowed in INT_EXTRAS.items():
        if name in fp.extra and not (fp.extra[name].isdecimal() and int(fp.extra[name]) in allowed):
            return False
    return True
