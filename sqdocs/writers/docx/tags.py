"""Static checks of a Word template's tags, run before docxtpl renders it.

docxtpl rewrites the XML with regular expressions and repairs what it broke with a
recovering parser, so a tag typed slightly wrong in Word (``{% for %}`` for ``{%p for %}``,
an ``{%p endif %}`` for an ``{%p endfor %}``) gives a document with text cut off or its
page set-up lost, and no error. These checks read each part's paragraphs once and name
the first problem in Chinese: where it is (範本 / 頁首 / 頁尾, paragraph number), what is
wrong and how to fix it. Each check returns that message, or None when all is well.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from sqdocs.writers.docx.fragment import Fragment

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
# docxtpl's own prefixes: the tag stands for its whole row, cell, paragraph or run. It
# recognises them only when written right after the brace and followed by a space.
_MODIFIER = re.compile(r"(tr|tc|p|r) ")

# Statements that open a block ended by ``end<name>``; ``set`` only when it has no ``=``.
OPENERS = frozenset({"for", "if", "with", "macro", "call", "filter", "block", "raw", "autoescape", "set"})
MIDDLES = frozenset({"else", "elif"})
# The other statements Jinja and docxtpl know; anything else is a typo such as ``For``.
SIMPLE = frozenset(
    {"include", "import", "from", "extends", "break", "continue", "do", "colspan", "cellbg", "vm", "hm"}
)
KNOWN = OPENERS | MIDDLES | SIMPLE | {f"end{name}" for name in OPENERS}

_FULL_WIDTH = re.compile(r"｛\s*[｛％%]|\{\s*％|％\s*[｝}]|[%｝]\s*｝")
# An input method's 。 ， ． ｜ （ ）… typed in a tag; the ideographic space is whitespace to Jinja.
_FULL_WIDTH_MARK = re.compile(r"[\u3001-\u303f\uff01-\uff60]")
# Quoted text in a tag may hold anything; read with Word's curly quotes straightened, as docxtpl
# does: Word curls a quote after a comma as a closing one, `(“a”,”b”)`.
_STRINGS = re.compile(r"'[^']*'|\"[^\"]*\"")

_REVISIONS = tuple(
    qn(f"w:{name}")
    for name in (
        "ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart", "cellIns",
        "cellDel", "cellMerge", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
        "tblGridChange", "trPrChange", "tcPrChange", "tblPrExChange", "numberingChange",
    )
)
_COMMENTS = tuple(qn(f"w:{name}") for name in ("commentRangeStart", "commentRangeEnd", "commentReference"))
_P = qn("w:p")
_T = qn("w:t")


@dataclass(frozen=True)
class Tag:
    """One ``{{ … }}``, ``{% … %}`` or ``{# … #}`` as typed, with what docxtpl and Jinja read in it."""

    text: str
    paragraph: int  # 1-based, counting every paragraph of the part (table cells included)
    brace: str  # "{{", "{%" or "{#"
    modifier: str  # "p", "tr", "tc", "r" or ""
    statement: str  # what follows the modifier, stripped: "for section in sections", "annex.body"

    @property
    def keyword(self) -> str:
        """The statement's first word: ``for``, ``endif`` …; empty for ``{{ }}``."""
        if self.brace != "{%":
            return ""
        words = self.statement.strip("-+ ").split()
        return words[0] if words else ""

    @property
    def opens(self) -> bool:
        return self.keyword in OPENERS and not (self.keyword == "set" and "=" in self.statement)

    @property
    def jinja(self) -> str:
        """The tag as Jinja reads it: without docxtpl's modifier, with Word's curly quotes straightened."""
        text = f"{self.brace} {self.statement} {self.text[-2:]}" if self.modifier else self.text
        return text.translate(_QUOTES)

    def typed(self, keyword: str, rest: str = "") -> str:
        """This tag's braces and modifier around another statement: ``{%p endfor %}``."""
        return f"{{%{self.modifier} {f'{keyword} {rest}'.strip()} %}}"


@dataclass
class Part:
    """One part of the template (the body, a header or a footer), read once."""

    element: etree._Element
    where: str  # 範本, 範本頁首（header1.xml）…
    paragraphs: list[etree._Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)

    def at(self, n: int) -> str:
        return f"{self.where}第 {n} 段"


def read(element: etree._Element, where: str) -> Part:
    """The paragraphs, their text and their tags of one part."""
    part = Part(element, where)
    for n, p in enumerate(element.iter(_P), 1):
        text = "".join(t.text or "" for t in p.iter(_T))
        part.paragraphs.append(p)
        part.texts.append(text)
        if "{" not in text:
            continue
        for match in TAG.finditer(text):
            tag = match.group()
            inner = tag[2:-2]
            modifier = _MODIFIER.match(inner)
            mod = modifier.group(1) if modifier else ""
            part.tags.append(Tag(tag, n, tag[:2], mod, inner[len(mod):].strip()))
    return part


_QUOTES = str.maketrans("‘’“”", "''\"\"")


def key(text: str) -> str:
    """A tag as Jinja reads it, so that a tag of the compiled part (docxtpl drops the modifier,
    escapes the XML and straightens Word's quotes) matches the one typed."""
    inner = html.unescape(text[2:-2]).translate(_QUOTES)
    modifier = _MODIFIER.match(inner)
    return text[:2] + re.sub(r"\s+", "", inner[modifier.end() :] if modifier else inner)


def check(part: Part) -> str | None:
    """The first problem of ``part``'s tags and markup, cheapest and most basic first."""
    return (
        revisions(part)
        or table_of_contents(part)
        or full_width(part)
        or incomplete(part)
        or spaced_modifiers(part)
        or shared_paragraphs(part)
        or unknown_statements(part)
        or blocks(part)
    )


def revisions(part: Part) -> str | None:
    """Tracked changes and comments would be copied into every output (and repeated by loops)."""
    for element in part.element.iter(*_REVISIONS, *_COMMENTS):
        where = _paragraph_of(part, element)
        if element.tag in _COMMENTS:
            return (
                f"{where}有註解；註解會原樣帶進每份產生的文件。請在 Word 按「校閱 → 刪除 → "
                "刪除文件中的所有註解」（LibreOffice：刪除全部註解），存檔後再試。"
            )
        return (
            f"{where}有追蹤修訂（插入、刪除或格式變更）；修訂會原樣帶進每份產生的文件，迴圈中還會重複。"
            "請在 Word 按「校閱 → 接受 → 接受所有變更並停止追蹤」（LibreOffice：編輯 → 追蹤修訂 → "
            "全部接受，並關閉記錄），存檔後再試。"
        )
    return None


_FLD_CHAR, _INSTR, _FLD_SIMPLE = qn("w:fldChar"), qn("w:instrText"), qn("w:fldSimple")
_INSTR_ATTR = qn("w:instr")
_TYPE = qn("w:fldCharType")


def table_of_contents(part: Part) -> str | None:
    """A 目錄 (TOC field, or Word's 目錄 content control) holds what Word copied of the template's
    headings, tags included: 「{{ section.heading }}」 outside its loop failed every document at
    fill-in, named as a paragraph the clerk never typed."""
    fields: list[str] = []  # the instructions of the fields open here, outermost first
    in_toc: set[int] = set()
    number = {id(p): n for n, p in enumerate(part.paragraphs, 1)}
    n = 0
    for element in part.element.iter(_P, _FLD_CHAR, _INSTR, _FLD_SIMPLE):
        if element.tag == _P:
            n = number[id(element)]
        elif element.tag == _FLD_SIMPLE:  # a field Word wrote in one element, its result inside
            if (element.get(_INSTR_ATTR) or "").strip().upper().startswith("TOC"):
                in_toc.add(n)
                in_toc.update(number[id(p)] for p in element.iter(_P))
        elif element.tag == _INSTR and fields:
            fields[-1] += element.text or ""
        elif element.tag == _FLD_CHAR:
            kind = element.get(_TYPE)
            if kind == "begin":
                fields.append("")
            elif kind == "end" and fields:
                fields.pop()
        if any(f.strip().upper().startswith("TOC") for f in fields):
            in_toc.add(n)
    for gallery in part.element.iter(qn("w:docPartGallery")):
        if (gallery.get(qn("w:val")) or "").lower() == "table of contents":
            sdt = next(gallery.iterancestors(qn("w:sdt")), None)
            in_toc.update(number[id(p)] for p in (sdt.iter(_P) if sdt is not None else ()))
    tag = next((t for t in part.tags if t.paragraph in in_toc), None)
    if tag is None:
        return None
    return (
        f"{part.at(tag.paragraph)}是目錄中的項目，其中的「{tag.text}」是 Word 從範本的標題複製的，會使每份文件產生失敗；"
        "請刪除範本中的目錄，產生文件後再於 Word 以「參考資料 → 目錄」插入。"
    )


def _paragraph_of(part: Part, element: etree._Element) -> str:
    for ancestor in element.iterancestors(_P):
        return part.at(part.paragraphs.index(ancestor) + 1)
    if element.tag == _P:
        return part.at(part.paragraphs.index(element) + 1)
    return part.where


def full_width(part: Part) -> str | None:
    """``｛｛ title ｝｝`` is printed as typed, and ``{{ section．heading }}`` fails in Jinja with an
    English message: Chinese input methods type full-width braces and punctuation."""
    for n, text in enumerate(part.texts, 1):
        if ("｛" in text or "％" in text or "｝" in text) and _FULL_WIDTH.search(text):
            return (
                f"{part.at(n)}「{text.strip()[:40]}」的標籤用了全形的 ｛ ｝ 或 ％；"
                "標籤須用半形 {{ }}、{% %}，請切換到英數（半形）輸入後重打。"
            )
    for tag in part.tags:
        mark = tag.brace != "{#" and _FULL_WIDTH_MARK.search(_STRINGS.sub("", tag.text[2:-2].translate(_QUOTES)))
        if mark:
            return (
                f"{part.at(tag.paragraph)}的「{tag.text}」有全形標點「{mark.group()}」；標籤內（引號內的文字除外）"
                "須用半形的 . , ( ) | = 等，請切換到英數（半形）輸入後重打。"
            )
    return None


def incomplete(part: Part) -> str | None:
    """Every tag opens and closes in one paragraph.

    docxtpl looks for a tag's end across paragraphs, so one unclosed ``{{`` would
    silently swallow the template up to the next ``}}``.
    """
    for n, text in enumerate(part.texts, 1):
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return (
                f"{part.at(n)}「{text.strip()[:40]}」的標籤不完整，"
                "{{ 與 }}、{% 與 %} 須成對出現在同一段落內。"
            )
    return None


# A modifier typed apart from its brace or followed by another space than docxtpl's: `{% p for`,
# `{%p　for` (an input method's full-width space), `{{p\xa0annex.body }}` (a no-break space).
_SPACED_MODIFIER = re.compile(r"(\s*)(tr|tc|p|r)(\s+)([A-Za-z_]\w*)(.*)", re.DOTALL)
# Words that may follow a name in an expression: `{{ p if x else y }}` is a name p, not a modifier.
_OPERATORS = frozenset({"if", "else", "is", "and", "or", "in", "not"})
_SPACES = {"\u3000": "全形空格", "\u00a0": "不換行空格"}


def spaced_modifiers(part: Part) -> str | None:
    """docxtpl reads ``p`` as its modifier only right after the brace and before an ASCII space;
    else Jinja reads ``p`` as a statement or a name, and the message named 「指令 p」."""
    for tag in part.tags:
        if tag.modifier or tag.brace == "{#":
            continue
        typed = _SPACED_MODIFIER.fullmatch(tag.text[2:-2])
        if typed is None:
            continue
        lead, modifier, space, word, rest = typed.groups()
        statement = word in KNOWN if tag.brace == "{%" else word not in _OPERATORS
        if not statement or (not lead and space[0] == " "):
            continue
        fixed = f"{tag.text[:2]}{modifier} {word}{rest.rstrip()} {tag.text[-2:]}"
        if lead:
            what = f"{modifier} 須緊接在 {tag.text[:2]} 之後，中間不可有空格"
        else:
            what = f"{modifier} 之後須是一個半形空格（現在是{_SPACES.get(space[0], '特殊的空白字元')}）"
        return f"{part.at(tag.paragraph)}的「{tag.text}」：{what}；請寫成 {fixed}。"
    return None


def shared_paragraphs(part: Part) -> str | None:
    """docxtpl replaces the whole paragraph of a ``{%p``/``{{p`` tag by the tag: the rest is lost."""
    seen: set[int] = set()
    for tag in part.tags:
        if tag.modifier != "p" or tag.paragraph in seen:
            continue
        seen.add(tag.paragraph)
        rest = part.texts[tag.paragraph - 1].replace(tag.text, "", 1).strip()
        if rest:
            return (
                f"{part.at(tag.paragraph)}的「{rest[:30]}」與標籤「{tag.text}」在同一段，"
                "產生文件時整段只留下標籤的結果，「" + rest[:30] + "」會消失；"
                "請把它移到另一段（按 Enter 分段），讓 {%p … %}、{{p … }} 標籤獨佔一段。"
            )
        lost = _lost_content(part, tag.paragraph)
        if lost:
            return (
                f"{part.at(tag.paragraph)}的{lost}與標籤「{tag.text}」在同一段，產生文件時整段只留下標籤的結果，"
                f"{lost}會消失；請在標籤前（或後）按 Enter 分段，把{lost}留在另一段，讓標籤獨佔一段。"
            )
    return None


_BREAKS = {"page": "分頁符號", "column": "分欄符號"}
_PICTURES = tuple(qn(f"w:{name}") for name in ("drawing", "pict", "object"))


def _lost_content(part: Part, n: int) -> str | None:
    """What, besides text, the ``{%p`` tag's paragraph ``n`` holds that would go with it and
    :func:`move_breaks` cannot keep: Ctrl+Enter's page break typed before the tag, a picture."""
    p = part.paragraphs[n - 1]
    movable = _page_breaks_after(part, n)
    for br in p.iter(qn("w:br")):
        if br.get(qn("w:type")) in _BREAKS and br not in movable:
            return _BREAKS[br.get(qn("w:type"))]
    if next(p.iter(*_PICTURES), None) is not None:
        return "圖片"
    return None


def _page_breaks_after(part: Part, n: int) -> list[etree._Element]:
    """The page breaks that end the tag's paragraph ``n`` (no text after them) when the next
    paragraph is the template's own, not a tag's: the break LibreOffice writes there for that
    paragraph's 「段落前分頁」 (the report's 參、圖表), which is that paragraph's to keep."""
    p = part.paragraphs[n - 1]
    following = p.getnext()
    if following is None or following.tag != _P or _p_tag_paragraphs(part, part.paragraphs.index(following) + 1):
        return []
    breaks: list[etree._Element] = []
    for element in p.iter(qn("w:br"), _T):
        if element.tag == _T and (element.text or "").strip():
            breaks = []  # text after a break: the break is not the paragraph's end
        elif element.tag != _T and element.get(qn("w:type")) == "page":
            breaks.append(element)
    return breaks


def _p_tag_paragraphs(part: Part, *numbers: int) -> set[int]:
    """Those of ``numbers`` that are paragraphs of ``{%p``/``{{p`` tags."""
    return {tag.paragraph for tag in part.tags if tag.modifier == "p" and tag.paragraph in numbers}


def unknown_statements(part: Part) -> str | None:
    """A statement Jinja does not know (``For``, ``endfro``) would fail with an English message."""
    for tag in part.tags:
        keyword = tag.keyword
        if tag.brace != "{%" or keyword in KNOWN:
            continue
        hint = f"應為小寫的「{keyword.lower()}」" if keyword.lower() in KNOWN else "可用的有 for、if、elif、else、endfor、endif 等"
        return f"{part.at(tag.paragraph)}的「{tag.text}」：不認得的指令「{keyword}」（{hint}）。"
    return None


def blocks(part: Part) -> str | None:
    """Each ``{% for %}``/``{% if %}`` … has its end tag, in document order, with the same modifier.

    A block typed ``{% for %}`` in a paragraph of its own and ended by ``{%p endfor %}``
    renders without error but cuts the document apart.
    """
    stack: list[Tag] = []
    for tag in part.tags:
        keyword = tag.keyword
        if tag.opens:
            stack.append(tag)
        elif keyword in MIDDLES:
            if not stack:
                return f"{part.at(tag.paragraph)}的「{tag.text}」不在任何 {{% if … %}} 或 {{% for … %}} 區塊之內。"
            opener = stack[-1]
            if tag.modifier != opener.modifier:
                return (
                    f"{part.at(tag.paragraph)}的「{tag.text}」與第 {opener.paragraph} 段的「{opener.text}」不一致："
                    f"以 {{%{opener.modifier} 開始的區塊，{keyword} 也須寫成 {opener.typed(keyword, '…' if keyword == 'elif' else '')}。"
                )
        elif keyword.startswith("end") and keyword[3:] in OPENERS:
            if not stack:
                return f"{part.at(tag.paragraph)}的「{tag.text}」前面沒有與之成對的 {tag.typed(keyword[3:], '…')}。"
            opener = stack.pop()
            problem = _pair(part, opener, tag)
            if problem:
                return problem
    if stack:
        opener = stack[-1]
        return (
            f"{part.at(opener.paragraph)}的「{opener.text}」沒有結尾：須在區塊後加上"
            f"{'一段 ' if opener.modifier == 'p' else ' '}{opener.typed('end' + opener.keyword)}。"
        )
    return None


def _pair(part: Part, opener: Tag, end: Tag) -> str | None:
    head = f"{part.at(end.paragraph)}的「{end.text}」與第 {opener.paragraph} 段的「{opener.text}」不成對："
    expected = "end" + opener.keyword
    if end.keyword != expected:
        return f"{head}「{opener.text}」須以 {opener.typed(expected)} 結尾。"
    if opener.modifier != end.modifier:
        if opener.modifier == "" and opener.paragraph != end.paragraph:
            return f"{head}各佔一段的標籤須都寫成 {{%p … %}}：{{%p {opener.statement} %}} 與 {{%p {expected} %}}。"
        return f"{head}以 {{%{opener.modifier} 開始的標籤，結尾也須寫成 {opener.typed(expected)}。"
    if opener.modifier == "" and opener.paragraph != end.paragraph:
        return (
            f"{head}不在同一段的標籤須各佔一段並寫成 {{%p … %}}："
            f"{{%p {opener.statement} %}} 與 {{%p {expected} %}}。"
        )
    return None


def fragment_names(context: object) -> set[str]:
    """The keys of ``context`` (at any depth) whose values are whole bodies (:class:`Fragment`)."""
    names: set[str] = set()
    todo = [context]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, Fragment):
                    names.add(str(key))
                elif isinstance(item, dict | list | tuple):
                    todo.append(item)
        elif isinstance(value, list | tuple):
            todo.extend(v for v in value if isinstance(v, dict | list | tuple))
    return names


