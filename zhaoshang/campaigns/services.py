"""Writes to campaigns, milestones and targets (one transaction each, with history)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.engine.progress import campaign_root
from zhaoshang.history import assign, mark, save_changes
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import require_manage, scope_of
from zhaoshang.stamps import check_stamp, locked

# What Milestone.pct and Target.value can hold (max_digits 6 and 16, two decimals).
MAX_PCT = Decimal(1000)
MAX_TARGET = Decimal("99999999999999.99")


def _check_manage(actor, unit: Unit | None) -> None:
    if actor is None:
        return
    if unit is None:
        # A campaign without an organising unit is run from the top of the tree,
        # as the progress engine ranks it (engine.progress.campaign_root).
        unit = Unit.objects.filter(parent__isnull=True).order_by("order", "code").first()
        if unit is None:
            if not scope_of(actor).everything:
                raise PermissionDenied
            return
    require_manage(actor, unit)


def _check_thresholds(green: Decimal, red: Decimal) -> None:
    if red >= green:
        raise ValidationError(
            _("红色上限（%(red)s 个百分点）须低于绿色下限（%(green)s 个百分点），否则没有黄色区间")
            % {"red": red, "green": green}
        )


@transaction.atomic
def do_save_campaign(
    code: str,
    *,
    name: str,
    start: date,
    end: date,
    mode: str,
    primary_indicator: str,
    unit: Unit | None = None,
    green_gap_pp: Decimal | None = None,
    red_gap_pp: Decimal | None = None,
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> tuple[Campaign, bool, list[str]]:
    """Create or update a campaign; thresholds left as None keep their current values."""
    if end < start:
        raise ValidationError(
            _("结束日期 %(end)s 早于开始日期 %(start)s") % {"end": end, "start": start}
        )
    campaign = Campaign.objects.select_for_update().filter(code=code).first()
    created = campaign is None
    if created:
        campaign = Campaign(code=code)
    else:
        check_stamp(campaign, expected_stamp, _("专项行动设置"))
    _check_manage(actor, unit or campaign.unit)
    if unit is not None and not created and unit.pk != campaign.unit_id:
        # Handing a campaign to another unit needs the administrator of the current one too.
        _check_manage(actor, campaign.unit)
    values = {
        "name": name,
        "start": start,
        "end": end,
        "mode": mode,
        "primary_indicator": primary_indicator,
    }
    if unit is not None:
        values["unit"] = unit
    if green_gap_pp is not None:
        values["green_gap_pp"] = green_gap_pp
    if red_gap_pp is not None:
        values["red_gap_pp"] = red_gap_pp
    _check_thresholds(
        values.get("green_gap_pp", campaign.green_gap_pp),
        values.get("red_gap_pp", campaign.red_gap_pp),
    )
    return campaign, created, save_changes(campaign, values, actor=actor, reason=reason)


def _check_pct(pct: Decimal) -> None:
    if not Decimal(0) <= pct <= MAX_PCT:
        raise ValidationError(_("应完成比例 %(pct)s 应在 0 到 1000 之间") % {"pct": pct})


@transaction.atomic
def do_save_milestone(
    campaign: Campaign,
    on: date,
    pct: Decimal,
    *,
    actor=None,
    reason: str | None = None,
) -> tuple[Milestone, bool, list[str]]:
    """Set the share due by ``on`` (a milestone is keyed by its day within a campaign)."""
    _check_pct(pct)
    _check_manage(actor, campaign.unit)
    milestone = Milestone.objects.filter(campaign=campaign, on=on).first()
    created = milestone is None
    if created:
        milestone = Milestone(campaign=campaign, on=on)
    return milestone, created, save_changes(milestone, {"pct": pct}, actor=actor, reason=reason)


@transaction.atomic
def do_change_milestone(
    milestone: Milestone,
    *,
    on: date,
    pct: Decimal,
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> list[str]:
    """Move a milestone to another day and/or change its share."""
    _check_pct(pct)
    _check_manage(actor, milestone.campaign.unit)
    milestone = locked(milestone)
    check_stamp(milestone, expected_stamp, _("该节点"), {"on": on, "pct": pct})
    taken = (
        Milestone.objects.filter(campaign_id=milestone.campaign_id, on=on)
        .exclude(pk=milestone.pk)
        .exists()
    )
    if taken:
        raise ValidationError(_("%(day)s 已有节点，同一天只能有一个节点") % {"day": on.isoformat()})
    return save_changes(milestone, {"on": on, "pct": pct}, actor=actor, reason=reason)


@transaction.atomic
def do_delete_milestone(milestone: Milestone, *, actor=None, reason: str | None = None) -> None:
    """Remove a milestone; its history keeps the last day and share with who removed it."""
    _check_manage(actor, milestone.campaign.unit)
    mark(milestone, actor, reason)
    milestone.delete()


def target_governor(campaign: Campaign, unit: Unit) -> Unit:
    """The unit whose administrators allocate ``unit``'s target.

    Targets are handed down: the prefecture sets each county's, a county each
    township's. The campaign's own unit (or a root) sets its own.
    """
    if unit.parent_id is None or unit.pk == campaign.unit_id:
        return unit
    return unit.parent


def _check_in_campaign(campaign: Campaign, unit: Unit) -> None:
    if campaign.unit_id and not unit.is_within(campaign.unit):
        raise ValidationError(
            _("单位 %(unit)s 不在专项行动「%(campaign)s」的范围内")
            % {"unit": unit.name, "campaign": campaign.name}
        )


@transaction.atomic
def do_save_target(
    campaign: Campaign,
    unit: Unit,
    indicator: str,
    value: Decimal,
    *,
    person: Person | None = None,
    deadline: date | None = None,
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> tuple[Target, bool, list[str]]:
    """Set one unit's target for one indicator; a re-allocation keeps the old value in history.

    With an ``actor``: the value and deadline are allocated by the administrator
    of the level above (see :func:`target_governor`); naming the responsible
    person only needs the administrator of the unit itself.
    """
    if value < 0:
        raise ValidationError(_("目标值不能为负数"))
    if value > MAX_TARGET:
        raise ValidationError(_("目标值过大"))
    if person is not None and person.unit_id != unit.pk:
        raise ValidationError(
            _("责任人 %(person)s 不是 %(unit)s 的人员") % {"person": person.name, "unit": unit.name}
        )
    _check_in_campaign(campaign, unit)
    target = (
        Target.objects.select_for_update()
        .filter(campaign=campaign, unit=unit, indicator=indicator)
        .first()
    )
    if target is not None:
        check_stamp(
            target,
            expected_stamp,
            _("该单位的目标任务"),
            {"value": value, "person": person, "deadline": deadline},
        )
    created = target is None
    if created:
        target = Target(campaign=campaign, unit=unit, indicator=indicator)
    changed = assign(target, {"value": value, "person": person, "deadline": deadline})
    if actor is not None and (created or changed):
        if created or set(changed) - {"person"}:
            _check_manage(actor, target_governor(campaign, unit))
        else:
            _check_manage(actor, unit)
    if created or changed:
        mark(target, actor, reason)
        target.full_clean(validate_unique=False, validate_constraints=False)
        target.save()
    return target, created, changed


@transaction.atomic
def do_delete_target(
    target: Target, *, actor=None, reason: str | None = None, expected_stamp: str | None = None
) -> None:
    """Withdraw a unit's target for one indicator (kept in history as a deletion)."""
    if actor is not None:
        _check_manage(actor, target_governor(target.campaign, target.unit))
    fresh = Target.objects.select_for_update().filter(pk=target.pk).first()
    if fresh is None:
        return  # withdrawn meanwhile: nothing left to withdraw
    check_stamp(fresh, expected_stamp, _("该单位的目标任务"), {"value": None})
    target = fresh
    mark(target, actor, reason)
    target.delete()


