"""The parsers of typed cell values (contracts/workbook.md, "Values people type")."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from zhaoshang.workbook.values import (
    ValueProblem,
    clean_text,
    parse_amount,
    parse_bool,
    parse_date_value,
    parse_integer,
    parse_percent,
    parse_tag,
    split_list,
)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        (5000, Decimal("5000")),
        (5000.0, Decimal("5000")),
        (1234.56, Decimal("1234.56")),
        (0.1 + 0.2, Decimal("0.3")),  # the float's noise is not a third decimal
        ("5,000", Decimal("5000")),
        ("1,234,567.5", Decimal("1234567.5")),
        ("5000万", Decimal("5000")),
        ("5000万元", Decimal("5000")),
        ("1.2亿", Decimal("12000")),
        ("0.35亿元", Decimal("3500")),
        ("５０００", Decimal("5000")),
        ("１．２亿", Decimal("12000")),
        ("５，０００", Decimal("5000")),
        ("\u3000 5000 \u3000", Decimal("5000")),
        (Decimal("12.5"), Decimal("12.5")),
    ],
)
def test_amounts_people_type_are_read_in_wan_yuan(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    "typed", ["约5000", "5,00", "5000元", "abc", "1.2.3", True, date(2026, 1, 1)]
)
def test_unreadable_amounts_are_refused_naming_the_value(typed):
    with pytest.raises(ValueProblem):
        parse_amount(typed)


def test_empty_amount_is_none():
    assert parse_amount(None) is None
    assert parse_amount("  \u3000") is None


@pytest.mark.parametrize(
    "typed",
    [
        datetime(2026, 11, 5, 0, 0),
        date(2026, 11, 5),
        "2026-11-05",
        "2026/11/5",
        "2026.11.5",
        "2026年11月5日",
        "２０２６年１１月５日",
        "2026-11-05 00:00:00",
        "20261105",
        46331,  # an Excel day serial whose cell lost its date format
    ],
)
def test_dates_people_type(typed):
    assert parse_date_value(typed) == date(2026, 11, 5)


@pytest.mark.parametrize("typed", ["2026-13-01", "2026-02-30", "明天", "11/5/2026", 12])
def test_unreadable_dates_are_refused(typed):
    with pytest.raises(ValueProblem):
        parse_date_value(typed)


@pytest.mark.parametrize(
    "typed", ["是", "Y", "y", "yes", "1", 1, 1.0, "√", "✓", True, "TRUE", "\u3000是 "]
)
def test_yes_variants(typed):
    assert parse_bool(typed) is True


@pytest.mark.parametrize("typed", ["否", "N", "n", "no", "0", 0, "×", "x", False, "FALSE"])
def test_no_variants(typed):
    assert parse_bool(typed) is False


def test_unreadable_yes_no_is_refused():
    with pytest.raises(ValueProblem, match="应为 是 或 否"):
        parse_bool("也许")


def test_full_width_and_invisible_spaces_are_trimmed():
    assert clean_text("\u3000 甲县\u3000\ufeff") == "甲县"
    assert clean_text(None) == ""


def test_percentages():
    assert parse_percent(50) == 50
    assert parse_percent("50%") == 50
    assert parse_percent("５０％") == 50
    assert parse_percent(0.5, percent_format=True) == 50
    assert parse_percent(62.5) == Decimal("62.5")


def test_integers():
    assert parse_integer("３") == 3
    assert parse_integer(3.0) == 3
    with pytest.raises(ValueProblem):
        parse_integer(2.5)


def test_tags_with_and_without_year():
    assert parse_tag("中国民营企业500强(2025)") == ("中国民营企业500强", 2025)
    assert parse_tag("中国民营企业500强（2024）") == ("中国民营企业500强", 2024)
    assert parse_tag("上市公司") == ("上市公司", None)
    with pytest.raises(ValueProblem):
        parse_tag("上市公司(去年)")


def test_lists_split_on_both_semicolons():
    assert split_list("甲;乙；甲; ;丙") == ["甲", "乙", "丙"]
