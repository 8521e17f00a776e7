"""Forecast: where each unit will stand at the next milestone and at the campaign's end.

For a unit, the expected outcome of the primary indicator at a date T is

    achieved as of today
    + Σ over its pipeline projects of  value × p(stage, days in stage, T)
    + Σ over its contracts so far of   value × max(0, h − lag) ÷ L       (not yet recorded)

where the pipeline is every active project in 线索/洽谈/签约 (not dropped, not yet
contracted), ``value`` its planned investment (万元; 1 for a count indicator), and
p the probability that a project in that stage, having spent that many days in
it, reaches 合同 within the days left to T. p is measured from the stage history
of the campaign's own ledger (docs/forecast.md): a Kaplan–Meier estimate of the
time from entering the stage to the contract date, drops counting as never,
projects still open censored; blended with a documented prior where few
projects were at risk. The last term is the contracts that are not in the
ledger yet: at the pace the unit's contracts have been arriving since the
campaign's start (L days so far), each past contract that reached 合同 ``lag``
days after the ledger first saw it stands for one more that will first be
recorded and reach 合同 within the h days left, with weight (h − lag) ÷ L
(the share of h-day windows that would have held all of it). The range is the 10th–90th percentile of the sum of
independent outcomes (exact for up to 12 projects, else a seeded simulation,
else a normal approximation beyond 3,000 projects).

Queries: the progress engine's, plus two (projects and their stage events).
Every term of a unit's sum is listed by :func:`forecast` (PipelineProject and
Arrival), so the arithmetic can be redone by hand.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext_lazy as _

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.engine.eligibility import eligible_q
from zhaoshang.engine.progress import Progress, Row, campaign_root, compute
from zhaoshang.engine.schedule import Point
from zhaoshang.ledger.models import Project, ProjectStatus, Stage, StageEvent
from zhaoshang.org.models import Unit

PIPELINE_STAGES = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED)
FORECAST_INDICATORS = {
    Indicator.CONTRACT_AMOUNT,
    Indicator.CONTRACT_PROJECTS,
    Indicator.PARK_PROJECTS,
    Indicator.INDUSTRIAL_PROJECTS,
}

# The prior where the ledger's own history is thin: the share of projects of a
# stage that ever reach a contract, and the median days from entering the stage
# to the contract for those that do (exponential arrival). Weight: PRIOR_WEIGHT
# pseudo-projects, so that with n projects at risk the estimate is
# (n × measured + PRIOR_WEIGHT × prior) / (n + PRIOR_WEIGHT).
PRIOR = {
    Stage.LEAD: (0.10, 180),
    Stage.NEGOTIATING: (0.30, 90),
    Stage.SIGNED: (0.60, 45),
}
PRIOR_WEIGHT = 10
LOW_Q, HIGH_Q = 0.10, 0.90
EXACT_MAX = 12
SIMULATION_MAX = 3000
DRAWS = 2000
SEED = 2026
KEY_PROJECTS = 5
PACE_MIN_DAYS = 14


@dataclass
class PipelineProject:
    project_id: int
    code: str
    name: str
    unit_id: int
    path: str
    stage: int
    entered_on: date
    value: Decimal
    days_in_stage: int = 0
    p_next: float = 0.0
    p_end: float = 0.0

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def p_end_pct(self) -> Decimal:
        return Decimal(str(round(self.p_end * 100, 1)))

    @property
    def p_next_pct(self) -> Decimal:
        return Decimal(str(round(self.p_next * 100, 1)))


@dataclass
class Arrival:
    """A contract of the campaign so far: how long after the ledger first saw it, it came."""

    project_id: int
    code: str
    path: str
    value: Decimal
    lag: int  # days from the project's first stage event to its contract date (0: both at once)

    def weight(self, horizon: int, elapsed: int) -> float:
        """Expected repeats of this arrival, first recorded and contracted in the next
        ``horizon`` days, at the pace of the ``elapsed`` days of the campaign so far."""
        if horizon <= 0 or elapsed <= 0:
            return 0.0
        return max(0, horizon - self.lag) / elapsed


def unrecorded_items(arrivals: list[Arrival], horizon: int, elapsed: int):
    """The not-yet-recorded term as (probability, value) items for the range: an arrival of
    weight w stands for ⌊w⌋ sure repeats and one more with probability w − ⌊w⌋."""
    items: list[tuple[float, Decimal]] = []
    for a in arrivals:
        w = a.weight(horizon, elapsed)
        whole = int(w)
        items.extend([(1.0, a.value)] * whole)
        if w - whole > 0:
            items.append((w - whole, a.value))
    return items


@dataclass
class Outlook:
    """The expected outcome at one date, with its 10th–90th percentile range."""

    on: date
    required_pct: Decimal
    needed: Decimal | None  # target × required %
    expected: Decimal
    low: Decimal
    high: Decimal
    expected_pct: Decimal | None
    low_pct: Decimal | None
    high_pct: Decimal | None
    verdict: str  # "done", "likely", "at_risk", "unlikely", "none"

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    shortfall: Decimal  # needed − expected, at least 0
    more_projects: int | None  # shortfall in projects of average size


@dataclass
class UnitForecast:
    unit_id: int
    code: str
    name: str
    target: Decimal | None
    achieved: Decimal
    pipeline_count: int
    pipeline_value: Decimal
    next: Outlook | None
    end: Outlook
    key_projects: list[PipelineProject] = field(default_factory=list)
    # The expected contracts not yet in the ledger, inside ``next``/``end``.expected.
    unrecorded_next: Decimal = Decimal(0)
    unrecorded_end: Decimal = Decimal(0)
    arrivals: int = 0  # the unit's contracts so far that set the pace


@dataclass
class Forecast:
    campaign: Campaign
    as_of: date
    indicator: str
    average_size: Decimal | None
    unit: UnitForecast
    children: list[UnitForecast]
    probabilities: dict[int, dict]  # per stage: projects measured, prior share
    elapsed_days: int = 0  # L: days of the campaign up to the as-of day, both included


VERDICT_LABELS = {
    "done": _("已完成"),
    "likely": _("有望完成"),
    "at_risk": _("存在风险"),
    "unlikely": _("难以完成"),
    "none": _("未下达目标"),
}


# ---------------------------------------------------------------- probability


class StageModel:
    """P(contract within h more days | in stage s for d days), from the ledger's history."""

    def __init__(self, spells: dict[int, list[tuple[int, bool]]]):
        # spells[s]: (days from entering s to the contract, True) or (days observed, False)
        self.curves = {s: _kaplan_meier(spells.get(s, [])) for s in PIPELINE_STAGES}
        self.sizes = {s: len(spells.get(s, [])) for s in PIPELINE_STAGES}

    def probability(self, stage: int, days: int, horizon: int) -> float:
        if horizon <= 0:
            return 0.0
        share, median = PRIOR[stage]
        rate = math.log(2) / median
        survive_d = 1 - share + share * math.exp(-rate * days)
        prior = share * math.exp(-rate * days) * (1 - math.exp(-rate * horizon)) / survive_d
        times, cdf, lengths = self.curves[stage]
        n = _at_risk(lengths, days)
        if n == 0:
            return prior
        f_d = _cdf(times, cdf, days)
        f_t = _cdf(times, cdf, days + horizon)
        measured = 0.0 if f_d >= 1 else (f_t - f_d) / (1 - f_d)
        return (n * measured + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT)


