"""The demo carries an assessment scheme, so its assessment page shows live scores."""

from __future__ import annotations

from zhaoshang.campaigns.models import Campaign
from zhaoshang.demo.workbook import CAMPAIGN_CODE, REFERENCE_TODAY
from zhaoshang.engine.assessment import compute_assessment


def test_demo_assessment_scores_every_county_and_zone(demo, db):
    result = compute_assessment(Campaign.objects.get(code=CAMPAIGN_CODE), REFERENCE_TODAY)
    # The assessed units are the ranked ones: the 16 county-level units, the zone
    # and the departments given a contract target (20 in all).
    ranked = [r for r in result.progress.children if r.rank is not None]
    assert len(result.units) == len(ranked) == 20
    assert [r.indicator for r in result.indicators] == [
        "contract_amount",
        "contract_projects",
        "industrial_projects",
    ]
    assert [r.item for r in result.items] == ["top500", "overdue_tasks", "late_reports"]
    totals = [u.total for u in result.units]
    assert totals == sorted(totals, reverse=True)
    # A spread of scores, not all equal: the ranking says something.
    assert totals[0] - totals[-1] > 20
    assert result.units[0].rank == 1
