"""Detailed plans (細部執行計畫): init from the bureau plan, update without losing work, check."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE, fill_markers

from sqdocs.check import KINDS, check_subplan, check_subplans
from sqdocs.cli import main
from sqdocs.derive import subplan_annex, subplan_changes
from sqdocs.fsutil import display_name
from sqdocs.load import LoadError, load_plan, load_subplans, read_subplan, subplan_path
from sqdocs.subplans.merge import apply_changes
from sqdocs.subplans.text import subplan_skeleton

PRECINCTS = ["第一分局", "第二分局", "第三分局", "第四分局"]


# ---- helpers -------------------------------------------------------------------


def assigned_by_hand(folder: Path, unit: str) -> list[tuple[str, str, str]]:
    """The points of annex1.yaml whose 承辦單位 name ``unit`` or a group holding it, read raw."""
    registry = yaml.safe_load((folder / "units.yaml").read_text(encoding="utf-8"))
    everyone = [u["name"] for u in registry["units"]]
    holds: dict[str, list[str]] = {name: [name] for name in everyone}
    for group in registry["groups"]:
        members = everyone if group.get("all") else group["members"]
        for name in [group["name"], *group.get("aliases", [])]:
            holds[name] = members
    annex = yaml.safe_load((folder / "annex1.yaml").read_text(encoding="utf-8"))
    found = []
    for dim in annex["dimensions"]:
        for item in dim.get("items", []):
            for point in item["points"]:
                if any(unit in holds[name] for name in point["units"]):
                    found.append((dim["name"], item["name"], point["name"]))
    return found


SLOT = re.compile(r"( +)practices: .*\n +-\n +deadline: .*\n +units: \[\] .*\n")


def fill(text: str, unit: str) -> str:
    """A skeleton with every slot filled, as a clerk would (distinct text per point)."""
    count = iter(range(1, 1000))

    def filled(match: re.Match[str]) -> str:
        pad, n = match.group(1), next(count)
        return (
            f"{pad}practices:\n{pad}  - {unit}第 {n} 項作法：各派出所每月辦理一次。\n"
            f"{pad}  - 行政組每季檢討第 {n} 項。\n"
            f"{pad}deadline: 107 年 6 月 30 日   # 本分局自訂\n{pad}units: [行政組, 各派出所]\n"
        )

    return SLOT.sub(filled, text)


@pytest.fixture()
def fresh(data_copy: Path) -> Path:
    """A copy of the sample data without subplans."""
    shutil.rmtree(data_copy / "subplans", ignore_errors=True)
    return data_copy


def filled_subplan(folder: Path, unit: str = "第一分局") -> Path:
    assert main(["subplan", "init", str(folder), "--unit", unit]) == 0
    path = subplan_path(folder, unit)
    path.write_text(fill(path.read_text(encoding="utf-8"), unit), encoding="utf-8")
    return path


def edit_annex1(folder: Path, old: str, new: str) -> None:
    path = folder / "annex1.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_POINT = """          - name: 洽公場所指引標示
            practices:
              - 各分局洽公場所設置明顯指引標示及雙語說明。
            deadline: 107 年 9 月 30 日
            units: [各分局]
"""
BEFORE_TRANSPARENCY = "          - name: 服務資訊透明度\n"


def only_insertions(old: str, new: str) -> list[str]:
    """The lines ``new`` adds to ``old``; fails if any line of ``old`` changed or went away."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), f"{tag}: {a[i1:i2]!r} → {b[j1:j2]!r}"
        if tag == "insert":
            added += b[j1:j2]
    return added


# ---- init ----------------------------------------------------------------------


@pytest.mark.parametrize("unit", [*PRECINCTS, "行政科", "勤指中心"])
def test_init_lists_exactly_the_points_assigned_through_the_registry(fresh: Path, capsys, unit: str):
    assert main(["subplan", "init", str(fresh), "--unit", unit]) == 0
    assert "✓ 已建立" in capsys.readouterr().out
    loaded = read_subplan(subplan_path(fresh, unit), load_plan(fresh))
    expected = assigned_by_hand(fresh, unit)
    assert [p.key for p in loaded.subplan.points] == expected
    if unit in PRECINCTS:
        assert len(expected) == 14  # every point of 各分局 and 各單位; none names a 分局 alone


def test_init_shows_bureau_practices_as_comments_not_data(fresh: Path, plan):
    text = subplan_skeleton(plan, "第二分局")
    data = yaml.safe_load(text)
    for ref in plan.points_for("第二分局"):
        for n, practice in enumerate(ref.point.practices, 1):
            assert f"#   {n}. {practice}" in text
    assert all(p["practices"] == [None] and p["deadline"] is None and p["units"] == [] for p in data["points"])
    assert "請勿修改" in text and "完成期限" in text  # instructions for the clerk
    assert data["unit"] == "第二分局" and "各派出所" in data["sub_units"]


def test_init_quotes_the_bureau_s_own_step_asking_for_detailed_plans(fresh: Path):
    """The header quoted Keelung's step in every bureau's file, whatever its own step said."""
    path = fresh / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    keelung = "各分局依據本執行計畫，訂定細部執行計畫確實執行，細部執行計畫以實務性、方法性為執行內容，依本執行計畫各評核構面項目、重點表列說明具體推動作法、完成期限、承辦單位等。"
    assert text.count(keelung) == 1
    path.write_text(text.replace(keelung, "各分局依本計畫訂定細部執行計畫，於 107 年 3 月 31 日前陳報本局核備。"), encoding="utf-8")
    header = subplan_skeleton(load_plan(fresh), "第二分局").split("填寫說明", 1)[0]
    assert ("# 依「基隆市警察局 107 年度提升服務品質執行計畫」陸、執行步驟七：各分局依本計畫訂定細部執行計畫，\n"
            "# 於 107 年 3 月 31 日前陳報本局核備。\n") in header
    assert "實務性" not in header


def test_init_twice_refuses_and_keeps_the_file(fresh: Path, capsys):
    path = filled_subplan(fresh)
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["subplan", "init", str(fresh), "--unit", "第一分局"]) == 2
    err = capsys.readouterr().err
    assert "已存在" in err and "subplan update" in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("unit,message", [("第五分局", "現有的是「第一分局」「第二分局」「第三分局」「第四分局」"), ("各分局", "群組")])
def test_init_unknown_unit_or_group_exits_2(fresh: Path, capsys, unit: str, message: str):
    assert main(["subplan", "init", str(fresh), "--unit", unit]) == 2
    assert message in capsys.readouterr().err
    assert not (fresh / "subplans").exists()


# ---- update --------------------------------------------------------------------


def test_update_adds_a_new_point_and_keeps_the_units_text_byte_for_byte(fresh: Path, capsys):
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    capsys.readouterr()

    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    out = capsys.readouterr().out
    assert "新增：基礎服務／服務友善／洽公場所指引標示" in out

    new = path.read_text(encoding="utf-8")
    added = "".join(only_insertions(old, new))
    assert "point: 洽公場所指引標示" in added
    # every block of the unit's own text is still there, unchanged
    for block in old.split("\n\n"):
        assert block in new
    backup = path.with_name("第一分局.yaml.bak.1")
    assert backup.read_text(encoding="utf-8") == old

    # placed in the bureau's order, between 服務行為的友善性 and 服務資訊透明度
    loaded = read_subplan(path, load_plan(fresh))
    names = [p.point for p in loaded.subplan.points]
    assert names.index("洽公場所指引標示") == names.index("服務行為的友善性") + 1
    assert [p.key for p in loaded.subplan.points] == assigned_by_hand(fresh, "第一分局")


def outline(text: str) -> list[str]:
    """The points list as init lays it out: blank lines, the dimension and item headings and
    each entry's names, the clerk's text and update's own marks left out."""
    body = text[text.index("\npoints:\n"):].splitlines()
    return [line for line in body if not line.strip() or re.fullmatch(
        r"  (# ══ .+ ══|# ── 評核項目：.+ ──|- dimension: .+|  (item|point): .+)", line)]


def move_point(folder: Path, point: str, before: str) -> None:
    """In annex1.yaml, the point named ``point`` put right before the line ``before``."""
    path = folder / "annex1.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"          - name: {point}\n")
    end = re.compile(r"\n *- (?:name|scope): ").search(text, start + 1).start() + 1
    block, text = text[start:end], text[:start] + text[end:]
    at = text.index(before)
    path.write_text(text[:at] + block + text[at:], encoding="utf-8")


def test_update_puts_a_new_point_under_its_own_item_heading_as_init_does(fresh: Path, capsys):
    """A point new first in an item the file has goes under that item's heading, not at the end
    of the item before; a point of an item or a dimension new to the file brings their headings:
    the points list reads as init writes it for the plan now, the unit's lines all kept."""
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    first_friendly = "          - name: 網站使用便利性\n"
    edit_annex1(fresh, first_friendly, NEW_POINT + first_friendly)
    edit_annex1(fresh, "  - scope: 個別\n    name: 服務量能\n",
                "      - name: 服務溫度\n        points:\n" + NEW_POINT.replace("洽公場所指引標示", "主動關懷")
                + "  - scope: 個別\n    name: 服務量能\n")
    edit_annex1(fresh, "dimensions:\n", "dimensions:\n  - scope: 個別\n    name: 服務創新\n    items:\n"
                "      - name: 創新作法\n        points:\n" + NEW_POINT.replace("洽公場所指引標示", "智慧報案"))
    capsys.readouterr()

    assert update_first(fresh) == 0
    assert capsys.readouterr().out.count("新增：") == 3
    new = path.read_text(encoding="utf-8")
    only_insertions(old, new)
    assert outline(new) == outline(subplan_skeleton(load_plan(fresh), "第一分局"))
    assert "  # ── 評核項目：服務友善 ──\n  # ── 本局計畫新增的評核重點" in new


def test_update_puts_a_new_point_after_a_moved_one_under_its_item_heading(fresh: Path, capsys):
    """The bureau moves a point to the head of another item and adds one after it: the new
    entry follows the moved one in the bureau's order, under the heading of its own item,
    as init writes it (the moved entry keeps its place, its names rewritten)."""
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    move_point(fresh, "服務資訊透明度", "          - name: 建置單一窗口整合服務\n")
    edit_annex1(fresh, "          - name: 建置單一窗口整合服務\n", NEW_POINT + "          - name: 建置單一窗口整合服務\n")
    capsys.readouterr()

    assert update_first(fresh) == 0
    out = capsys.readouterr().out
    assert "新增：服務遞送／服務便捷／洽公場所指引標示" in out and "移動：基礎服務／服務友善／服務資訊透明度" in out
    new = path.read_text(encoding="utf-8")
    names = [p.point for p in read_subplan(path, load_plan(fresh)).subplan.points]
    assert names.index("洽公場所指引標示") == names.index("服務資訊透明度") + 1
    entry = new[new.index("  # ══ 個別評核構面-服務遞送 ══\n"):]
    assert entry.startswith("  # ══ 個別評核構面-服務遞送 ══\n\n  # ── 評核項目：服務便捷 ──\n"
                            "  # ── 本局計畫新增的評核重點（sqdocs subplan update 加入），請填寫 ──\n"
                            "  - dimension: 服務遞送\n    item: 服務便捷\n    point: 洽公場所指引標示\n")
    moved = "  - dimension: 服務遞送\n    item: 服務便捷\n    point: 服務資訊透明度\n"
    only_insertions(old, new.replace(moved, moved.replace("服務遞送", "基礎服務").replace("服務便捷", "服務友善")))