def _kaplan_meier(spells: list[tuple[int, bool]]):
    """Event times, the estimated share contracted by each, and every spell's length."""
    spells = sorted(spells)
    n = len(spells)
    times, cdf = [], []
    survival = 1.0
    i = 0
    while i < n:
        t = spells[i][0]
        events = 0
        j = i
        while j < n and spells[j][0] == t:
            events += spells[j][1]
            j += 1
        remaining = n - i
        if events:
            survival *= 1 - events / remaining
            times.append(t)
            cdf.append(1 - survival)
        i = j
    # The spells' lengths tell how many were still at risk at any day.
    return times, cdf, [t for t, _ in spells]


def _cdf(times: list[int], cdf: list[float], t: int) -> float:
    k = bisect_right(times, t)
    return cdf[k - 1] if k else 0.0


def _at_risk(lengths: list[int], days: int) -> int:
    """How many spells (sorted lengths) lasted longer than ``days``: still at risk then."""
    return len(lengths) - bisect_right(lengths, days)


# ---------------------------------------------------------------- sums of outcomes


def quantiles(items: list[tuple[float, Decimal]]) -> tuple[Decimal, Decimal]:
    """10th and 90th percentile of Σ value × Bernoulli(p) (independent), lower quantiles."""
    items = [(p, v) for p, v in items if p > 0 and v > 0]
    if not items:
        return Decimal(0), Decimal(0)
    if len(items) <= EXACT_MAX:
        outcomes: dict[Decimal, float] = {Decimal(0): 1.0}
        for p, v in items:
            nxt: dict[Decimal, float] = defaultdict(float)
            for total, prob in outcomes.items():
                nxt[total] += prob * (1 - p)
                nxt[total + v] += prob * p
            outcomes = nxt
        ordered = sorted(outcomes.items())
        return _lower_quantile(ordered, LOW_Q), _lower_quantile(ordered, HIGH_Q)
    if len(items) <= SIMULATION_MAX:
        rng = random.Random(SEED)
        floats = [(p, float(v)) for p, v in items]
        totals = sorted(sum(v for p, v in floats if rng.random() < p) for _ in range(DRAWS))
        low = totals[math.ceil(LOW_Q * DRAWS) - 1]
        high = totals[math.ceil(HIGH_Q * DRAWS) - 1]
        return _dec(low), _dec(high)
    mean = sum(p * float(v) for p, v in items)
    sd = math.sqrt(sum(p * (1 - p) * float(v) ** 2 for p, v in items))
    top = float(sum(v for _, v in items))
    z = 1.2815515655446004
    return _dec(max(0.0, mean - z * sd)), _dec(min(top, mean + z * sd))


