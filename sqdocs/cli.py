"""The ``sqdocs`` command: parse arguments, call the library, print, set the exit code."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sqdocs import __version__
from sqdocs.build import (
    DEFAULT_FORMATS,
    FORMATS,
    KINDS,
    MAX_NAME_BYTES,
    Job,
    PartlyBad,
    cached_plan,
    cached_report,
    cached_results,
    cached_subplans,
    forget_loaded,
    jobs_for,
    source_date,
    stale_documents,
)
from sqdocs.errors import Interrupted, UserError
from sqdocs.folders import find_folders, loose_yaml, output_dirs, skipped_folders
from sqdocs.fsutil import check_targets, os_error_text, remove_empty, remove_stale_temps
from sqdocs.gcpause import paused, skip_exit_collections
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
from sqdocs.load.diagnostics import display_name, folder_words
from sqdocs.load.results import INDICATORS_FILE, RESULTS_DIR, result_files, saved_as_text, submitted
from sqdocs.load.subplan import load_subplans, subplan_files
from sqdocs.options import BuildOptions
from sqdocs.pool import differing_outputs, prepare_writers, run_jobs, usable_cpus
from sqdocs.progress import progress
from sqdocs.text.names import agency_key

if TYPE_CHECKING:
    from sqdocs.derive import Carried
    from sqdocs.forms import MadeForm
    from sqdocs.model import Plan
    from sqdocs.opendata import Bureau
    from sqdocs.report import CompiledReport
    from sqdocs.subplan_yaml import UpdateResult

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM: what a shell reports for either
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in sqdocs, not the user's input


# argparse's own messages, in Chinese; the last passes on the Chinese of our own value checks.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.+)", "缺少必要的參數：{0}"),
    (r"unrecognized arguments: (.+)", "無法辨識的參數：{0}；可用的參數請看 -h"),
    (r"argument (\S+): invalid int value: '(.*)'", "參數 {0} 須為整數，「{1}」不是整數"),
    (r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)", "參數 {0} 沒有「{1}」這個選項；可用：{2}"),
    (r"argument (\S+): expected one argument", "參數 {0} 後面須接一個值"),
    (r"argument (\S+): expected at least one argument", "參數 {0} 後面至少須接一個值"),
    (r"ambiguous option: (\S+) could match (.*)", "參數 {0} 不明確，可能是：{1}"),
    (r"argument (\S+): not allowed with argument (\S+)", "參數 {0} 與 {1} 不能同時使用；只能擇一"),
    (r"one of the arguments (\S+) (\S+) is required", "缺少必要的參數：{0} 或 {1}（擇一）"),
    (r"argument (\S+): (.*)", "參數 {0}：{1}"),
)


def _chinese(message: str) -> str:
    """An argparse error message in Chinese (left as it is when it is not a known one)."""
    for pattern, text in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, re.DOTALL)
        if match:
            return text.format(*(group.replace("'", "").replace(", ", "、") for group in match.groups()))
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def format_help(self) -> str:
        # argparse ends a section heading with an ASCII colon; Chinese text takes the full-width one.
        return re.sub(r"^(\S[^\n]*):$", r"\1：", super().format_help(), flags=re.M)


class _Parser(argparse.ArgumentParser):
    """argparse with its usage line, help headings and error messages in Chinese."""

    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置參數"
        self._optionals.title = "選項"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="顯示此說明後結束")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = _chinese(message).replace("請看 -h", f"請看 {self.prog} -h")
        self.exit(EXIT_BAD_INPUT, f"{self.prog}：錯誤：{text}\n")

    def parse_args(self, args=None, namespace=None):  # argparse's signature
        # argparse reports an unknown option with the top-level usage; the command's usage is the
        # one that lists what was meant (「--onyl」 beside build's --only).
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            self._command_parser(parsed).error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed

    def _command_parser(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the (sub)command ``parsed`` was read by: ``sqdocs subplan init``'s, say."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                child = action.choices.get(getattr(parsed, action.dest, None))
                if isinstance(child, _Parser):
                    return child._command_parser(parsed)
        return self


def _csv(choices: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        values = [v.strip().lower() for v in text.split(",") if v.strip()]  # PDF as well as pdf
        bad = [v for v in values if v not in choices]
        if bad or not values:
            raise argparse.ArgumentTypeError(f"「{text}」不是可用的值；可用：{','.join(choices)}")
        return values

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sqdocs", description="由 YAML 資料產生提升服務品質執行計畫、細部執行計畫與績效報告（Word、PDF）。"
    )
    parser.add_argument("--version", action="version", version=f"sqdocs {__version__}", help="顯示版本後結束")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="檢查資料夾內的 YAML 是否正確")
    p.add_argument("data", type=Path, metavar="DATA_DIR", help="資料夾；或內含各機關資料夾的資料夾（逐一檢查）")

    p = sub.add_parser("build", help="產生文件")
    p.add_argument("data", type=Path, nargs="+", metavar="DATA_DIR", help="資料夾；可給多個，或一個內含各機關資料夾的資料夾")
    p.add_argument("-o", "--output", type=Path, default=Path("build"), metavar="OUT", help="輸出資料夾（預設 build）")
    p.add_argument("--only", type=_csv(KINDS), default=None, metavar=",".join(KINDS),
                   help="只產生這些文件，以逗號分隔（預設全部）")
    p.add_argument("--format", type=_csv(FORMATS), default=list(DEFAULT_FORMATS), metavar=",".join(FORMATS),
                   help="輸出格式（預設 docx,pdf；odt 為 OpenDocument）")
    p.add_argument("--templates", type=Path, metavar="DIR", help="改用此資料夾中的 Word 範本（plan.docx …）")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="同時使用的程序數（預設：CPU 核心數）")
    p.add_argument("--check-reproducible", action="store_true", help="再產生一次並比對，確認每個檔案逐位元組相同")
    p.add_argument("--font", type=Path, metavar="FILE", help="PDF 使用的中文字型檔（.ttf/.ttc）")
    p = sub.add_parser("schema", help="輸出資料檔的 JSON Schema，供編輯器自動完成與即時檢查")
    p.add_argument("-o", "--output", type=Path, default=Path("sqdocs.schema.json"), metavar="FILE",
                   help="合併的 schema 檔；各檔類別的 schema 另存於同一資料夾（預設 sqdocs.schema.json）")

    p = sub.add_parser("export", help="輸出開放資料（CSV、JSON），預設不含個人姓名；多個機關合併為一份資料表")
    p.add_argument("data", type=Path, nargs="+", metavar="DATA_DIR",
                   help="資料夾；可給多個，或一個內含各機關資料夾的資料夾（各機關的資料依序合併，任一機關有錯誤即不輸出）")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="輸出資料夾")
    p.add_argument("--format", type=_csv(("csv", "json")), default=["csv", "json"], metavar="csv,json",
                   help="輸出格式（預設 csv,json）")
    p.add_argument("--include-names", action="store_true", help="保留考核小組成員姓名（個人資料）")

    p = sub.add_parser("rollover", help="由今年度資料建立下一年度的資料夾")
    p.add_argument("data", type=Path, metavar="DATA_DIR", help="今年度的資料夾，如 data/keelung-107")
    p.add_argument("--to", type=int, required=True, metavar="YEAR", help="新的民國年度，如 108")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="新資料夾（預設把資料夾名稱中的年度換掉）")

    p = sub.add_parser("subplan", help="各分局細部執行計畫：由本局計畫產生範本（init）或更新（update）")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text, everyone in (
        ("init", "產生單位的細部執行計畫範本（不會覆蓋已有的檔案）",
         "產生每個應訂定細部執行計畫、尚無檔案的單位（各分局）的範本；已有檔案的單位不動，並列出"),
        ("update", "加入本局計畫新增的評核重點、標記已刪除的、更新本局參考說明，保留已填寫內容",
         "更新 subplans/ 中每個單位的細部執行計畫；有錯誤的檔案列出後略過，其他照常更新"),
    ):
        a = actions.add_parser(action, help=text)
        a.add_argument("data", type=Path, metavar="DATA_DIR", help="計畫資料夾（含 plan.yaml，如 data/keelung-107）")
        who = a.add_mutually_exclusive_group(required=True)
        who.add_argument("--unit", metavar="UNIT", help="單位名稱，如 第一分局")
        who.add_argument("--all", action="store_true", help=everyone)
        if action == "init":
            a.add_argument("--from", dest="previous", type=Path, metavar="DIR",
                           help="帶入該資料夾（前一年度）此單位（加 --all 時為各單位）細部執行計畫的具體作法與承辦單位，"
                                "如 data/keelung-107")

    p = sub.add_parser("check", help="檢查各分局細部執行計畫是否涵蓋所有指派的評核重點")
    p.add_argument("data", type=Path, metavar="DATA_DIR", help="計畫資料夾（含 plan.yaml，如 data/keelung-107）")

    p = sub.add_parser("form", help="試算表表單：產生單位的細部計畫或執行成果表單（.xlsx），或匯入填好的表單")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text, everyone in (
        ("subplan", "產生單位的細部執行計畫表單", "產生每個應訂定細部執行計畫的單位（各分局，及已有細部執行計畫檔的單位）的表單"),
        ("results", "產生單位的年度執行成果表單", "產生本局計畫指派評核重點的每個單位的表單"),
    ):
        a = actions.add_parser(action, help=text)
        a.add_argument("data", type=Path, metavar="DATA_DIR", help="計畫資料夾（含 plan.yaml，如 data/keelung-107）")
        who = a.add_mutually_exclusive_group(required=True)
        who.add_argument("--unit", metavar="UNIT", help="單位名稱，如 第一分局")
        who.add_argument("--all", action="store_true", help=everyone)
        a.add_argument("-o", "--output", type=Path, metavar="OUT",
                       help="表單檔名（預設為目前資料夾中的 單位+表單名稱.xlsx，如 第一分局細部計畫.xlsx）；"
                            "加 --all 時為存放各表單的資料夾（預設為目前資料夾）")
        a.add_argument("--force", action="store_true", help="覆蓋已存在的表單檔")
    a = actions.add_parser("import", help="把填好的表單匯入單位的 YAML（有錯誤的表單不寫入任何檔案）")
    a.add_argument("forms", nargs="+", type=Path, metavar="FORM",
                   help="填好的表單（.xlsx），或存放表單的資料夾（匯入其中每個 .xlsx 檔）；可列多個")
    a.add_argument("data", type=Path, metavar="DATA_DIR", help="要寫入的計畫資料夾（含 plan.yaml，如 data/keelung-107）")
    a.add_argument("--force", action="store_true",
                   help="YAML 在表單產生後被修改過時，仍以表單內容取代（原檔另存備份）；對所列的每份表單都適用")
    return parser


def _print_diagnostics(exc: LoadError) -> None:
    for d in exc.diagnostics:
        print(str(d), file=sys.stderr)
    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
    print(f"共 {errors} 個錯誤，請修正後再執行。", file=sys.stderr)
    if exc.note:
        print(exc.note, file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    """One data folder, or each bureau of a folder of bureaus in turn, as build takes them."""
    folders = find_folders([args.data])
    skipped = skipped_folders([args.data], "validate")
    if folders == [args.data] and not skipped:
        return _validate_folder(args.data)
    # A folder of bureaus: what build would build is what a user means to check, so each is
    # validated under its own heading rather than the folder failing for want of a plan.yaml.
    bad = []
    for folder, reason in skipped:
        print(f"略過 {display_name(folder)}：{reason}", file=sys.stderr)
        bad.append(display_name(folder))
    _print_loose_yaml([args.data])
    good = 0
    for folder in folders if folders != [args.data] else []:
        print(f"── {display_name(folder)}", flush=True)
        if _validate_folder(folder) == EXIT_OK:
            good += 1
        else:
            bad.append(display_name(folder))
    if bad:  # the last line of a cron mail: which bureaus to look at
        rest = f"；其餘 {good} 個資料夾資料正確" if good else ""
        print(f"{len(bad)} 個資料夾有錯誤：{'、'.join(bad)}{rest}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _passed_over(paths: list[Path], command: str) -> list[str]:
    """Say what the folders of bureaus in ``paths`` hold that is not read: the subfolders
    skipped, which are bad input and returned by name, and the loose YAML files, which are not."""
    bad = []
    for folder, reason in skipped_folders(paths, command):
        print(f"略過 {display_name(folder)}：{reason}", file=sys.stderr)
        bad.append(display_name(folder))
    _print_loose_yaml(paths)
    return bad


def _print_loose_yaml(paths: list[Path]) -> None:
    """Name the YAML files beside the bureaus of a folder of bureaus: not read, and not an error."""
    for folder, names in loose_yaml(paths):
        print(f"注意：{display_name(folder)} 中的 {'、'.join(names)} 不在任何機關資料夾內，不會讀取", file=sys.stderr)


def _validate_folder(folder: Path) -> int:
    """Every problem of one data folder: the plan's first, then its subplans' and results' together.

    Subplans and results are read against the plan, so they are checked only once it loads.
    """
    comments = text_warnings(Path(folder))
    try:
        plan = load_plan(folder)
    except LoadError as exc:
        _print_diagnostics(LoadError(exc.diagnostics + comments, exc.note))
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
        from sqdocs.report import compile_report

        try:
            results, warnings = load_results(folder, plan)
            report, indicators = compile_report(plan, results), len(results.indicators.indicators)
        except LoadError as exc:
            problems += exc.diagnostics
    if any(p.severity == "error" for p in problems):
        _print_diagnostics(LoadError(problems + comments))
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
    elif without:  # a new year's folder: say who is to write one, and how they start
        print(f"  尚無細部執行計畫；應訂定的單位：{'、'.join(without)}"
              f"（以 sqdocs subplan init {folder} --all 或 sqdocs form subplan {folder} --all 開始）")
    if report is not None:
        _print_results_summary(report, indicators, len(warnings) + counts["results"])
    return EXIT_OK


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
        return
    print(
        f"✓ 年度成果：{len(report.submitted)}／{len(report.units)} 個單位已填報、"
        f"{indicators} 項指標、{warnings} 個警告"
    )
    for unit, missing in report.missing_by_unit().items():
        points = "、".join(m.point for m in missing[:3]) + ("等" if len(missing) > 3 else "")
        print(f"  尚未填報：{unit} {len(missing)} 個評核重點（{points}）")
    if report.unchecked:
        print(f"  檢核表尚無佐證（☐）：{len(report.unchecked)} 項")


def _build(args: argparse.Namespace) -> int:
    if args.templates is not None and args.templates.is_file():
        raise UserError(
            f"{args.templates}：這是一個檔案，不是資料夾；--templates 須指定放範本的資料夾"
            f"（例如 --templates {args.templates.parent}），其中的範本名為 plan.docx、subplan.docx、report.docx"
        )
    if args.templates is not None and not args.templates.is_dir():
        raise UserError(f"{args.templates}：找不到範本資料夾")
    if args.font is not None and not args.font.is_file():
        raise UserError(f"{args.font}：找不到字型檔；請確認路徑，或不加 --font，使用已安裝的楷書字型")
    if args.jobs is not None and args.jobs < 1:
        raise UserError("-j 必須是 1 以上的整數")
    if args.jobs is not None and args.jobs > (cpus := usable_cpus()):
        # Each process holds its own fonts and documents (~150 MB): more than the CPUs only
        # adds memory, and -j 200 on a small machine could run it out.
        print(f"注意：-j {args.jobs} 多於可用的 CPU 數（{cpus}）；多開程序不會更快，只會更耗記憶體，改用 -j {cpus}",
              file=sys.stderr)
        args.jobs = cpus
    with paused():  # what is loaded and imported here lasts the whole build (sqdocs.gcpause)
        jobs, bad, options = _planned_jobs(args)
        made = check_targets(job.path for job in jobs)  # -o naming a file, or read-only: said once, before building
        prepare_writers(jobs, options)
    if not jobs and not bad:  # `--only report` before any results: no file is no success
        print("沒有產生任何文件。", file=sys.stderr)
        return EXIT_FAILED
    start = time.perf_counter()
    remove_stale_temps(job.path for job in jobs)
    try:
        with progress(len(jobs)) as report:
            outcomes = run_jobs(jobs, options, args.jobs, report, report.working)
    except KeyboardInterrupt:
        remove_empty(made)  # no empty OUT/<bureau> for a bureau the build did not reach
        raise
    failed = [o for o in outcomes if not o.ok]
    if any(o.ok and (o.job.fmt == "pdf" or o.job.kind == "report") for o in outcomes):
        from sqdocs.writers.fontfiles import resolve_main

        # Official documents are set in 標楷體; where it is not installed another Kai face stands in.
        print(f"PDF 與圖表的字型：{display_name(resolve_main(options.font).path)}", file=sys.stderr)
    if not failed:  # a failed document's previous version is kept on purpose: no note about it
        _print_stale(jobs)
    if failed:
        print(f"{len(failed)} 份文件未能產生（其餘 {len(outcomes) - len(failed)} 份已完成）。", file=sys.stderr)
    elif outcomes:  # a log or cron mail ends with the result, not with the last document's line
        same = sum(o.unchanged for o in outcomes)  # their dates not touched: say why, so none looks stale
        kept = "" if not same else "都與原有的檔案相同，未改寫；" if same == len(outcomes) else f"其中 {same} 份與原有的檔案相同，未改寫；"
        print(f"✓ {len(outcomes)} 份文件已產生於 {display_name(args.output)}"
              f"（{kept}{time.perf_counter() - start:.1f} 秒）。", file=sys.stderr)
    differ: list[Path] = []
    if not failed and args.check_reproducible and jobs:  # nothing built: nothing to call reproducible
        try:
            with tempfile.TemporaryDirectory(prefix=".sqdocs-check-") as scratch:
                differ = differing_outputs(jobs, options, Path(scratch), args.jobs)
        except KeyboardInterrupt as exc:
            # What was stopped wrote only scratch copies, removed again: its count is not the documents'.
            print(f"已中斷比對：{len(outcomes)} 份文件都已產生，只有再產生一次的逐位元組比對沒有完成。", file=sys.stderr)
            return _interrupted_code(exc)
        for path in differ:
            print(f"✗ 再次產生的 {path} 與第一次不同", file=sys.stderr)
        if not differ:
            print(f"✓ 再產生一次，{len(jobs)} 個檔案逐位元組相同。", file=sys.stderr)
    elif failed and args.check_reproducible:
        print("未比對是否可重現：有文件未能產生；修正後再執行一次。", file=sys.stderr)
    if bad:  # said last (a cron mail's last line names them), and the exit code of bad input
        print(f"{len(bad)} 個資料夾有錯誤，未產生其文件：{'、'.join(bad)}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_FAILED if failed or differ else EXIT_OK


def _print_warnings(folder: Path, plan: Plan, *, subplans: bool, results: bool) -> None:
    """What validate would warn of in ``folder``, in the parts a command uses (分母為 0, a
    missing photo, a date outside the period …): they explain what the output shows."""
    found = list(cached_results(folder)[1]) if results else []
    found += text_warnings(folder, subplans=subplans, results=results)
    found += plan_warnings(folder, plan)
    for warning in sorted(found):
        print(str(warning), file=sys.stderr)


def _print_stale(jobs: list[Job]) -> None:
    """Note the documents an earlier build left that this one did not write; a script that
    publishes the folder would publish them too. They are never deleted: they may be wanted."""
    for out, paths in stale_documents(jobs).items():
        names = "、".join(path.name for path in paths)
        print(f"注意：{out} 中有 {len(paths)} 個本次沒有產生的文件（{names}），可能是舊版；確認不需要請刪除",
              file=sys.stderr)


_PART_NAMES = {"plan": "本局計畫", "subplans": "細部執行計畫", "report": "年度成果"}


def _still_buildable(folder: Path, kinds: list[str], bad: list[str], args: argparse.Namespace, out: Path | None) -> str:
    """What to run meanwhile when only some of a folder's documents have bad data; ``out`` is
    where a batch puts this folder's documents (None when it is the only folder)."""
    good = [kind for kind in kinds if kind not in bad]
    if not good:
        return ""
    names = "、".join(_PART_NAMES[kind] for kind in good)
    only = ",".join(good)
    if out is not None:
        # Built alone, a folder's documents go into -o itself, not the batch's OUT/<folder>.
        return f"{folder_words(folder)} 的{names}資料無誤；修正前要先產生，可另外執行 {_rerun(folder, out, only, args)}"
    return f"{folder_words(folder)} 的{names}資料無誤；修正前要先產生，請在同一指令加上 --only {only}"


