"""Paragraphs: styles, Chinese line breaking inside reportlab, and fallback-font runs."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import FragLine, ParaLines, cjkU, cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from sqdocs.writers import layout
from sqdocs.writers.fontfiles import missing_glyph_advice
from sqdocs.writers.pdf.fonts import FontSet
from sqdocs.writers.pdf.linebreak import autospaced, fit_lines

# Line spacing and the space around headings as the Word template's styles (docs/templates.md):
# Normal 1.25 lines, table text single; the Kai faces' line (ascent + descent) is one em. The
# PDF then breaks pages where LibreOffice breaks the .docx's, within a line or two.
BODY_LEADING = 1.25
TABLE_LEADING = 1.0
SECTION_PT = 16  # 壹、 headings and annex titles, as Word's Heading 1
BOLD_STROKE = 0.035
"""Kai faces have no bold: text in a ``bold`` style is stroked as well as filled, this many ems
wide, as Word thickens 標楷體 it cannot find a bold face of. Latin text in it is set in the Latin
face's bold (:attr:`FontSet.latin_bold`) when there is one, and not stroked."""
AUTOSPACE = 0.2
"""Word's automatic space between Chinese and Latin text or digits (:func:`linebreak.autospaced`),
in ems: LibreOffice sets the .docx's 「第2屆」 2.8 pt apart at 14 pt, 2.4 pt at 12 pt."""


def _cleaned(text: str) -> str:
    return "\n".join(cleanBlockQuotedText(line) for line in text.strip().split("\n"))


