"""Task status and escalation as of a day, hand-computed on the 2026 Chinese calendar.

National Day 2026: 10-01 … 10-07 are holidays; Saturday 10-10 is a make-up
working day (调休); 10-11 (Sunday), 10-17 and 10-18 are rest days. A task due
Wednesday 09-30 is overdue from 10-01; its working days overdue are those in
(09-30, as-of]:

    as of    working days after 09-30 up to the day                 count  level
    10-07    (the holiday only)                                        0    blue
    10-09    10-08, 10-09                                              2    blue
    10-10    + 10-10 (Saturday, but a working day)                     3    blue
    10-13    + 10-12, 10-13                                            5    blue
    10-14    + 10-14                                                   6    orange
    10-20    + 10-15, 10-16, (17, 18 rest), 10-19, 10-20              10    orange
    10-21    + 10-21                                                  11    red

By the weekend rule alone 10-16 would already count 12 (red); the calendar says 8.
"""

from datetime import date

import pytest

from zhaoshang.campaigns.models import CalendarDay
from zhaoshang.engine.tasks import (
    BLUE,
    DEFAULT,
    DONE,
    DONE_LATE,
    DUE_SOON,
    OPEN,
    ORANGE,
    OVERDUE,
    RED,
    Thresholds,
    WorkdayIndex,
    statuses,
    task_status,
)

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 9, 30)


def status(as_of, deadline=DEADLINE, closed_on=None, thresholds=DEFAULT):
    (found,) = statuses([(deadline, closed_on, thresholds)], as_of)
    return found


@pytest.mark.parametrize(
    ("as_of", "workdays", "level"),
    [
        (date(2026, 10, 7), 0, BLUE),
        (date(2026, 10, 9), 2, BLUE),
        (date(2026, 10, 10), 3, BLUE),
        (date(2026, 10, 11), 3, BLUE),
        (date(2026, 10, 13), 5, BLUE),
        (date(2026, 10, 14), 6, ORANGE),
        (date(2026, 10, 16), 8, ORANGE),
        (date(2026, 10, 20), 10, ORANGE),
        (date(2026, 10, 21), 11, RED),
    ],
)
def test_escalation_counts_working_days_across_national_day(as_of, workdays, level):
    found = status(as_of)
    assert (found.status, found.workdays_overdue, found.level) == (OVERDUE, workdays, level)


def test_the_deadline_day_itself_is_due_soon_not_overdue():
    found = status(DEADLINE)
    assert (found.status, found.level, found.workdays_overdue) == (DUE_SOON, None, 0)


def test_due_soon_is_the_next_three_working_days_across_the_holiday():
    # As of Tuesday 09-29 the next three working days are 09-30, 10-08, 10-09:
    # a deadline on 10-09 (ten calendar days away) is due soon, 10-10 (the make-up
    # Saturday, the fourth working day) is not.
    as_of = date(2026, 9, 29)
    assert status(as_of, deadline=date(2026, 10, 9)).status == DUE_SOON
    assert status(as_of, deadline=date(2026, 10, 5)).status == DUE_SOON
    assert status(as_of, deadline=date(2026, 10, 10)).status == OPEN


def test_closed_tasks_are_done_or_done_late_and_open_before_closing():
    assert status(date(2026, 10, 20), closed_on=date(2026, 9, 30)).status == DONE
    late = status(date(2026, 10, 20), closed_on=date(2026, 10, 9))
    assert (late.status, late.level, late.workdays_overdue) == (DONE_LATE, None, 0)
    # As of a day before it was closed, the task was still overdue then.
    before = status(date(2026, 10, 8), closed_on=date(2026, 10, 9))
    assert (before.status, before.workdays_overdue, before.closed_on) == (OVERDUE, 1, None)


def test_thresholds_are_settings():
    tight = Thresholds(due_soon_workdays=1, blue_max=2, orange_max=3)
    # 10-10: 3 working days overdue → above blue 2, within orange 3
    assert status(date(2026, 10, 10), thresholds=tight).level == ORANGE
    assert status(date(2026, 10, 12), thresholds=tight).level == RED
    # as of 09-29 only 09-30 is within one working day
    assert status(date(2026, 9, 29), deadline=date(2026, 10, 8), thresholds=tight).status == OPEN


def test_the_administrators_calendar_wins(django_assert_num_queries):
    # The office declares 10-09 a rest day: as of 10-09 only 10-08 counts.
    CalendarDay.objects.create(on=date(2026, 10, 9), is_workday=False)
    with django_assert_num_queries(1):
        found = status(date(2026, 10, 9))
    assert found.workdays_overdue == 1


def test_beyond_the_known_calendar_weekends_are_assumed_and_said():
    index = WorkdayIndex(date(2027, 1, 1), date(2027, 2, 1), overrides={})
    found = task_status(date(2027, 1, 8), None, date(2027, 1, 15), index)
    # (Fri 01-08, Fri 01-15]: Mon–Fri 01-11 … 01-15 = 5 by the weekend rule
    assert (found.workdays_overdue, found.estimated) == (5, True)
