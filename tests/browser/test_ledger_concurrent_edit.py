"""Two people edit the same project in two browsers: the second save is refused and shows
what the first one changed; saving again after reading it keeps both changes."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from zhaoshang.ledger.models import Project

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _signed_in_page(browser, live_server, username, password):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()
    return context, page


@pytest.mark.browser
def test_second_save_is_refused_and_shows_the_first(browser, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    office_ctx, office = _signed_in_page(browser, live_server, "admin", personas.password)
    county_ctx, county = _signed_in_page(browser, live_server, "r522601", personas.password)
    try:
        # Both open the edit form of KL-001 at the same version.
        office.goto(f"{live_server.url}/projects/KL-001/edit/")
        county.goto(f"{live_server.url}/projects/KL-001/edit/")

        office.fill("#id_contract_amount", "32000")
        office.fill("#id_reason", "州招商办核实合同")
        office.click("button:has-text('保存')")
        expect(office.locator(".message.success")).to_contain_text("已保存")

        county.fill("#id_note", "企业已进场施工准备")
        county.fill("#id_reason", "补充进展")
        county.click("button:has-text('保存')")
        conflict = county.locator(".conflict")
        expect(conflict).to_contain_text("已被他人修改，您的修改未保存")
        expect(conflict).to_contain_text("州招商办管理员")
        expect(conflict).to_contain_text(re.compile(r"30,000(?![.\d])"))
        expect(conflict).to_contain_text(re.compile(r"32,000(?![.\d])"))
        county.screenshot(path=str(ARTIFACTS / "ledger-edit-conflict.png"), full_page=True)
        project = Project.objects.get(code="KL-001")
        assert (project.contract_amount, project.note) == (Decimal("32000"), "")

        # The form now holds the other's amount and the county's note: saving keeps both.
        expect(county.locator("#id_contract_amount")).to_have_value("32000")
        expect(county.locator("#id_note")).to_have_value("企业已进场施工准备")
        county.click("button:has-text('保存')")
        expect(county.locator(".message.success")).to_contain_text("已保存")
        project.refresh_from_db()
        assert (project.contract_amount, project.note) == (Decimal("32000"), "企业已进场施工准备")
    finally:
        office_ctx.close()
        county_ctx.close()
