"""Finding 4: record codes follow one rule (zhaoshang/codes.py) in the project form,
the services and the workbook import: ``A/1``, ``..``, ``?``, ``#``, ``%`` are refused
with a Chinese message naming what is wrong, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import add_project
from zhaoshang.ledger.models import Project, Stage
from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.org.services import do_save_unit

BAD = ["A/1", "..", "?", "#", "%", "KL 1", "a..b"]


@pytest.mark.parametrize("code", BAD)
def test_project_form_refuses_the_code(client_for, personas, code):
    before = Project.objects.count()
    response = client_for("r522601").post(
        "/ledger/projects/new/",
        {
            "code": code,
            "name": "苗绣文创产业园项目",
            "responsible_unit": personas.units["522601"].pk,
            "stage": str(Stage.LEAD),
        },
    )
    assert response.status_code in (200, 400)
    assert "项目编号" in response.content.decode()
    assert Project.objects.count() == before


@pytest.mark.parametrize("code", BAD)
def test_services_refuse_a_new_record_with_the_code(personas, code):
    with pytest.raises(ValidationError, match="项目编号"):
        add_project(code, personas.unit("522601"), "测试项目", Stage.LEAD)
    with pytest.raises(ValidationError, match="单位编码"):
        do_save_unit(code, name="测试单位", kind=UnitKind.TOWNSHIP, parent=personas.unit("522601"))
    assert not Project.objects.filter(code=code).exists()
    assert not Unit.objects.filter(code=code).exists()


def test_a_legacy_project_with_a_bad_code_can_still_be_saved(personas):
    project = add_project("KL-LEGACY", personas.unit("522601"), "旧项目", Stage.LEAD)
    Project.objects.filter(pk=project.pk).update(code="KL/旧1")
    saved = add_project("KL/旧1", personas.unit("522601"), "旧项目（改名）", Stage.LEAD)
    assert saved.pk == project.pk and saved.name == "旧项目（改名）"


def test_workbook_import_names_sheet_row_and_column(personas, tmp_path):
    import openpyxl

    from zhaoshang.workbook.loader import load_workbook

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(["项目编号", "项目名称", "责任单位编码", "项目阶段"])
    sheet.append(["A/1", "斜杠项目", "522601", "在谈"])
    path = tmp_path / "codes.xlsx"
    book.save(path)
    result = load_workbook(str(path), actor=None)
    assert result.errors
    report = result.report()
    assert "项目" in report and "第2行" in report and "项目编号" in report and "「/」" in report
    assert not Project.objects.filter(code="A/1").exists()
