"""Finding 1: a unit renamed to markup must show as text in the bulletin chart's
tooltip, for every reader of a published bulletin, and never run."""

from datetime import date

import pytest
from playwright.sync_api import expect

from zhaoshang.dispatch.services import do_publish_bulletin
from zhaoshang.org.services import do_save_unit

EVIL = '<img src=x onerror="window.__xss=1">'


@pytest.mark.browser
def test_hostile_unit_name_is_plain_text_in_the_ranking_tooltip(page, live_server, personas):
    kaili = personas.unit("522601")
    do_save_unit(kaili.code, name=EVIL, kind=kaili.kind, parent=kaili.parent, order=kaili.order)
    bulletin = do_publish_bulletin(
        personas.campaign, date(2026, 11, 27), actor=personas.user("admin")
    )
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "r522631")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/dispatch/{personas.campaign.code}/bulletins/{bulletin.number}/")

    chart = page.locator("[data-chart=ranking]")
    expect(chart.locator("svg")).to_have_count(1)
    # 凯里市 (82 %) is ranked first: show the tooltip of the first bar.
    page.evaluate(
        """() => window.echarts.getInstanceByDom(document.querySelector('[data-chart=ranking]'))
                 .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})"""
    )
    tooltip = chart.locator("> div").filter(has_not=page.locator("svg")).last
    expect(tooltip).to_contain_text("完成率")
    expect(tooltip).to_contain_text(EVIL)
    assert chart.locator("div img").count() == 0
    assert page.evaluate("window.__xss") is None
    # The page itself ran within its policy: nothing had to be blocked.
    assert violations == []
