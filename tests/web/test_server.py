"""`zhaoshang serve`: start-up checks, the demo-password warning, and a real start."""

from __future__ import annotations

import http.client
import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from zhaoshang.org.models import Account
from zhaoshang.web import server

VENDOR = Path(server.__file__).resolve().parent / "static" / "vendor" / "htmx.min.js"


def test_demo_password_users_are_found_by_hash_equality(db):
    users = get_user_model()
    kept = users.objects.create_user("r522601", password="zhaoshang-demo")
    changed = users.objects.create_user("r522631", password="zhaoshang-demo")
    Account.objects.create(user=kept, demo_password_hash=kept.password)
    Account.objects.create(user=changed, demo_password_hash=changed.password)
    Account.objects.create(user=users.objects.create_user("admin", password="x"))
    changed.set_password("Own-password-2026")
    changed.save()
    assert server.demo_password_users() == ["r522601"]


def test_serve_refuses_to_start_when_the_sqlite_check_fails(db, monkeypatch, capsys):
    monkeypatch.setattr(
        "zhaoshang.org.checks.check_sqlite_now",
        lambda: ["SQLite 日志模式为 delete，应为 WAL。"],
    )
    started = []
    monkeypatch.setattr(server._GunicornApp, "run", lambda self: started.append(self))
    assert server.serve("127.0.0.1", 8999, 1) == 1
    assert started == []
    err = capsys.readouterr().err
    assert "无法启动" in err and "应为 WAL" in err


def test_bind_and_url_forms():
    assert server._bind("127.0.0.1", 8000) == "127.0.0.1:8000"
    assert server._bind("::1", 8000) == "[::1]:8000"
    assert server._url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert server._url("::1", 8000) == "http://[::1]:8000/"


PREPARE = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from zhaoshang.org.models import Account
user = get_user_model().objects.create_user("r522601", password="zhaoshang-demo")
Account.objects.create(user=user, demo_password_hash=user.password)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


# `make test` installs htmx first; in CI a missing file must fail, not skip.
@pytest.mark.skipif(
    not VENDOR.exists() and not os.environ.get("CI"), reason="htmx 未安装：先运行 make setup"
)
def test_serve_starts_gunicorn_serves_static_and_warns_about_demo_passwords(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "-c", PREPARE], env=env, check=True, timeout=120)

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "zhaoshang", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        start_line = lines.get(timeout=90)
        assert (
            start_line.startswith("招商调度平台已启动：")
            and f"http://127.0.0.1:{port}/" in start_line
        )

        status, body, _headers = _get(port, "/static/vendor/htmx.min.js")
        assert status == 200 and b"htmx" in body
        status, body, _headers = _get(port, "/static/zhaoshang/app.css")
        assert status == 200 and "招商调度".encode() in body
        status, body, _headers = _get(port, "/login/")
        assert status == 200 and "招商引资工作调度平台".encode() in body
        status, _body, headers = _get(port, "/")
        assert status == 302 and headers["Location"].startswith("/login/")
    finally:
        proc.terminate()  # gunicorn's master stops its workers on SIGTERM
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "演示密码" in err and "r522601" in err
    # Static files were collected into the data directory.
    assert (tmp_path / "static" / "zhaoshang" / "app.css").exists()


def test_a_refused_request_is_logged_as_one_line(client_for, caplog):
    """403 is everyday (a reporter opening the campaign form): one line with who, no traceback."""
    import logging

    from zhaoshang.web.logs import ForbiddenOneLine

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client_for("r522601").get("/campaigns/new/").status_code == 403
    records = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(records) == 1
    record = records[0]
    assert ForbiddenOneLine().filter(record)
    line = logging.Formatter().format(record)
    assert line == "Forbidden (Permission denied): /campaigns/new/（用户 r522601）"
    assert "Traceback" not in line
