"""园区 — key 园区名称: the parks and the unit each belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from zhaoshang.ledger.models import Park
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import Planned, Row, SheetHandler, diff, field_max, in_chunks


@dataclass
class ParkRec:
    row: Row
    name: str
    unit: str


class ParksSheet(SheetHandler):
    spec = schema.PARKS

    def read(self, rows: list[Row]) -> None:
        self.records: list[ParkRec] = []
        seen: dict = {}
        for row in rows:
            name = row.text("园区名称", required=True, max_length=field_max(Park, "name"))
            rec = ParkRec(row, name, row.code("所属单位编码", required=True))
            if name and self.dedupe(seen, name, row, "园区名称", f"园区「{name}」"):
                self.records.append(rec)
        self.ctx.refer("park", *(r.name for r in self.records))

    def fetch(self) -> None:
        ctx = self.ctx
        ctx.db_parks = {}
        for chunk in in_chunks(ctx.refs["park"]):
            ctx.db_parks.update(
                {p.name: p for p in Park.objects.filter(name__in=chunk).select_related("unit")}
            )

    def resolve(self) -> None:
        ctx = self.ctx
        ctx.wb_park_names = {r.name for r in self.records}
        for rec in self.records:
            ctx.lookups.unit_known(rec.row, "所属单位编码", rec.unit)
            existing = ctx.db_parks.get(rec.name)
            changes = (
                diff({"所属单位编码": existing.unit.code}, {"所属单位编码": rec.unit})
                if existing
                else {}
            )
            rec.plan = Planned(rec.row, rec.name, existing, changes)
            self.plans.append(rec.plan)

    def write(self) -> None:
        from zhaoshang.ledger.services import do_save_park

        ctx = self.ctx
        ctx.parks_by_name = dict(ctx.db_parks)
        for rec in self.records:
            if rec.plan.action == "unchanged":
                continue
            with ctx.guard(rec.row):
                park, _created, _changed = do_save_park(
                    name=rec.name,
                    unit=ctx.units_by_code[rec.unit],
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
            ctx.parks_by_name[rec.name] = park

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Park.objects.select_related("unit"), scope).order_by("unit__path", "name")

    @classmethod
    def export_rows(cls, parks):
        for park in parks:
            yield {"园区名称": park.name, "所属单位编码": park.unit.code}
