"""The import engine's shared parts: findings, typed rows, the import context.

A sheet handler (``zhaoshang.workbook.sheets``) reads its rows into records
with :class:`Row`'s typed getters, resolves them against the rest of the file
and the database through the :class:`Context`, and writes them. The context
holds what sheets share: the findings (errors and warnings in workbook order),
who imports and why, the references each sheet makes to the others (fetched
in bulk, never per row), and the records each sheet makes known to the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404
from django.utils import translation

from zhaoshang.campaigns.models import Indicator, ScheduleMode
from zhaoshang.ledger.models import ProjectStatus, Stage
from zhaoshang.org.models import Role
from zhaoshang.workbook import schema
from zhaoshang.workbook.reader import EMPTY, Cell, RawSheet
from zhaoshang.workbook.values import (
    MAX_AMOUNT,
    ValueProblem,
    clean_text,
    parse_amount,
    parse_bool,
    parse_date_value,
    parse_datetime_value,
    parse_integer,
    parse_percent,
    round_to_cent,
    split_list,
    to_half_width,
)

# history_change_reason is a 100-character column.
REASON_LENGTH = 100
# Separators accepted between codes in one cell (codes never contain them).
CODE_SEPARATORS = ";；,，、 \n"


class _Keep:
    """The column is absent from the sheet: an existing record keeps its value."""

    def __repr__(self):
        return "KEEP"


KEEP: Any = _Keep()


# --------------------------------------------------------------------------- result


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class LoadResult:
    """What an import found and did; ``errors`` empty means it was (or would be) written."""

    file: str
    dry_run: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    # Generated initial passwords of accounts this import created, shown once.
    passwords: list[dict[str, str]] = field(default_factory=list)
    persons_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "file": self.file,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "counts": {sheet: counts.as_dict() for sheet, counts in self.counts.items()},
            "passwords": [dict(p) for p in self.passwords],
        }

    def report(self) -> str:
        lines = []
        if self.errors:
            lines.append(f"导入「{self.file}」：发现 {len(self.errors)} 处错误，未写入任何数据。")
        elif self.dry_run:
            lines.append(f"导入「{self.file}」：检查通过（试运行，未写入任何数据）。")
        else:
            lines.append(f"导入「{self.file}」：已全部写入。")
        if self.errors:
            lines += ["", f"错误（{len(self.errors)}）："]
            lines += [f"  {e}" for e in self.errors]
        if self.warnings:
            lines += ["", f"警告（{len(self.warnings)}）："]
            lines += [f"  {w}" for w in self.warnings]
        if not self.errors and self.counts:
            heading = "各工作表（试运行：正式导入时将会）：" if self.dry_run else "各工作表："
            lines += ["", heading]
            for sheet, c in self.counts.items():
                lines.append(f"  {sheet}：新建 {c.created}，更新 {c.updated}，未变 {c.unchanged}")
            if self.persons_created:
                lines.append(
                    f"  另{'将' if self.dry_run else '已'}登记责任人 {self.persons_created} 名"
                )
        if self.passwords:
            lines += ["", "新建账号的初始密码（只显示这一次，请分别转交本人；首次登录须修改）："]
            lines += [f"  {p['username']}：{p['password']}" for p in self.passwords]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- findings


def locate(sheet: str, row: int | None = None, column: str | None = None) -> str:
    where = f"工作表「{sheet}」"
    if row is not None:
        where += f"第{row}行"
    if column:
        where += f"「{column}」"
    return where


class Findings:
    """Errors and warnings, kept in workbook order (sheet, row, column) whatever the pass."""

    def __init__(self):
        self._errors: list[tuple[tuple, str]] = []
        self._warnings: list[tuple[tuple, str]] = []
        # (sheet, row, column, message) of every error, for the annotated workbook.
        self.error_cells: list[tuple[str | None, int | None, str | None, str]] = []

    @staticmethod
    def _key(sheet: str | None, row: int | None, column: str | None) -> tuple:
        spec = schema.BY_NAME.get(sheet or "")
        sheet_pos = schema.SHEETS.index(spec) if spec else -1
        col_pos = spec.column_names.index(column) if spec and column in spec.column_names else -1
        return (sheet_pos, row or 0, col_pos)

    def error(self, sheet, row, column, message) -> None:
        text = f"{locate(sheet, row, column)}：{message}" if sheet else message
        self._errors.append((self._key(sheet, row, column), text))
        self.error_cells.append((sheet, row, column, message))

    def warn(self, sheet, row, column, message) -> None:
        text = f"{locate(sheet, row, column)}：{message}" if sheet else message
        self._warnings.append((self._key(sheet, row, column), text))

    @property
    def has_errors(self) -> bool:
        return bool(self._errors)

    @staticmethod
    def _sorted(items) -> list[str]:
        seen, out = set(), []
        for _key, text in sorted(items, key=lambda item: item[0]):  # sort is stable
            if text not in seen:
                seen.add(text)
                out.append(text)
        return out

    def errors(self) -> list[str]:
        return self._sorted(self._errors)

    def warnings(self) -> list[str]:
        return self._sorted(self._warnings)


# --------------------------------------------------------------------------- rows and cells


class _Bad:
    """A cell whose value was already reported as unreadable."""


_BAD: Any = _Bad()


class SheetData:
    """One recognised sheet: which column sits where, and its data rows."""

    def __init__(self, spec: schema.Sheet, title: str, findings: Findings):
        self.spec = spec
        self.title = title
        self.findings = findings
        self.positions: dict[str, int] = {}
        self.rows: list[Row] = []
        self.header_row = 1
        self.raw = RawSheet(title)

    @property
    def name(self) -> str:
        return self.spec.name

    def read(self, raw: RawSheet) -> None:
        if not raw.rows:
            return
        self.raw = raw
        self.header_row, header = raw.rows[0]
        lookup = schema.header_lookup(self.spec)
        for position, value in enumerate(header):
            text = clean_text(value)
            if not text:
                continue
            column = lookup.get(schema.header_key(text))
            if column is None:
                self.findings.warn(self.name, self.header_row, text, "不是可识别的列，已忽略")
            elif column in self.positions:
                self.findings.error(
                    self.name,
                    self.header_row,
                    column,
                    f"列重复（第 {self.positions[column] + 1} 列和第 {position + 1} 列）",
                )
            else:
                self.positions[column] = position
        for column in self.spec.columns:
            if column.required and column.name not in self.positions:
                self.findings.error(self.name, None, None, f"缺少必填列「{column.name}」")
        self.rows = [Row(self, number, cells) for number, cells in raw.rows[1:]]


class Row:
    """A data row with typed getters; each getter reports its own problems at the cell."""

    def __init__(self, sheet: SheetData, number: int, values: list):
        self.sheet = sheet
        self.number = number
        self.values = values
        self.failed = False
        # Columns already reported; rules that combine fields stay quiet about
        # them rather than add "cannot be empty" to "cannot be read".
        self.failed_columns: set[str] = set()

    def has(self, column: str) -> bool:
        return column in self.sheet.positions

    def error(self, column: str | None, message: str) -> None:
        self.failed = True
        if column:
            self.failed_columns.add(column)
        self.sheet.findings.error(self.sheet.name, self.number, column, message)

    def warn(self, column: str | None, message: str) -> None:
        self.sheet.findings.warn(self.sheet.name, self.number, column, message)

    def cell(self, column: str) -> Cell:
        position = self.sheet.positions.get(column)
        if position is None:
            return EMPTY
        return self.sheet.raw.cell(self.number, self.values, position)

    def _value(self, column: str, required: bool):
        cell = self.cell(column)
        if cell.problem:
            self.error(column, cell.problem)
            return _BAD
        value = cell.value
        if isinstance(value, str) and not clean_text(value):
            value = None
        if value is None and required and self.has(column):
            # A missing required column was reported once for the whole sheet.
            self.error(column, "不能为空")
        return value

    def _parse(self, column: str, parser: Callable, required: bool, **kwargs):
        value = self._value(column, required)
        if value is None or value is _BAD:
            return None
        try:
            return parser(value, **kwargs)
        except ValueProblem as problem:
            self.error(column, str(problem))
            return None

    # Typed getters ------------------------------------------------------------------

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self._value(column, required)
        if value is None or value is _BAD:
            return ""
        if isinstance(value, datetime):
            text = value.date().isoformat() if value.time() == datetime.min.time() else str(value)
        elif isinstance(value, date):
            text = value.isoformat()
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = clean_text(value)
        if max_length is not None and len(text) > max_length:
            self.error(column, f"不能超过 {max_length} 个字符（现为 {len(text)} 个）")
        return text

    def code(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        """An identifier typed as text or a number: 522601, "522601", "５２２６０１"."""
        return to_half_width(self.text(column, required=required, max_length=max_length)).strip()

    def record_code(self, column: str, *, label: str, max_length: int) -> str:
        """The code a row gives its own record: the one rule of zhaoshang/codes.py."""
        from zhaoshang.codes import code_problem

        value = self.code(column, required=True, max_length=max_length)
        if value:
            problem = code_problem(value, label=label, max_length=max_length)
            if problem:
                self.error(column, problem)
                return ""
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        return self._parse(column, parse_date_value, required)

    def moment(self, column: str, *, required: bool = False) -> date | datetime | None:
        """A day with a time (``datetime``) or a bare day (``date``)."""
        return self._parse(column, parse_datetime_value, required)

    def flag(self, column: str) -> bool | None:
        return self._parse(column, parse_bool, False)

    def integer(self, column: str) -> int | None:
        return self._parse(column, parse_integer, False)

    def amount(self, column: str, *, required: bool = False, whole: bool = False) -> Decimal | None:
        amount = self._parse(column, parse_amount, required)
        if amount is None:
            return None
        if amount < 0:
            self.error(column, f"「{self.cell(column).value}」：不能为负数")
            return None
        if whole:
            if amount != amount.to_integral_value():
                self.error(column, f"「{self.cell(column).value}」：应为整数")
                return None
            return round_to_cent(amount)
        rounded = round_to_cent(amount)
        if rounded > MAX_AMOUNT:
            self.error(column, f"「{self.cell(column).value}」：金额过大")
            return None
        if rounded != amount:
            self.warn(column, f"「{self.cell(column).value}」保留两位小数，按 {rounded} 记录")
        return rounded

    def percent(self, column: str, *, required: bool = False) -> Decimal | None:
        cell = self.cell(column)
        return self._parse(column, parse_percent, required, percent_format=cell.percent)

    def choice(
        self,
        column: str,
        options: dict[str, Any],
        *,
        required: bool = False,
        shown: tuple[str, ...] = (),
    ):
        text = self.text(column, required=required)
        if not text:
            return None
        key = choice_key(text)
        for label, value in options.items():
            if choice_key(label) == key:
                return value
        listed = "、".join(shown or options)
        self.error(column, f"「{text}」不是可选的值，应为：{listed}")
        return None

    def optional(self, column: str, getter: Callable, **kwargs):
        """KEEP when the column is absent, else what ``getter`` reads."""
        if not self.has(column):
            return KEEP
        return getter(column=column, **kwargs)

    def code_list(self, column: str) -> list[str]:
        return split_list(self.code(column), CODE_SEPARATORS)

    def text_list(self, column: str) -> list[str]:
        return split_list(self.text(column))


def plain_number(number: Decimal) -> str:
    """50.0 → "50", 12.50 → "12.5": a number as people write it."""
    return format(number.normalize(), "f")


def choice_key(text: str) -> str:
    return "".join(to_half_width(text).split()).upper()


def field_max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The sheet's own Chinese words (schema.ROLES, in Role's order), not the lazy labels:
# those follow the active language, which an English page may have left behind.
ROLE_OPTIONS = dict(zip(schema.ROLES, Role.values, strict=True)) | {v: v for v in Role.values}
# The workbook's words are Chinese whatever language the request that first
# imports this module happens to be in.
with translation.override("zh-hans"):
    MODE_OPTIONS = {str(label): value for value, label in ScheduleMode.choices} | {
        v: v for v in ScheduleMode.values
    }
    STAGE_OPTIONS = {str(label): value for value, label in Stage.choices}
    STATUS_OPTIONS = {str(label): value for value, label in ProjectStatus.choices}


def _indicator_options() -> dict[str, str]:
    options = {}
    with translation.override("zh-hans"):
        labels = [(value, str(label)) for value, label in Indicator.choices]
    for value, label in labels:
        options[label] = value
        bare = label.replace("(万元)", "")
        options.setdefault(bare, value)
    return options


INDICATOR_OPTIONS = _indicator_options()


def in_chunks(values, size: int = 500) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --------------------------------------------------------------------------- plans


@dataclass
class Planned:
    """What the import will do with one row: create, update (with each change) or leave."""

    row: Row
    key: str
    existing: Any = None
    # column → (old, new) as shown to people; empty for an unchanged record.
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        return "update" if self.changes else "unchanged"


def shown(value) -> str:
    """A value as the preview and the diff show it (and as the export writes it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return schema.YES_NO[0] if value else schema.YES_NO[1]
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return ";".join(str(v) for v in value)
    return str(value)


def diff(old: dict[str, object], new: dict[str, object]) -> dict[str, tuple[str, str]]:
    """The columns whose shown value differs, in the order of ``new``."""
    changes = {}
    for column, value in new.items():
        before, after = shown(old.get(column)), shown(value)
        if before != after:
            changes[column] = (before, after)
    return changes


# --------------------------------------------------------------------------- context


class WriteFailed(Exception):
    """A write was refused; the error is already recorded and the transaction must roll back."""


class Context:
    """The state one import shares between its sheet handlers."""

    def __init__(self, file_name: str, actor=None, reason: str | None = None):
        self.file = file_name
        self.actor = actor
        self.findings = Findings()
        self.reason = (reason or f"导入 {file_name}")[:REASON_LENGTH]
        # kind → keys the rows refer to ("unit", "enterprise", "project", "park",
        # "campaign", "person"): each owning handler fetches them in bulk.
        self.refs: dict[str, set] = defaultdict(set)
        self.counts: dict[str, SheetCounts] = {}
        self.passwords: list[dict[str, str]] = []
        self.persons_created = 0
        self.handlers: dict[str, Any] = {}
        # Enterprise name → code of the unit of the first row naming it (its registrar if new).
        self.enterprise_owner: dict[str, str] = {}
        self.lookups = Lookups(self)

    # ------------------------------------------------------------ responsible persons

    def need_person(self, unit_code: str, name: str) -> None:
        """A row names responsible person ``name`` of unit ``unit_code`` (registered when new)."""
        if name:
            self.refs["person"].add((unit_code, name))

    def fetch_persons(self) -> None:
        from zhaoshang.org.models import Person

        self.persons: dict[tuple[int, str], Any] = {}
        names = {name for _unit, name in self.refs["person"]}
        for chunk in in_chunks(names):
            for person in Person.objects.filter(name__in=chunk):
                self.persons[(person.unit_id, person.name)] = person

    def plan_persons(self) -> None:
        """How many persons the import registers (counted before anything is written)."""
        missing = 0
        for unit_code, name in self.refs["person"]:
            unit = self.db_units.get(unit_code)
            if unit is None or (unit.pk, name) not in self.persons:
                missing += 1
        self.persons_created = missing

    def person(self, unit, name: str):
        """The responsible person ``name`` of ``unit``, registered when new."""
        key = (unit.pk, name)
        if key not in self.persons:
            from zhaoshang.org.services import do_save_person

            self.persons[key] = do_save_person(unit, name, actor=self.actor, reason=self.reason)
        return self.persons[key]

    def refer(self, kind: str, *keys) -> None:
        self.refs[kind].update(k for k in keys if k not in (None, "") and k is not KEEP)

    def handler(self, sheet_name: str):
        return self.handlers[sheet_name]

    @contextmanager
    def guard(self, row: Row) -> Iterator[None]:
        """Turn a refused write into an error at its row and abort (rolling everything back)."""
        try:
            yield
        except ValidationError as exc:
            row.error(None, "写入被拒绝：" + "；".join(exc.messages) + "（已全部撤销）")
            raise WriteFailed from exc
        except (PermissionDenied, Http404) as exc:
            row.error(None, "无权修改此数据（超出本账号的管理范围），已全部撤销")
            raise WriteFailed from exc
        except DatabaseError as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            row.error(None, f"写入数据库时出错：{detail}（已全部撤销）")
            raise WriteFailed from exc

    def require_manage(self, unit) -> None:
        if self.actor is None:
            return
        from zhaoshang.org.scope import require_manage, scope_of

        if unit is None:
            if not scope_of(self.actor).everything:
                raise PermissionDenied
            return
        require_manage(self.actor, unit)


class SheetHandler:
    """One sheet kind of contracts/workbook.md: its rows read, resolved and written.

    A subclass sets ``spec`` (the columns, from ``schema``) and implements the
    steps; every handler runs every step of every import, with no rows when
    its sheet is absent, so that what it makes known to the other sheets (the
    units of the database, say) is always there.
    """

    spec: schema.Sheet

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.plans: list[Planned] = []

    @property
    def present(self) -> bool:
        return self.spec.name in self.ctx.counts

    def read(self, rows: list[Row]) -> None:
        """Rows → typed records; values that cannot be read are errors at their cells."""

    def fetch(self) -> None:
        """The database rows this sheet and the references to its kind need, in bulk."""

    def resolve(self) -> None:
        """Check references and rules against the file and the database; plan each row."""

    def write(self) -> None:
        """Apply the plans (inside the import's one transaction)."""

    # The export (zhaoshang.workbook.export) writes what the import reads back unchanged.

    @classmethod
    def export_queryset(cls, scope):
        """The records of this sheet within ``scope`` (an ``org.scope.Scope``); None: not exported."""
        return None

    @classmethod
    def export_rows(cls, records) -> Iterator[dict[str, object]]:
        """One row per record (column → value), as :meth:`resolve` compares them."""
        return iter(())

    def count(self) -> None:
        counts = self.ctx.counts.get(self.spec.name)
        if counts is None:
            return
        for plan in self.plans:
            counts.add(plan.existing is None, bool(plan.changes))

    @staticmethod
    def dedupe(seen: dict, key, row: Row, column: str, label: str) -> bool:
        """False (and an error) when ``key`` appeared on an earlier row of the sheet."""
        if key in seen:
            row.error(column, f"{label}与第{seen[key]}行重复")
            return False
        seen[key] = row.number
        return True


# --------------------------------------------------------------------------- lookups shared by sheets


class Lookups:
    """What sheets ask of each other: does a code or name exist in the file or the database."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def unit_known(self, row: Row, column: str, code: str) -> bool:
        ctx = self.ctx
        if not code or code in ctx.wb_unit_codes or code in ctx.db_units:
            return True
        row.error(column, f"单位编码「{code}」不存在（本工作簿「单位」表和系统中都没有）")
        return False

    def campaign_known(self, row: Row, code: str) -> bool:
        ctx = self.ctx
        if not code or code in ctx.wb_campaigns or code in ctx.db_campaigns:
            return True
        row.error("行动编码", f"行动编码「{code}」不存在（本工作簿「专项行动」表和系统中都没有）")
        return False

    def enterprise_known(self, row: Row, column: str, name: str) -> bool:
        if not name or name in self.ctx.enterprise_names:
            return True
        row.error(column, f"客商「{name}」不存在（本工作簿「客商」表和系统中都没有）")
        return False

    def project_known(self, row: Row, code: str) -> bool:
        ctx = self.ctx
        if not code or code in ctx.wb_project_codes or code in ctx.db_projects:
            return True
        row.error("项目编号", f"项目编号「{code}」不存在（本工作簿「项目」表和系统中都没有）")
        return False
