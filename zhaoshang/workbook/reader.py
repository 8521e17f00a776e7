"""Opening an uploaded .xlsx safely and reading its sheets into plain rows.

openpyxl has no guard against zip bombs (a 300 KB file can expand to
hundreds of megabytes in memory), so the archive's directory is checked
before openpyxl sees the file. Declared sizes can be trusted for this:
Python's zipfile stops at the declared size and fails the CRC check when an
entry holds more than it declares.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024


class UnusableWorkbook(Exception):
    """The file cannot be read as a data workbook at all; the message is one Chinese line."""


@dataclass(frozen=True)
class Cell:
    value: object
    # The cell is formatted as a percentage: 0.5 shows as 50%.
    percent: bool = False
    # The cell holds an Excel error such as #N/A or #REF!.
    error: bool = False


EMPTY = Cell(None)


@dataclass
class RawSheet:
    title: str
    # (row number, cells) for every row that is not blank, header included.
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


# Compound-document files: the old .xls / .et formats, and any .xlsx saved
# with an opening password (Excel wraps the encrypted package in one).
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_archive(handle, name: str) -> None:
    if handle.read(len(_OLE_SIGNATURE)) == _OLE_SIGNATURE:
        raise UnusableWorkbook(
            f"文件「{name}」是旧版 .xls 格式或设置了打开密码；请在 Excel 或 WPS 中另存为不加密的 .xlsx 后再导入"
        )
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnusableWorkbook(
            f"文件「{name}」不是 Excel 工作簿（.xlsx）；若为 .xls 或 .et 格式，请先另存为 .xlsx"
        ) from None
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


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_sheet(worksheet) -> RawSheet:
    sheet = RawSheet(worksheet.title)
    # Some writers store a wrong <dimension>; reading without it sees every cell.
    worksheet.reset_dimensions()
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        values = []
        for cell in cells:
            value = getattr(cell, "value", None)
            if value is None:
                values.append(EMPTY)
                continue
            values.append(
                Cell(
                    value,
                    percent="%" in (getattr(cell, "number_format", "") or ""),
                    error=getattr(cell, "data_type", None) == "e",
                )
            )
        if not all(_is_blank(c.value) for c in values):
            sheet.rows.append((number, values))
    return sheet


def read_workbook(path: str | Path) -> list[RawSheet]:
    """All sheets of the file in their order, rows as :class:`Cell` lists.

    Raises :class:`UnusableWorkbook` for anything that is not a readable .xlsx.
    """
    path = Path(path)
    name = path.name
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UnusableWorkbook(f"无法打开文件「{name}」：{exc.strerror or exc}") from None
    with handle:
        _check_archive(handle, name)
        handle.seek(0)
        import openpyxl

        try:
            # A file object, not the name: openpyxl would otherwise refuse
            # files by their extension rather than by their content.
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise UnusableWorkbook(f"文件「{name}」无法作为 Excel 工作簿读取：{detail}") from None
        try:
            return [_read_sheet(ws) for ws in book.worksheets]
        except UnusableWorkbook:
            raise
        except Exception as exc:  # damaged sheet XML surfaces only while iterating
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise UnusableWorkbook(f"文件「{name}」的内容已损坏，无法读取：{detail}") from None
        finally:
            book.close()
