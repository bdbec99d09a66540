"""The execution plan as Word: template context, rendering and document properties."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Emu
from docx.styles.style import BaseStyle
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from sqdocs.build import BuildOptions
from sqdocs.errors import UserError
from sqdocs.model import Plan
from sqdocs.outline import Para, Section, annex_label, plan_sections
from sqdocs.writers import layout
from sqdocs.writers.docx import oxml, package, tables
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.fragment import Fragment

TEMPLATE_NAME = "plan.docx"
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def template_path(templates: Path | None) -> Path:
    """The user's ``DIR/plan.docx`` when ``--templates DIR`` is given, else the default."""
    if templates is None:
        return DEFAULT_TEMPLATES / TEMPLATE_NAME
    path = templates / TEMPLATE_NAME
    if not path.is_file():
        raise UserError(
            f"{templates}：範本資料夾中沒有 {TEMPLATE_NAME}。請將 {DEFAULT_TEMPLATES / TEMPLATE_NAME} "
            "複製到該資料夾再修改，或不加 --templates 以使用預設範本。"
        )
    return path


def _open(path: Path) -> tuple[DocxTemplate, dict[str, BaseStyle]]:
    """The template and the styles the writer applies to what it builds itself."""
    template = DocxTemplate(path)
    try:
        doc = template.get_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
        raise UserError(f"{path}：不是可讀取的 Word 文件（.docx）：{exc}") from None
    _check_tags(doc, path)
    styles = {name: S.find(doc, name) for name in S.GENERATED}
    missing = [name for name, style in styles.items() if style is None]
    if missing:
        raise UserError(
            f"{path}：範本缺少樣式 {'、'.join(missing)}（附件表格會用到）。"
            "請勿刪除或改名這些樣式；可從預設範本 templates/plan.docx 複製。"
        )
    return template, styles


def _check_tags(doc, path: Path) -> None:
    """Every tag opens and closes in one paragraph.

    docxtpl looks for a tag's end across paragraphs, so one unclosed ``{{`` would
    silently swallow the template up to the next ``}}``.
    """
    for n, text in enumerate(oxml.paragraph_texts(doc.element.body), 1):
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            raise UserError(
                f"{path}：範本第 {n} 段「{text.strip()[:40]}」的標籤不完整，"
                "{{ 與 }}、{% 與 %} 須成對出現在同一段落內。"
            )


def _text_width_twips(template: DocxTemplate) -> int:
    """Width between the margins of the template's last section (where the annexes go)."""
    section = template.get_docx().sections[-1]
    if section.page_width and section.left_margin is not None and section.right_margin is not None:
        return Emu(section.page_width - section.left_margin - section.right_margin).twips
    return oxml.mm_to_twips(layout.TEXT_WIDTH_MM)


def _para(para: Para) -> dict:
    """A numbered paragraph for the template; a bare 一、 title over sub-clauses is a heading."""
    return {
        "depth": para.depth,
        "label": para.label,
        "text": para.line.removeprefix(para.label),
        "line": para.line,
        "heading": para.depth == 1 and bool(para.title) and not para.text and bool(para.children),
    }


def _section(section: Section) -> dict:
    return {
        "heading": section.heading,
        "intro": section.intro,
        "paras": [_para(p) for top in section.paras for p in top.walk()],
    }


def _context(plan: Plan, template: DocxTemplate, styles: dict[str, BaseStyle]) -> dict:
    width = _text_width_twips(template)

    def annex(n: int, title: str | None, build: Callable, data) -> dict:
        body = Fragment(template.get_docx(), styles)
        build(body, data, width)
        return {"label": annex_label(n), "title": title or "", "body": body}

    return {
        "title": plan.title,
        "agency": plan.agency,
        "year": plan.year,
        "sections": [_section(s) for s in plan_sections(plan.body)],
        "annexes": [
            annex(1, plan.annex1.title, tables.annex1, plan.annex1),
            annex(2, plan.annex2.title, tables.annex2, plan.annex2),
            annex(3, plan.roster.title, tables.roster, plan.roster),
        ],
    }


def _set_properties(template: DocxTemplate, plan: Plan) -> None:
    """Title, author, subject, keywords and dates from the data, never from the clock."""
    doc = template.docx  # get_docx() would reload the unrendered file
    package.drop_relationships(doc.part.package, package.LIBREOFFICE_CORE_PROPERTIES)
    props = doc.core_properties
    day = plan.body.document_date
    props.title = plan.title
    props.author = props.last_modified_by = plan.agency
    props.subject = "提升服務品質執行計畫"
    props.keywords = f"提升服務品質, 執行計畫, {plan.agency}, {plan.year} 年度"
    props.category = "執行計畫"
    props.comments = ""
    props.language = "zh-TW"
    props.revision = 1
    props.created = props.modified = datetime(day.year, day.month, day.day)


def render_plan(plan: Plan, options: BuildOptions) -> bytes:
    """The execution plan as .docx bytes; identical data gives identical bytes."""
    path = template_path(options.templates)
    template, styles = _open(path)
    # Data reaches the template only as context values: autoescape keeps & < > intact,
    # and text such as {{ x }} in the data is printed, never evaluated.
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        template.render(_context(plan, template, styles), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        where = "\n".join(getattr(exc, "docx_context", []) or [])
        raise UserError(f"{path}：範本中的標籤有誤：{exc}" + (f"\n{where}" if where else "")) from None
    oxml.strip_revision_ids(template.docx.element.body)
    _set_properties(template, plan)
    buffer = io.BytesIO()
    template.save(buffer)
    return package.normalise(buffer.getvalue(), plan.body.document_date)
