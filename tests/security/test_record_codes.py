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


def _code_routes():
    """Every URL pattern with a path converter, with the names of its converters."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.pattern.converters

    return list(walk(get_resolver().url_patterns))


def test_every_url_that_takes_a_code_uses_the_code_converter():
    from zhaoshang.codes import CodeConverter

    plain = [
        route
        for route, converters in _code_routes()
        for name, converter in converters.items()
        if "code" in name and not isinstance(converter, CodeConverter)
    ]
    assert plain == []


@pytest.mark.parametrize("bad", ["A/1", "50%", "KL 1", "编号#2", "?x"])
def test_a_legacy_project_with_a_bad_code_opens_from_the_list_and_gets_a_valid_code(
    client_for, personas, bad
):
    from zhaoshang.ledger.models import Project

    project = personas.projects["KL-003"]
    Project.objects.filter(pk=project.pk).update(code=bad)  # as legacy SQL would
    client = client_for("r522601")
    listing = client.get("/projects/?q=特色农产品").content.decode()
    link = f"/projects/~{bad.encode().hex()}/"
    assert link in listing
    detail = client.get(link)
    assert detail.status_code == 200 and "特色农产品精深加工项目" in detail.content.decode()
    edit = client.get(link + "edit/")
    assert edit.status_code == 200 and "新项目编号" in edit.content.decode()
    project.refresh_from_db()
    response = client.post(
        link + "edit/",
        {
            "new_code": "KL-003A",
            "name": "特色农产品精深加工项目",
            "responsible_unit": project.responsible_unit_id,
            "reason": "更正不合规的旧编号",
            "version": project.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/projects/KL-003A/"
    project.refresh_from_db()
    assert project.code == "KL-003A"
    last = project.history.order_by("-history_id").first()
    # The SQL write left no history row; the correction does (who, why, the new code).
    assert last.code == "KL-003A" and last.history_type == "~"
    assert last.history_user == personas.user("r522601")
    assert last.history_change_reason == "更正不合规的旧编号"


def test_a_corrected_code_must_itself_follow_the_rule_and_be_free(client_for, personas):
    from zhaoshang.ledger.models import Project

    project = personas.projects["KL-003"]
    Project.objects.filter(pk=project.pk).update(code="A/1")
    project.refresh_from_db()
    client = client_for("r522601")
    base = {
        "name": project.name,
        "responsible_unit": project.responsible_unit_id,
        "reason": "更正编号",
        "version": project.version,
    }
    for new_code, message in (("B/2", "「/」"), ("KL-001", "已被使用")):
        page = client.post("/projects/~412f31/edit/", {**base, "new_code": new_code})
        assert page.status_code == 200 and message in page.content.decode()
    assert Project.objects.filter(pk=project.pk, code="A/1").exists()


def test_a_valid_code_cannot_be_changed_through_the_edit_form(client_for, personas):
    project = personas.projects["KL-001"]
    page = client_for("r522601").get("/projects/KL-001/edit/")
    assert "新项目编号" not in page.content.decode()
    from zhaoshang.ledger.services import do_correct_project_code

    with pytest.raises(ValidationError, match="符合规则"):
        do_correct_project_code(project, "KL-009", actor=personas.user("r522601"), reason="x")


def test_a_legacy_unit_with_a_bad_code_opens(client_for, personas):
    Unit.objects.filter(pk=personas.unit("522601101").pk).update(code="522601/101")
    page = client_for("admin").get("/org/units/~" + b"522601/101".hex() + "/")
    assert page.status_code == 200 and "三棵树镇" in page.content.decode()


@pytest.mark.parametrize("path", ["/projects/~zz/", "/projects/~ff/", "/projects/~4/"])
def test_a_broken_escaped_code_is_not_found(client_for, personas, path):
    assert client_for("admin").get(path).status_code == 404


@pytest.mark.parametrize("uscc", ["9111/000600037341", "91110000600037341", "9111000060003734 L"])
def test_enterprise_services_refuse_a_malformed_credit_code(personas, uscc):
    from zhaoshang.ledger.services import do_create_enterprise, do_edit_enterprise

    kaili = personas.unit("522601")
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        do_create_enterprise(name="斜杠代码公司", owner_unit=kaili, uscc=uscc, actor=None)
    enterprise = personas.enterprises["广州云上文旅投资有限公司"]
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        do_edit_enterprise(
            enterprise,
            name=enterprise.name,
            uscc=uscc,
            ownership="",
            origin="",
            tags=[],
            note="",
            actor=None,
        )
    enterprise.refresh_from_db()
    assert enterprise.uscc is None


def test_api_refuses_a_malformed_credit_code(personas):
    from rest_framework.test import APIClient

    from zhaoshang.stamps import stamp

    enterprise = personas.enterprises["广州云上文旅投资有限公司"]
    client = APIClient()
    client.force_authenticate(personas.user("r522601"))
    response = client.patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"uscc": "A/1"},
        format="json",
        HTTP_IF_MATCH=f'"{stamp(enterprise)}"',
    )
    assert response.status_code == 400, response.content
    assert "统一社会信用代码" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.uscc is None
