"""The demo's assessment scheme (考核方案, 加减分), so the assessment page shows live scores.

Contracts weigh most (封顶比例, 60 分), the number of contract projects is
compared between the units (功效系数, 25 分), industrial projects complete the
hundred (封顶比例, 15 分); each top-500 enterprise adds a point (at most 5),
each overdue task and each late or missed report takes one off (at most 5).
"""

from __future__ import annotations

HEADERS = {
    "考核方案": ["行动编码", "指标", "权重(分)", "计分方法"],
    "加减分": ["行动编码", "事项", "每项分值", "上限(分)"],
}


def scheme_sheets(*, campaign: str) -> dict[str, list[list]]:
    return {
        "考核方案": [
            [campaign, "合同投资额(万元)", 60, "封顶比例"],
            [campaign, "合同项目数", 25, "功效系数"],
            [campaign, "工业项目数", 15, "封顶比例"],
        ],
        "加减分": [
            [campaign, "500强企业", 1, 5],
            [campaign, "逾期督办事项", -1, 5],
            [campaign, "逾期填报", -1, 5],
        ],
    }
