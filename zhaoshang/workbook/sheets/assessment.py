"""考核方案 — key 行动编码 + 指标, and 加减分 — key 行动编码 + 事项: a campaign's assessment scheme."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaoshang.assessment.models import Item, Method, SchemeAdjustment, SchemeIndicator
from zhaoshang.campaigns.models import Indicator
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import INDICATOR_OPTIONS, KEEP, Planned, Row, SheetHandler, diff
from zhaoshang.workbook.values import ValueProblem, clean_text, parse_amount, round_to_cent

METHOD_OPTIONS = {str(label): value for value, label in Method.choices} | {
    "功效系数法": Method.EFFICACY,
    **{v: v for v in Method.values},
}
ITEM_OPTIONS = {str(label): value for value, label in Item.choices} | {
    "500强": Item.TOP500,
    **{v: v for v in Item.values},
}
MAX_POINTS = Decimal("99999.99")


def parse_points(value) -> Decimal:
    """Points as people write them: 5, -2, +3, 2.5, 5分, full-width digits."""
    if isinstance(value, str):
        value = clean_text(value).removesuffix("分")
    number = parse_amount(value)
    if number is None:
        raise ValueProblem("不能为空")
    return number


def read_points(row: Row, column: str, *, required: bool, signed: bool) -> Decimal | None:
    points = row._parse(column, parse_points, required)
    if points is None:
        return None
    if points < 0 and not signed:
        row.error(column, f"「{row.cell(column).value}」：不能为负数")
        return None
    rounded = round_to_cent(points)
    if abs(rounded) > MAX_POINTS:
        row.error(column, f"「{row.cell(column).value}」：分值过大")
        return None
    if rounded != points:
        row.warn(column, f"「{row.cell(column).value}」保留两位小数，按 {rounded} 记录")
    return rounded


@dataclass
class IndicatorRec:
    row: Row
    campaign: str
    indicator: str | None
    weight: Decimal | None
    method: str | None


@dataclass
class AdjustmentRec:
    row: Row
    campaign: str
    item: str | None
    points: Decimal | None
    cap: Any


class SchemeSheet(SheetHandler):
    spec = schema.SCHEME

    def read(self, rows: list[Row]) -> None:
        self.records: list[IndicatorRec] = []
        seen: dict = {}
        for row in rows:
            rec = IndicatorRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                indicator=row.choice(
                    "指标", INDICATOR_OPTIONS, required=True, shown=schema.INDICATORS
                ),
                weight=read_points(row, "权重(分)", required=True, signed=False),
                method=row.choice("计分方法", METHOD_OPTIONS, required=True, shown=schema.METHODS),
            )
            if rec.campaign and rec.indicator:
                label = f"行动「{rec.campaign}」的考核指标「{Indicator(rec.indicator).label}」"
                if self.dedupe(seen, (rec.campaign, rec.indicator), row, "指标", label):
                    self.records.append(rec)
        self.ctx.refer("campaign", *(r.campaign for r in self.records))

    def fetch(self) -> None:
        codes = {r.campaign for r in self.records}
        self.existing = (
            {
                (s.campaign.code, s.indicator): s
                for s in SchemeIndicator.objects.filter(campaign__code__in=codes).select_related(
                    "campaign"
                )
            }
            if codes
            else {}
        )

    def resolve(self) -> None:
        for rec in self.records:
            self.ctx.lookups.campaign_known(rec.row, rec.campaign)
            existing = self.existing.get((rec.campaign, rec.indicator))
            changes = {}
            if existing is not None:
                changes = diff(
                    {"权重(分)": existing.weight, "计分方法": existing.get_method_display()},
                    {
                        "权重(分)": rec.weight,
                        "计分方法": str(Method(rec.method).label) if rec.method else "",
                    },
                )
            rec.plan = Planned(rec.row, f"{rec.campaign} {rec.indicator}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.assessment.services import do_save_scheme_indicator

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                do_save_scheme_indicator(
                    ctx.campaigns_by_code[rec.campaign],
                    rec.indicator,
                    rec.weight,
                    rec.method,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        return (
            SchemeIndicator.objects.filter(campaign__in=_campaigns(scope))
            .select_related("campaign")
            .order_by("campaign__code", "id")
        )

    @classmethod
    def export_rows(cls, rows):
        for r in rows:
            yield {
                "行动编码": r.campaign.code,
                "指标": str(Indicator(r.indicator).label),
                "权重(分)": r.weight,
                "计分方法": str(Method(r.method).label),
            }


class AdjustmentsSheet(SheetHandler):
    spec = schema.ADJUSTMENTS

    def read(self, rows: list[Row]) -> None:
        self.records: list[AdjustmentRec] = []
        seen: dict = {}
        for row in rows:
            rec = AdjustmentRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                item=row.choice("事项", ITEM_OPTIONS, required=True, shown=schema.ADJUSTMENT_ITEMS),
                points=read_points(row, "每项分值", required=True, signed=True),
                cap=row.optional("上限(分)", read_points, row=row, required=False, signed=False),
            )
            if rec.campaign and rec.item:
                label = f"行动「{rec.campaign}」的加减分事项「{Item(rec.item).label}」"
                if self.dedupe(seen, (rec.campaign, rec.item), row, "事项", label):
                    self.records.append(rec)
        self.ctx.refer("campaign", *(r.campaign for r in self.records))

    def fetch(self) -> None:
        codes = {r.campaign for r in self.records}
        self.existing = (
            {
                (s.campaign.code, s.item): s
                for s in SchemeAdjustment.objects.filter(campaign__code__in=codes).select_related(
                    "campaign"
                )
            }
            if codes
            else {}
        )

    def resolve(self) -> None:
        for rec in self.records:
            self.ctx.lookups.campaign_known(rec.row, rec.campaign)
            existing = self.existing.get((rec.campaign, rec.item))
            if rec.cap is KEEP:
                rec.cap = existing.cap if existing else None
            changes = {}
            if existing is not None:
                changes = diff(
                    {"每项分值": existing.points, "上限(分)": existing.cap},
                    {"每项分值": rec.points, "上限(分)": rec.cap},
                )
            rec.plan = Planned(rec.row, f"{rec.campaign} {rec.item}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.assessment.services import do_save_scheme_adjustment

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                do_save_scheme_adjustment(
                    ctx.campaigns_by_code[rec.campaign],
                    rec.item,
                    rec.points,
                    rec.cap,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        return (
            SchemeAdjustment.objects.filter(campaign__in=_campaigns(scope))
            .select_related("campaign")
            .order_by("campaign__code", "id")
        )

    @classmethod
    def export_rows(cls, rows):
        for r in rows:
            yield {
                "行动编码": r.campaign.code,
                "事项": str(Item(r.item).label),
                "每项分值": r.points,
                "上限(分)": r.cap,
            }


def _campaigns(scope):
    from zhaoshang.campaigns.models import Campaign

    return restrict(Campaign.objects.all(), scope).values("pk")
