"""Parsers for the values people type into workbooks (contracts/workbook.md, "Values people type")."""

from __future__ import annotations

import re
from datetime import date, datetime


class ValueProblem(ValueError):
    """A typed value that cannot be read; the message is Chinese and names the problem."""


_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，－／：　", "0123456789.,-/: ",
)

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
]


def clean_text(value) -> str:
    """Trim ASCII and full-width spaces."""
    if value is None:
        return ""
    return str(value).strip().strip("\u3000").strip()


def parse_date_value(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value).translate(_FULLWIDTH).strip()
    if " " in text:
        text = text.split(" ", 1)[0]  # "2026-11-05 00:00:00"
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueProblem(f"「{value}」不是有效日期") from None
    raise ValueProblem(f"「{value}」不是可识别的日期（例：2026-11-05、2026/11/5、2026年11月5日）")
