"""Chinese line breaking (sqdocs.writers.pdf.linebreak), without reportlab."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqdocs.writers.pdf import linebreak
from sqdocs.writers.pdf.linebreak import CLOSING, OPENING, autospaced, break_points, fit_lines, wrap


def width(ch: str) -> float:
    """Full-width characters 1, others ½, like a CJK font."""
    return 1.0 if ord(ch) >= 0x2E80 else 0.5


def clusters(text: str) -> list[str]:
    """The text cut into pieces that must stay on one line (at its break_points)."""
    points = break_points(text)
    cuts = [i for i, ok in enumerate(points) if ok] + [len(text)]
    out, start = [], 0
    for cut in cuts:
        if cut > start:
            out.append(text[start:cut])
        start = cut
    return out


def lines(text: str, max_width: float) -> list[str]:
    return wrap(text, width, max_width)


def assert_rules(text: str, result: list[str]) -> None:
    assert "".join(result).replace(" ", "") == text.replace(" ", ""), "text lost or reordered"
    for prev, line in zip(result, result[1:], strict=False):
        assert line, "empty line"
        assert line[0] not in CLOSING, f"line starts with closing punctuation: {line!r}"
        assert not line[0].isspace(), f"line starts with a space: {line!r}"
        assert prev[-1] not in OPENING, f"line ends with opening punctuation: {prev!r}"


@pytest.mark.parametrize("punct", "，。、；：！？」』）")
def test_never_before_closing_punctuation(punct: str) -> None:
    # The comma falls exactly where the line is full: the character before it moves down with it.
    text = f"一二三四五{punct}六七八"
    assert lines(text, 5) == ["一二三四", f"五{punct}六七八"]


@pytest.mark.parametrize("punct", "「『（")
def test_never_after_opening_punctuation(punct: str) -> None:
    text = f"一二三四{punct}五六七"
    assert lines(text, 5) == ["一二三四", f"{punct}五六七"]


def test_breaks_between_any_two_cjk_characters() -> None:
    assert lines("一二三四五六七八九十", 4) == ["一二三四", "五六七八", "九十"]


@pytest.mark.parametrize("word", ["m-police", "A1", "ODF", "1071300028", "Q&A", "(GIS)", "RSS"])
def test_latin_words_and_numbers_are_not_split(word: str) -> None:
    text = f"透過一二{word}三四五六七八九十"
    for max_width in (3, 4, 5, 6, 7):
        result = lines(text, max(max_width, len(word) * 0.5))
        assert any(word in line for line in result), (max_width, result)


def test_spaces_are_break_points_and_never_start_a_line() -> None:
    result = lines("民眾 24 小時上網查閱", 3)
    assert result == ["民眾", "24 小", "時上網", "查閱"]


def test_a_word_longer_than_the_line_is_cut_but_progresses() -> None:
    result = lines("https://www.klpd.gov.tw/index.php", 4)
    assert "".join(result) == "https://www.klpd.gov.tw/index.php"
    assert all(sum(width(c) for c in line) <= 4 for line in result)


def test_a_character_wider_than_the_line_stands_alone() -> None:
    assert lines("一二", 0.5) == ["一", "二"]


def test_first_line_may_be_narrower() -> None:
    widths = [1.0] * 10
    got = [(ln.start, ln.end) for ln in fit_lines("一二三四五六七八九十", widths, [2, 4])]
    assert got == [(0, 2), (2, 6), (6, 10)]


def test_trailing_spaces_hang_and_do_not_count() -> None:
    (first, second) = fit_lines("ab cd", [1, 1, 1, 1, 1], [2])
    assert (first.start, first.end, first.width) == (0, 3, 2)
    assert (second.start, second.end, second.width) == (3, 5, 2)


def test_a_written_line_break_ends_its_line_however_many_lines_come_before() -> None:
    """Lines break where the text is full and at every \\n, the \\n on no line, an empty
    line between two \\n. The next \\n is searched for once per \\n, not once per line: from
    each line's start to the text's end, a long paragraph's breaking grew with its square."""

    class Counted(str):
        searches = 0

        def find(self, *args):
            Counted.searches += 1
            return super().find(*args)

    text = Counted("一二三四五\n六七\n\n八九十一二三四")
    got = [(ln.start, ln.end) for ln in fit_lines(text, [1.0] * len(text), [3])]
    assert [text[a:b] for a, b in got] == ["一二三", "四五", "六七", "", "八九十", "一二三", "四"]
    assert Counted.searches == text.count("\n") + 1


