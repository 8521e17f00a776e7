"""The bulletin as a Word document laid out like a Chinese official document.

GB/T 9704-2012 where it applies to a 调度通报 (an internal bulletin with a red
header rather than a formal 公文 with a document number): A4, margins top
37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm type area), 22
lines of 28 characters; body in 3号 (16 pt) 仿宋_GB2312, headings 一、 in 黑体
and （一） in 楷体_GB2312, the title in 2号 方正小标宋简体; a red header with the
issue number, the issuing office and the date over a red rule; page numbers
"— 1 —" in 4号 宋体, right on odd pages and left on even ones. Fonts name the
East Asian face explicitly (w:eastAsia) and the font table gives each an
alternative (宋体, 仿宋, 楷体) for machines without the GB2312/方正 fonts.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree  # python-docx's own XML library

from zhaoshang.dispatch.diagnostics import INDICATOR_WORDS
from zhaoshang.dispatch.tables import (
    STATUS_FILL,
    STATUS_WORDS,
    UNIT_OF,
    fmt_amount,
    fmt_gap,
    fmt_pct,
    ranked_rows,
    stage_words,
)
from zhaoshang.formatting import cn_short_date

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Faces Word falls back to when the GB2312/方正 fonts are not installed.
ALTERNATIVES = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    HEADING_FONT: "SimHei",
}
RED = RGBColor(0xFF, 0x00, 0x00)
TEXT_WIDTH_MM = 156  # 210 − 28 − 26
# 225 mm of type area over 22 lines.
LINE_PITCH = Pt(28.95)
BODY_SIZE = Pt(16)  # 3号
TABLE_SIZE = Pt(10.5)  # 五号
ROWS_SHOWN = 30  # longer lists are left to the Excel version
# The new contracts are listed largest first; the bulletin shows the head of the list
# (21 units' bulletin in about six pages), the Excel version all of them.
CONTRACT_ROWS_SHOWN = 15

CHINESE_NUMERALS = "一二三四五六七八九十"


def _font(run, name: str, size: Pt | None = None, *, bold: bool | None = None, color=None) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _paragraph_format(paragraph, *, indent: bool = True, exact: bool = True, align=None) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = Pt(32) if indent else Pt(0)  # two 3号 characters
    if align is not None:
        paragraph.alignment = align


class _Writer:
    def __init__(self, document: dict):
        self.data = document
        self.year = date.fromisoformat(document["as_of"]).year
        self.doc = Document()
        self._page_setup()
        self._styles()
        self._font_table()

    # ------------------------------------------------------------ set-up

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(23)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))

    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = BODY_SIZE
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), BODY_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        fmt.space_before = fmt.space_after = Pt(0)
        # Chinese language tag so Word picks the East Asian face for punctuation.
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)

    def _font_table(self) -> None:
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                part = rel.target_part
                root = parse_xml(part.blob)
                for name, alternative in ALTERNATIVES.items():
                    font = parse_xml(
                        f'<w:font {nsdecls("w")} w:name="{name}">'
                        f'<w:altName w:val="{alternative}"/><w:charset w:val="86"/>'
                        f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                    )
                    root.append(font)
                part._blob = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )

    # ------------------------------------------------------------ blocks

    def para(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: Pt = BODY_SIZE,
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        bold=None,
        color=None,
        exact=True,
    ):
        paragraph = self.doc.add_paragraph()
        _paragraph_format(paragraph, indent=indent, exact=exact, align=align)
        if text:
            _font(paragraph.add_run(text), font, size, bold=bold, color=color)
        return paragraph

    def heading(self, number: int, text: str) -> None:
        self.para(f"{CHINESE_NUMERALS[number - 1]}、{text}", font=HEADING_FONT)

    def subheading(self, number: int, text: str, rest: str = "") -> None:
        paragraph = self.para(f"（{CHINESE_NUMERALS[number - 1]}）{text}", font=SUBHEADING_FONT)
        if rest:
            _font(paragraph.add_run(rest), BODY_FONT, BODY_SIZE)

    def red_header(self) -> None:
        header = self.data["bulletin"]
        self.para(
            header.get("banner", "调 度 通 报"),
            font=TITLE_FONT,
            size=Pt(42),
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            color=RED,
            exact=False,
        ).paragraph_format.space_after = Pt(12)
        self.para(issue_number(header), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        line = self.para(indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
        _font(
            line.add_run(f"{header['issuing_office']}\t{_issued_on(header)}"), BODY_FONT, BODY_SIZE
        )
        # The red rule under the header (版头中的分隔线), drawn as the paragraph's bottom border.
        borders = _borders(line)
        bottom = OxmlElement("w:bottom")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "18"),
            ("w:space", "4"),
            ("w:color", "FF0000"),
        ):
            bottom.set(qn(key), value)
        borders.append(bottom)
        self.para(exact=True, indent=False)

    def title(self) -> None:
        header = self.data["bulletin"]
        self.para(
            header["title"],
            font=TITLE_FONT,
            size=Pt(22),
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        as_of = date.fromisoformat(self.data["as_of"])
        self.para(
            f"（统计截至{as_of.year}年{as_of.month}月{as_of.day}日）",
            font=SUBHEADING_FONT,
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        self.para(indent=False)

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        widths_mm: list[float],
        *,
        fills: dict[tuple[int, int], str] | None = None,
        align_right: set[int] = frozenset(),
        bold_rows: set[int] = frozenset(),
    ):
        if abs(sum(widths_mm) - TEXT_WIDTH_MM) >= 0.5:
            raise ValueError(f"table widths add up to {sum(widths_mm)} mm, not {TEXT_WIDTH_MM}")
        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = OxmlElement("w:tblW")
            tbl_pr.append(width)
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(int(Mm(TEXT_WIDTH_MM).twips)))
        # Narrow cell margins (1 mm) so that amounts like 1,234,567.89 fit on one line.
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(int(Mm(1).twips)))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        tbl_pr.append(margins)
        grid = table._tbl.tblGrid
        for col, mm in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
            col.set(qn("w:w"), str(int(Mm(mm).twips)))
        fills = fills or {}
        for r, values in enumerate([headers, *rows]):
            row = table.rows[r]
            if r == 0:
                # Repeat the header row on every page the table runs over.
                tr_pr = row._tr.get_or_add_trPr()
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                tr_pr.append(repeat)
            row_cells = row.cells  # computed on each access: read once per row
            for c, value in enumerate(values):
                cell = row_cells[c]
                cell.width = Mm(widths_mm[c])
                paragraph = cell.paragraphs[0]
                _paragraph_format(paragraph, indent=False, exact=False)
                _off_grid(paragraph)
                if r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif c in align_right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                else:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(value)
                bold = r == 0 or (r - 1) in bold_rows
                _font(run, HEADING_FONT if r == 0 else BODY_FONT, TABLE_SIZE, bold=bold)
                fill = "D9D9D9" if r == 0 else fills.get((r - 1, c))
                if fill:
                    shading = OxmlElement("w:shd")
                    shading.set(qn("w:val"), "clear")
                    shading.set(qn("w:color"), "auto")
                    shading.set(qn("w:fill"), fill)
                    cell._tc.get_or_add_tcPr().append(shading)
        return table

    def page_numbers(self) -> None:
        settings = self.doc.settings.element
        if settings.find(qn("w:evenAndOddHeaders")) is None:
            settings.append(OxmlElement("w:evenAndOddHeaders"))
        section = self.doc.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = footer.paragraphs[0]
            _paragraph_format(paragraph, indent=False, exact=False, align=align)
            # One character in from the edge, as GB/T 9704 places it.
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = Pt(14)
            else:
                paragraph.paragraph_format.left_indent = Pt(14)
            _font(paragraph.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
            _page_field(paragraph)
            _font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))
        if not self.data["bulletin"]["number"]:
            for header in (section.header, section.even_page_header):
                paragraph = header.paragraphs[0]
                _paragraph_format(
                    paragraph, indent=False, exact=False, align=WD_ALIGN_PARAGRAPH.RIGHT
                )
                _font(
                    paragraph.add_run("征求意见稿　未正式发布"),
                    BODY_FONT,
                    Pt(10.5),
                    color=RGBColor(0x80, 0x80, 0x80),
                )

    # ------------------------------------------------------------ content

    def build(self) -> bytes:
        data = self.data
        primary = data["campaign"]["primary_indicator"]
        self.red_header()
        self.title()

        self.heading(1, "总体情况")
        self.para(data["summary"])

        section = 2
        self.heading(section, "各单位进展排名")
        self.ranking(primary)
        self.other_indicators()

        section += 1
        self.heading(section, "“三大三少”问题诊断")
        self.diagnoses()

        section += 1
        self.heading(section, "新增合同项目")
        self.new_contracts()

        section += 1
        self.heading(section, "重点项目推进滞缓情况")
        self.stuck()

        section += 1
        self.heading(section, "调度填报情况")
        self.rounds()

        if data.get("events"):
            from zhaoshang.events.bulletin import write_word_section

            section += 1
            write_word_section(self, section)

        if data.get("tasks"):
            from zhaoshang.supervision.bulletin import write_word_section as write_tasks

            section += 1
            write_tasks(self, section)

        if data.get("forecast"):
            from zhaoshang.dispatch.forecast_section import write_word_section as forecast_word

            section += 1
            forecast_word(self, section)

        extra = [n for n in data.get("notes", []) if n not in data["summary"]]
        if extra:
            section += 1
            self.heading(section, "说明")
            for note in extra:
                self.para(note)

        self.signature()
        self.imprint()
        self.page_numbers()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def ranking(self, primary: str) -> None:
        data = self.data
        word = INDICATOR_WORDS[primary]
        unit = UNIT_OF[primary]
        self.para(
            f"各单位{word}完成情况按完成率排名如下（{unit}；"
            f"序时进度{fmt_pct(data['required_pct'])}）。"
        )
        headers = ["排名", "单位", "目标任务", "完成", "完成率", "较序时进度", "状态", "环比"]
        rows, fills, bold = [], {}, set()
        for row in ranked_rows(data):
            fig = row["indicators"][primary]
            change = row.get("change") or {}
            fills[(len(rows), 6)] = STATUS_FILL[fig["status"]]
            rows.append(
                [
                    str(row["rank"]) if row["rank"] else "—",
                    row["name"],
                    fmt_amount(primary, fig["target"]),
                    fmt_amount(primary, fig["achieved"]),
                    fmt_pct(fig["completion_pct"]),
                    fmt_gap(fig["gap_pp"]),
                    STATUS_WORDS[fig["status"]],
                    change.get("rank_arrow", "—") if data.get("changes") else "—",
                ]
            )
        direct = data.get("direct")
        if direct:
            rows.append(
                [
                    "—",
                    direct["name"],
                    "—",
                    fmt_amount(primary, direct["indicators"].get(primary, {}).get("achieved")),
                    "—",
                    "—",
                    "—",
                    "—",
                ]
            )
        own = data["unit"]
        fig = own["indicators"][primary]
        bold.add(len(rows))
        fills[(len(rows), 6)] = STATUS_FILL[fig["status"]]
        rows.append(
            [
                "",
                f"合计（{own['name']}）",
                fmt_amount(primary, fig["target"]),
                fmt_amount(primary, fig["achieved"]),
                fmt_pct(fig["completion_pct"]),
                fmt_gap(fig["gap_pp"]),
                STATUS_WORDS[fig["status"]],
                (own.get("change") or {}).get("rank_arrow", "—") if data.get("changes") else "—",
            ]
        )
        self.table(
            headers,
            rows,
            [10, 33, 24, 24, 18, 18, 15, 14],
            fills=fills,
            align_right={2, 3, 4, 5},
            bold_rows=bold,
        )
        self.para(
            "注：较序时进度单位为个百分点。状态绿色为达到或超过序时进度，黄色为落后序时进度"
            f"{_plain(-Decimal(str(data['thresholds']['red_gap_pp'])))}个百分点以内，红色为落后"
            f"{_plain(-Decimal(str(data['thresholds']['red_gap_pp'])))}个百分点及以上或低于已过节点要求；"
            "无目标为未下达目标任务、不参加排名；环比为排名较上期的升降。",
            size=Pt(12),
            exact=False,
        )

    def other_indicators(self) -> None:
        data = self.data
        indicators = [
            "contract_projects",
            "top500_enterprises",
            "park_projects",
            "industrial_projects",
            "funds_in_place",
        ]
        headers = [
            "单位",
            "合同项目(个)",
            "500强企业(家)",
            "园区项目(个)",
            "工业项目(个)",
            "到位资金(万元)",
        ]
        self.para("其他指标完成情况如下（完成/目标，未下达目标的只列完成数）。")
        rows = []
        for row in [*ranked_rows(data), data["unit"]]:
            cells = [row["name"] if row is not data["unit"] else f"合计（{row['name']}）"]
            for ind in indicators:
                fig = row["indicators"][ind]
                done = fmt_amount(ind, fig["achieved"])
                cells.append(f"{done}/{fmt_amount(ind, fig['target'])}" if fig["target"] else done)
            rows.append(cells)
        self.table(
            headers,
            rows,
            [36, 22, 24, 22, 22, 30],
            align_right={1, 2, 3, 4, 5},
            bold_rows={len(rows) - 1},
        )
        self.para(indent=False, exact=False)

    def diagnoses(self) -> None:
        lists = self.data["diagnosis_lists"]
        if not self.data["children"]:
            self.para("本单位无下级单位，不作诊断。")
            return
        for number, entry in enumerate(lists, start=1):
            units = entry["units"]
            if units:
                # Only flagged units, in one paragraph per finding: units whose
                # finding reads the same are named together in one sentence.
                self.subheading(
                    number, f"{entry['label']}（{len(units)}个）", "：" + combined_findings(units)
                )
            else:
                self.subheading(number, entry["label"], "：无。")
        t = self.data["thresholds"]
        self.para(
            f"注：工作力度按近{t['effort_window_days']}天跟踪记录与同级单位中位数比较；"
            f"信息交流按按时报送率（低于{_plain(t['on_time_min_pct'])}%）和台账未更新天数"
            f"（超过{t['stale_ledger_days']}天）判断；其余按目标任务完成率与序时进度比较。",
            size=Pt(12),
            exact=False,
        )

    def signature(self) -> None:
        """落款 and date, right-aligned four characters in from the margin (GB/T 9704 7.3.5)."""
        header = self.data["bulletin"]
        self.para(indent=False)
        for text in (header["issuing_office"], _issued_on(header)):
            paragraph = self.para(text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            paragraph.paragraph_format.right_indent = Pt(16 * 4)

    def imprint(self) -> None:
        """版记 on the last page: 抄送 and 印发机关 with 印发日期 between the rules."""
        header = self.data["bulletin"]
        self.para(indent=False)
        rows = []
        if header.get("copy_to"):
            rows.append(("copy_to", f"抄送：{header['copy_to'].rstrip('。')}。"))
        printer = header.get("printing_office") or header["issuing_office"]
        rows.append(("printed", f"{printer}\t{_issued_on(header)}印发"))
        for index, (kind, text) in enumerate(rows):
            paragraph = self.para(indent=False, align=WD_ALIGN_PARAGRAPH.LEFT, exact=False)
            fmt = paragraph.paragraph_format
            fmt.left_indent = fmt.right_indent = Pt(14)
            if kind == "printed":
                fmt.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
            if kind == "copy_to":
                # 抄送 hangs: the second line starts under the first organ's name.
                fmt.first_line_indent = Pt(-14 * 3)
                fmt.left_indent = Pt(14 * 4)
            _font(paragraph.add_run(text), BODY_FONT, Pt(14))
            # The first and last rules are thick (0.35 mm), those between thin (0.25 mm).
            _rule(paragraph, "top", thick=index == 0)
            _rule(paragraph, "bottom", thick=index == len(rows) - 1)

    def new_contracts(self) -> None:
        block = self.data["new_contracts"]
        previous = self.data["bulletin"].get("previous")
        if block["since"] and previous:
            since = date.fromisoformat(block["since"])
            lead = f"自第{previous['number']}期（{since.month}月{since.day}日）以来"
        else:
            lead = "本行动开始以来"
        if not block["count"]:
            self.para(f"{lead}无新增合同项目。")
            return
        self.para(
            f"{lead}新增合同项目{block['count']}个，合同投资额{fmt_amount('contract_amount', block['amount'])}万元"
            + (
                "（标注“补录”的为上期统计日前签订、本期补录的项目）"
                if block.get("late") or any(p.get("late_entry") for p in block["projects"])
                else ""
            )
            + "。"
        )
        rows = []
        for i, p in enumerate(block["projects"][:CONTRACT_ROWS_SHOWN], start=1):
            name = p["name"] + ("（补录）" if p.get("late_entry") else "")
            rows.append(
                [
                    str(i),
                    p["unit_name"],
                    name,
                    fmt_amount("contract_amount", p["amount"]),
                    cn_short_date(p["contract_on"], self.year),
                ]
            )
        self.table(
            ["序号", "责任单位", "项目名称", "合同投资额(万元)", "合同签订日期"],
            rows,
            [12, 30, 60, 28, 26],
            align_right={3},
        )
        if block["count"] > CONTRACT_ROWS_SHOWN:
            rest = block["count"] - CONTRACT_ROWS_SHOWN
            self.para(
                f"以上按合同投资额列前{CONTRACT_ROWS_SHOWN}个，其余{rest}个见Excel版。",
                size=Pt(12),
                exact=False,
            )

    def stuck(self) -> None:
        block = self.data["stuck_key_projects"]
        if not block["projects"]:
            self.para(f"无停留在同一阶段超过{block['days']}天的重点项目。")
            return
        self.para(
            f"停留在同一阶段超过{block['days']}天的重点项目{len(block['projects'])}个，请有关单位加快推进。"
        )
        rows = [
            [
                str(i),
                p["unit_name"],
                p["name"],
                stage_words(p),
                cn_short_date(p["since"], self.year),
                str(p["days"]),
            ]
            for i, p in enumerate(block["projects"][:ROWS_SHOWN], start=1)
        ]
        self.table(
            ["序号", "责任单位", "项目名称", "所处阶段", "进入阶段日期", "停留天数"],
            rows,
            [12, 30, 58, 18, 24, 14],
            align_right={5},
        )

    def rounds(self) -> None:
        block = self.data["rounds"]
        latest = block["latest"]
        if latest is None:
            self.para("截至统计日尚无到期的调度填报。")
        elif not latest.get("expected"):
            self.para(f"{latest['title']}无应报单位。")
        else:
            deadline = _deadline(latest["deadline"])
            parts = []
            for key, word in (("on_time", "按时报送"), ("late", "逾期报送"), ("missing", "未报送")):
                names = "、".join(u["name"] for u in latest[key])
                parts.append(f"{word}{len(latest[key])}个" + (f"（{names}）" if names else ""))
            self.para(
                f"{latest['title']}（截止{deadline}）应报{latest['expected']}个单位，"
                + "，".join(parts)
                + "。"
            )
        if block.get("next"):
            self.para(
                f"下一次调度填报截止时间为{_deadline(block['next']['deadline'])}，请各单位按时报送。"
            )


def _page_field(paragraph) -> None:
    """A PAGE field; Word puts in each page's number when it lays the pages out."""
    parts = [
        ("fldChar", "begin"),
        ("instrText", " PAGE "),
        ("fldChar", "separate"),
        ("t", "1"),
        ("fldChar", "end"),
    ]
    for tag, value in parts:
        run = paragraph.add_run()
        _font(run, PAGE_NUMBER_FONT, Pt(14))
        element = OxmlElement(f"w:{tag}")
        if tag == "fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)


