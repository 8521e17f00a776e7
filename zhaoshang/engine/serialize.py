"""The machine-readable progress document of contracts/cli.md."""

from __future__ import annotations

from decimal import Decimal

from zhaoshang.campaigns.models import MONEY_INDICATORS
from zhaoshang.engine.progress import CENT, Figure, Progress, Row, round_pct


def money(value: Decimal | None) -> str | None:
    """A 万元 amount as a decimal string with two decimals."""
    return None if value is None else str(Decimal(value).quantize(CENT))


def number(value: Decimal | None) -> float | None:
    rounded = round_pct(value)
    return None if rounded is None else float(rounded)


def figure_document(fig: Figure) -> dict:
    return {
        "target": money(fig.target),
        "achieved": money(fig.achieved) if fig.indicator in MONEY_INDICATORS else int(fig.achieved),
        "completion_pct": number(fig.completion_pct),
        "gap_pp": number(fig.gap_pp),
        "status": fig.status,
    }


def row_document(row: Row) -> dict:
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "rank": row.rank,
        "status": row.status,
        "has_children": row.has_children,
        "indicators": {ind: figure_document(fig) for ind, fig in row.indicators.items()},
    }


def progress_document(progress: Progress) -> dict:
    campaign = progress.campaign
    upcoming = progress.next_milestone
    return {
        "campaign": {
            "code": campaign.code,
            "name": campaign.name,
            "start": campaign.start.isoformat(),
            "end": campaign.end.isoformat(),
            "mode": campaign.mode,
            "primary_indicator": campaign.primary_indicator,
        },
        "as_of": progress.as_of.isoformat(),
        "required_pct": number(progress.required_pct),
        "next_milestone": None
        if upcoming is None
        else {
            "date": upcoming.on.isoformat(),
            "pct": float(upcoming.pct),
            "days_left": upcoming.days_left,
            "workdays_left": upcoming.workdays_left,
            "workdays_estimated": upcoming.workdays_estimated,
        },
        "milestones": [
            {"date": p.on.isoformat(), "pct": float(p.pct)} for p in progress.milestones
        ],
        "unit": row_document(progress.unit),
        "children": [row_document(r) for r in progress.children],
    }
