"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Some codes issued in early pilot regions fail the check character although
they are real, so a failed check is reported as a warning by the callers and
never blocks a record. A code of the wrong length or with characters outside
the code alphabet cannot be a USCC at all (it is usually an old business
registration number typed into the wrong column).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)  # 31
_WEIGHTS = [pow(3, i, _MODULUS) for i in range(LENGTH - 1)]

# Full-width letters and digits come in from Chinese input methods.
_TO_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def normalize_uscc(text: str) -> str:
    """Upper case, half-width, no spaces: the form the code is stored in."""
    return "".join(str(text).translate(_TO_HALF_WIDTH).split()).upper()


def check_character(code17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[char] * weight for char, weight in zip(code17, _WEIGHTS, strict=True))
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def uscc_format_problem(code: str) -> str | None:
    """Why ``code`` cannot be a USCC at all (length, alphabet), else None."""
    if len(code) != LENGTH:
        return f"统一社会信用代码「{code}」应为 18 位，实为 {len(code)} 位"
    wrong = sorted({char for char in code if char not in _VALUE})
    if wrong:
        listed = "、".join(f"「{char}」" for char in wrong)
        return f"统一社会信用代码「{code}」含有不允许的字符{listed}（代码中不使用 I、O、S、V、Z）"
    return None


def check_uscc(code: str) -> str | None:
    """None when ``code`` is a valid USCC, else a Chinese message saying what is wrong."""
    code = normalize_uscc(code)
    problem = uscc_format_problem(code)
    if problem:
        return problem
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码「{code}」校验位应为「{expected}」，请核对（早期试点地区的部分代码确实不符合校验规则）"
    return None
