"""Read YAML safely while remembering where every value came from (line and column)."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sqdocs.fsutil import display_name, file_problem, unreadable_reason
from sqdocs.load.diagnostics import Diagnostic, LoadError, Loc, format_path
from sqdocs.text.lines import east_asian as is_east_asian

# Only the plain data types of YAML: anything else (!!python/object …) is refused.
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
# Aliases may repeat a few lists; beyond this many repeated nodes it is an expansion attack.
MAX_ALIAS_EXPANSION = 10_000
MAX_FILE_BYTES = 50 * 1024 * 1024
# The data is a dozen levels deep at most (plan clauses down to (1)). Far deeper is a slip, and
# Python's recursion would stop at about a thousand anyway, with no place to point at. The
# margin leaves clauses a few levels too deep to the model, whose message says which level.
MAX_DEPTH = 100
_TOO_DEEP = f"巢狀層次超過 {MAX_DEPTH} 層，無法讀取；資料檔沒有這麼多層，多半是多打了「[」或「{{」，或縮排錯亂：請檢查此處"

_YAML_HINTS = (
    ("found character '\\t'", "用了 Tab 字元；YAML 只能用空白縮排，請把 Tab 換成空白"),
    ("mapping values are not allowed", "此處不能出現「: 」；文字中含有「: 」時請用雙引號把整段文字括起來"),
    ("could not find expected ':'", "找不到「:」；每一行應為「欄位: 值」或以「- 」開頭的清單項目"),
    ("expected <block end>", "縮排不一致；同一層的欄位要對齊在同一欄"),
    ("found undefined alias", "用了未定義的錨點（*名稱）"),
    ("while scanning a quoted scalar", "引號沒有成對結束；請補上結尾的引號"),
    ("expected a single document", "一個檔案只能有一份文件（不要用「---」分隔多份）"),
)


@dataclass
class YamlDoc:
    """Plain Python data read from one YAML file, with the position of every node."""

    file: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    spans: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Character offsets [start, end) of each scalar in ``text``, for edits that keep the rest."""
    flows: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    """Character offsets [start, end) of each mapping or list written in flow style (``{…}``, ``[…]``).

    A block-style one has no such end: its end mark is where the next node starts, past any
    comments and blank lines between them."""
    text: str = ""

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``loc``, or of its nearest enclosing node that exists."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return self.keys[loc]
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def value(self, loc: Loc) -> Any:
        """The data at ``loc`` (KeyError, IndexError or TypeError when there is none)."""
        data = self.data
        for part in loc:
            data = data[part]
        return data

    def text_at(self, loc: Loc) -> str | None:
        """The text at ``loc``; None where there is nothing, or something other than a text."""
        try:
            value = self.value(loc)
        except (KeyError, IndexError, TypeError):
            return None
        return value if isinstance(value, str) else None

    def line_rest(self, index: int) -> str:
        """The text from ``index`` to the end of its line (a CR before the LF included)."""
        end = self.text.find("\n", index)
        return self.text[index : len(self.text) if end < 0 else end]

    def diagnostic(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> Diagnostic:
        line, col = self.where(loc, key=key)
        return Diagnostic(self.file, line, col, format_path(loc), message, severity)  # type: ignore[arg-type]


# Half of a UTF-16 pair: only a "\ud83d" escape gives one, which no file can hold (PyYAML's pure-Python parser reads it).
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    def __init__(self, node: Node, message: str):
        self.node = node
        self.message = message


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _decode(raw: bytes, name: str) -> str:
    # Without its BOM, UTF-16 still shows itself: a zero byte beside every ASCII character.
    head = raw[:400]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") > len(head) // 4:
        raise LoadError([Diagnostic(name, 1, 1, "", "檔案是 UTF-16 編碼；請用編輯器另存為 UTF-8")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            [Diagnostic(name, line, col, "", "檔案不是 UTF-8 編碼（可能是 Big5）；請用編輯器另存為 UTF-8")]
        ) from None


# Characters people type without seeing them, named so they can be found.
_CHARACTER_NAMES = {0x0B: "Word 的 Shift+Enter 換行", 0x0C: "換頁字元", 0x00: "空字元", 0x7F: "刪除字元"}


def _unreadable_character(name: str, text: str, exc: yaml.reader.ReaderError) -> Diagnostic:
    """A character YAML refuses (U+000B, U+0000 …), at its line and column."""
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(text[position]) if position < len(text) else 0
    what = f"U+{code:04X}" + (f"（{_CHARACTER_NAMES[code]}）" if code in _CHARACTER_NAMES else "")
    return Diagnostic(name, line, col, "", f"此處有看不見的控制字元 {what}，YAML 無法讀取；請刪除此字元")


_QUOTE_IT = "請用雙引號把整段文字括起來（如 \"{c}…\"）"
# A text that starts with one of these is read as YAML syntax, not as text.
_INDICATORS = {
    "while scanning an alias": "*", "while scanning an anchor": "&", "while parsing a tag": "!",
    "while scanning a block scalar": "|",
}
_CANNOT_START = re.compile(r"found character '(.)' that cannot start any token")
# Spaces that are not spaces to YAML, each as it is named in full and then for short: the IME's
# full-width one, and the no-break space text pasted from Word or a web page brings along.
_ODD_SPACES = {
    "\u3000": ("全形空白「　」", "全形空白"),
    "\u00a0": ("不換行空白（U+00A0，從 Word 或網頁貼上的文字常有，看來和半形空白一樣）", "不換行空白"),
}
# A key or list item indented with one of them (a paragraph of text may well start with it).
_WIDE_INDENT = re.compile(r"^[ \u3000\u00a0]*?([\u3000\u00a0])[ \u3000\u00a0]*(- |[^\s:#]+:(\s|$))")
# Other look-alikes of YAML's marks, which an IME types or a paste brings: a list dash before a
# key, a full-width or no-break space after a key's colon. Each turns the line into plain text to YAML.
_LOOK_ALIKES = (
    (re.compile(r"^ *([－—–﹣ー])[ \u3000]*[^\s:#\"'\[{]+:(\s|$)"),
     "清單項目用了全形或其他的橫線「{c}」；清單項目請用半形減號加空白「- 」"),
    (re.compile(r"^ *(?:- +)?[^\s:#\"'\[{]+:([\u3000\u00a0])"),
     "冒號後面是{c}；欄位與值之間請用半形冒號加半形空白「: 」"),
)


def _indent_hint(space: str) -> str:
    named, short = _ODD_SPACES[space]
    return f"此行以{named}縮排；YAML 只能用半形空白縮排，請把{short}換成半形空白"


_FLOW = {"while parsing a flow mapping": ("{", "}"), "while parsing a flow sequence": ("[", "]")}
# A value that opens with [ { " or ' is a list, a map or quoted text to YAML; text after its end
# is then 「expected <block end>」, which would wrongly blame the indentation.
_ENCLOSED = {"[": ("]", "清單"), "{": ("}", "欄位對照"), '"': ('"', "引號括起的文字"), "'": ("'", "引號括起的文字")}
_VALUE_OPENS = re.compile(r"\s*(?:-\s+)*(?:[^\s\"'\[{#-][^\"'\[{#]*?:\s+)?(?:-\s+)*(?=[\[{\"'])")


def _syntax_diagnostic(name: str, text: str, exc: yaml.MarkedYAMLError, opened: Sequence[Mark] = ()) -> Diagnostic:
    """The YAML syntax error ``exc`` in ``text``, placed where its cause is, with a hint in Chinese.
    ``opened``: where the lists and mappings the parser was inside when it stopped begin."""
    lines = text.split("\n")
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    line, col = (problem_mark.line + 1, problem_mark.column + 1) if problem_mark else (1, 1)
    context, problem = exc.context or "", exc.problem or ""

    def at(row: int, column: int, message: str) -> Diagnostic:
        return Diagnostic(name, row, column, "", f"YAML 語法錯誤：{message}")

    # A full-width or no-break space before a key is not indentation to YAML: everything after it goes wrong.
    for row, content in enumerate(lines[:line], 1):
        if found := _WIDE_INDENT.match(content):
            return at(row, found.start(1) + 1, _indent_hint(found.group(1)))
        for pattern, hint in _LOOK_ALIKES:
            if found := pattern.match(content):
                c = found.group(1)
                return at(row, found.start(1) + 1, hint.format(c=_ODD_SPACES[c][0] if c in _ODD_SPACES else c))
    found = _CANNOT_START.search(problem)
    if found and found.group(1) != "\t":
        c = found.group(1)
        return at(line, col, f"「{c}」不能放在文字開頭；{_QUOTE_IT.format(c=c)}")
    if context in _INDICATORS and context_mark is not None:
        c = lines[context_mark.line][context_mark.column:context_mark.column + 1] or _INDICATORS[context]
        where = (context_mark.line + 1, context_mark.column + 1)
        return at(*where, f"文字開頭的「{c}」在 YAML 有特殊意義；{_QUOTE_IT.format(c=c)}")
    if context in _FLOW and context_mark is not None:
        opening, closing = _FLOW[context]
        start = (context_mark.line + 1, context_mark.column + 1)
        span = lines[context_mark.line][context_mark.column:] if problem_mark is None or (
            problem_mark.line != context_mark.line) else lines[context_mark.line][context_mark.column:problem_mark.column]
        if "，" in span:
            return at(start[0], context_mark.column + span.index("，") + 1,
                      f"「{opening} {closing}」中的各項請用半形逗號「,」分隔，不要用全形逗號「，」")
        if problem_mark is not None and problem_mark.line != context_mark.line:
            # the mark is wherever YAML gave up, often lines later: the bracket is the cause
            return at(*start, f"「{opening}」沒有對應的「{closing}」；若這是以「{opening}」開頭的文字，{_QUOTE_IT.format(c=opening)}")
        return at(line, col, f"「{opening} {closing}」中的各項以半形逗號「,」分隔；項目的文字含「,」或「:」時請加雙引號")
    if context == "while parsing a flow node" and problem_mark is not None:
        start = next((m for m in reversed(opened) if text[m.index:m.index + 1] in "[{"), None)
        opening = text[start.index] if start is not None else "["
        closing = "]" if opening == "[" else "}"
        if "found ','" in problem:
            return at(line, col, f"「{opening} {closing}」中兩個逗號之間（或括號與逗號之間）沒有內容；請刪除多餘的「,」")
        if start is not None:  # the last item followed by a comma, no bracket: YAML reads on for one more
            return at(start.line + 1, start.column + 1,
                      f"「{opening}」沒有對應的「{closing}」；若這是以「{opening}」開頭的文字，{_QUOTE_IT.format(c=opening)}")
    if context == "while scanning a double-quoted scalar" and problem_mark is not None:  # "C:\Users"
        content = lines[problem_mark.line]
        slash = content.rfind("\\", 0, problem_mark.column + 1)
        if slash >= 0:
            return at(problem_mark.line + 1, slash + 1, (
                f"雙引號中的「\\」是跳脫符號，「{content[slash:slash + 2]}」不是可用的寫法；要寫反斜線請寫成「\\\\」"
                "（檔案路徑可改用「/」，如 evidence/照片.jpg），或改用單引號括起整段文字"
            ))
    if "could not find expected ':'" in problem and context_mark is not None:
        row = context_mark.line
        if (mistake := _key_colon_mistake(lines[row], loose=True)) is not None:
            return at(row + 1, *mistake)
        return at(row + 1, context_mark.column + 1, _YAML_HINTS[2][1])
    if "mapping values are not allowed" in problem and problem_mark is not None:
        # 「start：107 年」 as a block's first key reads as text going on into the next line, and
        # YAML stops at that line's key: the mistake is in a line above, at its indent or deeper.
        indent = _key_column(lines[problem_mark.line])
        row = problem_mark.line - 1
        while row >= 0 and (content := lines[row]).strip() and not content.lstrip().startswith("#"):
            if _key_column(content) < indent:
                break
            if (mistake := _key_colon_mistake(content)) is not None:
                return at(row + 1, *mistake)
            row -= 1
        if (deeper := _key_indented_deeper(lines, problem_mark.line)) is not None:
            return at(problem_mark.line + 1, *deeper)
    if "expected <block end>" in problem and problem_mark is not None:
        found_text = _text_after_enclosed(name, lines[problem_mark.line], problem_mark.line, problem_mark.column)
        if found_text is not None:
            return found_text
    # An unclosed quote is reported at the end of the file; the opening quote is where to look.
    if "quoted scalar" in context and context_mark is not None or problem_mark is None and context_mark is not None:
        line, col = context_mark.line + 1, context_mark.column + 1
    return Diagnostic(name, line, col, "", _syntax_message(f"{context} {problem}".strip() or str(exc)))


def _key_column(content: str) -> int:
    """Where the key of line ``content`` starts: after its indent and any list dashes."""
    return len(re.match(r" *(?:- +)*", content).group())


_KEY_AND_VALUE = re.compile(r"( *(?:- +)*)([^\s:#\"'\[{][^:#]*?):[ \t]+[^\s#]")
_KEY = re.compile(r"( *(?:- +)*)([^\s:#\"'\[{][^:#]*?):(\s|$)")


def _key_indented_deeper(lines: list[str], row: int) -> tuple[int, str] | None:
    """Where (column) and what is wrong when line ``row``, a 「欄位: 值」 line, is indented
    deeper than the key with a value on the line above: YAML reads it as that value's text
    going on, and stops at its 「: 」, whose own hint (quote the text) would mislead."""
    key = _KEY.match(lines[row])
    above = row - 1
    while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("#")):
        above -= 1
    before = _KEY_AND_VALUE.match(lines[above]) if above >= 0 else None
    if key is None or before is None or len(key.group(1)) <= len(before.group(1)):
        return None
    extra, name, column = len(key.group(1)) - len(before.group(1)), before.group(2), len(before.group(1)) + 1
    return len(key.group(1)) + 1, (
        f"此行的「{key.group(2)}」比上一行的「{name}」多縮排了 {extra} 格，YAML 把它讀成上一行文字的延續；"
        f"若是新的欄位，請與「{name}」對齊（從第 {column} 欄開始）；若是上一行文字的一部分，請用雙引號把整段文字括起來"
    )


_WIDE_COLON_KEY = re.compile(r"\s*(?:- )?[^\s:#\"'：]+(：)")
_GLUED_KEY = re.compile(r"\s*(?:- )?[^\s:#\"']+:(?=\S)")


def _key_colon_mistake(content: str, loose: bool = False) -> tuple[int, str] | None:
    """Where (column) and what is wrong with the colon after the key of line ``content``: a
    full-width 「：」 or no space after 「:」; None when it has neither. ``loose``: a 「：」
    anywhere in the line counts (YAML already said a key's colon is missing there)."""
    wide = content.find("：") if loose else (m.start(1) if (m := _WIDE_COLON_KEY.match(content)) else -1)
    if wide >= 0:
        return wide + 1, "用了全形冒號「：」；欄位與值之間請用半形冒號加空白「: 」"
    if glued := _GLUED_KEY.match(content):
        return glued.end(), "冒號後面少了空白；欄位與值之間請寫成「欄位: 值」（冒號後加一個空白）"
    return None


def _text_after_enclosed(name: str, content: str, row: int, column: int) -> Diagnostic | None:
    """``title: [計畫] 說明``: text goes on after a value YAML read as a list, a map or quoted text."""
    opens = _VALUE_OPENS.match(content)
    if opens is None or opens.end() >= column:
        return None
    start = opens.end()
    opening = content[start]
    closing, reads_as = _ENCLOSED[opening]
    enclosed = content[start:column].rstrip()
    if len(enclosed) < 2 or not enclosed.endswith(closing):
        return None
    text = content[start:].rstrip()
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    example = f'"{quoted}"' if len(text) <= 30 else f'"{quoted[:20]}…"'
    return Diagnostic(name, row + 1, start + 1, "", (
        f"YAML 語法錯誤：文字以「{opening}」開頭，YAML 把「{enclosed}」讀成{reads_as}，後面的文字便接不上；"
        f"請用雙引號把整段文字括起來（如 {example}），文字中的「\"」要寫成「\\\"」，或改用「」"
    ))


def _syntax_message(problem: str) -> str:
    for needle, hint in _YAML_HINTS:
        if needle in problem:
            return f"YAML 語法錯誤：{hint}"
    return f"YAML 語法錯誤：{problem}"


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _compose_fast(text: str) -> tuple[yaml.SafeLoader | None, Node | None]:
    """Compose with libyaml when PyYAML has it (ten times faster than the pure-Python parser).

    Only a well-formed file takes this path: on any problem the caller parses again in pure
    Python, whose messages and marks the diagnostics are written for. Both give the same nodes
    and the same marks (line, column, character index).
    """
    if not yaml.__with_libyaml__:
        return None, None
    loader = yaml.CSafeLoader(text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        root = None
    if root is None:  # a problem, or an empty file: the pure-Python parser says which
        loader.dispose()
        return None, None
    return loader, root  # type: ignore[return-value]


# Each file parsed once per process while its bytes stay the same: a build loads a folder,
# then reads every file again for the texts a ``#`` cut short (sqdocs.load.comments). The most
# recent files only: a nationwide batch reads thousands, and holding every parsed one took
# 70 MB of the 22-bureau batch's memory for nothing (each folder is re-read right after it loads).
_PARSED: OrderedDict[tuple[Path, str], tuple[bytes, YamlDoc]] = OrderedDict()
_PARSED_KEPT = 64  # more than a folder holds: its re-read for comments finds them all


def read_data_bytes(path: Path) -> bytes:
    """The bytes of the data file ``path``; a LoadError naming it when it cannot be read (as
    :func:`read_yaml` reports it). What is no regular file (a folder, a device such as /dev/zero,
    a named pipe) is refused before reading: it would be read without end, or wait for a writer."""
    if (why := file_problem(path)) is not None:
        raise LoadError([Diagnostic(display_name(path), 1, 1, "", why)])
    try:
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES + 1)  # enough for parse_yaml to say it is too large
    except OSError as exc:
        raise LoadError([Diagnostic(display_name(path), 1, 1, "", unreadable_reason(path, exc))]) from None


def read_yaml(path: Path) -> YamlDoc:
    """Read ``path`` as safe YAML. Raises :class:`LoadError` with file:line:col on any problem.

    The document is shared by every reader of the same unchanged file, and not to be modified.
    """
    name = display_name(path)
    raw = read_data_bytes(path)
    key = (path.absolute(), name)
    if (seen := _PARSED.get(key)) is not None and seen[0] == raw:
        _PARSED.move_to_end(key)
        return seen[1]
    doc = parse_yaml(raw, name)
    _PARSED[key] = (raw, doc)
    if len(_PARSED) > _PARSED_KEPT:
        _PARSED.popitem(last=False)
    return doc


def listed(folder: Path) -> list[Path]:
    """What ``folder`` of the data holds, by name; a LoadError naming the folder when it cannot
    be read: the bureau's input to fix, not an -o to change, and not an empty folder either."""
    try:
        return sorted(folder.iterdir())
    except NotADirectoryError:
        raise LoadError([Diagnostic(display_name(folder), 0, 0, "", (
            f"應是放各單位 YAML 檔的資料夾，這裡卻是一個檔案；請刪除或改名此檔，建立名為 {folder.name} 的資料夾，"
            "把各單位的檔案放進去"))]) from None
    except OSError as exc:  # a link in a loop, or to nothing: no folder to read, not an empty one
        raise LoadError([Diagnostic(display_name(folder), 0, 0, "", unreadable_reason(folder, exc, "資料夾"))]) from None


def parse_yaml(raw: bytes, name: str) -> YamlDoc:
    """Parse the bytes of a YAML file as :func:`read_yaml` does; ``name`` is the file messages name.

    For text that is not (yet) a file, such as a filled form about to be imported.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError([Diagnostic(name, 1, 1, "", f"檔案超過 {MAX_FILE_BYTES // 1024 // 1024} MB，不像是計畫資料")])
    text = _decode(raw, name)
    loader, root = _compose_fast(text)
    if loader is None:
        try:
            loader = yaml.SafeLoader(text)  # checks every character before parsing anything
        except yaml.reader.ReaderError as exc:
            raise LoadError([_unreadable_character(name, text, exc)]) from None
    try:
        if root is None:
            root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise LoadError([_syntax_diagnostic(name, text, exc, getattr(loader, "marks", ()))]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Diagnostic(name, 1, 1, "", _syntax_message(str(exc)))]) from None
    except RecursionError:
        # The pure-Python parser keeps the start of each open list and mapping: point at the one
        # past MAX_DEPTH, as the builder does when the parser gets through.
        marks = getattr(loader, "marks", [])
        mark = marks[MAX_DEPTH] if len(marks) > MAX_DEPTH else loader.get_mark()
        raise LoadError([Diagnostic(name, mark.line + 1, mark.column + 1, "", _TOO_DEEP)]) from None
    finally:
        loader.dispose()
    if root is None:
        raise LoadError([Diagnostic(name, 1, 1, "", "檔案是空的（或只有註解）；請依 docs/data-format.md 的格式寫入資料")])
    doc = YamlDoc(name, None, text=text)
    builder = _Builder(loader, doc)
    try:
        doc.data = builder.build(root, ())
    except _Refused as exc:
        line, col = _mark(exc.node)
        raise LoadError([Diagnostic(name, line, col, "", exc.message)]) from None
    except RecursionError:
        raise LoadError([Diagnostic(name, 1, 1, "", "巢狀層次太深，無法讀取")]) from None
    if builder.problems:
        raise LoadError(builder.problems)
    return doc


def _thousands(previous: Node | None, key: Node, value: Node) -> bool:
    """``{numerator: 8,547}``: YAML reads 8 and then a key 547 without a value."""
    plain = [isinstance(n, ScalarNode) and not n.style for n in (previous, key, value)]  # libyaml: "", PyYAML: None
    return (
        all(plain)
        and re.fullmatch(r"\d{1,3}", str(previous.value)) is not None  # type: ignore[union-attr]
        and re.fullmatch(r"\d{3}(\.\d+)?", str(key.value)) is not None
        and value.value == ""
    )


# YAML 1.1 reads 0107 as octal (71); people mean 107, as YAML 1.2 reads it.
_OCTAL_1_1 = re.compile(r"[-+]?0[0-7_]+")
# Numbers only YAML 1.1 reads: base 60 (5:24 is 324, where a clerk meant 5 days 24 hours, or
# 12:30 a time) and binary 0b101. YAML 1.2 reads them as text, and so do we: a text field keeps
# them as typed, a number field says it got a text instead of taking a number nobody meant.
_NUMBER_1_1_ONLY = re.compile(r"[-+]?(0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)")


def _as_in_yaml_1_2(node: Node) -> int | str | None:
    """A plain number YAML 1.1 reads otherwise than YAML 1.2, as YAML 1.2 reads it: 0107 as 107,
    5:24 and 0b101 as text. None for any other node, for PyYAML to read as usual."""
    if not isinstance(node, ScalarNode) or node.style:
        return None
    if node.tag == "tag:yaml.org,2002:int" and _OCTAL_1_1.fullmatch(node.value):
        return int(node.value.replace("_", ""), 10)
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _NUMBER_1_1_ONLY.fullmatch(node.value):
        return node.value
    return None


def _key_text(key: Any) -> str | None:
    """A key as the model reads it, where two spellings can be one: a text without its
    surrounding blanks, a whole number as its digits. None for other keys."""
    if isinstance(key, str):
        return key.strip()
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    return None


def _fold(lines: list[str], *, east_asian: bool) -> str:
    """``lines`` as YAML folds them: one line break between two lines becomes a space (nothing
    between two East Asian characters when ``east_asian``), each further blank line a line break."""
    out: list[str] = []
    breaks = 0
    for line in lines:
        if not line:
            breaks += 1
            continue
        if breaks:
            out.append("\n" * breaks)
        elif out and not (east_asian and is_east_asian(out[-1][-1]) and is_east_asian(line[0])):
            out.append(" ")
        out.append(line)
        breaks = 0
    return "".join(out)


def unfolded(source: str, folded: bool, value: str) -> str:
    """The text of a plain or folded (``>``) scalar written as ``source`` over several lines,
    joined the way Chinese is written: with no space where a line break falls between two
    Chinese characters (「講習，」 / 「提升」), with one elsewhere (「M-Police」 / 「定位」), as
    Pandoc's east_asian_line_breaks does. YAML puts a space at every break, which the
    documents would print.

    ``value`` is what YAML read. It is returned unchanged unless folding ``source`` with a
    space at every break gives exactly it: escapes, tabs, more-indented lines of a folded
    scalar and whatever else this simple reading does not follow keep YAML's own value.
    """
    if "\n" not in source.rstrip("\n"):
        return value
    if folded:  # the header line (「>」, 「>-」, a comment) holds no text
        lines = source.split("\n")[1:]
        indent = next((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), 0)
        lines = [line[indent:] if line.strip() else "" for line in lines]
    else:
        lines = [line.strip(" \t") for line in source.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    spaced = _fold(lines, east_asian=False)
    # What follows the text of a folded scalar is the line breaks its chomping keeps.
    kept = value[len(spaced) :]
    if not value.startswith(spaced) or kept.strip("\n") or (kept and not folded):
        return value
    return _fold(lines, east_asian=True) + kept


class _Builder:
    """Turns composed nodes into plain data, refusing tags, alias bombs and duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, doc: YamlDoc):
        self.loader = loader
        self.doc = doc
        self.seen: set[int] = set()
        self.repeated = 0
        self.active: set[int] = set()
        self.problems: list[Diagnostic] = []

    def _thousands_problem(self, number: Node | None, loc: Loc, groups: list[str]) -> None:
        if number is None or not groups:
            return
        line, col = _mark(number)
        written = ",".join([str(number.value), *groups])
        self.problems.append(Diagnostic(
            self.doc.file, line, col, format_path(loc),
            f"數字請勿加千分位逗號：「{written}」請寫成 {written.replace(',', '')}（逗號在 {{ }} 中是分隔符號）",
        ))

    def _construct(self, node: ScalarNode) -> Any:
        """The value of a scalar; refused when an explicit tag cannot read it (``!!float x``, ``!!int``)."""
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, LookupError, AttributeError, yaml.YAMLError):
            if node.tag == "tag:yaml.org,2002:timestamp":
                # 2018-06-31 looks like a date but is none: the text as written lets the model say so
                return node.value
            tag = _tag_name(node.tag)
            if not node.value:
                raise _Refused(node, f"「{tag}」標籤後沒有值；請刪除此標籤，直接寫出值") from None
            raise _Refused(node, f"「{node.value}」不是 {tag} 標籤可讀的值；請刪除「{tag}」標籤，直接寫出值") from None
        if isinstance(value, str) and (half := _SURROGATE.search(value)):
            raise _Refused(node, (
                f"跳脫碼 \\u{ord(half.group()):04x} 是 UTF-16 的半個字（代理字元），不是任何字；"
                "請直接打出該字，或寫成 \\U 加 8 位字碼（如 😀 寫成 \\U0001F600）"
            ))
        return value

    def build(self, node: Node, loc: Loc) -> Any:
        if len(loc) > MAX_DEPTH:
            raise _Refused(node, _TOO_DEEP)
        if node.tag not in _ALLOWED_TAGS:
            raise _Refused(node, f"不允許的 YAML 標籤 {_tag_name(node.tag)}；資料檔只能寫文字、數字、清單與欄位")
        if id(node) in self.active:
            raise _Refused(node, "錨點別名參照了自己（無限遞迴）")
        if id(node) in self.seen:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_EXPANSION:
                raise _Refused(
                    node,
                    f"錨點別名（&/*）展開超過 {MAX_ALIAS_EXPANSION} 個節點，疑似惡意檔案（billion laughs）；請直接寫出內容",
                )
        self.seen.add(id(node))
        self.doc.values.setdefault(loc, _mark(node))
        if isinstance(node, ScalarNode):
            self.doc.spans.setdefault(loc, (node.start_mark.index, node.end_mark.index))
            if (read := _as_in_yaml_1_2(node)) is not None:
                return read
            value = self._construct(node)
            if isinstance(value, str) and node.style in (None, "", ">"):
                return unfolded(self.doc.text[node.start_mark.index : node.end_mark.index], node.style == ">", value)
            return value
        if node.flow_style:
            self.doc.flows.setdefault(loc, (node.start_mark.index, node.end_mark.index))
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(child, (*loc, i)) for i, child in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            result: dict[Any, Any] = {}
            spelled: dict[str, Any] = {}  # each text or whole-number key by :func:`_key_text`
            previous: Node | None = None
            previous_loc: Loc = loc
            groups: list[str] = []  # the thousands of a number written 12,345,678 in { }
            for key_node, value_node in node.value:
                if node.flow_style and _thousands(previous, key_node, value_node):
                    groups.append(key_node.value)
                    continue
                self._thousands_problem(previous, previous_loc, groups)
                groups = []
                previous = value_node
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Refused(key_node, "不支援「<<」合併語法；請直接寫出欄位")
                if not isinstance(key_node, ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                    raise _Refused(key_node, "欄位名稱必須是一般文字")
                key = read if (read := _as_in_yaml_1_2(key_node)) is not None else self._construct(key_node)
                if isinstance(key, str) and key[:1] in _ODD_SPACES:  # parsed, but as a key of the wrong level
                    raise _Refused(key_node, f"YAML 語法錯誤：{_indent_hint(key[0])}")
                child = (*loc, key)
                # 106 and "106" (or "106 ") are two keys to YAML, one year to the model, which
                # kept the later one's figure without a word.
                same = _key_text(key)
                if key in result or same in spelled:
                    line, col = _mark(key_node)
                    first = self.doc.keys.get((*loc, spelled.get(same, key)), (0, 0))[0]
                    self.problems.append(
                        Diagnostic(self.doc.file, line, col, "", f"欄位「{key}」重複（第 {first} 行已出現）；請刪除其中一個")
                    )
                    continue
                if same is not None:
                    spelled[same] = key
                self.doc.keys[child] = _mark(key_node)
                result[key] = self.build(value_node, child)
                previous_loc = child
            self._thousands_problem(previous, previous_loc, groups)
            return result
        finally:
            self.active.discard(id(node))
