"""Next year's data from this year's: years and dates moved on, what must be re-entered marked 【待填】,
this year's indicator figures added to their history.

Edits are made on the YAML text at the exact spans of the values they change (and comment
lines that name the year), so the comments and layout of every file are carried over.
"""

from __future__ import annotations

import bisect
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from sqdocs.errors import UserError
from sqdocs.folders import default_target
from sqdocs.fsutil import FOLDER_MODE, display_name, naming, readable_name, writing
from sqdocs.load import LoadError, load_plan, load_results
from sqdocs.load.charts import year_moved
from sqdocs.load.diagnostics import Diagnostic, Loc
from sqdocs.load.indicators import INDICATORS_FILE
from sqdocs.load.results import RESULTS_DIR
from sqdocs.load.unfilled import MARKER
from sqdocs.load.yamlfile import YamlDoc, parse_yaml, read_yaml
from sqdocs.model import Plan
from sqdocs.model.common import RocDate
from sqdocs.report import compile_report
from sqdocs.report.figures import total_word, totals_word
from sqdocs.report.model import IndicatorFigure
from sqdocs.text.names import command_line, shell_word
from sqdocs.text.roc import ROC_OFFSET, format_roc

MAX_ROC_YEAR = 999
"""The last year a plan may have (its ``year`` field allows no more)."""
CARRIED = ("plan.yaml", "units.yaml", "annex1.yaml", "annex2.yaml", "annex3.yaml")


@dataclass(frozen=True)
class Edit:
    """The value at ``loc`` written anew."""

    loc: Loc
    new: str


@dataclass(frozen=True)
class Replace:
    """The characters [start, end) of the file replaced by ``text`` (start == end: put in)."""

    start: int
    end: int
    text: str


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _year_words(text: str, old: int, new: int) -> str:
    """「107 年度」→「108 年度」 (and 107年度), and a span of years ending this year runs on to the
    next: 「趨勢（105–107 年）」→「（105–108 年）」, as the trend then holds 108 too. Other numbers are
    left alone."""
    text = re.sub(rf"(?<!\d){old}(\s*年度)", rf"{new}\1", text)
    return re.sub(rf"((?<!\d)\d{{2,3}}\s*[–－~～-]\s*){old}(\s*年)", rf"\g<1>{new}\2", text)


def _text_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    # Digits swapped inside the written value keep its quoting style valid as it was.
    units_titles = _units_chart_titles(doc)
    edits = []
    for loc, (start, end) in doc.spans.items():
        written = doc.text[start:end]
        moved = _year_words(written, old, new)
        if loc in units_titles:
            moved = year_moved(moved, old, new)
        if moved != written:
            edits.append(Edit(loc, moved))
    return edits


def _units_chart_titles(doc: YamlDoc) -> set[Loc]:
    """Where indicators.yaml titles a chart of the units' figures, which draws the report year's
    only: 「（107 年）」 there moves on too (:func:`_year_words` moves 「107 年度」 and spans, not a
    year on its own, which elsewhere may be history)."""
    charts = doc.data.get("charts") if isinstance(doc.data, dict) else None
    return {("charts", n, "title") for n, chart in enumerate(charts if isinstance(charts, list) else [])
            if isinstance(chart, dict) and chart.get("kind") == "units"}


def _comment_edits(doc: YamlDoc, old: int, new: int) -> list[Replace]:
    """Comments move on as the values do (「# 附件 3：107 年度…編組表」, 「（105–107 年）」), on
    their own line or after a value; other years in a comment (「107 年起改採新定義」) are
    history and stay, and so does a line of a block text that merely starts with #."""
    inside = sorted(doc.spans.values())
    edits, at = [], 0
    for line in doc.text.splitlines(keepends=True):
        start, at = at, at + len(line)
        if not line.lstrip().startswith("#"):
            continue
        k = bisect.bisect_right(inside, (start, len(doc.text))) - 1
        if k >= 0 and inside[k][0] <= start < inside[k][1]:
            continue
        moved = _year_words(line, old, new)
        if moved != line:
            edits.append(Replace(start, at, moved))
    # A comment after a value on its line: 「agency: 基隆市警察局   # 107 年度承辦：秘書科」
    ends = {end for _, end in doc.spans.values()} | {end for _, end in doc.flows.values()}
    for end in sorted(ends):
        rest = doc.line_rest(end)
        if re.match(r"[ \t]+#", rest) and (moved := _year_words(rest, old, new)) != rest:
            edits.append(Replace(end, end + len(rest), moved))
    return edits


