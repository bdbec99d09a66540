"""Checks that span fields or files: unit references, unique names, dates inside the period."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqdocs.errors import UserError
from sqdocs.fsutil import display_name
from sqdocs.load.diagnostics import Diagnostic, Loc
from sqdocs.load.yamlfile import YamlDoc
from sqdocs.model import Annex1, Annex2, PlanBody, Roster, UnitRegistry
from sqdocs.model.common import INVISIBLE_CHARACTERS, invisible_name
from sqdocs.model.plan import Clause
from sqdocs.text.names import command_line
from sqdocs.text.numbering import OUTLINE_DEPTH, outline_label
from sqdocs.text.roc import format_roc, roc_year
from sqdocs.text.suggest import closest, suggest


def unique_names(doc: YamlDoc, named: Iterable[tuple[Loc, str]], what: str) -> Iterator[Diagnostic]:
    """Report every name that was already used by an earlier entry."""
    first: dict[str, Loc] = {}
    for loc, name in named:
        if name in first:
            line = doc.where(first[name])[0]
            yield doc.diagnostic(loc, f"{what}「{name}」重複（第 {line} 行已有同名項目）；名稱必須唯一")
        else:
            first[name] = loc


def check_body(doc: YamlDoc, body: PlanBody) -> Iterator[Diagnostic]:
    """plan.yaml's checks beyond its schema: clauses no deeper than (1), a title naming no other
    bureau or year, a period that starts in the plan's year."""
    for field in ("steps", "assessment"):
        yield from _too_deep(doc, (field,), getattr(body, field), 1)
    year = titled_year(body)
    yield from check_title(doc, body.title, body.agency, year)
    if year is None:
        yield doc.diagnostic(
            ("period", "start"),
            f"期程起日 {format_roc(body.period.start)} 不在 year 所寫的民國 {body.year} 年；請把 period 改為 {body.year} 年的期程"
            f"（如 start: {body.year} 年 1 月 1 日、end: {body.year} 年 12 月 31 日），或改正 year",
        )


def body_warnings(doc: YamlDoc, body: PlanBody) -> Iterator[Diagnostic]:
    """What of plan.yaml is valid but probably a slip: :func:`date_warnings`, and a letter's
    文號 typed with full-width digits (「發社字第１０７１３０００２８號」 prints spaced out)."""
    yield from date_warnings(doc, body)
    yield from other_year_warnings(doc, body.year)
    for i, basis in enumerate(body.basis):
        if wide := _FULL_WIDTH_DIGITS.findall(basis.number):
            half = _FULL_WIDTH_DIGITS.sub(lambda m: m.group().translate(_TO_HALF_WIDTH), basis.number)
            yield doc.diagnostic(("basis", i, "number"), (
                f"文號「{basis.number}」含全形數字（{'、'.join(wide)}），印出時字距寬鬆、與其他文號不一致；"
                f"文號通常用半形數字：「{half}」"
            ), severity="warning")


# 「107 年度」「107年度」: rollover moves these on, and a plan begun from another year's copy
# keeps them. A date (「107 年 3 月 31 日」) may cite an old letter and is left to rollover's list.
_YEAR_OF = re.compile(r"(?<![\d０-９])(\d{2,3})\s*年度")


def other_year_warnings(doc: YamlDoc, year: int) -> Iterator[Diagnostic]:
    """A text of plan.yaml (or an annex) that speaks of another 年度 than the plan's own (a folder copied from
    the sample, or last year's, and its year changed by hand): valid, and printed in the
    plan as written. The title is checked as an error elsewhere."""
    for loc in doc.spans:
        value = doc.text_at(loc) if loc and loc[0] != "title" else None
        if value is None:
            continue
        others = dict.fromkeys(int(m[1]) for m in _YEAR_OF.finditer(value) if int(m[1]) != year)
        if others:
            shown = "、".join(f"{n} 年度" for n in others)
            yield doc.diagnostic(loc, (
                f"文字中寫著「{shown}」，本計畫是 {year} 年度；若不是引用其他年度，請改為「{year} 年度」"
            ), severity="warning")


