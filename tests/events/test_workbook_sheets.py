"""Sheets 活动 / 邀约 / 签约 of the data workbook (contracts/workbook.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from zhaoshang.events.models import Event, Invitation, Signing
from zhaoshang.ledger.models import Project, Stage, StageEvent
from zhaoshang.workbook.loader import load_workbook

EVENT_HEAD = ["活动编码*", "活动名称*", "行动编码", "开始日期*", "结束日期", "地点", "主办单位编码"]
INV_HEAD = [
    "活动编码*",
    "企业名称*",
    "邀请单位编码*",
    "邀请人",
    "状态*",
    "嘉宾姓名",
    "嘉宾职务",
    "嘉宾级别",
    "随行人数",
    "抵达日期",
    "航班车次",
    "住宿酒店",
    "备注",
]
SIGN_HEAD = [
    "活动编码*",
    "项目编号*",
    "签约顺序",
    "签约金额(万元)*",
    "我方签约代表",
    "对方签约代表",
]


def write(path, sheets):
    book = xlsxwriter.Workbook(str(path))
    fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for title, rows in sheets.items():
        ws = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt)
                elif v is not None:
                    ws.write(r, c, v)
    book.close()
    return path


def conference(tmp_path, **changes):
    sheets = {
        "活动": [
            EVENT_HEAD,
            [
                "MQDH-HY",
                "2026年民营企业助推贵州发展大会",
                "MQDH2026",
                date(2026, 12, 1),
                date(2026, 12, 2),
                "贵阳国际会议中心",
                "522600",
            ],
        ],
        "邀约": [
            INV_HEAD,
            [
                "MQDH-HY",
                "华岳新能源控股集团有限公司",
                "522601",
                "王明",
                "已确认",
                "陈华岳",
                "董事长",
                "主要负责人",
                2,
                date(2026, 11, 30),
                "CA1234",
                "贵阳喜来登酒店",
                "",
            ],
            [
                "MQDH-HY",
                "黔东南苗岭农业发展有限公司",
                "522631",
                "",
                "婉拒",
                "",
                "",
                "",
                None,
                None,
                "",
                "",
                "会期冲突",
            ],
        ],
        "签约": [
            SIGN_HEAD,
            ["MQDH-HY", "KL-001", 1, "3.2亿", "副州长", "陈华岳"],
            ["MQDH-HY", "KL-003", 2, 8000, "凯里市市长", ""],
        ],
    }
    sheets.update(changes)
    return write(tmp_path / "大会.xlsx", sheets)


def test_the_conference_sheets_load_and_sign_through_the_ledger(personas, tmp_path):
    result = load_workbook(conference(tmp_path))
    assert result.errors == []
    event = Event.objects.get(code="MQDH-HY")
    assert (event.start, event.host_unit.code, event.campaign.code) == (
        date(2026, 12, 1),
        "522600",
        "MQDH2026",
    )
    declined = Invitation.objects.get(enterprise__name="黔东南苗岭农业发展有限公司")
    assert (declined.status, declined.decline_reason) == ("婉拒", "会期冲突")
    guest = Invitation.objects.get(enterprise__name="华岳新能源控股集团有限公司")
    assert (guest.guest_level, guest.companions, guest.hotel) == ("主要负责人", 2, "贵阳喜来登酒店")
    assert guest.history.first().history_change_reason == "导入 大会.xlsx"
    # KL-001 was at 合同: stage, dates and the ledger amount stay; 3.2亿 is the event's figure.
    kl1 = Project.objects.get(code="KL-001")
    assert (kl1.stage, kl1.signed_on, kl1.contract_amount) == (
        Stage.CONTRACTED,
        date(2026, 10, 25),
        Decimal("30000.00"),
    )
    assert Signing.objects.get(project=kl1).amount == Decimal("32000.00")
    # KL-003 was 洽谈: it reaches 签约 on the event's first day, with its stage event.
    kl3 = Project.objects.get(code="KL-003")
    assert (kl3.stage, kl3.signed_on) == (Stage.SIGNED, date(2026, 12, 1))
    assert StageEvent.objects.filter(project=kl3, stage=Stage.SIGNED, on=date(2026, 12, 1)).exists()


def test_loading_the_same_file_again_changes_nothing(personas, tmp_path):
    path = conference(tmp_path)
    load_workbook(path)
    before = (Invitation.history.count(), Signing.history.count(), Event.history.count())
    again = load_workbook(path)
    assert again.errors == []
    assert {k: v.as_dict() for k, v in again.counts.items()} == {
        "活动": {"created": 0, "updated": 0, "unchanged": 1},
        "邀约": {"created": 0, "updated": 0, "unchanged": 2},
        "签约": {"created": 0, "updated": 0, "unchanged": 2},
    }
    assert (Invitation.history.count(), Signing.history.count(), Event.history.count()) == before


def test_bad_rows_are_reported_at_their_cells_and_nothing_is_written(personas, tmp_path):
    path = conference(
        tmp_path,
        邀约=[
            INV_HEAD,
            ["NO-EVENT", "无此客商", "522601", "", "来了", "", "", "董事", -1, None, "", "", ""],
        ],
        签约=[SIGN_HEAD, ["MQDH-HY", "NO-SUCH", 0, "", "", ""]],
    )
    result = load_workbook(path)
    text = "\n".join(result.errors)
    assert "工作表「邀约」第2行「活动编码」：活动编码「NO-EVENT」不存在" in text
    assert "工作表「邀约」第2行「企业名称」：客商「无此客商」不存在" in text
    assert "工作表「邀约」第2行「状态」" in text and "工作表「邀约」第2行「嘉宾级别」" in text
    assert "工作表「邀约」第2行「随行人数」" in text
    assert "工作表「签约」第2行「项目编号」：项目编号「NO-SUCH」不存在" in text
    assert "工作表「签约」第2行「签约金额(万元)」" in text
    assert "工作表「签约」第2行「签约顺序」" in text
    assert not Event.objects.exists() and not Invitation.objects.exists()
    assert Project.objects.get(code="KL-003").stage == Stage.NEGOTIATING
