"""Finding 8 and the hardening: check --deploy clean with the documented production
settings, an oversized upload refused before its body is read, session idle
timeout and absolute lifetime, the demo-password mark for any account set back
to the demo password."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from zhaoshang.web import server
from zhaoshang.web.middleware import SessionLimitsMiddleware

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "ZHAOSHANG_BEHIND_HTTPS_PROXY": "true",
    "ZHAOSHANG_SSL_REDIRECT": "true",
    "ZHAOSHANG_HSTS_SECONDS": "31536000",
    "ZHAOSHANG_HSTS_PRELOAD": "true",
    "ZHAOSHANG_ALLOWED_HOSTS": "zs.example.gov.cn",
    "ZHAOSHANG_CSRF_TRUSTED_ORIGINS": "https://zs.example.gov.cn",
    "ZHAOSHANG_SECRET_KEY": "k" * 20 + "-production-secret-key-of-sixty-characters-at-least-x7Q",
}


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process;
    # a real deployment never has it, so the check runs without it.
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PRODUCTION, ZHAOSHANG_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "zhaoshang", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


class _Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the oversized body was read")

    readline = read


def test_oversized_upload_is_refused_before_its_body_is_read(client_for):
    client = client_for("r522601")
    response = client.generic(
        "POST",
        "/projects/new/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": _Unread()},
    )
    assert response.status_code == 413
    assert "单次上传不能超过 50 MB" in response.content.decode()


def _age_session(client, *, login_ago: int, seen_ago: int):
    session = client.session
    now = int(time.time())
    session[SessionLimitsMiddleware.LOGIN_AT] = now - login_ago
    session[SessionLimitsMiddleware.SEEN_AT] = now - seen_ago
    session.save()


def test_idle_session_ends(client_for, settings):
    client = client_for("r522601")
    assert client.get("/projects/").status_code == 200
    _age_session(client, login_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get("/projects/", follow=True)
    assert response.redirect_chain[0][0].startswith("/login/?next=/projects/")
    assert "长时间未操作，已自动退出" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_session_ends_after_its_lifetime_however_busy(client_for, settings):
    client = client_for("r522601")
    _age_session(client, login_ago=settings.SESSION_COOKIE_AGE + 5, seen_ago=1)
    response = client.get("/projects/", follow=True)
    assert "登录已超过有效期" in response.content.decode()


def test_an_active_session_goes_on(client_for, settings):
    client = client_for("r522601")
    _age_session(client, login_ago=3600, seen_ago=settings.SESSION_IDLE_SECONDS - 30)
    assert client.get("/projects/").status_code == 200


def test_an_account_set_back_to_the_demo_password_is_warned_about(personas, settings):
    user = personas.user("r522601")
    assert server.demo_password_users() == []
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    assert server.demo_password_users() == ["r522601"]
    user.set_password("Zs-own-choice-2026!")
    user.save()
    assert server.demo_password_users() == []


def test_a_new_account_given_the_demo_password_is_warned_about(personas, settings):
    from zhaoshang.org.services import do_save_account

    do_save_account(
        "kl_new",
        full_name="新账号",
        unit=personas.unit("522601"),
        role="reporter",
        password=settings.DEMO_PASSWORD,
    )
    assert server.demo_password_users() == ["kl_new"]
