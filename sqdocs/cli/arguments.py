"""The command line's arguments: the parser of every command, its help and errors in Chinese."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path
from typing import NoReturn

from sqdocs import __version__
from sqdocs.build import DEFAULT_FORMATS, FORMATS, KINDS
from sqdocs.cli.messages import EXIT_BAD_INPUT
from sqdocs.text.names import command_line
from sqdocs.writers.opendata import WRITERS as OPEN_DATA_WRITERS

# argparse's own messages, in Chinese; the last passes on the Chinese of our own value checks.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: \{(\S+)\}", "缺少要執行的動作：{0}，擇一（各動作的說明請看 -h）"),
    (r"the following arguments are required: COMMAND", "缺少要執行的指令（validate、build、check …；完整清單請看 sqdocs -h）"),
    (r"the following arguments are required: (.+)", "缺少必要的參數：{0}"),
    (r"unrecognized arguments: (.+)", "無法辨識的參數：{0}；可用的參數請看 -h"),
    (r"argument (\S+): invalid int value: '(.*)'", "參數 {0} 須為整數，「{1}」不是整數"),
    (r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)", "參數 {0} 沒有「{1}」這個選項；可用：{2}"),
    (r"argument (\S+): expected one argument", "參數 {0} 後面須接一個值"),
    (r"argument (\S+): expected at least one argument", "參數 {0} 後面至少須接一個值"),
    (r"ambiguous option: (\S+) could match (.*)", "參數 {0} 不明確，可能是：{1}"),
    (r"argument (\S+): not allowed with argument (\S+)", "參數 {0} 與 {1} 不能同時使用；只能擇一"),
    (r"one of the arguments (\S+) (\S+) is required", "缺少必要的參數：{0} 或 {1}（擇一）"),
)
_OWN_CHECK = r"argument (\S+): (.*)"
"""A value check of ours (_path, _csv): its Chinese is passed on as written, commas and all."""


def _chinese(message: str) -> str:
    """An argparse error message in Chinese (left as it is when it is not a known one)."""
    for pattern, text in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, re.DOTALL)
        if match:
            return text.format(*(group.replace("'", "").replace(", ", "、").replace(",", "、") for group in match.groups()))
    if match := re.fullmatch(_OWN_CHECK, message, re.DOTALL):
        return f"參數 {match[1]}：{match[2]}"
    return message


def _example(lines: str) -> str:
    """A help page's closing example (its lines kept as written: see _Formatter)."""
    return f"例：\n  {lines}"