def _lower_quantile(ordered: list[tuple[Decimal, float]], q: float) -> Decimal:
    cumulative = 0.0
    for total, prob in ordered:
        cumulative += prob
        if cumulative >= q - 1e-12:
            return total
    return ordered[-1][0]


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


# ---------------------------------------------------------------- the ledger


def _value(indicator: str, planned, park_id, industrial) -> Decimal:
    if indicator == Indicator.CONTRACT_AMOUNT:
        return Decimal(planned or 0)
    if indicator == Indicator.CONTRACT_PROJECTS:
        return Decimal(1)
    if indicator == Indicator.PARK_PROJECTS:
        return Decimal(1 if park_id else 0)
    return Decimal(1 if industrial else 0)


def ledger_state(campaign: Campaign, as_of: date, root: Unit):
    """The pipeline as of ``as_of``, the stage spells measured up to it and the campaign's
    contracts so far with their lags (two queries).

    Only what was known on ``as_of`` is used: events dated after it, contracts
    and drops after it are ignored, so a forecast as of a past day is the one
    that could have been made that day.
    """
    indicator = campaign.primary_indicator
    projects = {
        row[0]: row
        for row in Project.objects.filter(responsible_unit__path__startswith=root.path)
        .filter(eligible_q(campaign, as_of))
        .values_list(
            "pk",
            "code",
            "name",
            "responsible_unit_id",
            "responsible_unit__path",
            "planned_investment",
            "contract_on",
            "dropped_on",
            "status",
            "park_id",
            "is_industrial",
            "contract_amount",
        )
    }
    events = defaultdict(list)
    for project_id, stage, on in (
        StageEvent.objects.filter(
            project__responsible_unit__path__startswith=root.path, on__lte=as_of
        )
        .order_by("project_id", "on", "pk")
        .values_list("project_id", "stage", "on")
    ):
        if project_id in projects:
            events[project_id].append((stage, on))

    spells: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    pipeline: list[PipelineProject] = []
    for pid, history in events.items():
        _pk, code, name, unit_id, path, planned, contract_on, dropped_on, status, park, ind, _a = (
            projects[pid]
        )
        contracted = contract_on if contract_on and contract_on <= as_of else None
        dropped = dropped_on if dropped_on and dropped_on <= as_of else None
        first_entry: dict[int, date] = {}
        for stage, on in history:
            if stage in PIPELINE_STAGES:
                first_entry.setdefault(stage, on)
        for stage, entered in first_entry.items():
            if contracted and contracted >= entered:
                spells[stage].append(((contracted - entered).days, True))
            elif dropped:
                # A dropped project never contracts: observed for ever, without an event.
                spells[stage].append((10**6, False))
            elif not contracted:
                spells[stage].append(((as_of - entered).days, False))
        current, entered = history[-1]
        if contracted or dropped or current not in PIPELINE_STAGES:
            continue
        if status == ProjectStatus.DROPPED and dropped_on is None:
            continue
        # The day it entered its current stage this time (after any step back).
        for stage, on in reversed(history):
            if stage != current:
                break
            entered = on
        pipeline.append(
            PipelineProject(
                pid,
                code,
                name,
                unit_id,
                path,
                current,
                entered,
                _value(indicator, planned, park, ind),
                (as_of - entered).days,
            )
        )
    arrivals: list[Arrival] = []
    for pid, row in projects.items():
        _pk, code, _n, _u, path, planned, contract_on, dropped_on, _st, park, ind, amount = row
        if not contract_on or not campaign.start <= contract_on <= as_of:
            continue
        if dropped_on and dropped_on <= as_of:
            continue
        seen = [on for _stage, on in events.get(pid, ()) if on <= contract_on]
        first = min(seen) if seen else contract_on
        planned = amount if amount is not None else planned
        arrivals.append(
            Arrival(
                pid, code, path, _value(indicator, planned, park, ind), (contract_on - first).days
            )
        )
    arrivals.sort(key=lambda a: a.code)
    return pipeline, StageModel(spells), arrivals