def fragments(parts: Iterable[Part], names: set[str]) -> str | None:
    """A body inserted by ``{{ x }}`` lands inside a run's text (w:t): Word cannot open that."""
    if not names:
        return None
    for part in parts:
        for tag in part.tags:
            if tag.brace != "{{" or tag.modifier == "p":
                continue
            expression = tag.statement.split("|")[0]
            words = [w for w in re.split(r"[^\w]+", expression) if w]
            if words and words[-1] in names:
                fixed = f"{{{{p {expression.strip()} }}}}"
                return (
                    f"{part.at(tag.paragraph)}的「{tag.text}」插入的是整段內容，須寫成 {fixed}"
                    "（並獨佔一段）。"
                )
    return None


def move_breaks(part: Part) -> None:
    """Keep a section break, or a page break ending it, that sits on a ``{%p``/``{{p`` tag's paragraph.

    docxtpl replaces that paragraph, and with it the break (``w:sectPr`` in its ``w:pPr``),
    so a portrait body and landscape annexes would become one section. The break moves
    to a new empty paragraph beside the tag: after it, or before it when the tag opens a
    block (after would put the break inside the loop, repeating it). A page break ending
    the paragraph becomes the next paragraph's 「段落前分頁」 (w:pageBreakBefore), as it was
    before LibreOffice saved it so.
    """
    done: set[int] = set()
    for tag in part.tags:
        if tag.modifier != "p" or tag.paragraph in done:
            continue
        done.add(tag.paragraph)
        p = part.paragraphs[tag.paragraph - 1]
        breaks = _page_breaks_after(part, tag.paragraph)
        if breaks:
            for br in breaks:
                br.getparent().remove(br)
            p.getnext().get_or_add_pPr().pageBreakBefore_val = True
        ppr = p.find(qn("w:pPr"))
        sect = ppr.find(qn("w:sectPr")) if ppr is not None else None
        if sect is None:
            continue
        carrier = OxmlElement("w:p")
        carrier.append(OxmlElement("w:pPr"))
        carrier[0].append(sect)  # lxml moves it: the tag's paragraph no longer has it
        if tag.opens:
            p.addprevious(carrier)
        else:
            p.addnext(carrier)


def broken_structure(body: etree._Element, had_section: bool) -> str | None:
    """What docxtpl's recovering parser let through: elements inside a text, a lost page set-up."""
    for t in body.iter(_T):
        if len(t):
            return f"文字（w:t）之中出現了 {etree.QName(t[0]).localname} 元素"
    if had_section and (not len(body) or body[-1].tag != qn("w:sectPr")):
        return "文件最後的版面設定（w:sectPr）不見了，後段內容可能被截斷"
    return None
