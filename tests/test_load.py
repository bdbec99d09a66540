"""The sample plan: everything in the source is in the loaded model, and the registry answers who does what."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date

import pytest
from conftest import ORIGINAL_SOURCE, SAMPLE, SOURCE, replace_once

from sqdocs.load import LoadError, load_plan
from sqdocs.outline import plan_sections

# Counted by hand from the source document; the source-reading tests below recount them.
PRACTICES = {"基礎服務": 41, "服務遞送": 29, "服務量能": 6, "服務評價": 15}
OVERALL_ACTIONS = 13
CHECKLIST_ENTRIES = 48
ROSTER = 31  # 1 召集人, 2 副召集人, 主任委員, 副主任委員, 24 委員, 執行秘書, 執行幹事


def _norm(text: str) -> str:
    """Only letters and CJK characters: conversion spacing and punctuation fixes drop out."""
    return re.sub(r"[^\w]|_", "", text)


def test_counts(plan):
    for dim in plan.annex1.dimensions:
        if dim.scope == "個別":
            assert sum(len(p.practices) for it in dim.items for p in it.points) == PRACTICES[dim.name]
    overall = [d for d in plan.annex1.dimensions if d.scope == "整體"]
    assert sum(len(p.actions) for d in overall for p in d.points) == OVERALL_ACTIONS
    entries = [
        e for d in plan.annex2.dimensions for p in [*d.points, *(p for it in d.items for p in it.points)] for e in p.entries
    ]
    assert len(entries) == CHECKLIST_ENTRIES
    assert len(plan.roster.members) == ROSTER
    assert plan.roster.members[0].name == "黃明昭"
    assert plan.roster.members[-1].name == "張以欣"


def test_body(plan):
    sections = plan_sections(plan.body)
    assert [s.heading for s in sections] == [
        "壹、計畫依據", "貳、計畫目標", "參、執行對象", "肆、執行期程", "伍、計畫內容", "陸、執行步驟", "柒、考核獎懲",
    ]
    assert sections[0].paras[0].line == (
        "一、國家發展委員會 107 年 1 月 15 日發社字第 1071300028 號函頒「第 2 屆政府服務獎評獎實施計畫」。"
    )
    assert sections[3].intro == "溯自民國 107 年 1 月 1 日起至 107 年 12 月 31 日止，計 1 年。"
    assert len(sections[5].paras) == 7
    assert sections[5].paras[0].line.startswith("一、進行組織診斷：本局依據")
    assessment = sections[6].paras
    assert [p.line for p in assessment] == ["一、考核作業：", "二、獎懲作業："]
    assert assessment[0].children[0].line.startswith("(一)不定期查訪：")


@pytest.mark.skipif(not ORIGINAL_SOURCE.exists(), reason="shared/source is not beside the repository")
def test_the_source_kept_with_the_tests_is_the_one_received() -> None:
    assert SOURCE.read_bytes() == ORIGINAL_SOURCE.read_bytes()


# The conversion typos data/keelung-107/README.md lists, where they would hide a fragment.
FIXES = {"&amp;": "&", "警警雲": "警馨雲", "RRS": "RSS", "刑事記錄": "刑事紀錄"}


def _source_fragments() -> list[str]:
    text = SOURCE.read_text(encoding="utf-8")
    for wrong, right in FIXES.items():
        text = text.replace(wrong, right)
    pieces = re.findall(r"<li>(.*?)</li>", text) + re.findall(r"<p>\s*\d+\.\s*(.*?)</p>", text)
    return [re.sub(r"^\d+\.\s*", "", p) for p in pieces]


def test_every_source_practice_is_in_the_data(plan):
    """Each numbered practice of the source (first 12 letters, to survive page-break joins) is in the data."""
    data = {_norm(t) for d in plan.annex1.dimensions for it in d.items for p in it.points for t in p.practices}
    data |= {_norm(t) for d in plan.annex1.dimensions for p in d.points for t in p.actions}
    joined = "|".join(data)
    fragments = _source_fragments()
    assert len(fragments) == 99  # of the 104 texts, 5 are bare cell text or a continuation
    missing = [f for f in fragments if _norm(f)[:12] not in joined]
    assert missing == []


def test_every_checklist_entry_and_roster_member_is_in_the_data(plan):
    text = SOURCE.read_text(encoding="utf-8")
    assert text.count('<input type="checkbox"/>') == CHECKLIST_ENTRIES
    roster_rows = [
        line.split("\t") for line in text.splitlines()
        if line.count("\t") >= 3 and re.match(r"^(召集人|副召集人|主任委員|副主任委員|委\s*員|執行秘書|執行幹事)\t", line)
    ]
    assert len(roster_rows) == ROSTER
    assert [_norm(r[2]) for r in roster_rows] == [m.name for m in plan.roster.members]


# Every change data/keelung-107/README.md lists under「Conversion fixes」, by its number: the exact
# source text and what the data has instead. The rows that join a word split by a page break (None)
# are done by _read_source, which joins each continuation row to the row above.
README_FIXES: dict[int, list[tuple[str, str]] | None] = {
    1: [("依據(如附件 2)", "依據（如附件 2）")],
    2: [("考核小組」(如附件 3)", "考核小組」（如附件 3）")],
    3: None,
    4: [("Q&amp;A", "Q&A")],
    5: [("(含法定設施): 服務櫃檯", "(含法定設施)：服務櫃檯"), ("盥洗室等); 申辦書表", "盥洗室等)；申辦書表")],
    6: [("一般設施»: ", "一般設施」："), ("諮商室; 宣導", "諮商室；宣導")],
    7: [("新住民...等, 提供", "新住民...等，提供")],
    8: [("無障礙廁所, 建構", "無障礙廁所，建構")],
    9: [("「史蹟館」, 開放", "「史蹟館」，開放")],
    10: [("協商室, 供民眾使用", "協商室，供民眾使用")],
    11: [("網站(頁), 方便", "網站(頁)，方便")],
    12: [("(RRS)", "(RSS)")],
    13: [("檢索功能, 確實", "檢索功能，確實")],
    14: None,
    15: [("線上申請 (A1", "線上申請(A1")],
    16: None,
    17: [("提升服務效能</li>", "提升服務效能。</li>")],
    18: [("其家屬人身安全\t", "其家屬人身安全。\t")],
    19: [("刑事記錄", "刑事紀錄")],
    20: [("警警雲", "警馨雲")],
    21: None,
    22: [("說明與情", "說明輿情")],
    23: [("延伸警政服務據點</li>", "延伸警政服務據點。</li>")],
    24: [("(含法定設施):服務櫃檯", "(含法定設施)：服務櫃檯"), ("盥洗室等);申辦書表", "盥洗室等)；申辦書表")],
    25: [("一般設施:書寫臺", "一般設施：書寫臺"), ("諮商室;宣導", "諮商室；宣導")],
    26: [("新住民...等),提供", "新住民...等)，提供")],
    27: [("導向設計,版面", "導向設計，版面")],
    28: None,
    29: None,
    30: [("設定服目標", "設定服務目標")],
    31: [("現有服措施", "現有服務措施")],
    32: [("主秘 任書", "主任秘書")],
    33: [("科 科長", "科科長")],
    34: [("分局 分局長", "分局分局長")],
    35: [("委 員\t", "委員\t")],
    36: [("\t秘 書\t", "\t秘書\t"), ("警 務 員", "警務員")],
    37: [("陳 瑞 基", "陳瑞基"), ("蘇 榮 明", "蘇榮明"), ("張 竣 翔", "張竣翔"), ("張 以 欣", "張以欣")],
}


def _cell_texts(cell: str, marker: str | None = None) -> tuple[list[str], bool]:
    """The numbered texts of a source table cell (numbers stripped), and whether the first is
    unnumbered text carried over a page break. marker: the checkbox that starts each entry."""
    if marker:
        first, *rest = cell.split(marker)
        return [" ".join(t.split()) for t in ([first] if first.strip() else []) + rest], bool(first.strip())
    parts = re.findall(r"<(li|p)>(.*?)</\1>", cell) or [("", t) for t in re.split(r"\s(?=\d{1,2}\.\s)", cell) if t.strip()]
    texts = [" ".join(t.split()) for _, t in parts]
    carried = not re.match(r"\d{1,2}\.\s", texts[0]) and parts[0][0] != "li"
    return [re.sub(r"^\d{1,2}\.\s*", "", t) for t in texts], carried


def _read_source() -> tuple[dict[str, list], list[tuple[str, str]]]:
    """The source's texts as the data models them, with README_FIXES applied and rows continued
    after a page break joined to the row above; and the rows so joined."""
    text = SOURCE.read_text(encoding="utf-8")
    for fixes in filter(None, README_FIXES.values()):
        for wrong, right in fixes:
            assert wrong in text, f"README fix {wrong!r} is not in the source"
            text = text.replace(wrong, right)
    lines = text.splitlines()
    annex1 = lines.index("附件 1")
    annex2 = lines.index("### 提升服務品質組織診斷檢核表")
    annex3 = next(i for i, line in enumerate(lines) if line.endswith("考核小組編組表"))
    body = [re.sub(r"^(#+|-)\s*", "", line) for line in lines[:annex1] if line.strip()]
    titles = [lines[annex2].lstrip("# "), lines[annex3]]
    read: dict[str, list] = {"body": body, "titles": titles, "annex1": [], "annex2": [], "roster": []}
    joined: list[tuple[str, str]] = []  # (評核項目, 評核重點)
    for name, start, end in (("annex1", annex1, annex2), ("annex2", annex2, annex3)):
        rows, dimension, item = read[name], "", ""
        for line in lines[start:end]:
            if "\t" not in line:
                dimension = (re.findall(r"評核構面-([^」\s]+)", line) or [dimension])[0]
                continue
            cells = line.split("\t")
            if cells[0] in ("評核項目", "評核重點") or set("".join(cells)) == {"-"}:  # header, artefact
                continue
            width, overall = (5 if name == "annex1" else 3), len(cells) == 2  # 開放創新: 評核重點 | 辦理事項
            # to 評核項目 | 評核重點 | text [| 完成期限 | 承辦單位]; one row lost its empty first cell
            cells = ["", *cells, "", ""][:width] if overall else [""] * (width - len(cells)) + cells
            texts, carried = _cell_texts(cells[2], '<input type="checkbox"/>' if name == "annex2" else None)
            if not cells[0] and not cells[1]:
                row = rows[-1]
                joined.append((row[1], row[2]))
                if carried:
                    row[3][-1] += texts.pop(0)
                row[3].extend(texts)
                if name == "annex1":
                    row[5].extend(cells[4].split())
                continue
            item = cells[0] or item
            row = [dimension, "" if overall else item, cells[1], texts]
            rows.append(row + ([cells[3].strip(), cells[4].split()] if name == "annex1" else []))
    for line in lines[annex3 + 1:]:
        cells = line.split("\t")
        if len(cells) == 5 and cells[0].replace(" ", "") != "職稱":
            read["roster"].append(cells)
    return read, joined


def test_the_data_is_the_source_word_for_word_but_for_the_fixes_its_readme_lists(plan):
    """Every text of the plan, annexes 1–3, equals the source's once the listed fixes are made; each
    listed fix is one the data needs, and every row a page break split is named among the joins."""
    source, joined = _read_source()

    def lines(paras) -> list[str]:
        return [line for p in paras for line in (p.line, *lines(p.children))]

    body = [plan.title]
    for section in plan_sections(plan.body):
        body += [section.heading, *([section.intro] if section.intro else []), *lines(section.paras)]
    assert body == source["body"]
    assert [plan.annex2.title, plan.roster.title] == source["titles"]
    annex1 = []
    for d in plan.annex1.dimensions:
        annex1 += [[d.name, it.name, p.name, p.practices, p.deadline, p.units] for it in d.items for p in it.points]
        annex1 += [[d.name, "", p.name, p.actions, "", []] for p in d.points]
    assert annex1 == source["annex1"]
    annex2 = []
    for d in plan.annex2.dimensions:
        annex2 += [[d.name, it.name, p.name, p.entries] for it in d.items for p in it.points]
        annex2 += [[d.name, "", p.name, p.entries] for p in d.points]
    assert annex2 == source["annex2"]
    roster = [[m.role, m.position, m.name, m.duty, m.note] for m in plan.roster.members]
    assert roster == source["roster"]

    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| .*? \| (.*?) \| (.*?) \| .*? \|$", readme, flags=re.M)
    assert [int(n) for n, _, _ in rows] == sorted(README_FIXES)
    # What each row quotes is there: its source text in the source, its fixed text in the data.
    raw = SOURCE.read_text(encoding="utf-8")
    data = "\n".join(body + [t for r in annex1 + annex2 for t in r[3]] + [t for r in roster for t in r])
    for n, wrong, right in rows:
        for quoted, where in ((wrong.replace(" / ", " … "), raw), (right, data)):
            pieces = re.split(r" … |, ", re.sub(r" \(×\d\)|^…", "", quoted))
            assert [p for p in pieces if p not in where] == [], f"README fix {n}"
    structural = readme.split("Structural joins", 1)[1].split("\n\n", 1)[0]
    assert [row for row in joined if not any(name and name in structural for name in row)] == []


def test_groups(plan):
    units = plan.units
    assert units.expand("各分局") == ["第一分局", "第二分局", "第三分局", "第四分局"]
    assert units.expand("各直屬（大）隊") == units.expand("各直屬隊") == ["刑警大隊", "保安隊", "交通隊", "少年隊", "婦幼隊"]
    assert len(units.expand("各單位")) == len(units.units)
    assert units.expand("刑事警察大隊") == ["刑警大隊"]
    assert units.expand("不存在") == []


def test_a_copy_with_other_units_expands_afresh(plan):
    import copy

    units = plan.units
    assert len(units.expand("各分局")) == 4  # remembered by this registry
    assert units.covers(["各分局"], "第二分局")  # and so is this answer
    groups = [g.model_copy(update={"members": ["第一分局"]}) if g.name == "各分局" else g for g in units.groups]
    for fewer in (units.model_copy(update={"groups": groups}), units.model_copy(update={"groups": groups}, deep=True)):
        assert fewer.expand("各分局") == ["第一分局"]
        assert not fewer.covers(["各分局"], "第二分局")
    assert copy.deepcopy(units).expand("各分局") == units.expand("各分局")


def _points_by_hand(plan, unit: str) -> list[str]:
    groups = {"各分局": {"第一分局", "第二分局", "第三分局", "第四分局"},
              "各直屬隊": {"刑警大隊", "保安隊", "交通隊", "少年隊", "婦幼隊"},
              "各單位": {u.name for u in plan.units.units}}
    names = []
    for d in plan.annex1.dimensions:
        for it in d.items:
            for p in it.points:
                covered = set().union(*(groups.get(u, {u}) for u in p.units))
                if unit in covered:
                    names.append(p.name)
    return names


@pytest.mark.parametrize("unit", ["第一分局", "交通隊", "秘書科", "會計室", "保安隊"])
def test_points_for(plan, unit):
    assert [ref.point.name for ref in plan.points_for(unit)] == _points_by_hand(plan, unit)


def test_points_for_a_sub_bureau(plan):
    names = [ref.point.name for ref in plan.points_for("第一分局")]
    assert "申辦業務標準作業流程訂定情形" in names  # listed directly as 各分局
    assert "優質服務" in names                      # through 各單位
    assert "主動服務" not in names                  # 交通隊 only


def test_loading_reports_every_file(data_copy):
    (data_copy / "annex3.yaml").write_text("members: []\n", encoding="utf-8")
    (data_copy / "plan.yaml").write_text("agency: [\n", encoding="utf-8")
    from sqdocs.load import LoadError

    with pytest.raises(LoadError) as info:
        load_plan(data_copy)
    files = {d.file.rsplit("/", 1)[-1] for d in info.value.diagnostics}
    assert files == {"annex3.yaml", "plan.yaml"}


def test_libyaml_and_pure_python_read_the_same(monkeypatch):
    """The fast libyaml path must give the same data and positions as the pure-Python parser."""
    import yaml

    from sqdocs.load.yamlfile import read_yaml

    files = sorted(SAMPLE.rglob("*.yaml"))
    assert yaml.__with_libyaml__ and len(files) > 30
    fast = [read_yaml(f) for f in files]
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    for doc, path in zip(fast, files, strict=True):
        slow = read_yaml(path)
        assert (doc.data, doc.values, doc.keys, doc.spans) == (slow.data, slow.values, slow.keys, slow.spans), path



@pytest.mark.parametrize("libyaml", [True, False])
def test_an_integer_with_leading_zeros_is_decimal_as_in_yaml_1_2(monkeypatch, libyaml):
    """``year: 0107`` is 107, not octal 71; quoted text, 0o, 0x and dates are read as before.
    YAML 1.1's base 60 and binary are text, as in YAML 1.2: ``value: 5:24`` was 324."""
    import yaml

    from sqdocs.load.yamlfile import parse_yaml

    monkeypatch.setattr(yaml, "__with_libyaml__", libyaml)
    text = ("year: 0107\nn: [007, -010, 0, 0x10]\nq: '0107'\no: 0o107\nd: 107-06-30\nw: 2018-06-30\n0107: k\n"
            "t: [5:24, 12:30, -1:30.5, 0b101, 1_000]\n9:30: k\n")
    data = parse_yaml(text.encode(), "x.yaml").data
    assert data == {"year": 107, "n": [7, -10, 0, 16], "q": "0107", "o": "0o107", "d": "107-06-30",
                    "w": date(2018, 6, 30), 107: "k", "t": ["5:24", "12:30", "-1:30.5", "0b101", 1000], "9:30": "k"}


