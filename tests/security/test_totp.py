"""Optional two-step login (TOTP): enrol on the own page, the second login step,
wrong codes refused and counted by axes, recovery codes that work once, the
administrator's reset; users without it log in exactly as before."""

from __future__ import annotations

import json
import re

import pyotp
import pytest
from django.test import Client

from tests.security.test_login import LIMIT, security_log  # noqa: F401  (fixture)
from zhaoshang.org.models import Account


def _password(client, username, password, address="10.0.2.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _enrol(client) -> tuple[str, list[str]]:
    """Walks the own page: start → QR code and key → confirm → recovery codes."""
    page = client.post("/account/two-step/", {"action": "start"})
    assert page.status_code == 200
    text = page.content.decode()
    qr = re.search(r'<div class="qr" id="totp-qr">(.*?)</div>', text, re.S).group(1)
    assert qr.startswith("<svg") and "script" not in qr  # inline SVG, nothing to run
    key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', text).group(1).replace(" ", "")
    wrong = client.post("/account/two-step/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    done = client.post("/account/two-step/", {"action": "confirm", "code": pyotp.TOTP(key).now()})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4})</code></li>", done.content.decode())
    assert len(codes) == 10
    return key, codes


@pytest.fixture
def enrolled(personas, client_for):
    """凯里市's reporter r522601 with two-step login on."""
    client = client_for("r522601")
    key, codes = _enrol(client)
    return key, codes


def test_enrol_stores_the_secret_and_only_hashes_of_the_recovery_codes(personas, enrolled):
    key, codes = enrolled
    account = Account.objects.get(user__username="r522601")
    assert account.totp_secret == key and account.totp_enabled_at is not None
    assert len(account.totp_recovery) == 10
    stored = json.dumps(account.totp_recovery)
    assert not any(c.replace("-", "") in stored or c in stored for c in codes)
    # The history has the date it was turned on, never the secret.
    row = account.history.first()
    assert row.totp_enabled_at is not None and not hasattr(row, "totp_secret")
    assert row.history_change_reason == "启用两步验证"


def test_login_needs_the_code_after_the_password(personas, enrolled, security_log):  # noqa: F811
    key, _codes = enrolled
    client = Client()
    first = _password(client, "r522601", personas.password)
    assert first.status_code == 302 and first["Location"] == "/login/code/"
    # Not logged in yet: a page sends back to the login.
    assert client.get("/projects/").status_code == 302
    assert "_auth_user_id" not in client.session
    ask = client.get("/login/code/")
    assert ask.status_code == 200 and "两步验证" in ask.content.decode()
    done = client.post("/login/code/", {"code": key and pyotp.TOTP(key).now()})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/projects/").status_code == 200
    kinds = [line["kind"] for line in security_log()]
    assert "totp_asked" in kinds and "totp_passed" in kinds and "login" in kinds
    assert key not in json.dumps(security_log())


def test_wrong_code_is_refused_in_chinese_and_counted_by_axes(
    personas,
    enrolled,
    security_log,  # noqa: F811
):
    key, _codes = enrolled
    client = Client()
    _password(client, "r522601", personas.password)
    wrong = client.post("/login/code/", {"code": "123456"}, REMOTE_ADDR="10.0.2.1")
    assert wrong.status_code == 400
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    lines = security_log()
    assert any(line["kind"] == "totp_failed" and line["user"] == "r522601" for line in lines)
    assert "123456" not in json.dumps(lines)
    # Guessing codes locks the account like guessing passwords.
    for _ in range(LIMIT - 2):
        client.post("/login/code/", {"code": "123456"}, REMOTE_ADDR="10.0.2.1")
    locked = client.post("/login/code/", {"code": "123456"}, REMOTE_ADDR="10.0.2.1")
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    # Even the right password and a right code no longer get in.
    fresh = Client()
    assert _password(fresh, "r522601", personas.password, "10.0.2.9").status_code == 429


def test_a_recovery_code_works_once(personas, enrolled):
    _key, codes = enrolled
    client = Client()
    _password(client, "r522601", personas.password)
    done = client.post("/login/code/", {"code": codes[3].upper()}, follow=True)
    assert done.status_code == 200 and "还剩 9 个" in done.content.decode()
    assert client.session["_auth_user_id"]
    again = Client()
    _password(again, "r522601", personas.password)
    refused = again.post("/login/code/", {"code": codes[3]})
    assert refused.status_code == 400 and "_auth_user_id" not in again.session
    assert len(Account.objects.get(user__username="r522601").totp_recovery) == 9


def test_administrator_turns_it_off_with_history_and_log(
    personas,
    enrolled,
    client_for,
    security_log,  # noqa: F811
):
    user = personas.user("r522601")
    page = client_for("admin").get("/org/units/522600/accounts/").content.decode()
    assert "已启用两步验证" in page and f"/org/accounts/{user.pk}/totp-off/" in page
    # Another county's reporter may not.
    assert client_for("r522631").post(f"/org/accounts/{user.pk}/totp-off/").status_code in (
        403,
        404,
    )
    assert Account.objects.get(user=user).totp_enabled_at is not None
    response = client_for("admin").post(f"/org/accounts/{user.pk}/totp-off/")
    assert response.status_code == 302
    account = Account.objects.get(user=user)
    assert account.totp_enabled_at is None and account.totp_secret == ""
    row = account.history.first()
    assert row.history_change_reason == "管理员关闭两步验证"
    assert row.history_user.username == "admin"
    assert any(
        line["kind"] == "totp_disabled" and line["account"] == "r522601" for line in security_log()
    )
    # Back to the password alone.
    assert _password(Client(), "r522601", personas.password)["Location"] == "/"


def test_without_two_step_login_is_unchanged(personas):
    client = Client()
    response = _password(client, "r522631", personas.password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/login/code/").status_code == 302  # nothing pending: back to login
