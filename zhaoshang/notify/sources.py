"""What is due for a reminder on a day: each source returns the day's :class:`Due` items.

Sources register with :func:`source`; ``zhaoshang remind`` asks all of them.
Each reads a fixed number of queries whatever the number of units or rounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.org.models import Person, Unit


@dataclass
class Due:
    """A reminder someone should get today: to a unit, and to its responsible person if set."""

    kind: str
    about: str
    unit: Unit
    subject: str
    body: str
    person: Person | None = None


SOURCES: list[Callable[[date], list[Due]]] = []


def source(fn: Callable[[date], list[Due]]) -> Callable[[date], list[Due]]:
    """Register a reminder source (a function of the day)."""
    SOURCES.append(fn)
    return fn


def collect(as_of: date) -> list[Due]:
    """Everything due on ``as_of`` from every registered source."""
    found: list[Due] = []
    for fn in SOURCES:
        found.extend(fn(as_of))
    return found


def _link(path: str) -> str:
    base = settings.ZHAOSHANG_SITE_URL
    return f"\n\n{_('登录平台办理：')}{base.rstrip('/')}{path}" if base else ""


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def round_due_text(unit: Unit, campaign, name: str, deadline: datetime, late: bool, path: str):
    """(subject, body) of a reporting-round reminder."""
    if late:
        subject = _("【调度报送逾期】%(campaign)s %(round)s") % {
            "campaign": campaign.name,
            "round": name,
        }
        body = _("%(unit)s：%(round)s已于%(when)s截止，贵单位尚未报送，请尽快补报。") % {
            "unit": unit.name,
            "round": name,
            "when": _when(deadline),
        }
    else:
        subject = _("【调度报送提醒】%(campaign)s %(round)s") % {
            "campaign": campaign.name,
            "round": name,
        }
        body = _("%(unit)s：%(round)s将于%(when)s截止，贵单位尚未报送，请按时填报。") % {
            "unit": unit.name,
            "round": name,
            "when": _when(deadline),
        }
    return subject, body + _link(path)


def expected_missing(rounds, as_of_end: datetime) -> dict[int, list[Unit]]:
    """Per round id, the expected units that had not reported by ``as_of_end``.

    Expected: the campaign root's children plus any unit holding a report row
    for the round (docs/dispatch.md). Three queries for any number of rounds.
    """
    from zhaoshang.dispatch.models import Submission
    from zhaoshang.engine.progress import campaign_root

    rounds = list(rounds)
    if not rounds:
        return {}
    roots = {}
    for rnd in rounds:
        if rnd.campaign_id not in roots:
            roots[rnd.campaign_id] = campaign_root(rnd.campaign)
    root_ids = {root.pk for root in roots.values()}
    children: dict[int, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(parent_id__in=root_ids).order_by("order", "code"):
        children[unit.parent_id].append(unit)
    rows: dict[int, dict[int, tuple[Unit, datetime | None]]] = defaultdict(dict)
    for sub in Submission.objects.filter(round__in=rounds).select_related("unit"):
        rows[sub.round_id][sub.unit_id] = (sub.unit, sub.submitted_at)
    missing: dict[int, list[Unit]] = {}
    for rnd in rounds:
        units = {u.pk: (u, None) for u in children[roots[rnd.campaign_id].pk]}
        units.update(rows[rnd.pk])
        missing[rnd.pk] = sorted(
            (u for u, at in units.values() if at is None or at > as_of_end),
            key=lambda u: (u.depth, u.order, u.code),
        )
    return missing


@source
def reporting_rounds(as_of: date) -> list[Due]:
    """Rounds closing today or within the next working days, and the latest round missed."""
    from django.urls import reverse

    from zhaoshang.dispatch.models import ReportingRound
    from zhaoshang.dispatch.rounds import round_name
    from zhaoshang.engine.calendar import load_overrides, workdays_after
    from zhaoshang.notify.models import ReminderKind

    ahead = settings.ZHAOSHANG_REMIND_ROUND_DAYS
    start = timezone.make_aware(datetime.combine(as_of, time.min))
    end = start + timedelta(days=1)
    horizon = as_of + timedelta(days=7 + 2 * ahead)
    rounds = list(
        ReportingRound.objects.filter(
            deadline__lt=timezone.make_aware(datetime.combine(horizon, time.min)),
            campaign__end__gte=as_of - timedelta(days=30),
        )
        .select_related("campaign", "campaign__unit")
        .order_by("campaign_id", "deadline")
    )
    overrides = load_overrides(as_of, horizon)
    ordinal: dict[int, int] = defaultdict(int)
    chosen: list[tuple] = []
    latest_past: dict[int, tuple] = {}
    for rnd in rounds:
        ordinal[rnd.campaign_id] += 1
        name = round_name(rnd, ordinal[rnd.campaign_id])
        day = timezone.localtime(rnd.deadline).date()
        if rnd.deadline < start:
            # Only the latest round missed is chased; older ones are history.
            latest_past[rnd.campaign_id] = (rnd, name, True)
        elif workdays_after(as_of, day, overrides).days <= ahead:
            chosen.append((rnd, name, False))
    chosen.extend(latest_past.values())
    missing = expected_missing([c[0] for c in chosen], end)
    dues = []
    for rnd, name, late in chosen:
        path = reverse("dispatch:round", args=[rnd.campaign.code, rnd.pk])
        for unit in missing[rnd.pk]:
            subject, body = round_due_text(unit, rnd.campaign, name, rnd.deadline, late, path)
            kind = ReminderKind.ROUND_LATE if late else ReminderKind.ROUND_DUE
            dues.append(Due(kind, f"round:{rnd.pk}", unit, subject, body))
    return dues


@source
def supervised_tasks(as_of: date) -> list[Due]:
    """Tasks due soon or overdue (the supervision app's engine status), to the lead unit,
    to its responsible person when that person has channels of their own, and to each
    assisting unit (with a text naming the lead unit)."""
    from django.apps import apps

    if not apps.is_installed("zhaoshang.supervision"):
        return []
    from zhaoshang.notify.models import ReminderKind
    from zhaoshang.supervision.models import Task
    from zhaoshang.supervision.queries import listed, with_status

    views = [
        v
        for v in with_status(
            listed(
                Task.objects.filter(
                    Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), assigned_on__lte=as_of
                )
            ),
            as_of,
        )
        if v.status.status in ("due_soon", "overdue")
    ]
    wanted = {(v.task.lead_unit_id, v.task.person) for v in views if v.task.person}
    people = {}
    if wanted:
        for person in Person.objects.filter(
            unit_id__in={u for u, _n in wanted}, name__in={n for _u, n in wanted}
        ):
            people[(person.unit_id, person.name)] = person
    dues = []
    for v in views:
        task, status = v.task, v.status
        subject, body = task_due_text(task, status)
        kind = ReminderKind.TASK_OVERDUE if status.status == "overdue" else ReminderKind.TASK_DUE
        person = people.get((task.lead_unit_id, task.person))
        dues.append(Due(kind, f"task:{task.code}", task.lead_unit, subject, body, person))
        for unit in task.assisting_units.all():
            if unit.pk == task.lead_unit_id:
                continue
            subject, body = task_due_text(task, status, assisting=unit)
            dues.append(Due(kind, f"task:{task.code}", unit, subject, body))
    return dues


LEVEL_WORDS = {
    "blue": gettext_lazy("蓝色督办"),
    "orange": gettext_lazy("橙色督办"),
    "red": gettext_lazy("红色督办"),
}


def task_due_text(task, status, *, assisting: Unit | None = None) -> tuple[str, str]:
    """(subject, body) of a supervised task's reminder: to its lead unit, or with
    ``assisting`` to that assisting unit (协办), naming the lead unit."""
    deadline = f"{task.deadline.month}月{task.deadline.day}日"
    values = {
        "unit": (assisting or task.lead_unit).name,
        "lead": task.lead_unit.name,
        "content": task.content,
        "code": task.code,
        "deadline": deadline,
        "n": status.workdays_overdue,
    }
    if status.status == "overdue":
        subject = _("【%(level)s】%(code)s %(content)s") % {
            "level": LEVEL_WORDS.get(status.level or "") or _("督办事项逾期"),
            "code": task.code,
            "content": task.content[:40],
        }
        if assisting is not None:
            body = (
                _(
                    "%(unit)s：贵单位协办、%(lead)s牵头的督办事项「%(content)s」（%(code)s）"
                    "办理时限为%(deadline)s，已逾期 %(n)d 个工作日，请配合牵头单位尽快办结。"
                )
                % values
            )
        else:
            body = (
                _(
                    "%(unit)s：督办事项「%(content)s」（%(code)s）办理时限为%(deadline)s，"
                    "已逾期 %(n)d 个工作日，请尽快办结并反馈。"
                )
                % values
            )
    else:
        subject = _("【督办事项即将到期】%(code)s %(content)s") % {
            "code": task.code,
            "content": task.content[:40],
        }
        if assisting is not None:
            body = (
                _(
                    "%(unit)s：贵单位协办、%(lead)s牵头的督办事项「%(content)s」（%(code)s）"
                    "办理时限为%(deadline)s，请配合牵头单位按时办结。"
                )
                % values
            )
        else:
            body = (
                _(
                    "%(unit)s：督办事项「%(content)s」（%(code)s）办理时限为%(deadline)s，"
                    "请按时办结并反馈。"
                )
                % values
            )
    return subject, body
