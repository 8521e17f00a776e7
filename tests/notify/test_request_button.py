"""The office's 催报 button on a round now sends through the outbox, at once in working hours."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhaoshang.campaigns.models import CalendarDay
from zhaoshang.notify.models import Message, MessageState
from zhaoshang.notify.services import do_set_channels, run_reminders

C = "/dispatch/MQDH2026"


@pytest.fixture
def working_now(settings):
    # Today, whatever the calendar says, is a working day with no quiet hours.
    settings.ZHAOSHANG_REMIND_HOURS = (0, 24)
    CalendarDay.objects.update_or_create(on=timezone.localdate(), defaults={"is_workday": True})


def test_remind_button_sends_to_the_missing_units_robots(
    client_for,
    personas,
    cycle,
    hooks,
    working_now,
):
    do_set_channels(personas.unit("522640"), wecom_webhook=hooks.url("/wecom/zone"))
    r1 = cycle["r1"]
    response = client_for("admin").post(
        f"{C}/rounds/{r1.pk}/remind/", {"note": "请今日下班前报送"}, follow=True
    )
    page = response.content.decode()
    assert "已催报：凯里经济开发区、州投资促进局。1 条通知正在发出，发送结果见提醒记录。" in page
    assert "请电话催报：州投资促进局" in page
    (got,) = hooks.at("/wecom/zone")
    content = got.body["markdown"]["content"]
    assert content.startswith(
        "**【调度报送逾期】2026年民营企业发展大会招商签约专项行动 第1次调度**\n"
    )
    assert "凯里经济开发区：第1次调度已于11月20日 17:00截止" in content
    assert content.endswith("\n\n请今日下班前报送")
    (message,) = Message.objects.all()
    assert (message.kind, message.state, message.unit.code) == ("round_request", "sent", "522640")
    # Sent once the redirect was delivered (the server closed the response).
    # The daily run does not send the same request again.
    run_reminders(timezone.localdate(), hold=False)
    assert len(hooks.at("/wecom/zone")) == 1


def test_remind_button_on_a_day_off_queues_for_the_next_run(
    client_for,
    personas,
    cycle,
    hooks,
    settings,
):
    CalendarDay.objects.update_or_create(on=timezone.localdate(), defaults={"is_workday": False})
    do_set_channels(personas.unit("522640"), wecom_webhook=hooks.url("/wecom/zone"))
    response = client_for("admin").post(f"{C}/rounds/{cycle['r1'].pk}/remind/", {}, follow=True)
    assert "现为非工作时间，通知将在下个工作日上午发出" in response.content.decode()
    assert hooks.received == []
    assert Message.objects.get().state == MessageState.PENDING
    run_reminders(timezone.localdate(), hold=False)
    assert len(hooks.at("/wecom/zone")) == 1


def test_remind_button_answers_before_sending(client_for, personas, cycle, hooks, working_now):
    """The page is answered with the messages queued; they go out when the response closes."""
    do_set_channels(personas.unit("522640"), wecom_webhook=hooks.url("/wecom/zone"))
    hooks.answers["/wecom/zone"] = (500, {})
    office = client_for("admin")
    response = office.post(f"{C}/rounds/{cycle['r1'].pk}/remind/", {})
    assert response.status_code == 302
    assert response.to_send and [m.unit.code for m in response.to_send] == ["522640"]
    # the test client closed the response as a server does: one attempt, recorded as failed
    (message,) = Message.objects.all()
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    page = office.get(f"{C}/rounds/{cycle['r1'].pk}/").content.decode()
    assert "1 条通知正在发出" in page
    # the next run retries it
    del hooks.answers["/wecom/zone"]
    run_reminders(timezone.localdate(), hold=False)
    assert Message.objects.get().state == MessageState.SENT