def _shifted(day: date | None, delta, start: date, end: date) -> date | None:
    """``day`` moved by ``delta`` and kept inside the new window."""
    if day is None:
        return None
    return min(max(day + delta, start), end)


@transaction.atomic
def do_create_campaign(
    code: str,
    *,
    name: str,
    start: date,
    end: date,
    mode: str,
    primary_indicator: str,
    unit: Unit | None = None,
    copy_from: Campaign | None = None,
    copy_targets: bool = True,
    actor=None,
) -> tuple[Campaign, dict[str, int]]:
    """A new campaign, optionally set up like ``copy_from`` (last year's).

    Copied: the thresholds, the eligibility rules, the milestones (moved by as
    many days as the start moved, kept inside the new window) and, with
    ``copy_targets``, every unit's targets with their responsible person and
    deadline (moved the same way). Each write goes through its own service, so
    history records every copied row with the reason naming the source.
    """
    if Campaign.objects.filter(code=code).exists():
        raise ValidationError(_("行动编码 %(code)s 已被使用，请换一个") % {"code": code})
    reason = (
        _("复制自 %(name)s（%(code)s）") % {"name": copy_from.name, "code": copy_from.code}
        if copy_from is not None
        else _("新建专项行动")
    )
    campaign, _created, _changed = do_save_campaign(
        code,
        name=name,
        start=start,
        end=end,
        mode=mode,
        primary_indicator=primary_indicator,
        unit=unit,
        green_gap_pp=copy_from.green_gap_pp if copy_from else None,
        red_gap_pp=copy_from.red_gap_pp if copy_from else None,
        actor=actor,
        reason=reason,
    )
    counts = {"milestones": 0, "targets": 0}
    if copy_from is None:
        return campaign, counts
    if copy_from.eligibility:
        save_changes(campaign, {"eligibility": copy_from.eligibility}, actor=actor, reason=reason)
    delta = start - copy_from.start
    for milestone in copy_from.milestones.order_by("on"):
        do_save_milestone(
            campaign,
            _shifted(milestone.on, delta, start, end),
            milestone.pct,
            actor=actor,
            reason=reason,
        )
        counts["milestones"] += 1
    if copy_targets:
        # Only units inside the new campaign's tree (its organising unit may differ).
        root = campaign_root(campaign)
        targets = (
            copy_from.targets.filter(unit__path__startswith=root.path)
            .select_related("unit", "person")
            .order_by("unit__path")
        )
        for target in targets:
            do_save_target(
                campaign,
                target.unit,
                target.indicator,
                target.value,
                person=target.person,
                deadline=_shifted(target.deadline, delta, start, end),
                actor=actor,
                reason=reason,
            )
            counts["targets"] += 1
    return campaign, counts
