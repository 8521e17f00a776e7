"""Writes to the ledger. Each service runs in one transaction, leaves history
(who, when, before/after, reason) and re-checks the actor's scope before it
commits. Pages, the workbook loader and the demo all write through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from zhaoshang.codes import code_problem
from zhaoshang.history import assign, mark, save_changes
from zhaoshang.ledger.models import (
    PROJECT_HISTORY,
    STAGE_DATE_FIELD,
    Attachment,
    Enterprise,
    EnterpriseTag,
    FollowUp,
    FundsEntry,
    Park,
    Project,
    ProjectStatus,
    SavedFilter,
    Stage,
    StageEvent,
)
from zhaoshang.ledger.uscc import uscc_format_problem
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import require_edit, scope_of
from zhaoshang.stamps import StaleEdit, check_stamp


class VersionConflict(Exception):
    """The project changed since the form was opened."""

    def __init__(self, project: Project, changed: list[str]):
        self.project = project
        self.changed = changed
        super().__init__(f"项目 {project.code} 已被他人修改，请刷新后重试")


def _check_scope(actor, unit: Unit) -> None:
    # System writes (demo, command-line import by an operator) pass actor=None.
    if actor is not None:
        require_edit(actor, unit)


@transaction.atomic
def do_save_enterprise(
    *,
    name: str,
    uscc: str | None = None,
    ownership: str = "",
    origin: str = "",
    tags: list[tuple[str, int | None]] | None = None,
    owner_unit: Unit | None = None,
    actor=None,
    reason: str | None = None,
) -> tuple[Enterprise, bool, list[str]]:
    """Create or update an enterprise found by USCC, else by name."""
    enterprise = None
    if uscc:
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        enterprise = Enterprise.objects.filter(name=name).first()
    created = enterprise is None
    if created:
        enterprise = Enterprise(owner_unit=owner_unit)
    _check_uscc(uscc, enterprise.uscc)
    changed = save_changes(
        enterprise,
        {"name": name, "uscc": uscc or None, "ownership": ownership, "origin": origin},
        actor=actor,
        reason=reason,
    )
    if tags is not None:
        changed += _sync_tags(enterprise, tags, actor=actor, reason=reason)
    return enterprise, created, changed


def _sync_tags(enterprise: Enterprise, tags, *, actor, reason) -> list[str]:
    """Make the enterprise's tags exactly ``tags``; each added or removed tag leaves history."""
    changed = []
    wanted = {(n, y) for n, y in tags}
    existing = {(t.name, t.year): t for t in enterprise.tags.all()}
    for key, tag in existing.items():
        if key not in wanted:
            mark(tag, actor, reason)
            tag.delete()
            changed.append("tags")
    for tag_name, year in sorted(wanted - existing.keys(), key=lambda k: (k[0], k[1] or 0)):
        tag = EnterpriseTag(enterprise=enterprise, name=tag_name, year=year)
        mark(tag, actor, reason)
        tag.save()
        changed.append("tags")
    return changed


@transaction.atomic
def do_save_park(
    *,
    name: str,
    unit: Unit,
    actor=None,
    reason: str | None = None,
) -> tuple[Park, bool, list[str]]:
    park = Park.objects.filter(name=name).first()
    created = park is None
    if created:
        park = Park(name=name)
    _check_scope(actor, unit)
    return park, created, save_changes(park, {"unit": unit}, actor=actor, reason=reason)


@dataclass
class ProjectData:
    """Everything a project row says, as typed values (see contracts/workbook.md)."""

    name: str
    responsible_unit: Unit
    stage: int
    cooperating_units: list[Unit] = field(default_factory=list)
    person: Any = None
    investors: list[Enterprise] = field(default_factory=list)
    industry: Any = None
    is_industrial: bool = False
    park: Park | None = None
    is_key: bool = False
    planned_investment: Decimal | None = None
    contract_amount: Decimal | None = None
    stage_dates: dict[int, date | None] = field(default_factory=dict)
    dropped_on: date | None = None
    drop_reason: str = ""
    note: str = ""


