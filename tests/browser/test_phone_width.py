"""Every page on a 390 × 844 phone, as the administrator, the leader and 凯里市's reporter:
nothing is wider than the screen, buttons keep their label on one line, charts fit,
and the rankings and the rounds list keep their key columns (完成率, 状态, 本单位's
报送 state) on screen without sideways scrolling.

Each persona follows the links of the pages it can open, starting from the home page;
pages of the same kind (one project, another project) are opened once.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from zhaoshang.dispatch.services import do_create_round, do_publish_bulletin, do_submit_report

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH, HEIGHT = 390, 844
PAGES_PER_PERSONA = 60
# Not pages: signing out, the Django admin, language switch, files and machine formats.
SKIP = re.compile(
    r"/logout|^/admin/|/i18n/|/api/|/static/|/media/|\.(docx|xlsx|pdf|json|csv|png|jpe?g)$"
    r"|/export|/download|/template|/files/"
)

# Visible buttons whose short label is drawn on more than one line.
WRAPPED_BUTTONS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("button, a.button, input[type=submit]")) {
    const box = el.getBoundingClientRect();
    const label = (el.innerText || el.value || "").trim();
    if (!box.width || !label || label.length > 12) continue;
    // Only text a sighted user sees: screen-reader-only labels are positioned away.
    const lines = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      let hidden = false;
      for (let p = node.parentElement; p && p !== el.parentElement; p = p.parentElement) {
        if (getComputedStyle(p).position === "absolute") hidden = true;
      }
      if (hidden) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width) lines.add(Math.round(r.top));
    }
    if (lines.size > 1) out.push(label);
  }
  return out;
}"""

# Charts drawn wider than the screen (ECharts sizes its canvas to the box).
WIDE_CHARTS = f"""() => [...document.querySelectorAll(".chart, [data-chart]")]
  .filter((el) => el.getBoundingClientRect().right > {WIDTH} + 1)
  .map((el) => el.id || el.className)"""


def _pattern(path: str) -> str:
    """/projects/KL-001/ and /projects/LP-002/ are the same kind of page."""
    return re.sub(r"/[^/]*\d[^/]*", "/*", path)


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()


def _walk(page, base: str, start: str) -> tuple[list[str], list[str]]:
    """Open every kind of page reachable from ``start``; the problems found and the pages seen."""
    problems: list[str] = []
    seen: set[str] = set()
    opened: list[str] = []
    queue = [start]
    host = urlsplit(base).netloc
    while queue and len(opened) < PAGES_PER_PERSONA:
        url = queue.pop(0)
        path = urlsplit(url).path
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        try:
            response = page.goto(base + url)
        except PlaywrightError as exc:  # a link that downloads a file
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        opened.append(url)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{url}: 页面宽 {width}px，超出手机屏幕 {WIDTH}px")
        for label in page.evaluate(WRAPPED_BUTTONS):
            problems.append(f"{url}: 按钮“{label}”折成多行")
        for chart in page.evaluate(WIDE_CHARTS):
            problems.append(f"{url}: 图表 {chart} 超出屏幕")
        for href in page.eval_on_selector_all(
            "a[href]:not([download])", "els => els.map((a) => a.href)"
        ):
            parts = urlsplit(href)
            if parts.netloc != host or SKIP.search(parts.path):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return problems, opened


def _on_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1


def _at(month: int, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


@pytest.fixture
def dispatch_cycle(personas):
    """A passed round 凯里市 reported in, an open one, and 第1期 published."""
    admin = personas.user("admin")
    passed, _ = do_create_round(personas.campaign, _at(11, 20, 17), actor=admin)
    do_create_round(
        personas.campaign,
        (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0),
        actor=admin,
    )
    do_submit_report(
        passed,
        personas.unit("522601"),
        actor=personas.user("r522601"),
        at=_at(11, 20, 16),
        progress="本周签约项目2个",
        problems="用地指标紧张",
        plan="继续跟进",
    )
    return do_publish_bulletin(personas.campaign, date(2026, 11, 20), actor=admin)


@pytest.mark.browser
@pytest.mark.parametrize("username", ["admin", "leader", "r522601"])
def test_every_page_fits_a_phone(browser, live_server, personas, dispatch_cycle, username):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    base = live_server.url
    _sign_in(page, base, username, personas.password)

    problems, opened = _walk(page, base, "/?campaign=MQDH2026&as_of=2026-11-27")
    # The walk reached the ledger, the dispatch pages and the bulletin.
    assert any(u.startswith("/projects/") for u in opened), opened
    assert any("/bulletins/" in u for u in opened), opened
    assert problems == [], "\n".join(problems)

    # Home ranking: completion and status on screen, the rest one tap away.
    page.goto(f"{base}/?campaign=MQDH2026&as_of=2026-11-27")
    assert _on_screen(page, "table.ranking thead th:has-text('完成率')")
    assert _on_screen(page, "table.ranking thead th:has-text('状态')")
    assert _on_screen(page, "table.ranking tbody tr:first-child .status")
    assert not page.locator("table.ranking thead th:has-text('目标')").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"phone-home-{username}.png"), full_page=True)
    page.get_by_role("button", name="显示全部列").tap()
    expect(page.locator("table.ranking thead th:has-text('目标')")).to_be_visible()
    # Still no page-wide scrolling: the table scrolls inside its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    # The bulletin's ranking: the same key columns.
    page.goto(f"{base}/dispatch/MQDH2026/bulletins/{dispatch_cycle.number}/")
    assert _on_screen(page, "table.bulletin-ranking thead th:has-text('完成率')")
    assert _on_screen(page, "table.bulletin-ranking thead th:has-text('状态')")
    page.screenshot(path=str(ARTIFACTS / f"phone-bulletin-{username}.png"), full_page=True)

    # The rounds list: the round, its state and (for a reporter) 本单位's state.
    page.goto(f"{base}/dispatch/MQDH2026/rounds/")
    assert _on_screen(page, "table.rounds thead th:has-text('状态')")
    if username == "r522601":
        assert _on_screen(page, "table.rounds thead th:has-text('凯里市')")
        expect(page.locator("table.rounds tbody tr", has_text="第1次调度")).to_contain_text(
            "按时报送"
        )
    context.close()


@pytest.mark.browser
def test_reporter_sees_own_unit_highlighted_in_the_ranking(browser, live_server, personas):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, live_server.url, "r522601", personas.password)
    page.goto(f"{live_server.url}/?campaign=MQDH2026&as_of=2026-11-27")
    mine = page.locator("table.ranking tbody tr.mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("凯里市")
    expect(mine).to_contain_text("本单位")
    context.close()
