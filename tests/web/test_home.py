"""The home page: the published ranking of the campaign root's children, and drill-downs.

Expected figures are worked out in tests/conftest.py (as of 2026-11-27, required 80 %).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.campaigns.services import do_save_campaign, do_save_milestone, do_save_target
from zhaoshang.engine import progress as engine

from .helpers import HOME, ranking_rows, text

# unit, rank shown, completion, gap wording, status word
EXPECTED_RANKING = [
    ("凯里市", "1", "82.00%", "超 2.00 个百分点", "绿"),
    ("凯里经济开发区", "2", "75.00%", "落后 5.00 个百分点", "黄"),
    ("黎平县", "3", "30.00%", "落后 50.00 个百分点", "红"),
    ("州投资促进局", "—", "—", "—", "无目标"),
]


@pytest.mark.parametrize("who", ["admin", "leader", "r522601", "r522631", "root"])
def test_everyone_with_a_unit_sees_every_county_ranked_with_status_words(client_for, who):
    html = client_for(who).get(HOME).content.decode()
    rows = [text(r) for r in ranking_rows(html)]
    assert len(rows) == len(EXPECTED_RANKING)
    for row, (name, rank, completion, gap, word) in zip(rows, EXPECTED_RANKING, strict=True):
        assert row.startswith(f"{rank} {name} "), row
        assert completion in row and gap in row, row
        assert f" {word} " in f" {row} ", row


def test_status_is_a_word_and_a_colour(client_for):
    html = client_for("leader").get(HOME).content.decode()
    assert '<span class="status status-green">绿</span>' in html
    assert '<span class="status status-yellow">黄</span>' in html
    assert '<span class="status status-red">红</span>' in html
    assert '<span class="status status-none">无目标</span>' in html


def test_home_shows_window_required_pct_countdown_and_totals(client_for):
    page = text(client_for("leader").get(HOME).content.decode())
    assert "2026年民营企业发展大会招商签约专项行动" in page
    assert "行动期间 2026年10月20日 至 2026年12月5日" in page
    assert "数据截至 2026年11月27日" in page
    # 11-15 → 12-05 is 20 days; 12 of them passed: 50 + 50 × 12 / 20 = 80.
    assert "序时进度 80.00%" in page
    # 2026-11-28 … 12-05: Mon 30 Nov to Fri 4 Dec are the working days.
    assert "距12月5日还有8天（5个工作日）" in page
    assert "工作日数仅按扣除周末估算" not in page
    # The prefecture's total: 80,000 万元 = 8 亿元 of 120,000 (66.666… → 66.67 half-up).
    assert "8 亿元" in page and "12 亿元" in page
    assert "66.67%" in page and "落后 13.33 个百分点" in page
    assert "黔东南州合计" in page


def test_countdown_admits_weekend_estimate_where_no_holiday_data_exists(client_for, personas):
    campaign, _c, _ch = do_save_campaign(
        "ZS2027",
        name="2027年一季度招商专项行动",
        start=date(2027, 1, 4),
        end=date(2027, 3, 31),
        mode="linear",
        primary_indicator="contract_amount",
        unit=personas.units["522600"],
    )
    do_save_milestone(campaign, date(2027, 3, 31), Decimal("100"))
    do_save_target(campaign, personas.units["522601"], "contract_amount", Decimal("1000"))
    page = text(client_for("leader").get("/?campaign=ZS2027&as_of=2027-03-01").content.decode())
    # 2027-03-02 … 03-31 has 22 weekdays; no official 2027 calendar is known.
    assert "距3月31日还有30天（22个工作日）" in page
    assert "该年度尚无法定节假日数据，工作日数仅按扣除周末估算" in page


def test_home_defaults_to_the_most_recent_campaign_and_today(client_for, personas):
    do_save_campaign(
        "OLD2025",
        name="2025年招商专项行动",
        start=date(2025, 3, 1),
        end=date(2025, 6, 30),
        mode="linear",
        primary_indicator="contract_amount",
        unit=personas.units["522600"],
    )
    response = client_for("r522601").get("/")
    assert response.context["campaign"].code == "MQDH2026"
    assert response.context["as_of"] == timezone.localdate()
    page = text(response.content.decode())
    assert "2025年招商专项行动" in page  # offered in the picker


def test_figures_come_from_one_engine_call(client_for, monkeypatch):
    calls = []
    real = engine.compute

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr("zhaoshang.web.views.compute", spy)
    client_for("leader").get(HOME)
    assert len(calls) == 1


def test_county_reporter_can_drill_into_own_county_only(client_for):
    html = client_for("r522601").get(HOME).content.decode()
    rows = ranking_rows(html)
    assert 'href="/unit/522601/?campaign=MQDH2026&amp;as_of=2026-11-27"' in rows[0]
    for row in rows[1:]:
        assert "<a " not in row


def test_prefecture_users_can_drill_into_every_county(client_for):
    rows = ranking_rows(client_for("leader").get(HOME).content.decode())
    assert all("/unit/" in row for row in rows)


def test_drill_down_shows_the_county_and_its_townships(client_for):
    response = client_for("r522601").get("/unit/522601/?campaign=MQDH2026&as_of=2026-11-27")
    page = text(response.content.decode())
    assert "凯里市下级单位进度" in page
    assert [r.name for r in response.context["rows"]] == ["三棵树镇"]
    # 凯里市 itself: 41,000 of 50,000 = 82 %, first among the prefecture's children.
    assert "4.10 亿元" in page and "82.00%" in page and "同级排名第 1" in page
    assert "凯里市合计" in page


def test_outsider_sees_no_figures(client_for):
    response = client_for("outsider").get(HOME)
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "您的账号尚未分配单位" in page
    for figure in ("凯里市", "黎平县", "80.00%", "41,000", "MQDH2026"):
        assert figure not in page


def test_unknown_or_invisible_campaign_is_404(client_for):
    assert client_for("admin").get("/?campaign=NOPE").status_code == 404


def test_campaign_of_another_branch_is_hidden_from_a_county(client_for, personas):
    # A campaign organised by 黎平县 is 黎平县's business, not 凯里市's.
    do_save_campaign(
        "LP2026",
        name="黎平县招商周",
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        mode="linear",
        primary_indicator="contract_amount",
        unit=personas.units["522631"],
    )
    assert client_for("r522601").get("/?campaign=LP2026").status_code == 404
    assert client_for("r522631").get("/?campaign=LP2026").status_code == 200


def test_malformed_date_is_reported_and_today_used(client_for):
    response = client_for("leader").get("/?campaign=MQDH2026&as_of=2026-13-45")
    assert response.status_code == 200
    assert response.context["as_of"] == timezone.localdate()
    assert "输入一个有效的日期" in response.content.decode()


def test_htmx_request_gets_only_the_progress_fragment(client_for):
    response = client_for("leader").get(HOME, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'class="data ranking"' in html


def test_page_chrome_names_user_unit_role_and_posts_logout(client_for):
    html = client_for("r522601").get(HOME).content.decode()
    assert "凯里市填报员" in html and "凯里市 · 填报员" in html
    assert '<form method="post" action="/logout/"' in html
    assert "/static/vendor/htmx.min.js" in html and "/static/zhaoshang/app.css" in html
    # Django's admin is linked for superusers only.
    assert "/admin/" not in html
    assert "/admin/" in client_for("root").get(HOME).content.decode()


def test_back_button_history_restore_gets_the_whole_page(client_for):
    response = client_for("leader").get(
        HOME,
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()
