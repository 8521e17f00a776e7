"""Import in the browser: upload → preview (nothing written) → confirm (one transaction) → result.

Personas (tests/conftest.py): r522601 reports for 凯里市 (and its town), r522631
for 黎平县, leader only reads.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from tests.workbook.conftest import model_counts, write_sheets
from tests.workbook.hostile import CASES, ERRORS, OK, REFUSED
from zhaoshang.ledger.models import Project, Stage
from zhaoshang.ledger.services import ProjectData, do_save_project

pytestmark = pytest.mark.django_db

HEADER = [
    "项目编号*",
    "项目名称*",
    "责任单位编码*",
    "项目阶段*",
    "合同投资额(万元)",
    "合同签订日期",
]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _book(tmp_path, rows, name="凯里台账.xlsx"):
    return write_sheets(tmp_path / name, {"项目": [HEADER, *rows]})


def _upload(client, path, **extra):
    with open(path, "rb") as handle:
        return client.post("/import/", {"file": handle, **extra})


def _token(response) -> str:
    return response["X-Preview-URL"].strip("/").split("/")[-1]


def _digest(response) -> str:
    return re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode()).group(1)


KAILI_ROWS = [
    ["KL-001", "新能源电池材料生产线项目（一期）", "522601", "合同", 30000, "2026-11-05"],
    ["KL-101", "凯里市新引进项目", "522601", "洽谈", None, None],
]


def test_county_upload_previews_then_confirm_writes_once_with_history(
    personas, client_for, tmp_path
):
    client = client_for("r522601")
    before = model_counts()
    response = _upload(client, _book(tmp_path, KAILI_ROWS))
    assert response.status_code == 200
    page = response.content.decode()
    assert "检查通过" in page
    # The preview lists the new row and the changed field old → new; nothing is written yet.
    assert "第3行 KL-101" in page
    assert "新能源电池材料生产线项目" in page and "新能源电池材料生产线项目（一期）" in page
    assert model_counts() == before
    token = _token(response)

    response = client.post(f"/import/{token}/confirm/", {"digest": _digest(response)})
    assert response.status_code == 302
    result = client.get(response["Location"])
    assert "已导入" in result.content.decode()
    kl1 = Project.objects.get(code="KL-001")
    assert kl1.name == "新能源电池材料生产线项目（一期）"
    assert Project.objects.get(code="KL-101").responsible_unit.code == "522601"
    reason = kl1.history.first().history_change_reason
    assert reason.startswith("网页导入 凯里台账.xlsx（r522601，批次 ")
    assert Project.objects.get(code="KL-101").history.first().history_change_reason == reason
    assert kl1.history.first().history_user == personas.user("r522601")


def test_the_same_file_twice_changes_nothing_the_second_time(personas, client_for, tmp_path):
    client = client_for("r522601")
    path = _book(tmp_path, KAILI_ROWS)
    first = _upload(client, path)
    client.post(f"/import/{_token(first)}/confirm/", {"digest": _digest(first)})
    before = model_counts()
    again = _upload(client, path)
    page = again.content.decode()
    assert "导入不会改变任何数据" in page
    assert 'id="confirm-form"' not in page
    assert model_counts() == before


def test_a_row_of_another_county_is_an_error_naming_the_row_and_nothing_is_written(
    personas, client_for, tmp_path
):
    client = client_for("r522601")
    rows = [*KAILI_ROWS, ["LP-001", "林产品精深加工项目", "522631", "合同", 9000, "2026-11-10"]]
    before = model_counts()
    response = _upload(client, _book(tmp_path, rows))
    page = response.content.decode()
    assert "工作表「项目」第4行「责任单位编码」：单位「522631」不在本账号的管理范围内" in page
    assert "未写入任何数据" in page
    # Even a forged confirm writes nothing.
    response = client.post(f"/import/{_token(response)}/confirm/", {"digest": "0" * 32})
    assert response.status_code == 400
    assert model_counts() == before
    assert Project.objects.get(code="LP-001").responsible_unit.code == "522631"


def test_moving_an_own_project_to_another_county_is_refused(personas, client_for, tmp_path):
    client = client_for("r522631")
    rows = [["KL-001", "新能源电池材料生产线项目", "522631", "合同", 30000, "2026-11-05"]]
    response = _upload(client, _book(tmp_path, rows))
    page = response.content.decode()
    assert "已有记录「KL-001」属于单位「522601」" in page


def test_the_ledger_changing_after_the_preview_shows_the_new_preview_and_writes_nothing(
    personas, client_for, tmp_path
):
    client = client_for("r522601")
    response = _upload(client, _book(tmp_path, KAILI_ROWS))
    token, digest = _token(response), _digest(response)
    # Meanwhile someone renames KL-001 on its page.
    project = Project.objects.get(code="KL-001")
    do_save_project(
        "KL-001",
        ProjectData(
            name="新能源电池材料项目",
            responsible_unit=project.responsible_unit,
            stage=Stage.CONTRACTED,
            contract_amount=Decimal("30000"),
            stage_dates={Stage.SIGNED: project.signed_on, Stage.CONTRACTED: project.contract_on},
        ),
    )
    before = model_counts()
    response = client.post(f"/import/{token}/confirm/", {"digest": digest})
    assert response.status_code == 409
    page = response.content.decode()
    assert "系统中的数据已有变化" in page and "新能源电池材料项目" in page
    assert model_counts() == before
    assert not Project.objects.filter(code="KL-101").exists()
    # Confirming the new preview writes it.
    response = client.post(f"/import/{token}/confirm/", {"digest": _digest(response)})
    assert response.status_code == 302
    assert Project.objects.filter(code="KL-101").exists()


def test_errors_download_as_the_same_workbook_with_bad_cells_marked(personas, client_for, tmp_path):
    client = client_for("r522601")
    rows = [["KL-102", "缺金额的合同项目", "522601", "合同", None, "2026-11-05"]]
    response = _upload(client, _book(tmp_path, rows))
    page = response.content.decode()
    assert "工作表「项目」第2行「合同投资额(万元)」：不能为空（项目阶段为合同）" in page
    download = client.get(f"/import/{_token(response)}/errors.xlsx")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ws = book["项目"]
    assert ws["A2"].value == "KL-102"
    assert ws["E2"].fill.fgColor.rgb.endswith("FFC7CE")  # the empty amount cell, marked
    assert ws["A2"].fill.fgColor.rgb in (None, "00000000")
    assert ws["G1"].value == "错误说明"
    assert "「合同投资额(万元)」不能为空" in ws["G2"].value


def test_another_users_upload_is_not_found_and_a_reader_cannot_import(
    personas, client_for, tmp_path
):
    response = _upload(client_for("r522601"), _book(tmp_path, KAILI_ROWS))
    token = _token(response)
    other = client_for("r522631")
    assert other.get(f"/import/{token}/").status_code == 404
    assert other.post(f"/import/{token}/confirm/", {"digest": "x"}).status_code == 404
    assert client_for("leader").get("/import/").status_code == 403


def test_template_downloads(personas, client_for):
    client = client_for("r522601")
    whole = client.get("/import/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(whole.streaming_content)))
    assert "项目" in book.sheetnames and "单位" in book.sheetnames
    one = client.get("/import/template.xlsx?sheet=项目")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(one.streaming_content)))
    assert book.sheetnames == ["说明", "项目", "示例-项目", "_lists"]
    units = [c.value for c in book["_lists"]["A"][1:] if c.value]
    assert units == ["522601", "522601101"]  # the reporter's own subtree
    assert client.get("/import/template.xlsx?sheet=台账").status_code == 404


@pytest.fixture
def corpus_client(db):
    """A superuser and the units the corpus names (no personas: 85 uploads stay quick)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from zhaoshang.org.models import UnitKind
    from zhaoshang.org.services import do_save_unit

    root, _c, _ch = do_save_unit("990000", name="测试州", kind=UnitKind.PREFECTURE, parent=None)
    for code, name in (("990001", "甲县"), ("990002", "乙县")):
        do_save_unit(code, name=name, kind=UnitKind.COUNTY, parent=root)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="x-Pass-2026"))
    return client


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_through_the_web_upload(case, corpus_client, tmp_path):
    """Every corpus file uploaded: a clear page, never a 500, nothing written."""
    path = tmp_path / case.file
    case.build(path)
    before = model_counts()
    response = _upload(corpus_client, path)
    page = response.content.decode()
    assert response.status_code in (200, 400, 413), response.status_code
    assert model_counts() == before  # the upload and preview never write
    if response.status_code == 413:
        # Refused from its Content-Length before a byte is read (web.middleware).
        assert REFUSED in case.expect and "单次上传不能超过" in page
    elif response.status_code == 400:
        assert REFUSED in case.expect, page[-500:]
        assert 'id="import-problem"' in page
        assert case.says in page
    else:
        verdict_errors = "未写入任何数据。请修改文件" in page
        assert (ERRORS if verdict_errors else OK) in case.expect
