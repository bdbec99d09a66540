"""ROC dates and Chinese outline numbering at their edges."""

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from sqdocs.model.common import Deadline, RocDate
from sqdocs.text import chinese_number, formal_number, format_roc, outline_label, parse_roc
from sqdocs.text.roc import western_date


@pytest.mark.parametrize(
    ("n", "plain", "formal"),
    [
        (1, "一", "壹"), (9, "九", "玖"), (10, "十", "拾"), (11, "十一", "拾壹"), (19, "十九", "拾玖"),
        (20, "二十", "貳拾"), (21, "二十一", "貳拾壹"), (99, "九十九", "玖拾玖"), (100, "一百", "壹佰"),
        (101, "一百零一", "壹佰零壹"), (110, "一百一十", "壹佰壹拾"), (1001, "一千零一", "壹仟零壹"),
    ],
)
def test_numbers(n, plain, formal):
    assert chinese_number(n) == plain
    assert formal_number(n) == formal


@pytest.mark.parametrize("n", [0, -1, 10000])
def test_numbers_out_of_range(n):
    with pytest.raises(ValueError):
        chinese_number(n)
    with pytest.raises(ValueError):
        formal_number(n)


@pytest.mark.parametrize(
    ("depth", "n", "label"),
    [
        (0, 1, "壹、"), (0, 7, "柒、"), (0, 10, "拾、"), (0, 11, "拾壹、"), (0, 21, "貳拾壹、"),
        (1, 1, "一、"), (1, 10, "十、"), (1, 11, "十一、"), (1, 20, "二十、"), (1, 21, "二十一、"),
        (2, 1, "(一)"), (2, 11, "(十一)"), (2, 21, "(二十一)"),
        (3, 1, "1."), (3, 10, "10."), (3, 21, "21."), (3, 99, "99."),
        (4, 1, "(1)"), (4, 21, "(21)"), (5, 2, "(2)"),
    ],
)
def test_outline_labels(depth, n, label):
    assert outline_label(depth, n) == label


def test_outline_label_rejects_zero():
    with pytest.raises(ValueError, match="starts at 1"):
        outline_label(1, 0)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("107 年 1 月 1 日", date(2018, 1, 1)),
        ("107年12月31日", date(2018, 12, 31)),
        ("民國107年3月1日", date(2018, 3, 1)),
        ("107/1/15", date(2018, 1, 15)),
        ("100 年 1 月 1 日", date(2011, 1, 1)),
        ("109 年 2 月 29 日", date(2020, 2, 29)),
        ("113 年 2 月 29 日", date(2024, 2, 29)),
        ("1 年 1 月 1 日", date(1912, 1, 1)),
    ],
)
def test_parse_roc(text, day):
    assert parse_roc(text) == day


@pytest.mark.parametrize("text", ["107 年 2 月 29 日", "108 年 2 月 29 日", "107 年 13 月 1 日", "107 年 4 月 31 日", "0 年 1 月 1 日", "2018-01-01", "明年", ""])
def test_parse_roc_rejects(text):
    with pytest.raises(ValueError):
        parse_roc(text)


@pytest.mark.parametrize(("text", "why"), [
    ("107年13月1日", "一年沒有 13 月；月份須為 1–12"),
    ("107/0/5", "一年沒有 0 月；月份須為 1–12"),
    ("107 年 1 月 0 日", "沒有 0 日；日須為 1–31"),
    ("107 年 1 月 32 日", "沒有 32 日；日須為 1–31"),
    ("107 年 4 月 31 日", "民國 107 年 4 月沒有 31 日"),
])
def test_parse_roc_says_which_part_does_not_exist(text, why):
    with pytest.raises(ValueError) as info:
        parse_roc(text)
    assert str(info.value) == f"「{text}」不是存在的日期（{why}）"


@pytest.mark.parametrize(("text", "expected"), [
    ("2018-06-30", date(2018, 6, 30)), (" 2018/6/30 ", date(2018, 6, 30)), ("2018年6月30日", date(2018, 6, 30)),
    ("107/6/30", None), ("2018-06-30前", None), ("下個月", None),
])
def test_western_date(text, expected):
    assert western_date(text) == expected


@pytest.mark.parametrize(("text", "why"), [("2018-06-31", "2018 年 6 月沒有 31 日"), ("2018/13/1", "一年沒有 13 月")])
def test_western_date_says_which_part_does_not_exist(text, why):
    with pytest.raises(ValueError) as info:
        western_date(text)
    assert str(info.value) == f"「{text}」不是存在的日期（{why}）"


@pytest.mark.parametrize("day", [date(2018, 1, 1), date(2020, 2, 29), date(2011, 10, 10), date(1912, 1, 1)])
def test_roc_round_trip(day):
    assert parse_roc(format_roc(day)) == day
    assert parse_roc(format_roc(day, compact=True)) == day


def test_format_roc():
    assert format_roc(date(2018, 1, 15)) == "107 年 1 月 15 日"
    assert format_roc(date(2018, 1, 15), compact=True) == "107年1月15日"
    with pytest.raises(ValueError):
        format_roc(date(1911, 12, 31))


@pytest.mark.parametrize(
    ("text", "day"),
    [("2018-06-30", date(2018, 6, 30)), ("2018/6/30", date(2018, 6, 30)), ("2018年6月30日", date(2018, 6, 30)),
     (" 2018.6.30 ", date(2018, 6, 30)), ("107/6/30", date(2018, 6, 30))],
)
def test_data_dates_take_western_dates_as_the_forms_do(text, day):
    assert TypeAdapter(RocDate).validate_python(text) == day
    assert TypeAdapter(Deadline).validate_python(text) == day


@pytest.mark.parametrize("text", ["2018-06-305", "2018-06-30前", "2018-06-30 12:00", "2018/6/30/1"])
def test_a_date_with_more_after_it_is_no_date(text):
    """Only the whole text is a date: 「2018-06-305」 was taken as 30 June."""
    for kind in (RocDate, Deadline):
        with pytest.raises(ValidationError, match=f"「{text}」"):
            TypeAdapter(kind).validate_python(text)


def test_a_western_date_before_roc_year_1_says_so_as_a_deadline_too():
    with pytest.raises(ValidationError, match="早於民國元年"):
        TypeAdapter(Deadline).validate_python("1800-01-01")


@pytest.mark.parametrize(
    ("words", "typed"),
    [
        (["sqdocs", "export", "資料/基隆市-107", "-o", "輸出"], "sqdocs export 資料/基隆市-107 -o 輸出"),
        (["sqdocs", "build", "my data", "a$b", "[x]", ""], "sqdocs build 'my data' 'a$b' '[x]' ''"),
        (["sqdocs", "check", "John's data", "it's $HOME"], """sqdocs check "John's data" 'it'"'"'s $HOME'"""),
    ],
)
def test_a_command_in_a_message_quotes_only_what_a_shell_would_split_or_expand(words, typed):
    import shlex

    from sqdocs.text.names import command_line

    assert command_line(words) == typed
    assert shlex.split(typed) == words
