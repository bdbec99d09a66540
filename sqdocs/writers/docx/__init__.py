"""Word writer: fills the docxtpl templates (templates/*.docx) with a plan, detailed plan or report."""

from sqdocs.writers.docx.plan import render_plan
from sqdocs.writers.docx.report import render_report
from sqdocs.writers.docx.subplan import render_subplan

__all__ = ["render_plan", "render_report", "render_subplan"]
