"""Next year's data from this year's: years and dates moved on, what must be re-entered marked 【待填】.

Edits are made on the YAML text at the exact spans of the values they change, so the
comments and layout of every file are carried over untouched.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqdocs.errors import UserError
from sqdocs.fsutil import naming, writing
from sqdocs.load import LoadError, load_plan
from sqdocs.load.diagnostics import Loc, display_name
from sqdocs.load.unfilled import MARKER
from sqdocs.load.yamlfile import YamlDoc, read_yaml
from sqdocs.text.roc import ROC_OFFSET, format_roc, parse_roc

MAX_ROC_YEAR = 999
"""The last year a plan may have (its ``year`` field allows no more)."""
CARRIED = ("plan.yaml", "units.yaml", "annex1.yaml", "annex2.yaml", "annex3.yaml")


@dataclass(frozen=True)
class Edit:
    loc: Loc
    new: str


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _year_words(text: str, old: int, new: int) -> str:
    """「107 年度」→「108 年度」 (and 107年度); other numbers are left alone."""
    return re.sub(rf"(?<!\d){old}(\s*年度)", rf"{new}\1", text)


def _text_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    # Digits swapped inside the written value keep its quoting style valid as it was.
    edits = []
    for loc, (start, end) in doc.spans.items():
        written = doc.text[start:end]
        moved = _year_words(written, old, new)
        if moved != written:
            edits.append(Edit(loc, moved))
    return edits


def _comment_years(text: str, old: int, new: int) -> str:
    """「# 附件 3：107 年度…編組表」 moves on with the data it describes. A line of a block text that
    starts with # was moved on with its value already; moving it again changes nothing."""
    return "".join(
        _year_words(line, old, new) if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)
    )


def _scalar(doc: YamlDoc, loc: Loc) -> str:
    value = doc.data
    for part in loc:
        value = value[part]
    return str(value)


def _apply(doc: YamlDoc, edits: list[Edit]) -> str:
    """The file's text with each edited value replaced in place (last first, so offsets hold)."""
    by_loc = {e.loc: e for e in edits}  # a later edit of the same value wins
    text = doc.text
    for loc, edit in sorted(by_loc.items(), key=lambda kv: doc.spans[kv[0]][0], reverse=True):
        start, end = doc.spans[loc]
        text = text[:start] + edit.new + text[end:]
    return text


def _plan_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    data = doc.data
    years = new - old
    edits = _text_edits(doc, old, new)
    edits.append(Edit(("year",), str(new)))
    for side in ("start", "end"):
        day = parse_roc(str(data["period"][side]))
        edits.append(Edit(("period", side), format_roc(_shift(day, years))))
    if "issued" in data:
        edits.append(Edit(("issued",), _quote(f"{MARKER}{new} 年度計畫的發布日期")))
    for i, basis in enumerate(data.get("basis", [])):
        edits.append(Edit(("basis", i, "date"), _quote(f"{MARKER}發文日期（{old} 年為 {basis.get('date', '')}）")))
        edits.append(Edit(("basis", i, "number"), _quote(f"{MARKER}文號（{old} 年為 {basis.get('number', '')}）")))
    return edits


def _annex1_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    edits = _text_edits(doc, old, new)
    for loc in doc.spans:
        if loc and loc[-1] == "deadline":
            value = _scalar(doc, loc)
            try:
                was = parse_roc(value)
            except ValueError:
                continue  # 賡續辦理 stays as it is
            edits.append(Edit(loc, _quote(f"{MARKER}完成期限（{old} 年為 {format_roc(was)}）")))
    return edits


def _roster_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    edits = _text_edits(doc, old, new)
    for i, member in enumerate(doc.data.get("members", [])):
        edits.append(Edit(("members", i, "name"), _quote(f"{MARKER}{member.get('position', '')}的姓名")))
    return edits


_EDITS = {
    "plan.yaml": _plan_edits,
    "units.yaml": lambda doc, old, new: [],
    "annex1.yaml": _annex1_edits,
    "annex2.yaml": _text_edits,
    "annex3.yaml": _roster_edits,
}


def _readme(source: Path, old: int, new: int) -> str:
    return f"""# 民國 {new} 年度資料（由 {source.name} 轉入）

本資料夾由 `sqdocs rollover` 自 {old} 年度資料產生：年度、期程與標題（及註解）中的「{old} 年度」已改為 {new} 年度，
附件 1、附件 2 與單位名冊照舊帶入。

尚待重新填寫的欄位都標有「{MARKER}」，`sqdocs validate` 會逐一列出，填妥前無法產生文件：

- 計畫依據各函的發文日期與文號；
- 考核小組成員的姓名；
- 附件 1 中寫成日期的完成期限。

另請檢查：計畫依據的計畫名稱（如「第 2 屆政府服務獎」的屆次）、計畫目標與各項具體作法是否仍適用。
"""


def default_target(source: Path, year: int) -> Path:
    """data/keelung-107 → data/keelung-108."""
    old = re.search(r"\d+(?!.*\d)", source.name)
    name = source.name[: old.start()] + str(year) + source.name[old.end():] if old else f"{source.name}-{year}"
    return source.parent / name


def rollover(source: Path, year: int, target: Path | None = None) -> Path:
    """Write next year's data folder from ``source``; returns its path. ``source`` is never changed."""
    if not 1 <= year <= MAX_ROC_YEAR:  # the plan's year field allows no more; 2019 is a Western year
        western = f"（西元 {year} 年為民國 {year - ROC_OFFSET} 年）" if year > ROC_OFFSET else ""
        raise UserError(f"--to {year} 不是民國年{western}；請用民國年，如 108")
    plan = load_plan(source)
    old = plan.year
    if year <= old:
        raise UserError(f"新年度 {year} 必須晚於 {old}")
    target = target or default_target(source, year)
    if target.exists():
        raise UserError(f"{display_name(target)} 已存在；為避免覆蓋既有資料，請先移走或改用 -o 指定其他資料夾")
    with writing():
        _write_staged(source, target, old, year)
    return target


def _write_staged(source: Path, target: Path, old: int, year: int) -> None:
    """Write the new folder beside ``target`` under a temporary name and rename it into place when
    complete. An OSError names ``target``: the staged files' names mean nothing to the user."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise naming(exc, target) from exc
    try:
        for name in CARRIED:
            doc = read_yaml(source / name)
            text = _comment_years(_apply(doc, _EDITS[name](doc, old, year)), old, year)
            (staging / name).write_text(text, encoding="utf-8")
        (staging / "README.md").write_text(_readme(source, old, year), encoding="utf-8")
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if exc.errno is not None and str(exc.filename or staging).startswith(str(staging)):
            raise naming(exc, target) from exc
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


__all__ = ["LoadError", "default_target", "rollover"]
