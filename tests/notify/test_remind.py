"""zhaoshang remind: the day's reminders reach each unit's channels, once, with retries.

The world (tests/conftest.py personas): MQDH2026, root 黔东南州 with the
reporting units 凯里市, 黎平县, 凯里经济开发区, 州投资促进局. One round closes
Friday 2026-11-27 17:00; 凯里市 has reported, the other three have not.
Channels: 凯里市 a WeChat Work robot (reported: gets nothing), 黎平县 a WeChat
Work robot and two e-mail addresses, the 开发区 a DingTalk robot with 加签,
州投资促进局 none (unreachable). On Thursday 11-26 the round is "due soon"
(the next working day), so the run queues 黎平县 × 2 + 开发区 × 1 = 3 messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date, datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from zhaoshang.cli import main
from zhaoshang.dispatch.services import do_create_round, do_submit_report
from zhaoshang.notify.channels import dingtalk_sign
from zhaoshang.notify.models import Message, MessageState
from zhaoshang.notify.services import do_set_channels, run_reminders

THURSDAY = date(2026, 11, 26)
MONDAY = date(2026, 11, 30)
CAMPAIGN_NAME = "2026年民营企业发展大会招商签约专项行动"
SECRET = "SEC0123456789abcdef"


def at(month, day, hour, minute=0) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


@pytest.fixture
def world(personas, hooks, mailbox):
    admin = personas.user("admin")
    rnd, _ = do_create_round(personas.campaign, at(11, 27, 17), actor=admin)
    do_submit_report(rnd, personas.unit("522601"), progress="已报", actor=admin, at=at(11, 26, 9))
    do_set_channels(personas.unit("522601"), wecom_webhook=hooks.url("/wecom/kaili"))
    do_set_channels(
        personas.unit("522631"),
        wecom_webhook=hooks.url("/wecom/liping?key=LP"),
        emails="liping@example.gov.cn; zhaoshang@liping.gov.cn",
        actor=admin,
    )
    do_set_channels(
        personas.unit("522640"),
        dingtalk_webhook=hooks.url("/dingtalk/zone?access_token=ZONE"),
        dingtalk_secret=SECRET,
        actor=admin,
    )
    return {"round": rnd, "hooks": hooks, "mailbox": mailbox}


def test_due_round_reaches_every_channel_with_exact_payloads(world):
    hooks, mailbox = world["hooks"], world["mailbox"]
    result = run_reminders(THURSDAY, hold=False)

    assert len(result.queued) == 3 and not result.failed
    assert [u.code for u in result.unreachable] == ["522600-TC"]
    # 凯里市 reported: nothing for it.
    assert hooks.at("/wecom/kaili") == []

    subject = f"【调度报送提醒】{CAMPAIGN_NAME} 第1次调度"
    (wecom,) = hooks.at("/wecom/liping")
    assert wecom.query == {"key": ["LP"]}
    assert wecom.body == {
        "msgtype": "markdown",
        "markdown": {
            "content": f"**{subject}**\n"
            "黎平县：第1次调度将于11月27日 17:00截止，贵单位尚未报送，请按时填报。"
        },
    }

    (ding,) = hooks.at("/dingtalk/zone")
    assert ding.body == {
        "msgtype": "markdown",
        "markdown": {
            "title": subject,
            "text": f"#### {subject}\n\n"
            "凯里经济开发区：第1次调度将于11月27日 17:00截止，贵单位尚未报送，请按时填报。",
        },
    }
    # 加签: the robot recomputes base64(HMAC-SHA256(secret, "timestamp\nsecret")).
    timestamp = ding.query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert ding.query["access_token"] == ["ZONE"]
    assert ding.query["sign"] == [expected]  # parse_qs undid the URL encoding
    assert abs(int(timestamp) - int(timezone.now().timestamp() * 1000)) < 60_000

    (mail,) = mailbox.messages
    assert sorted(mail["to"]) == ["liping@example.gov.cn", "zhaoshang@liping.gov.cn"]
    parsed = message_from_bytes(mail["data"])
    assert str(make_header(decode_header(parsed["Subject"]))) == subject
    assert "黎平县：第1次调度将于11月27日 17:00截止" in parsed.get_payload(decode=True).decode()


def test_dingtalk_sign_is_url_encoded():
    # A digest whose base64 holds + / = must travel percent-encoded.
    sign = dingtalk_sign("secret", 1700000000000)
    raw = base64.b64encode(
        hmac.new(b"secret", b"1700000000000\nsecret", hashlib.sha256).digest()
    ).decode()
    from urllib.parse import quote_plus

    assert sign == quote_plus(raw)
    assert "+" not in sign and "/" not in sign and "=" not in sign


def test_second_run_the_same_day_sends_nothing_again(world):
    hooks, mailbox = world["hooks"], world["mailbox"]
    run_reminders(THURSDAY, hold=False)
    received, mails = len(hooks.received), len(mailbox.messages)

    again = run_reminders(THURSDAY, hold=False)

    assert again.queued == [] and again.attempted == []
    assert len(hooks.received) == received and len(mailbox.messages) == mails
    assert Message.objects.count() == 3


def test_a_failed_send_is_retried_at_the_next_run_without_blocking_the_others(world):
    hooks = world["hooks"]
    hooks.answers["/wecom/liping"] = (500, {"errcode": -1})

    first = run_reminders(THURSDAY, hold=False)

    (failed,) = first.failed
    assert failed.unit.code == "522631" and failed.channel == "wecom"
    assert failed.last_error == "机器人地址返回 HTTP 500"
    # The DingTalk robot and the e-mail still went out.
    assert len(hooks.at("/dingtalk/zone")) == 1 and len(world["mailbox"].messages) == 1
    assert Message.objects.filter(state=MessageState.SENT).count() == 2

    hooks.answers["/wecom/liping"] = (200, {"errcode": 0, "errmsg": "ok"})
    second = run_reminders(THURSDAY, hold=False)

    assert second.queued == []
    assert [m.pk for m in second.attempted] == [failed.pk]
    row = Message.objects.get(pk=failed.pk)
    assert (row.state, row.attempts, row.last_error) == (MessageState.SENT, 2, "")
    assert len(hooks.at("/wecom/liping")) == 2
    assert len(hooks.at("/dingtalk/zone")) == 1  # not sent twice


def test_a_robot_refusing_is_a_failure_with_its_reason(world):
    world["hooks"].answers["/dingtalk/zone"] = (
        200,
        {"errcode": 310000, "errmsg": "sign not match"},
    )
    result = run_reminders(THURSDAY, hold=False)
    (failed,) = result.failed
    assert failed.last_error == "机器人拒收：310000 sign not match"


def test_quiet_hours_and_days_off_hold_every_message(world):
    hooks = world["hooks"]
    # Thursday 22:00 (after 20:00), Saturday 10:00 (not a working day).
    for now in (at(11, 26, 22), at(11, 26, 7, 59), at(11, 28, 10)):
        result = run_reminders(THURSDAY, now=now)
        assert result.held and result.queued == []
    assert hooks.received == [] and Message.objects.count() == 0

    result = run_reminders(THURSDAY, now=at(11, 26, 10))
    assert not result.held and len(result.queued) == 3


def test_a_make_up_working_day_is_not_quiet(world):
    from zhaoshang.campaigns.models import CalendarDay

    CalendarDay.objects.create(on=date(2026, 11, 28), is_workday=True, note="调休上班")
    assert not run_reminders(THURSDAY, now=at(11, 28, 10)).held


def test_after_the_deadline_the_late_units_are_chased(world):
    result = run_reminders(MONDAY, hold=False)
    assert {(m.kind, m.unit.code) for m in result.queued} == {
        ("round_late", "522631"),
        ("round_late", "522640"),
    }
    (wecom,) = world["hooks"].at("/wecom/liping")
    assert wecom.body["markdown"]["content"] == (
        f"**【调度报送逾期】{CAMPAIGN_NAME} 第1次调度**\n"
        "黎平县：第1次调度已于11月27日 17:00截止，贵单位尚未报送，请尽快补报。"
    )


def test_a_unit_that_reports_is_not_reminded_the_next_day(world, personas):
    run_reminders(THURSDAY, hold=False)
    do_submit_report(world["round"], personas.unit("522631"), progress="补报", at=at(11, 27, 9))
    result = run_reminders(date(2026, 11, 27), hold=False)
    assert {m.unit.code for m in result.queued} == {"522640"}


def test_remind_command_json_and_dry_run(world, capsys):
    assert main(["remind", "--as-of", "2026-11-26", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["queued"] == 3 and dry["sent"] == 0
    assert Message.objects.count() == 0 and world["hooks"].received == []

    assert main(["remind", "--as-of", "2026-11-26", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["as_of"], doc["held"], doc["queued"], doc["sent"], doc["failed"]) == (
        "2026-11-26",
        False,
        3,
        3,
        0,
    )
    assert doc["unreachable"] == ["522600-TC"]
    assert sorted((m["unit"], m["channel"], m["state"]) for m in doc["messages"]) == [
        ("522631", "email", "sent"),
        ("522631", "wecom", "sent"),
        ("522640", "dingtalk", "sent"),
    ]
    assert all(m["about"] == f"round:{world['round'].pk}" for m in doc["messages"])

    assert main(["remind", "--as-of", "2026-11-26", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["queued"], again["sent"], again["messages"]) == (0, 0, [])


def test_remind_command_exits_1_when_a_send_fails(world, capsys):
    world["hooks"].answers["/dingtalk/zone"] = (502, {})
    assert main(["remind", "--as-of", "2026-11-26"]) == 1
    out = capsys.readouterr().out
    assert "失败 1 条" in out and "机器人地址返回 HTTP 502" in out


def test_remind_json_reports_the_failure_and_exits_1_then_retries(world, capsys):
    # contracts/cli.md: exit 1 when some sends failed, retried at the next run
    world["hooks"].answers["/dingtalk/zone"] = (502, {})
    assert main(["remind", "--as-of", "2026-11-26", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["queued"], doc["sent"], doc["failed"]) == (3, 2, 1)
    (failed,) = [m for m in doc["messages"] if m["state"] == "failed"]
    assert (failed["unit"], failed["channel"], failed["attempts"]) == ("522640", "dingtalk", 1)
    assert failed["error"] == "机器人地址返回 HTTP 502"
    del world["hooks"].answers["/dingtalk/zone"]
    assert main(["remind", "--as-of", "2026-11-26", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["queued"], again["sent"], again["failed"]) == (0, 1, 0)
    assert [(m["unit"], m["new"], m["attempts"]) for m in again["messages"]] == [
        ("522640", False, 2)
    ]


def test_queries_do_not_grow_with_the_units(world, django_assert_max_num_queries):
    from zhaoshang.notify.sources import reporting_rounds

    # rounds, holiday table, campaign root is the campaign's unit (select_related),
    # root children, report rows = 4
    with django_assert_max_num_queries(4):
        dues = reporting_rounds(THURSDAY)
    assert len(dues) == 3


def test_without_as_of_a_day_off_holds_everything(world, capsys):
    from zhaoshang.campaigns.models import CalendarDay

    CalendarDay.objects.update_or_create(on=timezone.localdate(), defaults={"is_workday": False})
    assert main(["remind", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["held"] is True and doc["queued"] == 0 and doc["messages"] == []
    assert main(["remind"]) == 0
    assert "本次未发送，下个工作日上午再发" in capsys.readouterr().out
    assert Message.objects.count() == 0


def test_a_message_claimed_by_another_run_is_not_sent_twice(world):
    from zhaoshang.notify.services import send

    run_reminders(THURSDAY, hold=False)
    message = Message.objects.get(channel="wecom")
    stale = Message.objects.get(pk=message.pk)
    stale.attempts = 0  # what a second run read before the first one sent it
    stale.state = MessageState.PENDING
    before = len(world["hooks"].received)
    assert send(stale) is False
    assert len(world["hooks"].received) == before
    assert Message.objects.get(pk=message.pk).attempts == 1


def test_messages_carry_a_link_when_the_site_address_is_set(world, settings):
    settings.ZHAOSHANG_SITE_URL = "https://zs.example.gov.cn/"
    run_reminders(THURSDAY, hold=False)
    (wecom,) = world["hooks"].at("/wecom/liping")
    assert wecom.body["markdown"]["content"].endswith(
        f"\n\n登录平台办理：https://zs.example.gov.cn/dispatch/MQDH2026/rounds/{world['round'].pk}/"
    )
