"""``python -m sqdocs.cli``: the ``sqdocs`` command."""

from sqdocs.cli import run

run()
