"""A report built from data marked ``sample: true`` says so under its title, in every format."""

from __future__ import annotations

import io
import zipfile

import docx
import pypdf
from conftest import SAMPLE

from sqdocs.build import cached_plan, cached_report
from sqdocs.load import load_plan
from sqdocs.load.results import load_results
from sqdocs.options import BuildOptions
from sqdocs.outline import SAMPLE_DATA_NOTE
from sqdocs.report import compile_report
from sqdocs.writers import docx as docx_writer
from sqdocs.writers import odt as odt_writer
from sqdocs.writers import pdf as pdf_writer


def test_sample_report_says_it_is_sample_data():
    plan, report = cached_plan(SAMPLE), cached_report(SAMPLE)
    assert report.sample
    word = docx.Document(io.BytesIO(docx_writer.render_report(plan, report, BuildOptions())))
    assert [p.text for p in word.paragraphs[:2]] == [report.title, SAMPLE_DATA_NOTE]
    # centred under the title: Body Text's first-line indent would push it two characters right
    assert word.paragraphs[1].paragraph_format.first_line_indent == 0
    first_page = pypdf.PdfReader(io.BytesIO(pdf_writer.render_report(plan, report, BuildOptions()))).pages[0]
    assert SAMPLE_DATA_NOTE in first_page.extract_text().replace(" ", "")
    content = zipfile.ZipFile(io.BytesIO(odt_writer.render_report(plan, report, BuildOptions()))).read("content.xml")
    assert SAMPLE_DATA_NOTE in content.decode("utf-8")


def test_real_data_has_no_note(data_copy):
    path = data_copy / "indicators.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sample: true", "sample: false"), encoding="utf-8")
    plan = load_plan(data_copy)
    results, _ = load_results(data_copy, plan)
    report = compile_report(plan, results)
    assert not report.sample
    word = docx.Document(io.BytesIO(docx_writer.render_report(plan, report, BuildOptions())))
    assert SAMPLE_DATA_NOTE not in "".join(p.text for p in word.paragraphs)
