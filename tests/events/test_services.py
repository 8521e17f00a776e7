"""Signing sets the ledger stage with history; invitations keep theirs; scope on writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhaoshang.events.models import Invitation, Signing
from zhaoshang.events.services import (
    Guest,
    do_create_invitation,
    do_remove_signing,
    do_reorder_signings,
    do_save_event,
    do_save_invitation,
    do_save_signing,
    do_set_invitation_status,
)
from zhaoshang.ledger.models import Stage, StageEvent

from .conftest import FIRST_DAY


def test_signing_a_project_not_yet_signed_sets_its_stage_on_the_first_day(world):
    project = world.personas.projects["KL-003"]
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert project.signed_on == FIRST_DAY
    event = StageEvent.objects.get(project=project, stage=Stage.SIGNED)
    assert event.on == FIRST_DAY
    assert "民营企业助推贵州发展大会" in event.evidence
    # The ledger's history has the change, with its reason.
    latest = project.history.first()
    assert latest.stage == Stage.SIGNED and latest.history_change_reason == "推进到签约"
    # The signing amount never becomes the ledger's amount.
    assert project.contract_amount is None


def test_a_project_signed_earlier_keeps_its_stage_dates_and_amounts(world):
    project = world.personas.projects["KL-001"]
    project.refresh_from_db()
    assert project.stage == Stage.CONTRACTED
    assert project.signed_on == date(2026, 10, 25)
    assert project.contract_on == date(2026, 11, 5)
    assert project.contract_amount == Decimal("30000")  # signed on stage for 32000
    assert not StageEvent.objects.filter(project=project, on=FIRST_DAY).exists()
    signing = Signing.objects.get(event=world.event, project=project)
    assert signing.amount == Decimal("32000")
    assert signing.investor.name == "华岳新能源控股集团有限公司"  # the project's investor
    assert signing.history.count() == 1


def test_a_dropped_project_cannot_be_put_on_the_list(world):
    from zhaoshang.events.services import do_save_event

    other, _c, _ch = do_save_event("TJH-2", name="推介会", start=date(2026, 12, 20))
    with pytest.raises(ValidationError, match="已终止"):
        do_save_signing(other, world.personas.projects["LP-001"], amount=Decimal("1"))


def test_removing_a_signing_keeps_the_stage_and_the_history(world):
    reporter = world.personas.user("r522601")
    signing = Signing.objects.get(event=world.event, project__code="KL-003")
    with pytest.raises(ValidationError):
        do_remove_signing(signing, actor=reporter, reason=" ")
    do_remove_signing(signing, actor=reporter, reason="录入错误")
    assert not Signing.objects.filter(pk=signing.pk).exists()
    deleted = Signing.history.filter(id=signing.pk, history_type="-").get()
    assert deleted.history_change_reason == "录入错误"
    assert (
        world.personas.projects["KL-003"].__class__.objects.get(code="KL-003").stage == Stage.SIGNED
    )


def test_a_county_cannot_sign_another_countys_project(world):
    with pytest.raises(Http404):
        do_save_signing(
            world.event,
            world.personas.projects["LP-002"],
            amount=Decimal("1"),
            actor=world.personas.user("r522601"),
        )
    with pytest.raises(PermissionDenied):
        do_save_signing(
            world.event,
            world.personas.projects["KL-002"],
            amount=Decimal("1"),
            actor=world.personas.user("leader"),
        )


def test_reordering_numbers_the_list_in_the_given_order(world):
    admin = world.personas.user("admin")
    do_reorder_signings(
        world.event, ["LP-002", "KL-001", "KL-002", "KL-003", "LP-001"], actor=admin
    )
    orders = dict(Signing.objects.filter(event=world.event).values_list("project__code", "order"))
    assert orders == {"LP-002": 1, "KL-001": 2, "KL-002": 3, "KL-003": 4, "LP-001": 5}
    with pytest.raises(PermissionDenied):
        do_reorder_signings(world.event, ["KL-001"], actor=world.personas.user("r522601"))


def test_invitation_status_moves_with_history_and_declining_needs_a_reason(world):
    reporter = world.personas.user("r522601")
    inv = Invitation.objects.get(event=world.event, enterprise__name="重庆山城物流有限公司")
    do_set_invitation_status(inv, "已邀", actor=reporter)
    with pytest.raises(ValidationError, match="婉拒原因"):
        do_set_invitation_status(inv, "婉拒", actor=reporter)
    do_set_invitation_status(inv, "婉拒", reason="企业年底结算", actor=reporter)
    inv.refresh_from_db()
    assert (inv.status, inv.decline_reason) == ("婉拒", "企业年底结算")
    statuses = list(inv.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["拟邀", "已邀", "婉拒"]
    assert inv.history.first().history_user == reporter


def test_a_county_cannot_touch_another_countys_invitation(world):
    inv = Invitation.objects.get(event=world.event, enterprise__name="深圳鹏城电子科技有限公司")
    with pytest.raises(Http404):
        do_set_invitation_status(inv, "已确认", actor=world.personas.user("r522601"))
    with pytest.raises(PermissionDenied):
        do_set_invitation_status(inv, "已确认", actor=world.personas.user("leader"))
    inv.refresh_from_db()
    assert inv.status == "已邀"
    # The host's editors run the whole list.
    do_set_invitation_status(inv, "已确认", actor=world.personas.user("admin"))


def test_an_enterprise_is_invited_once_per_event(world):
    ent = world.enterprises["广州云上文旅投资有限公司"]
    with pytest.raises(ValidationError, match="已由凯里市邀请"):
        do_create_invitation(
            world.event,
            ent,
            inviting_unit=world.personas.unit("522631"),
            actor=world.personas.user("r522631"),
        )


def test_bad_guest_values_are_refused_with_chinese_messages(world):
    ent = world.enterprises["重庆山城物流有限公司"]
    with pytest.raises(ValidationError, match="嘉宾级别"):
        do_save_invitation(
            world.event,
            ent,
            inviting_unit=world.personas.unit("522601"),
            guest=Guest(guest_level="董事"),
        )
    with pytest.raises(ValidationError, match="状态"):
        do_save_invitation(
            world.event, ent, inviting_unit=world.personas.unit("522601"), status="来了"
        )


def test_event_codes_follow_the_code_rule(db, personas):
    with pytest.raises(ValidationError, match="活动编码"):
        do_save_event("A B", name="x", start=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="早于"):
        do_save_event("OK-1", name="x", start=date(2026, 1, 2), end=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        do_save_event(
            "OK-2",
            name="x",
            start=date(2026, 1, 1),
            host_unit=personas.unit("522600"),
            actor=personas.user("leader"),
        )
