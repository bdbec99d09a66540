"""The Chinese user guide: every command it shows still parses, every link it gives still leads somewhere.

A clerk copies commands from docs/使用手冊.md as they are; a renamed option or a moved file
must fail here rather than in the secretariat's hands.
"""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import ROOT

from sqdocs.cli import main
from sqdocs.cli.arguments import make_parser

GUIDE = ROOT / "docs" / "使用手冊.md"
PROGRAMS = ("sqdocs", ".venv/bin/sqdocs")


def guide_commands(text: str) -> list[str]:
    """The sqdocs command lines of the guide's ```sh blocks (loop bodies included) and of its tables."""
    lines = []
    for block in re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.S | re.M):
        for line in block.splitlines():
            line = line.strip()
            if line.split(" ", 1)[0] in PROGRAMS:
                lines.append(line)
    # and the commands of the quick-reference table, `sqdocs …` in its cells
    for row in re.findall(r"^\|.*\|$", text, re.M):
        lines += [code for code in re.findall(r"`([^`]+)`", row) if code.split(" ", 1)[0] in PROGRAMS]
    return lines


def parse_error(line: str) -> str | None:
    """Why ``line`` does not parse with the CLI's argument parser, or None when it does."""
    words = shlex.split(line, comments=True)[1:]
    try:
        make_parser().parse_args(words)
    except SystemExit as exc:  # argparse exits on a bad command line, and after -h
        if exc.code not in (0, None) or "-h" not in words:
            return f"exit {exc.code}"
    return None


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def test_the_guide_shows_commands():
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    # every command of the yearly workflow is shown at least once
    shown = {" ".join(shlex.split(line)[1:3]) for line in commands}
    for command in ("rollover data/keelung-107", "validate data/keelung-108", "build data/keelung-108",
                    "subplan init", "subplan update", "check data/keelung-108", "form subplan",
                    "form results", "form import", "export data/keelung-107"):
        assert command in shown, command


@pytest.mark.parametrize("line", guide_commands(GUIDE.read_text(encoding="utf-8")))
def test_every_command_in_the_guide_parses(line, capsys):
    assert parse_error(line) is None, f"{line}\n{capsys.readouterr().err}"


def test_a_broken_command_is_caught(capsys):
    """The check itself: a renamed option fails, as the guide's would."""
    assert parse_error(".venv/bin/sqdocs build data/keelung-108 --onyl plan") == "exit 2"
    assert parse_error("sqdocs subplan init data/keelung-108 --unit 第一分局 --form data/keelung-107") == "exit 2"
    assert parse_error('.venv/bin/sqdocs form results data/keelung-108 --unit "$u" -o "表單/${u}執行成果.xlsx"') is None


def test_every_relative_link_in_the_guide_leads_to_a_file_and_heading():
    text = GUIDE.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    bad = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        path = (GUIDE.parent / target).resolve() if target else GUIDE
        if not path.is_file():
            bad.append(f"{link}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            bad.append(f"{link}: no such heading")
    assert bad == []


def test_the_readme_and_commands_link_to_the_guide():
    assert "[docs/使用手冊.md](docs/使用手冊.md)" in (ROOT / "README.md").read_text(encoding="utf-8")[:300]
    assert "(使用手冊.md)" in (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")[:600]


def test_the_readme_s_example_message_is_what_validate_prints_for_that_typo(data_copy, capsys):
    """The README shows a misspelt 承辦單位 as validate reports it; the place it names must be
    the one that typo in the sample data is reported at, so a reader can find it."""
    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace("units: [刑警大隊, 交通隊,", "units: [刑警大隊, 交通對,", 1),
                      encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 2
    message = capsys.readouterr().err.splitlines()[0].replace(str(data_copy), "data/keelung-107")
    assert "交通對" in message
    assert f"\n{message}\n" in (ROOT / "README.md").read_text(encoding="utf-8")