_FULL_WIDTH_DIGITS = re.compile("[０-９]+")
_TO_HALF_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def date_warnings(doc: YamlDoc, body: PlanBody) -> Iterator[Diagnostic]:
    """Dates of plan.yaml that are valid but unlikely for a yearly plan: a slip of the year
    prints on the cover and in 肆、執行期程 with nothing else to catch it."""
    year, period = body.year, body.period
    if roc_year(period.end) != year:
        yield doc.diagnostic(("period", "end"), (
            f"期程迄日 {format_roc(period.end)} 不在民國 {year} 年；年度計畫的期程通常在同一年內"
            f"（{year} 年 1 月 1 日至 {year} 年 12 月 31 日），請確認迄日的年份"
        ), severity="warning")
    issued = body.issued
    if issued is None:
        return
    if roc_year(issued) not in (year - 1, year):
        yield doc.diagnostic(("issued",), (
            f"發布日期 {format_roc(issued)} 不在民國 {year - 1} 或 {year} 年；{year} 年度計畫於前一年底或當年發布，"
            "請確認年份"
        ), severity="warning")
    elif issued > period.end:
        yield doc.diagnostic(("issued",), (
            f"發布日期 {format_roc(issued)} 晚於期程迄日 {format_roc(period.end)}；計畫應在期程結束前發布，請確認日期"
        ), severity="warning")
    for i, basis in enumerate(body.basis):
        if basis.date > issued:  # the plan cites the letter, so the letter came first
            yield doc.diagnostic(("basis", i, "date"), (
                f"依據函文日期 {format_roc(basis.date)} 晚於本計畫發布日期 {format_roc(issued)}（issued）；"
                "計畫引用的函文應早於計畫發布，請確認兩者的日期"
            ), severity="warning")


def _too_deep(doc: YamlDoc, loc: Loc, clauses: list[Clause], depth: int) -> Iterator[Diagnostic]:
    """Clauses below (1): the official hierarchy ends there, and a sixth level would print as
    (1) again, indistinguishable from its parent."""
    for i, clause in enumerate(clauses):
        if not clause.items:
            continue
        if depth + 1 >= OUTLINE_DEPTH:
            yield doc.diagnostic(
                (*loc, i, "items"),
                f"層次太深：「{outline_label(depth, i + 1)}」之下不能再分層（公文層次為 壹、一、(一)、1.、(1)，共 {OUTLINE_DEPTH} 層）；"
                "請把下一層併入本段文字，或改為同一層的條文",
            )
        else:
            yield from _too_deep(doc, (*loc, i, "items"), clause.items, depth + 1)


_TITLE_YEAR = re.compile(r"(?<!\d)(\d{2,3})\s*年度")
_BUREAU = re.compile(r"[\u4e00-\u9fff]{2,3}[市縣](?:政府)?警察局")


def _other_year(title: str, year: int) -> re.Match[str] | None:
    """The first 「NNN 年度」 of ``title`` naming another year than ``year``."""
    return next((m for m in _TITLE_YEAR.finditer(title) if int(m.group(1)) != year), None)


def _other_bureau(title: str, agency: str) -> re.Match[str] | None:
    """The first bureau ``title`` names that is not ``agency``."""
    return next((m for m in _BUREAU.finditer(title) if not title[: m.end()].endswith(agency)), None)


def _fixed_title(title: str, agency: str, year: int | None) -> str:
    """``title`` naming ``agency`` and ``year`` (when given) where it names another bureau or
    year: the fix a message offers is whole, not one that the other check then refuses."""
    if year is not None and (found := _other_year(title, year)):
        title = f"{title[: found.start(1)]}{year}{title[found.end(1):]}"
    if found := _other_bureau(title, agency):
        title = f"{title[: found.start()]}{agency}{title[found.end():]}"
    return title


def titled_year(body: PlanBody) -> int | None:
    """The year titles are judged by: the plan's, when its period starts in it. When not, which of
    year and period is wrong is for the reader to see (check_body says so), not for a title to decide."""
    return body.year if roc_year(body.period.start) == body.year else None


