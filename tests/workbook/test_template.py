"""The empty data workbook: every sheet, starred required headers, and it loads as it is."""

import pytest
from openpyxl import load_workbook as open_book

from tests.workbook.conftest import model_counts
from zhaoshang.workbook import schema
from zhaoshang.workbook.loader import load_workbook
from zhaoshang.workbook.template import EXAMPLES, write_template


def test_template_has_every_supported_sheet_with_marked_headers(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    book = open_book(path)
    expected = [s.name for s in schema.SHEETS if s.supported]
    examples = [f"示例-{name}" for name in expected if name in EXAMPLES]
    assert book.sheetnames == ["说明", *expected, *examples]
    projects = book["项目"]
    headers = [c.value for c in projects[1]]
    assert headers[:3] == ["项目编号*", "项目名称*", "责任单位编码*"]
    assert "配合单位编码" in headers and "项目阶段*" in headers
    assert projects["A1"].font.bold and projects.freeze_panes == "A2"
    for sheet in schema.SHEETS:
        if sheet.supported:
            names = [str(c.value).rstrip("*") for c in book[sheet.name][1]]
            assert names == list(sheet.column_names)
    assert "主键" in "".join(str(c.value) for c in book["说明"]["A"])


@pytest.mark.django_db
def test_the_empty_template_loads_without_errors_or_warnings(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    before = model_counts()
    result = load_workbook(path)
    assert (result.errors, result.warnings) == ([], [])
    assert model_counts() == before
    assert all(
        c.as_dict() == {"created": 0, "updated": 0, "unchanged": 0} for c in result.counts.values()
    )


def test_template_sheets_come_with_example_rows_that_load(tmp_path):
    path = write_template(tmp_path / "模板.xlsx", sheets=["项目"])
    book = open_book(path)
    assert book.sheetnames == ["说明", "项目", "示例-项目"]
    example = book["示例-项目"]
    assert [c.value for c in example[1]] == [c.value for c in book["项目"][1]]
    assert example["A2"].value == "KL-2026-001"


@pytest.mark.django_db
def test_template_for_a_county_offers_its_units_parks_and_industries(personas, tmp_path):
    from zhaoshang.org.scope import scope_of

    user = personas.user("r522601")
    path = write_template(tmp_path / "模板.xlsx", sheets=["项目"], scope=scope_of(user))
    book = open_book(path)
    assert book.sheetnames == ["说明", "项目", "示例-项目", "_lists"]
    lists = book["_lists"]
    assert lists.sheet_state == "hidden"
    units = [c.value for c in lists["A"][1:] if c.value]
    assert units == ["522601", "522601101"]  # 凯里市 and its town, not 黎平县
    parks = [c.value for c in lists["C"][1:] if c.value]
    assert parks == ["凯里市产业园"]
    industries = [c.value for c in lists["D"][1:] if c.value]
    assert "C34 通用设备制造业" in industries
    header = [str(c.value).rstrip("*") for c in book["项目"][1]]
    formulas = {}
    for validation in book["项目"].data_validations.dataValidation:
        column = header[next(iter(validation.sqref.ranges)).min_col - 1]
        formulas[column] = validation.formula1
    assert formulas["责任单位编码"] == "'_lists'!$A$2:$A$3"
    assert formulas["所在园区"] == "'_lists'!$C$2:$C$2"
    assert formulas["所属行业"].startswith("'_lists'!$D$2:$D$")
    assert formulas["项目阶段"] == '"线索,洽谈,签约,合同,开工,投产"'
    assert formulas["是否工业项目"] == '"是,否"'
    # And the filled-in template, examples sheet and list sheet included, loads cleanly.
    result = load_workbook(path)
    assert (result.errors, result.warnings) == ([], [])
