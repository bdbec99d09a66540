"""Building: official file names, atomic writes, one failing document does not stop the others."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, SECRETARIAT_SIMPLIFIED, left_out

from sqdocs import build, pool
from sqdocs.build import DEFAULT_FORMATS, Job, file_stem
from sqdocs.cli import main
from sqdocs.folders import find_folders, skipped_folders
from sqdocs.fsutil import write_atomic
from sqdocs.options import BuildOptions
from sqdocs.pool import run_jobs


def test_file_stem():
    assert file_stem("基隆市警察局 107 年度提升服務品質執行計畫") == "基隆市警察局107年度提升服務品質執行計畫"
    assert file_stem('a/b:c*?"<>|') == "a_b_c______"
    # no hidden file, however the title begins
    assert file_stem(".基隆市警察局 107 年度") == "基隆市警察局107年度" and file_stem("..") == "_"
    assert file_stem("../../tmp/x") == "_.._tmp_x"


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "out" / "doc.pdf"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(target.parent) == ["doc.pdf"]


def _jobs(tmp_path, *names):
    return [Job(SAMPLE, "plan", name.rsplit(".", 1)[1], tmp_path / name) for name in names]


def _writers(monkeypatch, **by_format):
    monkeypatch.setattr(build, "_writer", lambda kind, fmt: by_format[fmt])


def test_failing_writer_keeps_previous_outputs(tmp_path, monkeypatch):
    (tmp_path / "a.docx").write_bytes(b"previous a")
    (tmp_path / "b.pdf").write_bytes(b"previous b")

    def crash(plan, options) -> bytes:
        raise RuntimeError("writer crashed midway")

    _writers(monkeypatch, docx=crash, pdf=lambda plan, options: b"fresh b")
    outcomes = run_jobs(_jobs(tmp_path, "a.docx", "b.pdf"), BuildOptions())
    assert [o.ok for o in outcomes] == [False, True]
    assert "writer crashed midway" in outcomes[0].error
    assert (tmp_path / "a.docx").read_bytes() == b"previous a"
    assert (tmp_path / "b.pdf").read_bytes() == b"fresh b"
    assert sorted(os.listdir(tmp_path)) == ["a.docx", "b.pdf"]


def test_interrupt_leaves_no_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "a.docx").write_bytes(b"previous")

    def interrupted(plan, options) -> bytes:
        raise KeyboardInterrupt

    _writers(monkeypatch, docx=interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_jobs(_jobs(tmp_path, "a.docx"), BuildOptions())
    assert os.listdir(tmp_path) == ["a.docx"]
    assert (tmp_path / "a.docx").read_bytes() == b"previous"


def test_failure_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"previous")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    _writers(monkeypatch, pdf=lambda plan, options: b"new")
    monkeypatch.setattr(os, "fsync", disk_full)
    outcomes = run_jobs(_jobs(tmp_path, "a.pdf"), BuildOptions())
    assert not outcomes[0].ok and outcomes[0].error == f"無法寫入或讀取 {target}：磁碟空間不足；請清出空間後再執行"
    assert os.listdir(tmp_path) == ["a.pdf"]
    assert target.read_bytes() == b"previous"


def test_find_folders(tmp_path):
    for name in ("keelung-107", "taipei-107"):
        (tmp_path / "bureaus" / name).mkdir(parents=True)
        (tmp_path / "bureaus" / name / "plan.yaml").write_text("x")
    assert [p.name for p in find_folders([tmp_path / "bureaus"])] == ["keelung-107", "taipei-107"]
    assert find_folders([SAMPLE]) == [SAMPLE]


def test_validate_sample(capsys):
    assert main(["validate", str(SAMPLE)]) == 0
    assert "資料正確" in capsys.readouterr().out


def test_cli_rejects_unknown_format(capsys):
    with pytest.raises(SystemExit) as info:
        main(["build", "data/keelung-107", "--format", "doc"])
    assert info.value.code == 2
    assert "不是可用的值" in capsys.readouterr().err


def test_cli_missing_folder(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "找不到資料夾" in capsys.readouterr().err


def test_writer_warnings_travel_with_the_outcome(tmp_path, monkeypatch, capsys):
    import warnings as w

    def warns(plan, options) -> bytes:
        w.warn("字型缺少「𠀀」(U+20000)，位於 附件 3 第 1 列 姓名", stacklevel=1)
        return b"pdf"

    _writers(monkeypatch, pdf=warns)
    outcomes = run_jobs(_jobs(tmp_path, "a.pdf"), BuildOptions())
    assert outcomes[0].ok
    assert outcomes[0].warnings == ("字型缺少「𠀀」(U+20000)，位於 附件 3 第 1 列 姓名",)
    from sqdocs.progress import progress

    with progress(1) as report:
        report(outcomes[0])
    assert "警告：字型缺少「𠀀」" in capsys.readouterr().err


def test_check_reproducible(tmp_path, capsys):
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--check-reproducible"]) == 0
    assert "逐位元組相同" in capsys.readouterr().out


def test_a_failed_document_skips_the_reproducibility_check_and_says_so(tmp_path, capsys, monkeypatch):
    def crash(plan, options) -> bytes:
        raise RuntimeError("writer crashed midway")

    _writers(monkeypatch, docx=crash, pdf=lambda plan, options: b"pdf")
    args = ["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx,pdf", "-j", "1",
            "--check-reproducible"]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "未比對是否可重現：有文件未能產生；修正後再執行一次。"


def test_a_stopped_batch_leaves_no_empty_folder_for_a_bureau_it_did_not_reach(tmp_path, capsys, monkeypatch):
    import signal

    from sqdocs.cli import build as cli
    from sqdocs.errors import Interrupted

    bureaus = tmp_path / "bureaus"
    for name in ("a", "b"):
        shutil.copytree(SAMPLE, bureaus / name)
    out = tmp_path / "out"
    (out / "old").mkdir(parents=True)  # there before: left as it was, empty or not

    def stopped(jobs, *args, **kwargs):
        write_atomic(jobs[0].path, b"one document")  # bureau a's first, then Ctrl-C
        raise Interrupted(signal.SIGINT, 1)

    monkeypatch.setattr(cli, "run_jobs", stopped)
    assert main(["build", str(bureaus), "-o", str(out), "--only", "plan", "--format", "docx"]) == 130
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "a", f"a/{cli.cached_plan(bureaus / 'a').title.replace(' ', '')}.docx", "old"]


def test_stopping_the_reproducibility_check_does_not_count_its_scratch_copies(tmp_path, capsys, monkeypatch):
    import signal

    from sqdocs.cli import build as cli
    from sqdocs.errors import Interrupted

    def stopped(jobs, *args):
        raise Interrupted(signal.SIGINT, 1)  # Ctrl-C after one scratch copy was built

    monkeypatch.setattr(cli, "differing_outputs", stopped)
    args = ["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx,pdf", "--check-reproducible"]
    assert main(args) == 130
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "已中斷比對：2 份文件都已產生，只有再產生一次的逐位元組比對沒有完成。"
    assert not any("已完成 1 份文件" in line for line in err)


def test_no_reproducibility_check_is_claimed_when_nothing_was_built(tmp_path, capsys):
    bureaus = tmp_path / "bureaus"
    shutil.copytree(SAMPLE, bureaus / "good")
    shutil.copytree(SAMPLE, bureaus / "bad")
    (bureaus / "bad" / "plan.yaml").write_text("agency: [\n", encoding="utf-8")
    shutil.rmtree(bureaus / "good" / "results")  # no report to build
    args = ["build", str(bureaus), "-o", str(tmp_path / "out"), "--only", "report", "--check-reproducible"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "逐位元組相同" not in err and err.endswith(f"1 個資料夾有錯誤，未產生其文件：{bureaus / 'bad'}。\n")


def test_a_batch_with_a_bad_bureau_and_a_file_that_differs_ends_saying_both(tmp_path, capsys, monkeypatch):
    from sqdocs.cli import build as cli

    bureaus = tmp_path / "bureaus"
    shutil.copytree(SAMPLE, bureaus / "good")
    (bureaus / "bad").mkdir()
    (bureaus / "bad" / "plan.yaml").write_text("agency: [\n", encoding="utf-8")
    monkeypatch.setattr(cli, "differing_outputs", lambda jobs, *args: [jobs[0].path])
    args = ["build", str(bureaus), "-o", str(tmp_path / "out"), "--only", "plan", "--check-reproducible"]
    assert main(args) == 2  # bad input, as without the check
    err = capsys.readouterr().err.splitlines()
    assert err[-2].startswith("✗ 再次產生的") and err[-1] == f"1 個資料夾有錯誤，未產生其文件：{bureaus / 'bad'}。"


def test_reproducibility_check_names_a_file_that_differs(tmp_path):
    # Two bureaus' plans of the same file name, built in a pool, one of them changed afterwards.
    jobs = [Job(SAMPLE, "plan", "docx", tmp_path / name / "計畫.docx") for name in ("甲", "乙")]
    assert all(o.ok for o in run_jobs(jobs, BuildOptions(), 2))
    assert pool.differing_outputs(jobs, BuildOptions(), tmp_path / "scratch", 2) == []
    jobs[1].path.write_bytes(jobs[1].path.read_bytes() + b"\0")
    assert pool.differing_outputs(jobs, BuildOptions(), tmp_path / "scratch2", 2) == [jobs[1].path]


def _core_dates(path):
    import zipfile

    xml = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    return re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", xml)


def test_source_date_epoch_pins_document_dates(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1546300800")  # 2019-01-01 UTC
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx"]) == 0
    (docx,) = tmp_path.glob("*.docx")
    assert all(d.startswith("2019-01-01") for d in _core_dates(docx))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan"]) == 2
    assert "SOURCE_DATE_EPOCH「soon」不是 Unix 時間（秒數）；請設為整數秒數（如 1546300800" in capsys.readouterr().err


def test_same_bytes_in_every_time_zone(tmp_path):
    import subprocess
    import sys

    outputs = []
    for zone in ("UTC", "Asia/Taipei", "America/Los_Angeles"):
        out = tmp_path / zone.replace("/", "-")
        env = {**os.environ, "TZ": zone}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run([sys.executable, "-m", "sqdocs.cli", "build", str(SAMPLE), "-o", str(out), "--only", "plan"],
                       check=True, env=env, capture_output=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == 2
    assert outputs[0] == outputs[1] == outputs[2]


def test_unwritable_output_is_a_message_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["export", str(SAMPLE), "-o", str(blocker / "out")]) == 2  # found before writing
    err = capsys.readouterr().err
    assert f"無法寫入 {blocker / 'out'}：路徑中有一段是檔案而不是資料夾" in err and "Traceback" not in err


def test_default_workers_one_per_cpu_at_most_one_per_document(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert [pool.default_workers(n) for n in (0, 1, 2, 12)] == [1, 1, 2, 3]


def test_a_pool_builds_the_same_bytes_and_reports_in_job_order(tmp_path):
    plan = build.cached_plan(SAMPLE)
    alone = build.jobs_for(SAMPLE, plan, ["plan", "subplans"], ["docx", "pdf"], tmp_path / "alone")
    pooled = build.jobs_for(SAMPLE, plan, ["plan", "subplans"], ["docx", "pdf"], tmp_path / "pooled")
    first = run_jobs(alone, BuildOptions(), 1)
    second = run_jobs(pooled, BuildOptions(), 2)
    assert [o.job for o in second] == pooled and all(o.ok for o in first + second)
    for a, b in zip(alone, pooled, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.path.name


def test_a_failing_document_in_a_pool_does_not_stop_the_others(tmp_path, monkeypatch):
    def crash(plan, options) -> bytes:
        raise RuntimeError("writer crashed midway")

    _writers(monkeypatch, docx=crash, pdf=lambda plan, options: b"fresh")  # forked workers inherit these
    outcomes = run_jobs(_jobs(tmp_path, "a.docx", "b.pdf", "c.pdf"), BuildOptions(), 2)
    assert [o.ok for o in outcomes] == [False, True, True]
    assert sorted(os.listdir(tmp_path)) == ["b.pdf", "c.pdf"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_documents_being_built_are_reported(tmp_path, monkeypatch, workers):
    _writers(monkeypatch, docx=lambda plan, options: b"d", pdf=lambda plan, options: b"p")
    jobs = _jobs(tmp_path, "a.docx", "b.pdf", "c.pdf", "d.docx")
    working: list[list] = []
    run_jobs(jobs, BuildOptions(), workers, on_working=working.append)
    assert working[-1] == []  # nothing left once all are done
    assert all(0 < len(w) <= workers for w in working[:-1])
    assert {job for w in working for job in w} == set(jobs)  # each was shown while it was built


def test_a_terminal_bar_names_the_documents_being_built():
    import io

    from sqdocs.progress import _short, progress

    job = Job(SAMPLE, "subplan", "docx", SAMPLE / "x.docx", "第一分局")
    assert _short(job) == "keelung-107/第一分局細部計畫.docx"
    assert _short(Job(SAMPLE, "plan", "pdf", SAMPLE / "y.pdf")) == "keelung-107/執行計畫.pdf"
    log = io.StringIO()
    with progress(2, log) as report:  # not a terminal: a line for what finished, nothing else
        report.working([job])
        report(build.Outcome(job, None, 0.1))
    assert log.getvalue() == f"[1/2] ✓ {job.path}（0.10 秒）\n"


def test_a_failure_on_a_narrow_terminal_is_one_line_the_terminal_wraps(monkeypatch):
    """Above the bar, a failed document's line is printed whole: rich wrapped it at its spaces,
    leaving 「✗」 alone on a line over the path, and cut the message after 「（3」."""
    import io

    from sqdocs.progress import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "40")
    job = Job(SAMPLE, "subplan", "pdf", SAMPLE / "基隆市警察局第一分局107年度提升服務品質細部執行計畫.pdf", "第一分局")
    error = "第一分局的細部執行計畫尚未填完（3 個評核重點都未填完）；請執行 sqdocs check 資料夾 查看缺漏"
    screen = Terminal()
    with progress(2, screen) as report:
        report(build.Outcome(job, error, None))
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # rich's colours
    assert f"✗ {job.path}：{error}\n" in shown


def test_a_folder_named_twice_is_built_once(tmp_path, capsys):
    (tmp_path / "link").symlink_to(SAMPLE)
    assert find_folders([SAMPLE, SAMPLE, tmp_path / "link"]) == [SAMPLE]
    args = ["build", str(SAMPLE), str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "docx", "-j", "2"]
    assert main(args) == 0
    said = capsys.readouterr()
    err, out = said.err, said.out
    assert len(re.findall(r"^\[\d+/\d+\] ✓", err, re.M)) == 1 and "內部錯誤" not in err
    assert out.startswith(f"✓ 1 份文件已產生於 {tmp_path / 'out'}（") and out.count("\n") == 1  # the result, on stdout
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["基隆市警察局107年度提升服務品質執行計畫.docx"]


def test_two_folders_of_the_same_name_are_refused_before_building(tmp_path, capsys):
    import shutil

    for side in ("A", "B"):
        shutil.copytree(SAMPLE, tmp_path / side / "keelung")
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "A" / "keelung"), str(tmp_path / "B" / "keelung"), "-o", str(out), "--only", "plan"]) == 2
    err = capsys.readouterr().err
    assert "A/keelung" in err and "B/keelung" in err and "同名" in err
    assert not out.exists()


def test_a_subfolder_without_plan_yaml_is_named_and_fails_the_build(tmp_path, capsys):
    import shutil

    bureaus = tmp_path / "bureaus"
    for name in ("a", "b", "c"):
        shutil.copytree(SAMPLE, bureaus / name)
    (bureaus / "b" / "plan.yaml").rename(bureaus / "b" / "plan.yml")
    (bureaus / "c" / "plan.yaml").unlink()
    (bureaus / "photos").mkdir()  # no YAML: not data, passed over quietly
    (bureaus / "photos" / "a.png").write_bytes(b"")
    assert main(["build", str(bureaus), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "docx"]) == 2
    err = capsys.readouterr().err
    assert "bureaus/b：沒有 plan.yaml，但有 plan.yml；請改名為 plan.yaml" in err
    assert "bureaus/c：有 YAML 檔但沒有 plan.yaml" in err
    assert "photos" not in err
    assert (tmp_path / "out" / "基隆市警察局107年度提升服務品質執行計畫.docx").is_file()  # a is still built


def test_a_data_folder_without_plan_yaml_is_not_taken_for_a_folder_of_bureaus(data_copy):
    (data_copy / "plan.yaml").unlink()
    assert skipped_folders([data_copy]) == []  # its subplans/ and results/ are not bureaus


def test_a_title_too_long_for_a_file_name_is_cut_and_said(tmp_path, capsys):
    import shutil

    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    long_title = "基隆市警察局 107 年度" + "為民服務品質暨" * 13 + "提升服務品質執行計畫"  # 113 characters, 339 bytes
    plan = folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("title: 基隆市警察局 107 年度提升服務品質執行計畫", f"title: {long_title}", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(folder), "-o", str(out), "--only", "plan", "--format", "docx,pdf,odt"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3 and all(len(n.encode()) <= 255 for n in names)
    stem = names[0].rsplit(".", 1)[0]
    assert stem.startswith("基隆市警察局107年度為民服務品質暨") and stem.endswith("…")
    assert {n.rsplit(".", 1)[0] for n in names} == {stem}
    assert f"檔名縮短為「{stem}」" in capsys.readouterr().err
    assert file_stem("基隆市警察局 107 年度提升服務品質執行計畫") == "基隆市警察局107年度提升服務品質執行計畫"  # short ones whole


def test_build_repeats_the_results_warnings_validate_gives(tmp_path, capsys):
    """A missing photo is left out of the report: a clerk who only builds hears of it too."""
    folder = tmp_path / "keelung-107"
    shutil.copytree(SAMPLE, folder)
    (folder / "results" / "evidence" / "公關科-史蹟館.png").unlink()
    assert main(["build", str(folder), "-o", str(tmp_path / "out"), "--only", "report", "--format", "pdf", "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert err.count("警告：找不到檔案「evidence/公關科-史蹟館.png」") == 1
    assert main(["build", str(folder), "-o", str(tmp_path / "out"), "--only", "plan", "--format", "pdf", "-j", "1"]) == 0
    assert "找不到檔案" not in capsys.readouterr().err  # no report built, nothing to warn of


def test_build_warns_of_a_text_a_comment_cut_short_in_the_files_it_reads(data_copy, tmp_path, capsys):
    """「講習 #每季一次」 would print as 「講習」: a clerk who only builds hears of it too."""
    plan = data_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "title: 基隆市警察局 107 年度提升服務品質執行計畫\n", "title: 基隆市警察局 107 年度提升服務品質執行計畫 #草案\n", 1),
        encoding="utf-8")
    results = data_copy / "results" / "秘書科.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace(
        "item: 服務一致及正確\n", "item: 服務一致及正確 #第一項\n", 1), encoding="utf-8")
    out = str(tmp_path / "out")
    assert main(["build", str(data_copy), "-o", out, "--only", "plan", "--format", "docx", "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert err.count("「#草案」被當成註解") == 1 and "#第一項" not in err  # no report built: its files not read
    assert main(["build", str(data_copy), "-o", out, "--only", "report", "--format", "docx", "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert err.count("「#草案」被當成註解") == 1 and err.count("「#第一項」被當成註解") == 1


def test_a_second_build_in_the_same_process_reads_the_data_as_it_is_now(data_copy, tmp_path, capsys):
    out = str(tmp_path / "out")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "--only", "plan", "-j", "1"]) == 0
    plan = data_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 107", "year: abc", 1), encoding="utf-8")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "--only", "plan", "-j", "1"]) == 2
    assert "year" in capsys.readouterr().err


def test_an_error_in_a_subplan_says_the_plan_can_still_be_built(data_copy, tmp_path, capsys, monkeypatch):
    subplan = data_copy / "subplans" / "第一分局.yaml"
    subplan.write_text(subplan.read_text(encoding="utf-8").replace(
        "deadline: 107 年 3 月 31 日", "deadline: 107 年 2 月 30 日", 1), encoding="utf-8")
    out = str(tmp_path / "out")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "-j", "1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "不是存在的日期" in err[0] and err[1] == "共 1 個錯誤，請修正後再執行。"
    assert err[2].endswith("的本局計畫、年度成果資料無誤；修正前要先產生，請在同一指令加上 --only plan,report")
    # Given --only already, the advice is to change it: a second --only is added to the first.
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "--only", "plan,subplans,report", "-j", "1"]) == 2
    assert capsys.readouterr().err.splitlines()[2].endswith("修正前要先產生，請把同一指令的 --only 改為 --only plan,report")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "--only", "plan", "-j", "1"]) == 0
    monkeypatch.chdir(data_copy)  # built from inside the folder: named, not 「. 的本局計畫」
    capsys.readouterr()
    assert main(["build", ".", "-o", out, "--format", "pdf", "-j", "1"]) == 2
    assert capsys.readouterr().err.splitlines()[2].startswith(f"目前資料夾 {data_copy.name} 的本局計畫、年度成果資料無誤")
    plan = data_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 107", "year: abc", 1), encoding="utf-8")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "-j", "1"]) == 2
    assert "--only plan" not in capsys.readouterr().err  # the plan itself is wrong: nothing to offer


