"""An assessment worked out by hand.

Tree: 样州 R ─┬─ 甲县 A ── 甲镇 A1     Campaign 10-15 → 12-05; as of 12-05.
             ├─ 乙县 B
             ├─ 丙县 C
             └─ 丁局 D (no target: not assessed)

Scheme: 合同投资额 60 分 封顶比例; 合同项目数 40 分 功效系数;
        500强企业 +5 per enterprise, 上限 8; 逾期填报 −2 per round, 上限 3.

Targets           A       B       C
  合同投资额      10000   20000   5000
  合同项目数      2       4       —   (C has none: 未下达目标)

Projects (contract day, 万元):
  A  11-01 6000 (investor E1 top-500), A1 11-10 6000 (investor E2 top-500)
  B  11-05 7000 (investor E1 again: distinct per unit)
  C  11-18 1000;  D 11-03 1000

Rounds: 11-10 17:00 and 11-20 17:00 are due by 12-05; 12-10 is not.
  A on time, then late (11-21); B never; C on time twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.engine import builders as b
from zhaoshang.assessment.services import do_save_scheme_adjustment, do_save_scheme_indicator
from zhaoshang.dispatch.services import do_create_round, do_save_submission

AS_OF = date(2026, 12, 5)


def at(month, day, hour=17):
    return timezone.make_aware(datetime(2026, month, day, hour, 0))


@pytest.fixture
def world(db):
    R = b.unit("880000", "样州")
    A = b.unit("880001", "甲县", R, order=1)
    A1 = b.unit("880011", "甲镇", A, kind="乡镇")
    B = b.unit("880002", "乙县", R, order=2)
    C = b.unit("880003", "丙县", R, order=3)
    D = b.unit("880004", "丁局", R, kind="州直部门", order=4)
    c = b.campaign("KH", root=R)
    for u, amount in ((A, 10000), (B, 20000), (C, 5000)):
        b.target(c, u, amount)
    b.target(c, A, 2, "contract_projects")
    b.target(c, B, 4, "contract_projects")
    e1 = b.enterprise("一号集团", top500=True)
    e2 = b.enterprise("二号集团", top500=True)
    b.project(A, 6000, date(2026, 11, 1), investors=[e1], code="PA1")
    b.project(A1, 6000, date(2026, 11, 10), investors=[e2], code="PA2")
    b.project(B, 7000, date(2026, 11, 5), investors=[e1], code="PB1")
    b.project(C, 1000, date(2026, 11, 18), code="PC1")
    b.project(D, 1000, date(2026, 11, 3), code="PD1")
    do_save_scheme_indicator(c, "contract_amount", Decimal(60), "capped")
    do_save_scheme_indicator(c, "contract_projects", Decimal(40), "efficacy")
    do_save_scheme_adjustment(c, "top500", Decimal(5), Decimal(8))
    do_save_scheme_adjustment(c, "late_reports", Decimal(-2), Decimal(3))
    do_save_submission(c, at(11, 10), A, at(11, 10, 9), "进展", "", "")
    do_save_submission(c, at(11, 20), A, at(11, 21, 9), "进展", "", "")
    do_save_submission(c, at(11, 10), C, at(11, 9), "进展", "", "")
    do_save_submission(c, at(11, 20), C, at(11, 20, 16), "进展", "", "")
    do_create_round(c, at(12, 10))
    return {"campaign": c, "R": R, "A": A, "A1": A1, "B": B, "C": C, "D": D}
