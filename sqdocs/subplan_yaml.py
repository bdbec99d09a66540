"""A unit's subplan file (subplans/<unit>.yaml) as text, and the file work of
``sqdocs subplan init`` and ``update``.

``init`` writes a skeleton listing every point the unit is responsible for (the bureau's
practices shown as comments, empty slots for the unit's own), or one filled from the unit's
subplan of an earlier year; ``update`` merges later changes of the bureau plan into a file
the unit has already filled in by inserting lines only, so every byte the unit wrote is kept,
and rewrites the bureau's reference comments sqdocs wrote where the bureau changed the point.
What to change is decided by :mod:`sqdocs.derive`; the text functions here are pure, and
:func:`init_subplan` and :func:`update_subplan` at the end refuse to overwrite, keep backups
and write atomically.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sqdocs.check import required_units
from sqdocs.derive import (
    Carried,
    SubplanChanges,
    carried_subplan,
    resolve_unit,
    subplan_changes,
    subplan_title,
)
from sqdocs.errors import UserError
from sqdocs.folders import default_target
from sqdocs.fsutil import display_name, replace_keeping_backup, write_all, write_atomic, writing
from sqdocs.load import Diagnostic, LoadError, load_plan
from sqdocs.load.plan import written_year
from sqdocs.load.subplan import (
    misnamed_refusal,
    misnamed_subplan,
    read_subplan,
    subplan_files,
    subplan_path,
)
from sqdocs.model import Deadline, Plan, Point, PointRef, deadline_text
from sqdocs.model.common import CONTINUOUS
from sqdocs.model.subplan import KEY_FIELDS, PointKey, Subplan, SubplanPoint
from sqdocs.outline import detail_step_label, detail_step_text
from sqdocs.text.roc import date_examples, format_roc
from sqdocs.text.yamltext import block_scalar, flow_scalar

# The sections a 分局 usually has; a skeleton starts from them and the unit edits the list.
PRECINCT_SUB_UNITS = ("行政組", "保安組", "偵查隊", "防治組", "交通組", "勤務指揮中心", "各派出所")


# ---- YAML text ---------------------------------------------------------------


def _comment(text: str) -> str:
    return " ".join(text.split())


REFERENCE_HEADER = "# 本局具體作法（僅供參考，不是資料，可刪除）："


def reference_comments(point: Point, indent: int) -> list[str]:
    """The bureau's practices, deadline and units of ``point`` as the comment lines a skeleton
    entry shows for reference (and ``update`` refreshes), ``indent`` spaces in."""
    pad = " " * indent
    return [
        f"{pad}{REFERENCE_HEADER}",
        *(f"{pad}#   {n}. {_comment(text)}" for n, text in enumerate(point.practices, 1)),
        f"{pad}# 本局完成期限：{deadline_text(point.deadline)}；本局承辦單位：{'、'.join(point.units)}",
    ]


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
        f"{key}deadline:       # ← 完成期限：{CONTINUOUS} 或民國日期，如 {date_examples(year)[0]}",
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
        f"#      {start}至 {end}之內。",
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


def with_headings(refs: Sequence[PointRef]):
    """Each point with the comment lines that open it: a blank line, and the dimension's and
    item's headings where they change (the layout every generated subplan file shares)."""
    dimension = item = None
    for ref in refs:
        lines = [""]
        if ref.dimension.name != dimension:
            dimension, item = ref.dimension.name, None
            lines += [f"  # ══ {ref.dimension.caption} ══", ""]
        if ref.item.name != item:
            item = ref.item.name
            lines.append(f"  # ── 評核項目：{item} ──")
        yield ref, lines


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
            lines += [f"{pad}practices:", *(f"{pad}  - {block_scalar(text)}" for text in entry["practices"])]
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
        lines += ["    practices:", *(f"      - {block_scalar(text)}" for text in entry.practices)]
    if entry.deadline is not None:
        lines.append(f"    deadline: {block_scalar(deadline_text(entry.deadline))}")
    if entry.units:
        lines.append(f"    units: {_flow(entry.units)}")
    # The note goes with the entry, over its removed field, where `subplan update` rewrites it
    # when the bureau assigns the point again (a heading over all of them would stay and mislead).
    return [*lines, f"    # {_IMPORT_NOTE}", "    removed: true"]


# ---- update: where the points list and its entries are ------------------------------


# Line breaks as YAML counts them (str.splitlines also splits at \f, \v …, which YAML does not).
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")


def _split_lines(text: str) -> list[str]:
    """``text`` as lines with their breaks, numbered the way PyYAML numbers marks."""
    return [m.group() for m in _LINE.finditer(text) if m.group()]


