"""Opening an uploaded file safely and reading its sheets into plain rows.

Accepted (contracts/workbook.md, "Other files"): .xlsx/.xlsm (Office Open
XML), the legacy .xls (BIFF), and .csv holding one sheet in UTF-8 (with or
without BOM), UTF-16 with BOM (Excel's "Unicode text") or GBK/GB18030. The
kind is told from the content, never trusted from the extension.

Before anything is parsed:

- the file's size is checked (:data:`MAX_FILE_BYTES`);
- a zip archive's directory is checked for the number of entries and the
  declared uncompressed size (a 300 KB file can expand to gigabytes; Python's
  zipfile stops at the declared size and fails the CRC check when an entry
  holds more than it declares, so declared sizes can be trusted);
- every XML part is refused if it carries a document type declaration (the
  carrier of entity bombs and external entities; Excel and WPS never write
  one), and openpyxl parses through defusedxml;
- compound-document files are told apart: a legacy .xls, or an .xlsx saved
  with an opening password (Excel wraps the encrypted package in one).

Cell values come from python-calamine (Rust: about 20 times faster than
openpyxl on a 10,000-row sheet). What calamine does not report is found by a
scan of the sheet's XML: Excel error values, formulas saved without their
calculated value, and cells formatted as a percentage.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
# Calamine holds a sheet as a dense rectangle; beyond this many cells (a stray
# value at row 1,048,576, say) the sheet is read row by row instead.
DENSE_CELLS = 3_000_000
# A sheet with more data rows than this is not a ledger.
MAX_ROWS = 200_000
# Excel's own limit for the text of one cell.
MAX_CELL_TEXT = 32_767

CSV_EXTENSIONS = (".csv", ".txt")


class UnusableWorkbook(Exception):
    """The file cannot be read as a data workbook at all; the message is one Chinese line."""


@dataclass(frozen=True)
class Cell:
    value: object
    # The cell is formatted as a percentage: 0.5 shows as 50%.
    percent: bool = False
    # Why the cell cannot be used as it is (an Excel error value, a formula
    # without a saved result); reported at the cell when a column reads it.
    problem: str | None = None

    @property
    def error(self) -> bool:
        return self.problem is not None


EMPTY = Cell(None)


@dataclass
class RawSheet:
    title: str
    # (row number, values) for every row that is not blank, header included.
    rows: list[tuple[int, list]] = field(default_factory=list)
    # (row number, 0-based column) → Cell for cells that need more than a value.
    special: dict[tuple[int, int], Cell] = field(default_factory=dict)
    hidden: bool = False

    def cell(self, number: int, values: list, position: int) -> Cell:
        special = self.special.get((number, position))
        if special is not None:
            return special
        if position >= len(values):
            return EMPTY
        value = values[position]
        return EMPTY if value is None or value == "" else Cell(value)


@dataclass
class RawBook:
    kind: str  # "xlsx", "xls" or "csv"
    sheets: list[RawSheet] = field(default_factory=list)
    # File-level notes shown as warnings (macros ignored, hidden sheets read …).
    notes: list[str] = field(default_factory=list)


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- dispatch


def read_file(path: str | Path, *, sheet: str | None = None, name: str | None = None) -> RawBook:
    """All sheets of the file in their order.

    ``name`` is the file name shown in messages (an upload's original name;
    default the path's name); ``sheet`` names the sheet a CSV file holds when
    its name does not say. Raises :class:`UnusableWorkbook` for anything that
    cannot be read.
    """
    path = Path(path)
    name = name or path.name
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UnusableWorkbook(f"无法打开文件「{name}」：{exc.strerror or exc}") from None
    with handle:
        if size > MAX_FILE_BYTES:
            raise UnusableWorkbook(
                f"文件「{name}」有 {size // (1024 * 1024)} MB，超过上限 "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB，拒绝读取"
            )
        if size == 0:
            raise UnusableWorkbook(f"文件「{name}」是空文件")
        head = handle.read(8)
        handle.seek(0)
        if head == _OLE_SIGNATURE:
            return _read_ole(path, handle, name)
        if head[:4] in _ZIP_SIGNATURES:
            return _read_xlsx(path, handle, name)
        if Path(name).suffix.lower() in CSV_EXTENSIONS or sheet:
            return _read_csv(handle.read(), name, sheet)
        raise UnusableWorkbook(_not_a_workbook(name, handle.read(4096)))


def read_workbook(path: str | Path) -> list[RawSheet]:
    """The sheets of ``path`` (see :func:`read_file`)."""
    return read_file(path).sheets


def _not_a_workbook(name: str, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in text:
        return (
            f"文件「{name}」不是 Excel 工作簿，而是网页（HTML/XML）格式（一些系统“导出 Excel”"
            "得到的就是这种文件）；请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入"
        )
    if head and (b"," in head or b"\t" in head) and b"\0" not in head:
        return (
            f"文件「{name}」不是 Excel 工作簿（.xlsx），看起来是 CSV 文本；"
            "请把文件名改为工作表名称加 .csv（如 项目.csv）后导入"
        )
    return f"文件「{name}」不是 Excel 工作簿（.xlsx、.xls）或 CSV 文件"


# --------------------------------------------------------------------------- .xls and encrypted


def _read_ole(path: Path, handle, name: str) -> RawBook:
    try:
        import msoffcrypto

        office = msoffcrypto.OfficeFile(handle)
        encrypted = office.is_encrypted()
    except Exception:  # not an Office document at all, or a damaged one
        office, encrypted = None, False
    if encrypted:
        raise UnusableWorkbook(
            f"文件「{name}」设置了打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码"
            "（文件 → 信息 → 保护工作簿 / 文档加密）后再导入"
        )
    handle.seek(0)
    return _read_calamine(path, name, "xls", {}, None)


# --------------------------------------------------------------------------- .xlsx


def _check_archive(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UnusableWorkbook(
            f"文件「{name}」内含 {len(entries)} 个压缩条目，超过上限 {MAX_ENTRIES}，拒绝读取"
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise UnusableWorkbook(
            f"文件「{name}」解压后约 {total // (1024 * 1024)} MB，超过上限 "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB，拒绝读取"
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnusableWorkbook(f"文件「{name}」的压缩内容已加密，无法读取")
    return entries


def _damaged(name: str, exc: Exception) -> UnusableWorkbook:
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    return UnusableWorkbook(f"文件「{name}」的内容已损坏，无法读取：{detail}")


def _read_part(archive: zipfile.ZipFile, part: str, name: str) -> bytes:
    try:
        data = archive.read(part)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise _damaged(name, exc) from None
    _refuse_dtd(data, name)
    return data


def _refuse_dtd(data: bytes, name: str) -> None:
    # A declaration must come before the root element, so the head is enough.
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnusableWorkbook(
            f"文件「{name}」含有 XML 文档类型声明（可能是恶意构造的文件，Excel 和 WPS 不会写入），拒绝读取"
        )


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xml(data: bytes, name: str):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        return ElementTree.fromstring(data)
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as exc:
        raise _damaged(name, exc) from None


def _sheet_parts(archive: zipfile.ZipFile, name: str) -> dict[str, tuple[str, bool]]:
    """Sheet title → (zip part of its XML, hidden)."""
    workbook = _read_part(archive, "xl/workbook.xml", name)
    if not workbook:
        raise UnusableWorkbook(
            f"文件「{name}」是压缩文件但不是 Excel 工作簿（缺少 xl/workbook.xml），无法读取"
        )
    rels = _read_part(archive, "xl/_rels/workbook.xml.rels", name)
    targets = {}
    if rels:
        for rel in _xml(rels, name).iter(f"{_NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = part
    parts = {}
    for sheet in _xml(workbook, name).iter(f"{_NS_MAIN}sheet"):
        title = sheet.get("name", "")
        part = targets.get(sheet.get(f"{_NS_REL}id"), "")
        parts[title] = (part, sheet.get("state", "visible") != "visible")
    return parts


# Built-in number formats 9 and 10 are 0% and 0.00%.
_PERCENT_BUILTIN = {9, 10}


def _percent_styles(archive: zipfile.ZipFile, name: str) -> set[int]:
    data = _read_part(archive, "xl/styles.xml", name)
    if (
        not data
        or b"%" not in data
        and b'numFmtId="9"' not in data
        and b'numFmtId="10"' not in data
    ):
        return set()
    root = _xml(data, name)
    percent_formats = set(_PERCENT_BUILTIN)
    for fmt in root.iter(f"{_NS_MAIN}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_formats.add(int(fmt.get("numFmtId", "-1")))
    styles = set()
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    if xfs is not None:
        for index, xf in enumerate(xfs.iter(f"{_NS_MAIN}xf")):
            if int(xf.get("numFmtId", "0") or 0) in percent_formats:
                styles.add(index)
    return styles


_ROW_TAG = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


@dataclass
class _Scan:
    max_row: int = 0
    max_col: int = -1
    special: dict[tuple[int, int], Cell] = field(default_factory=dict)


NO_SAVED_VALUE = (
    "单元格是公式，但文件中没有保存计算结果（请在 Excel 或 WPS 中打开、保存后再导入，或改填数值）"
)


def _scan_sheet(data: bytes, percent_styles: set[int]) -> _Scan:
    """What calamine does not tell: the sheet's extent, error cells, formulas, percentages."""
    scan = _Scan()
    rows = _ROW_TAG.findall(data)
    if rows:
        scan.max_row = max(int(r) for r in rows)
    columns = set()
    for letters, number in _CELL_REF.findall(data):
        columns.add(letters)
        if not rows:
            scan.max_row = max(scan.max_row, int(number))
    if columns:
        scan.max_col = max(_column_index(c) for c in columns)
    wanted = []
    if b't="e"' in data:
        wanted.append(b't="e"')
    if b"<f" in data:
        wanted.append(b"<f")
    percent_attrs = [b's="%d"' % s for s in percent_styles]
    if any(a in data for a in percent_attrs):
        wanted.extend(percent_attrs)
    if not wanted:
        return scan
    for match in _CELL.finditer(data):
        attrs, body = match.group(1), match.group(2) or b""
        if not any(w in attrs or w in body for w in wanted):
            continue
        ref = _ATTR_R.search(attrs)
        if ref is None:
            continue
        key = (int(ref.group(2)), _column_index(ref.group(1)))
        value = _VALUE.search(body)
        saved = value.group(1).decode("utf-8", "replace") if value else ""
        if (
            b"<f" in body
            and not saved
            and b't="str"' not in attrs
            and b't="inlineStr"' not in attrs
        ):
            scan.special[key] = Cell(None, problem=NO_SAVED_VALUE)
        elif b't="e"' in attrs:
            scan.special[key] = Cell(
                saved or "#错误", problem=f"单元格为 Excel 错误值 {saved or ''}，请改为实际内容"
            )
        elif any(a in attrs for a in percent_attrs) and saved:
            try:
                number = float(saved)
            except ValueError:
                continue
            scan.special[key] = Cell(int(number) if number.is_integer() else number, percent=True)
    return scan


def _read_xlsx(path: Path, handle, name: str) -> RawBook:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnusableWorkbook(
            f"文件「{name}」不是 Excel 工作簿（.xlsx），或文件已损坏（不完整）；"
            "若为 .et 等格式，请先另存为 .xlsx"
        ) from None
    with archive:
        entries = _check_archive(archive, name)
        names = {e.filename for e in entries}
        parts = _sheet_parts(archive, name)
        notes = []
        if "xl/vbaProject.bin" in names:
            notes.append(f"文件「{name}」含有宏（VBA），宏不会被执行，只读取单元格内容")
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")) and entry.filename not in {
                p for p, _hidden in parts.values()
            }:
                # Small parts: read only their head to refuse declarations.
                try:
                    with archive.open(entry) as part:
                        _refuse_dtd(part.read(4096), name)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
                    raise _damaged(name, exc) from None
        percent_styles = _percent_styles(archive, name)
        scans = {}
        for title, (part, _hidden) in parts.items():
            data = _read_part(archive, part, name) if part else b""
            scans[title] = _scan_sheet(data, percent_styles)
    book = _read_calamine(path, name, "xlsx", scans, parts)
    book.notes[:0] = notes
    return book


