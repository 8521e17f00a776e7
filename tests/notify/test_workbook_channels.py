"""The 单位 sheet's reminder channel columns: imported, checked, the secret never shown back."""

from __future__ import annotations

import pytest

from tests.workbook.conftest import write_sheets
from zhaoshang.notify.models import ChannelSet
from zhaoshang.workbook.loader import load_workbook

pytestmark = pytest.mark.django_db

HEAD = ["单位编码*", "单位名称*", "上级单位编码", "单位类型*", "排序"]
CHANNELS = ["通知邮箱", "企业微信机器人", "钉钉机器人", "钉钉加签密钥"]
ROOT = ["990000", "测试州", None, "州", 0]


def book(tmp_path, rows, name="单位.xlsx"):
    return write_sheets(tmp_path / name, {"单位": [HEAD + CHANNELS, ROOT + [None] * 4, *rows]})


def test_channels_are_imported_and_the_secret_is_kept_but_never_shown(tmp_path):
    first = book(
        tmp_path,
        [
            [
                "990001",
                "甲县",
                "990000",
                "县市",
                1,
                "a@jia.gov.cn；b@jia.gov.cn",
                "https://qyapi.example.gov.cn/cgi-bin/webhook/send?key=K1",
                "https://oapi.example.gov.cn/robot/send?access_token=T1",
                "SECxyz-very-secret",
            ]
        ],
    )
    result = load_workbook(first)
    assert not result.errors
    channels = ChannelSet.objects.get(unit__code="990001")
    assert channels.email_list == ["a@jia.gov.cn", "b@jia.gov.cn"]
    assert channels.wecom_webhook.endswith("key=K1")
    assert channels.dingtalk_secret == "SECxyz-very-secret"
    # The history rows never keep the secret.
    assert not hasattr(channels.history.first(), "dingtalk_secret")

    # The same sheet with the secret left empty (as an export writes it) changes nothing.
    again = book(
        tmp_path,
        [
            [
                "990001",
                "甲县",
                "990000",
                "县市",
                1,
                "a@jia.gov.cn;b@jia.gov.cn",
                "https://qyapi.example.gov.cn/cgi-bin/webhook/send?key=K1",
                "https://oapi.example.gov.cn/robot/send?access_token=T1",
                None,
            ]
        ],
        "again.xlsx",
    )
    result = load_workbook(again, dry_run=True)
    assert not result.errors
    assert "SECxyz" not in result.report()
    load_workbook(again)
    channels.refresh_from_db()
    assert channels.dingtalk_secret == "SECxyz-very-secret"
    assert channels.history.count() == 1

    # A new secret shows as changed, never as its value.
    changed = book(
        tmp_path,
        [
            [
                "990001",
                "甲县",
                "990000",
                "县市",
                1,
                "a@jia.gov.cn;b@jia.gov.cn",
                "https://qyapi.example.gov.cn/cgi-bin/webhook/send?key=K1",
                "https://oapi.example.gov.cn/robot/send?access_token=T1",
                "SECnew-secret",
            ]
        ],
        "changed.xlsx",
    )
    preview = load_workbook(changed, dry_run=True)
    assert "SECnew" not in str(preview.as_dict()) and "SECxyz" not in str(preview.as_dict())
    load_workbook(changed)
    channels.refresh_from_db()
    assert channels.dingtalk_secret == "SECnew-secret"


def test_bad_addresses_are_errors_naming_the_cell(tmp_path):
    path = book(
        tmp_path,
        [["990001", "甲县", "990000", "县市", 1, "not-an-address", "ftp://x", None, None]],
    )
    result = load_workbook(path)
    assert "工作表「单位」第3行「通知邮箱」：「not-an-address」不是有效的邮箱地址" in result.errors
    assert (
        "工作表「单位」第3行「企业微信机器人」：「ftp://x」不是网址，应以 http:// 或 https:// 开头"
        in result.errors
    )
    assert not ChannelSet.objects.exists()


def test_a_sheet_without_the_channel_columns_leaves_channels_alone(tmp_path):
    load_workbook(
        book(tmp_path, [["990001", "甲县", "990000", "县市", 1, "a@jia.gov.cn", None, None, None]])
    )
    plain = write_sheets(
        tmp_path / "plain.xlsx", {"单位": [HEAD, ROOT, ["990001", "甲县改名", "990000", "县市", 1]]}
    )
    assert not load_workbook(plain).errors
    assert ChannelSet.objects.get(unit__code="990001").emails == "a@jia.gov.cn"


def test_export_writes_the_channels_but_never_the_secret(tmp_path):
    from openpyxl import load_workbook as open_book

    from zhaoshang.cli import main

    load_workbook(
        book(
            tmp_path,
            [
                [
                    "990001",
                    "甲县",
                    "990000",
                    "县市",
                    1,
                    "a@jia.gov.cn",
                    None,
                    "https://oapi.example.gov.cn/robot/send?access_token=T1",
                    "SECxyz-very-secret",
                ]
            ],
        )
    )
    out = tmp_path / "out.xlsx"
    assert main(["export", "--sheets", "单位", "-o", str(out)]) == 0
    rows = [[c.value for c in r] for r in open_book(out)["单位"].iter_rows()]
    header = [str(v).rstrip("*") for v in rows[0]]
    jia = dict(zip(header, next(r for r in rows if r[0] == "990001"), strict=False))
    assert jia["通知邮箱"] == "a@jia.gov.cn"
    assert jia["钉钉机器人"] == "https://oapi.example.gov.cn/robot/send?access_token=T1"
    assert not jia.get("钉钉加签密钥")
    assert "SECxyz" not in str(rows)
    # Loading the export back changes nothing and keeps the secret.
    result = load_workbook(out)
    assert not result.errors
    assert ChannelSet.objects.get(unit__code="990001").dingtalk_secret == "SECxyz-very-secret"