def _end_line(node: Node) -> int:
    """The 0-based index of the first line after ``node``'s content (comments after it excluded)."""
    if isinstance(node, ScalarNode) or node.flow_style or not node.value:
        mark = node.end_mark
        return mark.line if mark.column == 0 and mark.line > node.start_mark.line else mark.line + 1
    children: list[Node] = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            children += [key, value]
    else:
        children = list(node.value)
    return max(_end_line(child) for child in children)


def _dash_line(lines: Sequence[str], node: Node) -> tuple[int, int]:
    """Line index and column of the ``-`` that starts a sequence entry."""
    line = node.start_mark.line
    while line >= 0:
        text = lines[line] if line != node.start_mark.line else lines[line][: node.start_mark.column]
        stripped = text.lstrip()
        if stripped.startswith("-"):
            return line, len(text) - len(stripped)
        line -= 1
    raise UserError("無法辨識 points 清單的格式；請確認每個評核重點以「- 」開頭")


@dataclass(frozen=True)
class _Entry:
    node: MappingNode
    dash: int  # line index of its "-"
    dash_col: int
    end: int  # first line after its content


def _points_node(root: Node) -> tuple[ScalarNode | None, Node | None]:
    if not isinstance(root, MappingNode):
        return None, None
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "points":
            return key, value
    return None, None


@dataclass(frozen=True)
class _Layout:
    lines: list[str]  # the file's lines, each with its break (the last one given the file's)
    newline: str
    points_key: ScalarNode
    seq: Node  # the points list, or the empty value of a bare "points:"
    entries: list[_Entry]  # one per item of the points list, in file order


def _layout(text: str) -> _Layout:
    """Where the points list and its entries are in ``text``; a UserError when update cannot work in it."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = _split_lines(text)
    if lines and not _LINE_BREAK.search(lines[-1]):
        lines[-1] += newline
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    points_key, seq = _points_node(root)
    if points_key is None or seq is None:
        raise UserError("找不到 points 欄位；無法自動更新，請先補上「points:」一行")
    if not isinstance(seq, SequenceNode) and not (isinstance(seq, ScalarNode) and seq.value == ""):
        raise UserError("points 應為清單（每個評核重點以「- 」開頭）；無法自動更新")
    if isinstance(seq, SequenceNode) and seq.flow_style and seq.value:
        raise UserError("points 以 [ … ] 寫在同一行，無法自動更新；請改為每個評核重點以「- 」開頭的寫法")
    nodes = list(seq.value) if isinstance(seq, SequenceNode) else []
    if any(not isinstance(n, MappingNode) or n.flow_style for n in nodes):
        raise UserError("points 的每一項都應是「- dimension: …」開頭的欄位；無法自動更新")
    entries = [_Entry(n, *_dash_line(lines, n), _end_line(n)) for n in nodes]
    return _Layout(lines, newline, points_key, seq, entries)


# ---- update: the bureau's reference comments ------------------------------------

# A reference line as reference_comments writes it (after the indent): a practice numbered in
# turn, and the deadline with units that are names (see _names_as_written).
_PRACTICE_LINE = "#   {}. "
# The notes sqdocs writes into a unit's file, each marked as its own (forms.comments tells
# them from the unit's notes by these marks; update rewrites those over a removed field).
FLAG_STAMP = "（sqdocs subplan update 標記）"
ADDED_STAMP = "（sqdocs subplan update 加入）"
IMPORT_STAMP = "（sqdocs form import 標記）"
KEPT_HEADING = "以下評核重點不在表單上"
_MAY_DELETE = "本項內容保留供參考，確認後可整項刪除"
_RESTORED = "已取消 removed"
_IMPORT_NOTE = f"本局計畫已刪除、改名或不再指派本單位辦理此評核重點{IMPORT_STAMP}；{_MAY_DELETE}"
_TERMS_LINE = re.compile(r"# 本局完成期限：(?P<deadline>[^；]+)；本局承辦單位：(?P<units>[^；]+)")
_PLAIN_NAME = re.compile(r"[^\s；、（）()]+")
_DEADLINE = TypeAdapter(Deadline)


def _bare(line: str) -> str:
    return _LINE_BREAK.sub("", line)


def _as_written(deadline: str) -> bool:
    """Whether ``deadline`` reads as :func:`deadline_text` writes a 完成期限."""
    try:
        return deadline_text(_DEADLINE.validate_python(deadline)) == deadline
    except ValidationError:
        return False


def _names_as_written(units: str, known: Collection[str]) -> bool:
    """Whether ``units`` reads as reference_comments writes a 承辦單位 list: names joined by 「、」,
    each without the spaces or brackets a clerk's note would add (「刑警大隊（本分局協辦）」), or
    a name of the bureau's registry as it is, brackets and all (「交通隊(事故處理組)」)."""
    return all(_PLAIN_NAME.fullmatch(name) or name in known for name in units.split("、"))


