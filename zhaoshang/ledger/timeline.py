"""A project's stage timeline with the days spent in each stage (read-only, no queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhaoshang.ledger.models import Project, StageEvent


@dataclass
class Step:
    event: StageEvent
    # Days from this event to the next one (or to today / the drop day for the last).
    days: int
    # The stage the project is in now, still counting.
    current: bool
    going_back: bool


def stage_timeline(project: Project, events: list[StageEvent], today: date) -> list[Step]:
    """Stage changes in the order they were made, each with the days until the next one.

    The order is the order of recording, because stage changes are made one
    after the other; the dates are the days things happened, which may be
    earlier than the day they were typed in (a project entered today as a
    lead and advanced to 合同 as of last week). Days are calendar days between
    those dates, never negative; a dropped project stops counting on its drop day.
    """
    ordered = sorted(events, key=lambda e: e.pk)
    end = project.dropped_on if project.is_dropped and project.dropped_on else today
    steps = []
    previous_stage = None
    for i, event in enumerate(ordered):
        last = i == len(ordered) - 1
        until = end if last else ordered[i + 1].on
        steps.append(
            Step(
                event=event,
                days=max((until - event.on).days, 0),
                current=last and not project.is_dropped,
                going_back=previous_stage is not None and event.stage < previous_stage,
            )
        )
        previous_stage = event.stage
    return steps
