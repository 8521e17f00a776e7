"""A new administrator sets up next year's campaign in the browser, without the Django admin.

MQDH2026 (tests/conftest.py) runs 2026-10-20 … 12-05 with milestones 11-15 50 % and
12-05 100 %, and 9 targets: contract amount and contract projects for 黔东南州, 凯里市,
黎平县 and 开发区 (4 × 2), plus one top-500 target for 凯里市.
Copied with a start a year later (2027-10-20, 365 days on), the milestones move
by 365 days to 2027-11-15 and 2027-12-05.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.campaigns.models import Campaign, Milestone, Target

from .conftest import PERSONAS
from .helpers import campaign_snapshot, text

NEXT_YEAR = {
    "copy_targets": "on",
    "code": "MQDH2027",
    "name": "2027年民营企业发展大会招商签约专项行动",
    "start": "2027-10-20",
    "end": "2027-12-05",
    "mode": "linear",
    "primary_indicator": "contract_amount",
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", 200),
        ("a522601", 200),
        ("root", 200),
        ("leader", 403),
        ("r522601", 403),
        ("outsider", 403),
    ],
)
def test_only_administrators_open_the_new_campaign_form(client_for, who, expected):
    assert who in PERSONAS
    assert client_for(who).get("/campaigns/new/").status_code == expected


def test_copy_link_proposes_next_year(client_for):
    page = client_for("admin").get("/campaigns/MQDH2026/copy/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="MQDH2027"' in body
    assert 'value="2027年民营企业发展大会招商签约专项行动"' in body
    assert 'value="2027-10-20"' in body and 'value="2027-12-05"' in body


def test_copy_of_a_campaign_outside_scope_is_404(client_for):
    assert client_for("outsider").get("/campaigns/MQDH2026/copy/").status_code in (403, 404)
    assert client_for("admin").get("/campaigns/NO-SUCH/copy/").status_code == 404


def test_admin_copies_last_years_campaign_with_milestones_and_targets(client_for, personas):
    source = personas.campaign
    admin = client_for("admin")
    response = admin.post(
        "/campaigns/new/", {**NEXT_YEAR, "copy_from": source.pk, "unit": source.unit_id}
    )
    assert response.status_code == 302
    assert response["Location"] == "/campaigns/MQDH2027/"

    new = Campaign.objects.get(code="MQDH2027")
    assert (new.start, new.end, new.unit_id) == (
        date(2027, 10, 20),
        date(2027, 12, 5),
        source.unit_id,
    )
    assert (new.green_gap_pp, new.red_gap_pp) == (source.green_gap_pp, source.red_gap_pp)
    # 2026-11-15 + 365 days = 2027-11-15; 2026-12-05 + 365 = 2027-12-05.
    assert list(new.milestones.order_by("on").values_list("on", "pct")) == [
        (date(2027, 11, 15), Decimal("50.00")),
        (date(2027, 12, 5), Decimal("100.00")),
    ]
    copied = sorted(new.targets.values_list("unit__code", "indicator", "value"))
    original = sorted(source.targets.values_list("unit__code", "indicator", "value"))
    assert copied == original and len(copied) == 9
    kaili = new.targets.get(unit__code="522601", indicator="contract_amount")
    assert kaili.value == Decimal("50000.00")

    # History names who copied and from where, for the campaign and every row.
    reason = "复制自 2026年民营企业发展大会招商签约专项行动（MQDH2026）"
    assert new.history.latest().history_user.username == "admin"
    assert new.history.latest().history_change_reason == reason
    assert Milestone.history.filter(campaign_id=new.pk, history_change_reason=reason).count() == 2
    assert Target.history.filter(campaign_id=new.pk, history_change_reason=reason).count() == 9

    page = admin.get(response["Location"])
    assert "复制了 2 个节点和 9 项目标任务" in text(page)


def test_blank_campaign_without_targets(client_for, personas):
    response = client_for("admin").post(
        "/campaigns/new/", {**NEXT_YEAR, "copy_targets": "", "unit": personas.campaign.unit_id}
    )
    assert response.status_code == 302
    new = Campaign.objects.get(code="MQDH2027")
    assert new.milestones.count() == 0 and new.targets.count() == 0


def test_taken_code_and_reversed_dates_are_refused_with_messages(client_for, personas):
    before = campaign_snapshot()
    page = client_for("admin").post(
        "/campaigns/new/",
        {
            **NEXT_YEAR,
            "code": "MQDH2026",
            "start": "2027-12-05",
            "end": "2027-10-20",
            "unit": personas.campaign.unit_id,
        },
    )
    assert page.status_code == 200
    assert "行动编码 MQDH2026 已被使用" in text(page)
    assert "结束日期不能早于开始日期" in text(page)
    assert campaign_snapshot() == before


def test_county_admin_cannot_organise_from_the_prefecture(client_for, personas):
    before = campaign_snapshot()
    page = client_for("a522601").post(
        "/campaigns/new/", {**NEXT_YEAR, "unit": personas.campaign.unit_id}
    )
    # The prefecture is not among the county administrator's choices.
    assert page.status_code == 200
    assert campaign_snapshot() == before
