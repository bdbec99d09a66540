"""``sqdocs subplan init|update``: a 分局's subplan file made from the bureau's plan, or brought up to date with it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqdocs.cli.messages import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, bug_lines, explained, is_bug
from sqdocs.errors import UserError
from sqdocs.fsutil import display_name, os_error_text
from sqdocs.load import LoadError, load_plan
from sqdocs.load.checks import former_hint
from sqdocs.load.plan import units_warnings
from sqdocs.subplans.files import (
    init_subplan,
    init_subplans,
    previous_subplan,
    update_subplan,
    update_subplans,
)
from sqdocs.text.names import shell_word

if TYPE_CHECKING:
    from sqdocs.derive import Carried
    from sqdocs.model import Plan
    from sqdocs.subplans.files import UpdateResult


def command(args: argparse.Namespace) -> int:
    """Make (init) or update one unit's subplan file, or every unit's with --all."""
    plan = load_plan(args.data)
    # A 分局 left out of 各分局 would get a file without 各分局's points, and no word of why.
    for warning in units_warnings(args.data, plan):
        print(str(warning), file=sys.stderr)
    if args.all:
        return _init_all(args, plan) if args.action == "init" else _update_all(args, plan)
    if args.action == "init":
        previous = previous_subplan(args.previous, plan, args.unit, args.data) if args.previous is not None else None
        path, count, carried = init_subplan(args.data, plan, args.unit, previous)
        print(f"✓ 已建立 {display_name(path)}：{count} 個評核重點；請依檔案開頭的說明填寫，填完執行 sqdocs check {shell_word(display_name(args.data))}")
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
    result = init_subplans(args.data, plan, args.previous)
    data = shell_word(display_name(args.data))
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
            if made.former is not None:
                print(f"  注意：{former_hint(made.former, unit, made.path, args.data, replacing=True)}")
    if result.unneeded:
        print(f"略過 {'、'.join(result.unneeded)}：本局計畫附件 1 沒有指派評核重點，不需要細部執行計畫")
    if result.earlier_only:
        print(f"注意：{display_name(args.previous)} 另有 {'、'.join(result.earlier_only)} 的細部執行計畫；今年也要訂定時，"
              f"請執行 sqdocs subplan init {data} --unit 單位 --from {shell_word(display_name(args.previous))}")
    update = f"sqdocs subplan update {data} --all"
    if not result.made:
        print(f"✓ 每個單位都已有細部執行計畫，未建立任何檔案；本局計畫修訂後，請執行 {update}")
        return EXIT_OK
    kept = f"；已有檔案的 {len(existing)} 個單位未修改（本局計畫修訂後，請對它們執行 {update}）" if existing else ""
    print(f"✓ 已建立 {len(result.made)} 個單位的細部執行計畫{kept}；請依檔案開頭的說明填寫，填完執行 sqdocs check {data}")
    return EXIT_OK


def _update_all(args: argparse.Namespace, plan: Plan) -> int:
    """``subplan update --all``: every subplan file updated on its own; those that cannot be, named."""
    outcomes = update_subplans(args.data, plan)
    for outcome in outcomes:
        if outcome.result is not None:
            _print_updated(outcome.result)
            continue
        error = outcome.error
        if isinstance(error, LoadError):
            why = [str(d) for d in explained(error.diagnostics)]
        elif isinstance(error, OSError):
            why = [os_error_text(error, outcome.path, data_folder=True)]
        elif isinstance(error, UserError):
            why = str(error).splitlines()
        else:
            why = bug_lines(error, "其他單位的檔案不受影響")
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
        return EXIT_INTERNAL if any(is_bug(outcome.error) for outcome in failed) else EXIT_BAD_INPUT
    print(f"✓ {head}")
    return EXIT_OK
