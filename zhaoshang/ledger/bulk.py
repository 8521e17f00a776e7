"""Bulk writes to the ledger, for generated data sets and large imports of new records.

The one-record services in zhaoshang.ledger.services run a few queries per
record; at a province's scale (100,000 projects, a million follow-ups) that is
hours. These functions add NEW records only, in batches, each batch in one
transaction, and still leave the same history as the services: a creation row
per record (django-simple-history's ``bulk_create_with_history``), the
historical rows of the projects' investors and cooperating units, and one
stage event per dated stage, so that a generated ledger looks to every page
and report exactly like one typed in.

Validation is the services' own minimum (stage dates in order, contract date
and amount from 合同 on, no negative money, a drop has a reason); it runs over
all rows before anything is written, and the whole call fails on the first
bad row with its key. Uniqueness of keys is left to the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from zhaoshang.ledger.models import (
    STAGE_DATE_FIELD,
    Enterprise,
    EnterpriseTag,
    FollowUp,
    FollowUpKind,
    FundsEntry,
    Project,
    ProjectStatus,
    Stage,
    StageEvent,
)
from zhaoshang.ledger.services import ProjectData, validate_project_data

BATCH = 5000
_FOLLOW_UP_KINDS = set(FollowUpKind.values)


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _history_kwargs(actor, reason: str | None) -> dict:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return {"default_user": user, "default_change_reason": reason}


_PLAIN = (int, str, bool, type(None))


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT rows (values in the order of ``columns``, attnames) with one ``executemany``.

    For rows whose ids are not needed back (history rows, link rows), at a
    fraction of ``bulk_create``'s cost: no model instances, and values of plain
    types go straight to the driver; others (dates, decimals, files) through
    the field's own ``get_db_prep_save``, as ``bulk_create`` would.
    """
    fields = [next(f for f in model._meta.concrete_fields if f.attname == c) for c in columns]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )

    # Dates, amounts and the batch's timestamp repeat: each distinct value is converted
    # once per column (equal values convert alike: Decimal("1.0") and Decimal("1.00") too).
    memos: list[dict] = [{} for _ in fields]
    columns_of = list(zip(fields, memos, strict=True))

    def prepared(row):
        out = []
        for (f, memo), v in zip(columns_of, row, strict=True):
            if type(v) in _PLAIN:
                out.append(v)
                continue
            try:
                out.append(memo[v])
            except KeyError:
                out.append(memo.setdefault(v, f.get_db_prep_save(v, connection)))
            except TypeError:  # not hashable
                out.append(f.get_db_prep_save(v, connection))
        return out

    with connection.cursor() as cursor:
        for chunk in _batches(rows, BATCH):
            cursor.executemany(sql, [prepared(row) for row in chunk])


