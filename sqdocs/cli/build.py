"""``sqdocs build``: which documents to build, the checks before building, the build, and what it says after."""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from sqdocs.build import (
    DEFAULT_FORMATS,
    KINDS,
    Job,
    PartlyBad,
    cached_plan,
    cached_report,
    jobs_for,
    source_date,
    stale_documents,
)
from sqdocs.cli.messages import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    folder_warnings,
    interrupted_code,
    passed_over,
    print_diagnostics,
    print_warnings,
)
from sqdocs.errors import UserError
from sqdocs.folders import find_folders, output_dirs
from sqdocs.fsutil import check_targets, display_name, remove_empty, remove_stale_temps
from sqdocs.gcpause import paused
from sqdocs.load import LoadError, has_results
from sqdocs.load.diagnostics import folder_words
from sqdocs.load.results import RESULTS_DIR, saved_as_text, submitted
from sqdocs.load.subplan import subplan_files
from sqdocs.options import BuildOptions
from sqdocs.pool import differing_outputs, loaded_in_turn, prepare_writers, run_jobs, usable_cpus
from sqdocs.progress import progress
from sqdocs.text.names import MAX_NAME_BYTES, command_line, shell_word

if TYPE_CHECKING:
    from sqdocs.report import CompiledReport


def command(args: argparse.Namespace) -> int:
    """Build the documents of every folder given; the exit code says whether all of them were written."""
    if args.templates is not None and args.templates.is_file():
        raise UserError(
            f"{args.templates}：這是一個檔案，不是資料夾；--templates 須指定放範本的資料夾"
            f"（例如 --templates {shell_word(str(args.templates.parent))}），其中的範本名為 plan.docx、subplan.docx、report.docx"
        )
    if args.templates is not None and not args.templates.is_dir():
        raise UserError(f"{args.templates}：找不到範本資料夾")
    if args.font is not None and not args.font.exists():  # a folder is told as such by the font check (_check_font)
        raise UserError(f"{args.font}：找不到字型檔；請確認路徑，或不加 --font，使用已安裝的楷書字型")
    if args.jobs is not None and args.jobs < 1:
        raise UserError("-j 必須是 1 以上的整數")
    if args.jobs is not None and args.jobs > (cpus := usable_cpus()):
        # Each process holds its own fonts and documents (~150 MB): more than the CPUs only
        # adds memory, and -j 200 on a small machine could run it out.
        print(f"注意：-j {args.jobs} 多於可用的 CPU 數（{cpus}）；多開程序不會更快，只會更耗記憶體，改用 -j {cpus}",
              file=sys.stderr)
        args.jobs = cpus
    with paused():  # what is loaded and imported here lasts the whole build (sqdocs.gcpause)
        jobs, bad, options = _planned_jobs(args)
        made = check_targets(job.path for job in jobs)  # -o naming a file, or read-only: said once, before building
        prepare_writers(jobs, options)
    if not jobs and not bad:  # `--only report` before any results: no file is no success
        print("沒有產生任何文件。", file=sys.stderr)
        return EXIT_FAILED
    start = time.perf_counter()
    remove_stale_temps(job.path for job in jobs)
    try:
        with progress(len(jobs)) as report:
            outcomes = run_jobs(jobs, options, args.jobs, report, report.working)
    except KeyboardInterrupt:
        remove_empty(made)  # no empty OUT/<bureau> for a bureau the build did not reach
        raise
    failed = [o for o in outcomes if not o.ok]
    if any(o.ok and (o.job.fmt == "pdf" or o.job.kind == "report") for o in outcomes):
        from sqdocs.writers.fontfiles import resolve_latin, resolve_main

        # Official documents are set in 標楷體; where it is not installed another Kai face stands in.
        latin = resolve_latin()
        also = f"（英文字母與數字：{display_name(latin.path)}）" if latin is not None else ""
        print(f"PDF 與圖表的字型：{display_name(resolve_main(options.font).path)}{also}", file=sys.stderr)
    if not failed:  # a failed document's previous version is kept on purpose: no note about it
        _print_stale(jobs)
    if failed:
        # In a batch, whose they are: the lines naming each are far above, among the others'
        whose = Counter(o.job.folder for o in failed)
        several = len({o.job.folder for o in outcomes}) > 1
        where = "：" + "、".join(f"{folder_words(f)} {n} 份" for f, n in whose.items()) if several else ""
        print(f"{len(failed)} 份文件未能產生（其餘 {len(outcomes) - len(failed)} 份已產生於 {display_name(args.output)}）{where}。",
              file=sys.stderr)
    elif outcomes:  # a log or cron mail ends with the result, not with the last document's line
        same = sum(o.unchanged for o in outcomes)  # their dates not touched: say why, so none looks stale
        kept = "" if not same else "都與原有的檔案相同，未改寫；" if same == len(outcomes) else f"其中 {same} 份與原有的檔案相同，未改寫；"
        # The result on standard output, as the other commands give theirs: 「> log.txt」 keeps it;
        # the progress, warnings and errors above are on standard error.
        print(f"✓ {len(outcomes)} 份文件已產生於 {display_name(args.output)}"
              f"（{kept}{time.perf_counter() - start:.1f} 秒）。", flush=True)
    differ: list[Path] = []
    if not failed and args.check_reproducible and jobs:  # nothing built: nothing to call reproducible
        try:
            with tempfile.TemporaryDirectory(prefix=".sqdocs-check-") as scratch:
                differ = differing_outputs(jobs, options, Path(scratch), args.jobs)
        except KeyboardInterrupt as exc:
            # What was stopped wrote only scratch copies, removed again: its count is not the documents'.
            print(f"已中斷比對：{len(outcomes)} 份文件都已產生，只有再產生一次的逐位元組比對沒有完成。", file=sys.stderr)
            return interrupted_code(exc)
        for path in differ:
            print(f"✗ 再次產生的 {path} 與第一次不同", file=sys.stderr)
        if not differ:
            print(f"✓ 再產生一次，{len(jobs)} 個檔案逐位元組相同。", flush=True)
    elif failed and args.check_reproducible:
        print("未比對是否可重現：有文件未能產生；修正後再執行一次。", file=sys.stderr)
    if bad:  # said last (a cron mail's last line names them), and the exit code of bad input
        print(f"{len(bad)} 個資料夾有錯誤，未產生其文件：{'、'.join(bad)}。", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_FAILED if failed or differ else EXIT_OK


def _print_stale(jobs: list[Job]) -> None:
    """Note the documents an earlier build left that this one did not write; a script that
    publishes the folder would publish them too. They are never deleted: they may be wanted."""
    for out, paths in stale_documents(jobs).items():
        names = "、".join(path.name for path in paths)
        print(f"注意：{out} 中有 {len(paths)} 個本次沒有產生的文件（{names}），可能是舊版；確認不需要請刪除",
              file=sys.stderr)


_PART_NAMES = {"plan": "本局計畫", "subplans": "細部執行計畫", "report": "年度成果"}


def _still_buildable(folder: Path, kinds: list[str], bad: list[str], args: argparse.Namespace, out: Path | None) -> str:
    """What to run meanwhile when only some of a folder's documents have bad data; ``out`` is
    where a batch puts this folder's documents (None when it is the only folder)."""
    good = [kind for kind in kinds if kind not in bad]
    if not good:
        return ""
    names = "、".join(_PART_NAMES[kind] for kind in good)
    only = ",".join(good)
    if out is not None:
        # Built alone, a folder's documents go into -o itself, not the batch's OUT/<folder>.
        return f"{folder_words(folder)} 的{names}資料無誤；修正前要先產生，可另外執行 {_rerun(folder, out, only, args)}"
    # --only given twice is one list (plan,report plus plan): the given one is to be changed, not added to
    how = f"請把同一指令的 --only 改為 --only {only}" if args.only is not None else f"請在同一指令加上 --only {only}"
    return f"{folder_words(folder)} 的{names}資料無誤；修正前要先產生，{how}"


def _rerun(folder: Path, out: Path, only: str, args: argparse.Namespace) -> str:
    """The command that builds ``only`` of ``folder`` into ``out``, with this build's other choices."""
    words = ["sqdocs", "build", str(folder), "-o", str(out), "--only", only]
    if args.format != list(DEFAULT_FORMATS):
        words += ["--format", ",".join(args.format)]
    for option, value in (("--templates", args.templates), ("--font", args.font), ("-j", args.jobs)):
        if value is not None:
            words += [option, str(value)]
    if args.check_reproducible:
        words.append("--check-reproducible")
    return command_line(words)


def _no_report(folder: Path, kinds: list[str], explicit: bool) -> str:
    """Why ``folder`` gets no report though the build asks for one; empty when it gets one, or
    when nobody asked (a folder without results builds its plans as it always did)."""
    if "report" not in kinds:
        return ""
    if has_results(folder) and not submitted(folder):
        if near := saved_as_text(folder):
            return f"{RESULTS_DIR}/ 中的 {near[0].name} 副檔名不對（多了「.txt」），請改名為 {near[0].stem}"
        return f"尚無單位填報年度成果（{RESULTS_DIR}/ 中沒有成果檔）"
    if explicit and not has_results(folder):
        return f"沒有 indicators.yaml 與 {RESULTS_DIR}/，沒有年度成果可編成報告"
    return ""


def _load_folder(folder: Path, kinds: list[str], formats: list[str]) -> None:
    """Load and remember what :func:`_planned_jobs` takes of ``folder``, in a process of its own
    (:func:`~sqdocs.pool.loaded_in_turn`). Should the two ever differ, the build stays right:
    what is not remembered is loaded again when it is needed."""
    plan = cached_plan(folder)
    jobs = jobs_for(folder, plan, kinds, formats, folder)
    folder_warnings(folder, plan, subplans="subplans" in kinds, results=any(job.kind == "report" for job in jobs))


def _planned_jobs(args: argparse.Namespace) -> tuple[list[Job], list[str], BuildOptions]:
    """The files ``build`` will write, the folders that cannot be built (as named to the user),
    and the options; the data loaded, the font and templates checked on the way."""
    kinds = args.only or list(KINDS)
    folders = find_folders(args.data)
    jobs: list[Job] = []
    bad = passed_over(args.data, "build")
    # A batch's bureaus are loaded side by side (loaded_in_turn); what is said of each, and in
    # which order, is said here as before.
    load = functools.partial(_load_folder, kinds=kinds, formats=args.format)
    with loaded_in_turn(folders, load, args.jobs or usable_cpus()) as in_turn:
        for folder, out in zip(in_turn, output_dirs(folders, args.output), strict=True):
            try:
                plan = cached_plan(folder)
                try:
                    folder_jobs = jobs_for(folder, plan, kinds, args.format, out)
                except PartlyBad as exc:  # the plan itself loaded: say what could still be built
                    alone = out if len(folders) > 1 else None
                    raise LoadError(exc.diagnostics, _still_buildable(folder, kinds, exc.parts, args, alone)) from None
                jobs += folder_jobs
                if why := _no_report(folder, kinds, explicit=args.only is not None):
                    print(f"略過 {folder_words(folder)} 的績效報告：{why}", file=sys.stderr)
                if args.only is not None and "subplans" in kinds and not subplan_files(folder):
                    print(f"略過 {folder_words(folder)} 的細部執行計畫：尚無任何單位的細部執行計畫（subplans/ 中沒有檔案）",
                          file=sys.stderr)
                report = any(job.kind == "report" for job in folder_jobs)
                print_warnings(folder, plan, subplans="subplans" in kinds, results=report)
                if report:
                    _print_report_gaps(folder, cached_report(folder))
            except LoadError as exc:
                if len(folders) == 1:
                    raise
                print_diagnostics(exc)
                bad.append(display_name(folder))
    for job in {job.path.stem: job for job in jobs if job.shortened}.values():
        print(f"注意：{folder_words(job.folder)} 的文件標題作為檔名超過 {MAX_NAME_BYTES} 位元組的上限，"
              f"檔名縮短為「{job.path.stem}」（文件內的標題不變）", file=sys.stderr)
    options = BuildOptions(templates=args.templates, font=args.font, document_date=source_date())
    if args.font is not None or any(job.fmt == "pdf" or job.kind == "report" for job in jobs):
        _check_font(options, pdf=any(job.fmt == "pdf" for job in jobs))
    if any(job.fmt == "docx" for job in jobs):
        _check_templates(jobs, options)
    if args.templates is not None and any(job.fmt in ("pdf", "odt") for job in jobs):
        # A letterhead or logo added to the templates was missed only when the PDF went out.
        others = "、".join(dict.fromkeys(job.fmt.upper() for job in jobs if job.fmt != "docx"))
        print(f"注意：--templates 的範本只用於 Word 檔；{others} 依 sqdocs 內建的版面產生，不含範本加上的信頭、標誌等。"
              "要與範本一致的 PDF，請在 Word 開啟產生的 .docx 另存為 PDF（只產生 Word 檔：--format docx）", file=sys.stderr)
    return jobs, bad, options


def _print_report_gaps(folder: Path, compiled: CompiledReport) -> None:
    """What the report is built without: units that sent no results (built early in the year,
    say), and points the units that did send theirs have not reported yet."""
    if compiled.unsubmitted:
        print(f"注意：{folder_words(folder)} 的績效報告依 {len(compiled.submitted)}／{len(compiled.units)} 個單位的成果編成；"
              f"尚未繳交：{'、'.join(compiled.unsubmitted)}（報告中已註明）", file=sys.stderr)
    pending = {unit: len(points) for unit, points in compiled.missing_by_unit().items() if unit in compiled.submitted}
    if pending:
        units = "、".join(f"{unit} {count} 個" for unit, count in pending.items())
        print(f"注意：{folder_words(folder)} 的績效報告中，已繳交的單位尚有評核重點未填報成果：{units}"
              f"（報告中已列出；用 {command_line(['sqdocs', 'validate', display_name(folder)])} 查看是哪些評核重點）", file=sys.stderr)


def _check_font(options: BuildOptions, pdf: bool) -> None:
    """The Kai face the PDFs and the report's charts are drawn in, checked once before building:
    a wrong --font is one message, exit 2, rather than one failure per document."""
    from sqdocs.writers.fontfiles import check_main

    check_main(options.font)
    if pdf:
        from sqdocs.writers.pdf import prepare

        prepare(options)  # what the PDF's own font reader rejects; parsed once, as the build would anyway


def _check_templates(jobs: list[Job], options: BuildOptions) -> None:
    """The Word templates the .docx files are filled in from, checked once before building: a
    bad one (--templates) is one message, exit 2, rather than one failure per document."""
    from sqdocs.writers.docx import check_templates

    for note in check_templates((job.kind for job in jobs if job.fmt == "docx"), options.templates):
        print(f"注意：{note}", file=sys.stderr)
