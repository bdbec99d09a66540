"""A Word template of sqdocs: found, checked, filled in a sandbox and saved reproducibly.

Every document kind (plan, subplan, report) goes through :class:`WordTemplate`: the
writer builds a context of plain values and :class:`Fragment` bodies, and this module
does the rest the same way for all of them. :func:`check_template` opens and checks a
template before a build, and :func:`open_template` hands that same template to the first
document filled in from it.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.styles.style import BaseStyle
from docxtpl import DocxTemplate
from jinja2 import (
    DictLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup, escape

from sqdocs.errors import UserError
from sqdocs.fsutil import file_stamp
from sqdocs.properties import Properties
from sqdocs.writers import layout
from sqdocs.writers.docx import oxml, package, tags
from sqdocs.writers.docx import styles as S
from sqdocs.writers.docx.fragment import Fragment

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def template_path(templates: Path | None, name: str) -> Path:
    """The user's ``DIR/<name>`` when ``--templates DIR`` is given, else the default."""
    if templates is None:
        return DEFAULT_TEMPLATES / name
    path = templates / name
    if not path.is_file():
        other = _other_format(templates, name)
        if other:
            raise UserError(
                f"{templates}：範本資料夾中沒有 {name}。資料夾中有「{other}」，但範本須存成 Word 文件（.docx）；"
                f"請在 Word 或 LibreOffice 開啟它，按「檔案 → 另存新檔」，存檔類型選「Word 文件 (*.docx)」，檔名 {name}。"
            )
        near = _near_name(templates, name)
        hint = f"資料夾中有「{near}」，是不是它？請把它改名為 {name}。" if near else ""
        raise UserError(
            f"{templates}：範本資料夾中沒有 {name}。{hint}請將 {DEFAULT_TEMPLATES / name} "
            "複製到該資料夾再修改，或不加 --templates 以使用預設範本。"
        )
    return path


# What 「另存新檔」 offers besides .docx; sqdocs reads none of them.
_OTHER_SUFFIXES = (".doc", ".dot", ".dotx", ".docm", ".dotm", ".odt", ".ott", ".rtf")


def _files(folder: Path) -> list[str]:
    """The names of ``folder``'s files, sorted; none when it cannot be listed."""
    try:
        return sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return []


def _other_format(folder: Path, name: str) -> str | None:
    """A file of ``folder`` that is ``name`` saved in another format: plan.doc, Plan.dotx, plan.odt."""
    stem = name.removesuffix(".docx").casefold()
    return next((f for f in _files(folder) if f.casefold() in {stem + s for s in _OTHER_SUFFIXES}), None)


def _near_name(folder: Path, name: str) -> str | None:
    """A file of ``folder`` probably meant as ``name``: Plan.DOCX, plan.docx.docx, plan (1).docx."""
    stem = name.removesuffix(".docx").casefold()
    for file in _files(folder):
        folded = file.casefold()
        # Windows hides the extension, so a copy saved as "plan.docx" becomes plan.docx.docx.
        if folded.startswith(stem) and ".docx" in folded and not folded[len(stem) :].startswith(("_", "-")):
            return file
    return None


# A real template is well under a megabyte unpacked; the limit only stops zip bombs.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024


# The first bytes of an OLE compound file: Word 97-2003 (.doc), and also an encrypted .docx.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_SAVE_AS = "請在 Word 開啟它，按「檔案 → 另存新檔」，存檔類型選「Word 文件 (*.docx)」，再用存出的檔案。"
# Main-part content types of the Word formats python-docx cannot open as a document.
_OTHER_FORMATS = {
    "wordprocessingml.template.main+xml": "Word 範本（.dotx）",
    "ms-word.document.macroEnabled.main+xml": "啟用巨集的 Word 文件（.docm）",
    "ms-word.template.macroEnabledTemplate.main+xml": "啟用巨集的 Word 範本（.dotm）",
}


