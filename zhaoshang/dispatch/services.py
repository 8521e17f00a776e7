"""Writes of the dispatch cycle: rounds, reports, reminder requests, published bulletins.

Each service runs in one transaction, leaves a history row (who, when, the
row before and after, a reason) and re-checks the actor's scope first, like
``zhaoshang/ledger/services.py``. ``actor=None`` is a system write (the
command-line import, the demo). Pages and the workbook loader write through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhaoshang.campaigns.models import Campaign
from zhaoshang.dispatch.models import (
    Bulletin,
    DispatchSettings,
    ReminderRequest,
    ReportingRound,
    Submission,
    SubmissionState,
)
from zhaoshang.engine.progress import UnknownUnit, campaign_root, compute
from zhaoshang.engine.serialize import row_document
from zhaoshang.history import mark, save_changes
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import require_edit, require_manage, scope_of
from zhaoshang.stamps import check_stamp

# The end of a deadline given as a bare day: the whole day counts as in time.
END_OF_DAY = time(23, 59, 59)


def _check_manage(actor, unit: Unit) -> None:
    if actor is not None:
        require_manage(actor, unit)


def _check_edit(actor, unit: Unit) -> None:
    if actor is not None:
        require_edit(actor, unit)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def aware(value: datetime | date) -> datetime:
    """A deadline or submission time in the project's time zone (a bare day means its end)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, END_OF_DAY)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def weekly_deadlines(
    first: date, last: date, *, weekday: int = 4, at: time = time(17)
) -> list[datetime]:
    """Every ``weekday`` (Monday 0 … Friday 4) at ``at`` between two days, both included."""
    if last < first:
        raise ValidationError(f"结束日期 {last} 早于开始日期 {first}")
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    deadlines = []
    while day <= last:
        deadlines.append(aware(datetime.combine(day, at)))
        day += timedelta(days=7)
    return deadlines


# ---------------------------------------------------------------- settings


def settings_for(campaign: Campaign) -> DispatchSettings:
    """The campaign's dispatch settings; the defaults of domain.md when none were saved."""
    found = DispatchSettings.objects.filter(campaign=campaign).first()
    return found if found is not None else DispatchSettings(campaign=campaign)


@transaction.atomic
def do_save_dispatch_settings(
    campaign: Campaign,
    *,
    actor=None,
    reason: str | None = None,
    **values,
) -> tuple[DispatchSettings, list[str]]:
    """Change the campaign's diagnostic thresholds or issuing office; returns changed names."""
    _check_manage(actor, campaign_root(campaign))
    unknown = set(values) - {
        "effort_window_days",
        "effort_median_share",
        "on_time_min_pct",
        "stale_ledger_days",
        "stuck_key_days",
        "task_due_soon_workdays",
        "task_blue_max_workdays",
        "task_orange_max_workdays",
        "issuing_office",
        "forecast_in_bulletin",
        "number_style",
        "number_prefix",
        "copy_to",
        "printing_office",
    }
    if unknown:
        raise TypeError(f"unknown dispatch settings: {sorted(unknown)}")
    found = settings_for(campaign)
    return found, save_changes(found, values, actor=actor, reason=reason)


# ---------------------------------------------------------------- rounds


@transaction.atomic
def do_create_round(
    campaign: Campaign,
    deadline: datetime | date,
    *,
    title: str = "",
    note: str = "",
    actor=None,
    reason: str | None = None,
) -> tuple[ReportingRound, bool]:
    """The round of ``campaign`` ending at ``deadline``, created when new; returns (round, created)."""
    _check_manage(actor, campaign_root(campaign))
    deadline = aware(deadline)
    found = ReportingRound.objects.filter(campaign=campaign, deadline=deadline).first()
    if found is not None:
        return found, False
    new = ReportingRound(campaign=campaign, deadline=deadline, title=title, note=note)
    save_changes(new, {}, actor=actor, reason=reason)
    return new, True


