"""``sqdocs check``: does every 分局's subplan cover the points assigned to it?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqdocs.check import check_subplans, report
from sqdocs.cli.messages import EXIT_FAILED, EXIT_OK
from sqdocs.fsutil import display_name
from sqdocs.load import load_plan, load_subplans
from sqdocs.load.comments import text_warnings
from sqdocs.load.plan import units_warnings


def command(args: argparse.Namespace) -> int:
    """Print which assigned points each 分局's subplan lacks; exit 1 when any does."""
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

    # A practice a 「 #」 cut short is incomplete too; a 分局 left out of 各分局 lacks its points unnoticed.
    for warning in [*text_warnings(Path(args.data)), *units_warnings(args.data, plan)]:
        print(str(warning), file=sys.stderr)
    print(report(plan, subplans, problems, where, folder))
    return EXIT_FAILED if problems else EXIT_OK