def _reference_block(lines: Sequence[str], entry: _Entry, known: Collection[str],
                     practices: Collection[str] = ()) -> tuple[int, int] | None:
    """The lines (start, stop) of the reference comments sqdocs wrote in ``entry``, at its keys'
    indent; None unless there is exactly one such block, every line of it as sqdocs writes it
    (a block the unit edited is the unit's own words). ``known``: the registry's unit names;
    ``practices``: the bureau's practices of the entry's point now, as the block writes them."""
    pad = " " * entry.node.start_mark.column
    heads = [i for i in range(entry.dash, entry.end) if _bare(lines[i]).lstrip(" ") == REFERENCE_HEADER]
    if len(heads) != 1 or _bare(lines[heads[0]]) != pad + REFERENCE_HEADER:
        return None
    at, n = heads[0] + 1, 1
    while at < entry.end and _bare(lines[at]).startswith(head := pad + _PRACTICE_LINE.format(n)):
        said = _bare(lines[at])[len(head):]
        # A line that holds one of the bureau's practices and more is that practice with the
        # unit's note beside it, not the bureau's earlier wording: the block is the unit's.
        if any(text != said and text in said for text in practices):
            return None
        at, n = at + 1, n + 1
    if n == 1 or at >= entry.end:  # the bureau lists one practice at least
        return None
    last = _bare(lines[at])
    terms = _TERMS_LINE.fullmatch(last[len(pad):]) if last.startswith(pad + "#") else None
    if terms is None or not _as_written(terms["deadline"]) or not _names_as_written(terms["units"], known):
        return None
    return heads[0], at + 1


@dataclass(frozen=True)
class Refresh:
    """An entry's reference comments, rewritten to say what the bureau's point now says."""

    index: int  # the entry
    ref: PointRef  # its point, after the update
    start: int  # the block's first line in the file
    old: tuple[str, ...]  # the block's lines as they are and as they will be (indented, no line breaks)
    new: tuple[str, ...]

    def summary(self) -> str:
        """What changes in the comments, in a few words: 「具體作法改為本局計畫所列；完成期限 A → B」.
        Not 「the bureau revised」: the old lines may be the unit's edit of a block as sqdocs writes it."""
        was = _TERMS_LINE.fullmatch(self.old[-1].lstrip(" "))
        assert was is not None  # _reference_block recognised it
        point = self.ref.point
        parts = ["具體作法改為本局計畫所列"] if self.old[1:-1] != self.new[1:-1] else []
        for label, old, new in (("完成期限", was["deadline"], deadline_text(point.deadline)),
                                ("承辦單位", was["units"], "、".join(point.units))):
            if old != new:
                parts.append(f"{label} {old} → {new}")
        return "；".join(parts)


def _live_entries(layout: _Layout, plan: Plan, subplan: Subplan, changes: SubplanChanges
                  ) -> Iterator[tuple[int, _Entry, PointRef, tuple[int, int] | None]]:
    """Every entry still live after ``changes`` with the point it is now (a moved entry's new
    one), and where its reference block is, if sqdocs wrote it (:func:`_reference_block`)."""
    assigned = {ref.key: ref for ref in plan.points_for(subplan.unit)}
    moved = dict(changes.moved)
    flagged = {r.index for r in changes.removed}
    known = set(plan.units.known_names())
    for index, (entry, point) in enumerate(zip(layout.entries, subplan.points, strict=True)):
        if index in flagged or (point.removed and index not in changes.restored):
            continue
        ref = moved[index] if index in moved else assigned.get(point.key)
        if ref is not None:
            practices = [_comment(text) for text in ref.point.practices]
            yield index, entry, ref, _reference_block(layout.lines, entry, known, practices)


