"""Text a YAML comment cut short: ``定期辦理公文講習 #每季一次`` reads as 「定期辦理公文講習」.

A ``#`` after a space starts a comment in YAML, so the rest of an unquoted text is silently
left out. That is legal YAML and often meant, so only a ``#`` that reads as part of the text
is warned about: by ``sqdocs validate`` and ``check``, and by ``build`` for the files it reads.

Also a list item indented deeper than the one above it (「- 甲」, then 「  - 乙」 two spaces
further in): YAML reads it as more lines of the text above, so two practices print as one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqdocs.load.diagnostics import Diagnostic, LoadError, format_path
from sqdocs.load.indicators import INDICATORS_FILE
from sqdocs.load.labels import repeated_items, typed_labels
from sqdocs.load.plan import PLAN_FILES
from sqdocs.load.results import result_files
from sqdocs.load.subplan import subplan_files
from sqdocs.load.yamlfile import YamlDoc, read_yaml

# One space, then # and text at once: 「講習 #每季一次」. A comment meant as one is set apart
# (「基隆市警察局   # 機關」, as docs/data-format.md writes them) and is left alone, except
# after an item of a list (a practice, a unit), where no file sqdocs writes puts one.
_COMMENT = re.compile(r"[ \t]#(\S.*)")
_ANY_COMMENT = re.compile(r"[ \t]+#(.*)")


def cut_texts(doc: YamlDoc) -> Iterator[Diagnostic]:
    """A warning for each unquoted text followed by a comment on its line, and for each list
    item left empty by one (「- #2 各派出所…」 reads as an empty item)."""
    for loc, (start, end) in doc.spans.items():
        if doc.text[start : start + 1] in ("'", '"', "|", ">"):
            continue  # quoted or a block: a # inside is text, and a comment after it is plainly apart
        try:
            value = doc.value(loc)
        except (KeyError, IndexError, TypeError):
            continue
        rest = doc.line_rest(end)
        in_list = bool(loc) and isinstance(loc[-1], int)
        comment = (_ANY_COMMENT if in_list else _COMMENT).match(rest)
        if comment is None:
            continue
        cut = comment.group(1).rstrip()
        if value is None and in_list:
            yield doc.diagnostic(loc, (
                f"清單的這一項是空的：「#{cut}」被當成註解，沒有讀入；若「#」是內容的一部分，請用雙引號把整段文字括起來"
            ), severity="warning")
        elif isinstance(value, str) and value:
            yield doc.diagnostic(loc, (
                f"「{value}」之後的「#{cut}」被當成註解，沒有讀入；若「#」是內容的一部分，請用雙引號把整段文字括起來"
            ), severity="warning")


# A line that goes on an unquoted text and starts like a list item: 「- 乙」, or a lone 「-」.
_ITEM_LINE = re.compile(r"\n([ \t]*)(-)(?:[ \t]|$)", re.MULTILINE)


def merged_items(doc: YamlDoc) -> Iterator[Diagnostic]:
    """A warning for each unquoted text that goes on over a line starting with 「- 」: a list
    item indented further than the item above it, which YAML joins to that item's text."""
    for loc, (start, end) in doc.spans.items():
        if doc.text[start : start + 1] in ("'", '"', "|", ">"):
            continue  # quoted or a block: its lines are the text as written
        found = _ITEM_LINE.search(doc.text, start, end)
        if found is None or doc.text_at(loc) is None:
            continue
        dash = found.start(2)
        line = doc.text.count("\n", 0, dash) + 1
        col = dash - found.start(1) + 1
        first = doc.text[start:end].split("\n", 1)[0].strip()
        shown = first if len(first) <= 20 else first[:20] + "…"
        yield Diagnostic(doc.file, line, col, format_path(loc), (
            f"此行的「- 」比上一項「{shown}」多縮排，YAML 把它併入上一項的文字（兩項印成一項）；"
            "若是新的一項，請讓「- 」與上一項的「- 」對齊在同一欄"
        ), "warning")


def data_files(folder: Path, *, subplans: bool = True, results: bool = True) -> list[Path]:
    """The YAML files of a data folder that exist: the plan's, and the subplans' and results' if asked."""
    # A folder that cannot be read (no permission) is the loader's to report, not this list's.
    files = [folder / name for name in PLAN_FILES]
    if subplans:
        with contextlib.suppress(LoadError, PermissionError):
            files += subplan_files(folder)
    if results:
        with contextlib.suppress(LoadError, PermissionError):
            files += [folder / INDICATORS_FILE, *result_files(folder)]
    return [f for f in files if _is_file(f)]


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except PermissionError:
        return False


def text_warnings(folder: Path, *, subplans: bool = True, results: bool = True) -> list[Diagnostic]:
    """:func:`cut_texts`, :func:`merged_items`, :func:`~sqdocs.load.labels.typed_labels` and
    :func:`~sqdocs.load.labels.repeated_items` of the data files (as
    :func:`data_files` chooses them): what the model cannot see of a text as it was typed. A
    file that does not read is the loader's to report."""
    return files_text_warnings(data_files(folder, subplans=subplans, results=results))


def files_text_warnings(paths: Iterable[Path]) -> list[Diagnostic]:
    """What :func:`text_warnings` finds in these YAML files; one that does not read is passed over."""
    found: list[Diagnostic] = []
    for path in paths:
        try:
            doc = read_yaml(path)
            found += cut_texts(doc)
            found += merged_items(doc)
            found += typed_labels(doc)
            found += repeated_items(doc)
        except (LoadError, OSError):
            continue
    return found