def _old_dates(doc: YamlDoc, name: str, old: int, edits: list[Edit | Replace]) -> list[str]:
    """Each text still naming a day of the ``old`` year (「於 107 年 3 月 31 日前陳報」), as
    「plan.yaml 第 48 行：「107 年 3 月 31 日」」: only 「107 年度」 moves on by itself, and such a
    date may be a deadline to move too, or a letter's to keep. Values as ``edits`` write them: the
    period moved on, and what rollover marks 【待填】 is re-entered anyway."""
    written = {e.loc: e.new for e in edits if isinstance(e, Edit)}  # a later edit of the same value wins
    found = []
    for loc in doc.spans:
        value = written.get(loc, doc.value(loc))
        if not isinstance(value, str) or MARKER in value:
            continue
        days = re.findall(rf"(?<!\d){old}\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?", value)
        if days:
            found.append(f"{name} 第 {doc.where(loc)[0]} 行：{'、'.join(f'「{day}」' for day in days)}")
    return found


def _apply(doc: YamlDoc, edits: list[Edit | Replace]) -> str:
    """The file's text with each edit made in place (last first, so offsets hold)."""
    by_loc = {e.loc: e for e in edits if isinstance(e, Edit)}  # a later edit of the same value wins
    changes = [Replace(*doc.spans[loc], edit.new) for loc, edit in by_loc.items()]
    changes += [e for e in edits if isinstance(e, Replace)]
    text = doc.text
    for change in sorted(changes, key=lambda c: (c.start, c.end), reverse=True):
        text = text[: change.start] + change.text + text[change.end :]
    return text


def _as_printed(value: object) -> str:
    """A date of the data as the documents print it (「107 年 3 月 1 日」), however it was typed
    (「107/3/1」, 「１０７年３月１日」, 2018-03-01); anything else as it is."""
    try:
        return format_roc(_ROC_DATE.validate_python(value))
    except ValidationError:
        return str(value)


_ROC_DATE = TypeAdapter(RocDate)


def _plan_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    data = doc.data
    years = new - old
    edits = _text_edits(doc, old, new)
    edits.append(Edit(("year",), str(new)))
    for side in ("start", "end"):
        day = _ROC_DATE.validate_python(data["period"][side])  # loaded already: typed any way the loader takes
        edits.append(Edit(("period", side), format_roc(_shift(day, years))))
    if "issued" in data:
        edits.append(Edit(("issued",), _quote(f"{MARKER}{new} 年度計畫的發布日期")))
    for i, basis in enumerate(data.get("basis", [])):
        edits.append(Edit(("basis", i, "date"), _quote(f"{MARKER}發文日期（{old} 年為 {_as_printed(basis.get('date', ''))}）")))
        edits.append(Edit(("basis", i, "number"), _quote(f"{MARKER}文號（{old} 年為 {basis.get('number', '')}）")))
    return edits


def _annex1_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    edits = _text_edits(doc, old, new)
    for loc in doc.spans:
        if loc and loc[-1] == "deadline":
            try:
                was = _ROC_DATE.validate_python(doc.value(loc))  # 2018-06-30 and 107/6/30 too
            except ValidationError:
                continue  # 賡續辦理 stays as it is
            edits.append(Edit(loc, _quote(f"{MARKER}完成期限（{old} 年為 {format_roc(was)}）")))
    return edits


def _roster_edits(doc: YamlDoc, old: int, new: int) -> list[Edit]:
    edits = _text_edits(doc, old, new)
    for i, member in enumerate(doc.data.get("members", [])):
        was = f"（{old} 年為 {member['name']}）" if member.get("name") else ""
        edits.append(Edit(("members", i, "name"), _quote(f"{MARKER}{member.get('position', '')}的姓名{was}")))
    return edits


_EDITS = {
    "plan.yaml": _plan_edits,
    "units.yaml": lambda doc, old, new: [],
    "annex1.yaml": _annex1_edits,
    "annex2.yaml": _text_edits,
    "annex3.yaml": _roster_edits,
}


