"""Chinese working days: official holidays and make-up working days (调休).

Sources, in order: the administrator's own table (CalendarDay), then the
``chinesecalendar`` package (2004–2026), then the plain weekend rule, in which
case the answer is marked as estimated so the pages can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class WorkdayCount:
    days: int
    # True when part of the range had no holiday data and weekends were assumed.
    estimated: bool


def load_overrides(first: date, last: date) -> dict[date, bool]:
    """The administrator's entries for a range of days: one query."""
    from zhaoshang.campaigns.models import CalendarDay

    return dict(
        CalendarDay.objects.filter(on__gte=first, on__lte=last).values_list("on", "is_workday")
    )


def is_workday(day: date, overrides: dict[date, bool]) -> tuple[bool, bool]:
    """(is it a working day, is that known rather than assumed)."""
    if day in overrides:
        return overrides[day], True
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def workdays_after(start: date, until: date, overrides: dict[date, bool]) -> WorkdayCount:
    """Working days in (start, until]: the countdown's 个工作日."""
    count = 0
    estimated = False
    day = start + timedelta(days=1)
    while day <= until:
        working, known = is_workday(day, overrides)
        count += working
        estimated |= not known
        day += timedelta(days=1)
    return WorkdayCount(count, estimated)


def count_workdays(start: date, until: date) -> WorkdayCount:
    """Working days in (start, until], reading the administrator's table once."""
    if until <= start:
        return WorkdayCount(0, False)
    return workdays_after(start, until, load_overrides(start + timedelta(days=1), until))