def check_title(doc: YamlDoc, title: str | None, agency: str, year: int | None) -> Iterator[Diagnostic]:
    """A document title naming another bureau than ``agency`` or, when ``year`` is given, another
    year: a sample, a neighbour's or last year's file copied as a start would print 「基隆市警察局…」
    or 107 on the cover and, for the plan, in the file name. Each message offers the whole fix,
    not one that the other then refuses."""
    if not title:
        return
    if found := _other_bureau(title, agency):
        fixed = _fixed_title(title, agency, year)
        yield doc.diagnostic(("title",), f"標題寫的是「{found.group()}」，但 plan.yaml 的 agency 是「{agency}」；應為「{fixed}」")
    if year is not None and (found := _other_year(title, year)):
        fixed = _fixed_title(title, agency, year)
        yield doc.diagnostic(("title",), f"標題寫的是 {found.group(1)} 年度，但計畫是 {year} 年度；應為「{fixed}」")


def check_units(doc: YamlDoc, units: UnitRegistry) -> Iterator[Diagnostic]:
    """units.yaml's checks beyond its schema: names unique and well formed, groups whose members exist."""
    named = [(("units", i, "name"), u.name) for i, u in enumerate(units.units)]
    for gi, group in enumerate(units.groups):
        named.append((("groups", gi, "name"), group.name))
        named += [(("groups", gi, "aliases", ai), a) for ai, a in enumerate(group.aliases)]
    named += [(("units", i, "full_name"), u.full_name) for i, u in enumerate(units.units) if u.full_name]
    yield from name_flaws(doc, named)
    yield from unique_names(doc, named, "單位或群組名稱")
    known = [u.name for u in units.units] + [g.name for g in units.groups]
    for gi, group in enumerate(units.groups):
        if group.all and group.members:
            yield doc.diagnostic(("groups", gi, "members"), "all: true 的群組已包含全部單位，不必再列 members")
        if not group.all and not group.members:
            yield doc.diagnostic(("groups", gi), f"群組「{group.name}」沒有 members，也沒有 all: true")
        for mi, member in enumerate(group.members):
            if not units.expand(member):
                yield doc.diagnostic(
                    ("groups", gi, "members", mi), f"未知的單位「{member}」{name_hint(member, known)}"
                )


def group_warnings(doc: YamlDoc, units: UnitRegistry) -> Iterator[Diagnostic]:
    """A group named for a kind of unit (各分局, 各科) that leaves out a unit of that kind: a
    分局 added to units.yaml but not to 各分局 gets none of 各分局's points, so its subplan and
    its results lack them, and check still calls its plan complete."""
    kinds = {u.kind for u in units.units}
    for gi, group in enumerate(units.groups):
        kind = next((k for k in kinds for name in (group.name, *group.aliases) if name == f"各{k}"), None)
        if group.all or kind is None:
            continue
        members = set(units.expand(group.name))
        left = [u.name for u in units.units if u.kind == kind and u.name not in members]
        if left:
            names = "、".join(left)
            yield doc.diagnostic(("groups", gi, "members"), (
                f"群組「{group.name}」沒有列入{kind}「{names}」：本局計畫指派{group.name}辦理的評核重點不會算到{names}"
                f"（其細部執行計畫、年度成果都不會列出）；若{names}也屬於{group.name}，請加入 members"
            ), severity="warning")


_UNIT_ENDINGS = ("分局", "科", "室", "隊", "中心", "所", "組")
"""How the name of a unit ends, as a 現職 of 附件 3 begins with one (第一分局分局長, 行政科科長)."""


