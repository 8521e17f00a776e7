"""Files of an event and of the promotion material.

- the logistics workbook (Excel): one sheet of arrivals per day, the hotel list
  (guests grouped by hotel), the ceremony seating;
- name cards / table tents (Word): A4 landscape, one tent per guest, folded
  along the middle, the name printed upside down on the upper half so that it
  reads from both sides;
- the signing ceremony programme (Word) with the signing list in order;
- the promotion booklet (Word, and PDF through WeasyPrint from HTML).

Word files name their East Asian face explicitly (w:eastAsia) with an
alternative in the font table, as the bulletin does, so WPS and Word on
machines without the GB2312 fonts fall back to 宋体/仿宋/黑体. The PDF embeds
the (subset) Chinese fonts it uses, so it prints the same everywhere.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date

import xlsxwriter
from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
CARD_FONT = "楷体_GB2312"
ALTERNATIVES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei", CARD_FONT: "楷体"}


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _safe(text) -> str:
    """Spreadsheet text never becomes a formula."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# ---------------------------------------------------------------- Excel


def logistics_xlsx(event, invitations: list) -> bytes:
    """Arrivals per day, the hotel list and the seating, for the guests coming."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    head = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
    title = book.add_format({"bold": True, "font_size": 14})
    coming = [i for i in invitations if i.status in ("已确认", "已到会")]

    def sheet(name, heading, labels, widths, rows):
        ws = book.add_worksheet(name[:31])
        ws.write(0, 0, heading, title)
        for col, (label, width) in enumerate(zip(labels, widths, strict=True)):
            ws.write(2, col, label, head)
            ws.set_column(col, col, width)
        for r, row in enumerate(rows, start=3):
            for col, value in enumerate(row):
                ws.write_string(r, col, _safe(value), cell) if not isinstance(
                    value, int
                ) else ws.write_number(r, col, value, cell)
        ws.freeze_panes(3, 0)
        ws.repeat_rows(2)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        return ws

    labels = [
        "序号",
        "嘉宾姓名",
        "职务",
        "企业",
        "随行人数",
        "航班车次",
        "接站安排",
        "住宿酒店",
        "饮食禁忌",
        "邀请单位",
        "联系电话",
    ]
    widths = [6, 10, 14, 28, 8, 12, 18, 18, 12, 14, 14]
    by_day = defaultdict(list)
    for inv in coming:
        by_day[inv.arrival_on].append(inv)
    days = sorted(d for d in by_day if d is not None)
    for day in days + ([None] if None in by_day else []):
        guests = sorted(by_day[day], key=lambda i: (i.travel, i.guest_name))
        name = f"{month_day(day)}抵达" if day else "抵达日期未定"
        sheet(
            name,
            f"{event.name} 嘉宾抵达表（{cn_date(day) if day else '抵达日期未定'}，共{len(guests)}位嘉宾、随行{sum(i.companions for i in guests)}人）",
            labels,
            widths,
            [
                [
                    n,
                    i.guest_name,
                    i.guest_title,
                    i.enterprise.name,
                    i.companions,
                    i.travel,
                    i.pickup,
                    i.hotel,
                    i.dietary,
                    i.inviting_unit.name,
                    i.guest_phone,
                ]
                for n, i in enumerate(guests, start=1)
            ],
        )
    hotels = sorted(
        coming, key=lambda i: (i.hotel or "\uffff", i.arrival_on or date.max, i.guest_name)
    )
    sheet(
        "住宿酒店",
        f"{event.name} 嘉宾住宿安排",
        [
            "序号",
            "住宿酒店",
            "嘉宾姓名",
            "职务",
            "企业",
            "随行人数",
            "抵达日期",
            "饮食禁忌",
            "邀请单位",
        ],
        [6, 20, 10, 14, 28, 8, 12, 12, 14],
        [
            [
                n,
                i.hotel or "未安排",
                i.guest_name,
                i.guest_title,
                i.enterprise.name,
                i.companions,
                cn_date(i.arrival_on),
                i.dietary,
                i.inviting_unit.name,
            ]
            for n, i in enumerate(hotels, start=1)
        ],
    )
    seated = sorted((i for i in coming if i.seat), key=lambda i: _seat_key(i.seat))
    sheet(
        "签约仪式座位",
        f"{event.name} 签约仪式座位安排",
        ["座位", "嘉宾姓名", "职务", "企业", "嘉宾级别"],
        [10, 10, 16, 30, 10],
        [[i.seat, i.guest_name, i.guest_title, i.enterprise.name, i.guest_level] for i in seated],
    )
    book.close()
    return out.getvalue()


def _seat_key(seat: str):
    """Natural order: A2 before A10, 第2排 before 第10排."""
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", seat)]


# ---------------------------------------------------------------- Word helpers


def _font(run, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _new_document(*, landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(10)
        section.left_margin = section.right_margin = Mm(15)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = parse_xml(part.blob)
            for name, alternative in ALTERNATIVES.items():
                root.append(
                    parse_xml(
                        f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                        f'<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                    )
                )
            part._blob = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
    return doc


def _para(
    doc, text="", *, font=BODY_FONT, size=16, bold=None, align=None, indent=False, space_after=0
):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, bold=bold)
    return p


def _table(doc, labels, rows, widths_mm, *, size=12):
    table = doc.add_table(rows=1, cols=len(labels))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label, width in zip(table.rows[0].cells, labels, widths_mm, strict=True):
        cell.width = Mm(width)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(label), HEADING_FONT, size)
    # The header row repeats on every printed page.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
    for values in rows:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths_mm, strict=True):
            cell.width = Mm(width)
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, size)
    return table


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- name cards


def namecards_docx(event, invitations: list) -> bytes:
    """One table tent per coming guest: A4 landscape, folded along the middle.

    The lower half carries the name upright with the enterprise under it; the
    upper half the same in a text box turned by 180°, so that once folded the
    card reads from both sides of the table. Word writes such a box as a
    DrawingML shape with an upright fallback for readers that lack shapes.
    """
    doc = _new_document(landscape=True)
    guests = [i for i in invitations if i.status in ("已确认", "已到会") and i.guest_name]
    guests.sort(key=lambda i: (_seat_key(i.seat) if i.seat else [chr(0xFFFF)], i.guest_name))
    if not guests:
        _para(doc, f"{event.name}：尚无已确认的嘉宾。", align=WD_ALIGN_PARAGRAPH.CENTER)
        return _bytes(doc)
    for n, inv in enumerate(guests, start=1):
        top = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
        top.paragraph_format.space_before = Pt(12)
        top._p.append(_turned_box(n, inv.guest_name, inv.enterprise.name))
        fold = _para(doc, "", size=8, align=WD_ALIGN_PARAGRAPH.CENTER)
        fold.paragraph_format.space_before = Pt(6)
        fold.paragraph_format.space_after = Pt(30)
        _font(
            fold.add_run(
                "- - - - - - - - - - - - - - - - 沿此线对折 - - - - - - - - - - - - - - - -"
            ),
            BODY_FONT,
            8,
        )
        _para(
            doc, inv.guest_name, font=CARD_FONT, size=96, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        _para(doc, inv.enterprise.name, size=24, align=WD_ALIGN_PARAGRAPH.CENTER)
        if n < len(guests):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    return _bytes(doc)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _card_runs(name: str, enterprise: str) -> str:
    def run(text, font, half_points, bold=False):
        b = "<w:b/>" if bold else ""
        return (
            f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>{b}'
            f'<w:sz w:val="{half_points}"/></w:rPr><w:t>{_xml_text(text)}</w:t></w:r>'
        )

    center = '<w:pPr><w:jc w:val="center"/></w:pPr>'
    return (
        f"<w:p>{center}{run(enterprise, BODY_FONT, 48)}</w:p>"
        f"<w:p>{center}{run(name, CARD_FONT, 192, True)}</w:p>"
    )


def _turned_box(n: int, name: str, enterprise: str):
    """An inline text box 267 × 80 mm turned by 180° (with an upright fallback)."""
    cx, cy = 267 * 36000, 80 * 36000
    body = _card_runs(name, enterprise)
    xml = (
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:docPr id="{n}" name="桌签{n}"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm rot="10800000"><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{body}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"/>'
        "</wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:t>{_xml_text(name)}</w:t></mc:Fallback></mc:AlternateContent></w:r>"
    )
    return parse_xml(xml)


# ---------------------------------------------------------------- programme


def programme_docx(event, lines: list[dict], guests: list) -> bytes:
    """The signing ceremony programme: the running order and the signing list in order."""
    doc = _new_document()
    _para(doc, event.name, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        "项目集中签约仪式议程",
        font=TITLE_FONT,
        size=22,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    when = cn_date(event.start) + (
        f"至{cn_date(event.end)}" if event.end and event.end != event.start else ""
    )
    _para(doc, f"时间：{when}", indent=True)
    if event.place:
        _para(doc, f"地点：{event.place}", indent=True)
    if event.host_unit_id:
        _para(doc, f"主办：{event.host_unit.name}", indent=True)
    total = sum(int(round(float(line["amount"]) * 100)) for line in lines)
    _para(doc, "一、议程", font=HEADING_FONT, indent=True)
    for n, text in enumerate(
        [
            "主持人宣布签约仪式开始，介绍出席领导和嘉宾",
            "主办单位领导致辞",
            "客商代表发言",
            f"项目集中签约（共{len(lines)}个项目，签约金额{_money_words(total)}）",
            "领导讲话",
            "主持人宣布签约仪式结束，合影留念",
        ],
        start=1,
    ):
        _para(doc, f"{n}. {text}", indent=True)
    _para(doc, "二、签约项目（按签约顺序）", font=HEADING_FONT, indent=True)
    _table(
        doc,
        [
            "序号",
            "项目名称",
            "责任单位",
            "签约客商",
            "签约金额(万元)",
            "我方签约代表",
            "对方签约代表",
        ],
        [
            [
                line["order"] or "",
                line["project_name"],
                line["unit_name"],
                line["investor"] or "",
                line["amount"],
                line["our_signatory"],
                line["their_signatory"],
            ]
            for line in lines
        ],
        [12, 38, 18, 30, 20, 18, 20],
        size=10.5,
    )
    vip = [g for g in guests if g.status in ("已确认", "已到会") and g.guest_level == "主要负责人"]
    if vip:
        _para(doc, "三、出席客商（主要负责人）", font=HEADING_FONT, indent=True)
        for g in vip:
            _para(doc, f"{g.guest_name}　{g.enterprise.name}{g.guest_title}", indent=True)
    return _bytes(doc)


def _money_words(cents: int) -> str:
    from decimal import Decimal

    value = Decimal(cents) / 100
    if abs(value) >= 10000:
        return f"{(value / 10000).quantize(Decimal('0.01')).normalize():f}亿元"
    return f"{value.quantize(Decimal('0.01')).normalize():f}万元"


# ---------------------------------------------------------------- promotion booklet


def _promotion_facts(p) -> list[tuple[str, str]]:
    facts = [
        ("所属行业", str(p.industry) if p.industry_id else ""),
        ("估算总投资", f"{p.investment.normalize():f}万元" if p.investment is not None else ""),
        ("建设地点", p.location),
        ("用地情况", p.land),
        ("合作方式", p.cooperation),
        ("联系人", p.contact_name),
        ("联系电话", p.contact_phone if p.contact_public else ""),
    ]
    return [(k, v) for k, v in facts if v]


def booklet_docx(title: str, promotions: list) -> bytes:
    """The booklet: a cover, then one section per project with its facts and photos."""
    doc = _new_document()
    _para(doc, title, font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=24)
    _para(doc, f"共{len(promotions)}个招商项目", align=WD_ALIGN_PARAGRAPH.CENTER)
    for n, p in enumerate(promotions, start=1):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _para(doc, f"{n}. {p.title}", font=HEADING_FONT, size=18, space_after=6)
        _para(doc, p.unit.name, size=12, space_after=6)
        _para(doc, "项目简介", font=HEADING_FONT, size=14)
        for chunk in p.description.splitlines():
            if chunk.strip():
                _para(doc, chunk.strip(), indent=True, size=14)
        facts = _promotion_facts(p)
        if facts:
            _table(doc, ["项目", "内容"], facts, [35, 121], size=12)
        if p.conditions:
            _para(doc, "建设条件与优惠政策", font=HEADING_FONT, size=14)
            for chunk in p.conditions.splitlines():
                if chunk.strip():
                    _para(doc, chunk.strip(), indent=True, size=14)
        for photo in p.photos.all():
            try:
                with photo.file.open("rb") as handle:
                    doc.add_picture(io.BytesIO(handle.read()), width=Mm(150))
            except (OSError, ValueError):
                continue  # a photo missing from disk leaves the rest of the booklet intact
            if photo.caption:
                _para(doc, photo.caption, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    return _bytes(doc)


def booklet_pdf(title: str, promotions: list) -> bytes:
    """The same booklet as PDF (WeasyPrint), its Chinese fonts embedded."""
    import base64

    from weasyprint import HTML

    items = []
    for p in promotions:
        photos = []
        for photo in p.photos.all():
            try:
                with photo.file.open("rb") as handle:
                    data = base64.b64encode(handle.read()).decode("ascii")
            except (OSError, ValueError):
                continue
            photos.append(
                {"src": f"data:{photo.content_type};base64,{data}", "caption": photo.caption}
            )
        items.append({"p": p, "facts": _promotion_facts(p), "photos": photos})
    html = render_to_string("events/booklet_pdf.html", {"title": title, "items": items})
    return HTML(string=html, base_url=None).write_pdf()
