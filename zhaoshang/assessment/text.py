"""A plain-text assessment table for the terminal (`zhaoshang assess` without --json)."""

from __future__ import annotations

from zhaoshang.assessment.models import Item
from zhaoshang.assessment.tables import ITEM_UNITS
from zhaoshang.campaigns.models import Indicator
from zhaoshang.engine.assessment import Assessment
from zhaoshang.engine.serialize import money


def assessment_table(assessment: Assessment) -> str:
    campaign = assessment.campaign
    header = ["排名", "单位"]
    header += [str(Indicator(r.indicator).label) for r in assessment.indicators]
    header += [str(Item(r.item).label) for r in assessment.items]
    header.append("总分")
    lines = [
        f"{campaign.name}（{campaign.code}）考核得分",
        f"截至 {assessment.as_of:%Y年%m月%d日}",
        "",
        "\t".join(header),
    ]
    for u in assessment.units:
        cells = [str(u.rank), u.name]
        cells += ["未下达目标" if s.no_target else money(s.score) for s in u.items]
        cells += [f"{money(a.points)}（{a.count}{ITEM_UNITS[a.item]}）" for a in u.adjustments]
        cells.append(money(u.total))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"
