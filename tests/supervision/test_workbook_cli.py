"""督办事项 through the workbook and `zhaoshang tasks --json` (contracts/cli.md, workbook.md).

The tasks of the test workbook, as of Wednesday 2026-10-21 (National Day
2026-10-01 … 10-07, make-up working day Saturday 10-10):

    DB-1 甲县, due 09-30, open     (09-30, 10-21]: 10-08 09 10 12–16 19 20 21 = 11 → red
    DB-2 乙县, due 10-14, open     (10-14, 10-21]: 10-15 16 19 20 21 = 5          → blue
    DB-3 甲县, due 10-23, open     (10-21, 10-23]: 2 working days                  → due soon
    DB-4 丙开发区, due 10-16, closed 10-20                                          → done late
    DB-5 乙县 with 甲县 assisting, due 11-30                                        → open
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.workbook.conftest import base_sheets, model_counts, write_sheets
from zhaoshang.cli import main
from zhaoshang.supervision.models import Source, State, StepKind, Task

pytestmark = pytest.mark.django_db

HEADER = [
    "事项编号*",
    "事项内容*",
    "来源",
    "行动编码",
    "牵头单位编码*",
    "配合单位编码",
    "责任人",
    "交办日期*",
    "办理时限*",
    "办结日期",
]
ROWS = [
    [
        "DB-1",
        "甲县补齐签约资料",
        "会议",
        "T2026",
        "990001",
        None,
        "县长甲",
        "2026-09-20",
        "2026-09-30",
        None,
    ],
    [
        "DB-2",
        "乙县推进物流园签约",
        "领导批示",
        "T2026",
        "990002",
        None,
        None,
        "2026-10-08",
        "2026-10-14",
        None,
    ],
    ["DB-3", "甲县走访客商", None, None, "990001", None, None, "2026-10-15", "2026-10-23", None],
    [
        "DB-4",
        "丙开发区整改",
        "通报问题",
        "T2026",
        "990040",
        None,
        None,
        "2026-10-08",
        "2026-10-16",
        "2026-10-20",
    ],
    [
        "DB-5",
        "乙县对接500强",
        "其他",
        "T2026",
        "990002",
        "990001",
        None,
        "2026-10-15",
        "2026-11-30",
        None,
    ],
]


@pytest.fixture
def book(tmp_path):
    sheets = base_sheets()
    sheets["督办事项"] = [HEADER, *[list(r) for r in ROWS]]
    return write_sheets(tmp_path / "督办.xlsx", sheets)


def tasks_json(capsys, *argv) -> dict:
    assert main(["tasks", "--as-of", "2026-10-21", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_loaded_tasks_with_status_and_escalation(book, capsys):
    assert main(["load", str(book)]) == 0
    capsys.readouterr()
    doc = tasks_json(capsys)
    assert doc["as_of"] == "2026-10-21"
    got = {
        t["code"]: (t["lead_unit"], t["status"], t["level"], t["workdays_overdue"], t["closed_on"])
        for t in doc["tasks"]
    }
    assert got == {
        "DB-1": ("990001", "overdue", "red", 11, None),
        "DB-2": ("990002", "overdue", "blue", 5, None),
        "DB-3": ("990001", "due_soon", None, 0, None),
        "DB-4": ("990040", "done_late", None, 0, "2026-10-20"),
        "DB-5": ("990002", "open", None, 0, None),
    }
    first = doc["tasks"][0]
    assert first["content"] == "甲县补齐签约资料" and first["deadline"] == "2026-09-30"
    closed = Task.objects.get(code="DB-4")
    assert (closed.state, closed.source) == (State.CLOSED, Source.DIAGNOSIS)
    assert list(closed.steps.values_list("kind", flat=True)) == [StepKind.ASSIGN, StepKind.ACCEPT]
    assert Task.objects.get(code="DB-3").source == Source.MANUAL


def test_unit_and_campaign_narrow_the_list(book, capsys):
    main(["load", str(book)])
    capsys.readouterr()
    # 甲县 leads DB-1 and DB-3 and assists on DB-5
    assert [t["code"] for t in tasks_json(capsys, "--unit", "990001")["tasks"]] == [
        "DB-1",
        "DB-3",
        "DB-5",
    ]
    assert "DB-3" not in [t["code"] for t in tasks_json(capsys, "--campaign", "T2026")["tasks"]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--campaign", "NOPE"], "未找到行动编码为「NOPE」"),
        (["--unit", "000"], "未找到单位编码为「000」"),
    ],
)
def test_unknown_codes_exit_2_in_one_line(book, capsys, argv, message):
    main(["load", str(book)])
    capsys.readouterr()
    assert main(["tasks", "--json", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_export_loads_back_unchanged_and_an_edit_is_an_update(book, tmp_path, capsys):
    main(["load", str(book)])
    out = tmp_path / "导出.xlsx"
    assert main(["export", "-o", str(out), "--sheets", "督办事项"]) == 0
    capsys.readouterr()
    before = model_counts()
    assert main(["load", str(out), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]["督办事项"]
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 5)
    assert model_counts() == before
    # close DB-1 on 10-22 in the workbook: a late closing, with its step
    sheets = base_sheets()
    rows = [list(r) for r in ROWS]
    rows[0][9] = "2026-10-22"
    sheets["督办事项"] = [HEADER, *rows]
    assert main(["load", str(write_sheets(tmp_path / "改.xlsx", sheets))]) == 0
    task = Task.objects.get(code="DB-1")
    assert (task.state, task.closed_on) == (State.CLOSED, date(2026, 10, 22))
    capsys.readouterr()
    assert tasks_json(capsys, "--as-of", "2026-10-23")["tasks"][0]["status"] == "done_late"


def test_a_bad_row_names_its_cell_and_writes_nothing(book, tmp_path, capsys):
    sheets = base_sheets()
    rows = [list(r) for r in ROWS]
    rows[1][8] = "2026-10-01"  # before its 交办日期 10-08
    rows[2][4] = "999999"
    sheets["督办事项"] = [HEADER, *rows]
    assert main(["load", str(write_sheets(tmp_path / "坏.xlsx", sheets))]) == 1
    out = capsys.readouterr().out
    assert "督办事项" in out and "办理时限 2026-10-01 早于交办日期 2026-10-08" in out
    assert "单位编码「999999」不存在" in out
    assert Task.objects.count() == 0