def validate_project_data(data: ProjectData) -> list[tuple[str, str]]:
    """Problems of a project's values as (field label, Chinese message)."""
    problems = []
    if data.stage >= Stage.CONTRACTED:
        why = f"不能为空（项目阶段为{Stage(data.stage).label}）"
        if data.contract_amount is None:
            problems.append(("合同投资额(万元)", why))
        if not data.stage_dates.get(Stage.CONTRACTED):
            problems.append(("合同签订日期", why))
    for stage, label in (
        (Stage.SIGNED, "签约日期"),
        (Stage.CONTRACTED, "合同签订日期"),
        (Stage.STARTED, "开工日期"),
        (Stage.OPERATING, "投产日期"),
    ):
        if data.stage_dates.get(stage) and stage > data.stage:
            problems.append((label, f"项目阶段为{Stage(data.stage).label}，不应填写此日期"))
    dated = [(s, data.stage_dates[s]) for s in sorted(data.stage_dates) if data.stage_dates.get(s)]
    for (s1, d1), (s2, d2) in zip(dated, dated[1:], strict=False):
        if d2 < d1:
            problems.append(
                (
                    Project._meta.get_field(STAGE_DATE_FIELD[s2]).verbose_name,
                    f"{Stage(s2).label}日期 {d2} 早于{Stage(s1).label}日期 {d1}，阶段日期不能倒退",
                )
            )
    if data.dropped_on is not None and not data.drop_reason:
        problems.append(("终止原因", "不能为空（状态为终止）"))
    for label, amount in (
        ("计划总投资(万元)", data.planned_investment),
        ("合同投资额(万元)", data.contract_amount),
    ):
        if amount is not None and amount < 0:
            problems.append((label, "不能为负数"))
    return problems


