"""``sqdocs export``: open data (CSV, JSON) of one bureau or of several as one table."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqdocs.build import cached_plan, cached_report, cached_subplans
from sqdocs.check import REFUSED_KINDS, check_subplans
from sqdocs.cli.messages import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    passed_over,
    print_diagnostics,
    print_warnings,
)
from sqdocs.folders import find_folders
from sqdocs.fsutil import check_targets, display_name, write_all, writing
from sqdocs.load import Diagnostic, LoadError, has_results
from sqdocs.load.indicators import INDICATORS_FILE
from sqdocs.load.yamlfile import read_yaml
from sqdocs.model import Plan
from sqdocs.model.subplan import Subplan
from sqdocs.opendata import SAMPLE_SOURCE, Bureau, left_over, names_in_text, open_data_tables
from sqdocs.text.names import agency_key, command_line
from sqdocs.writers.opendata import WRITERS


def command(args: argparse.Namespace) -> int:
    """The open data of one bureau, or of several as one table of each kind.

    With bad input in any bureau nothing is written: a national table without one bureau's
    rows would look complete, and one written over with fewer bureaus would lose the rest.
    """
    folders = find_folders(args.data)
    bad = passed_over(args.data, "export")
    bureaus: dict[Path, Bureau] = {}
    for folder in folders:
        try:
            bureaus[folder] = _bureau_data(folder)
        except LoadError as exc:
            if len(folders) == 1 and not bad:
                raise
            print_diagnostics(exc)
            bad.append(display_name(folder))
    bad += _same_bureau(bureaus)
    if bad:  # the last line names them all, as build's does
        if good := [folder for folder in bureaus if display_name(folder) not in bad]:
            print(f"其餘 {len(good)} 個資料夾無誤；若要先輸出不含上列有錯誤資料夾的資料，可另外執行 "
                  f"{_rerun(good, args)}", file=sys.stderr)
        print(f"{len(bad)} 個資料夾有錯誤：{'、'.join(bad)}；未輸出任何檔案，請修正後再執行。", file=sys.stderr)
        return EXIT_BAD_INPUT
    tables = open_data_tables(list(bureaus.values()), args.include_names)
    files = {args.output / f"{table.name}.{fmt}": (table, fmt) for table in tables for fmt in args.format}
    check_targets(files)  # all of them, so a set is never left half written
    with writing():  # and a disk that fills up midway changes none of them
        write_all({path: WRITERS[fmt](table) for path, (table, fmt) in files.items()})
    for path, (table, _fmt) in files.items():
        print(f"✓ {path}（{len(table.rows)} 列）")
    if len(bureaus) > 1:
        names = "、".join(f"{b.plan.agency} {b.plan.year} 年度" for b in bureaus.values())
        agencies = len({agency_key(b.plan.agency) for b in bureaus.values()})  # one bureau's two years are one
        print(f"✓ 已合併 {agencies} 個機關 {len(bureaus)} 份資料：{names}")
    # Said with what was written, not before a write that failed.
    for folder, bureau in bureaus.items():
        if bureau.report is not None and bureau.report.sample:
            print(f"注意：{display_name(folder)} 的 {INDICATORS_FILE} 標為範例資料（sample: true）：indicator_values 的數值是範例，"
                  f"其資料來源欄註明「{SAMPLE_SOURCE}」；填入真實數據後，請刪除 sample: true 這一行再輸出", file=sys.stderr)
    if not args.include_names and (named := names_in_text(tables, list(bureaus.values()))):
        places = "、".join(f"{table} 的{column}含「{name}」" for table, column, name in named[:5])
        more = f"等 {len(named)} 處" if len(named) > 5 else ""
        print(f"注意：未指定 --include-names，姓名欄不輸出，但下列文字含有考核小組成員的姓名，仍會輸出：{places}{more}；"
              "發布前請在資料中改寫這些文字（如附件 3 的職掌、備考）", file=sys.stderr)
    # Of every format, not only this export's: a roster.json with names, written by an earlier
    # --include-names export, stayed beside the nameless roster.csv of a CSV-only one, unsaid.
    if old := left_over(args.output, files, WRITERS):  # published with the rest, they would not match it
        print(f"注意：{args.output} 中有 {len(old)} 個本次沒有產生的資料檔（{'、'.join(p.name for p in old)}），"
              "是先前輸出的舊資料；確認不需要請刪除", file=sys.stderr)
    return EXIT_OK


def _rerun(folders: list[Path], args: argparse.Namespace) -> str:
    """The export of just ``folders``, with this export's other choices, into a folder of its own
    (OUT-部分). Not done unasked, and not into OUT: a national table without a bureau's rows would
    look complete, and would replace the complete one an earlier export left there."""
    output = Path(os.path.abspath(args.output))  # -o . or -o .. has no name of its own to add to
    partial = output.parent / f"{output.name or '開放資料'}-部分"
    words = ["sqdocs", "export", *map(display_name, folders), "-o", display_name(partial)]
    if args.format != list(WRITERS):  # all of them, export's default
        words += ["--format", ",".join(args.format)]
    if args.include_names:
        words.append("--include-names")
    return command_line(words)


def _bureau_data(folder: Path) -> Bureau:
    """What ``folder`` gives the open data; the problems of its subplans and results together."""
    plan = cached_plan(folder)
    problems: list[Diagnostic] = []
    subplans, report = {}, None
    try:
        subplans = cached_subplans(folder)
    except LoadError as exc:
        problems += exc.diagnostics
    if has_results(folder):
        try:
            report = cached_report(folder)
        except LoadError as exc:
            problems += exc.diagnostics
    if problems:
        raise LoadError(problems)
    print_warnings(folder, plan, subplans=bool(subplans), results=report is not None)
    if subplans:
        _note_unfinished(folder, plan, subplans)
    return Bureau(plan, subplans, report)


def _note_unfinished(folder: Path, plan: Plan, subplans: dict[str, Subplan]) -> None:
    """Name the units whose subplan build would refuse as unfinished, or that have none: the
    subplan table holds just what they filled (a blank 完成期限, a unit missing), with no mark."""
    name = display_name(folder)
    problems = check_subplans(plan, subplans, name)
    units = list(dict.fromkeys(p.unit for p in problems if p.kind in REFUSED_KINDS))
    if units:
        print(f"注意：{name} 有 {len(units)} 個單位的細部執行計畫尚未填完或尚未建立（{'、'.join(units)}），"
              f"subplan_practices 只有其已填的部分；請執行 {command_line(['sqdocs', 'check', name])} 查看缺漏", file=sys.stderr)


def _same_bureau(bureaus: dict[Path, Bureau]) -> list[str]:
    """The folders whose agency and year an earlier folder has too, each said at its plan.yaml:
    in the combined tables the rows of the two could not be told apart."""

    first: dict[tuple[str, int], Path] = {}
    same = []
    for folder, bureau in bureaus.items():
        agency, year = bureau.plan.agency, bureau.plan.year
        other = first.setdefault((agency_key(agency), year), folder)
        if other is not folder:
            spelled = bureaus[other].plan.agency
            # 台/臺 or a space apart: still one agency, and two spellings of it in one table besides
            named = f"「{agency}」" if spelled == agency else f"「{agency}」（該資料夾寫作「{spelled}」）"
            message = (f"與 {display_name(other)} 同為{named}{year} 年度的資料，合併後兩者的資料列無法區分；"
                       "請改正其中一個 plan.yaml 的 agency 或 year，或只指定其中一個資料夾")
            print_diagnostics(LoadError([read_yaml(folder / "plan.yaml").diagnostic(("agency",), message)]))
            same.append(display_name(folder))
    return same
