"""`zhaoshang load`: import a data workbook (contracts/workbook.md), all or nothing.

Three passes over the file:

1. **read** every sheet and row into typed records, reporting every value that
   cannot be read (sheet, Excel row, column, message);
2. **resolve** the references between records against the rows of the same
   workbook and the database (fetched in a few bulk queries, not per row):
   unknown codes and names, duplicate keys, unit cycles, project rules;
3. **write**, only when nothing was found wrong, through the service functions
   (so every change leaves a history row whose reason names the file), inside
   one transaction that a database error or a dry run rolls back.

A column missing from a sheet leaves that field of existing records as it is;
a column present with an empty cell means "none". Records are never deleted
by an import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404

from zhaoshang.campaigns.models import Campaign, Indicator, ScheduleMode
from zhaoshang.dbtools import refresh_planner_statistics
from zhaoshang.ledger.models import (
    STAGE_DATE_FIELD,
    Enterprise,
    FollowUpKind,
    FundsEntry,
    Industry,
    Ownership,
    Park,
    Project,
    ProjectStatus,
    Stage,
)
from zhaoshang.ledger.services import ProjectData, validate_project_data
from zhaoshang.ledger.uscc import check_uscc, normalize_uscc, uscc_format_problem
from zhaoshang.org.models import Membership, Person, Role, Unit, UnitKind
from zhaoshang.workbook import schema
from zhaoshang.workbook.industries import IndustryIndex
from zhaoshang.workbook.reader import EMPTY, Cell, RawBook, RawSheet, UnusableWorkbook, read_file
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
    parse_tag,
    round_to_cent,
    split_list,
    to_half_width,
)

__all__ = ["LoadResult", "SheetCounts", "UnusableWorkbook", "load_workbook"]

User = get_user_model()

# history_change_reason is a 100-character column.
_REASON_LENGTH = 100
# Separators accepted between codes in one cell (codes never contain them).
_CODE_SEPARATORS = ";；,，、 \n"


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

    @staticmethod
    def _key(sheet: str | None, row: int | None, column: str | None) -> tuple:
        spec = schema.BY_NAME.get(sheet or "")
        sheet_pos = schema.SHEETS.index(spec) if spec else -1
        col_pos = spec.column_names.index(column) if spec and column in spec.column_names else -1
        return (sheet_pos, row or 0, col_pos)

    def error(self, sheet, row, column, message) -> None:
        text = f"{locate(sheet, row, column)}：{message}" if sheet else message
        self._errors.append((self._key(sheet, row, column), text))

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
        key = _choice_key(text)
        for label, value in options.items():
            if _choice_key(label) == key:
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
        return split_list(self.code(column), _CODE_SEPARATORS)

    def text_list(self, column: str) -> list[str]:
        return split_list(self.text(column))


def _plain(number: Decimal) -> str:
    """50.0 → "50", 12.50 → "12.5": a number as people write it."""
    return format(number.normalize(), "f")


def _choice_key(text: str) -> str:
    return "".join(to_half_width(text).split()).upper()


# --------------------------------------------------------------------------- records


@dataclass
class UnitRec:
    row: Row
    code: str
    name: str
    kind: str | None
    parent: Any  # code, "" for the root, KEEP
    order: Any  # int, KEEP
    existing: Unit | None = None


@dataclass
class UserRec:
    row: Row
    username: str
    full_name: Any
    unit: str
    role: str | None
    password: str


@dataclass
class ParkRec:
    row: Row
    name: str
    unit: str


@dataclass
class CampaignRec:
    row: Row
    code: str
    name: str
    start: date | None
    end: date | None
    mode: Any
    primary: Any


@dataclass
class MilestoneRec:
    row: Row
    campaign: str
    on: date | None
    pct: Decimal | None


@dataclass
class TargetRec:
    row: Row
    campaign: str
    unit: str
    indicator: str | None
    value: Decimal | None
    person: Any
    deadline: Any


@dataclass
class EnterpriseRec:
    row: Row
    name: str
    uscc: Any  # str, None, KEEP
    ownership: Any
    origin: Any
    tags: Any  # list of (name, year), KEEP
    existing: Enterprise | None = None


_STAGE_COLUMNS = {
    Stage.SIGNED: "签约日期",
    Stage.CONTRACTED: "合同签订日期",
    Stage.STARTED: "开工日期",
    Stage.OPERATING: "投产日期",
}


@dataclass
class ProjectRec:
    row: Row
    code: str
    name: str
    unit: str
    stage: int | None
    cooperating: Any
    person: Any
    investors: Any
    industry: Any
    is_industrial: Any
    park: Any
    is_key: Any
    planned: Any
    amount: Any
    dates: dict[int, Any]
    status: Any
    dropped_on: Any
    drop_reason: Any
    note: Any
    # Filled by the resolve pass: every field's final value, references unresolved.
    final: dict[str, Any] = field(default_factory=dict)


@dataclass
class FundsRec:
    row: Row
    project: str
    on: date | None
    amount: Decimal | None


@dataclass
class FollowUpRec:
    row: Row
    on: date | None
    unit: str
    kind: str | None
    project: str
    enterprise: str
    content: str
    participants: str


@dataclass
class SubmissionRec:
    row: Row
    campaign: str
    deadline: date | datetime | None
    unit: str
    submitted_at: date | datetime | None
    progress: str
    problems: str
    plan: str


def _field_max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


ROLE_OPTIONS = {label: value for value, label in Role.choices} | {v: v for v in Role.values}
MODE_OPTIONS = {str(label): value for value, label in ScheduleMode.choices} | {
    v: v for v in ScheduleMode.values
}
STAGE_OPTIONS = {str(label): value for value, label in Stage.choices}
STATUS_OPTIONS = {str(label): value for value, label in ProjectStatus.choices}


def _indicator_options() -> dict[str, str]:
    options = {}
    for value, label in Indicator.choices:
        options[str(label)] = value
        bare = str(label).replace("(万元)", "")
        options.setdefault(bare, value)
    return options


INDICATOR_OPTIONS = _indicator_options()


def _in_chunks(values, size: int = 500) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --------------------------------------------------------------------------- the loader


class _WriteFailed(Exception):
    """A write was refused; the error is already recorded and the transaction must roll back."""


class _Loader:
    def __init__(self, file_name: str, actor=None):
        self.file = file_name
        self.actor = actor
        self.findings = Findings()
        self.sheets: dict[str, SheetData] = {}
        self.reason = f"导入 {file_name}"[:_REASON_LENGTH]
        self.units: list[UnitRec] = []
        self.users: list[UserRec] = []
        self.parks: list[ParkRec] = []
        self.campaigns: list[CampaignRec] = []
        self.milestones: list[MilestoneRec] = []
        self.targets: list[TargetRec] = []
        self.enterprises: list[EnterpriseRec] = []
        self.projects: list[ProjectRec] = []
        self.funds: list[FundsRec] = []
        self.follow_ups: list[FollowUpRec] = []
        self.submissions: list[SubmissionRec] = []
        self.counts: dict[str, SheetCounts] = {}
        self.passwords: list[dict[str, str]] = []
        self.persons_created = 0

    # ------------------------------------------------------------------ pass 0: sheets

    def collect(self, book: RawBook) -> None:
        known = []
        for note in book.notes:
            self.findings.warn(None, None, None, note)
        for raw in book.sheets:
            title = clean_text(raw.title)
            spec = schema.BY_NAME.get(title)
            if title == schema.NOTES_SHEET:
                continue
            if spec is None and raw.hidden:
                continue  # a template's hidden list sheet, or a helper sheet nobody sees
            if spec is not None and raw.hidden and raw.rows:
                self.findings.warn(spec.name, None, None, "是隐藏的工作表，其内容也一并导入")
            if spec is None:
                self.findings.warn(
                    None, None, None, f"工作表「{raw.title}」不是可识别的工作表，已忽略"
                )
                continue
            known.append(spec)
            if spec.name in self.sheets:
                self.findings.error(spec.name, None, None, "工作簿中有两个同名的工作表")
                continue
            if not spec.supported:
                self.findings.error(spec.name, None, None, f"暂不支持导入「{spec.name}」")
                continue
            sheet = SheetData(spec, raw.title, self.findings)
            sheet.read(raw)
            self.sheets[spec.name] = sheet
        if not known:
            names = "、".join(s.name for s in schema.SHEETS if s.supported)
            raise UnusableWorkbook(f"文件「{self.file}」中没有可识别的工作表（应为：{names}）")
        for name in self.sheets:
            self.counts[name] = SheetCounts()
        # Counts in import order, whatever the order of the file.
        self.counts = {s.name: self.counts[s.name] for s in schema.SHEETS if s.name in self.counts}

    def rows(self, sheet_name: str) -> list[Row]:
        sheet = self.sheets.get(sheet_name)
        return sheet.rows if sheet else []

    # ------------------------------------------------------------------ pass 1: read

    def read_all(self) -> None:
        self._read_units()
        self._read_users()
        self._read_parks()
        self._read_campaigns()
        self._read_milestones()
        self._read_targets()
        self._read_enterprises()
        self._read_projects()
        self._read_funds()
        self._read_follow_ups()
        self._read_submissions()

    def _dedupe(self, seen: dict, key, row: Row, column: str, label: str) -> bool:
        """False (and an error) when ``key`` appeared on an earlier row of the sheet."""
        if key in seen:
            row.error(column, f"{label}与第{seen[key]}行重复")
            return False
        seen[key] = row.number
        return True

    def _read_units(self) -> None:
        seen: dict = {}
        kinds = {k: k for k in UnitKind.values}
        for row in self.rows("单位"):
            code = row.code("单位编码", required=True, max_length=_field_max(Unit, "code"))
            rec = UnitRec(
                row=row,
                code=code,
                name=row.text("单位名称", required=True, max_length=_field_max(Unit, "name")),
                kind=row.choice("单位类型", kinds, required=True),
                parent=row.optional("上级单位编码", row.code),
                order=row.optional("排序", row.integer),
            )
            if rec.order is None:
                rec.order = 0
            if code and rec.parent == code:
                row.error("上级单位编码", "上级单位不能是本单位自己")
            if code and self._dedupe(seen, code, row, "单位编码", f"单位编码「{code}」"):
                self.units.append(rec)

    def _read_users(self) -> None:
        seen: dict = {}
        username_field = User._meta.get_field("username")
        for row in self.rows("用户"):
            username = row.code("用户名", required=True, max_length=username_field.max_length)
            if username:
                for validator in username_field.validators:
                    try:
                        validator(username)
                    except ValidationError:
                        row.error("用户名", f"「{username}」只能包含字母、数字及 @ . + - _ 字符")
                        break
            rec = UserRec(
                row=row,
                username=username,
                full_name=row.optional("姓名", row.text, max_length=_field_max(User, "first_name")),
                unit=row.code("单位编码", required=True),
                role=row.choice("角色", ROLE_OPTIONS, required=True, shown=schema.ROLES),
                password=row.text("初始密码", max_length=128),
            )
            if username and self._dedupe(seen, username, row, "用户名", f"用户名「{username}」"):
                self.users.append(rec)

    def _read_parks(self) -> None:
        seen: dict = {}
        for row in self.rows("园区"):
            name = row.text("园区名称", required=True, max_length=_field_max(Park, "name"))
            rec = ParkRec(row, name, row.code("所属单位编码", required=True))
            if name and self._dedupe(seen, name, row, "园区名称", f"园区「{name}」"):
                self.parks.append(rec)

    def _read_campaigns(self) -> None:
        seen: dict = {}
        for row in self.rows("专项行动"):
            code = row.code("行动编码", required=True, max_length=_field_max(Campaign, "code"))
            rec = CampaignRec(
                row=row,
                code=code,
                name=row.text("行动名称", required=True, max_length=_field_max(Campaign, "name")),
                start=row.date("开始日期", required=True),
                end=row.date("结束日期", required=True),
                mode=row.optional("进度模式", row.choice, options=MODE_OPTIONS, shown=schema.MODES),
                primary=row.optional(
                    "主指标",
                    row.choice,
                    options=INDICATOR_OPTIONS,
                    shown=schema.INDICATORS,
                ),
            )
            if rec.mode is None:
                rec.mode = ScheduleMode.LINEAR
            if rec.primary is None:
                rec.primary = Indicator.CONTRACT_AMOUNT
            if rec.start and rec.end and rec.end < rec.start:
                row.error("结束日期", f"结束日期 {rec.end} 早于开始日期 {rec.start}")
            if code and self._dedupe(seen, code, row, "行动编码", f"行动编码「{code}」"):
                self.campaigns.append(rec)

    def _read_milestones(self) -> None:
        seen: dict = {}
        column = "应完成比例(%)"
        for row in self.rows("节点"):
            rec = MilestoneRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                on=row.date("节点日期", required=True),
                pct=row.percent(column, required=True),
            )
            if rec.pct is not None:
                if not Decimal(0) <= rec.pct <= Decimal(1000):
                    row.error(column, f"应在 0 到 1000 之间（现为 {rec.pct}）")
                elif Decimal(0) < rec.pct <= Decimal(1) and not row.cell(column).percent:
                    row.warn(
                        column,
                        f"按 {rec.pct}% 记录；如指 {_plain(rec.pct * 100)}%，"
                        f"请填写 {_plain(rec.pct * 100)}",
                    )
                if rec.pct is not None and rec.pct != round_to_cent(rec.pct):
                    row.warn(column, f"保留两位小数，按 {round_to_cent(rec.pct)} 记录")
                    rec.pct = round_to_cent(rec.pct)
            if rec.campaign and rec.on:
                key = (rec.campaign, rec.on)
                if self._dedupe(
                    seen, key, row, "节点日期", f"行动「{rec.campaign}」的节点 {rec.on} "
                ):
                    self.milestones.append(rec)

    def _read_targets(self) -> None:
        seen: dict = {}
        for row in self.rows("目标任务"):
            indicator = row.choice(
                "指标",
                INDICATOR_OPTIONS,
                required=True,
                shown=schema.INDICATORS,
            )
            counted = indicator is not None and indicator not in (
                Indicator.CONTRACT_AMOUNT,
                Indicator.FUNDS_IN_PLACE,
            )
            rec = TargetRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                unit=row.code("单位编码", required=True),
                indicator=indicator,
                value=row.amount("目标值", required=True, whole=counted),
                person=row.optional("责任人", row.text, max_length=_field_max(Person, "name")),
                deadline=row.optional("完成时限", row.date),
            )
            if rec.campaign and rec.unit and indicator:
                key = (rec.campaign, rec.unit, indicator)
                label = f"行动「{rec.campaign}」单位「{rec.unit}」的指标「{Indicator(indicator).label}」"
                if self._dedupe(seen, key, row, "指标", label):
                    self.targets.append(rec)

    @staticmethod
    def _read_tags(row: Row, column: str) -> list[tuple[str, int | None]]:
        tags: list[tuple[str, int | None]] = []
        limit = 50
        for item in split_list(row.text(column)):
            try:
                name, year = parse_tag(item)
            except ValueProblem as problem:
                row.error("荣誉标签", str(problem))
                continue
            if len(name) > limit:
                row.error("荣誉标签", f"「{name}」不能超过 {limit} 个字符")
                continue
            if (name, year) not in tags:
                tags.append((name, year))
        return tags

    @staticmethod
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

    def _read_enterprises(self) -> None:
        by_name: dict = {}
        by_uscc: dict = {}
        ownerships = {k: k for k in Ownership.values}
        for row in self.rows("客商"):
            name = row.text("企业名称", required=True, max_length=_field_max(Enterprise, "name"))
            rec = EnterpriseRec(
                row=row,
                name=name,
                uscc=row.optional("统一社会信用代码", self._read_uscc, row=row),
                ownership=row.optional("企业性质", row.choice, options=ownerships),
                origin=row.optional(
                    "来源地", row.text, max_length=_field_max(Enterprise, "origin")
                ),
                tags=row.optional("荣誉标签", self._read_tags, row=row),
            )
            if rec.ownership is None:
                rec.ownership = ""
            if not name:
                continue
            unique = self._dedupe(by_name, name, row, "企业名称", f"企业名称「{name}」")
            if rec.uscc not in (None, KEEP):
                unique &= self._dedupe(
                    by_uscc,
                    rec.uscc,
                    row,
                    "统一社会信用代码",
                    f"统一社会信用代码「{rec.uscc}」",
                )
            if unique:
                self.enterprises.append(rec)

    def _read_projects(self) -> None:
        seen: dict = {}
        for row in self.rows("项目"):
            code = row.code("项目编号", required=True, max_length=_field_max(Project, "code"))
            rec = ProjectRec(
                row=row,
                code=code,
                name=row.text("项目名称", required=True, max_length=_field_max(Project, "name")),
                unit=row.code("责任单位编码", required=True),
                stage=row.choice("项目阶段", STAGE_OPTIONS, required=True),
                cooperating=row.optional("配合单位编码", row.code_list),
                person=row.optional("责任人", row.text, max_length=_field_max(Person, "name")),
                investors=row.optional("投资方", row.text_list),
                industry=row.optional("所属行业", row.text),
                is_industrial=row.optional("是否工业项目", row.flag),
                park=row.optional("所在园区", row.text),
                is_key=row.optional("是否重点项目", row.flag),
                planned=row.optional("计划总投资(万元)", row.amount),
                amount=row.optional("合同投资额(万元)", row.amount),
                dates={stage: row.optional(col, row.date) for stage, col in _STAGE_COLUMNS.items()},
                status=row.optional("状态", row.choice, options=STATUS_OPTIONS),
                dropped_on=row.optional("终止日期", row.date),
                drop_reason=row.optional(
                    "终止原因",
                    row.text,
                    max_length=_field_max(Project, "drop_reason"),
                ),
                note=row.optional("备注", row.text),
            )
            if code and self._dedupe(seen, code, row, "项目编号", f"项目编号「{code}」"):
                self.projects.append(rec)

    def _read_funds(self) -> None:
        seen: dict = {}
        for row in self.rows("到位资金"):
            rec = FundsRec(
                row=row,
                project=row.code("项目编号", required=True),
                on=row.date("日期", required=True),
                amount=row.amount("金额(万元)", required=True),
            )
            if rec.project and rec.on:
                label = f"项目「{rec.project}」{rec.on} 的到位资金"
                if self._dedupe(seen, (rec.project, rec.on), row, "日期", label):
                    self.funds.append(rec)

    def _read_follow_ups(self) -> None:
        seen: dict = {}
        kinds = {k: k for k in FollowUpKind.values}
        for row in self.rows("跟踪记录"):
            rec = FollowUpRec(
                row=row,
                on=row.date("日期", required=True),
                unit=row.code("单位编码", required=True),
                kind=row.choice("类型", kinds, required=True),
                project=row.code("项目编号"),
                enterprise=row.text("企业名称"),
                content=row.text("内容"),
                participants=row.text("参与人", max_length=200),
            )
            key = (
                rec.on,
                rec.unit,
                rec.kind,
                rec.project,
                rec.enterprise,
                rec.content,
                rec.participants,
            )
            if key in seen:
                row.warn(None, f"与第{seen[key]}行完全相同，只记录一次")
            else:
                seen[key] = row.number
            self.follow_ups.append(rec)

    def _read_submissions(self) -> None:
        seen: dict = {}
        for row in self.rows("调度填报"):
            rec = SubmissionRec(
                row=row,
                campaign=row.code("行动编码", required=True),
                deadline=row.moment("截止时间", required=True),
                unit=row.code("单位编码", required=True),
                submitted_at=row.moment("提交时间"),
                progress=row.text("进展情况"),
                problems=row.text("存在问题"),
                plan=row.text("下步计划"),
            )
            if rec.submitted_at is None and (rec.progress or rec.problems or rec.plan):
                row.warn("提交时间", "为空，按应报未报记录（所填内容一并保存）")
            elif rec.submitted_at is not None and not rec.progress:
                row.warn("进展情况", "为空（已按提交时间记为已报送）")
            if rec.campaign and rec.deadline and rec.unit:
                key = (rec.campaign, _deadline_key(rec.deadline), rec.unit)
                label = f"行动「{rec.campaign}」截止时间 {_moment_words(rec.deadline)} 单位「{rec.unit}」的填报"
                if self._dedupe(seen, key, row, "单位编码", label):
                    self.submissions.append(rec)

    # ------------------------------------------------------------------ pass 2: resolve

    def resolve_all(self) -> None:
        self._fetch_existing()
        self._resolve_units()
        self._resolve_users()
        self._resolve_parks()
        self._resolve_campaigns()
        self._resolve_enterprises()
        self._resolve_projects()
        self._resolve_funds()
        self._resolve_follow_ups()
        self._resolve_submissions()

    def _fetch_existing(self) -> None:
        """Everything the workbook refers to, in a handful of bulk queries."""
        self.db_units: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
        self.db_units_by_id = {u.pk: u for u in self.db_units.values()}

        usernames = [r.username for r in self.users]
        self.db_users: dict[str, Any] = {}
        self.db_memberships: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for chunk in _in_chunks(usernames):
            for user in User.objects.filter(username__in=chunk):
                self.db_users[user.username] = user
        for chunk in _in_chunks([u.pk for u in self.db_users.values()]):
            for m in Membership.objects.filter(user_id__in=chunk).values(
                "user_id", "unit_id", "role"
            ):
                self.db_memberships[m["user_id"]].append((m["unit_id"], m["role"]))

        park_names = {r.name for r in self.parks} | {
            r.park for r in self.projects if r.park not in (KEEP, "", None)
        }
        self.db_parks: dict[str, Park] = {}
        for chunk in _in_chunks(park_names):
            self.db_parks.update({p.name: p for p in Park.objects.filter(name__in=chunk)})

        campaign_codes = (
            {r.code for r in self.campaigns}
            | {r.campaign for r in self.milestones}
            | {r.campaign for r in self.targets}
            | {r.campaign for r in self.submissions}
        )
        self.db_campaigns: dict[str, Campaign] = {}
        for chunk in _in_chunks(campaign_codes):
            self.db_campaigns.update({c.code: c for c in Campaign.objects.filter(code__in=chunk)})

        names = {r.name for r in self.enterprises} | {r.enterprise for r in self.follow_ups}
        for r in self.projects:
            if r.investors is not KEEP:
                names.update(r.investors)
        names.discard("")
        usccs = {r.uscc for r in self.enterprises if r.uscc not in (KEEP, None)}
        self.db_enterprises_by_name: dict[str, Enterprise] = {}
        self.db_enterprises_by_uscc: dict[str, Enterprise] = {}
        found: dict[int, Enterprise] = {}
        for chunk in _in_chunks(names):
            found.update({e.pk: e for e in Enterprise.objects.filter(name__in=chunk)})
        for chunk in _in_chunks(usccs):
            found.update({e.pk: e for e in Enterprise.objects.filter(uscc__in=chunk)})
        for enterprise in found.values():
            self.db_enterprises_by_name[enterprise.name] = enterprise
            if enterprise.uscc:
                self.db_enterprises_by_uscc[enterprise.uscc] = enterprise

        codes = (
            {r.code for r in self.projects}
            | {r.project for r in self.funds}
            | {r.project for r in self.follow_ups}
        )
        codes.discard("")
        self.db_projects: dict[str, Project] = {}
        for chunk in _in_chunks(codes):
            self.db_projects.update(
                {
                    p.code: p
                    for p in Project.objects.filter(code__in=chunk)
                    .select_related("person", "park", "industry")
                    .prefetch_related("cooperating_units", "investors")
                }
            )
        self.db_funds: dict[tuple[str, date], FundsEntry] = {}
        fund_codes = {r.project for r in self.funds if r.project in self.db_projects}
        for chunk in _in_chunks(fund_codes):
            for entry in FundsEntry.objects.filter(project__code__in=chunk).select_related(
                "project"
            ):
                self.db_funds[(entry.project.code, entry.on)] = entry

        self.industries = list(Industry.objects.all())

    # Known keys: rows of this workbook, then the database.

    def _unit_known(self, row: Row, column: str, code: str) -> bool:
        if not code or code in self.wb_unit_codes or code in self.db_units:
            return True
        row.error(column, f"单位编码「{code}」不存在（本工作簿「单位」表和系统中都没有）")
        return False

    def _resolve_units(self) -> None:
        self.wb_unit_codes = {r.code: r for r in self.units}
        parent_of: dict[str, str | None] = {}
        for unit in self.db_units.values():
            parent = self.db_units_by_id.get(unit.parent_id)
            parent_of[unit.code] = parent.code if parent else None
        for rec in self.units:
            rec.existing = self.db_units.get(rec.code)
            if rec.parent is KEEP:
                rec.parent = parent_of.get(rec.code) if rec.existing else ""
            if rec.order is KEEP:
                rec.order = rec.existing.order if rec.existing else 0
            if rec.parent and self._unit_known(rec.row, "上级单位编码", rec.parent):
                parent_of[rec.code] = rec.parent
            else:
                parent_of[rec.code] = None
        # The tree as it will be after the import (by code), for checks of later sheets.
        self.parent_of = parent_of
        # A unit whose chain of parents comes back to itself can never be placed.
        reported: set[str] = set()
        self.unit_depth: dict[str, int] = {}
        for rec in self.units:
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
            self.unit_depth[rec.code] = len(chain) - 1

    def _resolve_users(self) -> None:
        for rec in self.users:
            self._unit_known(rec.row, "单位编码", rec.unit)
            existing = self.db_users.get(rec.username)
            if existing is not None and rec.password:
                rec.row.warn(
                    "初始密码", f"账号「{rec.username}」已存在，初始密码不适用，未修改其密码"
                )
            elif existing is None and rec.password:
                candidate = User(
                    username=rec.username,
                    first_name=rec.full_name if rec.full_name is not KEEP else "",
                )
                try:
                    validate_password(rec.password, candidate)
                except ValidationError as exc:
                    rec.row.warn(
                        "初始密码",
                        "初始密码较弱：" + "；".join(exc.messages) + "（首次登录时须修改）",
                    )

    def _resolve_parks(self) -> None:
        self.wb_park_names = {r.name for r in self.parks}
        for rec in self.parks:
            self._unit_known(rec.row, "所属单位编码", rec.unit)

    def _campaign_known(self, row: Row, code: str) -> bool:
        if not code or code in self.wb_campaigns or code in self.db_campaigns:
            return True
        row.error("行动编码", f"行动编码「{code}」不存在（本工作簿「专项行动」表和系统中都没有）")
        return False

    def _resolve_campaigns(self) -> None:
        self.wb_campaigns = {r.code: r for r in self.campaigns}
        for rec in self.campaigns:
            existing = self.db_campaigns.get(rec.code)
            if rec.mode is KEEP:
                rec.mode = existing.mode if existing else ScheduleMode.LINEAR
            if rec.primary is KEEP:
                rec.primary = existing.primary_indicator if existing else Indicator.CONTRACT_AMOUNT
        for rec in self.milestones:
            if not self._campaign_known(rec.row, rec.campaign):
                continue
            window = self._campaign_window(rec.campaign)
            if window and rec.on and not window[0] <= rec.on <= window[1]:
                rec.row.warn(
                    "节点日期",
                    f"节点日期 {rec.on} 不在行动期限 {window[0]} 至 {window[1]} 之内",
                )
        for rec in self.targets:
            self._campaign_known(rec.row, rec.campaign)
            self._unit_known(rec.row, "单位编码", rec.unit)

    def _campaign_window(self, code: str) -> tuple[date, date] | None:
        rec = self.wb_campaigns.get(code)
        if rec is not None:
            return (rec.start, rec.end) if rec.start and rec.end else None
        existing = self.db_campaigns.get(code)
        return (existing.start, existing.end) if existing else None

    def _resolve_enterprises(self) -> None:
        claimed: dict[int, Row] = {}
        for rec in self.enterprises:
            match = None
            if rec.uscc not in (KEEP, None):
                match = self.db_enterprises_by_uscc.get(rec.uscc)
            named = self.db_enterprises_by_name.get(rec.name)
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
        # Names that will exist after the import: a row may rename an enterprise.
        renamed_away = {
            r.existing.name
            for r in self.enterprises
            if r.existing is not None and r.existing.name != r.name
        }
        self.enterprise_names = {r.name for r in self.enterprises} | (
            set(self.db_enterprises_by_name) - renamed_away
        )
        # The unit that registers a new enterprise: the first project or
        # follow-up of this workbook that names it, else the root unit.
        self.enterprise_owner: dict[str, str] = {}
        for rec in self.projects:
            if rec.investors is not KEEP:
                for name in rec.investors:
                    self.enterprise_owner.setdefault(name, rec.unit)
        for rec in self.follow_ups:
            if rec.enterprise:
                self.enterprise_owner.setdefault(rec.enterprise, rec.unit)

    def _enterprise_known(self, row: Row, column: str, name: str) -> bool:
        if not name or name in self.enterprise_names:
            return True
        row.error(column, f"客商「{name}」不存在（本工作簿「客商」表和系统中都没有）")
        return False

    def _industry(self, row: Row, text: str) -> Industry | None:
        if not hasattr(self, "_industry_index"):
            self._industry_index = IndustryIndex(self.industries)
        try:
            found, warning = self._industry_index.find(text)
        except ValueProblem as problem:
            row.error("所属行业", str(problem))
            return None
        if warning:
            row.warn("所属行业", warning)
        return found

    def _resolve_projects(self) -> None:
        self.wb_project_codes = {r.code for r in self.projects}
        for rec in self.projects:
            row = rec.row
            ex = self.db_projects.get(rec.code)
            final: dict[str, Any] = {}

            def keep(value, existing_value, default, ex=ex):
                # A column absent from the sheet keeps the existing project's value.
                if value is KEEP:
                    return existing_value if ex is not None else default
                return value

            self._unit_known(row, "责任单位编码", rec.unit)
            cooperating = keep(rec.cooperating, list(ex.cooperating_units.all()) if ex else [], [])
            final_coop = []
            for item in cooperating:
                code = item.code if isinstance(item, Unit) else item
                if code == rec.unit:
                    row.warn("配合单位编码", f"责任单位「{code}」不必再列为配合单位，已略去")
                    continue
                if isinstance(item, Unit) or self._unit_known(row, "配合单位编码", code):
                    final_coop.append(code)
            final["cooperating"] = final_coop
            final["person"] = keep(rec.person, ex.person if ex else None, "") or None

            investors = keep(rec.investors, list(ex.investors.all()) if ex else [], [])
            for item in investors:
                if not isinstance(item, Enterprise):
                    self._enterprise_known(row, "投资方", item)
            final["investors"] = investors

            industry = None
            if rec.industry is KEEP:
                industry = ex.industry if ex else None
            elif rec.industry:
                industry = self._industry(row, rec.industry)
            final["industry"] = industry

            if rec.is_industrial is KEEP and ex is not None:
                final["is_industrial"] = ex.is_industrial
            elif rec.is_industrial in (KEEP, None):
                final["is_industrial"] = bool(industry and industry.is_industry)
            else:
                final["is_industrial"] = rec.is_industrial

            park = keep(rec.park, ex.park if ex else None, None) or None
            if (
                isinstance(park, str)
                and park not in self.wb_park_names
                and park not in self.db_parks
            ):
                row.error("所在园区", f"园区「{park}」不存在（本工作簿「园区」表和系统中都没有）")
            final["park"] = park
            final["is_key"] = bool(keep(rec.is_key, ex.is_key if ex else False, False))
            final["planned"] = keep(rec.planned, ex.planned_investment if ex else None, None)
            final["amount"] = keep(rec.amount, ex.contract_amount if ex else None, None)
            final["note"] = keep(rec.note, ex.note if ex else "", "") or ""

            stage = rec.stage
            dates: dict[int, date | None] = {}
            for s, value in rec.dates.items():
                if value is KEEP:
                    # Kept dates of stages above the new stage would contradict it.
                    value = (
                        getattr(ex, STAGE_DATE_FIELD[s]) if ex and stage and s <= stage else None
                    )
                dates[s] = value
            final["dates"] = dates

            status = keep(
                rec.status, ex.status if ex else ProjectStatus.ACTIVE, ProjectStatus.ACTIVE
            )
            status = status or ProjectStatus.ACTIVE
            dropped_on = rec.dropped_on
            drop_reason = rec.drop_reason
            if status == ProjectStatus.DROPPED:
                if dropped_on is KEEP:
                    dropped_on = ex.dropped_on if ex else None
                if drop_reason is KEEP:
                    drop_reason = ex.drop_reason if ex else ""
                if dropped_on is None and "终止日期" not in row.failed_columns:
                    row.error("终止日期", "不能为空（状态为终止）")
            else:
                for column, value in (("终止日期", dropped_on), ("终止原因", drop_reason)):
                    if value not in (KEEP, None, ""):
                        row.error(
                            column, "状态不是终止，不应填写（如项目已终止，请在「状态」填写 终止）"
                        )
                dropped_on, drop_reason = None, ""
            final["dropped_on"] = dropped_on
            final["drop_reason"] = drop_reason or ""
            rec.final = final

            if stage is None:
                continue
            data = ProjectData(
                name=rec.name,
                responsible_unit=None,
                stage=stage,
                contract_amount=final["amount"],
                planned_investment=final["planned"],
                stage_dates=dates,
                dropped_on=dropped_on if status == ProjectStatus.DROPPED else None,
                drop_reason=final["drop_reason"],
            )
            for label, message in validate_project_data(data):
                if str(label) not in row.failed_columns:
                    row.error(str(label), message)

    def _project_known(self, row: Row, code: str) -> bool:
        if not code or code in self.wb_project_codes or code in self.db_projects:
            return True
        row.error("项目编号", f"项目编号「{code}」不存在（本工作簿「项目」表和系统中都没有）")
        return False

    def _resolve_funds(self) -> None:
        for rec in self.funds:
            self._project_known(rec.row, rec.project)

    def _resolve_follow_ups(self) -> None:
        for rec in self.follow_ups:
            self._unit_known(rec.row, "单位编码", rec.unit)
            self._project_known(rec.row, rec.project)
            self._enterprise_known(rec.row, "企业名称", rec.enterprise)

    def _campaign_root_code(self, code: str) -> str | None:
        """The code of the unit organising campaign ``code`` (engine.progress.campaign_root)."""
        existing = self.db_campaigns.get(code)
        if existing is not None and existing.unit_id:
            unit = self.db_units_by_id.get(existing.unit_id)
            return unit.code if unit else None
        # No organising unit: the first root of the tree, by display order then code.
        orders = {u.code: u.order for u in self.db_units.values()}
        orders.update({r.code: r.order for r in self.units if isinstance(r.order, int)})
        roots = [c for c, parent in self.parent_of.items() if parent is None]
        return min(roots, key=lambda c: (orders.get(c, 0), c)) if roots else None

    def _resolve_submissions(self) -> None:
        for rec in self.submissions:
            row = rec.row
            campaign_ok = self._campaign_known(row, rec.campaign)
            unit_ok = self._unit_known(row, "单位编码", rec.unit)
            if not (campaign_ok and unit_ok and rec.campaign and rec.unit):
                continue
            root = self._campaign_root_code(rec.campaign)
            if root is None:
                continue
            chain, current = [], self.parent_of.get(rec.unit)
            while current is not None and current not in chain:
                chain.append(current)
                current = self.parent_of.get(current)
            if rec.unit == root or root not in chain:
                row.error(
                    "单位编码",
                    f"单位「{rec.unit}」不是专项行动「{rec.campaign}」的报送单位"
                    f"（应为组织单位「{root}」的下级单位）",
                )

    # ------------------------------------------------------------------ pass 3: write

    def write_all(self, dry_run: bool) -> None:
        try:
            with transaction.atomic():
                self._write_units()
                self._write_users()
                self._write_parks()
                self._write_campaigns()
                self._write_enterprises()
                self._write_projects()
                self._write_funds()
                self._write_follow_ups()
                self._write_submissions()
                if dry_run:
                    transaction.set_rollback(True)
        except _WriteFailed:
            # Recorded at its row; the transaction was rolled back, so nothing counts.
            self.counts = {name: SheetCounts() for name in self.counts}
            self.persons_created = 0
        if dry_run or self.findings.has_errors:
            self.passwords = []

    @contextmanager
    def _guard(self, row: Row) -> Iterator[None]:
        """Turn a refused write into an error at its row and abort (rolling everything back)."""
        try:
            yield
        except ValidationError as exc:
            row.error(None, "写入被拒绝：" + "；".join(exc.messages) + "（已全部撤销）")
            raise _WriteFailed from exc
        except (PermissionDenied, Http404) as exc:
            row.error(None, "无权修改此数据（超出本账号的管理范围），已全部撤销")
            raise _WriteFailed from exc
        except DatabaseError as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            row.error(None, f"写入数据库时出错：{detail}（已全部撤销）")
            raise _WriteFailed from exc

    def _require_manage(self, unit: Unit | None) -> None:
        if self.actor is None:
            return
        from zhaoshang.org.scope import require_manage, scope_of

        if unit is None:
            if not scope_of(self.actor).everything:
                raise PermissionDenied
            return
        require_manage(self.actor, unit)

    def _refresh_unit_paths(self) -> None:
        """A moved unit rewrote its subtree's paths in the database; follow them here."""
        fresh = dict(Unit.objects.values_list("pk", "path"))
        for unit in self.units_by_code.values():
            if unit.pk in fresh:
                unit.path = fresh[unit.pk]
                unit.depth = unit.path.count("/") - 2

    def _write_units(self) -> None:
        self.units_by_code: dict[str, Unit] = dict(self.db_units)
        counts = self.counts.get("单位")
        ordered = sorted(self.units, key=lambda r: (self.unit_depth.get(r.code, 0), r.row.number))
        for rec in ordered:
            parent = self.units_by_code[rec.parent] if rec.parent else None
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
            with self._guard(rec.row):
                self._require_manage(existing if existing else parent)
                if existing is not None and parent is not None:
                    self._require_manage(parent)
                from zhaoshang.org.services import do_save_unit

                unit, created, changed = do_save_unit(
                    rec.code,
                    name=rec.name,
                    kind=rec.kind,
                    parent=parent,
                    order=rec.order,
                    official_code=official,
                    actor=self.actor,
                    reason=self.reason,
                )
            self.units_by_code[rec.code] = unit
            counts.add(created, bool(changed))
            if not created and "parent" in changed:
                self._refresh_unit_paths()

    def _write_users(self) -> None:
        from zhaoshang.org.services import do_save_account

        counts = self.counts.get("用户")
        for rec in self.users:
            unit = self.units_by_code[rec.unit]
            existing = self.db_users.get(rec.username)
            full_name = rec.full_name
            if full_name is KEEP:
                full_name = existing.first_name if existing else ""
            changed = existing is not None and (
                existing.first_name != full_name
                or self.db_memberships.get(existing.pk, []) != [(unit.pk, rec.role)]
            )
            with self._guard(rec.row):
                self._require_manage(unit)
                _user, created, generated = do_save_account(
                    rec.username,
                    full_name=full_name,
                    unit=unit,
                    role=rec.role,
                    password=rec.password or None,
                    actor=self.actor,
                    reason=self.reason,
                )
            counts.add(created, changed)
            if generated:
                self.passwords.append({"username": rec.username, "password": generated})

    def _write_parks(self) -> None:
        from zhaoshang.ledger.services import do_save_park

        self.parks_by_name: dict[str, Park] = dict(self.db_parks)
        counts = self.counts.get("园区")
        for rec in self.parks:
            with self._guard(rec.row):
                park, created, changed = do_save_park(
                    name=rec.name,
                    unit=self.units_by_code[rec.unit],
                    actor=self.actor,
                    reason=self.reason,
                )
            self.parks_by_name[rec.name] = park
            counts.add(created, bool(changed))

    def _person(self, unit: Unit, name: str) -> Person:
        """The responsible person ``name`` of ``unit``, registered when new."""
        if not hasattr(self, "_persons"):
            names = {r.person for r in self.targets if r.person not in (KEEP, None, "")}
            names |= {
                r.final.get("person")
                for r in self.projects
                if isinstance(r.final.get("person"), str)
            }
            self._persons: dict[tuple[int, str], Person] = {}
            for chunk in _in_chunks(names):
                for person in Person.objects.filter(name__in=chunk):
                    self._persons[(person.unit_id, person.name)] = person
        key = (unit.pk, name)
        if key not in self._persons:
            from zhaoshang.org.services import do_save_person

            self._persons[key] = do_save_person(unit, name, actor=self.actor, reason=self.reason)
            self.persons_created += 1
        return self._persons[key]

    def _write_campaigns(self) -> None:
        from zhaoshang.campaigns.services import do_save_campaign, do_save_milestone, do_save_target

        self.campaigns_by_code: dict[str, Campaign] = dict(self.db_campaigns)
        counts = self.counts.get("专项行动")
        for rec in self.campaigns:
            with self._guard(rec.row):
                campaign, created, changed = do_save_campaign(
                    rec.code,
                    name=rec.name,
                    start=rec.start,
                    end=rec.end,
                    mode=rec.mode,
                    primary_indicator=rec.primary,
                    actor=self.actor,
                    reason=self.reason,
                )
            self.campaigns_by_code[rec.code] = campaign
            counts.add(created, bool(changed))
        counts = self.counts.get("节点")
        for rec in self.milestones:
            with self._guard(rec.row):
                _m, created, changed = do_save_milestone(
                    self.campaigns_by_code[rec.campaign],
                    rec.on,
                    rec.pct,
                    actor=self.actor,
                    reason=self.reason,
                )
            counts.add(created, bool(changed))
        counts = self.counts.get("目标任务")
        for rec in self.targets:
            campaign = self.campaigns_by_code[rec.campaign]
            unit = self.units_by_code[rec.unit]
            with self._guard(rec.row):
                existing = None
                if rec.person is KEEP or rec.deadline is KEEP:
                    existing = campaign.targets.filter(unit=unit, indicator=rec.indicator).first()
                if rec.person is KEEP:
                    person = existing.person if existing else None
                else:
                    person = self._person(unit, rec.person) if rec.person else None
                deadline = rec.deadline
                if deadline is KEEP:
                    deadline = existing.deadline if existing else None
                _t, created, changed = do_save_target(
                    campaign,
                    unit,
                    rec.indicator,
                    rec.value,
                    person=person,
                    deadline=deadline,
                    actor=self.actor,
                    reason=self.reason,
                )
            counts.add(created, bool(changed))

    def _root_unit(self) -> Unit | None:
        roots = [u for u in self.units_by_code.values() if u.parent_id is None]
        return min(roots, key=lambda u: (u.order, u.code)) if roots else None

    def _write_enterprises(self) -> None:
        from zhaoshang.ledger.services import do_save_enterprise

        self.enterprises_by_name: dict[str, Enterprise] = {
            name: e
            for name, e in self.db_enterprises_by_name.items()
            if name in self.enterprise_names
        }
        counts = self.counts.get("客商")
        for rec in self.enterprises:
            owner = None
            if rec.existing is None:
                owner_code = self.enterprise_owner.get(rec.name)
                owner = self.units_by_code.get(owner_code) if owner_code else self._root_unit()
            with self._guard(rec.row):
                enterprise, created, changed = do_save_enterprise(
                    name=rec.name,
                    uscc=rec.uscc,
                    ownership=rec.ownership,
                    origin=rec.origin,
                    tags=None if rec.tags is KEEP else rec.tags,
                    owner_unit=owner,
                    actor=self.actor,
                    reason=self.reason,
                )
            self.enterprises_by_name[rec.name] = enterprise
            counts.add(created, bool(changed))

    def _write_projects(self) -> None:
        from zhaoshang.ledger.services import do_save_project

        self.projects_by_code: dict[str, Project] = dict(self.db_projects)
        counts = self.counts.get("项目")
        for rec in self.projects:
            final = rec.final
            unit = self.units_by_code[rec.unit]
            person = final["person"]
            if isinstance(person, str):
                person = self._person(unit, person)
            park = final["park"]
            if isinstance(park, str):
                park = self.parks_by_name[park]
            data = ProjectData(
                name=rec.name,
                responsible_unit=unit,
                stage=rec.stage,
                cooperating_units=[self.units_by_code[c] for c in final["cooperating"]],
                person=person,
                investors=[
                    e if isinstance(e, Enterprise) else self.enterprises_by_name[e]
                    for e in final["investors"]
                ],
                industry=final["industry"],
                is_industrial=final["is_industrial"],
                park=park,
                is_key=final["is_key"],
                planned_investment=final["planned"],
                contract_amount=final["amount"],
                stage_dates=final["dates"],
                dropped_on=final["dropped_on"],
                drop_reason=final["drop_reason"],
                note=final["note"],
            )
            with self._guard(rec.row):
                project, created, changed = do_save_project(
                    rec.code,
                    data,
                    actor=self.actor,
                    reason=self.reason,
                )
            self.projects_by_code[rec.code] = project
            counts.add(created, bool(changed))

    def _write_funds(self) -> None:
        from zhaoshang.ledger.services import do_record_funds

        counts = self.counts.get("到位资金")
        for rec in self.funds:
            existing = self.db_funds.get((rec.project, rec.on))
            with self._guard(rec.row):
                _entry, created, changed = do_record_funds(
                    self.projects_by_code[rec.project],
                    rec.on,
                    rec.amount,
                    note=existing.note if existing else "",
                    actor=self.actor,
                    reason=self.reason,
                )
            counts.add(created, bool(changed))

    def _write_follow_ups(self) -> None:
        from zhaoshang.ledger.services import do_add_follow_up

        counts = self.counts.get("跟踪记录")
        for rec in self.follow_ups:
            with self._guard(rec.row):
                _f, created = do_add_follow_up(
                    on=rec.on,
                    unit=self.units_by_code[rec.unit],
                    kind=rec.kind,
                    project=self.projects_by_code[rec.project] if rec.project else None,
                    enterprise=self.enterprises_by_name[rec.enterprise] if rec.enterprise else None,
                    content=rec.content,
                    participants=rec.participants,
                    actor=self.actor,
                    reason=self.reason,
                )
            counts.add(created, False)

    def _write_submissions(self) -> None:
        from zhaoshang.dispatch.services import do_save_submission

        counts = self.counts.get("调度填报")
        for rec in self.submissions:
            submitted_at = rec.submitted_at
            if submitted_at is not None and not isinstance(submitted_at, datetime):
                # A bare day of submission is its start: reported that day counts as in time.
                submitted_at = datetime.combine(submitted_at, time.min)
            with self._guard(rec.row):
                # The figures confirmed are the unit's ledger on the submission day,
                # which is why this sheet is written after the projects and funds.
                _submission, created, changed = do_save_submission(
                    self.campaigns_by_code[rec.campaign],
                    rec.deadline,
                    self.units_by_code[rec.unit],
                    submitted_at,
                    rec.progress,
                    rec.problems,
                    rec.plan,
                    actor=self.actor,
                )
            counts.add(created, bool(changed))


