"""单位 — key 单位编码: the unit tree (contracts/workbook.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import KEEP, Planned, Row, SheetHandler, diff, field_max


@dataclass
class UnitRec:
    row: Row
    code: str
    name: str
    kind: str | None
    parent: Any  # code, "" for the root, KEEP
    order: Any  # int, KEEP
    # Reminder channels: text, or KEEP when the column is absent (the secret
    # also when empty: it is never exported, so an exported sheet keeps it).
    emails: Any = None
    wecom: Any = None
    dingtalk: Any = None
    secret: Any = None
    existing: Unit | None = None


CHANNEL_COLUMNS = ("通知邮箱", "企业微信机器人", "钉钉机器人")
SECRET_COLUMN = "钉钉加签密钥"
# Shown in place of a secret in previews and diffs: never the secret itself.
SECRET_SET = "（已设置）"


def unit_row(unit: Unit, parent_code: str | None) -> dict[str, object]:
    return {
        "单位编码": unit.code,
        "单位名称": unit.name,
        "上级单位编码": parent_code or "",
        "单位类型": unit.kind,
        "排序": unit.order,
    }


def channel_row(channels) -> dict[str, str]:
    """A unit's reminder channels as the sheet writes them (the secret never)."""
    if channels is None:
        return dict.fromkeys(CHANNEL_COLUMNS, "")
    return {
        "通知邮箱": channels.emails,
        "企业微信机器人": channels.wecom_webhook,
        "钉钉机器人": channels.dingtalk_webhook,
    }


def _webhook(row: Row, column: str) -> str:
    url = row.text(column, max_length=500)
    if url and not url.lower().startswith(("http://", "https://")):
        row.error(column, f"「{url}」不是网址，应以 http:// 或 https:// 开头")
    return url