def references(
    text: str, plan: Plan, subplan: Subplan, changes: SubplanChanges
) -> tuple[tuple[Refresh, ...], tuple[PointRef, ...]]:
    """The reference comments in ``text`` (the file ``subplan`` was read from) of every entry
    still live after ``changes`` (a moved entry's are its new point's; entries marked removed are
    left as they are): those sqdocs wrote that no longer say what the bureau's point says, to
    refresh; and the points of those there but not as sqdocs writes them (the unit edited them, or
    laid them out otherwise), left as they are, so update cannot vouch for them. Nothing when
    ``text`` is laid out so update cannot work in it."""
    try:
        layout = _layout(text)
    except UserError:  # apply_changes says why, if there is anything else to change
        return (), ()
    stale, edited = [], []
    for index, entry, ref, block in _live_entries(layout, plan, subplan, changes):
        if block is None:
            if any(REFERENCE_HEADER in line for line in layout.lines[entry.dash:entry.end]):
                edited.append(ref)
            continue
        old = tuple(_bare(line) for line in layout.lines[block[0]:block[1]])
        new = tuple(reference_comments(ref.point, entry.node.start_mark.column))
        if old != new:
            stale.append(Refresh(index, ref, block[0], old, new))
    return tuple(stale), tuple(edited)


# ---- update: insert lines, never rewrite the unit's text -------------------------------


def apply_changes(
    text: str, plan: Plan, subplan: Subplan, changes: SubplanChanges, refreshed: Sequence[Refresh] = ()
) -> str:
    """``text`` (the subplan file ``subplan`` was read from) with ``changes`` made and the
    reference comments of ``refreshed`` (the first of :func:`references` of the same text) rewritten.

    Only whole lines are inserted (new entries, ``removed: true`` with a comment) and, for an
    entry that already has a ``removed`` field, its value replaced; reference blocks are
    replaced whole. Nothing else changes.
    """
    layout = _layout(text)
    lines, newline, points_key, seq, entries = (
        layout.lines, layout.newline, layout.points_key, layout.seq, layout.entries)

    replace: dict[int, tuple[int, int, str]] = {}  # line → (start col, end col, new text)
    notes: dict[int, str] = {}  # line → update's own comment line over a removed field, rewritten
    inserts: list[tuple[int, int, int, list[str]]] = []  # (line index, kind, sequence, lines)
    blocks = {r.start: r for r in refreshed}  # reference blocks: whole comment lines, never the unit's data

    def set_removed(index: int, value: str, comment: str) -> None:
        node = entries[index].node
        for key, val in node.value:
            if isinstance(key, ScalarNode) and key.value == "removed":
                if val.start_mark.line != val.end_mark.line:
                    raise UserError("removed 欄位應寫在同一行（removed: true）；無法自動更新")
                replace[val.start_mark.line] = (val.start_mark.column, val.end_mark.column, value)
                above = key.start_mark.line - 1
                if above > entries[index].dash and _is_flag_note(lines[above]):
                    # update's own note over the field says the opposite now: a clerk who
                    # followed 「確認後可整項刪除」 would delete an entry the bureau assigns again.
                    pad = " " * key.start_mark.column
                    notes[above] = f"{pad}# {comment}{lines[above][len(_bare(lines[above])):]}"
                return
        pad = " " * node.start_mark.column
        inserts.append((entries[index].end, 0, len(inserts), [f"{pad}# {comment}", f"{pad}removed: {value}"]))

    for index, ref in changes.moved:  # the bureau's names, rewritten in place; the unit's text untouched
        node = entries[index].node
        names = dict(zip(KEY_FIELDS, ref.key, strict=True))
        was = dict(zip(KEY_FIELDS, subplan.points[index].key, strict=True))
        for key, val in node.value:
            if isinstance(key, ScalarNode) and key.value in names and names[key.value] != was[key.value]:
                if val.start_mark.line != val.end_mark.line:
                    raise UserError(f"{key.value} 欄位應寫在同一行；無法自動更新")
                replace[val.start_mark.line] = (val.start_mark.column, val.end_mark.column, block_scalar(names[key.value]))
        pad = " " * node.start_mark.column
        inserts.append((entries[index].end, 0, len(inserts), [f"{pad}# {_move_note(subplan.points[index].key, ref)}{FLAG_STAMP}"]))
    for removal in changes.removed:
        set_removed(removal.index, "true", f"{removal.reason}{FLAG_STAMP}；{_MAY_DELETE}")
    for index in changes.restored:
        set_removed(index, "false", f"本局計畫又指派本單位辦理此評核重點{FLAG_STAMP}，{_RESTORED}")

    order = {ref.key: n for n, ref in enumerate(plan.points())}
    dash_col = entries[0].dash_col if entries else 2
    key_col = entries[0].node.start_mark.column if entries else dash_col + 2
    for ref in changes.added:
        rank = order[ref.key]
        before = [i for i, p in enumerate(subplan.points) if order.get(p.key, rank) < rank]
        if before:  # right after the last entry that comes earlier in the bureau plan
            at = entries[max(before, key=lambda i: order[subplan.points[i].key])].end
        elif isinstance(seq, SequenceNode) and seq.flow_style:  # "points: []": drop the brackets
            replace[seq.start_mark.line] = (seq.start_mark.column, seq.end_mark.column, "")
            at = seq.start_mark.line + 1
        elif entries:  # first in the bureau's order: before the first entry and its heading comments
            at = entries[0].dash
            while at - 1 > points_key.start_mark.line and lines[at - 1].lstrip().startswith("#"):
                at -= 1
        else:
            at = points_key.start_mark.line + 1
        block = [f"{' ' * dash_col}# ── 本局計畫新增的評核重點{ADDED_STAMP}，請填寫 ──"]
        inserts.append((at, 1, len(inserts), block + skeleton_entry(ref, plan.year, dash_col, key_col)))

    for line, (start, end, value) in replace.items():
        old = lines[line]
        lines[line] = old[:start] + value + old[end:]
    for line, note in notes.items():
        lines[line] = note
    for start, refresh in blocks.items():
        if tuple(_bare(line) for line in lines[start:start + len(refresh.old)]) != refresh.old:
            raise RuntimeError("本局參考說明的位置與預期不符；未寫入任何檔案")  # a Refresh of another text: a bug
        inserts.append((start, 2, len(inserts), list(refresh.new)))
    # Bottom up, so earlier line indexes stay valid; at one line, flags before new entries, in
    # order. A reference block lies inside its entry, so no insertion falls within it.
    for at, kind, _, block in sorted(inserts, key=lambda x: x[:3], reverse=True):
        chunk = list(block)
        if kind == 1:  # a new entry: set off by blank lines
            if at > 0 and lines[at - 1].strip():
                chunk.insert(0, "")
            if at < len(lines) and lines[at].strip():
                chunk.append("")
        if kind == 2:
            stop = at + len(blocks[at].old)
            lines[at:stop] = _rewritten(lines[at:stop], chunk)
        else:
            lines[at:at] = [f"{c}{newline}" for c in chunk]
    return "".join(lines)


