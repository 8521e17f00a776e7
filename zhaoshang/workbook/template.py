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


def _write_sheet(book: Workbook, sheet: schema.Sheet) -> None:
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
        if column.choices:
            listed = ",".join(column.choices)
            validation = DataValidation(
                type="list",
                formula1=f'"{listed}"',
                allow_blank=True,
                showErrorMessage=False,  # WPS and Excel still accept other spellings we read
            )
            validation.add(f"{letter}2:{letter}{PREPARED_ROWS}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22


def write_template(path: str | Path, sheets: list[str] | None = None) -> Path:
    """Write the empty data workbook (or only the named sheets) to ``path``; return the path."""
    book = Workbook()
    book.remove(book.active)
    _write_notes(book)
    for sheet in schema.SHEETS:
        if sheet.supported and (sheets is None or sheet.name in sheets):
            _write_sheet(book, sheet)
    book.properties.creator = "招商引资工作调度平台"
    book.properties.title = "数据工作簿模板"
    path = Path(path)
    book.save(path)
    return path