def _rerun(folder: Path, out: Path, only: str, args: argparse.Namespace) -> str:
    """The command that builds ``only`` of ``folder`` into ``out``, with this build's other choices."""
    words = ["sqdocs", "build", str(folder), "-o", str(out), "--only", only]
    if args.format != list(DEFAULT_FORMATS):
        words += ["--format", ",".join(args.format)]
    for option, value in (("--templates", args.templates), ("--font", args.font)):
        if value is not None:
            words += [option, str(value)]
    return shlex.join(words)


def _no_report(folder: Path, kinds: list[str], explicit: bool) -> str:
    """Why ``folder`` gets no report though the build asks for one; empty when it gets one, or
    when nobody asked (a folder without results builds its plans as it always did)."""
    if "report" not in kinds:
        return ""
    if has_results(folder) and not submitted(folder):
        if near := saved_as_text(folder):
            return f"{RESULTS_DIR}/ 中的 {near[0].name} 副檔名不對（多了「.txt」），請改名為 {near[0].stem}"
        return f"尚無單位填報年度成果（{RESULTS_DIR}/ 中沒有成果檔）"
    if explicit and not has_results(folder):
        return f"沒有 indicators.yaml 與 {RESULTS_DIR}/，沒有年度成果可編成報告"
    return ""


