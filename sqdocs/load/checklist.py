"""References from the year-end data to 附件 2's checklist: a point named by 構面, 評核項目
and 評核重點, and the numbers of its entries (檢核事項)."""

from __future__ import annotations

from collections.abc import Iterator

from sqdocs.load.diagnostics import Diagnostic, Loc
from sqdocs.load.yamlfile import YamlDoc
from sqdocs.model import Plan
from sqdocs.model.results import ChecklistPath, CheckRef
from sqdocs.text.suggest import suggest


def resolve_check(
    doc: YamlDoc, loc: Loc, path: ChecklistPath, default: tuple[str, str | None] | None, plan: Plan
) -> tuple[CheckRef | None, list[Diagnostic]]:
    """Find the 附件 2 point ``path`` names; omitted names are those of ``default`` (構面, 評核項目)."""
    if path.dimension is None:
        if default is None:
            return None, [doc.diagnostic(loc, "須寫 dimension（附件 2 的評核構面）")]
        dim_name, item_name = default[0], path.item if path.item is not None else default[1]
    else:
        dim_name, item_name = path.dimension, path.item
    dims = plan.annex2.dimensions
    dim = next((d for d in dims if d.name == dim_name), None)
    if dim is None:
        names = [d.name for d in dims]
        return None, [doc.diagnostic((*loc, "dimension"), f"附件 2 沒有評核構面「{dim_name}」{suggest(dim_name, names)}")]
    if dim.scope == "整體":
        if item_name is not None and path.item is not None:
            return None, [doc.diagnostic((*loc, "item"), f"「{dim.name}」是整體評核構面，沒有評核項目；請刪除 item")]
        points, item_name = dim.points, None
    else:
        if item_name is None:
            return None, [doc.diagnostic(loc, f"「{dim.name}」須寫 item（評核項目）")]
        item = next((i for i in dim.items if i.name == item_name), None)
        if item is None:
            names = [i.name for i in dim.items]
            return None, [
                doc.diagnostic((*loc, "item"), f"附件 2「{dim.name}」沒有評核項目「{item_name}」{suggest(item_name, names)}")
            ]
        points = item.points
    point = next((p for p in points if p.name == path.point), None)
    if point is None:
        names = [p.name for p in points]
        where = f"{dim.name}／{item_name}" if item_name else dim.name
        return None, [
            doc.diagnostic((*loc, "point"), f"附件 2「{where}」沒有評核重點「{path.point}」{suggest(path.point, names)}")
        ]
    return CheckRef(dim.name, item_name, point), []


def check_entries(doc: YamlDoc, loc: Loc, entries: list[int], check: CheckRef) -> Iterator[Diagnostic]:
    """Entry numbers ``check``'s point does not have, and numbers given twice."""
    count = len(check.point.entries)
    seen: set[int] = set()
    for k, number in enumerate(entries):
        if not 1 <= number <= count:
            yield doc.diagnostic(
                (*loc, k), f"附件 2「{check.point.name}」只有 {count} 項檢核事項（1–{count}），沒有第 {number} 項"
            )
        elif number in seen:
            yield doc.diagnostic((*loc, k), f"檢核事項第 {number} 項重複", severity="warning")
        seen.add(number)
