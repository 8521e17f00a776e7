"""The one rule for record codes (项目编号, 单位编码, 行动编码, 事项编号, 活动编码 …).

A code names a record in URLs, file names and spreadsheets, so it may hold
only characters that are safe in all three: letters, digits, Chinese
characters and ``- _ .`` (not two dots in a row, not at the start). Forms,
the workbook import, the API and the services all call :func:`code_problem`;
URLs take codes through the ``code`` path converter, which matches the same
characters, so every code the rule admits can be opened, edited and dropped.
"""

from __future__ import annotations

import re

# Letters, digits and CJK unified ideographs (with extension A) start a code;
# the same plus - _ . may follow.
_FIRST = r"0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff"
_REST = _FIRST + r"_.\-"
CODE_PATTERN = rf"[{_FIRST}][{_REST}]*"
_CODE_RE = re.compile(rf"^{CODE_PATTERN}$")
_BAD_CHAR_RE = re.compile(rf"[^{_REST}]")


def code_problem(value: str, *, label: str = "编号", max_length: int = 50) -> str | None:
    """A Chinese message saying why ``value`` cannot be a code, or None when it can."""
    if value is None or value == "":
        return f"{label}不能为空"
    if len(value) > max_length:
        return f"{label}最长 {max_length} 个字符（现为 {len(value)} 个）"
    bad = _BAD_CHAR_RE.search(value)
    if bad:
        char = bad.group()
        shown = "空格" if char.isspace() else f"「{char}」" if char.isprintable() else "控制字符"
        return f"{label}「{value}」含有不允许的字符{shown}；只能由字母、数字、汉字和 - _ . 组成"
    if not _CODE_RE.match(value):
        return f"{label}「{value}」须以字母、数字或汉字开头"
    if ".." in value:
        return f"{label}「{value}」不能含有连续的两个点"
    return None


# A code stored before the rule (legacy data, a row written by SQL) may hold a
# character a URL cannot carry as it is (``A/1``, ``50%``). Such a code travels
# as ``~`` and the hex of its UTF-8 bytes: ``~`` never starts a valid code, so
# the two forms cannot be confused, and the record can still be opened,
# corrected and dropped.
_ESCAPE = "~"
_ESCAPED_PATTERN = r"~(?:[0-9a-f]{2})+"


class CodeConverter:
    """URL converter for codes: ``<code:code>``.

    Matches exactly what :func:`code_problem` admits, plus the escaped form
    (``~412f31`` for ``A/1``) that :meth:`to_url` gives any other stored code.
    """

    regex = rf"{CODE_PATTERN}|{_ESCAPED_PATTERN}"

    def to_python(self, value: str) -> str:
        if value.startswith(_ESCAPE):
            # A malformed escape is no match (ValueError → 404), never a 500.
            return bytes.fromhex(value[1:]).decode("utf-8")
        return value

    def to_url(self, value: str) -> str:
        value = str(value)
        if _CODE_RE.match(value):
            return value
        return _ESCAPE + value.encode("utf-8").hex()
