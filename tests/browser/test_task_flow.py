"""A bulletin finding followed to its end in a real Chromium: the office turns
黎平县's 合同项目少 into a task in one click, 黎平县 signs, reports and feeds back
from its own browser, the office returns it once, then accepts it.

黎平县 on 2026-11-27 (tests/conftest.py): 1 of 3 contract projects = 33.33 %,
below the required 80 % → 合同项目少.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dispatch_cycle import sign_in
from zhaoshang.supervision.models import State, Task


@pytest.mark.browser
def test_a_finding_becomes_a_task_and_is_closed_in_the_browser(browser, live_server, personas):
    base = live_server.url
    office = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    county = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    errors: list[str] = []
    for page in (office, county):
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. From the draft bulletin's diagnosis list, one click to a prefilled task.
    sign_in(office, base, "admin", personas.password)
    office.goto(f"{base}/dispatch/MQDH2026/bulletins/draft/?as_of=2026-11-27")
    office.click("#diag-few_contract_projects-522631 a.to-task")
    expect(office.locator("#id_content")).to_have_value("黎平县合同项目少问题整改")
    expect(office.locator("#id_goal")).to_have_value(
        "黎平县合同项目1个，完成率33.33%，低于序时进度80.00%。"
    )
    office.select_option("#id_assisting_units", label="州投资促进局（522600-TC）")
    office.click("form.form button[type=submit]")
    expect(office.locator("h1#task-title")).to_contain_text("黎平县合同项目少问题整改")
    code = Task.objects.get().code

    # 2. 黎平县 finds it in its list, signs, reports progress, feeds back.
    sign_in(county, base, "r522631", personas.password)
    county.click(".mainnav >> text=督办")
    county.click(f"a[href='/tasks/{code}/']")
    county.click("form[action$='/step/sign/'] button")
    expect(county.locator(".messages")).to_contain_text("已签收")
    county.fill("#progress-note", "已对接两家意向企业")
    county.click("#progress-form button")
    county.fill("#feedback-note", "新签正式合同1个")
    county.click("#feedback-form button")
    expect(county.locator(".messages")).to_contain_text("等待交办单位复核")

    # 3. The office returns it with a reason; 黎平县 feeds back again; accepted.
    office.goto(f"{base}/tasks/{code}/")
    office.select_option("#id_decision", "return")
    office.fill("#id_reason", "请附合同扫描件")
    office.click("#review-form button")
    expect(office.locator(".messages")).to_contain_text("已退回重办")
    county.goto(f"{base}/tasks/{code}/")
    county.fill("#feedback-note", "已补合同扫描件")
    county.click("#feedback-form button")
    office.goto(f"{base}/tasks/{code}/")
    office.select_option("#id_decision", "accept")
    office.click("#review-form button")
    expect(office.locator(".messages")).to_contain_text("已办结销号")
    steps = office.locator("ol.steps li strong")
    expect(steps).to_have_text(
        ["交办", "签收", "办理进展", "反馈", "复核退回", "反馈", "复核通过，办结销号"]
    )
    assert Task.objects.get().state == State.CLOSED
    # another county never sees it
    other = browser.new_context().new_page()
    sign_in(other, base, "r522601", personas.password)
    assert other.goto(f"{base}/tasks/{code}/").status == 404
    assert errors == []