def test_update_puts_a_new_point_past_the_entries_of_a_deleted_item(fresh: Path, capsys):
    """The bureau deletes the item before the one it adds a point to: the new entry goes under
    its item's heading past the entries marked removed, which stay under their own headings
    (it went before them, with the next dimension's heading over them)."""
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    annex1 = fresh / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    start, end = text.index("      - name: 服務友善\n"), text.index("  - scope: 個別\n    name: 服務遞送\n")
    annex1.write_text(text[:start] + text[end:], encoding="utf-8")
    edit_annex1(fresh, "          - name: 建置單一窗口整合服務\n", NEW_POINT + "          - name: 建置單一窗口整合服務\n")
    capsys.readouterr()

    assert update_first(fresh) == 0
    new = path.read_text(encoding="utf-8")
    only_insertions(old, new)
    headings = [line for line in new.splitlines() if re.fullmatch(r"  # (══|── 評核項目：).+", line)]
    assert len(headings) == len(set(headings))  # none written twice
    removed = new.index("  # ── 評核項目：服務友善 ──\n")
    assert new.index("  # ══ 個別評核構面-服務遞送 ══\n") > new.rindex("    removed: true\n") > removed
    assert ("  # ── 評核項目：服務便捷 ──\n  # ── 本局計畫新增的評核重點（sqdocs subplan update 加入），請填寫 ──\n"
            "  - dimension: 服務遞送\n    item: 服務便捷\n    point: 洽公場所指引標示\n") in new


def test_update_marks_a_removed_point_and_keeps_its_text(fresh: Path, capsys):
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    annex = (fresh / "annex1.yaml").read_text(encoding="utf-8")
    start = annex.index("          - name: 服務及時性\n")
    end = annex.index("          - name: 服務人員專業度\n")
    (fresh / "annex1.yaml").write_text(annex[:start] + annex[end:], encoding="utf-8")

    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    assert "標記 removed：基礎服務／服務一致及正確／服務及時性" in capsys.readouterr().out
    new = path.read_text(encoding="utf-8")
    added = only_insertions(old, new)
    assert [line.strip() for line in added][-1] == "removed: true"
    assert any("本局計畫已刪除此評核重點" in line for line in added)

    loaded = read_subplan(path, load_plan(fresh))
    entry = next(p for p in loaded.subplan.points if p.point == "服務及時性")
    assert entry.removed and entry.practices  # the unit's practices are still there


def test_update_marks_a_point_no_longer_assigned_and_restores_it_later(fresh: Path):
    path = filled_subplan(fresh)
    plan_text = (fresh / "annex1.yaml").read_text(encoding="utf-8")
    edit_annex1(fresh, "units: [秘書科, 交通隊, 各分局]", "units: [秘書科, 交通隊]")
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    marked = path.read_text(encoding="utf-8")
    assert "本局計畫已不再指派本單位辦理此評核重點" in marked
    # check still asks for the entry to go, and says it is marked already: nothing more to run
    (problem,) = check_subplan(load_plan(fresh), read_subplan(path, load_plan(fresh)).subplan)
    assert problem.kind == "not_assigned" and "（已標記 removed）；確認後請整項刪除" in problem.message

    (fresh / "annex1.yaml").write_text(plan_text, encoding="utf-8")  # the bureau assigns it again
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    loaded = read_subplan(path, load_plan(fresh))
    assert not any(p.removed for p in loaded.subplan.points)
    assert path.with_name("第一分局.yaml.bak.2").read_text(encoding="utf-8") == marked
    assert check_subplan(load_plan(fresh), loaded.subplan) == []


def test_update_without_changes_writes_nothing(fresh: Path, capsys):
    path = filled_subplan(fresh)
    before = path.read_bytes()
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    assert "未修改" in capsys.readouterr().out
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["第一分局.yaml"]


def test_update_of_a_missing_subplan_exits_2(fresh: Path, capsys):
    assert main(["subplan", "update", str(fresh), "--unit", "第三分局"]) == 2
    assert "subplan init" in capsys.readouterr().err


def test_update_keeps_crlf_and_handles_existing_removed_field(plan):
    from sqdocs.model import Subplan

    # the clerk's file has Windows line ends and an extra entry of its own with "removed: false"
    text = fill(subplan_skeleton(plan, "第四分局"), "第四分局") + (
        "  - dimension: 基礎服務\n    item: 服務一致及正確\n    point: 服務人員專業度\n"
        "    practices: [自行加列的作法。]\n    removed: false\n"
    )
    crlf = text.replace("\n", "\r\n")
    subplan = Subplan.model_validate(yaml.safe_load(crlf))
    changes = subplan_changes(plan, subplan)
    assert [(r.index, r.deleted) for r in changes.removed] == [(14, False)] and not changes.added
    new = apply_changes(crlf, plan, subplan, changes)
    assert "\n" not in new.replace("\r\n", "")
    assert new == crlf.replace("removed: false", "removed: true")


def test_update_into_an_empty_points_list(plan):
    from sqdocs.model import Subplan

    text = "unit: 第三分局\nsub_units: [行政組]\npoints: []   # 尚未列出\n"
    subplan = Subplan.model_validate(yaml.safe_load(text))
    new = apply_changes(text, plan, subplan, subplan_changes(plan, subplan))
    assert new.startswith("unit: 第三分局\nsub_units: [行政組]\npoints:    # 尚未列出\n")  # only "[]" went
    assert [tuple(p[k] for k in ("dimension", "item", "point")) for p in yaml.safe_load(new)["points"]] == [
        ref.key for ref in plan.points_for("第三分局")
    ]



# ---- update: the bureau's reference comments ----------------------------------------

UPDATE_1 = ["subplan", "update", "DATA", "--unit", "第一分局"]


def update_first(folder: Path) -> int:
    return main([str(folder) if arg == "DATA" else arg for arg in UPDATE_1])


def edit_point(folder: Path, point: str, old: str, new: str) -> None:
    """In annex1.yaml, ``old`` → ``new`` once, within the point named ``point``."""
    path = folder / "annex1.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"          - name: {point}\n")
    end = re.compile(r"\n *- (?:name|scope): ").search(text, start + 1).start()
    assert old in text[start:end], (point, old)
    path.write_text(text[:start] + text[start:end].replace(old, new, 1) + text[end:], encoding="utf-8")


def entry_comments(text: str) -> list[str]:
    """The comment lines inside the entries of a subplan (the header's point count aside)."""
    return [line for line in text.splitlines() if line.startswith("    #")]


def changed_lines(old: bytes, new: bytes, newline: bytes = b"\n") -> list[tuple[bytes, bytes]]:
    """(old line, new line) of every line that differs; fails if lines were added or removed."""
    a, b = old.split(newline), new.split(newline)
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_update_refreshes_the_bureaus_deadline_in_the_reference_comments_only(fresh: Path, capsys):
    path = filled_subplan(fresh)
    old = path.read_bytes()
    edit_point(fresh, "服務及時性", "deadline: 賡續辦理", "deadline: 107 年 5 月 31 日")
    capsys.readouterr()

    assert update_first(fresh) == 0
    out = capsys.readouterr().out
    assert "更新本局參考說明：基礎服務／服務一致及正確／服務及時性（完成期限 賡續辦理 → 107 年 5 月 31 日）" in out
    assert "新增" not in out and "removed" not in out
    new = path.read_bytes()
    terms = "；本局承辦單位：交通隊、婦幼隊、外事科、資訊科、勤指中心、各分局"
    assert changed_lines(old, new) == [(  # every other line, the unit's and the rest, byte for byte
        f"    # 本局完成期限：賡續辦理{terms}".encode(), f"    # 本局完成期限：107 年 5 月 31 日{terms}".encode())]
    # the comments say again what init writes for the bureau's plan as it now is
    assert entry_comments(new.decode()) == entry_comments(subplan_skeleton(load_plan(fresh), "第一分局"))
    assert path.with_name("第一分局.yaml.bak.1").read_bytes() == old


def test_update_with_nothing_stale_left_writes_nothing(fresh: Path, capsys):
    path = filled_subplan(fresh)
    edit_point(fresh, "服務及時性", "units: [交通隊, 婦幼隊, ", "units: [督察科, 交通隊, 婦幼隊, ")
    capsys.readouterr()
    assert update_first(fresh) == 0
    assert ("更新本局參考說明：基礎服務／服務一致及正確／服務及時性（承辦單位 交通隊、婦幼隊、外事科、資訊科、勤指中心、各分局 → "
            "督察科、交通隊、婦幼隊、外事科、資訊科、勤指中心、各分局）") in capsys.readouterr().out
    refreshed = path.read_bytes()

    assert update_first(fresh) == 0
    assert "未修改" in capsys.readouterr().out
    assert path.read_bytes() == refreshed
    assert sorted(p.name for p in path.parent.iterdir()) == ["第一分局.yaml", "第一分局.yaml.bak.1"]


def updated_with_the_new_point_and_a_refresh(folder: Path, capsys) -> None:
    """update_first adds NEW_POINT and refreshes the reference comments of 服務行為的友善性."""
    capsys.readouterr()
    assert update_first(folder) == 0
    out = capsys.readouterr().out
    assert "新增：基礎服務／服務友善／洽公場所指引標示" in out
    assert "更新本局參考說明：基礎服務／服務友善／服務行為的友善性（具體作法改為本局計畫所列）" in out


def test_update_refreshes_changed_practices_beside_a_new_point(fresh: Path, capsys):
    """A practice the bureau writes over several lines is one comment line, as init writes it;
    the block grows by the practice added, and the new point goes in right after it."""
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    last = "              - 雨天時提供民眾收納警察刑事紀錄證明文件夾。\n"
    edit_point(fresh, "服務行為的友善性", last, last + "              - |\n                夜間洽公民眾\n                由值班人員  引導。\n")
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    updated_with_the_new_point_and_a_refresh(fresh, capsys)
    new = path.read_text(encoding="utf-8")
    added = only_insertions(old, new)  # no line of the file changed or went away
    assert added[0] == "    #   4. 夜間洽公民眾 由值班人員 引導。\n"
    assert "    point: 洽公場所指引標示\n" in added[1:]
    assert entry_comments(new) == entry_comments(subplan_skeleton(load_plan(fresh), "第一分局"))
    names = [p.point for p in read_subplan(path, load_plan(fresh)).subplan.points]
    assert names.index("洽公場所指引標示") == names.index("服務行為的友善性") + 1


@pytest.mark.parametrize("wrapped", [
    "  - 第一分局第 1 項作法：\n        各派出所每月辦理一次。\n",  # a plain line continued below it
    "  - >-\n        第一分局第 1 項作法：\n        各派出所每月辦理一次。\n",
])
def test_update_of_a_practice_wrapped_over_lines_of_chinese(fresh: Path, capsys, wrapped: str):
    """Read back with PyYAML alone, the update's check joined the lines with a space, as the loader
    does not between Chinese characters: every update of the file failed with 「內部錯誤」."""
    path = filled_subplan(fresh)
    text = path.read_text(encoding="utf-8")
    one = "  - 第一分局第 1 項作法：各派出所每月辦理一次。\n"
    assert text.count(one) == 1
    path.write_text(text.replace(one, wrapped), encoding="utf-8")
    old = path.read_text(encoding="utf-8")
    assert read_subplan(path, load_plan(fresh)).subplan.points[0].practices[0] == "第一分局第 1 項作法：各派出所每月辦理一次。"
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    capsys.readouterr()
    assert update_first(fresh) == 0
    assert "新增：基礎服務／服務友善／洽公場所指引標示" in capsys.readouterr().out
    only_insertions(old, path.read_text(encoding="utf-8"))


