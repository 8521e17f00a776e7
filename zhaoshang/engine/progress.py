"""The progress engine: every figure of a campaign for a unit and its children.

Pure computation over a fixed number of aggregate queries, whatever the size
of the tree (see docs/architecture.md):

1. the units of the subtree being ranked (one prefix query on ``Unit.path``);
2. counted projects grouped by responsible unit: sum of contract amounts,
   count, park and industrial counts (one conditional aggregation);
3. distinct (unit, top-500 enterprise) pairs of counted projects, rolled up as
   set unions because distinct counts do not add;
4. funds in place of counted projects grouped by unit;
5. the targets of the rows shown; 6. milestones; 7. the holiday table.

Figures of a unit are the sums over its subtree, computed in one bottom-up pass
in Python. Every page, the command line and the bulletins call :func:`compute`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast, Round

from zhaoshang.campaigns.models import MONEY_INDICATORS, Campaign, Indicator, Target
from zhaoshang.engine.calendar import count_workdays
from zhaoshang.engine.schedule import Point, next_milestone, passed_milestones, required_pct
from zhaoshang.ledger.models import TOP500_TAG, EnterpriseTag, FundsEntry, Project, counted_q
from zhaoshang.org.models import Unit

INDICATORS: tuple[str, ...] = tuple(Indicator.values)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"


class UnknownUnit(Exception):
    """The unit is not part of the campaign's tree."""


@dataclass
class Figure:
    """One indicator of one unit."""

    indicator: str
    target: Decimal | None
    achieved: Decimal | int
    completion_pct: Decimal | None  # exact; round only when showing
    gap_pp: Decimal | None
    status: str

    @property
    def is_money(self) -> bool:
        return self.indicator in MONEY_INDICATORS


@dataclass
class Row:
    """One unit's line of the progress table."""

    unit_id: int
    code: str
    name: str
    kind: str
    has_children: bool
    indicators: dict[str, Figure]
    status: str
    rank: int | None = None


@dataclass
class NextMilestone:
    on: date
    pct: Decimal
    days_left: int
    workdays_left: int
    workdays_estimated: bool


@dataclass
class Progress:
    """Everything the progress table, the JSON and the bulletins show."""

    campaign: Campaign
    as_of: date
    required_pct: Decimal
    next_milestone: NextMilestone | None
    unit: Row
    children: list[Row] = field(default_factory=list)
    milestones: list[Point] = field(default_factory=list)

    def ranked_children(self) -> list[Row]:
        """Children in ranking order, units without a target last (by code)."""
        return sorted(
            self.children,
            key=lambda r: (r.rank is None, r.rank or 0, r.code),
        )


def round_pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _cents_sum(field_name: str, **extra) -> Sum:
    # Summing whole cents keeps SQLite (which stores decimals as REAL) exact to the cent.
    return Sum(Cast(Round(F(field_name) * 100), BigIntegerField()), **extra)


def _status(completion: Decimal, gap: Decimal, passed: list[Point], campaign: Campaign) -> str:
    if gap <= campaign.red_gap_pp or any(completion < p.pct for p in passed):
        return RED
    if gap >= campaign.green_gap_pp:
        return GREEN
    return YELLOW


def _figure(indicator, target, achieved, required, passed, campaign) -> Figure:
    if target is None or target == 0:
        return Figure(indicator, target, achieved, None, None, NONE)
    completion = Decimal(achieved) / target * HUNDRED
    gap = completion - required
    return Figure(
        indicator, target, achieved, completion, gap, _status(completion, gap, passed, campaign)
    )


def campaign_root(campaign: Campaign) -> Unit:
    if campaign.unit_id:
        return campaign.unit
    root = Unit.objects.filter(parent__isnull=True).order_by("order", "code").first()
    if root is None:
        raise UnknownUnit("尚未建立任何单位")
    return root


