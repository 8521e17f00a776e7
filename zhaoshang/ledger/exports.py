"""The ledger as a data workbook: the 项目 sheet of contracts/workbook.md for the filtered
projects, with the 客商 rows of their investors and their 到位资金 entries.

The columns are those of ``zhaoshang.workbook.schema`` (the loader's and the
template's own description), so a file exported here, edited in Excel or WPS
and imported again changes exactly what was edited and nothing else.

Nothing a user typed can turn into a formula: every text cell is written as a
string (XlsxWriter's ``write_string``, never guessing), and a text starting
with = + - @ (or a tab or carriage return) also carries Excel's "quote prefix"
flag, which keeps it text even when someone later edits the cell and presses
Enter. The flag is a cell format, not a character, so the value read back on
import is exactly the value exported.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import xlsxwriter
from django.db.models import Prefetch, QuerySet

from zhaoshang.ledger.models import (
    STAGE_DATE_FIELD,
    Enterprise,
    FundsEntry,
    Project,
    ProjectStatus,
    Stage,
)
from zhaoshang.org.models import Unit
from zhaoshang.workbook import schema

# Characters with which Excel, WPS or LibreOffice start a formula (or DDE) when typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STAGE_COLUMNS = {
    Stage.SIGNED: "签约日期",
    Stage.CONTRACTED: "合同签订日期",
    Stage.STARTED: "开工日期",
    Stage.OPERATING: "投产日期",
}
BATCH = 2000


def _yes_no(value: bool) -> str:
    return schema.YES_NO[0] if value else schema.YES_NO[1]


def project_row(project: Project) -> dict[str, object]:
    """One 项目 row: column name → value (str, Decimal, date or None)."""
    row: dict[str, object] = {
        "项目编号": project.code,
        "项目名称": project.name,
        "责任单位编码": project.responsible_unit.code,
        "配合单位编码": ";".join(sorted(u.code for u in project.cooperating_units.all())),
        "责任人": project.person.name if project.person_id else "",
        "投资方": ";".join(sorted(e.name for e in project.investors.all())),
        "所属行业": project.industry.code if project.industry_id else "",
        "是否工业项目": _yes_no(project.is_industrial),
        "所在园区": project.park.name if project.park_id else "",
        "是否重点项目": _yes_no(project.is_key),
        "计划总投资(万元)": project.planned_investment,
        "合同投资额(万元)": project.contract_amount,
        # The contract's words whatever the page language: the file must import again.
        "项目阶段": schema.STAGES[project.stage - 1],
        "状态": schema.STATUSES[0 if project.status == ProjectStatus.ACTIVE else 1],
        "终止日期": project.dropped_on,
        "终止原因": project.drop_reason,
        "备注": project.note,
    }
    for stage, column in _STAGE_COLUMNS.items():
        row[column] = getattr(project, STAGE_DATE_FIELD[stage])
    return row


def enterprise_row(enterprise: Enterprise) -> dict[str, object]:
    return {
        "企业名称": enterprise.name,
        "统一社会信用代码": enterprise.uscc or "",
        "企业性质": enterprise.ownership,
        "来源地": enterprise.origin,
        "荣誉标签": ";".join(
            str(tag) for tag in sorted(enterprise.tags.all(), key=lambda t: (t.name, t.year or 0))
        ),
    }


class _SheetWriter:
    """Writes rows of one sheet with the schema's columns and cell types."""

    def __init__(self, book, sheet: schema.Sheet, formats: dict):
        self.sheet = sheet
        self.ws = book.add_worksheet(sheet.name)
        self.formats = formats
        self.row = 0
        for col, column in enumerate(sheet.columns):
            header = column.name + ("*" if column.required else "")
            self.ws.write_string(0, col, header, formats["header"])
            self.ws.set_column(col, col, max(12, min(40, len(column.name) * 2 + 4)))
        self.ws.freeze_panes(1, 0)

    def write(self, values: dict[str, object]) -> None:
        self.row += 1
        for col, column in enumerate(self.sheet.columns):
            self._cell(self.row, col, column, values.get(column.name))

    def _cell(self, row: int, col: int, column: schema.Column, value) -> None:
        ws, f = self.ws, self.formats
        if value is None or value == "":
            return
        if isinstance(value, Decimal):
            # A float carries any amount below a billion 万元 to the cent exactly, and
            # stays a number people can sum; the loader reads it back to the cent.
            ws.write_number(row, col, float(value), f["amount"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, f["date"])
        else:
            text = str(value)
            fmt = f["text_quoted"] if text.startswith(FORMULA_STARTS) else f["text"]
            ws.write_string(row, col, text, fmt)

    def finish(self) -> None:
        last = max(self.row, 1)
        self.ws.autofilter(0, 0, last, len(self.sheet.columns) - 1)


def export_projects(projects: QuerySet) -> bytes:
    """The workbook for ``projects`` (already scoped and filtered) as .xlsx bytes."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            # Never guess: a text is a text, whatever it looks like.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"title": "项目台账", "author": "招商引资工作调度平台"})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "text": book.add_format({"num_format": "@"}),
        "text_quoted": book.add_format({"num_format": "@", "quote_prefix": True}),
        "amount": book.add_format({"num_format": "#,##0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    # Tabs in the order people read them; the loader takes sheets in any order.
    projects_sheet = _SheetWriter(book, schema.PROJECTS, formats)
    enterprises_sheet = _SheetWriter(book, schema.ENTERPRISES, formats)
    funds_sheet = _SheetWriter(book, schema.FUNDS, formats)

    rows = (
        projects.select_related("responsible_unit", "person", "industry", "park")
        .prefetch_related(
            Prefetch("cooperating_units", queryset=Unit.objects.only("id", "code")),
            Prefetch("investors", queryset=Enterprise.objects.only("id", "name")),
        )
        .iterator(chunk_size=BATCH)
    )
    project_ids: list[int] = []
    investor_ids: set[int] = set()
    for project in rows:
        projects_sheet.write(project_row(project))
        project_ids.append(project.pk)
        investor_ids.update(e.pk for e in project.investors.all())

    # The investors the exported rows name, so the file imports on its own.
    investors = sorted(investor_ids)
    for start in range(0, len(investors), BATCH):
        chunk = investors[start : start + BATCH]
        for enterprise in (
            Enterprise.objects.filter(pk__in=chunk).prefetch_related("tags").order_by("name_pinyin")
        ):
            enterprises_sheet.write(enterprise_row(enterprise))
    for start in range(0, len(project_ids), BATCH):
        chunk = project_ids[start : start + BATCH]
        for entry in (
            FundsEntry.objects.filter(project_id__in=chunk)
            .select_related("project")
            .order_by("project__code", "on")
        ):
            funds_sheet.write(
                {"项目编号": entry.project.code, "日期": entry.on, "金额(万元)": entry.amount}
            )
    for sheet in (enterprises_sheet, projects_sheet, funds_sheet):
        sheet.finish()
    book.close()
    return output.getvalue()
