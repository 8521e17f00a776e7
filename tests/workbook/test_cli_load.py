"""`zhaoshang load FILE [--dry-run] [--json]` exit statuses and output (contracts/cli.md)."""

import json

import pytest

from tests.workbook.conftest import base_sheets, model_counts, set_cell
from zhaoshang.cli import main
from zhaoshang.ledger.models import Project

pytestmark = pytest.mark.django_db


def test_valid_workbook_exits_0_with_a_chinese_report(make_book, capsys):
    assert main(["load", str(make_book())]) == 0
    out = capsys.readouterr().out
    assert "已全部写入" in out and "项目：新建 3，更新 0，未变 0" in out
    assert out.endswith("\n")
    assert Project.objects.count() == 3


def test_json_output(make_book, capsys):
    assert main(["load", str(make_book()), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True and document["dry_run"] is False
    assert document["errors"] == [] and document["warnings"] == []
    assert document["counts"]["项目"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert [p["username"] for p in document["passwords"]] == ["jia_reporter"]


def test_validation_errors_exit_1_and_write_nothing(make_book, capsys):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "合同投资额(万元)", None)
    before = model_counts()
    assert main(["load", str(make_book(sheets)), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    assert document["errors"] == [
        "工作表「项目」第2行「合同投资额(万元)」：不能为空（项目阶段为合同）"
    ]
    assert model_counts() == before


def test_dry_run_exits_0_and_writes_nothing(make_book, capsys):
    before = model_counts()
    assert main(["load", str(make_book()), "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert model_counts() == before


def test_unusable_file_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "假的.xlsx"
    path.write_text("not a workbook")
    assert main(["load", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：文件「假的.xlsx」不是 Excel 工作簿") and err.count("\n") == 1


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["load", str(tmp_path / "没有.xlsx")]) == 2
    assert "不存在" in capsys.readouterr().err
