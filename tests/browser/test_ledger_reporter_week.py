"""黎平县's reporter, in a real Chromium, does what Excel did for them: registers an
investor, adds its project, advances it to 合同 with the day and the amount, and sees
黎平县 climb the prefecture's ranking on the home page."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhaoshang.ledger.models import Enterprise, Project, Stage

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HOME = "/?campaign=MQDH2026&as_of=2026-11-27"


def _login(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()


def _ranked_units(page) -> list[str]:
    rows = page.locator("table.ranking tbody tr").all_inner_texts()
    return [r.split("\t")[1].strip() for r in rows]


@pytest.mark.browser
def test_county_reporter_adds_enterprise_and_project_and_climbs_the_ranking(
    page, live_server, personas
):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_server, "r522631", personas.password)

    page.goto(f"{live_server.url}{HOME}")
    # Before: 凯里市 82 %, 开发区 75 %, 黎平县 30 %.
    assert _ranked_units(page)[:3] == ["凯里市", "凯里经济开发区", "黎平县 本单位"]

    # 1. Register the investor. The USCC's check character is wrong: a warning, not a refusal.
    page.click(".mainnav >> text=客商")
    page.click("text=登记客商")
    page.fill("#id_name", "杭州侗韵竹木科技有限公司")
    page.fill("#id_uscc", "91330100MA2H3K4L5X")
    page.fill("#id_origin", "浙江省")
    page.fill("#id_tags", "中国民营企业500强(2025)")
    page.click("button:has-text('登记')")
    expect(page.locator(".notice")).to_contain_text("校验位应为")
    page.screenshot(path=str(ARTIFACTS / "ledger-enterprise-warning.png"), full_page=True)
    page.click("button:has-text('仍然登记')")
    expect(page.locator("h1")).to_have_text("杭州侗韵竹木科技有限公司")
    assert Enterprise.objects.get(name="杭州侗韵竹木科技有限公司").owner_unit.code == "522631"

    # 2. Add the project, finding the investor by its pinyin initials.
    page.click(".mainnav >> text=项目台账")
    page.click("text=新建项目")
    page.fill("#id_code", "LP-010")
    page.fill("#id_name", "竹木家居智能制造项目")
    page.fill("#id_planned_investment", "3亿")
    page.fill("#id_investors", "hzdy")
    page.locator("#id_investors_options").get_by_label("杭州侗韵竹木科技有限公司").check()
    page.check("#id_is_industrial")
    page.select_option("#id_park", label="黎平县工业园区")
    page.screenshot(path=str(ARTIFACTS / "ledger-project-create.png"), full_page=True)
    page.click("button:has-text('建立项目')")
    expect(page.locator("#project-title")).to_have_text("竹木家居智能制造项目")
    expect(page.locator(".stepper [aria-current=step]")).to_contain_text("线索")

    # 3. Advance it to 合同 with the day it happened and the amount, without a page reload.
    page.evaluate("window.__marker = 'same page'")
    page.click("text=推进到合同")
    form = page.locator("#stage-action form")
    expect(form).to_contain_text("推进到合同")
    form.locator("#id_on").fill("2026-11-26")
    form.locator("#id_contract_amount").fill("2亿")
    form.locator("#id_evidence").fill("合同编号 LP-2026-031")
    page.screenshot(path=str(ARTIFACTS / "ledger-stage-form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_have_text("已推进到合同。")
    assert page.evaluate("window.__marker") == "same page"
    expect(page.locator(".stepper [aria-current=step]")).to_contain_text("合同")
    expect(page.locator("#project-main")).to_contain_text("20,000 万元")
    expect(page.locator("#project-main")).to_contain_text("2026年11月26日 合同")
    page.screenshot(path=str(ARTIFACTS / "ledger-project-detail.png"), full_page=True)
    project = Project.objects.get(code="LP-010")
    assert (project.stage, project.contract_on) == (Stage.CONTRACTED, date(2026, 11, 26))

    # 4. The ranking: 黎平县 9,000 + 20,000 = 29,000 of 30,000 = 96.67 %, now first.
    page.goto(f"{live_server.url}{HOME}")
    assert _ranked_units(page)[0] == "黎平县 本单位"
    expect(page.locator("table.ranking tbody tr").first).to_contain_text("96.67%")
    page.screenshot(path=str(ARTIFACTS / "ledger-ranking-after.png"), full_page=True)

    # 5. The ledger shows it, filterable and in the totals.
    page.goto(f"{live_server.url}/projects/")
    page.select_option("#id_stage", label="合同")
    expect(page.locator("table.projects tbody")).to_contain_text("LP-010")
    expect(page.locator("table.projects tfoot")).to_contain_text(re.compile(r"34,000(?![.\d])"))
    page.screenshot(path=str(ARTIFACTS / "ledger-list.png"), full_page=True)
