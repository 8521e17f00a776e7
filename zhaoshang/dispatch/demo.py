"""The demo's dispatch cycle: weekly reporting rounds with some late and missing
reports (sheet 调度填报), then two published bulletins so that 环比 shows.

Reference days (moved with the rest of the demo): rounds every Friday 17:00 on
11-06, 11-13 and 11-20 (over) and 12-04 (open); bulletins 第1期 as of 11-13 and
第2期 as of 11-20.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from zhaoshang.workbook import schema

HEADERS = {"调度填报": list(schema.ROUNDS.column_names)}
ROUND_DAYS = [date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20), date(2026, 12, 4)]
BULLETIN_DAYS = [date(2026, 11, 13), date(2026, 11, 20)]
DEADLINE = time(17)


def _reporting_units(units: list[list], root: str) -> list[str]:
    return [row[0] for row in units if row[2] == root]


def round_sheets(content: dict, *, campaign: str, root: str) -> dict[str, list[list]]:
    """Every reporting unit's report of every round: on time mostly, a few late or missing."""
    rows = []
    reporters = _reporting_units(content["单位"], root)
    for r, day in enumerate(ROUND_DAYS):
        deadline = datetime.combine(day, DEADLINE)
        future = r == len(ROUND_DAYS) - 1
        for j, unit in enumerate(reporters):
            key = (r * 5 + j * 3) % 13
            if future:
                if j % 4:
                    continue  # the open round: a quarter of the units have reported
                submitted = deadline - timedelta(days=3, hours=2)
            elif key == 4:
                rows.append([campaign, deadline, unit, None, "", "", ""])  # missed
                continue
            elif key in (7, 11):
                submitted = deadline + timedelta(hours=16, minutes=30)  # next morning: late
            else:
                submitted = deadline - timedelta(days=1, hours=6 - j % 5)
            rows.append(
                [
                    campaign,
                    deadline,
                    unit,
                    submitted,
                    "本周对接客商、推进项目签约，台账已同步更新。",
                    "项目用地、环评等要素保障仍需协调。" if key % 3 == 0 else "",
                    "继续跟进在谈项目，力争下周签订正式合同。",
                ]
            )
    return {"调度填报": rows}


def publish_bulletins(shift: int) -> None:
    """第1期 and 第2期, each published on its as-of day's evening (once: kept on a reload)."""
    from django.utils import timezone

    from zhaoshang.campaigns.models import Campaign
    from zhaoshang.demo.workbook import CAMPAIGN_CODE
    from zhaoshang.dispatch.models import Bulletin
    from zhaoshang.dispatch.services import do_publish_bulletin

    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    if Bulletin.objects.filter(campaign=campaign).exists():
        return
    for day in BULLETIN_DAYS:
        as_of = day + timedelta(days=shift)
        at = timezone.make_aware(datetime.combine(as_of, time(18)))
        do_publish_bulletin(campaign, as_of, published_at=at)
