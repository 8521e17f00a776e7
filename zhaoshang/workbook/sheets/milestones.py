"""节点 — key 行动编码 + 节点日期: the share of the target due by each milestone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhaoshang.campaigns.models import Milestone
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import Planned, Row, SheetHandler, diff, plain_number
from zhaoshang.workbook.values import round_to_cent

COLUMN = "应完成比例(%)"


@dataclass
class MilestoneRec:
    row: Row
    campaign: str
    on: date | None
    pct: Decimal | None


class MilestonesSheet(SheetHandler):
    spec = schema.MILESTONES

    def read(self, rows: list[Row]) -> None:
        self.records: list[MilestoneRec] = []
        seen: dict = {}
        for row in rows:
            rec = MilestoneRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                on=row.date("节点日期", required=True),
                pct=row.percent(COLUMN, required=True),
            )
            if rec.pct is not None:
                if not Decimal(0) <= rec.pct <= Decimal(1000):
                    row.error(COLUMN, f"应在 0 到 1000 之间（现为 {rec.pct}）")
                elif Decimal(0) < rec.pct <= Decimal(1) and not row.cell(COLUMN).percent:
                    row.warn(
                        COLUMN,
                        f"按 {rec.pct}% 记录；如指 {plain_number(rec.pct * 100)}%，"
                        f"请填写 {plain_number(rec.pct * 100)}",
                    )
                if rec.pct is not None and rec.pct != round_to_cent(rec.pct):
                    row.warn(COLUMN, f"保留两位小数，按 {round_to_cent(rec.pct)} 记录")
                    rec.pct = round_to_cent(rec.pct)
            if rec.campaign and rec.on:
                key = (rec.campaign, rec.on)
                label = f"行动「{rec.campaign}」的节点 {rec.on} "
                if self.dedupe(seen, key, row, "节点日期", label):
                    self.records.append(rec)
        self.ctx.refer("campaign", *(r.campaign for r in self.records))

    def fetch(self) -> None:
        codes = {r.campaign for r in self.records}
        self.existing = (
            {
                (m.campaign.code, m.on): m
                for m in Milestone.objects.filter(campaign__code__in=codes).select_related(
                    "campaign"
                )
            }
            if codes
            else {}
        )

    def resolve(self) -> None:
        ctx = self.ctx
        campaigns = ctx.handler("专项行动")
        for rec in self.records:
            if ctx.lookups.campaign_known(rec.row, rec.campaign):
                window = campaigns.window(rec.campaign)
                if window and rec.on and not window[0] <= rec.on <= window[1]:
                    rec.row.warn(
                        "节点日期",
                        f"节点日期 {rec.on} 不在行动期限 {window[0]} 至 {window[1]} 之内",
                    )
            existing = self.existing.get((rec.campaign, rec.on))
            changes = diff({COLUMN: existing.pct}, {COLUMN: rec.pct}) if existing else {}
            rec.plan = Planned(rec.row, f"{rec.campaign} {rec.on}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.campaigns.services import do_save_milestone

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                do_save_milestone(
                    ctx.campaigns_by_code[rec.campaign],
                    rec.on,
                    rec.pct,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        from zhaoshang.campaigns.models import Campaign

        campaigns = restrict(Campaign.objects.all(), scope).values("pk")
        return (
            Milestone.objects.filter(campaign__in=campaigns)
            .select_related("campaign")
            .order_by("campaign__code", "on")
        )

    @classmethod
    def export_rows(cls, milestones):
        for m in milestones:
            yield {"行动编码": m.campaign.code, "节点日期": m.on, COLUMN: m.pct}
