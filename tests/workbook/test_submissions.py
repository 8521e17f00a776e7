"""The 调度填报 sheet: rounds and reports imported through the dispatch services.

The base workbook (conftest.py) has campaign T2026 organised by nobody, so its
root is 测试州 990000 with 甲县 990001, 乙县 990002 and 丙开发区 990040 below.
Its counted contracts: P-01 甲县 6000 (10-20), P-03 丙开发区 15000 (10-15).

Rows used here, all for the round of Friday 11-20 17:00 unless said:
  甲县     submitted 11-20 16:30               → on time
  乙县     submitted 11-21 09:00               → late
  丙开发区 no submission time                   → expected, missing
  甲县     round 11-27 (a bare day: 23:59:59), submitted "2026-11-27" (a bare
           day: 00:00, so on time)
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.workbook.conftest import base_sheets, model_counts
from zhaoshang.dispatch.models import ReportingRound, Submission, SubmissionState
from zhaoshang.workbook.loader import load_workbook

pytestmark = pytest.mark.django_db

HEADER = ["行动编码*", "截止时间*", "单位编码*", "提交时间", "进展情况", "存在问题", "下步计划"]


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def with_rounds(*rows) -> dict:
    sheets = base_sheets()
    sheets["调度填报"] = [HEADER, *[list(r) for r in rows]]
    return sheets


FOUR_ROWS = (
    ["T2026", "2026-11-20 17:00", "990001", "2026-11-20 16:30", "签约2个", "用地紧张", "跟进"],
    ["T2026", "2026/11/20 17:00", "990002", "2026年11月21日9时", "在谈3个", "", ""],
    ["T2026", datetime(2026, 11, 20, 17, 0), "990040", None, None, None, None],
    ["T2026", "2026-11-27", "990001", "2026-11-27", "新签1个", None, None],
)


def test_rounds_and_reports_are_imported_with_their_states_and_figures(make_book):
    result = load_workbook(make_book(with_rounds(*FOUR_ROWS)))
    assert result.errors == [], result.report()
    assert result.counts["调度填报"].as_dict() == {"created": 4, "updated": 0, "unchanged": 0}

    rounds = list(ReportingRound.objects.order_by("deadline"))
    assert [r.deadline for r in rounds] == [
        local(2026, 11, 20, 17),
        local(2026, 11, 27, 23, 59, 59),
    ]
    by_unit = {
        (s.round.deadline.day, s.unit.code): s
        for s in Submission.objects.select_related("round", "unit")
    }
    assert by_unit[(20, "990001")].state == SubmissionState.ON_TIME
    assert by_unit[(20, "990001")].submitted_at == local(2026, 11, 20, 16, 30)
    assert by_unit[(20, "990001")].problems == "用地紧张"
    assert by_unit[(20, "990002")].state == SubmissionState.LATE
    assert by_unit[(20, "990040")].state == SubmissionState.MISSING
    assert by_unit[(20, "990040")].figures == {}
    assert by_unit[(27, "990001")].submitted_at == local(2026, 11, 27, 0, 0)
    assert by_unit[(27, "990001")].state == SubmissionState.ON_TIME

    # The figures confirmed are the imported ledger on the submission day:
    # 甲县's P-01 (6000, contracted 10-20); 丙开发区 has not reported, so none.
    figures = by_unit[(20, "990001")].figures["indicators"]["contract_amount"]
    assert figures["achieved"] == "6000.00"
    assert figures["target"] == "10000.00"

    # Every write left its history row, with the reason.
    assert ReportingRound.history.filter(history_change_reason="导入调度填报").count() == 2
    assert Submission.history.filter(history_change_reason="导入调度填报").count() == 4


def test_importing_the_same_rows_again_changes_nothing(make_book):
    path = make_book(with_rounds(*FOUR_ROWS))
    assert load_workbook(path).errors == []
    histories = (ReportingRound.history.count(), Submission.history.count())
    again = load_workbook(path)
    assert again.errors == []
    assert again.counts["调度填报"].as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    assert (ReportingRound.history.count(), Submission.history.count()) == histories


def test_a_later_import_fills_in_a_missing_report(make_book):
    assert load_workbook(make_book(with_rounds(*FOUR_ROWS))).errors == []
    rows = list(FOUR_ROWS)
    rows[2] = ["T2026", "2026-11-20 17:00", "990040", "2026-11-20 17:00", "补报", None, None]
    result = load_workbook(make_book(with_rounds(*rows), name="第二次.xlsx"))
    assert result.errors == []
    assert result.counts["调度填报"].as_dict() == {"created": 0, "updated": 1, "unchanged": 3}
    late_zone = Submission.objects.get(unit__code="990040")
    # 17:00 on the dot is still in time; the figures are now there (P-03, 15000)
    assert late_zone.state == SubmissionState.ON_TIME
    assert late_zone.figures["indicators"]["contract_amount"]["achieved"] == "15000.00"


def test_bad_rows_are_reported_at_their_cells_and_nothing_is_written(make_book):
    sheets = with_rounds(
        ["NOPE", "2026-11-20 17:00", "990001", None, None, None, None],
        ["T2026", "下周五", "990001", None, None, None, None],
        ["T2026", "2026-11-20 17:00", "999999", None, None, None, None],
        ["T2026", "2026-11-20 17:00", "990000", "2026-11-20 25:00", "州本级", None, None],
        ["T2026", "2026-11-20 17:00", "990002", None, None, None, None],
        ["T2026", datetime(2026, 11, 20, 17, 0), "990002", None, None, None, None],
    )
    before = model_counts()
    result = load_workbook(make_book(sheets))
    assert model_counts() == before
    assert result.errors == [
        "工作表「调度填报」第2行「行动编码」：行动编码「NOPE」不存在（本工作簿「专项行动」表和系统中都没有）",
        "工作表「调度填报」第3行「截止时间」：「下周五」不是可识别的日期（例：2026-11-05、2026/11/5、2026年11月5日）",
        "工作表「调度填报」第4行「单位编码」：单位编码「999999」不存在（本工作簿「单位」表和系统中都没有）",
        "工作表「调度填报」第5行「单位编码」：单位「990000」不是专项行动「T2026」的报送单位（应为组织单位「990000」的下级单位）",
        "工作表「调度填报」第5行「提交时间」：「2026-11-20 25:00」的时间不是有效时刻",
        "工作表「调度填报」第7行「单位编码」：行动「T2026」截止时间 2026-11-20 17:00 单位「990002」的填报与第6行重复",
    ]


def test_texts_without_a_submission_time_are_kept_with_a_warning(make_book):
    result = load_workbook(
        make_book(with_rounds(["T2026", "2026-11-20 17:00", "990001", None, "草稿", None, None]))
    )
    assert result.errors == []
    assert result.warnings == [
        "工作表「调度填报」第2行「提交时间」：为空，按应报未报记录（所填内容一并保存）"
    ]
    row = Submission.objects.get()
    assert (row.state, row.progress) == (SubmissionState.MISSING, "草稿")


def test_a_county_reporter_fills_existing_rounds_of_its_own_unit_only(make_book):
    assert load_workbook(make_book()).errors == []
    reporter = get_user_model().objects.get(username="jia_reporter")

    # Opening a round is the office's act.
    only_rounds = {"调度填报": [HEADER, FOUR_ROWS[0]]}
    before = model_counts()
    result = load_workbook(make_book(only_rounds, name="甲县.xlsx"), actor=reporter)
    assert result.errors == [
        "工作表「调度填报」第2行：写入被拒绝：专项行动「测试行动」没有截止时间为 "
        "2026-11-20 17:00 的调度轮次，须由测试州先建立（已全部撤销）"
    ]
    assert model_counts() == before

    # Once the office has opened it, 甲县 reports for itself …
    admin = get_user_model().objects.get(username="zhou_admin")
    opened = {"调度填报": [HEADER, FOUR_ROWS[2]]}
    assert load_workbook(make_book(opened, name="州.xlsx"), actor=admin).errors == []
    result = load_workbook(make_book(only_rounds, name="甲县.xlsx"), actor=reporter)
    assert result.errors == []
    assert Submission.objects.get(unit__code="990001").submitted_by is None  # an import
    history = Submission.history.filter(unit__code="990001").latest("history_date")
    assert history.history_user == reporter

    # … but not for 乙县, and that refusal undoes the whole file.
    other = {"调度填报": [HEADER, FOUR_ROWS[1]]}
    before = model_counts()
    result = load_workbook(make_book(other, name="乙县.xlsx"), actor=reporter)
    assert result.errors == [
        "工作表「调度填报」第2行「单位编码」：单位「990002」不在本账号的管理范围内"
        "（只能导入本单位及下级单位的数据），本行不能导入"
    ]
    assert model_counts() == before


def test_dates_and_times_people_type(make_book):
    rows = [
        ["T2026", "2026年11月20日17时", "990001", "2026.11.20 9:05", "甲", None, None],
        [
            "T2026",
            "2026-11-20 17:00",
            "990002",
            "２０２６－１１－２０　１７：３０",
            "乙",
            None,
            None,
        ],
        ["T2026", 46346.708333333336, "990040", date(2026, 11, 19), "丙", None, None],
    ]
    result = load_workbook(make_book(with_rounds(*rows)))
    assert result.errors == [], result.report()
    assert ReportingRound.objects.get().deadline == local(2026, 11, 20, 17)
    got = {s.unit.code: s.submitted_at for s in Submission.objects.select_related("unit")}
    assert got == {
        "990001": local(2026, 11, 20, 9, 5),
        "990002": local(2026, 11, 20, 17, 30),
        "990040": local(2026, 11, 19, 0, 0),
    }
