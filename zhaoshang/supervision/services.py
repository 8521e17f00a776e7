"""Writes of supervised tasks: creation (by hand, from a meeting, an instruction, a
bulletin's diagnosis, a notice) and each step of the flow.

交办 → 签收 → 办理中 (progress notes, files) → 反馈 → 复核 (accept: 办结销号, or
return with a reason) ; extension requests approved or refused by the office.
Every function runs in one transaction, re-checks the actor's scope inside it,
writes a step (who, when, what) and the task's history row (before → after).

Who may do what (``actor`` None: the system, e.g. an import already checked):
- the assigning office (edit rights at the assigning unit): create, edit,
  review, decide extensions;
- the lead unit (edit rights at the lead unit): sign, progress, feedback,
  request an extension;
- an assisting unit (edit rights there): add progress notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from zhaoshang.campaigns.models import Campaign
from zhaoshang.codes import code_problem
from zhaoshang.history import mark, save_changes
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import scope_of
from zhaoshang.stamps import check_stamp
from zhaoshang.supervision.models import Source, State, StepKind, Task, TaskStep


class TaskFlowError(ValidationError):
    """A step that does not fit where the task stands (message in Chinese)."""


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(actor, unit: Unit) -> None:
    if actor is None:
        return
    scope = scope_of(actor)
    if not scope.contains(unit):
        raise Http404
    if not scope.can_edit(unit):
        raise PermissionDenied


def _require_on(actor, task: Task, unit: Unit) -> None:
    """404 unless the actor sees the task; 403 unless they may act for ``unit`` on it."""
    if actor is None:
        return
    _require_seen(actor, task)
    if not scope_of(actor).can_edit(unit):
        raise PermissionDenied


def _require_seen(actor, task: Task) -> None:
    if actor is None:
        return
    if not Task.objects.filter(Task.scope_q(scope_of(actor)), pk=task.pk).exists():
        raise Http404


def can_review(user, task: Task) -> bool:
    """The assigning office: may edit, review and decide extensions."""
    return scope_of(user).can_edit(task.assigning_unit)


def can_handle(user, task: Task) -> bool:
    """The lead unit: may sign, report progress, give feedback, ask for more time."""
    return scope_of(user).can_edit(task.lead_unit)


def can_note(user, task: Task) -> bool:
    """The lead or an assisting unit: may add a progress note."""
    scope = scope_of(user)
    return can_handle(user, task) or any(scope.can_edit(u) for u in task.assisting_units.all())


def next_code(on: date) -> str:
    """DB2026-001, DB2026-002 …: the next free code of the year."""
    prefix = f"DB{on:%Y}-"
    taken = Task.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = 1
    if taken:
        try:
            number = int(taken.removeprefix(prefix)) + 1
        except ValueError:
            number = Task.objects.filter(code__startswith=prefix).count() + 1
    code = f"{prefix}{number:03d}"
    while Task.objects.filter(code=code).exists():
        number += 1
        code = f"{prefix}{number:03d}"
    return code


def _step(task: Task, kind: str, actor, *, unit=None, note="", attachment=None, deadline=None):
    original = ""
    if attachment:
        from zhaoshang.ledger.uploads import check_upload, stored_name

        # The same rules as the ledger's files: size, allowed kinds, content matching its name.
        check_upload(attachment)
        original = attachment.name[-200:]
        attachment.name = stored_name(original)
    return TaskStep.objects.create(
        task=task,
        kind=kind,
        by=_user(actor),
        unit=unit,
        note=note,
        attachment=attachment or "",
        attachment_name=original,
        deadline=deadline,
    )


def _locked(task: Task) -> Task:
    """The task re-read under a row lock, so two clicks cannot both move it."""
    return (
        Task.objects.select_for_update()
        .select_related("lead_unit", "assigning_unit")
        .get(pk=task.pk)
    )


@dataclass
class TaskData:
    """What a new task says (one of several created at once from a meeting)."""

    content: str
    lead_unit: Unit
    deadline: date
    goal: str = ""
    assisting_units: Sequence[Unit] = field(default_factory=list)
    person: str = ""
    leader_watching: bool = False
    code: str | None = None
    basis: dict = field(default_factory=dict)


def _default_assigning(campaign: Campaign | None, lead_unit: Unit, actor) -> Unit:
    """The office a task is assigned from: the campaign's root, else the actor's own unit."""
    candidate = None
    if campaign is not None:
        from zhaoshang.engine.progress import campaign_root

        root = campaign_root(campaign)
        if lead_unit.is_within(root):
            candidate = root
    if candidate is None:
        candidate = Unit.objects.get(pk=lead_unit.ancestor_ids()[0])
    if actor is not None:
        scope = scope_of(actor)
        if not scope.can_edit(candidate):
            # A county assigning inside its own subtree assigns from its own unit.
            for path, _role in sorted(scope.grants, key=lambda g: len(g[0])):
                if lead_unit.path.startswith(path):
                    return Unit.objects.get(path=path)
    return candidate


def _check_data(data: TaskData, assigning: Unit) -> None:
    errors = {}
    if not data.content.strip():
        errors["content"] = "事项内容不能为空"
    if data.code:
        problem = code_problem(data.code, label="事项编号")
        if problem:
            errors["code"] = problem
        elif Task.objects.filter(code=data.code).exists():
            errors["code"] = f"事项编号「{data.code}」已存在"
    if not data.lead_unit.is_within(assigning):
        errors["lead_unit"] = (
            f"牵头单位「{data.lead_unit.name}」不在交办单位「{assigning.name}」范围内"
        )
    if any(u.pk == data.lead_unit.pk for u in data.assisting_units):
        errors["assisting_units"] = "配合单位不能与牵头单位相同"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_task(
    content: str,
    lead_unit: Unit,
    deadline: date,
    *,
    actor=None,
    source: str = Source.MANUAL,
    campaign: Campaign | None = None,
    assigning_unit: Unit | None = None,
    goal: str = "",
    assisting_units: Iterable[Unit] = (),
    person: str = "",
    leader_watching: bool = False,
    assigned_on: date | None = None,
    code: str | None = None,
    basis: dict | None = None,
    note: str = "",
) -> Task:
    """Assign one task (交办); the first step records who assigned it and when."""
    (task,) = create_tasks(
        [
            TaskData(
                content=content,
                lead_unit=lead_unit,
                deadline=deadline,
                goal=goal,
                assisting_units=list(assisting_units),
                person=person,
                leader_watching=leader_watching,
                code=code,
                basis=basis or {},
            )
        ],
        actor=actor,
        source=source,
        campaign=campaign,
        assigning_unit=assigning_unit,
        assigned_on=assigned_on,
        note=note,
    )
    return task


@transaction.atomic
def create_tasks(
    items: Sequence[TaskData],
    *,
    actor=None,
    source: str = Source.MANUAL,
    campaign: Campaign | None = None,
    assigning_unit: Unit | None = None,
    assigned_on: date | None = None,
    note: str = "",
) -> list[Task]:
    """Assign several tasks at once (a meeting's decisions): all of them or none."""
    if source not in Source.values:
        raise ValidationError({"source": f"未知的来源「{source}」"})
    on = assigned_on or timezone.localdate()
    created = []
    for data in items:
        assigning = assigning_unit or _default_assigning(campaign, data.lead_unit, actor)
        _require(actor, assigning)
        _check_data(data, assigning)
        if data.deadline < on:
            raise ValidationError({"deadline": f"办理时限 {data.deadline} 早于交办日期 {on}"})
        task = Task(
            code=data.code or next_code(on),
            content=data.content.strip(),
            goal=data.goal.strip(),
            source=source,
            campaign=campaign,
            assigning_unit=assigning,
            lead_unit=data.lead_unit,
            person=data.person.strip(),
            assigned_on=on,
            deadline=data.deadline,
            leader_watching=data.leader_watching,
            basis=data.basis,
            created_by=_user(actor),
        )
        mark(task, actor, "交办")
        task.full_clean(validate_unique=False, validate_constraints=False)
        task.save()
        if data.assisting_units:
            task.assisting_units.set(data.assisting_units)
        _step(task, StepKind.ASSIGN, actor, unit=assigning, note=note)
        # Save, then verify inside the transaction: the actor must still see it.
        _require_seen(actor, task)
        created.append(task)
    return created


def _move(task: Task, actor, reason: str, **values) -> None:
    save_changes(task, values, actor=actor, reason=reason)


def _expect(task: Task, allowed: Iterable[str], doing: str) -> None:
    if task.state not in allowed:
        raise TaskFlowError(f"事项{task.get_state_display()}，不能{doing}")


@transaction.atomic
def do_sign(task: Task, *, actor=None) -> Task:
    """签收: the lead unit acknowledges the task; the time is recorded."""
    task = _locked(task)
    _require_on(actor, task, task.lead_unit)
    _expect(task, [State.ASSIGNED], "签收")
    _move(task, actor, "签收", state=State.SIGNED, signed_at=timezone.now())
    _step(task, StepKind.SIGN, actor, unit=task.lead_unit)
    return task


@transaction.atomic
def do_add_progress(task: Task, note: str, *, actor=None, attachment=None) -> Task:
    """办理中: a progress note (and file) from the lead or an assisting unit."""
    task = _locked(task)
    if not note.strip() and not attachment:
        raise TaskFlowError("请填写办理进展或上传附件")
    unit = task.lead_unit
    if actor is not None and not can_handle(actor, task):
        assisting = [u for u in task.assisting_units.all() if scope_of(actor).can_edit(u)]
        if not assisting:
            _require_on(actor, task, task.lead_unit)
        else:
            unit = assisting[0]
    _expect(task, [State.ASSIGNED, State.SIGNED, State.IN_PROGRESS], "填报办理进展")
    if task.state != State.IN_PROGRESS and unit.pk == task.lead_unit_id:
        values = {"state": State.IN_PROGRESS}
        if task.signed_at is None:
            values["signed_at"] = timezone.now()  # a note from the lead unit signs it too
        _move(task, actor, "办理进展", **values)
    _step(task, StepKind.PROGRESS, actor, unit=unit, note=note.strip(), attachment=attachment)
    return task


@transaction.atomic
def do_feedback(task: Task, note: str, *, actor=None, attachment=None) -> Task:
    """反馈: the lead unit reports the task done and sends it for review."""
    task = _locked(task)
    _require_on(actor, task, task.lead_unit)
    _expect(task, [State.ASSIGNED, State.SIGNED, State.IN_PROGRESS], "反馈")
    if not note.strip():
        raise TaskFlowError("请填写办理结果")
    values = {"state": State.FEEDBACK}
    if task.signed_at is None:
        values["signed_at"] = timezone.now()
    _move(task, actor, "反馈", **values)
    _step(
        task,
        StepKind.FEEDBACK,
        actor,
        unit=task.lead_unit,
        note=note.strip(),
        attachment=attachment,
    )
    return task


@transaction.atomic
def do_review(
    task: Task, *, accept: bool, actor=None, reason: str = "", on: date | None = None
) -> Task:
    """复核 by the assigning office: accept (办结销号 on the day) or return with a reason."""
    task = _locked(task)
    _require_on(actor, task, task.assigning_unit)
    _expect(task, [State.FEEDBACK], "复核")
    if accept:
        closed = on or timezone.localdate()
        _move(task, actor, "复核通过，办结销号", state=State.CLOSED, closed_on=closed)
        _step(task, StepKind.ACCEPT, actor, unit=task.assigning_unit, note=reason.strip())
    else:
        if not reason.strip():
            raise TaskFlowError("退回须写明原因")
        _move(task, actor, "复核退回", state=State.IN_PROGRESS)
        _step(task, StepKind.RETURN, actor, unit=task.assigning_unit, note=reason.strip())
    return task


@transaction.atomic
def do_request_extension(task: Task, deadline: date, reason: str, *, actor=None) -> Task:
    """申请延期: the lead unit asks for a later deadline, with a reason."""
    task = _locked(task)
    _require_on(actor, task, task.lead_unit)
    if task.is_closed:
        raise TaskFlowError("事项已办结，不能申请延期")
    if task.extension_to is not None:
        raise TaskFlowError(f"已申请延期至 {task.extension_to}，尚待审批")
    if not reason.strip():
        raise TaskFlowError("申请延期须写明原因")
    if deadline <= task.deadline:
        raise TaskFlowError(f"延期后的时限须晚于现时限 {task.deadline}")
    _move(task, actor, "申请延期", extension_to=deadline)
    _step(
        task,
        StepKind.EXTENSION_REQUEST,
        actor,
        unit=task.lead_unit,
        note=reason.strip(),
        deadline=deadline,
    )
    return task


@transaction.atomic
def do_decide_extension(task: Task, *, approve: bool, actor=None, reason: str = "") -> Task:
    """The office approves (the deadline moves) or refuses a pending extension request."""
    task = _locked(task)
    _require_on(actor, task, task.assigning_unit)
    if task.extension_to is None:
        raise TaskFlowError("没有待审批的延期申请")
    asked = task.extension_to
    if approve:
        _move(task, actor, "同意延期", deadline=asked, extension_to=None)
        _step(
            task,
            StepKind.EXTENSION_APPROVE,
            actor,
            unit=task.assigning_unit,
            note=reason.strip(),
            deadline=asked,
        )
    else:
        if not reason.strip():
            raise TaskFlowError("不同意延期须写明原因")
        _move(task, actor, "不同意延期", extension_to=None)
        _step(
            task,
            StepKind.EXTENSION_REFUSE,
            actor,
            unit=task.assigning_unit,
            note=reason.strip(),
            deadline=asked,
        )
    return task


EDITABLE = {
    "content",
    "goal",
    "source",
    "campaign",
    "lead_unit",
    "person",
    "assigned_on",
    "deadline",
    "leader_watching",
}


@transaction.atomic
def do_update_task(
    task: Task,
    *,
    actor=None,
    assisting_units: Iterable[Unit] | None = None,
    closed_on: date | None | object = ...,
    reason: str = "修改",
    expected_stamp: str | None = None,
    **values,
) -> list[str]:
    """The office edits a task (or an import updates it); returns the changed names.

    ``closed_on`` closes a task (办结) or, set to None, reopens it. With
    ``expected_stamp`` (the stamp the editor read) a task somebody changed
    meanwhile is refused (:class:`~zhaoshang.stamps.StaleEdit`), nothing written.
    """
    task = _locked(task)
    _require_on(actor, task, task.assigning_unit)
    check_stamp(task, expected_stamp, gettext("该督办事项"), values)
    unknown = set(values) - EDITABLE
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    lead = values.get("lead_unit", task.lead_unit)
    if not lead.is_within(task.assigning_unit):
        raise ValidationError({"lead_unit": f"牵头单位「{lead.name}」不在交办单位范围内"})
    kind = StepKind.EDIT
    if closed_on is not ...:
        if closed_on is not None and task.closed_on != closed_on:
            values["closed_on"] = closed_on
            values["state"] = State.CLOSED
            values["extension_to"] = None
            kind = StepKind.ACCEPT
        elif closed_on is None and task.closed_on is not None:
            values["closed_on"] = None
            values["state"] = State.IN_PROGRESS
            kind = StepKind.REOPEN
    changed = save_changes(task, values, actor=actor, reason=reason)
    if assisting_units is not None:
        new = {u.pk for u in assisting_units}
        if new != set(task.assisting_units.values_list("pk", flat=True)):
            mark(task, actor, reason)
            task.assisting_units.set(list(new))
            changed.append("assisting_units")
    if changed:
        _step(
            task,
            kind,
            actor,
            unit=task.assigning_unit,
            note=reason if kind == StepKind.EDIT else "",
        )
        _require_seen(actor, task)
    return changed