@pytest.mark.parametrize("libyaml", [True, False])
@pytest.mark.parametrize("text", [
    "year: !!float x", "year: !!int", "year: !!bool x", "year: !!map x", "year: !!seq x", "!!int x: 1",
])
def test_a_tag_that_cannot_read_its_value_is_refused_where_it_is(monkeypatch, libyaml, text):
    """``!!float x`` raised ValueError (and ``!!bool x`` KeyError …) inside PyYAML: 「內部錯誤」, exit 70."""
    import yaml

    from sqdocs.load.yamlfile import parse_yaml

    monkeypatch.setattr(yaml, "__with_libyaml__", libyaml)
    with pytest.raises(LoadError) as info:
        parse_yaml(f"title: x\n{text}\n".encode(), "x.yaml")
    [d] = info.value.diagnostics
    assert (d.line, d.column) == (2, 1 + text.index("!!"))
    assert "標籤" in d.message and "請刪除" in d.message


def test_a_date_tag_on_text_that_is_no_date_leaves_the_text_to_the_model():
    from sqdocs.load.yamlfile import parse_yaml

    assert parse_yaml(b"d: !!timestamp x\n", "x.yaml").data == {"d": "x"}


def test_year_written_with_a_leading_zero_is_that_year(data_copy):
    path = data_copy / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nyear: 107\n", "\nyear: 0107\n"), encoding="utf-8")
    assert load_plan(data_copy).body.year == 107