def _is_flag_note(line: str) -> bool:
    """Whether ``line`` is the comment update (:func:`apply_changes`) or a form's import
    (:func:`_kept_entry`) writes over ``removed:``, rather than the unit's own."""
    text = _bare(line).strip()
    return (text.startswith("# ") and (FLAG_STAMP in text or IMPORT_STAMP in text)
            and (_MAY_DELETE in text or _RESTORED in text))


def _rewritten(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The lines ``old`` (with their breaks) rewritten to say ``new``: a line that stays as it was
    keeps its bytes, and each line takes the break of the line it replaces (the last one's when
    the block grows), so a file mixing CRLF and LF changes only where the bureau changed."""
    breaks = [line[len(_bare(line)):] for line in old]
    return [old[i] if i < len(old) and _bare(old[i]) == text else text + breaks[min(i, len(old) - 1)]
            for i, text in enumerate(new)]


# ---- files -------------------------------------------------------------------


def previous_plan(folder: Path, plan: Plan, data: Path) -> Plan:
    """The plan of ``folder``, an earlier year's data folder of the same agency: where ``subplan
    init --from`` takes subplans from. UserError, naming --from, for any other folder; its example
    is last year's name of ``data``, the folder being written (hsinchu-113 → hsinchu-112)."""
    where = f"--from {folder}"
    example = f"如 {display_name(default_target(Path(data), plan.year - 1))}"
    if folder.is_file():
        raise UserError(f"{where} 是檔案；--from 要指定前一年度的資料夾（{example}），不是其中的檔案")
    if not (folder / "plan.yaml").is_file():
        found = "找不到此資料夾" if not folder.is_dir() else "此資料夾沒有 plan.yaml，不是計畫資料夾"
        raise UserError(f"{where}：{found}；--from 要指定前一年度的資料夾（{example}）")
    year = written_year(folder)
    if year is not None and year >= plan.year:  # before loading: a later year's folder may be unfilled yet
        raise UserError(
            f"{where} 是 {year} 年度的資料，要建立的是 {plan.year} 年度的細部計畫；"
            f"--from 要指定 {plan.year - 1} 年或更早的資料夾（是否把兩個資料夾寫反了？）"
        )
    earlier = load_plan(folder)
    if earlier.agency != plan.agency:
        raise UserError(f"{where} 是「{earlier.agency}」的資料，本資料夾是「{plan.agency}」的；請指定本機關前一年度的資料夾")
    return earlier


def _earlier_subplan(folder: Path, earlier: Plan, name: str) -> tuple[Subplan, int] | None:
    """``name``'s subplan in ``folder`` (of the plan ``earlier``) and its year; None when it has none.
    UserError when it is there under a name sqdocs does not read; LoadError when it cannot be read."""
    path = subplan_path(folder, name)
    if not path.is_file():
        if (misnamed := misnamed_subplan(folder, name)) is not None:
            raise UserError(misnamed_refusal(misnamed))
        return None
    return read_subplan(path, earlier).subplan, earlier.year


def previous_subplan(folder: Path, plan: Plan, unit: str, data: Path) -> tuple[Subplan, int]:
    """``unit``'s subplan in ``folder``, an earlier year's data folder of the same agency, and that
    year: what ``subplan init --from`` into ``data`` starts from. UserError, naming --from, for any
    other folder."""
    earlier = previous_plan(folder, plan, data)
    name = resolve_unit(plan, unit)
    found = _earlier_subplan(folder, earlier, name)
    if found is None:
        path = subplan_path(folder, name)
        raise UserError(f"{display_name(folder)} 沒有{name}的細部執行計畫（{display_name(path)}）；不加 --from 即由空白範本開始")
    return found


def _refuse_existing(folder: Path | str, name: str) -> Path:
    """Where ``name``'s subplan goes; UserError when it, or a misnamed copy of it, is already there."""
    path = subplan_path(folder, name)
    if (misnamed := misnamed_subplan(folder, name)) is not None:
        raise UserError(misnamed_refusal(misnamed))
    if path.exists():
        raise UserError(
            f"{display_name(path)} 已存在；為避免蓋掉已填寫的內容，init 不會重寫。"
            f"要加入本局計畫新增的評核重點，請執行：sqdocs subplan update {display_name(Path(folder))} --unit {name}"
        )
    return path


def _new_subplan_text(plan: Plan, name: str, previous: tuple[Subplan, int] | None) -> tuple[str, Carried | None]:
    """The text ``init`` writes for ``name``: the skeleton, or one filled from ``previous``."""
    if previous is None:
        return subplan_skeleton(plan, name), None
    data, carried = carried_subplan(plan, name, *previous)
    return filled_subplan_text(plan, data, (
        f"# 本檔由 sqdocs subplan init 產生，帶入 {carried.year} 年細部執行計畫的具體作法、承辦單位與「{CONTINUOUS}」；"
        "請逐項檢查是否仍適用，寫成日期的完成期限請改填今年的日期。"
    )), carried


def init_subplan(
    folder: Path | str, plan: Plan, unit: str, previous: tuple[Subplan, int] | None = None
) -> tuple[Path, int, Carried | None]:
    """Write the skeleton of ``unit``'s subplan, filled from ``previous`` (its subplan of an earlier
    year, and that year) when given; refuses to overwrite. Returns (path, points, what was carried)."""
    name = resolve_unit(plan, unit)
    path = _refuse_existing(folder, name)
    refs = plan.points_for(name)
    if not refs:
        raise UserError(f"本局計畫附件 1 沒有指派「{name}」辦理的評核重點，不需要細部執行計畫")
    text, carried = _new_subplan_text(plan, name, previous)
    with writing(data_folder=True):
        write_atomic(path, text.encode("utf-8"))
    return path, len(refs), carried


def subplan_units(folder: Path | str, plan: Plan) -> tuple[list[str], list[str]]:
    """The units that must have a subplan, in registry order — every 分局, and any other unit that
    already has a subplan file (第一分局.yml too) — and, apart, those of them the plan assigns no
    point to: they have nothing to plan."""
    wrote = {path.name.split(".")[0] for path in subplan_files(folder)}
    wanted = plan.units.in_order(set(required_units(plan)) | wrote)
    units = [unit for unit in wanted if plan.points_for(unit)]
    return units, [unit for unit in wanted if unit not in units]


@dataclass(frozen=True)
class NewSubplan:
    """A subplan ``init --all`` wrote."""

    unit: str
    path: Path
    points: int
    carried: Carried | None  # None: a blank skeleton
    missing: Path | None = None  # with --from: the earlier year's file the unit does not have


@dataclass(frozen=True)
class InitResult:
    made: list[NewSubplan]
    existing: list[tuple[str, Path]]  # units that have a subplan already: left alone
    unneeded: list[str]  # 分局 the plan assigns no point to, without a file: none needed
    earlier_only: list[str] = field(default_factory=list)  # other units with a subplan in the --from folder only


def init_subplans(folder: Path | str, plan: Plan, previous: Path | None = None) -> InitResult:
    """``init`` of every unit :func:`subplan_units` names that has no subplan file yet, each from its
    own subplan in ``previous`` (an earlier year's folder) when it has one there, else blank.

    Everything is checked before anything is written (the --from folder, a unit's file under a
    name sqdocs does not read here or there, last year's files that cannot be read), and the
    files are written as one set: a failure midway leaves none of them.
    """
    units, unneeded = subplan_units(folder, plan)
    if not units:
        raise UserError("本局計畫附件 1 沒有指派任何單位辦理的評核重點，不需要細部執行計畫")
    earlier = previous_plan(previous, plan, Path(folder)) if previous is not None else None
    everyone = plan.units.in_order({*units, *unneeded})
    existing = [(unit, subplan_path(folder, unit)) for unit in everyone if subplan_path(folder, unit).exists()]
    wanted = [unit for unit in units if not subplan_path(folder, unit).exists()]
    refusals = [misnamed_refusal(misnamed) for unit in wanted if (misnamed := misnamed_subplan(folder, unit))]
    found: dict[str, tuple[Subplan, int] | None] = {}
    problems: list[Diagnostic] = []
    for unit in wanted:
        if previous is None or earlier is None:
            found[unit] = None
            continue
        try:
            found[unit] = _earlier_subplan(previous, earlier, unit)
        except UserError as exc:
            refusals.append(str(exc))
        except LoadError as exc:
            problems += exc.diagnostics
    if refusals:
        raise UserError("\n".join([*refusals, "未建立任何細部執行計畫。"]))
    if problems:
        raise LoadError(problems, note=f"以上是 --from {display_name(previous)} 中去年的細部執行計畫；"
                                       "請修正後再執行，未建立任何細部執行計畫。")
    made, files = [], {}
    for unit in wanted:
        text, carried = _new_subplan_text(plan, unit, found[unit])
        path = subplan_path(folder, unit)
        missing = subplan_path(previous, unit) if previous is not None and found[unit] is None else None
        made.append(NewSubplan(unit, path, len(plan.points_for(unit)), carried, missing))
        files[path] = text.encode("utf-8")
    if any(path.exists() for path in files):  # written meanwhile (a colleague's init): not overwritten
        raise UserError("細部執行計畫檔在檢查後被建立（可能有同事同時執行）；未寫入任何檔案，請再執行一次")
    with writing(data_folder=True):
        write_all(files)
    earlier_only = []
    if previous is not None:
        theirs = {path.stem for path in subplan_files(previous)}
        earlier_only = [unit for unit in plan.units.in_order(theirs) if unit not in units]
    return InitResult(made, existing, [unit for unit in unneeded if not subplan_path(folder, unit).exists()],
                      earlier_only)


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    backup: Path | None  # None when nothing changed (and nothing was written)
    changes: SubplanChanges
    subplan: Subplan  # before the update, for naming the entries in a report
    refreshed: tuple[Refresh, ...] = ()
    edited: tuple[PointRef, ...] = ()  # entries whose reference comments the unit changed: left alone

    def edited_note(self) -> str:
        """What update left alone in the comments and so cannot vouch for; empty when nothing."""
        if not self.edited:
            return ""
        return (f"注意：{len(self.edited)} 個評核重點的本局參考說明（「#」開頭的註解）經過編輯，未自動更新："
                f"{'、'.join('／'.join(ref.key) for ref in self.edited)}；本局目前的內容見本局計畫附件 1")

    def lines(self) -> list[str]:
        """What changed, one line each, for the user."""
        out = [f"新增：{'／'.join(ref.key)}" for ref in self.changes.added]
        out += [f"標記 removed：{'／'.join(r.key)}（{r.reason}）" for r in self.changes.removed]
        out += [f"取消 removed：{'／'.join(self.subplan.points[i].key)}（本局計畫又指派本單位辦理）" for i in self.changes.restored]
        out += [
            f"{'改名' if self.subplan.points[i].key[:2] == ref.key[:2] else '移動'}："
            f"{'／'.join(self.subplan.points[i].key)} → {'／'.join(ref.key)}（內容照舊）"
            for i, ref in self.changes.moved
        ]
        out += [f"更新本局參考說明：{'／'.join(r.ref.key)}（{r.summary()}）" for r in self.refreshed]
        return out


def _move_note(was: PointKey, ref: PointRef) -> str:
    """What the bureau did to an entry's point (moved it, renamed it), for a comment beside it."""
    if was[:2] == ref.key[:2]:
        return f"本局計畫把此評核重點「{was[2]}」改名為「{ref.point.name}」，已更新 point"
    fields = "、".join(f for f, old, new in zip(KEY_FIELDS, was, ref.key, strict=True) if old != new)
    return f"本局計畫把此評核重點移到「{ref.dimension.name}／{ref.item.name}」，已更新 {fields}"


def _verify(new_text: str, old: Subplan, changes: SubplanChanges) -> None:
    """Refuse to write an update that does not read back as intended (a bug, never the user's fault)."""
    try:
        new = Subplan.model_validate(yaml.safe_load(new_text))
    except Exception as exc:  # noqa: BLE001
        raise RuntimeError(f"更新後的檔案無法讀回（{exc}）；未寫入任何檔案") from exc
    flagged = {r.index for r in changes.removed}
    moved = dict(changes.moved)
    expected_old = [
        p.model_copy(update={
            "removed": i in flagged or (p.removed and i not in changes.restored),
            **(dict(zip(KEY_FIELDS, moved[i].key, strict=True)) if i in moved else {}),
        })
        for i, p in enumerate(old.points)
    ]
    old_keys = {q.key for q in expected_old}
    kept = [p for p in new.points if p.key in old_keys]
    added = [p.key for p in new.points if p.key not in old_keys]
    if kept != expected_old or sorted(added) != sorted(r.key for r in changes.added):
        raise RuntimeError("更新後的評核重點與預期不符；未寫入任何檔案")
    if new.model_dump(exclude={"points"}) != old.model_dump(exclude={"points"}):
        raise RuntimeError("更新改動了評核重點以外的欄位；未寫入任何檔案")


def update_subplan(folder: Path | str, plan: Plan, unit: str) -> UpdateResult:
    """Merge the bureau plan's changes into ``unit``'s subplan, keeping every byte the unit wrote.

    The bureau's reference comments of entries whose point the bureau changed are refreshed too.
    The previous file is kept as a numbered backup; nothing is written when nothing changed.
    """
    name = resolve_unit(plan, unit)
    path = subplan_path(folder, name)
    if not path.exists():
        raise UserError(
            f"找不到 {display_name(path)}；請先執行：sqdocs subplan init {display_name(Path(folder))} --unit {name}"
        )
    loaded = read_subplan(path, plan)  # LoadError (file:line:col) if the unit's file cannot be read
    changes = subplan_changes(plan, loaded.subplan)
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    if text != loaded.doc.text:  # saved meanwhile: the entries read are not those of this text
        raise UserError(f"{display_name(path)} 在讀取時被修改（可能是編輯器剛存檔）；未寫入任何檔案，請再執行一次")
    refreshed, edited = references(text, plan, loaded.subplan, changes)
    if not changes and not refreshed:
        return UpdateResult(path, None, changes, loaded.subplan, edited=edited)
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    new_text = apply_changes(text, plan, loaded.subplan, changes, refreshed)
    _verify(new_text, loaded.subplan, changes)
    backup = replace_keeping_backup(path, raw, bom + new_text.encode("utf-8"))
    return UpdateResult(path, backup, changes, loaded.subplan, refreshed, edited)


@dataclass(frozen=True)
class UpdateOutcome:
    """How ``update --all`` went for one subplan file: updated (or found in line), or why not."""

    unit: str  # the file's name without its extension: the unit's, when it is named right
    path: Path
    result: UpdateResult | None
    error: Exception | None = None
    """Bad input (UserError, LoadError), the file system (OSError), or any other: a bug."""


def update_subplans(folder: Path | str, plan: Plan) -> list[UpdateOutcome]:
    """:func:`update_subplan` of every subplan file in ``folder``, in registry order, each on its
    own: a file that cannot be read or updated (a misnamed one, one of no unit of the registry,
    one with errors) is reported in its outcome and the others are still updated."""
    paths = subplan_files(folder)
    if not paths:
        where = display_name(Path(folder) / "subplans")
        raise UserError(f"{where} 中沒有任何細部執行計畫檔；請先執行：sqdocs subplan init {display_name(Path(folder))} --all")
    rank = {unit.name: n for n, unit in enumerate(plan.units.units)}
    outcomes = []
    for path in sorted(paths, key=lambda p: (rank.get(p.name.split(".")[0], len(rank)), p.name)):
        unit = path.name.split(".")[0]
        try:
            if path.suffix != ".yaml":
                raise UserError(misnamed_refusal(path))
            registered = plan.units.unit(unit)
            if registered is None or registered.name != unit:
                read_subplan(path, plan)  # LoadError: the unit it names is not this file's
                raise UserError(f"檔名不是 units.yaml 中的單位簡稱；請改名為「單位.yaml」（如 {plan.units.units[0].name}.yaml）")
            outcomes.append(UpdateOutcome(unit, path, update_subplan(folder, plan, unit)))
        except Exception as exc:  # noqa: BLE001 — a bug met in one file leaves the others updated
            outcomes.append(UpdateOutcome(unit, path, None, exc))
    return outcomes
