"""A unit's subplan file (subplans/<unit>.yaml) as the text sqdocs writes.

The skeleton ``sqdocs subplan init`` writes lists every point the unit is responsible for (the
bureau's practices shown as comments, empty slots for the unit's own); the same layout filled
from the unit's subplan of an earlier year or from a form; the bureau's reference comments
(which ``update`` refreshes) and the marks of the notes sqdocs writes into the file. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqdocs.derive import subplan_title
from sqdocs.model import Plan, Point, PointRef, deadline_text
from sqdocs.model.common import CONTINUOUS
from sqdocs.model.subplan import SubplanPoint
from sqdocs.outline import detail_step_label, detail_step_text
from sqdocs.text.roc import date_examples, format_roc
from sqdocs.text.yamltext import block_scalar, flow_scalar, lines_scalar

# The sections a 分局 usually has; a skeleton starts from them and the unit edits the list.
PRECINCT_SUB_UNITS = ("行政組", "保安組", "偵查隊", "防治組", "交通組", "勤務指揮中心", "各派出所")

# The notes sqdocs writes into a unit's file, each marked as its own (forms.comments tells
# them from the unit's notes by these marks; update rewrites those over a removed field).
FLAG_STAMP = "（sqdocs subplan update 標記）"
ADDED_STAMP = "（sqdocs subplan update 加入）"
IMPORT_STAMP = "（sqdocs form import 標記）"
KEPT_HEADING = "以下評核重點不在表單上"
MAY_DELETE = "本項內容保留供參考，確認後可整項刪除"
RESTORED = "已取消 removed"
IMPORT_NOTE = f"本局計畫已刪除、改名或不再指派本單位辦理此評核重點{IMPORT_STAMP}；{MAY_DELETE}"


def one_line(text: str) -> str:
    """``text`` on one comment line: its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


REFERENCE_HEADER = "# 本局具體作法（僅供參考，不是資料，可刪除）："


def reference_comments(point: Point, indent: int) -> list[str]:
    """The bureau's practices, deadline and units of ``point`` as the comment lines a skeleton
    entry shows for reference (and ``update`` refreshes), ``indent`` spaces in."""
    pad = " " * indent
    return [
        f"{pad}{REFERENCE_HEADER}",
        *(f"{pad}#   {n}. {one_line(text)}" for n, text in enumerate(point.practices, 1)),
        f"{pad}# 本局完成期限：{deadline_text(point.deadline)}；本局承辦單位：{'、'.join(point.units)}",
    ]


def deadline_hint(point: Point, year: int) -> str:
    """What a point's 完成期限 may be: where the bureau's is a date, that day or an earlier one
    (check refuses 賡續辦理 or a later day there), else 賡續辦理 or any day of the period."""
    if isinstance(point.deadline, date):
        return f"完成期限：民國日期，不晚於本局的 {deadline_text(point.deadline)}（本局訂有期限，不可填{CONTINUOUS}）"
    return f"完成期限：{CONTINUOUS} 或民國日期，如 {date_examples(year)[0]}"


def skeleton_entry(ref: PointRef, year: int, dash_col: int = 2, key_col: int = 4) -> list[str]:
    """One point of a subplan skeleton of the ``year`` plan: names, the bureau's work as comments, empty slots."""
    pad, key = " " * dash_col, " " * key_col
    point = ref.point
    lines = [
        f"{pad}-{' ' * (key_col - dash_col - 1)}dimension: {block_scalar(ref.dimension.name)}",
        f"{key}item: {block_scalar(ref.item.name)}",
        f"{key}point: {block_scalar(point.name)}",
        *reference_comments(point, key_col),
    ]
    lines += [
        f"{key}practices:      # ← 本單位具體作法：每項一行，以「- 」開頭，寫清楚誰、做什麼、多久一次",
        f"{key}  -",
        f"{key}deadline:       # ← {deadline_hint(point, year)}",
        f"{key}units: []       # ← 承辦單位：sub_units／sub_groups 的名稱，如 [偵查隊, 各派出所]",
    ]
    return lines


_COMMENT_WIDTH = 56  # characters of a header line after its 「# 」, as the rest of the header


def _quoted_step(plan: Plan) -> list[str]:
    """The bureau's step that asks for detailed plans, quoted in its own words (each bureau words
    it differently), as comment lines; without one, what a detailed plan holds."""
    said = detail_step_text(plan.body) or "各分局依據本執行計畫訂定細部執行計畫，依各評核構面項目、重點表列具體推動作法、完成期限、承辦單位。"
    text = f"依「{plan.title}」{detail_step_label(plan.body)}：{' '.join(said.split())}"
    lines = []
    while len(text) > _COMMENT_WIDTH:
        # After the last comma or stop that fits, so no word or figure (「113 年」) is cut in two.
        cut = max(text.rfind(mark, 0, _COMMENT_WIDTH) for mark in "，。、；：」") + 1 or _COMMENT_WIDTH
        lines.append(text[:cut])
        text = text[cut:]
    return [f"# {line}" for line in [*lines, text] if line]


