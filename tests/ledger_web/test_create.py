"""Creating a project: Chinese validation messages, scoped choices, history of the creation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhaoshang.ledger.models import Project, Stage

from ..web.helpers import text
from .helpers import everything


def _data(personas, **changes):
    return {
        "code": "KL-NEW-001",
        "name": "苗绣文创产业园项目",
        "responsible_unit": personas.units["522601"].pk,
        "stage": str(Stage.LEAD),
        **changes,
    }


def test_create_a_lead_with_history(client_for, personas):
    enterprise = personas.enterprises["广州云上文旅投资有限公司"]
    response = client_for("r522601").post(
        "/ledger/projects/new/",
        _data(personas, investors=[enterprise.pk], planned_investment="3.5亿"),
    )
    assert response.status_code == 302
    assert response["Location"] == "/projects/KL-NEW-001/"
    project = Project.objects.get(code="KL-NEW-001")
    assert (project.stage, project.planned_investment) == (Stage.LEAD, Decimal("35000"))
    assert list(project.investors.all()) == [enterprise]
    record = project.history.get()
    assert (record.history_type, record.history_user.username, record.history_change_reason) == (
        "+",
        "r522601",
        "新建项目",
    )
    assert project.stage_events.get().stage == Stage.LEAD
    # Searchable by pinyin at once.
    found = client_for("r522601").get("/projects/?q=mxwc").context["page"].object_list
    assert [p.code for p in found] == ["KL-NEW-001"]


def test_contract_stage_needs_date_and_amount(client_for, personas):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/projects/new/", _data(personas, stage=str(Stage.CONTRACTED))
    )
    page = text(response.content.decode())
    assert "「合同投资额(万元)」：不能为空（项目阶段为合同）" in page
    assert "「合同签订日期」：不能为空（项目阶段为合同）" in page
    assert everything() == before
    response = client_for("r522601").post(
        "/ledger/projects/new/",
        _data(
            personas,
            stage=str(Stage.CONTRACTED),
            signed_on="2026-11-20",
            contract_on="2026年11月10日",
            contract_amount="8000",
        ),
    )
    assert "阶段日期不能倒退" in text(response.content.decode())
    assert everything() == before
    response = client_for("r522601").post(
        "/ledger/projects/new/",
        _data(
            personas,
            stage=str(Stage.CONTRACTED),
            signed_on="2026-11-02",
            contract_on="2026/11/10",
            contract_amount="8,000",
        ),
    )
    assert response.status_code == 302
    project = Project.objects.get(code="KL-NEW-001")
    assert (project.contract_on, project.contract_amount) == (date(2026, 11, 10), Decimal(8000))
    assert sorted(project.stage_events.values_list("stage", flat=True)) == [3, 4]


def test_code_in_use_is_refused_without_saying_whose(client_for, personas):
    before = everything()
    response = client_for("r522601").post("/ledger/projects/new/", _data(personas, code="LP-001"))
    page = text(response.content.decode())
    assert "LP-001 已被使用" in page and "黎平" not in page.split("LP-001 已被使用")[1][:30]
    assert everything() == before


def test_required_fields_and_bad_values_in_chinese(client_for, personas):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/projects/new/",
        {
            "stage": "1",
            "responsible_unit": personas.units["522601"].pk,
            "planned_investment": "abc",
        },
    )
    page = text(response.content.decode())
    assert page.count("这个字段是必填项") >= 2  # code and name
    assert "不是可识别的金额" in page
    assert everything() == before


def test_choices_are_limited_to_scope(client_for, personas):
    form = client_for("r522601").get("/ledger/projects/new/").context["form"]
    assert sorted(u.code for u in form.fields["responsible_unit"].queryset) == [
        "522601",
        "522601101",
    ]
    assert [p.name for p in form.fields["park"].queryset] == ["凯里市产业园"]
    investors = {e.name for e in form.fields["investors"].queryset}
    assert "黔东南苗岭农业发展有限公司" not in investors
    # Posting another county's enterprise id is an invalid choice, nothing written.
    before = everything()
    other = personas.enterprises["黔东南苗岭农业发展有限公司"]
    response = client_for("r522601").post(
        "/ledger/projects/new/", _data(personas, investors=[other.pk])
    )
    assert "选择一个有效的选项" in text(response.content.decode())
    assert everything() == before


def test_form_never_draws_every_enterprise(client_for, personas):
    # The investors widget draws only the chosen ones; the rest come from the search.
    html = client_for("admin").get("/ledger/projects/new/").content.decode()
    assert "华岳新能源控股集团有限公司" not in html
    html = client_for("admin").get("/projects/KL-001/edit/").content.decode()
    assert "华岳新能源控股集团有限公司" in html and "广州云上文旅投资有限公司" not in html
