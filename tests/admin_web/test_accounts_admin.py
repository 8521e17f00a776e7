"""Accounts and memberships: create with a one-time password, change role, reset, deactivate.

A county administrator (a522601) works only with accounts of 凯里市 and below,
and can grant no role above that subtree.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client

from zhaoshang.org.models import Account, Membership, Role

from .helpers import org_snapshot, text

User = get_user_model()
KAILI_ACCOUNTS = "/org/units/522601/accounts/"


def _account(**values) -> dict:
    data = {
        "username": "kl_zhang",
        "full_name": "张三",
        "unit": "",
        "role": "reporter",
        "reason": "",
    }
    data.update(values)
    return {f"new-{k}": v for k, v in data.items()}


def _password(response) -> str:
    return re.search(
        r'<span class="secret" id="password">([^<]+)</span>', response.content.decode()
    )[1]


def test_accounts_page_lists_the_subtree_only(client_for):
    page = text(client_for("a522601").get(KAILI_ACCOUNTS))
    assert "r522601" in page and "a522601" in page
    assert "r522631" not in page and "admin " not in page


def test_county_admin_creates_an_account_and_sees_the_password_once(client_for, personas):
    town = personas.units["522601101"]
    response = client_for("a522601").post(KAILI_ACCOUNTS, _account(unit=str(town.pk), role="admin"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = text(response)
    assert "账号已建立" in page and "这个密码只显示这一次" in page
    password = _password(response)
    assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", password)

    user = User.objects.get(username="kl_zhang")
    assert user.first_name == "张三" and user.check_password(password)
    membership = Membership.objects.get(user=user)
    assert (membership.unit, membership.role) == (town, Role.ADMIN)
    assert membership.history.get().history_user == personas.users["a522601"]
    account = Account.objects.get(user=user)
    assert account.must_change_password
    assert account.history.get().history_user == personas.users["a522601"]
    # The list never shows the password again.
    assert password not in client_for("a522601").get(KAILI_ACCOUNTS).content.decode()

    # The new person signs in and must first choose a password of their own.
    client = Client()
    assert client.login(request=HttpRequest(), username="kl_zhang", password=password)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/password/"


def test_unit_choices_never_go_above_the_subtree(client_for, personas):
    html = client_for("a522601").get(KAILI_ACCOUNTS).content.decode()
    assert "三棵树镇" in html and "黔东南州</option>" not in html and "黎平县" not in html
    before = org_snapshot()
    for unit in ("522600", "522631"):
        response = client_for("a522601").post(
            KAILI_ACCOUNTS, _account(unit=str(personas.units[unit].pk), role="admin")
        )
        assert response.status_code == 400
        assert "选择一个有效的选项" in text(response)
    assert org_snapshot() == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"username": "r522631"}, "登录名 r522631 已被使用，请换一个。"),
        ({"username": "R522631"}, "登录名 R522631 已被使用，请换一个。"),
        ({"username": "a b"}, "请输入合法的用户名"),
        ({"full_name": ""}, "这个字段是必填项。"),
        ({"role": "superuser"}, "选择一个有效的选项"),
    ],
)
def test_create_validation_messages(client_for, personas, values, message):
    values.setdefault("unit", str(personas.units["522601"].pk))
    before = org_snapshot()
    response = client_for("a522601").post(KAILI_ACCOUNTS, _account(**values))
    assert response.status_code == 400
    assert message in text(response)
    assert org_snapshot() == before


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        ("leader", KAILI_ACCOUNTS, 403),
        ("r522601", KAILI_ACCOUNTS, 403),
        ("outsider", KAILI_ACCOUNTS, 404),
        ("a522601", "/org/units/522631/accounts/", 404),
        ("a522601", "/org/units/522600/accounts/", 404),
    ],
)
def test_create_refused_writes_nothing(client_for, personas, who, url, expected):
    before = org_snapshot()
    data = _account(unit=str(personas.units["522601"].pk))
    assert client_for(who).post(url, data).status_code == expected
    assert org_snapshot() == before


def test_change_role_and_unit_with_history(client_for, personas):
    reporter = personas.users["r522601"]
    town = personas.units["522601101"]
    client = client_for("a522601")
    assert client.get(f"/org/accounts/{reporter.pk}/edit/").status_code == 200
    response = client.post(
        f"/org/accounts/{reporter.pk}/edit/",
        {"full_name": "凯里市填报员", "unit": str(town.pk), "role": "viewer", "reason": "调岗"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=reporter)
    assert (membership.unit, membership.role) == (town, Role.VIEWER)
    record = membership.history.latest()
    assert record.history_user == personas.users["a522601"]
    assert record.history_change_reason == "调岗"
    assert (record.prev_record.role, record.role) == ("reporter", "viewer")


ACCOUNT_ACTIONS = ["edit/", "reset-password/", "active/"]


@pytest.mark.parametrize(
    ("who", "target", "expected"),
    [
        ("a522601", "admin", 404),  # the prefecture is above the county
        ("a522601", "r522631", 404),
        ("a522601", "leader", 404),
        ("a522601", "outsider", 404),  # an account working nowhere
        ("leader", "r522601", 403),
        ("r522601", "r522601", 403),
        ("outsider", "r522601", 404),
        ("admin", "outsider", 404),
    ],
)
def test_account_actions_refused(client_for, personas, who, target, expected):
    user = personas.users[target]
    before = org_snapshot()
    client = client_for(who)
    for action in ACCOUNT_ACTIONS:
        url = f"/org/accounts/{user.pk}/{action}"
        assert client.post(url, {"active": "0", "full_name": "x", "role": "admin"}).status_code == (
            expected
        ), url
    assert client.get(f"/org/accounts/{user.pk}/edit/").status_code == expected
    assert org_snapshot() == before


def test_reset_password_demands_a_change_at_next_login(client_for, personas):
    reporter = personas.users["r522601"]
    response = client_for("a522601").post(f"/org/accounts/{reporter.pk}/reset-password/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "密码已重置" in text(response)
    password = _password(response)
    reporter.refresh_from_db()
    assert reporter.check_password(password) and not reporter.check_password(personas.password)
    account = Account.objects.get(user=reporter)
    assert account.must_change_password and account.password_reset_at is not None
    record = account.history.latest()
    assert record.history_user == personas.users["a522601"]
    assert record.history_change_reason == "管理员重置密码"
    assert record.prev_record.must_change_password is False
    client = Client()
    assert client.login(request=HttpRequest(), username="r522601", password=password)
    assert client.get("/projects/")["Location"] == "/password/"


def test_deactivate_and_reactivate(client_for, personas):
    reporter = personas.users["r522601"]
    client = client_for("a522601")
    response = client.post(
        f"/org/accounts/{reporter.pk}/active/", {"active": "0", "next": KAILI_ACCOUNTS}
    )
    assert response.status_code == 302 and response["Location"] == KAILI_ACCOUNTS
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert not Client().login(request=HttpRequest(), username="r522601", password=personas.password)
    account = Account.objects.get(user=reporter)
    assert account.deactivated_at is not None
    assert account.history.latest().history_change_reason == "停用账号"
    page = text(client.get(KAILI_ACCOUNTS))
    assert "账号 r522601 已停用，不能再登录" in page and "已停用" in page

    client.post(f"/org/accounts/{reporter.pk}/active/", {"active": "1"})
    reporter.refresh_from_db()
    assert reporter.is_active
    assert Client().login(request=HttpRequest(), username="r522601", password=personas.password)
    history = text(client.get("/org/units/522601/history/"))
    assert "账号 r522601" in history and "停用时间" in history


def test_an_administrator_cannot_deactivate_themselves(client_for, personas):
    me = personas.users["a522601"]
    before = org_snapshot()
    response = client_for("a522601").post(
        f"/org/accounts/{me.pk}/active/", {"active": "0"}, follow=True
    )
    assert "不能停用自己正在使用的账号" in text(response)
    assert org_snapshot() == before


def test_next_must_stay_on_this_site(client_for, personas):
    reporter = personas.users["r522601"]
    response = client_for("admin").post(
        f"/org/accounts/{reporter.pk}/active/", {"active": "0", "next": "https://evil.example/"}
    )
    assert response["Location"] == KAILI_ACCOUNTS


# session, user, account, scope, the unit, the trail, the memberships with
# users and accounts, the new-account form's unit choices, the top-bar memberships
# + 1: which listed accounts are locked by failed logins (the unlock button)
ACCOUNTS_QUERIES = 11


@pytest.mark.parametrize("size", [3, 25])
def test_accounts_page_query_count_is_fixed(client_for, personas, django_assert_num_queries, size):
    from zhaoshang.org.services import do_save_account

    for i in range(size):
        do_save_account(
            f"kl{i:03d}",
            full_name=f"测试{i}",
            unit=personas.units["522601101"],
            role="reporter",
            password="x-pass-12345",
        )
    client = client_for("a522601")
    with django_assert_num_queries(ACCOUNTS_QUERIES):
        response = client.get(KAILI_ACCOUNTS)
    # Each row names the reset URL twice (form action and hx-post).
    assert response.content.decode().count("/reset-password/") == 2 * (size + 2)
