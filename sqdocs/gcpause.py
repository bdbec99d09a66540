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

_command_is_the_process = False
"""Set by :func:`for_the_whole_process`: what a paused block loads lives as long as the process."""


def for_the_whole_process() -> None:
    """Say that this process ends when its one command does (the console script): what a
    :func:`paused` block loads is then set aside for good as the block ends (gc.freeze), not
    walked once as the collector comes back on (about 50 ms for the parser and a build's
    data). A caller that goes on (a test, an editor's preview) does not call this, and keeps
    every object collectable."""
    global _command_is_the_process
    _command_is_the_process = True


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is back as it was after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _command_is_the_process:
            gc.freeze()  # cheap: whole generations are moved, no object is visited
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