# --------------------------------------------------------------------------- calamine


def _value(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, timedelta):
        # A time-only cell: the time of day.
        return (datetime.min + value).time()
    return value


def _read_calamine(path: Path, name: str, kind: str, scans: dict, parts: dict | None) -> RawBook:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        metadata = list(book.sheets_metadata)
    except Exception as exc:  # calamine raises its own kinds for damaged files
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UnusableWorkbook(f"文件「{name}」无法作为 Excel 工作簿读取：{detail}") from None
    raw = RawBook(kind)
    for meta in metadata:
        if "WorkSheet" not in str(meta.typ):
            continue  # chart sheets and macro sheets hold no rows
        title = meta.name
        scan = scans.get(title, _Scan())
        sheet = RawSheet(
            title, special=scan.special, hidden=meta.visible != SheetVisibleEnum.Visible
        )
        if kind == "xlsx" and (scan.max_row + 1) * (scan.max_col + 1) > DENSE_CELLS:
            _read_sparse(path, name, title, sheet)
        else:
            try:
                grid = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            except Exception as exc:
                raise _damaged(name, exc) from None
            for number, values in enumerate(grid, start=1):
                if all(_is_blank(v) for v in values) and not any(
                    (number, c) in scan.special for c in range(len(values))
                ):
                    continue
                sheet.rows.append((number, [_value(v) for v in values]))
        _check_sheet(sheet, name)
        raw.sheets.append(sheet)
    return raw


