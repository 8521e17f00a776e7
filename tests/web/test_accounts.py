"""Signing in and out, and the forced password change of first logins."""

from __future__ import annotations

from django.test import Client

from zhaoshang.org.models import Account, Role
from zhaoshang.org.services import do_save_account

from .helpers import HOME


def test_login_page_is_chinese(db):
    html = Client().get("/login/").content.decode()
    assert "招商引资工作调度平台" in html and "账号" in html and "密码" in html


def test_login_with_password_then_home(personas):
    client = Client()
    response = client.post("/login/", {"username": "r522601", "password": personas.password})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(HOME).status_code == 200


def test_wrong_password_is_refused_in_chinese(personas):
    response = Client().post("/login/", {"username": "r522601", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_logout_is_a_post(client_for):
    client = client_for("leader")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/projects/").status_code == 302


def test_first_login_must_change_password_before_anything_else(personas):
    user, _created, _generated = do_save_account(
        "r522640",
        full_name="开发区填报员",
        unit=personas.units["522640"],
        role=Role.REPORTER,
        password="Initial-pass-1",
        must_change=True,
    )
    client = Client()
    client.force_login(user)
    for url in (HOME, "/projects/", "/projects/KF-001/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/password/", url
    page = client.get("/password/").content.decode()
    assert "请先设置您自己的密码" in page

    response = client.post(
        "/password/",
        {
            "old_password": "Initial-pass-1",
            "new_password1": "Kaifaqu-2026-new",
            "new_password2": "Kaifaqu-2026-new",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/password/done/"
    assert Account.objects.get(user=user).must_change_password is False
    assert client.get(HOME).status_code == 200


def test_password_change_errors_are_chinese(client_for):
    response = client_for("r522601").post(
        "/password/",
        {
            "old_password": "nope",
            "new_password1": "a",
            "new_password2": "b",
        },
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