class CJKParagraph(Paragraph):
    """A Paragraph broken by sqdocs's Chinese rules (linebreak.py) instead of reportlab's.

    reportlab's own CJK wrap lets 「，」「；」 start a line and splits Latin words; here every
    line break is one that :func:`linebreak.fit_lines` allows.
    """

    def drawOn(self, canvas, x, y, _sW=0):  # reportlab's name
        if (
            _sW or self.debug or getattr(self, "_showBoundary", 0) or getattr(self.style, "bold", False)
            or not self._plain()
        ):
            return super().drawOn(canvas, x, y, _sW)
        # _draw_plain leaves the canvas's state as it was: reportlab's operators (q, the place
        # as a cm, the text, Q) without its saving and restoring of that state, which cost more
        # than setting a table cell's line of text.
        code = canvas._code
        code.append("q")
        code.append(f"1 0 0 1 {fp_str(x, y)} cm")
        self.canv = canvas
        self._draw_plain()
        del self.canv
        code.append("Q")
        return None

    def _plain(self) -> bool:
        """Whether :meth:`_draw` writes this paragraph's lines itself, not reportlab's drawPara."""
        style, lines = self.style, self.blPara.lines
        return not (
            style.alignment not in _SHIFT or not lines or self.bulletText or style.backColor
            or (style.borderColor and style.borderWidth) or hasattr(self, "_offsets")
            or not all(getattr(line, "sq_plain", False) and line.extraSpace > -1e-8 for line in lines)
        )

    def drawPara(self, debug=0):  # reportlab's name
        if not getattr(self.style, "bold", False):
            return self._draw(debug)
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(self.style.fontSize * BOLD_STROKE)
        canvas.setStrokeColor(self.style.textColor)
        try:
            return self._draw(debug)
        finally:
            canvas.restoreState()

    def _draw(self, debug) -> None:
        """reportlab's drawPara for a paragraph whose every line :meth:`_break` made, writing the
        same operators without what such lines never have (bullets, a background or border,
        underlines, links, lines set around an image, word spacing for an overfull line):
        the general one's set-up per paragraph and per line was a tenth of a plan PDF's time."""
        if debug or not self._plain():
            return super().drawPara(debug)
        return self._draw_plain()

    def _draw_plain(self) -> None:
        style, lines = self.style, self.blPara.lines
        share = _SHIFT[style.alignment]
        code = self.canv._code
        code.append("q")  # the canvas's own state is not touched inside: nothing to save
        tx = self.beginText(style.leftIndent, self.height - lines[0].fontSize)
        tx.XtraState = _LineState(style.leading)
        tx._leading = tx._fontname = tx._fontsize = None
        offset = style.firstLineIndent
        for line in lines:
            x = offset + share * line.extraSpace
            if x > 1e-6 or x < -1e-6:
                tx.moveCursor(x, 0)
                _put_plain_line(x, tx, line)
                tx.moveCursor(-x, 0)
            else:
                _put_plain_line(x, tx, line)
            offset = 0
        code.append(tx.getCode())
        code.append("Q")
        return None

    def beginText(self, x, y):  # reportlab's name: each line's text object
        text = super().beginText(x, y)
        if getattr(self.style, "bold", False):
            text.setTextRenderMode(2)  # fill, then stroke: see BOLD_STROKE
        return text

    def wrap(self, availWidth, availHeight):  # reportlab's name
        # A table measures a cell at the same width several times as it lays out and splits:
        # with the same lines (breakLinesCJK), the same size.
        done = self.__dict__.get("_sq_wrapped")
        if done is not None and done[0] == availWidth and done[1] is self.__dict__.get("blPara"):
            self.width, self.height = size = done[2]
            return size
        width, height = super().wrap(availWidth, availHeight)
        extra = _extra_height(self.blPara)
        if extra:
            self.height = height = height + extra
        self._sq_wrapped = (availWidth, self.blPara, (width, height))
        return width, height

    def split(self, availWidth, availHeight):  # reportlab's name
        if not hasattr(self, "blPara"):
            self.wrap(availWidth, availHeight)
        if _extra_height(self.blPara):
            # reportlab fits int(availHeight / leading) lines; with taller lines, fewer fit.
            leading, used, fit = self.style.leading, 0.0, 0
            for line in self.blPara.lines:
                used += leading + line.sq_extra
                if used > availHeight + 1e-8:
                    break
                fit += 1
            availHeight = (fit + 0.5) * leading
        parts = super().split(availWidth, availHeight)
        # A heading taller than what is left of the page (a name of thousands of characters)
        # is split: its bookmark goes with its first part, or the ones below it would jump a level.
        if parts and hasattr(self, "outline"):
            parts[0].outline = self.outline
        if len(parts) == 2:
            parts[1]._sqdocs_lines = self._rest_lines(len(parts[0].blPara.lines))
        return parts

    def _rest_lines(self, cut: int) -> tuple[tuple[float, ...], ParaLines] | None:
        """The lines after the first ``cut`` as the second part of a split breaks them when it is
        as wide, kept for it (:meth:`breakLinesCJK`): greedy breaking ends the same lines from
        the cut on, as Word's lines do not move at a page break. Breaking the rest again made a
        paragraph over many pages take time growing with the square of its length."""
        cached = getattr(self, "_sqdocs_lines", None)
        if cached is None or cached[1] is not self.blPara or cut >= len(self.blPara.lines):
            return None
        later = cached[0][-1]  # the rest has no first-line indent: every line is a later one
        first, *others = self.blPara.lines[cut:]
        # Its first line is now a paragraph's first: moved down by the ascender (_break).
        below = _ascent_descent(self.style.fontName, self.style.fontSize)[0] - first.fontSize
        lines = [first.clone(sq_move=first.sq_above + below), *others]
        return (later, later), ParaLines(kind=1, lines=lines, sq_extra=sum(line.sq_extra for line in lines))

    def breakLinesCJK(self, maxWidths):  # reportlab's name
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the first half of a split keeps the lines it was cut with
        widths = maxWidths if isinstance(maxWidths, list | tuple) else [maxWidths]
        # Tables measure a cell several times at the same width; the lines do not change.
        key = tuple(widths)
        cached = getattr(self, "_sqdocs_lines", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        same = self.__dict__.get("sq_same")
        if same is None:
            lines_of = self._break(widths)
        else:
            # A document sets the same short text in the same cell width again and again
            # (「委員」「各分局」「賡續辦理」: a third of a plan's paragraphs): their lines are
            # the same, and nothing changes them once made.
            text = tuple((f.fontName, f.fontSize, f.text, f.__dict__.get("sq_tab")) for f in self.frags)
            lines_of = same.get((self.style, key, text))
            if lines_of is None:
                lines_of = same[self.style, key, text] = self._break(widths)
        self._sqdocs_lines = (key, lines_of)
        return lines_of

    def _break(self, widths):
        style = self.style
        pieces: list[str] = []
        char_widths: list[float] = []
        owners: list = []  # each character's fragment
        cuts = []  # where the next fragment starts
        for frag in self.frags:
            text = getattr(frag, "text", "")
            if owners and text and owners[-1] is not frag:
                cuts.append(len(owners))
            pieces.append(text)
            char_widths += _glyph_widths(text, frag.fontName, frag.fontSize)
            owners += [frag] * len(text)
        if not owners:
            return ParaLines(
                kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize,
            )
        lines = []
        chars = "".join(pieces)
        gaps = {i: AUTOSPACE * owners[i].fontSize for i in autospaced(chars)}
        cuts = sorted({*cuts, *(i + 1 for i in gaps)})  # a run also ends at an automatic space
        fitted = fit_lines(chars, char_widths, widths, gaps)
        justify = style.alignment == TA_JUSTIFY
        for k, ln in enumerate(fitted):
            limit = widths[min(k, len(widths) - 1)]
            # A blank line of a literal block: reportlab skips a line without words when it
            # draws, yet counts its height, so it gets a space to draw.
            runs = _runs(chars, char_widths, owners, ln.start, ln.end, gaps, cuts) or [_unit(" ", owners[ln.start], 0.0)]
            # Word justifies every line but a paragraph's last and one a line break ends.
            space = 0.0
            if justify and k < len(fitted) - 1 and chars[ln.end] != "\n":
                space = _spread(runs, chars, ln.start, ln.end, limit - ln.width)
            line = _frag_line(runs, limit, ln.width, style)
            line.sq_char_space = space
            line.sq_plain = True
            lines.append(line)
        # Each line's text is moved down from where reportlab's leading puts it (sq_move, one
        # PDF Td): by its own drop in a taller line (_frag_line) and the rest of the line before.
        # And the first up: reportlab puts it its size below the paragraph's top, Word and
        # LibreOffice the face's ascender (0.80 em for Kai), leaving the descent (0.20 em) under
        # the last line, so that a single-spaced line's glyphs fill its height, inside a cell.
        below = _ascent_descent(style.fontName, style.fontSize)[0] - lines[0].fontSize
        for line in lines:
            line.sq_move = line.sq_above + below
            below = line.sq_extra - line.sq_above
        return ParaLines(kind=1, lines=lines, sq_extra=sum(line.sq_extra for line in lines))

    def _get_split_blParaFunc(self):
        # reportlab's joiner adds a space at every line end (right for Latin, wrong for Chinese).
        return _frags_of_lines


_SHIFT = {TA_LEFT: 0.0, TA_JUSTIFY: 0.0, TA_CENTER: 0.5, TA_RIGHT: 1.0}
"""How much of a line's free space goes before it, by alignment (a justified line that
:meth:`CJKParagraph._break` made spreads itself: :func:`_spread`)."""


@dataclass
class _LineState:
    """What :func:`_put_plain_line` keeps from line to line (reportlab's XtraState)."""

    leading: float
    textColor: object = None  # noqa: N815 -- reportlab's name
    rise: float = 0


def _spread(runs: list, chars: str, start: int, end: int, extra: float) -> float:
    """The space to add after each Chinese character and each space so the line
    ``start``–``end`` fills its width, ``extra`` more than its text, as Word justifies mixed
    text: letters and digits of the Latin face keep together (「1071300028」, a web address),
    trailing spaces hang. Text before an outline label's tab (``runs[tab]``) is not spread
    (Word justifies from the last tab on): the tab is narrowed by what the characters before
    it gain. 0.0 when the line is full or has nothing to spread over."""
    tab = next((i for i, unit in enumerate(runs) if getattr(unit._frag, "sq_tab", False)), None)
    ink_end = end
    while ink_end > start and chars[ink_end - 1].isspace():
        ink_end -= 1
    gaps = before = 0  # places that take space; those up to and including the tab
    at = start
    for i, unit in enumerate(runs):
        latin = getattr(unit._frag, "sq_latin", False)
        for ch in str(unit):
            # the last character's space would fall past the margin
            if at < ink_end - 1 and (ch == " " or not latin):
                gaps += 1
                before += tab is not None and i <= tab
            at += 1
    gaps -= before
    if extra <= 0.01 or gaps <= 0:
        return 0.0
    space = extra / gaps
    if tab is not None:
        unit = runs[tab]
        width = unit._width - before * space
        if width <= 0:
            return 0.0
        frag = unit._frag
        narrowed = frag.clone(fontSize=frag.fontSize * width / unit._width) if unit._width else frag
        runs[tab] = _unit(str(unit), narrowed, width)
    return space


def _draw_line_justified(tx, offset, line, *rest, _plain=rl_paragraph._justifyDrawParaLineX,
                         _left=rl_paragraph._leftDrawParaLineX):
    """A justified line :meth:`CJKParagraph._break` made is drawn from the left: its spreading
    is its own (:func:`_spread`, set by :func:`_put_plain_line`). reportlab's would widen
    spaces by PDF Tw, and a non-breaking space as well."""
    draw = _left if getattr(line, "sq_plain", False) else _plain
    return draw(tx, offset, line, *rest)


def _put_plain_line(cur_x, tx, line, *rest, _full=rl_paragraph._putFragLine):
    """reportlab's _putFragLine for a line :meth:`CJKParagraph._break` made (``sq_plain``):
    the same operators, without what such a line never has (links, underlines, background,
    images, leader dots) and without measuring every run again to keep track of them; and a
    justified line's spreading (``sq_char_space``): after every character of a Kai run (PDF Tc),
    after the spaces only of a Latin run (Tw; ASCII keeps its code, 32, in reportlab's subsets).

    A run per font change makes a line with figures in it several runs (「107」 in the Latin
    face, 「年」 in Kai): reportlab's bookkeeping per run took about 5% of the report PDF's time."""
    if not getattr(line, "sq_plain", False):
        return _full(cur_x, tx, line, *rest)
    xs = tx.XtraState
    if tx._leading != xs.leading:
        tx.setLeading(xs.leading)
    if line.sq_move:
        tx.moveCursor(0, line.sq_move)  # down (up, if negative) to its baseline: CJKParagraph._break
    space = getattr(line, "sq_char_space", 0.0)
    spacing = (0.0, 0.0)  # (Tc, Tw) in effect
    words = line.words
    final = words[-1] if words else None
    for f in words:
        if tx._fontname != f.fontName or tx._fontsize != f.fontSize:
            tx._setFont(f.fontName, f.fontSize)
        if xs.textColor is not f.textColor and xs.textColor != f.textColor:  # Color.__eq__ is Python
            xs.textColor = f.textColor
            tx.setFillColor(f.textColor)
        if xs.rise != f.rise:
            xs.rise = f.rise
            tx.setRise(f.rise)
        stroked = getattr(f, "sq_stroked", None)  # in a bold style: Kai thickened, a bold face not
        if stroked is not None:
            tx.setTextRenderMode(2 if stroked else 0)
        if space:
            spacing = _set_spacing(tx, spacing, (0.0, space) if getattr(f, "sq_latin", False) else (space, 0.0))
        gap = getattr(f, "sq_gap", None)
        if gap is None:
            _text_out(tx, f.text, f is final)
            continue
        # The automatic space after the run's last character: PDF Tc adds to the advance of
        # each glyph drawn, so that one is drawn with the space added to its spacing.
        if len(f.text) > 1:
            _text_out(tx, f.text[:-1], False)
        spread = spacing
        spacing = _set_spacing(tx, spacing, (spacing[0] + gap, spacing[1]))
        _text_out(tx, f.text[-1], f is final)
        spacing = _set_spacing(tx, spacing, spread)
    _set_spacing(tx, spacing, (0.0, 0.0))
    return None


def _text_out(tx, text: str, star: bool) -> None:
    """reportlab's ``tx._textOut`` for text in an embedded TrueType face (every face sqdocs
    sets text in), writing the same operators: the font of the text's subset whenever it
    changes (a composite font has one subset, fonts.py's ``_CIDFont``; the Latin face's
    simple fonts hold 256 glyphs each), then the text. Without reportlab's general path (its
    other font kinds, shaping, the text object's state saved and restored for every run)."""
    font = getFont(tx._fontname)
    if not font._dynamicFont or isinstance(text, ShapedStr):
        tx._textOut(text, star)
        return
    doc = tx._canvas._doc
    size = None
    current = tx._curSubset
    ops = []
    for subset, chunk in font.splitString(text, doc):
        if subset != current:
            if size is None:
                size = _font_size_ops(tx._fontsize, tx._leading)
            ops.append(font.getSubsetInternalName(subset, doc) + size)
            current = subset
        ops.append(f"({escapePDF(chunk)}) Tj")
    tx._curSubset = current
    tx._code.append(" ".join(ops) + " T*" if star else " ".join(ops))


@functools.lru_cache(maxsize=64)
def _font_size_ops(size: float, leading: float) -> str:
    return f" {fp_str(size)} Tf {fp_str(leading)} TL"


def _extra_height(bl_para) -> float:
    """What the lines with Latin text add to a paragraph's height (:func:`_frag_line`); kept with
    the lines (the first part of a split gets its lines in a ParaLines of reportlab's)."""
    extra = bl_para.__dict__.get("sq_extra")
    if extra is None:
        extra = bl_para.sq_extra = sum(getattr(line, "sq_extra", 0.0) for line in getattr(bl_para, "lines", ()))
    return extra


def _set_spacing(tx, now: tuple[float, float], wanted: tuple[float, float]) -> tuple[float, float]:
    if wanted[0] != now[0]:
        tx.setCharSpace(wanted[0])
    if wanted[1] != now[1]:
        tx.setWordSpace(wanted[1])
    return wanted


# drawPara and the line drawers look these up in their module when they draw: every
# CJKParagraph's lines go through the ones above; any other line is drawn as reportlab draws it.
rl_paragraph._justifyDrawParaLineX = _draw_line_justified
rl_paragraph._putFragLine = _put_plain_line


def _glyph_widths(text: str, font: str, size: float) -> list[float]:
    """The width of each character of ``text``, each measured once per font and size."""
    known = _widths_of(font, size)
    try:
        return list(map(known.__getitem__, text))
    except KeyError:
        for ch in text:
            if ch not in known:
                known[ch] = stringWidth(ch, font, size)
        return list(map(known.__getitem__, text))


@functools.lru_cache(maxsize=256)
def _widths_of(font: str, size: float) -> dict[str, float]:
    return {}


def _frag_line(runs: list, max_width: float, width: float, style: ParagraphStyle) -> FragLine:
    """One line of :meth:`CJKParagraph._break`, a word per run: reportlab's makeCJKParaLine
    without its merging of runs that look alike, which made one word of the runs an automatic
    space ends (:func:`_runs`) and so lost the spaces, and the line's end with them.

    Its size, ascent and descent come from its text, not from the tab of an outline label
    (:meth:`Typesetter.outline`): a space set as large as the gap it fills, whose ascent would
    put the line's baseline that much lower, over the line below.

    Its ``sq_extra``: Word and LibreOffice make a line as tall as its tallest face's line, so
    one with Latin letters, digits or ASCII punctuation (not spaces alone) is 1.15 times a Kai
    line (the style's leading). They put its baseline the tallest face's ascender below its top,
    so the text of such a line sits ``sq_above`` lower (Liberation Serif's ascender less Kai's:
    0.09 em) and the rest of the extra height is under it."""
    words = []
    size = ascent = descent = drop = 0.0
    rise = 1.0
    for unit in runs:
        frag = unit._frag
        words.append(_with(frag, text=str(unit)))
        if getattr(frag, "sq_tab", False):
            continue
        up, down = _ascent_descent(frag.fontName, frag.fontSize)
        size, ascent, descent = max(size, frag.fontSize), max(ascent, up), min(descent, down)
        line_of = getattr(frag, "sq_line", 1.0)
        if line_of > 1.0 and not unit.isspace():
            rise = max(rise, line_of)
            drop = max(drop, getattr(frag, "sq_drop", 0.0) * frag.fontSize)
    if not size:  # the tab alone
        size = style.fontSize
        ascent, descent = _ascent_descent(style.fontName, size)
    extra = style.leading * (rise - 1.0)
    return FragLine(
        kind=1, extraSpace=max_width - width, wordCount=1, words=words, fontSize=size, ascent=ascent,
        descent=descent, maxWidth=max_width, currentWidth=width, lineBreak=False, sq_extra=extra, sq_above=min(drop, extra),
    )


@functools.lru_cache(maxsize=256)
def _ascent_descent(font: str, size: float) -> tuple[float, float]:
    return getAscentDescent(font, size)


def _runs(
    chars: str, widths: list[float], owners: list, start: int, end: int, gaps: dict[int, float], cuts: list[int]
) -> list:
    """The characters of one line as one unit per run of the same fragment (a word of the
    line, :func:`_frag_line`). A run also ends at an automatic space (``gaps``: index → points)
    inside the line; its fragment then carries the space as ``sq_gap``, for :func:`_put_plain_line`.
    ``cuts``, sorted: the indices where a fragment starts or an automatic space has just been.
    """
    runs, i = [], start
    k = bisect.bisect_right(cuts, start)
    while i < end:
        j = cuts[k] if k < len(cuts) and cuts[k] < end else end
        k += 1
        width = sum(widths[i:j])
        gap = gaps.get(j - 1) if j < end else None
        frag = owners[i]
        if gap is not None or getattr(frag, "sq_gap", None) is not None:
            # (the second part of a split paragraph is made of the first one's fragments)
            frag = _with(frag, sq_gap=gap)
        runs.append(_unit(chars[i:j], frag, width + (gap or 0.0)))
        i = j
    return runs


def _with(frag, **changes):
    """``frag.clone(**changes)`` (a copy with these attributes changed), without reportlab's
    generic copying: a line's every run is one, and the copies took 4% of a plan PDF's time."""
    copy = object.__new__(frag.__class__)
    copy.__dict__ = {**frag.__dict__, **changes}
    return copy


def _unit(text: str, frag, width: float):
    """A reportlab cjkU whose width is already known (cjkU() would measure the text again)."""
    unit = str.__new__(cjkU, text)
    unit._frag = frag
    unit._width = width
    return unit


def _frags_of_lines(bl_para, start: int, stop: int) -> list:
    return [word for line in bl_para.lines[start:stop] for word in line.words]


def _style(name: str, font: str, size: float, leading: float, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, bulletFontName=font, fontSize=size, leading=size * leading,
        wordWrap="CJK", allowWidows=0, **kw,  # no lone last line at the top of a page
    )


@dataclass
class Styles:
    """The PDF's paragraph styles, sized and bold as the Word templates' (templates.md): the
    title, section headings (Heading 1, 16 pt), the report's headings, captions, table headers."""

    title: ParagraphStyle
    title_first: ParagraphStyle  # the first line of a title set on two
    section: ParagraphStyle  # 壹、計畫依據 …
    heading: ParagraphStyle  # the report's 一、 (一) 1.
    body: ParagraphStyle
    note: ParagraphStyle  # a line centred under the title (本報告數據為範例資料)
    annex_label: ParagraphStyle
    annex_title: ParagraphStyle
    caption: ParagraphStyle
    figure_caption: ParagraphStyle
    header: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle

    @classmethod
    def for_font(cls, font: str) -> Styles:
        body, table = layout.BODY_PT, layout.TABLE_PT
        return cls(
            title=_style("title", font, layout.TITLE_PT, BODY_LEADING, alignment=TA_CENTER, spaceAfter=18, bold=True),
            title_first=_style("title_first", font, layout.TITLE_PT, BODY_LEADING, alignment=TA_CENTER, bold=True),
            section=_style("section", font, SECTION_PT, BODY_LEADING, spaceBefore=12, spaceAfter=6, bold=True),
            heading=_style("heading", font, body, BODY_LEADING, spaceBefore=6, spaceAfter=3, bold=True),
            body=_style("body", font, body, BODY_LEADING, alignment=TA_JUSTIFY),  # Normal: 兩端對齊
            note=_style("note", font, body, BODY_LEADING, alignment=TA_CENTER, spaceAfter=body * 0.5),
            annex_label=_style("annex_label", font, body, BODY_LEADING, alignment=TA_RIGHT, spaceAfter=6),
            annex_title=_style(  # Heading 1, centred
                "annex_title", font, SECTION_PT, BODY_LEADING, alignment=TA_CENTER, spaceBefore=12, spaceAfter=6, bold=True
            ),
            caption=_style("caption", font, body, BODY_LEADING, spaceBefore=6, spaceAfter=3, bold=True),  # Heading 2
            figure_caption=_style(  # Caption
                "figure_caption", font, body, BODY_LEADING, alignment=TA_CENTER, spaceBefore=3, spaceAfter=12
            ),
            header=_style("header", font, table, TABLE_LEADING, alignment=TA_CENTER, bold=True),
            cell=_style("cell", font, table, TABLE_LEADING, alignment=TA_LEFT),
            cell_center=_style("cell_center", font, table, TABLE_LEADING, alignment=TA_CENTER),
        )


@dataclass
class Typesetter:
    """Turns text into paragraphs, drawing each character from a font that has it.

    Characters no font has are collected in ``missing`` (character → where it occurs).
    """

    fonts: FontSet
    styles: Styles = field(init=False)
    missing: dict[str, list[str]] = field(default_factory=dict)
    _derived: dict[tuple, ParagraphStyle] = field(default_factory=dict)
    _frags: dict[tuple[ParagraphStyle, str], ParaFrag] = field(default_factory=dict)
    _lines: dict[tuple, ParaLines] = field(default_factory=dict)
    """Lines of the paragraphs set so far, shared by the ones alike (CJKParagraph.breakLinesCJK)."""

    def __post_init__(self) -> None:
        self.styles = Styles.for_font(self.fonts.main)

    def runs(self, text: str, where: str) -> list[tuple[str, str]]:
        """``text`` as (font, characters) runs, each run drawn from a font that has its
        characters; one no font has is noted in :attr:`missing` as occurring at ``where``."""

        def missing(ch: str) -> None:
            places = self.missing.setdefault(ch, [])
            if where not in places:
                places.append(where)

        return self.fonts.runs(text, missing)

    def para(self, text: str, style: ParagraphStyle, where: str) -> CJKParagraph:
        # Fragments are made here rather than parsed from markup: reportlab's markup parser
        # costs more than the rest of a paragraph's setup, and plain text needs none of it.
        # Spaces are collapsed as reportlab does, but a line break stays one, as in Word and ODF
        # (a literal block, 「text: |」); fit_lines breaks the line there.
        text = _cleaned(text)
        return self._shared(CJKParagraph(text, style, frags=self._runs_as_frags(text, style, where)))

    def _shared(self, para: CJKParagraph) -> CJKParagraph:
        para.sq_same = self._lines
        return para

    def _runs_as_frags(self, text: str, style: ParagraphStyle, where: str) -> list[ParaFrag]:
        return [_with(self._frag(style, font), text=chunk, link=[], us_lines=[]) for font, chunk in self.runs(text, where)]

    def _frag(self, style: ParagraphStyle, font: str) -> ParaFrag:
        """The fragment reportlab's parser makes for one character of ``font`` in ``style``."""
        key = (style, font)
        frag = self._frags.get(key)
        if frag is None:
            face = self._face(style, font)
            _, frags, _ = ParaParser().parse(f'<font name="{face}">x</font>', style)
            frag = self._frags[key] = frags[0]
            frag.sq_latin = font == self.fonts.latin  # a justified line spreads its spaces only
            if frag.sq_latin:
                frag.sq_line = self.fonts.latin_line  # its line is taller (_frag_line)
                frag.sq_drop = self.fonts.latin_drop  # and its text lower in it
            if getattr(style, "bold", False):
                frag.sq_stroked = face == font  # a face of its own bold is not thickened too
        return frag

    def _face(self, style: ParagraphStyle, font: str) -> str:
        """The face that draws a run of ``font`` in ``style``: Latin text in a bold style in the
        Latin face's bold (Times New Roman Bold, as Word sets it) when there is one."""
        if font == self.fonts.latin and self.fonts.latin_bold and getattr(style, "bold", False):
            return self.fonts.latin_bold
        return font

    def outline(self, label: str, text: str, style: ParagraphStyle, where: str, at: tuple[float, float]) -> CJKParagraph:
        """``label`` + ``text`` set as Word sets a numbered paragraph: the label at ``at[0]``, the
        text (wrapped lines too) at ``at[1]``, both in characters of ``style`` from the left edge.

        Word reaches the text through a tab after a label narrower than its room ((一) 1. (1));
        here a space sized to the gap stands for the tab. A label wider than its room is followed
        by its text at once, as the tab would jump no further back.
        """
        em = style.fontSize
        label_at, text_at = at[0] * em, at[1] * em
        derived = self._indented(style, text_at, label_at - text_at)
        gap = text_at - label_at - self.width(label, style)
        if not label or gap <= 0.5:  # points: less is the rounding of the label's width
            return self.para(label + text, derived, where)
        tab = self._frag(derived, style.fontName).clone(
            text=" ", fontSize=gap / stringWidth(" ", style.fontName, 1), link=[], us_lines=[], sq_tab=True
        )
        frags = [*self._runs_as_frags(label, derived, where), tab, *self._runs_as_frags(_cleaned(text), derived, where)]
        return self._shared(CJKParagraph(f"{label} {text}", derived, frags=frags))

    def _indented(self, style: ParagraphStyle, left: float, first_line: float) -> ParagraphStyle:
        """``style`` with these indents (points), made once."""
        key = (style.name, left, first_line)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = ParagraphStyle(
                f"{style.name}-{len(self._derived)}", parent=style, leftIndent=left, firstLineIndent=first_line,
            )
        return derived

    def width(self, text: str, style: ParagraphStyle) -> float:
        """How wide ``text`` is set on one line in ``style``, as :meth:`CJKParagraph._break` sets
        it: each character in the font that draws it, and Word's automatic spaces (AUTOSPACE)."""
        glyphs = sum(stringWidth(chunk, self._face(style, font), style.fontSize) for font, chunk in self.fonts.runs(text))
        return glyphs + AUTOSPACE * style.fontSize * len(autospaced(text))

    def missing_messages(self) -> list[str]:
        """One message per character no font has, naming it and where it occurs."""
        return [
            f"PDF 缺字：U+{ord(ch):04X}「{ch}」沒有任何可用字型含此字，在 PDF 中會顯示為空白方框"
            f"（出現於：{'、'.join(places)}）。{missing_glyph_advice(ch)}"
            for ch, places in self.missing.items()
        ]
