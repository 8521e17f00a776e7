"""A corpus of broken and hostile files, generated here (nothing binary is committed).

Each case is a file name, a builder writing the file, and what the import
must do with it: ``OK`` (imported), ``ERRORS`` (exit 1: errors at their cells,
nothing written), ``REFUSED`` (exit 2: not a usable file, one Chinese line),
or a set of those when more than one answer is right (a stray value at row
1,048,576 may be read as a row with errors or skipped). Whatever the case,
never a traceback, never a partial write. The same corpus runs through
``zhaoshang load`` and through the web upload.

The files refer to the units of the base workbook (tests/workbook/conftest.py),
which the tests load first.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from tests.workbook.conftest import write_sheets
from tests.workbook.files import csv_text, encrypt, write_with_formulas, write_xls

OK, ERRORS, REFUSED = 0, 1, 2

HEADER = [
    "项目编号*",
    "项目名称*",
    "责任单位编码*",
    "项目阶段*",
    "合同投资额(万元)",
    "合同签订日期",
]


def project(code: str, name: str = "测试项目", unit: str = "990001", stage: str = "洽谈", **more):
    row = [code, name, unit, stage, more.get("amount"), more.get("contract_on")]
    return row


GOOD = [HEADER, project("H-01"), project("H-02", "第二个项目", "990002")]


@dataclass
class Case:
    name: str
    file: str
    build: Callable[[Path], None]
    expect: frozenset[int]
    # Words the message must contain (exit 1 or 2).
    says: str = ""


def _xlsx_bytes(sheets: dict[str, list[list]] | None = None) -> bytes:
    path = _tmp_book(sheets or {"项目": GOOD})
    data = path.read_bytes()
    path.unlink()
    return data


def _tmp_book(sheets) -> Path:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    return write_sheets(Path(handle.name), sheets)


def _patched(data: bytes, replace: dict[str, bytes] | None = None, add=None, drop=()) -> bytes:
    """A copy of the zip ``data`` with parts replaced, added or dropped."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename in drop:
                continue
            content = (replace or {}).get(item.filename, src.read(item))
            dst.writestr(item.filename, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def _part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def _sheet_xml(data: bytes) -> bytes:
    return _part(data, "xl/worksheets/sheet1.xml")


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: _write(path, data() if callable(data) else data)


def _book(sheets) -> Callable[[Path], None]:
    return lambda path: write_sheets(path, sheets)


def _xw(sheets) -> Callable[[Path], None]:
    """Written by XlsxWriter, which keeps control characters (escaped as _xHHHH_)."""

    def build(path: Path) -> None:
        book = xlsxwriter.Workbook(str(path))
        for title, rows in sheets.items():
            ws = book.add_worksheet(title)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        ws.write(r, c, value)
        book.close()

    return build


def _csv(rows, encoding="utf-8", prefix=b"") -> Callable[[Path], None]:
    return lambda path: _write(path, prefix + csv_text(rows).encode(encoding))


# --------------------------------------------------------------------------- builders


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData></worksheet>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""


def _with_doctype(part: str, body: bytes) -> Callable[[], bytes]:
    def build() -> bytes:
        data = _xlsx_bytes()
        return _patched(data, {part: body})

    return build


def _doctype_in(part: str) -> Callable[[], bytes]:
    def build() -> bytes:
        data = _xlsx_bytes()
        original = _part(data, part)
        head, _, rest = original.partition(b"?>")
        doctype = b'<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>'
        return _patched(data, {part: head + b"?>" + doctype + rest})

    return build


def _declared_huge(path: Path) -> None:
    """A zip whose directory declares a 4 GB entry (the classic bomb's shape)."""
    data = bytearray(_xlsx_bytes())
    marker = b"PK\x01\x02"
    start = data.find(marker)
    while start != -1:
        # Uncompressed size sits 24 bytes into the central directory record.
        data[start + 24 : start + 28] = struct.pack("<I", 0xFFFF0000)
        start = data.find(marker, start + 4)
    path.write_bytes(bytes(data))


def _real_bomb(path: Path) -> None:
    """A few hundred KB that really inflates past the uncompressed limit."""
    data = _xlsx_bytes()
    out = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
        chunk = b"\0" * (1024 * 1024)
        with dst.open("xl/media/padding.bin", "w", force_zip64=True) as handle:
            for _ in range(210):
                handle.write(chunk)
    path.write_bytes(out.getvalue())


def _many_entries(path: Path) -> None:
    data = _xlsx_bytes()
    add = {f"xl/media/image{i}.png": b"" for i in range(10_050)}
    path.write_bytes(_patched(data, add=add))


def _encrypted_entry(path: Path) -> None:
    data = bytearray(_xlsx_bytes())
    for marker, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(marker)
        while start != -1:
            data[start + offset] |= 0x1
            start = data.find(marker, start + 4)
    path.write_bytes(bytes(data))


def _xlsm(path: Path) -> None:
    data = _xlsx_bytes()
    types = _part(data, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    types = types.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    vba = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b'Attribute VB_Name = "Module1"\nSub AutoOpen()\nShell "calc"\nEnd Sub' * 4
    )
    path.write_bytes(_patched(data, {"[Content_Types].xml": types}, {"xl/vbaProject.bin": vba}))


def _last_row(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("项目")
    for r, row in enumerate(GOOD):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    ws.write(1_048_575, 0, "H-99")
    book.close()


def _last_row_only_format(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("项目")
    for r, row in enumerate(GOOD):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    ws.write_blank(1_048_575, 16_383, None, book.add_format({"bold": True}))
    book.close()


def _merged_header(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("项目")
    ws.merge_range(0, 0, 0, 5, "甲县项目台账（2026年）")
    for c, value in enumerate(HEADER):
        ws.write(1, c, value)
    for r, row in enumerate(GOOD[1:], start=2):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.close()


def _merged_cells_in_header(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("项目")
    ws.merge_range(0, 0, 0, 1, "项目编号*")
    for c, value in enumerate(HEADER[2:], start=2):
        ws.write(0, c, value)
    for r, row in enumerate(GOOD[1:], start=1):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.close()


def _hidden(level: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        book = xlsxwriter.Workbook(str(path))
        visible = book.add_worksheet("说明")
        visible.write(0, 0, "见隐藏的工作表")
        ws = book.add_worksheet("项目")
        for r, row in enumerate(GOOD):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
        ws.hide() if level == "hidden" else ws.very_hidden()
        book.close()

    return build


def _cell_text(text: str, column: int = 1) -> list[list]:
    row = project("H-10")
    row[column] = text
    return [HEADER, row]


def _long_cell_xml(path: Path) -> None:
    """A cell longer than Excel allows (32,768 characters), written by hand."""
    data = _xlsx_bytes({"项目": [HEADER + ["备注"], project("H-11") + ["短"]]})
    xml = _sheet_xml(data)
    xml = xml.replace(b"<t>\xe7\x9f\xad</t>", b"<t>" + "长".encode() * 40_000 + b"</t>")
    path.write_bytes(_patched(data, {"xl/worksheets/sheet1.xml": xml}))


def _shared_strings(path: Path, bad_index: bool = False) -> None:
    """A sheet using the shared-strings table (openpyxl writes inline strings), built by hand."""
    strings = [
        "项目编号",
        "项目名称",
        "责任单位编码",
        "项目阶段",
        "H-12",
        "共享字符串项目",
        "990001",
        "洽谈",
    ]
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    ).encode()
    cells = []
    for r in range(2):
        cols = "".join(
            f'<c r="{"ABCD"[c]}{r + 1}" t="s"><v>{(999 if bad_index and r else r * 4 + c)}</v></c>'
            for c in range(4)
        )
        cells.append(f'<row r="{r + 1}">{cols}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    ).encode()
    data = _xlsx_bytes()
    types = _part(data, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = _part(data, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    path.write_bytes(
        _patched(
            data,
            {
                "xl/worksheets/sheet1.xml": sheet,
                "[Content_Types].xml": types,
                "xl/_rels/workbook.xml.rels": rels,
            },
            {"xl/sharedStrings.xml": sst},
        )
    )


def _raw_value(value: bytes, kind: bytes = b"n") -> Callable[[Path], None]:
    """The amount cell of the first data row replaced by a raw XML value."""

    def build(path: Path) -> None:
        data = _xlsx_bytes({"项目": [HEADER, project("H-13", amount=1)]})
        xml = _sheet_xml(data)
        start = xml.index(b'<c r="E2"')
        end = xml.index(b"</c>", start) + 4
        cell = b'<c r="E2" t="' + kind + b'"><v>' + value + b"</v></c>"
        path.write_bytes(
            _patched(data, {"xl/worksheets/sheet1.xml": xml[:start] + cell + xml[end:]})
        )

    return build


def _malformed_sheet(path: Path) -> None:
    data = _xlsx_bytes()
    path.write_bytes(_patched(data, {"xl/worksheets/sheet1.xml": _sheet_xml(data)[:-40]}))


def _missing_sheet_part(path: Path) -> None:
    data = _xlsx_bytes()
    path.write_bytes(_patched(data, drop=("xl/worksheets/sheet1.xml",)))


def _missing_workbook_part(path: Path) -> None:
    data = _xlsx_bytes()
    path.write_bytes(_patched(data, drop=("xl/workbook.xml",)))


def _ods(path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    path.write_bytes(out.getvalue())


def _docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("项目台账")
    document.save(str(path))


def _oversize(path: Path) -> None:
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(51 * 1024 * 1024)  # sparse: no disk or time spent


def _encrypted(path: Path) -> None:
    plain = _tmp_book({"项目": GOOD})
    encrypt(plain, path)
    plain.unlink()


def _formulas(saved: bool) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        rows = [HEADER, project("H-14", stage="合同", amount=None, contract_on="2026-10-10")]
        write_with_formulas(path, "项目", rows, {(1, 4): ("=1000+234", 1234 if saved else None)})

    return build


def _formula_error(path: Path) -> None:
    rows = [HEADER, project("H-15", stage="合同", contract_on="2026-10-10")]
    write_with_formulas(path, "项目", rows, {(1, 4): ("=1/0", "#DIV/0!")})


def _xls(rows) -> Callable[[Path], None]:
    return lambda path: write_xls(path, {"项目": rows})


def _html(path: Path) -> None:
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>项目编号</td></tr>"
        "<tr><td>H-01</td></tr></table></body></html>",
        encoding="utf-8",
    )


def _spreadsheet_2003_xml(path: Path) -> None:
    path.write_text(
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="项目">'
        "</Worksheet></Workbook>",
        encoding="utf-8",
    )


def _truncated(fraction: float) -> Callable[[Path], None]:
    return lambda path: _write(path, (d := _xlsx_bytes())[: int(len(d) * fraction)])


def _two_project_sheets(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    for title in ("项目", "项目 "):
        ws = book.add_worksheet(title)
        for r, row in enumerate(GOOD):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    book.close()


def _serial_dates(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("项目")
    ws.write_row(0, 0, HEADER)
    # 45940 is 2025-10-09 as Excel counts days; written as a bare number, no date format.
    ws.write_row(1, 0, ["H-16", "序列号日期", "990001", "合同", 500, 45940])
    book.close()


def _traversal(path: Path) -> None:
    data = _xlsx_bytes()
    path.write_bytes(_patched(data, add={"../../../../tmp/zhaoshang-evil.txt": b"x"}))


def _nested_zip(path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("inner.xlsx", _xlsx_bytes())
    path.write_bytes(out.getvalue())


def _zero_sheet_workbook(path: Path) -> None:
    data = _xlsx_bytes()
    workbook = _part(data, "xl/workbook.xml")
    start, end = workbook.index(b"<sheets>"), workbook.index(b"</sheets>") + len(b"</sheets>")
    path.write_bytes(
        _patched(data, {"xl/workbook.xml": workbook[:start] + b"<sheets/>" + workbook[end:]})
    )


def _blank_rows_between(path: Path) -> None:
    write_sheets(path, {"项目": [HEADER, project("H-17"), [None] * 6, [None] * 6, project("H-18")]})


# --------------------------------------------------------------------------- the corpus


def _c(name, file, build, expect, says=""):
    expect = frozenset(expect if isinstance(expect, set | frozenset) else {expect})
    return Case(name, file, build, expect, says)


CASES: list[Case] = [
    # Not a workbook at all
    _c("empty file", "空.xlsx", _bytes(b""), REFUSED, "空文件"),
    _c("random bytes", "乱码.xlsx", _bytes(bytes(range(256)) * 40), REFUSED, "不是 Excel"),
    _c("CSV renamed .xlsx", "项目.xlsx", _csv(GOOD), REFUSED, "CSV"),
    _c("HTML renamed .xls", "项目.xls", _html, REFUSED, "网页"),
    _c("HTML renamed .xlsx", "项目.xlsx", _html, REFUSED, "网页"),
    _c("Excel 2003 XML renamed .xls", "项目.xls", _spreadsheet_2003_xml, REFUSED, "XML"),
    _c("a Word document renamed .xlsx", "通知.xlsx", _docx, REFUSED),
    _c("an OpenDocument file", "台账.xlsx", _ods, REFUSED),
    _c("a zip holding an .xlsx", "打包.xlsx", _nested_zip, REFUSED),
    _c(
        "OLE signature then garbage",
        "旧表.xls",
        _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 3000),
        REFUSED,
    ),
    _c("over the size limit", "超大.xlsx", _oversize, REFUSED, "超过上限"),
    # Damaged workbooks
    _c("truncated zip (half)", "截断.xlsx", _truncated(0.5), REFUSED),
    _c("truncated zip (90 %)", "截断.xlsx", _truncated(0.9), REFUSED),
    _c("truncated zip (100 bytes)", "截断.xlsx", _truncated(0.02), REFUSED),
    _c("sheet XML cut short", "损坏.xlsx", _malformed_sheet, REFUSED, "损坏"),
    _c("sheet part missing", "缺表.xlsx", _missing_sheet_part, {ERRORS, REFUSED}),
    _c("workbook part missing", "缺簿.xlsx", _missing_workbook_part, REFUSED),
    _c("no sheets listed", "无表.xlsx", _zero_sheet_workbook, REFUSED),
    _c(
        "shared string index out of range",
        "共享.xlsx",
        lambda p: _shared_strings(p, True),
        {ERRORS, REFUSED},
    ),
    # Hostile
    _c("password-protected", "加密.xlsx", _encrypted, REFUSED, "密码"),
    _c("zip entries flagged encrypted", "加密条目.xlsx", _encrypted_entry, REFUSED, "加密"),
    _c("zip bomb: declared 4 GB", "炸弹.xlsx", _declared_huge, REFUSED, "解压后"),
    _c("zip bomb: really inflates", "炸弹2.xlsx", _real_bomb, REFUSED, "解压后"),
    _c("too many zip entries", "条目.xlsx", _many_entries, REFUSED, "压缩条目"),
    _c(
        "entity bomb in the sheet",
        "实体.xlsx",
        _bytes(_with_doctype("xl/worksheets/sheet1.xml", BILLION_LAUGHS)),
        REFUSED,
        "文档类型声明",
    ),
    _c(
        "external entity in the sheet",
        "外部.xlsx",
        _bytes(_with_doctype("xl/worksheets/sheet1.xml", EXTERNAL_ENTITY)),
        REFUSED,
        "文档类型声明",
    ),
    _c(
        "external entity in workbook.xml",
        "外部2.xlsx",
        _bytes(_doctype_in("xl/workbook.xml")),
        REFUSED,
        "文档类型声明",
    ),
    _c(
        "external entity in the styles",
        "外部3.xlsx",
        _bytes(_doctype_in("xl/styles.xml")),
        {OK, REFUSED},
    ),
    _c(
        "external entity in the content types",
        "外部4.xlsx",
        _bytes(_doctype_in("[Content_Types].xml")),
        {OK, REFUSED},
    ),
    _c(
        "external entity in the relationships",
        "外部5.xlsx",
        _bytes(_doctype_in("xl/_rels/workbook.xml.rels")),
        REFUSED,
    ),
    _c("path traversal entry name", "穿越.xlsx", _traversal, {OK, REFUSED}),
    _c("macro-enabled .xlsm (macros never run)", "宏.xlsm", _xlsm, OK),
    # Shapes people make
    _c("a stray value at row 1,048,576", "末行.xlsx", _last_row, {OK, ERRORS}),
    _c("a formatted cell at XFD1048576", "末格.xlsx", _last_row_only_format, OK),
    _c("title row merged above the header", "标题.xlsx", _merged_header, {OK, ERRORS}),
    _c("merged cells in the header", "合并.xlsx", _merged_cells_in_header, ERRORS, "缺少必填列"),
    _c("hidden sheet", "隐藏.xlsx", _hidden("hidden"), OK),
    _c("very hidden sheet", "深隐藏.xlsx", _hidden("very"), OK),
    _c("two 项目 sheets", "两表.xlsx", _two_project_sheets, ERRORS, "同名"),
    _c(
        "no recognisable sheet",
        "Sheet1.xlsx",
        _book({"Sheet1": GOOD}),
        REFUSED,
        "没有可识别的工作表",
    ),
    _c("header only", "表头.xlsx", _book({"项目": [HEADER]}), OK),
    _c("blank rows in between", "空行.xlsx", _blank_rows_between, OK),
    _c(
        "headers out of order",
        "乱序.xlsx",
        _book({"项目": [[r[i] for i in (3, 1, 0, 2, 4, 5)] for r in GOOD]}),
        OK,
    ),
    _c(
        "required header missing",
        "缺列.xlsx",
        _book({"项目": [[r[i] for i in (0, 1, 3)] for r in GOOD]}),
        ERRORS,
        "缺少必填列「责任单位编码」",
    ),
    _c(
        "extra headers",
        "多列.xlsx",
        _book({"项目": [r + [x] for r, x in zip(GOOD, ["自定义", 1, 2], strict=True)]}),
        OK,
    ),
    _c(
        "duplicate header",
        "重列.xlsx",
        _book({"项目": [r + [r[1]] for r in GOOD]}),
        ERRORS,
        "列重复",
    ),
    _c(
        "full-width header spellings",
        "全角.xlsx",
        _book(
            {
                "项目": [
                    [
                        "项目编号＊",
                        " 项目名称 ",
                        "责任单位编码",
                        "项目阶段",
                        "合同投资额（万元）",
                        "合同签订日期",
                    ],
                    *GOOD[1:],
                ]
            }
        ),
        OK,
    ),
    _c(
        "duplicate keys",
        "重复.xlsx",
        _book({"项目": [HEADER, project("H-19"), project("H-19")]}),
        ERRORS,
        "重复",
    ),
    _c("formula with saved value", "公式.xlsx", _formulas(True), OK),
    _c("formula without saved value", "公式2.xlsx", _formulas(False), ERRORS, "公式"),
    _c("formula error value", "公式3.xlsx", _formula_error, ERRORS),
    _c("Excel serial date as a bare number", "序列.xlsx", _serial_dates, {OK, ERRORS}),
    _c("shared strings table", "共享2.xlsx", lambda p: _shared_strings(p), OK),
    # Cell contents
    _c("NUL character", "NUL.xlsx", _xw({"项目": _cell_text("项目\x00名称")}), {OK, ERRORS}),
    _c(
        "control characters",
        "控制.xlsx",
        _xw({"项目": _cell_text("项目\x01\x02\x1b名称")}),
        {OK, ERRORS},
    ),
    _c(
        "a 32,767-character cell",
        "长.xlsx",
        _book({"项目": [HEADER + ["备注"], project("H-20") + ["长" * 32_767]]}),
        OK,
    ),
    _c("a cell over 32,767 characters", "超长.xlsx", _long_cell_xml, {OK, ERRORS, REFUSED}),
    _c(
        "a 1,000-character project name",
        "长名.xlsx",
        _book({"项目": _cell_text("名" * 1000)}),
        ERRORS,
        "不能超过",
    ),
    _c(
        "formula-looking text stays text",
        "注入.xlsx",
        _book({"项目": [HEADER, ["H-21", '\'=HYPERLINK("http://x")', "990001", "洽谈"]]}),
        OK,
    ),
    _c(
        "an amount that is text",
        "金额.xlsx",
        _book({"项目": [HEADER, project("H-22", amount="五千")]}),
        ERRORS,
        "合同投资额",
    ),
    _c(
        "a negative amount",
        "负数.xlsx",
        _book({"项目": [HEADER, project("H-23", amount=-5)]}),
        ERRORS,
        "负数",
    ),
    _c("an enormous amount", "巨大.xlsx", _raw_value(b"1E+308"), ERRORS),
    _c("NaN in a number cell", "NaN.xlsx", _raw_value(b"NaN"), {ERRORS, REFUSED}),
    _c("text in a number-typed cell", "类型.xlsx", _raw_value(b"abc"), {ERRORS, REFUSED}),
    _c("an Excel error cell", "错误值.xlsx", _raw_value(b"#REF!", b"e"), ERRORS),
    _c("a boolean in an amount", "布尔.xlsx", _raw_value(b"1", b"b"), {ERRORS, OK}),
    _c(
        "a date in year 9999",
        "远期.xlsx",
        _book(
            {"项目": [HEADER, project("H-24", stage="合同", amount=1, contract_on="9999-12-31")]}
        ),
        {OK, ERRORS},
    ),
    _c(
        "an impossible date",
        "日期.xlsx",
        _book(
            {"项目": [HEADER, project("H-25", stage="合同", amount=1, contract_on="2026-02-30")]}
        ),
        ERRORS,
        "合同签订日期",
    ),
    _c(
        "an unknown stage",
        "阶段.xlsx",
        _book({"项目": [HEADER, project("H-26", stage="谈恋爱")]}),
        ERRORS,
        "项目阶段",
    ),
    _c(
        "an unknown unit",
        "单位.xlsx",
        _book({"项目": [HEADER, project("H-27", unit="123456")]}),
        ERRORS,
        "123456",
    ),
    # CSV and encodings
    _c("CSV UTF-8", "项目.csv", _csv(GOOD), OK),
    _c("CSV UTF-8 with BOM", "项目.csv", _csv(GOOD, "utf-8", b"\xef\xbb\xbf"), OK),
    _c("CSV GBK", "项目.csv", _csv(GOOD, "gbk"), OK),
    _c("CSV UTF-16", "项目.csv", _csv(GOOD, "utf-16"), OK),
    _c("CSV semicolons", "项目.csv", _bytes(csv_text(GOOD).replace(",", ";").encode()), OK),
    _c("CSV tabs", "项目.csv", _bytes(csv_text(GOOD).replace(",", "\t").encode()), OK),
    _c(
        "CSV in Big5",
        "项目.csv",
        _csv(
            [
                ["項目編號", "項目名稱", "責任單位編碼", "項目階段"],
                ["H-32", "繁體項目", "990001", "洽談"],
            ],
            "big5",
        ),
        {ERRORS, REFUSED},
    ),
    _c(
        "CSV in Shift-JIS",
        "項目.csv",
        _csv([["a", "b"], ["1", "2"]], "shift_jis"),
        {ERRORS, REFUSED},
    ),
    _c("CSV with NUL bytes", "项目.csv", _bytes(csv_text(GOOD).encode() + b"\0\0\0"), REFUSED),
    _c(
        "CSV with a newline inside a cell",
        "项目.csv",
        _csv([HEADER, ["H-28", "第一行\n第二行", "990001", "洽谈"]]),
        OK,
    ),
    _c(
        "CSV with an unterminated quote",
        "项目.csv",
        _bytes(csv_text(GOOD).encode() + b'"H-29,"unclosed'),
        {OK, ERRORS, REFUSED},
    ),
    _c("CSV named after no sheet", "导出数据.csv", _csv(GOOD), {ERRORS, REFUSED}, "工作表"),
    _c(
        "CSV with a formula-looking name",
        "项目.csv",
        _csv([HEADER, ["H-30", "=1+1", "990001", "洽谈"]]),
        OK,
    ),
    # Legacy .xls
    _c("legacy .xls", "项目.xls", _xls(GOOD), OK),
    _c(
        "legacy .xls with a bad amount",
        "项目.xls",
        _xls([HEADER, project("H-31", amount="很多")]),
        ERRORS,
        "合同投资额",
    ),
]
