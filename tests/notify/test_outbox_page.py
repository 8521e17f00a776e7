"""The outbox page: the office sees sent and failed messages per unit and retries; scope holds."""

from __future__ import annotations

from datetime import date

import pytest

from tests.notify.test_remind import at
from zhaoshang.dispatch.services import do_create_round
from zhaoshang.notify.models import Message, MessageState
from zhaoshang.notify.services import do_set_channels, run_reminders

THURSDAY = date(2026, 11, 26)


@pytest.fixture
def outbox(personas, hooks):
    do_create_round(personas.campaign, at(11, 27, 17), actor=personas.user("admin"))
    do_set_channels(personas.unit("522601"), wecom_webhook=hooks.url("/wecom/kaili"))
    do_set_channels(personas.unit("522631"), wecom_webhook=hooks.url("/wecom/liping"))
    hooks.answers["/wecom/liping"] = (500, {})
    run_reminders(THURSDAY, hold=False)
    return hooks


def test_office_sees_failures_with_their_reason_and_retries(client_for, outbox):
    page = client_for("admin").get("/reminders/").content.decode()
    assert "有 1 条提醒发送失败" in page
    assert "机器人地址返回 HTTP 500" in page
    assert "凯里市" in page and "黎平县" in page
    failed = Message.objects.get(state=MessageState.FAILED)
    outbox.answers.clear()
    response = client_for("admin").post(f"/reminders/{failed.pk}/retry/", follow=True)
    assert "已重新发送" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (MessageState.SENT, 2)


def test_county_reporter_sees_only_its_own_messages(client_for, outbox):
    page = client_for("r522601").get("/reminders/").content.decode()
    assert "凯里市" in page and "黎平县" not in page
    other = Message.objects.get(unit__code="522631")
    assert client_for("r522601").post(f"/reminders/{other.pk}/retry/").status_code == 404
    assert client_for("r522601").get("/reminders/?unit=522631").status_code == 404
    other.refresh_from_db()
    assert other.attempts == 1


def test_outbox_page_queries_do_not_grow_with_rows(
    client_for, outbox, django_assert_max_num_queries
):
    client = client_for("admin")
    client.get("/reminders/")
    # session, user, scope, per-unit totals, count, page rows; +1: the top units,
    # to offer "send today's reminders now" to an administrator of all of them
    with django_assert_max_num_queries(9):
        assert client.get("/reminders/").status_code == 200
