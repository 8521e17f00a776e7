"""The progress engine against a ledger whose figures are worked out by hand below.

Tree: 样州 R ─┬─ 甲县 A ── 甲镇 A1        Campaign 10-15 → 12-05,
             ├─ 乙县 B                    50 % by 11-15, 100 % by 12-05.
             ├─ 丙开发区 C                Targets (万元): R 60000, A/B/C 20000 each,
             └─ 丁局 D (no target)        R 8 contract projects.

Projects (contract date, 万元):
  p1  A  9000 11-01  investor E1 (top-500), industrial; funds 1000 on 11-10, 500 on 11-25
  p2  A1 3000 11-10  investor E1 again, in a park          → credited to A1, A and R
  p3  A  5000 10-01  before the window                     → never counted (funds 800 ignored)
  p4  B 15000 11-05  investor E2 (top-500), A cooperates   → B only, A gets nothing
  p5  C 12000 11-18  investor E2
  p6  C  4000 11-12  dropped 11-20                         → not counted on 11-20, counted on 11-19
  p7  B  2000 11-02  dropped 11-25                         → still counted on 11-20
  p8  B  7000 11-21  contract after 11-20                  → counted from 11-21
  p9  C  signed only (签约), no contract                   → never counted
  p10 D  1000 11-03
  p11 B  3000 12-10  after the campaign end                → never counted
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.engine import builders as b
from zhaoshang.engine.progress import UnknownUnit, compute
from zhaoshang.engine.serialize import progress_document
from zhaoshang.ledger.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    R = b.unit("880000", "样州")
    A = b.unit("880001", "甲县", R, order=1)
    A1 = b.unit("880011", "甲镇", A, kind="乡镇")
    B = b.unit("880002", "乙县", R, order=2)
    C = b.unit("880003", "丙开发区", R, kind="开发区", order=3)
    D = b.unit("880004", "丁局", R, kind="州直部门", order=4)
    c = b.campaign(root=R)
    for u, value in ((R, 60000), (A, 20000), (B, 20000), (C, 20000)):
        b.target(c, u, value)
    b.target(c, R, 8, "contract_projects")
    E1 = b.enterprise("示例甲集团", top500=True)
    E2 = b.enterprise("示例乙集团", top500=True)
    park = b.park("甲县工业园", A)
    p1 = b.project(A, 9000, date(2026, 11, 1), investors=[E1], industrial=True)
    b.funds(p1, date(2026, 11, 10), 1000)
    b.funds(p1, date(2026, 11, 25), 500)
    b.project(A1, 3000, date(2026, 11, 10), investors=[E1], park=park)
    p3 = b.project(A, 5000, date(2026, 10, 1))
    b.funds(p3, date(2026, 11, 1), 800)
    b.project(B, 15000, date(2026, 11, 5), investors=[E2], cooperating=[A])
    b.project(C, 12000, date(2026, 11, 18), investors=[E2])
    b.project(C, 4000, date(2026, 11, 12), dropped_on=date(2026, 11, 20))
    b.project(B, 2000, date(2026, 11, 2), dropped_on=date(2026, 11, 25))
    b.project(B, 7000, date(2026, 11, 21))
    b.project(C, None, None, stage=Stage.SIGNED)
    b.project(D, 1000, date(2026, 11, 3))
    b.project(B, 3000, date(2026, 12, 10))
    return {"R": R, "A": A, "A1": A1, "B": B, "C": C, "D": D, "campaign": c}


def rows(progress):
    return {r.code: r for r in progress.children}


def fig(row, indicator="contract_amount"):
    return row.indicators[indicator]


def test_root_on_20_november(ledger):
    p = compute(ledger["campaign"], date(2026, 11, 20))
    # required = 50 + (100 − 50) × 5/20 = 62.5
    assert p.required_pct == Decimal("62.5")
    # R = p1 9000 + p2 3000 + p4 15000 + p5 12000 + p7 2000 + p10 1000 = 42000 of 60000 = 70 %
    root = fig(p.unit)
    assert root.achieved == Decimal("42000")
    assert root.completion_pct == Decimal(70)
    assert root.gap_pp == Decimal("7.5")
    assert root.status == "green"
    assert p.unit.rank is None
    # six counted projects of a target of 8 = 75 %, gap 75 − 62.5 = 12.5
    projects = fig(p.unit, "contract_projects")
    assert (projects.achieved, projects.completion_pct, projects.gap_pp) == (
        6,
        Decimal(75),
        Decimal("12.5"),
    )
    # E1 and E2 once each, although E1 invested in two projects and E2 in two units
    assert fig(p.unit, "top500_enterprises").achieved == 2
    assert fig(p.unit, "top500_enterprises").status == "none"  # no target
    assert fig(p.unit, "park_projects").achieved == 1
    assert fig(p.unit, "industrial_projects").achieved == 1
    # funds: p1's 1000 of 11-10 only (the 500 arrive after 11-20, p3 is not counted)
    assert fig(p.unit, "funds_in_place").achieved == Decimal("1000")


def test_children_on_20_november(ledger):
    by_code = rows(compute(ledger["campaign"], date(2026, 11, 20)))
    A, B, C, D = (by_code[c] for c in ("880001", "880002", "880003", "880004"))
    # A = p1 9000 + township p2 3000 = 12000 / 20000 = 60 %, gap −2.5, yellow
    assert (fig(A).achieved, fig(A).completion_pct, fig(A).gap_pp) == (
        Decimal(12000),
        Decimal(60),
        Decimal("-2.5"),
    )
    assert A.status == "yellow"
    # B = p4 15000 + p7 2000 (dropped only on 11-25) = 17000 = 85 %, gap +22.5, green
    assert (fig(B).achieved, fig(B).completion_pct, fig(B).gap_pp) == (
        Decimal(17000),
        Decimal(85),
        Decimal("22.5"),
    )
    assert B.status == "green"
    # C = p5 12000 (p6 dropped on the as-of day) = 60 %, gap −2.5, yellow
    assert (fig(C).achieved, fig(C).completion_pct) == (Decimal(12000), Decimal(60))
    assert C.status == "yellow"
    # D has no target: achieved shown, no completion, not ranked
    assert fig(D).achieved == Decimal(1000)
    assert (fig(D).completion_pct, fig(D).status, D.rank) == (None, "none", None)
    # rank: B 85 % first; A and C tie at 60 % and 12000 → by code, A before C
    assert (B.rank, A.rank, C.rank) == (1, 2, 3)
    # A's subtree credit: one top-500 enterprise (E1 twice), one park project
    assert fig(A, "top500_enterprises").achieved == 1
    assert fig(A, "park_projects").achieved == 1
    assert fig(B, "top500_enterprises").achieved == 1
    assert fig(C, "top500_enterprises").achieved == 1
    # the cooperating unit A got nothing of p4: A's count is p1 and p2 only
    assert fig(A, "contract_projects").achieved == 2


def test_children_add_up_to_the_root(ledger):
    p = compute(ledger["campaign"], date(2026, 11, 20))
    for indicator in (
        "contract_amount",
        "contract_projects",
        "park_projects",
        "industrial_projects",
        "funds_in_place",
    ):
        assert (
            sum(fig(r, indicator).achieved for r in p.children) == fig(p.unit, indicator).achieved
        )


def test_dropped_on_a_later_day_still_counts_before(ledger):
    by_code = rows(compute(ledger["campaign"], date(2026, 11, 19)))
    # C on 11-19 = p5 12000 + p6 4000 = 16000 = 80 %; required 50 + 50 × 4/20 = 60 → gap 20
    C = by_code["880003"]
    assert fig(C).achieved == Decimal(16000)
    assert fig(C).gap_pp == Decimal(20)
    assert C.status == "green"


def test_after_the_end_the_window_stops_at_the_end(ledger):
    p = compute(ledger["campaign"], date(2026, 12, 20))
    B = rows(p)["880002"]
    # p4 15000 + p8 7000 (p7 dropped 11-25; p11 of 12-10 is after the end) = 22000 = 110 %
    assert fig(B).achieved == Decimal(22000)
    assert fig(B).completion_pct == Decimal(110)
    assert fig(B).gap_pp == Decimal(10)
    assert p.required_pct == Decimal(100)
    assert p.next_milestone is None


def test_before_the_start_nothing_is_required_or_counted(ledger):
    p = compute(ledger["campaign"], date(2026, 10, 10))
    assert p.required_pct == 0
    assert fig(p.unit).achieved == 0
    # 0 % done of 0 % required: on schedule
    assert fig(p.unit).gap_pp == 0
    assert fig(p.unit).status == "green"
    assert p.next_milestone.on == date(2026, 11, 15)
    assert p.next_milestone.days_left == 36


def test_red_when_gap_reaches_minus_ten(ledger):
    # 12-01: required 50 + 50 × 16/20 = 90; A 12000/20000 = 60 → gap −30, red
    A = rows(compute(ledger["campaign"], date(2026, 12, 1)))["880001"]
    assert fig(A).gap_pp == Decimal(-30)
    assert A.status == "red"


def test_red_below_a_passed_milestone_even_with_a_small_gap(ledger):
    c = ledger["campaign"]
    b.target(c, ledger["A"], 24500)  # A: 12000 / 24500 = 48.98 %
    A = rows(compute(c, date(2026, 11, 16)))["880001"]
    # required 50 + 50 × 1/20 = 52.5; gap −3.52 would be yellow, but 48.98 < 50 of 11-15
    assert fig(A).gap_pp > -10
    assert A.status == "red"
    # on 11-15 itself the milestone is not yet passed: gap 48.98 − 50 = −1.02 → yellow
    A = rows(compute(c, date(2026, 11, 15)))["880001"]
    assert A.status == "yellow"


def test_target_zero_is_not_ranked(ledger):
    c = ledger["campaign"]
    b.target(c, ledger["C"], 0)
    by_code = rows(compute(c, date(2026, 11, 20)))
    assert by_code["880003"].rank is None
    assert by_code["880003"].status == "none"
    assert (by_code["880002"].rank, by_code["880001"].rank) == (1, 2)


def test_tie_broken_by_achieved_amount(ledger):
    c = ledger["campaign"]
    b.target(c, ledger["C"], 40000)
    b.project(ledger["C"], 12000, date(2026, 11, 19))  # C: 24000 / 40000 = 60 %, like A
    by_code = rows(compute(c, date(2026, 11, 20)))
    # both 60 %; C achieved 24000 > A 12000 → C ranks before A
    assert (by_code["880003"].rank, by_code["880001"].rank) == (2, 3)


def test_drill_down_ranks_the_unit_among_its_siblings(ledger):
    p = compute(ledger["campaign"], date(2026, 11, 20), ledger["A"])
    assert p.unit.code == "880001"
    assert p.unit.rank == 2
    # the unit's own row is its whole subtree: p1 9000 at A itself + p2 3000 in A1
    assert fig(p.unit).achieved == Decimal(12000)
    assert [r.code for r in p.children] == ["880011"]
    township = p.children[0]
    assert fig(township).achieved == Decimal(3000)
    assert township.rank is None  # no target of its own


def test_unit_outside_the_campaign_is_refused(ledger):
    other = b.unit("990000", "他州")
    with pytest.raises(UnknownUnit):
        compute(ledger["campaign"], date(2026, 11, 20), other)


def test_countdown_in_calendar_and_working_days(ledger):
    p = compute(ledger["campaign"], date(2026, 11, 20))
    assert (p.next_milestone.on, p.next_milestone.days_left, p.next_milestone.workdays_left) == (
        date(2026, 12, 5),
        15,
        10,
    )


def test_amounts_are_exact_to_the_cent():
    R = b.unit("770000", "精州")
    A = b.unit("770001", "精县", R)
    c = b.campaign("CENT", root=R)
    b.target(c, A, "0.30")
    # 0.10 + 0.20 is 0.30000000000000004 in floating point; the engine must say 0.30
    b.project(A, "0.10", date(2026, 11, 1))
    b.project(A, "0.20", date(2026, 11, 2))
    for i in range(7):
        b.project(A, "1234567.89", date(2026, 11, 3 + i))
    p = compute(c, date(2026, 11, 20))
    assert fig(p.children[0]).achieved == Decimal("8641975.53")  # 7 × 1234567.89 + 0.30
    doc = progress_document(p)
    assert doc["children"][0]["indicators"]["contract_amount"]["achieved"] == "8641975.53"


def test_query_count_does_not_grow_with_the_tree(ledger, django_assert_num_queries):
    c = ledger["campaign"]
    with django_assert_num_queries(6):
        compute(c, date(2026, 11, 20))
    for i in range(30):
        u = b.unit(f"8801{i:02d}", f"新县{i}", ledger["R"])
        b.target(c, u, 1000)
        t = b.unit(f"8802{i:02d}", f"新镇{i}", u, kind="乡镇")
        b.project(t, 100, date(2026, 11, 1), investors=[b.enterprise(f"示例企业{i}", top500=True)])
    with django_assert_num_queries(6):
        p = compute(c, date(2026, 11, 20))
    assert len(p.children) == 34


def test_json_document_follows_the_contract(ledger):
    doc = progress_document(compute(ledger["campaign"], date(2026, 11, 20)))
    assert doc["required_pct"] == 62.5
    assert doc["next_milestone"] == {
        "date": "2026-12-05",
        "pct": 100.0,
        "days_left": 15,
        "workdays_left": 10,
        "workdays_estimated": False,
    }
    root = doc["unit"]
    assert root["indicators"]["contract_amount"] == {
        "target": "60000.00",
        "achieved": "42000.00",
        "completion_pct": 70.0,
        "gap_pp": 7.5,
        "status": "green",
    }
    assert root["indicators"]["contract_projects"]["target"] == "8.00"
    assert root["indicators"]["contract_projects"]["achieved"] == 6
    dept = next(r for r in doc["children"] if r["code"] == "880004")
    assert dept["rank"] is None
    assert dept["indicators"]["contract_amount"]["completion_pct"] is None


def test_only_the_tagged_investor_of_a_project_counts():
    R = b.unit("660000", "标州")
    A = b.unit("660001", "标县", R)
    c = b.campaign("TAG", root=R)
    b.target(c, A, 1, "top500_enterprises")
    tagged = b.enterprise("示例五百强集团", top500=True)
    plain = b.enterprise("示例本地公司")
    b.project(A, 500, date(2026, 11, 1), investors=[tagged, plain])
    b.project(A, 700, date(2026, 11, 2), investors=[plain])
    p = compute(c, date(2026, 11, 20))
    # two investors on the first project, only one of them tagged → 1 of a target of 1
    assert fig(p.children[0], "top500_enterprises").achieved == 1
    assert fig(p.children[0], "top500_enterprises").completion_pct == 100


def test_projects_held_by_the_root_itself_count_for_the_root(ledger):
    b.project(ledger["R"], 500, date(2026, 11, 12))
    p = compute(ledger["campaign"], date(2026, 11, 20))
    # 42000 as before + 500 held by the prefecture itself (本级) = 42500; children unchanged
    assert fig(p.unit).achieved == Decimal(42500)
    assert sum(fig(r).achieved for r in p.children) == Decimal(42000)
