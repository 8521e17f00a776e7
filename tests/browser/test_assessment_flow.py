"""The office sets the scheme, checks the draft scores, publishes; a county reporter reads the
published ranking, traces its own points to the records and cannot open another county's."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AS_OF = "2026-11-27"


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()


@pytest.mark.browser
def test_scheme_draft_publish_and_drill_down(page, browser, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, base, "admin", personas.password)

    # 1. The scheme, in the campaign's settings: 合同投资额 60 封顶比例, 合同项目数 40 功效系数,
    #    500强企业 +5 per enterprise.
    page.goto(f"{base}/campaigns/MQDH2026/")
    page.click(".tabs >> text=考核方案")
    page.check("#id_use_contract_amount")
    page.fill("#id_weight_contract_amount", "60")
    page.select_option("#id_method_contract_amount", "capped")
    page.check("#id_use_contract_projects")
    page.fill("#id_weight_contract_projects", "40")
    page.select_option("#id_method_contract_projects", "efficacy")
    page.check("#id_use_top500")
    page.fill("#id_points_top500", "5")
    page.click("text=保存考核方案")
    expect(page.locator(".message.success")).to_contain_text("考核方案已保存")

    # 2. The draft: 凯里市 49.20 + 40 + 5 = 94.20, 开发区 45 + 40 = 85, 黎平县 18 + 24 = 42.
    page.click("text=考核得分与排名")
    page.fill("#id_as_of", AS_OF)
    with page.expect_navigation():
        page.click("button >> text=计算得分")
    rows = page.locator(".assessment-ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("凯里市")
    expect(rows.nth(0)).to_contain_text("94.20")
    expect(rows.nth(2)).to_contain_text("42.00")
    page.screenshot(path=str(ARTIFACTS / "assessment-draft.png"), full_page=True)

    # 3. Publish (after confirming); the Word file holds the ranking.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=发布考核结果")
    expect(page.locator(".message.success")).to_contain_text("已发布考核通报第1期")
    expect(page.locator(".doc-issue")).to_have_text("第1期")
    with page.expect_download() as info:
        page.click("text=下载 Word")
    saved = ARTIFACTS / "assessment-1.docx"
    info.value.save_as(saved)
    cells = {c.text for t in docx.Document(str(saved)).tables for r in t.rows for c in r.cells}
    assert {"凯里市", "94.20", "42.00"} <= cells

    # 4. The 凯里市 reporter reads the published ranking and traces its own points.
    context = browser.new_context(locale="zh-CN")
    reporter = context.new_page()
    reporter.set_viewport_size({"width": 1366, "height": 900})
    sign_in(reporter, base, "r522601", personas.password)
    reporter.goto(f"{base}/assessment/MQDH2026/")
    reporter.click("text=第1期")
    table = reporter.locator(".assessment-ranking tbody")
    expect(table.locator("tr")).to_have_count(3)
    expect(table.locator("a")).to_have_count(1)  # only its own unit opens
    table.locator("a", has_text="凯里市").click()
    expect(reporter.locator("h1")).to_contain_text("凯里市的考核计分依据")
    reporter.click("a[href='#records-contract_amount']")
    section = reporter.locator("#records-contract_amount")
    expect(section).to_contain_text("KL-001")
    expect(section).to_contain_text("KL-002")
    expect(reporter.locator("#records-top500")).to_contain_text("华岳新能源控股集团有限公司")
    reporter.screenshot(path=str(ARTIFACTS / "assessment-reporter-unit.png"), full_page=True)
    response = reporter.goto(f"{base}/assessment/MQDH2026/1/units/522631/")
    assert response.status == 404
    context.close()
