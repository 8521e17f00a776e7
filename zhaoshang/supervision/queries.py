"""Reading tasks with their status as of a day: a fixed number of queries for any number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from zhaoshang.engine.tasks import TaskStatus, Thresholds, statuses
from zhaoshang.org.models import Unit
from zhaoshang.supervision.models import Task


@dataclass
class TaskView:
    task: Task
    status: TaskStatus


def subtree_q(unit: Unit) -> Q:
    """Tasks led by or assisted on by ``unit`` or a unit below it."""
    assisted = Task.assisting_units.through.objects.filter(unit__path__startswith=unit.path)
    return Q(lead_unit__path__startswith=unit.path) | Q(pk__in=assisted.values("task_id"))


def thresholds_for(campaign_ids: set[int]) -> dict[int | None, Thresholds]:
    """Each campaign's escalation thresholds (one query); None: tasks without a campaign."""
    from zhaoshang.dispatch.models import DispatchSettings

    found: dict[int | None, Thresholds] = {cid: Thresholds() for cid in campaign_ids}
    found[None] = Thresholds()
    if campaign_ids:
        for s in DispatchSettings.objects.filter(campaign_id__in=campaign_ids):
            found[s.campaign_id] = Thresholds.of(s)
    return found


def with_status(tasks: QuerySet | list[Task], as_of: date) -> list[TaskView]:
    """The tasks (created by the day) and their status as of the day."""
    tasks = [t for t in tasks if t.assigned_on <= as_of]
    limits = thresholds_for({t.campaign_id for t in tasks if t.campaign_id})
    found = statuses([(t.deadline, t.closed_on, limits[t.campaign_id]) for t in tasks], as_of)
    return [TaskView(t, s) for t, s in zip(tasks, found, strict=True)]


def filtered(user, data: dict, as_of: date) -> list[TaskView]:
    """The task list's rows for ``user``: the list page's filters (status, source,
    campaign, unit, watching, q) applied, with their status as of the day.

    The page and the API both read the list through here. A unit out of the
    user's scope is a 404.
    """
    from zhaoshang.org.scope import get_visible_or_404, visible

    qs = visible(Task.objects.all(), user)
    status = data.get("status") or ""
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("campaign"):
        qs = qs.filter(campaign__code=data["campaign"])
    if data.get("unit"):
        unit = get_visible_or_404(Unit.objects.all(), user, code=data["unit"])
        qs = qs.filter(subtree_q(unit))
    if data.get("watching"):
        qs = qs.filter(leader_watching=True)
    if data.get("q"):
        qs = qs.filter(Q(content__icontains=data["q"]) | Q(code__icontains=data["q"]))
    if status in ("done", "done_late"):
        qs = qs.filter(closed_on__isnull=False)
    elif status:
        qs = qs.filter(closed_on__isnull=True)
    views = with_status(listed(qs).order_by("deadline", "code"), as_of)
    if status and status != "active":
        views = [v for v in views if v.status.status == status]
    return views


def listed(qs: QuerySet | None = None) -> QuerySet:
    """Tasks with what lists show (lead unit, campaign, assisting units) in three queries."""
    qs = Task.objects.all() if qs is None else qs
    return qs.select_related("lead_unit", "campaign", "assigning_unit").prefetch_related(
        "assisting_units"
    )


def task_document(views: list[TaskView], as_of: date) -> dict:
    """The JSON of `zhaoshang tasks --json` (contracts/cli.md)."""
    rows = []
    for v in views:
        t, s = v.task, v.status
        rows.append(
            {
                "code": t.code,
                "content": t.content,
                "lead_unit": t.lead_unit.code,
                "deadline": t.deadline.isoformat(),
                "closed_on": s.closed_on.isoformat() if s.closed_on else None,
                "status": s.status,
                "level": s.level,
                "workdays_overdue": s.workdays_overdue,
                "assisting_units": sorted(u.code for u in t.assisting_units.all()),
                "campaign": t.campaign.code if t.campaign_id else None,
                "source": t.source,
                "state": t.state,
                "person": t.person,
                "assigned_on": t.assigned_on.isoformat(),
                "leader_watching": t.leader_watching,
            }
        )
    return {"as_of": as_of.isoformat(), "tasks": rows}
