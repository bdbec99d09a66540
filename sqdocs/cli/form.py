"""``sqdocs form subplan|results|import``: the Excel forms out to the units, and back into YAML."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from sqdocs.cli.messages import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, bug_lines, explained, is_bug
from sqdocs.errors import UserError
from sqdocs.forms import FormError, import_form, import_forms, make_form, make_forms, summary
from sqdocs.forms.importing import WORKBOOKS, is_pattern
from sqdocs.forms.kinds import FORM_CONTENTS
from sqdocs.forms.problems import problem_lines
from sqdocs.fsutil import display_name
from sqdocs.load import LoadError
from sqdocs.text.names import command_line, shell_word

if TYPE_CHECKING:
    from pathlib import Path

    from sqdocs.forms import MadeForm


def command(args: argparse.Namespace) -> int:
    """Make one unit's form (or every unit's with --all), or import filled-in forms."""
    if args.action != "import" and args.all:
        return _all_forms(args)
    if args.action != "import":
        made = make_form(args.data, args.action, args.unit, args.output, force=args.force)
        _print_made(made)
        if args.action == "subplan" and made.prefilled is None:
            print(f"  {made.unit}尚無細部執行計畫，表單是空白的；要帶入去年的具體作法，請先執行 "
                  f"{command_line(['sqdocs', 'subplan', 'init', display_name(args.data), '--unit', made.unit])} --from 去年的資料夾，"
                  "再加 --force 重新產生表單")
        return EXIT_OK
    _check_order(args.forms, args.data, args.force)
    if len(args.forms) > 1 or args.forms[0].is_dir() or is_pattern(args.forms[0]):
        return _import_forms(args)
    form = args.forms[0]
    try:
        result = import_form(form, args.data, force=args.force)
    except FormError as exc:
        for line in problem_lines(exc.problems):
            print(line, file=sys.stderr)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        then = "請修正表單後再匯入" if exc.fixable else "請依上列說明改用正確的表單"
        print(f"{display_name(form)}：共 {errors} 個錯誤，未寫入任何檔案；{then}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    for line in problem_lines(result.warnings):
        print(line, file=sys.stderr)
    print("\n".join(summary(result)))
    return EXIT_OK


def _check_order(forms: list[Path], data: Path, force: bool) -> None:
    """Refuse ``form import keelung-107 秘書科執行成果.xlsx``: the data folder first, as every other
    command takes it, read the folder as forms (「資料夾 … 中沒有 .xlsx 表單檔」) and named no cause.
    The command it gives keeps ``--force``, which the user gave."""
    folders = [path for path in forms if (path / "plan.yaml").is_file()]
    if not folders or data.suffix.lower() not in WORKBOOKS:
        return
    meant = [display_name(p) for p in [*(path for path in forms if path not in folders), data, folders[0]]]
    raise UserError(f"{display_name(data)} 是表單，{display_name(folders[0])} 才是計畫資料夾：form import 先列表單，"
                    f"計畫資料夾放在最後；請改為 {command_line(['sqdocs', 'form', 'import', *meant, *(['--force'] if force else [])])}")


def _import_forms(args: argparse.Namespace) -> int:
    """``form import`` of several forms or a folder of them: each imported or refused on its own."""
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
                for line in problem_lines(outcome.result.warnings):
                    print(f"  {line}", file=sys.stderr)
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
    if any(is_bug(outcome.error) for outcome in result.refused):
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if result.refused or result.empty else EXIT_OK


def _refusal(error: Exception | None, name: str) -> str:
    """The rest of a refused form's 「✗ <file> 未匯入」 line, then its problems indented below it."""
    if is_bug(error):
        return "：" + "".join(f"\n  {line}" for line in bug_lines(error, "其他表單不受影響"))
    if isinstance(error, FormError):
        errors = sum(1 for p in error.problems if p.severity == "error")
        then = "請修正表單後再匯入" if error.fixable else "請依下列說明改用正確的表單"
        return f"，共 {errors} 個錯誤；{then}：" + "".join(f"\n  {line}" for line in problem_lines(error.problems))
    if isinstance(error, LoadError):
        return "：" + "".join(f"\n  {d}" for d in explained(error.diagnostics))
    message = str(error)
    return "：\n  " + message.removeprefix(f"{name}：")


def _print_made(made: MadeForm) -> None:
    source = ""
    if made.prefilled and made.unfilled:  # as `subplan init` left it: nothing to carry over
        source = f"（{display_name(made.prefilled)} 尚未填寫具體作法、完成期限與承辦單位，這些欄位是空白的）"
    elif made.prefilled:
        source = f"，已帶入 {display_name(made.prefilled)} 的內容"
    print(f"✓ 已產生 {display_name(made.path)}：{made.unit} {made.points} 個評核重點{source}")
    if made.followed:
        print(f"  注意：本局計畫改了名稱或移動的評核重點（{'、'.join(made.followed)}），表單已依新名稱帶入原填內容；"
              f"匯入表單後，{display_name(made.prefilled)} 中也會改用新名稱")


def _all_forms(args: argparse.Namespace) -> int:
    """``form subplan|results --all``: every unit's form, written as one set or not at all."""
    result = make_forms(args.data, args.action, args.output, force=args.force)
    for made in result.forms:
        _print_made(made)
    where = display_name(result.folder)
    print(f"✓ 已產生 {len(result.forms)} 份{FORM_CONTENTS[args.action]}表單，存於{'目前的資料夾' if where == '.' else f'資料夾 {where}'}")
    blank = [made.unit for made in result.forms if args.action == "subplan" and made.prefilled is None]
    if blank:
        who = f"--unit {shell_word(blank[0])}" if len(blank) == 1 else "--all"  # --all: just the units without a subplan
        print(f"  {'、'.join(blank)}尚無細部執行計畫，表單是空白的；要帶入去年的具體作法，請先執行 "
              f"sqdocs subplan init {shell_word(display_name(args.data))} {who} --from 去年的資料夾，"
              "再加 --force 重新產生表單")
    if result.skipped:
        print(f"  {'、'.join(result.skipped)}：本局計畫附件 1 沒有指派評核重點，沒有表單可填，未產生")
    return EXIT_OK