def test_a_plan_file_that_is_a_symlink_loop_is_named(data_copy):
    from sqdocs.load import LoadError

    (data_copy / "units.yaml").unlink()
    (data_copy / "units.yaml").symlink_to("units.yaml")
    with pytest.raises(LoadError) as info:
        load_plan(data_copy)
    [problem] = info.value.diagnostics
    assert problem.file.endswith("units.yaml") and "形成迴圈的符號連結" in problem.message



@pytest.mark.parametrize("folder", ["subplans", "results"])
def test_symlinks_that_lead_nowhere_are_errors_in_subplans_and_results_alike(data_copy, plan, folder):
    """A looping or dangling link is an error naming the link, wherever it is."""
    from sqdocs.load import LoadError, load_subplans
    from sqdocs.load.results import load_results

    (data_copy / folder / "迴圈.yaml").symlink_to("迴圈.yaml")
    (data_copy / folder / "斷線.yaml").symlink_to("不存在.yaml")
    with pytest.raises(LoadError) as info:
        (load_subplans if folder == "subplans" else load_results)(data_copy, plan)
    found = {d.file.rsplit("/", 1)[-1]: d.message for d in info.value.diagnostics}
    assert "形成迴圈的符號連結" in found["迴圈.yaml"]
    assert "指向的「不存在.yaml」不存在" in found["斷線.yaml"]


@pytest.mark.parametrize("folder", ["subplans", "results"])
@pytest.mark.parametrize("link", ["loop", "nowhere"])
def test_a_subplans_or_results_folder_that_is_a_broken_link_is_an_error(data_copy, folder, link, capsys):
    """A link in a loop where the folder should be was taken for an empty folder: validate
    said 「尚無細部執行計畫」 and build left the documents out, exit 0."""
    from sqdocs.cli import main

    shutil.rmtree(data_copy / folder)
    (data_copy / folder).symlink_to(folder if link == "loop" else "不存在")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    why = "是形成迴圈的符號連結（捷徑），指不到任何資料夾" if link == "loop" else "是符號連結（捷徑），但指向的「不存在」不存在"
    assert f"{data_copy / folder}: {why}；請刪除此連結，或換成實際的資料夾" in err, err


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_subplan_name_that_is_no_file_is_an_error_not_a_missing_subplan(data_copy, kind, capsys):
    """A folder or a named pipe called 第一分局.yaml was 「尚未建立細部執行計畫」, exit 0."""
    from sqdocs.cli import main

    path = data_copy / "subplans" / "第一分局.yaml"
    path.unlink()
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    assert main(["check", str(data_copy)]) == 2
    why = "是資料夾，不是檔案" if kind == "folder" else "不是一般檔案（是裝置、具名管線或通訊端）"
    assert f"{path}:1:1: {why}" in capsys.readouterr().err