def skeleton_header(plan: Plan, unit: str, origin: str | None = None) -> list[str]:
    """The opening lines of a subplan file: title, where it came from (``origin``, a comment line;
    by default ``subplan init``'s skeleton), how to fill it, unit and title fields."""
    start, end = format_roc(plan.body.period.start), format_roc(plan.body.period.end)
    return [
        f"# {subplan_title(plan, unit)}",
        "#",
        *_quoted_step(plan),
        # No count of the points: update adds and flags points, and would leave a count stale.
        origin or f"# 本檔由 sqdocs subplan init 依本局計畫附件 1 產生，列出本局計畫指派{unit}辦理的評核重點。",
        "#",
        "# 填寫說明：",
        "#   1. 每個評核重點下以「#」開頭的是本局的具體作法、完成期限、承辦單位，僅供參考，不是資料，可刪除。",
        "#   2. practices（具體作法）：寫本單位實際的作法，每項一行，以「- 」開頭；寫到由哪個單位、做什麼、",
        "#      多久一次（如：各派出所每月辦理……）。",
        f"#   3. deadline（完成期限）：寫「{CONTINUOUS}」或民國日期（如 {date_examples(plan.year)[0]}），須在計畫期程",
        f"#      {start}至 {end}之內；本局完成期限是日期的評核重點，須寫該日或更早的日期。",
        "#   4. units（承辦單位）：寫下方 sub_units 的組、隊、派出所或 sub_groups 的群組名稱，如 [偵查隊, 各派出所]。",
        "#   5. dimension、item、point 是本局計畫附件 1 的構面、評核項目、評核重點，用來對應本局計畫，請勿修改。",
        "#   6. 文字含「: 」「 #」或以「[」「{」「*」「&」「!」「|」「>」「'」「\"」「%」「@」開頭時，請用雙引號括起整段文字。",
        f"#   7. 本局計畫修訂後，執行 sqdocs subplan update 資料夾 --unit {unit}：會加入本局新增的評核重點，",
        "#      在本局刪除的評核重點加上 removed: true，並把各項以「#」開頭的本局參考說明改為修訂後的內容；",
        "#      已填寫的內容一字不改，舊檔另存為 .bak 備份。",
        "#   8. 填完後執行 sqdocs check 資料夾，檢查是否有遺漏或錯誤。",
        "",
        f"unit: {block_scalar(unit)}",
        f"title: {block_scalar(subplan_title(plan, unit))}",
        "",
    ]


def _sub_unit_lines(plan: Plan, unit: str) -> list[str]:
    kind = plan.units.unit(unit).kind  # type: ignore[union-attr]
    lines = ["# 本單位所屬的承辦單位（組、隊、派出所）；請依實際編制增刪"]
    if kind == "分局":
        lines += ["sub_units:"] + [f"  - {name}" for name in PRECINCT_SUB_UNITS]
        lines += [
            "# 需要列出個別派出所時：把上面的「各派出所」換成各派出所名稱，再取消下面幾行的「#」，",
            "# 讓「各派出所」代表這些派出所：",
            "# sub_groups:",
            "#   - name: 各派出所",
            "#     members: [甲派出所, 乙派出所]",
        ]
    else:
        lines += ["sub_units: []   # 如 [第一股, 第二股]", "# sub_groups:  # 一個名稱代表多個承辦單位時使用", "#   - name: 各股", "#     members: [第一股, 第二股]"]
    return [*lines, ""]


def subplan_skeleton(plan: Plan, unit: str) -> str:
    """The YAML text ``sqdocs subplan init`` writes for ``unit`` (a registry short name)."""
    refs = plan.points_for(unit)
    lines = skeleton_header(plan, unit) + _sub_unit_lines(plan, unit)
    lines.append("# 評核重點：依本局計畫附件 1 的順序")
    lines.append("points:")
    for ref, headings in with_headings(refs):
        lines += headings + skeleton_entry(ref, plan.year)
    return "\n".join(lines) + "\n"


DIMENSION_MARK = "# ══ "
"""How the comment opening a dimension's entries starts (:func:`dimension_heading`)."""
_ITEM_MARK = "# ── 評核項目："
HEADING = re.compile(f"{re.escape(DIMENSION_MARK)}.+ ══|{re.escape(_ITEM_MARK)}.+ ──")
"""A dimension's or an item's heading comment, unindented, as ``update`` finds them again."""


def dimension_heading(ref: PointRef) -> str:
    """The comment that opens the entries of ``ref``'s dimension (unindented)."""
    return f"{DIMENSION_MARK}{ref.dimension.caption} ══"


def item_heading(name: str) -> str:
    """The comment that opens the entries of the 評核項目 ``name`` (unindented)."""
    return f"{_ITEM_MARK}{name} ──"


