"""The demo workbook carries the conference: its invitee list and its signing list."""

from __future__ import annotations

from datetime import date

from zhaoshang.demo.workbook import build_scenario
from zhaoshang.events.demo import EVENT_CODE


def test_the_demo_scenario_has_the_conference_sheets():
    s = build_scenario(date(2026, 11, 27), password="x")
    assert s.rows("活动")[0][:2] == [EVENT_CODE, "2026年民营企业助推贵州发展大会"]
    invitations = s.rows("邀约")
    assert 20 <= len(invitations) <= 40
    assert {r[4] for r in invitations} <= {"拟邀", "已邀", "已确认", "婉拒"}
    declined = [r for r in invitations if r[4] == "婉拒"]
    assert all(r[12] for r in declined)  # a reason for every decline
    signed = {r[1] for r in s.rows("签约")}
    stages = {p[0]: (p[12], p[17]) for p in s.rows("项目")}
    # Only projects already at 签约 or later: the ceremony leaves the ledger as it is.
    assert signed and all(stages[c][0] in ("签约", "合同", "开工", "投产") for c in signed)
    assert all(stages[c][1] != "终止" for c in signed)
    assert [r[2] for r in s.rows("签约")] == list(range(1, len(signed) + 1))
