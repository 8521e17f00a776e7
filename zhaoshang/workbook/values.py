"""Parsers for the values people type into workbooks (contracts/workbook.md, "Values people type").

Each parser takes what a spreadsheet cell holds (text, a number, a date, a
boolean or nothing) and returns a typed value, ``None`` for an empty cell, or
raises :class:`ValueProblem` with a Chinese message naming the value.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal


class ValueProblem(ValueError):
    """A typed value that cannot be read; the message is Chinese and names the problem."""


# Full-width forms U+FF01..U+FF5E map to ASCII by a fixed offset; the
# ideographic space and the ideographic full stop used as a decimal point too.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: " ", 0x3002: "."})

# Characters that survive str.strip() but are invisible in Excel and WPS.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]

# Excel day serials of 1950-01-01 and 2100-12-31: a bare number in that range
# in a date column is a date whose cell lost its date format.
_SERIAL_RANGE = (18264, 73415)

CENT = Decimal("0.01")
# Amount fields hold 16 digits with 2 decimals.
MAX_AMOUNT = Decimal("99999999999999.99")

_AMOUNT_UNITS = (
    ("亿元", Decimal(10000)),
    ("亿", Decimal(10000)),
    ("万元", Decimal(1)),
    ("万", Decimal(1)),
)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")

_TRUE_WORDS = {"是", "Y", "YES", "1", "√", "✓", "✔", "TRUE"}
_FALSE_WORDS = {"否", "N", "NO", "0", "×", "✗", "✘", "X", "FALSE"}


def to_half_width(text: str) -> str:
    return text.translate(_FULLWIDTH)


def clean_text(value) -> str:
    """Trim ASCII and full-width spaces (and invisible zero-width characters)."""
    if value is None:
        return ""
    return str(value).strip().strip(_INVISIBLE).strip()


def _number_words(value) -> str:
    return to_half_width(clean_text(value)).strip()


def parse_date_value(value) -> date:
    """A date from an Excel date cell, a day serial, or text such as 2026-11-05 or 2026年11月5日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1] and float(value).is_integer():
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            value = str(int(value))  # typed as 20261105
        else:
            raise ValueProblem(
                f"「{value}」不是可识别的日期（例：2026-11-05、2026/11/5、2026年11月5日）"
            )
    text = clean_text(value).translate(_FULLWIDTH).strip()
    if " " in text:
        text = text.split(" ", 1)[0]  # "2026-11-05 00:00:00"
    text = text.replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueProblem(f"「{value}」不是有效日期") from None
    raise ValueProblem(f"「{value}」不是可识别的日期（例：2026-11-05、2026/11/5、2026年11月5日）")


# A time of day after the date: 17:00, 17:00:30, 17时, 17时30分, 17点30.
_TIME_SUFFIX = re.compile(
    r"(?:^|(?<=[\d日号]))[T ]*(?P<h>\d{1,2})(?:[:：](?P<m>\d{2})(?:[:：](?P<s>\d{2}))?"
    r"|[时点](?:(?P<m2>\d{1,2})分?)?)$"
)


