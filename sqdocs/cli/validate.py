"""``sqdocs validate``: every problem of a data folder, or of each bureau in a folder of bureaus, and a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqdocs.cli.messages import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    bureau_heading,
    bureaus_in_turn,
    print_diagnostics,
)
from sqdocs.errors import UserError
from sqdocs.fsutil import display_name
from sqdocs.load import (
    PLAN_FILES,
    Diagnostic,
    LoadError,
    has_results,
    load_plan,
    load_results,
    plan_warnings,
)
from sqdocs.load.comments import text_warnings
from sqdocs.load.indicators import INDICATORS_FILE, INDICATORS_HOW
from sqdocs.load.results import result_files
from sqdocs.load.subplan import load_subplans, subplan_files
from sqdocs.text.names import shell_word

if TYPE_CHECKING:
    from sqdocs.load.subplan import SubplanFile
    from sqdocs.model import Plan
    from sqdocs.report import CompiledReport


def command(args: argparse.Namespace) -> int:
    """One data folder, or each bureau of a folder of bureaus in turn, as build takes them."""
    # A folder of bureaus: what build would build is what a user means to check, so each is
    # validated under its own heading rather than the folder failing for want of a plan.yaml.
    if (in_turn := bureaus_in_turn(args.data, "validate")) is None:
        return _validate_folder(args.data)
    folders, bad = in_turn
    good = 0
    for folder in folders:
        bureau_heading(folder)
        if _validate_folder(folder) == EXIT_OK:
            good += 1
        else:
            bad.append(display_name(folder))
    if bad:  # the last line of a cron mail: which bureaus to look at
        rest = f"；其餘 {good} 個資料夾資料正確" if good else ""
        print(f"{len(bad)} 個資料夾有錯誤：{'、'.join(bad)}{rest}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _validate_folder(folder: Path) -> int:
    """Every problem of one data folder: the plan's first, then its subplans' and results' together.

    Subplans and results are read against the plan, so they are checked only once it loads.
    """
    comments = text_warnings(Path(folder))
    try:
        plan = load_plan(folder)
    except LoadError as exc:
        print_diagnostics(LoadError(exc.diagnostics + comments, exc.note))
        if waiting := _held_back(folder):
            print(f"{'、'.join(waiting)}要依本局計畫核對，待上列錯誤修正後才會檢查。", file=sys.stderr)
        return EXIT_BAD_INPUT
    comments += plan_warnings(folder, plan)
    problems: list[Diagnostic] = []
    try:
        subplans = load_subplans(folder, plan)
    except LoadError as exc:
        problems += exc.diagnostics
        subplans = {}
    report, warnings, indicators = None, [], 0
    if has_results(folder):
        from sqdocs.load.charts import chart_warnings
        from sqdocs.report import compile_report

        try:
            results, warnings = load_results(folder, plan)
            report, indicators = compile_report(plan, results), len(results.indicators.indicators)
            warnings += chart_warnings(folder, report)
        except LoadError as exc:
            problems += exc.diagnostics
    if any(p.severity == "error" for p in problems):
        print_diagnostics(LoadError(problems + comments))
        return EXIT_BAD_INPUT
    # Warnings before the summaries, so 「✓ … 0 個警告」 is never followed by one.
    for warning in sorted(warnings + comments):
        print(str(warning), file=sys.stderr)
    counts = _warnings_by_part(folder, comments)
    practices = sum(len(ref.point.practices) for ref in plan.points())
    print(
        f"✓ {folder}：資料正確（{len(plan.annex1.dimensions)} 個構面、{len(plan.points())} 個評核重點、"
        f"{practices} 項具體作法、{len(plan.roster.members)} 位考核小組成員{_warning_count(counts['plan'])}）"
    )
    from sqdocs.check import required_units

    without = [unit for unit in required_units(plan) if unit not in subplans]
    if subplans:
        print(f"✓ 細部執行計畫：{len(subplans)} 個單位（{'、'.join(subplans)}）{_warning_count(counts['subplans'])}；"
              "是否涵蓋所有指派的評核重點請用 sqdocs check")
        if without:
            print(f"  尚未建立細部執行計畫：{'、'.join(without)}")
        if unbuildable := _not_buildable(plan, subplans):
            # Valid files that build would still refuse (a point left out, practices not yet
            # typed): said here, so that 「✓」 is not the last word before build fails them.
            print(f"  尚未完整，sqdocs build 無法產生其細部執行計畫：{'、'.join(unbuildable)}"
                  f"（缺漏明細請用 sqdocs check {shell_word(display_name(folder))}）")
    elif without:  # a new year's folder: say who is to write one, and how they start
        name = shell_word(display_name(folder))
        print(f"  尚無細部執行計畫；應訂定的單位：{'、'.join(without)}"
              f"（以 sqdocs subplan init {name} --all 或 sqdocs form subplan {name} --all 開始）")
    if report is not None:
        _print_results_summary(report, indicators, len(warnings) + counts["results"])
    elif not (Path(folder) / INDICATORS_FILE).is_file():  # the manual lets a first year define it later
        print(f"  注意：尚無 {INDICATORS_FILE}（量化指標定義）；年底的執行成果表單與績效報告都依它列出量化指標，"
              f"發成果表單前請先建立（{INDICATORS_HOW}）")
    return EXIT_OK


def _not_buildable(plan: Plan, subplans: dict[str, SubplanFile]) -> list[str]:
    """The units whose detailed plan :func:`~sqdocs.derive.subplan_annex` refuses, as build would."""
    from sqdocs.derive import subplan_annex

    refused = []
    for unit, loaded in subplans.items():
        try:
            subplan_annex(plan, loaded.subplan)
        except UserError:
            refused.append(unit)
    return refused


def _held_back(folder: Path) -> list[str]:
    """What of ``folder`` is checked only once its plan loads, as a clerk knows the files: a
    folder rollover just made has no subplans or results yet, only the indicator definitions."""
    try:
        parts = [("細部執行計畫", bool(subplan_files(folder))), ("年度成果", bool(result_files(folder))),
                 (f"量化指標定義（{INDICATORS_FILE}）", (folder / INDICATORS_FILE).is_file())]
    except (LoadError, OSError):  # a folder that cannot be read: already said
        return []
    return [name for name, there in parts if there]


def _warnings_by_part(folder: Path, found: list[Diagnostic]) -> dict[str, int]:
    """How many of ``found`` are in the plan's files, the subplans and the results, for their summaries."""
    counts = {"plan": 0, "subplans": 0, "results": 0}
    subplan_names = {display_name(path) for path in subplan_files(folder)}
    plan_names = {display_name(Path(folder) / name) for name in PLAN_FILES}
    for warning in found:
        part = "plan" if warning.file in plan_names else "subplans" if warning.file in subplan_names else "results"
        counts[part] += 1
    return counts