def _planned_jobs(args: argparse.Namespace) -> tuple[list[Job], list[str], BuildOptions]:
    """The files ``build`` will write, the folders that cannot be built (as named to the user),
    and the options; the data loaded, the font and templates checked on the way."""
    kinds = args.only or list(KINDS)
    forget_loaded()
    folders = find_folders(args.data)
    jobs: list[Job] = []
    bad = _passed_over(args.data, "build")
    for folder, out in zip(folders, output_dirs(folders, args.output), strict=True):
        try:
            plan = cached_plan(folder)
            try:
                folder_jobs = jobs_for(folder, plan, kinds, args.format, out)
            except PartlyBad as exc:  # the plan itself loaded: say what could still be built
                alone = out if len(folders) > 1 else None
                raise LoadError(exc.diagnostics, _still_buildable(folder, kinds, exc.parts, args, alone)) from None
            jobs += folder_jobs
            if why := _no_report(folder, kinds, explicit=args.only is not None):
                print(f"略過 {folder_words(folder)} 的績效報告：{why}", file=sys.stderr)
            if args.only is not None and "subplans" in kinds and not subplan_files(folder):
                print(f"略過 {folder_words(folder)} 的細部執行計畫：尚無任何單位的細部執行計畫（subplans/ 中沒有檔案）",
                      file=sys.stderr)
            report = any(job.kind == "report" for job in folder_jobs)
            _print_warnings(folder, plan, subplans="subplans" in kinds, results=report)
            if report:
                _print_report_gaps(folder, cached_report(folder))
        except LoadError as exc:
            if len(folders) == 1:
                raise
            _print_diagnostics(exc)
            bad.append(display_name(folder))
    for job in {job.path.stem: job for job in jobs if job.shortened}.values():
        print(f"注意：{folder_words(job.folder)} 的文件標題作為檔名超過 {MAX_NAME_BYTES} 位元組的上限，"
              f"檔名縮短為「{job.path.stem}」（文件內的標題不變）", file=sys.stderr)
    options = BuildOptions(templates=args.templates, font=args.font, document_date=source_date())
    if args.font is not None or any(job.fmt == "pdf" or job.kind == "report" for job in jobs):
        _check_font(options, pdf=any(job.fmt == "pdf" for job in jobs))
    if any(job.fmt == "docx" for job in jobs):
        _check_templates(jobs, options)
    return jobs, bad, options


