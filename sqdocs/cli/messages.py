"""The messages more than one command prints (diagnostics, folders passed over, warnings, bugs),
and the exit codes of :mod:`sqdocs.cli.exits` for the commands to take from here."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqdocs.build import cached_report, cached_results, remembered
from sqdocs.cli.exits import (  # noqa: F401 — the commands take them from here
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
)
from sqdocs.errors import UserError
from sqdocs.folders import find_folders, loose_yaml, skipped_folders
from sqdocs.fsutil import display_name
from sqdocs.load import Diagnostic, LoadError, plan_warnings
from sqdocs.load.comments import files_text_warnings, text_warnings

if TYPE_CHECKING:
    from sqdocs.model import Plan



def interrupted_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM (:class:`Interrupted` says which)."""
    return EXIT_TERMINATED if getattr(exc, "signum", signal.SIGINT) == signal.SIGTERM else EXIT_INTERRUPTED


def explained(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` and, in line order, what the model cannot see of the text of the files
    with errors (a list item indented too far, a 「 #」 cutting a text short): such a slip is
    often the cause of an error elsewhere in its file (「未知的承辦單位」 after YAML joined two
    sub-units into one), which is all a command that only loads the file would say."""
    erring = {Path(d.file) for d in diagnostics if d.severity == "error" and d.file.endswith((".yaml", ".yml"))}
    known = set(diagnostics)
    return sorted([*diagnostics, *(w for w in files_text_warnings(sorted(erring)) if w not in known)])


def print_diagnostics(exc: LoadError) -> None:
    """Each problem of ``exc`` with its place (:func:`explained`), then how many errors there
    are and its note."""
    for d in explained(exc.diagnostics):
        print(str(d), file=sys.stderr)
    errors = sum(1 for d in exc.diagnostics if d.severity == "error")
    print(f"共 {errors} 個錯誤，請修正後再執行。", file=sys.stderr)
    if exc.note:
        print(exc.note, file=sys.stderr)


def passed_over(paths: list[Path], command: str) -> list[str]:
    """Say what the folders of bureaus in ``paths`` hold that is not read: the subfolders
    skipped, which are bad input and returned by name, and the loose YAML files, which are not."""
    bad = []
    for folder, reason in skipped_folders(paths, command):
        print(f"略過 {display_name(folder)}：{reason}", file=sys.stderr)
        bad.append(display_name(folder))
    _print_loose_yaml(paths)
    return bad


def bureaus_in_turn(data: Path, command: str) -> tuple[list[Path], list[str]] | None:
    """For a command that takes one data folder or a folder of bureaus one bureau at a time
    (validate, check): None when ``data`` is one data folder; else the bureaus to take in turn,
    each under its :func:`bureau_heading`, and the subfolders passed over, which are bad input
    (said already, by :func:`passed_over`)."""
    folders = find_folders([data])
    if folders == [data] and not skipped_folders([data], command):
        return None
    return [folder for folder in folders if folder != data], passed_over([data], command)


def bureau_heading(folder: Path) -> None:
    """The line a bureau's part of a folder's output starts with."""
    print(f"── {display_name(folder)}", flush=True)


def _print_loose_yaml(paths: list[Path]) -> None:
    """Name the YAML files beside the bureaus of a folder of bureaus: not read, and not an error."""
    for folder, names in loose_yaml(paths):
        print(f"注意：{display_name(folder)} 中的 {'、'.join(names)} 不在任何機關資料夾內，不會讀取", file=sys.stderr)


def folder_warnings(folder: Path, plan: Plan, *, subplans: bool, results: bool) -> list[Diagnostic]:
    """What validate would warn of in ``folder``, in the parts a command uses (分母為 0, a
    missing photo, a date outside the period …), in order; found once (:func:`remembered`)."""
    def find() -> list[Diagnostic]:
        found = list(cached_results(folder)[1]) if results else []
        if results:
            from sqdocs.load.charts import chart_warnings

            found += chart_warnings(folder, cached_report(folder))
        found += text_warnings(folder, subplans=subplans, results=results)
        found += plan_warnings(folder, plan)
        return sorted(found)

    return remembered(f"warnings of {'subplans, ' * subplans}{'results, ' * results}plan", folder, find)


def print_warnings(folder: Path, plan: Plan, *, subplans: bool, results: bool) -> None:
    """Print :func:`folder_warnings`: they explain what the output shows."""
    for warning in folder_warnings(folder, plan, subplans=subplans, results=results):
        print(str(warning), file=sys.stderr)


def is_bug(error: Exception | None) -> bool:
    """An error that is no fault of the input: neither bad data or forms nor the file system."""
    if error is None or isinstance(error, (LoadError, UserError, OSError)):
        return False
    from sqdocs.forms import FormError  # only now: openpyxl is slow to import

    return not isinstance(error, FormError)


def bug_lines(error: Exception, others: str) -> list[str]:
    """A bug met in one file of many, as said under that file; ``others`` says the rest are fine."""
    return [f"內部錯誤：{type(error).__name__}: {error}", f"請將此訊息與該檔回報給維護者；{others}"]