def check_package(path: Path) -> None:
    """Refuse a template that is not a .docx zip, lacks its main part, or unpacks to a bomb."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_OLE_MAGIC))
    except OSError as exc:
        raise UserError(f"{path}：無法讀取：{exc.strerror}") from None
    if head == _OLE_MAGIC:
        raise UserError(
            f"{path}：這是舊版 Word 97-2003 格式（.doc）的檔案（或設了開啟密碼的文件），只是副檔名改成 .docx；"
            f"{_SAVE_AS}（若有密碼，請先移除。）"
        )
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            names = {e.filename for e in entries}
            types = package.read("[Content_Types].xml").decode("utf-8", "replace") if "[Content_Types].xml" in names else ""
            rels = package.read("_rels/.rels").decode("utf-8", "replace") if "_rels/.rels" in names else ""
    except zipfile.BadZipFile:  # zipfile's own words are English: 「File is not a zip file」
        raise UserError(f"{path}：不是 Word 文件（.docx 應為 zip 壓縮檔，此檔不是，或已損毀）；{_SAVE_AS}") from None
    except OSError as exc:
        raise UserError(f"{path}：無法讀取：{exc.strerror or exc}") from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise UserError(f"{path}：不是 Word 文件（缺少 word/document.xml）；請在 Word 或 LibreOffice 另存為 .docx")
    for content_type, kind in _OTHER_FORMATS.items():
        if content_type in types:
            space = " " if kind[0].isascii() else ""  # 「這是 Word 範本」, 「這是啟用巨集的 Word 文件」
            raise UserError(f"{path}：這是{space}{kind}，只是副檔名改成 .docx；{_SAVE_AS}")
    if "purl.oclc.org/ooxml" in rels:
        raise UserError(
            f"{path}：這是以「Strict Open XML 文件」格式存的檔案，sqdocs 讀不了；"
            f"{_SAVE_AS}（不要選 Strict Open XML 文件。）"
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UserError(
            f"{path}：解壓縮後達 {unpacked // 1024 // 1024} MB，超過範本上限 {MAX_UNPACKED_BYTES // 1024 // 1024} MB"
            "（疑似壓縮炸彈）；請使用正常的 Word 範本"
        )


_RESTRICTIONS = {"readOnly": "唯讀", "comments": "僅允許註解", "trackedChanges": "僅允許追蹤修訂", "forms": "僅允許填寫表單"}
"""Word's names of the editing restrictions (w:documentProtection w:edit)."""

_checked: dict[tuple[Path, tuple[str, ...]], tuple[tuple[int, int, int] | None, WordTemplate]] = {}
"""The templates :func:`check_template` opened, by file and styles required, with the file's stamp then."""


def check_template(
    templates: Path | None, name: str, required: Sequence[str], bodies: Collection[str], names: Collection[str] = ()
) -> list[str]:
    """Open and check the template ``name`` (see :class:`WordTemplate` and its ``check``) before
    any document is built from it; UserError when it is bad, else its :meth:`~WordTemplate.notes`.

    The template is kept for :func:`open_template`: its first document (in this process, or in
    each worker forked after) is filled in from it rather than from the file read again.
    """
    stamp = file_stamp(template_path(templates, name))  # before reading: an edit meanwhile is not taken for checked
    template = WordTemplate(templates, name, required)
    template.check(bodies, names)
    _checked[(template.path, tuple(required))] = (stamp, template)
    return template.notes(bodies)


def open_template(templates: Path | None, name: str, required: Sequence[str] = S.GENERATED) -> WordTemplate:
    """The template to fill in one document: the one :func:`check_template` opened, if not yet
    used and the file is unchanged since, else the file opened now."""
    path = template_path(templates, name)
    stamp, template = _checked.pop((path, tuple(required)), (None, None))
    if template is not None and stamp == file_stamp(path):
        return template
    return WordTemplate(templates, name, required)


def forget_checked() -> None:
    """Drop the templates checked and not yet used (a build that refused to start leaves some)."""
    _checked.clear()


class _Sandbox(SandboxedEnvironment):
    """The environment every template is filled in: sandboxed, strict, with no file system.

    It remembers what it compiled (the template's own text, never data), so a template checked
    before a build is not compiled again for its first document, nor for each one after it.
    """

    def __init__(self) -> None:
        # An empty loader: {% include %} and {% import %} cannot reach the file system.
        super().__init__(autoescape=True, undefined=StrictUndefined, loader=DictLoader({}))
        self._compiled = functools.lru_cache(maxsize=32)(super().compile)
        self._names: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[override]
        if isinstance(source, str) and name is None and filename is None and not raw and not defer_init:
            return self._compiled(source)
        return super().compile(source, name, filename, raw, defer_init)

    def _parse(self, source, name, filename):  # Jinja's, under parse() and compile() alike
        tree = super()._parse(source, name, filename)
        # What the text reads and sets, noted as it is compiled: the check of the names then
        # costs no second parse.
        if len(self._names) >= 64:
            self._names.pop(next(iter(self._names)))
        self._names[source] = _names(tree)
        return tree

    def names(self, source: str) -> tuple[frozenset[str], frozenset[str]]:
        """The names ``source`` reads, and those it sets (a loop's variable)."""
        if source not in self._names:  # compiled before it was noted (an earlier build)
            self.parse(source)
        return self._names[source]


