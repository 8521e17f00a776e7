"""How a person reads dates and amounts, the same on pages, in Word, in Excel and in the terminal.

Machine formats (the ``--json`` outputs, the data workbook) keep ISO dates and plain
decimals; everything here is for reading: 2026年11月27日 or 11月27日, 41,000 万元
without ".00" where the amount is whole, 4.1 亿元 in headlines.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)


def _as_date(value) -> date | datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value


def cn_date(value, *, with_time: bool = False) -> str:
    """2026年11月27日 (and 17:00 with ``with_time``); — for no date. Takes ISO text too."""
    day = _as_date(value)
    if day is None:
        return "—"
    text = f"{day.year}年{day.month}月{day.day}日"
    if with_time and isinstance(day, datetime):
        text += f" {day:%H:%M}"
    return text


def cn_month_day(value) -> str:
    """11月27日, for a date within the year being reported on."""
    day = _as_date(value)
    if day is None:
        return "—"
    return f"{day.month}月{day.day}日"


def cn_short_date(value, year: int) -> str:
    """11月27日 within ``year``, 2025年11月27日 outside it (table columns stay narrow)."""
    day = _as_date(value)
    if day is None:
        return "—"
    return cn_month_day(day) if day.year == year else cn_date(day)


def amount(value, places: int = 2) -> str:
    """41,000 / 12,345.50: thousands separators, the decimals only when there are any."""
    if value in (None, ""):
        return "—"
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return f"{value.to_integral_value():,}"
    return f"{value:,}"


def wan(value) -> str:
    """An amount in 万元 with its unit: 41,000 万元."""
    return "—" if value in (None, "") else f"{amount(value)} 万元"


def big_amount(value) -> str:
    """A headline amount: 亿元 from 1 亿 (10,000 万元) up, else 万元: 4.1 亿元, 9,000 万元."""
    if value in (None, ""):
        return "—"
    value = Decimal(str(value))
    if abs(value) >= TEN_THOUSAND:
        return f"{amount(value / TEN_THOUSAND)} 亿元"
    return f"{amount(value)} 万元"


def file_size(size: int) -> str:
    """12.3 KB / 1.5 MB, as a file manager shows it."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
