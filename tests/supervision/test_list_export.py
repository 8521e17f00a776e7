"""The 督办事项 list exports its rows (filters, scope) in the template's columns, and imports back."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from tests.workbook.conftest import model_counts
from zhaoshang.supervision.services import create_task
from zhaoshang.workbook.loader import load_workbook

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _codes_csv(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert rows[0][0].startswith("事项编号")
    return sorted(r[0] for r in rows[1:])


def test_task_list_exports_scope_and_filters_and_imports_back(personas, client_for, task, tmp_path):
    other = create_task(
        "黎平县标准厂房招商",
        personas.unit("522631"),
        date(2026, 12, 20),
        actor=personas.user("admin"),
        assigned_on=date(2026, 11, 27),
    )
    assert _codes_csv(client_for("admin").get("/tasks/list.csv")) == sorted([task.code, other.code])
    own = client_for("r522601").get("/tasks/list.csv")
    assert own.status_code == 200 and _codes_csv(own) == [task.code]
    watched = client_for("admin").get("/tasks/list.csv?watching=on")
    assert _codes_csv(watched) == [task.code]

    response = client_for("r522601").get("/tasks/list.xlsx")
    assert response.status_code == 200
    path = tmp_path / "督办事项.xlsx"
    path.write_bytes(_content(response))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["督办事项"]
    before = model_counts()
    result = load_workbook(path)
    assert result.errors == []
    assert result.counts["督办事项"].as_dict() == {"created": 0, "updated": 0, "unchanged": 1}
    assert model_counts() == before


def test_unknown_export_format_is_not_found(personas, client_for):
    assert client_for("admin").get("/tasks/list.pdf").status_code == 404
