"""The assessment engine (考核): scores and ranking of a campaign's assessed units.

Definitions: docs/formulas.md ("考核"). As of a day, the assessed units are the
root's children with a target on the primary indicator (the ranked units of
the progress engine, whose figures this reuses). Per indicator of the scheme:

- ratio r = achieved ÷ target, unrounded; no target (or 0) → score 0, 未下达目标;
- 封顶比例 (capped): weight × min(r, 1);
- 功效系数 (efficacy): weight × (0.6 + 0.4 × (r − min) ÷ (max − min)) over the
  assessed units with a target; max = min → the weight.

Bonus/penalty items: count × points, the item's total capped in absolute value.
Every part is rounded half-up to 2 decimals and the total is the sum of the
rounded parts; equal totals share a rank (1, 2, 2, 4).

Queries: the progress engine's, plus one for the rounds and one for the
submissions, plus one for the supervised tasks.
:func:`records` gives the records behind every point (a few more queries,
whatever the number of units).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.engine.eligibility import eligible_q
from zhaoshang.engine.progress import CENT, Progress, campaign_root, compute
from zhaoshang.ledger.models import TOP500_TAG, Enterprise, FundsEntry, Project, counted_q

ZERO = Decimal(0)
ONE = Decimal(1)
RATIO_PLACES = Decimal("0.0001")
EFFICACY_BASE = Decimal("0.6")
EFFICACY_SPAN = Decimal("0.4")

CAPPED, EFFICACY = "capped", "efficacy"
TOP500, OVERDUE_TASKS, LATE_REPORTS = "top500", "overdue_tasks", "late_reports"
ITEM_ORDER = (TOP500, OVERDUE_TASKS, LATE_REPORTS)
INDICATOR_ORDER = tuple(Indicator.values)


class NoScheme(Exception):
    """The campaign has no assessment scheme (no indicator and no bonus/penalty item)."""


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorRule:
    indicator: str
    weight: Decimal
    method: str


@dataclass(frozen=True)
class ItemRule:
    item: str
    points: Decimal
    cap: Decimal | None


@dataclass
class IndicatorScore:
    """One indicator of one unit: what was achieved against the target, and the score."""

    indicator: str
    method: str
    weight: Decimal
    target: Decimal | None
    achieved: Decimal | int
    ratio: Decimal | None  # exact; None: 未下达目标
    score: Decimal  # rounded half-up to 2 decimals

    @property
    def no_target(self) -> bool:
        return self.ratio is None


@dataclass
class Adjustment:
    """One bonus/penalty item of one unit: how many occurrences and the points they give."""

    item: str
    count: int
    per: Decimal
    cap: Decimal | None
    points: Decimal  # rounded half-up, capped
    capped: bool


@dataclass
class UnitScore:
    unit_id: int
    code: str
    name: str
    path: str
    items: list[IndicatorScore]
    adjustments: list[Adjustment]
    total: Decimal = ZERO
    rank: int = 0


@dataclass
class Assessment:
    campaign: Campaign
    as_of: date
    indicators: list[IndicatorRule]
    items: list[ItemRule]
    units: list[UnitScore]
    progress: Progress
    # Per assessed unit: ids of the late or missing rounds, and of the overdue tasks.
    late_rounds: dict[int, list[int]] = field(default_factory=dict)
    overdue_tasks: dict[int, list[int]] = field(default_factory=dict)

    def unit(self, code: str) -> UnitScore | None:
        return next((u for u in self.units if u.code == code), None)


def scheme(campaign: Campaign) -> tuple[list[IndicatorRule], list[ItemRule]]:
    """The campaign's scheme in a fixed order: indicators, then items, as the contract lists them."""
    from zhaoshang.assessment.models import SchemeAdjustment, SchemeIndicator

    indicators = [
        IndicatorRule(i.indicator, i.weight, i.method)
        for i in SchemeIndicator.objects.filter(campaign=campaign)
    ]
    indicators.sort(key=lambda r: INDICATOR_ORDER.index(r.indicator))
    items = [
        ItemRule(a.item, a.points, a.cap)
        for a in SchemeAdjustment.objects.filter(campaign=campaign)
    ]
    items.sort(key=lambda r: ITEM_ORDER.index(r.item))
    return indicators, items


