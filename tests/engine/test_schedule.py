"""Required % (序时进度) against hand computation: start 10-15, 50 % by 11-15, 100 % by 12-05."""

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.engine.schedule import Point, next_milestone, passed_milestones, required_pct

START = date(2026, 10, 15)
POINTS = [Point(date(2026, 11, 15), Decimal(50)), Point(date(2026, 12, 5), Decimal(100))]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 1), Decimal(0)),  # before the start
        (date(2026, 10, 15), Decimal(0)),  # the start itself
        # 16 of the 31 days from 10-15 to 11-15: 50 × 16 / 31
        (date(2026, 10, 31), Decimal(50) * 16 / 31),
        (date(2026, 11, 15), Decimal(50)),  # on the first milestone
        # 5 of the 20 days from 11-15 to 12-05: 50 + 50 × 5 / 20 = 62.5
        (date(2026, 11, 20), Decimal("62.5")),
        # 12 of 20 days: 50 + 50 × 12 / 20 = 80
        (date(2026, 11, 27), Decimal(80)),
        (date(2026, 12, 5), Decimal(100)),
        (date(2027, 1, 10), Decimal(100)),  # constant after the last milestone
    ],
)
def test_linear_required_pct(day, expected):
    assert required_pct(START, POINTS, "linear", day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 15), Decimal(0)),  # "by 15 November" still includes the 15th
        (date(2026, 11, 16), Decimal(50)),  # passed from the day after
        (date(2026, 12, 5), Decimal(50)),
        (date(2026, 12, 6), Decimal(100)),
    ],
)
def test_step_required_pct_takes_latest_passed_milestone(day, expected):
    assert required_pct(START, POINTS, "step", day) == expected


def test_no_milestones_means_nothing_required():
    assert required_pct(START, [], "linear", date(2026, 11, 20)) == 0


def test_milestone_is_passed_from_the_day_after():
    assert passed_milestones(POINTS, date(2026, 11, 15)) == []
    assert passed_milestones(POINTS, date(2026, 11, 16)) == [POINTS[0]]


def test_next_milestone_lies_after_the_day():
    assert next_milestone(POINTS, date(2026, 11, 15)) == POINTS[1]
    assert next_milestone(POINTS, date(2026, 11, 14)) == POINTS[0]
    assert next_milestone(POINTS, date(2026, 12, 5)) is None