def bulk_history(model, records: Iterable, *, actor=None, reason: str | None = None) -> None:
    """The creation history rows of records just inserted in bulk.

    ``records`` are model instances or dicts of their values by attname. The
    same rows as django-simple-history's ``bulk_create_with_history`` (every
    tracked field, type "+", user, reason), written with :func:`insert_rows`;
    one timestamp for the batch, as one import is one change.
    """
    historical = model.history.model
    tracked = [f.attname for f in historical.tracked_fields]
    history = _history_kwargs(actor, reason)
    user_id = history["default_user"].pk if history["default_user"] is not None else None
    meta = (timezone.now(), history["default_change_reason"], "+", user_id)

    def values(record):
        if isinstance(record, dict):
            return [*(record[name] for name in tracked), *meta]
        return [*(getattr(record, name) for name in tracked), *meta]

    insert_rows(
        historical,
        [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"],
        (values(record) for record in records),
    )


@dataclass
class NewEnterprise:
    name: str
    uscc: str | None = None
    ownership: str = ""
    origin: str = ""
    owner_unit_id: int | None = None
    tags: Sequence[tuple[str, int | None]] = ()


@transaction.atomic
def bulk_add_enterprises(
    rows: Sequence[NewEnterprise],
    *,
    actor=None,
    reason: str | None = None,
    batch_size: int = BATCH,
) -> dict[str, int]:
    """Create enterprises with their honour tags; returns {name: id}."""
    ids: dict[str, int] = {}
    history = _history_kwargs(actor, reason)
    for chunk in _batches(rows, batch_size):
        objs = [
            Enterprise(
                name=r.name,
                uscc=r.uscc or None,
                ownership=r.ownership,
                origin=r.origin,
                owner_unit_id=r.owner_unit_id,
            )
            for r in chunk
        ]
        for obj in objs:
            obj.refresh_keys()  # save() derives the search keys; bulk_create does not call it
        created = bulk_create_with_history(objs, Enterprise, batch_size=batch_size, **history)
        tags = []
        for row, obj in zip(chunk, created, strict=True):
            ids[row.name] = obj.pk
            tags += [EnterpriseTag(enterprise_id=obj.pk, name=n, year=y) for n, y in row.tags]
        if tags:
            bulk_create_with_history(tags, EnterpriseTag, batch_size=batch_size, **history)
    return ids


@dataclass
class NewProject:
    """A project to add, with ids instead of model instances (see ProjectData for the meaning)."""

    code: str
    name: str
    responsible_unit_id: int
    stage: int
    stage_dates: dict[int, date] = field(default_factory=dict)
    contract_amount: Decimal | None = None
    planned_investment: Decimal | None = None
    industry_id: int | None = None
    is_industrial: bool = False
    park_id: int | None = None
    is_key: bool = False
    person_id: int | None = None
    investor_ids: Sequence[int] = ()
    cooperating_unit_ids: Sequence[int] = ()
    dropped_on: date | None = None
    drop_reason: str = ""
    note: str = ""
    # The day the record was entered, used as the stage event of a project that
    # is only a lead or in talks (those stages carry no date column of their own).
    entered_on: date | None = None


def validate_new_project(row: NewProject) -> list[str]:
    """The services' checks of a project's values, as messages naming the project."""
    data = ProjectData(
        name=row.name,
        responsible_unit=None,
        stage=row.stage,
        contract_amount=row.contract_amount,
        planned_investment=row.planned_investment,
        stage_dates=dict(row.stage_dates),
        dropped_on=row.dropped_on,
        drop_reason=row.drop_reason,
    )
    problems = [f"项目 {row.code}「{label}」：{msg}" for label, msg in validate_project_data(data)]
    if not row.code or not row.name:
        problems.append(f"项目 {row.code or '（无编号）'}：项目编号和项目名称不能为空")
    return problems


def _check(rows: Iterable, validate: Callable[[object], list[str]]) -> None:
    for row in rows:
        problems = validate(row)
        if problems:
            raise ValidationError(problems)


def bulk_add_projects(
    rows: Sequence[NewProject],
    *,
    actor=None,
    reason: str | None = None,
    today: date | None = None,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
    created_out: list[Project] | None = None,
) -> int:
    """Create projects with their stage events, investors and cooperating units; returns the count.

    ``created_out``, when given, receives the new Project instances (with their ids).

    Stage-date columns are set from ``stage_dates`` for the stages reached, as
    :func:`zhaoshang.ledger.services.do_save_project` sets them, and every
    dated stage becomes a StageEvent on its day.
    """
    _check(rows, validate_new_project)
    today = today or date.today()
    history = _history_kwargs(actor, reason)
    recorded_by_id = actor.pk if history["default_user"] is not None else None
    investors_through = Project.investors.through
    cooperating_through = Project.cooperating_units.through
    hist_investors = apps.get_model("ledger", "HistoricalProject_investors")
    hist_cooperating = apps.get_model("ledger", "HistoricalProject_cooperating_units")
    historical_project = Project.history.model
    done = 0
    for chunk in _batches(rows, batch_size):
        with transaction.atomic():
            objs = [_project(row) for row in chunk]
            for obj in objs:
                obj.refresh_keys()  # save() derives the search keys; bulk_create does not call it
            created = Project.objects.bulk_create(objs, batch_size=batch_size)
            bulk_history(Project, created, actor=actor, reason=reason)
            if created_out is not None:
                created_out += created
            now = timezone.now()
            project_ids = [obj.pk for obj in created]
            events, investor_links, cooperating_links = [], [], []
            for row, obj in zip(chunk, created, strict=True):
                events += [(obj.pk, stage, on) for stage, on in _stage_events(row, today)]
                investor_links += [(obj.pk, e) for e in row.investor_ids]
                cooperating_links += [(obj.pk, u) for u in row.cooperating_unit_ids]
            insert_rows(
                StageEvent,
                [*_EVENT_COLUMNS, "recorded_by_id", "recorded_at"],
                ((*event, *_EVENT_DEFAULTS, recorded_by_id, now) for event in events),
            )
            bulk_history(
                StageEvent,
                StageEvent.objects.filter(project_id__in=project_ids).order_by().values(),
                actor=actor,
                reason=reason,
            )
            if investor_links or cooperating_links:
                insert_rows(investors_through, ["project_id", "enterprise_id"], investor_links)
                insert_rows(cooperating_through, ["project_id", "unit_id"], cooperating_links)
                # The creation history row of each project lists its relations, as
                # simple_history records them after a `.set()` on a single project.
                history_id = dict(
                    historical_project.objects.filter(
                        id__in=project_ids,
                        history_type="+",
                    )
                    .order_by()
                    .values_list("id", "history_id")
                )
                for through, historical, other in (
                    (investors_through, hist_investors, "enterprise_id"),
                    (cooperating_through, hist_cooperating, "unit_id"),
                ):
                    links = through.objects.filter(project_id__in=project_ids).values_list(
                        "id", "project_id", other
                    )
                    insert_rows(
                        historical,
                        ["id", "history_id", "project_id", other],
                        ((pk, history_id[p], p, o) for pk, p, o in links),
                    )
        done += len(chunk)
        if progress is not None:
            progress(done)
    return done


# A new stage event: its project, stage and day, the rest empty.
_EVENT_COLUMNS = ["project_id", "stage", "on", "evidence", "evidence_file", "reason"]
_EVENT_DEFAULTS = ("", "", "")


def _project(row: NewProject) -> Project:
    dates = {
        name: row.stage_dates.get(stage) if stage <= row.stage else None
        for stage, name in STAGE_DATE_FIELD.items()
    }
    return Project(
        code=row.code,
        name=row.name,
        responsible_unit_id=row.responsible_unit_id,
        person_id=row.person_id,
        industry_id=row.industry_id,
        is_industrial=row.is_industrial,
        park_id=row.park_id,
        is_key=row.is_key,
        planned_investment=row.planned_investment,
        contract_amount=row.contract_amount,
        stage=row.stage,
        status=ProjectStatus.DROPPED if row.dropped_on else ProjectStatus.ACTIVE,
        dropped_on=row.dropped_on,
        drop_reason=row.drop_reason if row.dropped_on else "",
        note=row.note,
        **dates,
    )


def _stage_events(row: NewProject, today: date) -> list[tuple[int, date]]:
    """The dated history of a new project, as do_save_project records it."""
    events = [
        (stage, on)
        for stage in sorted(STAGE_DATE_FIELD)
        if stage <= row.stage and (on := row.stage_dates.get(stage))
    ]
    if row.stage not in STAGE_DATE_FIELD:
        events.append((row.stage, row.entered_on or today))
    return events


@dataclass
class NewFunds:
    project_id: int
    on: date
    amount: Decimal
    note: str = ""


def bulk_add_funds(
    rows: Sequence[NewFunds],
    *,
    actor=None,
    reason: str | None = None,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Record funds in place (one entry per project and day); returns the count."""

    def validate(row: NewFunds) -> list[str]:
        return [] if row.amount >= 0 else [f"项目 {row.project_id} {row.on} 的到位资金不能为负数"]

    _check(rows, validate)
    history = _history_kwargs(actor, reason)
    done = 0
    for chunk in _batches(rows, batch_size):
        with transaction.atomic():
            objs = [
                FundsEntry(project_id=r.project_id, on=r.on, amount=r.amount, note=r.note)
                for r in chunk
            ]
            bulk_create_with_history(objs, FundsEntry, batch_size=batch_size, **history)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return done


@dataclass
class NewFollowUp:
    on: date
    unit_id: int
    kind: str
    project_id: int | None = None
    enterprise_id: int | None = None
    content: str = ""
    participants: str = ""


def bulk_add_follow_ups(
    rows: Iterable[NewFollowUp],
    *,
    actor=None,
    reason: str | None = None,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add follow-ups (no duplicate check: the rows are new by construction); returns the count.

    Accepts any iterable, so a million rows can be generated lazily; each batch
    is checked before it is written, in its own transaction.
    """
    history = _history_kwargs(actor, reason)
    created_by_id = actor.pk if history["default_user"] is not None else None
    done = 0
    for chunk in _batches(rows, batch_size):
        for i, r in enumerate(chunk, start=done + 1):
            if r.kind not in _FOLLOW_UP_KINDS:
                raise ValidationError(f"第 {i} 条跟踪记录的类型「{r.kind}」无效")
        with transaction.atomic():
            objs = [
                FollowUp(
                    on=r.on,
                    unit_id=r.unit_id,
                    kind=r.kind,
                    project_id=r.project_id,
                    enterprise_id=r.enterprise_id,
                    content=r.content,
                    participants=r.participants,
                    created_by_id=created_by_id,
                )
                for r in chunk
            ]
            bulk_create_with_history(objs, FollowUp, batch_size=batch_size, **history)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return done


__all__ = [
    "NewEnterprise",
    "NewFollowUp",
    "NewFunds",
    "NewProject",
    "Stage",
    "bulk_add_enterprises",
    "bulk_add_follow_ups",
    "bulk_add_funds",
    "bulk_add_projects",
    "validate_new_project",
]
