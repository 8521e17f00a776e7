"""Formatting of engine figures for pages: dates, 万元/亿元, percentages, gaps, status words.

Only formatting lives here: every figure arrives computed by the engine, and
percentages are rounded with the engine's own ``round_pct`` (half-up) so a page,
the JSON and a bulletin always print the same digits.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang import formatting
from zhaoshang.campaigns.models import MONEY_INDICATORS
from zhaoshang.engine.progress import GREEN, NONE, RED, YELLOW, round_pct
from zhaoshang.org.models import Membership

register = template.Library()

TEN_THOUSAND = Decimal(10000)


def _as_date(value):
    """A date or date-time from a model, or from the ISO text of a stored document."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.filter
def cn_date(value) -> str:
    """2026年11月27日; a datetime is shown in the local time zone with its time."""
    if value in (None, ""):
        return "—"
    value = _as_date(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return _("%(y)d年%(m)d月%(d)d日 %(hm)s") % {
            "y": value.year,
            "m": value.month,
            "d": value.day,
            "hm": value.strftime("%H:%M"),
        }
    if isinstance(value, date):
        return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}
    return str(value)


@register.filter
def cn_month_day(value) -> str:
    """12月5日, for countdowns within the campaign's year."""
    value = _as_date(value)
    if not isinstance(value, date):
        return "—"
    return _("%(m)d月%(d)d日") % {"m": value.month, "d": value.day}


def _grouped(value: Decimal) -> str:
    return formatting.amount(value)


@register.filter
def wan(value) -> str:
    """An amount in 万元 with thousands separators, decimals only when there are any:
    41,000 / 12,345.5 → 12,345.50."""
    if value in (None, ""):
        return "—"
    return _grouped(value)


@register.filter
def big_amount(value) -> str:
    """A headline amount: 亿元 from 1 亿 (10,000 万元) up, else 万元."""
    if value in (None, ""):
        return "—"
    value = Decimal(value)
    if abs(value) >= TEN_THOUSAND:
        return _("%(n)s 亿元") % {"n": _grouped(value / TEN_THOUSAND)}
    return _("%(n)s 万元") % {"n": _grouped(value)}


@register.filter
def pct(value) -> str:
    """82.00% (half-up, two decimals); — where there is no target."""
    rounded = round_pct(value)
    return "—" if rounded is None else f"{rounded}%"


@register.filter
def plain(value) -> str:
    """A decimal without trailing zeros: 50.00 → 50, 12.50 → 12.5."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value).normalize():f}"


@register.filter
def pct_number(value) -> str:
    """The bare rounded number, for CSS bar widths."""
    rounded = round_pct(value)
    return "0" if rounded is None else str(rounded)


@register.filter
def gap(value) -> str:
    """超 2.50 个百分点 / 落后 17.50 个百分点 / 与序时进度持平."""
    rounded = round_pct(value)
    if rounded is None:
        return "—"
    if rounded > 0:
        return _("超 %(n)s 个百分点") % {"n": rounded}
    if rounded < 0:
        return _("落后 %(n)s 个百分点") % {"n": -rounded}
    return _("持平")


STATUS_WORDS = {
    GREEN: gettext_lazy("绿"),
    YELLOW: gettext_lazy("黄"),
    RED: gettext_lazy("红"),
    NONE: gettext_lazy("无目标"),
}


@register.filter
def status_word(status: str) -> str:
    """The status as a word, so it never depends on colour alone."""
    return str(STATUS_WORDS.get(status, STATUS_WORDS[NONE]))


@register.filter
def indicator(row, name: str):
    """The Figure of ``row`` for the indicator ``name`` (a variable in the template)."""
    return row.indicators.get(name)


@register.filter
def achieved(fig) -> str:
    """Achieved value: 万元 for money, an integer for counts."""
    if fig is None:
        return "—"
    if fig.indicator in MONEY_INDICATORS:
        return _grouped(fig.achieved)
    return str(int(fig.achieved))


@register.filter
def target(fig) -> str:
    if fig is None or fig.target is None:
        return "—"
    if fig.indicator in MONEY_INDICATORS:
        return _grouped(fig.target)
    # Count targets are stored as decimals (3.00); show them as people write them.
    return plain(fig.target)


@register.filter
def user_name(user) -> str:
    """Who did something: the person's name, else the login, else 系统 (imports, the demo)."""
    if user is None:
        return _("系统")
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def memberships(context) -> list[Membership]:
    """The signed-in user's units and roles for the top bar, read once per request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_zhaoshang_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
        )
        user._zhaoshang_memberships = cached
    return cached


@register.filter
def record_stamp(instance) -> str:
    """The stale-edit stamp of a record, for the hidden field of a small inline form."""
    from zhaoshang.stamps import stamp

    return stamp(instance)
