"""The dispatch bulletin (调度通报) as one JSON document.

:func:`build_bulletin` assembles everything a bulletin shows from the progress
engine, the diagnostics and a few more fixed queries: the progress document
of contracts/cli.md, each row's diagnoses, the opening summary written from
the numbers, the units flagged per diagnosis, projects newly counted since the
previous published bulletin, key projects stuck in their stage, the reporting
round, the change (环比) against the previous bulletin, the cumulative curve and
the counted projects the figures came from. Publishing freezes this document
(``Bulletin.document``); every format is rendered from it alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import BigIntegerField, F, Max, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone, translation

from zhaoshang.campaigns.models import MONEY_INDICATORS, Campaign, Indicator
from zhaoshang.dispatch.diagnostics import (
    CODES,
    COUNTERS,
    FUNNEL_LEVELS,
    INDICATOR_WORDS,
    LABELS,
    STATUS_WORDS,
    Diagnostics,
    RoundInfo,
    child_path,
    day_words,
    diagnose,
    end_of_day,
    gap_words,
    pct,
    plain,
)
from zhaoshang.dispatch.models import Bulletin, DispatchSettings, Submission
from zhaoshang.dispatch.services import settings_for, submission_state
from zhaoshang.engine.eligibility import eligible_q
from zhaoshang.engine.progress import (
    CENT,
    GREEN,
    HUNDRED,
    RED,
    YELLOW,
    Progress,
    campaign_root,
    compute,
)
from zhaoshang.engine.schedule import required_pct
from zhaoshang.engine.serialize import money, number, progress_document
from zhaoshang.ledger.models import (
    STAGE_DATE_FIELD,
    TOP500_TAG,
    EnterpriseTag,
    FundsEntry,
    Project,
    Stage,
    counted_q,
)
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import visible

# Indicators whose children add up to the parent (distinct top-500 counts do not).
ADDITIVE = (
    Indicator.CONTRACT_AMOUNT,
    Indicator.CONTRACT_PROJECTS,
    Indicator.PARK_PROJECTS,
    Indicator.INDUSTRIAL_PROJECTS,
    Indicator.FUNDS_IN_PLACE,
)
# Indicators whose cumulative curve can be drawn from the counted projects.
CURVE_INDICATORS = (
    Indicator.CONTRACT_AMOUNT,
    Indicator.CONTRACT_PROJECTS,
    Indicator.PARK_PROJECTS,
    Indicator.INDUSTRIAL_PROJECTS,
)

_LATEST = object()


@cache
def stage_label(stage: int) -> str:
    """The stage's Chinese name whatever the page's language: the document is a Chinese
    official text, frozen as published, and must not depend on who pressed the button.
    (Cached: switching the language per project costs a province's bulletin 0.2 s.)"""
    with translation.override(None):
        return str(Stage(stage).label)


def money_words(value: Decimal) -> str:
    """An amount for reading aloud: 9000万元, 4.2亿元."""
    value = Decimal(value)
    if abs(value) >= 10000:
        return f"{plain(value / 10000)}亿元"
    return f"{plain(value)}万元"


def amount_words(indicator: str, value) -> str:
    if indicator in MONEY_INDICATORS:
        return money_words(Decimal(value))
    return f"{int(value)}{COUNTERS[indicator]}"


def deadline_words(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _dec(value) -> Decimal | None:
    """A document number (string amount or rounded float) back to an exact Decimal."""
    return None if value is None else Decimal(str(value))


def build_bulletin(
    campaign: Campaign,
    as_of: date,
    unit: Unit | None = None,
    *,
    previous: Any = _LATEST,
) -> dict:
    """Everything the bulletin of ``as_of`` shows, as JSON-ready data (a draft until published).

    ``previous`` is the published bulletin to compare with; by default the
    latest one dated on or before ``as_of`` (only for the campaign's root).
    """
    root = campaign_root(campaign)
    unit = unit or root
    progress = compute(campaign, as_of, unit)
    settings = settings_for(campaign)
    diagnostics = diagnose(campaign, as_of, unit, progress=progress, settings=settings)
    if previous is _LATEST:
        previous = (
            Bulletin.objects.filter(campaign=campaign, as_of__lte=as_of).order_by("-number").first()
        )
    previous_doc = previous.document if previous is not None else None
    if previous_doc is not None and previous_doc["unit"]["code"] != progress.unit.code:
        previous_doc = None  # another unit's bulletin: nothing to compare row by row

    doc = progress_document(progress)
    primary = campaign.primary_indicator
    by_code = {u.code: u for u in diagnostics.units}
    doc["unit"]["diagnostics"] = []
    for row in doc["children"]:
        found = by_code[row["code"]]
        row["diagnostics"] = found.flagged_codes
        row["diagnostic_details"] = [
            {
                "code": line.code,
                "label": line.label,
                "flagged": line.flagged,
                "measured": line.measured,
                "comparison": line.comparison,
                "text": line.text,
            }
            for line in found.lines
        ]

    child_codes = {r.unit_id: r.code for r in progress.children}
    counted = _counted_projects(campaign, as_of, unit, child_codes)
    changes = _changes(doc, previous_doc, previous, primary)
    new_contracts = _new_contracts(counted, previous_doc, previous)
    stuck = _stuck_key_projects(as_of, unit, settings)
    rounds = _rounds(diagnostics, as_of, progress)
    notes = _notes(progress, diagnostics, rounds)

    doc["bulletin"] = {
        "status": "draft",
        "number": None,
        "title": f"关于{campaign.name}工作推进情况的通报",
        "issuing_office": settings.issuing_office or f"{root.name}招商引资工作专班办公室",
        "number_style": settings.number_style,
        "number_prefix": settings.number_prefix,
        "copy_to": settings.copy_to,
        "printing_office": settings.printing_office,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "published_at": None,
        "published_by": None,
        "previous": None
        if previous is None
        else {"number": previous.number, "as_of": previous.as_of.isoformat()},
    }
    doc["thresholds"] = _thresholds(settings, campaign)
    doc["summary"] = summary_text(progress, diagnostics, changes, previous, rounds)
    doc["notes"] = notes
    doc["direct"] = _direct(progress)
    doc["diagnosis_lists"] = [
        {
            "code": code,
            "label": LABELS[code],
            "units": [
                {"code": u.code, "name": u.name, "text": u.line(code).text}
                for u in diagnostics.flagged(code)
            ],
        }
        for code in CODES
    ]
    doc["new_contracts"] = new_contracts
    doc["stuck_key_projects"] = stuck
    doc["rounds"] = rounds
    doc["changes"] = changes
    doc["curve"] = _curve(progress, counted)
    doc["stages"] = _stages(diagnostics)
    doc["basis"] = {
        "columns": list(BASIS_COLUMNS),
        "rows": [[p[c] for c in BASIS_COLUMNS] for p in counted],
    }
    doc["events"] = _events(campaign, as_of, unit)
    doc["tasks"] = _tasks(campaign, as_of, unit)
    doc["forecast"] = _forecast(campaign, as_of, progress, settings)
    return doc


def _tasks(campaign: Campaign, as_of: date, unit: Unit) -> dict | None:
    """Overdue and escalated supervised tasks of the unit's subtree (zhaoshang.supervision)."""
    from zhaoshang.supervision.bulletin import tasks_section

    return tasks_section(campaign, as_of, unit)


def _forecast(campaign: Campaign, as_of: date, progress: Progress, settings) -> dict | None:
    """The forecast section (engine.forecast), unless the office switched it off."""
    if not settings.forecast_in_bulletin:
        return None
    from zhaoshang.engine.forecast import forecast, forecast_document

    found = forecast(campaign, as_of, progress=progress)
    if found is None:
        return None
    section = forecast_document(found)
    # A bulletin names only the projects that matter most for the whole campaign.
    for child in section["children"]:
        child["key_projects"] = []
    return section


def _events(campaign: Campaign, as_of: date, unit: Unit) -> list[dict]:
    """The campaign's events and the fulfilment of what they signed (zhaoshang.events)."""
    from zhaoshang.events.bulletin import events_section

    return events_section(campaign, as_of, unit)


# ---------------------------------------------------------------- pieces


def _thresholds(settings: DispatchSettings, campaign: Campaign) -> dict:
    return {
        "effort_window_days": settings.effort_window_days,
        "effort_median_share": float(settings.effort_median_share),
        "on_time_min_pct": float(settings.on_time_min_pct),
        "stale_ledger_days": settings.stale_ledger_days,
        "stuck_key_days": settings.stuck_key_days,
        "green_gap_pp": float(campaign.green_gap_pp),
        "red_gap_pp": float(campaign.red_gap_pp),
    }


BASIS_COLUMNS = (
    "code",
    "name",
    "unit_code",
    "unit_name",
    "row_code",
    "amount",
    "contract_on",
    "park",
    "industrial",
    "key",
    "top500",
    "funds",
)


def basis_projects(document: dict) -> list[dict]:
    """The counted projects a document's figures came from, one dict each.

    Stored as a table (column names once, then rows) because a province's
    bulletin counts tens of thousands of projects.
    """
    basis = document.get("basis") or {}
    columns = basis.get("columns", BASIS_COLUMNS)
    return [dict(zip(columns, row, strict=True)) for row in basis.get("rows", [])]


def _cents_words(cents: int | None) -> str:
    """Whole cents as a 万元 decimal string ("12345.60"), as ``money`` writes it."""
    cents = cents or 0
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _counted_projects(
    campaign: Campaign,
    as_of: date,
    unit: Unit,
    child_codes: dict[int, str],
) -> list[dict]:
    """The projects behind the figures, each with the row it counts for (three queries).

    A province counts tens of thousands: amounts come back as whole cents and the
    row as the child's path (both computed in the database), so no Decimal and
    no path splitting happens per project.
    """
    # Projects with a top-500 investor, read from the investor side: a handful of
    # enterprises carry the tag, so this is small where a per-project EXISTS is not.
    tagged = EnterpriseTag.objects.filter(name=TOP500_TAG).values("enterprise_id")
    with_top500 = set(
        Project.investors.through.objects.filter(enterprise_id__in=tagged).values_list(
            "project_id", flat=True
        )
    )
    rows = (
        Project.objects.filter(
            counted_q(campaign.start, campaign.end, as_of) & eligible_q(campaign, as_of),
            responsible_unit__path__startswith=unit.path,
        )
        .annotate(
            child=child_path("responsible_unit__path", unit.path),
            cents=Cast(Round(F("contract_amount") * 100), BigIntegerField()),
        )
        .order_by("contract_on", "code")
        .values_list(
            "id",
            "code",
            "name",
            "responsible_unit__code",
            "responsible_unit__name",
            "child",
            "cents",
            "contract_on",
            "park__name",
            "is_industrial",
            "is_key",
        )
    )
    # Funds in place per counted project up to D, summed in whole cents like the
    # engine does, so the drill-down of a unit's 到位资金 adds up to its figure.
    funds = dict(
        FundsEntry.objects.filter(
            counted_q(campaign.start, campaign.end, as_of, prefix="project__")
            & eligible_q(campaign, as_of, prefix="project__"),
            on__lte=as_of,
            project__responsible_unit__path__startswith=unit.path,
        )
        .values("project_id")
        .annotate(cents=Sum(Cast(Round(F("amount") * 100), BigIntegerField())))
        .order_by()
        .values_list("project_id", "cents")
    )
    # The row a child path stands for: the child's id is the path's last part.
    row_codes: dict[str, str | None] = {}

    def row_code(path: str) -> str | None:
        if path not in row_codes:
            last = path.strip("/").rsplit("/", 1)[-1]
            row_codes[path] = child_codes.get(int(last)) if path != unit.path else None
        return row_codes[path]

    return [
        {
            "code": code,
            "name": name,
            "unit_code": unit_code,
            "unit_name": unit_name,
            "row_code": row_code(child),
            "amount": _cents_words(cents),
            "contract_on": contract_on.isoformat(),
            "park": park,
            "industrial": industrial,
            "key": key,
            "top500": pk in with_top500,
            "funds": _cents_words(funds.get(pk)),
        }
        for (
            pk,
            code,
            name,
            unit_code,
            unit_name,
            child,
            cents,
            contract_on,
            park,
            industrial,
            key,
        ) in rows
    ]


def _stages(diagnostics: Diagnostics) -> dict:
    """The stage funnel of the unit's subtree, counted by the diagnostics' pass over projects.

    A project is at a level when it reached that stage by D (leads and
    negotiations carry no day: their current stage counts).
    """
    return {
        "basis": "reached_by_as_of",
        "levels": [
            {"stage": stage, "label": stage_label(stage), "count": diagnostics.stage_funnel[key]}
            for key, stage in FUNNEL_LEVELS.items()
        ],
    }


def _direct(progress: Progress) -> dict | None:
    """What the unit itself is responsible for (本级): parent − Σ children, for additive figures.

    Shown as its own line so that the table still adds up when the prefecture
    holds projects directly.
    """
    if not progress.children:
        return None
    figures = {}
    for indicator in ADDITIVE:
        total = Decimal(progress.unit.indicators[indicator].achieved)
        own = total - sum(Decimal(r.indicators[indicator].achieved) for r in progress.children)
        figures[indicator] = own
    if not any(figures.values()):
        return None
    return {
        "name": f"{progress.unit.name}本级",
        "indicators": {
            ind: {"achieved": money(v) if ind in MONEY_INDICATORS else int(v)}
            for ind, v in figures.items()
        },
    }


def _changes(doc: dict, previous_doc: dict | None, previous, primary: str) -> dict | None:
    """环比: achieved, completion and rank against the previous published bulletin."""
    if previous_doc is None:
        return None

    def delta(now: dict, before: dict | None) -> dict:
        fig_now = now["indicators"][primary]
        fig_before = (before or {}).get("indicators", {}).get(primary)
        achieved_now = _dec(fig_now["achieved"])
        achieved_before = _dec(fig_before["achieved"]) if fig_before else None
        completion_now = _dec(fig_now["completion_pct"])
        completion_before = _dec(fig_before["completion_pct"]) if fig_before else None
        rank_now, rank_before = now.get("rank"), (before or {}).get("rank")
        moved = rank_before - rank_now if rank_now is not None and rank_before is not None else None
        return {
            "achieved_before": fig_before["achieved"] if fig_before else None,
            "achieved_change": None
            if achieved_before is None
            else (
                money(achieved_now - achieved_before)
                if primary in MONEY_INDICATORS
                else int(achieved_now - achieved_before)
            ),
            "completion_before": fig_before["completion_pct"] if fig_before else None,
            "completion_change_pp": None
            if completion_now is None or completion_before is None
            else number(completion_now - completion_before),
            "rank_before": rank_before,
            "rank_change": moved,
            "rank_arrow": _arrow(moved, before is None, rank_now),
            "status_before": (before or {}).get("status"),
        }

    before_rows = {r["code"]: r for r in previous_doc["children"]}
    rows = {}
    for row in doc["children"]:
        rows[row["code"]] = delta(row, before_rows.get(row["code"]))
        row["change"] = rows[row["code"]]
    doc["unit"]["change"] = delta(doc["unit"], previous_doc["unit"])
    return {
        "previous_number": previous.number,
        "previous_as_of": previous.as_of.isoformat(),
        "unit": doc["unit"]["change"],
        "rows": rows,
    }


def _arrow(moved: int | None, new: bool, rank_now: int | None) -> str:
    if new:
        return "新"
    if moved is None:
        return "—" if rank_now is None else "新"
    if moved > 0:
        return f"↑{moved}"
    if moved < 0:
        return f"↓{-moved}"
    return "—"


# Projects written out in full in the new-contracts block; the rest are named by
# code only and read from ``basis`` (the Word bulletin and the page show 30).
NEW_LISTED = 30


def _basis_codes(document: dict) -> set[str]:
    basis = document.get("basis") or {}
    columns = basis.get("columns", BASIS_COLUMNS)
    index = list(columns).index("code")
    return {row[index] for row in basis.get("rows", [])}


def _new_contracts(counted: list[dict], previous_doc: dict | None, previous) -> dict:
    """Projects counted now but not in the previous bulletin (all of them in the first one).

    Comparing with the previous bulletin's frozen project list rather than by
    date also catches contracts entered late (补录), which are marked so.
    Every new project is in ``codes`` (largest first) and, when entered late,
    in ``late``; only the first ``NEW_LISTED`` are repeated in full under
    ``projects``: a province's first issue counts tens of thousands, all of
    them in ``basis`` already. :func:`new_contract_projects` gives the full list.
    """
    if previous_doc is not None:
        before = _basis_codes(previous_doc)
        since = previous.as_of
        fresh = [p for p in counted if p["code"] not in before]
        late = {p["code"] for p in fresh if date.fromisoformat(p["contract_on"]) <= since}
    else:
        since = None
        fresh = list(counted)
        late = set()
    fresh.sort(key=lambda p: (-Decimal(p["amount"]), p["contract_on"], p["code"]))
    return {
        "since": since.isoformat() if since else None,
        "count": len(fresh),
        "amount": money(sum((Decimal(p["amount"]) for p in fresh), Decimal(0))),
        "codes": [p["code"] for p in fresh],
        "late": sorted(late),
        "projects": [dict(p, late_entry=p["code"] in late) for p in fresh[:NEW_LISTED]],
    }


def new_contract_projects(document: dict) -> list[dict]:
    """Every project of a document's new-contracts block, in full, largest first."""
    block = document["new_contracts"]
    if "codes" not in block:
        return block["projects"]  # documents made before the block named codes only
    by_code = {p["code"]: p for p in basis_projects(document)}
    late = set(block["late"])
    return [dict(by_code[code], late_entry=code in late) for code in block["codes"]]


def basis_units_hidden_from(document: dict, user) -> set[str]:
    """Codes of the units behind a document's basis that ``user`` may not see (one query).

    The one rule for bulletin files and the drill-down: the bulletin as issued
    (ranking, figures, named lists) goes to every unit it is addressed to; the
    project-level basis behind the figures follows ledger scope.
    """
    codes = {p["unit_code"] for p in basis_projects(document)} | {
        p["unit_code"] for p in document["stuck_key_projects"]["projects"]
    }
    codes.discard(None)
    if not codes:
        return set()
    seen = set(visible(Unit.objects.filter(code__in=codes), user).values_list("code", flat=True))
    return codes - seen


def document_for(document: dict, user) -> dict:
    """The document as ``user`` may take it away in any format (JSON, Excel, Word).

    The basis keeps only the projects of units the user sees; the new-contracts
    list stays whole, as issued (it is written out from the full basis first).
    """
    hidden = basis_units_hidden_from(document, user)
    if not hidden:
        return document
    scoped = dict(document)
    block = dict(document["new_contracts"])
    block["projects"] = new_contract_projects(document)
    block.pop("codes", None)
    scoped["new_contracts"] = block
    basis = dict(document.get("basis") or {})
    columns = basis.get("columns", BASIS_COLUMNS)
    where = columns.index("unit_code")
    basis["rows"] = [row for row in basis.get("rows", []) if row[where] not in hidden]
    scoped["basis"] = basis
    return scoped


def _stuck_key_projects(as_of: date, unit: Unit, settings: DispatchSettings) -> dict:
    """Key projects (重点项目) in the same stage for more than the set number of days."""
    limit = settings.stuck_key_days
    rows = (
        Project.objects.filter(
            responsible_unit__path__startswith=unit.path,
            is_key=True,
            stage__lt=Stage.OPERATING,
        )
        .filter(Q(dropped_on__isnull=True) | Q(dropped_on__gt=as_of))
        .annotate(
            reached=Max(
                "stage_events__on",
                filter=Q(stage_events__stage=F("stage"), stage_events__on__lte=as_of),
            )
        )
        .order_by("code")
        .values(
            "code",
            "name",
            "responsible_unit__code",
            "responsible_unit__name",
            "stage",
            "signed_on",
            "contract_on",
            "started_on",
            "reached",
            "created_at",
            "contract_amount",
            "planned_investment",
        )
    )
    stuck = []
    for r in rows:
        date_field = STAGE_DATE_FIELD.get(r["stage"])
        since = (r[date_field] if date_field else None) or r["reached"]
        if since is None:
            since = timezone.localtime(r["created_at"]).date()
        days = (as_of - since).days
        if days > limit:
            stuck.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "unit_code": r["responsible_unit__code"],
                    "unit_name": r["responsible_unit__name"],
                    "stage": r["stage"],
                    "stage_label": stage_label(r["stage"]),
                    "since": since.isoformat(),
                    "days": days,
                    "amount": money(r["contract_amount"] or r["planned_investment"]),
                }
            )
    stuck.sort(key=lambda p: (-p["days"], p["code"]))
    return {"days": limit, "projects": stuck}


