"""The empty data workbook people fill in: every sheet with its headers (contracts/workbook.md).

Required columns carry a ``*`` (the loader strips it), the header row is bold
and frozen, choice columns offer a drop-down, code columns are text so that
leading zeros survive, and a 说明 sheet explains keys and accepted values.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhaoshang.workbook import schema

# Rows prepared with drop-downs and formats; Excel extends them when rows are inserted.
PREPARED_ROWS = 2000

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_FORMATS = {
    schema.DATE: "yyyy-mm-dd",
    schema.DATETIME: "yyyy-mm-dd hh:mm",
    schema.CODE: "@",
    schema.AMOUNT: "#,##0.00",
    schema.PERCENT: "0.##",
}

_GENERAL_NOTES = [
    "招商引资工作调度平台 数据工作簿",
    "",
    "填写说明",
    "1. 每个工作表一类数据；工作表可以只保留需要的几张，顺序不限。列名带 * 的为必填列。",
    "2. 按各表的「主键」与系统中已有记录对应：已有的更新，没有的新建；导入不会删除任何记录。",
    "3. 整个文件要么全部导入，要么一条也不写入：只要有一处错误，会列出全部错误（工作表、行号、列名）供修改。",
    "4. 某一列整列删去时，已有记录的该项保持不变；保留该列但单元格留空，表示该项为空。",
    "5. 金额以万元为单位，可填 5000、5,000、5000万、1.2亿（即 12000 万元），全角数字亦可；最多两位小数。",
    "6. 日期可填 Excel 日期，或 2026-11-05、2026/11/5、2026.11.5、2026年11月5日。",
    "7. 是/否 列也可填 Y/N、1/0、√/×。单元格首尾的空格（含全角空格）会自动去掉。",
    "8. 引用的编码和名称（单位编码、园区、客商、项目编号、行动编码）须在本文件的相应工作表或系统中已存在。",
    "9. 新建账号未填初始密码时，系统随机生成并在导入结果中只显示一次；首次登录须修改密码。密码不会导出。",
    "",
    "各工作表",
]


def _sheet_notes(sheet: schema.Sheet) -> list[str]:
    required = "、".join(c.name for c in sheet.columns if c.required)
    lines = [f"【{sheet.name}】主键：{sheet.key}；必填列：{required}"]
    for column in sheet.columns:
        details = []
        if column.choices:
            details.append("可选：" + "、".join(column.choices))
        if column.note:
            details.append(column.note)
        if details:
            lines.append(f"    {column.name}：{'；'.join(details)}")
    if sheet.note:
        lines.append(f"    {sheet.note}")
    return lines


def _write_notes(book: Workbook) -> None:
    ws = book.create_sheet(schema.NOTES_SHEET)
    lines = list(_GENERAL_NOTES)
    for sheet in schema.SHEETS:
        if sheet.supported:
            lines += _sheet_notes(sheet)
    for text in lines:
        ws.append([text])
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"].font = _HEADER_FONT
    ws.column_dimensions["A"].width = 120


# Example rows people copy from, on their own sheets (the loader passes over them).
EXAMPLES: dict[str, list[dict[str, object]]] = {
    "单位": [
        {
            "单位编码": "522601",
            "单位名称": "凯里市",
            "上级单位编码": "522600",
            "单位类型": "县市",
            "排序": 1,
        },
        {
            "单位编码": "522640",
            "单位名称": "凯里经济开发区",
            "上级单位编码": "522600",
            "单位类型": "开发区",
            "排序": 20,
        },
    ],
    "目标任务": [
        {
            "行动编码": "MQDH2026",
            "单位编码": "522601",
            "指标": "合同投资额(万元)",
            "目标值": 50000,
            "责任人": "王明",
            "完成时限": "2026-12-05",
        },
        {"行动编码": "MQDH2026", "单位编码": "522601", "指标": "合同项目数", "目标值": 12},
    ],
    "客商": [
        {
            "企业名称": "贵州示例新材料有限公司",
            "统一社会信用代码": "91520100MA6DKQ0X3K",
            "企业性质": "民营",
            "来源地": "省外",
            "荣誉标签": "中国民营企业500强(2025);上市公司",
        },
    ],
    "项目": [
        {
            "项目编号": "KL-2026-001",
            "项目名称": "新能源电池材料生产线项目",
            "责任单位编码": "522601",
            "配合单位编码": "522600-TC",
            "责任人": "王明",
            "投资方": "贵州示例新材料有限公司",
            "所属行业": "C38 电气机械和器材制造业",
            "是否工业项目": "是",
            "所在园区": "凯里市产业园",
            "是否重点项目": "是",
            "计划总投资(万元)": 50000,
            "合同投资额(万元)": 30000,
            "项目阶段": "合同",
            "签约日期": "2026-10-25",
            "合同签订日期": "2026-11-05",
            "状态": "正常",
        },
        {
            "项目编号": "KL-2026-002",
            "项目名称": "特色农产品精深加工项目",
            "责任单位编码": "522601",
            "所属行业": "C13",
            "项目阶段": "洽谈",
            "备注": "已完成两轮洽谈",
        },
    ],
    "到位资金": [{"项目编号": "KL-2026-001", "日期": "2026-11-20", "金额(万元)": 3000}],
    "跟踪记录": [
        {
            "日期": "2026-11-05",
            "单位编码": "522601",
            "类型": "外出招商",
            "项目编号": "KL-2026-001",
            "企业名称": "贵州示例新材料有限公司",
            "内容": "赴长沙对接项目落地事宜",
            "参与人": "王明、李华",
        },
    ],
}

LISTS_SHEET = "_lists"


class _Lists:
    """Drop-down lists that come from the database, on one hidden sheet."""

    def __init__(self, book: Workbook, scope):
        from zhaoshang.ledger.models import Industry, Park
        from zhaoshang.org.models import Unit
        from zhaoshang.org.scope import restrict

        self.ranges: dict[str, str] = {}
        ws = book.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        units = list(restrict(Unit.objects.all(), scope).order_by("path"))
        parks = list(restrict(Park.objects.all(), scope).order_by("name"))
        industries = list(Industry.objects.order_by("code"))
        columns = {
            "unit": ("单位编码", [u.code for u in units], [u.name for u in units]),
            "park": ("园区名称", [p.name for p in parks], None),
            "industry": ("所属行业", [self._industry(i) for i in industries], None),
        }
        col = 1
        for key, (title, values, names) in columns.items():
            ws.cell(row=1, column=col, value=title)
            for index, value in enumerate(values, start=2):
                ws.cell(row=index, column=col, value=value).number_format = "@"
                if names:
                    ws.cell(row=index, column=col + 1, value=names[index - 2])
            if values:
                letter = get_column_letter(col)
                self.ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
            col += 2 if names else 1

    @staticmethod
    def _industry(industry) -> str:
        code = industry.code
        prefix = f"{industry.section}{code}" if code.isdigit() else code
        return f"{prefix} {industry.name}"

    def for_column(self, column: schema.Column) -> str | None:
        if column.name.endswith("单位编码") and column.name != "配合单位编码":
            return self.ranges.get("unit")
        if column.name == "所在园区":
            return self.ranges.get("park")
        if column.name == "所属行业":
            return self.ranges.get("industry")
        return None


def _write_examples(book: Workbook, sheet: schema.Sheet) -> None:
    rows = EXAMPLES.get(sheet.name)
    if not rows:
        return
    ws = book.create_sheet(f"{schema.EXAMPLES_PREFIX}{sheet.name}")
    ws.append([c.name + ("*" if c.required else "") for c in sheet.columns])
    for row in rows:
        ws.append([row.get(c.name) for c in sheet.columns])
    for cell in ws[1]:
        cell.font = _HEADER_FONT
    ws.freeze_panes = "A2"


def _write_sheet(book: Workbook, sheet: schema.Sheet, lists: _Lists | None = None) -> None:
    ws = book.create_sheet(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.name + ("*" if column.required else ""))
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.note:
            cell.comment = Comment(column.note, "招商引资工作调度平台")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(12, min(40, len(column.name) * 2 + 4))
        number_format = _FORMATS.get(column.kind)
        if number_format:
            ws.column_dimensions[letter].number_format = number_format
        source = lists.for_column(column) if lists is not None else None
        if column.choices:
            source = '"' + ",".join(column.choices) + '"'
        if source:
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=False,  # WPS and Excel still accept other spellings we read
            )
            validation.add(f"{letter}2:{letter}{PREPARED_ROWS}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22


def write_template(path: str | Path, sheets: list[str] | None = None, scope=None) -> Path:
    """Write the empty data workbook (or only the named sheets) to ``path``; return the path.

    With a ``scope`` (an ``org.scope.Scope``), unit code, park and industry
    columns offer drop-downs of the units and parks in that scope and of the
    industries, from a hidden list sheet.
    """
    book = Workbook()
    book.remove(book.active)
    _write_notes(book)
    chosen = [s for s in schema.SHEETS if s.supported and (sheets is None or s.name in sheets)]
    lists = _Lists(book, scope) if scope is not None else None
    for sheet in chosen:
        _write_sheet(book, sheet, lists)
    for sheet in chosen:
        _write_examples(book, sheet)
    if lists is not None:
        hidden = book[LISTS_SHEET]
        book.move_sheet(hidden, offset=len(book.sheetnames) - 1 - book.index(hidden))
    book.properties.creator = "招商引资工作调度平台"
    book.properties.title = "数据工作簿模板"
    path = Path(path)
    book.save(path)
    return path
