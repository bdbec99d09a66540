"""The ``sqdocs`` command: parse arguments, call the library, print, set the exit code.

Each command is a module of this package named as it is typed (``sqdocs build`` is
:mod:`sqdocs.cli.build`) with one ``command(args) -> exit code``; the parser is in
:mod:`~sqdocs.cli.arguments`, exit codes and shared messages in :mod:`~sqdocs.cli.messages`.
This module runs one of them and turns what escapes it into a message and an exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import signal
import sys
import threading
import traceback
from typing import NoReturn

# Only what loads in an instant here: the parser and the messages import the data model (half
# a second), and a Ctrl-C while they load must end in a message, not a traceback (:func:`main`).
from sqdocs.cli.exits import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED
from sqdocs.errors import Interrupted, UserError
from sqdocs.gcpause import for_the_whole_process, paused, skip_exit_collections


def _tolerate_any_encoding() -> None:
    """Let stdout and stderr write what their encoding cannot hold as escapes (「\\u2713」).

    Redirected on Windows (cp950) or under a C locale, printing 「✓」 or a rare name
    character raised UnicodeEncodeError midway through a command.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _lines_in_order() -> None:
    """Write stdout line by line, as stderr is written.

    Redirected to one log (``> log.txt 2>&1``, a scheduled task, an editor's task pane), stdout
    went out in blocks at the end: a note on stderr (「注意：…」, 「✗ … 未更新」) came before the
    lines it follows, away from the file it is about.
    """
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> int:
    """Run one ``sqdocs`` command (``argv``, or the command line) and return its exit code."""
    _tolerate_any_encoding()
    _lines_in_order()
    try:
        # The modules imported here stay for the whole command: the collector need not walk
        # them while they load (sqdocs.gcpause).
        with paused():
            from sqdocs.cli.arguments import make_parser

        args = make_parser().parse_args(argv)
    except KeyboardInterrupt:
        print("已中斷；尚未開始執行。", file=sys.stderr)
        return EXIT_INTERRUPTED
    # SIGTERM (a wrapper's proc.terminate(), systemd, docker stop) stops the command as Ctrl-C
    # does: the temporary files are removed and a build stops its workers, which by default
    # SIGTERM would kill with none of that.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        try:
            return _command(args)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    except KeyboardInterrupt as exc:  # a SIGTERM once the command was done, before its handler went
        from sqdocs.cli.messages import interrupted_code

        if previous is not None:
            signal.signal(signal.SIGTERM, previous)  # it came before the old one was back
        return interrupted_code(exc)


def _command(args: argparse.Namespace) -> int:
    from sqdocs.build import loaded_afresh
    from sqdocs.cli.messages import interrupted_code, print_diagnostics
    from sqdocs.fsutil import os_error_text
    from sqdocs.load import LoadError

    try:
        # Each command's module only when it runs: `sqdocs validate` does not import the writers.
        with paused():
            module = importlib.import_module(f"sqdocs.cli.{args.command}")
        with loaded_afresh():
            return module.command(args)
    except LoadError as exc:
        print_diagnostics(exc)
        return EXIT_BAD_INPUT
    except UserError as exc:
        print(f"錯誤：{exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `sqdocs check … | head`: the reader has all it wants
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a folder that cannot be created, a full disk, no permission: where, not what
        # Commands without -o (subplan, form import) write into the data folder itself.
        print(f"錯誤：{os_error_text(exc, data_folder=not hasattr(args, 'output'))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        written = getattr(exc, "written", None)
        if written is None:
            print("已中斷；未完成的檔案沒有寫入。", file=sys.stderr)
        else:
            print(f"已中斷：已完成 {written} 份文件，其餘未產生；沒有寫到一半的檔案。", file=sys.stderr)
        return interrupted_code(exc)
    except Exception as exc:  # noqa: BLE001 — a bug must still end in a readable message
        if os.environ.get("SQDOCS_DEBUG"):
            traceback.print_exc()
        print(f"內部錯誤：{type(exc).__name__}: {exc}\n請將此訊息與資料檔回報給維護者（設 SQDOCS_DEBUG=1 可看詳細資訊）。", file=sys.stderr)
        return EXIT_INTERNAL


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for a reader that left is dropped at
    exit, instead of Python reporting another BrokenPipeError then."""
    with contextlib.suppress(OSError, ValueError):  # no real stdout (a test's capture): nothing to drop
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run() -> NoReturn:
    """The ``sqdocs`` console script: :func:`main`, then the process exits with its code."""
    for_the_whole_process()
    code = main()
    try:
        sys.stdout.flush()  # what is left of a short output goes out now, where a closed pipe is caught
    except BrokenPipeError:
        _quiet_stdout()
        code = code or EXIT_BROKEN_PIPE
    skip_exit_collections()
    sys.exit(code)