def test_subplan_and_results_errors_come_together_and_the_hint_names_what_still_builds(data_copy, tmp_path, capsys):
    results = data_copy / "results" / "秘書科.yaml"
    results.write_text(results.read_text(encoding="utf-8").replace("item: 服務一致及正確", "item: 服務一至及正確", 1),
                       encoding="utf-8")
    out = str(tmp_path / "out")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert "秘書科.yaml" in err and err.endswith("的本局計畫、細部執行計畫資料無誤；修正前要先產生，請在同一指令加上 --only plan,subplans\n")
    subplan = data_copy / "subplans" / "第一分局.yaml"
    subplan.write_text(subplan.read_text(encoding="utf-8").replace(
        "deadline: 107 年 3 月 31 日", "deadline: 107 年 2 月 30 日", 1), encoding="utf-8")
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert "秘書科.yaml" in err and "第一分局.yaml" in err and "共 2 個錯誤" in err  # both at once
    assert err.endswith("的本局計畫資料無誤；修正前要先產生，請在同一指令加上 --only plan\n")
    batch = tmp_path / "batch"
    batch.mkdir()
    data_copy.rename(batch / "keelung-107")
    shutil.copytree(SAMPLE, batch / "keelung-copy")
    assert main(["build", str(batch), "-o", out, "--format", "pdf", "--only", "plan,subplans", "-j", "1"]) == 2
    # In a batch the advice is the whole command, into the folder the batch gives this bureau.
    hint = next(line for line in capsys.readouterr().err.splitlines() if "資料無誤" in line)
    command = (f"sqdocs build {batch / 'keelung-107'} -o {tmp_path / 'out' / 'keelung-107'} "
               "--only plan --format pdf -j 1")
    assert hint == f"{batch / 'keelung-107'} 的本局計畫資料無誤；修正前要先產生，可另外執行 {command}"
    assert main(shlex.split(command)[1:]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keelung-107", "keelung-copy"]
    assert [p.name for p in (tmp_path / "out" / "keelung-107").iterdir()] == ["基隆市警察局107年度提升服務品質執行計畫.pdf"]


def test_the_command_offered_for_one_folder_of_a_batch_keeps_the_batchs_choices():
    from sqdocs.cli.build import _rerun

    args = argparse.Namespace(format=["pdf"], templates=Path("t"), font=None, jobs=1, check_reproducible=True)
    assert _rerun(Path("a"), Path("o"), "plan", args) == (
        "sqdocs build a -o o --only plan --format pdf --templates t -j 1 --check-reproducible"
    )
    args = argparse.Namespace(format=list(DEFAULT_FORMATS), templates=None, font=None, jobs=None, check_reproducible=False)
    assert _rerun(Path("a"), Path("o"), "plan,subplans", args) == "sqdocs build a -o o --only plan,subplans"


def test_asking_for_a_report_there_is_no_data_for_builds_nothing_and_says_why(data_copy, tmp_path, capsys):
    out = str(tmp_path / "out")
    for path in (data_copy / "results").glob("*.yaml"):
        path.rename(path.with_name(path.name + ".txt"))  # saved by Notepad
    assert main(["build", str(data_copy), "-o", out, "--only", "report", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "的績效報告：results/ 中的 " in err and "副檔名不對（多了「.txt」），請改名為 " in err
    assert err.endswith("沒有產生任何文件。\n") and not (tmp_path / "out").exists()
    shutil.rmtree(data_copy / "results")
    (data_copy / "indicators.yaml").unlink()
    assert main(["build", str(data_copy), "-o", out, "--only", "report", "-j", "1"]) == 1
    assert "的績效報告：沒有 indicators.yaml 與 results/，沒有年度成果可編成報告" in capsys.readouterr().err
    assert main(["build", str(data_copy), "-o", out, "--format", "pdf", "-j", "1"]) == 0  # plans as ever, no word
    assert "績效報告" not in capsys.readouterr().err


def test_a_results_backup_alone_is_no_misnamed_file(data_copy, tmp_path, capsys):
    """A form import's 秘書科.yaml.bak.1 left when the files were moved away: not 「請改名為 秘書科.yaml.bak」."""
    results = data_copy / "results"
    (results / "秘書科.yaml").rename(results / "秘書科.yaml.bak.1")
    for path in results.glob("*.yaml"):
        path.unlink()
    assert main(["build", str(data_copy), "-o", str(tmp_path / "out"), "--only", "report", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "的績效報告：尚無單位填報年度成果（results/ 中沒有成果檔）" in err and "改名" not in err


def test_a_rebuild_leaves_unchanged_files_alone_and_never_replaces_a_read_only_one(data_copy, tmp_path, capsys):
    """Same bytes: the file is not touched (date, inode), so backups and watchers stay quiet. A
    document its owner made read-only (the approved version) is not replaced when it changed."""
    out = tmp_path / "out"
    args = ["build", str(data_copy), "-o", str(out), "--only", "plan,subplans", "--format", "docx", "-j", "1"]
    assert main(args) == 0
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()}
    assert main(args) == 0
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()} == before

    plan_doc = out / "基隆市警察局107年度提升服務品質執行計畫.docx"
    plan_doc.chmod(0o444)
    assert main(args) == 0  # unchanged: read-only is no obstacle
    plan = data_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("本局各分局", "本局所屬各分局", 1), encoding="utf-8")
    old = plan_doc.read_bytes()
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"無法寫入 {plan_doc}：此檔案設為唯讀（可能是已定稿的版本），未覆寫；要更新請先取消唯讀" in err
    assert f"1 份文件未能產生（其餘 4 份已產生於 {out}）" in err  # where they are, as the ✓ line says
    assert plan_doc.read_bytes() == old and not plan_doc.stat().st_mode & 0o222


def test_more_processes_than_cpus_are_not_started(tmp_path, capsys, monkeypatch):
    """-j 200 on a 2-CPU machine would start one process per document, each with its fonts."""
    monkeypatch.setattr("sqdocs.cli.build.usable_cpus", lambda: 2)
    started = []
    monkeypatch.setattr(pool, "_pool", lambda workers, _pool=pool._pool: started.append(workers) or _pool(workers))
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx,pdf", "-j", "200"]) == 0
    assert "注意：-j 200 多於可用的 CPU 數（2）；多開程序不會更快，只會更耗記憶體，改用 -j 2" in capsys.readouterr().err
    assert started == [2]


def test_the_readme_python_example_runs_and_writes_what_it_says(tmp_path, capsys):
    """The library use README shows: an example that has rotted is worse than none."""
    import re

    from conftest import ROOT, SAMPLE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Using it from Python.*?```python\n(.*?)```", readme, re.S).group(1)
    assert 'Path("data/keelung-107")' in code and 'Path("build/python")' in code
    code = code.replace('Path("data/keelung-107")', f"Path({str(SAMPLE)!r})")
    code = code.replace('Path("build/python")', f"Path({str(tmp_path / 'python')!r})")
    exec(compile(code, "README.md", "exec"), {})
    made = sorted(p.name for p in (tmp_path / "python").iterdir())
    assert made == sorted(["plan.pdf", "plan.docx", "第一分局.odt", "report.pdf"])
    assert all((tmp_path / "python" / name).stat().st_size > 5000 for name in made)
    assert "訂定標準作業流程比率 105 年 90.2%" in capsys.readouterr().out


def test_a_report_from_some_units_only_says_who_is_missing(data_copy, tmp_path, capsys):
    """Built before every unit handed in (early, or to see how it looks): the report says so
    inside, and the command says so too, where the secretariat sees it before sending it on."""
    for unit in ("秘書科", "第二分局"):
        (data_copy / "results" / f"{unit}.yaml").unlink()
    assert main(["build", str(data_copy), "-o", str(tmp_path), "--only", "report", "--format", "pdf"]) == 0
    assert f"注意：{data_copy} 的績效報告依 23／25 個單位的成果編成；尚未繳交：秘書科、第二分局（報告中已註明）" in (
        capsys.readouterr().err)
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "all"), "--only", "report", "--format", "pdf"]) == 0
    err = capsys.readouterr().err
    assert "尚未繳交" not in err and "未填報成果" not in err