def with_headings(refs: Sequence[PointRef]):
    """Each point with the comment lines that open it: a blank line, and the dimension's and
    item's headings where they change (the layout every generated subplan file shares)."""
    dimension = item = None
    for ref in refs:
        lines = [""]
        if ref.dimension.name != dimension:
            dimension, item = ref.dimension.name, None
            lines += [f"  {dimension_heading(ref)}", ""]
        if ref.item.name != item:
            item = ref.item.name
            lines.append(f"  {item_heading(ref.item.name)}")
        yield ref, lines


def _practice(text: str, indent: str) -> str:
    """A practice as a list item's value: one line as :func:`block_scalar` writes it, one of
    several lines exactly, a literal block indented by ``indent``."""
    return lines_scalar(text, indent) if "\n" in text else block_scalar(text)


def _flow(values: list[str]) -> str:
    return f"[{', '.join(flow_scalar(v) for v in values)}]"


def filled_subplan_text(plan: Plan, data: dict[str, Any], origin: str) -> str:
    """A subplan laid out as ``subplan init`` writes it, its slots filled from ``data`` (``unit``,
    ``title``, ``sub_units``, ``sub_groups`` and ``points``, each point's ``practices``,
    ``deadline`` text and ``units``; a point's ``note`` goes above its deadline; ``kept``: entries
    no longer assigned, kept marked removed). ``origin`` is the comment line saying where it came
    from, in the header in place of the skeleton's (which a file imported from a form contradicted)."""
    unit = data["unit"]
    refs = {ref.key: ref for ref in plan.points_for(unit)}
    lines = skeleton_header(plan, unit, origin)
    if data["title"] != subplan_title(plan, unit):
        at = next(i for i, line in enumerate(lines) if line.startswith("title: "))
        lines[at] = f"title: {block_scalar(data['title'])}"
    lines.append("# 本單位所屬的承辦單位（組、隊、派出所）")
    if data["sub_units"]:
        lines += ["sub_units:", *(f"  - {block_scalar(name)}" for name in data["sub_units"])]
    else:
        lines.append("sub_units: []")
    if data["sub_groups"]:
        lines.append("sub_groups:")
        for group in data["sub_groups"]:
            lines += [f"  - name: {block_scalar(group['name'])}", f"    members: {_flow(group['members'])}"]
    lines += ["", "# 評核重點：依本局計畫附件 1 的順序", "points:"]
    entries = [(refs[(e["dimension"], e["item"], e["point"])], e) for e in data["points"]]
    for (ref, headings), (_, entry) in zip(with_headings([r for r, _ in entries]), entries, strict=True):
        lines += headings
        skeleton = skeleton_entry(ref, plan.year)
        slot = next(i for i, line in enumerate(skeleton) if line.lstrip().startswith("practices:"))
        pad = skeleton[slot][: len(skeleton[slot]) - len(skeleton[slot].lstrip())]
        practices_lines, deadline_line, units_line = skeleton[slot:slot + 2], skeleton[slot + 2], skeleton[slot + 3]
        lines += skeleton[:slot]
        if entry["practices"]:
            # A practice of several lines (one the file wrote as a literal block) is kept as it is.
            lines += [f"{pad}practices:", *(f"{pad}  - {_practice(text, pad + '    ')}" for text in entry["practices"])]
        else:
            lines += practices_lines
        if entry.get("note"):
            lines.append(f"{pad}# {entry['note']}")
        lines.append(f"{pad}deadline: {block_scalar(entry['deadline'])}" if entry["deadline"] else deadline_line)
        lines.append(f"{pad}units: {_flow(entry['units'])}" if entry["units"] else units_line)
    if data.get("kept"):
        lines += ["", f"  # {KEPT_HEADING}：原有內容照原樣保留，各項標記 removed 的原因見該項 removed 上方的說明"]
        lines += [line for entry in data["kept"] for line in _kept_entry(entry)]
    return "\n".join(lines) + "\n"


def _kept_entry(entry: SubplanPoint) -> list[str]:
    """An entry of the unit's YAML the form did not show, as it was, marked removed (as ``subplan update`` does)."""
    lines = [f"  - dimension: {block_scalar(entry.dimension)}", f"    item: {block_scalar(entry.item)}",
             f"    point: {block_scalar(entry.point)}"]
    if entry.practices:
        lines += ["    practices:", *(f"      - {lines_scalar(text, '        ')}" for text in entry.practices)]
    if entry.deadline is not None:
        lines.append(f"    deadline: {block_scalar(deadline_text(entry.deadline))}")
    if entry.units:
        lines.append(f"    units: {_flow(entry.units)}")
    # The note goes with the entry, over its removed field, where `subplan update` rewrites it
    # when the bureau assigns the point again (a heading over all of them would stay and mislead).
    return [*lines, f"    # {IMPORT_NOTE}", "    removed: true"]
