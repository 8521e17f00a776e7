"""Sheets 考核方案 / 加减分 (contracts/workbook.md) and `zhaoshang assess --json` (contracts/cli.md)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from zhaoshang.assessment.models import SchemeAdjustment, SchemeIndicator
from zhaoshang.cli import main
from zhaoshang.workbook.loader import load_workbook

SCHEME_HEAD = ["行动编码", "指标", "权重(分)", "计分方法"]
ITEMS_HEAD = ["行动编码", "事项", "每项分值", "上限(分)"]


def write(path, sheets):
    book = xlsxwriter.Workbook(str(path))
    for title, rows in sheets.items():
        ws = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day))
                elif v is not None:
                    ws.write(r, c, v)
    book.close()
    return path


def scheme_file(tmp_path, scheme=None, items=None):
    return write(
        tmp_path / "考核.xlsx",
        {
            "考核方案": [
                SCHEME_HEAD,
                *(
                    scheme
                    or [
                        ["KH", "合同投资额(万元)", 70, "封顶比例"],
                        ["KH", "合同项目数", 30, "功效系数"],
                    ]
                ),
            ],
            "加减分": [
                ITEMS_HEAD,
                *(
                    items
                    or [
                        ["KH", "500强企业", 3, None],
                        ["KH", "逾期督办事项", "-1分", 5],
                        ["KH", "逾期填报", -0.5, 2],
                    ]
                ),
            ],
        },
    )


def test_the_scheme_sheets_load_and_load_again_unchanged(world, tmp_path):
    path = scheme_file(tmp_path)
    result = load_workbook(path)
    assert result.ok, result.errors
    c = world["campaign"]
    scheme = {s.indicator: (s.weight, s.method) for s in SchemeIndicator.objects.filter(campaign=c)}
    assert scheme == {
        "contract_amount": (Decimal("70.00"), "capped"),
        "contract_projects": (Decimal("30.00"), "efficacy"),
    }
    items = {a.item: (a.points, a.cap) for a in SchemeAdjustment.objects.filter(campaign=c)}
    assert items == {
        "top500": (Decimal("3.00"), None),
        "overdue_tasks": (Decimal("-1.00"), Decimal("5.00")),
        "late_reports": (Decimal("-0.50"), Decimal("2.00")),
    }
    # The world had 60/40 and top500 +5 cap 8: those rows changed, with history.
    assert result.counts["考核方案"].as_dict() == {"created": 0, "updated": 2, "unchanged": 0}
    assert result.counts["加减分"].as_dict() == {"created": 1, "updated": 2, "unchanged": 0}
    weight_history = SchemeIndicator.history.filter(indicator="contract_amount").order_by(
        "history_date"
    )
    assert [h.weight for h in weight_history] == [Decimal("60.00"), Decimal("70.00")]
    again = load_workbook(path)
    assert again.counts["考核方案"].as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.counts["加减分"].as_dict() == {"created": 0, "updated": 0, "unchanged": 3}


def test_bad_scheme_rows_are_reported_at_their_cells_and_nothing_is_written(world, tmp_path):
    path = scheme_file(
        tmp_path,
        scheme=[
            ["NOPE", "合同投资额(万元)", 70, "封顶比例"],
            ["KH", "合同项目数", -5, "按比例"],
            ["KH", "合同项目数", 10, "功效系数"],
        ],
        items=[["KH", "优秀单位", "很多", -1]],
    )
    result = load_workbook(path)
    text = "\n".join(result.errors)
    assert "工作表「考核方案」第2行「行动编码」：行动编码「NOPE」不存在" in text
    assert "工作表「考核方案」第3行「权重(分)」：「-5」：不能为负数" in text
    assert (
        "工作表「考核方案」第3行「计分方法」：「按比例」不是可选的值，应为：封顶比例、功效系数"
        in text
    )
    assert "工作表「加减分」第2行「事项」：「优秀单位」不是可选的值" in text
    assert "工作表「加减分」第2行「每项分值」" in text
    assert "工作表「加减分」第2行「上限(分)」：「-1」：不能为负数" in text
    assert SchemeIndicator.objects.get(indicator="contract_amount").weight == Decimal("60.00")
    assert not SchemeAdjustment.objects.filter(item="overdue_tasks").exists()


def test_assess_json_as_in_the_contract(world, capsys):
    assert main(["assess", "--campaign", "KH", "--as-of", "2026-12-05", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["campaign"] == "KH" and doc["as_of"] == "2026-12-05"
    first = doc["units"][0]
    assert (first["code"], first["name"], first["rank"], first["total"]) == (
        "880001",
        "甲县",
        1,
        "106.00",
    )
    assert first["items"][0] == {
        "indicator": "contract_amount",
        "method": "capped",
        "weight": "60.00",
        "ratio": 1.2,
        "score": "60.00",
        "target": "10000.00",
        "achieved": "12000.00",
        "no_target": False,
    }
    assert [(a["item"], a["count"], a["points"]) for a in first["adjustments"]] == [
        ("top500", 2, "8.00"),
        ("late_reports", 1, "-2.00"),
    ]
    third = doc["units"][2]
    # 丙县 has no 合同项目数 target: ratio null, 0 points.
    assert third["items"][1]["ratio"] is None and third["items"][1]["score"] == "0.00"
    # No late round: a penalty item of zero occurrences is "0.00", never "-0.00".
    assert third["adjustments"][1] == {
        "item": "late_reports",
        "count": 0,
        "points": "0.00",
        "per": "-2.00",
        "cap": "3.00",
        "capped": False,
    }
    assert [u["code"] for u in doc["units"]] == ["880001", "880002", "880003"]


def test_assess_ratio_has_four_decimals(world, capsys):
    # 乙县 1 of 4 projects → 0.25; 7000 / 20000 = 0.35; as of 11-12 乙县 has
    # only PB1: 7000 / 20000; 甲县 6000 + 6000 = 12000 / 10000.
    from tests.engine import builders as b

    b.target(world["campaign"], world["C"], 3, "contract_projects")
    assert main(["assess", "--campaign", "KH", "--as-of", "2026-12-05", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    c = next(u for u in doc["units"] if u["code"] == "880003")
    # 1 / 3 = 0.33333… → 0.3333
    assert c["items"][1]["ratio"] == 0.3333


def test_assess_refuses_unknown_campaign_and_missing_scheme(world, capsys):
    assert main(["assess", "--campaign", "NOPE", "--json"]) == 2
    assert "未找到行动编码为「NOPE」的专项行动" in capsys.readouterr().err
    SchemeIndicator.objects.all().delete()
    SchemeAdjustment.objects.all().delete()
    assert main(["assess", "--campaign", "KH", "--json"]) == 2
    assert "尚未制定考核方案" in capsys.readouterr().err


def test_assess_table_in_words(world, capsys):
    assert main(["assess", "--campaign", "KH", "--as-of", "2026-12-05"]) == 0
    out = capsys.readouterr().out
    assert "甲县" in out and "106.00" in out and "未下达目标" in out


def test_export_writes_the_scheme_and_loads_back_unchanged(world, tmp_path, capsys):
    out = tmp_path / "导出.xlsx"
    assert main(["export", "--sheets", "考核方案,加减分", "-o", str(out)]) == 0
    capsys.readouterr()
    from openpyxl import load_workbook as open_book

    book = open_book(out)
    assert [list(r) for r in book["考核方案"].iter_rows(values_only=True)][1:] == [
        ["KH", "合同投资额(万元)", 60, "封顶比例"],
        ["KH", "合同项目数", 40, "功效系数"],
    ]
    assert [list(r) for r in book["加减分"].iter_rows(values_only=True)][1:] == [
        ["KH", "500强企业", 5, 8],
        ["KH", "逾期填报", -2, 3],
    ]
    result = load_workbook(out)
    assert result.ok, result.errors
    assert result.counts["考核方案"].as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
    assert result.counts["加减分"].as_dict() == {"created": 0, "updated": 0, "unchanged": 2}
