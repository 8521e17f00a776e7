"""The whole loop a newcomer follows, in Chromium: a finding of the published bulletin
becomes a task in one click, the robot of 黎平县 is reminded, the draft assessment takes a
point off while it is overdue and leads to it, and once closed the point comes back.

黎平县 on 2026-11-27 (tests/conftest.py): 1 of 3 contract projects = 33.33 % → 合同项目少.
Dates of the task are relative to today (the pages record today as the assigned day):
the deadline is tomorrow; reminded on the deadline day (due soon); assessed the day after
(overdue: −1 point under "逾期督办事项每项减1分").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_dispatch_cycle import sign_in
from tests.notify.conftest import hooks, hooks_server  # noqa: F401 (fixtures)
from zhaoshang.assessment.services import do_save_scheme_adjustment, do_save_scheme_indicator
from zhaoshang.dispatch.services import do_publish_bulletin
from zhaoshang.notify.services import do_set_channels, run_reminders
from zhaoshang.supervision.models import State, Task


@pytest.mark.browser
def test_from_a_bulletin_finding_to_the_assessment_score(browser, live_server, personas, hooks):  # noqa: F811
    base = live_server.url
    campaign = personas.campaign
    do_publish_bulletin(campaign, date(2026, 11, 27), actor=personas.user("admin"))
    do_save_scheme_indicator(campaign, "contract_amount", Decimal(100), "capped")
    do_save_scheme_adjustment(campaign, "overdue_tasks", Decimal(-1), Decimal(5))
    do_set_channels(personas.unit("522631"), wecom_webhook=hooks.url("/wecom/liping"))
    today = timezone.localdate()
    deadline, day_after = today + timedelta(days=1), today + timedelta(days=2)

    office = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    county = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    errors: list[str] = []
    for page in (office, county):
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. 第1期 as read at the meeting: the finding becomes a task in one click.
    sign_in(office, base, "admin", personas.password)
    office.goto(f"{base}/dispatch/MQDH2026/bulletins/1/")
    office.click("#diag-few_contract_projects-522631 a.to-task")
    expect(office.locator("#id_content")).to_have_value("黎平县合同项目少问题整改")
    office.fill("#id_deadline", deadline.isoformat())
    office.click("form.form button[type=submit]")
    expect(office.locator("h1#task-title")).to_contain_text("黎平县合同项目少问题整改")
    task = Task.objects.get()
    # the task leads back to the bulletin it answers
    office.click("text=见第1期调度通报")
    expect(office.locator("#diag-few_contract_projects-522631")).to_be_visible()

    # 2. The deadline day's reminder run reaches 黎平县's robot.
    run_reminders(deadline, hold=False)
    (got,) = hooks.at("/wecom/liping")
    assert got.body["markdown"]["content"].startswith(
        f"**【督办事项即将到期】{task.code} 黎平县合同项目少问题整改**\n黎平县："
    )

    # 3. The draft assessment the day after the deadline: −1 for the open task, which
    #    the drill-down lists and opens.
    office.goto(f"{base}/assessment/MQDH2026/draft/?as_of={day_after.isoformat()}")
    liping = office.locator("tr[data-unit='522631']")
    expect(liping).to_contain_text("-1.00")
    liping.locator("a").first.click()
    expect(office.locator("#records-overdue_tasks")).to_contain_text(task.code)
    office.locator("#records-overdue_tasks").get_by_role("link", name=task.code).click()
    expect(office.locator("h1#task-title")).to_contain_text(task.code)

    # 4. 黎平县 signs and feeds back; the office accepts: closed on time, the point is back.
    sign_in(county, base, "r522631", personas.password)
    county.goto(f"{base}/tasks/{task.code}/")
    county.click("form[action$='/step/sign/'] button")
    expect(county.locator(".messages")).to_contain_text("已签收")
    county.fill("#feedback-note", "新签正式合同1个")
    county.click("#feedback-form button")
    expect(county.locator(".messages")).to_contain_text("等待交办单位复核")
    office.goto(f"{base}/tasks/{task.code}/")
    office.select_option("#id_decision", "accept")
    office.click("#review-form button")
    expect(office.locator(".messages")).to_contain_text("已办结销号")
    assert Task.objects.get().state == State.CLOSED
    office.goto(f"{base}/assessment/MQDH2026/draft/?as_of={day_after.isoformat()}")
    expect(office.locator("tr[data-unit='522631']")).not_to_contain_text("-1.00")
    assert errors == []
