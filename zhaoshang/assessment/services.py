"""Writes of the assessment: the scheme and publication (one transaction each, with history).

The campaign's organising unit's administrators set the scheme and publish;
pages, the workbook loader and the demo write through here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.assessment.models import (
    Item,
    Method,
    PublishedAssessment,
    SchemeAdjustment,
    SchemeIndicator,
)
from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.engine.progress import campaign_root
from zhaoshang.history import mark, save_changes
from zhaoshang.org.scope import require_manage

# What the scheme's decimal columns hold (max_digits 7, two decimals).
MAX_POINTS = Decimal("99999.99")


def _check_manage(actor, campaign: Campaign) -> None:
    if actor is not None:
        require_manage(actor, campaign_root(campaign))


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_points(value: Decimal, label: str, *, negative: bool = False) -> None:
    if abs(value) > MAX_POINTS:
        raise ValidationError(_("%(label)s过大") % {"label": label})
    if value < 0 and not negative:
        raise ValidationError(_("%(label)s不能为负数") % {"label": label})


@transaction.atomic
def do_save_scheme_indicator(
    campaign: Campaign,
    indicator: str,
    weight: Decimal,
    method: str,
    *,
    actor=None,
    reason: str | None = None,
) -> tuple[SchemeIndicator, bool, list[str]]:
    """Score ``indicator`` with ``weight`` points by ``method`` (keyed by campaign + indicator)."""
    if indicator not in Indicator.values:
        raise ValidationError(_("未知的指标「%(value)s」") % {"value": indicator})
    if method not in Method.values:
        raise ValidationError(_("计分方法应为 封顶比例 或 功效系数"))
    _check_points(weight, _("权重"))
    _check_manage(actor, campaign)
    row = SchemeIndicator.objects.filter(campaign=campaign, indicator=indicator).first()
    created = row is None
    if created:
        row = SchemeIndicator(campaign=campaign, indicator=indicator)
    changed = save_changes(row, {"weight": weight, "method": method}, actor=actor, reason=reason)
    return row, created, changed


@transaction.atomic
def do_save_scheme_adjustment(
    campaign: Campaign,
    item: str,
    points: Decimal,
    cap: Decimal | None,
    *,
    actor=None,
    reason: str | None = None,
) -> tuple[SchemeAdjustment, bool, list[str]]:
    """Give ``points`` per occurrence of ``item``, the item's total capped by ``cap``."""
    if item not in Item.values:
        raise ValidationError(_("未知的加减分事项「%(value)s」") % {"value": item})
    _check_points(points, _("每项分值"), negative=True)
    if cap is not None:
        _check_points(cap, _("上限"))
    _check_manage(actor, campaign)
    row = SchemeAdjustment.objects.filter(campaign=campaign, item=item).first()
    created = row is None
    if created:
        row = SchemeAdjustment(campaign=campaign, item=item)
    changed = save_changes(row, {"points": points, "cap": cap}, actor=actor, reason=reason)
    return row, created, changed


@transaction.atomic
def do_delete_scheme_row(row, *, actor=None, reason: str | None = None) -> None:
    """Remove an indicator or an item from the scheme; its history keeps what it was."""
    _check_manage(actor, row.campaign)
    mark(row, actor, reason)
    row.delete()


@transaction.atomic
def do_publish_assessment(
    campaign: Campaign,
    as_of: date,
    *,
    actor=None,
    published_at: datetime | None = None,
) -> PublishedAssessment:
    """Publish the assessment as of ``as_of``: scores, ranking and records are frozen."""
    from zhaoshang.assessment.document import frozen_document

    _check_manage(actor, campaign)
    # Lock the campaign so two offices publishing at once cannot take the same number.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    latest = PublishedAssessment.objects.filter(campaign=campaign).order_by("-number").first()
    number = latest.number + 1 if latest is not None else 1
    published_at = published_at or timezone.now()
    user = _user(actor)
    document = frozen_document(campaign, as_of)
    document["bulletin"].update(
        {
            "number": number,
            "published_at": timezone.localtime(published_at).isoformat(timespec="seconds"),
            "published_by": (user.get_full_name() or user.get_username()) if user else None,
        }
    )
    published = PublishedAssessment(
        campaign=campaign,
        number=number,
        as_of=as_of,
        published_at=published_at,
        published_by=user,
        document=document,
    )
    mark(published, actor, _("发布考核结果"))
    published.save()
    return published


@transaction.atomic
def do_save_scheme(
    campaign: Campaign,
    indicators: dict[str, tuple[Decimal, str]],
    items: dict[str, tuple[Decimal, Decimal | None]],
    *,
    actor=None,
    reason: str | None = None,
) -> bool:
    """Make the scheme exactly ``indicators`` and ``items`` (what the editor shows); True if changed."""
    _check_manage(actor, campaign)
    changed = False
    for row in SchemeIndicator.objects.filter(campaign=campaign):
        if row.indicator not in indicators:
            do_delete_scheme_row(row, actor=actor, reason=reason)
            changed = True
    for row in SchemeAdjustment.objects.filter(campaign=campaign):
        if row.item not in items:
            do_delete_scheme_row(row, actor=actor, reason=reason)
            changed = True
    for indicator, (weight, method) in indicators.items():
        _row, created, fields = do_save_scheme_indicator(
            campaign, indicator, weight, method, actor=actor, reason=reason
        )
        changed = changed or created or bool(fields)
    for item, (points, cap) in items.items():
        _row, created, fields = do_save_scheme_adjustment(
            campaign, item, points, cap, actor=actor, reason=reason
        )
        changed = changed or created or bool(fields)
    return changed
