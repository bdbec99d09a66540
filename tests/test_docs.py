"""The Chinese user guide: every command it shows still parses, every link it gives still leads somewhere.

A clerk copies commands from docs/使用手冊.md as they are; a renamed option or a moved file
must fail here rather than in the secretariat's hands.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, fill_markers, replace_once

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


def shown(first_line_has: str) -> list[str]:
    """The lines of the guide's first ```text block whose first line holds ``first_line_has``,
    as a terminal shows them (the block's own indent in a list item taken off)."""
    text = GUIDE.read_text(encoding="utf-8")
    for indent, block in re.findall(r"^([ \t]*)```text\n(.*?)^\1```", text, re.S | re.M):
        lines = [line.removeprefix(indent).rstrip() for line in block.splitlines()]
        if first_line_has in lines[0]:
            return lines
    raise AssertionError(f"the guide has no output starting with {first_line_has}")


def assert_printed(lines: list[str], out: str, err: str) -> None:
    """Every line the guide shows was printed word for word, in the guide's order within each of
    stdout and stderr; a line the guide shortens with 「…」 only stands for what it leaves out."""
    streams = [[line.rstrip() for line in stream.splitlines()] for stream in (out, err)]
    at = [0, 0]
    for line in lines:
        if "…" in line:
            continue
        for i, stream in enumerate(streams):
            if line in stream[at[i]:]:
                at[i] = stream.index(line, at[i]) + 1
                break
        else:
            raise AssertionError(f"the guide shows\n{line}\nbut the command printed\n{out}{err}")


def test_the_guide_s_year_start_shows_what_the_commands_print(tmp_path, monkeypatch, capsys):
    """Sections 3 and 4 of the guide replayed from the sample data, as a clerk would type them:
    each output the guide shows is what the command prints in that situation (its counts, line
    numbers and wording), bar what a 「…」 leaves out."""
    shutil.copytree(SAMPLE, tmp_path / "data" / "keelung-107")
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[str, str]:
        main(list(args))
        return capsys.readouterr()

    # 3.0: a new bureau that has changed only its agency
    shutil.copytree(SAMPLE, "data/hsinchu-113", ignore=shutil.ignore_patterns("subplans", "results", "README.md"))
    replace_once(Path("data/hsinchu-113/plan.yaml"), "agency: 基隆市警察局", "agency: 新竹市警察局")
    assert_printed(shown("data/hsinchu-113/annex3.yaml:3:8: title:"), *run("validate", "data/hsinchu-113"))
    # 3.1
    assert_printed(shown("✓ 已建立 data/keelung-108；"), *run("rollover", "data/keelung-107", "--to", "108"))
    assert_printed(shown("錯誤：data/keelung-108 已存在"), *run("rollover", "data/keelung-107", "--to", "108"))
    new = Path("data/keelung-108")
    annex1, annex3 = new / "annex1.yaml", new / "annex3.yaml"
    # 3.2 and 3.3
    assert_printed(shown("members[0].name: 尚未填寫："), *run("validate", str(new)))
    hint = '"【待填】局長的姓名（107 年為 黃明昭）"'
    replace_once(annex3, hint, hint.replace("【待填】", ""))
    assert_printed(shown("members[0].name: 「局長的姓名"), *run("validate", str(new)))
    replace_once(annex3, hint.replace("【待填】", ""), "黃明昭")
    fill_markers(new)
    assert_printed(shown("91 項具體作法、31 位考核小組成員）"), *run("validate", str(new)))
    # 3.4: one practice more, then the errors it lists, one edit at a time
    last = "              - 制訂業務「Q&A」題作測試，包含專業知識測驗或申辦案件處理測試。\n"
    replace_once(annex1, last, last + "              - 每季辦理櫃檯服務人員服務禮儀講習。\n")
    assert_printed(shown("92 項具體作法、31 位考核小組成員）"), *run("validate", str(new)))
    errors = shown("未知的承辦單位「交通對」")
    edits = [(annex1, "units: [刑警大隊, 交通隊,", "units: [刑警大隊, 交通對,"),
             (annex1, "            deadline: 賡續辦理\n            units: [交通隊, 婦幼隊",
              "            deadline: 108年6月底前\n            units: [交通隊, 婦幼隊"),
             (annex3, "\n    position: 局長\n", "\n   position: 局長\n"),
             (annex3, "\n    position: 局長\n", "\n     position: 局長\n")]
    for line, (path, old, new_text) in zip(errors, edits, strict=True):
        kept = path.read_text(encoding="utf-8")
        replace_once(path, old, new_text)
        assert_printed([line], *run("validate", str(new)))
        path.write_text(kept, encoding="utf-8")
    replace_once(annex1, "定期辦理公文講習，提升承辦人員公文品質。", "定期辦理公文講習，提升承辦人員公文品質 #每季一次")
    assert_printed(shown("警告：「定期辦理公文講習"), *run("validate", str(new)))
    replace_once(annex1, "公文品質 #每季一次", "公文品質。")
    # 4.1
    assert_printed(shown("✓ 已建立 data/keelung-108/subplans/第一分局.yaml"),
                   *run("subplan", "init", str(new), "--all", "--from", "data/keelung-107"))
    # 4.2
    assert_printed(shown("✓ 已產生 表單/第一分局細部計畫.xlsx"), *run("form", "subplan", str(new), "--all", "-o", "表單"))
    # 4.3: 第二分局 has set its two deadlines, 第三分局 and 第四分局 have no file yet
    second = new / "subplans" / "第二分局.yaml"
    second.write_text(re.sub(r"deadline: +# ←.*", "deadline: 賡續辦理", second.read_text(encoding="utf-8")),
                      encoding="utf-8")
    aside = tmp_path / "aside"
    aside.mkdir()
    for unit in ("第三分局", "第四分局"):
        (new / "subplans" / f"{unit}.yaml").rename(aside / f"{unit}.yaml")
    assert_printed(shown("細部執行計畫檢查："), *run("check", str(new)))
    for path in aside.iterdir():
        path.rename(new / "subplans" / path.name)
    # 4.4: the bureau assigns 服務人員專業度 to 各分局 too
    replace_once(annex1, "units: [秘書科, 訓練科, 外事科, 資訊科]", "units: [秘書科, 訓練科, 外事科, 資訊科, 各分局]")
    assert_printed(shown("缺少評核重點"), *run("check", str(new)))
    assert_printed(shown("✓ 已更新 data/keelung-108/subplans/第一分局.yaml"), *run("subplan", "update", str(new), "--all"))
