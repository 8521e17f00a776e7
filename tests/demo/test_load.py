"""`zhaoshang demo`: the scenario loaded through the workbook loader, and what the engine makes of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test.utils import override_settings

from tests.demo.conftest import FAST_HASHERS
from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.cli import main
from zhaoshang.demo.scenario import DemoRefused, load_demo, non_demo_data
from zhaoshang.demo.workbook import CAMPAIGN_CODE, REFERENCE_TODAY, shift_days
from zhaoshang.engine.progress import compute
from zhaoshang.ledger.models import Enterprise, FollowUp, FundsEntry, Project, StageEvent
from zhaoshang.org.models import Account, Membership, Unit
from zhaoshang.org.services import do_save_unit

pytestmark = pytest.mark.django_db
User = get_user_model()


def counts() -> dict[str, int]:
    models = (Unit, Project, Enterprise, FundsEntry, FollowUp, StageEvent, Milestone, Target, User)
    return {m.__name__: m.objects.count() for m in models} | {
        "project history": Project.history.count(),
    }


def statuses(today: date) -> dict[str, str]:
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    progress = compute(campaign, today)
    return {row.code: row.status for row in progress.children}


def test_loaded_through_the_loader(demo):
    assert Unit.objects.count() == 1 + 16 + 1 + 4
    assert Unit.objects.get(code="522600").parent is None
    assert set(Unit.objects.filter(kind="县市").values_list("parent__code", flat=True)) == {
        "522600"
    }
    zone = Unit.objects.get(code="522640")
    assert (zone.kind, zone.parent.code, zone.official_code) == ("开发区", "522600", False)
    assert Unit.objects.get(code="522601").official_code
    assert 280 <= Project.objects.count() <= 320
    assert Enterprise.objects.count() == 150
    assert Enterprise.objects.filter(tags__name="中国民营企业500强").distinct().count() >= 10
    assert FollowUp.objects.count() > 300
    assert FundsEntry.objects.count() > 50
    # Every dated stage is in the stage history, as an import through the services leaves it.
    assert (
        StageEvent.objects.filter(stage=4).count()
        == Project.objects.exclude(contract_on=None).count()
    )
    assert Project.history.filter(history_type="+").count() == Project.objects.count()
    assert "r522601" in demo and "admin" in demo and "zhaoshang-demo" in demo


def test_demo_accounts(demo):
    users = {u.username: u for u in User.objects.all()}
    assert len(users) == 19
    assert {"admin", "leader", "r522601", "r522636", "r522640"} <= set(users)
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["leader"].is_superuser
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert (roles["admin"], roles["leader"], roles["r522631"]) == ("admin", "leader", "reporter")
    assert Membership.objects.get(user__username="r522640").unit.code == "522640"
    for account in Account.objects.select_related("user"):
        assert not account.must_change_password
        assert account.demo_password_hash == account.user.password
    assert users["r522601"].check_password("zhaoshang-demo")


def test_rankings_show_every_colour(demo):
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    progress = compute(campaign, REFERENCE_TODAY)
    colours = {row.status for row in progress.children}
    assert {"green", "yellow", "red"} <= colours
    by_code = {row.code: row for row in progress.children}
    assert by_code["522601"].status == "green"
    assert by_code["522624"].status == "yellow"
    assert by_code["522635"].status == "red"
    assert by_code["522600104"].rank is None  # no target: listed after the ranked units
    assert progress.required_pct == 80
    assert progress.next_milestone.days_left == 8
    assert progress.next_milestone.on == date(2026, 12, 5)


def test_reload_on_the_same_day_changes_nothing(demo):
    before = counts()
    text = load_demo(today=REFERENCE_TODAY)
    assert counts() == before
    assert "已载入" in text


def test_refuses_non_demo_data_unless_reset(demo):
    do_save_unit("880001", name="样县", kind="县市", parent=None)
    assert [f.what for f in non_demo_data()] == ["非演示单位"]
    with pytest.raises(DemoRefused, match="880001"):
        load_demo(today=REFERENCE_TODAY)
    assert main(["demo"]) == 2  # the command line refuses with one line, not a traceback

    before = counts()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        text = load_demo(reset=True, today=REFERENCE_TODAY)
    assert "已清空" in text
    assert not Unit.objects.filter(code="880001").exists()
    after = counts()
    assert after == before | {"Unit": before["Unit"] - 1}
    assert non_demo_data() == []
    assert Account.objects.get(user__username="admin").demo_password_hash


def test_if_empty(demo, capsys):
    assert main(["demo", "--if-empty"]) == 0
    assert "已有数据" in capsys.readouterr().out
    from zhaoshang.demo.scenario import wipe_business_data

    wipe_business_data()
    assert not Unit.objects.exists() and not User.objects.exists()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        text = load_demo(if_empty=True, today=REFERENCE_TODAY)
    assert "已载入" in text and Unit.objects.count() == 22


def test_loaded_another_day_moves_every_date(demo):
    today = date(2027, 3, 10)
    shift = timedelta(days=shift_days(today))
    reference_statuses = statuses(REFERENCE_TODAY)
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        text = load_demo(today=today)
    assert "重新平移" in text
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    assert campaign.start == date(2026, 10, 20) + shift and campaign.start < today < campaign.end
    assert list(campaign.milestones.values_list("on", flat=True)) == [
        date(2026, 11, 15) + shift,
        date(2026, 12, 5) + shift,
    ]
    assert not Project.objects.filter(contract_on__gt=today).exists()
    assert not FollowUp.objects.filter(on__gt=today).exists()
    progress = compute(campaign, today)
    assert progress.next_milestone.days_left == 8
    assert statuses(today) == reference_statuses
