"""督办事项 — key 事项编号: supervised tasks, created or updated through the task services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import KEEP, Planned, Row, SheetHandler, diff

# What people write in 来源 → the task's source (the contract's four words and ours).
SOURCE_OPTIONS = {
    "会议": "meeting",
    "领导批示": "instruction",
    "通报问题": "diagnosis",
    "通报诊断": "diagnosis",
    "通知": "notice",
    "其他": "manual",
    "手工": "manual",
    "手工交办": "manual",
}
SOURCE_WORDS = {
    "meeting": "会议",
    "instruction": "领导批示",
    "diagnosis": "通报问题",
    "notice": "通知",
    "manual": "其他",
}


@dataclass
class TaskRec:
    row: Row
    code: str
    content: str
    source: Any
    campaign: str
    lead: str
    assisting: list[str]
    person: Any
    assigned_on: date | None
    deadline: date | None
    closed_on: Any
    goal: Any
    watching: Any


class TasksSheet(SheetHandler):
    spec = schema.TASKS

    def read(self, rows: list[Row]) -> None:
        self.records: list[TaskRec] = []
        seen: dict = {}
        for row in rows:
            rec = TaskRec(
                row=row,
                code=row.code("事项编号", required=True, max_length=50),
                content=row.text("事项内容", required=True),
                source=row.optional(
                    "来源", row.choice, options=SOURCE_OPTIONS, shown=schema.TASK_SOURCES
                ),
                campaign=row.code("行动编码"),
                lead=row.code("牵头单位编码", required=True),
                assisting=row.code_list("配合单位编码"),
                person=row.optional("责任人", row.text, max_length=50),
                assigned_on=row.date("交办日期", required=True),
                deadline=row.date("办理时限", required=True),
                closed_on=row.optional("办结日期", row.date),
                goal=row.optional("工作目标", row.text),
                watching=row.optional("领导关注", row.flag),
            )
            if rec.assigned_on and rec.deadline and rec.deadline < rec.assigned_on:
                row.error("办理时限", f"办理时限 {rec.deadline} 早于交办日期 {rec.assigned_on}")
            if rec.assigned_on and rec.closed_on not in (KEEP, None):
                if rec.closed_on < rec.assigned_on:
                    row.error(
                        "办结日期", f"办结日期 {rec.closed_on} 早于交办日期 {rec.assigned_on}"
                    )
            if rec.lead and rec.lead in rec.assisting:
                row.error("配合单位编码", f"配合单位「{rec.lead}」与牵头单位相同")
            if rec.code and self.dedupe(seen, rec.code, row, "事项编号", f"事项编号「{rec.code}」"):
                self.records.append(rec)
        self.ctx.refer("campaign", *(r.campaign for r in self.records))

    def fetch(self) -> None:
        from zhaoshang.supervision.models import Task

        codes = [r.code for r in self.records]
        self.existing = {}
        if codes:
            for t in (
                Task.objects.filter(code__in=codes)
                .select_related("campaign", "lead_unit")
                .prefetch_related("assisting_units")
            ):
                self.existing[t.code] = t

    def resolve(self) -> None:
        ctx = self.ctx
        for rec in self.records:
            row = rec.row
            if rec.campaign:
                ctx.lookups.campaign_known(row, rec.campaign)
            ctx.lookups.unit_known(row, "牵头单位编码", rec.lead)
            for code in rec.assisting:
                ctx.lookups.unit_known(row, "配合单位编码", code)
            existing = self.existing.get(rec.code)
            if existing is not None:
                # Absent columns keep what the task says.
                if rec.source is KEEP:
                    rec.source = existing.source
                if rec.person is KEEP:
                    rec.person = existing.person
                if rec.closed_on is KEEP:
                    rec.closed_on = existing.closed_on
                if rec.goal is KEEP:
                    rec.goal = existing.goal
                if rec.watching is KEEP:
                    rec.watching = existing.leader_watching
            rec.source = rec.source if rec.source not in (KEEP, None) else "manual"
            rec.person = "" if rec.person in (KEEP, None) else rec.person
            rec.closed_on = None if rec.closed_on is KEEP else rec.closed_on
            rec.goal = "" if rec.goal in (KEEP, None) else rec.goal
            rec.watching = bool(rec.watching) if rec.watching is not KEEP else False
            changes = {}
            if existing is not None:
                changes = diff(self._shown(existing), self._values(rec))
            rec.plan = Planned(row, rec.code, existing, changes)
            self.plans.append(rec.plan)

    @staticmethod
    def _values(rec: TaskRec) -> dict:
        return {
            "事项内容": rec.content,
            "来源": SOURCE_WORDS[rec.source],
            "行动编码": rec.campaign,
            "牵头单位编码": rec.lead,
            "配合单位编码": sorted(rec.assisting),
            "责任人": rec.person,
            "交办日期": rec.assigned_on,
            "办理时限": rec.deadline,
            "办结日期": rec.closed_on,
            "工作目标": rec.goal,
            "领导关注": rec.watching,
        }

    @staticmethod
    def _shown(t) -> dict:
        return {
            "事项内容": t.content,
            "来源": SOURCE_WORDS[t.source],
            "行动编码": t.campaign.code if t.campaign_id else "",
            "牵头单位编码": t.lead_unit.code,
            "配合单位编码": sorted(u.code for u in t.assisting_units.all()),
            "责任人": t.person,
            "交办日期": t.assigned_on,
            "办理时限": t.deadline,
            "办结日期": t.closed_on,
            "工作目标": t.goal,
            "领导关注": t.leader_watching,
        }

    def write(self) -> None:
        from zhaoshang.supervision.services import create_task, do_update_task

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            campaign = ctx.campaigns_by_code[rec.campaign] if rec.campaign else None
            lead = ctx.units_by_code[rec.lead]
            assisting = [ctx.units_by_code[c] for c in rec.assisting]
            with ctx.guard(rec.row):
                task = rec.plan.existing
                if task is None:
                    task = create_task(
                        rec.content,
                        lead,
                        rec.deadline,
                        actor=ctx.actor,
                        source=rec.source,
                        campaign=campaign,
                        goal=rec.goal,
                        assisting_units=assisting,
                        person=rec.person,
                        leader_watching=rec.watching,
                        assigned_on=rec.assigned_on,
                        code=rec.code,
                        note="由数据工作簿导入",
                    )
                    if rec.closed_on is None:
                        continue
                do_update_task(
                    task,
                    actor=ctx.actor,
                    reason=ctx.reason or "由数据工作簿导入",
                    assisting_units=assisting,
                    closed_on=rec.closed_on,
                    content=rec.content,
                    goal=rec.goal,
                    source=rec.source,
                    campaign=campaign,
                    lead_unit=lead,
                    person=rec.person,
                    assigned_on=rec.assigned_on,
                    deadline=rec.deadline,
                    leader_watching=rec.watching,
                )

    @classmethod
    def export_queryset(cls, scope):
        from zhaoshang.supervision.models import Task

        return (
            restrict(Task.objects.select_related("campaign", "lead_unit"), scope)
            .prefetch_related("assisting_units")
            .order_by("code")
        )

    @classmethod
    def export_rows(cls, tasks):
        for t in tasks:
            values = {"事项编号": t.code, **cls._shown(t)}
            values["配合单位编码"] = ";".join(values["配合单位编码"])
            yield values
