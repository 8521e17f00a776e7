"""A reporter's home starts with what waits for their own unit: 本轮待报, 督办 due, 退回重办.

The world: the personas (tests/conftest.py), one open round a week from now,
凯里市 has reported in it and 黎平县 has not; a task for 黎平县 due in three days,
one for 黎平县 returned by the office's review, one for 凯里市 due in three days.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhaoshang.dispatch.services import do_create_round, do_submit_report
from zhaoshang.supervision.services import create_task, do_feedback, do_review, do_sign

from .helpers import text

HOME = "/?campaign=MQDH2026"


@pytest.fixture
def waiting(personas):
    admin = personas.user("admin")
    today = timezone.localdate()
    open_round, _ = do_create_round(
        personas.campaign,
        (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0),
        title="第5次调度",
        actor=admin,
    )
    do_submit_report(
        open_round,
        personas.unit("522601"),
        actor=personas.user("r522601"),
        progress="已报",
        problems="",
        plan="",
    )
    due = create_task(
        "黎平县林产品项目用地报批",
        personas.unit("522631"),
        today + timedelta(days=3),
        actor=admin,
        assigned_on=today - timedelta(days=5),
    )
    returned = create_task(
        "黎平县竹木项目补充合同材料",
        personas.unit("522631"),
        today + timedelta(days=40),
        actor=admin,
        assigned_on=today - timedelta(days=5),
    )
    reporter = personas.user("r522631")
    do_sign(returned, actor=reporter)
    do_feedback(returned, "已补充", actor=reporter)
    do_review(returned, accept=False, actor=admin, reason="缺少盖章件")
    other = create_task(
        "凯里市新能源项目二期环评",
        personas.unit("522601"),
        today + timedelta(days=3),
        actor=admin,
        assigned_on=today - timedelta(days=5),
    )
    return {"round": open_round, "due": due, "returned": returned, "other": other}


def _todo(html: str) -> str:
    start = html.find('<section class="panel todo"')
    assert start >= 0, "no to-do box"
    return html[start : html.index("</section>", start)]


def test_a_reporter_sees_the_open_round_the_task_due_and_the_returned_task(client_for, waiting):
    html = client_for("r522631").get(HOME).content.decode()
    box = _todo(html)
    # 黎平县 has not reported in the open round: one tap to its form.
    url = f"/dispatch/MQDH2026/rounds/{waiting['round'].pk}/units/522631/"
    assert f'href="{url}"' in box
    words = text(box)
    assert "本轮待报 黎平县：填报第5次调度" in words
    assert "退回重办" in words and "黎平县竹木项目补充合同材料" in words
    assert "临期" in words and "黎平县林产品项目用地报批" in words
    # Only their own unit's items; the box comes before the ranking.
    assert "凯里市新能源项目二期环评" not in box
    assert html.index('class="panel todo"') < html.index('class="panel summary"')


def test_a_unit_that_has_reported_has_no_pending_report(client_for, waiting):
    box = _todo(client_for("r522601").get(HOME).content.decode())
    assert "本轮待报" not in box
    assert "凯里市新能源项目二期环评" in box
    assert "黎平县" not in box


@pytest.mark.parametrize("who", ["leader"])
def test_readers_get_no_to_do_box(client_for, waiting, who):
    assert 'class="panel todo"' not in client_for(who).get(HOME).content.decode()


def test_the_to_do_box_costs_a_fixed_number_of_queries(
    client_for, waiting, personas, django_assert_max_num_queries
):
    from zhaoshang.web.todo import todo_for

    user = personas.user("r522631")
    # memberships, the open round, participants, submissions, ordinal, due tasks,
    # their thresholds, returned tasks.
    with django_assert_max_num_queries(8):
        found = todo_for(user, personas.campaign, timezone.localdate())
    assert [r.unit.code for r in found.reports] == ["522631"]
    assert [v.task.code for v in found.due] == [waiting["due"].code]
    assert [t.code for t in found.returned] == [waiting["returned"].code]
