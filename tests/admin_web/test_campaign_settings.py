"""Campaign settings and milestones: who may see and change them, messages, history rows.

MQDH2026 is organised by 黔东南州 (522600): only its 管理员 (``admin``) and the
superuser change it; everyone in the prefecture reads it; ``outsider`` sees
nothing of it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.campaigns.models import Campaign, Milestone

from .conftest import PERSONAS
from .helpers import HTMX, campaign_snapshot, text

SETTINGS = "/campaigns/MQDH2026/"
MILESTONES = "/campaigns/MQDH2026/milestones/"

GET_MATRIX = {
    "/campaigns/": dict(
        admin=200, a522601=200, leader=200, r522601=200, r522631=200, outsider=200, root=200
    ),
    SETTINGS: dict(
        admin=200, a522601=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    "/campaigns/NO-SUCH/": dict(
        admin=404, a522601=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
}


@pytest.mark.parametrize(
    ("url", "who", "expected"),
    [(url, who, statuses[who]) for url, statuses in GET_MATRIX.items() for who in PERSONAS],
)
def test_get_status(client_for, url, who, expected):
    assert client_for(who).get(url).status_code == expected, f"{who} GET {url}"


def test_outsider_list_is_empty(client_for):
    page = text(client_for("outsider").get("/campaigns/"))
    assert "暂无可查看的专项行动" in page and "MQDH2026" not in page


def test_admin_gets_the_form_and_others_read_only(client_for):
    admin = client_for("admin").get(SETTINGS).content.decode()
    assert 'name="green_gap_pp"' in admin and "保存设置" in admin
    for who in ("leader", "r522601", "a522601"):
        html = client_for(who).get(SETTINGS).content.decode()
        assert 'name="green_gap_pp"' not in html, who
        assert "只有组织单位的管理员可以修改行动设置" in html, who
        assert "添加节点" not in html, who


def _settings(**changes) -> dict:
    data = {
        "name": "2026年民营企业发展大会招商签约专项行动",
        "start": "2026-10-20",
        "end": "2026-12-05",
        "mode": "linear",
        "primary_indicator": "contract_amount",
        "green_gap_pp": "0",
        "red_gap_pp": "-10",
        "reason": "",
    }
    data.update(changes)
    return data


def test_admin_changes_mode_and_thresholds_with_history(client_for, personas):
    client = client_for("admin")
    response = client.post(
        SETTINGS,
        _settings(mode="step", green_gap_pp="-2", red_gap_pp="-15", reason="调度会决定放宽"),
    )
    assert response.status_code == 302 and response["Location"] == SETTINGS
    campaign = Campaign.objects.get(code="MQDH2026")
    assert (campaign.mode, campaign.green_gap_pp, campaign.red_gap_pp) == (
        "step",
        Decimal("-2"),
        Decimal("-15"),
    )
    latest = campaign.history.latest()
    assert latest.history_user == personas.users["admin"]
    assert latest.history_change_reason == "调度会决定放宽"
    previous = latest.prev_record
    assert (previous.mode, previous.green_gap_pp, previous.red_gap_pp) == (
        "linear",
        Decimal("0"),
        Decimal("-10"),
    )
    page = text(client.get(SETTINGS))
    assert "专项行动设置已保存" in page
    # The history table on the page: who, before → after, why.
    assert "州招商办管理员" in page and "线性 → 阶梯" in page and "调度会决定放宽" in page


def test_saving_unchanged_settings_writes_no_history(client_for):
    before = campaign_snapshot()
    response = client_for("admin").post(SETTINGS, _settings(), follow=True)
    assert "没有修改任何内容" in text(response)
    assert campaign_snapshot() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [("leader", 403), ("r522601", 403), ("r522631", 403), ("a522601", 403), ("outsider", 404)],
)
def test_settings_post_refused_writes_nothing(client_for, who, expected):
    before = campaign_snapshot()
    response = client_for(who).post(SETTINGS, _settings(mode="step"))
    assert response.status_code == expected
    assert campaign_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "2026-10-01"}, "结束日期不能早于开始日期。"),
        ({"green_gap_pp": "-20"}, "红色上限须低于绿色下限（否则没有黄色区间）。"),
        ({"red_gap_pp": "0"}, "红色上限须低于绿色下限（否则没有黄色区间）。"),
        ({"end": "2026-11-30"}, "节点 2026年12月5日 不在新的行动期间内，请先修改或删除这些节点。"),
        ({"name": ""}, "这个字段是必填项。"),
        ({"start": "2026-13-01"}, "输入一个有效的日期。"),
        ({"mode": "weekly"}, "选择一个有效的选项"),
    ],
)
def test_settings_validation_messages_are_chinese(client_for, changes, message):
    before = campaign_snapshot()
    response = client_for("admin").post(SETTINGS, _settings(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert campaign_snapshot() == before


# ---------------------------------------------------------------- milestones


def _milestone(prefix: str = "add", **values) -> dict:
    return {f"{prefix}-{name}": value for name, value in values.items()}


def test_admin_adds_a_milestone_with_history(client_for, personas):
    response = client_for("admin").post(MILESTONES, _milestone(on="2026-11-30", pct="80"))
    assert response.status_code == 302
    milestone = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 30))
    assert milestone.pct == Decimal("80")
    record = milestone.history.get()
    assert record.history_type == "+" and record.history_user == personas.users["admin"]
    assert record.history_change_reason == "新增节点"


def test_htmx_add_returns_the_milestone_panel_only(client_for):
    response = client_for("admin").post(MILESTONES, _milestone(on="2026-11-01", pct="20"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "节点已添加" in html and "2026年11月1日" in html


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"on": "2026-12-20", "pct": "100"},
            "节点日期应在行动期间（2026年10月20日 至 2026年12月5日）内。",
        ),
        ({"on": "2026-11-15", "pct": "60"}, "这一天已经有节点了，请直接修改那个节点。"),
        ({"on": "2026-11-20", "pct": "1200"}, "应完成比例不能超过 1000%。"),
        ({"on": "2026-11-20", "pct": "-5"}, "应完成比例不能为负数。"),
        ({"on": "", "pct": "50"}, "这个字段是必填项。"),
    ],
)
def test_milestone_validation_messages(client_for, values, message):
    before = campaign_snapshot()
    response = client_for("admin").post(MILESTONES, _milestone(**values), **HTMX)
    assert message in text(response)
    assert campaign_snapshot() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [("leader", 403), ("r522601", 403), ("a522601", 403), ("outsider", 404)],
)
def test_milestone_writes_refused(client_for, personas, who, expected):
    milestone = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 15))
    before = campaign_snapshot()
    client = client_for(who)
    assert client.post(MILESTONES, _milestone(on="2026-11-30", pct="80")).status_code == expected
    edit = f"{MILESTONES}{milestone.pk}/"
    assert client.get(edit, **HTMX).status_code == expected
    assert client.post(edit, _milestone("edit", on="2026-11-15", pct="60")).status_code == expected
    assert client.post(f"{edit}delete/").status_code == expected
    assert campaign_snapshot() == before


def test_admin_edits_a_milestone_and_history_has_before_and_after(client_for, personas):
    milestone = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 15))
    client = client_for("admin")
    form = client.get(f"{MILESTONES}{milestone.pk}/", **HTMX).content.decode()
    assert 'name="edit-pct"' in form and 'value="50.00"' in form
    response = client.post(
        f"{MILESTONES}{milestone.pk}/",
        _milestone("edit", on="2026-11-16", pct="45", reason="省里调整节点"),
        **HTMX,
    )
    assert "节点已修改" in text(response)
    milestone.refresh_from_db()
    assert (milestone.on, milestone.pct) == (date(2026, 11, 16), Decimal("45"))
    latest = milestone.history.latest()
    assert latest.history_user == personas.users["admin"]
    assert latest.history_change_reason == "省里调整节点"
    assert (latest.prev_record.on, latest.prev_record.pct) == (date(2026, 11, 15), Decimal("50"))
    page = text(client.get(SETTINGS))
    assert "50 → 45" in page and "2026年11月15日 → 2026年11月16日" in page


def test_admin_deletes_a_milestone_and_the_deletion_is_recorded(client_for, personas):
    milestone = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 15))
    pk = milestone.pk
    response = client_for("admin").post(f"{MILESTONES}{pk}/delete/", **HTMX)
    assert "已删除 2026年11月15日 的节点" in text(response)
    assert not Milestone.objects.filter(pk=pk).exists()
    record = Milestone.history.filter(id=pk).latest()
    assert record.history_type == "-" and record.history_user == personas.users["admin"]
    assert record.pct == Decimal("50")


def test_falling_milestone_is_flagged(client_for):
    client_for("admin").post(MILESTONES, _milestone(on="2026-11-25", pct="30"))
    assert "的比例低于更早的节点，请确认是否填错" in text(client_for("admin").get(SETTINGS))


def test_no_js_edit_link_opens_the_row_on_the_page(client_for, personas):
    milestone = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 15))
    client = client_for("admin")
    response = client.get(f"{MILESTONES}{milestone.pk}/")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'name="edit-on"' in html
