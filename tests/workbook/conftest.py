"""Fixtures for the workbook loader tests: workbooks built in the test, row counts of every model."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from openpyxl import Workbook

# A small, valid workbook: a prefecture with two counties and a zone, one
# campaign, two enterprises, three projects. Tests copy it and change a cell.
BASE_SHEETS: dict[str, list[list]] = {
    "单位": [
        ["单位编码*", "单位名称*", "上级单位编码", "单位类型*", "排序"],
        ["990000", "测试州", None, "州", 0],
        ["990001", "甲县", "990000", "县市", 1],
        ["990002", "乙县", "990000", "县市", 2],
        ["990040", "丙开发区", "990000", "开发区", 3],
    ],
    "用户": [
        ["用户名*", "姓名", "单位编码*", "角色*", "初始密码"],
        ["jia_reporter", "甲县填报员", "990001", "填报员", None],
        ["zhou_admin", "州管理员", "990000", "管理员", "Ceshi-Mima-2026!"],
    ],
    "园区": [
        ["园区名称*", "所属单位编码*"],
        ["丙园", "990040"],
    ],
    "专项行动": [
        ["行动编码*", "行动名称*", "开始日期*", "结束日期*", "进度模式", "主指标"],
        ["T2026", "测试行动", date(2026, 10, 1), date(2026, 12, 31), "线性", "合同投资额"],
    ],
    "节点": [
        ["行动编码*", "节点日期*", "应完成比例(%)*"],
        ["T2026", "2026-11-15", 50],
        ["T2026", "2026-12-31", 100],
    ],
    "目标任务": [
        ["行动编码*", "单位编码*", "指标*", "目标值*", "责任人", "完成时限"],
        ["T2026", "990000", "合同投资额(万元)", 30000, "州长甲", "2026-12-31"],
        ["T2026", "990001", "合同投资额(万元)", 10000, "县长甲", None],
        ["T2026", "990000", "合同项目数", 3, None, None],
    ],
    "客商": [
        ["企业名称*", "统一社会信用代码", "企业性质", "来源地", "荣誉标签"],
        [
            "测试一号有限公司",
            "91110000600037341L",
            "民营",
            "省外",
            "中国民营企业500强(2025);上市公司",
        ],
        ["测试二号有限公司", None, "国有", "省内", None],
    ],
    "项目": [
        [
            "项目编号*",
            "项目名称*",
            "责任单位编码*",
            "配合单位编码",
            "责任人",
            "投资方",
            "所属行业",
            "是否工业项目",
            "所在园区",
            "是否重点项目",
            "计划总投资(万元)",
            "合同投资额(万元)",
            "项目阶段*",
            "签约日期",
            "合同签订日期",
            "开工日期",
            "投产日期",
            "状态",
            "终止日期",
            "终止原因",
            "备注",
        ],
        [
            "P-01",
            "甲县食品厂",
            "990001",
            "990002",
            "张三",
            "测试一号有限公司",
            "C",
            "是",
            None,
            "否",
            8000,
            6000,
            "合同",
            "2026-10-10",
            "2026-10-20",
            None,
            None,
            "正常",
            None,
            None,
            None,
        ],
        [
            "P-02",
            "乙县物流园",
            "990002",
            None,
            "李四",
            "测试二号有限公司",
            "G",
            "否",
            None,
            "是",
            None,
            None,
            "洽谈",
            None,
            None,
            None,
            None,
            "正常",
            None,
            None,
            "在谈",
        ],
        [
            "P-03",
            "丙园电池",
            "990040",
            None,
            "王五",
            "测试一号有限公司;测试二号有限公司",
            "38",
            "是",
            "丙园",
            "是",
            20000,
            15000,
            "开工",
            "2026-10-05",
            "2026-10-15",
            "2026-11-01",
            None,
            "正常",
            None,
            None,
            None,
        ],
    ],
    "到位资金": [
        ["项目编号*", "日期*", "金额(万元)*"],
        ["P-03", "2026-11-10", 2000],
    ],
    "跟踪记录": [
        ["日期*", "单位编码*", "类型*", "项目编号", "企业名称", "内容", "参与人"],
        ["2026-11-05", "990001", "外出招商", "P-01", "测试一号有限公司", "赴外省对接", "张三"],
    ],
}


def base_sheets() -> dict[str, list[list]]:
    """A fresh deep copy of the valid base workbook, safe to change."""
    return copy.deepcopy(BASE_SHEETS)


def set_cell(sheets: dict, sheet: str, row: int, column: str, value) -> None:
    """Set a cell by Excel row number and header (star ignored)."""
    header = [str(h).rstrip("*") for h in sheets[sheet][0]]
    sheets[sheet][row - 1][header.index(column)] = value


def write_sheets(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


@pytest.fixture
def make_book(tmp_path) -> Callable[..., Path]:
    """make_book(sheets, name="数据.xlsx") writes the sheets to an .xlsx in tmp_path."""

    def make(sheets: dict[str, list[list]] | None = None, name: str = "数据.xlsx") -> Path:
        return write_sheets(tmp_path / name, base_sheets() if sheets is None else sheets)

    return make


def model_counts() -> dict[str, int]:
    """Rows of every model of the project and of auth, history tables included."""
    counts = {}
    for label in ("org", "ledger", "campaigns", "dispatch", "notify", "auth"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model.objects.count()
    return counts


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2 at a million rounds costs 0.2 s per account; these tests do not test hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
