"""The kinds of form, what their files and messages call them, the command that makes one afresh,
and the rows every form sheet shares: title, note, headers, then the entries from ``FIRST_ROW``."""

from __future__ import annotations

from pathlib import Path

from sqdocs.fsutil import display_name
from sqdocs.text.names import command_line

FORM_NAMES = {"subplan": "細部計畫", "results": "執行成果"}
"""Each kind of form by the name its file carries: 第一分局細部計畫.xlsx."""
FORM_CONTENTS = {"subplan": "細部執行計畫", "results": "年度執行成果"}
"""Each kind of form by what it holds, as messages name it: 第一分局的細部執行計畫表單."""


def regenerate(kind: str, folder: Path, unit: str, form: Path) -> str:
    """The command that makes a form afresh, in the folder of the filled one (``form``) and
    named beside it rather than over it: the clerk copies what was filled from the old form into the new."""
    fresh = display_name(form.parent / f"{unit}{FORM_NAMES[kind]}-新.xlsx")
    return command_line(["sqdocs", "form", kind, display_name(folder), "--unit", unit, "-o", fresh])


TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = 4