def _deadline_key(moment: date | datetime) -> datetime:
    """Deadlines compared as the service stores them: a bare day means its last second."""
    if isinstance(moment, datetime):
        return moment
    from zhaoshang.dispatch.services import END_OF_DAY

    return datetime.combine(moment, END_OF_DAY)


def _moment_words(moment: date | datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if isinstance(moment, datetime) else moment.isoformat()


def load_workbook(
    path: str | Path,
    *,
    dry_run: bool = False,
    actor=None,
    sheet: str | None = None,
    name: str | None = None,
) -> LoadResult:
    """Validate the whole workbook and, when nothing is wrong, write it in one transaction.

    ``actor`` is the logged-in user importing through the web (its scope is
    enforced); ``None`` for an operator on the command line. Raises
    :class:`UnusableWorkbook` when the file cannot be read as a workbook at all.
    """
    path = Path(path)
    name = name or path.name
    raw = read_file(path, sheet=sheet, name=name)
    loader = _Loader(name, actor)
    loader.collect(raw)
    loader.read_all()
    loader.resolve_all()
    if not loader.findings.has_errors:
        loader.write_all(dry_run)
        if not dry_run:
            refresh_planner_statistics()
    return LoadResult(
        file=name,
        dry_run=dry_run,
        errors=loader.findings.errors(),
        warnings=loader.findings.warnings(),
        counts=loader.counts,
        passwords=loader.passwords,
        persons_created=loader.persons_created if not loader.findings.has_errors else 0,
    )