def roster_warnings(doc: YamlDoc, roster: Roster, units: UnitRegistry) -> Iterator[Diagnostic]:
    """附件 3's 現職 that begins with a unit's name units.yaml no longer has, which a registered
    name holds or is held by (第一分局分局長 after 第一分局 became 中正第一分局): the roster is
    printed as written, so the plan would name a unit the bureau no longer has."""
    known = registered_names(units)
    for n, member in enumerate(roster.members):
        position = member.position
        if any(position.startswith(name) for name in known):
            continue
        for end in range(2, len(position)):  # the shortest unit-like start first: 「中正第一分局」, not 「…分局分局」
            old = position[:end]
            # a title's own word (分局長, 大隊長, 中心主任, 副分局長) names no unit
            if not old.endswith(_UNIT_ENDINGS) or old.lstrip("副大") in _UNIT_ENDINGS:
                continue
            # containment only: a likeness (保安隊, 保安科) would call a unit another's new name
            now = [u.name for u in units.units if old in u.name or u.name in old]
            if now:
                names = "」或「".join(now)
                yield doc.diagnostic(("members", n, "position"), (
                    f"現職「{position}」的「{old}」不在 units.yaml 中；若單位已改名為「{names}」，請一併修改"
                    "（附件 3 照此印出）"
                ), severity="warning")
                break
        else:
            # A 分局 is named so in any bureau: one gone from units.yaml (merged, or a sample's
            # 第四分局 left in a new bureau's roster) still heads a row of the printed roster.
            if (precinct := re.match(r"(?!副)(.{2,}?分局)", position)) and precinct.group(1) not in known:
                yield doc.diagnostic(("members", n, "position"), (
                    f"現職「{position}」的「{precinct.group(1)}」不在 units.yaml 中；若該分局已裁併、改名，"
                    "或這是範例資料留下的，請一併修改（附件 3 照此印出）"
                ), severity="warning")


# Characters a name can hold without anyone seeing them: those no text may hold (zero-width
# and direction marks, the soft hyphen …), and in a name also spaces other than the plain one.
_INVISIBLE = re.compile(f"[\u00a0\u1680\u2000-\u200a\u2028-\u202f\u205f\u3000{INVISIBLE_CHARACTERS}]")
_LIST_SEPARATORS = re.compile("[，、,；;]")


def _invisible(c: str) -> bool:
    # Cf: every other format character (U+2066 isolates, U+FEFF …) is as unseen as those listed.
    return _INVISIBLE.match(c) is not None or unicodedata.category(c) == "Cf"


def _visible(name: str) -> str:
    return "".join(c for c in name if not _invisible(c))


def _hidden(name: str) -> str:
    """「看不見的字元 U+200B（零寬空格）」 when ``name`` holds one, else empty."""
    hidden = next((c for c in name if _invisible(c)), None)
    if hidden is None:
        return ""
    what = "特殊空白" if unicodedata.category(hidden) == "Zs" else "看不見的字元"
    return f"{what} {invisible_name(hidden)}"


def _names_in(name: str) -> list[str]:
    """The names ``name`` holds when several are run together with commas or 、."""
    return [p.strip() for p in _LIST_SEPARATORS.split(name) if p.strip()]


def name_flaws(doc: YamlDoc, named: Iterable[tuple[Loc, str]]) -> Iterator[Diagnostic]:
    """A name being defined must hold no invisible character and be one name, not several.

    Else every use of the name, typed as it looks, is 「未知」 elsewhere, beside a suggestion
    that looks the same.
    """
    for loc, name in named:
        hidden = _hidden(name)
        if hidden:
            clean = _visible(name)
            yield doc.diagnostic(loc, f"名稱「{name}」中有{hidden}，請刪除此字元，刪除後即為「{clean}」")
        elif (separator := _LIST_SEPARATORS.search(name)) is not None:
            yield doc.diagnostic(loc, (
                f"名稱「{name}」中有「{separator.group()}」，像是把幾個名稱寫在一起；"
                "一項只能寫一個名稱，多個名稱請分成多項"
            ))