def _names(tree: nodes.Template) -> tuple[frozenset[str], frozenset[str]]:
    read, set_ = set(), set()
    for node in tree.find_all(nodes.Name):
        (read if node.ctx == "load" else set_).add(node.name)
    return frozenset(read), frozenset(set_)


_SANDBOX = _Sandbox()

# Names Jinja itself gives a template, never the context: a loop's ``loop``, a macro's own.
_JINJA_NAMES = frozenset({"loop", "caller", "varargs", "kwargs", "self"})

# Jinja's messages for a block tag read without its pair.
_UNPAIRED = ("Unexpected end of template", "Encountered unknown tag")


@functools.lru_cache(maxsize=1024)
def _syntax_error(tag: str, compiled: bool = False) -> TemplateSyntaxError | None:
    """Why Jinja cannot read ``tag`` on its own; None when it can, or when it lacks only its
    pair (tags.blocks checks the pairs). Each tag text is read once (``{% endif %}`` recurs):
    parsed, or ``compiled`` too, which finds an unknown filter as well but cost every build
    8 ms; compiled raw, so as not to evict the parts from the sandbox's memory."""
    try:
        if compiled:
            _SANDBOX.compile(tag, raw=True)
        else:
            _SANDBOX.parse(tag)
    except TemplateSyntaxError as exc:
        return None if (exc.message or "").startswith(_UNPAIRED) else exc
    return None


class _DocxTemplate(DocxTemplate):
    """docxtpl's template, but for the document properties (檔案 → 內容), which it renders as
    Jinja too: a 「{{ }}」 in the template's comments failed every document. sqdocs sets them
    from the data (:func:`_set_properties`), so the template's own are never evaluated."""

    def render_properties(self, context, jinja_env=None) -> None:
        pass


