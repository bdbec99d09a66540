"""The package's layers, as README's 「How the code is laid out」 draws them: readers → model →
filters → writers, with text/ under all of them and the command on top."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sqdocs"

KNOWN: set[tuple[str, str]] = set()
"""Edges that break a rule and are left for now, as (module, what it imports)."""


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """What a module imports when it runs (not under ``if TYPE_CHECKING:``), as full names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])])
            found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
    return found


EDGES = {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _breaking(rule) -> list[tuple[str, str]]:
    return sorted(
        (source, target)
        for source, targets in EDGES.items()
        for target in targets
        if rule(source, target) and not any(source == known and _under(target, what) for known, what in KNOWN)
    )


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_the_model_knows_nothing_of_files_words_or_formats():
    allowed = set(sys.stdlib_module_names) | {"pydantic", "pydantic_core"}
    assert _breaking(
        lambda s, t: _under(s, "sqdocs.model")
        and not _under(t, "sqdocs.model", "sqdocs.text")
        and (t.startswith("sqdocs") or t.split(".")[0] not in allowed)
    ) == []


def test_text_stands_alone():
    assert _breaking(lambda s, t: _under(s, "sqdocs.text") and _under(t, "sqdocs") and not _under(t, "sqdocs.text")) == []


def test_readers_and_filters_import_no_writer_and_no_command():
    readers_filters = ("sqdocs.load", "sqdocs.derive", "sqdocs.report", "sqdocs.check", "sqdocs.outline")
    assert _breaking(lambda s, t: _under(s, *readers_filters) and _under(t, "sqdocs.writers", "sqdocs.cli")) == []


def test_filters_take_the_model_not_the_readers():
    assert _breaking(lambda s, t: _under(s, "sqdocs.derive", "sqdocs.report") and _under(t, "sqdocs.load")) == []


def test_readers_do_not_import_the_report():
    assert _breaking(lambda s, t: _under(s, "sqdocs.load") and _under(t, "sqdocs.report")) == []


@pytest.mark.parametrize("reader", ["sqdocs.load", "yaml"])
def test_writers_never_read_the_data_again(reader):
    assert _breaking(lambda s, t: _under(s, "sqdocs.writers") and _under(t, reader)) == []


def test_writers_derive_and_compile_nothing():
    """A writer is given its document: a 分局's detailed plan derived (derive.detailed_plan) and the
    report compiled before it runs, once for every format; it takes their types, no function."""

    def derives(target: str) -> bool:
        return (_under(target, "sqdocs.derive") and target not in ("sqdocs.derive", "sqdocs.derive.DetailedPlan")) or (
            _under(target, "sqdocs.report.compile", "sqdocs.report.compile_report")
        )

    assert _breaking(lambda s, t: _under(s, "sqdocs.writers") and derives(t)) == []


def test_only_the_command_imports_the_command():
    """And ``python -m sqdocs`` (sqdocs.__main__), which is the command."""
    assert _breaking(lambda s, t: _under(t, "sqdocs.cli") and not _under(s, "sqdocs.cli", "sqdocs.__main__")) == []
