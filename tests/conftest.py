"""Shared fixtures: the sample plan and helpers to copy and break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqdocs.load import load_plan
from sqdocs.model import Plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "keelung-107"
SOURCE = ROOT.parent / "shared" / "source" / "keelung-107-service-quality-plan.txt"


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The Keelung 107 sample plan, loaded once."""
    return load_plan(SAMPLE)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample data folder."""
    target = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, target)
    return target
