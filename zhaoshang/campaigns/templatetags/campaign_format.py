"""Formatting of target values in the decomposition editor (amounts in 万元, counts as written)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from zhaoshang.campaigns.models import MONEY_INDICATORS, Indicator
from zhaoshang.web.templatetags.zs_format import plain, wan

register = template.Library()


@register.filter
def target_value(value, is_money) -> str:
    """41,000 for an amount in 万元 (cents only when there are any); 3 for a count."""
    if value in (None, ""):
        return "—"
    return wan(value) if is_money else plain(value)


@register.filter
def magnitude(value) -> Decimal | None:
    """The size of a difference, its direction said in words beside it."""
    return None if value is None else abs(Decimal(value))


@register.filter
def indicator_label(code: str) -> str:
    return str(Indicator(code).label) if code in Indicator.values else code


@register.filter
def indicator_value(value, indicator: str) -> str:
    """A value of ``indicator``: 万元 for money, else a count."""
    return target_value(value, indicator in MONEY_INDICATORS)