def parse_datetime_value(value) -> date | datetime:
    """A moment: a day and a time (``datetime``), or only a day (``date``) when no time is given.

    Accepts what :func:`parse_date_value` does, followed by a time such as
    ``17:00``, ``17:00:30``, ``17时`` or ``17时30分``; an Excel date-time cell or a
    day serial with a fraction. Midnight exactly counts as "no time given":
    that is what a cell formatted as a date holds.
    """
    if isinstance(value, datetime):
        return value.date() if value.time() == time.min else value.replace(microsecond=0)
    if isinstance(value, date):
        return value
    if isinstance(value, float) and not float(value).is_integer():
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            moment = from_excel(value)
            # Excel keeps times as fractions of a day; round off the float's noise.
            seconds = round(
                moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
            )
            day = moment.date()
            return datetime.combine(day, time.min) + timedelta(seconds=seconds)
        raise ValueProblem(f"「{value}」不是可识别的日期时间（例：2026-11-20 17:00）")
    if not isinstance(value, str):
        return parse_date_value(value)
    text = clean_text(value).translate(_FULLWIDTH).strip()
    match = _TIME_SUFFIX.search(text)
    if match is None or match.start() == 0:
        return parse_date_value(value)
    try:
        day = parse_date_value(text[: match.start()].strip())
    except ValueProblem:
        raise ValueProblem(
            f"「{value}」不是可识别的日期时间（例：2026-11-20 17:00、2026年11月20日17时）"
        ) from None
    hour = int(match.group("h"))
    minute = int(match.group("m") or match.group("m2") or 0)
    second = int(match.group("s") or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueProblem(f"「{value}」的时间不是有效时刻")
    return datetime.combine(day, time(hour, minute, second))


def parse_optional_date(value) -> date | None:
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None
    return parse_date_value(value)


def parse_amount(value) -> Decimal | None:
    """An amount in 万元: 5000, 5,000, 5000万, 1.2亿 (= 12000), full-width digits.

    The result is exact; rounding to the cent is the caller's decision (it
    warns when rounding changes the value).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"「{'TRUE' if value else 'FALSE'}」不是金额")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueProblem(f"「{value}」不是金额")
        # A cell showing 1234.56 holds the nearest binary float; six decimals
        # recover what was typed without the float's noise.
        return Decimal(repr(round(value, 6)))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, date | time):
        raise ValueProblem(f"「{value}」是日期，不是金额")
    text = _number_words(value)
    if not text:
        return None
    compact = re.sub(r"\s", "", text).replace("，", ",")
    multiplier = Decimal(1)
    for suffix, factor in _AMOUNT_UNITS:
        if compact.endswith(suffix):
            compact, multiplier = compact[: -len(suffix)], factor
            break
    if "," in compact:
        if not _GROUPED_NUMBER.match(compact):
            raise ValueProblem(f"「{value}」的千分位逗号位置不对")
        compact = compact.replace(",", "")
    if compact.endswith("元"):
        raise ValueProblem(f"「{value}」：金额以万元为单位，请填写万元数（如 5000 或 5000万）")
    if not _PLAIN_NUMBER.match(compact):
        raise ValueProblem(f"「{value}」不是可识别的金额（例：5000、5,000、5000万、1.2亿）")
    return Decimal(compact) * multiplier


def round_to_cent(amount: Decimal) -> Decimal:
    if amount.adjusted() > 20:
        # Too large to carry cents in the context's 28 digits; no amount is this
        # large, and the caller's range check reports it.
        return amount
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_integer(value) -> int | None:
    """A whole number: 3, 3.0, "３", "+3"."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"「{'TRUE' if value else 'FALSE'}」不是整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if math.isfinite(value) and float(value).is_integer():
            return int(value)
        raise ValueProblem(f"「{value}」不是整数")
    text = _number_words(value).replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"[+-]?\d+(\.0*)?", text):
        return int(Decimal(text))
    raise ValueProblem(f"「{value}」不是整数")


def parse_bool(value) -> bool | None:
    """是/否, also Y/N, 1/0, √/×, TRUE/FALSE."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _number_words(value).upper()
    if not text:
        return None
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise ValueProblem(f"「{value}」应为 是 或 否（也可填 Y/N、1/0、√/×）")


def parse_percent(value, *, percent_format: bool = False) -> Decimal | None:
    """A percentage as the number of per cent: 50, "50%", or a cell formatted as 50% (holding 0.5)."""
    if value is None:
        return None
    text_value = value
    if isinstance(value, str):
        text_value = _number_words(value).replace(" ", "")
        if not text_value:
            return None
        if text_value.endswith("%"):
            text_value = text_value[:-1]
            percent_format = False
    try:
        number = parse_amount(text_value)
    except ValueProblem:
        raise ValueProblem(f"「{value}」不是可识别的百分比（例：50 或 50%）") from None
    if number is None:
        return None
    if percent_format:
        number *= 100
    return number


def split_list(value, separators: str = ";；") -> list[str]:
    """Items of a ``;``-separated cell, trimmed, empties and repeats dropped, order kept."""
    text = clean_text(value)
    if not text:
        return []
    items: list[str] = []
    for part in re.split(f"[{re.escape(separators)}]", text):
        item = clean_text(part)
        if item and item not in items:
            items.append(item)
    return items


_TAG = re.compile(r"^(?P<name>.+?)\s*[(（]\s*(?P<year>\d{4})\s*(年)?\s*[)）]$")


def parse_tag(text: str) -> tuple[str, int | None]:
    """An honour tag ``名称(年份)``, ``名称（年份）`` or just ``名称``."""
    text = clean_text(text)
    match = _TAG.match(text) if text else None
    if match:
        year = int(to_half_width(match.group("year")))
        if not 1900 <= year <= 2100:
            raise ValueProblem(f"荣誉标签「{text}」的年份 {year} 不合理")
        return clean_text(match.group("name")), year
    if re.search(r"[(（)）]", text):
        raise ValueProblem(f"荣誉标签「{text}」应写作 名称(年份)，如 中国民营企业500强(2025)")
    return text, None