def _rounds(diagnostics: Diagnostics, as_of: date, progress: Progress) -> dict:
    """The latest reporting round due by the as-of day: who reported in time, late, not at all."""
    names = {r.unit_id: (r.code, r.name) for r in progress.children}
    until = end_of_day(as_of)

    def describe(info: RoundInfo | None) -> dict | None:
        if info is None:
            return None
        return {
            "title": info.name,
            "deadline": timezone.localtime(info.deadline).isoformat(timespec="minutes"),
        }

    latest = diagnostics.rounds_due[-1] if diagnostics.rounds_due else None
    result = {
        "due": len(diagnostics.rounds_due),
        "latest": describe(latest),
        "next": describe(diagnostics.next_round),
    }
    if latest is not None:
        # What each unit wrote, for the office to compile for the meeting (one query).
        texts = {
            unit_id: {"progress": progress_text, "problems": problems, "plan": plan}
            for unit_id, progress_text, problems, plan in Submission.objects.filter(
                round_id=latest.id, unit_id__in=list(latest.submitted), submitted_at__lte=until
            ).values_list("unit_id", "progress", "problems", "plan")
        }
        groups: dict[str, list[dict]] = defaultdict(list)
        for unit_id, submitted_at in latest.submitted.items():
            code, name = names[unit_id]
            state = submission_state(submitted_at, latest.deadline, until)
            groups[state].append({"code": code, "name": name, **texts.get(unit_id, {})})
        order = {r.code: i for i, r in enumerate(progress.children)}
        for state in ("on_time", "late", "missing"):
            result["latest"][state] = sorted(groups[state], key=lambda u: order[u["code"]])
        result["latest"]["expected"] = len(latest.submitted)
    return result