# ---- text a comment cut short ---------------------------------------------------------


def test_text_cut_short_by_a_comment_is_warned_about(data_copy, capsys):
    from sqdocs.cli import main

    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    assert "定期辦理公文講習，" in text
    annex1.write_text(text.replace("定期辦理公文講習，", "定期辦理公文講習 #每季一次，", 1), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0  # legal YAML: a warning, not an error
    err = capsys.readouterr().err
    assert re.search(r"annex1\.yaml:\d+:\d+: dimensions\[0\]\.items\[\d+\]\.points\[\d+\]\.practices\[\d+\]: 警告："
                     r"「定期辦理公文講習」之後的「#每季一次，", err), err


def test_only_unquoted_text_followed_by_a_comment_is_cut_short():
    from sqdocs.load.comments import cut_texts
    from sqdocs.load.yamlfile import parse_yaml

    doc = parse_yaml(
        "a: 甲 #乙\n"  # cut
        "b: \"甲 #乙\"\n"  # quoted: all text
        "c: 甲   # 說明\n"  # a comment set apart, as the data format guide writes them: meant
        "d: true  # 範例\n"  # not text
        "e: 甲#乙\n"  # no space before #: text
        "f: []  # ←\n".encode(),
        "x.yaml",
    )
    assert [d.path for d in cut_texts(doc)] == ["a"]


def test_a_list_item_a_comment_empties_or_cuts_is_warned_about():
    """「- #2 各派出所…」 is an empty item (dropped from a subplan without a word); after a
    list item even a comment set apart cuts a practice short."""
    from sqdocs.load.comments import cut_texts
    from sqdocs.load.yamlfile import parse_yaml

    doc = parse_yaml(
        "practices:\n"
        "  - #2 各派出所每月辦理\n"  # empty item
        "  - 防治組訂定流程 # 併入作業\n"  # cut, though set apart
        "  - 正常的作法\n"
        "  -\n"  # an empty slot of a skeleton: nothing to say
        "units: [行政組]   # ← 承辦單位\n"
        "deadline:   # ← 完成期限\n".encode(),
        "x.yaml",
    )
    found = {d.path: d.message for d in cut_texts(doc)}
    assert list(found) == ["practices[0]", "practices[1]"]
    assert found["practices[0]"].startswith("清單的這一項是空的：「#2 各派出所每月辦理」被當成註解")
    assert found["practices[1]"].startswith("「防治組訂定流程」之後的「# 併入作業」被當成註解")


def test_a_list_item_indented_further_than_the_one_above_is_warned_about():
    """A practice pasted two spaces further in than the one above is, to YAML, more lines of
    that practice: two practices print as one, and nothing said so."""
    from sqdocs.load.comments import merged_items
    from sqdocs.load.yamlfile import parse_yaml

    doc = parse_yaml(
        "practices:\n"
        "- 定期清潔洽公場所；\n"
        "  - 於服務台放置意見卡。\n"  # joined to the item above
        "- 第二項\n"
        "  寫成兩行的同一項\n"  # a text wrapped over two lines: meant
        "- \"引號中的文字\n"
        "  - 照寫\"\n"  # quoted: the text as written
        "units: [行政組]\n".encode(),
        "x.yaml",
    )
    assert doc.data["practices"][0] == "定期清潔洽公場所； - 於服務台放置意見卡。"
    found = list(merged_items(doc))
    assert [(d.line, d.column, d.path, d.severity) for d in found] == [(3, 3, "practices[0]", "warning")]
    assert found[0].message.startswith("此行的「- 」比上一項「定期清潔洽公場所；」多縮排，YAML 把它併入上一項的文字")


def test_validate_warns_of_a_practice_joined_to_the_one_above(data_copy, capsys):
    from sqdocs.cli import main

    annex1 = data_copy / "annex1.yaml"
    text = annex1.read_text(encoding="utf-8")
    line = "              - 定期辦理公文講習，提升承辦人員公文品質。\n"
    assert line in text
    annex1.write_text(text.replace(line, line.replace("              - ", "            - "), 1), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0  # legal YAML: a warning, not an error
    err = capsys.readouterr().err
    assert re.search(r"annex1\.yaml:24:15: dimensions\[0\]\.items\[0\]\.points\[2\]\.practices\[0\]: 警告："
                     r"此行的「- 」比上一項「定期辦理公文講習，提升承辦人員公文品質。」多縮排", err), err


@pytest.mark.parametrize("argv", [["check", "{data}"], ["subplan", "update", "{data}", "--all"],
                                  ["subplan", "update", "{data}", "--unit", "第三分局"],
                                  ["build", "{data}", "-o", "{out}", "--only", "subplans"]])
def test_an_error_a_joined_list_item_causes_comes_with_the_warning_that_explains_it(data_copy, tmp_path, capsys, argv):
    """A sub-unit indented one space too far joins the one above (「保安組 - 偵查隊」), and the
    units that name 偵查隊 are errors: every command that stops at them says why, not only validate."""
    from sqdocs.cli import main

    path = data_copy / "subplans" / "第三分局.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n  - 偵查隊\n") == 1
    path.write_text(text.replace("\n  - 偵查隊\n", "\n   - 偵查隊\n"), encoding="utf-8")
    assert main([arg.format(data=data_copy, out=tmp_path / "out") for arg in argv]) == 2
    err = capsys.readouterr().err
    warning = "第三分局.yaml:32:4: sub_units[1]: 警告：此行的「- 」比上一項「保安組」多縮排"
    assert warning in err and "未知的承辦單位「偵查隊」，是不是「保安組 - 偵查隊」？" in err, err
    assert err.count(warning) == 1 and err.index(warning) < err.index("未知的承辦單位"), err


def test_the_sample_and_a_fresh_skeleton_have_no_text_cut_short(data_copy, capsys):
    from sqdocs.cli import main
    from sqdocs.load.comments import text_warnings

    assert text_warnings(SAMPLE) == []
    (data_copy / "subplans" / "第一分局.yaml").unlink()
    assert main(["subplan", "init", str(data_copy), "--unit", "第一分局"]) == 0
    assert text_warnings(data_copy) == []


@pytest.mark.parametrize("wrong", ["plan.yml", "Plan.YAML"])
def test_a_plan_file_under_another_name_is_pointed_out(data_copy, wrong):
    from sqdocs.load import LoadError

    (data_copy / "plan.yaml").rename(data_copy / wrong)
    if (data_copy / "plan.yaml").exists():  # a case-insensitive file system: nothing to point out
        pytest.skip("the file system ignores case")
    with pytest.raises(LoadError) as info:
        load_plan(data_copy)
    assert [d.message for d in info.value.diagnostics] == [f"找不到檔案；資料夾中有 {wrong}，請改名為 plan.yaml"]


@pytest.mark.parametrize(("inside", "command"), [
    ("subplans", "validate"), ("results", "check"), ("results/evidence", "build"),
])
def test_a_folder_inside_the_data_folder_is_one_message_naming_the_data_folder(data_copy, capsys, inside, command):
    """`sqdocs check keelung-107/subplans` listed five 「找不到檔案」, one per plan file."""
    from sqdocs.cli import main

    (data_copy / "results" / "evidence").mkdir(exist_ok=True)
    assert main([command, str(data_copy / inside)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2, err  # the message and the count
    assert (f"{data_copy / inside}: 此資料夾沒有計畫資料檔（plan.yaml、units.yaml、annex1.yaml、annex2.yaml、annex3.yaml），"
            f"不是計畫資料夾；它在計畫資料夾 {data_copy} 之中，請改指定 {data_copy}") in err, err


@pytest.mark.parametrize("command", [
    "subplan init {b} --all", "subplan update {b} --all", "form results {b} --all", "rollover {b} --to 108",
])
def test_a_folder_of_bureaus_given_to_a_one_bureau_command_names_the_bureaus(data_copy, tmp_path, capsys, command):
    """After `sqdocs validate bureaus` and `build bureaus` (使用手冊 6.6), `sqdocs subplan init bureaus`
    only said the folder was no data folder: it now names the bureaus in it, to take one at a time."""
    from sqdocs.cli import main

    bureaus = data_copy.parent
    (bureaus / "notes").mkdir()  # no plan.yaml: no bureau
    (bureaus / ".hidden").mkdir()
    (bureaus / ".hidden" / "plan.yaml").write_text("", encoding="utf-8")
    assert main([str(bureaus) if word == "{b}" else word for word in command.split()]) == 2
    err = capsys.readouterr().err
    assert (f"{bureaus}: 此資料夾沒有計畫資料檔（plan.yaml、units.yaml、annex1.yaml、annex2.yaml、annex3.yaml），"
            f"不是計畫資料夾；它內含各機關的資料夾（keelung-107），此指令一次處理一個機關"
            f"（validate、check、build、export 才可指定整個資料夾）：請改指定其中之一，如 {data_copy}") in err, err


def test_a_folder_with_no_plan_anywhere_near_says_what_a_data_folder_holds(tmp_path, capsys):
    from sqdocs.cli import main

    assert main(["validate", str(tmp_path)]) == 2
    assert "不是計畫資料夾；請指定含 plan.yaml 的資料夾（如 data/keelung-107）" in capsys.readouterr().err


@pytest.mark.parametrize(("given", "command"), [
    ("plan.yaml", "validate"), ("subplans/第一分局.yaml", "check"), ("results/秘書科.yaml", "build"),
])
def test_a_file_given_for_the_data_folder_names_the_folder_it_is_in(data_copy, capsys, given, command):
    """`sqdocs validate keelung-107/plan.yaml` said 「找不到資料夾」 of a file that is there."""
    from sqdocs.cli import main

    assert main([command, str(data_copy / given), *(["-o", str(data_copy / "out")] if command == "build" else [])]) == 2
    err = capsys.readouterr().err
    assert f"{data_copy / given}: 這是檔案，不是資料夾；請改指定它所在的計畫資料夾 {data_copy}" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["results", "subplans"])
def test_a_file_where_a_folder_of_units_files_belongs_is_an_error(data_copy, capsys, name):
    """A plain file named results/ or subplans/ read as an empty folder: 「尚無單位填報」, exit 0."""
    from sqdocs.cli import main

    shutil.rmtree(data_copy / name)
    (data_copy / name).write_text("", encoding="utf-8")
    message = f"{data_copy / name}: 應是放各單位 YAML 檔的資料夾，這裡卻是一個檔案；請刪除或改名此檔，建立名為 {name} 的資料夾"
    for command in (["validate", str(data_copy)], ["build", str(data_copy), "-o", str(data_copy.parent / "out")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert any(line.startswith(message) for line in err.splitlines()), err
    assert "請在同一指令加上 --only plan" in err and not (data_copy.parent / "out").exists()


def test_a_zip_given_for_the_data_folder_is_to_be_unzipped_first(tmp_path, capsys):
    from sqdocs.cli import main

    (tmp_path / "keelung-107.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    assert main(["validate", str(tmp_path / "keelung-107.zip")]) == 2
    assert "這是壓縮檔，不是資料夾；請先解壓縮，再指定解壓縮後含 plan.yaml 的資料夾" in capsys.readouterr().err


def test_check_warns_of_text_cut_short_too(data_copy, capsys):
    from sqdocs.cli import main

    path = data_copy / "subplans" / "第一分局.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("- ") and "，" in ln)
    path.write_text(text.replace(line, line.replace("，", " #", 1), 1), encoding="utf-8")
    main(["check", str(data_copy)])
    assert "被當成註解，沒有讀入" in capsys.readouterr().err


def test_a_file_is_parsed_again_only_when_its_bytes_change(tmp_path):
    from sqdocs.load.yamlfile import read_yaml

    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    first = read_yaml(path)
    assert read_yaml(path) is first
    path.write_text("a: 2\n", encoding="utf-8")
    assert read_yaml(path).data == {"a": 2}


def _plan_errors(folder) -> list:
    from sqdocs.load import LoadError

    with pytest.raises(LoadError) as info:
        load_plan(folder)
    return [d for d in info.value.diagnostics if d.severity == "error"]


def test_a_typo_in_the_registry_is_one_message_at_the_registry(data_copy):
    """「秘書料」 registered, 「秘書科」 used nine times: not nine errors saying 「是不是秘書料」."""
    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("- name: 秘書科\n", "- name: 秘書料\n"), encoding="utf-8")
    [error] = _plan_errors(data_copy)
    lines = units.read_text(encoding="utf-8").splitlines()
    assert error.file.endswith("units.yaml") and lines[error.line - 1].strip() == "- name: 秘書料"
    assert "沒有一處用到，該檔卻有 9 處寫「秘書科」（第 32、44、63 行等）" in error.message
    assert error.message.endswith("若是這裡打錯，請改為「秘書科」，否則請把那 9 處改為「秘書料」")


def test_a_renamed_unit_is_not_taken_for_a_typo_of_an_unused_group(data_copy):
    """刑警大隊 renamed 刑大 in units.yaml beside a new group 各大隊: annex1's four 刑警大隊 are
    the old name, not 各大隊 mistyped; telling to rename the group 刑警大隊 would be wrong."""
    units = data_copy / "units.yaml"
    text = units.read_text(encoding="utf-8").replace("- name: 刑警大隊\n", "- name: 刑大\n")
    text = text.replace("members: [刑警大隊,", "members: [刑大,")
    text += "  - name: 各大隊\n    members: [刑大, 交通隊]\n"
    units.write_text(text, encoding="utf-8")
    errors = _plan_errors(data_copy)
    assert not any("沒有一處用到" in e.message for e in errors)
    assert [e.message for e in errors if e.file.endswith("annex1.yaml")] == [
        "未知的承辦單位「刑警大隊」，是不是「刑事警察大隊」？"
    ] * 4


def test_a_name_mistyped_once_is_pointed_out_where_it_is_used(data_copy):
    annex = data_copy / "annex1.yaml"
    text = annex.read_text(encoding="utf-8")
    assert text.count("人事室") >= 1
    annex.write_text(text.replace("人事室", "人是室", 1), encoding="utf-8")
    [error] = _plan_errors(data_copy)
    assert error.file.endswith("annex1.yaml") and error.message.startswith("未知的承辦單位「人是室」")


def test_a_registered_name_with_a_hidden_character_is_told_as_such_not_as_a_typo(data_copy):
    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("- name: 秘書科\n", "- name: 秘書\u200b科\n"),
                     encoding="utf-8")
    errors = _plan_errors(data_copy)
    assert not any("沒有一處用到" in e.message for e in errors)
    assert any(e.file.endswith("units.yaml") and "看不見的字元 U+200B（零寬空格）" in e.message for e in errors)


def test_a_registered_name_with_a_full_width_space_names_the_space(data_copy):
    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("- name: 秘書科\n", "- name: 秘書\u3000科\n"),
                     encoding="utf-8")
    errors = _plan_errors(data_copy)
    assert any(e.file.endswith("units.yaml") and "名稱「秘書\u3000科」中有特殊空白 U+3000（全形空白），請刪除此字元，"
               "刪除後即為「秘書科」" in e.message for e in errors)


def test_a_line_separator_in_a_name_is_shown_by_its_code_on_the_message_s_one_line(data_copy, capsys):
    """The name is quoted in the message: a U+2028 in it, printed as it is, cut the message in two
    for every tool that splits lines there (Python's splitlines, editors' problem matchers)."""
    from sqdocs.cli import main

    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("- name: 秘書科\n", '- name: "秘書\\u2028科"\n'),
                     encoding="utf-8")  # the YAML escape: typed, a U+2028 ends the line
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.split(":")[0].endswith("units.yaml"))
    assert "名稱「秘書〔U+2028〕科」中有看不見的字元 U+2028" in line and line.endswith("刪除後即為「秘書科」"), line
    assert "\u2028" not in err


