"""The 三大三少 diagnostics: six lines per unit, each measured, compared and explained.

For the children of a unit (the rows of its progress table), as of a day D,
with the campaign's :class:`~zhaoshang.dispatch.models.DispatchSettings`:

- ``effort_gap`` 工作力度差距大: follow-ups of the unit's subtree dated in the
  last W days (D − W + 1 … D) below share × the median of the sibling units;
- ``target_gap`` 工作目标差距大: the primary indicator's status is red;
- ``information_gap`` 信息交流差距大: on-time share of the reporting rounds due
  by D below the limit, or the ledger unchanged for more than N days;
- ``few_contract_projects`` 合同项目少: contract projects below the required %
  of their target; only for a unit without a contract-project target, the
  share of 合同-or-later among its active projects below the median of the
  siblings that have active projects (a unit on or ahead of its own target is
  never flagged);
- ``few_top500`` 500强企业少: top-500 enterprises below the required % of their
  target, or none at all when there is no target;
- ``few_park_industrial`` 园区工业项目少: park or industrial projects below the
  required % of their targets.

The target line and the three "few" lines are for the units with a target on
the primary indicator (the ranked ones); a unit without one (a department that
only helps) gets only the effort and information lines.

Figures come from :func:`zhaoshang.engine.progress.compute` only; this module
adds a fixed number of aggregate queries whatever the size of the tree
(settings, follow-ups, rounds, submissions, project history, funds entries,
projects: active, stage days and funnel), each rolled up to the children inside the
database (grouped by the child's path), so a province's thousands of units
come back as one row per child.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, ExpressionWrapper, F, IntegerField, Max, Q, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.dispatch.models import DispatchSettings, ReportingRound, Submission
from zhaoshang.engine.progress import (
    GREEN,
    HUNDRED,
    RED,
    YELLOW,
    Figure,
    Progress,
    Row,
    campaign_root,
    compute,
    round_pct,
)
from zhaoshang.engine.schedule import passed_milestones
from zhaoshang.ledger.models import STAGE_DATE_FIELD, FollowUp, FundsEntry, Project, Stage
from zhaoshang.org.models import Unit

EFFORT_GAP = "effort_gap"
TARGET_GAP = "target_gap"
INFORMATION_GAP = "information_gap"
FEW_CONTRACT_PROJECTS = "few_contract_projects"
FEW_TOP500 = "few_top500"
FEW_PARK_INDUSTRIAL = "few_park_industrial"

CODES: tuple[str, ...] = (
    EFFORT_GAP,
    TARGET_GAP,
    INFORMATION_GAP,
    FEW_CONTRACT_PROJECTS,
    FEW_TOP500,
    FEW_PARK_INDUSTRIAL,
)
LABELS: dict[str, str] = {
    EFFORT_GAP: "工作力度差距大",
    TARGET_GAP: "工作目标差距大",
    INFORMATION_GAP: "信息交流差距大",
    FEW_CONTRACT_PROJECTS: "合同项目少",
    FEW_TOP500: "500强企业少",
    FEW_PARK_INDUSTRIAL: "园区工业项目少",
}

# How an indicator is named in a sentence, and the word counting it.
INDICATOR_WORDS: dict[str, str] = {
    Indicator.CONTRACT_AMOUNT: "合同投资额",
    Indicator.CONTRACT_PROJECTS: "合同项目",
    Indicator.TOP500_ENTERPRISES: "中国民营企业500强企业",
    Indicator.PARK_PROJECTS: "园区项目",
    Indicator.INDUSTRIAL_PROJECTS: "工业项目",
    Indicator.FUNDS_IN_PLACE: "到位资金",
}
COUNTERS: dict[str, str] = {
    Indicator.CONTRACT_PROJECTS: "个",
    Indicator.TOP500_ENTERPRISES: "家",
    Indicator.PARK_PROJECTS: "个",
    Indicator.INDUSTRIAL_PROJECTS: "个",
}
STATUS_WORDS = {GREEN: "绿色", YELLOW: "黄色", RED: "红色", "none": "未下达目标"}

# The stage funnel's levels, lowest first, each a stage (ledger.models.Stage).
FUNNEL_LEVELS: dict[str, int] = {
    "lead": 1,
    "negotiating": 2,
    "signed": 3,
    "contracted": 4,
    "started": 5,
    "operating": 6,
}


# ---------------------------------------------------------------- wording helpers


def plain(value: Decimal | int | float | None, places: int = 2) -> str:
    """A number without trailing zeros: 12, 11.5, 0.35 (never 1E+1)."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(value: Decimal | None) -> str:
    """A percentage with two decimals, as bulletins print it: 62.50%."""
    rounded = round_pct(value)
    return "—" if rounded is None else f"{rounded:.2f}%"


