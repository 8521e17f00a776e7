"""Schedule progress (序时进度): the share of a target that should be done by a day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LINEAR = "linear"
STEP = "step"


@dataclass(frozen=True)
class Point:
    on: date
    pct: Decimal


def required_pct(start: date, milestones: Sequence[Point], mode: str, day: date) -> Decimal:
    """Required % at ``day`` (domain.md, "Schedule and status").

    linear: piecewise-linear through (start, 0 %) and every milestone, constant
    after the last one, 0 before the start. step: the % of the latest milestone
    passed, a milestone dated M being passed from the day after M.
    """
    points = sorted(milestones, key=lambda p: p.on)
    if day < start or not points:
        return Decimal(0)
    if mode == STEP:
        passed = [p.pct for p in points if p.on < day]
        return passed[-1] if passed else Decimal(0)
    previous = Point(start, Decimal(0))
    for point in points:
        if day <= point.on:
            span = (point.on - previous.on).days
            if span <= 0:
                return point.pct
            elapsed = (day - previous.on).days
            return previous.pct + (point.pct - previous.pct) * Decimal(elapsed) / Decimal(span)
        previous = point
    return points[-1].pct


def passed_milestones(milestones: Sequence[Point], day: date) -> list[Point]:
    """Milestones whose day is over ("by 15 November" includes the 15th)."""
    return [p for p in milestones if p.on < day]


def next_milestone(milestones: Sequence[Point], day: date) -> Point | None:
    """The first milestone dated after ``day``, if any."""
    later = sorted((p for p in milestones if p.on > day), key=lambda p: p.on)
    return later[0] if later else None
