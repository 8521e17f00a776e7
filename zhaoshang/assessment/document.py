"""The assessment as a document: the JSON of contracts/cli.md, extended compatibly.

The command line prints it; a published assessment freezes it together with
the records behind every point, and its page and exports render from it alone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from typing import Any

from django.utils import timezone

from zhaoshang.campaigns.models import MONEY_INDICATORS
from zhaoshang.engine.assessment import RATIO_PLACES, Assessment, UnitRecords
from zhaoshang.engine.serialize import money


def ratio_number(value) -> float | None:
    return None if value is None else float(value.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP))


def _achieved(indicator: str, value) -> Any:
    return money(value) if indicator in MONEY_INDICATORS else int(value)


def assessment_document(assessment: Assessment) -> dict:
    """The `assess --json` document."""
    campaign = assessment.campaign
    return {
        "campaign": campaign.code,
        "campaign_name": campaign.name,
        "as_of": assessment.as_of.isoformat(),
        "scheme": {
            "indicators": [
                {"indicator": r.indicator, "weight": money(r.weight), "method": r.method}
                for r in assessment.indicators
            ],
            "adjustments": [
                {"item": r.item, "points": money(r.points), "cap": money(r.cap)}
                for r in assessment.items
            ],
        },
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "rank": u.rank,
                "total": money(u.total),
                "items": [
                    {
                        "indicator": s.indicator,
                        "method": s.method,
                        "weight": money(s.weight),
                        "ratio": ratio_number(s.ratio),
                        "score": money(s.score),
                        "target": None if s.target is None else _achieved(s.indicator, s.target),
                        "achieved": _achieved(s.indicator, s.achieved),
                        "no_target": s.no_target,
                    }
                    for s in u.items
                ],
                "adjustments": [
                    {
                        "item": a.item,
                        "count": a.count,
                        "points": money(a.points),
                        "per": money(a.per),
                        "cap": money(a.cap),
                        "capped": a.capped,
                    }
                    for a in u.adjustments
                ],
            }
            for u in assessment.units
        ],
    }


def _moment(value) -> str | None:
    return None if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def records_document(found: UnitRecords) -> dict:
    return {
        "projects": [
            {
                "code": p.code,
                "name": p.name,
                "unit_code": p.unit_code,
                "unit_name": p.unit_name,
                "contract_on": p.contract_on.isoformat(),
                "contract_amount": money(p.contract_amount),
                "park": p.park,
                "is_industrial": p.is_industrial,
                "funds": money(p.funds),
            }
            for p in found.projects
        ],
        "enterprises": [{"name": e.name, "projects": e.projects} for e in found.enterprises],
        "late_rounds": [
            {
                "name": r.name,
                "deadline": _moment(r.deadline),
                "submitted_at": _moment(r.submitted_at),
            }
            for r in found.late_rounds
        ],
        "overdue_tasks": [
            {
                "code": t.code,
                "content": t.content,
                "lead_unit": t.lead_unit,
                "deadline": t.deadline.isoformat(),
                "closed_on": t.closed_on.isoformat() if t.closed_on else None,
            }
            for t in found.overdue_tasks
        ],
    }


def frozen_document(campaign, as_of, *, with_records: bool = True) -> dict:
    """The assessment with the records behind every point of every unit (what publication keeps).

    Without ``with_records`` only the scores (what the draft page shows).
    ``bulletin`` is the header the Word and Excel files share with the dispatch
    bulletin (red header, title, issuing office); ``number`` is set on publication.
    """
    from zhaoshang.dispatch.models import DispatchSettings
    from zhaoshang.engine.assessment import compute_assessment, records
    from zhaoshang.engine.progress import campaign_root

    assessment = compute_assessment(campaign, as_of)
    document = assessment_document(assessment)
    if with_records:
        found = records(assessment)
        by_code = {u.code: u.unit_id for u in assessment.units}
        for unit in document["units"]:
            unit["records"] = records_document(found[by_code[unit["code"]]])
    root = campaign_root(campaign)
    settings = DispatchSettings.objects.filter(campaign=campaign).first()
    office = settings.issuing_office if settings and settings.issuing_office else ""
    document["bulletin"] = {
        "banner": "考 核 通 报",
        "title": f"关于{campaign.name}考核结果的通报",
        "issuing_office": office or f"{root.name}招商引资工作专班办公室",
        "number": None,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "published_at": None,
    }
    document["root"] = {"code": root.code, "name": root.name}
    return document