def _print_report_gaps(folder: Path, compiled: CompiledReport) -> None:
    """What the report is built without: units that sent no results (built early in the year,
    say), and points the units that did send theirs have not reported yet."""
    if compiled.unsubmitted:
        print(f"注意：{folder_words(folder)} 的績效報告依 {len(compiled.submitted)}／{len(compiled.units)} 個單位的成果編成；"
              f"尚未繳交：{'、'.join(compiled.unsubmitted)}（報告中已註明）", file=sys.stderr)
    pending = {unit: len(points) for unit, points in compiled.missing_by_unit().items() if unit in compiled.submitted}
    if pending:
        units = "、".join(f"{unit} {count} 個" for unit, count in pending.items())
        print(f"注意：{folder_words(folder)} 的績效報告中，已繳交的單位尚有評核重點未填報成果：{units}"
              f"（報告中已列出；用 sqdocs validate {display_name(folder)} 查看是哪些評核重點）", file=sys.stderr)


def _check_font(options: BuildOptions, pdf: bool) -> None:
    """The Kai face the PDFs and the report's charts are drawn in, checked once before building:
    a wrong --font is one message, exit 2, rather than one failure per document."""
    from sqdocs.writers.fontfiles import check_main

    check_main(options.font)
    if pdf:
        from sqdocs.writers.pdf import prepare

        prepare(options)  # what the PDF's own font reader rejects; parsed once, as the build would anyway


