"""The progress engine: every figure of a campaign for a unit and its children.

Pure computation over a fixed number of aggregate queries, whatever the size
of the tree (see docs/architecture.md). For the campaign's root:

1. counted projects grouped by the child subtree they lie in (the child's path
   is cut from the responsible unit's materialized path inside SQL): sum of
   contract amounts, count, park and industrial counts, and funds in place up to
   the as-of day (a correlated sum on the funds' (project, day) index);
2. distinct (child, top-500 enterprise) pairs of counted projects, kept as sets
   because distinct counts do not add up the tree;
3. the shown units; 4. their targets; 5. milestones; 6. the holiday table.

A unit below the root is also ranked among its siblings, which costs the two
aggregates once more at its parent's level: eight queries. Every page, the
command line and the bulletins call :func:`compute`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Round, StrIndex, Substr

from zhaoshang.campaigns.models import MONEY_INDICATORS, Campaign, Indicator, Target
from zhaoshang.engine.calendar import count_workdays
from zhaoshang.engine.eligibility import eligible_q
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
    # The campaign's eligibility rules narrow what counts (nothing without rules).
    counted = counted_q(campaign.start, campaign.end, as_of) & eligible_q(campaign, as_of)
    if unit.pk == root.pk:
        # The root's figures are the sum of its children's and its own (本级).
        level = _aggregate(unit.path, counted, as_of)
        own_totals = _Totals.combined(level.values())
        child_totals = level
        shown_q = Q(pk=unit.pk) | Q(parent_id=unit.pk)
    else:
        # Rank the unit among its siblings: aggregate its parent's subtree by
        # child, then the unit's own subtree by its children.
        parent_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
        sibling_totals = _aggregate(parent_path, counted, as_of)
        child_totals = _aggregate(unit.path, counted, as_of)
        shown_q = Q(parent_id=unit.parent_id) | Q(parent_id=unit.pk)
    units = list(
        Unit.objects.filter(shown_q)
        .annotate(has_children=Exists(Unit.objects.filter(parent_id=OuterRef("pk"))))
        .values("id", "code", "name", "kind", "path", "parent_id", "order", "has_children")
    )
    if unit.pk == root.pk:
        siblings = [u for u in units if u["id"] == unit.pk]
        totals_of = {**child_totals, unit.path: own_totals}
    else:
        siblings = [u for u in units if u["parent_id"] == unit.parent_id]
        # The unit's own key means its whole subtree (sibling level), not its 本级 rows.
        totals_of = {**child_totals, **sibling_totals}
    children = [u for u in units if u["parent_id"] == unit.pk]
    shown = {u["id"] for u in siblings} | {u["id"] for u in children}

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
        t = totals_of.get(info["path"]) or _Totals()
        achieved = {
            Indicator.CONTRACT_AMOUNT: Decimal(t.cents) / HUNDRED,
            Indicator.CONTRACT_PROJECTS: t.projects,
            Indicator.TOP500_ENTERPRISES: len(t.top500),
            Indicator.PARK_PROJECTS: t.parks,
            Indicator.INDUSTRIAL_PROJECTS: t.industrial,
            Indicator.FUNDS_IN_PLACE: Decimal(t.funds) / HUNDRED,
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
            has_children=info["has_children"],
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


@dataclass
class _Totals:
    """Achieved figures of one subtree; amounts in whole cents."""

    cents: int = 0
    projects: int = 0
    parks: int = 0
    industrial: int = 0
    funds: int = 0
    top500: set[int] = field(default_factory=set)

    @classmethod
    def combined(cls, parts) -> _Totals:
        total = cls()
        for t in parts:
            total.cents += t.cents
            total.projects += t.projects
            total.parks += t.parks
            total.industrial += t.industrial
            total.funds += t.funds
            total.top500 |= t.top500  # distinct enterprises do not add
        return total


def _child_path(path_lookup: str, level_path: str):
    """SQL for the path of the child of ``level_path`` that a unit path lies under.

    "/1/7/42/" under level "/1/" gives "/1/7/"; the level's own path gives
    itself. Grouping by it rolls a subtree up to its children inside the
    database, so only one row per child comes back.
    """
    start = len(level_path)
    rest = Substr(F(path_lookup), start + 1)
    length = ExpressionWrapper(
        Value(start) + StrIndex(rest, Value("/")), output_field=IntegerField()
    )
    return Substr(F(path_lookup), 1, length, output_field=CharField())


def _aggregate(level_path: str, counted: Q, as_of: date) -> dict[str, _Totals]:
    """Figures of every child subtree of ``level_path`` (and of its own rows), in two queries."""
    totals: dict[str, _Totals] = defaultdict(_Totals)
    in_level = Q(responsible_unit__path__startswith=level_path)
    child = _child_path("responsible_unit__path", level_path)
    # Funds in place per counted project, looked up on the (project, day) index
    # inside the main aggregation: cheaper than a second pass over the projects.
    funds = (
        FundsEntry.objects.filter(project_id=OuterRef("pk"), on__lte=as_of)
        .order_by()
        .values("project_id")
        .annotate(cents=_cents_sum("amount"))
        .values("cents")
    )
    rows = (
        Project.objects.filter(counted, in_level)
        .annotate(child=child, funds_cents=Subquery(funds, output_field=BigIntegerField()))
        .values("child")
        .annotate(
            cents=_cents_sum("contract_amount"),
            n=Count("id"),
            n_park=Count("id", filter=Q(park__isnull=False)),
            n_industrial=Count("id", filter=Q(is_industrial=True)),
            funds=Sum("funds_cents"),
        )
        .order_by()
    )
    for r in rows:
        t = totals[r["child"]]
        t.cents, t.projects, t.funds = r["cents"] or 0, r["n"], r["funds"] or 0
        t.parks, t.industrial = r["n_park"], r["n_industrial"]

    # Start from the few tagged enterprises: joining every counted project to
    # the tag table instead costs seconds on a province.
    tagged = EnterpriseTag.objects.filter(name=TOP500_TAG).values("enterprise_id")
    pairs = (
        Project.objects.filter(counted, in_level, investors__in=tagged)
        .annotate(child=child)
        .values_list("child", "investors")
        .distinct()
    )
    for path, enterprise_id in pairs:
        totals[path].top500.add(enterprise_id)
    return totals


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
