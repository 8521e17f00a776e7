"""Rounds on the web: opening them, a county reporting, the office watching and reminding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.helpers import text
from zhaoshang.dispatch.models import ReminderRequest, ReportingRound, Submission, SubmissionState
from zhaoshang.dispatch.services import weekly_deadlines

from .conftest import dispatch_rows

C = "/dispatch/MQDH2026"


def test_round_list_counts_states_and_shows_a_reporter_its_own_column(client_for, cycle):
    page = text(client_for("r522601").get(f"{C}/rounds/").content.decode())
    # r1: 4 expected, 凯里市 on time, 黎平县 late, two missing; r2 still open.
    assert "第1次调度 2026年11月20日 17:00 已截止 4 1 1 2 按时报送" in page
    assert "第2次调度" in page and "填报中" in page and "待报 4" in page
    # The reporter gets a column for 凯里市 only; no forms to open rounds.
    assert "凯里市" in page and "新建调度轮次" not in page
    office = text(client_for("admin").get(f"{C}/rounds/").content.decode())
    assert "新建调度轮次" in office and "按周生成调度计划" in office


def test_office_opens_a_round_and_a_weekly_schedule(client_for, personas, cycle):
    client = client_for("admin")
    response = client.post(
        f"{C}/rounds/new/", {"deadline": "2026-12-04T17:00", "title": "专题调度", "note": ""}
    )
    made = ReportingRound.objects.get(title="专题调度")
    assert response["Location"] == f"{C}/rounds/{made.pk}/"
    assert timezone.localtime(made.deadline).strftime("%Y-%m-%d %H:%M") == "2026-12-04 17:00"
    assert made.history.get().history_user == personas.user("admin")

    # Fridays 11-27 and 12-04 between 11-23 and 12-05 at 17:00; 12-04 exists already.
    # (11-27 may be past by now: the office then confirms it wants it all the same.)
    schedule = {"first": "2026-11-23", "last": "2026-12-05", "weekday": "4", "at": "17:00"}
    response = client.post(f"{C}/rounds/schedule/", {**schedule, "past": "past"}, follow=True)
    assert "调度计划共 2 个轮次，新建 1 个" in text(response.content.decode())
    moments = [
        timezone.localtime(r.deadline).strftime("%m-%d %H:%M")
        for r in ReportingRound.objects.filter(campaign=personas.campaign)
    ]
    assert "11-27 17:00" in moments and moments.count("12-04 17:00") == 1


def test_bad_schedule_is_refused_with_a_message(client_for, cycle):
    before = dispatch_rows()
    response = client_for("admin").post(
        f"{C}/rounds/schedule/",
        {"first": "2026-12-05", "last": "2026-11-23", "weekday": "4", "at": "17:00"},
        follow=True,
    )
    assert "结束日期早于开始日期" in text(response.content.decode())
    assert dispatch_rows() == before


def test_reporter_sees_own_form_and_only_own_text(client_for, cycle):
    r1 = cycle["r1"]
    html = client_for("r522601").get(f"{C}/rounds/{r1.pk}/").content.decode()
    page = text(html)
    assert 'id="form-522601"' in html and 'id="form-522631"' not in html
    assert "凯里市本轮填报 按时报送" in page
    # Its own text, prefilled for correction, and in the roster.
    assert "本周签约项目2个" in page
    # 黎平县's state is public to the campaign; its words are not.
    assert "黎平县 逾期报送" in page
    assert "黎平县的困难" not in page
    assert "已报送（内容仅本单位及上级可见）" in page
    # The figures the report confirms are shown before sending.
    assert "提交即确认本单位截至今日的台账数据" in page


def test_office_sees_every_text_and_links_to_fill_in(client_for, cycle):
    r1 = cycle["r1"]
    html = client_for("admin").get(f"{C}/rounds/{r1.pk}/").content.decode()
    page = text(html)
    assert "黎平县的困难" in page and "用地指标紧张" in page
    assert f"{C}/rounds/{r1.pk}/units/522640/" in html  # 代为填报 for the missing zone
    assert "代为填报" in page
    assert "凯里经济开发区 未报送" in page
    # The roster refreshes itself on the meeting screen.
    assert 'hx-trigger="every 20s"' in html


def test_roster_fragment_for_htmx_polling(client_for, cycle):
    r1 = cycle["r1"]
    response = client_for("leader").get(
        f"{C}/rounds/{r1.pk}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="roster"
    )
    html = response.content.decode()
    assert "<html" not in html and 'class="data roster"' in html


def test_reporter_submits_and_the_office_sees_it_arrive(client_for, personas, cycle):
    r2 = cycle["r2"]
    reporter = client_for("r522631")
    response = reporter.post(
        f"{C}/rounds/{r2.pk}/units/522631/",
        {"progress": "新签约竹木加工项目", "problems": "物流成本高", "plan": "下周赴广东对接"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{C}/rounds/{r2.pk}/#unit-522631"
    row = Submission.objects.get(round=r2, unit=personas.unit("522631"))
    assert row.state == SubmissionState.ON_TIME
    assert row.submitted_by == personas.user("r522631")
    # The figures confirmed: 黎平县 as of today (LP-001, 9000 万元)
    assert row.figures["indicators"]["contract_amount"]["achieved"] == "9000.00"
    assert row.history.get().history_user == personas.user("r522631")

    page = text(client_for("admin").get(f"{C}/rounds/{r2.pk}/").content.decode())
    assert "黎平县 按时报送" in page and "物流成本高" in page


def test_empty_progress_is_refused_and_nothing_written(client_for, cycle):
    before = dispatch_rows()
    response = client_for("r522601").post(
        f"{C}/rounds/{cycle['r2'].pk}/units/522601/", {"progress": "   ", "problems": "x"}
    )
    assert response.status_code == 400
    assert "请填写进展情况" in response.content.decode()
    assert dispatch_rows() == before


def test_reporting_again_keeps_the_first_time(client_for, personas, cycle):
    r1 = cycle["r1"]
    first = Submission.objects.get(round=r1, unit=personas.unit("522601")).submitted_at
    response = client_for("r522601").post(
        f"{C}/rounds/{r1.pk}/units/522601/",
        {"progress": "更正：签约3个", "problems": "", "plan": ""},
    )
    assert response.status_code == 302
    row = Submission.objects.get(round=r1, unit=personas.unit("522601"))
    assert row.progress == "更正：签约3个"
    assert row.submitted_at == first and row.state == SubmissionState.ON_TIME


def test_a_late_report_says_so_before_sending(client_for, cycle):
    page = text(
        client_for("admin").get(f"{C}/rounds/{cycle['r1'].pk}/units/522640/").content.decode()
    )
    assert "本轮已截止，现在提交将记为逾期报送" in page


def test_reminder_is_recorded_for_the_missing_units_only(client_for, personas, cycle):
    r1 = cycle["r1"]
    response = client_for("admin").post(
        f"{C}/rounds/{r1.pk}/remind/", {"note": "请今日下班前报送"}, follow=True
    )
    page = text(response.content.decode())
    reminder = ReminderRequest.objects.get()
    assert sorted(u.code for u in reminder.units.all()) == ["522600-TC", "522640"]
    assert reminder.requested_by == personas.user("admin")
    assert reminder.note == "请今日下班前报送"
    # Neither unit has a reminder channel: the office is told to phone them.
    assert "催报：凯里经济开发区、州投资促进局" in page
    assert (
        "以下单位未设置提醒渠道（邮箱、企业微信或钉钉），请电话催报：凯里经济开发区、州投资促进局"
        in page
    )
    assert "请求催报：凯里经济开发区、州投资促进局" in page and "发送情况" in page


def test_no_reminder_when_everyone_reported(client_for, personas, cycle):
    r1 = cycle["r1"]
    from zhaoshang.dispatch.services import do_submit_report

    for code in ("522640", "522600-TC"):
        do_submit_report(r1, personas.unit(code), progress="已报", actor=personas.user("admin"))
    before = dispatch_rows()
    response = client_for("admin").post(f"{C}/rounds/{r1.pk}/remind/", {}, follow=True)
    assert "无需催报" in text(response.content.decode())
    assert dispatch_rows() == before


@pytest.mark.parametrize("persona", ["admin", "leader", "r522601"])
def test_nav_has_the_dispatch_link(client_for, cycle, persona):
    html = client_for(persona).get(f"{C}/rounds/").content.decode()
    assert '<a href="/dispatch/" aria-current="page">调度</a>' in html


def test_open_round_is_pending_not_missing(client_for, cycle):
    r2 = cycle["r2"]
    assert r2.deadline > timezone.now() + timedelta(days=6)
    page = text(client_for("admin").get(f"{C}/rounds/{r2.pk}/").content.decode())
    assert "待报送 4" in page and "未报送 " not in page.split("各单位报送情况")[1].split("催报")[0]


def test_a_schedule_starting_in_the_past_asks_first(client_for, personas, cycle):
    client = client_for("admin")
    today = timezone.localdate()
    # every day of the week from 14 days ago to 14 days ahead: two weeks already over
    schedule = {
        "first": (today - timedelta(days=14)).isoformat(),
        "last": (today + timedelta(days=14)).isoformat(),
        "weekday": str(today.weekday()),
        "at": "17:00",
    }
    before = set(ReportingRound.objects.values_list("pk", flat=True))
    page = client.post(f"{C}/rounds/schedule/", schedule)
    html = text(page.content.decode())
    assert page.status_code == 200 and "截止时间已经过去" in html
    assert "所有单位在这些轮次中都将记为“未报送”" in html
    assert set(ReportingRound.objects.values_list("pk", flat=True)) == before  # nothing yet
    # "only the future ones": today 17:00 (unless over already), +7 and +14 days
    client.post(f"{C}/rounds/schedule/", {**schedule, "past": "future"})
    now = timezone.now()
    new = ReportingRound.objects.exclude(pk__in=before)
    expected = [
        d
        for d in weekly_deadlines(
            today - timedelta(days=14), today + timedelta(days=14), weekday=today.weekday()
        )
        if d >= now
    ]
    assert sorted(r.deadline for r in new) == expected
