"""The other files `load` takes (contracts/workbook.md): .xls, .csv in several encodings,
encrypted workbooks refused with a message, formula cells by their saved value."""

from __future__ import annotations

import json

import pytest

from tests.workbook.conftest import base_sheets, model_counts, write_sheets
from tests.workbook.files import encrypt, write_csv, write_with_formulas, write_xls
from zhaoshang.cli import main
from zhaoshang.ledger.models import Project
from zhaoshang.org.models import Unit
from zhaoshang.workbook.loader import UnusableWorkbook, load_workbook

pytestmark = pytest.mark.django_db

UNITS = [
    ["单位编码*", "单位名称*", "上级单位编码", "单位类型*", "排序"],
    ["990000", "测试州", None, "州", 0],
    ["990001", "甲县", "990000", "县市", 1],
]


def test_a_legacy_xls_workbook_loads_like_the_xlsx(tmp_path):
    result = load_workbook(write_xls(tmp_path / "台账.xls", base_sheets()))
    assert result.errors == [], result.report()
    assert result.counts["项目"].created == 3
    p3 = Project.objects.get(code="P-03")
    assert (p3.contract_amount, str(p3.started_on)) == (15000, "2026-11-01")
    assert Unit.objects.get(code="990040").parent.code == "990000"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_a_csv_file_named_after_its_sheet_in_each_encoding(tmp_path, encoding):
    result = load_workbook(write_csv(tmp_path / "单位.csv", UNITS, encoding))
    assert result.errors == [], result.report()
    assert result.counts == {"单位": result.counts["单位"]}
    assert result.counts["单位"].created == 2
    assert Unit.objects.get(code="990001").name == "甲县"


def test_a_csv_copy_name_still_names_its_sheet(tmp_path):
    result = load_workbook(write_csv(tmp_path / "单位 (1).csv", UNITS))
    assert result.errors == [] and result.counts["单位"].created == 2


def test_a_csv_with_another_name_takes_the_sheet_option(tmp_path, capsys):
    path = write_csv(tmp_path / "二〇二六年台账.csv", UNITS, "gbk")
    assert main(["load", str(path), "--json"]) == 2
    assert "二〇二六年台账" in capsys.readouterr().err
    assert main(["load", str(path), "--sheet", "单位", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["单位"]["created"] == 2


def test_a_csv_in_an_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "单位.csv"
    path.write_bytes(b"\xff\xff\xfe\x81\x30" * 20)
    with pytest.raises(UnusableWorkbook, match="文字编码无法识别"):
        load_workbook(path)


def test_an_encrypted_workbook_is_refused_with_a_message(tmp_path):
    plain = write_sheets(tmp_path / "明文.xlsx", base_sheets())
    path = encrypt(plain, tmp_path / "加密.xlsx")
    before = model_counts()
    with pytest.raises(UnusableWorkbook, match="设置了打开密码"):
        load_workbook(path)
    assert model_counts() == before


def test_a_formula_counts_by_its_saved_value(tmp_path):
    rows = [r[:] for r in UNITS]
    path = write_with_formulas(
        tmp_path / "公式.xlsx", "单位", rows, {(2, 4): ("=1+2", 3), (2, 1): ('="甲"&"县"', "甲县")}
    )
    result = load_workbook(path)
    assert result.errors == [], result.report()
    unit = Unit.objects.get(code="990001")
    assert (unit.name, unit.order) == ("甲县", 3)


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(tmp_path):
    rows = [r[:] for r in UNITS]
    path = write_with_formulas(tmp_path / "公式.xlsx", "单位", rows, {(2, 4): ("=A1+1", None)})
    before = model_counts()
    result = load_workbook(path)
    assert result.errors == [
        "工作表「单位」第3行「排序」：单元格是公式，但文件中没有保存计算结果"
        "（请在 Excel 或 WPS 中打开、保存后再导入，或改填数值）"
    ]
    assert model_counts() == before
