"""Task pages per persona: the list and a task in scope only, the flow buttons, creating
by hand, from a meeting and from a bulletin's flagged diagnosis; home and bulletin."""

from datetime import date

import pytest

from zhaoshang.supervision.models import Source, State, StepKind, Task
from zhaoshang.supervision.services import create_task

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_tasks_in_scope(client_for, task):
    assert task.code in client_for("admin").get("/tasks/").content.decode()
    assert task.code in client_for("leader").get("/tasks/").content.decode()
    assert task.code in client_for("r522601").get("/tasks/").content.decode()
    other = client_for("r522631").get("/tasks/")
    assert other.status_code == 200 and task.code not in other.content.decode()


def test_a_task_out_of_scope_is_404(client_for, task):
    assert client_for("r522631").get(f"/tasks/{task.code}/").status_code == 404
    assert client_for("r522631").post(f"/tasks/{task.code}/step/sign/").status_code == 404
    assert Task.objects.get(pk=task.pk).state == State.ASSIGNED


def test_flow_through_the_buttons(client_for, task):
    county, office = client_for("r522601"), client_for("admin")
    page = county.get(f"/tasks/{task.code}/").content.decode()
    assert "/step/sign/" in page and 'id="review-form"' not in page
    county.post(f"/tasks/{task.code}/step/sign/")
    county.post(f"/tasks/{task.code}/step/progress/", {"note": "已完成测绘"})
    county.post(f"/tasks/{task.code}/step/feedback/", {"note": "预审已上报"})
    assert Task.objects.get(pk=task.pk).state == State.FEEDBACK
    # the lead unit cannot review its own feedback
    assert (
        county.post(f"/tasks/{task.code}/step/review/", {"decision": "accept"}).status_code == 403
    )
    response = office.post(f"/tasks/{task.code}/step/review/", {"decision": "return"})
    assert "退回须写明原因" in office.get(response.url).content.decode()
    office.post(f"/tasks/{task.code}/step/review/", {"decision": "accept", "reason": "同意"})
    done = Task.objects.get(pk=task.pk)
    assert done.state == State.CLOSED and done.closed_on is not None
    page = office.get(f"/tasks/{task.code}/").content.decode()
    for word in ("交办", "签收", "办理进展", "反馈", "复核通过，办结销号", "已完成测绘"):
        assert word in page


def test_the_leader_reads_and_gets_no_buttons(client_for, task):
    leader = client_for("leader")
    page = leader.get(f"/tasks/{task.code}/").content.decode()
    assert task.content in page and 'action="/tasks/' not in page
    assert leader.post(f"/tasks/{task.code}/step/sign/").status_code == 403


