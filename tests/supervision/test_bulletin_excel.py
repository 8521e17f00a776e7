"""The bulletin's Excel file carries the overdue tasks, as the Word file and the page do."""

import io
from datetime import date

import openpyxl

from zhaoshang.dispatch.bulletin import build_bulletin
from zhaoshang.dispatch.excel import render_xlsx
from zhaoshang.supervision.services import create_task


def test_overdue_tasks_have_their_sheet_in_the_excel_bulletin(personas):
    late = create_task(
        "黎平县补报项目资料",
        personas.unit("522631"),
        date(2026, 11, 13),
        actor=personas.user("admin"),
        campaign=personas.campaign,
        assigned_on=date(2026, 11, 2),
        leader_watching=True,
    )
    doc = build_bulletin(personas.campaign, date(2026, 11, 27))
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(doc)))
    sheet = book["督办事项"]
    assert sheet["A1"].value == (
        "截至统计日，逾期未办结的督办事项1项，其中红色督办0项、橙色督办1项、蓝色督办0项。"
    )
    assert [c.value for c in sheet[2]] == [
        "事项编号",
        "事项内容",
        "牵头单位",
        "办理时限",
        "逾期工作日",
        "督办等级",
        "领导关注",
    ]
    row = [c.value for c in sheet[3]]
    # (11-13, 11-27]: 11-16 … 11-20, 11-23 … 11-27 = 10 working days → 橙色督办
    assert row[0] == late.code and row[1] == "黎平县补报项目资料" and row[2] == "黎平县"
    assert row[3].date() == date(2026, 11, 13)
    assert row[4:] == [10, "橙色督办", "是"]


def test_no_task_sheet_when_nothing_is_overdue(personas):
    doc = build_bulletin(personas.campaign, date(2026, 11, 27))
    assert "督办事项" not in openpyxl.load_workbook(io.BytesIO(render_xlsx(doc))).sheetnames