@pytest.mark.parametrize("name", ["../../x", "a/b", "秘書:科", ".."])
def test_a_registered_name_that_cannot_name_a_file_is_refused_at_the_registry(data_copy, capsys, name):
    """A unit's short name names its files (results/秘書科.yaml, 秘書科執行成果.xlsx): 「../../x」
    put its form two folders up and its results outside the data folder; 「a/b」 was exit 70."""
    from sqdocs.cli import main

    for file in ("units.yaml", "annex1.yaml", "annex3.yaml"):
        path = data_copy / file
        path.write_text(path.read_text(encoding="utf-8").replace("秘書科", name), encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "units.yaml:" in err and f"單位簡稱「{name}」" in err and "不能當作檔名" in err, err
    assert "內部錯誤" not in err
    out = data_copy.parent / "forms"
    assert main(["form", "results", str(data_copy), "--all", "-o", str(out)]) == 2
    assert not out.exists() and not list(data_copy.parent.parent.glob("*.xlsx"))


def test_parsed_files_kept_are_bounded(tmp_path):
    """A nationwide batch reads thousands of files: only the most recent stay parsed."""
    from sqdocs.load import yamlfile

    paths = []
    for n in range(yamlfile._PARSED_KEPT + 10):
        paths.append(tmp_path / f"{n}.yaml")
        paths[-1].write_text(f"a: {n}\n", encoding="utf-8")
        yamlfile.read_yaml(paths[-1])
    assert len(yamlfile._PARSED) == yamlfile._PARSED_KEPT
    last = yamlfile.read_yaml(paths[-1])
    assert yamlfile.read_yaml(paths[-1]) is last and yamlfile.read_yaml(paths[0]).data == {"a": 0}


def test_an_invisible_character_in_a_point_name_is_one_error_at_annex1_not_many_in_results(data_copy, capsys):
    """Pasted from Word: a zero-width space in a 評核重點 is named where it is, once."""
    from sqdocs.cli import main

    annex = data_copy / "annex1.yaml"
    annex.write_text(annex.read_text(encoding="utf-8").replace(
        "- name: 服務及時性\n", "- name: 服務\u200b及時性\n", 1), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if ": " in line and "yaml:" in line]
    assert len(errors) == 1, errors
    assert errors[0].endswith(
        "annex1.yaml:15:19: dimensions[0].items[0].points[1].name: 文字在「服務」之後（第 3 個字）有看不見的字元 "
        "U+200B（零寬空格），PDF 會印成方框；這多半是從 Word 貼上時帶入的，請刪除此字元，刪除後即為「服務及時性」"
    )


@pytest.mark.parametrize("c", ["\u200b", "\u00ad", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_an_invisible_character_in_a_subplan_practice_or_a_result_is_an_error(data_copy, c):
    from sqdocs.load import LoadError, load_results, load_subplans

    plan = load_plan(data_copy)
    subplan = next((data_copy / "subplans").glob("*.yaml"))
    text = subplan.read_text(encoding="utf-8")
    start = text.index("practices:\n") + len("practices:\n")
    start = text.index("- ", start) + 4
    subplan.write_text(text[:start] + c + text[start:], encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_subplans(data_copy, plan)
    [error] = info.value.diagnostics
    assert error.path.endswith("practices[0]") and f"U+{ord(c):04X}" in error.message
    result = next((data_copy / "results").glob("*.yaml"))
    text = result.read_text(encoding="utf-8")
    start = text.index("outcome: ") + len("outcome: ") + 2
    result.write_text(text[:start] + c + text[start:], encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_results(data_copy, plan)
    assert [d.path.rsplit(".", 1)[-1] for d in info.value.diagnostics if d.severity == "error"] == ["outcome"]


def test_a_joiner_inside_an_emoji_is_part_of_it_not_a_character_pasted_in(data_copy):
    """「🧑‍🚒」 (firefighter) is two pictographs joined by U+200D: it was refused as a zero-width
    joiner 「多半是從 Word 貼上時帶入的」. The PDF's missing-glyph warning is what concerns an emoji."""
    from sqdocs.load import LoadError, load_results

    plan = load_plan(data_copy)
    result = data_copy / "results" / "第一分局.yaml"
    text = result.read_text(encoding="utf-8")
    start = text.index("outcome: ") + len("outcome: ")
    result.write_text(text[:start] + "\U0001f9d1\u200d\U0001f692 " + text[start:], encoding="utf-8")
    load_results(data_copy, plan)  # no error
    result.write_text(text[:start] + "第\u200d一" + text[start:], encoding="utf-8")  # between two characters: pasted
    with pytest.raises(LoadError, match="U\\+200D（零寬連字）"):
        load_results(data_copy, plan)


def test_numbering_typed_into_a_numbered_text_is_warned_about_by_validate_and_build(data_copy, capsys, tmp_path):
    """Pasted from Word: 「1.<TAB>定期…」 printed 「1. 1. 定期…」 and 「…：一、利用勤前教育」, with no warning."""
    from sqdocs.cli import main

    annex1 = data_copy / "annex1.yaml"
    annex1.write_text(annex1.read_text(encoding="utf-8").replace(
        "- 定期辦理公文講習，", "- 1.\t定期辦理公文講習，", 1), encoding="utf-8")
    plan_file = data_copy / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace(
        "text: 利用勤前教育", "text: 一、利用勤前教育", 1), encoding="utf-8")
    subplan = data_copy / "subplans" / "第一分局.yaml"
    text = subplan.read_text(encoding="utf-8")
    start = text.index("- ", text.index("practices:\n")) + 2
    subplan.write_text(text[:start] + "（1）" + text[start:], encoding="utf-8")
    expected = [
        (r"annex1\.yaml:23:17: dimensions\[0\]\.items\[0\]\.points\[2\]\.practices\[0\]: 警告：文字開頭的「1\.」"
         r"像是手打的編號；編號「1\.」會依項目順序自動產生，此項印出為「1\. 1\. 定期辦理公文講習，提升承辦…」，"
         r"編號重複了；請刪除手打的「1\.」"),
        r"plan\.yaml:42:11: steps\[1\]\.text: 警告：文字開頭的「一、」像是手打的編號；編號「二、」"
        r"會依項目順序自動產生，此項印出為「二、針對本局所屬…：一、利用勤前教育、常年訓練等各種…」",
        r"subplans/第一分局\.yaml:\d+:\d+: points\[0\]\.practices\[0\]: 警告：文字開頭的「（1）」像是手打的編號",
    ]
    assert main(["validate", str(data_copy)]) == 0  # a warning, not an error
    err = capsys.readouterr().err
    for pattern in expected:
        assert re.search(pattern, err), (pattern, err)
    assert main(["build", str(data_copy), "-o", str(tmp_path / "out"), "--only", "plan,subplans",
                 "--format", "docx"]) == 0
    err = capsys.readouterr().err
    for pattern in expected:
        assert re.search(pattern, err), (pattern, err)


def test_a_practice_listed_twice_is_warned_about_by_validate_and_build(data_copy, capsys, tmp_path):
    """A line pasted twice was printed twice, numbered 1. and 2., without a word. Blanks at its
    end (or a second space inside) do not make it another practice."""
    from sqdocs.cli import main

    for name in ("subplans/第一分局.yaml", "annex1.yaml"):
        path = data_copy / name
        text = path.read_text(encoding="utf-8")
        start = text.index("- ", text.index("practices:\n"))
        line = text[start:text.index("\n", start)]
        indent = text[text.rindex("\n", 0, start) + 1:start]
        path.write_text(text.replace(line, f"{line}\n{indent}{line.replace('，', '，  ', 1)}  ", 1), encoding="utf-8")
    expected = [r"subplans/第一分局\.yaml:\d+:\d+: points\[0\]\.practices\[1\]: 警告：此項與「1\.」項的文字相同，"
                r"印出時會以「2\.」再列一次；請刪除重複的一項",
                r"annex1\.yaml:12:17: dimensions\[0\]\.items\[0\]\.points\[0\]\.practices\[1\]: 警告：此項與「1\.」項"]
    assert main(["validate", str(data_copy)]) == 0  # a warning, not an error
    err = capsys.readouterr().err
    for pattern in expected:
        assert re.search(pattern, err), (pattern, err)
    assert err.count("文字相同") == 2
    assert main(["build", str(data_copy), "-o", str(tmp_path / "out"), "--only", "plan,subplans", "--format", "docx"]) == 0
    err = capsys.readouterr().err
    for pattern in expected:
        assert re.search(pattern, err), (pattern, err)



@pytest.mark.parametrize("text", ["1999 專線受理民眾反映", "1.5 倍", "一、二級主管參加", "1、2 月份辦理", "（如附件 2）辦理"])
def test_a_text_that_starts_with_a_number_but_no_label_is_not_warned_about(text):
    from sqdocs.load.labels import typed_label

    assert typed_label(text) is None


@pytest.mark.parametrize(("source", "expected"), [
    ("a: 定期辦理公文講習，\n  提升承辦人員公文品質。\n", "定期辦理公文講習，提升承辦人員公文品質。"),
    ("a: >-\n  定期辦理公文講習，\n  提升承辦人員公文品質。\n", "定期辦理公文講習，提升承辦人員公文品質。"),
    ("a: >\n  講習，\n  提升。\n\nb: 1\n", "講習，提升。\n"),
    ("a: 推廣 M-Police\n  定位服務\n", "推廣 M-Police 定位服務"),  # a Latin word on one side keeps the space
    ("a: 107 年\n  1 月\n", "107 年 1 月"),
    ("a: 第一段，\n\n  第二段。\n", "第一段，\n第二段。"),  # a blank line is a line break, as in YAML
    # more-indented lines, which this reading does not follow: YAML's value stays
    ("a: >\n  第一段，\n  第二段。\n    縮排的一行\n  下一段\n", "第一段， 第二段。\n  縮排的一行\n下一段\n"),
    ("a: \"講習，\n  提升\"\n", "講習， 提升"),  # quoted: YAML's value, escapes and all
    ("a: [講習，\n  提升, 乙]\n", ["講習，提升", "乙"]),
])
@pytest.mark.parametrize("libyaml", [True, False])
def test_a_text_wrapped_over_lines_joins_chinese_without_a_space(monkeypatch, source, expected, libyaml):
    import yaml

    from sqdocs.load import yamlfile

    monkeypatch.setattr(yaml, "__with_libyaml__", libyaml and yaml.__with_libyaml__)
    assert yamlfile.parse_yaml(source.encode("utf-8"), "x.yaml").data["a"] == expected


def _validated_with(folder, capsys, old: str, new: str, code: int = 0) -> str:
    """validate of ``folder`` with plan.yaml's ``old`` replaced by ``new``: it ends with ``code``
    (by default it passes: warnings are not errors); its stderr."""
    from sqdocs.cli import main

    plan_file = folder / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert old in text
    plan_file.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["validate", str(folder)]) == code
    return capsys.readouterr().err


PERIOD_END = "  end: 107 年 12 月 31 日"


def test_plan_dates_in_another_year_are_warned_about_by_validate_and_build(data_copy, capsys, tmp_path):
    """A year typed wrong in issued or period.end printed on the cover and in 肆、執行期程 unnoticed."""
    from sqdocs.cli import main

    assert "警告" not in _validated_with(data_copy, capsys, PERIOD_END, PERIOD_END)  # no issued, a period in 107
    err = _validated_with(data_copy, capsys, PERIOD_END, "  end: 108 年 12 月 31 日\nissued: 170 年 2 月 1 日")
    expected = [
        "plan.yaml:8:8: period.end: 警告：期程迄日 108 年 12 月 31 日 不在民國 107 年；年度計畫的期程通常在同一年內",
        "plan.yaml:9:9: issued: 警告：發布日期 170 年 2 月 1 日 不在民國 106 或 107 年；107 年度計畫於前一年底或當年發布，請確認年份",
    ]
    assert all(line in err for line in expected), err
    assert main(["build", str(data_copy), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "docx"]) == 0
    err = capsys.readouterr().err
    assert all(line in err for line in expected), err


def test_a_plan_issued_before_the_letters_it_cites_is_warned_about(data_copy, capsys):
    err = _validated_with(data_copy, capsys, PERIOD_END, PERIOD_END + "\nissued: 107 年 2 月 25 日")
    assert ("plan.yaml:23:11: basis[2].date: 警告：依據函文日期 107 年 3 月 1 日 晚於本計畫發布日期 107 年 2 月 25 日（issued）"
            in err), err
    assert "basis[1]" not in err and "basis[0]" not in err  # 2 月 21 日 came before
    shutil.rmtree(data_copy / "subplans")  # their deadlines run to 12 月 31 日, past the shortened period
    shutil.rmtree(data_copy / "results")
    err = _validated_with(data_copy, capsys, "  end: 107 年 12 月 31 日\nissued: 107 年 2 月 25 日",
                          "  end: 107 年 6 月 30 日\nissued: 107 年 7 月 1 日")
    assert "issued: 警告：發布日期 107 年 7 月 1 日 晚於期程迄日 107 年 6 月 30 日" in err, err


def test_a_text_of_another_year_than_the_plans_is_warned_about(data_copy, capsys):
    """A folder copied from the sample, its year changed by hand: validate said ✓ while the plan
    still set up 「107 年度推動提升服務品質工作小組」. The sample, in its own year, has none."""
    assert "，本計畫是 107 年度" not in _validated_with(data_copy, capsys, "year: 107", "year: 107")
    err = _validated_with(data_copy, capsys, "成立本局「107 年度推動", "成立本局「106年度推動")
    assert ("plan.yaml:44:11: steps[2].text: 警告：文字中寫著「106 年度」，本計畫是 107 年度；"
            "若不是引用其他年度，請改為「107 年度」") in err, err
    assert err.count("，本計畫是 107 年度") == 1, err


def test_a_text_of_another_year_in_annex1_is_warned_about_too(data_copy, capsys):
    """附件 1 of a new bureau begun from the sample still set up 「107年度推動提升服務品質工作小組」
    in its 114 plan: the other-year check read plan.yaml only."""
    from sqdocs.cli import main

    annex1 = data_copy / "annex1.yaml"
    replace_once(annex1, "成立本局「107年度推動", "成立本局「106年度推動")
    capsys.readouterr()
    main(["validate", str(data_copy)])
    err = capsys.readouterr().err
    assert ("annex1.yaml:175:17: dimensions[2].items[1].points[0].practices[0]: 警告：文字中寫著「106 年度」，本計畫是 107 年度；"
            "若不是引用其他年度，請改為「107 年度」") in err, err


def test_a_letter_number_in_full_width_digits_is_warned_about(data_copy, capsys):
    """「發社字第１０８１３０００３５號」 printed spaced out on page 1, beside half-width numbers."""
    err = _validated_with(data_copy, capsys, "number: 發社字第 1071300028 號", "number: 發社字第１０７１３０００２８號")
    assert ("plan.yaml:13:13: basis[0].number: 警告：文號「發社字第１０７１３０００２８號」含全形數字（１０７１３０００２８），"
            "印出時字距寬鬆、與其他文號不一致；文號通常用半形數字：「發社字第1071300028號」") in err, err
    assert "basis[1]" not in err


def test_a_title_naming_another_bureau_is_refused_with_the_title_to_write(data_copy, capsys):
    """A bureau starting from the sample changed agency: the titles of the plan, its annexes and the
    subplans still said 基隆市警察局, and were printed on its covers and in its file names."""
    from sqdocs.cli import main

    err = _validated_with(data_copy, capsys, "agency: 基隆市警察局", "agency: 新竹市警察局", code=2)
    assert ("plan.yaml:5:8: title: 標題寫的是「基隆市警察局」，但 plan.yaml 的 agency 是「新竹市警察局」；"
            "應為「新竹市警察局 107 年度提升服務品質執行計畫」") in err
    assert "annex3.yaml:3:8: title: 標題寫的是「基隆市警察局」" in err
    for name, title in (("plan.yaml", "新竹市警察局 107 年度提升服務品質執行計畫"),
                        ("annex3.yaml", "新竹市警察局 107 年度「推動提升服務品質」考核小組編組表")):
        path = data_copy / name
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 2  # now the subplans'
    err = capsys.readouterr().err
    assert "第一分局.yaml:26:8: title: 標題寫的是「基隆市警察局」，但 plan.yaml 的 agency 是「新竹市警察局」；應為「新竹市警察局第一分局" in err
    assert "plan.yaml:" not in err and "annex3.yaml:" not in err


def test_a_title_naming_another_bureau_and_year_is_offered_one_whole_fix(data_copy, capsys):
    """A copied sample with agency, year and period changed: annex3's title names 基隆 and 107.
    Each of its two messages offered a half fix (「基隆市警察局 113 年度…」, 「臺中市政府警察局 107
    年度…」) that the other message then refused."""
    plan_file = data_copy / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8").replace("agency: 基隆市警察局", "agency: 臺中市政府警察局")
    text = re.sub(r"(?m)^title: .*$", "title: 臺中市政府警察局 113 年度提升服務品質執行計畫", text, count=1)
    plan_file.write_text(text.replace("year: 107", "year: 113").replace("107 年 1 月 1 日", "113 年 1 月 1 日")
                         .replace("107 年 12 月 31 日", "113 年 12 月 31 日"), encoding="utf-8")
    errors = [e.message for e in _plan_errors(data_copy) if e.file.endswith("annex3.yaml") and e.line == 3]
    assert sorted(errors) == [
        "標題寫的是 107 年度，但計畫是 113 年度；應為「臺中市政府警察局 113 年度「推動提升服務品質」考核小組編組表」",
        "標題寫的是「基隆市警察局」，但 plan.yaml 的 agency 是「臺中市政府警察局」；"
        "應為「臺中市政府警察局 113 年度「推動提升服務品質」考核小組編組表」",
    ]


def test_a_title_that_names_no_bureau_is_taken(data_copy, capsys):
    from sqdocs.cli import main

    assert "title: 提升服務品質組織診斷檢核表" in (data_copy / "annex2.yaml").read_text(encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 0


@pytest.mark.parametrize(("typed", "shown"), [("9999 年 12 月 31 日", "民國 8088 年（西元 9999 年）"),
                                              ("9999-12-31", "民國 8088 年（西元 9999 年）"),
                                              ("999 年 12 月 31 日", "民國 999 年（西元 2910 年）")])
def test_a_date_past_roc_200_is_refused(data_copy, capsys, typed, shown):
    """「9999 年 12 月 31 日」 read as the Gregorian 9999 passed validate with a warning, then
    build failed in 10 documents with 「內部錯誤（OverflowError）」."""
    err = _validated_with(data_copy, capsys, PERIOD_END, f"  end: {typed}", code=2)
    assert f"period.end: 「{typed}」是{shown}，晚於民國 200 年，不像是計畫的日期；請確認年份" in err, err