def unregistered_unit(name: str, file: Path, known: list[str]) -> str:
    """Why a unit's own file (``subplans/第四分局.yaml`` saying unit: 第四分局) names a unit the
    registry lacks: a typo, or the unit left units.yaml. A near name is suggested only when no
    file of that name sits beside this one: 「是不是第二分局」 must not send a clerk to
    overwrite another unit's work. A unit renamed (第一分局 → 中正第一分局) whose new file was
    made beside the old one (blank, by init or a form) gets the two compared, not the old deleted."""
    free = [unit for unit in known if not file.with_name(f"{unit}{file.suffix}").exists()]
    hint = suggest(name, free)
    if not hint and (new := next((u for u in known if u not in free and renamed(name, u)), None)):
        return (f"未知的單位「{name}」；units.yaml 沒有此單位。若單位已改名為「{new}」：同一資料夾已有 {new}{file.suffix}"
                f"（可能是改名後另外建立的），請比對兩份，把要保留的內容留在 {new}{file.suffix}（unit 與 title 用新名稱）後，"
                f"再刪除 {file.name}；若單位仍在，請把它加回 units.yaml")
    return (f"未知的單位「{name}」{hint}；units.yaml 沒有此單位：若單位已裁併，"
            f"請刪除或移走 {file.name}；若改名，請把 {file.name} 改名為新名稱的檔名，並把其中的 unit 與 title "
            "一併改為新名稱；若單位仍在，請把它加回 units.yaml")


def unknown_unit(name: str, file: Path, known: list[str], otherwise: str = "") -> str:
    """Why a unit file's ``unit`` (``name``) is none of ``known``, its file named otherwise: the
    nearest name; or, when the file's own name is a registered unit the hint does not offer
    (中正第一分局.yaml saying unit: 第一分局, the file renamed but not its content), that name.
    ``otherwise``: what to say when nothing is near."""
    hint = suggest(name, known)
    if file.stem in known and f"「{file.stem}」" not in hint:
        return (f"未知的單位「{name}」；檔名是 {file.name}：若單位已改名為「{file.stem}」，請把 unit 改為「{file.stem}」"
                "（title 中的單位名稱一併改為新名稱）")
    return f"未知的單位「{name}」{hint or otherwise}"


def renamed(old: str, new: str) -> bool:
    """Whether ``new`` may be ``old`` renamed: one holds the other (第一分局 → 中正第一分局), or they
    are alike, but never two names that differ only in a number (第一分局, 第五分局)."""
    return old != new and (old in new or new in old or closest(old, [new]) is not None)


def former_file(directory: Path, unit: str, known: Collection[str]) -> Path | None:
    """A file in ``directory`` (subplans/, results/) that may be ``unit``'s from before a rename:
    it names no registered unit, and :func:`renamed` holds. None when ``unit`` has its own file."""
    if not directory.is_dir() or (directory / f"{unit}.yaml").exists():
        return None
    return next((path for path in sorted(directory.glob("*.yaml"))
                 if path.stem not in known and renamed(path.stem, unit)), None)


def registered_names(units: UnitRegistry) -> set[str]:
    """Every name a unit's file may have: its short name, and its full name where it has one."""
    return {u.name for u in units.units} | {u.full_name for u in units.units if u.full_name}


def refuse_former(directory: Path, units: UnitRegistry, unit: str, what: str) -> None:
    """UserError (:func:`former_refusal`) when ``directory`` holds what may be ``unit``'s ``what``
    under its name before a rename."""
    if (former := former_file(directory, unit, registered_names(units))) is not None:
        raise UserError(former_refusal(former, unit, what))


def former_hint(former: Path, unit: str, target: Path, data: Path, *, replacing: bool) -> str:
    """What to do with last year's ``former`` file (:func:`former_file` in the --from folder)
    that may be ``unit``'s before a rename, ``target`` being where its subplan goes this year
    (``replacing`` the blank one init has just written there)."""
    check = command_line(["sqdocs", "check", display_name(data)])
    instead = "（取代由空白範本建立的檔案）" if replacing else ""
    return (f"{display_name(former)} 的單位「{former.stem}」不在本年度的 units.yaml 中，可能是{unit}改名前的；若是，"
            f"請把它複製為 {display_name(target)}{instead}，並把其中的 unit 與 title 改為新名稱，"
            f"再執行 {check}，依其說明把去年的完成期限改為今年的")