class WordTemplate:
    """One opened template: the styles the writer needs, fragments to fill, rendering to bytes.

    Rendering changes the loaded document: a WordTemplate fills in one document only.
    """

    def __init__(self, templates: Path | None, name: str, required: Sequence[str] = S.GENERATED):
        self.path = template_path(templates, name)
        check_package(self.path)
        self._template = _DocxTemplate(self.path)
        try:
            doc = self._template.get_docx()
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as exc:
            raise UserError(f"{self.path}：不是可讀取的 Word 文件（.docx）：{exc}") from None
        except etree.XMLSyntaxError:  # a part edited by hand, or a file cut short: lxml's place in it helps no clerk
            raise UserError(f"{self.path}：檔案內容已損壞（其中的 XML 格式錯誤）；若 Word 仍能開啟它，請按「檔案 → 另存新檔」"
                            "存成「Word 文件 (*.docx)」再使用，否則請改用 templates/ 中原本的範本重新修改") from None
        # Every part is read once; the checks and error messages reuse what was read.
        self._by_name = _parts(doc)
        self._parts = list(self._by_name.values())
        for part in self._parts:
            problem = tags.check(part)
            if problem:
                raise UserError(f"{self.path}：{problem}")
        for part in _unfilled(doc):
            if part.tags:  # docxtpl leaves them as typed: 「{{ agency }}」 in every document
                tag = part.tags[0]
                raise UserError(
                    f"{self.path}：{part.at(tag.paragraph)}的「{tag.text}」：尾註中的標籤不會被填入，"
                    "會原樣印在每份產生的文件中；請把它移到內文、頁首、頁尾或註腳。"
                )
        self.styles: dict[str, BaseStyle] = S.find(doc, required)  # type: ignore[assignment]
        missing = [style for style, found in self.styles.items() if found is None]
        if missing:
            raise UserError(
                f"{self.path}：範本缺少樣式 {'、'.join(missing)}（產生的段落與表格會用到）。"
                f"請勿刪除或改名這些樣式；可從預設範本 templates/{name} 複製。"
            )
        body = doc.element.body
        # Only the template's own paragraphs can carry revision ids (rendering copies them in
        # loops; generated content has none): strip them before, not in the rendered body.
        # Done here, not in render(): check() then compiles the very text render() will.
        oxml.strip_revision_ids(body)
        oxml.strip_bookmarks(body)
        tags.move_breaks(self._parts[0])

    def notes(self, bodies: Collection[str] = ()) -> list[str]:
        """What of the template, though valid, passes to every document made from it and may
        not be meant to: Word's editing restrictions (a locked master template locks the plans),
        no tag inserting a generated body (a context key in ``bodies``: the tables)."""
        settings = self._template.get_docx().settings.element
        found = []
        words = {w for part in self._parts for tag in part.tags for w in re.findall(r"\w+", tag.statement)}
        if bodies and not words & set(bodies):
            found.append(
                f"{self.path} 中沒有插入產生內容的標籤（預設範本的 {{{{p annex.body }}}} 或 {{{{p section.body }}}}），"
                f"文件會只有標題與文字、沒有附件表格或報告各節的內容；若非有意，請從預設範本 "
                f"{DEFAULT_TEMPLATES / self.path.name} 複製含該標籤的段落"
            )
        protection = settings.find(qn("w:documentProtection"))
        if protection is not None and protection.get(qn("w:enforcement")) in ("1", "true", "on"):
            kind = _RESTRICTIONS.get(protection.get(qn("w:edit")) or "", "限制編輯")
            found.append(
                f"{self.path} 設有「限制編輯」（{kind}），產生的 Word 文件也會受此限制、無法直接修改；"
                "若非有意，請以 Word 開啟範本，於「校閱 → 限制編輯」按「停止保護」後存檔"
            )
        if settings.find(qn("w:writeProtection")) is not None:
            found.append(
                f"{self.path} 設有「建議以唯讀方式開啟」或修改密碼，產生的 Word 文件也會如此；"
                "若非有意，請以 Word 開啟範本，於「另存新檔 → 工具 → 一般選項」取消後存檔"
            )
        return found

    def check(self, bodies: Collection[str], names: Collection[str] = ()) -> None:
        """What can be checked before any data is at hand: a generated body (a context key in
        ``bodies``) inserted with ``{{ }}``, the tags' Jinja syntax (an unknown filter too), and,
        given the ``names`` the writer fills in, a name none of them is (``{{ titel }}``).

        What shows only when filled in (a misspelt field, what the sandbox forbids) is still
        found by :meth:`render`, for the document being built.
        """
        problem = tags.fragments(self._parts, set(bodies))
        if problem:
            raise UserError(f"{self.path}：{problem}")
        self._check_each_tag()
        sources = list(self._sources())
        for source in sources:
            try:
                _SANDBOX.compile(source)
            except TemplateError as exc:
                self._check_each_tag(compiled=True)  # an unknown filter, named with its paragraph
                raise UserError(f"{self.path}：{self._explain(exc, source)}") from None
        if names:
            self._check_names(sources, names)

    def _check_names(self, sources: list[str], names: Collection[str]) -> None:
        """A name the template reads that no document fills in: filled in, it failed every
        document one by one. A name some tag sets (a loop's ``section``) passes, wherever it
        is read: a loop variable read outside its loop is still found when filling in."""
        read: set[str] = set()
        known = {*names, *_SANDBOX.globals, *_JINJA_NAMES}
        for source in sources:
            part_read, part_set = _SANDBOX.names(source)
            read |= part_read
            known |= part_set
        if unknown := sorted(read - known):
            where = self._where(unknown[0])
            raise UserError(
                f"{self.path}：範本用了未定義的名稱「{unknown[0]}」（這份範本可用的名稱：{'、'.join(sorted(names))}；"
                f"另見 docs/templates.md）" + (f"；標籤：{where}" if where else "")
            )

    def _where(self, name: str) -> str | None:
        """The first tag that has ``name`` as a word, and where it is: 「{{ x }}（範本第 3 段）」."""
        word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
        for part in self._parts:
            for tag in part.tags:
                if word.search(tag.statement):
                    return f"{tag.text}（{part.at(tag.paragraph)}）"
        return None

    def _check_each_tag(self, compiled: bool = False) -> None:
        """A tag Jinja cannot read, named with its paragraph. Compiled as a whole part, the error's
        line would name another tag: docxtpl moves a ``{%p`` tag onto the paragraph before it, and
        an unclosed quote fails paragraphs later."""
        for part in self._parts:
            for tag in part.tags:
                exc = _syntax_error(tag.jinja, compiled)
                if exc is not None:
                    raise UserError(f"{self.path}：{self._explain(exc, tag=f'{tag.text}（{part.at(tag.paragraph)}）')}")

    def _sources(self) -> Iterator[str]:
        """The body's, headers' and footers' text as DocxTemplate.render compiles it, so that the
        sandbox's memory of what it compiled serves the render."""
        template = self._template
        parts = [template.get_xml()]
        for uri in (template.HEADER_URI, template.FOOTER_URI):
            parts += [template.get_part_xml(part) for _key, part in template.get_headers_footers(uri)]
        parts += [_part_xml(template, part) for part in _related(template.get_docx(), RT.FOOTNOTES)]
        for xml in parts:
            yield _compiled(template, xml)

    def _explain(
        self, exc: TemplateError, source: str | None = None, rendering: bool = False, tag: str | None = None
    ) -> str:
        """What went wrong, in Chinese, naming the tag of the template it happened in (``tag`` when
        known; when ``rendering``, with where that tag is)."""
        text = str(exc)
        if isinstance(exc, SecurityError):
            name = re.search(r"attribute '([^']+)'", text)
            what = f"基於安全理由，範本不可存取 Python 內部屬性「{name.group(1) if name else text}」"
            needle = name.group(1) if name else ""
        elif isinstance(exc, UndefinedError) and (field := re.search(r"has no attribute '([^']+)'", text)):
            # 'dict object' has no attribute 'heding': a misspelt field of a loop variable.
            what = f"範本用了不存在的欄位「{field.group(1)}」（各標籤可用的欄位見 docs/templates.md）"
            needle = "." + field.group(1)
        elif isinstance(exc, UndefinedError):
            name = re.search(r"'([^']+)' is undefined", text)
            needle = name.group(1) if name else ""
            what = f"範本用了未定義的名稱「{needle or text}」（可用的名稱見 docs/templates.md）"
        elif isinstance(exc, TemplateNotFound):
            needle = "include"
            what = "範本不可引入其他檔案（include/import）"
        else:
            name = re.search(r"No (?:filter|test) named '([^']+)'", text)
            needle = name.group(1) if name else ""
            what = f"範本沒有名為「{needle}」的篩選器" if name else f"範本標籤語法錯誤（{text}）"
        tag = tag or (self._failed_tag(exc, needle) if rendering else None) or (
            self._tag_with(needle) if needle else _tag_at_error(exc, source)
        )
        return f"{what}；標籤：{tag}" if tag else what

    def _failed_tag(self, exc: Exception, needle: str) -> str | None:
        """The tag whose evaluation raised ``exc``, and where it is: 「{{ x }}（範本第 3 段）」.

        Jinja's traceback holds the line of the part docxtpl was rendering (a paragraph a line).
        The first tag merely containing ``needle`` may be another one: a loop variable is used
        rightly inside its loop before it is used, wrongly, outside it or in a footer.
        """
        lines = [tb.tb_lineno for tb in _frames(exc) if tb.tb_frame.f_code.co_filename == "<template>"]
        rendering = self._template.current_rendering_part
        part = self._by_name.get(str(rendering.partname)) if rendering is not None else None
        if not lines or part is None:
            return None
        template = self._template
        xml = template.get_xml() if rendering is template.docx.part else _part_xml(template, rendering)
        text = [re.sub(r"<[^>]+>", "", line) for line in _compiled(template, xml).splitlines()]
        lineno = lines[-1]
        found = list(tags.TAG.finditer(text[lineno - 1])) if lineno <= len(text) else []
        failed = next((m for m in found if needle and needle in m.group()), found[0] if found else None)
        if failed is None:
            return None
        key = tags.key(failed.group())
        earlier = [m for line in text[: lineno - 1] for m in tags.TAG.finditer(line)]
        earlier += [m for m in found if m.start() < failed.start()]
        same = [tag for tag in part.tags if tags.key(tag.text) == key]
        n = sum(tags.key(m.group()) == key for m in earlier)
        return f"{same[n].text}（{part.at(same[n].paragraph)}）" if n < len(same) else None

    def _tag_with(self, needle: str) -> str | None:
        """The first tag of the template (body, headers, footers) whose text contains ``needle``."""
        for part in self._parts:
            for tag in part.tags:
                if needle in tag.text:
                    return tag.text
        return None

    @property
    def text_width_twips(self) -> int:
        """Width between the margins of the template's last section (where tables go), less
        the gutter (裝訂邊) unless Word puts it at the top: a bound copy's gutter is on the side."""
        doc = self._template.get_docx()
        section = doc.sections[-1]
        if section.page_width and section.left_margin is not None and section.right_margin is not None:
            at_top = doc.settings.element.find(qn("w:gutterAtTop"))
            on_side = at_top is None or at_top.get(qn("w:val")) in ("0", "false", "off")
            gutter = (section.gutter or 0) if on_side else 0
            return Emu(section.page_width - section.left_margin - section.right_margin - gutter).twips
        return oxml.mm_to_twips(layout.TEXT_WIDTH_MM)

    @property
    def table_text_pt(self) -> float:
        """The size of the template's Table Text, through the styles it is based on and the
        document's defaults: what a table column holds on one line depends on it."""
        style = self.styles.get(S.TABLE_TEXT)
        seen = 0
        while style is not None and seen < 20:  # a chain of based-on styles never loops in Word; be sure
            if style.font.size is not None:
                return style.font.size.pt
            style, seen = style.base_style, seen + 1
        size = self._template.get_docx().styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
        if size is not None and (size.get(qn("w:val")) or "").isdigit():
            return int(size.get(qn("w:val"))) / 2  # half-points
        return 10.0  # Word's size where neither the styles nor the defaults give one

    def fragment(self) -> Fragment:
        """An empty body for a ``{{p … }}`` tag, styled by this template."""
        return Fragment(self._template.get_docx(), self.styles)

    def render(self, context: dict, properties: Properties) -> bytes:
        """The filled-in document as .docx bytes; the same context gives the same bytes."""
        # Data reaches the template only as context values: autoescape keeps & < > intact,
        # and text such as {{ x }} in the data is printed, never evaluated.
        problem = tags.fragments(self._parts, tags.fragment_names(context))
        if problem:
            raise UserError(f"{self.path}：{problem}")
        body = self._template.get_docx().element.body
        had_section = len(body) > 0 and body[-1].tag == qn("w:sectPr")
        try:
            self._template.render(_as_markup(context), jinja_env=_SANDBOX, autoescape=True)
        except TemplateError as exc:
            raise UserError(f"{self.path}：{self._explain(exc, rendering=True)}") from None
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            if not any(tb.tb_frame.f_code.co_filename == "<template>" for tb in _frames(exc)):
                raise
            # The template's own expression ({{ title + 1 }}), not a fault of sqdocs to report.
            tag = self._failed_tag(exc, "")
            what = f"範本標籤的運算出錯（{type(exc).__name__}：{exc}）"
            raise UserError(f"{self.path}：{what}；標籤：{tag}" if tag else f"{self.path}：{what}") from None
        doc = self._template.docx  # get_docx() would reload the unrendered file
        # docxtpl re-parses its output with a recovering parser: a tag that slipped past
        # the checks can still have cut the document apart without an error.
        broken = tags.broken_structure(doc.element.body, had_section)
        if broken:
            raise UserError(
                f"{self.path}：範本的標籤破壞了文件結構（{broken}），無法產生正確的 Word 文件。"
                "常見原因：獨佔一段的標籤少打了 p（應為 {%p … %}、{{p … }}）、"
                "同一區塊的開頭與結尾一個有 p 一個沒有、或 {% … %} 標籤跨越表格的儲存格。"
                f"請對照預設範本 templates/{self.path.name} 修正。"
            )
        _set_properties(doc, properties)
        oxml.close_after_final_table(doc.element.body)
        oxml.keep_lines_before_breaks_unstretched(doc.settings.element)
        return package.saved(doc, properties.day)  # (docxtpl's save would only add its picture replacing)