def _check_templates(jobs: list[Job], options: BuildOptions) -> None:
    """The Word templates the .docx files are filled in from, checked once before building: a
    bad one (--templates) is one message, exit 2, rather than one failure per document."""
    from sqdocs.writers.docx import check_templates

    for note in check_templates((job.kind for job in jobs if job.fmt == "docx"), options.templates):
        print(f"注意：{note}", file=sys.stderr)


def _rollover(args: argparse.Namespace) -> int:
    from sqdocs.rollover import rollover

    rolled = rollover(args.data, args.to, args.output)
    target = rolled.target
    for warning in sorted(rolled.warnings):  # they may have made a figure now in the history wrong
        print(str(warning), file=sys.stderr)
    print(f"✓ 已建立 {target}；請依 {target / 'README.md'} 補填標有「【待填】」的欄位，再執行 sqdocs validate {target}")
    if rolled.indicators:
        print(f"  {rolled.indicators}")
    return EXIT_OK


def _subplan(args: argparse.Namespace) -> int:
    from sqdocs.subplan_yaml import init_subplan, previous_subplan, update_subplan

    plan = load_plan(args.data)
    if args.all:
        return _init_all(args, plan) if args.action == "init" else _update_all(args, plan)
    if args.action == "init":
        previous = previous_subplan(args.previous, plan, args.unit) if args.previous is not None else None
        path, count, carried = init_subplan(args.data, plan, args.unit, previous)
        print(f"✓ 已建立 {display_name(path)}：{count} 個評核重點；請依檔案開頭的說明填寫，填完執行 sqdocs check {args.data}")
        if carried is not None:
            _print_carried(carried, args.previous)
        return EXIT_OK
    _print_updated(update_subplan(args.data, plan, args.unit))
    return EXIT_OK


def _print_carried(carried: Carried, previous: Path) -> None:
    """What ``subplan init --from`` took from last year's subplan, under its 「✓ 已建立」 line."""
    print(f"  帶入 {carried.year} 年的具體作法與承辦單位：{carried.filled} 個評核重點；"
          f"完成期限 {carried.redate} 個待改填（去年寫成日期，或本局今年改訂了日期；說明寫在該項的註解）")
    if carried.renamed:
        print(f"  本局今年改了名稱、依相近名稱帶入的評核重點：{'、'.join(carried.renamed)}（請確認是同一項）")
    if carried.fresh:
        print(f"  今年新增或改名、由空白開始的評核重點：{'、'.join(carried.fresh)}")
    if carried.dropped:
        print(f"  {carried.year} 年有、今年沒有同名評核重點而未帶入：{'、'.join(carried.dropped)}"
              f"（內容仍在 {display_name(previous)}，可自行複製）")