def test_a_report_whose_units_left_points_unreported_says_so_when_built(data_copy, tmp_path, capsys):
    """Every file handed in, some of them not whole: the report lists the points, and the command
    says which units still owe some, so 「25／25」 is not taken for a finished year."""
    (data_copy / "results" / "第四分局.yaml").unlink()
    left_out(data_copy, "秘書科", SECRETARIAT_SIMPLIFIED)
    assert main(["build", str(data_copy), "-o", str(tmp_path), "--only", "report", "--format", "pdf"]) == 0
    err = capsys.readouterr().err
    assert f"注意：{data_copy} 的績效報告依 24／25 個單位的成果編成；尚未繳交：第四分局（報告中已註明）" in err
    assert (f"注意：{data_copy} 的績效報告中，已繳交的單位尚有評核重點未填報成果：秘書科 1 個"
            f"（報告中已列出；用 sqdocs validate {data_copy} 查看是哪些評核重點）") in err


def test_the_summary_says_which_documents_were_left_as_they_were(tmp_path, capsys):
    """A rebuild leaves a file that would get the same bytes untouched (its date too): the
    closing line says so, or a clerk looking at the dates thinks the build did nothing."""
    out = tmp_path / "out"
    args = ["build", str(SAMPLE), "-o", str(out), "--only", "plan", "-j", "1"]
    assert main(args) == 0
    assert "未改寫" not in capsys.readouterr().err
    assert main(args) == 0
    assert f"✓ 2 份文件已產生於 {out}（都與原有的檔案相同，未改寫；" in capsys.readouterr().out
    (pdf,) = out.glob("*.pdf")
    pdf.write_bytes(b"older")
    assert main(args) == 0
    assert f"✓ 2 份文件已產生於 {out}（其中 1 份與原有的檔案相同，未改寫；" in capsys.readouterr().out


