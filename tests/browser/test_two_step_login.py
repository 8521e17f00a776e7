"""An administrator, in a real Chromium: turns on two-step login (QR code shown under the
strict CSP, key typed into the app), keeps the recovery codes, then logs in with a code."""

import pyotp
import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_admin_enrols_and_logs_in_with_a_code(page, live_server, personas):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_contain_text("州招商办管理员")

    page.click(".topbar >> text=两步验证")
    page.click("button:has-text('启用两步验证')")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.fill("#id_code", pyotp.TOTP(key).now())
    page.click("button:has-text('确认启用')")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert not [e for e in errors if "Content Security Policy" in e]

    page.click(".topbar button:has-text('退出')")
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", "admin")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("两步验证")
    page.fill("#id_code", "000000")
    page.click("button:has-text('验证并登录')")
    expect(page.locator(".field-error")).to_contain_text("验证码不正确或已过期")
    page.fill("#id_code", pyotp.TOTP(key).now())
    page.click("button:has-text('验证并登录')")
    expect(page.locator(".topbar .who")).to_contain_text("州招商办管理员")
