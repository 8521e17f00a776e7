"""Chinese working days in (D, date]: official holidays, make-up days, own table after 2026."""

from datetime import date

import pytest

from zhaoshang.campaigns.models import CalendarDay
from zhaoshang.engine.calendar import count_workdays


@pytest.mark.django_db
def test_workdays_across_national_day_and_a_make_up_saturday():
    # (09-30, 10-11]: 10-01/02 holiday, 03/04 weekend, 05-07 holiday,
    # 08 Thu and 09 Fri work, 10 Sat is a make-up working day, 11 Sun rests → 3.
    result = count_workdays(date(2026, 9, 30), date(2026, 10, 11))
    assert result.days == 3
    assert not result.estimated


@pytest.mark.django_db
def test_workdays_of_the_example_countdown():
    # (11-20 Fri, 12-05 Sat]: 11-23..27 and 11-30..12-04 → 10.
    assert count_workdays(date(2026, 11, 20), date(2026, 12, 5)).days == 10


@pytest.mark.django_db
def test_years_without_holiday_data_assume_weekends_and_say_so():
    # (2026-12-31, 2027-01-08]: 2027 is unknown to the package: Mon 01-04..Fri 01-08
    # plus Fri 01-01 → 6 working days, estimated.
    result = count_workdays(date(2026, 12, 31), date(2027, 1, 8))
    assert result.days == 6
    assert result.estimated


@pytest.mark.django_db
def test_administrator_table_overrides_both_sources():
    CalendarDay.objects.create(on=date(2027, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(on=date(2027, 1, 2), is_workday=True, note="调休上班")
    # As above, but 01-01 now rests and Sat 01-02 works: still 6, and 2026-11-20
    # (a Friday the package knows as a working day) can be turned into a holiday.
    assert count_workdays(date(2026, 12, 31), date(2027, 1, 8)).days == 6
    CalendarDay.objects.create(on=date(2026, 11, 23), is_workday=False, note="临时休息")
    assert count_workdays(date(2026, 11, 20), date(2026, 12, 5)).days == 9


@pytest.mark.django_db
@pytest.mark.parametrize("until", [date(2026, 11, 20), date(2026, 11, 1)])
def test_no_working_days_left_on_or_after_the_date(until):
    assert count_workdays(date(2026, 11, 20), until).days == 0
