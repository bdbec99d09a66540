"""``sqdocs subplan update``'s merge, on the text of a subplan file the unit has filled in.

Later changes of the bureau plan go in by inserting lines only, so every byte the unit wrote is
kept, and the bureau's reference comments sqdocs wrote are rewritten where the bureau changed
the point. What to change is decided by :mod:`sqdocs.derive`; the functions here are pure.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import yaml
from pydantic import TypeAdapter, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sqdocs.derive import SubplanChanges
from sqdocs.errors import UserError
from sqdocs.model import Deadline, Plan, PointRef, deadline_text
from sqdocs.model.subplan import KEY_FIELDS, PointKey, Subplan
from sqdocs.subplans.text import (
    ADDED_STAMP,
    DIMENSION_MARK,
    FLAG_STAMP,
    HEADING,
    IMPORT_STAMP,
    MAY_DELETE,
    REFERENCE_HEADER,
    RESTORED,
    dimension_heading,
    item_heading,
    one_line,
    reference_comments,
    skeleton_entry,
)
from sqdocs.text.yamltext import LINE_BREAK, block_scalar

# A reference line as reference_comments writes it (after the indent): a practice numbered in
# turn, and the deadline with units that are names (see _names_as_written).
_PRACTICE_LINE = "#   {}. "
_TERMS_LINE = re.compile(r"# 本局完成期限：(?P<deadline>[^；]+)；本局承辦單位：(?P<units>[^；]+)")
_PLAIN_NAME = re.compile(r"[^\s；、（）()]+")
_DEADLINE = TypeAdapter(Deadline)

# A line with its break, the breaks YAML counts (text.yamltext.LINE_BREAK).
_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")


# ---- update: where the points list and its entries are ------------------------------


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


def _past_own_notes(lines: Sequence[str], entry: _Entry) -> int:
    """The first line after ``entry`` and the comments under its last field at its fields'
    indent (or deeper): a unit's note on the entry, which a new entry must not come between."""
    at = entry.end
    while at < len(lines) and (bare := _bare(lines[at])).lstrip(" ").startswith("#") \
            and len(bare) - len(bare.lstrip(" ")) >= entry.node.start_mark.column > entry.dash_col:
        at += 1
    return at


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
    if lines and not LINE_BREAK.search(lines[-1]):
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
    if bad := next((n for n in nodes if not isinstance(n, MappingNode)), None):
        raise UserError(f"第 {bad.start_mark.line + 1} 行：points 的每一項都應是「- dimension: …」開頭的欄位；無法自動更新")
    entries = [_Entry(n, *_dash_line(lines, n), _end_line(n)) for n in nodes]
    return _Layout(lines, newline, points_key, seq, entries)


# ---- update: the bureau's reference comments ------------------------------------


def _bare(line: str) -> str:
    return LINE_BREAK.sub("", line)


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
            practices = [one_line(text) for text in ref.point.practices]
            yield index, entry, ref, _reference_block(layout.lines, entry, known, practices)