def _readme(source: Path, target: Path, old: int, new: int, indicators: str = "", dated: int = 0,
            issued: bool = False, dated_texts: list[str] | None = None) -> str:
    """The new folder's README.md: what rollover did, what is left to fill in (each field it
    marked: ``issued``, the plan's date of issue; ``dated``, deadlines written as dates), what to
    check (``dated_texts``: texts naming a day of the old year), what next."""
    section = f"\n## 量化指標\n\n{indicators}\n" if indicators else ""
    if dated_texts:
        listed = "\n".join(f"- {text}" for text in dated_texts)
        section = (f"\n## 仍寫著 {old} 年日期的文字\n\n下列文字中的日期未隨年度改變（只有「{old} 年度」會自動改為 {new} 年度）；"
                   f"請逐一確認：是今年的期限就改為 {new} 年，是引用的舊函或往年事實則保留。\n\n{listed}\n") + section
    to_fill = [
        *(["本計畫的發布日期（plan.yaml 的 issued）"] if issued else []),
        "計畫依據各函的發文日期與文號",
        f"考核小組成員的姓名（括號中是 {old} 年的姓名，留任者照填）",
        *([f"附件 1 中寫成日期的完成期限（{dated} 個）"] if dated else []),
    ]
    fields = "；\n".join(f"- {item}" for item in to_fill) + "。"
    return f"""# 民國 {new} 年度資料（由 {readable_name(source.name)} 轉入）

本資料夾由 `sqdocs rollover` 自 {old} 年度資料產生：年度、期程與標題（及註解）中的「{old} 年度」已改為 {new} 年度，
附件 1、附件 2 與單位名冊照舊帶入。

尚待重新填寫的欄位都標有「{MARKER}」，`sqdocs validate` 會逐一列出，填妥前無法產生文件：

{fields}

另請檢查：計畫依據的計畫名稱與本文中提到的屆次、年度（如政府服務獎的屆次），以及計畫目標與各項具體作法是否仍適用。
{section}
## 細部執行計畫與年度成果

各單位的細部執行計畫與 {old} 年的年度成果（subplans/、results/）不帶入：新年度依新計畫重新訂定與填報。
本局計畫填妥後，各單位的細部執行計畫可由 {old} 年的開始（帶入具體作法與承辦單位，期限重填）：

    {command_line(['sqdocs', 'subplan', 'init', display_name(target), '--all', '--from', display_name(source)])}

只要建立一個單位時，把 `--all` 換成 `--unit 單位名稱`。
"""


@dataclass(frozen=True)
class Rolled:
    target: Path
    indicators: str
    """One line on what became of indicators.yaml and this year's figures; empty without one."""
    warnings: tuple[Diagnostic, ...] = ()
    """What validate warns of in the results this year's figures were computed from (a % typed
    as a fraction, a denominator of 0 …): the figures now stand in next year's history."""