def indicator_score(rule: IndicatorRule, ratio: Decimal | None, low, high) -> Decimal:
    """The rounded score of one indicator (``low``/``high``: the efficacy range)."""
    if ratio is None:
        return half_up(ZERO)
    if rule.method == CAPPED:
        return half_up(rule.weight * min(ratio, ONE))
    if high == low:
        return half_up(rule.weight)
    return half_up(rule.weight * (EFFICACY_BASE + EFFICACY_SPAN * (ratio - low) / (high - low)))


def adjustment_points(rule: ItemRule, count: int) -> tuple[Decimal, bool]:
    """count × points, capped in absolute value by the item's cap; rounded."""
    raw = rule.points * count
    capped = rule.cap is not None and abs(raw) > rule.cap
    if capped:
        raw = rule.cap if raw > 0 else -rule.cap
    # Adding zero turns −0 (no occurrence of a penalty) into 0.
    return half_up(raw) + ZERO, capped


def rank_by_total(units: list[UnitScore]) -> None:
    """Best first; equal totals share a rank (1, 2, 2, 4) and are ordered by code."""
    units.sort(key=lambda u: (-u.total, u.code))
    for position, u in enumerate(units, start=1):
        u.rank = (
            units[position - 2].rank
            if position > 1 and units[position - 2].total == u.total
            else position
        )


def compute_assessment(campaign: Campaign, as_of: date) -> Assessment:
    """The assessment of ``campaign`` as of ``as_of`` (NoScheme without a scheme)."""
    indicators, items = scheme(campaign)
    if not indicators and not items:
        raise NoScheme(f"专项行动「{campaign.name}」尚未制定考核方案")
    progress = compute(campaign, as_of)
    assessed = [r for r in progress.children if r.rank is not None]
    rows = {r.unit_id: r for r in assessed}

    ratios: dict[tuple[int, str], Decimal | None] = {}
    for rule in indicators:
        for row in assessed:
            fig = row.indicators[rule.indicator]
            has_target = fig.target is not None and fig.target != 0
            ratios[(row.unit_id, rule.indicator)] = (
                Decimal(fig.achieved) / fig.target if has_target else None
            )
    ranges = {}
    for rule in indicators:
        values = [
            ratios[(r.unit_id, rule.indicator)]
            for r in assessed
            if ratios[(r.unit_id, rule.indicator)] is not None
        ]
        ranges[rule.indicator] = (min(values), max(values)) if values else (None, None)

    wanted = {rule.item for rule in items}
    late = _late_rounds(campaign, as_of, rows) if LATE_REPORTS in wanted else {}
    paths = {r.unit_id: unit_path for r, unit_path in _paths(assessed)}
    overdue = _overdue_tasks(as_of, paths) if OVERDUE_TASKS in wanted else {}

    units = []
    for row in assessed:
        scores = []
        for rule in indicators:
            fig = row.indicators[rule.indicator]
            ratio = ratios[(row.unit_id, rule.indicator)]
            low, high = ranges[rule.indicator]
            scores.append(
                IndicatorScore(
                    indicator=rule.indicator,
                    method=rule.method,
                    weight=rule.weight,
                    target=fig.target if ratio is not None else None,
                    achieved=fig.achieved,
                    ratio=ratio,
                    score=indicator_score(rule, ratio, low, high),
                )
            )
        adjustments = []
        for rule in items:
            if rule.item == TOP500:
                count = int(row.indicators[Indicator.TOP500_ENTERPRISES].achieved)
            elif rule.item == OVERDUE_TASKS:
                count = len(overdue.get(row.unit_id, ()))
            else:
                count = len(late.get(row.unit_id, ()))
            points, capped = adjustment_points(rule, count)
            adjustments.append(Adjustment(rule.item, count, rule.points, rule.cap, points, capped))
        total = sum((s.score for s in scores), ZERO) + sum((a.points for a in adjustments), ZERO)
        units.append(
            UnitScore(
                unit_id=row.unit_id,
                code=row.code,
                name=row.name,
                path=paths.get(row.unit_id, ""),
                items=scores,
                adjustments=adjustments,
                total=half_up(total),
            )
        )
    rank_by_total(units)
    return Assessment(
        campaign=campaign,
        as_of=as_of,
        indicators=indicators,
        items=items,
        units=units,
        progress=progress,
        late_rounds=late,
        overdue_tasks=overdue,
    )


