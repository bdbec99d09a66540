"""``python -m sqdocs``: the ``sqdocs`` command, as ``python -m sqdocs.cli``."""

from sqdocs.cli import run

run()
