"""Dispatch writes: rounds, reports, the 调度填报 import entry point, reminders, publishing.

Every write leaves a history row and re-checks the actor's scope.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.dispatch.conftest import AS_OF, at
from tests.engine import builders as b
from zhaoshang.dispatch.models import (
    Bulletin,
    BulletinFrozen,
    DispatchSettings,
    ReminderRequest,
    ReportingRound,
    Submission,
)
from zhaoshang.dispatch.services import (
    do_create_round,
    do_create_schedule,
    do_publish_bulletin,
    do_request_reminder,
    do_save_dispatch_settings,
    do_save_submission,
    do_submit_report,
    settings_for,
    weekly_deadlines,
)
from zhaoshang.org.scope import visible
from zhaoshang.org.services import do_save_account

pytestmark = pytest.mark.django_db


def account(name, unit, role):
    return do_save_account(name, full_name=name, unit=unit, role=role, password="x-123456789")[0]


def test_weekly_schedule_every_friday_at_five():
    deadlines = weekly_deadlines(date(2026, 11, 1), date(2026, 11, 30), weekday=4, at=time(17))
    assert [timezone.localtime(d).strftime("%m-%d %H:%M %a") for d in deadlines] == [
        "11-06 17:00 Fri",
        "11-13 17:00 Fri",
        "11-20 17:00 Fri",
        "11-27 17:00 Fri",
    ]
    with pytest.raises(ValidationError):
        weekly_deadlines(date(2026, 11, 30), date(2026, 11, 1))


def test_schedule_keeps_existing_rounds_and_leaves_history(world):
    c = world["campaign"]
    before = ReportingRound.objects.filter(campaign=c).count()
    listed = [at(11, 27, 17), at(12, 4, 17), timezone.make_aware(datetime(2026, 12, 4, 17))]
    rounds = do_create_schedule(c, listed)
    # 11-27 existed; 12-04 given twice is one round
    assert len(rounds) == 2
    assert ReportingRound.objects.filter(campaign=c).count() == before + 1
    new = ReportingRound.objects.get(campaign=c, deadline=at(12, 4, 17))
    assert str(new) == "2026-12-04 17:00 调度"
    assert new.history.get().history_change_reason == "生成调度计划"


def test_submission_on_time_keeps_the_figures_it_confirmed(world):
    r1 = world["rounds"][0]
    sub = Submission.objects.get(round=r1, unit=world["A"])
    assert sub.state == "on_time" and not sub.is_late
    # A on 11-06: pA1 9000 (11-01) counted, pA2 not yet (11-10)
    assert sub.figures["indicators"]["contract_amount"]["achieved"] == "9000.00"
    assert sub.figures["code"] == "880001"
    late = Submission.objects.get(round=world["rounds"][1], unit=world["B"])
    assert late.state == "late"
    assert late.history.get().history_change_reason == "逾期报送"


def test_reporting_again_keeps_the_first_time(world):
    r3 = world["rounds"][2]
    first = Submission.objects.get(round=r3, unit=world["A"]).submitted_at
    sub = do_submit_report(r3, world["A"], progress="补充：新签一个项目", at=at(11, 25))
    assert sub.submitted_at == first
    assert sub.state == "on_time"
    assert sub.progress == "补充：新签一个项目"
    assert sub.history.count() == 2


def test_report_needs_progress_and_a_participating_unit(world):
    r3 = world["rounds"][2]
    with pytest.raises(ValidationError):
        do_submit_report(r3, world["D"], progress="  ")
    other = b.unit("990000", "他州")
    with pytest.raises(ValidationError):
        do_submit_report(r3, other, progress="进展")
    with pytest.raises(ValidationError):
        do_submit_report(r3, world["R"], progress="组织单位本身不报送")


def test_report_scope_is_rechecked(world):
    r3 = world["rounds"][2]
    county_reporter = account("rA", world["A"], "reporter")
    viewer = account("vC", world["C"], "viewer")
    with pytest.raises(Http404):
        do_submit_report(r3, world["D"], progress="代报", actor=county_reporter)
    with pytest.raises(PermissionDenied):
        do_submit_report(r3, world["C"], progress="只读账号", actor=viewer)
    assert not Submission.objects.filter(round=r3, unit=world["D"]).exists()
    sub = do_submit_report(r3, world["A"], progress="县里自报", actor=county_reporter)
    assert sub.submitted_by == county_reporter
    assert sub.history.first().history_user == county_reporter


def test_import_entry_point_upserts_and_opens_missing_rounds(world):
    c = world["campaign"]
    deadline = datetime(2026, 11, 24, 12, 0)  # a naive workbook value: Beijing time
    sub, created, changed = do_save_submission(
        c, deadline, world["C"], datetime(2026, 11, 24, 13, 30), "进展", "问题", "计划"
    )
    assert created
    assert sub.round.deadline == at(11, 24, 12)
    assert sub.state == "late"
    assert sub.figures["indicators"]["contract_amount"]["achieved"] == "12000.00"
    assert sub.history.get().history_change_reason == "导入调度填报"
    # the same row again changes nothing and writes no history
    same, created, changed = do_save_submission(
        c, deadline, world["C"], datetime(2026, 11, 24, 13, 30), "进展", "问题", "计划"
    )
    assert (same.pk, created, changed) == (sub.pk, False, [])
    assert same.history.count() == 1
    # an empty 提交时间 records the unit as expected but missing
    missing, created, _ = do_save_submission(c, deadline, world["D"], None, "", "", "")
    assert missing.state == "missing" and missing.figures == {}
    # a bare day means the end of that day
    by_day, _, _ = do_save_submission(
        c, date(2026, 11, 25), world["A"], date(2026, 11, 25), "进展", "", ""
    )
    assert timezone.localtime(by_day.round.deadline).time() == time(23, 59, 59)
    assert by_day.state == "on_time"


def test_county_import_fills_rounds_but_cannot_open_them(world):
    reporter = account("rC", world["C"], "reporter")
    r3 = world["rounds"][2]
    sub, created, _ = do_save_submission(
        world["campaign"], r3.deadline, world["C"], at(11, 21), "补报", "", "", actor=reporter
    )
    assert created and sub.state == "late"
    with pytest.raises(
        ValidationError, match="没有截止时间为 2026-12-01 17:00 的调度轮次，须由样州先建立"
    ):
        do_save_submission(
            world["campaign"],
            at(12, 1, 17),
            world["C"],
            at(12, 1),
            "新轮次",
            "",
            "",
            actor=reporter,
        )
    assert not ReportingRound.objects.filter(deadline=at(12, 1, 17)).exists()


def test_reminder_defaults_to_the_missing_units(world):
    r3 = world["rounds"][2]
    office = account("office", world["R"], "admin")
    reminder = do_request_reminder(r3, actor=office, note="请于今日下班前报送")
    assert sorted(u.name for u in reminder.units.all()) == ["丁局", "丙开发区"]
    assert reminder.requested_by == office
    # one history row for the request, one for the units it names
    created, named = reminder.history.order_by("history_id")
    assert (created.history_type, named.history_type) == ("+", "~")
    assert {created.history_user, named.history_user} == {office}
    assert named.history_change_reason == "催报"
    assert named.units.count() == 2
    county = account("rB", world["B"], "reporter")
    with pytest.raises(Http404):
        do_request_reminder(r3, [world["C"]], actor=county)


def test_no_reminder_when_everyone_reported(world):
    r1 = world["rounds"][0]
    do_submit_report(r1, world["D"], progress="补报", at=at(11, 6, 12))
    with pytest.raises(ValidationError):
        do_request_reminder(r1)
    assert not ReminderRequest.objects.exists()


def test_settings_default_to_domain_values_and_keep_history(world):
    c = world["campaign"]
    defaults = settings_for(c)
    assert defaults.pk is None
    assert (
        defaults.effort_window_days,
        defaults.effort_median_share,
        defaults.on_time_min_pct,
        defaults.stale_ledger_days,
        defaults.stuck_key_days,
    ) == (14, Decimal("0.50"), Decimal("80"), 7, 30)
    found, changed = do_save_dispatch_settings(c, stuck_key_days=60, reason="州里要求放宽")
    assert changed == ["stuck_key_days"]
    assert DispatchSettings.objects.get(campaign=c).history.get().history_change_reason == (
        "州里要求放宽"
    )
    county_admin = account("aA", world["A"], "admin")
    with pytest.raises(Http404):
        do_save_dispatch_settings(c, actor=county_admin, stuck_key_days=1)
    with pytest.raises(TypeError):
        do_save_dispatch_settings(c, nonsense=1)


def test_publishing_numbers_bulletins_per_campaign(world):
    c = world["campaign"]
    office = account("office", world["R"], "admin")
    first = do_publish_bulletin(c, date(2026, 11, 13), actor=office)
    second = do_publish_bulletin(c, AS_OF, actor=office)
    assert (first.number, second.number) == (1, 2)
    assert second.previous == first
    assert second.document["bulletin"]["status"] == "published"
    assert second.document["bulletin"]["number"] == 2
    assert second.document["bulletin"]["published_by"] == "office"
    assert second.document["bulletin"]["previous"] == {"number": 1, "as_of": "2026-11-13"}
    assert second.history.get().history_change_reason == "发布第2期"
    other = b.campaign("OTHER", root=world["R"])
    assert do_publish_bulletin(other, AS_OF).number == 1
    with pytest.raises(ValidationError):
        do_publish_bulletin(c, date(2026, 11, 10))  # behind 第2期
    county_admin = account("aA", world["A"], "admin")
    with pytest.raises(Http404):
        do_publish_bulletin(c, AS_OF, actor=county_admin)
    reporter = account("rR", world["R"], "reporter")
    with pytest.raises(PermissionDenied):
        do_publish_bulletin(c, AS_OF, actor=reporter)


def test_published_bulletin_refuses_edits(world):
    bulletin = do_publish_bulletin(world["campaign"], AS_OF)
    bulletin.document["summary"] = "改过的内容"
    with pytest.raises(BulletinFrozen):
        bulletin.save()
    with pytest.raises(BulletinFrozen):
        bulletin.delete()
    stored = Bulletin.objects.get(pk=bulletin.pk)
    assert stored.document["summary"].startswith("截至2026年11月20日")
    assert stored.history.count() == 1


def test_scope_of_dispatch_records(world):
    c = world["campaign"]
    bulletin = do_publish_bulletin(c, AS_OF)
    county = account("rA", world["A"], "reporter")
    outsider_unit = b.unit("990000", "他州")
    outsider = account("x", outsider_unit, "reporter")
    # reports: own subtree only
    assert {s.unit.name for s in visible(Submission.objects.all(), county)} == {"甲县"}
    # rounds and published bulletins: everyone taking part in the campaign
    assert visible(ReportingRound.objects.all(), county).count() == 4
    assert list(visible(Bulletin.objects.all(), county)) == [bulletin]
    assert not visible(Bulletin.objects.all(), outsider).exists()
    assert not visible(ReportingRound.objects.all(), outsider).exists()
    assert not visible(Submission.objects.all(), outsider).exists()
    do_request_reminder(world["rounds"][2])
    assert visible(ReminderRequest.objects.all(), county).count() == 1
    assert not visible(ReminderRequest.objects.all(), outsider).exists()


def test_round_created_once(world):
    c = world["campaign"]
    r, created = do_create_round(c, at(11, 20, 17))
    assert not created and r == world["rounds"][2]
