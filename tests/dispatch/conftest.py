"""A dispatch ledger worked out by hand: figures, follow-ups, rounds and reports.

Tree: 样州 R ─┬─ 甲县 A ── 甲镇 A1      Campaign 10-15 → 12-05, 50 % by 11-15, 100 % by 12-05.
             ├─ 乙县 B                  As of Friday 11-20: required 50 + 50 × 5/20 = 62.5 %.
             ├─ 丙开发区 C
             └─ 丁局 D (no targets)

Targets            A       B       C       R
  合同投资额(万元)  20000   20000   30000   60000
  合同项目数        4       3       4
  500强企业数       1       2
  园区项目数        2
  工业项目数                2

Projects (stage, contract day, 万元):
  pA1 A  合同 11-01  9000  investor E1 (top-500), industrial, in park P; funds 500 on 11-18
  pA2 A1 合同 11-10  3000  in park P                      → credited to A through A1
  pA3 A  线索                                             → active, not contracted
  pB1 B  合同 11-05 15000  investor E2 (top-500), industrial, key; funds 300 on 11-19
  pB2 B  合同 11-02  2000
  pB3 B  洽谈, pB4 B 洽谈
  pC1 C  合同 11-18 12000  investor E2 again
  pC2 C  签约 on 10-01, key project                      → stuck 50 days in 签约
  pD1 D  合同 11-03  1000

Follow-ups dated 11-07 … 11-20 (the 14 days up to the as-of day):
  A 8 + A1 2 = 10, B 6, C 2 (+ one on 11-06 and one on 11-21, both outside), D 0.

Rounds: Fridays 17:00 on 11-06, 11-13, 11-20 (due) and 11-27 (not yet due).
  A  on time ×3 (and early for 11-27)
  B  on time, late (11-14 09:00), on time
  C  on time, on time, missing
  D  never

Every project's history rows are dated 2026-10-01 (typed in at the start), so
"the ledger last changed" comes from stage days and funds days:
  A 11-18 (funds), B 11-19 (funds), C 11-18 (contract), D 11-03 (contract).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.engine import builders as b
from zhaoshang.dispatch.services import do_create_schedule, do_submit_report, weekly_deadlines
from zhaoshang.ledger.models import FollowUp, Project, Stage
from zhaoshang.ledger.services import ProjectData, do_add_follow_up, do_save_project

AS_OF = date(2026, 11, 20)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def plain_project(code, unit, stage, *, signed_on=None, is_key=False):
    dates = {Stage.SIGNED: signed_on} if signed_on else {}
    return do_save_project(
        code,
        ProjectData(
            name=f"项目{code}", responsible_unit=unit, stage=stage, stage_dates=dates, is_key=is_key
        ),
    )[0]


def follow_ups(unit, on, count):
    for i in range(count):
        do_add_follow_up(on=on, unit=unit, kind="洽谈", content=f"{unit.name}洽谈{on}#{i}")


@pytest.fixture
def world(db):
    R = b.unit("880000", "样州")
    A = b.unit("880001", "甲县", R, order=1)
    A1 = b.unit("880011", "甲镇", A, kind="乡镇")
    B = b.unit("880002", "乙县", R, order=2)
    C = b.unit("880003", "丙开发区", R, kind="开发区", order=3)
    D = b.unit("880004", "丁局", R, kind="州直部门", order=4)
    c = b.campaign("DISP", root=R)
    for u, value in ((R, 60000), (A, 20000), (B, 20000), (C, 30000)):
        b.target(c, u, value)
    for u, value in ((A, 4), (B, 3), (C, 4)):
        b.target(c, u, value, "contract_projects")
    b.target(c, A, 1, "top500_enterprises")
    b.target(c, B, 2, "top500_enterprises")
    b.target(c, A, 2, "park_projects")
    b.target(c, B, 2, "industrial_projects")

    E1 = b.enterprise("示例甲集团", top500=True)
    E2 = b.enterprise("示例乙集团", top500=True)
    P = b.park("甲县工业园", A)
    pA1 = b.project(A, 9000, date(2026, 11, 1), investors=[E1], industrial=True, park=P, code="pA1")
    b.funds(pA1, date(2026, 11, 18), 500)
    b.project(A1, 3000, date(2026, 11, 10), park=P, code="pA2")
    plain_project("pA3", A, Stage.LEAD)
    pB1 = b.project(B, 15000, date(2026, 11, 5), investors=[E2], industrial=True, code="pB1")
    b.funds(pB1, date(2026, 11, 19), 300)
    Project.objects.filter(pk=pB1.pk).update(is_key=True)
    b.project(B, 2000, date(2026, 11, 2), code="pB2")
    plain_project("pB3", B, Stage.NEGOTIATING)
    plain_project("pB4", B, Stage.NEGOTIATING)
    b.project(C, 12000, date(2026, 11, 18), investors=[E2], code="pC1")
    plain_project("pC2", C, Stage.SIGNED, signed_on=date(2026, 10, 1), is_key=True)
    b.project(D, 1000, date(2026, 11, 3), code="pD1")
    Project.history.update(history_date=at(10, 1))

    follow_ups(A, date(2026, 11, 7), 3)
    follow_ups(A, date(2026, 11, 20), 5)
    follow_ups(A1, date(2026, 11, 12), 2)
    follow_ups(B, date(2026, 11, 16), 6)
    follow_ups(C, date(2026, 11, 9), 2)
    follow_ups(C, date(2026, 11, 6), 1)
    follow_ups(C, date(2026, 11, 21), 1)
    assert FollowUp.objects.count() == 20

    r1, r2, r3, r4 = do_create_schedule(
        c, weekly_deadlines(date(2026, 11, 1), date(2026, 11, 30), weekday=4)
    )
    report = {"progress": "推进顺利", "problems": "要素保障不足", "plan": "继续对接"}
    for rnd in (r1, r2, r3):
        do_submit_report(rnd, A, at=at(rnd.deadline.month, rnd.deadline.day, 9), **report)
    do_submit_report(r4, A, at=at(11, 20, 16), **report)
    do_submit_report(r1, B, at=at(11, 6, 16, 59), **report)
    do_submit_report(r2, B, at=at(11, 14, 9), **report)
    do_submit_report(r3, B, at=at(11, 20, 11), **report)
    do_submit_report(r1, C, at=at(11, 5), **report)
    do_submit_report(r2, C, at=at(11, 13, 17, 0), **report)
    return {
        "R": R,
        "A": A,
        "A1": A1,
        "B": B,
        "C": C,
        "D": D,
        "campaign": c,
        "rounds": [r1, r2, r3, r4],
        "P": P,
        "E1": E1,
        "E2": E2,
    }


def money(value) -> Decimal:
    return Decimal(value)
