"""Finding 5: login throttling per account and per address, the Chinese lockout
message, the administrator's unlock; Argon2 hashes; and every login, failure and
lockout in the security log (never the password)."""

from __future__ import annotations

import json
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

LIMIT = 10  # settings.AXES_FAILURE_LIMIT (ZHAOSHANG_LOGIN_FAILURE_LIMIT)


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="zhaoshang.security")
    logger = logging.getLogger("zhaoshang.security")
    logger.addHandler(caplog.handler)
    yield lambda: [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "zhaoshang.security"
    ]
    logger.removeHandler(caplog.handler)


def _try(client, username, password, address="10.0.0.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_tenth_wrong_password_locks_the_account_even_with_the_right_one(personas, security_log):
    client = Client()
    for _ in range(LIMIT - 1):
        assert _try(client, "r522601", "wrong").status_code == 200  # the form again
    locked = _try(client, "r522601", "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录失败次数过多" in text and "15 分钟后再试" in text and "管理员" in text
    # From another address too: the account itself is locked, and the right password
    # is not even checked.
    assert _try(Client(), "r522601", personas.password, "10.0.0.8").status_code == 429

    lines = security_log()
    kinds = [line["kind"] for line in lines]
    assert kinds.count("login_failed") >= LIMIT and "lockout" in kinds
    failed = next(line for line in lines if line["kind"] == "login_failed")
    assert failed["user"] == "r522601" and failed["address"] == "10.0.0.7"
    assert not any(
        "wrong" in json.dumps(line) or personas.password in json.dumps(line) for line in lines
    )


def test_one_address_guessing_many_accounts_is_locked(personas):
    client = Client()
    for i in range(LIMIT):
        _try(client, f"nobody{i}", "wrong", "10.0.0.9")
    assert _try(client, "r522631", personas.password, "10.0.0.9").status_code == 429
    # Another address is not affected.
    assert _try(Client(), "r522631", personas.password, "10.0.0.10").status_code == 302


def test_administrator_sees_the_lock_and_unlocks(personas, client_for, security_log):
    for _ in range(LIMIT):
        _try(Client(), "r522601", "wrong", "10.0.1.1")
    admin = client_for("admin")
    page = admin.get("/org/units/522600/accounts/").content.decode()
    assert "登录失败过多，已锁定" in page
    user = personas.user("r522601")
    # A county reporter cannot unlock (not an administrator of the account).
    assert client_for("r522631").post(f"/org/accounts/{user.pk}/unlock/").status_code in (403, 404)
    assert AccessAttempt.objects.filter(username="r522601").exists()
    response = admin.post(f"/org/accounts/{user.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="r522601").exists()
    assert _try(Client(), "r522601", personas.password, "10.0.1.2").status_code == 302
    assert any(line["kind"] == "unlock" and line["account"] == "r522601" for line in security_log())


def test_a_success_clears_the_count_and_is_logged(personas, security_log):
    client = Client()
    for _ in range(LIMIT - 2):
        _try(client, "r522601", "wrong")
    assert _try(client, "r522601", personas.password).status_code == 302
    assert any(line["kind"] == "login" and line["user"] == "r522601" for line in security_log())
    for _ in range(LIMIT - 2):
        _try(Client(), "r522601", "wrong")
    assert _try(Client(), "r522601", personas.password).status_code == 302


def test_new_passwords_are_hashed_with_argon2(db, settings):
    from zhaoshang import settings as configured  # tests run with a fast hasher

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    user = get_user_model().objects.create_user("hash_check", password="Zs-hash-2026!")
    assert user.password.startswith("argon2$")


def test_denial_of_another_countys_project_is_logged(personas, client_for, security_log):
    response = client_for("r522601").get("/projects/LP-001/")
    assert response.status_code == 404
    denied = [line for line in security_log() if line["kind"] == "denied"]
    assert denied and denied[0]["user"] == "r522601" and denied[0]["path"] == "/projects/LP-001/"


def test_an_export_is_logged_with_who_and_what(personas, client_for, security_log):
    response = client_for("r522601").get("/ledger/projects/export.xlsx?q=KL")
    assert response.status_code == 200
    (line,) = [line for line in security_log() if line["kind"] == "export"]
    assert line["user"] == "r522601" and line["what"] == "项目台账" and line["query"] == "q=KL"