def _emails(row: Row, column: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    addresses = row.text_list(column)
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            row.error(column, f"「{address}」不是有效的邮箱地址")
    text = ";".join(addresses)
    if len(text) > 500:
        row.error(column, f"不能超过 500 个字符（现为 {len(text)} 个）")
    return text


class UnitsSheet(SheetHandler):
    spec = schema.UNITS

    def read(self, rows: list[Row]) -> None:
        self.records: list[UnitRec] = []
        seen: dict = {}
        kinds = {k: k for k in UnitKind.values}
        for row in rows:
            code = row.record_code("单位编码", label="单位编码", max_length=field_max(Unit, "code"))
            rec = UnitRec(
                row=row,
                code=code,
                name=row.text("单位名称", required=True, max_length=field_max(Unit, "name")),
                kind=row.choice("单位类型", kinds, required=True),
                parent=row.optional("上级单位编码", row.code),
                order=row.optional("排序", row.integer),
            )
            if rec.order is None:
                rec.order = 0
            rec.emails = row.optional("通知邮箱", partial(_emails, row))
            rec.wecom = row.optional("企业微信机器人", partial(_webhook, row))
            rec.dingtalk = row.optional("钉钉机器人", partial(_webhook, row))
            secret = row.optional(SECRET_COLUMN, row.text, max_length=200)
            rec.secret = secret if secret else KEEP
            if code and rec.parent == code:
                row.error("上级单位编码", "上级单位不能是本单位自己")
            if code and self.dedupe(seen, code, row, "单位编码", f"单位编码「{code}」"):
                self.records.append(rec)

    def fetch(self) -> None:
        ctx = self.ctx
        # The whole tree: every sheet refers to units, and cycles need all parents.
        ctx.db_units = {u.code: u for u in Unit.objects.all()}
        ctx.db_units_by_id = {u.pk: u for u in ctx.db_units.values()}
        from zhaoshang.notify.models import ChannelSet

        # Few units have channels: the whole (small) table in one query.
        self.channels = {
            c.unit.code: c
            for c in ChannelSet.objects.filter(unit__isnull=False).select_related("unit")
        }

    def resolve(self) -> None:
        ctx = self.ctx
        ctx.wb_unit_codes = {r.code: r for r in self.records}
        parent_of: dict[str, str | None] = {}
        for unit in ctx.db_units.values():
            parent = ctx.db_units_by_id.get(unit.parent_id)
            parent_of[unit.code] = parent.code if parent else None
        old_parent = dict(parent_of)
        for rec in self.records:
            rec.existing = ctx.db_units.get(rec.code)
            if rec.parent is KEEP:
                rec.parent = parent_of.get(rec.code) if rec.existing else ""
            if rec.order is KEEP:
                rec.order = rec.existing.order if rec.existing else 0
            if rec.parent and ctx.lookups.unit_known(rec.row, "上级单位编码", rec.parent):
                parent_of[rec.code] = rec.parent
            else:
                parent_of[rec.code] = None
        # The tree as it will be after the import (by code), for checks of later sheets.
        ctx.parent_of = parent_of
        ctx.unit_order = {u.code: u.order for u in ctx.db_units.values()}
        ctx.unit_order.update({r.code: r.order for r in self.records if isinstance(r.order, int)})
        # A unit whose chain of parents comes back to itself can never be placed.
        reported: set[str] = set()
        self.depth: dict[str, int] = {}
        for rec in self.records:
            chain = [rec.code]
            current = parent_of.get(rec.code)
            while current is not None and current not in chain:
                chain.append(current)
                current = parent_of.get(current)
            if current is not None:
                cycle = chain[chain.index(current) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    path = " → ".join([*cycle, current])
                    rec.row.error("上级单位编码", f"上级单位形成循环：{path}")
                else:
                    rec.row.failed = True
                continue
            self.depth[rec.code] = len(chain) - 1
        for rec in self.records:
            new = {
                "单位名称": rec.name,
                "上级单位编码": rec.parent or "",
                "单位类型": rec.kind,
                "排序": rec.order,
            }
            old = unit_row(rec.existing, old_parent.get(rec.code)) if rec.existing else {}
            stored = self.channels.get(rec.code)
            old_channels = channel_row(stored)
            rec.channel_values = {}
            for column, value in zip(
                CHANNEL_COLUMNS, (rec.emails, rec.wecom, rec.dingtalk), strict=True
            ):
                rec.channel_values[column] = old_channels[column] if value is KEEP else value
            had_secret = bool(stored and stored.dingtalk_secret)
            if not rec.channel_values["钉钉机器人"]:
                rec.secret = ""  # no robot, no secret
            will_have_secret = had_secret if rec.secret is KEEP else bool(rec.secret)
            secret_changed = rec.secret is not KEEP and rec.secret != (
                stored.dingtalk_secret if stored else ""
            )
            new.update(rec.channel_values)
            old = {**old, **old_channels} if old else {}
            changes = diff(old, new) if old else {}
            if old and secret_changed:
                changes[SECRET_COLUMN] = (
                    SECRET_SET if had_secret else "",
                    "（已更改）" if will_have_secret else "",
                )
            rec.channels_changed = secret_changed or any(
                rec.channel_values[c] != old_channels[c] for c in CHANNEL_COLUMNS
            )
            plan = Planned(rec.row, rec.code, rec.existing, changes)
            rec.plan = plan
            self.plans.append(plan)

    def write(self) -> None:
        from zhaoshang.org.services import do_save_unit

        ctx = self.ctx
        ctx.units_by_code = dict(ctx.db_units)
        ordered = sorted(self.records, key=lambda r: (self.depth.get(r.code, 0), r.row.number))
        for rec in ordered:
            if rec.plan.action == "unchanged":
                continue
            if rec.existing is not None and not (
                set(rec.plan.changes) - set(CHANNEL_COLUMNS) - {SECRET_COLUMN}
            ):
                # Only the channels changed.
                ctx.units_by_code[rec.code] = rec.existing
                self._write_channels(rec, rec.existing)
                continue
            parent = ctx.units_by_code[rec.parent] if rec.parent else None
            existing = rec.existing
            # GB/T 2260 covers the prefecture and county levels; zones and
            # departments carry internal codes. Existing units keep their flag.
            official = (
                existing.official_code
                if existing
                else (
                    rec.kind in (UnitKind.PREFECTURE, UnitKind.COUNTY)
                    and rec.code.isdigit()
                    and len(rec.code) == 6
                )
            )
            with ctx.guard(rec.row):
                ctx.require_manage(existing if existing else parent)
                if existing is not None and parent is not None:
                    ctx.require_manage(parent)
                unit, _created, changed = do_save_unit(
                    rec.code,
                    name=rec.name,
                    kind=rec.kind,
                    parent=parent,
                    order=rec.order,
                    official_code=official,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
            ctx.units_by_code[rec.code] = unit
            if existing is not None and "parent" in changed:
                self._refresh_paths()
            self._write_channels(rec, unit)

    def _write_channels(self, rec: UnitRec, unit: Unit) -> None:
        from zhaoshang.notify.services import KEEP_SECRET, do_set_channels

        if not rec.channels_changed:
            return
        ctx = self.ctx
        with ctx.guard(rec.row):
            ctx.require_manage(unit)
            do_set_channels(
                unit,
                emails=rec.channel_values["通知邮箱"],
                wecom_webhook=rec.channel_values["企业微信机器人"],
                dingtalk_webhook=rec.channel_values["钉钉机器人"],
                dingtalk_secret=KEEP_SECRET if rec.secret is KEEP else rec.secret,
                actor=ctx.actor,
                reason=ctx.reason,
            )

    def _refresh_paths(self) -> None:
        """A moved unit rewrote its subtree's paths in the database; follow them here."""
        fresh = dict(Unit.objects.values_list("pk", "path"))
        for unit in self.ctx.units_by_code.values():
            if unit.pk in fresh:
                unit.path = fresh[unit.pk]
                unit.depth = unit.path.count("/") - 2

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Unit.objects.select_related("parent", "channels"), scope).order_by("path")

    @classmethod
    def export_rows(cls, units):
        for unit in units:
            row = unit_row(unit, unit.parent.code if unit.parent_id else None)
            # The reminder channels, never the DingTalk secret.
            row.update(channel_row(getattr(unit, "channels", None)))
            yield row