def test_the_summary_names_the_font_the_pdfs_were_set_in(tmp_path, capsys):
    """Official documents are set in 標楷體; where another Kai face stood in, the clerk should
    not need pdffonts to find out."""
    from sqdocs.writers.fontfiles import resolve_latin, resolve_main

    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "pdf"]) == 0
    said = capsys.readouterr()
    latin = resolve_latin()
    also = f"（英文字母與數字：{latin.path}）" if latin is not None else ""
    assert said.err.endswith(f"\nPDF 與圖表的字型：{resolve_main().path}{also}\n")  # the last line before the result
    assert said.out.startswith("✓ 1 份文件已產生於")
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx"]) == 0
    assert "字型" not in capsys.readouterr().err


def test_a_document_dated_after_2107_is_still_written(tmp_path, monkeypatch, capsys):
    """A zip entry's year ends at 2107: a plan issued 民國 197 年 on (or SOURCE_DATE_EPOCH that
    far on) failed every .docx and .odt with 內部錯誤 「ushort format requires …」."""
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "7000000000")  # 2191-10-27
    assert main(["build", str(SAMPLE), "-o", str(tmp_path), "--only", "plan", "--format", "docx,odt"]) == 0
    assert "內部錯誤" not in capsys.readouterr().err
    for path in tmp_path.iterdir():
        with zipfile.ZipFile(path) as package:
            assert {info.date_time[:3] for info in package.infolist()} == {(2107, 10, 27)}


