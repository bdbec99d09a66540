"""``sqdocs schema``: the JSON Schemas of the data files, for editors."""

from __future__ import annotations

import argparse

from sqdocs.cli.messages import EXIT_OK
from sqdocs.schema import write_schemas


def command(args: argparse.Namespace) -> int:
    """Write the JSON Schemas and name each file written."""
    for path in write_schemas(args.output):
        print(f"✓ {path}")
    return EXIT_OK
