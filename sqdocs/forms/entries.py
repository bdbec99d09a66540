"""The unit's YAML as it is when a form is made: the entries its form shows on a point's row
(those whose point the bureau renamed or moved followed there), and those it does not."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from sqdocs.derive import followed_points
from sqdocs.fsutil import display_name
from sqdocs.load.diagnostics import LoadError
from sqdocs.load.validate import validate
from sqdocs.load.yamlfile import parse_yaml
from sqdocs.model import Plan, PointRef
from sqdocs.model.results import PointResult, Submission
from sqdocs.model.subplan import Subplan, SubplanPoint

E = TypeVar("E", SubplanPoint, PointResult)


def current_entries(plan: Plan, unit: str, old: bytes | None, target: Path, model: type[Subplan] | type[Submission]) -> list:
    """The entries (a subplan's points, a submission's results) of the unit's YAML as it is,
    ``old`` read from ``target``, whose point the form does not show: deleted or no longer
    assigned in the bureau plan (one it renamed or moved the form shows, :func:`followed`). A file
    that does not read as ``model`` gives none: it goes to the backup whole."""
    shown = {ref.key for ref in plan.points_for(unit)}
    entries = existing_entries(old, target, model)
    moved = _moved(plan, unit, entries)
    return [entry for i, entry in enumerate(entries) if entry.key not in shown and i not in moved]


def followed(plan: Plan, unit: str, entries: list[E]) -> tuple[list[E], list[str]]:
    """The unit's entries with those whose point the bureau renamed or moved under the point's new
    names, as ``sqdocs subplan update`` would rename them, so that the form shows them on its row;
    and 「old → new」 for each."""
    moved = _moved(plan, unit, entries)
    renamed = [
        entry.model_copy(update=dict(zip(("dimension", "item", "point"), moved[i].key, strict=True))) if i in moved else entry
        for i, entry in enumerate(entries)
    ]
    return renamed, [f"{'／'.join(entries[i].key)} → {'／'.join(ref.key)}" for i, ref in sorted(moved.items())]


def _moved(plan: Plan, unit: str, entries: list) -> dict[int, PointRef]:
    """Entry index → the point it now is, as update moves entries (marked ones coming back too)."""
    moved, back = marked_back(plan, unit, entries)
    return moved | back


def marked_back(plan: Plan, unit: str, entries: list) -> tuple[dict[int, PointRef], dict[int, PointRef]]:
    """:func:`~sqdocs.derive.followed_points` of ``entries`` (a subplan's points or a submission's results)."""
    marked = {i for i, entry in enumerate(entries) if getattr(entry, "removed", False)}
    return followed_points(plan, unit, [entry.key for entry in entries], marked)


def existing_entries(old: bytes | None, target: Path, model: type[Subplan] | type[Submission]) -> list:
    """Every entry of the unit's YAML as it is (``old``, read from ``target``); none when there is
    no file or it does not read as ``model``."""
    existing = existing_file(old, target, model)
    if existing is None:
        return []
    return existing.points if isinstance(existing, Subplan) else existing.results


def existing_file(old: bytes | None, target: Path, model: type[Subplan] | type[Submission]) -> Subplan | Submission | None:
    """The unit's YAML as it is (``old``, read from ``target``); None when there is no file or it
    does not read as ``model``."""
    if old is None:
        return None
    try:
        existing, _ = validate(parse_yaml(old, display_name(target)), model)
    except LoadError:
        return None
    return existing