def issue_number(header: dict) -> str:
    """第3期 (简报式) or 黔东南招商办〔2026〕3号 (文件式); the draft says so instead."""
    number = header.get("number")
    if not number:
        return "（征求意见稿）"
    if header.get("number_style") == "document":
        stamp = header.get("published_at") or header.get("generated_at")
        year = datetime.fromisoformat(stamp).year if stamp else date.today().year
        return f"{header.get('number_prefix') or ''}〔{year}〕{number}号"
    return f"第{number}期"


def combined_findings(units: list[dict]) -> str:
    """One sentence for the units of one finding: same wording, one clause naming them all.

    Each unit's text starts with its name (岑巩县尚未引进……); texts that are the same
    once the name is taken off are written once after the names joined by 、.
    """
    groups: dict[str, list[str]] = {}
    for unit in units:
        text = unit["text"]
        rest = text[len(unit["name"]) :] if text.startswith(unit["name"]) else None
        key = rest if rest is not None else text
        groups.setdefault(key, []).append(unit["name"] if rest is not None else "")
    clauses = []
    for rest, names in groups.items():
        named = "、".join(n for n in names if n)
        clauses.append((named + rest).rstrip("。；;"))
    return "；".join(clauses) + "。"


# What follows w:pBdr inside w:pPr (ECMA-376 order; Word refuses a file out of order).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip


def _borders(paragraph):
    """The paragraph's w:pBdr, created in its schema position."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *_AFTER_PBDR)
    return borders


def _off_grid(paragraph) -> None:
    """Table text keeps its own (single) line height instead of the body's 28.95 pt grid
    line: a 五号 row then takes half the height, and a 21-unit table half a page less."""
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert_element_before(snap, *_AFTER_PBDR[_AFTER_PBDR.index("w:snapToGrid") + 1 :])


def _rule(paragraph, side: str, *, thick: bool) -> None:
    borders = _borders(paragraph)
    line = OxmlElement(f"w:{side}")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "8" if thick else "4"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        line.set(qn(key), value)
    borders.append(line)


def _plain(value) -> str:
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _issued_on(header: dict) -> str:
    stamp = header.get("published_at") or header.get("generated_at")
    day = datetime.fromisoformat(stamp).date() if stamp else date.today()
    return f"{day.year}年{day.month}月{day.day}日"


def _deadline(text: str) -> str:
    moment = datetime.fromisoformat(text)
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def render_docx(document: dict) -> bytes:
    """The bulletin ``document`` (see dispatch/bulletin.py) as the bytes of a .docx file."""
    return _Writer(document).build()