class _Formatter(argparse.RawDescriptionHelpFormatter):
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
        args = sys.argv[1:] if args is None else list(args)
        if dashed := self._dashed_path(args):
            # argparse takes it for an option: 「缺少必要的參數：DATA_DIR」 named no cause.
            self._named_parser(args).error(f"「{dashed}」以「-」開頭，會被當成選項；它是資料夾或檔案的名稱時，請寫成 ./{dashed}")
        self._refuse_misplaced(args)
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            command = self._command_parser(parsed)
            meant = command._meant(extra)
            if meant:
                command.error(f"無法辨識的參數：{' '.join(extra)}；是否要用 {meant}？可用的參數請看 -h")
            if command._takes_one_folder() and not extra[0].startswith("-"):
                # 「sqdocs validate a b」: build and export take several folders, the others one
                command.error(
                    f"無法辨識的參數：{' '.join(extra)}；{command.prog} 一次處理一個資料夾，多個請分開執行，"
                    "或把各機關的資料夾放在同一個資料夾中，再指定該資料夾"
                )
            command.error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed

    def _refuse_misplaced(self, args: list[str]) -> None:
        """Say what was meant when the word that should name a command does not: a folder typed
        without one (「sqdocs k107」), a typo (「biuld」), or a command's option put before it
        (「sqdocs -o out build k107」). argparse said 「參數 COMMAND 沒有「k107」這個選項」, or
        suggested the very option that was typed."""
        parser, before = self, []
        for at, arg in enumerate(args):
            if arg == "--":
                return
            commands = parser._commands()
            if not commands:
                return
            if arg in commands:
                if before and isinstance(commands[arg], _Parser):
                    fixed = command_line(["sqdocs", *args[:at - len(before)], *args[at:], *before])
                    parser.error(f"選項須寫在指令之後：「{' '.join(before)}」請移到 {arg} 的後面，如 {fixed}")
                parser, before = commands[arg], []
                continue
            if arg.startswith("-"):
                if arg.split("=", 1)[0] in parser._own_options():
                    return  # -h, --version: argparse answers them
                before.append(arg)
                continue
            if before:  # the value of a misplaced option (「-o out」, 「--only plan」)
                before.append(arg)
                continue
            parser.error(parser._not_a_command(arg, commands))

    def _commands(self) -> dict[str, argparse.ArgumentParser]:
        """The commands (or actions) this parser takes, by name; empty when it takes none."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    def _own_options(self) -> set[str]:
        return {name for action in self._actions for name in action.option_strings}

    def _not_a_command(self, word: str, commands: dict[str, argparse.ArgumentParser]) -> str:
        names = "、".join(commands)
        what = "指令" if " " not in self.prog else "動作"  # sqdocs build; sqdocs subplan init
        if Path(word).is_dir():
            return (f"「{word}」是資料夾；請在它前面寫上要執行的{what}，如 "
                    f"{command_line([*self.prog.split(), next(iter(commands)), word])}（可用：{names}）")
        if word.lower() == "help":
            return f"要看說明請執行 {self.prog} -h（可用的{what}：{names}）"
        close = difflib.get_close_matches(word.lower(), list(commands), n=1, cutoff=0.6)
        meant = f"；是否要用 {close[0]}？" if close else "；"
        return f"沒有「{word}」這個{what}{meant}可用：{names}（說明請看 {self.prog} -h）"

    def _takes_one_folder(self) -> bool:
        """Whether this command takes one data folder (build and export take several)."""
        return any(action.dest == "data" and action.nargs is None for action in self._actions)

    def _dashed_path(self, args: list[str]) -> str | None:
        """The first argument before any ``--`` that starts with ``-``, is no option of any command
        nor a number, and names a folder or file that exists (a data folder ``-data``) or follows
        an option that takes a path (``-o -new``, a folder still to be made)."""
        options = set(self._all_options())
        paths = set(self._all_options(paths_only=True))
        previous = None
        for arg in args:
            if arg == "--":
                return None
            if (
                arg.startswith("-") and arg not in options and arg.split("=", 1)[0] not in options
                and not re.fullmatch(r"-\d+(\.\d+)?", arg) and (previous in paths or Path(arg).exists())
            ):
                return arg
            previous = arg
        return None

    def _named_parser(self, args: list[str]) -> _Parser:
        """The parser of the (sub)command ``args`` name, for its usage line: ``build``'s for ``build -data``."""
        parser = self
        for arg in args:
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction) and isinstance(action.choices.get(arg), _Parser):
                    parser = action.choices[arg]
        return parser

    def _all_options(self, paths_only: bool = False) -> list[str]:
        """The options of this parser and every command under it; ``paths_only``: those that take
        a path (-o, --templates, --font, --from)."""
        names = []
        for action in self._actions:
            if not paths_only or action.type is _path:
                names += action.option_strings
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    names += child._all_options(paths_only) if isinstance(child, _Parser) else []
        return names

    def _meant(self, extra: list[str]) -> str | None:
        """The option a mistyped one is closest to (「--onyl」: --only; 「--form」: --from)."""
        options = [name for action in self._actions for name in action.option_strings if name.startswith("--")]
        for arg in extra:
            if arg.startswith("--"):
                close = difflib.get_close_matches(arg.split("=", 1)[0], options, n=1, cutoff=0.75)
                if close:
                    return close[0]
        return None

    def _command_parser(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the (sub)command ``parsed`` was read by: ``sqdocs subplan init``'s, say."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                child = action.choices.get(getattr(parsed, action.dest, None))
                if isinstance(child, _Parser):
                    return child._command_parser(parsed)
        return self


def _path(text: str) -> Path:
    """A path argument, not empty, with a leading ``~`` taken as the home folder.

    cmd.exe and PowerShell pass ``~`` on as it is, as does a shell inside quotes: ``-o ~/Desktop/報告``
    built into a folder named 「~」 in the current one and said it was done. Only ``~`` and
    ``~/…`` are expanded: ``~$表單.xlsx`` is one of Excel's lock files, not a user's home.
    """
    if not text.strip():  # `-o "$OUT"` with OUT unset: Path("") is the current folder, filled unasked
        raise argparse.ArgumentTypeError("路徑是空的（指令稿中的變數可能沒有值）；請指定資料夾或檔案")
    if text == "~" or text.startswith(("~/", "~" + os.sep)):
        text = os.path.expanduser(text)
    return Path(text)


def _csv(choices: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        values = [v.strip().lower() for v in text.split(",") if v.strip()]  # PDF as well as pdf
        bad = [v for v in values if v not in choices]
        if bad or not values:
            # 「--only subplan」: the commands say subplan, --only says subplans
            meant = {v: close[0] for v in bad if (close := difflib.get_close_matches(v, choices, n=1, cutoff=0.6))}
            hint = f"是否要用 {','.join(meant.get(v, v) for v in values)}？" if meant else ""
            raise argparse.ArgumentTypeError(f"「{text}」不是可用的值；{hint}可用：{'、'.join(choices)}")
        return values

    return parse


class _Together(argparse.Action):
    """A comma list option given more than once takes every value (``--only plan --only report``),
    each once, in place of its default; argparse kept only the last one."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        before = getattr(namespace, self.dest, None)
        before = [] if before is None or before is self.default else before
        setattr(namespace, self.dest, list(dict.fromkeys([*before, *values])))


def make_parser() -> argparse.ArgumentParser:
    """The sqdocs command line: every subcommand, its arguments and their Chinese help."""
    parser = _Parser(
        prog="sqdocs", description="由 YAML 資料產生提升服務品質執行計畫、細部執行計畫與績效報告（Word、PDF）。",
        epilog=_example("sqdocs validate data/keelung-107\n  sqdocs build data/keelung-107")
        + "\n\n各指令的選項請看 sqdocs 指令 -h，如 sqdocs build -h；一年的工作流程見 docs/使用手冊.md。",
    )
    parser.add_argument("--version", action="version", version=f"sqdocs {__version__}", help="顯示版本後結束")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="檢查資料夾內的 YAML 是否正確",
                       epilog=_example("sqdocs validate data/keelung-107"))
    p.add_argument("data", type=_path, metavar="DATA_DIR", help="資料夾，如 data/keelung-107；或內含各機關資料夾的資料夾（逐一檢查）")

    p = sub.add_parser("build", help="產生文件",
                       epilog=_example("sqdocs build data/keelung-107\n  sqdocs build data/keelung-107 --only plan --format pdf -o 輸出"))
    p.add_argument("data", type=_path, nargs="+", metavar="DATA_DIR", help="資料夾，如 data/keelung-107；可給多個，或一個內含各機關資料夾的資料夾")
    p.add_argument("-o", "--output", type=_path, default=Path("build"), metavar="OUT", help="輸出資料夾（預設 build）")
    p.add_argument("--only", type=_csv(KINDS), action=_Together, default=None, metavar=",".join(KINDS),
                   help="只產生這些文件，以逗號分隔（預設全部）")
    p.add_argument("--format", type=_csv(FORMATS), action=_Together, default=list(DEFAULT_FORMATS), metavar=",".join(FORMATS),
                   help="輸出格式（預設 docx,pdf；odt 為 OpenDocument）")
    p.add_argument("--templates", type=_path, metavar="DIR", help="改用此資料夾中的 Word 範本（plan.docx …）")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="同時使用的程序數（預設：CPU 核心數）")
    p.add_argument("--check-reproducible", action="store_true", help="再產生一次並比對，確認每個檔案逐位元組相同")
    p.add_argument("--font", type=_path, metavar="FILE", help="PDF 與報告圖表使用的楷書字型檔（.ttf/.ttc；預設為環境變數 SQDOCS_FONT，"
                        "否則依序尋找已安裝的標楷體、全字庫正楷體等）")
    p = sub.add_parser("subplan", help="各分局細部執行計畫：由本局計畫產生範本（init）或更新（update）")
    actions = p.add_subparsers(dest="action", required=True, metavar="{init,update}")
    for action, text, everyone in (
        ("init", "產生單位的細部執行計畫範本（不會覆蓋已有的檔案）",
         "產生每個應訂定細部執行計畫、尚無檔案的單位（各分局）的範本；已有檔案的單位不動，並列出"),
        ("update", "加入本局計畫新增的評核重點、標記已刪除的、更新本局參考說明，保留已填寫內容",
         "更新 subplans/ 中每個單位的細部執行計畫；有錯誤的檔案列出後略過，其他照常更新"),
    ):
        a = actions.add_parser(action, help=text, epilog=_example(f"sqdocs subplan {action} data/keelung-107 --unit 第一分局"))
        a.add_argument("data", type=_path, metavar="DATA_DIR", help="計畫資料夾（含 plan.yaml，如 data/keelung-107）")
        who = a.add_mutually_exclusive_group(required=True)
        who.add_argument("--unit", metavar="UNIT", help="單位名稱，如 第一分局")
        who.add_argument("--all", action="store_true", help=everyone)
        if action == "init":
            a.add_argument("--from", dest="previous", type=_path, metavar="DIR",
                           help="帶入該資料夾（前一年度）此單位（加 --all 時為各單位）細部執行計畫的具體作法與承辦單位，"
                                "如 data/keelung-107")

    p = sub.add_parser("check", help="檢查各分局細部執行計畫是否涵蓋所有指派的評核重點",
                       epilog=_example("sqdocs check data/keelung-107"))
    p.add_argument("data", type=_path, metavar="DATA_DIR",
                   help="計畫資料夾（含 plan.yaml，如 data/keelung-107），或內含各機關資料夾的資料夾（逐一檢查）")

    p = sub.add_parser("form", help="試算表表單：產生單位的細部計畫或執行成果表單（.xlsx），或匯入填好的表單")
    actions = p.add_subparsers(dest="action", required=True, metavar="{subplan,results,import}")
    for action, text, everyone, unit, example in (
        ("subplan", "產生單位的細部執行計畫表單", "產生每個應訂定細部執行計畫的單位（各分局，及已有細部執行計畫檔的單位）的表單",
         "第一分局", "第一分局細部計畫.xlsx"),
        ("results", "產生單位的年度執行成果表單", "產生本局計畫指派評核重點的每個單位的表單", "秘書科", "秘書科執行成果.xlsx"),
    ):
        a = actions.add_parser(action, help=text, epilog=_example(
            f"sqdocs form {action} data/keelung-107 --unit {unit}\n"
            f"  sqdocs form {action} data/keelung-107 --all -o 表單"))
        a.add_argument("data", type=_path, metavar="DATA_DIR", help="計畫資料夾（含 plan.yaml，如 data/keelung-107）")
        who = a.add_mutually_exclusive_group(required=True)
        who.add_argument("--unit", metavar="UNIT", help="單位名稱，如 第一分局")
        who.add_argument("--all", action="store_true", help=everyone)
        a.add_argument("-o", "--output", type=_path, metavar="OUT",
                       help=f"表單檔名，或存放表單的資料夾（預設為目前資料夾中的 單位+表單名稱.xlsx，如 {example}）；"
                            "加 --all 時為存放各表單的資料夾（預設為目前資料夾）")
        a.add_argument("--force", action="store_true", help="覆蓋已存在的表單檔")
    a = actions.add_parser("import", help="把填好的表單匯入單位的 YAML（有錯誤的表單不寫入任何檔案）",
                           epilog=_example("sqdocs form import 第一分局執行成果.xlsx data/keelung-107\n"
                                           "  sqdocs form import 表單 data/keelung-107"))
    a.add_argument("forms", nargs="+", type=_path, metavar="FORM",
                   help="填好的表單（.xlsx）、存放表單的資料夾（匯入其中每個 .xlsx 檔），"
                        "或檔名樣式（如 \"表單/*執行成果.xlsx\"）；可列多個")
    a.add_argument("data", type=_path, metavar="DATA_DIR", help="要寫入的計畫資料夾（含 plan.yaml，如 data/keelung-107）")
    a.add_argument("--force", action="store_true",
                   help="YAML 在表單產生後被修改過時，仍以表單內容取代（原檔另存備份）；對所列的每份表單都適用")

    p = sub.add_parser("export", help="輸出開放資料（CSV、JSON），預設不含個人姓名；多個機關合併為一份資料表",
                       epilog=_example("sqdocs export data/keelung-107 -o 開放資料"))
    p.add_argument("data", type=_path, nargs="+", metavar="DATA_DIR",
                   help="資料夾；可給多個，或一個內含各機關資料夾的資料夾（各機關的資料依序合併，任一機關有錯誤即不輸出）")
    p.add_argument("-o", "--output", type=_path, required=True, metavar="OUT", help="輸出資料夾")
    p.add_argument("--format", type=_csv(tuple(OPEN_DATA_WRITERS)), action=_Together, default=list(OPEN_DATA_WRITERS),
                   metavar=",".join(OPEN_DATA_WRITERS),
                   help="輸出格式（預設 csv,json）")
    p.add_argument("--include-names", action="store_true", help="保留考核小組成員姓名（個人資料）")

    p = sub.add_parser("rollover", help="由今年度資料建立下一年度的資料夾",
                       epilog=_example("sqdocs rollover data/keelung-107 --to 108"))
    p.add_argument("data", type=_path, metavar="DATA_DIR", help="今年度的資料夾，如 data/keelung-107")
    p.add_argument("--to", type=int, required=True, metavar="YEAR", help="新的民國年度，如 108")
    p.add_argument("-o", "--output", type=_path, metavar="DIR", help="新資料夾（預設把資料夾名稱中的年度換掉）")

    p = sub.add_parser("schema", help="輸出資料檔的 JSON Schema，供編輯器自動完成與即時檢查",
                       epilog=_example("sqdocs schema -o schemas"))
    p.add_argument("-o", "--output", type=_path, default=Path("sqdocs.schema.json"), metavar="FILE",
                   help="合併的 schema 檔；各檔類別的 schema 另存於同一資料夾（預設 sqdocs.schema.json）")
    return parser