def _print_updated(result: UpdateResult) -> None:
    """What ``subplan update`` did to one unit's file: 「已更新」 and each change, or 「未修改」."""
    if result.backup is None:
        print(f"✓ {display_name(result.path)} 已與本局計畫一致，未修改。")
    else:
        print(f"✓ 已更新 {display_name(result.path)}（原檔另存為 {display_name(result.backup)}）")
        for line in result.lines():
            print(f"  {line}")
    if note := result.edited_note():
        print(note, file=sys.stderr)


def _init_all(args: argparse.Namespace, plan: Plan) -> int:
    """``subplan init --all``: every unit that must have a subplan and has none gets one, as one set."""
    from sqdocs.subplan_yaml import init_subplans

    result = init_subplans(args.data, plan, args.previous)
    data = display_name(args.data)
    existing = dict(result.existing)
    for unit in plan.units.in_order({made.unit for made in result.made} | set(existing)):
        made = next((made for made in result.made if made.unit == unit), None)
        if made is None:
            print(f"略過 {unit}：{display_name(existing[unit])} 已存在，init 不會覆蓋")
            continue
        print(f"✓ 已建立 {display_name(made.path)}：{made.points} 個評核重點")
        if made.carried is not None:
            _print_carried(made.carried, args.previous)
        elif made.missing is not None:
            print(f"  {display_name(args.previous)} 沒有{unit}的細部執行計畫（{display_name(made.missing)}），由空白範本開始")
    if result.unneeded:
        print(f"略過 {'、'.join(result.unneeded)}：本局計畫附件 1 沒有指派評核重點，不需要細部執行計畫")
    if result.earlier_only:
        print(f"注意：{display_name(args.previous)} 另有 {'、'.join(result.earlier_only)} 的細部執行計畫；今年也要訂定時，"
              f"請執行 sqdocs subplan init {data} --unit 單位 --from {display_name(args.previous)}")
    update = f"sqdocs subplan update {data} --all"
    if not result.made:
        print(f"✓ 每個單位都已有細部執行計畫，未建立任何檔案；本局計畫修訂後，請執行 {update}")
        return EXIT_OK
    kept = f"；已有檔案的 {len(existing)} 個單位未修改（本局計畫修訂後，請對它們執行 {update}）" if existing else ""
    print(f"✓ 已建立 {len(result.made)} 個單位的細部執行計畫{kept}；請依檔案開頭的說明填寫，填完執行 sqdocs check {data}")
    return EXIT_OK


