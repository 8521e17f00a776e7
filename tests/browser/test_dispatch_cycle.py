"""A full dispatch cycle in a real Chromium: the office opens a round, 黎平县 reports from
its own browser, the office watches it arrive, publishes 第1期, downloads the Word file,
and the bulletin's charts are drawn with the bulletin's own figures.

Figures on 2026-11-27 (tests/conftest.py): required 80 %; 凯里市 82 %, 凯里经济开发区
75 %, 黎平县 30 %, 州投资促进局 no target.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AS_OF = "2026-11-27"


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()


def series_of(page, element_id: str) -> list:
    """The series ECharts drew in ``element_id``, as its instance holds them."""
    return page.evaluate(
        """(id) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            return chart.getOption().series.map((s) => ({
                type: s.type,
                name: s.name,
                data: s.data.map((d) => (d !== null && typeof d === "object" ? d.value : d)),
                names: s.data.map((d) => (d !== null && typeof d === "object" ? d.name : null)),
            }));
        }""",
        element_id,
    )


@pytest.mark.browser
def test_office_runs_a_dispatch_cycle_in_the_browser(browser, live_server, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    office_context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    county_context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    office = office_context.new_page()
    county = county_context.new_page()
    errors: list[str] = []
    for page in (office, county):
        page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. The office opens a round due in a week.
    sign_in(office, base, "admin", personas.password)
    office.click(".mainnav >> text=调度")
    office.click("a[href='/dispatch/MQDH2026/rounds/']")
    deadline = (timezone.localtime() + timedelta(days=7)).replace(hour=17, minute=0)
    office.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    office.fill("#id_title", "第一次调度会")
    office.click("form[action$='/rounds/new/'] button[type=submit]")
    expect(office.locator("h1#round-title")).to_have_text("第一次调度会")
    roster = office.locator("#roster")
    expect(roster.locator("tr#unit-522631")).to_contain_text("待报送")
    round_url = office.url

    # 2. 黎平县's reporter, in a browser of its own, reports.
    sign_in(county, base, "r522631", personas.password)
    county.goto(f"{base}/dispatch/")
    county.click("a[href='/dispatch/MQDH2026/rounds/']")
    county.click("table.rounds >> text=第一次调度会")
    form = county.locator("#form-522631")
    expect(form).to_contain_text("提交即确认本单位截至今日的台账数据")
    form.locator("textarea[name=progress]").fill("林产品精深加工项目已签合同，竹木制品项目在谈。")
    form.locator("textarea[name=problems]").fill("物流成本高，需州级协调铁路专线。")
    form.locator("textarea[name=plan]").fill("下周赴广东对接两家家具企业。")
    county.screenshot(path=str(ARTIFACTS / "dispatch-county-form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(county.locator(".message.success")).to_contain_text("黎平县的调度填报已提交")
    expect(county.locator("tr#unit-522631")).to_contain_text("按时报送")
    # Another county's words stay hidden from 黎平县.
    expect(county.locator("tr#unit-522601")).not_to_contain_text("林产品")

    # 3. The office's roster refreshes itself (every 20 s) and shows the report.
    expect(roster.locator("tr#unit-522631")).to_contain_text("按时报送", timeout=30_000)
    expect(roster.locator("tr#unit-522631")).to_contain_text("物流成本高")
    assert office.url == round_url  # no reload: htmx swapped the roster in place
    office.screenshot(path=str(ARTIFACTS / "dispatch-round-office.png"), full_page=True)

    # 4. A draft for the as-of day, then publishing it as 第1期 (after confirming).
    office.click(".dispatch-tabs >> text=调度通报")
    office.fill("#id_as_of", AS_OF)
    office.click("text=预览草稿")
    expect(office.locator(".doc-issue")).to_have_text("（征求意见稿）")
    office.once("dialog", lambda dialog: dialog.accept())
    office.click("text=发布为正式通报")
    expect(office.locator(".message.success")).to_contain_text("已发布调度通报第1期")
    expect(office.locator(".doc-issue")).to_have_text("第1期")
    expect(office.locator(".bulletin-ranking tbody tr").first).to_contain_text("凯里市")
    expect(office.locator("#row-522631")).to_contain_text("红")

    # 5. The Word file downloads under its Chinese name and opens.
    with office.expect_download() as info:
        office.click("text=下载 Word")
    download = info.value
    assert download.suggested_filename == f"调度通报_MQDH2026_第1期_{AS_OF}.docx"
    saved = ARTIFACTS / "dispatch-bulletin-1.docx"
    download.save_as(saved)
    document = docx.Document(str(saved))
    paragraphs = [p.text for p in document.paragraphs]
    assert "第1期" in paragraphs
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"凯里市", "41,000", "82.00%"} <= cells

    # 6. The charts are drawn (SVG) and carry the bulletin's figures.
    for chart in ("chart-ranking", "chart-curve", "chart-funnel"):
        expect(office.locator(f"#{chart} svg")).to_have_count(1)
    figures = json.loads(office.locator("#bulletin-charts").text_content())
    bars, line = series_of(office, "chart-ranking")
    assert bars["type"] == "bar" and line["type"] == "line"
    assert bars["data"] == figures["ranking"]["completion"] == [82, 75, 30, None]
    assert line["data"] == [80, 80, 80, 80] == [figures["ranking"]["required"]] * 4
    achieved, required = series_of(office, "chart-curve")
    assert achieved["data"] == figures["curve"]["achieved"]
    assert required["data"] == figures["curve"]["required"]
    as_of_index = figures["curve"]["dates"].index(AS_OF)
    assert achieved["data"][as_of_index] == 80000  # the prefecture's total on the day
    (funnel,) = series_of(office, "chart-funnel")
    assert funnel["type"] == "funnel"
    assert list(zip(funnel["names"], funnel["data"], strict=True)) == [
        (level["name"], level["value"]) for level in figures["funnel"]
    ]
    # What the figures are: the bars read "82.00% 绿" etc., in words as well as colour.
    assert "82.00% 绿" in office.locator("#chart-ranking").inner_text()

    office.screenshot(path=str(ARTIFACTS / "dispatch-bulletin-1.png"), full_page=True)
    office.locator("section.charts").screenshot(path=str(ARTIFACTS / "dispatch-charts.png"))
    office.emulate_media(media="print")
    office.screenshot(path=str(ARTIFACTS / "dispatch-bulletin-1-print.png"), full_page=True)
    office.emulate_media(media="screen")

    # 7. 黎平县 sees the published issue too, and may drill into its own figures only.
    county.goto(f"{base}/dispatch/MQDH2026/bulletins/1/")
    expect(county.locator("a[data-drill]")).to_have_count(1)
    county.click("a[data-drill='522631']")
    expect(county.locator("table.projects-table")).to_contain_text("LP-001")
    county.screenshot(path=str(ARTIFACTS / "dispatch-drilldown-county.png"), full_page=True)

    assert errors == []
    office_context.close()
    county_context.close()