@transaction.atomic
def do_create_schedule(
    campaign: Campaign,
    deadlines: Iterable[datetime | date],
    *,
    actor=None,
) -> list[ReportingRound]:
    """Rounds for each deadline (see :func:`weekly_deadlines`); existing ones are kept.

    Untitled rounds are called 第N次调度 by their position among the campaign's
    rounds when shown, so a schedule extended later numbers on by itself.
    """
    _check_manage(actor, campaign_root(campaign))
    rounds = []
    for deadline in sorted({aware(d) for d in deadlines}):
        rounds.append(do_create_round(campaign, deadline, actor=actor, reason="生成调度计划")[0])
    return rounds


# ---------------------------------------------------------------- submissions


def _check_in_campaign(campaign: Campaign, unit: Unit) -> None:
    root = campaign_root(campaign)
    if not unit.is_within(root) or unit.pk == root.pk:
        raise ValidationError(f"单位 {unit.name} 不是专项行动「{campaign.name}」的报送单位")


def _figures(campaign: Campaign, unit: Unit, at: datetime) -> dict:
    """The unit's progress row on the day it reported (what it confirmed)."""
    try:
        progress = compute(campaign, timezone.localtime(at).date(), unit)
    except UnknownUnit as exc:
        raise ValidationError(str(exc)) from None
    return row_document(progress.unit)


@transaction.atomic
def do_submit_report(
    reporting_round: ReportingRound,
    unit: Unit,
    *,
    progress: str,
    problems: str = "",
    plan: str = "",
    actor=None,
    at: datetime | None = None,
    expected_stamp: str | None = None,
) -> Submission:
    """A unit reports for a round, confirming its ledger figures as of now.

    Reporting again replaces the texts and the figures but keeps the first
    submission time, so correcting an on-time report later does not make it late.
    """
    _check_edit(actor, unit)
    _check_in_campaign(reporting_round.campaign, unit)
    if not progress.strip():
        raise ValidationError("「进展情况」不能为空")
    at = aware(at) if at is not None else timezone.now()
    found = Submission.objects.select_for_update().filter(round=reporting_round, unit=unit).first()
    if found is not None:
        mine = {"progress": progress.strip(), "problems": problems.strip(), "plan": plan.strip()}
        check_stamp(found, expected_stamp, gettext("本单位的调度填报"), mine)
    else:
        found = Submission(round=reporting_round, unit=unit)
    values = {
        "progress": progress.strip(),
        "problems": problems.strip(),
        "plan": plan.strip(),
        "figures": _figures(reporting_round.campaign, unit, at),
        "submitted_by": _user(actor),
    }
    if found.submitted_at is None:
        values["submitted_at"] = at
    late = found.submitted_at is None and at > reporting_round.deadline
    reason = "逾期报送" if late else "调度填报"
    save_changes(found, values, actor=actor, reason=reason)
    return found


@transaction.atomic
def do_save_submission(
    campaign: Campaign,
    deadline: datetime | date,
    unit: Unit,
    submitted_at: datetime | date | None,
    progress: str,
    problems: str,
    plan: str,
    actor=None,
) -> tuple[Submission, bool, list[str]]:
    """Import one row of the 调度填报 sheet (key: campaign + deadline + unit).

    Creates the round when the campaign has none at that deadline. An empty
    ``submitted_at`` records the unit as expected but not reported. The figures
    are the unit's progress row on the submission day, computed from the ledger
    as it stands. Returns (submission, created, changed field names).
    """
    _check_edit(actor, unit)
    _check_in_campaign(campaign, unit)
    deadline = aware(deadline)
    reporting_round = ReportingRound.objects.filter(campaign=campaign, deadline=deadline).first()
    if reporting_round is None:
        # Opening a round is the office's act: a county's own import may only fill existing ones.
        root = campaign_root(campaign)
        if actor is not None and not scope_of(actor).can_manage(root):
            local = timezone.localtime(deadline)
            raise ValidationError(
                f"专项行动「{campaign.name}」没有截止时间为 {local:%Y-%m-%d %H:%M} 的调度轮次，"
                f"须由{root.name}先建立"
            )
        reporting_round = do_create_round(campaign, deadline, actor=actor, reason="导入调度填报")[0]
    found = Submission.objects.select_for_update().filter(round=reporting_round, unit=unit).first()
    created = found is None
    if created:
        found = Submission(round=reporting_round, unit=unit)
    when = aware(submitted_at) if submitted_at is not None else None
    values = {
        "submitted_at": when,
        "progress": (progress or "").strip(),
        "problems": (problems or "").strip(),
        "plan": (plan or "").strip(),
    }
    if when is None:
        values["figures"] = {}
    elif created or found.submitted_at != when:
        values["figures"] = _figures(campaign, unit, when)
    changed = save_changes(found, values, actor=actor, reason="导入调度填报")
    return found, created, changed


