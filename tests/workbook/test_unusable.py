"""Files that are not a usable workbook are refused before anything is parsed."""

import struct
import zipfile

import pytest

from zhaoshang.workbook import reader
from zhaoshang.workbook.loader import UnusableWorkbook, load_workbook


def test_a_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_text("项目编号,项目名称\nP-01,甲\n", encoding="utf-8")
    with pytest.raises(UnusableWorkbook, match="不是 Excel 工作簿"):
        load_workbook(path)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnusableWorkbook, match="是压缩文件但不是 Excel 工作簿"):
        load_workbook(path)


def _declare_size(path, size: int) -> None:
    """Rewrite the central directory so the first entry claims ``size`` bytes uncompressed."""
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")
    data[at + 24 : at + 28] = struct.pack("<I", size)
    path.write_bytes(bytes(data))


def test_a_zip_bomb_declaring_a_huge_entry_is_refused_unopened(tmp_path):
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 1024)
    _declare_size(path, 4_000_000_000)
    with pytest.raises(UnusableWorkbook, match="超过上限 200 MB"):
        load_workbook(path)


def test_a_zip_that_really_expands_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 1024 * 1024)
    path = tmp_path / "大.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (2 * 1024 * 1024))
    assert path.stat().st_size < 20_000
    with pytest.raises(UnusableWorkbook, match="拒绝读取"):
        load_workbook(path)


def test_too_many_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ENTRIES", 50)
    path = tmp_path / "多.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(51):
            archive.writestr(f"x/{i}.xml", "")
    with pytest.raises(UnusableWorkbook, match="51 个压缩条目"):
        load_workbook(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(UnusableWorkbook, match="无法打开文件"):
        load_workbook(tmp_path / "没有.xlsx")


def test_message_is_one_line(tmp_path):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(UnusableWorkbook) as caught:
        load_workbook(path)
    assert "\n" not in str(caught.value)


def test_a_damaged_compound_document_says_so(tmp_path):
    path = tmp_path / "旧表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(UnusableWorkbook, match="无法作为 Excel 工作簿读取"):
        load_workbook(path)
