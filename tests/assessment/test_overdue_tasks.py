"""逾期督办事项: tasks led by the unit or its subtree, overdue on the day or closed late.

On top of the world of conftest.py (as of 12-05), loaded through the 督办事项 sheet:
  T-1 甲县   deadline 11-20, open               → overdue            (甲县 1)
  T-2 甲镇   deadline 11-20, closed 11-25       → done late, subtree (甲县 2)
  T-3 甲县   deadline 11-20, closed 11-20       → done on time       (not counted)
  T-4 乙县   deadline 12-10, open               → not yet due        (not counted)
  T-5 乙县   deadline 11-30, closed 12-08       → open on 12-05, overdue (乙县 1)
  T-6 丙县   assigned 12-06, deadline 12-20     → assigned after the day (not counted)
Scheme item: −2 per task, cap 3.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from tests.assessment.conftest import AS_OF
from zhaoshang.assessment.services import do_save_scheme_adjustment
from zhaoshang.engine.assessment import compute_assessment, records
from zhaoshang.workbook.loader import load_workbook

HEAD = [
    "事项编号",
    "事项内容",
    "来源",
    "行动编码",
    "牵头单位编码",
    "配合单位编码",
    "责任人",
    "交办日期",
    "办理时限",
    "办结日期",
]


def _write(path, rows):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("督办事项")
    fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate([HEAD, *rows]):
        for c, v in enumerate(row):
            if isinstance(v, date):
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt)
            elif v is not None:
                ws.write(r, c, v)
    book.close()
    return path


def test_overdue_and_late_closed_tasks_of_the_subtree_count(world, tmp_path):
    d = date
    rows = [
        [
            "T-1",
            "整改甲",
            "其他",
            "KH",
            "880001",
            None,
            None,
            d(2026, 11, 1),
            d(2026, 11, 20),
            None,
        ],
        [
            "T-2",
            "整改乙",
            "其他",
            "KH",
            "880011",
            None,
            None,
            d(2026, 11, 1),
            d(2026, 11, 20),
            d(2026, 11, 25),
        ],
        [
            "T-3",
            "整改丙",
            "其他",
            "KH",
            "880001",
            None,
            None,
            d(2026, 11, 1),
            d(2026, 11, 20),
            d(2026, 11, 20),
        ],
        [
            "T-4",
            "整改丁",
            "其他",
            "KH",
            "880002",
            None,
            None,
            d(2026, 11, 1),
            d(2026, 12, 10),
            None,
        ],
        [
            "T-5",
            "整改戊",
            "其他",
            "KH",
            "880002",
            None,
            None,
            d(2026, 11, 1),
            d(2026, 11, 30),
            d(2026, 12, 8),
        ],
        [
            "T-6",
            "整改己",
            "其他",
            "KH",
            "880003",
            None,
            None,
            d(2026, 12, 6),
            d(2026, 12, 20),
            None,
        ],
    ]
    result = load_workbook(_write(tmp_path / "督办.xlsx", rows))
    assert result.ok, result.errors
    do_save_scheme_adjustment(world["campaign"], "overdue_tasks", Decimal(-2), Decimal(3))
    assessment = compute_assessment(world["campaign"], AS_OF)
    counts = {
        u.code: next((a.count, a.points) for a in u.adjustments if a.item == "overdue_tasks")
        for u in assessment.units
    }
    # 甲县 T-1 + T-2 = 2 → −4, capped to −3; 乙县 T-5 → −2; 丙县 none.
    assert counts == {
        "880001": (2, Decimal("-3.00")),
        "880002": (1, Decimal("-2.00")),
        "880003": (0, Decimal("0.00")),
    }
    found = records(assessment)
    a = found[assessment.unit("880001").unit_id]
    assert [t.code for t in a.overdue_tasks] == ["T-1", "T-2"]
