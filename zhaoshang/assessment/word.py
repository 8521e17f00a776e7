"""The assessment as a Word document, laid out like the dispatch bulletin (dispatch/word.py)."""

from __future__ import annotations

import io

from zhaoshang.assessment.tables import (
    INDICATOR_WORDS,
    ITEM_UNITS,
    ITEM_WORDS,
    METHOD_WORDS,
    figure_words,
    header_row,
    item_words,
    method_words,
    ratio_words,
    score_row,
    summary,
)
from zhaoshang.dispatch.word import TEXT_WIDTH_MM, _Writer


class _AssessmentWriter(_Writer):
    def build(self) -> bytes:
        data = self.data
        self.red_header()
        self.title()
        self.heading(1, "总体情况")
        self.para(summary(data))
        self.heading(2, "考核得分与排名")
        self.ranking()
        self.heading(3, "考核方案")
        for rule in data["scheme"]["indicators"]:
            self.para(method_words(rule) + "。")
        for rule in data["scheme"]["adjustments"]:
            self.para(item_words(rule) + "。")
        self.para("各项得分四舍五入保留两位小数，总分为各项得分之和；总分相同的单位并列排名。")
        self.heading(4, "各单位得分明细")
        for number, unit in enumerate(data["units"], start=1):
            self.subheading(number, unit["name"], f"总分{unit['total']}分，排名第{unit['rank']}。")
            for s in unit["items"]:
                name = INDICATOR_WORDS[s["indicator"]]
                if s["no_target"]:
                    self.para(f"{name}：未下达目标，得0分。")
                    continue
                self.para(
                    f"{name}：目标{figure_words(s['indicator'], s['target'])}，"
                    f"完成{figure_words(s['indicator'], s['achieved'])}，"
                    f"完成比例{ratio_words(s['ratio'])}，按{METHOD_WORDS[s['method']]}"
                    f"得{s['score']}分（权重{s['weight']}分）。"
                )
            records = unit.get("records", {})
            for a in unit["adjustments"]:
                self.para(self._adjustment(a, records))
        self.page_numbers()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def ranking(self) -> None:
        headers = header_row(self.data)
        rows = [score_row(u) for u in self.data["units"]]
        n = len(headers)
        name_width = 28.0
        rank_width = 12.0
        rest = (TEXT_WIDTH_MM - name_width - rank_width) / (n - 2)
        widths = [rank_width, name_width, *[rest] * (n - 2)]
        widths[-1] = TEXT_WIDTH_MM - sum(widths[:-1])
        self.table(headers, rows, widths, align_right=set(range(2, n)))

    @staticmethod
    def _adjustment(a: dict, records: dict) -> str:
        name = ITEM_WORDS[a["item"]]
        unit = ITEM_UNITS[a["item"]]
        text = f"{name}：{a['count']}{unit}，计{a['points']}分"
        if a.get("capped"):
            text += "（已达上限）"
        listed = []
        if a["item"] == "top500":
            listed = [e["name"] for e in records.get("enterprises", [])]
        elif a["item"] == "late_reports":
            listed = [
                f"{r['name']}（{'未报送' if r['submitted_at'] is None else '逾期报送'}）"
                for r in records.get("late_rounds", [])
            ]
        elif a["item"] == "overdue_tasks":
            listed = [f"{t['code']} {t['content']}" for t in records.get("overdue_tasks", [])]
        if listed:
            text += "：" + "；".join(listed)
        return text + "。"


def render_docx(document: dict) -> bytes:
    """The assessment ``document`` (assessment/document.py) as the bytes of a .docx file."""
    return _AssessmentWriter(document).build()