def references(
    text: str, plan: Plan, subplan: Subplan, changes: SubplanChanges
) -> tuple[tuple[Refresh, ...], tuple[PointRef, ...]]:
    """The reference comments in ``text`` (the file ``subplan`` was read from) of every entry
    still live after ``changes`` (a moved entry's are its new point's; entries marked removed are
    left as they are): those sqdocs wrote that no longer say what the bureau's point says, to
    refresh; and the points of those there but not as sqdocs writes them (the unit edited them, or
    laid them out otherwise), left as they are, so update cannot vouch for them. A UserError
    when ``text`` holds reference comments but is laid out so update cannot work in it: saying
    the file is in line with the bureau's plan would be a guess."""
    try:
        layout = _layout(text)
    except UserError:
        if REFERENCE_HEADER in text:
            raise
        return (), ()  # nothing to refresh; apply_changes says why, if there is anything to change
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

    def inside(index: int, what: str) -> MappingNode:
        """The entry's node, to edit inside; one written { … } on its line has no room for a line."""
        node = entries[index].node
        if node.flow_style:
            raise UserError(
                f"第 {entries[index].dash + 1} 行的評核重點寫成「{{ … }}」，無法在其中{what}；請把這一項改寫為每個欄位"
                "一行（「- dimension: …」，其下「  item: …」「  point: …」……，如其他評核重點）後再執行一次"
            )
        return node

    def set_removed(index: int, value: str, comment: str) -> None:
        node = inside(index, "標記 removed")
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
        node = inside(index, "改寫評核項目或評核重點的名稱")
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
        set_removed(removal.index, "true", f"{removal.reason}{FLAG_STAMP}；{MAY_DELETE}")
    for index in changes.restored:
        set_removed(index, "false", f"本局計畫又指派本單位辦理此評核重點{FLAG_STAMP}，{RESTORED}")

    order = {ref.key: n for n, ref in enumerate(plan.points())}
    moved = dict(changes.moved)
    now = [moved[i].key if i in moved else p.key for i, p in enumerate(subplan.points)]  # a moved entry's new point
    dash_col = entries[0].dash_col if entries else 2
    key_col = entries[0].node.start_mark.column if entries else dash_col + 2
    pad = " " * dash_col
    first = points_key.start_mark.line + 1
    for line, heading in _retitled(lines, first, entries, subplan, moved).items():  # before new entries look at them
        bare = _bare(lines[line])
        lines[line] = f"{bare[:len(bare) - len(bare.lstrip())]}{heading}{lines[line][len(bare):]}"
    headed = any(_heading(line) for line in lines[first:])  # a file without headings gets none
    placed: dict[int, tuple[str | None, str | None]] = {}  # line → the headings new entries there leave in effect
    dead = {r.index for r in changes.removed} | {
        i for i, p in enumerate(subplan.points) if p.removed and i not in changes.restored}
    for ref in changes.added:
        rank = order[ref.key]
        before = [i for i in range(len(entries)) if order.get(now[i], rank) < rank]
        following: int | None = None  # the entry the new one goes before, in the file
        if before:  # right after the last entry that comes earlier in the bureau plan
            last = max(before, key=lambda i: order[now[i]])
            at, following = _past_own_notes(lines, entries[last]), (last + 1 if last + 1 < len(entries) else None)
        elif isinstance(seq, SequenceNode) and seq.flow_style:  # "points: []": drop the brackets
            replace[seq.start_mark.line] = (seq.start_mark.column, seq.end_mark.column, "")
            at = seq.start_mark.line + 1
        elif entries and headed:  # first in the bureau's order: before the first entry's headings
            at, following = first, 0
        elif entries:  # before the first entry and the comments over it
            at = entries[0].dash
            while at - 1 > points_key.start_mark.line and lines[at - 1].lstrip().startswith("#"):
                at -= 1
        else:
            at = first
        kind, headings = 1, []
        if headed:  # under its own item's heading, as init writes it
            wanted = (dimension_heading(ref), item_heading(ref.item.name))
            context = placed.get(at) or _headings_in(lines[first:at])
            while following is not None and following in dead:  # the item's heading may be past entries left marked
                following = following + 1 if following + 1 < len(entries) else None
            if context != wanted:
                gap = range(at, entries[following].dash) if following is not None else range(0)
                ahead = now[following][:2] if following is not None else None
                item_at = next((i for i in gap if _heading(lines[i]) == wanted[1]), None) if ahead == ref.key[:2] else None
                dim_at = next((i for i in gap if _heading(lines[i]) == wanted[0]), None) if ahead and ahead[0] == ref.key[0] else None
                if item_at is not None:  # first of an item the file has: right under its heading
                    at, kind = item_at + 1, 3
                elif dim_at is not None:  # a new item, first of a dimension the file has
                    at, headings = dim_at + 1, [f"{pad}{wanted[1]}"]
                else:
                    headings = [f"{pad}{wanted[0]}", ""] if context[0] != wanted[0] else []
                    headings.append(f"{pad}{wanted[1]}")
            placed[at] = wanted
        block = [*headings, f"{pad}# ── 本局計畫新增的評核重點{ADDED_STAMP}，請填寫 ──"]
        inserts.append((at, kind, len(inserts), block + skeleton_entry(ref, plan.year, dash_col, key_col)))

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
        if kind in (1, 3):  # a new entry: set off by blank lines (kind 3: right under a heading)
            if kind == 1 and at > 0 and lines[at - 1].strip():
                chunk.insert(0, "")
            if at < len(lines) and lines[at].strip():
                chunk.append("")
        if kind == 2:
            stop = at + len(blocks[at].old)
            lines[at:stop] = _rewritten(lines[at:stop], chunk)
        else:
            lines[at:at] = [f"{c}{newline}" for c in chunk]
    return "".join(lines)