def _notes(progress: Progress, diagnostics: Diagnostics, rounds: dict) -> list[str]:
    """The edge cases, said in words rather than left as blanks."""
    campaign = progress.campaign
    notes = []
    if progress.as_of < campaign.start:
        notes.append(
            f"本行动{campaign.start.year}年{day_words(campaign.start)}开始，"
            "截至统计日尚未开始，暂无计入的项目。"
        )
    elif progress.as_of > campaign.end:
        notes.append(
            f"本行动已于{campaign.end.year}年{day_words(campaign.end)}结束，"
            f"计入结束日前签订合同的项目。"
        )
    if not progress.milestones:
        notes.append("本行动未设置时间节点，序时进度按0%计算。")
    primary = campaign.primary_indicator
    word = INDICATOR_WORDS[primary]
    if progress.unit.indicators[primary].completion_pct is None:
        notes.append(f"{progress.unit.name}未下达{word}目标任务，不计算完成率。")
    untargeted = [r.name for r in progress.children if r.indicators[primary].completion_pct is None]
    if progress.children and len(untargeted) == len(progress.children):
        notes.append(f"各单位均未下达{word}目标任务，不排名。")
    elif untargeted:
        notes.append(f"{'、'.join(untargeted)}未下达{word}目标任务，不参加排名。")
    empty = [
        r.name
        for r in progress.children
        if not any(Decimal(f.achieved) for f in r.indicators.values())
    ]
    if empty and len(empty) < len(progress.children):
        notes.append(f"{'、'.join(empty)}暂无计入的项目。")
    if not progress.children:
        notes.append(f"{progress.unit.name}无下级单位。")
    latest = rounds["latest"]
    if latest is None:
        notes.append("截至统计日尚无到期的调度填报。")
    elif latest["expected"] and len(latest["missing"]) == latest["expected"]:
        notes.append(
            f"{latest['title']}（截止{deadline_words(diagnostics.rounds_due[-1].deadline)}）"
            "各单位均未报送。"
        )
    return notes


