"""跟踪记录 — no key: promotion activities, always added; an identical one is skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhaoshang.ledger.models import FollowUp, FollowUpKind
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import Planned, Row, SheetHandler


@dataclass
class FollowUpRec:
    row: Row
    on: date | None
    unit: str
    kind: str | None
    project: str
    enterprise: str
    content: str
    participants: str

    @property
    def key(self) -> tuple:
        return (
            self.on,
            self.unit,
            self.kind,
            self.project,
            self.enterprise,
            self.content,
            self.participants,
        )


class FollowUpsSheet(SheetHandler):
    spec = schema.FOLLOW_UPS

    def read(self, rows: list[Row]) -> None:
        self.records: list[FollowUpRec] = []
        seen: dict = {}
        kinds = {k: k for k in FollowUpKind.values}
        ctx = self.ctx
        for row in rows:
            rec = FollowUpRec(
                row=row,
                on=row.date("日期", required=True),
                unit=row.code("单位编码", required=True),
                kind=row.choice("类型", kinds, required=True),
                project=row.code("项目编号"),
                enterprise=row.text("企业名称"),
                content=row.text("内容"),
                participants=row.text("参与人", max_length=200),
            )
            if rec.key in seen:
                row.warn(None, f"与第{seen[rec.key]}行完全相同，只记录一次")
            else:
                seen[rec.key] = row.number
            self.records.append(rec)
            ctx.refer("project", rec.project)
            ctx.refer("enterprise", rec.enterprise)
            if rec.enterprise:
                ctx.enterprise_owner.setdefault(rec.enterprise, rec.unit)

    def fetch(self) -> None:
        self.existing: set[tuple] = set()
        days = {r.on for r in self.records if r.on}
        if not days:
            return
        rows = FollowUp.objects.filter(on__in=days).values_list(
            "on",
            "unit__code",
            "kind",
            "project__code",
            "enterprise__name",
            "content",
            "participants",
        )
        for on, unit, kind, project, enterprise, content, participants in rows:
            self.existing.add(
                (on, unit, kind, project or "", enterprise or "", content, participants)
            )

    def resolve(self) -> None:
        lookups = self.ctx.lookups
        added: set[tuple] = set()
        for rec in self.records:
            lookups.unit_known(rec.row, "单位编码", rec.unit)
            lookups.project_known(rec.row, rec.project)
            lookups.enterprise_known(rec.row, "企业名称", rec.enterprise)
            # An identical record already there (or earlier in the file) is left as it is.
            same = rec.key in self.existing or rec.key in added
            added.add(rec.key)
            rec.plan = Planned(rec.row, "", True if same else None)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.ledger.services import do_add_follow_up

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                do_add_follow_up(
                    on=rec.on,
                    unit=ctx.units_by_code[rec.unit],
                    kind=rec.kind,
                    project=ctx.projects_by_code[rec.project] if rec.project else None,
                    enterprise=ctx.enterprises_by_name[rec.enterprise] if rec.enterprise else None,
                    content=rec.content,
                    participants=rec.participants,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        return restrict(
            FollowUp.objects.select_related("unit", "project", "enterprise"), scope
        ).order_by("on", "unit__path", "pk")

    @classmethod
    def export_rows(cls, follow_ups):
        for f in follow_ups.iterator(chunk_size=2000):
            yield {
                "日期": f.on,
                "单位编码": f.unit.code,
                "类型": f.kind,
                "项目编号": f.project.code if f.project_id else "",
                "企业名称": f.enterprise.name if f.enterprise_id else "",
                "内容": f.content,
                "参与人": f.participants,
            }