def rollover(source: Path, year: int, target: Path | None = None) -> Rolled:
    """Write next year's data folder from ``source``. ``source`` is never changed."""
    if not 1 <= year <= MAX_ROC_YEAR:  # the plan's year field allows no more; 2019 is a Western year
        western = f"（西元 {year} 年為民國 {year - ROC_OFFSET} 年）" if year > ROC_OFFSET else ""
        raise UserError(f"--to {year} 不是民國年{western}；請用民國年，如 108")
    plan = load_plan(source)
    old = plan.year
    if year <= old:
        raise UserError(f"{display_name(source)} 是 {old} 年度的資料；--to 須是較晚的年度，如 {old + 1}")
    target = target or default_target(source, year)
    if target.exists():
        raise UserError(f"{display_name(target)} 已存在；為避免覆蓋既有資料，請先移走或改用 -o 指定其他資料夾")
    if target.resolve().is_relative_to(source.resolve()):
        # Inside this year's folder: it would change that folder, and be taken for part of it.
        raise UserError(f"{display_name(target)} 在 {display_name(source)} 之中；新年度的資料夾請建在它旁邊"
                        f"（如 -o {shell_word(display_name(default_target(source, year)))}），{old} 年度的資料夾不應被改動")
    files, dated_texts = {}, []
    for name in CARRIED:
        doc = read_yaml(source / name)
        edits = _EDITS[name](doc, old, year)
        dated_texts += _old_dates(doc, name, old, edits)
        files[name] = _apply(doc, edits + _comment_edits(doc, old, year))
    carried = _indicators(source, plan, year) if (source / INDICATORS_FILE).is_file() else _Carried("", "", "")
    if carried.text:
        files[INDICATORS_FILE] = carried.text
    gap = f"{old + 1} 年" if year == old + 2 else f"{old + 1}–{year - 1} 年"
    skipped = f"注意：由 {old} 年直接轉入 {year} 年，歷年數據將缺 {gap}。" if year > old + 1 else ""
    readme = carried.readme
    if skipped and readme:  # said on the screen once; the README is what is read when the gap shows
        readme += (f"\n- 由 {old} 年直接轉入 {year} 年：各指標的 history 沒有 {gap}的數據，"
                   f"請依該年度績效報告在 history 補上（未補上時，報告的趨勢分析會缺這些年度）。")
    dated = sum(isinstance(ref.point.deadline, date) for ref in plan.points())
    files["README.md"] = _readme(source, target, old, year, readme, dated, plan.body.issued is not None, dated_texts)
    with writing():
        _write_staged(files, target)
    stale = (f"注意：{len(dated_texts)} 處文字仍寫著 {old} 年的日期（{dated_texts[0]}{'等' if len(dated_texts) > 1 else ''}），"
             f"未隨年度改變；請逐一確認是否應改為 {year} 年（明細見 README.md）") if dated_texts else ""
    return Rolled(target, "\n".join(line for line in (carried.summary, skipped, stale) if line), carried.warnings)


