"""Reminders in a real Chromium: the office gives 凯里经济开发区 a WeChat Work robot, sends a
test, presses 催报 on a round that the 开发区 missed, and sees the message in the outbox —
while a robot that fails shows its reason and is resent with one click.

The robots are a local HTTP server (tests/notify/conftest.py); today is made a working
day with no quiet hours so the button sends at once.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_dispatch_cycle import sign_in
from tests.notify.conftest import hooks, hooks_server  # noqa: F401  (fixtures)
from zhaoshang.campaigns.models import CalendarDay
from zhaoshang.dispatch.services import do_create_round


@pytest.mark.browser
def test_office_sets_a_robot_reminds_and_resends(
    browser,
    live_server,
    personas,
    hooks,  # noqa: F811
    settings,
):
    settings.ZHAOSHANG_REMIND_HOURS = (0, 24)
    CalendarDay.objects.update_or_create(on=timezone.localdate(), defaults={"is_workday": True})
    yesterday = timezone.now() - timezone.timedelta(days=1)
    rnd, _ = do_create_round(personas.campaign, yesterday, actor=personas.user("admin"))

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    sign_in(page, base, "admin", personas.password)

    page.goto(f"{base}/org/units/522640/people/")
    page.get_by_role("link", name="提醒渠道", exact=True).click()
    page.fill("#id_wecom_webhook", hooks.url("/wecom/zone"))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存凯里经济开发区的提醒渠道")).to_be_visible()
    page.get_by_role("button", name="发送测试消息").click()
    expect(page.get_by_text("企业微信机器人：测试消息已发出")).to_be_visible()
    assert len(hooks.at("/wecom/zone")) == 1

    # The robot breaks; 催报 still records and shows the failure.
    hooks.answers["/wecom/zone"] = (500, {})
    page.goto(f"{base}/dispatch/{personas.campaign.code}/rounds/{rnd.pk}/")
    page.get_by_role("button", name="催报尚未报送的单位").click()
    # The page answers at once; the messages go out after the response.
    expect(page.get_by_text("1 条通知正在发出，发送结果见提醒记录")).to_be_visible()
    expect(page.locator(".message.warning")).to_contain_text(
        "请电话催报：凯里市、黎平县、州投资促进局"
    )

    page.get_by_role("link", name="发送情况").first.click()
    failure = page.get_by_text("机器人地址返回 HTTP 500")
    for _ in range(20):  # the send may still be under way when the page first loads
        if failure.count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(failure).to_be_visible()
    hooks.answers.clear()
    page.get_by_role("button", name="重发").click()
    expect(page.get_by_text("已重新发送")).to_be_visible()
    expect(page.locator("table.outbox .status-green")).to_have_count(1)
    assert len(hooks.at("/wecom/zone")) == 3
    context.close()
