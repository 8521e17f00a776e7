"""Funds in place entered and corrected inline; attachments with size and type limits,
served only through the scoped view; the history of both on the project page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.ledger.models import Attachment, FundsEntry

from ..web.helpers import text
from .conftest import PDF, pdf
from .helpers import everything

HX = {"HX-Request": "true"}


def test_add_funds_inline_with_amount_in_yi(client_for, personas):
    client = client_for("r522601")
    response = client.post(
        "/ledger/projects/KL-001/funds/",
        {"on": "2026/11/26", "amount": "0.5亿", "note": "二期到位"},
        headers=HX,
    )
    page = text(response.content.decode())
    assert "到位资金已记录" in page
    entry = FundsEntry.objects.get(project__code="KL-001", on=date(2026, 11, 26))
    assert (entry.amount, entry.note) == (Decimal("5000"), "二期到位")
    record = entry.history.get()
    assert (record.history_user.username, record.history_change_reason) == (
        "r522601",
        "录入到位资金",
    )
    # The page now totals both entries: 5000 + 5000 = 1 亿元.
    assert "共 2 笔，累计 1 亿元" in page
    assert re.search(r"到位资金 2026年11月26日 ： — → 5,000(?![.\d])", page)


def test_second_entry_on_the_same_day_points_to_correct(client_for, personas):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/projects/KL-001/funds/", {"on": "2026-11-20", "amount": "100"}, headers=HX
    )
    assert "这一天已有到位资金记录" in response.content.decode()
    assert everything() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "金额不能为负数"), ("五千", "不是可识别的金额"), ("5000元", "金额以万元为单位")],
)
def test_funds_amount_errors_are_chinese(client_for, amount, message):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/projects/KL-001/funds/", {"on": "2026-11-26", "amount": amount}, headers=HX
    )
    assert message in response.content.decode()
    assert everything() == before


def test_correct_and_delete_funds_with_reasons(client_for, personas):
    entry = FundsEntry.objects.get(project__code="KL-001")
    client = client_for("r522601")
    form = client.get(f"/ledger/projects/KL-001/funds/{entry.pk}/", headers=HX).content.decode()
    assert "更正 2026年11月20日 的到位资金" in text(form)
    before = everything()
    response = client.post(
        f"/ledger/projects/KL-001/funds/{entry.pk}/", {"amount": "5200"}, headers=HX
    )
    assert "这个字段是必填项" in response.content.decode()  # the reason
    assert everything() == before
    response = client.post(
        f"/ledger/projects/KL-001/funds/{entry.pk}/",
        {"amount": "5,200", "reason": "按银行回单更正"},
        headers=HX,
    )
    page = text(response.content.decode())
    assert "到位资金已更正" in page
    assert "更正 到位资金 2026年11月20日 ： 5,000 → 5,200 按银行回单更正" in page
    response = client.post(
        f"/ledger/projects/KL-001/funds/{entry.pk}/delete/", {"reason": "重复录入"}, headers=HX
    )
    page = text(response.content.decode())
    assert "到位资金记录已删除" in page and "暂无到位资金记录" in page
    assert "删除 到位资金 2026年11月20日 ： 5,200 → — 重复录入" in page
    assert not FundsEntry.objects.exists()
    assert FundsEntry.history.filter(history_type="-").get().history_user.username == "r522601"


def test_funds_entry_of_another_project_is_not_found(client_for, personas):
    entry = FundsEntry.objects.get(project__code="KL-001")
    response = client_for("r522601").get(f"/ledger/projects/KL-002/funds/{entry.pk}/")
    assert response.status_code == 404


# ------------------------------------------------------------------ attachments


def test_upload_download_and_delete_an_attachment(client_for, personas):
    client = client_for("r522601")
    response = client.post(
        "/ledger/projects/KL-001/attachments/",
        {"kind": "合同", "file": pdf("投资合同（盖章版）.pdf"), "note": "正式合同"},
        headers=HX,
    )
    page = text(response.content.decode())
    assert "附件已上传" in page and "投资合同（盖章版）.pdf" in page
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.size, attachment.content_type) == (
        "合同",
        len(PDF),
        "application/pdf",
    )
    assert (
        attachment.file.name.startswith("attachments/") and "投资合同" not in attachment.file.name
    )
    assert attachment.history.get().history_user.username == "r522601"

    download = client_for("leader").get(f"/ledger/projects/KL-001/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]
    assert (
        client_for("r522631")
        .get(f"/ledger/projects/KL-001/attachments/{attachment.pk}/")
        .status_code
        == 404
    )

    before = everything()
    response = client.post(
        f"/ledger/projects/KL-001/attachments/{attachment.pk}/delete/", {"reason": ""}, headers=HX
    )
    assert "删除附件须填写原因" in response.content.decode()
    assert everything() == before
    response = client.post(
        f"/ledger/projects/KL-001/attachments/{attachment.pk}/delete/",
        {"reason": "传错了文件"},
        headers=HX,
    )
    page = text(response.content.decode())
    assert "附件已删除" in page
    assert "删除 附件（合同） ： 投资合同（盖章版）.pdf → — 传错了文件" in page
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("脚本.html", b"<script>alert(1)</script>", "不接受 .html 文件"),
        ("假合同.pdf", b"<html><script>alert(1)</script>", "文件内容与扩展名 .pdf 不符"),
        ("空.pdf", b"", "空文件"),
        ("无扩展名", b"%PDF-1.4", "不接受"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(client_for, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = everything()
    response = client_for("r522601").post(
        "/ledger/projects/KL-001/attachments/",
        {"kind": "佐证材料", "file": SimpleUploadedFile(name, content)},
        headers=HX,
    )
    assert message in response.content.decode()
    assert everything() == before


def test_upload_over_the_size_limit_is_refused(client_for, settings):
    settings.LEDGER_UPLOAD_MAX_MB = 1
    before = everything()
    big = pdf("大文件.pdf", PDF + b"0" * (1024 * 1024))
    response = client_for("r522601").post(
        "/ledger/projects/KL-001/attachments/", {"kind": "合同", "file": big}, headers=HX
    )
    assert "超过上限 1 MB" in response.content.decode()
    assert everything() == before


def test_missing_file_on_disk_is_a_404_not_a_crash(client_for, attachment):
    attachment.file.storage.delete(attachment.file.name)
    response = client_for("admin").get(f"/ledger/projects/KL-001/attachments/{attachment.pk}/")
    assert response.status_code == 404
