"""Formatting of bulletin documents for the pages.

A bulletin is a JSON document (dispatch/bulletin.py): amounts arrive as
decimal strings, percentages as numbers already rounded by the engine. These
filters only print them, the way the Word and Excel files do (dispatch/tables.py),
so the page, the .docx and the .xlsx show the same digits.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.campaigns.models import MONEY_INDICATORS, Indicator
from zhaoshang.dispatch import diagnostics
from zhaoshang.dispatch.models import SubmissionState
from zhaoshang.dispatch.rounds import PENDING
from zhaoshang.dispatch.tables import fmt_amount, fmt_pct
from zhaoshang.ledger.models import Stage
from zhaoshang.web.templatetags.zs_format import cn_date

register = template.Library()

# The six diagnoses under the page's language; the document keeps the Chinese labels.
DIAGNOSIS_LABELS = {
    diagnostics.EFFORT_GAP: gettext_lazy("工作力度差距大"),
    diagnostics.TARGET_GAP: gettext_lazy("工作目标差距大"),
    diagnostics.INFORMATION_GAP: gettext_lazy("信息交流差距大"),
    diagnostics.FEW_CONTRACT_PROJECTS: gettext_lazy("合同项目少"),
    diagnostics.FEW_TOP500: gettext_lazy("500强企业少"),
    diagnostics.FEW_PARK_INDUSTRIAL: gettext_lazy("园区工业项目少"),
}
# Short forms for the ranking table's tags.
DIAGNOSIS_SHORT = {
    diagnostics.EFFORT_GAP: gettext_lazy("力度"),
    diagnostics.TARGET_GAP: gettext_lazy("目标"),
    diagnostics.INFORMATION_GAP: gettext_lazy("信息"),
    diagnostics.FEW_CONTRACT_PROJECTS: gettext_lazy("合同少"),
    diagnostics.FEW_TOP500: gettext_lazy("500强少"),
    diagnostics.FEW_PARK_INDUSTRIAL: gettext_lazy("园区工业少"),
}
STATE_WORDS = {
    SubmissionState.ON_TIME: gettext_lazy("按时报送"),
    SubmissionState.LATE: gettext_lazy("逾期报送"),
    SubmissionState.MISSING: gettext_lazy("未报送"),
    PENDING: gettext_lazy("待报送"),
}
# Colour class per state; the word is always printed beside it.
STATE_CLASS = {
    SubmissionState.ON_TIME: "green",
    SubmissionState.LATE: "yellow",
    SubmissionState.MISSING: "red",
    PENDING: "none",
}


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


@register.filter
def field(mapping, key):
    """``mapping[key]`` for a key held in a variable; None when absent."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def amount(value, indicator: str) -> str:
    """An achieved or target value of ``indicator``: 41,000 (or 41,000.50) for 万元, 6 for counts."""
    return fmt_amount(indicator, value)


@register.filter
def doc_pct(value) -> str:
    return fmt_pct(value)


@register.filter
def doc_gap(value) -> str:
    """超 2.00 个百分点 / 落后 17.50 个百分点 / 持平 / —."""
    number = _decimal(value)
    if number is None:
        return "—"
    if number > 0:
        return _("超 %(n)s 个百分点") % {"n": f"{number:.2f}"}
    if number < 0:
        return _("落后 %(n)s 个百分点") % {"n": f"{-number:.2f}"}
    return _("持平")


@register.filter
def signed(value, indicator: str = "") -> str:
    """A change with its sign: +6,000, −2, 0; — when there is nothing to compare."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = fmt_amount(indicator, abs(number)) if indicator else f"{abs(number):.2f}"
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return text


@register.filter
def trend(value) -> str:
    """up / down / flat, for the arrow's class (the sign is printed as well)."""
    number = _decimal(value)
    if number is None or number == 0:
        return "flat"
    return "up" if number > 0 else "down"


@register.filter
def is_money(indicator: str) -> bool:
    return indicator in MONEY_INDICATORS


@register.filter
def indicator_label(indicator: str) -> str:
    try:
        return str(Indicator(indicator).label)
    except ValueError:
        return indicator


@register.filter
def iso_day(value) -> str:
    """An ISO day of the document as 2026年11月27日."""
    if not value:
        return "—"
    return cn_date(date.fromisoformat(str(value)[:10]))


@register.filter
def iso_moment(value) -> str:
    """An ISO date-time of the document as 2026年11月27日 17:00."""
    if not value:
        return "—"
    return cn_date(datetime.fromisoformat(str(value)))


@register.filter
def diagnosis_label(code: str) -> str:
    return str(DIAGNOSIS_LABELS.get(code, code))


@register.filter
def diagnosis_short(code: str) -> str:
    return str(DIAGNOSIS_SHORT.get(code, code))


@register.filter
def stage_name(stage) -> str:
    try:
        return str(Stage(int(stage)).label)
    except (TypeError, ValueError):
        return "—"


@register.filter
def state_word(state: str) -> str:
    return str(STATE_WORDS.get(state, state))


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASS.get(state, "none")
