"""The assessment as an Excel workbook, with the bulletin's look (dispatch/excel.py).

Sheets: 考核通报 (header, summary, scheme), 考核排名 (one row per unit: every
score, every item, the total), 得分明细 (per unit and indicator: target,
achieved, ratio, method, weight, score), 加减分明细 (per unit and item: count,
points, and each record counted), 项目明细 (the counted projects behind the
indicators). Text typed by users is always written as text.
"""

from __future__ import annotations

from decimal import Decimal

from zhaoshang.assessment.tables import (
    INDICATOR_WORDS,
    ITEM_WORDS,
    METHOD_WORDS,
    MONEY,
    header_row,
    item_words,
    method_words,
    summary,
)
from zhaoshang.dispatch.excel import _Book, _number
from zhaoshang.dispatch.word import issue_number
from zhaoshang.formatting import cn_date


class _AssessmentBook(_Book):
    def build(self) -> bytes:
        self.summary_sheet()
        self.ranking_sheet()
        self.detail_sheet()
        self.adjustment_sheet()
        self.project_sheet()
        self.book.close()
        return self.out.getvalue()

    def summary_sheet(self) -> None:
        data, header = self.data, self.data["bulletin"]
        sheet = self.book.add_worksheet("考核通报")
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 100)
        issue = issue_number(header) if header["number"] else "征求意见稿（未发布）"
        sheet.write_string(0, 0, f"考核通报　{issue}", self.f_title)
        rows = [
            ("标题", header["title"]),
            ("专项行动", f"{data['campaign_name']}（{data['campaign']}）"),
            ("考核截至", data["as_of"]),
            ("发文单位", header["issuing_office"]),
            ("发布时间", header["published_at"] or "未发布"),
            ("总体情况", summary(data)),
        ]
        rows += [("考核方案", method_words(r)) for r in data["scheme"]["indicators"]]
        rows += [("加减分", item_words(r)) for r in data["scheme"]["adjustments"]]
        for i, (label, text) in enumerate(rows, start=2):
            sheet.write_string(i, 0, label, self.f_label)
            sheet.write_string(i, 1, text, self.f_plain_wrap)

    def ranking_sheet(self) -> None:
        sheet = self.book.add_worksheet("考核排名")
        labels = header_row(self.data)
        labels.insert(1, "单位编码")
        self.header(sheet, 0, labels, [8, 12, 16, *[14] * (len(labels) - 3)])
        for r, unit in enumerate(self.data["units"], start=1):
            sheet.write_number(r, 0, unit["rank"], self.f_count)
            sheet.write_string(r, 1, unit["code"], self.f_text)
            sheet.write_string(r, 2, unit["name"], self.f_text)
            col = 3
            for s in unit["items"]:
                if s["no_target"]:
                    sheet.write_string(r, col, "未下达目标", self.f_text)
                else:
                    self.num(sheet, r, col, s["score"], self.f_decimal)
                col += 1
            for a in unit["adjustments"]:
                self.num(sheet, r, col, a["points"], self.f_decimal)
                col += 1
            self.num(sheet, r, col, unit["total"], self.f_total_money)
        sheet.freeze_panes(1, 3)

    def detail_sheet(self) -> None:
        sheet = self.book.add_worksheet("得分明细")
        labels = [
            "单位编码",
            "单位名称",
            "指标",
            "目标",
            "完成",
            "完成比例",
            "计分方法",
            "权重",
            "得分",
        ]
        self.header(sheet, 0, labels, [12, 16, 16, 14, 14, 12, 12, 10, 10])
        r = 0
        for unit in self.data["units"]:
            for s in unit["items"]:
                r += 1
                sheet.write_string(r, 0, unit["code"], self.f_text)
                sheet.write_string(r, 1, unit["name"], self.f_text)
                sheet.write_string(r, 2, INDICATOR_WORDS[s["indicator"]], self.f_text)
                fmt = self.f_money if s["indicator"] in MONEY else self.f_count
                self.num(sheet, r, 3, s["target"], fmt)
                self.num(sheet, r, 4, s["achieved"], fmt)
                if s["ratio"] is None:
                    sheet.write_string(r, 5, "未下达目标", self.f_text)
                else:
                    sheet.write_number(r, 5, s["ratio"], self.f_pct)
                sheet.write_string(r, 6, METHOD_WORDS[s["method"]], self.f_text)
                self.num(sheet, r, 7, s["weight"], self.f_decimal)
                self.num(sheet, r, 8, s["score"], self.f_decimal)
        sheet.freeze_panes(1, 2)

    def adjustment_sheet(self) -> None:
        sheet = self.book.add_worksheet("加减分明细")
        labels = ["单位编码", "单位名称", "事项", "数量", "分值", "记录"]
        self.header(sheet, 0, labels, [12, 16, 16, 8, 10, 70])
        r = 0
        for unit in self.data["units"]:
            records = unit.get("records", {})
            for a in unit["adjustments"]:
                lines = _records_of(a["item"], records) or [""]
                for line in lines:
                    r += 1
                    sheet.write_string(r, 0, unit["code"], self.f_text)
                    sheet.write_string(r, 1, unit["name"], self.f_text)
                    sheet.write_string(r, 2, ITEM_WORDS[a["item"]], self.f_text)
                    sheet.write_number(r, 3, a["count"], self.f_count)
                    self.num(sheet, r, 4, a["points"], self.f_decimal)
                    sheet.write_string(r, 5, line, self.f_wrap)
        sheet.freeze_panes(1, 2)

    def project_sheet(self) -> None:
        sheet = self.book.add_worksheet("项目明细")
        labels = [
            "考核单位",
            "项目编号",
            "项目名称",
            "责任单位",
            "合同签订日期",
            "合同投资额(万元)",
            "所在园区",
            "工业项目",
            "到位资金(万元)",
        ]
        self.header(sheet, 0, labels, [14, 14, 30, 14, 12, 14, 16, 8, 14])
        r = 0
        for unit in self.data["units"]:
            for p in unit.get("records", {}).get("projects", []):
                r += 1
                sheet.write_string(r, 0, unit["name"], self.f_text)
                sheet.write_string(r, 1, p["code"], self.f_text)
                sheet.write_string(r, 2, p["name"], self.f_text)
                sheet.write_string(r, 3, p["unit_name"], self.f_text)
                sheet.write_string(r, 4, cn_date(p["contract_on"]), self.f_text)
                sheet.write_number(r, 5, _number(p["contract_amount"]), self.f_money)
                sheet.write_string(r, 6, p["park"], self.f_text)
                sheet.write_string(r, 7, "是" if p["is_industrial"] else "否", self.f_text)
                sheet.write_number(r, 8, _number(p["funds"] or Decimal(0)), self.f_money)
        sheet.freeze_panes(1, 3)


def _records_of(item: str, records: dict) -> list[str]:
    if item == "top500":
        return [
            f"{e['name']}（{'、'.join(e['projects'])}）" for e in records.get("enterprises", [])
        ]
    if item == "late_reports":
        return [
            f"{r['name']}，截止{cn_date(r['deadline'], with_time=True)}，"
            + (
                "未报送"
                if r["submitted_at"] is None
                else f"{cn_date(r['submitted_at'], with_time=True)}报送"
            )
            for r in records.get("late_rounds", [])
        ]
    if item == "overdue_tasks":
        return [
            f"{t['code']} {t['content']}（{t['lead_unit']}，时限{cn_date(t['deadline'])}"
            + (f"，{cn_date(t['closed_on'])}办结）" if t["closed_on"] else "，未办结）")
            for t in records.get("overdue_tasks", [])
        ]
    return []


def render_xlsx(document: dict) -> bytes:
    """The assessment ``document`` (assessment/document.py) as the bytes of an .xlsx file."""
    return _AssessmentBook(document).build()