def test_a_report_without_charts_says_so_under_its_charts_heading_in_every_format(data_copy, tmp_path):
    """indicators.yaml may set no chart: 參、圖表 stood alone on a page of its own, its heading
    over nothing. It now says the report has none, and starts no page."""
    import zipfile

    import docx
    import pypdf

    from sqdocs.outline import NO_CHARTS_SENTENCE, report_headings

    indicators = data_copy / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text[: text.index("\ncharts:") + 1], encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(data_copy), "-o", str(out), "--only", "report", "--format", "docx,pdf,odt"]) == 0
    heading, results = report_headings()[2], report_headings()[1]
    pages = [page.extract_text() for page in pypdf.PdfReader(next(out.glob("*.pdf"))).pages]
    page = next(p for p in pages if heading in p)
    assert NO_CHARTS_SENTENCE in page.split(heading, 1)[1]
    assert results in page or page.split(heading, 1)[0].strip()  # on the page the results end on
    paragraphs = docx.Document(next(out.glob("*.docx"))).paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    assert paragraphs[at + 1].text == NO_CHARTS_SENTENCE
    assert not paragraphs[at].paragraph_format.page_break_before and 'w:br w:type="page"' not in paragraphs[at - 1]._p.xml
    with zipfile.ZipFile(next(out.glob("*.odt"))) as odt:
        content = odt.read("content.xml").decode()
    assert f">{heading}</text:h>" in content and NO_CHARTS_SENTENCE in content.split(heading, 1)[1].split("</text:p>", 1)[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_loads_each_bureau_once_however_many_there_are(tmp_path, capsys, monkeypatch, workers):
    bureaus = tmp_path / "bureaus"
    names = [f"b{n:02}" for n in range(10)]  # more than a small cache would keep
    for name in names:
        shutil.copytree(SAMPLE, bureaus / name)
    loads = tmp_path / "loads.txt"  # appended to by the forked workers too

    def counted(what, load):
        def counting(folder, *args):
            with loads.open("a", encoding="utf-8") as log:
                log.write(f"{what} {folder.name} {os.getpid()}\n")
            return load(folder, *args)
        return counting

    for what in ("load_plan", "load_subplans", "load_results"):
        monkeypatch.setattr(build, what, counted(what, getattr(build, what)))
    monkeypatch.setattr(build, "_writer", lambda kind, fmt: lambda *args: f"{kind}.{fmt}".encode())
    assert main(["build", str(bureaus), "-o", str(tmp_path / "out"), "--format", "pdf", "-j", str(workers)]) == 0
    capsys.readouterr()
    logged = [line.rsplit(" ", 1) for line in loads.read_text(encoding="utf-8").splitlines()]
    assert sorted(load for load, _ in logged) == sorted(f"{what} {name}" for name in names
                                                        for what in ("load_plan", "load_subplans", "load_results"))
    here = {int(pid) == os.getpid() for _, pid in logged}
    assert here == ({True} if workers == 1 else {False})  # -j 2: loaded side by side, in other processes
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == len(names) * 6  # plan, four subplans, report


@pytest.mark.parametrize("command", [["build", "--only", "plan", "--format", "docx"], ["export"]])
def test_a_command_called_in_process_keeps_no_bureau_loaded_after_it(tmp_path, capsys, command):
    # An editor's preview calls the command again and again: a batch's data must not stay with it.
    assert main([command[0], str(SAMPLE), "-o", str(tmp_path), *command[1:]]) == 0
    assert build.loaded_parts(SAMPLE) == {}


def test_a_font_folder_this_user_may_not_enter_is_passed_over(monkeypatch):
    """Run as another user with HOME still /root (sudo -u), the font search's look at
    /root/.local/share/fonts/kaiu.ttf ended the build in 「錯誤：無法寫入或讀取 …：沒有權限；請用 -o
    指定其他位置」. A font it cannot reach is none it has."""
    import errno
    from pathlib import PosixPath

    from sqdocs.writers import fontfiles

    class Unreachable(PosixPath):
        def is_file(self) -> bool:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))

    found = fontfiles.resolve_main()
    locked = fontfiles.FontRef(Unreachable("/root/.local/share/fonts/kaiu.ttf"))
    monkeypatch.setattr(fontfiles, "kai_candidates", lambda: [locked, found])
    assert fontfiles.resolve_main() == found