def test_clusters() -> None:
    assert clusters("採 ODF 文書格式；A1、A2") == ["採 ", "ODF ", "文", "書", "格", "式；", "A1、", "A2"]
    assert clusters("「回報」。") == ["「回", "報」。"]
    assert break_points("") == [False]


def test_half_width_brackets_stay_with_their_word() -> None:
    assert "(m-police)" in clusters("透過(m-police)行動載具")
    assert clusters("訂閱服務(RSS)。") == ["訂", "閱", "服", "務", "(RSS)。"]


def test_ellipsis_and_ideographic_space() -> None:
    assert clusters("新住民...等") == ["新", "住", "民...", "等"]
    assert clusters("甲……乙") == ["甲……", "乙"]


def test_widths_must_match_text() -> None:
    with pytest.raises(ValueError):
        fit_lines("一二", [1.0], [4])


@pytest.mark.parametrize("max_width", [3, 4.5, 5, 7, 9.5, 13, 18])
def test_rules_hold_on_every_text_of_the_sample(plan, max_width: float) -> None:
    texts = [p for ref in plan.points() for p in ref.point.practices]
    texts += [e for d in plan.annex2.dimensions for i in d.items for p in i.points for e in p.entries]
    texts += [plan.body.objectives.intro, *plan.body.objectives.goals]
    for text in texts:
        assert_rules(text, lines(text, max_width))


def test_a_number_keeps_its_measure_word() -> None:
    assert clusters("107 年 3 月 31 日") == ["107 年 ", "3 月 ", "31 日"]
    assert clusters("計107年") == ["計", "107年"]
    assert lines("全年受理 8,547 件", 5) == ["全年受理", "8,547 件"]



@pytest.mark.parametrize("address", ["https://www.klpd.gov.tw/a/b.html", "http://x.tw/?q=1&r=(2)"])
def test_a_web_address_is_one_word(address: str) -> None:
    assert address in clusters(f"請至{address}查詢")
    text = f"網址：{address}。"
    wide = len(address) * 0.5
    # Each width has room for the address and 「。」, and for 「網址：https:」 on the first line.
    for max_width in (wide + 1, wide + 2, wide + 2.5):
        assert lines(text, max_width) == ["網址：", f"{address}。"], max_width
    assert clusters("時間：上午(9:00)") == ["時", "間：", "上", "午", "(9:00)"]


def test_automatic_spacing_between_chinese_and_latin_text_or_digits() -> None:
    def pairs(text: str) -> list[str]:
        return [text[i : i + 2] for i in autospaced(text)]

    assert pairs("內政部第2屆政府") == ["第2", "2屆"]
    assert pairs("機關107年度、E化") == ["關1", "7年", "E化"]
    # Not beside punctuation, half or full width, nor a space; not full-width digits.
    assert pairs("透過(m-police)行動、「1」，2、採 ODF 文、第１２屆") == []
    assert autospaced("") == autospaced("2") == []


_TEXTS = st.text(alphabet="中文字，。「」 ab1 2\u3000x、", max_size=14)
_WIDTHS = st.sampled_from([0.0, 5.5, 11.0, 3.3333333, 2.75, 7.1])


@settings(max_examples=1000, deadline=None)
@given(data=st.data(), text=_TEXTS)
def test_a_text_that_fits_is_one_line_as_the_loop_would_make_it(data, text: str) -> None:
    """fit_lines' shortcut for a text that fits (``_one_line``) gives the very line, width to
    the last bit, that its loop gives, on texts at, just under and just over the width."""
    widths = data.draw(st.lists(_WIDTHS, min_size=len(text), max_size=len(text)))
    gaps = data.draw(st.one_of(st.none(), st.dictionaries(st.integers(0, max(len(text) - 1, 0)), st.sampled_from([0.3, 1.1, 2.75]))))
    total = sum(widths) + sum((gaps or {}).values())
    limit = data.draw(st.sampled_from([total, total - 1e-6, total + 1e-7, total - 1e-3, sum(widths), 0.7 * total, 0.0]))
    with patch.object(linebreak, "_one_line", lambda *args: None):
        by_the_loop = fit_lines(text, widths, [limit], gaps)
    assert fit_lines(text, widths, [limit], gaps) == by_the_loop
