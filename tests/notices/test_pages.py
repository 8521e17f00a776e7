"""The review screen: reading writes nothing; 创建 writes exactly what was accepted, with
history naming the notice; only the campaign office may do it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import docx
import pytest

from zhaoshang.campaigns.models import Milestone
from zhaoshang.notices.models import Notice, NoticeTask
from zhaoshang.supervision.models import Task

NOTICE = """关于做好招商引资冲刺工作的通知

各县市人民政府，州直各有关部门：

一、目标任务。11月20日前，各地合同投资额完成年度目标的80%；12月5日前完成或超额完成年度目标任务。

二、存在问题。部分县市仍存在工作力度差距大、引进500强企业少等问题。

三、工作要求。（一）黎平县要于11月25日前报送项目清单。（二）各地每周四17时前报送本周项目进展情况。

示例州人民政府办公室
2026年11月3日
"""


def read(client, text=NOTICE, **extra):
    return client.post(
        "/notices/read/", {"campaign": extra.pop("campaign", None), "text": text, **extra}
    )


def counts():
    return (
        Notice.objects.count(),
        NoticeTask.objects.count(),
        Milestone.history.count(),
        Task.objects.count(),
    )


@pytest.fixture
def admin(client_for, personas):
    return client_for("admin")


def review_post(response) -> dict:
    """The review form as the browser would send it unchanged."""
    form = response.context
    data = {}
    for formset in (form["milestones"], form["tasks"], form["problems"], form["units"]):
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.total_form_count())
        data[f"{formset.prefix}-INITIAL_FORMS"] = "0"
        for f in formset:
            for field in f:
                value = field.value()
                if field.name == "accept":
                    if value:
                        data[field.html_name] = "on"
                elif value is not None:
                    data[field.html_name] = value.isoformat() if isinstance(value, date) else value
    notice_form = form["notice_form"]
    for field in notice_form:
        data[field.html_name] = field.value()
    return data


def test_reading_proposes_and_writes_nothing(admin, personas):
    before = counts()
    campaign = personas.campaign
    response = read(admin, campaign=campaign.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认通知内容" in page
    ms = response.context["milestones"]
    assert [(f.initial["on"], f.initial["pct"]) for f in ms] == [
        (date(2026, 11, 20), Decimal(80)),
        (date(2026, 12, 5), Decimal(100)),
    ]
    # 12-05 already has a milestone of 100 %: the page says so.
    assert "这一天已有节点 100.00%" in page
    tasks = response.context["tasks"]
    assert [f.initial["lead_unit"] for f in tasks] == ["522631", "522600"]  # 黎平县 named
    # The weekly report states no deadline: the notice's next milestone (11-20) is proposed.
    assert [f.initial["deadline"] for f in tasks] == [date(2026, 11, 25), date(2026, 11, 20)]
    assert response.context["notice_form"].initial["assigned_on"] == date(2026, 11, 3)
    assert counts() == before


def test_an_accepted_task_needs_a_deadline(admin, personas):
    data = review_post(read(admin, campaign=personas.campaign.pk))
    data["t-1-deadline"] = ""
    before = counts()
    response = admin.post("/notices/accept/", data)
    assert response.status_code == 400
    assert "督办任务须有完成时限" in response.content.decode()
    assert counts() == before and not Task.objects.exists()


def test_create_makes_exactly_what_was_accepted(admin, personas):
    campaign = personas.campaign
    response = read(admin, campaign=campaign.pk)
    data = review_post(response)
    # The office edits the first milestone (80 % → 75 %), drops the second,
    # keeps the first task with another deadline, drops the second, drops one problem.
    data["m-0-pct"] = "75"
    del data["m-1-accept"]
    data["t-0-deadline"] = "2026-11-26"
    del data["t-1-accept"]
    del data["p-1-accept"]
    response = admin.post("/notices/accept/", data)
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert response["Location"] == f"/notices/{notice.pk}/"
    assert notice.title == "关于做好招商引资冲刺工作的通知"
    assert notice.problems == ["effort_gap"]
    assert notice.units == ["各县市人民政府", "州直各有关部门"]
    assert sorted((m.on, m.pct) for m in Milestone.objects.filter(campaign=campaign)) == [
        (date(2026, 11, 15), Decimal(50)),
        (date(2026, 11, 20), Decimal(75)),
        (date(2026, 12, 5), Decimal(100)),
    ]
    (task,) = NoticeTask.objects.all()
    assert task.content == "黎平县要于11月25日前报送项目清单"
    assert task.deadline == date(2026, 11, 26)
    assert task.lead_unit.code == "522631"
    # … and it is a supervised task (督办事项), assigned on the notice's date.
    (supervised,) = Task.objects.all()
    assert supervised.code == task.task_code
    assert (supervised.source, supervised.lead_unit.code) == ("notice", "522631")
    assert (supervised.assigned_on, supervised.deadline) == (date(2026, 11, 3), date(2026, 11, 26))
    assert supervised.basis["notice"] == notice.pk
    assert supervised.campaign == campaign
    # History names the notice, with who did it.
    (row,) = Milestone.history.filter(on=date(2026, 11, 20))
    assert row.history_type == "+"
    assert row.history_user.username == "admin"
    assert "关于做好招商引资冲刺工作的通知" in row.history_change_reason
    assert f"#{notice.pk}" in row.history_change_reason
    assert task.history.get().history_change_reason == row.history_change_reason
    page = admin.get(f"/notices/{notice.pk}/").content.decode()
    assert "2026年11月20日 完成 75%" in page
    assert "黎平县要于11月25日前报送项目清单" in page


def test_a_milestone_outside_the_campaign_is_refused_with_a_message(admin, personas):
    response = read(admin, text="要加强调度。12月20日前全部完成。", campaign=personas.campaign.pk)
    (f,) = response.context["milestones"]
    assert f.initial["accept"] is False  # outside 10-20 … 12-05: not proposed for acceptance
    data = review_post(response)
    data["m-0-accept"] = "on"
    before = counts()
    response = admin.post("/notices/accept/", data)
    assert response.status_code == 400
    assert "节点日期应在行动期间" in response.content.decode()
    assert counts() == before


def test_upload_docx(admin, personas):
    document = docx.Document()
    document.add_paragraph("11月20日前完成百分之八十。")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "通知.docx"
    response = admin.post(
        "/notices/read/", {"campaign": personas.campaign.pk, "file": buffer, "text": ""}
    )
    assert response.status_code == 200
    assert [f.initial["pct"] for f in response.context["milestones"]] == [Decimal(80)]


def test_empty_notice_gets_a_message(admin, personas):
    response = read(admin, text="  ", campaign=personas.campaign.pk)
    assert "请粘贴通知全文" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("leader", 403), ("r522601", 403), ("outsider", 403)],
)
def test_only_the_campaign_office_reads_notices(client_for, personas, who, status):
    assert client_for(who).get("/notices/read/").status_code == status


def test_a_reporter_cannot_create(client_for, personas, admin):
    data = review_post(read(admin, campaign=personas.campaign.pk))
    before = counts()
    assert client_for("r522601").post("/notices/accept/", data).status_code == 403
    assert counts() == before


def test_a_lead_unit_outside_the_list_is_refused(admin, personas):
    data = review_post(read(admin, campaign=personas.campaign.pk))
    data["t-0-lead_unit"] = "522601101"  # a township: not offered
    before = counts()
    assert admin.post("/notices/accept/", data).status_code == 400
    assert counts() == before


def test_notice_pages_are_scoped(client_for, personas, admin):
    data = review_post(read(admin, campaign=personas.campaign.pk))
    admin.post("/notices/accept/", data)
    notice = Notice.objects.get()
    assert client_for("leader").get(f"/notices/{notice.pk}/").status_code == 200
    assert client_for("outsider").get(f"/notices/{notice.pk}/").status_code == 404
    assert notice.title in client_for("leader").get("/notices/").content.decode()
    assert notice.title not in client_for("outsider").get("/notices/").content.decode()
