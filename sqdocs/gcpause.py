"""Keeping Python's cyclic garbage collector off what a build loads once and keeps.

Loading the YAML, importing the writers and parsing a font create about a hundred thousand
objects that live until the command ends, and hardly any cyclic garbage. The collector
still walks them all whenever its counters fill, in each worker it is forked into, and up
to three times more as Python shuts down. Rendering does make garbage, so documents are
built with the collector on; it just no longer walks the loaded data.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is back as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Every object that exists now is set aside inside the block: no collector walks it, in
    this process or in a worker forked from it. The collector takes them back afterwards.

    A forked worker shares its parent's memory until it writes to a page, and a collection
    writes to every object it visits (its bookkeeping lives in each object's header): without
    this, each worker soon copies the loaded data, the writers and the fonts page by page.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def skip_exit_collections() -> None:
    """Call as the process ends: Python's shutdown then leaves the objects it would otherwise
    walk in its last collections (about 0.1 s after a build) to the operating system."""
    gc.freeze()