def _curve(progress: Progress, counted: list[dict]) -> dict | None:
    """Cumulative achieved (by contract day) against the milestone curve of the target."""
    campaign = progress.campaign
    indicator = campaign.primary_indicator
    if indicator not in CURVE_INDICATORS:
        return None
    increments: dict[str, Decimal] = defaultdict(Decimal)
    for p in counted:
        if indicator == Indicator.CONTRACT_AMOUNT:
            increments[p["contract_on"]] += Decimal(p["amount"])
        elif indicator == Indicator.CONTRACT_PROJECTS:
            increments[p["contract_on"]] += 1
        elif indicator == Indicator.PARK_PROJECTS and p["park"]:
            increments[p["contract_on"]] += 1
        elif indicator == Indicator.INDUSTRIAL_PROJECTS and p["industrial"]:
            increments[p["contract_on"]] += 1
    target = progress.unit.indicators[indicator].target
    is_money = indicator in MONEY_INDICATORS
    points = []
    running = Decimal(0)
    day = campaign.start
    while day <= campaign.end:
        running += increments.get(day.isoformat(), Decimal(0))
        required = None
        if target:
            share = required_pct(campaign.start, progress.milestones, campaign.mode, day)
            required = (target * share / HUNDRED).quantize(CENT)
        achieved = None
        if day <= progress.as_of:
            achieved = money(running) if is_money else int(running)
        points.append(
            {
                "date": day.isoformat(),
                "achieved": achieved,
                "required": (money(required) if is_money else number(required))
                if required is not None
                else None,
            }
        )
        day += timedelta(days=1)
    return {"indicator": indicator, "target": money(target), "points": points}


