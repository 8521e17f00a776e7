"""客商 — key 统一社会信用代码, else 企业名称: investor enterprises and their honour tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhaoshang.ledger.models import Enterprise, Ownership
from zhaoshang.ledger.uscc import check_uscc, normalize_uscc, uscc_format_problem
from zhaoshang.org.scope import restrict
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import KEEP, Planned, Row, SheetHandler, diff, field_max, in_chunks
from zhaoshang.workbook.values import ValueProblem, parse_tag, split_list

TAG_LENGTH = 50


@dataclass
class EnterpriseRec:
    row: Row
    name: str
    uscc: Any  # str, None, KEEP
    ownership: Any
    origin: Any
    tags: Any  # list of (name, year), KEEP
    existing: Enterprise | None = None


def tags_text(tags) -> str:
    """Honour tags as the cell writes them: 名称(年份);名称, sorted."""
    items = sorted(tags, key=lambda t: (t[0], t[1] or 0))
    return ";".join(f"{n}({y})" if y else n for n, y in items)


def enterprise_row(enterprise: Enterprise) -> dict[str, object]:
    return {
        "企业名称": enterprise.name,
        "统一社会信用代码": enterprise.uscc or "",
        "企业性质": enterprise.ownership,
        "来源地": enterprise.origin,
        "荣誉标签": tags_text((t.name, t.year) for t in enterprise.tags.all()),
    }


def _read_tags(row: Row, column: str) -> list[tuple[str, int | None]]:
    tags: list[tuple[str, int | None]] = []
    for item in split_list(row.text(column)):
        try:
            name, year = parse_tag(item)
        except ValueProblem as problem:
            row.error("荣誉标签", str(problem))
            continue
        if len(name) > TAG_LENGTH:
            row.error("荣誉标签", f"「{name}」不能超过 {TAG_LENGTH} 个字符")
            continue
        if (name, year) not in tags:
            tags.append((name, year))
    return tags


def _read_uscc(row: Row, column: str) -> str | None:
    text = row.text(column)
    if not text:
        return None
    code = normalize_uscc(text)
    problem = uscc_format_problem(code)
    if problem:
        row.error("统一社会信用代码", problem)
        return None
    warning = check_uscc(code)
    if warning:
        row.warn("统一社会信用代码", warning)
    return code


class EnterprisesSheet(SheetHandler):
    spec = schema.ENTERPRISES

    def read(self, rows: list[Row]) -> None:
        self.records: list[EnterpriseRec] = []
        by_name: dict = {}
        by_uscc: dict = {}
        ownerships = {k: k for k in Ownership.values}
        for row in rows:
            name = row.text("企业名称", required=True, max_length=field_max(Enterprise, "name"))
            rec = EnterpriseRec(
                row=row,
                name=name,
                uscc=row.optional("统一社会信用代码", _read_uscc, row=row),
                ownership=row.optional("企业性质", row.choice, options=ownerships),
                origin=row.optional("来源地", row.text, max_length=field_max(Enterprise, "origin")),
                tags=row.optional("荣誉标签", _read_tags, row=row),
            )
            if rec.ownership is None:
                rec.ownership = ""
            if not name:
                continue
            unique = self.dedupe(by_name, name, row, "企业名称", f"企业名称「{name}」")
            if rec.uscc not in (None, KEEP):
                unique &= self.dedupe(
                    by_uscc, rec.uscc, row, "统一社会信用代码", f"统一社会信用代码「{rec.uscc}」"
                )
            if unique:
                self.records.append(rec)
        self.ctx.refer("enterprise", *(r.name for r in self.records))

    def fetch(self) -> None:
        ctx = self.ctx
        names = ctx.refs["enterprise"]
        usccs = {r.uscc for r in self.records if r.uscc not in (KEEP, None)}
        ctx.db_enterprises_by_name = {}
        ctx.db_enterprises_by_uscc = {}
        found: dict[int, Enterprise] = {}
        for chunk in in_chunks(names):
            found.update({e.pk: e for e in Enterprise.objects.filter(name__in=chunk)})
        for chunk in in_chunks(usccs):
            found.update({e.pk: e for e in Enterprise.objects.filter(uscc__in=chunk)})
        tags: dict[int, list] = {pk: [] for pk in found}
        from zhaoshang.ledger.models import EnterpriseTag

        for chunk in in_chunks(list(found)):
            for pk, name, year in EnterpriseTag.objects.filter(enterprise_id__in=chunk).values_list(
                "enterprise_id", "name", "year"
            ):
                tags[pk].append((name, year))
        self.db_tags = tags
        for enterprise in found.values():
            ctx.db_enterprises_by_name[enterprise.name] = enterprise
            if enterprise.uscc:
                ctx.db_enterprises_by_uscc[enterprise.uscc] = enterprise

    def resolve(self) -> None:
        ctx = self.ctx
        claimed: dict[int, Row] = {}
        for rec in self.records:
            match = None
            if rec.uscc not in (KEEP, None):
                match = ctx.db_enterprises_by_uscc.get(rec.uscc)
            named = ctx.db_enterprises_by_name.get(rec.name)
            if match is None and named is not None:
                if rec.uscc not in (KEEP, None) and named.uscc and named.uscc != rec.uscc:
                    rec.row.error(
                        "统一社会信用代码",
                        f"系统中的客商「{rec.name}」统一社会信用代码为 {named.uscc}，与本行不一致"
                        "（如确需更正代码，请在系统中修改该客商）",
                    )
                match = named
            elif match is not None and named is not None and named.pk != match.pk:
                rec.row.error(
                    "企业名称",
                    f"企业名称「{rec.name}」已被系统中另一家客商使用"
                    f"（统一社会信用代码 {named.uscc or '无'}），而本行代码对应的是「{match.name}」",
                )
            if match is not None:
                if match.pk in claimed:
                    rec.row.error(
                        "企业名称",
                        f"与第{claimed[match.pk].number}行指向系统中同一家客商「{match.name}」",
                    )
                claimed[match.pk] = rec.row
            rec.existing = match
            if rec.uscc is KEEP:
                rec.uscc = match.uscc if match else None
            if match is not None:
                if rec.ownership is KEEP:
                    rec.ownership = match.ownership
                if rec.origin is KEEP:
                    rec.origin = match.origin
            else:
                rec.ownership = "" if rec.ownership is KEEP else rec.ownership
                rec.origin = "" if rec.origin is KEEP else rec.origin
            changes = {}
            if match is not None:
                existing_tags = self.db_tags.get(match.pk, [])
                old = {
                    "企业名称": match.name,
                    "统一社会信用代码": match.uscc or "",
                    "企业性质": match.ownership,
                    "来源地": match.origin,
                    "荣誉标签": tags_text(existing_tags),
                }
                new = {
                    "企业名称": rec.name,
                    "统一社会信用代码": rec.uscc or "",
                    "企业性质": rec.ownership,
                    "来源地": rec.origin,
                    "荣誉标签": tags_text(existing_tags if rec.tags is KEEP else rec.tags),
                }
                changes = diff(old, new)
            rec.plan = Planned(rec.row, rec.name, match, changes)
            self.plans.append(rec.plan)
        # Names that will exist after the import: a row may rename an enterprise.
        renamed_away = {
            r.existing.name
            for r in self.records
            if r.existing is not None and r.existing.name != r.name
        }
        ctx.enterprise_names = {r.name for r in self.records} | (
            set(ctx.db_enterprises_by_name) - renamed_away
        )

    def _root_unit(self):
        roots = [u for u in self.ctx.units_by_code.values() if u.parent_id is None]
        return min(roots, key=lambda u: (u.order, u.code)) if roots else None

    def write(self) -> None:
        from zhaoshang.ledger.services import do_save_enterprise

        ctx = self.ctx
        ctx.enterprises_by_name = {
            name: e
            for name, e in ctx.db_enterprises_by_name.items()
            if name in ctx.enterprise_names
        }
        for rec in self.records:
            if rec.plan.action == "unchanged":
                ctx.enterprises_by_name[rec.name] = rec.existing
                continue
            owner = None
            if rec.existing is None:
                # The unit that registers a new enterprise: the first project or
                # follow-up of this workbook that names it, else the root unit.
                owner_code = ctx.enterprise_owner.get(rec.name)
                owner = ctx.units_by_code.get(owner_code) if owner_code else self._root_unit()
            with ctx.guard(rec.row):
                enterprise, _created, _changed = do_save_enterprise(
                    name=rec.name,
                    uscc=rec.uscc,
                    ownership=rec.ownership,
                    origin=rec.origin,
                    tags=None if rec.tags is KEEP else rec.tags,
                    owner_unit=owner,
                    actor=ctx.actor,
                    reason=ctx.reason,
                )
            ctx.enterprises_by_name[rec.name] = enterprise

    @classmethod
    def export_queryset(cls, scope):
        return restrict(Enterprise.objects.prefetch_related("tags"), scope).order_by(
            "name_pinyin", "pk"
        )

    @classmethod
    def export_rows(cls, enterprises):
        for enterprise in enterprises:
            yield enterprise_row(enterprise)
