"""Reads of the reporting cycle for the pages: the rounds of a campaign and who reported.

Expected units follow docs/dispatch.md: in every round the campaign root's
children, plus any unit holding a report row for that round (an imported
调度填报 row without 提交时间 says "expected, not reported"). Each function
runs a fixed number of queries whatever the number of units or rounds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.campaigns.models import Campaign
from zhaoshang.dispatch.models import ReportingRound, Submission, SubmissionState
from zhaoshang.dispatch.services import submission_state
from zhaoshang.engine.progress import campaign_root
from zhaoshang.org.models import Unit

# Not reported while the deadline is still ahead: not yet "missing".
PENDING = "pending"


def round_name(reporting_round: ReportingRound, ordinal: int) -> str:
    """The round's title, else 第N次调度 by its position among the campaign's rounds."""
    return reporting_round.title or _("第%(n)d次调度") % {"n": ordinal}


def state_at(submitted_at: datetime | None, deadline: datetime, now: datetime) -> str:
    """on_time / late / missing, or pending while the deadline has not passed."""
    state = submission_state(submitted_at, deadline, now)
    if state == SubmissionState.MISSING and now <= deadline:
        return PENDING
    return state


@dataclass
class RoundSummary:
    """One line of a campaign's round list."""

    round: ReportingRound
    ordinal: int
    expected: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # State of each unit of the viewer's own (by unit id), for the "本单位" column.
    own: dict[int, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return round_name(self.round, self.ordinal)

    @property
    def closed(self) -> bool:
        return self.round.deadline < timezone.now()


def participants(campaign: Campaign) -> list[Unit]:
    """The units expected in every round: the campaign root's children (one query)."""
    root = campaign_root(campaign)
    return list(Unit.objects.filter(parent=root).order_by("order", "code"))


def overview(
    campaign: Campaign,
    own_unit_ids: set[int] | None = None,
    *,
    expected: list[Unit] | None = None,
) -> list[RoundSummary]:
    """Every round of ``campaign`` with how many units reported on time, late or not.

    Two queries, three when ``expected`` (the participants, if already read) is not given.
    """
    now = timezone.now()
    base = {u.pk for u in (participants(campaign) if expected is None else expected)}
    rounds = list(ReportingRound.objects.filter(campaign=campaign).order_by("deadline"))
    rows: dict[int, dict[int, datetime | None]] = defaultdict(dict)
    for round_id, unit_id, submitted_at in Submission.objects.filter(
        round__campaign=campaign
    ).values_list("round_id", "unit_id", "submitted_at"):
        rows[round_id][unit_id] = submitted_at
    summaries = []
    for ordinal, rnd in enumerate(rounds, start=1):
        summary = RoundSummary(rnd, ordinal)
        submitted = dict.fromkeys(base) | rows[rnd.pk]
        summary.expected = len(submitted)
        for unit_id, at in submitted.items():
            state = state_at(at, rnd.deadline, now)
            summary.counts[state] += 1
            if own_unit_ids and unit_id in own_unit_ids:
                summary.own[unit_id] = state
        summaries.append(summary)
    return summaries


@dataclass
class RosterEntry:
    """A unit expected in a round, its report (if any) and where it stands."""

    unit: Unit
    submission: Submission | None
    state: str


def ordinal_of(reporting_round: ReportingRound) -> int:
    """The round's position among its campaign's rounds, by deadline (one query)."""
    return ReportingRound.objects.filter(
        campaign_id=reporting_round.campaign_id, deadline__lte=reporting_round.deadline
    ).count()


def roster(reporting_round: ReportingRound) -> list[RosterEntry]:
    """Every unit expected in the round, in the tree's display order (two queries)."""
    now = timezone.now()
    rows = {
        s.unit_id: s
        for s in Submission.objects.filter(round=reporting_round).select_related(
            "unit", "submitted_by"
        )
    }
    units = {u.pk: u for u in participants(reporting_round.campaign)}
    for unit_id, submission in rows.items():
        units.setdefault(unit_id, submission.unit)
    entries = []
    for unit in sorted(units.values(), key=lambda u: (u.depth, u.order, u.code)):
        submission = rows.get(unit.pk)
        at = submission.submitted_at if submission else None
        entries.append(RosterEntry(unit, submission, state_at(at, reporting_round.deadline, now)))
    return entries