def _write_staged(files: dict[str, str], target: Path) -> None:
    """Write the new folder beside ``target`` under a temporary name and rename it into place when
    complete. An OSError names ``target``: the staged files' names mean nothing to the user."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        # mkdtemp makes it 0700: renamed into place, the new year's folder would be closed to the
        # colleagues sharing the data, whom its files (FILE_MODE) are open to
        staging.chmod(FOLDER_MODE)
    except OSError as exc:
        raise naming(exc, target) from exc
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if exc.errno is not None and str(exc.filename or staging).startswith(str(staging)):
            raise naming(exc, target) from exc
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# ---- indicators: this year's bureau figures join their history ----------------------------


@dataclass(frozen=True)
class _Carried:
    text: str  # the new indicators.yaml
    readme: str  # its section of the README, lines starting 「- 」
    summary: str  # one line for the screen
    warnings: tuple[Diagnostic, ...] = ()  # the results' warnings, when figures were computed from them


def _indicators(source: Path, plan: Plan, year: int) -> _Carried:
    """indicators.yaml for ``year``, and what the README and the screen say of it.

    Next year's report shows each indicator's trend from its history, so this year's bureau
    figure, as this year's report gives it, is added to the history of every indicator that
    has one (a growth rate too, though its base's rounded figures give it again). It is
    computed from the units' results, which must load without error and be all in: a partial
    figure (a file missing, or a figure missing from one) is no figure to keep (next year's
    validate asks for it instead). A year already in a history was written by hand and stands.
    """
    old = plan.year
    doc = read_yaml(source / INDICATORS_FILE)
    edits: list[Edit | Replace] = [*_text_edits(doc, old, year), *_comment_edits(doc, old, year)]
    kept = "量化指標定義 indicators.yaml 照舊帶入；"
    later = f"{old} 年度績效報告定稿後，請依報告在各指標的 history 加上 {old} 年的數值（`sqdocs validate` 會逐項提醒）。"
    if not (source / RESULTS_DIR).exists():  # a file of that name is the loader's error, told below
        why = f"{old} 年沒有各單位的年度成果（results/），history 未加入 {old} 年數據"
        return _Carried(_apply(doc, edits), f"- {kept}{why}。{later}", f"{kept}{why}。")
    try:
        results, warned = load_results(source, plan)
    except LoadError as exc:
        # Moving results/ aside helps only with the units' files, not with indicators.yaml itself.
        in_results = all(Path(d.file).parent.name == RESULTS_DIR for d in exc.diagnostics if d.severity == "error")
        aside = "，或暫時移開 results/ 資料夾（history 之後再自行補上）" if in_results else ""
        raise LoadError(exc.diagnostics, (
            f"rollover 要由 {old} 年各單位的成果計算 {old} 年的全局數據，寫入 indicators.yaml 的 history；"
            f"請先修正上列錯誤{aside}"
        )) from None
    report = compile_report(plan, results)
    figures = {figure.id: figure for figure in report.indicators}
    text = _apply(doc, edits)
    added: list[IndicatorFigure] = []
    by_hand: list[tuple[int, IndicatorFigure]] = []
    newline = "\r\n" if "\r\n" in doc.text else "\n"
    for i, entry in enumerate(doc.data["indicators"]):
        figure = figures.get(entry["id"])
        if figure is None or figure.reported is None or figure.partial_units or old in (entry.get("history") or {}):
            continue
        # Each figure is put in on its own and the file read back: a layout the edit cannot
        # follow (an alias, a trailing comma …) costs that indicator's figure, not every one.
        entry_edit = _history_entry(doc, ("indicators", i), f"{old}: {figure.reported}", newline)
        trial = _apply(doc, [*edits, entry_edit])
        if _holds(doc, trial, old, {f.id: f for f in [*added, figure]}):
            edits.append(entry_edit)
            added.append(figure)
            text = trial
        else:
            by_hand.append((doc.where(("indicators", i, "history"))[0], figure))
    lines = []
    if added:
        listed = "、".join(f"{f.name} {f.text}" for f in added)
        lines.append(
            f"- {kept}{len(added)} 項指標的 history 已加入 {old} 年的全局數據（由 {old} 年各單位成果計算，與 {old} 年度績效報告相同）："
            f"{listed}。{old} 年的成果若之後又有修正，請一併修改 history 中 {old} 年的數值。"
        )
    if by_hand:
        paste = "；".join(f"第 {line} 行「{f.name}」：`{old}: {f.reported}`" for line, f in by_hand)
        lines.append(f"- 下列指標的 history 寫法無法自動加入 {old} 年數據，請自行加上：{paste}。")
    partial = [f for f in figures.values() if f.partial_units]
    # A growth rate of an incomplete figure has data, only no base to compute from: said with it.
    of = {ind.id: ind.of for ind in results.indicators.indicators}
    derived = [f for f in figures.values() if f.reported is None and of.get(f.id) in {p.id for p in partial}]
    if none := [f.name for f in figures.values() if f.reported is None and f.id not in {d.id for d in derived}]:
        lines.append(f"- {old} 年無數據、history 未加入的指標：{'、'.join(none)}。")
    if partial:
        # a unit has sent no file, or left these figures out of its file: the figure is not the
        # year's (figures no missing unit owes are whole, as the report prints them unmarked)
        word = totals_word(total_word(f.kind, f.aggregate) for f in partial)
        lacking = "；".join(f"{f.name}（不含{'、'.join(f.partial_units)}）" for f in partial)
        lacking += "".join(f"；{f.name}（由{figures[of[f.id]].name}計算，無法計算）" for f in derived)
        lines.append(f"- {old} 年{word}不完整、history 未加入的指標：{lacking}；"
                     f"待各單位補填、{old} 年度績效報告定稿後，請在 history 加上 {old} 年的數值（`sqdocs validate` 會逐項提醒）。")
        # validate asks for last year only in a history that has years (one without is taken for an
        # indicator new next year): an indicator first reported this year would go unasked.
        histories = {entry["id"]: entry.get("history") for entry in doc.data["indicators"]}
        if first := [f.name for f in partial if f.kind != "growth" and not histories.get(f.id)]:
            lines[-1] += f"尚無 history 的指標不會提醒，也請加上：{'、'.join(first)}。"
    summary = f"{kept}{len(added)} 項指標的 history 已加入 {old} 年數據（明細見 README.md）。"
    if by_hand:
        where = "、".join(f"第 {line} 行" for line, _ in by_hand)
        summary += f"\n注意：indicators.yaml {where}的 history 寫法無法自動加入，要加上的數值列在 README.md。"
    if report.unsubmitted:
        waiting = "、".join(report.unsubmitted[:5]) + ("等" if len(report.unsubmitted) > 5 else "")
        summary += f"\n注意：{old} 年還有 {len(report.unsubmitted)} 個單位未繳交成果（{waiting}），"
        summary += (f"{len(partial)} 項指標的全局數據尚未定案，history 未加入 {old} 年數據（明細見 README.md）。" if partial
                    else "已加入 history 的數據都不受這些單位影響。")
    elif partial:
        summary += (f"\n注意：{'、'.join(f.name for f in partial)}的 {old} 年{word}不含成果未填該項數據的單位，"
                    "history 未加入（明細見 README.md）。")
    if added and warned:
        summary += (f"\n注意：{old} 年的成果有 {len(warned)} 個警告（列於上方）；history 的 {old} 年數據是依現有成果計算的，"
                    f"若因此修正成果，請一併修改新資料夾 indicators.yaml 中 {old} 年的數值。")
    return _Carried(text, "\n".join(lines), summary, tuple(warned) if added else ())


def _history_entry(doc: YamlDoc, loc: Loc, entry: str, newline: str = "\n") -> Edit | Replace:
    """``entry`` (「107: 95.4」) added to the history of the indicator at ``loc``, as it is written:
    inside ``{…}``, as a line under the last year, or as a new ``history: {…}`` line."""
    indicator = doc.value(loc)
    history_loc = (*loc, "history")
    history = indicator.get("history")
    if history_loc in doc.flows:
        end = doc.flows[history_loc][1] - 1  # the closing }
        comma = doc.text[doc.flows[history_loc][0] + 1 : end].rstrip().endswith(",")  # {105: 5.1, 106: 4.6,}
        added = (", " if history and not comma else " " if comma else "") + entry
        # A comment aligned after the } (spaces padding it to a column) keeps its column while the
        # padding holds the year's entry, else keeps two spaces: it moved right by an entry a year.
        aligned = re.match(r"\}( {4,})#", doc.text[end:])
        if aligned:
            spaces = aligned.group(1)
            return Replace(end, end + 1 + len(spaces), added + "}" + " " * max(2, len(spaces) - len(added)))
        return Replace(end, end, added)
    if isinstance(history, dict) and history:
        return _line_after(doc, (*history_loc, list(history)[-1]), entry, newline)
    if history_loc in doc.spans:  # 「history:」 with nothing after it
        start = doc.spans[history_loc][0]
        return Edit(history_loc, (" " if doc.text[start - 1 : start] == ":" else "") + "{" + entry + "}")
    if loc in doc.flows:  # the whole indicator written in { }
        end = doc.flows[loc][1] - 1
        return Replace(end, end, f", history: {{{entry}}}")
    return _line_after(doc, (*loc, list(indicator)[-1]), f"history: {{{entry}}}", newline)


def _line_after(doc: YamlDoc, key_loc: Loc, text: str, newline: str = "\n") -> Replace:
    """``text`` on a line of its own after the value of ``key_loc``, at the key's indentation."""
    col = doc.keys[key_loc][1]
    ends = [end for loc, (_, end) in [*doc.spans.items(), *doc.flows.items()] if loc[: len(key_loc)] == key_loc]
    end = max(ends)
    if doc.text[end - 1 : end] == "\n":  # a block text (|) ends after its last line break
        end -= 1
    eol = end + len(doc.line_rest(end).removesuffix("\r"))
    return Replace(eol, eol, newline + " " * (col - 1) + text)


def _holds(doc: YamlDoc, text: str, year: int, added: dict[str, IndicatorFigure]) -> bool:
    """Whether ``text`` reads as ``doc`` did with only ``year``'s figures added to the histories."""
    try:
        new = parse_yaml(text.encode("utf-8"), doc.file).data
    except LoadError:
        return False
    before, after = doc.data.get("indicators"), new.get("indicators") if isinstance(new, dict) else None
    if not isinstance(after, list) or len(after) != len(before):
        return False
    for was, now in zip(before, after, strict=True):
        if not isinstance(now, dict) or was.get("id") != now.get("id"):
            return False
        history = now.get("history") or {}
        if not isinstance(history, dict) or any(history.get(y) != v for y, v in (was.get("history") or {}).items()):
            return False
        figure = added.get(was["id"])
        expected = {year: float(figure.reported)} if figure is not None else {}
        if {y: float(v) for y, v in history.items() if y not in (was.get("history") or {})} != expected:
            return False
    return True


__all__ = ["LoadError", "default_target", "rollover"]
