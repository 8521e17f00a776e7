"""List exports: the visible rows of the project, enterprise and follow-up lists in the
import template's columns, as .xlsx or .csv, the user's scope only, and they import back."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.workbook.conftest import model_counts
from zhaoshang.workbook.loader import load_workbook

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_county_exports_its_projects_as_csv_that_imports_back_unchanged(
    personas, client_for, tmp_path
):
    response = client_for("r522601").get("/ledger/projects/list.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    data = _content(response)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["项目编号*", "项目名称*", "责任单位编码*"]
    codes = sorted(r[0] for r in rows[1:])
    assert codes == ["KL-001", "KL-002", "KL-003"]  # not 黎平县's LP-…
    path = tmp_path / "项目.csv"
    path.write_bytes(data)
    before = model_counts()
    result = load_workbook(path)
    assert result.errors == []
    assert result.counts["项目"].as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    assert model_counts() == before


def test_project_list_filters_apply_to_the_export(personas, client_for):
    response = client_for("admin").get("/ledger/projects/list.csv?q=KL-002")
    rows = list(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["KL-002"]


def test_enterprise_and_follow_up_lists_export_as_xlsx_in_scope(personas, client_for):
    client = client_for("r522631")
    for kind, sheet in (("enterprises", "客商"), ("follow-ups", "跟踪记录")):
        response = client.get(f"/ledger/{kind}/list.xlsx")
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(_content(response)))
        assert book.sheetnames == [sheet]
    admin = client_for("admin").get("/ledger/enterprises/list.xlsx")
    all_names = {
        r[0]
        for r in openpyxl.load_workbook(io.BytesIO(_content(admin)))["客商"].iter_rows(
            min_row=2, values_only=True
        )
    }
    county = client.get("/ledger/enterprises/list.xlsx")
    names = {
        r[0]
        for r in openpyxl.load_workbook(io.BytesIO(_content(county)))["客商"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert names < all_names


def test_unknown_list_or_format_is_not_found(personas, client_for):
    client = client_for("admin")
    assert client.get("/ledger/parks/list.csv").status_code == 404
    assert client.get("/ledger/projects/list.pdf").status_code == 404
