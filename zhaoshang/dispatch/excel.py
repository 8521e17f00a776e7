"""The bulletin as an Excel workbook: the same tables as the Word version, with native charts.

Sheets: 通报 (header and summary), 进度排名 (every indicator per unit, status
filled by a conditional format), 三大三少 (the six lines per unit, then every
line's measurement and comparison), 环比, 新增合同项目, 重点项目滞缓, 调度填报,
累计进度 (data of the curve), 项目明细 (the counted projects behind the figures),
督办事项 (overdue supervised tasks, when there are any)
and 图表 with two native Excel charts: completion against the required % per
unit (columns and a line) and cumulative achievement against the milestone
curve. Text typed by users is always written as text, never as a formula.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from zhaoshang.campaigns.models import MONEY_INDICATORS
from zhaoshang.dispatch.bulletin import basis_projects, new_contract_projects
from zhaoshang.dispatch.diagnostics import CODES, INDICATOR_WORDS, LABELS
from zhaoshang.dispatch.tables import STATUS_FILL, STATUS_WORDS, ranked_rows
from zhaoshang.formatting import cn_date

INDICATOR_ORDER = (
    "contract_amount",
    "contract_projects",
    "top500_enterprises",
    "park_projects",
    "industrial_projects",
    "funds_in_place",
)
COLUMN_LABELS = {
    "contract_amount": "合同投资额(万元)",
    "contract_projects": "合同项目(个)",
    "top500_enterprises": "500强企业(家)",
    "park_projects": "园区项目(个)",
    "industrial_projects": "工业项目(个)",
    "funds_in_place": "到位资金(万元)",
}
FONT = "仿宋"


def _number(value) -> float | None:
    # Excel keeps IEEE doubles; the figures were computed exactly before this point.
    return None if value is None else float(Decimal(str(value)))


class _Book:
    def __init__(self, document: dict):
        self.data = document
        self.out = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.out, {"in_memory": True, "strings_to_formulas": False})
        self.book.set_properties(
            {
                "title": document["bulletin"]["title"],
                "company": document["bulletin"]["issuing_office"],
            }
        )
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}

        def fmt(**extra):
            return self.book.add_format({**base, **extra})

        self.f_title = fmt(bold=True, font_size=16, font_name="黑体")
        self.f_head = fmt(
            bold=True,
            font_name="黑体",
            bg_color="#D9D9D9",
            border=1,
            text_wrap=True,
            align="center",
        )
        self.f_text = fmt(border=1)
        self.f_wrap = fmt(border=1, text_wrap=True, valign="top")
        self.f_plain_wrap = fmt(text_wrap=True, valign="top")
        self.f_label = fmt(bold=True)
        self.f_money = fmt(border=1, num_format="#,##0.00")
        self.f_count = fmt(border=1, num_format="#,##0")
        self.f_decimal = fmt(border=1, num_format="#,##0.00")
        self.f_pct = fmt(border=1, num_format="0.00")
        self.f_gap = fmt(border=1, num_format="+0.00;[Red]-0.00;0.00")
        self.f_total = fmt(border=1, bold=True)
        self.f_total_money = fmt(border=1, bold=True, num_format="#,##0.00")
        self.f_total_count = fmt(border=1, bold=True, num_format="#,##0")
        # Dates as people write them (2026年11月27日), still real dates to sort and filter.
        self.f_date = fmt(border=1, num_format='yyyy"年"m"月"d"日"')
        # Per sheet: the header row to repeat on every printed page, and how wide it is.
        self.header_rows: dict[str, int] = {}
        self.sheet_widths: dict[str, float] = {}
        self.fills = {
            status: self.book.add_format({"bg_color": f"#{color}"})
            for status, color in STATUS_FILL.items()
        }

    # ------------------------------------------------------------ helpers

    def header(self, sheet, row: int, labels: list[str], widths: list[float]) -> None:
        for col, (label, width) in enumerate(zip(labels, widths, strict=True)):
            sheet.write_string(row, col, label, self.f_head)
            sheet.set_column(col, col, width)
        sheet.set_row(row, 32)
        self.header_rows.setdefault(sheet.name, row)
        self.sheet_widths[sheet.name] = max(self.sheet_widths.get(sheet.name, 0), sum(widths))

    def print_setup(self) -> None:
        """Every sheet prints on A4 as it is: fitted to the page width, landscape when wide,
        the header row repeated, the bulletin's title on top and page numbers below."""
        title = self.data["bulletin"]["title"].replace("&", "&&")
        for sheet in self.book.worksheets():
            sheet.set_paper(9)  # A4
            width = self.sheet_widths.get(sheet.name, 0)
            if width > 90 or sheet.name == "图表":
                sheet.set_landscape()
            else:
                sheet.set_portrait()
            sheet.fit_to_pages(1, 0)
            sheet.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
            sheet.center_horizontally()
            if sheet.name in self.header_rows:
                sheet.repeat_rows(0, self.header_rows[sheet.name])
            sheet.set_header(f'&C&"黑体,常规"&11{title} · {sheet.name}')
            sheet.set_footer("&C第 &P 页，共 &N 页")

    def value(self, sheet, row: int, col: int, indicator: str, value, *, total=False) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.f_total if total else self.f_text)
        elif indicator in MONEY_INDICATORS:
            sheet.write_number(
                row, col, _number(value), self.f_total_money if total else self.f_money
            )
        else:
            number = Decimal(str(value))
            fmt = self.f_total_count if total else self.f_count
            if number != number.to_integral():
                fmt = self.f_decimal
            sheet.write_number(row, col, float(number), fmt)

    def num(self, sheet, row: int, col: int, value, fmt) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.f_text)
        else:
            sheet.write_number(row, col, _number(value), fmt)

    def status_formats(self, sheet, first_row: int, last_row: int, col: int) -> None:
        """Fill the status cells by their word (a conditional format, so edits recolour)."""
        if last_row < first_row:
            return
        for status, word in STATUS_WORDS.items():
            sheet.conditional_format(
                first_row,
                col,
                last_row,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{word}"',
                    "format": self.fills[status],
                },
            )

    # ------------------------------------------------------------ sheets

    def summary_sheet(self) -> None:
        data, header = self.data, self.data["bulletin"]
        sheet = self.book.add_worksheet("通报")
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 100)
        issue = f"第{header['number']}期" if header["number"] else "征求意见稿（未发布）"
        sheet.write_string(0, 0, f"调度通报　{issue}", self.f_title)
        rows = [
            ("标题", header["title"]),
            ("专项行动", f"{data['campaign']['name']}（{data['campaign']['code']}）"),
            ("统计截至", data["as_of"]),
            ("发文单位", header["issuing_office"]),
            ("发布时间", header["published_at"] or "未发布"),
            ("序时进度", f"{Decimal(str(data['required_pct'])):.2f}%"),
            ("总体情况", data["summary"]),
        ]
        for note in data.get("notes", []):
            rows.append(("说明", note))
        for i, (label, text) in enumerate(rows, start=2):
            sheet.write_string(i, 0, label, self.f_label)
            sheet.write_string(i, 1, text, self.f_plain_wrap)
        sheet.set_row(2 + 6, 15 * max(2, len(data["summary"]) // 60 + 1))

    def ranking_sheet(self) -> tuple[str, int, int]:
        data = self.data
        primary = data["campaign"]["primary_indicator"]
        others = [i for i in INDICATOR_ORDER if i != primary]
        sheet = self.book.add_worksheet("进度排名")
        labels = [
            "排名",
            "单位编码",
            "单位名称",
            "状态",
            "环比",
            "“三大三少”问题",
            f"{COLUMN_LABELS[primary]}目标",
            f"{COLUMN_LABELS[primary]}完成",
            "完成率(%)",
            "序时进度(%)",
            "较序时进度(个百分点)",
        ]
        widths = [6, 10, 16, 10, 7, 30, 14, 14, 10, 10, 12]
        for ind in others:
            labels += [f"{COLUMN_LABELS[ind]}目标", f"{COLUMN_LABELS[ind]}完成", "完成率(%)"]
            widths += [12, 12, 9]
        self.header(sheet, 0, labels, widths)
        sheet.freeze_panes(1, 3)
        required = data["required_pct"]
        changes = bool(data.get("changes"))
        rows = ranked_rows(data)
        r = 0
        for r, row in enumerate(rows, start=1):
            fig = row["indicators"][primary]
            if row["rank"]:
                sheet.write_number(r, 0, row["rank"], self.f_count)
            else:
                sheet.write_string(r, 0, "—", self.f_text)
            sheet.write_string(r, 1, row["code"], self.f_text)
            sheet.write_string(r, 2, row["name"], self.f_text)
            sheet.write_string(r, 3, STATUS_WORDS[fig["status"]], self.f_text)
            arrow = (row.get("change") or {}).get("rank_arrow", "—") if changes else "—"
            sheet.write_string(r, 4, arrow, self.f_text)
            sheet.write_string(
                r, 5, "、".join(LABELS[c] for c in row.get("diagnostics", [])), self.f_wrap
            )
            self.value(sheet, r, 6, primary, fig["target"])
            self.value(sheet, r, 7, primary, fig["achieved"])
            self.num(sheet, r, 8, fig["completion_pct"], self.f_pct)
            self.num(sheet, r, 9, required, self.f_pct)
            self.num(sheet, r, 10, fig["gap_pp"], self.f_gap)
            for k, ind in enumerate(others):
                f = row["indicators"][ind]
                self.value(sheet, r, 11 + 3 * k, ind, f["target"])
                self.value(sheet, r, 12 + 3 * k, ind, f["achieved"])
                self.num(sheet, r, 13 + 3 * k, f["completion_pct"], self.f_pct)
        last_child = r
        direct = data.get("direct")
        if direct:
            r += 1
            sheet.write_string(r, 0, "—", self.f_text)
            sheet.write_string(r, 1, "", self.f_text)
            sheet.write_string(r, 2, direct["name"], self.f_text)
            for col in (3, 4, 5):
                sheet.write_string(r, col, "", self.f_text)
            self.value(sheet, r, 7, primary, direct["indicators"].get(primary, {}).get("achieved"))
            for k, ind in enumerate(others):
                self.value(
                    sheet, r, 12 + 3 * k, ind, direct["indicators"].get(ind, {}).get("achieved")
                )
        r += 1
        own = data["unit"]
        fig = own["indicators"][primary]
        sheet.write_string(r, 0, "", self.f_total)
        sheet.write_string(r, 1, own["code"], self.f_total)
        sheet.write_string(r, 2, f"合计（{own['name']}）", self.f_total)
        sheet.write_string(r, 3, STATUS_WORDS[fig["status"]], self.f_total)
        sheet.write_string(r, 4, "", self.f_total)
        sheet.write_string(r, 5, "", self.f_total)
        self.value(sheet, r, 6, primary, fig["target"], total=True)
        self.value(sheet, r, 7, primary, fig["achieved"], total=True)
        self.num(sheet, r, 8, fig["completion_pct"], self.f_pct)
        self.num(sheet, r, 9, required, self.f_pct)
        self.num(sheet, r, 10, fig["gap_pp"], self.f_gap)
        for k, ind in enumerate(others):
            f = own["indicators"][ind]
            self.value(sheet, r, 11 + 3 * k, ind, f["target"], total=True)
            self.value(sheet, r, 12 + 3 * k, ind, f["achieved"], total=True)
            self.num(sheet, r, 13 + 3 * k, f["completion_pct"], self.f_pct)
        self.status_formats(sheet, 1, r, 3)
        sheet.autofilter(0, 0, max(last_child, 1), len(labels) - 1)
        return "进度排名", 1, last_child

    def diagnosis_sheet(self) -> None:
        data = self.data
        sheet = self.book.add_worksheet("三大三少")
        labels = ["单位编码", "单位名称", *[LABELS[c] for c in CODES], "问题数"]
        self.header(sheet, 0, labels, [10, 16, *[12] * len(CODES), 8])
        sheet.freeze_panes(1, 2)
        rows = ranked_rows(data)
        for r, row in enumerate(rows, start=1):
            sheet.write_string(r, 0, row["code"], self.f_text)
            sheet.write_string(r, 1, row["name"], self.f_text)
            flagged = set(row.get("diagnostics", []))
            for k, code in enumerate(CODES):
                if code in flagged:
                    sheet.write_string(r, 2 + k, "是", self.f_text)
                else:
                    sheet.write_blank(r, 2 + k, None, self.f_text)
            sheet.write_number(r, 2 + len(CODES), len(flagged), self.f_count)
        if rows:
            sheet.conditional_format(
                1,
                2,
                len(rows),
                1 + len(CODES),
                {"type": "cell", "criteria": "==", "value": '"是"', "format": self.fills["red"]},
            )
        # Every line with its measurement, so the verdicts can be checked.
        start = len(rows) + 3
        sheet.write_string(start - 1, 0, "诊断明细", self.f_label)
        detail_labels = ["单位编码", "单位名称", "诊断", "是否提示", "比较", "说明"]
        for col, label in enumerate(detail_labels):
            sheet.write_string(start, col, label, self.f_head)
        sheet.set_column(4, 4, 12)
        r = start
        for row in rows:
            for line in row.get("diagnostic_details", []):
                r += 1
                sheet.write_string(r, 0, row["code"], self.f_text)
                sheet.write_string(r, 1, row["name"], self.f_text)
                sheet.write_string(r, 2, line["label"], self.f_text)
                sheet.write_string(r, 3, "是" if line["flagged"] else "否", self.f_text)
                sheet.write_string(r, 4, line["comparison"], self.f_text)
                sheet.write_string(r, 5, line["text"], self.f_text)
        if r > start:
            sheet.conditional_format(
                start + 1,
                3,
                r,
                3,
                {"type": "cell", "criteria": "==", "value": '"是"', "format": self.fills["red"]},
            )

    def changes_sheet(self) -> None:
        changes = self.data.get("changes")
        if not changes:
            return
        primary = self.data["campaign"]["primary_indicator"]
        sheet = self.book.add_worksheet("环比")
        sheet.write_string(
            0,
            0,
            f"与第{changes['previous_number']}期（统计截至{changes['previous_as_of']}）相比",
            self.f_title,
        )
        word = COLUMN_LABELS[primary]
        labels = [
            "单位名称",
            f"上期{word}",
            f"本期{word}",
            "增加",
            "上期完成率(%)",
            "本期完成率(%)",
            "变化(个百分点)",
            "上期排名",
            "本期排名",
            "升降",
        ]
        self.header(sheet, 1, labels, [16, 14, 14, 12, 12, 12, 12, 8, 8, 8])
        rows = [*ranked_rows(self.data), self.data["unit"]]
        for r, row in enumerate(rows, start=2):
            change = row.get("change") or {}
            fig = row["indicators"][primary]
            name = row["name"] if row is not self.data["unit"] else f"合计（{row['name']}）"
            sheet.write_string(r, 0, name, self.f_text)
            self.value(sheet, r, 1, primary, change.get("achieved_before"))
            self.value(sheet, r, 2, primary, fig["achieved"])
            self.value(sheet, r, 3, primary, change.get("achieved_change"))
            self.num(sheet, r, 4, change.get("completion_before"), self.f_pct)
            self.num(sheet, r, 5, fig["completion_pct"], self.f_pct)
            self.num(sheet, r, 6, change.get("completion_change_pp"), self.f_gap)
            self.num(sheet, r, 7, change.get("rank_before"), self.f_count)
            self.num(sheet, r, 8, row.get("rank"), self.f_count)
            sheet.write_string(
                r, 9, change.get("rank_arrow", "—") if row.get("rank") else "—", self.f_text
            )

    def projects_sheet(
        self, name: str, projects: list[dict], *, late: bool = False, funds: bool = False
    ) -> None:
        sheet = self.book.add_worksheet(name)
        labels = [
            "项目编号",
            "项目名称",
            "责任单位编码",
            "责任单位",
            "合同投资额(万元)",
            "合同签订日期",
            "所在园区",
            "工业项目",
            "重点项目",
            "500强企业投资",
        ]
        widths = [12, 36, 12, 16, 16, 12, 16, 8, 8, 10]
        if late:
            labels.append("补录")
            widths.append(6)
        if funds:
            labels.append("到位资金(万元)")
            widths.append(14)
        self.header(sheet, 0, labels, widths)
        sheet.freeze_panes(1, 2)
        for r, p in enumerate(projects, start=1):
            sheet.write_string(r, 0, p["code"], self.f_text)
            sheet.write_string(r, 1, p["name"], self.f_text)
            sheet.write_string(r, 2, p["unit_code"], self.f_text)
            sheet.write_string(r, 3, p["unit_name"], self.f_text)
            self.value(sheet, r, 4, "contract_amount", p["amount"])
            sheet.write_datetime(r, 5, datetime.fromisoformat(p["contract_on"]), self.f_date)
            sheet.write_string(r, 6, p["park"] or "", self.f_text)
            sheet.write_string(r, 7, "是" if p["industrial"] else "否", self.f_text)
            sheet.write_string(r, 8, "是" if p["key"] else "否", self.f_text)
            sheet.write_string(r, 9, "是" if p["top500"] else "否", self.f_text)
            if late:
                sheet.write_string(r, 10, "是" if p.get("late_entry") else "", self.f_text)
            if funds:
                self.value(sheet, r, len(labels) - 1, "funds_in_place", p.get("funds"))
        if projects:
            sheet.autofilter(0, 0, len(projects), len(labels) - 1)

    def stuck_sheet(self) -> None:
        block = self.data["stuck_key_projects"]
        sheet = self.book.add_worksheet("重点项目滞缓")
        self.header(
            sheet,
            0,
            [
                "项目编号",
                "项目名称",
                "责任单位",
                "所处阶段",
                "进入阶段日期",
                f"停留天数（超过{block['days']}天列出）",
                "投资额(万元)",
            ],
            [12, 36, 16, 10, 14, 14, 14],
        )
        for r, p in enumerate(block["projects"], start=1):
            sheet.write_string(r, 0, p["code"], self.f_text)
            sheet.write_string(r, 1, p["name"], self.f_text)
            sheet.write_string(r, 2, p["unit_name"], self.f_text)
            sheet.write_string(r, 3, p["stage_label"], self.f_text)
            sheet.write_datetime(r, 4, datetime.fromisoformat(p["since"]), self.f_date)
            sheet.write_number(r, 5, p["days"], self.f_count)
            self.value(sheet, r, 6, "contract_amount", p["amount"])
        if not block["projects"]:
            sheet.write_string(1, 0, f"无停留在同一阶段超过{block['days']}天的重点项目")

    def rounds_sheet(self) -> None:
        block = self.data["rounds"]
        sheet = self.book.add_worksheet("调度填报")
        latest = block["latest"]
        if latest is None:
            sheet.write_string(0, 0, "截至统计日尚无到期的调度填报", self.f_title)
            return
        sheet.write_string(
            0,
            0,
            f"{latest['title']}（截止{cn_date(latest['deadline'], with_time=True)}）",
            self.f_title,
        )
        self.header(
            sheet,
            1,
            ["单位编码", "单位名称", "报送情况", "进展情况", "存在问题", "下步计划"],
            [10, 16, 10, 40, 32, 32],
        )
        r = 1
        words = {"on_time": "按时报送", "late": "逾期报送", "missing": "未报送"}
        for key, word in words.items():
            for u in latest[key]:
                r += 1
                sheet.write_string(r, 0, u["code"], self.f_text)
                sheet.write_string(r, 1, u["name"], self.f_text)
                sheet.write_string(r, 2, word, self.f_text)
                # The texts the unit submitted (bulletins frozen before they were kept: blank).
                for col, key_text in enumerate(("progress", "problems", "plan"), start=3):
                    sheet.write_string(r, col, u.get(key_text, ""), self.f_wrap)
        if r > 1:
            for key, status in (("按时报送", "green"), ("逾期报送", "yellow"), ("未报送", "red")):
                sheet.conditional_format(
                    2,
                    2,
                    r,
                    2,
                    {
                        "type": "cell",
                        "criteria": "==",
                        "value": f'"{key}"',
                        "format": self.fills[status],
                    },
                )
        if block.get("next"):
            sheet.write_string(
                r + 2,
                0,
                f"下一次：{block['next']['title']}，截止"
                f"{cn_date(block['next']['deadline'], with_time=True)}",
            )

    def curve_sheet(self) -> tuple[str, int] | None:
        curve = self.data.get("curve")
        if not curve:
            return None
        indicator = curve["indicator"]
        sheet = self.book.add_worksheet("累计进度")
        word = COLUMN_LABELS[indicator]
        self.header(sheet, 0, ["日期", f"累计完成{word}", f"序时进度要求{word}"], [12, 18, 18])
        sheet.freeze_panes(1, 1)
        for r, point in enumerate(curve["points"], start=1):
            sheet.write_datetime(
                r,
                0,
                datetime.combine(date.fromisoformat(point["date"]), datetime.min.time()),
                self.f_date,
            )
            self.value(sheet, r, 1, indicator, point["achieved"])
            self.value(sheet, r, 2, indicator, point["required"])
        return "累计进度", len(curve["points"])

    def charts(self, sheet, ranking: tuple[str, int, int], curve: tuple[str, int] | None) -> None:
        data = self.data
        primary = data["campaign"]["primary_indicator"]
        name, first, last = ranking
        if data["children"]:
            # Completion (columns) against the required % (a line), one pair per unit.
            columns = self.book.add_chart({"type": "column"})
            columns.add_series(
                {
                    "name": "完成率(%)",
                    "categories": [name, first, 2, last, 2],
                    "values": [name, first, 8, last, 8],
                    "fill": {"color": "#5B9BD5"},
                    "data_labels": {"value": True, "num_format": "0.00"},
                }
            )
            line = self.book.add_chart({"type": "line"})
            line.add_series(
                {
                    "name": "序时进度(%)",
                    "categories": [name, first, 2, last, 2],
                    "values": [name, first, 9, last, 9],
                    "line": {"color": "#C00000", "width": 2, "dash_type": "dash"},
                    "marker": {"type": "none"},
                }
            )
            columns.combine(line)
            columns.set_title(
                {
                    "name": f"各单位{INDICATOR_WORDS[primary]}完成率与序时进度",
                    "name_font": {"name": FONT, "size": 12},
                }
            )
            columns.set_y_axis({"name": "%", "min": 0, "num_format": "0"})
            columns.set_x_axis({"num_font": {"name": FONT, "size": 9}})
            columns.set_legend({"position": "bottom"})
            columns.set_size({"width": 900, "height": 420})
            sheet.insert_chart("A1", columns)
        else:
            sheet.write_string(0, 0, "无下级单位，不绘制完成率图")
        if curve is not None:
            curve_name, count = curve
            chart = self.book.add_chart({"type": "line"})
            for col, color, dash in ((1, "#5B9BD5", "solid"), (2, "#C00000", "dash")):
                chart.add_series(
                    {
                        "name": [curve_name, 0, col],
                        "categories": [curve_name, 1, 0, count, 0],
                        "values": [curve_name, 1, col, count, col],
                        "line": {"color": color, "width": 2.25, "dash_type": dash},
                        "marker": {"type": "none"},
                    }
                )
            chart.set_title(
                {
                    "name": f"累计{INDICATOR_WORDS[data['curve']['indicator']]}与节点进度曲线",
                    "name_font": {"name": FONT, "size": 12},
                }
            )
            chart.set_x_axis(
                {"date_axis": True, "num_format": "m/d", "major_unit": 7, "major_unit_type": "days"}
            )
            chart.set_y_axis({"num_format": "#,##0", "min": 0})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 900, "height": 420})
            sheet.insert_chart("A23", chart)

    def build(self) -> bytes:
        self.summary_sheet()
        # Created second so it opens next to the summary; filled once the data sheets exist.
        chart_sheet = self.book.add_worksheet("图表")
        ranking = self.ranking_sheet()
        self.diagnosis_sheet()
        self.changes_sheet()
        new = self.data["new_contracts"]
        if new["since"] is None and new["count"]:
            # The first issue: every counted project is new, and 项目明细 lists them all.
            sheet = self.book.add_worksheet("新增合同项目")
            sheet.write_string(
                0,
                0,
                f"本期为首期通报，新增合同项目即全部{new['count']}个计入项目，见「项目明细」。",
            )
        else:
            self.projects_sheet("新增合同项目", new_contract_projects(self.data), late=True)
        self.stuck_sheet()
        self.rounds_sheet()
        curve = self.curve_sheet()
        self.charts(chart_sheet, ranking, curve)
        # Bulletins published before the basis carried funds show no such column.
        columns = (self.data.get("basis") or {}).get("columns", [])
        self.projects_sheet("项目明细", basis_projects(self.data), funds="funds" in columns)
        if self.data.get("events"):
            from zhaoshang.events.bulletin import write_excel_sheet

            write_excel_sheet(self)
        if self.data.get("tasks"):
            from zhaoshang.supervision.bulletin import write_excel_sheet as tasks_sheet

            tasks_sheet(self)
        if self.data.get("forecast"):
            from zhaoshang.dispatch.forecast_section import write_excel_sheet as forecast_sheet

            forecast_sheet(self)
        self.print_setup()
        self.book.close()
        return self.out.getvalue()


def render_xlsx(document: dict) -> bytes:
    """The bulletin ``document`` (see dispatch/bulletin.py) as the bytes of an .xlsx file."""
    return _Book(document).build()
