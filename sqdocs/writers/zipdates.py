"""The date a .docx or .odt stamps on its zip entries."""

from __future__ import annotations

from datetime import date


def zip_time(day: date) -> tuple[int, int, int, int, int, int]:
    """Midnight of ``day`` as a zip entry's time, within the years a zip can hold (1980–2107):
    a document dated 民國 197 年 or later would otherwise fail to be written at all."""
    return (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)