def _read_sparse(path: Path, name: str, title: str, sheet: RawSheet) -> None:
    """A sheet whose extent is huge but whose rows are few, read row by row (openpyxl)."""
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = book[title]
        with ws._get_source() as source:
            parser = WorkSheetParser(
                source,
                ws._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                values: list = []
                for cell in cells:
                    column = cell["column"] - 1
                    if column >= 16_384:
                        continue
                    values.extend([None] * (column + 1 - len(values)))
                    values[column] = cell["value"]
                if not all(_is_blank(v) for v in values):
                    sheet.rows.append((number, [_value(v) for v in values]))
                    if len(sheet.rows) > MAX_ROWS + 1:
                        break
        book.close()
    except UnusableWorkbook:
        raise
    except Exception as exc:
        raise _damaged(name, exc) from None


def _check_sheet(sheet: RawSheet, name: str) -> None:
    if len(sheet.rows) > MAX_ROWS + 1:
        raise UnusableWorkbook(
            f"文件「{name}」的工作表「{sheet.title}」超过 {MAX_ROWS:,} 行，拒绝读取；请分成几个文件导入"
        )


# --------------------------------------------------------------------------- .csv


_CSV_COPY_SUFFIX = re.compile(r"\s*([(（]\d+[)）]|-?副本|_\d+)$")


def csv_sheet_name(file_name: str) -> str:
    """The sheet a CSV file holds, from its name: 项目.csv, 项目 (1).csv, 项目-副本.csv → 项目."""
    stem = Path(file_name).stem.strip()
    return _CSV_COPY_SUFFIX.sub("", stem).strip()


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableWorkbook(
        f"文件「{name}」的文字编码无法识别（支持 UTF-8、带 BOM 的 UTF-8、GBK/GB18030）；"
        "请在 Excel 或 WPS 中另存为“CSV UTF-8”后再导入"
    )


# The export writes a text that a spreadsheet would take for a formula with a
# leading apostrophe (zhaoshang.workbook.export); reading it back takes it off.
_MARKED = ("'=", "'+", "'-", "'@", "'\t", "'\r", "'\n")


def _unmark(value: str) -> str:
    return value[1:] if value.startswith(_MARKED) else value


def _read_csv(data: bytes, name: str, sheet_name: str | None) -> RawBook:
    text = _decode(data, name)
    if "\0" in text:
        raise UnusableWorkbook(f"文件「{name}」含有二进制内容，不是 CSV 文本文件")
    title = sheet_name or csv_sheet_name(name)
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    csv.field_size_limit(MAX_CELL_TEXT * 4)
    sheet = RawSheet(title)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, values in enumerate(reader, start=1):
            if not all(_is_blank(v) for v in values):
                sheet.rows.append((number, [_unmark(v) for v in values]))
    except csv.Error as exc:
        raise UnusableWorkbook(f"文件「{name}」不是有效的 CSV 文件：{exc}") from None
    _check_sheet(sheet, name)
    return RawBook("csv", [sheet])


__all__ = [
    "EMPTY",
    "Cell",
    "RawBook",
    "RawSheet",
    "UnusableWorkbook",
    "csv_sheet_name",
    "read_file",
    "read_workbook",
]