def submission_state(submitted_at: datetime | None, deadline: datetime, as_of_end: datetime) -> str:
    """on_time / late / missing as it stood at ``as_of_end`` (later reports are not yet in)."""
    if submitted_at is None or submitted_at > as_of_end:
        return SubmissionState.MISSING
    return SubmissionState.ON_TIME if submitted_at <= deadline else SubmissionState.LATE


# ---------------------------------------------------------------- reminders


@transaction.atomic
def do_request_reminder(
    reporting_round: ReportingRound,
    units: Iterable[Unit] | None = None,
    *,
    actor=None,
    note: str = "",
) -> ReminderRequest:
    """Record that the office asked for a reminder; by default to the units still missing.

    Keeps who asked, when and for whom, and queues one outbox message per unit
    and channel (zhaoshang/notify); the caller sends them (``send_request_now``)
    or the next ``zhaoshang remind`` does.
    """
    root = campaign_root(reporting_round.campaign)
    _check_edit(actor, root)
    if units is None:
        rows = Submission.objects.filter(round=reporting_round)
        reported = set(rows.filter(submitted_at__isnull=False).values_list("unit_id", flat=True))
        expected = set(Unit.objects.filter(parent=root).values_list("id", flat=True))
        expected |= set(rows.values_list("unit_id", flat=True))
        units = list(Unit.objects.filter(id__in=expected - reported).order_by("order", "code"))
    units = list(units)
    if not units:
        raise ValidationError("本轮调度各单位均已报送，无需催报")
    for u in units:
        if not u.is_within(root):
            raise ValidationError(
                f"单位 {u.name} 不是专项行动「{reporting_round.campaign.name}」的报送单位"
            )
    reminder = ReminderRequest(round=reporting_round, requested_by=_user(actor), note=note)
    mark(reminder, actor, "催报")
    reminder.save()
    # The m2m history of simple_history records the units with the request.
    reminder.units.set(units)
    from zhaoshang.notify.services import queue_round_request

    queue_round_request(reminder)
    return reminder


# ---------------------------------------------------------------- bulletins


@transaction.atomic
def do_publish_bulletin(
    campaign: Campaign,
    as_of: date,
    *,
    actor=None,
    published_at: datetime | None = None,
) -> Bulletin:
    """Publish the bulletin of ``as_of`` as 第N期: its document is frozen from now on.

    Numbers run per campaign; the campaign row is locked so two offices
    publishing at once cannot take the same number. A bulletin may not go
    back in time behind the latest published one.
    """
    from zhaoshang.dispatch.bulletin import build_bulletin

    root = campaign_root(campaign)
    _check_manage(actor, root)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    latest = Bulletin.objects.filter(campaign=campaign).order_by("-number").first()
    if latest is not None and as_of < latest.as_of:
        raise ValidationError(
            f"统计截止日期 {as_of} 早于已发布的第{latest.number}期（{latest.as_of}），不能发布"
        )
    number = latest.number + 1 if latest is not None else 1
    published_at = published_at or timezone.now()
    document = build_bulletin(campaign, as_of, previous=latest)
    user = _user(actor)
    document["bulletin"].update(
        {
            "status": "published",
            "number": number,
            "published_at": timezone.localtime(published_at).isoformat(timespec="seconds"),
            "published_by": (user.get_full_name() or user.get_username()) if user else None,
        }
    )
    bulletin = Bulletin(
        campaign=campaign,
        number=number,
        as_of=as_of,
        published_at=published_at,
        published_by=user,
        document=document,
        previous=latest,
    )
    mark(bulletin, actor, f"发布第{number}期")
    bulletin.save()
    return bulletin
