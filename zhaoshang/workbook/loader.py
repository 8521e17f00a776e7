"""`zhaoshang load` and the web import: a data workbook (contracts/workbook.md), all or nothing.

The orchestrator runs every sheet handler (``zhaoshang.workbook.sheets``)
through the same steps:

1. **read** every sheet and row into typed records, reporting every value that
   cannot be read (sheet, Excel row, column, message);
2. **fetch** the database rows the file refers to, in a few bulk queries;
3. **resolve** the references between records against the rows of the same
   file and the database, check the rules, and **plan** each row (create,
   update with each change old → new, or leave unchanged);
4. **write**, only when nothing was found wrong and not on a dry run, inside
   one transaction; every change leaves history whose reason names the file.

Steps 1–3 only read, outside any transaction, so a dry run never writes and
never takes SQLite's write lock, and a real import holds the lock only while
it writes. Before writing, the import checks inside its transaction that the
records it read have not changed since (the newest history row of each kind);
if they have, it validates again there, so nothing is written on stale facts.

A column missing from a sheet leaves that field of existing records as it is;
a column present with an empty cell means "none". Records are never deleted
by an import.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.db import OperationalError, transaction
from django.db.models import Max

from zhaoshang.dbtools import refresh_planner_statistics
from zhaoshang.workbook import schema
from zhaoshang.workbook.core import (
    Context,
    LoadResult,
    SheetCounts,
    SheetData,
    WriteFailed,
)
from zhaoshang.workbook.reader import RawBook, UnusableWorkbook, read_file
from zhaoshang.workbook.sheets import HANDLERS
from zhaoshang.workbook.values import clean_text, to_half_width

__all__ = ["Import", "LoadResult", "SheetCounts", "UnusableWorkbook", "load_workbook"]

OUT_OF_SCOPE = "不在本账号的管理范围内（只能导入本单位及下级单位的数据），本行不能导入"


def _quiet_code(row, column: str) -> str:
    """The code in a cell, read without reporting (the sheet reported any problem already)."""
    cell = row.cell(column)
    value = cell.value
    if cell.problem or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_half_width(clean_text(str(value))).strip()


BUSY = "数据库正忙（另一项写入正在进行），未写入任何数据，请稍后再试"

# Models whose newest history row tells whether what an import read has changed.
_WATCHED = [
    ("org", "Unit"),
    ("org", "Person"),
    ("ledger", "Park"),
    ("campaigns", "Campaign"),
    ("campaigns", "Milestone"),
    ("campaigns", "Target"),
    ("ledger", "Enterprise"),
    ("ledger", "EnterpriseTag"),
    ("ledger", "Project"),
    ("ledger", "FundsEntry"),
    ("ledger", "FollowUp"),
    ("dispatch", "Submission"),
]


def fingerprint() -> tuple:
    """The newest history row of every kind an import reads (one indexed MAX each)."""
    marks = []
    for app, name in _WATCHED:
        model = apps.get_model(app, name)
        history = getattr(model, "history", None)
        if history is None:
            marks.append(model.objects.aggregate(m=Max("pk"))["m"])
        else:
            marks.append(history.model.objects.aggregate(m=Max("history_id"))["m"])
    return tuple(marks)


class Import:
    """One import of one file: validated (and planned) first, written on :meth:`commit`."""

    def __init__(self, file_name: str, actor=None, reason: str | None = None):
        self.file = file_name
        self.actor = actor
        self.reason = reason
        self.book: RawBook | None = None

    # ------------------------------------------------------------------ sheets

    def _collect(self, ctx: Context, book: RawBook) -> dict[str, SheetData]:
        sheets: dict[str, SheetData] = {}
        known = []
        for note in book.notes:
            ctx.findings.warn(None, None, None, note)
        for raw in book.sheets:
            title = clean_text(raw.title)
            spec = schema.BY_NAME.get(title)
            if title == schema.NOTES_SHEET or title.startswith(schema.EXAMPLES_PREFIX):
                continue
            if spec is None and raw.hidden:
                continue  # a template's hidden list sheet, or a helper sheet nobody sees
            if spec is None:
                ctx.findings.warn(
                    None, None, None, f"工作表「{raw.title}」不是可识别的工作表，已忽略"
                )
                continue
            if raw.hidden and len(raw.rows) > 1:
                ctx.findings.warn(spec.name, None, None, "是隐藏的工作表，其内容也一并导入")
            known.append(spec)
            if spec.name in sheets:
                ctx.findings.error(spec.name, None, None, "工作簿中有两个同名的工作表")
                continue
            if not spec.supported or spec.name not in {h.spec.name for h in HANDLERS}:
                ctx.findings.error(spec.name, None, None, f"暂不支持导入「{spec.name}」")
                continue
            sheet = SheetData(spec, raw.title, ctx.findings)
            sheet.read(raw)
            sheets[spec.name] = sheet
        if not known:
            names = "、".join(h.spec.name for h in HANDLERS)
            raise UnusableWorkbook(f"文件「{self.file}」中没有可识别的工作表（应为：{names}）")
        # Counts in import order, whatever the order of the file.
        for handler in HANDLERS:
            if handler.spec.name in sheets:
                ctx.counts[handler.spec.name] = SheetCounts()
        return sheets

    # ------------------------------------------------------------------ steps

    def validate(self, book: RawBook) -> Context:
        """Read, fetch, resolve and plan the whole file; writes nothing."""
        self.book = book
        ctx = Context(self.file, self.actor, self.reason)
        self.mark = fingerprint()
        sheets = self._collect(ctx, book)
        handlers = [h(ctx) for h in HANDLERS]
        for handler in handlers:
            ctx.handlers[handler.spec.name] = handler
        for handler in handlers:
            sheet = sheets.get(handler.spec.name)
            handler.read(sheet.rows if sheet else [])
        for handler in handlers:
            handler.fetch()
        ctx.fetch_persons()
        for handler in handlers:
            handler.resolve()
        if self.actor is not None:
            self._check_scope(ctx, handlers)
        for handler in handlers:
            handler.count()
        ctx.plan_persons()
        ctx.sheets = sheets
        self.ctx = ctx
        return ctx

    def _check_scope(self, ctx: Context, handlers) -> None:
        """A row that would create or change a record outside the user's subtree is an error.

        Generic over the sheets: every unit column but the cooperating units
        (a project may name units elsewhere as partners), and the unit the
        existing record hangs off. A unit new in this file counts by its
        parent's place in the tree. The services check again when writing.
        """
        from zhaoshang.org.scope import scope_of, unit_of

        scope = scope_of(self.actor)
        if scope.everything:
            return

        def editable(code: str) -> bool | None:
            seen: set[str] = set()
            current = code
            while current and current not in seen:
                unit = ctx.db_units.get(current)
                if unit is not None:
                    return scope.can_edit(unit)
                seen.add(current)
                current = ctx.parent_of.get(current)
            return None  # an unknown code, reported by the sheet itself

        for handler in handlers:
            columns = [
                c.name
                for c in handler.spec.columns
                if c.name.endswith("单位编码") and c.name != "配合单位编码"
            ]
            # Unchanged rows too: the preview must not tell what lies outside the scope.
            for plan in handler.plans:
                row = plan.row
                for column in columns:
                    code = _quiet_code(row, column)
                    if code and editable(code) is False:
                        row.error(column, f"单位「{code}」{OUT_OF_SCOPE}")
                existing = plan.existing
                if getattr(existing, "SCOPE_UNIT", None) is not None:
                    unit = unit_of(existing)
                    if not scope.can_edit(unit):
                        row.error(
                            None, f"已有记录「{plan.key}」属于单位「{unit.code}」，{OUT_OF_SCOPE}"
                        )

    def digest(self) -> str:
        """What the import would do, in a few characters: the preview's plan, compared at confirm."""
        parts = []
        for name, handler in self.ctx.handlers.items():
            for plan in handler.plans:
                parts.append(
                    repr((name, plan.row.number, plan.action, sorted(plan.changes.items())))
                )
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def commit(self, expect: str | None = None) -> None:
        """Write the validated plan in one transaction (validating again if the data moved).

        ``expect`` is the :meth:`digest` of the plan a person confirmed; when the
        plan inside the transaction differs, nothing is written and
        ``self.stale`` says so (the preview must be shown again).
        """
        ctx = self.ctx
        self.stale = False
        if ctx.findings.has_errors:
            return
        try:
            with transaction.atomic():
                if fingerprint() != self.mark:
                    ctx = self.validate(self.book)
                    if ctx.findings.has_errors:
                        return
                if expect is not None and self.digest() != expect:
                    self.stale = True
                    return
                for handler in ctx.handlers.values():
                    handler.write()
        except WriteFailed:
            # Recorded at its row; the transaction was rolled back, so nothing counts.
            ctx.counts = {name: SheetCounts() for name in ctx.counts}
            ctx.passwords = []
            return
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            ctx.findings.error(None, None, None, BUSY)
            return
        self.written = True
        refresh_planner_statistics()

    def result(self, dry_run: bool) -> LoadResult:
        ctx = self.ctx
        failed = ctx.findings.has_errors
        return LoadResult(
            file=self.file,
            dry_run=dry_run,
            errors=ctx.findings.errors(),
            warnings=ctx.findings.warnings(),
            counts=ctx.counts,
            passwords=[] if dry_run or failed else ctx.passwords,
            persons_created=0 if failed else ctx.persons_created,
        )


def load_workbook(
    path: str | Path,
    *,
    dry_run: bool = False,
    actor=None,
    sheet: str | None = None,
    name: str | None = None,
    reason: str | None = None,
) -> LoadResult:
    """Validate the whole workbook and, when nothing is wrong, write it in one transaction.

    ``actor`` is the logged-in user importing through the web (its scope is
    enforced); ``None`` for an operator on the command line. ``name`` is the
    file name shown in messages and history (an upload's original name);
    ``sheet`` names the sheet of a CSV file. Raises :class:`UnusableWorkbook`
    when the file cannot be read as a workbook at all.
    """
    path = Path(path)
    name = name or path.name
    book = read_file(path, sheet=sheet, name=name)
    job = Import(name, actor, reason)
    job.validate(book)
    if not dry_run:
        job.commit()
    return job.result(dry_run)
