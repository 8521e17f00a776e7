"""Formatting of figures: Chinese dates, 万元/亿元, half-up percentages, gap wording."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhaoshang.web.templatetags import zs_format as f


def test_chinese_dates():
    assert f.cn_date(date(2026, 11, 27)) == "2026年11月27日"
    assert f.cn_date(date(2026, 12, 5)) == "2026年12月5日"
    assert f.cn_month_day(date(2026, 12, 5)) == "12月5日"
    assert f.cn_date(None) == "—"


def test_amounts_in_wan_and_yi():
    # Cents only where there are any: 30,000 not 30,000.00, but 12.50 keeps both digits.
    assert f.wan(Decimal("1234567.5")) == "1,234,567.50"
    assert f.wan(Decimal("30000.00")) == "30,000"
    assert f.wan(Decimal("0")) == "0"
    assert f.wan(Decimal("0.004")) == "0"  # half-up to the cent first
    assert f.wan(Decimal("0.005")) == "0.01"
    assert f.wan(None) == "—"
    # 80,000 万元 = 8 亿元; 1,234,567 万元 = 123.4567 亿元 → 123.46 half-up.
    assert f.big_amount(Decimal("80000")) == "8 亿元"
    assert f.big_amount(Decimal("85000")) == "8.50 亿元"
    assert f.big_amount(Decimal("9999.99")) == "9,999.99 万元"
    assert f.big_amount(Decimal("1234567")) == "123.46 亿元"


def test_dates_of_stored_documents_read_in_chinese():
    # Bulletins and assessments keep ISO text; the page prints it as a person writes it.
    assert f.cn_date("2026-11-27") == "2026年11月27日"
    assert f.cn_date("2026-12-02 21:43") == "2026年12月2日 21:43"
    assert f.cn_month_day("2026-12-05") == "12月5日"


def test_percentages_round_half_up():
    # 2/3 → 66.666…; 0.125 → 0.13 (banker's rounding would print 0.12)
    assert f.pct(Decimal(200) / Decimal(3)) == "66.67%"
    assert f.pct(Decimal("0.125")) == "0.13%"
    assert f.pct(None) == "—"


def test_gap_wording():
    assert f.gap(Decimal("2.5")) == "超 2.50 个百分点"
    assert f.gap(Decimal("-17.5")) == "落后 17.50 个百分点"
    assert f.gap(Decimal("-0.004")) == "持平"
    assert f.gap(None) == "—"


def test_status_words_never_depend_on_colour():
    assert [f.status_word(s) for s in ("green", "yellow", "red", "none")] == [
        "绿",
        "黄",
        "红",
        "无目标",
    ]


def test_plain_numbers():
    assert f.plain(Decimal("50.00")) == "50"
    assert f.plain(Decimal("12.50")) == "12.5"
    assert f.plain(Decimal("100")) == "100"