def test_update_refreshes_a_moved_entry_to_its_new_point_and_leaves_a_removed_one(fresh: Path, capsys):
    path = filled_subplan(fresh)
    old = path.read_text(encoding="utf-8")
    edit_point(fresh, "申辦業務標準作業流程訂定情形", "deadline: 賡續辦理", "deadline: 107 年 4 月 30 日")
    edit_annex1(fresh, "name: 服務一致及正確\n", "name: 服務一致正確\n")  # its points move with the unit's text
    dropped = "簡化內部作業，並聚焦核心業務，創新精進服務"  # no longer the 分局's: marked removed
    edit_point(fresh, dropped, "deadline: 賡續辦理\n            units: [秘書科, 交通隊, 各分局]",
               "deadline: 107 年 3 月 31 日\n            units: [秘書科, 交通隊]")
    capsys.readouterr()

    assert update_first(fresh) == 0
    out = capsys.readouterr().out
    assert "更新本局參考說明：基礎服務／服務一致正確／申辦業務標準作業流程訂定情形（完成期限 賡續辦理 → 107 年 4 月 30 日）" in out
    assert f"{dropped}（本局計畫已不再指派本單位辦理此評核重點）" in out
    assert out.count("更新本局參考說明") == 1
    new = path.read_text(encoding="utf-8")
    at = new.index(f"point: {dropped}\n")
    assert "# 本局完成期限：賡續辦理；本局承辦單位：秘書科、交通隊、各分局\n" in new[at:]  # the removed entry's, as it was
    was, now = (text.split("\n") for text in (old, new))
    gone = [line for line in was if line not in now]
    assert sorted(gone) == sorted(["  # ── 評核項目：服務一致及正確 ──",  # its heading names the item as init would
                                   "    # 本局完成期限：賡續辦理；本局承辦單位：刑警大隊、交通隊、保安科、外事科、各分局",
                                   *["    item: 服務一致及正確"] * 2])
    assert "  # ── 評核項目：服務一致正確 ──" in now


def test_update_leaves_reference_comments_the_unit_edited(fresh: Path, capsys):
    """Comments not as sqdocs wrote them are the unit's own words: edited, cut into or deleted,
    they stay as they are though the bureau changed the point; an untouched block is refreshed."""
    path = filled_subplan(fresh)
    text = path.read_text(encoding="utf-8")
    noted = "    # 本局完成期限：賡續辦理（本分局提前至 5 月底）；本局承辦單位：交通隊、婦幼隊、外事科、資訊科、勤指中心、各分局\n"
    text = text.replace(noted.replace("（本分局提前至 5 月底）", ""), noted, 1)
    first = text.index("point: 申辦業務標準作業流程訂定情形\n")
    start = text.index("    # 本局具體作法", first)
    text = text[:start] + text[text.index("    practices:", start):]  # deleted
    website = text.index("point: 網站使用便利性\n")
    second = text.index("    #   2. ", website)
    text = text[:second] + "    # 本分局：第 2 項由行政組辦理\n" + text[second:]  # cut into
    path.write_text(text, encoding="utf-8")
    old = path.read_bytes()
    for point in ("服務及時性", "申辦業務標準作業流程訂定情形", "網站使用便利性", "服務行為的友善性"):
        edit_point(fresh, point, "deadline: 賡續辦理", "deadline: 107 年 8 月 31 日")
    capsys.readouterr()

    assert update_first(fresh) == 0
    out, err = capsys.readouterr()
    assert [line.strip() for line in out.splitlines()[1:]] == [
        "更新本局參考說明：基礎服務／服務友善／服務行為的友善性（完成期限 賡續辦理 → 107 年 8 月 31 日）"]
    # What it left it says so of: those comments may no longer be what the bureau's point says.
    assert err.startswith("注意：2 個評核重點的本局參考說明（「#」開頭的註解）經過編輯，未自動更新："
                          "基礎服務／服務一致及正確／服務及時性、") and "／網站使用便利性；" in err
    terms = "；本局承辦單位：各直屬隊、秘書科、行政科、各分局"
    assert changed_lines(old, path.read_bytes()) == [
        (f"    # 本局完成期限：賡續辦理{terms}".encode(), f"    # 本局完成期限：107 年 8 月 31 日{terms}".encode())]


@pytest.mark.parametrize("name", ["交通隊(事故處理組)", "保安警察大隊 第一中隊"])
def test_update_refreshes_a_block_naming_a_unit_with_brackets_or_a_space(fresh: Path, capsys, name: str):
    """Such a name is the registry's, not a clerk's note: the block init wrote with it is still
    sqdocs's, and refreshed when the bureau changes the point."""
    units = fresh / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace(
        "  - name: 人事室\n", f"  - name: {name}\n    kind: 隊\n  - name: 人事室\n", 1), encoding="utf-8")
    edit_point(fresh, "服務及時性", "units: [交通隊, ", f"units: [{name}, 交通隊, ")
    path = filled_subplan(fresh)
    old = path.read_bytes()
    practice = "俾利掌控案件處置情形。"
    edit_point(fresh, "服務及時性", practice, "俾利即時掌控案件處置情形。")
    capsys.readouterr()

    assert update_first(fresh) == 0
    assert "更新本局參考說明：基礎服務／服務一致及正確／服務及時性（具體作法改為本局計畫所列）" in capsys.readouterr().out
    [(was, now)] = changed_lines(old, path.read_bytes())
    assert was.decode().startswith("    #   1. ") and was.decode().endswith(practice)
    assert now.decode().endswith("俾利即時掌控案件處置情形。")


def test_update_refreshes_a_crlf_file_with_a_bom_in_its_own_line_ends(fresh: Path, capsys):
    path = filled_subplan(fresh)
    old = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(old)
    edit_point(fresh, "服務及時性", "deadline: 賡續辦理", "deadline: 107 年 5 月 31 日")
    capsys.readouterr()

    assert update_first(fresh) == 0
    assert "更新本局參考說明：基礎服務／服務一致及正確／服務及時性" in capsys.readouterr().out
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") and b"\n" not in new.replace(b"\r\n", b"")
    terms = "；本局承辦單位：交通隊、婦幼隊、外事科、資訊科、勤指中心、各分局"
    assert changed_lines(old, new, b"\r\n") == [
        (f"    # 本局完成期限：賡續辦理{terms}".encode(), f"    # 本局完成期限：107 年 5 月 31 日{terms}".encode())]
    assert path.with_name("第一分局.yaml.bak.1").read_bytes() == old

@pytest.mark.parametrize("when", ["read_subplan", "apply_changes"])
def test_update_of_a_file_saved_meanwhile_writes_nothing_and_keeps_the_save(fresh: Path, capsys, monkeypatch, when: str):
    """The unit saves its file while update works on it (an editor left open, a colleague on the
    shared drive): read after the entries were, it was an internal error (exit 70); saved after
    the update was worked out, it was overwritten and its text in no backup."""
    import sqdocs.subplans.files

    path = filled_subplan(fresh)
    edit_point(fresh, "服務及時性", "deadline: 賡續辦理", "deadline: 107 年 5 月 31 日")
    saved = path.read_bytes().replace("第 2 項作法".encode(), "第 2 項作法（修正）".encode(), 1)
    real = getattr(sqdocs.subplans.files, when)

    def and_save(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_bytes(saved)
        return result

    monkeypatch.setattr(sqdocs.subplans.files, when, and_save)
    capsys.readouterr()
    assert update_first(fresh) == 2
    err = capsys.readouterr().err
    assert "第一分局.yaml 在讀取" in err and "被修改（可能是編輯器剛存檔）" in err and "未寫入任何檔案" in err
    assert "內部錯誤" not in err
    assert path.read_bytes() == saved
    assert [p.name for p in path.parent.iterdir()] == ["第一分局.yaml"]


def test_update_of_a_file_mixing_crlf_and_lf_changes_only_the_line_the_bureau_changed(fresh: Path, capsys):
    """Lines edited on Windows and elsewhere: a reference line that stays as it was keeps its own
    line end, and the one rewritten keeps the end it had, rather than the block taking CRLF."""
    path = filled_subplan(fresh)
    lines = path.read_bytes().split(b"\n")
    old = b"\n".join(line + b"\r" if n % 2 else line for n, line in enumerate(lines[:-1])) + b"\n"
    path.write_bytes(old)
    practice = "俾利掌控案件處置情形。"
    edit_point(fresh, "服務及時性", practice, "俾利即時掌控案件處置情形。")
    capsys.readouterr()

    assert update_first(fresh) == 0
    assert "更新本局參考說明：基礎服務／服務一致及正確／服務及時性（具體作法改為本局計畫所列）" in capsys.readouterr().out
    assert path.read_bytes() == old.replace(practice.encode(), "俾利即時掌控案件處置情形。".encode(), 1)


# ---- every unit at once: init --all, update --all ----------------------------------


def next_year(folder: Path) -> Path:
    """108's folder rolled over from the sample, its 【待填】 fields filled as a clerk would."""
    assert main(["rollover", str(folder), "--to", "108"]) == 0
    target = folder.parent / "keelung-108"
    fill_markers(target)
    return target


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((folder / "subplans").iterdir())}


def test_init_all_writes_the_skeleton_of_every_precinct(fresh: Path, capsys):
    assert main(["subplan", "init", str(fresh), "--all"]) == 0
    out = capsys.readouterr().out
    plan = load_plan(fresh)
    assert files_of(fresh) == {f"{unit}.yaml": subplan_skeleton(plan, unit).encode("utf-8") for unit in PRECINCTS}
    for unit in PRECINCTS:
        assert [p.key for p in read_subplan(subplan_path(fresh, unit), plan).subplan.points] == assigned_by_hand(fresh, unit)
        assert f"✓ 已建立 {subplan_path(fresh, unit)}：14 個評核重點\n" in out
    assert out.splitlines()[-1] == f"✓ 已建立 4 個單位的細部執行計畫；請依檔案開頭的說明填寫，填完執行 sqdocs check {fresh}"


def test_init_all_leaves_a_unit_that_has_a_subplan_alone_and_names_it(fresh: Path, capsys):
    path = filled_subplan(fresh, "第二分局")
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["subplan", "init", str(fresh), "--all"]) == 0
    out = capsys.readouterr().out
    assert path.read_bytes() == before
    assert sorted(files_of(fresh)) == sorted(f"{unit}.yaml" for unit in PRECINCTS)  # no backup either
    assert f"略過 第二分局：{path} 已存在，init 不會覆蓋\n" in out
    assert "✓ 已建立 3 個單位的細部執行計畫；已有檔案的 1 個單位未修改" in out

    assert main(["subplan", "init", str(fresh), "--all"]) == 0  # again: nothing left to make
    out = capsys.readouterr().out
    assert out.count("已存在，init 不會覆蓋") == 4
    assert f"未建立任何檔案；本局計畫修訂後，請執行 sqdocs subplan update {fresh} --all" in out
    assert path.read_bytes() == before


