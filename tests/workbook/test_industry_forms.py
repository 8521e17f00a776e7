"""所属行业 in every form of contracts/workbook.md, and the letter that does not own the division."""

import pytest

from tests.workbook.conftest import base_sheets, model_counts, set_cell
from zhaoshang.ledger.models import Project
from zhaoshang.workbook.loader import load_workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("C", "C"),
        ("c", "C"),
        ("34", "34"),
        (34, "34"),
        ("C34", "34"),
        ("c34", "34"),
        ("Ｃ３４", "34"),
        ("C34 通用设备制造业", "34"),
        ("C34通用设备制造业", "34"),
        ("34 通用设备制造业", "34"),
        ("C 制造业", "C"),
        ("通用设备制造业", "34"),
        ("制造业", "C"),
        ("C34 制造业", "34"),
    ],
)
def test_every_written_form_of_an_industry_is_accepted(make_book, typed, code):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "所属行业", typed)
    result = load_workbook(make_book(sheets))
    assert result.errors == []
    assert Project.objects.get(code="P-01").industry.code == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "A34",
            "「A34」：大类 34（通用设备制造业）属于门类 C（制造业），不属于门类 A",
        ),
        (
            "A34 通用设备制造业",
            "「A34 通用设备制造业」：大类 34（通用设备制造业）属于门类 C（制造业），不属于门类 A",
        ),
        ("C34 农业", "「C34 农业」：代码 C34 是「通用设备制造业」，与所填名称「农业」不符"),
        ("C99", "「C99」：99 不是 GB/T 4754-2017 的大类代码"),
    ],
)
def test_a_contradictory_industry_is_an_error_naming_the_cell(make_book, typed, message):
    sheets = base_sheets()
    set_cell(sheets, "项目", 3, "所属行业", typed)
    before = model_counts()
    result = load_workbook(make_book(sheets))
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"工作表「项目」第3行「所属行业」：{message}")
    assert model_counts() == before