@transaction.atomic
def do_save_project(
    code: str,
    data: ProjectData,
    *,
    actor=None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> tuple[Project, bool, list[str]]:
    """Create or update project ``code`` with its stage history; refuses stale versions."""
    problems = validate_project_data(data)
    if problems:
        raise ValidationError([f"「{label}」：{msg}" for label, msg in problems])
    project = Project.objects.select_for_update().filter(code=code).first()
    created = project is None
    if created:
        # A project stored before the rule (legacy data) keeps its code and stays editable.
        problem = code_problem(
            code, label="项目编号", max_length=Project._meta.get_field("code").max_length
        )
        if problem:
            raise ValidationError(problem)
        project = Project(code=code)
    else:
        _check_scope(actor, project.responsible_unit)
        if expected_version is not None and project.version != expected_version:
            raise VersionConflict(project, [])
    _check_scope(actor, data.responsible_unit)
    dates = {
        STAGE_DATE_FIELD[s]: data.stage_dates.get(s) if s <= data.stage else None
        for s in STAGE_DATE_FIELD
    }
    values = {
        "name": data.name,
        "responsible_unit": data.responsible_unit,
        "person": data.person,
        "industry": data.industry,
        "is_industrial": data.is_industrial,
        "park": data.park,
        "is_key": data.is_key,
        "planned_investment": data.planned_investment,
        "contract_amount": data.contract_amount,
        "stage": data.stage,
        "status": ProjectStatus.DROPPED if data.dropped_on else ProjectStatus.ACTIVE,
        "dropped_on": data.dropped_on,
        "drop_reason": data.drop_reason if data.dropped_on else "",
        "note": data.note,
        **dates,
    }
    old_stage = project.stage if not created else None
    changed = assign(project, values)
    m2m_changed = []
    # Save fields and relations without history, then write one history row
    # that holds the whole change (fields and relation sets together).
    project.skip_history_when_saving = True
    try:
        if created or changed:
            if not created:
                project.version += 1
            project.save()
        if {u.pk for u in data.cooperating_units} != set(
            project.cooperating_units.values_list("pk", flat=True)
        ):
            project.cooperating_units.set(data.cooperating_units)
            m2m_changed.append("cooperating_units")
        if {e.pk for e in data.investors} != set(project.investors.values_list("pk", flat=True)):
            project.investors.set(data.investors)
            m2m_changed.append("investors")
        if m2m_changed and not changed and not created:
            project.version += 1
            project.save(update_fields=["version", "updated_at"])
    finally:
        del project.skip_history_when_saving
    if created or changed or m2m_changed:
        mark(project, actor, reason)
        PROJECT_HISTORY.create_historical_record(project, "+" if created else "~")
    _record_stage_events(
        project,
        data,
        old_stage,
        actor=actor,
        today=today or date.today(),
        history_reason=reason,
    )
    return project, created, changed + m2m_changed


def _record_stage_events(project, data, old_stage, *, actor, today, history_reason=None) -> None:
    """Keep the dated stage history in line with the project's stage and stage dates."""
    existing = {(e.stage, e.on) for e in project.stage_events.all()}
    extra = {"history_reason": history_reason}
    for stage in sorted(STAGE_DATE_FIELD):
        on = data.stage_dates.get(stage)
        if stage <= data.stage and on and (stage, on) not in existing:
            _add_event(project, stage, on, actor, **extra)
    if old_stage is None and data.stage not in STAGE_DATE_FIELD:
        _add_event(project, data.stage, today, actor, **extra)
    elif old_stage is not None and data.stage < old_stage:
        _add_event(project, data.stage, today, actor, reason="由导入或编辑退回阶段", **extra)
    elif old_stage is not None and data.stage > old_stage and data.stage not in STAGE_DATE_FIELD:
        _add_event(project, data.stage, today, actor, **extra)


def _add_event(
    project,
    stage,
    on,
    actor,
    *,
    evidence="",
    reason="",
    evidence_file=None,
    history_reason=None,
):
    event = StageEvent(
        project=project,
        stage=stage,
        on=on,
        evidence=evidence,
        reason=reason,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if evidence_file is not None:
        event.evidence_file = evidence_file
    # The history row says why the event was written: its own reason (going
    # back), else the caller's (an import names its file).
    mark(event, actor, reason or history_reason or None)
    event.save()
    return event


@transaction.atomic
def do_change_stage(
    project: Project,
    stage: int,
    on: date,
    *,
    actor,
    evidence: str = "",
    reason: str = "",
    contract_amount: Decimal | None = None,
    evidence_file=None,
    expected_version: int | None = None,
) -> Project:
    """Move a project to ``stage`` as of the day it happened; going back needs a reason."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_scope(actor, project.responsible_unit)
    if expected_version is not None and project.version != expected_version:
        raise VersionConflict(project, [])
    if project.is_dropped:
        raise ValidationError("项目已终止，不能变更阶段")
    if stage == project.stage:
        raise ValidationError(f"项目已处于{Stage(stage).label}阶段")
    going_back = stage < project.stage
    if going_back and not reason.strip():
        raise ValidationError("退回阶段须填写原因")
    values: dict[str, Any] = {"stage": stage}
    if going_back:
        for s, name in STAGE_DATE_FIELD.items():
            if s > stage:
                values[name] = None
    else:
        earlier = [getattr(project, STAGE_DATE_FIELD[s]) for s in STAGE_DATE_FIELD if s < stage]
        latest = max((d for d in earlier if d), default=None)
        if latest and on < latest:
            raise ValidationError(f"日期 {on} 早于上一阶段日期 {latest}，阶段日期不能倒退")
        if stage in STAGE_DATE_FIELD:
            values[STAGE_DATE_FIELD[stage]] = on
        if stage >= Stage.CONTRACTED:
            amount = contract_amount if contract_amount is not None else project.contract_amount
            if amount is None:
                raise ValidationError("推进到合同阶段须填写合同投资额(万元)")
            values["contract_amount"] = amount
            if project.contract_on is None and stage > Stage.CONTRACTED:
                values["contract_on"] = on
    project.version += 1
    save_changes(project, values, actor=actor, reason=reason or f"推进到{Stage(stage).label}")
    _add_event(
        project, stage, on, actor, evidence=evidence, reason=reason, evidence_file=evidence_file
    )
    return project


@transaction.atomic
def do_drop_project(
    project: Project,
    on: date,
    reason: str,
    *,
    actor,
    expected_version: int | None = None,
) -> Project:
    """Mark a project dropped (终止) from a day, with its reason."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_scope(actor, project.responsible_unit)
    if expected_version is not None and project.version != expected_version:
        raise VersionConflict(project, [])
    if not reason.strip():
        raise ValidationError("终止项目须填写终止原因")
    if project.is_dropped:
        raise ValidationError("项目已终止")
    project.version += 1
    save_changes(
        project,
        {"status": ProjectStatus.DROPPED, "dropped_on": on, "drop_reason": reason},
        actor=actor,
        reason=reason,
    )
    return project


@transaction.atomic
def do_record_funds(
    project: Project,
    on: date,
    amount: Decimal,
    *,
    note: str = "",
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> tuple[FundsEntry, bool, list[str]]:
    """Record (or correct) the funds that arrived for a project on a day.

    A correction made on a form passes the entry's stamp as ``expected_stamp``:
    when somebody changed (or removed) the entry since, nothing is saved.
    """
    _check_scope(actor, project.responsible_unit)
    if amount < 0:
        raise ValidationError("到位资金不能为负数")
    entry = FundsEntry.objects.select_for_update().filter(project=project, on=on).first()
    if expected_stamp and entry is None:
        raise StaleEdit(_("您打开表单后，这条到位资金记录已被他人删除，您的更正没有保存。"))
    if entry is not None:
        check_stamp(entry, expected_stamp, _("这条到位资金记录"))
    created = entry is None
    if created:
        entry = FundsEntry(project=project, on=on)
    return (
        entry,
        created,
        save_changes(
            entry,
            {"amount": amount, "note": note},
            actor=actor,
            reason=reason,
        ),
    )


@transaction.atomic
def do_add_follow_up(
    *,
    on: date,
    unit: Unit,
    kind: str,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
    content: str = "",
    participants: str = "",
    actor=None,
    reason: str | None = None,
    photo=None,
) -> tuple[FollowUp, bool]:
    """Add a follow-up; an identical one already recorded is not added twice.

    ``photo`` (an uploaded JPEG or PNG, checked here) is kept with it; a follow-up
    with a photo is always a new one.
    """
    _check_scope(actor, unit)
    if (
        actor is not None
        and project is not None
        and not scope_of(actor).contains(project.responsible_unit)
    ):
        # A follow-up may not name (and so reveal) a project the actor cannot see.
        raise Http404
    photo_ext = photo_type = ""
    if photo is not None:
        from zhaoshang.ledger.uploads import check_photo

        photo_ext, photo_type = check_photo(photo)
    same = (
        None
        if photo is not None
        else FollowUp.objects.filter(
            on=on,
            unit=unit,
            kind=kind,
            project=project,
            enterprise=enterprise,
            content=content,
            participants=participants,
        ).first()
    )
    if same is not None:
        return same, False
    follow_up = FollowUp(
        on=on,
        unit=unit,
        kind=kind,
        project=project,
        enterprise=enterprise,
        content=content,
        participants=participants,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if photo is not None:
        import uuid

        photo.name = f"{uuid.uuid4().hex}.{photo_ext}"
        follow_up.photo = photo
        follow_up.photo_type = photo_type
    mark(follow_up, actor, reason)
    follow_up.full_clean()
    follow_up.save()
    return follow_up, True


# --------------------------------------------------------------------------- pages
# The services below serve the ledger pages; the workbook loader has no use for them.


@transaction.atomic
def do_create_project(
    code: str,
    data: ProjectData,
    *,
    actor,
    reason: str | None = None,
    today: date | None = None,
) -> Project:
    """Create a new project; unlike :func:`do_save_project` an existing code is refused."""
    code = code.strip()
    if not code:
        raise ValidationError(_("「项目编号」：不能为空"))
    if Project.objects.filter(code=code).exists():
        # Codes are unique across the province; whose project it is stays hidden.
        raise ValidationError(_("「项目编号」：%(code)s 已被使用，请换一个编号") % {"code": code})
    project, _created, _changed = do_save_project(
        code, data, actor=actor, reason=reason or _("新建项目"), today=today
    )
    return project


def can_edit_enterprise(user, enterprise: Enterprise) -> bool:
    """Editors of the registering unit (or above it) keep an enterprise's record."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return enterprise.owner_unit is not None and scope.can_edit(enterprise.owner_unit)


def _check_uscc(uscc: str | None, current: str | None = None) -> None:
    """A new or changed USCC must have the code's form (18 characters of its alphabet, a
    subset of the record-code rule); a code stored before the check keeps working."""
    if not uscc or uscc == current:
        return
    problem = uscc_format_problem(uscc)
    if problem:
        raise ValidationError(problem)


def _check_enterprise_unique(name: str, uscc: str | None, exclude_pk: int | None) -> None:
    others = Enterprise.objects.exclude(pk=exclude_pk) if exclude_pk else Enterprise.objects
    problems = []
    if others.filter(name=name).exists():
        problems.append(_("「企业名称」：系统中已有名为「%(name)s」的客商") % {"name": name})
    if uscc and others.filter(uscc=uscc).exists():
        problems.append(_("「统一社会信用代码」：%(uscc)s 已登记为另一家客商") % {"uscc": uscc})
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def do_create_enterprise(
    *,
    name: str,
    owner_unit: Unit,
    uscc: str | None = None,
    ownership: str = "",
    origin: str = "",
    tags: list[tuple[str, int | None]] | None = None,
    note: str = "",
    actor,
    reason: str | None = None,
) -> Enterprise:
    """Register a new enterprise for ``owner_unit``; a name or USCC already used is refused."""
    _check_scope(actor, owner_unit)
    name = name.strip()
    _check_uscc(uscc)
    _check_enterprise_unique(name, uscc or None, None)
    enterprise = Enterprise(owner_unit=owner_unit)
    save_changes(
        enterprise,
        {
            "name": name,
            "uscc": uscc or None,
            "ownership": ownership,
            "origin": origin,
            "note": note,
        },
        actor=actor,
        reason=reason or _("登记客商"),
    )
    _sync_tags(enterprise, tags or [], actor=actor, reason=reason or _("登记客商"))
    return enterprise


@transaction.atomic
def do_edit_enterprise(
    enterprise: Enterprise,
    *,
    name: str,
    uscc: str | None,
    ownership: str,
    origin: str,
    tags: list[tuple[str, int | None]],
    note: str,
    actor,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> list[str]:
    """Change an enterprise's record and tags; returns the changed field names.

    Refused (:class:`StaleEdit`) when ``expected_stamp`` is not the record's stamp any more.
    """
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if actor is not None and not can_edit_enterprise(actor, enterprise):
        raise PermissionDenied
    check_stamp(enterprise, expected_stamp, _("客商资料"))
    name = name.strip()
    _check_uscc(uscc, enterprise.uscc)
    _check_enterprise_unique(name, uscc or None, enterprise.pk)
    changed = save_changes(
        enterprise,
        {
            "name": name,
            "uscc": uscc or None,
            "ownership": ownership,
            "origin": origin,
            "note": note,
        },
        actor=actor,
        reason=reason,
    )
    return changed + _sync_tags(enterprise, tags, actor=actor, reason=reason)


@transaction.atomic
def do_correct_project_code(project: Project, new_code: str, *, actor, reason: str) -> Project:
    """Give a project stored with a code outside the rule (legacy data) a valid one.

    Only such a project may change its code: a valid code is its lasting name in
    bulletins, files and links. The change is one history row (before, after, who).
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_scope(actor, project.responsible_unit)
    if code_problem(project.code, max_length=10**6) is None:
        raise ValidationError(_("项目编号 %(code)s 符合规则，不能修改") % {"code": project.code})
    problem = code_problem(new_code, label="项目编号", max_length=50)
    if problem:
        raise ValidationError(problem)
    if Project.objects.filter(code=new_code).exclude(pk=project.pk).exists():
        raise ValidationError(_("项目编号 %(code)s 已被使用，请换一个。") % {"code": new_code})
    project.version += 1
    save_changes(project, {"code": new_code}, actor=actor, reason=reason)
    return project


@transaction.atomic
def do_restore_project(
    project: Project,
    reason: str,
    *,
    actor,
    expected_version: int | None = None,
) -> Project:
    """Undo a drop (撤销终止): the project is active again at its stage."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_scope(actor, project.responsible_unit)
    if expected_version is not None and project.version != expected_version:
        raise VersionConflict(project, [])
    if not project.is_dropped:
        raise ValidationError(_("项目未终止，无需恢复"))
    if not reason.strip():
        raise ValidationError(_("恢复项目须填写原因"))
    project.version += 1
    save_changes(
        project,
        {"status": ProjectStatus.ACTIVE, "dropped_on": None, "drop_reason": ""},
        actor=actor,
        reason=reason,
    )
    return project


@transaction.atomic
def do_delete_funds(entry: FundsEntry, *, actor, reason: str) -> None:
    """Remove a funds entry typed in error; its history keeps what it said."""
    _check_scope(actor, entry.project.responsible_unit)
    if not reason.strip():
        raise ValidationError(_("删除到位资金记录须填写原因"))
    mark(entry, actor, reason)
    entry.delete()


@transaction.atomic
def do_save_filter(user, name: str, query: str) -> tuple[SavedFilter, bool]:
    """Keep (or overwrite) the user's filter called ``name``."""
    name = name.strip()
    if not name:
        raise ValidationError(_("请为常用筛选起个名称"))
    saved, created = SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"query": query}
    )
    return saved, created


@transaction.atomic
def do_delete_filter(user, saved: SavedFilter) -> None:
    if saved.user_id != user.pk:
        raise Http404
    saved.delete()


@transaction.atomic
def do_add_attachment(
    project: Project,
    upload,
    *,
    kind: str,
    note: str = "",
    actor,
) -> Attachment:
    """Keep an uploaded file with a project; the file is checked and stored under a random name."""
    from zhaoshang.ledger.uploads import check_upload, stored_name

    _check_scope(actor, project.responsible_unit)
    content_type = check_upload(upload)
    original = upload.name
    upload.name = stored_name(original)
    attachment = Attachment(
        project=project,
        kind=kind,
        file=upload,
        original_name=original[-200:],
        size=upload.size,
        content_type=content_type,
        note=note,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    mark(attachment, actor, (_("上传附件 %(name)s") % {"name": original})[:100])
    try:
        attachment.full_clean()
        attachment.save()
    except IntegrityError as exc:  # pragma: no cover - a database refusal
        raise ValidationError(str(exc)) from exc
    return attachment


@transaction.atomic
def do_delete_attachment(attachment: Attachment, *, actor, reason: str) -> None:
    """Remove an attachment from the project. The stored file stays on disk for the audit trail."""
    _check_scope(actor, attachment.project.responsible_unit)
    if not reason.strip():
        raise ValidationError(_("删除附件须填写原因"))
    mark(attachment, actor, reason)
    attachment.delete()


def fill_missing_search_keys(batch: int = 2000) -> int:
    """Write the pinyin keys of rows added by bulk inserts (which skip ``save``); returns rows fixed."""
    fixed = 0
    for model, fields in (
        (Project, ["name_pinyin", "search_text"]),
        (Enterprise, ["name_pinyin", "search_text", "name_key"]),
    ):
        rows = []
        for obj in model.objects.filter(search_text="").iterator(chunk_size=batch):
            obj.refresh_keys()
            rows.append(obj)
            if len(rows) >= batch:
                model.objects.bulk_update(rows, fields)
                fixed += len(rows)
                rows = []
        model.objects.bulk_update(rows, fields)
        fixed += len(rows)
    return fixed
