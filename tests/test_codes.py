"""The one rule for record codes, and the URL converter that matches it."""

import re

import pytest

from zhaoshang.codes import CodeConverter, code_problem


@pytest.mark.parametrize("code", ["KL-001", "MQDH2026", "522601", "T_01", "凯里-1", "A.1", "x"])
def test_ordinary_codes_are_accepted(code):
    assert code_problem(code) is None
    assert re.fullmatch(CodeConverter.regex, code)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("A/1", "「/」"),
        ("..", "开头"),
        ("A..1", "连续的两个点"),
        ("?", "「?」"),
        ("#1", "「#」"),
        ("50%", "「%」"),
        ("A 1", "空格"),
        ("A\x001", "控制字符"),
        ("", "不能为空"),
        ("-1", "开头"),
        ("A" * 51, "最长 50 个字符"),
    ],
)
def test_unsafe_codes_are_refused_with_a_reason(code, says):
    problem = code_problem(code, label="项目编号")
    assert problem is not None and says in problem
    assert problem.startswith("项目编号")
    if ".." not in code and len(code) <= 50:
        # A URL can never carry a code the rule refuses.
        assert not re.fullmatch(CodeConverter.regex, code)
