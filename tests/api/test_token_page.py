"""The user's own token page: made there, shown once, listed with last use, revocable."""

from __future__ import annotations

import re

from rest_framework.test import APIClient

from zhaoshang.api.models import ApiToken


def test_make_use_and_revoke_a_token_on_the_page(client_for, personas):
    browser = client_for("r522601")
    page = browser.get("/account/tokens/")
    assert page.status_code == 200
    assert "还没有令牌" in page.content.decode()
    made = browser.post("/account/tokens/", {"name": "县统计表", "access": "read"})
    html = made.content.decode()
    key = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert "只显示这一次" in html
    assert made["Cache-Control"] == "no-store"
    # Shown once: the list afterwards has only its prefix.
    again = browser.get("/account/tokens/").content.decode()
    assert key not in again and key[:10] in again and "未使用" in again

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/projects/").json()["count"] == 3
    assert "未使用" not in browser.get("/account/tokens/").content.decode()

    token = ApiToken.objects.get(user=personas.users["r522601"])
    # Another user cannot revoke it.
    assert client_for("r522631").post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert browser.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/projects/").status_code == 401
