"""The task flow and who may take each step (personas of tests/conftest.py).

admin: the prefecture office (assigns, reviews, decides extensions);
r522601: 凯里市, the lead unit (signs, reports, feeds back, asks for time);
leader: reads everything, changes nothing; r522631: 黎平县, not involved (404).
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhaoshang.org.scope import visible
from zhaoshang.supervision.models import Source, State, StepKind, Task
from zhaoshang.supervision.services import (
    TaskData,
    TaskFlowError,
    create_task,
    create_tasks,
    do_add_progress,
    do_decide_extension,
    do_feedback,
    do_request_extension,
    do_review,
    do_sign,
)

pytestmark = pytest.mark.django_db


def kinds(task):
    return list(task.steps.values_list("kind", flat=True))


def test_created_by_the_office_with_its_first_step_and_history(personas, task):
    assert task.code == "DB2026-001"
    assert task.assigning_unit == personas.unit("522600")
    assert task.state == State.ASSIGNED
    assert [u.code for u in task.assisting_units.all()] == ["522600-TC"]
    step = task.steps.get()
    assert (step.kind, step.by, step.unit.code) == (
        StepKind.ASSIGN,
        personas.user("admin"),
        "522600",
    )
    # created, then its assisting units set (one more history row, same actor)
    row = task.history.order_by("history_id").first()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        personas.user("admin"),
        "交办",
    )


def test_the_whole_flow_with_a_return_and_an_extension(personas, task):
    county, office = personas.user("r522601"), personas.user("admin")
    task = do_sign(task, actor=county)
    assert task.state == State.SIGNED and task.signed_at is not None
    task = do_add_progress(task, "已完成用地红线图测绘", actor=county)
    assert task.state == State.IN_PROGRESS
    task = do_request_extension(task, date(2026, 12, 20), "需等待省厅批复", actor=county)
    assert task.extension_to == date(2026, 12, 20)
    task = do_decide_extension(task, approve=True, actor=office)
    assert (task.deadline, task.extension_to) == (date(2026, 12, 20), None)
    task = do_feedback(task, "用地预审已上报", actor=county)
    assert task.state == State.FEEDBACK
    with pytest.raises(TaskFlowError, match="退回须写明原因"):
        do_review(task, accept=False, actor=office)
    task = do_review(task, accept=False, reason="缺少预审批复文件", actor=office)
    assert task.state == State.IN_PROGRESS
    task = do_feedback(task, "批复文件已补充", actor=county)
    task = do_review(task, accept=True, actor=office, on=date(2026, 12, 18))
    assert (task.state, task.closed_on) == (State.CLOSED, date(2026, 12, 18))
    assert kinds(task) == [
        StepKind.ASSIGN,
        StepKind.SIGN,
        StepKind.PROGRESS,
        StepKind.EXTENSION_REQUEST,
        StepKind.EXTENSION_APPROVE,
        StepKind.FEEDBACK,
        StepKind.RETURN,
        StepKind.FEEDBACK,
        StepKind.ACCEPT,
    ]
    returned = task.steps.get(kind=StepKind.RETURN)
    assert (returned.by, returned.note) == (office, "缺少预审批复文件")
    # every change of the task in its history: who, and the deadline before → after
    deadlines = [
        (h.deadline, h.history_user.username, h.history_change_reason)
        for h in task.history.order_by("history_id")
        if h.history_change_reason == "同意延期"
    ]
    assert deadlines == [(date(2026, 12, 20), "admin", "同意延期")]
    previous = task.history.filter(history_change_reason="同意延期").get().prev_record
    assert previous.deadline == date(2026, 12, 10)


def test_a_refused_extension_keeps_the_deadline(personas, task):
    county, office = personas.user("r522601"), personas.user("admin")
    do_request_extension(task, date(2026, 12, 31), "项目方资料未齐", actor=county)
    with pytest.raises(TaskFlowError, match="写明原因"):
        do_decide_extension(task, approve=False, actor=office)
    task = do_decide_extension(task, approve=False, reason="时限不能再延", actor=office)
    assert (task.deadline, task.extension_to) == (date(2026, 12, 10), None)
    assert kinds(task)[-1] == StepKind.EXTENSION_REFUSE


def test_the_lead_unit_cannot_review_its_own_feedback(personas, task):
    county = personas.user("r522601")
    do_feedback(task, "已完成", actor=county)
    with pytest.raises(PermissionDenied):
        do_review(task, accept=True, actor=county)
    with pytest.raises(PermissionDenied):
        do_decide_extension(task, approve=True, actor=county)
    assert Task.objects.get(pk=task.pk).state == State.FEEDBACK


def test_the_leader_reads_but_takes_no_step(personas, task):
    leader = personas.user("leader")
    assert list(visible(Task.objects.all(), leader)) == [task]
    with pytest.raises(PermissionDenied):
        do_sign(task, actor=leader)
    with pytest.raises(PermissionDenied):
        create_task("另一项", personas.unit("522631"), date(2026, 12, 31), actor=leader)
    assert Task.objects.count() == 1


def test_another_county_neither_sees_nor_touches_it(personas, task):
    other = personas.user("r522631")
    assert list(visible(Task.objects.all(), other)) == []
    with pytest.raises(Http404):
        do_sign(task, actor=other)
    with pytest.raises(Http404):
        do_add_progress(task, "冒充进展", actor=other)
    assert kinds(Task.objects.get(pk=task.pk)) == [StepKind.ASSIGN]


def test_an_assisting_unit_adds_notes_only(personas, task):
    bureau = personas.unit("522600-TC")
    from zhaoshang.org.models import Role
    from zhaoshang.org.services import do_save_account

    helper, _c, _g = do_save_account(
        "r522600tc", full_name="州投促局填报员", unit=bureau, role=Role.REPORTER, password="x" * 12
    )
    assert list(visible(Task.objects.all(), helper)) == [task]
    do_add_progress(task, "已协调省厅预审窗口", actor=helper)
    step = task.steps.get(kind=StepKind.PROGRESS)
    assert step.unit == bureau
    # the note of a helper does not move the lead unit's task
    assert Task.objects.get(pk=task.pk).state == State.ASSIGNED
    # it sees the task, so a step that is not its own is refused, not hidden
    with pytest.raises(PermissionDenied):
        do_sign(task, actor=helper)


def test_the_county_sees_its_own_and_its_townships_tasks(personas, task):
    town = create_task(
        "三棵树镇农产品项目对接",
        personas.unit("522601101"),
        date(2026, 12, 5),
        actor=personas.user("r522601"),
        assigned_on=date(2026, 11, 27),
    )
    # assigned by the county's own office (it cannot assign from the prefecture)
    assert town.assigning_unit == personas.unit("522601")
    assert set(visible(Task.objects.all(), personas.user("r522601"))) == {task, town}
    assert set(visible(Task.objects.all(), personas.user("r522631"))) == set()


def test_several_tasks_from_a_meeting_all_or_nothing(personas):
    office = personas.user("admin")
    items = [
        TaskData("加快凯里市项目签约", personas.unit("522601"), date(2026, 12, 5)),
        TaskData("黎平县补齐项目资料", personas.unit("522631"), date(2026, 12, 1)),
    ]
    tasks = create_tasks(
        items,
        actor=office,
        source=Source.MEETING,
        campaign=personas.campaign,
        assigned_on=date(2026, 11, 27),
    )
    year = tasks[0].assigned_on.year
    assert [t.code for t in tasks] == [f"DB{year}-001", f"DB{year}-002"]
    assert {t.source for t in tasks} == {Source.MEETING}
    bad = [
        TaskData("第三项", personas.unit("522640"), date(2026, 12, 5)),
        TaskData("  ", personas.unit("522631"), date(2026, 12, 1)),
    ]
    with pytest.raises(ValidationError, match="事项内容不能为空"):
        create_tasks(bad, actor=office, source=Source.MEETING, assigned_on=date(2026, 11, 27))
    assert Task.objects.count() == 2


def test_steps_out_of_order_are_refused_in_chinese(personas, task):
    office = personas.user("admin")
    with pytest.raises(TaskFlowError, match="已交办，不能复核"):
        do_review(task, accept=True, actor=office)
    with pytest.raises(TaskFlowError, match="须晚于现时限"):
        do_request_extension(task, date(2026, 12, 1), "理由", actor=personas.user("r522601"))