def _parts(doc) -> dict[str, tags.Part]:
    """The body, then every header, footer and the footnotes (docxtpl renders their tags too), by part name."""
    parts = {str(doc.part.partname): tags.read(doc.element.body, "範本")}
    for kind, where in ((RT.HEADER, "頁首"), (RT.FOOTER, "頁尾"), (RT.FOOTNOTES, "註腳")):
        for part in _related(doc, kind):
            parts[str(part.partname)] = _read(part, where)
    return dict(sorted(parts.items(), key=lambda item: (item[0] != str(doc.part.partname), item[0])))


def _unfilled(doc) -> list[tags.Part]:
    """The parts that may hold text docxtpl does not render: the endnotes."""
    return [_read(part, "尾註") for part in _related(doc, RT.ENDNOTES)]


def _read(part, where: str) -> tags.Part:
    """The tags of a header, footer or notes part, named in messages as 範本頁首（header1.xml）."""
    return tags.read(_element(part), f"範本{where}（{str(part.partname).rsplit('/', 1)[-1]}）")


def _related(doc, reltype: str) -> list:
    """The parts of ``reltype`` the document refers to, by part name."""
    rels = [rel for rel in doc.part.rels.values() if rel.reltype == reltype and not rel.is_external]
    return sorted((rel.target_part for rel in rels), key=lambda part: str(part.partname))


