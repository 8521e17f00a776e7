"""The demo workbook on its own: deterministic, fictional, dated around 'today'."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from zhaoshang.demo.workbook import (
    CAMPAIGN_END,
    CAMPAIGN_START,
    HEADERS,
    REFERENCE_TODAY,
    build_scenario,
    shift_days,
    write_workbook,
)
from zhaoshang.ledger.uscc import check_uscc

PASSWORD = "demo-test-password"


def scenario(today):
    return build_scenario(today, password=PASSWORD)


def test_same_day_same_workbook(tmp_path):
    first, second = scenario(REFERENCE_TODAY), scenario(REFERENCE_TODAY)
    assert first.sheets == second.sheets
    a = write_workbook(first, tmp_path / "a.xlsx")
    b = write_workbook(second, tmp_path / "b.xlsx")
    read = [
        {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in load_workbook(p)}
        for p in (a, b)
    ]
    assert read[0] == read[1]
    assert list(read[0]) == list(HEADERS)
    assert read[0]["项目"][0] == HEADERS["项目"]


def test_sizes_and_units():
    s = scenario(REFERENCE_TODAY)
    units = {row[0]: row for row in s.rows("单位")}
    assert len(units) == 1 + 16 + 1 + 4
    assert units["522600"][2] is None and units["522600"][3] == "州"
    counties = [code for code, row in units.items() if row[3] == "县市"]
    assert counties == sorted(counties) and counties[0] == "522601" and counties[-1] == "522636"
    assert units["522640"][1:4] == ["凯里经济开发区", "522600", "开发区"]
    assert 280 <= s.count("项目") <= 320
    assert s.count("客商") == 150
    assert 300 <= s.count("跟踪记录") <= 600
    assert s.count("到位资金") > 50
    users = {row[0]: row for row in s.rows("用户")}
    assert users["admin"][2:4] == ["522600", "管理员"]
    assert users["leader"][2:4] == ["522600", "领导"]
    assert users["r522601"][2:4] == ["522601", "填报员"]
    assert users["r522640"][2:4] == ["522640", "填报员"]
    assert len(users) == 2 + 17
    assert {row[4] for row in users.values()} == {PASSWORD}


def test_names_are_fictional_and_codes_valid():
    s = scenario(REFERENCE_TODAY)
    enterprises = s.rows("客商")
    assert all(row[0].startswith(("示例", "演示")) for row in enterprises)
    codes = [row[1] for row in enterprises if row[1]]
    assert 50 < len(codes) < len(enterprises)  # some enterprises have none
    assert all(check_uscc(code) is None for code in codes)
    top500 = [row for row in enterprises if row[4] and "中国民营企业500强" in row[4]]
    assert 10 <= len(top500) <= 20
    assert all(row[5].startswith(("示例", "演示")) for row in s.rows("项目") if row[5])


def test_stage_dates_are_consistent():
    s = scenario(REFERENCE_TODAY)
    header = HEADERS["项目"]
    for row in s.rows("项目"):
        r = dict(zip(header, row, strict=True))
        dated = [r[c] for c in ("签约日期", "合同签订日期", "开工日期", "投产日期") if r[c]]
        assert dated == sorted(dated), r["项目编号"]
        if r["项目阶段"] in {"合同", "开工", "投产"}:
            assert r["合同签订日期"] and r["合同投资额(万元)"]
        if r["状态"] == "终止":
            assert r["终止日期"] and r["终止原因"]


@pytest.mark.parametrize("today", [date(2026, 3, 16), date(2027, 2, 9), REFERENCE_TODAY])
def test_dates_follow_today(today):
    s = scenario(today)
    shift = timedelta(days=shift_days(today))
    (campaign,) = s.rows("专项行动")
    start, end = campaign[2], campaign[3]
    assert (start, end) == (CAMPAIGN_START + shift, CAMPAIGN_END + shift)
    # Today sits where 2026-11-27 sits in the original window: in progress, 8 days to go.
    assert start < today < end
    assert today - start == REFERENCE_TODAY - CAMPAIGN_START
    assert end - today == timedelta(days=8)
    assert [row[1] for row in s.rows("节点")] == [date(2026, 11, 15) + shift, end]
    # Nothing in the ledger happens after today.
    for sheet, columns in (("项目", [13, 14, 15, 16, 18]), ("到位资金", [1]), ("跟踪记录", [0])):
        for row in s.rows(sheet):
            for i in columns:
                assert row[i] is None or row[i] <= today, (sheet, row)
    # Same story whatever the day: only the dates move.
    reference = scenario(REFERENCE_TODAY)
    assert [r[0] for r in s.rows("项目")] == [r[0] for r in reference.rows("项目")]
    assert [r[11] for r in s.rows("项目")] == [r[11] for r in reference.rows("项目")]
