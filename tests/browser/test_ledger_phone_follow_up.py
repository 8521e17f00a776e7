"""A follow-up typed on a 375 × 812 phone screen: one screen, big targets, no sideways
scrolling, saved without a page reload and ready for the next one."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhaoshang.ledger.models import FollowUp

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_reporter_records_a_visit_on_a_phone(page, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "r522601")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/ledger/follow-ups/new/")
    expect(page.locator("h1")).to_have_text("记一笔跟踪")
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "ledger-follow-up-phone.png"), full_page=True)

    page.get_by_label("来访接待").check()
    page.fill("#id_project", "xny")
    choice = page.locator("#id_project_options").get_by_label("KL-001", exact=False)
    expect(choice).to_be_visible()
    choice.check()
    page.fill("#id_enterprise", "hyxny")
    page.locator("#id_enterprise_options").get_by_label("华岳新能源控股集团有限公司").check()
    page.fill("#id_participants", "王明、李华")
    page.fill("#id_content", "接待华岳考察团，商定二期用地")
    page.evaluate("window.__marker = 'same page'")
    page.click("button:has-text('保存')")

    expect(page.locator("#quick-entry .message")).to_contain_text("已保存")
    assert page.evaluate("window.__marker") == "same page"
    # Cleared for the next entry; the list below shows what was just saved.
    expect(page.locator("#id_content")).to_have_value("")
    expect(page.locator(".recent")).to_contain_text("KL-001")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "ledger-follow-up-phone-saved.png"), full_page=True)

    saved = FollowUp.objects.get(content="接待华岳考察团，商定二期用地")
    assert (saved.kind, saved.project.code, saved.enterprise.name, saved.unit.code) == (
        "来访接待",
        "KL-001",
        "华岳新能源控股集团有限公司",
        "522601",
    )
    assert saved.created_by.username == "r522601"

    # The feed, on the phone too.
    page.goto(f"{live_server.url}/ledger/follow-ups/")
    expect(page.locator(".feed")).to_contain_text("接待华岳考察团")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "ledger-feed-phone.png"), full_page=True)
