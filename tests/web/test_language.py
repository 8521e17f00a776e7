"""Chinese first: the browser's language never switches the UI, the user's choice does."""

import pytest

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_chinese(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_chosen_english_switches_the_page(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/")
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
