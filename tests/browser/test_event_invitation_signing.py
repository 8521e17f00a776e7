"""The conference in the browser: a county invites an enterprise from the library, the
guest confirms and is given a hotel; the prefecture signs a project on the ceremony
list and the ledger shows it signed; the overview counts both."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.events.conftest import EVENT, build_event_world
from zhaoshang.events.models import Invitation
from zhaoshang.ledger.models import Project, Stage
from zhaoshang.ledger.services import do_save_enterprise

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


@pytest.mark.browser
def test_county_invites_a_guest_and_the_prefecture_signs_a_project(page, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    build_event_world(personas)
    do_save_enterprise(
        name="苏州新材料科技股份有限公司",
        origin="江苏省",
        tags=[("上市公司", None)],
        owner_unit=personas.unit("522601"),
    )

    sign_in(page, live_server, "r522601", personas.password)
    page.goto(f"{live_server.url}/events/")
    page.get_by_role("link", name="2026年民营企业助推贵州发展大会").click()
    page.get_by_role("link", name="邀商与嘉宾").click()
    # Only 凯里市's own invitations are listed.
    expect(page.locator("#invitation-table")).not_to_contain_text("深圳鹏城电子科技有限公司")

    page.get_by_label("上市公司").check()
    page.click("button:has-text('查找')")
    page.get_by_label("苏州新材料科技股份有限公司").check()
    page.fill("#id_inviter", "王明")
    page.click("button:has-text('列入拟邀名单')")
    expect(page.locator(".messages")).to_contain_text("已将 1 家客商列入拟邀名单")
    row = page.locator("tr[data-enterprise='苏州新材料科技股份有限公司']")
    expect(row).to_contain_text("拟邀")

    row.locator("select[name=status]").select_option("已确认")
    row.locator("button:has-text('更新')").click()
    expect(page.locator("tr[data-enterprise='苏州新材料科技股份有限公司']")).to_contain_text(
        "已确认"
    )

    page.get_by_role("link", name="苏州新材料科技股份有限公司").click()
    page.fill("#id_guest_name", "周新")
    page.fill("#id_guest_title", "董事长")
    page.select_option("#id_guest_level", "主要负责人")
    page.fill("#id_arrival_on", "2026-11-30")
    page.fill("#id_travel", "CZ3456")
    page.fill("#id_hotel", "贵阳喜来登酒店")
    page.fill("#id_dietary", "素食")
    page.click("button:has-text('保存嘉宾信息')")
    expect(page.locator(".messages")).to_contain_text("嘉宾信息已保存")
    page.screenshot(path=str(ARTIFACTS / "event-guest.png"), full_page=True)
    guest = Invitation.objects.get(enterprise__name="苏州新材料科技股份有限公司")
    assert (guest.status, guest.guest_name, guest.hotel, guest.arrival_on) == (
        "已确认",
        "周新",
        "贵阳喜来登酒店",
        date(2026, 11, 30),
    )
    assert guest.history.first().history_user.username == "r522601"

    page.click("button:has-text('退出')")
    sign_in(page, live_server, "admin", personas.password)
    page.goto(f"{live_server.url}/events/{EVENT}/signings/")
    page.fill("#id_project", "TC-001")
    page.fill("#id_amount", "2亿")
    page.fill("#id_order", "6")
    page.fill("#id_our_signatory", "州投资促进局局长")
    page.click("form.form button:has-text('列入签约名单')")
    expect(page.locator(".messages")).to_contain_text("TC-001 已列入签约名单")
    line = page.locator("tr[data-project='TC-001']")
    expect(line).to_contain_text(re.compile(r"20,000(?![.\d])"))
    expect(line.locator(".stage")).to_have_text("签约")
    page.screenshot(path=str(ARTIFACTS / "event-signings.png"), full_page=True)
    project = Project.objects.get(code="TC-001")
    assert (project.stage, project.signed_on) == (Stage.SIGNED, date(2026, 12, 1))

    page.goto(f"{live_server.url}/events/{EVENT}/?as_of=2026-12-20")
    # 6 signed now; 5 confirmed or attended (华岳, 广州云上, 远景, and the new 苏州新材料).
    expect(page.locator("[data-figure=signings]")).to_have_text("6")
    expect(page.locator("[data-figure=coming]")).to_have_text("4")
    expect(page.locator("#unit-table")).to_contain_text("凯里市")
    page.screenshot(path=str(ARTIFACTS / "event-overview.png"), full_page=True)