# ---------------------------------------------------------------- the summary


def summary_text(
    progress: Progress,
    diagnostics: Diagnostics,
    changes: dict | None,
    previous,
    rounds: dict,
) -> str:
    """The bulletin's opening paragraph, written from the numbers."""
    campaign = progress.campaign
    as_of = progress.as_of
    primary = campaign.primary_indicator
    word = INDICATOR_WORDS[primary]
    own = progress.unit
    fig = own.indicators[primary]
    sentences = []
    head = f"截至{as_of.year}年{day_words(as_of)}"
    if as_of < campaign.start:
        sentences.append(
            f"{head}，本行动尚未开始（{campaign.start.year}年{day_words(campaign.start)}开始），"
            "暂无计入的项目。"
        )
        head = "目前"
    elif as_of > campaign.end:
        sentences.append(
            f"本行动已于{campaign.end.year}年{day_words(campaign.end)}结束，"
            "以下为结束日的完成情况。"
        )
        head = "最终"
    done = amount_words(primary, fig.achieved)
    if fig.completion_pct is None:
        sentences.append(f"{head}，{own.name}{word}完成{done}（未下达目标任务，不计算完成率）。")
    else:
        sentences.append(
            f"{head}，{own.name}{word}完成{done}，占目标任务{amount_words(primary, fig.target)}的"
            f"{pct(fig.completion_pct)}，{gap_words(fig.gap_pp)}（序时进度{pct(progress.required_pct)}）。"
        )
    others = []
    for indicator in (
        Indicator.CONTRACT_AMOUNT,
        Indicator.CONTRACT_PROJECTS,
        Indicator.TOP500_ENTERPRISES,
        Indicator.PARK_PROJECTS,
        Indicator.INDUSTRIAL_PROJECTS,
        Indicator.FUNDS_IN_PLACE,
    ):
        if indicator == primary:
            continue
        value = own.indicators[indicator].achieved
        others.append(f"{_verb(indicator)}{amount_words(indicator, value)}")
    sentences.append("，".join(others) + "。")

    upcoming = progress.next_milestone
    if not progress.milestones:
        sentences.append("本行动未设置时间节点，序时进度按0%计算。")
    elif upcoming is not None:
        estimated = "（节假日安排未公布，工作日按周末推算）" if upcoming.workdays_estimated else ""
        sentences.append(
            f"距{day_words(upcoming.on)}节点（应完成{plain(upcoming.pct)}%）还有"
            f"{upcoming.days_left}天、{upcoming.workdays_left}个工作日{estimated}。"
        )
    elif as_of <= campaign.end:
        last = progress.milestones[-1]
        sentences.append(f"各时间节点均已过，按最后节点应完成{plain(last.pct)}%要求。")

    rows = progress.children
    if rows:
        counts = defaultdict(int)
        for r in rows:
            counts[r.status] += 1
        text = (
            f"{len(rows)}个单位中，绿色（达到或超过序时进度）{counts[GREEN]}个、"
            f"黄色{counts[YELLOW]}个、红色{counts[RED]}个"
        )
        if counts["none"]:
            text += f"，{STATUS_WORDS['none']}{counts['none']}个"
        sentences.append(text + "。")
        ranked = [r for r in progress.ranked_children() if r.rank is not None]
        if len(ranked) >= 2:
            first, last = ranked[0], ranked[-1]
            sentences.append(
                f"完成率排名第一的是{first.name}（{pct(first.indicators[primary].completion_pct)}），"
                f"排名末位的是{last.name}（{pct(last.indicators[primary].completion_pct)}）。"
            )
    else:
        sentences.append(f"{own.name}无下级单位。")

    if changes is not None:
        unit_change = changes["unit"]
        text = f"与第{previous.number}期（{day_words(previous.as_of)}）相比，{word}"
        delta = _dec(unit_change["achieved_change"])
        text += _change_words(primary, delta)
        pp = _dec(unit_change["completion_change_pp"])
        if pp is not None:
            if pp > 0:
                text += f"，完成率提高{pp:.2f}个百分点"
            elif pp < 0:
                text += f"，完成率下降{-pp:.2f}个百分点"
            else:
                text += "，完成率持平"
        sentences.append(text + "。")
    elif previous is None:
        sentences.append("本期为首期通报。")

    if rows:
        flagged = [(LABELS[c], len(diagnostics.flagged(c))) for c in CODES]
        flagged = [(label, n) for label, n in flagged if n]
        if flagged:
            sentences.append(
                "“三大三少”诊断：" + "，".join(f"{label}{n}个单位" for label, n in flagged) + "。"
            )
        else:
            sentences.append("“三大三少”诊断未发现问题单位。")

    latest = rounds["latest"]
    if latest is None:
        sentences.append("截至统计日尚无到期的调度填报。")
    elif latest["expected"]:
        deadline = deadline_words(diagnostics.rounds_due[-1].deadline)
        on_time, late, missing = (len(latest[k]) for k in ("on_time", "late", "missing"))
        if missing == latest["expected"]:
            sentences.append(
                f"{latest['title']}（截止{deadline}）应报{latest['expected']}个单位，均未报送。"
            )
        else:
            sentences.append(
                f"{latest['title']}（截止{deadline}）应报{latest['expected']}个单位，"
                f"按时报送{on_time}个、逾期报送{late}个、未报送{missing}个。"
            )
    return "".join(sentences)


def _verb(indicator: str) -> str:
    return {
        Indicator.CONTRACT_AMOUNT: "合同投资额",
        Indicator.CONTRACT_PROJECTS: "签订合同项目",
        Indicator.TOP500_ENTERPRISES: "引进中国民营企业500强企业",
        Indicator.PARK_PROJECTS: "园区项目",
        Indicator.INDUSTRIAL_PROJECTS: "工业项目",
        Indicator.FUNDS_IN_PLACE: "到位资金",
    }[indicator]


def _change_words(indicator: str, delta: Decimal | None) -> str:
    if delta is None:
        return "上期无数据"
    if delta > 0:
        return f"增加{amount_words(indicator, delta)}"
    if delta < 0:
        return f"减少{amount_words(indicator, -delta)}"
    return "无变化"