def former_refusal(path: Path, unit: str, what: str) -> str:
    """Why a command will not start ``unit``'s ``what`` (細部執行計畫, 年度成果) afresh beside the
    file :func:`former_file` found: a blank one beside it, and validate's advice to delete the
    one that was not a unit's, had a 分局's year of work thrown away after a rename."""
    return (f"{display_name(path)} 的單位「{path.stem}」不在 units.yaml 中，可能是{unit}改名前的{what}；若是，"
            f"請把它改名為 {unit}.yaml，並把檔中的 unit 改為「{unit}」、title 中的單位名稱一併改為新名稱，再執行一次；"
            f"若不是，請刪除或移走 {path.name}")


def name_hint(name: str, known: list[str], registry: str = "units.yaml") -> str:
    """Why ``name`` is not one of ``known``, when it can be told: an invisible character, several
    names run together with full-width commas, a flawed registered name (in ``registry``), or a
    close spelling; else empty."""
    hidden = _hidden(name)
    if hidden:
        clean = _visible(name)
        then = f"，刪除後即為「{clean}」" if clean in known else ""
        return f"；名稱中有{hidden}，請刪除此字元{then}"
    for flawed in known:  # the name as it looks is right: the registered one is not
        if flawed != name and (_visible(flawed) == name or name in _names_in(flawed)):
            return f"；{registry} 登錄的名稱寫成了「{flawed}」，請修正 {registry} 中的該名稱"
    parts = [p.strip() for p in _LIST_SEPARATORS.split(name)]
    if len(parts) > 1 and all(p in known for p in parts if p):
        return "；多個單位請以半形逗號「,」分隔（如 [刑警大隊, 交通隊]），不要用全形的「，」或「、」"
    words = name.split()
    if len(words) > 1 and all(w in known for w in words):
        return SPACED_NAMES
    return suggest(name, known)


SPACED_NAMES = "；多個單位請以半形逗號「,」分隔（如 [刑警大隊, 交通隊]），不要只用空格隔開"


def check_unit_refs(
    doc: YamlDoc, refs: Iterable[tuple[Loc, str]], units: UnitRegistry, what: str, explained: Collection[str] = ()
) -> Iterator[Diagnostic]:
    """Every name must be a unit or group of the registry, and be named once; an unknown name
    in ``explained`` has been reported once for all its uses (:func:`registry_typos`)."""
    known = units.known_names()
    refs = list(refs)
    for loc, name in refs:
        if not units.expand(name) and name not in explained:
            if (group := units.group(name)) is not None:  # registered, but none of its members is
                yield doc.diagnostic(loc, (
                    f"{what}「{name}」是 units.yaml 的群組，但它的 members 沒有一個是已登錄的單位；"
                    f"請先修正 units.yaml 中「{group.name}」的 members"
                ))
                continue
            hint = name_hint(name, known) or "；單位須先登錄於 units.yaml"
            yield doc.diagnostic(loc, f"未知的{what}「{name}」{hint}")
    yield from unique_names(doc, refs, what)


def check_date_in_period(doc: YamlDoc, loc: Loc, day: date, body: PlanBody, what: str) -> Iterator[Diagnostic]:
    """A diagnostic at ``loc`` when ``day`` (called ``what``) falls outside the plan's period."""
    where = body.period.outside(day)
    if where is not None:
        yield doc.diagnostic(loc, f"{what} {format_roc(day)} {where}")


def _unique_outline_names(doc: YamlDoc, dims) -> Iterator[Diagnostic]:
    """Dimension names are unique; item names within a dimension; point names within their parent."""
    yield from unique_names(doc, ((("dimensions", di, "name"), d.name) for di, d in enumerate(dims)), "評核構面")
    for di, dim in enumerate(dims):
        base: Loc = ("dimensions", di)
        yield from unique_names(
            doc, (((*base, "items", ii, "name"), it.name) for ii, it in enumerate(dim.items)), "評核項目"
        )
        yield from unique_names(
            doc, (((*base, "points", pi, "name"), p.name) for pi, p in enumerate(dim.points)), "評核重點"
        )
        for ii, item in enumerate(dim.items):
            yield from unique_names(
                doc, (((*base, "items", ii, "points", pi, "name"), p.name) for pi, p in enumerate(item.points)),
                "評核重點",
            )