# ---------------------------------------------------------------- the forecast


def _outlook(
    on: date,
    required: Decimal,
    target: Decimal | None,
    achieved: Decimal,
    items: list[tuple[float, Decimal]],
    average: Decimal | None,
) -> Outlook:
    expected = achieved + sum((Decimal(str(round(p, 6))) * v for p, v in items), Decimal(0))
    expected = expected.quantize(Decimal("0.01"))
    low, high = quantiles(items)
    low, high = achieved + low, achieved + high
    if not target:
        return Outlook(
            on, required, None, expected, low, high, None, None, None, "none", Decimal(0), None
        )
    needed = target * required / 100
    pct = lambda x: x / target * 100  # noqa: E731
    if achieved >= needed:
        verdict = "done"
    elif low >= needed:
        verdict = "likely"
    elif expected >= needed:
        verdict = "at_risk"
    else:
        verdict = "unlikely"
    shortfall = max(Decimal(0), needed - expected)
    more = None
    if average:
        more = int((shortfall / average).to_integral_value(rounding=ROUND_CEILING))
    return Outlook(
        on,
        required,
        needed,
        expected,
        low,
        high,
        pct(expected),
        pct(low),
        pct(high),
        verdict,
        shortfall,
        more,
    )


def _required_at(progress: Progress, on: date) -> Decimal:
    from zhaoshang.engine.schedule import required_pct

    c = progress.campaign
    return required_pct(c.start, progress.milestones, c.mode, on)


def forecast(
    campaign: Campaign, as_of: date, unit: Unit | None = None, *, progress=None
) -> Forecast | None:
    """The forecast of ``unit`` (default: the root) and its children; None for an indicator
    that no pipeline feeds (top-500 enterprises, funds in place)."""
    indicator = campaign.primary_indicator
    if indicator not in FORECAST_INDICATORS:
        return None
    progress = progress or compute(campaign, as_of, unit)
    root = campaign_root(campaign)
    pipeline, model, arrivals = ledger_state(campaign, as_of, root)
    # L: days of the campaign so far, never fewer than PACE_MIN_DAYS (one day's contracts
    # are no pace to extrapolate over a month).
    elapsed = max((as_of - campaign.start).days + 1, PACE_MIN_DAYS)
    end = campaign.end
    milestones: list[Point] = progress.milestones
    upcoming = [m for m in milestones if as_of < m.on <= end]
    next_on = upcoming[0].on if upcoming else None
    for item in pipeline:
        if next_on:
            item.p_next = model.probability(item.stage, item.days_in_stage, (next_on - as_of).days)
        item.p_end = model.probability(item.stage, item.days_in_stage, (end - as_of).days)
    average = _average_size(progress, indicator)

    # A unit's subtree: the projects whose responsible unit's path holds the unit's id.
    ancestry = {i.project_id: set(i.path.strip("/").split("/")) for i in pipeline}
    ancestry.update({a.project_id: set(a.path.strip("/").split("/")) for a in arrivals})

    def unit_forecast(row: Row) -> UnitForecast:
        mine = [i for i in pipeline if str(row.unit_id) in ancestry[i.project_id]]
        came = [a for a in arrivals if str(row.unit_id) in ancestry[a.project_id]]
        unrecorded_next = unrecorded_items(came, (next_on - as_of).days, elapsed) if next_on else []
        unrecorded_end = unrecorded_items(came, (end - as_of).days, elapsed)
        figure = row.indicators.get(indicator)
        target = figure.target if figure else None
        achieved = Decimal(figure.achieved) if figure else Decimal(0)
        nxt = None
        if next_on:
            nxt = _outlook(
                next_on,
                _required_at(progress, next_on),
                target,
                achieved,
                [(i.p_next, i.value) for i in mine] + unrecorded_next,
                average,
            )
        final = _outlook(
            end,
            _required_at(progress, end),
            target,
            achieved,
            [(i.p_end, i.value) for i in mine] + unrecorded_end,
            average,
        )
        key = sorted(mine, key=lambda i: (-(i.p_end * float(i.value)), i.code))[:KEY_PROJECTS]
        return UnitForecast(
            row.unit_id,
            row.code,
            row.name,
            target,
            achieved,
            len(mine),
            sum((i.value for i in mine), Decimal(0)),
            nxt,
            final,
            [k for k in key if k.p_end > 0 and k.value > 0],
            _sum(unrecorded_next),
            _sum(unrecorded_end),
            len(came),
        )

    return Forecast(
        campaign=campaign,
        as_of=as_of,
        indicator=indicator,
        average_size=average,
        unit=unit_forecast(progress.unit),
        children=[unit_forecast(r) for r in progress.ranked_children()],
        probabilities={
            s: {
                "measured": model.sizes[s],
                "prior_share": PRIOR[s][0],
                "prior_median_days": PRIOR[s][1],
            }
            for s in PIPELINE_STAGES
        },
        elapsed_days=elapsed,
    )


