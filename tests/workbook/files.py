"""Writers of the file kinds the loader reads, for tests: .xls, .csv, encrypted, formulas."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A legacy BIFF8 workbook (what Excel 2003 and old WPS save)."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for title, rows in sheets.items():
        ws = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date | datetime):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    book.save(str(path))
    return path


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def encrypt(source: Path, target: Path, password: str = "mima-2026") -> Path:
    """The workbook with an opening password, as Excel saves it (an OLE-wrapped package)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target


def write_with_formulas(path: Path, title: str, rows: list[list], formulas: dict) -> Path:
    """Rows written by XlsxWriter; ``formulas[(row, col)] = (formula, saved value or None)``.

    XlsxWriter stores the value given with a formula as its saved result, as
    Excel does after calculating; ``None`` leaves the result out.
    """
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(title)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in formulas:
                continue
            if value is not None:
                ws.write(r, c, value)
    for (r, c), (formula, value) in formulas.items():
        if value is None:
            ws.write_formula(r, c, formula)
        else:
            ws.write_formula(r, c, formula, None, value)
    book.close()
    if any(v is None for _f, v in formulas.values()):
        _drop_saved_results(path)
    return path


def _drop_saved_results(path: Path) -> None:
    """XlsxWriter writes <v>0</v> for a formula without a value; remove it as WPS leaves it."""
    import re
    import zipfile

    data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(<f>[^<]*</f>)<v>0</v>", rb"\1", content)
            dst.writestr(item, content)
    path.write_bytes(out.getvalue())
