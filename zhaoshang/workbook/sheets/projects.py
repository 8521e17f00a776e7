"""项目 — key 项目编号: the ledger's projects (contracts/workbook.md).

Resolving a row gives every field's final value: a column absent from the
sheet keeps the existing project's value, an empty cell means "none". The
plan compares the final values with the project as it is, column by column,
so the preview shows old → new and an unchanged row is not written at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch

from zhaoshang.ledger.models import (
    STAGE_DATE_FIELD,
    Enterprise,
    Industry,
    Project,
    ProjectStatus,
    Stage,
)
from zhaoshang.ledger.services import ProjectData, validate_project_data
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import (
    KEEP,
    STAGE_OPTIONS,
    STATUS_OPTIONS,
    Planned,
    Row,
    SheetHandler,
    diff,
    field_max,
    in_chunks,
)
from zhaoshang.workbook.industries import IndustryIndex
from zhaoshang.workbook.values import ValueProblem

STAGE_COLUMNS = {
    Stage.SIGNED: "签约日期",
    Stage.CONTRACTED: "合同签订日期",
    Stage.STARTED: "开工日期",
    Stage.OPERATING: "投产日期",
}


@dataclass
class ProjectRec:
    row: Row
    code: str
    name: str
    unit: str
    stage: int | None
    cooperating: Any
    person: Any
    investors: Any
    industry: Any
    is_industrial: Any
    park: Any
    is_key: Any
    planned: Any
    amount: Any
    dates: dict[int, Any]
    status: Any
    dropped_on: Any
    drop_reason: Any
    note: Any
    # Filled by resolve: every field's final value, references by code or name.
    final: dict[str, Any] = field(default_factory=dict)
    existing: Project | None = None


def project_row(project: Project) -> dict[str, object]:
    """One 项目 row of a project: column → value (str, Decimal, date or None)."""
    row: dict[str, object] = {
        "项目编号": project.code,
        "项目名称": project.name,
        "责任单位编码": project.responsible_unit.code,
        "配合单位编码": ";".join(sorted(u.code for u in project.cooperating_units.all())),
        "责任人": project.person.name if project.person_id else "",
        "投资方": ";".join(sorted(e.name for e in project.investors.all())),
        "所属行业": project.industry.code if project.industry_id else "",
        "是否工业项目": project.is_industrial,
        "所在园区": project.park.name if project.park_id else "",
        "是否重点项目": project.is_key,
        "计划总投资(万元)": project.planned_investment,
        "合同投资额(万元)": project.contract_amount,
        # The contract's words whatever the page language: the file must import again.
        "项目阶段": schema.STAGES[project.stage - 1],
    }
    for stage, column in STAGE_COLUMNS.items():
        row[column] = getattr(project, STAGE_DATE_FIELD[stage])
    row.update(
        {
            "状态": schema.STATUSES[0 if project.status == ProjectStatus.ACTIVE else 1],
            "终止日期": project.dropped_on,
            "终止原因": project.drop_reason,
            "备注": project.note,
        }
    )
    return row


def _final_row(rec: ProjectRec) -> dict[str, object]:
    final = rec.final
    person = final["person"]
    park = final["park"]
    industry = final["industry"]
    row: dict[str, object] = {
        "项目名称": rec.name,
        "责任单位编码": rec.unit,
        "配合单位编码": ";".join(sorted(final["cooperating"])),
        "责任人": person.name if isinstance(person, Person) else (person or ""),
        "投资方": ";".join(
            sorted(e.name if isinstance(e, Enterprise) else e for e in final["investors"])
        ),
        "所属行业": industry.code if industry else "",
        "是否工业项目": final["is_industrial"],
        "所在园区": park.name if hasattr(park, "name") else (park or ""),
        "是否重点项目": final["is_key"],
        "计划总投资(万元)": final["planned"],
        "合同投资额(万元)": final["amount"],
        "项目阶段": schema.STAGES[rec.stage - 1],
    }
    for stage, column in STAGE_COLUMNS.items():
        on = final["dates"].get(stage)
        row[column] = on if stage <= rec.stage else None
    row.update(
        {
            "状态": schema.STATUSES[1 if final["dropped_on"] else 0],
            "终止日期": final["dropped_on"],
            "终止原因": final["drop_reason"] if final["dropped_on"] else "",
            "备注": final["note"],
        }
    )
    return row


class ProjectsSheet(SheetHandler):
    spec = schema.PROJECTS

    def read(self, rows: list[Row]) -> None:
        self.records: list[ProjectRec] = []
        seen: dict = {}
        ctx = self.ctx
        for row in rows:
            code = row.record_code(
                "项目编号", label="项目编号", max_length=field_max(Project, "code")
            )
            rec = ProjectRec(
                row=row,
                code=code,
                name=row.text("项目名称", required=True, max_length=field_max(Project, "name")),
                unit=row.code("责任单位编码", required=True),
                stage=row.choice("项目阶段", STAGE_OPTIONS, required=True),
                cooperating=row.optional("配合单位编码", row.code_list),
                person=row.optional("责任人", row.text, max_length=field_max(Person, "name")),
                investors=row.optional("投资方", row.text_list),
                industry=row.optional("所属行业", row.text),
                is_industrial=row.optional("是否工业项目", row.flag),
                park=row.optional("所在园区", row.text),
                is_key=row.optional("是否重点项目", row.flag),
                planned=row.optional("计划总投资(万元)", row.amount),
                amount=row.optional("合同投资额(万元)", row.amount),
                dates={stage: row.optional(col, row.date) for stage, col in STAGE_COLUMNS.items()},
                status=row.optional("状态", row.choice, options=STATUS_OPTIONS),
                dropped_on=row.optional("终止日期", row.date),
                drop_reason=row.optional(
                    "终止原因", row.text, max_length=field_max(Project, "drop_reason")
                ),
                note=row.optional("备注", row.text),
            )
            if code and self.dedupe(seen, code, row, "项目编号", f"项目编号「{code}」"):
                self.records.append(rec)
        ctx.refer("project", *(r.code for r in self.records))
        for rec in self.records:
            if rec.investors is not KEEP:
                ctx.refer("enterprise", *rec.investors)
                for name in rec.investors:
                    ctx.enterprise_owner.setdefault(name, rec.unit)
            if rec.park not in (KEEP, None, ""):
                ctx.refer("park", rec.park)
            if rec.person not in (KEEP, None, ""):
                ctx.need_person(rec.unit, rec.person)

    def fetch(self) -> None:
        ctx = self.ctx
        ctx.db_projects = {}
        for chunk in in_chunks(ctx.refs["project"]):
            ctx.db_projects.update(
                {
                    p.code: p
                    for p in Project.objects.filter(code__in=chunk)
                    .select_related("responsible_unit", "person", "park", "industry")
                    .prefetch_related(
                        Prefetch("cooperating_units", queryset=Unit.objects.only("id", "code")),
                        Prefetch("investors", queryset=Enterprise.objects.only("id", "name")),
                    )
                }
            )
        self.industries = IndustryIndex(Industry.objects.all())

    def _industry(self, row: Row, text: str) -> Industry | None:
        try:
            found, warning = self.industries.find(text)
        except ValueProblem as problem:
            row.error("所属行业", str(problem))
            return None
        if warning:
            row.warn("所属行业", warning)
        return found

    def resolve(self) -> None:
        ctx = self.ctx
        lookups = ctx.lookups
        ctx.wb_project_codes = {r.code for r in self.records}
        for rec in self.records:
            row = rec.row
            ex = ctx.db_projects.get(rec.code)
            rec.existing = ex
            final: dict[str, Any] = {}

            def keep(value, existing_value, default, ex=ex):
                # A column absent from the sheet keeps the existing project's value.
                if value is KEEP:
                    return existing_value if ex is not None else default
                return value

            lookups.unit_known(row, "责任单位编码", rec.unit)
            cooperating = keep(
                rec.cooperating, [u.code for u in ex.cooperating_units.all()] if ex else [], []
            )
            final_coop = []
            for code in cooperating:
                if code == rec.unit:
                    row.warn("配合单位编码", f"责任单位「{code}」不必再列为配合单位，已略去")
                    continue
                if rec.cooperating is KEEP or lookups.unit_known(row, "配合单位编码", code):
                    final_coop.append(code)
            final["cooperating"] = final_coop
            final["person"] = keep(rec.person, ex.person if ex else None, "") or None

            investors = keep(rec.investors, list(ex.investors.all()) if ex else [], [])
            for item in investors:
                if not isinstance(item, Enterprise):
                    lookups.enterprise_known(row, "投资方", item)
            final["investors"] = investors

            industry = None
            if rec.industry is KEEP:
                industry = ex.industry if ex else None
            elif rec.industry:
                industry = self._industry(row, rec.industry)
            final["industry"] = industry

            if rec.is_industrial is KEEP and ex is not None:
                final["is_industrial"] = ex.is_industrial
            elif rec.is_industrial in (KEEP, None):
                final["is_industrial"] = bool(industry and industry.is_industry)
            else:
                final["is_industrial"] = rec.is_industrial

            park = keep(rec.park, ex.park if ex else None, None) or None
            if isinstance(park, str) and park not in ctx.wb_park_names and park not in ctx.db_parks:
                row.error("所在园区", f"园区「{park}」不存在（本工作簿「园区」表和系统中都没有）")
            final["park"] = park
            final["is_key"] = bool(keep(rec.is_key, ex.is_key if ex else False, False))
            final["planned"] = keep(rec.planned, ex.planned_investment if ex else None, None)
            final["amount"] = keep(rec.amount, ex.contract_amount if ex else None, None)
            final["note"] = keep(rec.note, ex.note if ex else "", "") or ""

            stage = rec.stage
            dates: dict[int, date | None] = {}
            for s, value in rec.dates.items():
                if value is KEEP:
                    # Kept dates of stages above the new stage would contradict it.
                    value = (
                        getattr(ex, STAGE_DATE_FIELD[s]) if ex and stage and s <= stage else None
                    )
                dates[s] = value
            final["dates"] = dates

            status = keep(
                rec.status, ex.status if ex else ProjectStatus.ACTIVE, ProjectStatus.ACTIVE
            )
            status = status or ProjectStatus.ACTIVE
            dropped_on = rec.dropped_on
            drop_reason = rec.drop_reason
            if status == ProjectStatus.DROPPED:
                if dropped_on is KEEP:
                    dropped_on = ex.dropped_on if ex else None
                if drop_reason is KEEP:
                    drop_reason = ex.drop_reason if ex else ""
                if dropped_on is None and "终止日期" not in row.failed_columns:
                    row.error("终止日期", "不能为空（状态为终止）")
            else:
                for column, value in (("终止日期", dropped_on), ("终止原因", drop_reason)):
                    if value not in (KEEP, None, ""):
                        row.error(
                            column, "状态不是终止，不应填写（如项目已终止，请在「状态」填写 终止）"
                        )
                dropped_on, drop_reason = None, ""
            final["dropped_on"] = dropped_on
            final["drop_reason"] = drop_reason or ""
            rec.final = final

            if stage is None:
                continue
            data = ProjectData(
                name=rec.name,
                responsible_unit=None,
                stage=stage,
                contract_amount=final["amount"],
                planned_investment=final["planned"],
                stage_dates=dates,
                dropped_on=dropped_on if status == ProjectStatus.DROPPED else None,
                drop_reason=final["drop_reason"],
            )
            for label, message in validate_project_data(data):
                if str(label) not in row.failed_columns:
                    row.error(str(label), message)
            if not row.failed:
                changes = diff(project_row(ex), _final_row(rec)) if ex else {}
                rec.plan = Planned(row, rec.code, ex, changes)
                self.plans.append(rec.plan)

    def data(self, rec: ProjectRec) -> ProjectData:
        """The row's final values with references resolved to the records written before."""
        ctx = self.ctx
        final = rec.final
        unit = ctx.units_by_code[rec.unit]
        person = final["person"]
        if isinstance(person, str):
            person = ctx.person(unit, person)
        park = final["park"]
        if isinstance(park, str):
            park = ctx.parks_by_name[park]
        return ProjectData(
            name=rec.name,
            responsible_unit=unit,
            stage=rec.stage,
            cooperating_units=[ctx.units_by_code[c] for c in final["cooperating"]],
            person=person,
            investors=[
                e if isinstance(e, Enterprise) else ctx.enterprises_by_name[e]
                for e in final["investors"]
            ],
            industry=final["industry"],
            is_industrial=final["is_industrial"],
            park=park,
            is_key=final["is_key"],
            planned_investment=final["planned"],
            contract_amount=final["amount"],
            stage_dates=final["dates"],
            dropped_on=final["dropped_on"],
            drop_reason=final["drop_reason"],
            note=final["note"],
        )

    def write(self) -> None:
        from zhaoshang.ledger.services import do_save_project

        ctx = self.ctx
        ctx.projects_by_code = dict(ctx.db_projects)
        new = []
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            if rec.plan.action == "create":
                new.append(rec)
                continue
            with ctx.guard(rec.row):
                project, _created, _changed = do_save_project(
                    rec.code, self.data(rec), actor=ctx.actor, reason=ctx.reason
                )
            ctx.projects_by_code[rec.code] = project
        if new:
            self._create(new)

    def _create(self, records: list[ProjectRec]) -> None:
        """New projects through the ledger's bulk path: the same rows and history as
        do_save_project, in a few statements per batch instead of about twenty per project."""
        from django.core.exceptions import PermissionDenied

        from zhaoshang.ledger.bulk import NewProject, bulk_add_projects
        from zhaoshang.org.scope import scope_of

        ctx = self.ctx
        scope = scope_of(ctx.actor) if ctx.actor is not None else None
        rows = []
        for rec in records:
            data = self.data(rec)
            if scope is not None and not scope.can_edit(data.responsible_unit):
                with ctx.guard(rec.row):
                    raise PermissionDenied
            rows.append(
                NewProject(
                    code=rec.code,
                    name=data.name,
                    responsible_unit_id=data.responsible_unit.pk,
                    stage=data.stage,
                    stage_dates=dict(data.stage_dates),
                    contract_amount=data.contract_amount,
                    planned_investment=data.planned_investment,
                    industry_id=data.industry.pk if data.industry else None,
                    is_industrial=data.is_industrial,
                    park_id=data.park.pk if data.park else None,
                    is_key=data.is_key,
                    person_id=data.person.pk if data.person else None,
                    investor_ids=[e.pk for e in data.investors],
                    cooperating_unit_ids=[u.pk for u in data.cooperating_units],
                    dropped_on=data.dropped_on,
                    drop_reason=data.drop_reason,
                    note=data.note,
                )
            )
        created: list[Project] = []
        with ctx.guard(records[0].row):
            bulk_add_projects(rows, actor=ctx.actor, reason=ctx.reason, created_out=created)
        ctx.projects_by_code.update({p.code: p for p in created})

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Project.objects.all(), scope).order_by("code")

    @classmethod
    def export_rows(cls, projects):
        rows = (
            projects.select_related("responsible_unit", "person", "park", "industry")
            .prefetch_related(
                Prefetch("cooperating_units", queryset=Unit.objects.only("id", "code")),
                Prefetch("investors", queryset=Enterprise.objects.only("id", "name")),
            )
            .iterator(chunk_size=2000)
        )
        for project in rows:
            yield project_row(project)
