"""``sqdocs check``: does every 分局's subplan cover the points assigned to it? One data
folder, or each bureau of a folder of bureaus in turn, as build takes them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqdocs.check import check_subplans, report
from sqdocs.cli.messages import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    bureau_heading,
    bureaus_in_turn,
    print_diagnostics,
)
from sqdocs.errors import UserError
from sqdocs.fsutil import display_name
from sqdocs.load import LoadError, load_plan, load_subplans
from sqdocs.load.comments import text_warnings
from sqdocs.load.plan import units_warnings


def command(args: argparse.Namespace) -> int:
    """Print which assigned points each 分局's subplan lacks; exit 1 when any does, 2 when a
    bureau's data cannot be read (the other bureaus of a folder of bureaus are still checked)."""
    if (in_turn := bureaus_in_turn(args.data, "check")) is None:
        return _check_folder(args.data)
    folders, bad = in_turn
    complete: list[str] = []
    incomplete: list[str] = []
    for folder in folders:
        bureau_heading(folder)
        try:
            (complete if _check_folder(folder) == EXIT_OK else incomplete).append(display_name(folder))
        except LoadError as exc:
            print_diagnostics(exc)
            bad.append(display_name(folder))
        except UserError as exc:
            print(str(exc), file=sys.stderr)
            bad.append(display_name(folder))
    # The last lines (of a cron mail, say): which bureaus to look at.
    if incomplete:
        rest = f"；其餘 {len(complete)} 個機關都完整" if complete else ""
        print(f"{len(incomplete)} 個機關的細部執行計畫尚未完整：{'、'.join(incomplete)}{rest}。")
    elif complete:
        print(f"✓ {len(complete)} 個機關的細部執行計畫都完整。")
    if bad:
        print(f"{len(bad)} 個資料夾有錯誤，未能檢查：{'、'.join(bad)}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_FAILED if incomplete else EXIT_OK


def _check_folder(data: Path) -> int:
    """The check of one data folder, printed; EXIT_FAILED when a subplan lacks points."""
    plan = load_plan(data)
    files = load_subplans(data, plan)
    subplans = {unit: f.subplan for unit, f in files.items()}
    folder = display_name(data)
    problems = check_subplans(plan, subplans, folder)

    def where(problem) -> str:
        if problem.unit not in files:
            return ""
        doc = files[problem.unit].doc
        return f"{doc.file}:{doc.where(problem.loc)[0]}" if problem.loc else doc.file

    # A practice a 「 #」 cut short is incomplete too; a 分局 left out of 各分局 lacks its points unnoticed.
    for warning in [*text_warnings(Path(data)), *units_warnings(data, plan)]:
        print(str(warning), file=sys.stderr)
    print(report(plan, subplans, problems, where, folder), flush=True)
    return EXIT_FAILED if problems else EXIT_OK
