"""The prefecture administrator re-allocates a county's target in a real Chromium.

黔东南州 120,000 万元 = 凯里市 50,000 + 黎平县 30,000 + 凯里经济开发区 40,000
(tests/conftest.py). Raising 黎平县 to 35,000 leaves the counties 5,000 above the
prefecture: the editor says so at once, without a page load; taking 5,000 off
the zone (35,000) makes the sums agree again and the warning goes away.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhaoshang.campaigns.models import Target

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
EDITOR = "/campaigns/MQDH2026/targets/"


def _edit_row(page, unit_code: str, value: str, reason: str, shot: str = "") -> None:
    """Open a row for editing, type the new value and the reason, press Enter to save."""
    page.locator(f"#row-{unit_code} a", has_text="修改").click()
    value_input = page.locator("#decomp tr.editing input[name=value]")
    expect(value_input).to_be_focused()
    value_input.fill(value)
    page.get_by_label("调整原因").fill(reason)
    if shot:
        page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    page.get_by_label("调整原因").press("Enter")
    expect(page.locator("#decomp tr.editing")).to_have_count(0)


@pytest.mark.browser
def test_prefecture_admin_sees_and_clears_the_decomposition_warning(page, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_contain_text("州招商办管理员")

    page.click(".mainnav >> text=专项行动")
    page.get_by_role("link", name="目标分解").click()
    expect(page).to_have_url(f"{live_server.url}{EDITOR}")
    summary = page.locator(".check-summary")
    expect(summary).to_contain_text("各级目标与下级合计一致")
    prefecture = page.locator("#row-522600")
    expect(prefecture).to_contain_text(re.compile(r"120,000(?![.\d])"))
    expect(prefecture).to_contain_text("✓ 一致")

    # Keep the page object: an htmx swap must not reload the document.
    page.evaluate("window.__same_document = true")

    # Esc leaves a row without saving, as in a spreadsheet.
    page.locator("#row-522631 a", has_text="修改").click()
    page.locator("#decomp tr.editing input[name=value]").fill("99999")
    page.keyboard.press("Escape")
    expect(page.locator("#decomp tr.editing")).to_have_count(0)
    expect(page.locator("#row-522631")).to_contain_text(re.compile(r"30,000(?![.\d])"))
    _edit_row(
        page, "522631", "35000", "黎平县新增林产品加工签约项目", shot="decomposition-editing.png"
    )

    expect(page.locator("#row-522631")).to_contain_text(re.compile(r"35,000(?![.\d])"))
    expect(prefecture).to_contain_text(re.compile(r"125,000(?![.\d])"))  # the children's sum
    expect(prefecture).to_contain_text(re.compile(r"下级合计超出本级 5,000(?![.\d])"))
    expect(summary).to_contain_text("有 1 处加压分解（下级合计超出本级目标，属正常做法）")
    expect(summary).to_contain_text(
        re.compile(r"黔东南州「合同投资额\(万元\)」：本级目标 120,000(?![.\d])")
    )
    expect(page.locator(".message.success")).to_contain_text("已保存 黎平县 的「合同投资额(万元)」")
    assert page.evaluate("window.__same_document") is True
    page.screenshot(path=str(ARTIFACTS / "decomposition-warning.png"), full_page=True)

    _edit_row(page, "522640", "35000", "开发区部分任务调剂给黎平县")
    expect(summary).to_contain_text("各级目标与下级合计一致")
    expect(summary).not_to_contain_text("加压分解")
    expect(prefecture).to_contain_text("✓ 一致")
    expect(prefecture).not_to_contain_text("下级合计超出本级")
    assert page.evaluate("window.__same_document") is True
    page.screenshot(path=str(ARTIFACTS / "decomposition-fixed.png"), full_page=True)

    # The re-allocation is on record: who, old → new value, why.
    page.locator("#row-522631 a", has_text="记录").click()
    history = page.locator("#target-history")
    expect(history).to_contain_text("黎平县「合同投资额(万元)」的调整记录")
    first = history.locator("tbody tr").first
    expect(first).to_contain_text("州招商办管理员")
    expect(first).to_contain_text(re.compile(r"30,000(?![.\d])"))
    expect(first).to_contain_text(re.compile(r"35,000(?![.\d])"))
    expect(first).to_contain_text("黎平县新增林产品加工签约项目")
    page.screenshot(path=str(ARTIFACTS / "decomposition-history.png"), full_page=True)

    values = dict(
        Target.objects.filter(campaign=personas.campaign, indicator="contract_amount").values_list(
            "unit__code", "value"
        )
    )
    assert values["522631"] == Decimal("35000") and values["522640"] == Decimal("35000")
    assert values["522600"] == Decimal("120000")
