"""活动, 邀约, 签约: the conference, its invited enterprises and its signing list.

活动 (key 活动编码) and 邀约 (key 活动编码 + 企业名称) are written through
``zhaoshang.events.services``; 签约 (key 活动编码 + 项目编号) too, which sets a
project not yet at 签约 to 签约 on the event's first day through the ledger
service, keeps the stage and dates of one already there (集中签约), and never
changes the ledger's amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhaoshang.events.models import Event, GuestLevel, Invitation, InvitationStatus, Signing
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import KEEP, Planned, Row, SheetHandler, diff, field_max, in_chunks

STATUS_OPTIONS = {v: v for v in InvitationStatus.values}
LEVEL_OPTIONS = {v: v for v in GuestLevel.values}
# The reason kept for a 婉拒 imported without a 备注.
UNSTATED = "导入时未注明原因"


@dataclass
class EventRec:
    row: Row
    code: str
    name: str
    campaign: str
    start: date | None
    end: date | None
    place: str
    host: str
    plan: Planned | None = None


class EventsSheet(SheetHandler):
    spec = schema.EVENTS

    def read(self, rows: list[Row]) -> None:
        self.records: list[EventRec] = []
        seen: dict = {}
        ctx = self.ctx
        for row in rows:
            rec = EventRec(
                row=row,
                code=row.record_code(
                    "活动编码", label="活动编码", max_length=field_max(Event, "code")
                ),
                name=row.text("活动名称", required=True, max_length=field_max(Event, "name")),
                campaign=row.code("行动编码"),
                start=row.date("开始日期", required=True),
                end=row.date("结束日期"),
                place=row.text("地点", max_length=field_max(Event, "place")),
                host=row.code("主办单位编码"),
            )
            if rec.start and rec.end and rec.end < rec.start:
                row.error("结束日期", f"结束日期 {rec.end} 早于开始日期 {rec.start}")
            if rec.code and self.dedupe(seen, rec.code, row, "活动编码", f"活动编码「{rec.code}」"):
                self.records.append(rec)
            ctx.refer("campaign", rec.campaign)
            ctx.refer("unit", rec.host)
        ctx.refer("event", *(r.code for r in self.records))

    def fetch(self) -> None:
        ctx = self.ctx
        # Runs after the 邀约 and 签约 rows were read: their events are fetched too.
        ctx.db_events = {}
        for chunk in in_chunks(ctx.refs["event"]):
            ctx.db_events.update(
                {
                    e.code: e
                    for e in Event.objects.filter(code__in=chunk).select_related(
                        "campaign", "host_unit"
                    )
                }
            )

    def resolve(self) -> None:
        ctx = self.ctx
        ctx.wb_events = {r.code: r for r in self.records}
        for rec in self.records:
            ctx.lookups.campaign_known(rec.row, rec.campaign)
            ctx.lookups.unit_known(rec.row, "主办单位编码", rec.host)
            existing = ctx.db_events.get(rec.code)
            changes = {}
            if existing is not None:
                changes = diff(
                    event_row(existing),
                    {
                        "活动名称": rec.name,
                        "行动编码": rec.campaign,
                        "开始日期": rec.start,
                        "结束日期": rec.end,
                        "地点": rec.place,
                        "主办单位编码": rec.host,
                    },
                )
            rec.plan = Planned(rec.row, rec.code, existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.events.services import do_save_event

        ctx = self.ctx
        ctx.events_by_code = dict(ctx.db_events)
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            existing = rec.plan.existing
            with ctx.guard(rec.row):
                event, _created, _changed = do_save_event(
                    rec.code,
                    name=rec.name,
                    start=rec.start,
                    end=rec.end,
                    kind=existing.kind if existing else "大会",
                    campaign=ctx.campaigns_by_code.get(rec.campaign) if rec.campaign else None,
                    place=rec.place,
                    host_unit=ctx.units_by_code.get(rec.host) if rec.host else None,
                    note=existing.note if existing else "",
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
            ctx.events_by_code[rec.code] = event

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Event.objects.select_related("campaign", "host_unit"), scope).order_by(
            "start", "code"
        )

    @classmethod
    def export_rows(cls, events):
        for event in events:
            yield event_row(event)


def event_row(e: Event) -> dict:
    return {
        "活动编码": e.code,
        "活动名称": e.name,
        "行动编码": e.campaign.code if e.campaign_id else "",
        "开始日期": e.start,
        "结束日期": e.end,
        "地点": e.place,
        "主办单位编码": e.host_unit.code if e.host_unit_id else "",
    }


def _event_known(ctx, row: Row, code: str) -> bool:
    if not code or code in ctx.wb_events or code in ctx.db_events:
        return True
    row.error("活动编码", f"活动编码「{code}」不存在（本工作簿「活动」表和系统中都没有）")
    return False


@dataclass
class InvitationRec:
    row: Row
    event: str
    enterprise: str
    unit: str
    inviter: str
    status: str | None
    guest_name: str
    guest_title: str
    guest_level: object
    companions: object
    arrival_on: object
    travel: str
    hotel: str
    note: str
    plan: Planned | None = None

    def values(self, existing: Invitation | None) -> dict:
        """The invitation's fields as the row says them (absent columns keep what is there)."""

        def keep(value, name, default):
            if value is KEEP:
                return getattr(existing, name) if existing else default
            return value

        declined = self.status == InvitationStatus.DECLINED
        return {
            "inviter": self.inviter,
            "guest_name": self.guest_name,
            "guest_title": self.guest_title,
            "guest_level": keep(self.guest_level, "guest_level", "") or "",
            "companions": keep(self.companions, "companions", 0) or 0,
            "arrival_on": keep(self.arrival_on, "arrival_on", None),
            "travel": self.travel,
            "hotel": self.hotel,
            "note": self.note,
            "decline_reason": (self.note or UNSTATED) if declined else "",
        }


