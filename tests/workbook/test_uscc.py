"""GB 32100-2015 check of unified social credit codes (domain.md)."""

import pytest

from zhaoshang.ledger.uscc import check_character, check_uscc, normalize_uscc

VALID = [
    "91110000600037341L",
    "9144030071526726XG",
    "91110000710926094P",
    "91310000631696382C",
    "121200004013590816",
    "91420684MA4927PJ7B",
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert check_uscc(code) is None


@pytest.mark.parametrize("code", VALID)
def test_check_character_is_recomputed(code):
    assert check_character(code[:17]) == code[17]


def test_wrong_check_character_is_named():
    message = check_uscc("91110000600037341A")
    assert "校验位应为「L」" in message


def test_wrong_length_and_letters_outside_the_alphabet():
    assert "应为 18 位" in check_uscc("9111000060003734")
    assert "「I」" in check_uscc("91110000I00037341L")
    assert "「O」" in check_uscc("9111000060003734OL")


def test_lower_case_full_width_and_spaces_are_normalised():
    assert normalize_uscc(" ９１420684ma4927pj7b ") == "91420684MA4927PJ7B"
    assert check_uscc("91420684ma4927pj7b") is None
