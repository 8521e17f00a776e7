"""调度填报 — key 行动编码 + 截止时间 + 单位编码: units' reports to the dispatch rounds.

Written after the projects and funds: the figures a submission confirms are
the unit's ledger on the submission day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import Planned, Row, SheetHandler, diff


@dataclass
class SubmissionRec:
    row: Row
    campaign: str
    deadline: date | datetime | None
    unit: str
    submitted_at: date | datetime | None
    progress: str
    problems: str
    plan_text: str


def deadline_key(moment: date | datetime) -> datetime:
    """Deadlines compared as the service stores them: a bare day means its last second."""
    if isinstance(moment, datetime):
        return moment
    from zhaoshang.dispatch.services import END_OF_DAY

    return datetime.combine(moment, END_OF_DAY)


def moment_words(moment: date | datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if isinstance(moment, datetime) else moment.isoformat()


def _submitted(moment: date | datetime | None) -> datetime | None:
    if moment is not None and not isinstance(moment, datetime):
        # A bare day of submission is its start: reported that day counts as in time.
        moment = datetime.combine(moment, time.min)
    return moment


class SubmissionsSheet(SheetHandler):
    spec = schema.ROUNDS

    def read(self, rows: list[Row]) -> None:
        self.records: list[SubmissionRec] = []
        seen: dict = {}
        for row in rows:
            rec = SubmissionRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                deadline=row.moment("截止时间", required=True),
                unit=row.code("单位编码", required=True),
                submitted_at=row.moment("提交时间"),
                progress=row.text("进展情况"),
                problems=row.text("存在问题"),
                plan_text=row.text("下步计划"),
            )
            if rec.submitted_at is None and (rec.progress or rec.problems or rec.plan_text):
                row.warn("提交时间", "为空，按应报未报记录（所填内容一并保存）")
            elif rec.submitted_at is not None and not rec.progress:
                row.warn("进展情况", "为空（已按提交时间记为已报送）")
            if rec.campaign and rec.deadline and rec.unit:
                key = (rec.campaign, deadline_key(rec.deadline), rec.unit)
                label = (
                    f"行动「{rec.campaign}」截止时间 {moment_words(rec.deadline)} "
                    f"单位「{rec.unit}」的填报"
                )
                if self.dedupe(seen, key, row, "单位编码", label):
                    self.records.append(rec)
        self.ctx.refer("campaign", *(r.campaign for r in self.records))

    def fetch(self) -> None:
        from zhaoshang.dispatch.models import Submission

        self.existing = {}
        codes = {r.campaign for r in self.records}
        if not codes:
            return
        for s in Submission.objects.filter(round__campaign__code__in=codes).select_related(
            "round__campaign", "unit"
        ):
            deadline = timezone.localtime(s.round.deadline).replace(tzinfo=None)
            self.existing[(s.round.campaign.code, deadline, s.unit.code)] = s

    def _root_code(self, code: str) -> str | None:
        """The code of the unit organising campaign ``code`` (engine.progress.campaign_root)."""
        ctx = self.ctx
        existing = ctx.db_campaigns.get(code)
        if existing is not None and existing.unit_id:
            unit = ctx.db_units_by_id.get(existing.unit_id)
            return unit.code if unit else None
        # No organising unit: the first root of the tree, by display order then code.
        roots = [c for c, parent in ctx.parent_of.items() if parent is None]
        return min(roots, key=lambda c: (ctx.unit_order.get(c, 0), c)) if roots else None

    def resolve(self) -> None:
        ctx = self.ctx
        for rec in self.records:
            row = rec.row
            campaign_ok = ctx.lookups.campaign_known(row, rec.campaign)
            unit_ok = ctx.lookups.unit_known(row, "单位编码", rec.unit)
            if campaign_ok and unit_ok and rec.campaign and rec.unit:
                root = self._root_code(rec.campaign)
                if root is not None:
                    chain, current = [], ctx.parent_of.get(rec.unit)
                    while current is not None and current not in chain:
                        chain.append(current)
                        current = ctx.parent_of.get(current)
                    if rec.unit == root or root not in chain:
                        row.error(
                            "单位编码",
                            f"单位「{rec.unit}」不是专项行动「{rec.campaign}」的报送单位"
                            f"（应为组织单位「{root}」的下级单位）",
                        )
            key = (rec.campaign, deadline_key(rec.deadline), rec.unit) if rec.deadline else None
            existing = self.existing.get(key)
            changes = {}
            if existing is not None:
                when = existing.submitted_at
                old = {
                    "提交时间": timezone.localtime(when).replace(tzinfo=None) if when else None,
                    "进展情况": existing.progress,
                    "存在问题": existing.problems,
                    "下步计划": existing.plan,
                }
                new = {
                    "提交时间": _submitted(rec.submitted_at),
                    "进展情况": rec.progress,
                    "存在问题": rec.problems,
                    "下步计划": rec.plan_text,
                }
                changes = diff(old, new)
            rec.plan = Planned(row, f"{rec.campaign} {rec.unit}", existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.dispatch.services import do_save_submission

        ctx = self.ctx
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                do_save_submission(
                    ctx.campaigns_by_code[rec.campaign],
                    rec.deadline,
                    ctx.units_by_code[rec.unit],
                    _submitted(rec.submitted_at),
                    rec.progress,
                    rec.problems,
                    rec.plan_text,
                    actor=ctx.actor,
                )

    @classmethod
    def export_queryset(cls, scope):
        from zhaoshang.dispatch.models import Submission

        return restrict(
            Submission.objects.select_related("round__campaign", "unit"), scope
        ).order_by("round__campaign__code", "round__deadline", "unit__path")

    @classmethod
    def export_rows(cls, submissions):
        for s in submissions:
            when = s.submitted_at
            yield {
                "行动编码": s.round.campaign.code,
                "截止时间": timezone.localtime(s.round.deadline).replace(tzinfo=None),
                "单位编码": s.unit.code,
                "提交时间": timezone.localtime(when).replace(tzinfo=None) if when else None,
                "进展情况": s.progress,
                "存在问题": s.problems,
                "下步计划": s.plan,
            }
