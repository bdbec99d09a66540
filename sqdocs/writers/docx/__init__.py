"""Word writer: fills the docxtpl templates (templates/*.docx) with a plan, detailed plan or report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.writers.docx import plan, report, subplan
from sqdocs.writers.docx.context import BODY
from sqdocs.writers.docx.plan import render_plan
from sqdocs.writers.docx.report import render_report
from sqdocs.writers.docx.subplan import render_subplan
from sqdocs.writers.docx.template import check_template, forget_checked

__all__ = ["check_templates", "render_plan", "render_report", "render_subplan"]

_WRITERS = {"plan": plan, "subplan": subplan, "report": report}


def check_templates(kinds: Iterable[str], templates: Path | None) -> list[str]:
    """Open and check, before any document is built, the template of each kind of document
    in ``kinds`` ("plan", "subplan", "report"): one UserError naming every bad template, else
    what is worth a note (:meth:`~sqdocs.writers.docx.template.WordTemplate.notes`).

    Each template that passes is kept for the first document filled in from it, so the
    check does not read it a second time.
    """
    forget_checked()
    problems, notes = [], []
    for kind in dict.fromkeys(kinds):
        writer = _WRITERS[kind]
        try:
            notes += check_template(templates, writer.TEMPLATE_NAME, writer.STYLES, {BODY}, writer.NAMES)
        except UserError as exc:
            problems.append(str(exc))
    if problems:
        raise UserError("\n".join(problems))
    return notes