def _sum(items: list[tuple[float, Decimal]]) -> Decimal:
    return sum((Decimal(str(round(p, 6))) * v for p, v in items), Decimal(0)).quantize(
        Decimal("0.01")
    )


def _average_size(progress: Progress, indicator: str) -> Decimal | None:
    """The average contract amount of the campaign's counted projects (1 for a count)."""
    if indicator != Indicator.CONTRACT_AMOUNT:
        return Decimal(1)
    figure = progress.unit.indicators.get(Indicator.CONTRACT_AMOUNT)
    count = progress.unit.indicators.get(Indicator.CONTRACT_PROJECTS)
    if figure and count and count.achieved:
        return (Decimal(figure.achieved) / count.achieved).quantize(Decimal("0.01"))
    return None


def forecast_document(f: Forecast) -> dict:
    """The forecast as JSON-ready data (bulletin section, API, command line)."""

    def outlook(o: Outlook | None):
        if o is None:
            return None
        r = lambda x: None if x is None else float(x.quantize(Decimal("0.01")))  # noqa: E731
        return {
            "date": o.on.isoformat(),
            "required_pct": r(o.required_pct),
            "needed": None if o.needed is None else f"{o.needed:.2f}",
            "expected": f"{o.expected:.2f}",
            "low": f"{o.low:.2f}",
            "high": f"{o.high:.2f}",
            "expected_pct": r(o.expected_pct),
            "low_pct": r(o.low_pct),
            "high_pct": r(o.high_pct),
            "verdict": o.verdict,
            "verdict_label": str(VERDICT_LABELS[o.verdict]),
            "shortfall": f"{o.shortfall:.2f}",
            "more_projects": o.more_projects,
        }

    def unit(u: UnitForecast):
        return {
            "code": u.code,
            "name": u.name,
            "target": None if u.target is None else f"{u.target:.2f}",
            "achieved": f"{u.achieved:.2f}",
            "pipeline_count": u.pipeline_count,
            "pipeline_value": f"{u.pipeline_value:.2f}",
            "arrivals": u.arrivals,
            "unrecorded_next": f"{u.unrecorded_next:.2f}",
            "unrecorded_end": f"{u.unrecorded_end:.2f}",
            "next": outlook(u.next),
            "end": outlook(u.end),
            "key_projects": [
                {
                    "code": k.code,
                    "name": k.name,
                    "stage": k.stage,
                    "days_in_stage": k.days_in_stage,
                    "value": f"{k.value:.2f}",
                    "p_next": round(k.p_next, 4),
                    "p_end": round(k.p_end, 4),
                }
                for k in u.key_projects
            ],
        }

    return {
        "as_of": f.as_of.isoformat(),
        "indicator": f.indicator,
        "average_size": None if f.average_size is None else f"{f.average_size:.2f}",
        "unit": unit(f.unit),
        "children": [unit(c) for c in f.children],
        "probabilities": {str(s): v for s, v in f.probabilities.items()},
        "elapsed_days": f.elapsed_days,
    }
