"""The data workbook of what a scope holds: the import's own sheets and columns, written back.

Every sheet handler (``zhaoshang.workbook.sheets``) says which records of a
scope it exports (``export_queryset``) and writes each as a row of its own
columns (``export_rows``), with the values its ``resolve`` compares against:
so ``zhaoshang load`` of an exported file changes nothing, and export → edit
in Excel/WPS → import changes exactly what was edited. A sheet added to the
registry comes along in the export, the list exports and the CSV files
without a change here.

Nothing a user typed turns into a formula: every text is written as a string
cell (XlsxWriter never guesses: ``strings_to_formulas`` and the other guesses
are off), and a text starting with = + - @, a tab, CR or LF also carries
Excel's "quote prefix" flag, which keeps it text when someone later edits the
cell and presses Enter. The flag is a cell format, not a character, so the
value read back is exactly the value written. In CSV, which has no cell
types, such a text is written with a leading apostrophe (the convention Excel
and WPS follow), which the CSV reader takes off again.

Rows are written as they are read from the database (constant memory, one
query per chunk of records), so a large export neither holds the whole sheet
nor asks the database once per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from zhaoshang.workbook import schema

# Characters with which Excel, WPS or LibreOffice start a formula (or DDE) when typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# What a CSV cell of such a text starts with, so no spreadsheet evaluates it.
CSV_TEXT_MARK = "'"

APP_NAME = "招商引资工作调度平台"


def handlers_for(names: Iterable[str] | None = None) -> list[type]:
    """The registered handlers of the sheets named (all, in import order, when None)."""
    from zhaoshang.workbook.sheets import HANDLERS

    if names is None:
        return [h for h in HANDLERS if h.spec.supported]
    wanted = list(names)
    by_name = {h.spec.name: h for h in HANDLERS}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise ValueError(
            "不是可导出的工作表：" + "、".join(unknown) + "（可选：" + "、".join(by_name) + "）"
        )
    return [h for h in HANDLERS if h.spec.name in wanted]


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value) -> str:
    """A value as one CSV cell: numbers and dates as people type them, risky texts marked."""
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
    text = str(value)
    return CSV_TEXT_MARK + text if is_formula_like(text) else text


class SheetWriter:
    """Writes the rows of one sheet with the schema's columns and cell types."""

    def __init__(self, book: xlsxwriter.Workbook, sheet: schema.Sheet, formats: dict):
        self.sheet = sheet
        self.ws = book.add_worksheet(sheet.name)
        self.formats = formats
        self.row = 0
        for col, column in enumerate(sheet.columns):
            header = column.name + ("*" if column.required else "")
            self.ws.write_string(0, col, header, formats["header"])
            width = max(12, min(40, len(column.name) * 2 + 4))
            self.ws.set_column(col, col, width, formats["text"] if column.kind == "code" else None)
        self.ws.freeze_panes(1, 0)

    def write(self, values: dict[str, object]) -> None:
        self.row += 1
        for col, column in enumerate(self.sheet.columns):
            self.cell(self.row, col, values.get(column.name))

    def cell(self, row: int, col: int, value) -> None:
        ws, f = self.ws, self.formats
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_string(row, col, schema.YES_NO[0] if value else schema.YES_NO[1], f["text"])
        elif isinstance(value, Decimal):
            # A float carries any amount below a billion 万元 to the cent exactly, and
            # stays a number people can sum; the reader takes it back to the cent.
            ws.write_number(row, col, float(value), f["amount"])
        elif isinstance(value, int):
            ws.write_number(row, col, value)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, f["datetime"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, f["date"])
        else:
            text = str(value)
            ws.write_string(row, col, text, f["quoted"] if is_formula_like(text) else f["text"])

    def finish(self) -> None:
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.sheet.columns) - 1)


def new_book(target, title: str) -> tuple[xlsxwriter.Workbook, dict]:
    book = xlsxwriter.Workbook(
        target,
        {
            # Rows go to disk as they are written: a 50,000-row sheet in little memory.
            "constant_memory": True,
            "in_memory": False,
            # Never guess: a text is a text, whatever it looks like.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"title": title, "author": APP_NAME})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "text": book.add_format({"num_format": "@"}),
        "quoted": book.add_format({"num_format": "@", "quote_prefix": True}),
        "amount": book.add_format({"num_format": "#,##0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    return book, formats


def write_workbook(target, sheets: list[tuple[type, Iterable]], title: str = "数据工作簿") -> None:
    """Write ``(handler, records)`` pairs as sheets of one .xlsx to ``target`` (path or file)."""
    book, formats = new_book(target, title)
    for handler, records in sheets:
        writer = SheetWriter(book, handler.spec, formats)
        if records is not None:
            for values in handler.export_rows(records):
                writer.write(values)
        writer.finish()
    book.close()


def export_workbook(
    path: str | Path, scope, sheets: Iterable[str] | None = None, title: str = "数据工作簿"
) -> dict[str, int]:
    """Write every (or the named) sheet of what ``scope`` holds; returns rows per sheet."""
    counts: dict[str, int] = {}
    pairs = []
    for handler in handlers_for(sheets):
        records = handler.export_queryset(scope)
        pairs.append((_Counted(handler, counts), records))
    write_workbook(str(path), pairs, title)
    return counts


class _Counted:
    """A handler whose rows are counted as they are written."""

    def __init__(self, handler: type, counts: dict[str, int]):
        self.handler = handler
        self.spec = handler.spec
        self.counts = counts
        counts[handler.spec.name] = 0

    def export_rows(self, records) -> Iterator[dict]:
        for values in self.handler.export_rows(records):
            self.counts[self.spec.name] += 1
            yield values


def csv_lines(handler: type, records) -> Iterator[str]:
    """One sheet as CSV text, line by line (UTF-8 with BOM, so Excel and WPS read Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    columns = handler.spec.columns
    writer.writerow([c.name + ("*" if c.required else "") for c in columns])
    yield "\ufeff" + flush()
    if records is None:
        return
    for count, values in enumerate(handler.export_rows(records), start=1):
        writer.writerow([csv_text(values.get(c.name)) for c in columns])
        if count % 500 == 0:
            yield flush()
    yield flush()


def list_export_response(handler: type, records, fmt: str, stem: str):
    """An HTTP download of ``records`` as one sheet: CSV streamed line by line, or .xlsx
    written in constant memory to a temporary file that is streamed and then removed."""
    import tempfile

    from django.http import FileResponse, StreamingHttpResponse
    from django.utils.http import content_disposition_header

    if fmt == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in csv_lines(handler, records)),
            content_type="text/csv; charset=utf-8",
        )
        # A CSV holds one sheet, named by its file name (项目.csv) for the import.
        name = f"{handler.spec.name}.csv"
    else:
        handle = tempfile.TemporaryFile()
        write_workbook(handle, [(handler, records)], title=stem)
        handle.seek(0)
        response = FileResponse(
            handle,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{stem}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
