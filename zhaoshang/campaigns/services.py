"""Writes to campaigns, milestones and targets (one transaction each, with history)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.history import save_changes
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import require_manage


def _check_manage(actor, unit: Unit | None) -> None:
    if actor is not None and unit is not None:
        require_manage(actor, unit)


@transaction.atomic
def do_save_campaign(
    code: str, *, name: str, start: date, end: date, mode: str, primary_indicator: str,
    unit: Unit | None = None, actor=None, reason: str | None = None,
) -> tuple[Campaign, bool, list[str]]:
    if end < start:
        raise ValidationError(f"结束日期 {end} 早于开始日期 {start}")
    campaign = Campaign.objects.filter(code=code).first()
    created = campaign is None
    if created:
        campaign = Campaign(code=code)
    _check_manage(actor, unit or campaign.unit)
    values = {"name": name, "start": start, "end": end, "mode": mode,
              "primary_indicator": primary_indicator}
    if unit is not None:
        values["unit"] = unit
    return campaign, created, save_changes(campaign, values, actor=actor, reason=reason)


@transaction.atomic
def do_save_milestone(
    campaign: Campaign, on: date, pct: Decimal, *, actor=None, reason: str | None = None,
) -> tuple[Milestone, bool, list[str]]:
    if not Decimal(0) <= pct <= Decimal(1000):
        raise ValidationError(f"应完成比例 {pct} 应在 0 到 1000 之间")
    _check_manage(actor, campaign.unit)
    milestone = Milestone.objects.filter(campaign=campaign, on=on).first()
    created = milestone is None
    if created:
        milestone = Milestone(campaign=campaign, on=on)
    return milestone, created, save_changes(milestone, {"pct": pct}, actor=actor, reason=reason)


@transaction.atomic
def do_save_target(
    campaign: Campaign, unit: Unit, indicator: str, value: Decimal, *,
    person: Person | None = None, deadline: date | None = None, actor=None,
    reason: str | None = None,
) -> tuple[Target, bool, list[str]]:
    """Set one unit's target for one indicator; a re-allocation keeps the old value in history."""
    if value < 0:
        raise ValidationError("目标值不能为负数")
    _check_manage(actor, unit)
    target = Target.objects.filter(campaign=campaign, unit=unit, indicator=indicator).first()
    created = target is None
    if created:
        target = Target(campaign=campaign, unit=unit, indicator=indicator)
    changed = save_changes(
        target, {"value": value, "person": person, "deadline": deadline}, actor=actor, reason=reason,
    )
    return target, created, changed
