"""Reminders of supervised tasks: due soon or overdue (blue/orange/red), to the lead unit and
its responsible person; a task closed is not reminded.

Tasks on Thursday 2026-11-26 (Chinese calendar, no holidays in between):
  T-DUE   凯里市, deadline Monday 11-30: the day + 2 working days → due_soon
  T-LATE  黎平县, deadline 11-18: working days 11-19..11-26 = 6 → overdue, 橙色 (6–10)
  T-FAR   凯里市, deadline 12-15: open, nothing sent
  T-DONE  黎平县, deadline 11-20, closed 11-19: nothing sent
"""

from __future__ import annotations

from datetime import date

import pytest

from zhaoshang.notify.services import do_set_channels, run_reminders
from zhaoshang.org.services import do_save_person

THURSDAY = date(2026, 11, 26)


@pytest.fixture
def tasks(personas, hooks):
    from zhaoshang.supervision.models import Task
    from zhaoshang.supervision.services import create_task

    kaili, liping = personas.unit("522601"), personas.unit("522631")
    create_task(
        "完成新能源项目用地报批",
        kaili,
        date(2026, 11, 30),
        code="T-DUE",
        person="王明",
        campaign=personas.campaign,
        assigned_on=date(2026, 11, 10),
    )
    create_task(
        "补齐在谈项目台账",
        liping,
        date(2026, 11, 18),
        code="T-LATE",
        campaign=personas.campaign,
        assigned_on=date(2026, 11, 10),
    )
    create_task("远期事项", kaili, date(2026, 12, 15), code="T-FAR", assigned_on=date(2026, 11, 10))
    create_task(
        "已办结事项", liping, date(2026, 11, 20), code="T-DONE", assigned_on=date(2026, 11, 10)
    )
    Task.objects.filter(code="T-DONE").update(closed_on=date(2026, 11, 19))
    do_set_channels(kaili, wecom_webhook=hooks.url("/wecom/kaili"))
    do_set_channels(liping, wecom_webhook=hooks.url("/wecom/liping"))
    wang = personas.unit("522601").people.get(name="王明")
    do_set_channels(wang, emails="wangming@kaili.gov.cn")
    return hooks


def test_due_and_overdue_tasks_are_reminded_with_their_level(tasks, mailbox):
    result = run_reminders(THURSDAY, hold=False)
    sent = {(m.kind, m.about, m.unit.code, m.channel) for m in result.queued}
    assert sent == {
        ("task_due", "task:T-DUE", "522601", "wecom"),
        ("task_due", "task:T-DUE", "522601", "email"),  # 王明's own address
        ("task_overdue", "task:T-LATE", "522631", "wecom"),
    }
    (late,) = tasks.at("/wecom/liping")
    assert late.body == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**【橙色督办】T-LATE 补齐在谈项目台账**\n"
            "黎平县：督办事项「补齐在谈项目台账」（T-LATE）办理时限为11月18日，"
            "已逾期 6 个工作日，请尽快办结并反馈。"
        },
    }
    (mail,) = mailbox.messages
    assert mail["to"] == ["wangming@kaili.gov.cn"]
    # Again the same day: nothing.
    assert run_reminders(THURSDAY, hold=False).queued == []


def test_a_person_without_channels_gets_nothing_of_their_own(personas, tasks):
    do_save_person(personas.unit("522631"), "李华")
    result = run_reminders(THURSDAY, hold=False)
    assert all(m.person is None or m.person.name == "王明" for m in result.queued)


def test_task_source_queries_are_fixed(tasks, django_assert_max_num_queries):
    from zhaoshang.notify.sources import supervised_tasks

    # tasks with lead unit and campaign, their assisting units, the campaigns'
    # thresholds, the holiday table, the responsible persons = 5 (+1 spare for
    # the engine's calendar read)
    with django_assert_max_num_queries(6):
        dues = supervised_tasks(THURSDAY)
    assert sorted(d.about for d in dues) == ["task:T-DUE", "task:T-LATE"]


def test_assisting_units_are_reminded_too_naming_the_lead_unit(personas, tasks):
    from zhaoshang.supervision.models import Task

    zone = personas.unit("522640")
    Task.objects.get(code="T-LATE").assisting_units.add(zone)
    do_set_channels(zone, wecom_webhook=tasks.url("/wecom/zone"))
    result = run_reminders(THURSDAY, hold=False)
    assert ("task_overdue", "task:T-LATE", "522640", "wecom") in {
        (m.kind, m.about, m.unit.code, m.channel) for m in result.queued
    }
    (message,) = tasks.at("/wecom/zone")
    assert message.body["markdown"]["content"] == (
        "**【橙色督办】T-LATE 补齐在谈项目台账**\n"
        f"{zone.name}：贵单位协办、黎平县牵头的督办事项「补齐在谈项目台账」（T-LATE）"
        "办理时限为11月18日，已逾期 6 个工作日，请配合牵头单位尽快办结。"
    )
    # the lead unit's own message is unchanged
    (late,) = tasks.at("/wecom/liping")
    assert late.body["markdown"]["content"].startswith("**【橙色督办】T-LATE")
    assert "黎平县：督办事项「补齐在谈项目台账」" in late.body["markdown"]["content"]
    assert run_reminders(THURSDAY, hold=False).queued == []