def registry_typos(
    registry: YamlDoc, units: UnitRegistry, doc: YamlDoc, refs: list[tuple[Loc, str]]
) -> tuple[list[Diagnostic], set[str]]:
    """A registered name nothing uses, where ``doc`` uses a close spelling of it again and again.

    That is a typo in the registry more often than the same typo made many times: one message
    at the registered name, instead of one per use pointing at the registry's spelling. Returns
    the messages and the unknown names they account for.
    """
    uses: dict[str, list[Loc]] = {}
    for loc, name in refs:
        uses.setdefault(name, []).append(loc)
    members = {m for group in units.groups for m in group.members}
    registered = [(("units", i, "name"), u.name) for i, u in enumerate(units.units)]
    registered += [(("groups", i, "name"), g.name) for i, g in enumerate(units.groups)]
    unused = {  # a name with a flaw (an invisible character …) is name_flaws' to report
        name: loc for loc, name in registered
        if name not in uses and name not in members and not _hidden(name) and not _LIST_SEPARATORS.search(name)
    }
    known = units.known_names()
    found: list[Diagnostic] = []
    explained: set[str] = set()
    for name, locs in uses.items():
        if len(locs) < 2 or units.expand(name):
            continue
        match = closest(name, list(unused))
        if match is None or closest(name, known) != match:
            continue  # a registered name is closer (刑警大隊 is 刑大 renamed, not the group 各大隊): told at each use
        lines = "、".join(str(doc.where(loc)[0]) for loc in locs[:3]) + " 行" + ("等" if len(locs) > 3 else "")
        found.append(registry.diagnostic(unused.pop(match), (
            f"登錄的「{match}」在 {doc.file} 沒有一處用到，該檔卻有 {len(locs)} 處寫「{name}」（第 {lines}）；"
            f"若是這裡打錯，請改為「{name}」，否則請把那 {len(locs)} 處改為「{match}」"
        )))
        explained.add(name)
    return found, explained


def written_unit_refs(data: Any) -> list[list[tuple[Loc, str]]]:
    """The 承辦單位 of annex1.yaml's points as written, a list for each point: for judging them
    while another value keeps the file from reading as a whole, so a misspelt unit is not found
    only on the run after that value is fixed."""
    def listed(value: Any, key: str) -> list[Any]:
        found = value.get(key) if isinstance(value, dict) else None
        return found if isinstance(found, list) else []

    return [
        [(("dimensions", di, "items", ii, "points", pi, "units", ui), unit)
         for ui, unit in enumerate(listed(point, "units")) if isinstance(unit, str)]
        for di, dim in enumerate(listed(data, "dimensions"))
        for ii, item in enumerate(listed(dim, "items"))
        for pi, point in enumerate(listed(item, "points"))
    ]


def check_annex1(
    doc: YamlDoc, annex: Annex1, units: UnitRegistry, body: PlanBody, registry: YamlDoc
) -> Iterator[Diagnostic]:
    """Outline names unique, 承辦單位 registered (in ``registry``), deadlines inside the period."""
    yield from _unique_outline_names(doc, annex.dimensions)
    refs = [
        (("dimensions", di, "items", ii, "points", pi, "units", ui), unit)
        for di, dim in enumerate(annex.dimensions)
        for ii, item in enumerate(dim.items)
        for pi, point in enumerate(item.points)
        for ui, unit in enumerate(point.units)
    ]
    typos, explained = registry_typos(registry, units, doc, refs)
    yield from typos
    for di, dim in enumerate(annex.dimensions):
        for ii, item in enumerate(dim.items):
            for pi, point in enumerate(item.points):
                ploc = ("dimensions", di, "items", ii, "points", pi)
                yield from check_unit_refs(
                    doc, (((*ploc, "units", ui), u) for ui, u in enumerate(point.units)), units, "承辦單位", explained
                )
                if isinstance(point.deadline, date):
                    yield from check_date_in_period(doc, (*ploc, "deadline"), point.deadline, body, "完成期限")


def check_annex2(doc: YamlDoc, annex: Annex2) -> Iterator[Diagnostic]:
    """annex2.yaml's checks beyond its schema: names unique within their parent."""
    yield from _unique_outline_names(doc, annex.dimensions)
