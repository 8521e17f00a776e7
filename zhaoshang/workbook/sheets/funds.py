"""到位资金 — key 项目编号 + 日期: funds arrived for a project on a day (万元)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhaoshang.ledger.models import FundsEntry
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import Planned, Row, SheetHandler, diff, in_chunks


@dataclass
class FundsRec:
    row: Row
    project: str
    on: date | None
    amount: Decimal | None


class FundsSheet(SheetHandler):
    spec = schema.FUNDS

    def read(self, rows: list[Row]) -> None:
        self.records: list[FundsRec] = []
        seen: dict = {}
        for row in rows:
            rec = FundsRec(
                row=row,
                project=row.code("项目编号", required=True),
                on=row.date("日期", required=True),
                amount=row.amount("金额(万元)", required=True),
            )
            if rec.project and rec.on:
                label = f"项目「{rec.project}」{rec.on} 的到位资金"
                if self.dedupe(seen, (rec.project, rec.on), row, "日期", label):
                    self.records.append(rec)
        self.ctx.refer("project", *(r.project for r in self.records))

    def fetch(self) -> None:
        self.existing: dict[tuple[str, date], FundsEntry] = {}
        codes = {r.project for r in self.records}
        for chunk in in_chunks(codes):
            for entry in FundsEntry.objects.filter(project__code__in=chunk).select_related(
                "project"
            ):
                self.existing[(entry.project.code, entry.on)] = entry

    def resolve(self) -> None:
        for rec in self.records:
            self.ctx.lookups.project_known(rec.row, rec.project)
            existing = self.existing.get((rec.project, rec.on))
            changes = (
                diff({"金额(万元)": existing.amount}, {"金额(万元)": rec.amount})
                if existing
                else {}
            )
            rec.plan = Planned(rec.row, f"{rec.project} {rec.on}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.ledger.bulk import NewFunds, bulk_add_funds
        from zhaoshang.ledger.services import do_record_funds
        from zhaoshang.org.scope import require_edit

        ctx = self.ctx
        new = []
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            existing = rec.plan.existing
            if existing is None:
                new.append(rec)
                continue
            with ctx.guard(rec.row):
                do_record_funds(
                    ctx.projects_by_code[rec.project],
                    rec.on,
                    rec.amount,
                    note=existing.note,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
        if not new:
            return
        # New entries in one batch: the service's scope check per row against the
        # units already loaded, then the same rows and history as do_record_funds.
        units = {u.pk: u for u in ctx.units_by_code.values()}
        rows = []
        for rec in new:
            project = ctx.projects_by_code[rec.project]
            if ctx.actor is not None:
                unit = units.get(project.responsible_unit_id) or project.responsible_unit
                with ctx.guard(rec.row):
                    require_edit(ctx.actor, unit)
            rows.append(NewFunds(project.pk, rec.on, rec.amount))
        with ctx.guard(new[0].row):
            bulk_add_funds(rows, actor=ctx.actor, reason=ctx.reason)

    @classmethod
    def export_queryset(cls, scope):
        return restrict(FundsEntry.objects.select_related("project"), scope).order_by(
            "project__code", "on"
        )

    @classmethod
    def export_rows(cls, entries):
        for entry in entries.iterator(chunk_size=2000):
            yield {"项目编号": entry.project.code, "日期": entry.on, "金额(万元)": entry.amount}
