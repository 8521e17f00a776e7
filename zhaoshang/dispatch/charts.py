"""The data of a bulletin page's three charts, taken from the bulletin document as it is.

Nothing is computed here: the figures are the document's (so a chart can be
checked against the table beside it), only rearranged into the series the
page's script hands to ECharts. Amounts become numbers because a chart axis
needs numbers; the exact decimal strings stay in the tables.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.campaigns.models import MONEY_INDICATORS, Indicator
from zhaoshang.dispatch.tables import ranked_rows
from zhaoshang.web.templatetags.zs_format import status_word

STATUS_COLOURS = {
    "green": "#17663a",
    "yellow": "#c99400",
    "red": "#a1221b",
    "none": "#8a939c",
}


def _number(value) -> float | None:
    return None if value is None else float(value)


def chart_data(document: dict) -> dict:
    """Series for: completion vs required by unit, the cumulative curve, the stage funnel."""
    primary = document["campaign"]["primary_indicator"]
    rows = ranked_rows(document)
    ranking = {
        "indicator": primary,
        "units": [r["name"] for r in rows],
        "codes": [r["code"] for r in rows],
        "completion": [r["indicators"][primary]["completion_pct"] for r in rows],
        "status": [r["status"] for r in rows],
        "status_words": [status_word(r["status"]) for r in rows],
        "colours": [STATUS_COLOURS.get(r["status"], STATUS_COLOURS["none"]) for r in rows],
        "required": document["required_pct"],
    }
    curve = document.get("curve")
    curve_data = None
    if curve:
        points = curve["points"]
        curve_data = {
            "indicator": curve["indicator"],
            "money": curve["indicator"] in MONEY_INDICATORS,
            "dates": [p["date"] for p in points],
            "achieved": [_number(p["achieved"]) for p in points],
            "required": [_number(p["required"]) for p in points],
            "target": _number(curve["target"]),
            "as_of": document["as_of"],
            "milestones": document.get("milestones", []),
        }
    stages = document.get("stages")
    funnel = None
    if stages:
        funnel = [{"name": level["label"], "value": level["count"]} for level in stages["levels"]]
    unit_word = _("万元") if primary in MONEY_INDICATORS else _("个")
    return {
        "ranking": ranking,
        "curve": curve_data,
        "funnel": funnel,
        "labels": {
            "completion": _("完成率"),
            "required": _("序时进度"),
            "achieved": _("累计完成"),
            "milestone_curve": _("节点要求"),
            "as_of": _("统计截止"),
            "projects": _("项目数"),
            "no_target": _("无目标"),
            "indicator": str(Indicator(primary).label),
            "unit": unit_word,
        },
    }
