"""``sqdocs rollover``: next year's data folder from this year's."""

from __future__ import annotations

import argparse
import sys

from sqdocs.cli.messages import EXIT_OK
from sqdocs.fsutil import display_name
from sqdocs.rollover import rollover
from sqdocs.text.names import command_line


def command(args: argparse.Namespace) -> int:
    """Make next year's data folder and say what is left to fill in."""
    rolled = rollover(args.data, args.to, args.output)
    target = rolled.target
    for warning in sorted(rolled.warnings):  # they may have made a figure now in the history wrong
        print(str(warning), file=sys.stderr)
    print(f"✓ 已建立 {target}；請依 {target / 'README.md'} 補填標有「【待填】」的欄位，再執行 {command_line(['sqdocs', 'validate', display_name(target)])}")
    if rolled.indicators:
        print(f"  {rolled.indicators}")
    return EXIT_OK
