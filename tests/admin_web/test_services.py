"""The rules the services enforce whoever calls them (pages, the workbook loader, scripts)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhaoshang.campaigns.models import Milestone, Target
from zhaoshang.campaigns.services import (
    do_change_milestone,
    do_delete_milestone,
    do_save_campaign,
    do_save_target,
)
from zhaoshang.org.models import Membership, UnitKind
from zhaoshang.org.services import (
    do_save_account,
    do_save_unit,
    do_shift_unit,
    readable_password,
)


def test_targets_are_allocated_by_the_level_above(personas, county_admin):
    campaign, kaili = personas.campaign, personas.units["522601"]
    with pytest.raises(Http404):  # the prefecture decides 凯里市's value
        do_save_target(campaign, kaili, "contract_amount", Decimal("1"), actor=county_admin)
    town = personas.units["522601101"]
    do_save_target(campaign, town, "contract_amount", Decimal("5000"), actor=county_admin)
    assert Target.objects.get(unit=town, indicator="contract_amount").value == Decimal("5000")
    with pytest.raises(PermissionDenied):
        do_save_target(
            campaign, town, "contract_amount", Decimal("1"), actor=personas.users["r522601"]
        )


def test_a_responsible_person_must_belong_to_the_unit(personas):
    from zhaoshang.org.models import Person

    wang = Person.objects.get(name="王明")  # of 凯里市
    with pytest.raises(ValidationError, match="不是 黎平县 的人员"):
        do_save_target(
            personas.campaign,
            personas.units["522631"],
            "contract_amount",
            Decimal("1"),
            person=wang,
        )


def test_thresholds_must_leave_a_yellow_band(personas):
    c = personas.campaign
    with pytest.raises(ValidationError, match="红色上限"):
        do_save_campaign(
            c.code,
            name=c.name,
            start=c.start,
            end=c.end,
            mode=c.mode,
            primary_indicator=c.primary_indicator,
            red_gap_pp=Decimal("5"),
        )


def test_loader_style_call_keeps_thresholds(personas):
    c = personas.campaign
    do_save_campaign(
        c.code,
        name="新名称",
        start=c.start,
        end=c.end,
        mode=c.mode,
        primary_indicator=c.primary_indicator,
    )
    c.refresh_from_db()
    assert (c.name, c.green_gap_pp, c.red_gap_pp) == ("新名称", Decimal("0"), Decimal("-10"))


def test_milestone_cannot_move_onto_another(personas):
    first = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 15))
    with pytest.raises(ValidationError, match="已有节点"):
        do_change_milestone(first, on=date(2026, 12, 5), pct=Decimal("50"))
    with pytest.raises(PermissionDenied):
        do_delete_milestone(first, actor=personas.users["leader"])


def test_an_existing_login_cannot_be_taken_over_by_name(personas, county_admin):
    """Creating "admin" in 凯里市 must not move the prefecture administrator there."""
    before = list(Membership.objects.values_list("user__username", "unit__code", "role"))
    with pytest.raises(Http404):
        do_save_account(
            "admin",
            full_name="冒名",
            unit=personas.units["522601"],
            role="reporter",
            password=None,
            actor=county_admin,
        )
    assert list(Membership.objects.values_list("user__username", "unit__code", "role")) == before


def test_a_county_admin_cannot_create_units_beside_its_county(personas, county_admin):
    with pytest.raises(Http404):
        do_save_unit(
            "522699",
            name="新县",
            kind=UnitKind.COUNTY,
            parent=personas.units["522600"],
            actor=county_admin,
        )


def test_shift_renumbers_ties(personas):
    kaili = personas.units["522601"]
    a, _c, _ch = do_save_unit("K-A", name="甲", kind=UnitKind.TOWNSHIP, parent=kaili, order=0)
    b, _c, _ch = do_save_unit("K-B", name="乙", kind=UnitKind.TOWNSHIP, parent=kaili, order=0)
    # 三棵树镇 has order 1; 甲 and 乙 tie at 0 (sorted by code: K-A, K-B).
    assert do_shift_unit(b, -1) is True
    orders = dict(kaili.children.values_list("code", "order"))
    assert orders == {"K-B": 10, "K-A": 20, "522601101": 30}
    assert do_shift_unit(b, -1) is False


def test_readable_password_avoids_lookalikes():
    for _ in range(50):
        password = readable_password()
        assert len(password) == 14 and not set(password) & set("0O1lI")
