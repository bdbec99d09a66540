"""Tidy tables as open-data files: CSV (UTF-8 with BOM, so Excel reads it right) and JSON."""

from __future__ import annotations

import csv
import io
import json

from sqdocs.opendata import Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(table: Table) -> bytes:
    """CSV with a header row; UTF-8 with BOM; CRLF line ends as RFC 4180 asks. A text that
    Excel would take for a formula starts with 「'」 (:func:`csv_cell`)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows([csv_cell(v) for v in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_cell(value: object) -> object:
    """``value`` as a CSV field: None as empty, a text starting with = + - @ (or a tab or CR)
    after Excel's 「'」 that marks a cell as text.

    Excel, which the BOM is there for, runs such a field as a formula: a clerk's practice
    「-各派出所每月辦理」 showed as #NAME?, and 「=HYPERLINK(…)」 would be a live link. Numbers
    (a negative growth rate) are numbers in the table, not text, and stay as they are.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_json(table: Table) -> bytes:
    """A JSON document: the table's title, what a row is, and its rows as objects."""
    document = {"資料表": table.title, "每列代表": table.row_is, "資料": table.records()}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {"csv": to_csv, "json": to_json}