def _paths(rows):
    from zhaoshang.org.models import Unit

    found = dict(Unit.objects.filter(pk__in=[r.unit_id for r in rows]).values_list("pk", "path"))
    return [(r, found.get(r.unit_id, "")) for r in rows]


def _late_rounds(campaign: Campaign, as_of: date, rows: dict) -> dict[int, list[int]]:
    """Rounds due by the day (deadline before its end) each unit submitted late or not at all."""
    from zhaoshang.dispatch.diagnostics import end_of_day
    from zhaoshang.dispatch.models import ReportingRound, Submission

    until = end_of_day(as_of)
    rounds = dict(
        ReportingRound.objects.filter(campaign=campaign, deadline__lt=until)
        .order_by("deadline")
        .values_list("id", "deadline")
    )
    submitted: dict[tuple[int, int], datetime | None] = {
        (round_id, unit_id): at
        for round_id, unit_id, at in Submission.objects.filter(
            round_id__in=list(rounds), unit_id__in=list(rows)
        ).values_list("round_id", "unit_id", "submitted_at")
    }
    late: dict[int, list[int]] = {}
    for unit_id in rows:
        late[unit_id] = [
            round_id
            for round_id, deadline in rounds.items()
            if submitted.get((round_id, unit_id)) is None
            or submitted[(round_id, unit_id)] > deadline
        ]
    return late


def _overdue_tasks(as_of: date, paths: dict[int, str]) -> dict[int, list[int]]:
    """Ids of the tasks led by each unit or its subtree overdue on the day or closed late."""
    from zhaoshang.supervision.models import Task

    found: dict[int, list[int]] = defaultdict(list)
    # As the supervision engine reads a task on a day: assigned by then; closed
    # by then after the deadline (done late), or still open past it (overdue).
    overdue_q = Q(deadline__lt=as_of) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
    late_q = Q(closed_on__lte=as_of, closed_on__gt=F("deadline"))
    by_path = {path: unit_id for unit_id, path in paths.items() if path}
    for task_id, lead_path in (
        Task.objects.filter(overdue_q | late_q, assigned_on__lte=as_of)
        .filter(_any_path_q("lead_unit__path", by_path))
        .values_list("id", "lead_unit__path")
    ):
        for path, unit_id in by_path.items():
            if lead_path.startswith(path):
                found[unit_id].append(task_id)
    return dict(found)


def _any_path_q(lookup: str, paths) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


# ---------------------------------------------------------------- the records behind the points


@dataclass
class ProjectRecord:
    code: str
    name: str
    unit_code: str
    unit_name: str
    contract_on: date
    contract_amount: Decimal
    park: str
    is_industrial: bool
    funds: Decimal


@dataclass
class EnterpriseRecord:
    id: int
    name: str
    projects: list[str]


@dataclass
class RoundRecord:
    id: int
    name: str
    deadline: datetime
    submitted_at: datetime | None


@dataclass
class TaskRecord:
    id: int
    code: str
    content: str
    lead_unit: str
    deadline: date
    closed_on: date | None


@dataclass
class UnitRecords:
    projects: list[ProjectRecord] = field(default_factory=list)
    enterprises: list[EnterpriseRecord] = field(default_factory=list)
    late_rounds: list[RoundRecord] = field(default_factory=list)
    overdue_tasks: list[TaskRecord] = field(default_factory=list)