def compute(campaign: Campaign, as_of: date, unit: Unit | None = None) -> Progress:
    """Progress of ``unit`` (default: the campaign's root) and its children at ``as_of``."""
    root = campaign_root(campaign)
    unit = unit or root
    if not unit.is_within(root):
        raise UnknownUnit(f"单位 {unit.code} 不在专项行动「{campaign.name}」的范围内")
    # Rank the unit among its siblings too, so aggregate over its parent's subtree.
    base_path = unit.path
    if unit.pk != root.pk and unit.parent_id:
        base_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]

    units = {
        u["id"]: u
        for u in Unit.objects.filter(path__startswith=base_path).values(
            "id",
            "code",
            "name",
            "kind",
            "path",
            "parent_id",
            "order",
        )
    }
    parents_with_children = {u["parent_id"] for u in units.values()}
    siblings = (
        [
            u
            for u in units.values()
            if u["parent_id"] == unit.parent_id and u["path"].startswith(base_path)
        ]
        if unit.pk != root.pk
        else [units[unit.pk]]
    )
    children = [u for u in units.values() if u["parent_id"] == unit.pk]
    shown = {u["id"] for u in siblings} | {u["id"] for u in children}

    # Aggregates per responsible unit, rolled up into the shown rows.
    counted = counted_q(campaign.start, campaign.end, as_of)
    in_base = Q(responsible_unit__path__startswith=base_path)
    amount = defaultdict(int)  # cents
    projects = defaultdict(int)
    parks = defaultdict(int)
    industrial = defaultdict(int)
    funds = defaultdict(int)  # cents
    top500: dict[int, set[int]] = defaultdict(set)

    def shown_ancestors(unit_id: int) -> list[int]:
        info = units.get(unit_id)
        if info is None:
            return []
        return [int(p) for p in info["path"].strip("/").split("/") if int(p) in shown]

    rows = (
        Project.objects.filter(counted, in_base)
        .values("responsible_unit_id")
        .annotate(
            cents=_cents_sum("contract_amount"),
            n=Count("id"),
            n_park=Count("id", filter=Q(park__isnull=False)),
            n_industrial=Count("id", filter=Q(is_industrial=True)),
        )
        .order_by()
    )
    for r in rows:
        for target_id in shown_ancestors(r["responsible_unit_id"]):
            amount[target_id] += r["cents"] or 0
            projects[target_id] += r["n"]
            parks[target_id] += r["n_park"]
            industrial[target_id] += r["n_industrial"]

    # Start from the few tagged enterprises: joining every counted project to
    # the tag table instead costs seconds on a province.
    tagged = EnterpriseTag.objects.filter(name=TOP500_TAG).values("enterprise_id")
    pairs = (
        Project.objects.filter(counted, in_base, investors__in=tagged)
        .values_list("responsible_unit_id", "investors")
        .distinct()
    )
    for unit_id, enterprise_id in pairs:
        for target_id in shown_ancestors(unit_id):
            top500[target_id].add(enterprise_id)

    fund_rows = (
        FundsEntry.objects.filter(
            counted_q(campaign.start, campaign.end, as_of, prefix="project__"),
            on__lte=as_of,
            project__responsible_unit__path__startswith=base_path,
        )
        .values("project__responsible_unit_id")
        .annotate(cents=_cents_sum("amount"))
        .order_by()
    )
    for r in fund_rows:
        for target_id in shown_ancestors(r["project__responsible_unit_id"]):
            funds[target_id] += r["cents"] or 0

    targets: dict[tuple[int, str], Decimal] = {
        (t["unit_id"], t["indicator"]): t["value"]
        for t in Target.objects.filter(campaign=campaign, unit_id__in=shown).values(
            "unit_id",
            "indicator",
            "value",
        )
    }

    milestones = [Point(m.on, m.pct) for m in campaign.milestones.all()]
    required = required_pct(campaign.start, milestones, campaign.mode, as_of)
    passed = passed_milestones(milestones, as_of)

    def row_for(info) -> Row:
        uid = info["id"]
        achieved = {
            Indicator.CONTRACT_AMOUNT: Decimal(amount[uid]) / HUNDRED,
            Indicator.CONTRACT_PROJECTS: projects[uid],
            Indicator.TOP500_ENTERPRISES: len(top500[uid]),
            Indicator.PARK_PROJECTS: parks[uid],
            Indicator.INDUSTRIAL_PROJECTS: industrial[uid],
            Indicator.FUNDS_IN_PLACE: Decimal(funds[uid]) / HUNDRED,
        }
        figures = {
            ind: _figure(ind, targets.get((uid, ind)), achieved[ind], required, passed, campaign)
            for ind in INDICATORS
        }
        return Row(
            unit_id=uid,
            code=info["code"],
            name=info["name"],
            kind=info["kind"],
            has_children=uid in parents_with_children,
            indicators=figures,
            status=figures[campaign.primary_indicator].status,
        )

    def order_key(info):
        return (info["order"], info["code"])

    sibling_rows = [row_for(u) for u in sorted(siblings, key=order_key)]
    child_rows = [row_for(u) for u in sorted(children, key=order_key)]
    _rank(sibling_rows, campaign.primary_indicator)
    _rank(child_rows, campaign.primary_indicator)
    if unit.pk == root.pk:
        sibling_rows[0].rank = None  # the campaign's root has nobody to be ranked against
    own_row = next(r for r in sibling_rows if r.unit_id == unit.pk)

    upcoming = next_milestone(milestones, as_of)
    countdown = None
    if upcoming is not None:
        workdays = count_workdays(as_of, upcoming.on)
        countdown = NextMilestone(
            on=upcoming.on,
            pct=upcoming.pct,
            days_left=(upcoming.on - as_of).days,
            workdays_left=workdays.days,
            workdays_estimated=workdays.estimated,
        )
    return Progress(
        campaign=campaign,
        as_of=as_of,
        required_pct=required,
        next_milestone=countdown,
        unit=own_row,
        children=child_rows,
        milestones=sorted(milestones, key=lambda p: p.on),
    )


def _rank(rows: list[Row], primary: str) -> None:
    """Rank by completion of the primary indicator; ties by achieved, then code."""
    ranked = [r for r in rows if r.indicators[primary].completion_pct is not None]
    ranked.sort(
        key=lambda r: (
            -r.indicators[primary].completion_pct,
            -Decimal(r.indicators[primary].achieved),
            r.code,
        )
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
