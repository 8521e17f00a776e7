"""What is waiting for the people who report: the to-do box of their home page.

Three kinds of item, each for the units the user may edit (填报员, 管理员):
本轮待报 (the open reporting round their unit has not reported in yet),
督办 due soon or overdue that their unit leads or helps with, and 督办 returned
by the review (复核退回) to be done again. A fixed number of queries whatever
the number of units, rounds or tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from zhaoshang.campaigns.models import Campaign
from zhaoshang.dispatch.models import ReportingRound, Submission
from zhaoshang.dispatch.rounds import ordinal_of, participants, round_name
from zhaoshang.engine.tasks import DUE_SOON, OVERDUE
from zhaoshang.org.models import EDITING_ROLES, Membership
from zhaoshang.supervision.models import State, StepKind, Task, TaskStep
from zhaoshang.supervision.queries import with_status

# How far ahead a deadline counts as "due": the same three weeks as the 督办提醒 box.
DUE_WITHIN = timedelta(days=21)
LIMIT = 10


@dataclass
class PendingReport:
    round: ReportingRound
    name: str
    unit: object


@dataclass
class Todo:
    reports: list[PendingReport] = field(default_factory=list)
    due: list = field(default_factory=list)
    returned: list[Task] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reports or self.due or self.returned)


def _own_units(user) -> list:
    """The units the user reports for; the memberships are read once per request
    (the same list the top bar shows, web/templatetags/zs_format.memberships)."""
    cached = getattr(user, "_zhaoshang_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
        )
        user._zhaoshang_memberships = cached
    return [m.unit for m in cached if m.role in EDITING_ROLES]


def _own_q(units, prefix: str = "") -> Q:
    """Tasks a unit leads or assists on (its own, not those of the units below it)."""
    ids = [u.pk for u in units]
    return Q(**{f"{prefix}lead_unit__in": ids}) | Q(**{f"{prefix}assisting_units__in": ids})


def todo_for(user, campaign: Campaign | None, today: date) -> Todo:
    """The to-do box of ``user``; empty for leaders and viewers."""
    units = _own_units(user)
    found = Todo()
    if not units:
        return found
    if campaign is not None:
        found.reports = _pending_reports(campaign, units)
    open_tasks = (
        Task.objects.filter(_own_q(units), closed_on__isnull=True, assigned_on__lte=today)
        .distinct()
        .select_related("lead_unit")
    )
    views = with_status(open_tasks.filter(deadline__lte=today + DUE_WITHIN), today)
    found.due = [v for v in views if v.status.status in (OVERDUE, DUE_SOON)][:LIMIT]
    last_step = TaskStep.objects.filter(task=OuterRef("pk")).order_by("-at", "-pk")
    found.returned = list(
        open_tasks.filter(state=State.IN_PROGRESS)
        .annotate(last_kind=Subquery(last_step.values("kind")[:1]))
        .filter(last_kind=StepKind.RETURN)
        .order_by("deadline", "code")[:LIMIT]
    )
    return found


def _pending_reports(campaign: Campaign, units) -> list[PendingReport]:
    """The next round still open, for each of the user's units it expects that has not reported."""
    now = timezone.now()
    current = (
        ReportingRound.objects.filter(campaign=campaign, deadline__gte=now)
        .order_by("deadline")
        .first()
    )
    if current is None:
        return []
    expected = {u.pk for u in participants(campaign)}
    rows = {
        s.unit_id: s.submitted_at
        for s in Submission.objects.filter(round=current, unit__in=[u.pk for u in units])
    }
    name = round_name(current, ordinal_of(current))
    return [
        PendingReport(current, name, unit)
        for unit in units
        if (unit.pk in expected or unit.pk in rows) and rows.get(unit.pk) is None
    ]