def test_init_all_from_last_year_writes_what_init_of_each_unit_writes(data_copy: Path, tmp_path: Path, capsys):
    target = next_year(data_copy)
    (data_copy / "subplans" / "第三分局.yaml").unlink()  # 第三分局 wrote none last year
    alone = tmp_path / "alone" / "keelung-108"
    shutil.copytree(target, alone)
    capsys.readouterr()

    assert main(["subplan", "init", str(target), "--all", "--from", str(data_copy)]) == 0
    out = capsys.readouterr().out
    for unit in PRECINCTS:
        carried = unit != "第三分局"
        assert main(["subplan", "init", str(alone), "--unit", unit, *(["--from", str(data_copy)] if carried else [])]) == 0
    assert files_of(target) == files_of(alone)
    assert out.count("帶入 107 年的具體作法與承辦單位：14 個評核重點") == 3
    assert (f"✓ 已建立 {subplan_path(target, '第三分局')}：14 個評核重點\n"
            f"  {data_copy} 沒有第三分局的細部執行計畫（{subplan_path(data_copy, '第三分局')}），由空白範本開始\n") in out
    first = read_subplan(subplan_path(target, "第一分局"), load_plan(target)).subplan
    assert all(point.practices for point in first.points)


def test_init_all_checks_everything_before_writing_anything(data_copy: Path, capsys):
    target = next_year(data_copy)
    shutil.move(data_copy / "subplans" / "第二分局.yaml", data_copy / "subplans" / "第二分局.yml")
    broken = data_copy / "subplans" / "第四分局.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("points:", "points: [", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["subplan", "init", str(target), "--all", "--from", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "第二分局.yml 是此單位的細部執行計畫，但檔名不對；請先改名為 第二分局.yaml" in err
    assert "未建立任何細部執行計畫" in err
    assert not (target / "subplans").exists()

    shutil.move(data_copy / "subplans" / "第二分局.yml", data_copy / "subplans" / "第二分局.yaml")
    assert main(["subplan", "init", str(target), "--all", "--from", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"{broken}:" in err and "YAML 語法錯誤" in err and "未建立任何細部執行計畫" in err
    assert "Traceback" not in err
    assert not (target / "subplans").exists()

    (target / "subplans").mkdir()  # this year's, saved as .yml: not written beside
    (target / "subplans" / "第三分局.yml").write_text("unit: 第三分局\n", encoding="utf-8")
    assert main(["subplan", "init", str(target), "--all"]) == 2
    assert "第三分局.yml 是此單位的細部執行計畫，但檔名不對" in capsys.readouterr().err
    assert [p.name for p in (target / "subplans").iterdir()] == ["第三分局.yml"]


def _filled_precincts(folder: Path) -> None:
    for unit in PRECINCTS:
        filled_subplan(folder, unit)


def test_update_all_updates_each_file_as_update_of_its_unit(fresh: Path, tmp_path: Path, capsys):
    _filled_precincts(fresh)
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    alone = tmp_path / "alone" / "keelung-107"
    shutil.copytree(fresh, alone)
    capsys.readouterr()

    assert main(["subplan", "update", str(fresh), "--all"]) == 0
    out = capsys.readouterr().out
    for unit in PRECINCTS:
        assert main(["subplan", "update", str(alone), "--unit", unit]) == 0
    assert files_of(fresh) == files_of(alone)
    assert len(files_of(fresh)) == 8  # each file and its .bak.1
    for unit in PRECINCTS:
        path = subplan_path(fresh, unit)
        assert f"✓ 已更新 {path}（原檔另存為 {path}.bak.1）\n  新增：基礎服務／服務友善／洽公場所指引標示\n" in out
    assert out.splitlines()[-1] == "✓ 已更新 4 個單位的細部執行計畫（第一分局、第二分局、第三分局、第四分局）"

    assert main(["subplan", "update", str(fresh), "--all"]) == 0  # again: in line now
    assert capsys.readouterr().out.splitlines()[-1] == "✓ 4 個單位的細部執行計畫都已與本局計畫一致，未修改"
    assert len(files_of(fresh)) == 8


def test_update_all_names_a_file_it_cannot_read_and_updates_the_others(fresh: Path, capsys):
    _filled_precincts(fresh)
    broken = subplan_path(fresh, "第三分局")
    broken.write_text(broken.read_text(encoding="utf-8").replace("points:", "points: [", 1), encoding="utf-8")
    before = broken.read_bytes()
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    capsys.readouterr()

    assert main(["subplan", "update", str(fresh), "--all"]) == 2
    captured = capsys.readouterr()
    assert broken.read_bytes() == before
    assert sorted(files_of(fresh)) == sorted([f"{u}.yaml" for u in PRECINCTS]
                                             + [f"{u}.yaml.bak.1" for u in PRECINCTS if u != "第三分局"])
    for unit in ("第一分局", "第二分局", "第四分局"):
        assert "洽公場所指引標示" in subplan_path(fresh, unit).read_text(encoding="utf-8")
        assert f"✓ 已更新 {subplan_path(fresh, unit)}" in captured.out
    assert f"✗ {broken} 未更新：\n  {broken}:" in captured.err and "YAML 語法錯誤" in captured.err
    assert captured.err.splitlines()[-1].startswith(
        "已更新 3 個單位的細部執行計畫（第一分局、第二分局、第四分局）；1 個有錯誤未更新：第三分局。")
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("argv,message", [
    (["init"], "缺少必要的參數：--unit 或 --all（擇一）"),
    (["update"], "缺少必要的參數：--unit 或 --all（擇一）"),
    (["init", "--all", "--unit", "第一分局"], "參數 --unit 與 --all 不能同時使用；只能擇一"),
    (["update", "--unit", "第一分局", "--all"], "參數 --all 與 --unit 不能同時使用；只能擇一"),
])
def test_subplan_takes_either_unit_or_all(fresh: Path, capsys, argv: list[str], message: str):
    with pytest.raises(SystemExit) as exc:
        main(["subplan", argv[0], str(fresh), *argv[1:]])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not (fresh / "subplans").exists()


def test_update_all_a_bug_met_in_one_file_is_named_and_the_others_are_updated(fresh: Path, capsys, monkeypatch):
    """One file tripping over a bug (a self-check of the update failing) stops neither the
    others nor reads as the clerk's mistake: 內部錯誤 at that file, exit 70, no traceback."""
    import sqdocs.subplans.files

    _filled_precincts(fresh)
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    bad = subplan_path(fresh, "第二分局")
    before = bad.read_bytes()
    real = sqdocs.subplans.files.update_subplan

    def update(folder, plan, unit):  # noqa: ANN001, ANN202
        if unit == "第二分局":
            raise RuntimeError("更新後的評核重點與預期不符；未寫入任何檔案")
        return real(folder, plan, unit)

    monkeypatch.setattr(sqdocs.subplans.files, "update_subplan", update)
    capsys.readouterr()
    assert main(["subplan", "update", str(fresh), "--all"]) == 70
    captured = capsys.readouterr()
    assert bad.read_bytes() == before
    for unit in ("第一分局", "第三分局", "第四分局"):
        assert f"✓ 已更新 {subplan_path(fresh, unit)}" in captured.out
    assert (f"✗ {bad} 未更新：\n  內部錯誤：RuntimeError: 更新後的評核重點與預期不符；未寫入任何檔案\n"
            "  請將此訊息與該檔回報給維護者；其他單位的檔案不受影響") in captured.err
    assert captured.err.splitlines()[-1].startswith("已更新 3 個單位的細部執行計畫（第一分局、第三分局、第四分局）；1 個有錯誤未更新：第二分局。")
    assert "Traceback" not in captured.err


def test_update_all_without_subplans_says_to_init_them(fresh: Path, capsys):
    assert main(["subplan", "update", str(fresh), "--all"]) == 2
    assert f"請先執行：sqdocs subplan init {fresh} --all" in capsys.readouterr().err


# ---- check ---------------------------------------------------------------------


def test_check_reports_removed_point_and_empty_practices(fresh: Path, capsys):
    path = filled_subplan(fresh)
    annex = (fresh / "annex1.yaml").read_text(encoding="utf-8")
    start = annex.index("          - name: 服務及時性\n")
    end = annex.index("          - name: 服務人員專業度\n")
    (fresh / "annex1.yaml").write_text(annex[:start] + annex[end:], encoding="utf-8")
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - 第一分局第 3 項作法：各派出所每月辦理一次。\n      - 行政組每季檢討第 3 項。\n", "  -\n")
    path.write_text(text, encoding="utf-8")
    for unit in PRECINCTS[1:]:
        filled_subplan(fresh, unit)
    capsys.readouterr()

    assert main(["check", str(fresh)]) == 1
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("第一分局  ")]
    assert any("本局計畫已無此重點" in r and "服務及時性" in r for r in rows)
    assert any("未填具體作法" in r and "網站使用便利性" in r for r in rows)
    assert len(rows) == 1 + 2  # the summary row and the two problems
    assert re.search(r"subplans/第一分局\.yaml:\d+", out)
    assert re.search(r"第二分局\s+13\s+13\s+0\s+完成", out)  # written after the bureau dropped a point


def test_a_subplan_deadline_outside_the_period_is_an_error_as_in_annex1(fresh: Path, capsys):
    """It would be printed in the unit's official plan: validate says where, build refuses it."""
    path = filled_subplan(fresh)
    text = path.read_text(encoding="utf-8")
    at = text.index("deadline:", text.index("point: 服務資訊透明度\n"))
    path.write_text(text[:at] + text[at:].replace("107 年 6 月 30 日", "108 年 3 月 31 日", 1), encoding="utf-8")
    line = text[:at].count("\n") + 1
    capsys.readouterr()
    assert main(["validate", str(fresh)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"subplans/第一分局\.yaml:{line}:\d+: points\[\d+\]\.deadline: 完成期限 108 年 3 月 31 日 晚於計畫期程", err)
    out = fresh.parent / "out"
    assert main(["build", str(fresh), "-o", str(out), "--only", "subplans"]) == 2
    assert not out.exists()


def test_check_reports_missing_points_units_and_subplans(fresh: Path, capsys):
    path = filled_subplan(fresh, "第二分局")
    text = path.read_text(encoding="utf-8")
    first = text.index("  - dimension: 基礎服務")
    second = text.index("  - dimension: 基礎服務", first + 1)
    text = text[:first] + text[second:]  # the clerk deleted the first point
    path.write_text(text, encoding="utf-8")
    plan = load_plan(fresh)
    subplans = {u: f.subplan for u, f in load_subplans(fresh, plan).items()}
    problems = check_subplans(plan, subplans)
    kinds = {(p.unit, p.kind) for p in problems}
    assert ("第二分局", "missing") in kinds
    assert {("第一分局", "no_subplan"), ("第三分局", "no_subplan"), ("第四分局", "no_subplan")} <= kinds
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 1
    # the command to run names this folder, and how a new year starts from the last one's
    out = capsys.readouterr().out
    assert f"執行 sqdocs subplan init {fresh} --unit 第一分局 產生範本；新年度加上 --from 去年的資料夾" in out
    # three without one: the command that makes them all at once ends the report
    assert out.splitlines()[-1] == (f"尚未建立的 3 個單位可一次產生範本：sqdocs subplan init {fresh} --all"
                                    "（已有檔案的單位不受影響；新年度加上 --from 去年的資料夾）")


def test_check_points_a_missing_point_at_where_it_belongs(fresh: Path, capsys):
    """It pointed at the first entry whichever point was missing; a clerk adding one by hand
    needs the line it goes before (or that it goes last)."""
    path = filled_subplan(fresh, "第二分局")
    text = path.read_text(encoding="utf-8")
    starts = [i for i in range(len(text)) if text.startswith("  - dimension: ", i)]
    second, third, last = starts[1], starts[2], starts[-1]
    following = text[third:].split("point: ", 1)[1].split("\n", 1)[0]
    before_last = text[starts[-2]:].split("point: ", 1)[1].split("\n", 1)[0]
    path.write_text(text[:second] + text[third:last], encoding="utf-8")  # the 2nd and the last point gone
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 1
    out = capsys.readouterr().out
    shortened = text[:second] + text[third:last]
    line_of_third = shortened[:second].count("\n") + 1
    line_of_new_last = shortened[:shortened.rindex("  - dimension: ")].count("\n") + 1
    assert re.search(rf"第二分局\.yaml:{line_of_third} +缺少評核重點 .*細部計畫未列，應列在「{following}」之前（", out), out
    assert re.search(rf"第二分局\.yaml:{line_of_new_last} +缺少評核重點 .*細部計畫未列，應列在最後一項「{before_last}」之後（",
                     out), out
    assert f"（執行 sqdocs subplan update {fresh} --unit 第二分局 可補上）" in out  # the whole command, as init's hint


def test_check_tells_a_subplan_still_blank_in_one_line(fresh: Path, capsys):
    """A 分局 that has not begun (subplan init's skeleton) was three lines a point: eleven blank
    分局 of fourteen were 462 lines around the others' few problems. One started is still told
    point by point."""
    filled_subplan(fresh, "第一分局")
    filled_subplan(fresh, "第二分局")
    for unit in ("第三分局", "第四分局"):
        assert main(["subplan", "init", str(fresh), "--unit", unit]) == 0
    started = subplan_path(fresh, "第四分局")
    text = started.read_text(encoding="utf-8")
    at = text.index("practices:")
    started.write_text(text[:at] + text[at:].replace("\n      -\n", "\n      - 每月辦理一次\n", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 1
    out = capsys.readouterr().out
    assigned = len(load_plan(fresh).points_for("第三分局"))
    # its problems, three a point, are not counted beside its one line (「問題 42」, 「共 42 個問題」)
    assert re.search(rf"第三分局\s+{assigned}\s+{assigned}\s+—\s+尚未填寫\n", out), out
    started_count = 3 * assigned - 1
    assert f"\n共 {started_count} 個問題，另 1 個單位尚未填寫（第三分局）；2/4 個單位的細部執行計畫完整。\n" in out, out
    third = [line for line in out.splitlines() if line.startswith("第三分局  ")]
    assert len(third) == 2 and re.search(
        rf"subplans/第三分局\.yaml\s+尚未填寫\s+整份尚未填寫：{assigned} 個評核重點都未填具體作法、完成期限與承辦單位$", third[1]), third
    fourth = [line for line in out.splitlines() if line.startswith("第四分局  ")]
    assert re.search(rf"\s{started_count}\s+未完成$", fourth[0]) and len(fourth) == 1 + started_count, fourth  # point by point
    assert out.index("第三分局  ") < out.index("第四分局  ", out.index("問題明細"))  # the units' order kept


def test_check_of_a_complete_set_exits_0(fresh: Path, capsys):
    for unit in PRECINCTS:
        filled_subplan(fresh, unit)
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 0
    assert "4 個單位的細部執行計畫都完整" in capsys.readouterr().out


def test_check_counts_a_unit_written_by_its_full_name_under_its_short_name(fresh: Path, capsys):
    path = filled_subplan(fresh, "勤指中心")
    text = path.read_text(encoding="utf-8").replace("unit: 勤指中心", "unit: 勤務指揮中心")
    text = text.replace("sub_units: []", "sub_units: [行政組, 各派出所]")  # a 中心's skeleton has none
    emptied = text.replace("  - 勤指中心第 1 項作法：各派出所每月辦理一次。\n      - 行政組每季檢討第 1 項。\n", "  -\n")
    assert emptied != text
    path.write_text(emptied, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"勤指中心\s+6\s+6\s+1\s+未完成", out)
    assert re.search(r"勤指中心\s+\S*subplans/勤指中心\.yaml:\d+\s+未填具體作法", out)


def test_check_structure_errors_give_file_line_col_and_exit_2(fresh: Path, capsys):
    path = filled_subplan(fresh)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.strip() == "deadline: 107 年 6 月 30 日   # 本分局自訂")
    lines[n] = "    deadline: 107 年 6 月\n"
    path.write_text("".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"subplans/第一分局\.yaml:{n + 1}:\d+: points\[0\]\.deadline: 完成期限「107 年 6 月」", err)

    path.write_text(text.replace("unit: 第一分局", "unit: 第二分局"), encoding="utf-8")
    assert main(["check", str(fresh)]) == 2
    assert "檔名應為 第二分局.yaml" in capsys.readouterr().err

    path.write_text(text + "  - dimension: 基礎服務\n    item: 服務一致及正確\n    point: 服務及時性\n", encoding="utf-8")
    assert main(["check", str(fresh)]) == 2
    assert "評核重點「基礎服務／服務一致及正確／服務及時性」重複" in capsys.readouterr().err

    path.write_text(text.replace("sub_units:\n", "sub_groups:\n  - name: 各所\n    members: [甲派出所]\nsub_units:\n"), encoding="utf-8")
    assert main(["check", str(fresh)]) == 2
    assert re.search(r"sub_groups\[0\]\.members\[0\]: 未知的承辦單位「甲派出所」", capsys.readouterr().err)

    path.write_text("unit: [第一分局\n", encoding="utf-8")
    assert main(["check", str(fresh)]) == 2
    assert re.search(r"subplans/第一分局\.yaml:\d+:\d+: YAML 語法錯誤", capsys.readouterr().err)


def test_subplan_annex_follows_the_bureau_order_with_the_units_work(fresh: Path):
    path = filled_subplan(fresh, "第三分局")
    plan = load_plan(fresh)
    subplan = read_subplan(path, plan).subplan
    annex = subplan_annex(plan, subplan)
    keys = [(d.name, i.name, p.name) for d in annex.dimensions for i in d.items for p in i.points]
    assert keys == [ref.key for ref in plan.points_for("第三分局")]
    first = annex.dimensions[0].items[0].points[0]
    assert first.practices[0] == "第三分局第 1 項作法：各派出所每月辦理一次。"
    assert first.units == ["行政組", "各派出所"]
    assert annex.title == "基隆市警察局第三分局 107 年度提升服務品質細部執行計畫"


def test_subplan_annex_refuses_an_incomplete_subplan(fresh: Path, plan):
    from sqdocs.errors import UserError
    from sqdocs.model import Subplan

    subplan = Subplan.model_validate(yaml.safe_load(subplan_skeleton(plan, "第一分局")))
    with pytest.raises(UserError, match="尚未填完"):
        subplan_annex(plan, subplan)


def test_an_incomplete_subplan_names_a_few_of_its_points_not_every_one(plan):
    """Said for its .docx and its .pdf, of every 分局 in a batch: a blank subplan listing every
    point with its dimension and item ran to 600 characters a line; check lists them all."""
    from sqdocs.errors import UserError
    from sqdocs.model import Subplan

    blank = Subplan.model_validate(yaml.safe_load(subplan_skeleton(plan, "第一分局")))
    count = len(plan.points_for("第一分局"))
    with pytest.raises(UserError) as raised:
        subplan_annex(plan, blank)
    assert str(raised.value).startswith(f"第一分局的細部執行計畫尚未填完（{count} 個評核重點都未填完）；")

    sample = Subplan.model_validate(yaml.safe_load((SAMPLE / "subplans" / "第一分局.yaml").read_text(encoding="utf-8")))
    points = [p.model_copy(update={"deadline": None}) if n < 5 else p for n, p in enumerate(sample.points)]
    with pytest.raises(UserError) as raised:
        subplan_annex(plan, sample.model_copy(update={"points": points}))
    first = "、".join(f"{p.dimension}／{p.item}／{p.point}" for p in points[:3])
    assert f"尚未填完（{first}等 5 個評核重點）" in str(raised.value)
    assert points[3].point not in str(raised.value)


def test_a_subplan_without_a_point_the_bureau_added_is_not_built(data_copy: Path, capsys, tmp_path):
    """A point the bureau assigned after the unit wrote its plan is missing from the file: the
    document would leave it out unnoticed, so build refuses it as it refuses an empty slot."""
    edit_annex1(data_copy, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    out = tmp_path / "out"
    assert main(["build", str(data_copy), "-o", str(out), "--only", "subplans", "--format", "pdf"]) == 1
    err = capsys.readouterr().err
    assert "第一分局的細部執行計畫缺少本局計畫指派的評核重點（基礎服務／服務友善／洽公場所指引標示）" in err
    # the command to run names the folder built from, which derive does not know (FolderAdvice)
    assert f"請執行 sqdocs subplan update {display_name(data_copy)} --unit 第一分局 補上後填寫" in err
    assert not list(out.glob("*第一分局*"))


def test_loading_broken_subplans_collects_every_problem(fresh: Path):
    first = filled_subplan(fresh)
    first.write_text(first.read_text(encoding="utf-8").replace("    units: [行政組, 各派出所]", "    units: 行政組", 1), encoding="utf-8")
    second = filled_subplan(fresh, "第二分局")
    second.write_text(second.read_text(encoding="utf-8").replace("  - 交通組\n", "  - 交通組\n  - 行政組\n"), encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_subplans(fresh, load_plan(fresh))
    found = [(Path(d.file).name, d.message) for d in info.value.diagnostics]
    assert any(f == "第一分局.yaml" and "應為清單" in m for f, m in found)
    assert any(f == "第二分局.yaml" and "「行政組」重複" in m for f, m in found)


def problems_of(tmp_path: Path, plan, text: str) -> list[str]:  # noqa: ANN001 — the plan fixture
    """``path: message`` of every problem the loader finds in a 第一分局 subplan ``text``."""
    path = tmp_path / "第一分局.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_subplan(path, plan)
    return [f"{d.path}: {d.message}" for d in info.value.diagnostics]


def test_an_invisible_character_or_two_names_in_a_sub_unit_name_is_reported_where_it_is_defined(tmp_path, plan):
    found = problems_of(tmp_path, plan, (
        "unit: 第一分局\nsub_units: [行政\u200b組, 偵查隊、交通組, 信義派出所]\n"
        "sub_groups:\n  - name: 各派出所\u2060\n    members: [信義派出所]\n"
        "  - name: 內勤\n    members: [行政組]\n"
    ))
    assert found == [
        "sub_units[0]: 名稱「行政\u200b組」中有看不見的字元 U+200B（零寬空格），請刪除此字元，刪除後即為「行政組」",
        "sub_units[1]: 名稱「偵查隊、交通組」中有「、」，像是把幾個名稱寫在一起；一項只能寫一個名稱，多個名稱請分成多項",
        "sub_groups[0].name: 名稱「各派出所\u2060」中有看不見的字元 U+2060（字詞連接符），請刪除此字元，刪除後即為「各派出所」",
        "sub_groups[1].members[0]: 未知的承辦單位「行政組」；sub_units 登錄的名稱寫成了「行政\u200b組」，"
        "請修正 sub_units 中的該名稱",
    ]


def test_a_unit_listed_twice_for_a_point_or_a_member_listed_twice_is_an_error(tmp_path, plan):
    found = problems_of(tmp_path, plan, (
        "unit: 第一分局\nsub_units: [行政組, 信義派出所]\n"
        "sub_groups:\n  - name: 各派出所\n    members: [信義派出所, 信義派出所]\n"
        "points:\n  - dimension: 基礎服務\n    item: 服務一致及正確\n    point: 服務及時性\n"
        "    units: [行政組, 行政組, 各派出所]\n"
    ))
    assert found == [
        "sub_groups[0].members[1]: 群組成員「信義派出所」重複（第 5 行已有同名項目）；名稱必須唯一",
        "points[0].units[1]: 承辦單位「行政組」重複（第 10 行已有同名項目）；名稱必須唯一",
    ]


def test_a_title_naming_another_unit_than_the_file_s_own_is_an_error(fresh: Path, capsys):
    # 第一分局's file copied as 第五分局's start, and 第四分局 renamed 中山分局 in units.yaml: the
    # cover would name the other unit while the annex and the file name say this one.
    units = fresh / "units.yaml"
    text = units.read_text(encoding="utf-8").replace("第四分局", "中山分局")
    units.write_text(text.replace("  - name: 中山分局\n    kind: 分局\n",
                                  "  - name: 中山分局\n    kind: 分局\n  - name: 第五分局\n    kind: 分局\n"), encoding="utf-8")
    (fresh / "subplans").mkdir()
    for old, new in (("第一分局", "第五分局"), ("第四分局", "中山分局")):
        sample = (SAMPLE / "subplans" / f"{old}.yaml").read_text(encoding="utf-8")
        subplan_path(fresh, new).write_text(sample.replace(f"unit: {old}", f"unit: {new}"), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 2
    err = capsys.readouterr().err
    assert ("第五分局.yaml:26:8: title: 標題寫的是「第一分局」，但 unit 是「第五分局」；"
            "應為「基隆市警察局第五分局 107 年度提升服務品質細部執行計畫」") in err
    assert ("中山分局.yaml:26:8: title: 標題寫的是「第四分局」，但 unit 是「中山分局」；"
            "應為「基隆市警察局中山分局 107 年度提升服務品質細部執行計畫」") in err


def test_a_precinct_left_out_of_its_group_is_warned_of_by_check_and_validate(data_copy: Path, capsys):
    # 第五分局 added to units.yaml but not to 各分局: it gets only 各單位's 3 points, not 14, and
    # its subplan would be 「完成」 with the 各分局 points missing unnoticed.
    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace(
        "  - name: 第四分局\n    kind: 分局\n", "  - name: 第四分局\n    kind: 分局\n  - name: 第五分局\n    kind: 分局\n"), encoding="utf-8")
    warning = ("units.yaml:64:14: groups[0].members: 警告：群組「各分局」沒有列入分局「第五分局」："
               "本局計畫指派各分局辦理的評核重點不會算到第五分局")
    capsys.readouterr()
    assert main(["check", str(data_copy)]) == 1  # 第五分局 has no subplan yet
    assert warning in capsys.readouterr().err
    assert main(["validate", str(data_copy)]) == 0
    assert warning in capsys.readouterr().err
    assert main(["subplan", "init", str(data_copy), "--unit", "第五分局"]) == 0  # made, with the reason it has 3 points
    assert warning in capsys.readouterr().err
    (data_copy / "subplans" / "第五分局.yaml").unlink()
    members = "members: [第一分局, 第二分局, 第三分局, 第四分局]"
    units.write_text(units.read_text(encoding="utf-8").replace(members, members[:-1] + ", 第五分局]"), encoding="utf-8")
    assert main(["check", str(data_copy)]) == 1
    assert "警告" not in capsys.readouterr().err


def test_a_title_that_names_no_unit_is_an_error(tmp_path, plan):
    found = problems_of(tmp_path, plan, "unit: 第一分局\ntitle: 107 年度提升服務品質細部執行計畫\nsub_units: [行政組]\n")
    assert found == ["title: 標題沒有寫出本單位「第一分局」；請在標題寫出單位名稱，或刪除 title 一行（使用標準標題）"]


def test_check_points_at_the_flawed_sub_unit_a_point_cannot_find(plan):
    from sqdocs.model.subplan import Subplan, SubplanPoint

    subplan = Subplan(unit="第一分局", sub_units=["行政\u200b組"], points=[SubplanPoint(
        dimension="基礎服務", item="服務一致及正確", point="服務及時性", units=["行政組"],
    )])
    (problem,) = [p for p in check_subplan(plan, subplan) if p.kind == "unknown_unit"]
    assert problem.message.endswith("「行政組」；sub_units 登錄的名稱寫成了「行政\u200b組」，請修正 sub_units 中的該名稱")


def _one_problem_each(plan) -> dict[str, tuple]:
    """(plan, the first precinct's sample subplan) changed to have one kind of problem each."""
    import dataclasses
    from datetime import timedelta

    subplan = read_subplan(subplan_path(SAMPLE, PRECINCTS[0]), plan).subplan
    first, *rest = subplan.points
    # The bureau's 完成期限 of the first point a date, the unit's later: every sample one is 賡續辦理.
    end = plan.body.period.end
    early = end - timedelta(days=30)
    dims = [dim.model_copy(update={"items": [item.model_copy(update={"points": [
        point.model_copy(update={"deadline": early}) if (dim.name, item.name, point.name) == first.key else point
        for point in item.points]}) for item in dim.items]}) for dim in plan.annex1.dimensions]
    dated = dataclasses.replace(plan, annex1=plan.annex1.model_copy(update={"dimensions": dims}))
    mine = {e.key for e in subplan.points}
    other = next(ref.key for ref in plan.points() if ref.key not in mine)
    elsewhere = first.model_copy(update={"dimension": other[0], "item": other[1], "point": other[2]})
    changed = {
        "missing": (plan, rest),
        "marked_removed": (plan, [first.model_copy(update={"removed": True}), *rest]),
        "no_practices": (plan, [first.model_copy(update={"practices": []}), *rest]),
        "no_deadline": (plan, [first.model_copy(update={"deadline": None}), *rest]),
        "no_units": (plan, [first.model_copy(update={"units": []}), *rest]),
        "deleted": (plan, [*subplan.points, first.model_copy(update={"point": "本局已刪除的評核重點"})]),
        "not_assigned": (plan, [*subplan.points, elsewhere]),
        "after_bureau": (dated, [first.model_copy(update={"deadline": end}), *rest]),
        "unknown_unit": (plan, [first.model_copy(update={"units": ["不存在的承辦單位"]}), *rest]),
    }
    return {kind: (used, subplan.model_copy(update={"points": points})) for kind, (used, points) in changed.items()}


def test_export_counts_as_unfinished_just_the_subplans_build_refuses(plan):
    """REFUSED_KINDS, export's note of unfinished subplans, names the problems derive refuses a
    detailed plan for; the rule is written in derive, the kinds in check: they must agree."""
    from sqdocs.check import REFUSED_KINDS
    from sqdocs.derive import detailed_plan
    from sqdocs.errors import UserError

    cases = _one_problem_each(plan)
    assert set(cases) | {"no_subplan", "unfilled"} == set(KINDS)
    for kind, (used, subplan) in cases.items():
        assert kind in {p.kind for p in check_subplan(used, subplan)}, kind
        try:
            detailed_plan(used, subplan)
            refused = False
        except UserError:
            refused = True
        assert refused == (kind in REFUSED_KINDS), kind


# ---- the sample data -------------------------------------------------------------


def test_sample_subplans_pass_check(capsys):
    assert main(["check", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    for unit in PRECINCTS:
        assert re.search(rf"{unit}\s+14\s+14\s+0\s+完成", out)


@pytest.mark.parametrize("unit", PRECINCTS)
def test_sample_subplan_covers_exactly_its_points_and_is_marked_as_sample(plan, unit: str):
    path = subplan_path(SAMPLE, unit)
    loaded = read_subplan(path, plan)
    assert [p.key for p in loaded.subplan.points] == assigned_by_hand(SAMPLE, unit)
    assert "\n# 【範例資料】本檔是為 sqdocs 撰寫的示範資料" in path.read_text(encoding="utf-8")
    stations = loaded.subplan.group("各派出所")
    assert stations is not None and all(m.endswith("派出所") for m in stations.members)
    for entry in loaded.subplan.points:
        assert len(entry.practices) >= 2 and all(p.endswith("。") for p in entry.practices)


def test_update_of_a_sample_subplan_changes_nothing(data_copy: Path):
    before = {p.name: p.read_bytes() for p in (data_copy / "subplans").iterdir()}
    for unit in PRECINCTS:
        assert main(["subplan", "update", str(data_copy), "--unit", unit]) == 0
    assert {p.name: p.read_bytes() for p in (data_copy / "subplans").iterdir()} == before


def test_validate_reads_the_subplans_too(tmp_path, capsys):
    import shutil

    folder = tmp_path / "k"
    shutil.copytree(SAMPLE, folder)
    path = folder / "subplans" / "第二分局.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    practices:", "    practises:", 1), encoding="utf-8")
    assert main(["validate", str(folder)]) == 2
    assert "第二分局.yaml" in capsys.readouterr().err
    shutil.copytree(SAMPLE / "subplans", folder / "subplans", dirs_exist_ok=True)
    assert main(["validate", str(folder)]) == 0
    assert "4 個單位（第一分局、第二分局、第三分局、第四分局）" in capsys.readouterr().out


def test_a_units_deadline_may_not_fall_after_the_bureaus(data_copy, capsys, tmp_path):
    """The bureau wants 申辦業務標準作業流程 by 4 月 15 日: 第二分局's 4 月 30 日 is told by check,
    and a form shows the bureau's deadline and refuses 「賡續辦理」 on import."""
    import openpyxl

    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace(
        "deadline: 賡續辦理", "deadline: 107 年 4 月 15 日", 1), encoding="utf-8")
    plan = load_plan(data_copy)
    subplans = {unit: f.subplan for unit, f in load_subplans(data_copy, plan).items()}
    [late] = [p for p in check_subplans(plan, subplans) if p.kind == "after_bureau"]
    assert late.unit == "第二分局"
    assert late.message.endswith("完成期限 107 年 4 月 30 日 晚於本局的 107 年 4 月 15 日；細部計畫的期限不可晚於本局")
    assert main(["check", str(data_copy)]) == 1
    assert "期限晚於本局" in capsys.readouterr().out
    form = tmp_path / "f.xlsx"
    assert main(["form", "subplan", str(data_copy), "--unit", "第一分局", "-o", str(form)]) == 0
    book = openpyxl.load_workbook(form)
    sheet = book["細部計畫"]
    reference = next(c for c in sheet["E"] if c.value and "本局完成期限：107 年 4 月 15 日" in str(c.value))
    assert "（本局完成期限：107 年 4 月 15 日；本局承辦單位：" in reference.value
    sheet.cell(reference.row, 7).value = "賡續辦理"
    book.save(form)
    assert main(["form", "import", str(form), str(data_copy)]) == 2
    assert f"細部計畫!G{reference.row}: 本局的完成期限是 107 年 4 月 15 日，細部計畫寫「賡續辦理」" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("old", "new", "told", "comment", "field"),
    [
        # the bureau renamed an item: its points move with the unit's text
        ("服務一致及正確", "服務一致正確",
         "移動：基礎服務／服務一致及正確／申辦業務標準作業流程訂定情形 → 基礎服務／服務一致正確／申辦業務標準作業流程訂定情形",
         "# 本局計畫把此評核重點移到「基礎服務／服務一致正確」", "item"),
        # the bureau fixed a typo in a point's name: the entry is renamed with its text
        ("服務及時性", "服務即時性",
         "改名：基礎服務／服務一致及正確／服務及時性 → 基礎服務／服務一致及正確／服務即時性",
         "# 本局計畫把此評核重點「服務及時性」改名為「服務即時性」", "point"),
    ],
)
def test_update_follows_a_renamed_item_or_point(data_copy, capsys, old, new, told, comment, field):
    """The unit's entries follow the bureau's new names with their text, rather than being
    marked removed beside blank new ones; every other line of the file stays as it was."""
    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace(f"name: {old}\n", f"name: {new}\n", 1),
                      encoding="utf-8")
    path = data_copy / "subplans" / "第一分局.yaml"
    before = path.read_text(encoding="utf-8")
    assert main(["subplan", "update", str(data_copy), "--unit", "第一分局"]) == 0
    out = capsys.readouterr().out
    assert f"{told}（內容照舊）" in out
    assert "新增" not in out and "標記 removed" not in out
    after = path.read_text(encoding="utf-8")
    assert after.count(f"{field}: {new}\n") == before.count(f"{field}: {old}\n") > 0
    assert comment in after
    # a renamed item's heading comment names it as init would (a point's name is in no heading)
    assert f"  # ── 評核項目：{old} ──\n" not in after
    assert (f"  # ── 評核項目：{new} ──\n" in after) == (field == "item")
    changed = (f"{field}: {old}", f"{field}: {new}", comment[2:], f"評核項目：{old} ──", f"評核項目：{new} ──")
    assert [line for line in before.splitlines() if not any(m in line for m in changed)] == [
        line for line in after.splitlines() if not any(m in line for m in changed)]  # every other line as it was
    plan = load_plan(data_copy)
    assert check_subplan(plan, read_subplan(path, plan).subplan) == []


def test_update_renames_the_heading_of_a_renamed_item_or_dimension_only(data_copy, capsys):
    """The heading comments over the entries of a renamed item or dimension, or of an item whose
    every entry moved to another, name it as init would, and a point new in the renamed item goes
    under that heading; a heading over entries the bureau split between items, or the clerk's own
    wording of one, stays as it was."""
    edit_annex1(data_copy, "name: 服務友善\n", "name: 服務友善性\n")
    edit_annex1(data_copy, "name: 服務遞送\n", "name: 服務傳遞\n")
    first_friendly = "          - name: 網站使用便利性\n"
    edit_annex1(data_copy, first_friendly, NEW_POINT + first_friendly)
    move_point(data_copy, "定期進行滿意度調查", "          - name: 針對民眾意見、抱怨及陳情積極回應\n")  # the unit's only one there
    move_point(data_copy, "服務及時性", "          - name: 服務設施合宜程度\n")  # one of two
    path = data_copy / "subplans" / "第一分局.yaml"
    old = path.read_text(encoding="utf-8").replace("  # ── 評核項目：服務便捷 ──\n", "  # ── 評核項目：服務便捷（本分局重點） ──\n")
    path.write_text(old, encoding="utf-8")
    assert main(["subplan", "update", str(data_copy), "--unit", "第一分局"]) == 0
    new = path.read_text(encoding="utf-8")
    was, now = old.splitlines(), new.splitlines()
    assert sorted(line for line in was if line.startswith("  # ") and line not in now) == sorted([
        "  # ── 評核項目：服務友善 ──", "  # ══ 個別評核構面-服務遞送 ══", "  # ── 評核項目：服務滿意情形 ──"])
    assert "  # ── 評核項目：服務友善性 ──\n  # ── 本局計畫新增的評核重點（sqdocs subplan update 加入），請填寫 ──\n" in new
    assert "  # ══ 個別評核構面-服務傳遞 ══\n" in new
    assert new.count("  # ── 評核項目：意見回應處理情形 ──\n") == 2
    assert "  # ── 評核項目：服務一致及正確 ──\n" in new  # over 服務及時性, now of 服務友善性, too
    assert "  # ── 評核項目：服務便捷（本分局重點） ──\n" in new


def test_a_different_point_in_place_of_a_deleted_one_is_not_a_rename(data_copy, capsys):
    """Only a close name is a corrected one: a new point unlike the deleted one is added blank,
    and the old entry is marked removed with its text."""
    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace("name: 服務及時性\n", "name: 夜間報案受理\n", 1),
                      encoding="utf-8")
    assert main(["subplan", "update", str(data_copy), "--unit", "第一分局"]) == 0
    out = capsys.readouterr().out
    assert "新增：基礎服務／服務一致及正確／夜間報案受理" in out
    assert "標記 removed：基礎服務／服務一致及正確／服務及時性（本局計畫已刪除此評核重點）" in out
    assert "改名" not in out


def test_check_says_where_the_work_of_a_point_renamed_and_moved_at_once_goes(data_copy, capsys):
    """Renamed and moved to another item in one edit, a point reads to update as one deleted
    and one new (blank). check used to say only 「確認後請整項刪除」 of the old entry, and the
    clerk who did so lost the unit's practices; it names the new point to move them to, until
    the new entry is filled."""
    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    start = text.index("          - name: 網站使用便利性\n")
    end = text.index("          - name: 服務行為的友善性\n")
    block = text[start:end].replace("網站使用便利性", "網站使用之便利性")
    text = text[:start] + text[end:]
    at = text.index("      - name: 服務可近性\n")
    annex1.write_text(text[:at] + block + text[at:], encoding="utf-8")
    assert main(["subplan", "update", str(data_copy), "--unit", "第一分局"]) == 0
    path = data_copy / "subplans" / "第一分局.yaml"
    plan = load_plan(data_copy)
    found = {p.point: p.message for p in check_subplan(plan, read_subplan(path, plan).subplan)}
    assert found[("基礎服務", "服務友善", "網站使用便利性")] == (
        "基礎服務／服務友善／網站使用便利性：本局計畫已刪除此評核重點（已標記 removed）；本局計畫指派的"
        "「服務遞送／服務便捷／網站使用之便利性」名稱相近，若是此評核重點改名或移動，請先把本項的具體作法、"
        "完成期限、承辦單位移到該項，再整項刪除本項")

    # once the new entry has the unit's practices, the old one is only to be deleted
    text = path.read_text(encoding="utf-8")
    at = text.index("point: 網站使用之便利性\n")
    slot = text.index("      -\n", at)
    path.write_text(text[:slot] + "      - 行政組每月檢查網站連結。\n" + text[slot + len("      -\n"):], encoding="utf-8")
    found = {p.point: p.message for p in check_subplan(plan, read_subplan(path, plan).subplan)}
    assert found[("基礎服務", "服務友善", "網站使用便利性")] == (
        "基礎服務／服務友善／網站使用便利性：本局計畫已刪除此評核重點（已標記 removed）；確認後請整項刪除")


def test_files_of_a_unit_gone_from_the_registry_say_so_and_suggest_no_other_units_file(data_copy, capsys):
    """第四分局 merged away: its subplan and results name it; 「是不是「第二分局」」 would send the
    clerk to overwrite 第二分局's own files."""
    units = data_copy / "units.yaml"
    text = units.read_text(encoding="utf-8")
    text = text.replace("  - name: 第四分局\n", "  - name: 第四分局X\n", 1).replace(", 第四分局]", "]")
    units.write_text(text.replace("  - name: 第四分局X\n", "  - name: 第五分局\n"), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    for path in ("subplans/第四分局.yaml", "results/第四分局.yaml"):
        line = next(line for line in err.splitlines() if f"{path}:" in line and "unit:" in line)
        name = path.split("/")[1]
        assert f"未知的單位「第四分局」，現有的是「第五分局」；units.yaml 沒有此單位：若單位已裁併，請刪除或移走 {name}；" in line
        assert f"若改名，請把 {name} 改名為新名稱的檔名，並把其中的 unit 與 title 一併改為新名稱" in line and "第二分局" not in line


def test_check_suggests_a_point_only_for_a_name_close_to_it(data_copy):
    """A typo gets 「是不是」; a point the bureau deleted is not offered a neighbour of the same item."""
    path = data_copy / "subplans" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8").replace("point: 服務及時性\n", "point: 服務及時姓\n", 1)
    path.write_text(text.replace("point: 網站使用便利性\n", "point: 夜間報案受理\n", 1), encoding="utf-8")
    plan = load_plan(data_copy)
    found = {p.point[2]: p.message for p in check_subplan(plan, read_subplan(path, plan).subplan) if p.kind == "deleted"}
    assert "是不是「基礎服務／服務一致及正確／服務及時性」？" in found["服務及時姓"]
    assert "是不是" not in found["夜間報案受理"] and "（可能已刪除或改名）" in found["夜間報案受理"]
    assert "已刪除的請執行 sqdocs subplan update 資料夾 --unit 第一分局 標記 removed" in found["夜間報案受理"]


def test_check_suggests_only_a_point_assigned_to_the_unit(data_copy):
    """優質服務 deleted by the bureau: 主動服務 (交通隊's alone) shares 「服務」 with it, and following
    that 「是不是」 only turned the entry into one 非本單位負責."""
    path = data_copy / "annex1.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("          - name: 優質服務\n")
    path.write_text(text[:start] + text[text.index("  - scope:", start):], encoding="utf-8")
    plan = load_plan(data_copy)
    subplan = read_subplan(data_copy / "subplans" / "第一分局.yaml", plan).subplan
    found = {p.point[2]: p.message for p in check_subplan(plan, subplan) if p.kind == "deleted"}
    assert "主動服務" not in found["優質服務"] and "（可能已刪除或改名）" in found["優質服務"]


def test_units_separated_by_spaces_are_told_how_to_separate(fresh: Path, capsys):
    path = filled_subplan(fresh, "第二分局")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("units: [行政組, 各派出所]", "units: [行政組 偵查隊]", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(fresh)]) == 2  # refused as it loads (the subplan's own units are checked then)
    assert "未知的承辦單位「行政組 偵查隊」；多個單位請以半形逗號「,」分隔（如 [刑警大隊, 交通隊]），不要只用空格隔開" in (
        capsys.readouterr().err)


def test_update_rewrites_its_own_delete_note_when_a_point_is_assigned_again(fresh: Path):
    """The note over ``removed: true`` says the entry may be deleted: once the bureau assigns
    the point again, it must not stay over ``removed: false``, or a clerk deletes live work."""
    path = filled_subplan(fresh)
    plan_text = (fresh / "annex1.yaml").read_text(encoding="utf-8")
    edit_annex1(fresh, "units: [秘書科, 交通隊, 各分局]", "units: [秘書科, 交通隊]")
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    assert path.read_text(encoding="utf-8").count("確認後可整項刪除") == 1

    (fresh / "annex1.yaml").write_text(plan_text, encoding="utf-8")
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    restored = path.read_text(encoding="utf-8")
    assert "確認後可整項刪除" not in restored
    lines = restored.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "removed: false")
    assert lines[at - 1].strip() == "# 本局計畫又指派本單位辦理此評核重點（sqdocs subplan update 標記），已取消 removed"

    edit_annex1(fresh, "units: [秘書科, 交通隊, 各分局]", "units: [秘書科, 交通隊]")  # and takes it away again
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    again = path.read_text(encoding="utf-8")
    assert again.count("確認後可整項刪除") == 1 and "已取消 removed" not in again
    assert len(again.splitlines()) == len(lines)


def test_update_keeps_a_reference_block_the_unit_wrote_notes_into(fresh: Path, capsys):
    """A note added beside one of the bureau's practices in the reference comments is the unit's:
    update leaves that block as it is (and says so), whether or not the bureau changed the point."""
    path = filled_subplan(fresh)
    text = path.read_text(encoding="utf-8")
    courtesy = "#   2. 強化服務人員(志工)主動向洽公民眾互動親和力，協助民眾檢查證件、快速引導並告知作業程序服務。"
    rainy = "#   3. 雨天時提供民眾收納警察刑事紀錄證明文件夾。"
    assert text.count(courtesy) == 1 and text.count(rainy) == 1
    text = text.replace(courtesy, courtesy + "（分局註：由志工輪值）")
    text = text.replace(rainy, "#   3. （分局註：已採購）" + rainy[len("#   3. "):])
    path.write_text(text, encoding="utf-8")
    edit_annex1(fresh, "- 辦理機關電話禮貌測試。", "- 每月辦理機關電話禮貌測試。")

    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    said = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == text  # nothing else changed in the plan
    assert "未修改" in said.out and "經過編輯，未自動更新：基礎服務／服務友善／服務行為的友善性" in said.err


def test_the_header_states_no_count_of_points_that_update_would_leave_stale(fresh: Path):
    path = filled_subplan(fresh)
    edit_annex1(fresh, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    assert main(["subplan", "update", str(fresh), "--unit", "第一分局"]) == 0
    text = path.read_text(encoding="utf-8")
    assert "列出本局計畫指派第一分局辦理的評核重點。" in text
    assert not re.search(r"\d+ 個評核重點", text.split("points:")[0])


def test_a_unit_of_its_own_the_subplan_does_not_list_is_refused_before_it_is_printed(fresh: Path, capsys):
    """「偵察隊」 for 偵查隊 was printed into the precinct's official plan: validate and build
    passed it, as they refuse no unknown 承辦單位 in annex 1."""
    path = filled_subplan(fresh, "第二分局")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("units: [行政組, 各派出所]", "units: [行政組, 偵察隊]", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "偵察隊" in row)
    capsys.readouterr()
    assert main(["validate", str(fresh)]) == 2
    assert f"subplans/第二分局.yaml:{line}:" in (err := capsys.readouterr().err)
    assert "未知的承辦單位「偵察隊」，是不是「偵查隊」？" in err
    out = fresh.parent / "out"
    assert main(["build", str(fresh), "-o", str(out)]) == 2
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("argv", [["validate", "{data}"], ["check", "{data}"], ["subplan", "update", "{data}", "--all"],
                                  ["form", "subplan", "{data}", "--unit", "第一分局", "-o", "{out}"]])
def test_a_subplan_with_its_extension_in_capitals_is_told_to_be_renamed(data_copy: Path, tmp_path: Path, capsys, argv):
    """第一分局.YAML ended every command in 「內部錯誤：ValueError: substring not found」."""
    shutil.move(data_copy / "subplans" / "第一分局.yaml", data_copy / "subplans" / "第一分局.YAML")
    capsys.readouterr()
    assert main([word.format(data=data_copy, out=tmp_path / "f.xlsx") for word in argv]) == 2
    err = capsys.readouterr().err
    assert "第一分局.YAML" in err and ("請先改名為 第一分局.yaml" in err or "；請改名為 第一分局.yaml" in err), err
    assert "內部錯誤" not in err


FLOW_ENTRY = ("  - {dimension: 基礎服務, item: 服務友善, point: 網站使用便利性, practices: [行政組每月檢查分局專區資料。], "
              "deadline: 賡續辦理, units: [行政組]}\n")


def _one_entry_in_braces(folder: Path) -> Path:
    """第一分局's sample subplan with its 網站使用便利性 entry written { … } on one line."""
    path = folder / "subplans" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - dimension: 基礎服務\n    item: 服務友善\n    point: 網站使用便利性\n")
    end = re.compile(r"\n  (- |# ──)").search(text, start + 5).start() + 1
    path.write_text(text[:start] + FLOW_ENTRY + text[end:], encoding="utf-8")
    return path


def test_update_works_around_an_entry_written_in_braces(data_copy: Path, capsys):
    """One entry in { … } stopped the reference refresh of every other entry, and update said
    「已與本局計畫一致，未修改」; new points go in beside such an entry as beside any other."""
    path = _one_entry_in_braces(data_copy)
    edit_point(data_copy, "服務行為的友善性", "- 辦理機關電話禮貌測試。", "- 辦理機關電話禮貌測試，並備雨傘。")
    edit_annex1(data_copy, BEFORE_TRANSPARENCY, NEW_POINT + BEFORE_TRANSPARENCY)
    old = path.read_text(encoding="utf-8")
    updated_with_the_new_point_and_a_refresh(data_copy, capsys)
    new = path.read_text(encoding="utf-8")
    assert FLOW_ENTRY in new and "    #   1. 辦理機關電話禮貌測試，並備雨傘。\n" in new
    assert len(new.splitlines()) > len(old.splitlines())
    assert main(["validate", str(data_copy)]) == 0


def test_update_that_must_edit_inside_an_entry_in_braces_says_where(data_copy: Path, capsys):
    """「points 的每一項都應是「- dimension: …」開頭的欄位」 named no file, no line and no way out."""
    path = _one_entry_in_braces(data_copy)
    edit_annex1(data_copy, "      - name: 服務友善\n", "      - name: 服務友善及效能\n")
    old = path.read_bytes()
    capsys.readouterr()
    assert update_first(data_copy) == 2
    line = old.decode("utf-8").splitlines().index(FLOW_ENTRY.rstrip("\n")) + 1
    assert (f"{display_name(path)}：第 {line} 行的評核重點寫成「{{ … }}」，無法在其中改寫評核項目或評核重點的名稱；"
            "請把這一項改寫為每個欄位一行") in capsys.readouterr().err
    assert path.read_bytes() == old and not list(path.parent.glob("*.bak*"))


def test_a_new_point_goes_after_the_unit_s_note_under_the_entry_before_it(data_copy: Path, capsys):
    """A comment the unit wrote under an entry's last field is the unit's note on that entry:
    the new point went in between, and the note then seemed to be about the new point."""
    path = data_copy / "subplans" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8")
    units = "    units: [勤務指揮中心, 行政組, 各派出所]\n"
    note = "    # 分局備註：本項另見勤務規劃\n"
    assert text.count(units) == 1
    path.write_text(text.replace(units, units + note), encoding="utf-8")
    new_point = NEW_POINT.replace("洽公場所指引標示", "夜間洽公服務")
    edit_annex1(data_copy, "          - name: 服務人員專業度\n", new_point + "          - name: 服務人員專業度\n")
    capsys.readouterr()
    assert update_first(data_copy) == 0
    assert "新增：基礎服務／服務一致及正確／夜間洽公服務" in capsys.readouterr().out
    new = path.read_text(encoding="utf-8")
    assert units + note in new and new.index(units + note) < new.index("    point: 夜間洽公服務\n")


def test_update_of_a_points_list_in_brackets_fails_only_where_comments_may_be_stale(data_copy: Path, capsys):
    """update cannot work in 「points: [ … ]」. With nothing to add or mark and no reference comments
    nothing can be stale: the file is in line. With reference comments it may not be, and update says so."""
    path = data_copy / "subplans" / "第一分局.yaml"
    loaded = read_subplan(path, load_plan(data_copy)).subplan
    points = ", ".join(
        "{" + f"dimension: {p.dimension}, item: {p.item}, point: {p.point}, practices: [甲], deadline: 賡續辦理, units: [行政組]" + "}"
        for p in loaded.points)
    text = path.read_text(encoding="utf-8")
    head = text[:text.index("\npoints:") + 1]  # unit, sub-units, groups
    assert "本局具體作法（僅供參考" not in head
    path.write_text(f"{head}points: [{points}]\n", encoding="utf-8")
    capsys.readouterr()
    assert update_first(data_copy) == 0
    assert "未修改" in capsys.readouterr().out
    path.write_text(f"{head}# 本局具體作法（僅供參考，不是資料，可刪除）：\npoints: [{points}]\n", encoding="utf-8")
    assert update_first(data_copy) == 2
    assert "points 以 [ … ] 寫在同一行，無法自動更新" in capsys.readouterr().err


def test_an_entry_marked_removed_follows_its_point_back_under_another_item(data_copy: Path, capsys):
    """A point unassigned (update marked the unit's entry removed), then moved to another item and
    assigned again: update added a blank entry and left the unit's practices in the marked one,
    which check then told the unit to delete."""
    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    block = text[text.index("          - name: 專人全程服務\n"):text.index("          - name: 主動服務\n")]
    edit_annex1(data_copy, block, block.replace("units: [刑警大隊, 婦幼隊, 各分局]", "units: [刑警大隊, 婦幼隊]"))
    assert update_first(data_copy) == 0
    edit_annex1(data_copy, block.replace("units: [刑警大隊, 婦幼隊, 各分局]", "units: [刑警大隊, 婦幼隊]"), "")
    edit_annex1(data_copy, "      - name: 服務便捷\n        points:\n", "      - name: 服務便捷\n        points:\n" + block)
    capsys.readouterr()
    assert update_first(data_copy) == 0
    out = capsys.readouterr().out
    assert "取消 removed：服務遞送／服務可近性／專人全程服務" in out
    assert "移動：服務遞送／服務可近性／專人全程服務 → 服務遞送／服務便捷／專人全程服務（內容照舊）" in out
    assert "新增" not in out
    plan = load_plan(data_copy)
    subplan = read_subplan(data_copy / "subplans" / "第一分局.yaml", plan).subplan
    entry = next(p for p in subplan.points if p.point == "專人全程服務")
    assert entry.key == ("服務遞送", "服務便捷", "專人全程服務") and not entry.removed and entry.practices
    assert check_subplan(plan, subplan) == []


def test_a_misnamed_copy_beside_the_unit_s_file_is_not_to_be_renamed_over_it(data_copy: Path, capsys):
    """「請改名為 第一分局.yaml」 with 第一分局.yaml there: mv replaces the filled file, Windows refuses."""
    shutil.copy(data_copy / "subplans" / "第一分局.yaml", data_copy / "subplans" / "第一分局.yml")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "第一分局.yml:1:1: 細部執行計畫檔的檔名須為「單位.yaml」（sqdocs 寫入與讀取都用這個名稱）；同一資料夾已有 第一分局.yaml：" in err
    assert "請改名為" not in err and "直接改名會蓋掉 第一分局.yaml" in err
    assert main(["subplan", "init", str(data_copy), "--unit", "第一分局"]) == 2
    err = capsys.readouterr().err
    assert "同一資料夾已有 第一分局.yaml" in err and "請先改名為" not in err
