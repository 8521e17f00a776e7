"""目标任务 — key 行动编码 + 单位编码 + 指标: each unit's target per indicator."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaoshang.campaigns.models import Indicator, Target
from zhaoshang.org.models import Person
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import (
    INDICATOR_OPTIONS,
    KEEP,
    Planned,
    Row,
    SheetHandler,
    diff,
    field_max,
)


@dataclass
class TargetRec:
    row: Row
    campaign: str
    unit: str
    indicator: str | None
    value: Decimal | None
    person: Any
    deadline: Any


class TargetsSheet(SheetHandler):
    spec = schema.TARGETS

    def read(self, rows: list[Row]) -> None:
        self.records: list[TargetRec] = []
        seen: dict = {}
        for row in rows:
            indicator = row.choice(
                "指标", INDICATOR_OPTIONS, required=True, shown=schema.INDICATORS
            )
            counted = indicator is not None and indicator not in (
                Indicator.CONTRACT_AMOUNT,
                Indicator.FUNDS_IN_PLACE,
            )
            rec = TargetRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                unit=row.code("单位编码", required=True),
                indicator=indicator,
                value=row.amount("目标值", required=True, whole=counted),
                person=row.optional("责任人", row.text, max_length=field_max(Person, "name")),
                deadline=row.optional("完成时限", row.date),
            )
            if rec.campaign and rec.unit and indicator:
                key = (rec.campaign, rec.unit, indicator)
                label = f"行动「{rec.campaign}」单位「{rec.unit}」的指标「{Indicator(indicator).label}」"
                if self.dedupe(seen, key, row, "指标", label):
                    self.records.append(rec)
        ctx = self.ctx
        ctx.refer("campaign", *(r.campaign for r in self.records))
        for rec in self.records:
            if rec.person not in (KEEP, None, ""):
                ctx.need_person(rec.unit, rec.person)

    def fetch(self) -> None:
        codes = {r.campaign for r in self.records}
        self.existing = {}
        if codes:
            for t in Target.objects.filter(campaign__code__in=codes).select_related(
                "campaign", "unit", "person"
            ):
                self.existing[(t.campaign.code, t.unit.code, t.indicator)] = t

    def resolve(self) -> None:
        ctx = self.ctx
        for rec in self.records:
            ctx.lookups.campaign_known(rec.row, rec.campaign)
            ctx.lookups.unit_known(rec.row, "单位编码", rec.unit)
            existing = self.existing.get((rec.campaign, rec.unit, rec.indicator))
            if rec.person is KEEP:
                rec.person = existing.person.name if existing and existing.person_id else ""
            if rec.deadline is KEEP:
                rec.deadline = existing.deadline if existing else None
            changes = {}
            if existing is not None:
                old = {
                    "目标值": existing.value,
                    "责任人": existing.person.name if existing.person_id else "",
                    "完成时限": existing.deadline,
                }
                new = {"目标值": rec.value, "责任人": rec.person or "", "完成时限": rec.deadline}
                changes = diff(old, new)
            key = f"{rec.campaign} {rec.unit} {rec.indicator}"
            rec.plan = Planned(rec.row, key, existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.campaigns.services import do_save_target

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            campaign = ctx.campaigns_by_code[rec.campaign]
            unit = ctx.units_by_code[rec.unit]
            with ctx.guard(rec.row):
                person = ctx.person(unit, rec.person) if rec.person else None
                do_save_target(
                    campaign,
                    unit,
                    rec.indicator,
                    rec.value,
                    person=person,
                    deadline=rec.deadline,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        return restrict(
            Target.objects.select_related("campaign", "unit", "person"), scope
        ).order_by("campaign__code", "unit__path", "indicator")

    @classmethod
    def export_rows(cls, targets):
        for t in targets:
            yield {
                "行动编码": t.campaign.code,
                "单位编码": t.unit.code,
                "指标": str(Indicator(t.indicator).label),
                "目标值": t.value,
                "责任人": t.person.name if t.person_id else "",
                "完成时限": t.deadline,
            }
