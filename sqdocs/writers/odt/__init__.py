"""OpenDocument Text writer (.odt), native: the package's XML is written directly with lxml,
no office suite runs. The documents have the Word writer's content, headings and styles.

``render_plan(plan, options)`` and ``render_subplan(plan, subplan, options)`` return the
file's bytes; the same data always gives the same bytes.

Modules: ``xml`` (namespaces, elements, text), ``styles`` (styles.xml: fonts, named styles,
page and footer), ``document`` (content.xml with its automatic styles and pictures),
``tables`` (the annex tables), ``blocks`` (title, sections, annex starts), ``package``
(the zip, manifest and meta.xml), and one module per document.
"""

from __future__ import annotations

from sqdocs.model import Plan, Subplan
from sqdocs.writers.odt import plan as _plan
from sqdocs.writers.odt import subplan as _subplan

__all__ = ["render_plan", "render_subplan"]


def render_plan(plan: Plan, options=None) -> bytes:
    """The execution plan (執行計畫 with 附件 1–3) as .odt bytes."""
    return _plan.render_plan(plan)


def render_subplan(plan: Plan, subplan: Subplan, options=None) -> bytes:
    """A unit's detailed plan (細部執行計畫) as .odt bytes."""
    return _subplan.render_subplan(plan, subplan)

