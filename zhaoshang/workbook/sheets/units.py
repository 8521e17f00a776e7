"""单位 — key 单位编码: the unit tree (contracts/workbook.md)."""

from __future__ import annotations

from dataclasses import dataclass
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
    existing: Unit | None = None


def unit_row(unit: Unit, parent_code: str | None) -> dict[str, object]:
    return {
        "单位编码": unit.code,
        "单位名称": unit.name,
        "上级单位编码": parent_code or "",
        "单位类型": unit.kind,
        "排序": unit.order,
    }


class UnitsSheet(SheetHandler):
    spec = schema.UNITS

    def read(self, rows: list[Row]) -> None:
        self.records: list[UnitRec] = []
        seen: dict = {}
        kinds = {k: k for k in UnitKind.values}
        for row in rows:
            code = row.code("单位编码", required=True, max_length=field_max(Unit, "code"))
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
            if code and rec.parent == code:
                row.error("上级单位编码", "上级单位不能是本单位自己")
            if code and self.dedupe(seen, code, row, "单位编码", f"单位编码「{code}」"):
                self.records.append(rec)

    def fetch(self) -> None:
        ctx = self.ctx
        # The whole tree: every sheet refers to units, and cycles need all parents.
        ctx.db_units = {u.code: u for u in Unit.objects.all()}
        ctx.db_units_by_id = {u.pk: u for u in ctx.db_units.values()}

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
            plan = Planned(rec.row, rec.code, rec.existing, diff(old, new) if old else {})
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

    def _refresh_paths(self) -> None:
        """A moved unit rewrote its subtree's paths in the database; follow them here."""
        fresh = dict(Unit.objects.values_list("pk", "path"))
        for unit in self.ctx.units_by_code.values():
            if unit.pk in fresh:
                unit.path = fresh[unit.pk]
                unit.depth = unit.path.count("/") - 2

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Unit.objects.select_related("parent"), scope).order_by("path")

    @classmethod
    def export_rows(cls, units):
        for unit in units:
            yield unit_row(unit, unit.parent.code if unit.parent_id else None)
