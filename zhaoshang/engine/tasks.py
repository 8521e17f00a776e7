"""Status and escalation of supervised tasks (domain.md "Supervised tasks"), in one place.

As of a day D, an open task is overdue when its deadline is before D, due soon
when the deadline is D or within the next N working days (N = 3), otherwise
open; a closed task is done, or done late when closed after its deadline.
Working days overdue are those in (deadline, D] on the Chinese calendar; the
escalation is blue up to 5 of them, orange up to 10, red beyond (campaign
settings). A task closed after D is still open as of D.

:func:`statuses` answers for any number of tasks with one read of the
administrator's holiday table.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from zhaoshang.engine.calendar import is_workday, load_overrides

OPEN, DUE_SOON, OVERDUE, DONE, DONE_LATE = "open", "due_soon", "overdue", "done", "done_late"
BLUE, ORANGE, RED = "blue", "orange", "red"

STATUS_LABELS = {
    OPEN: "在办",
    DUE_SOON: "临期",
    OVERDUE: "逾期",
    DONE: "按期办结",
    DONE_LATE: "逾期办结",
}
LEVEL_LABELS = {BLUE: "蓝色督办", ORANGE: "橙色督办", RED: "红色督办"}


@dataclass(frozen=True)
class Thresholds:
    due_soon_workdays: int = 3
    blue_max: int = 5
    orange_max: int = 10

    @classmethod
    def of(cls, settings) -> Thresholds:
        """From a campaign's DispatchSettings (None: the defaults)."""
        if settings is None:
            return cls()
        return cls(
            settings.task_due_soon_workdays,
            settings.task_blue_max_workdays,
            settings.task_orange_max_workdays,
        )


DEFAULT = Thresholds()


@dataclass(frozen=True)
class TaskStatus:
    status: str
    level: str | None
    workdays_overdue: int
    # Closed by the as-of day: the closing day, else None.
    closed_on: date | None
    # Part of the range had no holiday data (weekends were assumed).
    estimated: bool = False

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level] if self.level else ""

    @property
    def is_open(self) -> bool:
        return self.status in (OPEN, DUE_SOON, OVERDUE)


class WorkdayIndex:
    """Working days of a range of dates, counted in (a, b] by two bisections."""

    def __init__(self, first: date, last: date, overrides: dict[date, bool] | None = None):
        self.first, self.last = first, last
        if overrides is None:
            overrides = load_overrides(first, last)
        self.days: list[date] = []
        self.estimated = False
        day = first
        while day <= last:
            working, known = is_workday(day, overrides)
            if working:
                self.days.append(day)
            self.estimated |= not known
            day += timedelta(days=1)

    def between(self, start: date, until: date) -> int:
        """Working days in (start, until]."""
        if until <= start:
            return 0
        return bisect_right(self.days, until) - bisect_right(self.days, start)

    def nth_after(self, start: date, n: int) -> date | None:
        """The n-th working day after ``start`` (None beyond the range)."""
        i = bisect_right(self.days, start) + n - 1
        return self.days[i] if i < len(self.days) else None


def task_status(
    deadline: date,
    closed_on: date | None,
    as_of: date,
    index: WorkdayIndex,
    thresholds: Thresholds = DEFAULT,
) -> TaskStatus:
    """One task's status as of ``as_of`` (``index`` must cover deadline … as_of + a month)."""
    if closed_on is not None and closed_on <= as_of:
        return TaskStatus(DONE if closed_on <= deadline else DONE_LATE, None, 0, closed_on)
    if deadline < as_of:
        late = index.between(deadline, as_of)
        if late <= thresholds.blue_max:
            level = BLUE
        elif late <= thresholds.orange_max:
            level = ORANGE
        else:
            level = RED
        return TaskStatus(OVERDUE, level, late, None, index.estimated)
    if deadline == as_of or index.between(as_of, deadline) <= thresholds.due_soon_workdays:
        return TaskStatus(DUE_SOON, None, 0, None)
    return TaskStatus(OPEN, None, 0, None)


def index_for(
    as_of: date, deadlines: list[date], thresholds: list[Thresholds] = ()
) -> WorkdayIndex:
    """The calendar the tasks need: from their earliest deadline to well past the day."""
    ahead = max([t.due_soon_workdays for t in thresholds] + [DEFAULT.due_soon_workdays])
    first = min([as_of, *deadlines])
    # Enough calendar days to hold N working days even across the Spring Festival.
    return WorkdayIndex(first, as_of + timedelta(days=ahead * 2 + 14))


def statuses(tasks: list[tuple[date, date | None, Thresholds]], as_of: date) -> list[TaskStatus]:
    """(deadline, closed_on, thresholds) of each task → its status as of the day."""
    if not tasks:
        return []
    index = index_for(as_of, [t[0] for t in tasks], [t[2] for t in tasks])
    return [task_status(d, c, as_of, index, th) for d, c, th in tasks]