def _warning_count(count: int) -> str:
    return f"、{count} 個警告" if count else ""


def _print_results_summary(report: CompiledReport, indicators: int, warnings: int) -> None:
    """What the report would hold and what it would still lack."""
    if not report.submitted:  # the year has just begun: 25 lines of 尚未填報 would say no more
        print(f"✓ 年度成果：尚無單位填報（{len(report.units)} 個單位待填報）、{indicators} 項指標、{warnings} 個警告")
    else:
        print(
            f"✓ 年度成果：{len(report.submitted)}／{len(report.units)} 個單位已填報、"
            f"{indicators} 項指標、{warnings} 個警告"
        )
        for unit, missing in report.missing_by_unit().items():
            points = "、".join(m.point for m in missing[:3]) + ("等" if len(missing) > 3 else "")
            print(f"  尚未填報：{unit} {len(missing)} 個評核重點（{points}）")
        if report.unchecked:
            print(f"  檢核表尚無佐證（☐）：{len(report.unchecked)} 項")
    if report.sample:  # ✓ alone read as ready to send, with the sample's figures still marked as such
        print(f"  注意：{INDICATORS_FILE} 標為範例資料（sample: true），績效報告的標題下會註明「本報告數據為範例資料，"
              "非真實統計」；填入本局的真實數據後，請刪除 sample: true 這一行")