def _element(part) -> etree._Element:
    """A part's XML: its element, or for a part python-docx keeps as bytes (the notes), those parsed."""
    return part.element if hasattr(part, "element") else parse_xml(part.blob)


def _part_xml(template: DocxTemplate, part) -> str:
    """A header's, footer's or the footnotes' XML as DocxTemplate reads it to render: the
    footnotes as stored (their line numbers differ from those of the XML written again)."""
    if part.content_type == CT.WML_FOOTNOTES:
        return part.blob.decode("utf-8")
    return template.get_part_xml(part)


def _compiled(template: DocxTemplate, xml: str) -> str:
    """A part's XML as DocxTemplate.render_xml_part compiles it: patched, each paragraph on a line of its own."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))


def _frames(exc: BaseException) -> Iterator:
    """The traceback entries of ``exc``, outermost first."""
    tb = exc.__traceback__
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _as_markup(value):
    """Every text of the context escaped for XML once, with its braces protected (oxml.protect_braces)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(oxml.protect_braces(str(escape(value))))
    if isinstance(value, dict):
        return {k: _as_markup(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_markup(v) for v in value]
    return value


def _tag_at_error(exc: TemplateError, source: str | None = None) -> str | None:
    """The first tag on the line of ``source`` a syntax error is on; without ``source``, on the
    line docxtpl reports (its context starts 3 lines before)."""
    lineno = getattr(exc, "lineno", None)
    if not lineno:
        return None
    if source is not None:
        lines = source.splitlines()
        line = re.sub(r"<[^>]+>", "", lines[lineno - 1]) if lineno <= len(lines) else ""  # as docxtpl strips them
    else:
        context = list(getattr(exc, "docx_context", None) or [])
        line = context[min(lineno - 1, 3)] if len(context) > min(lineno - 1, 3) else ""
    tag = re.search(r"\{\{.*?\}\}|\{%.*?%\}", line)
    return tag.group() if tag else None


def _set_properties(doc, properties: Properties) -> None:
    """Title, author, subject, keywords and dates from the data, never from the clock."""
    package.drop_relationships(doc.part.package, package.LIBREOFFICE_CORE_PROPERTIES)
    props = doc.core_properties
    day = properties.day
    props.title = _property(properties.title)
    props.author = props.last_modified_by = _property(properties.author)
    props.subject = _property(properties.subject)
    props.keywords = _property(", ".join(properties.keywords))
    props.category = _property(properties.category)
    props.comments = ""
    props.language = properties.language
    props.revision = 1
    props.created = props.modified = datetime(day.year, day.month, day.day)


_PROPERTY_CHARS = 255


def _property(text: str) -> str:
    """``text`` cut to the 255 characters Word allows a document property (python-docx refuses
    more); the title in the document itself stays whole."""
    return text if len(text) <= _PROPERTY_CHARS else text[: _PROPERTY_CHARS - 1] + "…"
