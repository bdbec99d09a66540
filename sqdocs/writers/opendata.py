"""Tidy tables as open-data files: CSV (UTF-8 with BOM, so Excel reads it right) and JSON."""

from __future__ import annotations

import csv
import io
import json

from sqdocs.opendata import Table


def to_csv(table: Table) -> bytes:
    """CSV with a header row; UTF-8 with BOM; CRLF line ends as RFC 4180 asks."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_json(table: Table) -> bytes:
    """A JSON document: the table's title, what a row is, and its rows as objects."""
    document = {"資料表": table.title, "每列代表": table.row_is, "資料": table.records()}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {"csv": to_csv, "json": to_json}
