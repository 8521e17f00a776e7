"""The empty data workbook: every sheet, starred required headers, and it loads as it is."""

import pytest
from openpyxl import load_workbook as open_book

from tests.workbook.conftest import model_counts
from zhaoshang.workbook import schema
from zhaoshang.workbook.loader import load_workbook
from zhaoshang.workbook.template import write_template


def test_template_has_every_supported_sheet_with_marked_headers(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    book = open_book(path)
    expected = [s.name for s in schema.SHEETS if s.supported]
    assert book.sheetnames == ["说明", *expected]
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