class InvitationsSheet(SheetHandler):
    spec = schema.INVITATIONS

    def read(self, rows: list[Row]) -> None:
        self.records: list[InvitationRec] = []
        seen: dict = {}
        ctx = self.ctx
        for row in rows:
            rec = InvitationRec(
                row=row,
                event=row.code("活动编码", required=True),
                enterprise=row.text("企业名称", required=True),
                unit=row.code("邀请单位编码", required=True),
                inviter=row.text("邀请人", max_length=field_max(Invitation, "inviter")),
                status=row.choice("状态", STATUS_OPTIONS, required=True),
                guest_name=row.text("嘉宾姓名", max_length=field_max(Invitation, "guest_name")),
                guest_title=row.text("嘉宾职务", max_length=field_max(Invitation, "guest_title")),
                guest_level=row.optional("嘉宾级别", row.choice, options=LEVEL_OPTIONS),
                companions=row.optional("随行人数", row.integer),
                arrival_on=row.optional("抵达日期", row.date),
                travel=row.text("航班车次", max_length=field_max(Invitation, "travel")),
                hotel=row.text("住宿酒店", max_length=field_max(Invitation, "hotel")),
                note=row.text("备注"),
            )
            if rec.companions not in (None, KEEP) and not 0 <= rec.companions <= 999:
                row.error("随行人数", "须为 0 到 999 的整数")
            if rec.event and rec.enterprise:
                label = f"活动「{rec.event}」的客商「{rec.enterprise}」"
                if self.dedupe(seen, (rec.event, rec.enterprise), row, "企业名称", label):
                    self.records.append(rec)
            ctx.refer("event", rec.event)
            ctx.refer("enterprise", rec.enterprise)
            ctx.refer("unit", rec.unit)
            if rec.enterprise:
                ctx.enterprise_owner.setdefault(rec.enterprise, rec.unit)

    def fetch(self) -> None:
        self.existing: dict[tuple[str, str], Invitation] = {}
        names = {r.enterprise for r in self.records}
        for chunk in in_chunks(names):
            for inv in Invitation.objects.filter(enterprise__name__in=chunk).select_related(
                "event", "enterprise", "inviting_unit"
            ):
                self.existing[(inv.event.code, inv.enterprise.name)] = inv

    def resolve(self) -> None:
        ctx = self.ctx
        for rec in self.records:
            _event_known(ctx, rec.row, rec.event)
            ctx.lookups.enterprise_known(rec.row, "企业名称", rec.enterprise)
            ctx.lookups.unit_known(rec.row, "邀请单位编码", rec.unit)
            existing = self.existing.get((rec.event, rec.enterprise))
            changes = {}
            if existing is not None:
                new = rec.values(existing)
                changes = diff(
                    {
                        "邀请单位编码": existing.inviting_unit.code,
                        "状态": existing.status,
                        **{k: getattr(existing, k) for k in new},
                    },
                    {"邀请单位编码": rec.unit, "状态": rec.status, **new},
                )
            rec.plan = Planned(rec.row, f"{rec.event} {rec.enterprise}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.events.services import Guest, do_save_invitation

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            existing = rec.plan.existing
            values = rec.values(existing)
            decline_reason = values.pop("decline_reason")
            guest = Guest(
                **values,
                guest_phone=existing.guest_phone if existing else "",
                pickup=existing.pickup if existing else "",
                dietary=existing.dietary if existing else "",
                seat=existing.seat if existing else "",
            )
            with ctx.guard(rec.row):
                do_save_invitation(
                    ctx.events_by_code[rec.event],
                    ctx.enterprises_by_name[rec.enterprise],
                    inviting_unit=ctx.units_by_code[rec.unit],
                    status=rec.status,
                    decline_reason=decline_reason,
                    guest=guest,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        return restrict(
            Invitation.objects.select_related("event", "enterprise", "inviting_unit"), scope
        ).order_by("event__code", "inviting_unit__path", "enterprise__name_pinyin")

    @classmethod
    def export_rows(cls, invitations):
        for inv in invitations:
            yield {
                "活动编码": inv.event.code,
                "企业名称": inv.enterprise.name,
                "邀请单位编码": inv.inviting_unit.code,
                "邀请人": inv.inviter,
                "状态": inv.status,
                "嘉宾姓名": inv.guest_name,
                "嘉宾职务": inv.guest_title,
                "嘉宾级别": inv.guest_level,
                "随行人数": inv.companions,
                "抵达日期": inv.arrival_on,
                "航班车次": inv.travel,
                "住宿酒店": inv.hotel,
                "备注": inv.note,
            }


@dataclass
class SigningRec:
    row: Row
    event: str
    project: str
    order: object
    amount: Decimal | None
    ours: str
    theirs: str
    plan: Planned | None = None


class SigningsSheet(SheetHandler):
    spec = schema.SIGNINGS

    def read(self, rows: list[Row]) -> None:
        self.records: list[SigningRec] = []
        seen: dict = {}
        ctx = self.ctx
        for row in rows:
            rec = SigningRec(
                row=row,
                event=row.code("活动编码", required=True),
                project=row.code("项目编号", required=True),
                order=row.optional("签约顺序", row.integer),
                amount=row.amount("签约金额(万元)", required=True),
                ours=row.text("我方签约代表", max_length=field_max(Signing, "our_signatory")),
                theirs=row.text("对方签约代表", max_length=field_max(Signing, "their_signatory")),
            )
            if rec.order not in (None, KEEP) and rec.order < 1:
                row.error("签约顺序", "须为正整数")
            if rec.amount is not None and rec.amount < 0:
                row.error("签约金额(万元)", "不能为负数")
            if rec.event and rec.project:
                label = f"活动「{rec.event}」的项目「{rec.project}」"
                if self.dedupe(seen, (rec.event, rec.project), row, "项目编号", label):
                    self.records.append(rec)
            ctx.refer("event", rec.event)
            ctx.refer("project", rec.project)

    def fetch(self) -> None:
        self.existing: dict[tuple[str, str], Signing] = {}
        codes = {r.project for r in self.records}
        for chunk in in_chunks(codes):
            for s in Signing.objects.filter(project__code__in=chunk).select_related(
                "event", "project"
            ):
                self.existing[(s.event.code, s.project.code)] = s

    def resolve(self) -> None:
        ctx = self.ctx
        for rec in self.records:
            _event_known(ctx, rec.row, rec.event)
            ctx.lookups.project_known(rec.row, rec.project)
            existing = self.existing.get((rec.event, rec.project))
            if rec.order is KEEP:
                rec.order = existing.order if existing else None
            changes = {}
            if existing is not None:
                changes = diff(
                    {
                        "签约顺序": existing.order,
                        "签约金额(万元)": existing.amount,
                        "我方签约代表": existing.our_signatory,
                        "对方签约代表": existing.their_signatory,
                    },
                    {
                        "签约顺序": rec.order,
                        "签约金额(万元)": rec.amount,
                        "我方签约代表": rec.ours,
                        "对方签约代表": rec.theirs,
                    },
                )
            rec.plan = Planned(rec.row, f"{rec.event} {rec.project}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.events.services import do_save_signing

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            existing = rec.plan.existing
            project = ctx.projects_by_code[rec.project]
            investor = existing.investor if existing else project.investors.order_by("name").first()
            with ctx.guard(rec.row):
                do_save_signing(
                    ctx.events_by_code[rec.event],
                    project,
                    amount=rec.amount,
                    order=rec.order,
                    investor=investor,
                    our_signatory=rec.ours,
                    their_signatory=rec.theirs,
                    note=existing.note if existing else "",
                    actor=ctx.actor,
                    reason=ctx.reason,
                )

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Signing.objects.select_related("event", "project"), scope).order_by(
            "event__code", "order", "project__code"
        )

    @classmethod
    def export_rows(cls, signings):
        for s in signings:
            yield {
                "活动编码": s.event.code,
                "项目编号": s.project.code,
                "签约顺序": s.order,
                "签约金额(万元)": s.amount,
                "我方签约代表": s.our_signatory,
                "对方签约代表": s.their_signatory,
            }
