"""The forecast on the unit's page and in the bulletin: scoped, pinned, switchable."""

from __future__ import annotations

from datetime import date

import pytest

from zhaoshang.dispatch.bulletin import build_bulletin
from zhaoshang.dispatch.models import DispatchSettings

Q = "campaign=MQDH2026&as_of=2026-11-27"


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("admin", "522600", 200),
        ("leader", "522631", 200),
        ("r522601", "522601", 200),
        ("r522601", "522631", 404),  # another county
        ("r522601", "522600", 404),  # the prefecture names every county's projects
        ("outsider", "522601", 404),
    ],
)
def test_forecast_panel_is_scoped(client_for, personas, who, unit, status):
    assert client_for(who).get(f"/forecast/{unit}/?{Q}").status_code == status


def test_the_panel_names_the_gap_and_the_projects_that_matter(client_for, personas):
    page = client_for("admin").get(f"/forecast/522631/?{Q}").content.decode()
    # 黎平县: 9000 of 30000 achieved, LP-002 侗乡文化旅游项目 signed 11-18 (planned 20000).
    assert "完成预测" in page
    assert "侗乡文化旅游项目" in page
    assert "约需再签约" in page


def test_the_page_loads_the_panel_only_for_a_unit_in_scope(client_for, personas):
    assert 'id="forecast"' in client_for("admin").get(f"/?{Q}").content.decode()
    assert 'id="forecast"' not in client_for("r522601").get(f"/?{Q}").content.decode()
    assert 'id="forecast"' in client_for("r522601").get(f"/unit/522601/?{Q}").content.decode()


def test_panel_query_count_is_fixed(client_for, personas, django_assert_max_num_queries):
    client = client_for("admin")
    # Session and user, the unit, the campaign, the progress engine's queries, and
    # two for the forecast (projects, stage events).
    with django_assert_max_num_queries(16):
        client.get(f"/forecast/522600/?{Q}")


def test_bulletin_section_can_be_switched_off(client_for, personas):
    c = personas.campaign
    doc = build_bulletin(c, date(2026, 11, 27))
    assert doc["forecast"]["unit"]["code"] == "522600"
    assert [u["code"] for u in doc["forecast"]["children"]][:1]
    assert client_for("r522601").post(
        "/dispatch/MQDH2026/bulletins/forecast/", {"on": "0", "as_of": "2026-11-27"}
    ).status_code in (403, 404)
    response = client_for("admin").post(
        "/dispatch/MQDH2026/bulletins/forecast/", {"on": "0", "as_of": "2026-11-27"}
    )
    assert response.status_code == 302
    settings = DispatchSettings.objects.get(campaign=c)
    assert settings.forecast_in_bulletin is False
    assert settings.history.first().history_change_reason == "通报完成预测：关闭"
    assert build_bulletin(c, date(2026, 11, 27))["forecast"] is None
    page = client_for("admin").get("/dispatch/MQDH2026/bulletins/draft/?as_of=2026-11-27")
    assert "在通报中列出完成预测" in page.content.decode()


def test_the_panel_shows_the_contracts_not_yet_recorded(client_for, personas):
    # 黎平县 as of 11-27: LP-001 9000, recorded the day it was contracted (lag 0);
    # L = 10-20 … 11-27 = 39 days, h = 11-27 → 12-05 = 8 days: 9000 × 8 / 39
    # = 9000 × 0.205128 = 1846.15.
    page = client_for("admin").get(f"/forecast/522631/?{Q}").content.decode()
    assert (
        "预计中含尚未录入台账的合同 1,846.15 万元（按行动以来 39 天内 1 个合同的进度推算）" in page
    )
