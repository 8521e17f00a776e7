"""Writing what the office accepted from a notice: milestones, supervised tasks, the notice itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.campaigns.models import Campaign
from zhaoshang.campaigns.services import do_save_milestone
from zhaoshang.engine.progress import campaign_root
from zhaoshang.history import mark
from zhaoshang.notices.models import Notice, NoticeTask
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import require_manage, scope_of


@dataclass
class AcceptedMilestone:
    on: date
    pct: Decimal
    quote: str = ""


@dataclass
class AcceptedTask:
    content: str
    lead_unit: Unit
    deadline: date | None = None
    quote: str = ""


def reason_for(notice: Notice) -> str:
    """The history reason of everything a notice created: it names the notice."""
    return _("据通知《%(title)s》（通知 #%(pk)s）") % {"title": notice.title, "pk": notice.pk}


def create_supervised_tasks(
    notice: Notice, tasks: list[AcceptedTask], *, actor, assigned_on: date
) -> list[NoticeTask]:
    """Assign the accepted tasks as supervised tasks (督办事项, source 通知), all or none.

    The one place where a notice's tasks become supervised tasks; each is also
    kept as a NoticeTask row naming the notice and the sentence it came from.
    """
    from zhaoshang.supervision.models import Source
    from zhaoshang.supervision.services import TaskData, create_tasks

    missing = [t.content for t in tasks if t.deadline is None]
    if missing:
        raise ValidationError(
            _("督办任务须有完成时限：%(tasks)s") % {"tasks": "；".join(c[:30] for c in missing)}
        )
    made = create_tasks(
        [
            TaskData(
                content=t.content,
                lead_unit=t.lead_unit,
                deadline=t.deadline,
                basis={"notice": notice.pk, "notice_title": notice.title, "quote": t.quote},
            )
            for t in tasks
        ],
        actor=actor,
        source=Source.NOTICE,
        campaign=notice.campaign,
        assigned_on=assigned_on,
        note=reason_for(notice),
    )
    rows = []
    for task, supervised in zip(tasks, made, strict=True):
        row = NoticeTask(
            notice=notice,
            content=task.content,
            quote=task.quote,
            deadline=task.deadline,
            lead_unit=task.lead_unit,
            task_code=supervised.code,
        )
        mark(row, actor, reason_for(notice))
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def do_accept_notice(
    campaign: Campaign,
    *,
    title: str,
    text: str,
    source_name: str = "",
    milestones: list[AcceptedMilestone],
    tasks: list[AcceptedTask],
    problems: list[str],
    units: list[str],
    actor,
    assigned_on: date | None = None,
) -> Notice:
    """Create the accepted milestones and tasks of a notice in one transaction, with history."""
    root = campaign_root(campaign)
    require_manage(actor, root)
    scope = scope_of(actor)
    for task in tasks:
        # Re-checked inside the transaction: a lead unit outside the campaign or the
        # actor's scope is refused, whatever the form offered.
        if not (task.lead_unit.is_within(root) and scope.contains(task.lead_unit)):
            raise PermissionDenied
    notice = Notice(
        campaign=campaign,
        title=title[:200],
        source_name=source_name[:200],
        text=text,
        problems=problems,
        units=units,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    mark(notice, actor, _("导入通知"))
    notice.save()
    reason = reason_for(notice)
    for m in milestones:
        do_save_milestone(campaign, m.on, m.pct, actor=actor, reason=reason)
    create_supervised_tasks(
        notice, tasks, actor=actor, assigned_on=assigned_on or timezone.localdate()
    )
    return notice
