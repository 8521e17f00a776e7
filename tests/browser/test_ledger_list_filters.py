"""The ledger list in a real Chromium: typing pinyin initials filters without a reload, a
sort survives later filter changes, a filter is saved and reapplied, the keyboard alone
reaches the controls, and the printed page drops the controls."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_prefecture_admin_filters_sorts_saves_and_prints(page, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/projects/")
    page.evaluate("window.__marker = 'same page'")
    codes = page.locator("table.projects tbody td.code")
    expect(codes).to_have_count(8)

    # Pinyin initials, typed: kls is 凯里市 (its township's project included).
    page.locator("#id_q").press_sequentially("kls", delay=50)
    expect(codes).to_have_count(3)
    assert sorted(codes.all_inner_texts()) == ["KL-001", "KL-002", "KL-003"]
    assert "q=kls" in page.url
    page.fill("#id_q", "")
    page.locator("#id_q").dispatch_event("input")
    expect(codes).to_have_count(8)

    # Sort by contract amount, descending; then a filter change keeps the sort.
    page.click("th >> text=合同投资额")
    # Wait for the first sort to land before asking for the reverse order.
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("合同投资额")
    page.click("th >> text=合同投资额")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("合同投资额")
    page.select_option("#id_stage", label="合同")
    expect(codes).to_have_count(4)
    assert codes.all_inner_texts() == ["KF-001", "KL-001", "LP-001", "LP-003"]
    assert "sort=-amount" in page.url and "stage=4" in page.url

    # Keyboard only: Tab reaches the more-filters panel and opens it with Enter.
    page.focus("#id_status")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("details.more-filters")).to_have_attribute("open", "")
    page.select_option("#id_is_industrial", "1")
    expect(codes).to_have_count(3)

    # Save it, then come back to it from a clean list.
    page.fill("#id_saved_name", "工业合同项目")
    page.click("button:has-text('保存为常用筛选')")
    expect(page.locator("#saved-filters")).to_contain_text("工业合同项目")
    assert page.evaluate("window.__marker") == "same page"
    page.screenshot(path=str(ARTIFACTS / "ledger-list-filtered.png"), full_page=True)
    page.goto(f"{live_server.url}/projects/")
    page.click("#saved-filters >> text=工业合同项目")
    expect(codes).to_have_count(3)

    # Printed: no filters, no buttons, the table and its totals.
    page.emulate_media(media="print")
    expect(page.locator("#ledger-filters")).to_be_hidden()
    expect(page.locator(".toolbar-actions")).to_be_hidden()
    expect(page.locator("table.projects tfoot")).to_be_visible()
    page.pdf(path=str(ARTIFACTS / "ledger-list-print.pdf"), landscape=True)
    page.screenshot(path=str(ARTIFACTS / "ledger-list-print.png"), full_page=True)
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/projects/KL-001/")
    page.emulate_media(media="print")
    expect(page.locator(".stage-actions")).to_be_hidden()
    expect(page.locator("#project-main table.history")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "ledger-detail-print.png"), full_page=True)