def gap_words(gap: Decimal | None) -> str:
    rounded = round_pct(gap)
    if rounded is None:
        return "未下达目标"
    if rounded == 0:
        return "与序时进度持平"
    if rounded > 0:
        return f"超序时进度{rounded:.2f}个百分点"
    return f"落后序时进度{-rounded:.2f}个百分点"


def day_words(day: date) -> str:
    return f"{day.month}月{day.day}日"


def share_words(share: Decimal) -> str:
    if share == Decimal("0.5"):
        return "一半"
    return f"{plain(share * HUNDRED)}%"


def median(values: list[Decimal | int]) -> Decimal | None:
    """The median as an exact Decimal (the mean of the middle two for an even count)."""
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the project's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# ---------------------------------------------------------------- results


@dataclass
class Line:
    """One diagnosis of one unit: what was measured, the comparison made, the verdict."""

    code: str
    flagged: bool
    measured: dict[str, Any]
    comparison: str
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.code]


@dataclass
class UnitDiagnosis:
    unit_id: int
    code: str
    name: str
    lines: list[Line]

    @property
    def flagged_codes(self) -> list[str]:
        return [line.code for line in self.lines if line.flagged]

    def line(self, code: str) -> Line:
        return next(line for line in self.lines if line.code == code)


@dataclass
class RoundInfo:
    """A reporting round and, per expected unit, its submission time (None: not reported)."""

    id: int
    ordinal: int
    title: str
    deadline: datetime
    submitted: dict[int, datetime | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.title or f"第{self.ordinal}次调度"


@dataclass
class Diagnostics:
    """The six lines for every child of the progress table, with what they were compared to."""

    progress: Progress
    settings: DispatchSettings
    units: list[UnitDiagnosis]
    window_start: date
    effort_median: Decimal | None
    share_median: Decimal | None
    rounds_due: list[RoundInfo]
    next_round: RoundInfo | None
    # Units expected to report in every round: the campaign root's children.
    participants: set[int]
    # Projects of the whole subtree (its own included) not dropped by D, per
    # FUNNEL_LEVELS: how many reached that stage by D.
    stage_funnel: dict[str, int] = field(default_factory=dict)

    def flagged(self, code: str) -> list[UnitDiagnosis]:
        return [u for u in self.units if code in u.flagged_codes]

    def for_unit(self, code: str) -> UnitDiagnosis:
        return next(u for u in self.units if u.code == code)


# ---------------------------------------------------------------- the engine


def child_path(path_lookup: str, level_path: str):
    """SQL for the path of the child of ``level_path`` that a unit's path lies under.

    "/1/7/42/" under "/1/" gives "/1/7/"; the level's own path gives itself.
    The same rollup the progress engine groups by.
    """
    start = len(level_path)
    rest = Substr(F(path_lookup), start + 1)
    length = ExpressionWrapper(
        Value(start) + StrIndex(rest, Value("/")), output_field=IntegerField()
    )
    return Substr(F(path_lookup), 1, length, output_field=CharField())


def diagnose(
    campaign: Campaign,
    as_of: date,
    unit: Unit | None = None,
    *,
    progress: Progress | None = None,
    settings: DispatchSettings | None = None,
) -> Diagnostics:
    """The 三大三少 lines for each child of ``unit`` (default: the campaign's root)."""
    root = campaign_root(campaign)
    unit = unit or root
    if progress is None:
        progress = compute(campaign, as_of, unit)
    if settings is None:
        settings = DispatchSettings.objects.filter(campaign=campaign).first() or DispatchSettings(
            campaign=campaign
        )
    children = progress.children
    child_ids = {r.unit_id for r in children}
    child_level = unit.depth + 1
    base_path = unit.path
    until = end_of_day(as_of)

    def child_of(path: str) -> int | None:
        # The child whose subtree holds ``path``: its id sits at the child's depth.
        parts = path.strip("/").split("/")
        if len(parts) <= child_level:
            return None
        candidate = int(parts[child_level])
        return candidate if candidate in child_ids else None

    # Each aggregate below is grouped by the child's path inside the database
    # (see child_path), so one row per child comes back, not one per unit of a
    # province's three thousand.

    # 1. follow-ups in the window, rolled up to the children
    window_start = as_of - timedelta(days=settings.effort_window_days - 1)
    follow_ups: dict[int, int] = defaultdict(int)
    for row in (
        FollowUp.objects.filter(
            unit__path__startswith=base_path, on__gte=window_start, on__lte=as_of
        )
        .annotate(child=child_path("unit__path", base_path))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
    ):
        child = child_of(row["child"])
        if child is not None:
            follow_ups[child] += row["n"]

    # 2. rounds of the campaign; 3. the children's submissions
    rounds = list(
        ReportingRound.objects.filter(campaign=campaign)
        .order_by("deadline")
        .values_list("id", "title", "deadline")
    )
    infos = {
        rid: RoundInfo(rid, position, title, deadline)
        for position, (rid, title, deadline) in enumerate(rounds, start=1)
    }
    participants = {r.unit_id for r in children} if unit.pk == root.pk else set()
    for info in infos.values():
        info.submitted = dict.fromkeys(participants)
    for round_id, unit_id, submitted_at in Submission.objects.filter(
        round__campaign=campaign, unit_id__in=child_ids
    ).values_list("round_id", "unit_id", "submitted_at"):
        infos[round_id].submitted[unit_id] = submitted_at
    due = [info for info in infos.values() if info.deadline < until]
    upcoming = [info for info in infos.values() if info.deadline >= until]

    # 4.–6. the last day each child's ledger changed: an edit of a project (its
    # history), a stage reached (read with the projects, step 7) or funds
    # arriving, whichever is latest by D
    last_change: dict[int, date] = {}

    def note_change(path: str, day: date | None) -> None:
        child = child_of(path)
        if child is not None and day is not None and day > last_change.get(child, date.min):
            last_change[child] = day

    for row in (
        Project.history.filter(responsible_unit__path__startswith=base_path, history_date__lt=until)
        .annotate(child=child_path("responsible_unit__path", base_path))
        .values("child")
        .annotate(last=Max("history_date"))
        .order_by()
    ):
        note_change(row["child"], timezone.localtime(row["last"]).date())
    for row in (
        FundsEntry.objects.filter(
            project__responsible_unit__path__startswith=base_path, on__lte=as_of
        )
        .annotate(child=child_path("project__responsible_unit__path", base_path))
        .values("child")
        .annotate(last=Max("on"))
        .order_by()
    ):
        note_change(row["child"], row["last"])

    # 7. one pass over the subtree's projects: the active ones (not dropped by D)
    # and those at 合同 or later by D; the whole subtree's stage funnel for the
    # bulletin's chart (a project is at a level when it reached that stage by
    # D: stage days are kept when a project moves on; leads and negotiations
    # carry no day, so their current stage counts); and the latest stage day
    # by D, dropped projects included. The stage days are those of the dated
    # stage events (签约 … 投产); the undated ones (线索, 洽谈, a step back) are
    # written with a history row of the same day, which step 4 reads. Reading
    # them here spares a province's bulletin a pass over every stage event.
    active: dict[int, int] = defaultdict(int)
    contracted: dict[int, int] = defaultdict(int)
    funnel = dict.fromkeys(FUNNEL_LEVELS, 0)
    reached_signed = (
        Q(signed_on__lte=as_of)
        | Q(contract_on__lte=as_of)
        | Q(started_on__lte=as_of)
        | Q(operating_on__lte=as_of)
    )
    alive = Q(dropped_on__isnull=True) | Q(dropped_on__gt=as_of)
    stage_days = {f"last_{name}": name for name in STAGE_DATE_FIELD.values()}
    for row in (
        Project.objects.filter(responsible_unit__path__startswith=base_path)
        .annotate(child=child_path("responsible_unit__path", base_path))
        .values("child")
        .annotate(
            lead=Count("id", filter=alive),
            negotiating=Count(
                "id", filter=alive & (Q(stage__gte=Stage.NEGOTIATING) | reached_signed)
            ),
            signed=Count("id", filter=alive & reached_signed),
            contracted=Count("id", filter=alive & Q(contract_on__lte=as_of)),
            started=Count("id", filter=alive & Q(started_on__lte=as_of)),
            operating=Count("id", filter=alive & Q(operating_on__lte=as_of)),
            **{
                key: Max(name, filter=Q(**{f"{name}__lte": as_of}))
                for key, name in stage_days.items()
            },
        )
        .order_by()
    ):
        for level in FUNNEL_LEVELS:
            funnel[level] += row[level] or 0
        for key in stage_days:
            note_change(row["child"], row[key])
        child = child_of(row["child"])
        if child is not None:
            active[child] += row["lead"]
            contracted[child] += row["contracted"]
    shares = {
        uid: Decimal(contracted[uid]) / Decimal(active[uid]) * HUNDRED
        for uid in child_ids
        if active[uid]
    }

    effort_median = median([follow_ups[uid] for uid in child_ids])
    share_median = median(list(shares.values()))
    context = _Context(
        progress=progress,
        settings=settings,
        as_of=as_of,
        effort_median=effort_median,
        share_median=share_median,
        due=due,
        participants=participants,
    )
    primary = campaign.primary_indicator

    def lines_of(row: Row) -> list[Line]:
        effort = _effort(context, row, follow_ups[row.unit_id])
        information = _information(context, row, last_change.get(row.unit_id))
        if row.indicators[primary].target is None:
            # No target on the primary indicator: nothing to fall short of.
            return [effort, information]
        return [
            effort,
            _target(context, row),
            information,
            _contract_projects(
                context,
                row,
                active[row.unit_id],
                contracted[row.unit_id],
                shares.get(row.unit_id),
            ),
            _top500(context, row),
            _park_industrial(context, row),
        ]

    units = [UnitDiagnosis(row.unit_id, row.code, row.name, lines_of(row)) for row in children]
    return Diagnostics(
        progress=progress,
        settings=settings,
        units=units,
        window_start=window_start,
        effort_median=effort_median,
        share_median=share_median,
        rounds_due=due,
        next_round=upcoming[0] if upcoming else None,
        participants=participants,
        stage_funnel=funnel,
    )


@dataclass
class _Context:
    progress: Progress
    settings: DispatchSettings
    as_of: date
    effort_median: Decimal | None
    share_median: Decimal | None
    due: list[RoundInfo]
    participants: set[int]

    @property
    def required(self) -> Decimal:
        return self.progress.required_pct


def _num(value: Decimal | None) -> float | None:
    rounded = round_pct(value)
    return None if rounded is None else float(rounded)


def _effort(ctx: _Context, row: Row, count: int) -> Line:
    days = ctx.settings.effort_window_days
    share = Decimal(ctx.settings.effort_median_share)
    med = ctx.effort_median
    measured = {"follow_ups": count, "days": days, "median": _num(med), "share": float(share)}
    head = f"{row.name}近{days}天跟踪记录{count}条"
    if med is None or med == 0:
        return Line(
            EFFORT_GAP,
            False,
            measured,
            "同级单位中位数为0，不作比较",
            f"{head}，同级单位中位数为0条，不作比较。",
        )
    limit = med * share
    flagged = Decimal(count) < limit
    comparison = f"{count} {'<' if flagged else '≥'} {plain(med)} × {plain(share)} = {plain(limit)}"
    if flagged:
        text = f"{head}，不足同级单位中位数{plain(med)}条的{share_words(share)}。"
    else:
        text = f"{head}，同级单位中位数{plain(med)}条。"
    return Line(EFFORT_GAP, flagged, measured, comparison, text)


def _target(ctx: _Context, row: Row) -> Line:
    indicator = ctx.progress.campaign.primary_indicator
    fig = row.indicators[indicator]
    word = INDICATOR_WORDS[indicator]
    measured = {
        "indicator": indicator,
        "completion_pct": _num(fig.completion_pct),
        "required_pct": _num(ctx.required),
        "gap_pp": _num(fig.gap_pp),
        "status": fig.status,
    }
    if fig.completion_pct is None:
        return Line(
            TARGET_GAP,
            False,
            measured,
            "未下达目标",
            f"{row.name}未下达{word}目标任务，不作判断。",
        )
    red_line = ctx.progress.campaign.red_gap_pp
    missed = [
        p
        for p in passed_milestones(ctx.progress.milestones, ctx.as_of)
        if fig.completion_pct < p.pct
    ]
    head = f"{row.name}{word}完成率{pct(fig.completion_pct)}"
    if fig.status == RED and fig.gap_pp <= red_line:
        comparison = f"{plain(fig.gap_pp)} ≤ {plain(red_line)}"
        text = f"{head}，{gap_words(fig.gap_pp)}，为红色。"
    elif fig.status == RED:
        worst = max(missed, key=lambda p: p.pct)
        comparison = f"{pct(fig.completion_pct)} < {plain(worst.pct)}%（{day_words(worst.on)}节点）"
        text = f"{head}，低于{day_words(worst.on)}节点应完成的{plain(worst.pct)}%，为红色。"
    else:
        comparison = f"{plain(fig.gap_pp)} > {plain(red_line)}"
        text = f"{head}，{gap_words(fig.gap_pp)}，为{STATUS_WORDS[fig.status]}。"
    return Line(TARGET_GAP, fig.status == RED, measured, comparison, text)


def _information(ctx: _Context, row: Row, last: date | None) -> Line:
    limit_pct = Decimal(ctx.settings.on_time_min_pct)
    stale_days = ctx.settings.stale_ledger_days
    expected = [
        info for info in ctx.due if row.unit_id in ctx.participants or row.unit_id in info.submitted
    ]
    on_time = sum(
        1
        for info in expected
        if info.submitted.get(row.unit_id) is not None
        and info.submitted[row.unit_id] <= info.deadline
    )
    rate = Decimal(on_time) / Decimal(len(expected)) * HUNDRED if expected else None
    days = (ctx.as_of - last).days if last is not None else None
    low_rate = rate is not None and rate < limit_pct
    stale = days is None or days > stale_days
    measured = {
        "rounds_due": len(expected),
        "on_time": on_time,
        "on_time_pct": _num(rate),
        "last_change": last.isoformat() if last else None,
        "days_since_change": days,
    }
    comparisons = []
    if rate is None:
        rate_part = "尚无到期的调度填报"
        comparisons.append("无到期调度")
    elif on_time == len(expected):
        rate_part = f"应报调度{len(expected)}次，均按时报送"
        comparisons.append(f"按时率 {pct(rate)} ≥ {plain(limit_pct)}%")
    else:
        rate_part = f"应报调度{len(expected)}次、按时报送{on_time}次（按时率{pct(rate)}"
        rate_part += f"，低于{plain(limit_pct)}%）" if low_rate else "）"
        comparisons.append(f"按时率 {pct(rate)} {'<' if low_rate else '≥'} {plain(limit_pct)}%")
    if days is None:
        ledger_part = "台账尚无任何项目记录"
        comparisons.append("台账无记录")
    else:
        if days <= 0:
            ledger_part = "台账当天有更新"
        else:
            ledger_part = f"台账最近一次更新在{days}天前"
            if stale:
                ledger_part += f"，超过{stale_days}天"
        comparisons.append(f"未更新 {max(days, 0)} 天 {'>' if stale else '≤'} {stale_days} 天")
    return Line(
        INFORMATION_GAP,
        low_rate or stale,
        measured,
        "；".join(comparisons),
        f"{row.name}{rate_part}，{ledger_part}。",
    )


def _below_required(ctx: _Context, fig: Figure) -> bool:
    return fig.completion_pct is not None and fig.completion_pct < ctx.required


def _count_words(fig: Figure) -> str:
    return f"{INDICATOR_WORDS[fig.indicator]}{int(fig.achieved)}{COUNTERS[fig.indicator]}"


def _contract_projects(
    ctx: _Context,
    row: Row,
    active: int,
    contracted: int,
    share: Decimal | None,
) -> Line:
    fig = row.indicators[Indicator.CONTRACT_PROJECTS]
    med = ctx.share_median
    measured = {
        "contract_projects": int(fig.achieved),
        "completion_pct": _num(fig.completion_pct),
        "required_pct": _num(ctx.required),
        "active_projects": active,
        "contracted_projects": contracted,
        "contracted_share_pct": _num(share),
        "median_share_pct": _num(med),
    }
    if fig.completion_pct is not None:
        # A unit with its own target is measured against it alone: on or ahead
        # of it is never "too few", whatever its siblings' ledgers look like.
        behind = _below_required(ctx, fig)
        comparison = f"完成率 {pct(fig.completion_pct)} {'<' if behind else '≥'} 序时进度 {pct(ctx.required)}"
        text = f"{row.name}{_count_words(fig)}，完成率{pct(fig.completion_pct)}"
        text += f"，低于序时进度{pct(ctx.required)}。" if behind else "，达到序时进度。"
        return Line(FEW_CONTRACT_PROJECTS, behind, measured, comparison, text)
    if share is None:
        # Nothing in the ledger is too few as soon as any sibling has something.
        flagged = med is not None
        comparison = "无在库项目"
        text = f"{row.name}未下达合同项目目标，台账中尚无在库项目。"
        return Line(FEW_CONTRACT_PROJECTS, flagged, measured, comparison, text)
    if med is None:
        return Line(
            FEW_CONTRACT_PROJECTS,
            False,
            measured,
            "无同级单位可比",
            f"{row.name}未下达合同项目目标，在库项目{active}个中合同及以后阶段{contracted}个。",
        )
    flagged = share < med
    comparison = f"合同占比 {pct(share)} {'<' if flagged else '≥'} 中位数 {pct(med)}"
    text = (
        f"{row.name}未下达合同项目目标，在库项目{active}个中合同及以后阶段{contracted}个"
        f"（{pct(share)}），{'低于' if flagged else '同级单位中位数'}"
    )
    text += f"同级单位中位数{pct(med)}。" if flagged else f"{pct(med)}。"
    return Line(FEW_CONTRACT_PROJECTS, flagged, measured, comparison, text)


def _top500(ctx: _Context, row: Row) -> Line:
    fig = row.indicators[Indicator.TOP500_ENTERPRISES]
    count = int(fig.achieved)
    measured = {
        "top500_enterprises": count,
        "completion_pct": _num(fig.completion_pct),
        "required_pct": _num(ctx.required),
    }
    if fig.completion_pct is not None:
        flagged = _below_required(ctx, fig)
        comparison = f"完成率 {pct(fig.completion_pct)} {'<' if flagged else '≥'} 序时进度 {pct(ctx.required)}"
        text = f"{row.name}引进中国民营企业500强企业{count}家，完成率{pct(fig.completion_pct)}"
        text += f"，低于序时进度{pct(ctx.required)}。" if flagged else "。"
        return Line(FEW_TOP500, flagged, measured, comparison, text)
    if count == 0:
        return Line(
            FEW_TOP500,
            True,
            measured,
            "未下达目标，引进 0 家",
            f"{row.name}尚未引进中国民营企业500强企业。",
        )
    return Line(
        FEW_TOP500,
        False,
        measured,
        f"未下达目标，引进 {count} 家",
        f"{row.name}引进中国民营企业500强企业{count}家。",
    )


def _park_industrial(ctx: _Context, row: Row) -> Line:
    figs = [row.indicators[Indicator.PARK_PROJECTS], row.indicators[Indicator.INDUSTRIAL_PROJECTS]]
    behind = [f for f in figs if _below_required(ctx, f)]
    measured = {
        "park_projects": int(figs[0].achieved),
        "park_completion_pct": _num(figs[0].completion_pct),
        "industrial_projects": int(figs[1].achieved),
        "industrial_completion_pct": _num(figs[1].completion_pct),
        "required_pct": _num(ctx.required),
    }
    with_target = [f for f in figs if f.completion_pct is not None]

    def described(f: Figure) -> str:
        if f.completion_pct is None:
            return _count_words(f)
        return f"{_count_words(f)}（完成率{pct(f.completion_pct)}）"

    if not with_target:
        return Line(
            FEW_PARK_INDUSTRIAL,
            False,
            measured,
            "未下达目标",
            f"{row.name}{'、'.join(_count_words(f) for f in figs)}，未下达目标任务，不作判断。",
        )
    comparison = "；".join(
        f"{INDICATOR_WORDS[f.indicator]}完成率 {pct(f.completion_pct)} "
        f"{'<' if f in behind else '≥'} 序时进度 {pct(ctx.required)}"
        for f in with_target
    )
    text = f"{row.name}{'、'.join(described(f) for f in figs)}"
    if behind:
        names = "、".join(INDICATOR_WORDS[f.indicator] for f in behind)
        text += f"，{names}低于序时进度{pct(ctx.required)}。"
    else:
        text += "，达到序时进度。"
    return Line(FEW_PARK_INDUSTRIAL, bool(behind), measured, comparison, text)