def _update_all(args: argparse.Namespace, plan: Plan) -> int:
    """``subplan update --all``: every subplan file updated on its own; those that cannot be, named."""
    from sqdocs.fsutil import os_error_text
    from sqdocs.subplan_yaml import update_subplans

    outcomes = update_subplans(args.data, plan)
    for outcome in outcomes:
        if outcome.result is not None:
            _print_updated(outcome.result)
            continue
        error = outcome.error
        if isinstance(error, LoadError):
            why = [str(d) for d in error.diagnostics]
        elif isinstance(error, OSError):
            why = [os_error_text(error, outcome.path, data_folder=True)]
        elif isinstance(error, UserError):
            why = str(error).splitlines()
        else:
            why = _bug_lines(error, "其他單位的檔案不受影響")
        print(f"✗ {display_name(outcome.path)} 未更新：" + "".join(f"\n  {line}" for line in why), file=sys.stderr)
    done = [outcome for outcome in outcomes if outcome.result is not None]
    changed = [outcome.unit for outcome in done if outcome.result.backup is not None]
    same = len(done) - len(changed)
    if changed:
        head = f"已更新 {len(changed)} 個單位的細部執行計畫（{'、'.join(changed)}）" + (
            f"，{same} 個已與本局計畫一致、未修改" if same else "")
    elif same:
        head = f"{same} 個單位的細部執行計畫{'都' if same > 1 else ''}已與本局計畫一致，未修改"
    else:
        head = "沒有更新任何單位的細部執行計畫"
    failed = [outcome for outcome in outcomes if outcome.result is None]
    if failed:
        print(f"{head}；{len(failed)} 個有錯誤未更新：{'、'.join(outcome.unit for outcome in failed)}。"
              "請依上列說明修正後，再執行同一指令（已更新的檔案不會再被改動）", file=sys.stderr)
        return EXIT_INTERNAL if any(_is_bug(outcome.error) for outcome in failed) else EXIT_BAD_INPUT
    print(f"✓ {head}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from sqdocs.check import check_subplans, report
    from sqdocs.load import load_subplans

    plan = load_plan(args.data)
    files = load_subplans(args.data, plan)
    subplans = {unit: f.subplan for unit, f in files.items()}
    folder = display_name(args.data)
    problems = check_subplans(plan, subplans, folder)

    def where(problem) -> str:
        if problem.unit not in files:
            return ""
        doc = files[problem.unit].doc
        return f"{doc.file}:{doc.where(problem.loc)[0]}" if problem.loc else doc.file

    for warning in text_warnings(Path(args.data)):  # a practice a 「 #」 cut short is incomplete too
        print(str(warning), file=sys.stderr)
    print(report(plan, subplans, problems, where, folder))
    return EXIT_FAILED if problems else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from sqdocs.schema import write_schemas

    for path in write_schemas(args.output):
        print(f"✓ {path}")
    return EXIT_OK


def _form(args: argparse.Namespace) -> int:
    from sqdocs.forms import FormError, import_form, make_form, summary
    from sqdocs.forms.files import is_pattern

    if args.action != "import" and args.all:
        return _all_forms(args)
    if args.action != "import":
        made = make_form(args.data, args.action, args.unit, args.output, force=args.force)
        _print_made(made)
        if args.action == "subplan" and made.prefilled is None:
            print(f"  {made.unit}尚無細部執行計畫，表單是空白的；要帶入去年的具體作法，請先執行 "
                  f"sqdocs subplan init {display_name(args.data)} --unit {made.unit} --from 去年的資料夾，再產生表單")
        return EXIT_OK
    if len(args.forms) > 1 or args.forms[0].is_dir() or is_pattern(args.forms[0]):
        return _import_forms(args)
    form = args.forms[0]
    try:
        result = import_form(form, args.data, force=args.force)
    except FormError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        then = "請修正表單後再匯入" if exc.fixable else "請依上列說明改用正確的表單"
        print(f"{display_name(form)}：共 {errors} 個錯誤，未寫入任何檔案；{then}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in result.warnings:
        print(str(warning), file=sys.stderr)
    print("\n".join(summary(result)))
    return EXIT_OK


def _import_forms(args: argparse.Namespace) -> int:
    """``form import`` of several forms or a folder of them: each imported or refused on its own."""
    from sqdocs.forms import import_forms, summary

    result = import_forms(args.forms, args.data, force=args.force)
    for path, why in result.passed_over:
        print(f"略過 {display_name(path)}：{why}", file=sys.stderr)
    for path in result.empty:
        where = f"資料夾 {display_name(path)} 中" if path.is_dir() else f"符合 {display_name(path)} 的檔案中"
        print(f"錯誤：{where}沒有 .xlsx 表單檔；請確認資料夾或檔名", file=sys.stderr)
    for outcome in result.outcomes:
        name = display_name(outcome.path)
        if outcome.result is not None:
            if outcome.result.warnings:
                print(f"{name} 的警告：", file=sys.stderr)
                for warning in outcome.result.warnings:
                    print(f"  {warning}", file=sys.stderr)
            print("\n".join(summary(outcome.result)))
            continue
        print(f"✗ {name} 未匯入{_refusal(outcome.error, name)}", file=sys.stderr)
    if not result.outcomes:
        return EXIT_BAD_INPUT
    done = result.imported
    unchanged = sum(1 for outcome in done if outcome.result is not None and not outcome.result.changed)
    same = "都" if unchanged == len(done) else f"其中 {unchanged} 份"
    head = f"已匯入 {len(done)} 份表單" + (f"（{same}與原有的檔案內容相同，未修改）" if unchanged else "")
    if result.refused:
        names = "、".join(display_name(outcome.path) for outcome in result.refused)
        print(f"{head}；{len(result.refused)} 份有錯誤未匯入：{names}。"
              "請依上列說明處理後，再執行同一指令（已匯入的表單再匯入一次不會改變任何檔案）", file=sys.stderr)
    elif result.empty:
        print(f"{head}；{'、'.join(display_name(path) for path in result.empty)} 中沒有表單", file=sys.stderr)
    else:
        print(f"✓ {head}")
    if any(_is_bug(outcome.error) for outcome in result.refused):
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if result.refused or result.empty else EXIT_OK


def _is_bug(error: Exception | None) -> bool:
    """An error that is no fault of the input: neither bad data or forms nor the file system."""
    if error is None or isinstance(error, (LoadError, UserError, OSError)):
        return False
    from sqdocs.forms import FormError  # only now: openpyxl is slow to import

    return not isinstance(error, FormError)


def _bug_lines(error: Exception, others: str) -> list[str]:
    """A bug met in one file of many, as said under that file; ``others`` says the rest are fine."""
    return [f"內部錯誤：{type(error).__name__}: {error}", f"請將此訊息與該檔回報給維護者；{others}"]


def _refusal(error: Exception | None, name: str) -> str:
    """The rest of a refused form's 「✗ <file> 未匯入」 line, then its problems indented below it."""
    from sqdocs.forms import FormError

    if _is_bug(error):
        return "：" + "".join(f"\n  {line}" for line in _bug_lines(error, "其他表單不受影響"))
    if isinstance(error, FormError):
        errors = sum(1 for p in error.problems if p.severity == "error")
        then = "請修正表單後再匯入" if error.fixable else "請依下列說明改用正確的表單"
        return f"，共 {errors} 個錯誤；{then}：" + "".join(f"\n  {problem}" for problem in error.problems)
    if isinstance(error, LoadError):
        return "：" + "".join(f"\n  {d}" for d in error.diagnostics)
    message = str(error)
    return "：\n  " + message.removeprefix(f"{name}：")


def _print_made(made: MadeForm) -> None:
    source = f"，已帶入 {display_name(made.prefilled)} 的內容" if made.prefilled else ""
    print(f"✓ 已產生 {display_name(made.path)}：{made.unit} {made.points} 個評核重點{source}")
    if made.followed:
        print(f"  注意：本局計畫改了名稱或移動的評核重點（{'、'.join(made.followed)}），表單已依新名稱帶入原填內容；"
              f"匯入表單後，{display_name(made.prefilled)} 中也會改用新名稱")


def _all_forms(args: argparse.Namespace) -> int:
    """``form subplan|results --all``: every unit's form, written as one set or not at all."""
    from sqdocs.forms import make_forms
    from sqdocs.forms.common import FORM_CONTENTS

    result = make_forms(args.data, args.action, args.output, force=args.force)
    for made in result.forms:
        _print_made(made)
    where = display_name(result.folder)
    print(f"✓ 已產生 {len(result.forms)} 份{FORM_CONTENTS[args.action]}表單，存於{'目前的資料夾' if where == '.' else f'資料夾 {where}'}")
    blank = [made.unit for made in result.forms if args.action == "subplan" and made.prefilled is None]
    if blank:
        who = f"--unit {blank[0]}" if len(blank) == 1 else "--all"  # --all: just the units without a subplan
        print(f"  {'、'.join(blank)}尚無細部執行計畫，表單是空白的；要帶入去年的具體作法，請先執行 "
              f"sqdocs subplan init {display_name(args.data)} {who} --from 去年的資料夾，"
              "再加 --force 重新產生表單")
    if result.skipped:
        print(f"  {'、'.join(result.skipped)}：本局計畫附件 1 沒有指派評核重點，沒有表單可填，未產生")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    """The open data of one bureau, or of several as one table of each kind.

    With bad input in any bureau nothing is written: a national table without one bureau's
    rows would look complete, and one written over with fewer bureaus would lose the rest.
    """
    from sqdocs.fsutil import write_all, writing
    from sqdocs.opendata import left_over, open_data_tables
    from sqdocs.writers.opendata import WRITERS

    forget_loaded()
    folders = find_folders(args.data)
    bad = _passed_over(args.data, "export")
    bureaus: dict[Path, Bureau] = {}
    for folder in folders:
        try:
            bureaus[folder] = _bureau_data(folder)
        except LoadError as exc:
            if len(folders) == 1 and not bad:
                raise
            _print_diagnostics(exc)
            bad.append(display_name(folder))
    bad += _same_bureau(bureaus)
    if bad:  # the last line names them all, as build's does
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
    if old := left_over(args.output, files, args.format):  # published with the rest, they would not match it
        print(f"注意：{args.output} 中有 {len(old)} 個本次沒有產生的資料檔（{'、'.join(p.name for p in old)}），"
              "是先前輸出的舊資料；確認不需要請刪除", file=sys.stderr)
    return EXIT_OK


def _bureau_data(folder: Path) -> Bureau:
    """What ``folder`` gives the open data; the problems of its subplans and results together."""
    from sqdocs.opendata import Bureau

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
    _print_warnings(folder, plan, subplans=bool(subplans), results=report is not None)
    return Bureau(plan, subplans, report)


def _same_bureau(bureaus: dict[Path, Bureau]) -> list[str]:
    """The folders whose agency and year an earlier folder has too, each said at its plan.yaml:
    in the combined tables the rows of the two could not be told apart."""
    from sqdocs.load.yamlfile import read_yaml

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
            _print_diagnostics(LoadError([read_yaml(folder / "plan.yaml").diagnostic(("agency",), message)]))
            same.append(display_name(folder))
    return same


COMMANDS = {"export": _export, "form": _form, "schema": _schema, "validate": _validate, "build": _build, "rollover": _rollover, "subplan": _subplan, "check": _check}


def _tolerate_any_encoding() -> None:
    """Let stdout and stderr write what their encoding cannot hold as escapes (「\\u2713」).

    Redirected on Windows (cp950) or under a C locale, printing 「✓」 or a rare name
    character raised UnicodeEncodeError midway through a command.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> int:
    """Run one ``sqdocs`` command (``argv``, or the command line) and return its exit code."""
    _tolerate_any_encoding()
    args = _parser().parse_args(argv)
    # SIGTERM (a wrapper's proc.terminate(), systemd, docker stop) stops the command as Ctrl-C
    # does: the temporary files are removed and a build stops its workers, which by default
    # SIGTERM would kill with none of that.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        return _command(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _command(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    except LoadError as exc:
        _print_diagnostics(exc)
        return EXIT_BAD_INPUT
    except UserError as exc:
        print(f"錯誤：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `sqdocs check … | head`: the reader has all it wants
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a folder that cannot be created, a full disk, no permission: where, not what
        # Commands without -o (subplan, form import) write into the data folder itself.
        print(f"錯誤：{os_error_text(exc, data_folder=not hasattr(args, 'output'))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        written = getattr(exc, "written", None)
        if written is None:
            print("已中斷；未完成的檔案沒有寫入。", file=sys.stderr)
        else:
            print(f"已中斷：已完成 {written} 份文件，其餘未產生；沒有寫到一半的檔案。", file=sys.stderr)
        return _interrupted_code(exc)
    except Exception as exc:  # noqa: BLE001 — a bug must still end in a readable message
        if os.environ.get("SQDOCS_DEBUG"):
            traceback.print_exc()
        print(f"內部錯誤：{type(exc).__name__}: {exc}\n請將此訊息與資料檔回報給維護者（設 SQDOCS_DEBUG=1 可看詳細資訊）。", file=sys.stderr)
        return EXIT_INTERNAL


def _interrupted_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM (:class:`Interrupted` says which)."""
    return EXIT_TERMINATED if getattr(exc, "signum", signal.SIGINT) == signal.SIGTERM else EXIT_INTERRUPTED


EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE (13): as shells report a command whose reader went away (Windows has no SIGPIPE)."""


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a reader that left is dropped at
    exit, instead of Python reporting another BrokenPipeError then."""
    with contextlib.suppress(OSError, ValueError):  # no real stdout (a test's capture): nothing to drop
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run() -> NoReturn:
    """The ``sqdocs`` console script: :func:`main`, then the process exits with its code."""
    code = main()
    try:
        sys.stdout.flush()  # what is left of a short output goes out now, where a closed pipe is caught
    except BrokenPipeError:
        _quiet_stdout()
        code = code or EXIT_BROKEN_PIPE
    skip_exit_collections()
    sys.exit(code)


if __name__ == "__main__":
    run()
