"""Word writer: fills the docxtpl template (templates/plan.docx) with the plan."""

from sqdocs.writers.docx.plan import render_plan

__all__ = ["render_plan"]