def _heading(line: str) -> str | None:
    """The dimension or item heading ``line`` is (text.with_headings), unindented; else None."""
    text = _bare(line).strip()
    return text if HEADING.fullmatch(text) else None


def _headings_in(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """The dimension and item headings in effect after ``lines``: the last of each (an item's
    only after its dimension's last heading)."""
    dimension = item = None
    for line in lines:
        if (heading := _heading(line)) is not None:
            if heading.startswith(DIMENSION_MARK):
                dimension, item = heading, None
            else:
                item = heading
    return dimension, item


def _retitled(lines: Sequence[str], first: int, entries: Sequence[_Entry], subplan: Subplan,
              moved: dict[int, PointRef]) -> dict[int, str]:
    """The dimension and item headings (from line ``first`` on) to rewrite, by line: those whose
    entries all named the heading's dimension or item and moved, all of them, to one other (the
    bureau renamed it, or moved the whole item); a heading over entries that part ways stays."""
    heads = [(i, h) for i in range(first, len(lines)) if (h := _heading(lines[i])) is not None]
    found = {}
    for n, (line, heading) in enumerate(heads):
        dimension = heading.startswith(DIMENSION_MARK)
        stop = next((i for i, h in heads[n + 1:] if not dimension or h.startswith(DIMENSION_MARK)), len(lines))
        under = [k for k, entry in enumerate(entries) if line < entry.dash < stop]
        if not under or any(k not in moved for k in under):
            continue
        was = {subplan.points[k].dimension if dimension else subplan.points[k].item for k in under}
        refs = [moved[k] for k in under]
        new = {dimension_heading(ref) if dimension else item_heading(ref.item.name) for ref in refs}
        named = heading.endswith(f"-{next(iter(was))} ══") if dimension else heading == item_heading(next(iter(was)))
        if len(was) == 1 and len(new) == 1 and named and heading not in new:
            found[line] = new.pop()
    return found


def _move_note(was: PointKey, ref: PointRef) -> str:
    """What the bureau did to an entry's point (moved it, renamed it), for a comment beside it."""
    if was[:2] == ref.key[:2]:
        return f"本局計畫把此評核重點「{was[2]}」改名為「{ref.point.name}」，已更新 point"
    fields = "、".join(f for f, old, new in zip(KEY_FIELDS, was, ref.key, strict=True) if old != new)
    return f"本局計畫把此評核重點移到「{ref.dimension.name}／{ref.item.name}」，已更新 {fields}"


def _is_flag_note(line: str) -> bool:
    """Whether ``line`` is the comment update (:func:`apply_changes`) or a form's import
    (:func:`_kept_entry`) writes over ``removed:``, rather than the unit's own."""
    text = _bare(line).strip()
    return (text.startswith("# ") and (FLAG_STAMP in text or IMPORT_STAMP in text)
            and (MAY_DELETE in text or RESTORED in text))


def _rewritten(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The lines ``old`` (with their breaks) rewritten to say ``new``: a line that stays as it was
    keeps its bytes, and each line takes the break of the line it replaces (the last one's when
    the block grows), so a file mixing CRLF and LF changes only where the bureau changed."""
    breaks = [line[len(_bare(line)):] for line in old]
    return [old[i] if i < len(old) and _bare(old[i]) == text else text + breaks[min(i, len(old) - 1)]
            for i, text in enumerate(new)]
