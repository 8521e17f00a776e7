"""The campaign office pastes a notice from the prefecture's website, reviews the
proposals and creates the milestones and tasks, in a real Chromium."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhaoshang.campaigns.models import Milestone
from zhaoshang.notices.models import NoticeTask
from zhaoshang.supervision.models import Task

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# As it arrives from a web converter: traditional, with inline pinyin.
NOTICE = (
    "據(jù)示例州人民政府網(wǎng)消息 11月3日，示例州召開(kāi)招商引資(zī)調(diào)度會(huì)，"
    "各縣(xiàn)（市、區(qū)）設(shè)分會(huì)場(chǎng)。\n"
    "會(huì)議(yì)要求，確(què)保11月20日前完成百分之八十，12月5日前全面完成全年目標(biāo)任務(wù)。"
    "要加強(qiáng)督查督辦(bàn)，對(duì)工作滯(zhì)後(hòu)的單(dān)位進(jìn)行約(yuē)談(tán)。"
    "要於11月25日前做好推介資(zī)料編(biān)制工作。"
)


@pytest.mark.browser
def test_office_pastes_a_notice_and_creates_what_it_accepts(page, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_contain_text("州招商办管理员")

    page.click(".mainnav >> text=专项行动")
    page.get_by_role("link", name="行动设置").first.click()
    page.get_by_role("link", name="读取通知").click()
    page.get_by_label("粘贴通知或新闻稿全文").fill(NOTICE)
    page.get_by_label("未写年份的日期按").fill("2026")
    page.get_by_role("button", name="读取").click()

    expect(page.locator("h1")).to_have_text("确认通知内容")
    rows = page.locator("#milestones tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("input[type=date]")).to_have_value("2026-11-20")
    expect(rows.nth(0).locator("input[name$=pct]")).to_have_value("80")
    expect(page.locator("#tasks tbody tr")).to_have_count(2)
    expect(page.locator("#problems")).to_have_count(0)
    expect(page.locator("#units input[type=text]")).to_have_value("各县（市、区）")
    # Nothing is written while the office reviews.
    assert not NoticeTask.objects.exists()

    page.get_by_label("交办日期").fill("2026-11-03")
    rows.nth(0).locator("input[name$=pct]").fill("75")
    page.locator("#tasks tbody tr").nth(0).locator("input[type=checkbox]").uncheck()
    page.locator("#tasks tbody tr").nth(1).locator("select").select_option(label="黎平县")
    page.screenshot(path=str(ARTIFACTS / "notice-review.png"), full_page=True)
    page.get_by_role("button", name="创建").click()

    expect(page.locator(".messages")).to_contain_text("已按通知创建 2 个节点、1 项督办任务")
    expect(page.locator("#milestones")).to_contain_text("2026年11月20日 完成 75%")
    expect(page.locator("#tasks")).to_contain_text("黎平县")
    assert sorted((m.on, m.pct) for m in Milestone.objects.filter(campaign=personas.campaign)) == [
        (date(2026, 11, 15), Decimal(50)),
        (date(2026, 11, 20), Decimal(75)),
        (date(2026, 12, 5), Decimal(100)),
    ]
    (task,) = NoticeTask.objects.all()
    assert task.content == "于11月25日前做好推介资料编制工作"
    assert task.deadline == date(2026, 11, 25)
    assert task.lead_unit.code == "522631"
    assert Task.objects.get(code=task.task_code).source == "notice"
