"""The uploaded file given back with its errors marked: bad cells highlighted, a 错误说明 column.

Every sheet keeps its rows at the same Excel row numbers as the upload (the
messages name them), so people fix the cells where they are and upload the
file again. Values are written as they were read; text is never a formula.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from zhaoshang.workbook.export import is_formula_like, new_book
from zhaoshang.workbook.reader import RawBook

NOTE_COLUMN = "错误说明"


def write_annotated(target, book: RawBook, ctx) -> None:
    """Write ``book`` with the errors of the import context ``ctx`` marked, to ``target``."""
    workbook, formats = new_book(target, "导入错误说明")
    bad = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1})
    note = workbook.add_format({"font_color": "#9C0006", "text_wrap": True})
    head = formats["header"]
    by_title = {sheet.title: sheet for sheet in ctx.sheets.values()}
    cells: dict[str, dict[int, dict[int, list[str]]]] = defaultdict(lambda: defaultdict(dict))
    notes: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    general: list[str] = []
    for sheet_name, row, column, message in ctx.findings.error_cells:
        data = ctx.sheets.get(sheet_name) if sheet_name else None
        if data is None:
            general.append(message if not sheet_name else f"工作表「{sheet_name}」：{message}")
            continue
        number = row or data.header_row
        label = f"「{column}」{message}" if column else message
        if label not in notes[data.title][number]:
            notes[data.title][number].append(label)
        position = data.positions.get(column) if column else None
        if position is not None:
            cells[data.title][number][position] = True
    if general:
        ws = workbook.add_worksheet(NOTE_COLUMN)
        ws.write_string(0, 0, "整个文件的问题", head)
        for index, message in enumerate(general, start=1):
            ws.write_string(index, 0, message, note)
        ws.set_column(0, 0, 100)
    for raw in book.sheets:
        ws = workbook.add_worksheet(raw.title[:31])
        width = max((len(values) for _n, values in raw.rows), default=0)
        data = by_title.get(raw.title)
        if data is not None:
            width = max(width, max(data.positions.values(), default=-1) + 1)
        for number, values in raw.rows:
            r = number - 1
            marked = cells[raw.title].get(number, {})
            is_header = data is not None and number == data.header_row
            for c, value in enumerate(values):
                fmt = bad if c in marked else (head if is_header else None)
                _write(ws, r, c, value, fmt, formats)
            for c in marked:
                if c >= len(values):
                    ws.write_blank(r, c, None, bad)
            messages = notes[raw.title].get(number)
            if is_header:
                ws.write_string(r, width, NOTE_COLUMN, head)
                if messages:
                    ws.write_string(r, width + 1, "；".join(messages), note)
            elif messages:
                ws.write_string(r, width, "；".join(messages), note)
        ws.set_column(width, width, 60)
        ws.freeze_panes(1, 0)
    workbook.close()


def _write(ws, r: int, c: int, value, fmt, formats) -> None:
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(r, c, value, fmt or formats["date"])
    else:
        text = str(value)[:32_767]
        if fmt is None and is_formula_like(text):
            fmt = formats["quoted"]
        ws.write_string(r, c, text, fmt)
