"""专项行动 — key 行动编码: campaigns, their window, progress mode and primary indicator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from zhaoshang.campaigns.models import Campaign, Indicator, ScheduleMode
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import (
    INDICATOR_OPTIONS,
    KEEP,
    MODE_OPTIONS,
    Planned,
    Row,
    SheetHandler,
    diff,
    field_max,
    in_chunks,
)


@dataclass
class CampaignRec:
    row: Row
    code: str
    name: str
    start: date | None
    end: date | None
    mode: Any
    primary: Any


def mode_label(mode: str) -> str:
    return str(ScheduleMode(mode).label) if mode in ScheduleMode.values else mode


def indicator_label(indicator: str) -> str:
    return str(Indicator(indicator).label) if indicator in Indicator.values else indicator


def campaign_row(campaign: Campaign) -> dict[str, object]:
    return {
        "行动编码": campaign.code,
        "行动名称": campaign.name,
        "开始日期": campaign.start,
        "结束日期": campaign.end,
        "进度模式": mode_label(campaign.mode),
        "主指标": indicator_label(campaign.primary_indicator),
    }


class CampaignsSheet(SheetHandler):
    spec = schema.CAMPAIGNS

    def read(self, rows: list[Row]) -> None:
        self.records: list[CampaignRec] = []
        seen: dict = {}
        for row in rows:
            code = row.record_code(
                "行动编码", label="行动编码", max_length=field_max(Campaign, "code")
            )
            rec = CampaignRec(
                row=row,
                code=code,
                name=row.text("行动名称", required=True, max_length=field_max(Campaign, "name")),
                start=row.date("开始日期", required=True),
                end=row.date("结束日期", required=True),
                mode=row.optional("进度模式", row.choice, options=MODE_OPTIONS, shown=schema.MODES),
                primary=row.optional(
                    "主指标", row.choice, options=INDICATOR_OPTIONS, shown=schema.INDICATORS
                ),
            )
            if rec.mode is None:
                rec.mode = ScheduleMode.LINEAR
            if rec.primary is None:
                rec.primary = Indicator.CONTRACT_AMOUNT
            if rec.start and rec.end and rec.end < rec.start:
                row.error("结束日期", f"结束日期 {rec.end} 早于开始日期 {rec.start}")
            if code and self.dedupe(seen, code, row, "行动编码", f"行动编码「{code}」"):
                self.records.append(rec)
        self.ctx.refer("campaign", *(r.code for r in self.records))

    def fetch(self) -> None:
        ctx = self.ctx
        ctx.db_campaigns = {}
        for chunk in in_chunks(ctx.refs["campaign"]):
            ctx.db_campaigns.update({c.code: c for c in Campaign.objects.filter(code__in=chunk)})

    def resolve(self) -> None:
        ctx = self.ctx
        ctx.wb_campaigns = {r.code: r for r in self.records}
        for rec in self.records:
            existing = ctx.db_campaigns.get(rec.code)
            if rec.mode is KEEP:
                rec.mode = existing.mode if existing else ScheduleMode.LINEAR
            if rec.primary is KEEP:
                rec.primary = existing.primary_indicator if existing else Indicator.CONTRACT_AMOUNT
            changes = {}
            if existing is not None:
                new = {
                    "行动名称": rec.name,
                    "开始日期": rec.start,
                    "结束日期": rec.end,
                    "进度模式": mode_label(rec.mode),
                    "主指标": indicator_label(rec.primary),
                }
                changes = diff(campaign_row(existing), new)
            rec.plan = Planned(rec.row, rec.code, existing, changes)
            self.plans.append(rec.plan)

    def window(self, code: str) -> tuple[date, date] | None:
        rec = self.ctx.wb_campaigns.get(code)
        if rec is not None:
            return (rec.start, rec.end) if rec.start and rec.end else None
        existing = self.ctx.db_campaigns.get(code)
        return (existing.start, existing.end) if existing else None

    def write(self) -> None:
        from zhaoshang.campaigns.services import do_save_campaign

        ctx = self.ctx
        ctx.campaigns_by_code = dict(ctx.db_campaigns)
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                campaign, _created, _changed = do_save_campaign(
                    rec.code,
                    name=rec.name,
                    start=rec.start,
                    end=rec.end,
                    mode=rec.mode,
                    primary_indicator=rec.primary,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
            ctx.campaigns_by_code[rec.code] = campaign

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Campaign.objects.all(), scope).order_by("start", "code")

    @classmethod
    def export_rows(cls, campaigns):
        for campaign in campaigns:
            yield campaign_row(campaign)
