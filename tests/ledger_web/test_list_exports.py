"""List exports: the visible rows of the project, enterprise and follow-up lists in the
import template's columns, as .xlsx or .csv, the user's scope only, and they import back."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

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


def test_a_user_of_two_units_exports_exactly_the_union_of_both_subtrees(
    personas, client_for, tmp_path
):
    """凯里市 (with its 三棵树镇) and 黎平县: no 开发区, no 州投资促进局, nothing missing."""
    from zhaoshang.ledger.models import Project
    from zhaoshang.org.models import Membership, Role
    from zhaoshang.org.scope import scope_of
    from zhaoshang.workbook.export import export_workbook

    user = personas.users["r522601"]
    Membership.objects.create(user=user, unit=personas.unit("522631"), role=Role.REPORTER)
    expected = sorted(
        Project.objects.filter(
            responsible_unit__code__in=["522601", "522601101", "522631"]
        ).values_list("code", flat=True)
    )
    assert expected == ["KL-001", "KL-002", "KL-003", "LP-001", "LP-002", "LP-003"]

    response = client_for("r522601").get("/ledger/projects/list.csv")
    rows = list(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == expected

    follow_ups = client_for("r522601").get("/ledger/follow-ups/list.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(_content(follow_ups)))["跟踪记录"]
    header = [c.value for c in sheet[1]]
    column = next(i for i, name in enumerate(header) if name.startswith("项目编号"))
    exported = {r[column] for r in sheet.iter_rows(min_row=2, values_only=True) if r[column]}
    assert exported and exported <= set(expected)

    path = tmp_path / "两个单位.xlsx"
    counts = export_workbook(path, scope_of(user))
    assert counts["项目"] == len(expected)
    book = openpyxl.load_workbook(path)
    codes = sorted(r[0] for r in book["项目"].iter_rows(min_row=2, values_only=True) if r[0])
    assert codes == expected


def test_funds_list_shows_and_exports_the_visible_entries_and_imports_back(
    personas, client_for, tmp_path
):
    from zhaoshang.ledger.services import do_record_funds

    do_record_funds(personas.projects["LP-001"], date(2026, 11, 25), Decimal("800"))
    page = client_for("r522601").get("/ledger/funds/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "KL-001" in text and "LP-001" not in text
    assert "共 1 笔，合计 5,000" in text or "共 1 笔，合计 5000" in text

    admin = client_for("admin")
    rows = list(
        csv.reader(io.StringIO(_content(admin.get("/ledger/funds/list.csv")).decode("utf-8-sig")))
    )
    assert rows[0][:3] == ["项目编号*", "日期*", "金额(万元)*"]
    assert sorted(r[0] for r in rows[1:]) == ["KL-001", "LP-001"]
    only = admin.get("/ledger/funds/list.csv?unit=522631")
    rows = list(csv.reader(io.StringIO(_content(only).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["LP-001"]

    own = client_for("r522601").get("/ledger/funds/list.xlsx")
    path = tmp_path / "到位资金.xlsx"
    path.write_bytes(_content(own))
    book = openpyxl.load_workbook(path)
    assert [r[0] for r in book["到位资金"].iter_rows(min_row=2, values_only=True)] == ["KL-001"]
    before = model_counts()
    result = load_workbook(path)
    assert result.errors == []
    assert result.counts["到位资金"].as_dict() == {"created": 0, "updated": 0, "unchanged": 1}
    assert model_counts() == before