_SPAWNED_BUILD = """
import multiprocessing, sys
if __name__ == "__main__":
    multiprocessing.set_start_method("spawn", force=True)
    import sqdocs.pool
    class NotLinux:  # the pool forks on Linux only; elsewhere its workers start from scratch
        platform = "darwin"
        stderr, stdout = sys.stderr, sys.stdout
    sqdocs.pool.sys = NotLinux
    with sqdocs.pool._pool(2) as pool:
        assert pool._mp_context.get_start_method() == "spawn"
    from sqdocs.cli import main
    sys.exit(main(sys.argv[1:]))
"""


def test_workers_started_from_scratch_build_the_same_files(tmp_path):
    """macOS and Windows spawn the pool's workers, which then load the data and fonts themselves:
    a path Linux never takes, here taken on purpose, byte for byte the same as the forked build."""
    import subprocess
    import sys

    script = tmp_path / "spawned_build.py"
    script.write_text(_SPAWNED_BUILD, encoding="utf-8")
    spawned = subprocess.run([sys.executable, str(script), "build", str(SAMPLE), "-o", str(tmp_path / "spawned"),
                              "-j", "2"], capture_output=True, text=True, timeout=300)
    assert spawned.returncode == 0, spawned.stderr
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "forked"), "-j", "2"]) == 0
    names = sorted(p.name for p in (tmp_path / "forked").iterdir())
    assert len(names) == 12 and sorted(p.name for p in (tmp_path / "spawned").iterdir()) == names
    for name in names:
        assert (tmp_path / "spawned" / name).read_bytes() == (tmp_path / "forked" / name).read_bytes(), name


@pytest.mark.parametrize(("formats", "said"), [("docx,pdf", "PDF"), ("docx,odt,pdf", "ODT、PDF"), ("docx", None)])
def test_templates_with_a_pdf_say_the_pdf_does_not_take_them(tmp_path, capsys, formats, said):
    """A letterhead added to the templates was missed only when the PDF, built in sqdocs' own
    layout, went out with the letter."""
    shutil.copy(ROOT / "templates" / "plan.docx", tmp_path / "plan.docx")
    capsys.readouterr()
    assert main(["build", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "plan", "--format", formats,
                 "--templates", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    note = "注意：--templates 的範本只用於 Word 檔；"
    if said is None:
        assert note not in err
    else:
        assert f"{note}{said} 依 sqdocs 內建的版面產生，不含範本加上的信頭、標誌等。" in err and err.count(note) == 1
