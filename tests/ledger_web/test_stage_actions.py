"""Stage changes as actions: 推进到合同 with the day and the amount, going back with a reason,
dropping with a day and a reason, restoring; each leaves history, each answers htmx with
the refreshed project and plain posts with a redirect."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from zhaoshang.ledger.models import Project, Stage, StageEvent

from ..web.helpers import text
from .conftest import PDF, pdf
from .helpers import everything

HX = {"HX-Request": "true"}


def _post(client, url, data, htmx=True):
    return client.post(url, data, headers=HX if htmx else {})


def test_advance_to_contract_needs_amount_and_day(client_for, personas):
    project = personas.projects["LP-002"]  # 签约 on 2026-11-18, no contract amount
    client = client_for("r522631")
    form = client.get(f"/ledger/projects/LP-002/stage/{Stage.CONTRACTED}/", headers=HX)
    html = form.content.decode()
    assert "<html" not in html
    assert "推进到合同" in html and 'name="contract_amount"' in html
    before = everything()
    response = _post(
        client,
        f"/ledger/projects/LP-002/stage/{Stage.CONTRACTED}/",
        {"on": "2026-11-26", "version": project.version},
    )
    page = text(response.content.decode())
    assert "这个字段是必填项" in page  # the contract amount
    assert everything() == before

    response = _post(
        client,
        f"/ledger/projects/LP-002/stage/{Stage.CONTRACTED}/",
        {
            "on": "2026年11月26日",
            "contract_amount": "2.5亿",
            "evidence": "合同编号 LP-2026-018",
            "version": project.version,
        },
    )
    assert response.status_code == 200
    # htmx: the project's body is swapped in place, with a message in words.
    assert response["HX-Retarget"] == "#project-main"
    page = text(response.content.decode())
    assert "已推进到合同" in page
    project.refresh_from_db()
    assert (project.stage, project.contract_on, project.contract_amount) == (
        Stage.CONTRACTED,
        date(2026, 11, 26),
        Decimal("25000"),
    )
    event = project.stage_events.get(stage=Stage.CONTRACTED)
    assert (event.on, event.recorded_by.username, event.evidence) == (
        date(2026, 11, 26),
        "r522631",
        "合同编号 LP-2026-018",
    )
    record = project.history.order_by("-history_date", "-history_id").first()
    assert record.history_user.username == "r522631"
    assert record.history_change_reason == "推进到合同"
    assert re.search(r"合同投资额\(万元\) ： — → 25,000(?![.\d])", page)
    assert "项目阶段 ： 签约 → 合同" in page


def test_stage_day_cannot_be_before_the_previous_stage(client_for, personas):
    project = personas.projects["LP-002"]
    before = everything()
    response = _post(
        client_for("r522631"),
        f"/ledger/projects/LP-002/stage/{Stage.CONTRACTED}/",
        {"on": "2026-11-01", "contract_amount": "100", "version": project.version},
    )
    assert "阶段日期不能倒退" in response.content.decode()
    assert everything() == before


def test_going_back_needs_a_reason(client_for, personas):
    project = personas.projects["KL-001"]
    client = client_for("r522601")
    url = f"/ledger/projects/KL-001/stage/{Stage.NEGOTIATING}/"
    assert "退回原因" in client.get(url, headers=HX).content.decode()
    before = everything()
    response = _post(client, url, {"on": "2026-11-27", "version": project.version})
    assert "这个字段是必填项" in response.content.decode()
    assert everything() == before
    response = _post(
        client, url, {"on": "2026-11-27", "reason": "合同被解除", "version": project.version}
    )
    assert "已退回到洽谈" in text(response.content.decode())
    project.refresh_from_db()
    assert (project.stage, project.contract_on, project.signed_on) == (
        Stage.NEGOTIATING,
        None,
        None,
    )
    event = project.stage_events.order_by("-pk").first()
    assert (event.stage, event.reason) == (Stage.NEGOTIATING, "合同被解除")
    assert project.history.first().history_change_reason == "合同被解除"


def test_drop_needs_day_and_reason_then_restore(client_for, personas):
    project = personas.projects["KL-003"]
    client = client_for("r522601")
    before = everything()
    response = _post(client, "/ledger/projects/KL-003/drop/", {"version": project.version})
    page = response.content.decode()
    assert page.count("这个字段是必填项") == 2
    assert everything() == before

    response = _post(
        client,
        "/ledger/projects/KL-003/drop/",
        {"on": "2026-11-20", "reason": "企业转投外省", "version": project.version},
    )
    assert "项目已终止" in text(response.content.decode())
    project.refresh_from_db()
    assert (project.status, project.dropped_on, project.drop_reason) == (
        "dropped",
        date(2026, 11, 20),
        "企业转投外省",
    )
    # A dropped project offers no stage change, only 恢复.
    detail = client.get("/projects/KL-003/").content.decode()
    assert "推进到" not in detail and "恢复项目" in detail
    assert client.get(f"/ledger/projects/KL-003/stage/{Stage.SIGNED}/").status_code == 404

    response = _post(
        client,
        "/ledger/projects/KL-003/restore/",
        {"reason": "企业回心转意", "version": project.version},
    )
    assert "项目已恢复" in text(response.content.decode())
    project.refresh_from_db()
    assert (project.status, project.dropped_on) == ("active", None)
    assert project.history.first().history_change_reason == "企业回心转意"


def test_plain_post_redirects_to_the_project_with_a_message(client_for, personas):
    project = personas.projects["KL-001"]
    response = client_for("r522601").post(
        f"/ledger/projects/KL-001/stage/{Stage.STARTED}/",
        {"on": "2026-11-26", "version": project.version},
        follow=True,
    )
    assert response.redirect_chain == [("/projects/KL-001/", 302)]
    assert "已推进到开工" in text(response.content.decode())


def test_plain_get_of_an_action_is_a_page_of_its_own(client_for):
    response = client_for("r522601").get(f"/ledger/projects/KL-001/stage/{Stage.STARTED}/")
    html = response.content.decode()
    assert "<html" in html and "推进到开工" in html


def test_stage_change_with_evidence_file(client_for, personas):
    project = personas.projects["KL-001"]
    client = client_for("r522601")
    response = client.post(
        f"/ledger/projects/KL-001/stage/{Stage.STARTED}/",
        {"on": "2026-11-26", "version": project.version, "evidence_file": pdf("开工照片.pdf")},
        headers=HX,
    )
    assert "已推进到开工" in text(response.content.decode())
    event = StageEvent.objects.get(project=project, stage=Stage.STARTED)
    # Stored under a random name; the uploaded name is never a path.
    assert "开工照片" not in event.evidence_file.name
    download = client.get(f"/ledger/projects/KL-001/events/{event.pk}/evidence/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Another county cannot fetch it, even knowing the address.
    other = client_for("r522631").get(f"/ledger/projects/KL-001/events/{event.pk}/evidence/")
    assert other.status_code == 404


def test_stale_stage_action_is_refused_and_shows_what_changed(client_for, personas):
    project = personas.projects["KL-001"]
    opened_version = project.version
    # The prefecture office corrects the amount while the reporter's form is open.
    client_for("admin").post(
        "/projects/KL-001/edit/",
        {
            "name": project.name,
            "responsible_unit": project.responsible_unit_id,
            "person": project.person_id,
            "investors": [e.pk for e in project.investors.all()],
            "park": project.park_id,
            "is_industrial": "on",
            "is_key": "on",
            "planned_investment": "50000",
            "contract_amount": "32000",
            "reason": "州招商办核实合同",
            "version": opened_version,
        },
    )
    before = everything()
    response = _post(
        client_for("r522601"),
        f"/ledger/projects/KL-001/stage/{Stage.STARTED}/",
        {"on": "2026-11-26", "version": opened_version},
    )
    page = text(response.content.decode())
    assert "已被他人修改，您的修改未保存" in page
    assert "州招商办管理员 修改（州招商办核实合同）" in page
    assert re.search(r"合同投资额\(万元\) ： 30,000 → 32,000(?![.\d])", page)
    assert everything() == before
    assert Project.objects.get(code="KL-001").stage == Stage.CONTRACTED


def test_timeline_shows_days_in_each_stage(client_for, personas):
    # KL-002: 签约 11-10, 合同 11-20, 开工 11-25; today is after that.
    from django.utils import timezone

    response = client_for("r522601").get("/projects/KL-002/")
    steps = response.context["timeline"]
    assert [(s.event.get_stage_display(), s.days) for s in steps[:2]] == [("签约", 10), ("合同", 5)]
    assert steps[-1].current
    assert steps[-1].days == (timezone.localdate() - date(2026, 11, 25)).days
    page = text(response.content.decode())
    assert "2026年11月10日 签约 历时 10 天" in page
    assert "2026年11月20日 合同 历时 5 天" in page
    assert "2026年11月25日 开工 至今" in page


def test_read_only_leader_sees_no_action_buttons(client_for):
    html = client_for("leader").get("/projects/KL-001/").content.decode()
    assert "推进到" not in html and "终止项目" not in html and "录入到位资金" not in html