def records(assessment: Assessment, unit_ids: set[int] | None = None) -> dict[int, UnitRecords]:
    """The records behind every point of the given assessed units (default: all).

    The counted projects (each indicator's achievement and the top-500
    enterprises come from them), the late or missing rounds and the overdue
    tasks; a constant number of queries for any number of units.
    """
    campaign, as_of = assessment.campaign, assessment.as_of
    units = [u for u in assessment.units if unit_ids is None or u.unit_id in unit_ids]
    result: dict[int, UnitRecords] = {u.unit_id: UnitRecords() for u in units}
    if not units:
        return result
    root = campaign_root(campaign)
    paths = {u.path: u.unit_id for u in units}

    def owner(path: str) -> int | None:
        cut = path[: path.find("/", len(root.path)) + 1]
        return paths.get(cut)

    counted = counted_q(campaign.start, campaign.end, as_of) & eligible_q(campaign, as_of)
    projects = list(
        Project.objects.filter(counted)
        .filter(_any_path_q("responsible_unit__path", paths))
        .select_related("responsible_unit", "park")
        .order_by("responsible_unit__path", "contract_on", "code")
    )
    funds: dict[int, Decimal] = defaultdict(Decimal)
    for project_id, amount in FundsEntry.objects.filter(
        project__in=[p.pk for p in projects], on__lte=as_of
    ).values_list("project_id", "amount"):
        funds[project_id] += amount
    code_of = {p.pk: p.code for p in projects}
    for p in projects:
        unit_id = owner(p.responsible_unit.path)
        if unit_id is None:
            continue
        result[unit_id].projects.append(
            ProjectRecord(
                code=p.code,
                name=p.name,
                unit_code=p.responsible_unit.code,
                unit_name=p.responsible_unit.name,
                contract_on=p.contract_on,
                contract_amount=p.contract_amount or ZERO,
                park=p.park.name if p.park_id else "",
                is_industrial=p.is_industrial,
                funds=funds.get(p.pk, ZERO),
            )
        )
    unit_of_project = {p.pk: owner(p.responsible_unit.path) for p in projects}
    enterprises: dict[tuple[int, int], EnterpriseRecord] = {}
    for enterprise_id, name, project_id in (
        Enterprise.objects.filter(tags__name=TOP500_TAG, projects__in=list(code_of))
        .values_list("id", "name", "projects")
        .order_by("name", "id")
        .distinct()
    ):
        unit_id = unit_of_project.get(project_id)
        if unit_id is None:
            continue
        key = (unit_id, enterprise_id)
        if key not in enterprises:
            enterprises[key] = EnterpriseRecord(enterprise_id, name, [])
            result[unit_id].enterprises.append(enterprises[key])
        if code_of[project_id] not in enterprises[key].projects:
            enterprises[key].projects.append(code_of[project_id])

    late_ids = {rid for u in units for rid in assessment.late_rounds.get(u.unit_id, ())}
    if late_ids:
        from zhaoshang.dispatch.models import ReportingRound, Submission

        all_rounds = list(
            ReportingRound.objects.filter(campaign=campaign)
            .order_by("deadline")
            .values_list("id", "title", "deadline")
        )
        ordinal = {rid: n for n, (rid, _t, _d) in enumerate(all_rounds, start=1)}
        info = {rid: (title, deadline) for rid, title, deadline in all_rounds}
        submitted = {
            (r, u): at
            for r, u, at in Submission.objects.filter(
                round_id__in=late_ids, unit_id__in=list(result)
            ).values_list("round_id", "unit_id", "submitted_at")
        }
        for u in units:
            for rid in assessment.late_rounds.get(u.unit_id, ()):
                title, deadline = info[rid]
                result[u.unit_id].late_rounds.append(
                    RoundRecord(
                        rid,
                        title or f"第{ordinal[rid]}次调度",
                        deadline,
                        submitted.get((rid, u.unit_id)),
                    )
                )
    task_ids = {tid for u in units for tid in assessment.overdue_tasks.get(u.unit_id, ())}
    if task_ids:
        from zhaoshang.supervision.models import Task

        tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids).select_related("lead_unit")}
        for u in units:
            for tid in sorted(
                assessment.overdue_tasks.get(u.unit_id, ()),
                key=lambda i: (tasks[i].deadline, tasks[i].code),
            ):
                t = tasks[tid]
                result[u.unit_id].overdue_tasks.append(
                    TaskRecord(t.pk, t.code, t.content, t.lead_unit.name, t.deadline, t.closed_on)
                )
    return result


def indicator_projects(indicator: str, unit_records: UnitRecords) -> list[ProjectRecord]:
    """The counted projects behind one indicator's achievement."""
    projects = unit_records.projects
    if indicator == Indicator.PARK_PROJECTS:
        return [p for p in projects if p.park]
    if indicator == Indicator.INDUSTRIAL_PROJECTS:
        return [p for p in projects if p.is_industrial]
    if indicator == Indicator.FUNDS_IN_PLACE:
        return [p for p in projects if p.funds]
    return list(projects)
