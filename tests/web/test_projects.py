"""Project ledger pages: scoped list and filters, detail, the edit form and its history."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from zhaoshang.ledger.models import Project, Stage
from zhaoshang.ledger.services import ProjectData, do_save_project

from .helpers import edit_payload, ledger_snapshot, text


def _codes(response) -> list[str]:
    return [p.code for p in response.context["page"].object_list]


# ------------------------------------------------------------------ list


def test_county_reporter_lists_only_own_subtree(client_for):
    response = client_for("r522601").get("/projects/")
    # KL-003 belongs to 三棵树镇, a township of 凯里市.
    assert _codes(response) == ["KL-001", "KL-002", "KL-003"]
    page = text(response.content.decode())
    assert "黎平县" not in page and "LP-001" not in page and "KF-001" not in page


def test_other_county_reporter_lists_only_theirs(client_for):
    assert _codes(client_for("r522631").get("/projects/")) == ["LP-001", "LP-002", "LP-003"]


def test_prefecture_lists_everything(client_for):
    response = client_for("leader").get("/projects/")
    assert sorted(_codes(response)) == sorted(
        ["KL-001", "KL-002", "KL-003", "LP-001", "LP-002", "LP-003", "KF-001", "TC-001"]
    )


def test_outsider_lists_nothing(client_for):
    response = client_for("outsider").get("/projects/")
    assert _codes(response) == []
    assert "没有符合条件的项目" in response.content.decode()


def test_totals_row_sums_the_filtered_set(client_for):
    # 30000 + 11000 + 9000 + 5000 + 30000 (every contract amount in the ledger)
    page = text(client_for("admin").get("/projects/").content.decode())
    assert re.search(r"合计（筛选结果全部 8 个项目） 85,000(?![.\d])", page)
    page = text(client_for("r522601").get("/projects/").content.decode())
    assert re.search(r"合计（筛选结果全部 3 个项目） 41,000(?![.\d])", page)
    page = text(client_for("admin").get("/projects/?unit=522631").content.decode())
    assert re.search(r"合计（筛选结果全部 3 个项目） 14,000(?![.\d])", page)


def test_unit_filter_takes_the_whole_subtree(client_for):
    assert _codes(client_for("admin").get("/projects/?unit=522601")) == [
        "KL-001",
        "KL-002",
        "KL-003",
    ]
    assert _codes(client_for("admin").get("/projects/?unit=522601101")) == ["KL-003"]


def test_county_cannot_filter_on_another_county(client_for):
    response = client_for("r522601").get("/projects/?unit=522631")
    assert response.status_code == 200
    assert _codes(response) == []
    assert "筛选条件有误" in response.content.decode()


def test_unit_filter_offers_only_visible_units(client_for):
    html = client_for("r522601").get("/projects/").content.decode()
    select = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
    assert "凯里市" in select and "三棵树镇" in select
    assert "黎平县" not in select and "黔东南州" not in select


def test_stage_status_and_text_filters(client_for, personas):
    client = client_for("admin")
    # Listed by unit code: 522600-TC (the bureau) before 522601101 (the township).
    assert _codes(client.get(f"/projects/?stage={Stage.NEGOTIATING}")) == ["TC-001", "KL-003"]
    assert _codes(client.get("/projects/?q=加工")) == ["KL-003", "LP-001", "LP-003"]
    assert _codes(client.get("/projects/?q=kf-0")) == ["KF-001"]
    assert _codes(client.get("/projects/?status=dropped")) == []


def test_list_pages_by_fifty(client_for, personas):
    kaili = personas.units["522601"]
    for i in range(55):
        do_save_project(
            f"KLX-{i:03d}",
            ProjectData(name=f"储备项目{i}", responsible_unit=kaili, stage=Stage.LEAD),
        )
    client = client_for("r522601")
    first = client.get("/projects/")
    assert len(first.context["page"].object_list) == 50
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get("/projects/?page=2")
    assert len(second.context["page"].object_list) == 8


def test_htmx_filter_returns_only_the_table(client_for):
    response = client_for("admin").get("/projects/?unit=522640", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "KF-001" in html and "KL-001" not in html


# ------------------------------------------------------------------ detail


def test_detail_shows_all_parts(client_for):
    page = text(client_for("r522601").get("/projects/KL-001/").content.decode())
    for phrase in (
        "新能源电池材料生产线项目",
        "凯里市",
        "王明",
        "凯里市产业园",
        "30,000 万元",
        "2026年11月5日",
        # investor with its honour tag
        "华岳新能源控股集团有限公司",
        "91110000600037341L",
        "中国民营企业500强(2025)",
        # stage timeline
        "2026年10月25日 签约",
        "2026年11月5日 合同",
        # funds
        "5,000",
        "首期到位",
        # history
        "变更记录",
        "创建",
    ):
        assert phrase in page, phrase


def test_detail_lists_cooperating_units_and_follow_ups(client_for):
    page = text(client_for("r522601").get("/projects/KL-002/").content.decode())
    assert "配合单位 州投资促进局" in page
    assert "与投资方商定二期用地" in page


def test_detail_offers_edit_only_to_editors(client_for):
    assert (
        "/projects/KL-001/edit/" in client_for("r522601").get("/projects/KL-001/").content.decode()
    )
    assert (
        "/projects/KL-001/edit/"
        not in client_for("leader").get("/projects/KL-001/").content.decode()
    )


# ------------------------------------------------------------------ edit


def test_edit_writes_through_the_service_with_history(client_for, personas):
    project = personas.projects["KL-001"]
    reporter = personas.users["r522601"]
    response = client_for("r522601").post(
        "/projects/KL-001/edit/",
        edit_payload(project, contract_amount="32000.00", reason="根据正式合同更正投资额"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.contract_amount == Decimal("32000.00")
    assert project.version == 2

    record = project.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == reporter
    assert record.history_change_reason == "根据正式合同更正投资额"
    delta = record.diff_against(record.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "contract_amount"] == [
        ("contract_amount", Decimal("30000.00"), Decimal("32000.00")),
    ]

    # And the page says the same: who, reason, before → after.
    page = text(client_for("leader").get("/projects/KL-001/").content.decode())
    assert "凯里市填报员 修改 合同投资额(万元) ： 30,000 → 32,000 根据正式合同更正投资额" in page


def test_edit_keeps_out_of_scope_cooperating_unit(client_for, personas):
    # 州投资促进局 cooperates on KL-002; the 凯里市 reporter cannot see it, yet must not drop it.
    project = personas.projects["KL-002"]
    client_for("r522601").post("/projects/KL-002/edit/", edit_payload(project, note="补充"))
    assert list(project.cooperating_units.values_list("code", flat=True)) == ["522600-TC"]


def test_edit_form_offers_only_units_in_scope(client_for):
    form = client_for("r522601").get("/projects/KL-001/edit/").context["form"]
    assert sorted(u.code for u in form.fields["responsible_unit"].queryset) == [
        "522601",
        "522601101",
    ]
    assert "黎平县工业园区" not in [p.name for p in form.fields["park"].queryset]


def test_edit_cannot_move_a_project_out_of_scope(client_for, personas):
    project = personas.projects["KL-001"]
    before = ledger_snapshot()
    response = client_for("r522601").post(
        "/projects/KL-001/edit/",
        edit_payload(project, responsible_unit=personas.units["522631"].pk),
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert ledger_snapshot() == before


def test_edit_validation_errors_are_chinese_and_write_nothing(client_for, personas):
    project = personas.projects["KL-001"]
    before = ledger_snapshot()
    response = client_for("r522601").post(
        "/projects/KL-001/edit/",
        edit_payload(project, contract_amount="", reason=""),
    )
    html = text(response.content.decode())
    assert response.status_code == 200
    assert "这个字段是必填项" in html  # the change reason
    response = client_for("r522601").post(
        "/projects/KL-001/edit/",
        edit_payload(project, contract_amount=""),
    )
    html = text(response.content.decode())
    assert "未能保存" in html
    assert "「合同投资额(万元)」：不能为空" in html
    assert ledger_snapshot() == before


def test_edit_refuses_a_stale_version(client_for, personas):
    project = personas.projects["KL-001"]
    stale = edit_payload(project, contract_amount="31000.00", reason="我的修改")
    # Meanwhile the prefecture office changes the project (version 1 → 2).
    do_save_project(
        "KL-001",
        ProjectData(
            name=project.name,
            responsible_unit=project.responsible_unit,
            stage=project.stage,
            contract_amount=Decimal("35000"),
            investors=list(project.investors.all()),
            park=project.park,
            is_industrial=True,
            person=project.person,
            is_key=True,
            planned_investment=project.planned_investment,
            stage_dates={Stage.SIGNED: date(2026, 10, 25), Stage.CONTRACTED: date(2026, 11, 5)},
        ),
        actor=personas.users["admin"],
        reason="州招商办核实",
    )
    history_before = project.history.count()
    response = client_for("r522601").post("/projects/KL-001/edit/", stale)
    assert response.status_code == 200
    assert "已被他人修改，您的修改未保存" in response.content.decode()
    project.refresh_from_db()
    assert project.contract_amount == Decimal("35000")
    assert project.history.count() == history_before


def test_unchanged_save_leaves_no_history_row(client_for, personas):
    project = personas.projects["LP-001"]
    before = project.history.count()
    response = client_for("r522631").post("/projects/LP-001/edit/", edit_payload(project))
    assert response.status_code == 302
    assert project.history.count() == before
    assert Project.objects.get(code="LP-001").version == project.version


def test_history_names_the_system_for_writes_without_a_user(client_for):
    page = text(client_for("admin").get("/projects/LP-001/").content.decode())
    assert "系统 创建" in page
    assert get_user_model().objects.filter(username="系统").count() == 0
