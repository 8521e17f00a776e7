"""The 凯里市 reporter, in a real Chromium: the published ranking, then only 凯里市's projects."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_county_reporter_sees_every_county_ranked_and_only_own_projects(
    page, live_server, personas
):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "r522601")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_contain_text("凯里市填报员")

    page.goto(f"{live_server.url}/?campaign=MQDH2026&as_of=2026-11-27")
    ranking = page.locator("table.ranking tbody")
    expect(ranking.locator("tr")).to_have_count(4)
    rows = ranking.locator("tr").all_inner_texts()
    # Ranked by completion: 凯里市 82 %, 开发区 75 %, 黎平县 30 %, then the bureau without target.
    # The reporter's own unit carries the 本单位 mark.
    assert [r.split("\t")[1].strip() for r in rows] == [
        "凯里市 本单位",
        "凯里经济开发区",
        "黎平县",
        "州投资促进局",
    ]
    expect(ranking.locator("tr").nth(0)).to_contain_text("绿")
    expect(ranking.locator("tr").nth(2)).to_contain_text("红")
    expect(page.locator(".countdown")).to_contain_text("距12月5日还有8天")
    # Only the reporter's own county is a link into the details.
    expect(ranking.locator("a")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "reporter-ranking.png"), full_page=True)

    page.click(".mainnav >> text=项目台账")
    codes = page.locator("table.projects tbody td.code")
    expect(codes).to_have_count(3)
    assert sorted(codes.all_inner_texts()) == ["KL-001", "KL-002", "KL-003"]
    expect(page.locator("table.projects")).not_to_contain_text("黎平县")
    page.screenshot(path=str(ARTIFACTS / "reporter-projects.png"), full_page=True)

    # The same ranking on a phone stays readable (the table scrolls sideways).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/?campaign=MQDH2026&as_of=2026-11-27")
    expect(page.locator("table.ranking")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "reporter-ranking-phone.png"), full_page=True)