def test_create_by_hand(client_for, personas):
    response = client_for("admin").post(
        "/tasks/new/?source=instruction",
        {
            "content": "州长批示：加快黎平县项目签约",
            "source": Source.INSTRUCTION,
            "lead_unit": personas.unit("522631").pk,
            "assisting_units": [personas.unit("522600-TC").pk],
            "deadline": "2026-12-31",
            "leader_watching": "on",
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == f"/tasks/{task.code}/"
    assert (task.source, task.leader_watching, task.lead_unit.code) == (
        Source.INSTRUCTION,
        True,
        "522631",
    )
    assert task.created_by == personas.user("admin")


def test_the_leader_cannot_open_the_create_form(client_for, personas):
    assert client_for("leader").get("/tasks/new/").status_code == 403


def test_several_at_once_from_a_meeting(client_for, personas):
    data = {
        "meeting": "全州招商引资工作第三次调度会",
        "t-TOTAL_FORMS": "3",
        "t-INITIAL_FORMS": "0",
        "t-0-content": "凯里市加快新能源项目签约",
        "t-0-lead_unit": personas.unit("522601").pk,
        "t-0-deadline": "2026-12-20",
        "t-1-content": "黎平县补齐项目资料",
        "t-1-lead_unit": personas.unit("522631").pk,
        "t-1-deadline": "2026-12-15",
    }
    response = client_for("admin").post("/tasks/meeting/?campaign=MQDH2026", data)
    assert response.status_code == 302
    tasks = Task.objects.order_by("code")
    assert [t.lead_unit.code for t in tasks] == ["522601", "522631"]
    assert {t.source for t in tasks} == {Source.MEETING}
    assert tasks[0].steps.get().note == "全州招商引资工作第三次调度会"
    # a half-filled row refuses the whole meeting
    data["t-2-content"] = "没有牵头单位的事项"
    client_for("admin").post("/tasks/meeting/", data)
    assert Task.objects.count() == 2


def test_one_click_from_a_flagged_diagnosis(client_for, personas):
    admin = client_for("admin")
    draft = admin.get("/dispatch/MQDH2026/bulletins/draft/?as_of=2026-11-27").content.decode()
    # 黎平县: 1 of 3 contract projects = 33.33 % < 80 % → 合同项目少, with its link
    link = "/tasks/new/?campaign=MQDH2026&amp;unit=522631&amp;diagnosis=few_contract_projects"
    assert link in draft
    url = (
        "/tasks/new/?campaign=MQDH2026&unit=522631&diagnosis=few_contract_projects&as_of=2026-11-27"
    )
    form = admin.get(url).content.decode()
    assert "黎平县合同项目少问题整改" in form
    assert "黎平县合同项目1个，完成率33.33%，低于序时进度80.00%。" in form
    response = admin.post(
        url,
        {
            "content": "黎平县合同项目少问题整改",
            "goal": "12月5日前新增合同项目2个",
            "source": Source.DIAGNOSIS,
            "lead_unit": personas.unit("522631").pk,
            "deadline": "2026-12-05",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.source == Source.DIAGNOSIS and task.campaign == personas.campaign
    assert task.basis["diagnosis"] == "few_contract_projects"
    assert task.basis["measured"]["contract_projects"] == 1
    # a reporter sees the bulletin but gets no such link
    county = client_for("r522601").get("/dispatch/MQDH2026/bulletins/draft/?as_of=2026-11-27")
    assert "diagnosis=few_contract_projects" not in county.content.decode()


def test_overdue_tasks_on_the_home_page_and_in_the_bulletin(client_for, personas):
    late = create_task(
        "黎平县补报项目资料",
        personas.unit("522631"),
        date(2026, 11, 13),
        actor=personas.user("admin"),
        campaign=personas.campaign,
        assigned_on=date(2026, 11, 2),
    )
    home = client_for("admin").get("/").content.decode()
    assert "督办提醒" in home and late.code in home
    assert late.code not in client_for("r522601").get("/").content.decode()
    # (11-13, 11-27]: 11-16 … 11-20, 11-23 … 11-27 = 10 working days → 橙色督办
    draft = client_for("admin").get("/dispatch/MQDH2026/bulletins/draft/?as_of=2026-11-27")
    doc = draft.context["doc"]
    assert doc["tasks"]["overdue"][0]["code"] == late.code
    assert doc["tasks"]["overdue"][0]["workdays_overdue"] == 10
    assert doc["tasks"]["levels"] == {"red": 0, "orange": 1, "blue": 0}
    assert "橙色督办" in draft.content.decode()
    assert StepKind.ASSIGN in late.steps.values_list("kind", flat=True)


def test_a_progress_file_is_checked_and_served_in_scope_only(client_for, task, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    county = client_for("r522601")
    pdf = SimpleUploadedFile("用地红线图.pdf", b"%PDF-1.4 test\n%%EOF", "application/pdf")
    county.post(f"/tasks/{task.code}/step/progress/", {"note": "红线图", "attachment": pdf})
    step = task.steps.get(kind=StepKind.PROGRESS)
    assert step.attachment_name == "用地红线图.pdf"
    assert not step.attachment.name.endswith("用地红线图.pdf")  # stored under a random name
    url = f"/tasks/{task.code}/files/{step.pk}/"
    assert url in county.get(f"/tasks/{task.code}/").content.decode()
    response = client_for("admin").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for("r522631").get(url).status_code == 404
    # a file whose content does not match its name is refused, nothing recorded
    fake = SimpleUploadedFile("报告.pdf", b"MZ not a pdf", "application/pdf")
    page = county.post(
        f"/tasks/{task.code}/step/progress/", {"note": "假文件", "attachment": fake}, follow=True
    )
    assert "文件内容与扩展名 .pdf 不符" in page.content.decode()
    assert task.steps.filter(kind=StepKind.PROGRESS).count() == 1
