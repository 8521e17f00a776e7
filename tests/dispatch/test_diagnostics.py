"""The 三大三少 lines against the ledger worked out by hand in conftest.py (as of 11-20).

Required % = 50 + 50 × 5/20 = 62.5.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.dispatch.conftest import AS_OF, at, follow_ups, plain_project
from tests.engine import builders as b
from zhaoshang.dispatch.diagnostics import (
    CODES,
    EFFORT_GAP,
    FEW_CONTRACT_PROJECTS,
    FEW_PARK_INDUSTRIAL,
    FEW_TOP500,
    INFORMATION_GAP,
    TARGET_GAP,
    diagnose,
    median,
    plain,
)
from zhaoshang.dispatch.services import do_save_dispatch_settings
from zhaoshang.ledger.models import Project, Stage
from zhaoshang.ledger.services import do_record_funds

pytestmark = pytest.mark.django_db


def lines(world, code, as_of=AS_OF):
    return diagnose(world["campaign"], as_of).for_unit(code)


def test_flagged_codes_per_unit(world):
    d = diagnose(world["campaign"], AS_OF)
    assert {u.name: u.flagged_codes for u in d.units} == {
        "甲县": [FEW_CONTRACT_PROJECTS],
        # 乙县 is ahead of its own contract-project target: not flagged by the median
        "乙县": [INFORMATION_GAP, FEW_TOP500, FEW_PARK_INDUSTRIAL],
        "丙开发区": [TARGET_GAP, INFORMATION_GAP, FEW_CONTRACT_PROJECTS],
        # 丁局 has no target on the primary indicator: effort and information only
        "丁局": [EFFORT_GAP, INFORMATION_GAP],
    }
    # every ranked unit gets all six lines, in the order of domain.md
    ranked = [u for u in d.units if u.name != "丁局"]
    assert all([line.code for line in u.lines] == list(CODES) for u in ranked)
    assert [line.code for line in d.for_unit("880004").lines] == [EFFORT_GAP, INFORMATION_GAP]


def test_effort_gap_against_half_the_median(world):
    d = diagnose(world["campaign"], AS_OF)
    # in the window 11-07…11-20: A 8 + township A1 2 = 10, B 6, C 2, D 0
    counts = {u.name: u.line(EFFORT_GAP).measured["follow_ups"] for u in d.units}
    assert counts == {"甲县": 10, "乙县": 6, "丙开发区": 2, "丁局": 0}
    # median of 0, 2, 6, 10 = (2 + 6) / 2 = 4; half of it = 2
    assert d.effort_median == Decimal(4)
    assert d.window_start == date(2026, 11, 7)
    dept = d.for_unit("880004").line(EFFORT_GAP)
    assert dept.flagged
    assert dept.comparison == "0 < 4 × 0.5 = 2"
    assert dept.text == "丁局近14天跟踪记录0条，不足同级单位中位数4条的一半。"
    # exactly half the median is not below it
    zone = d.for_unit("880003").line(EFFORT_GAP)
    assert not zone.flagged
    assert zone.text == "丙开发区近14天跟踪记录2条，同级单位中位数4条。"


def test_effort_window_is_a_campaign_setting(world):
    # 7 days (11-14…11-20): A 5, B 6, C 0, D 0 → median (0 + 5)/2 = 2.5, limit 1.25
    do_save_dispatch_settings(world["campaign"], effort_window_days=7)
    d = diagnose(world["campaign"], AS_OF)
    assert d.effort_median == Decimal("2.5")
    assert [u.name for u in d.flagged(EFFORT_GAP)] == ["丙开发区", "丁局"]
    assert d.for_unit("880003").line(EFFORT_GAP).text == (
        "丙开发区近7天跟踪记录0条，不足同级单位中位数2.5条的一半。"
    )


def test_no_follow_ups_anywhere_flags_nobody(world):
    d = diagnose(world["campaign"], date(2026, 10, 20))
    assert d.effort_median == 0
    assert not d.flagged(EFFORT_GAP)
    assert d.for_unit("880001").line(EFFORT_GAP).text == (
        "甲县近14天跟踪记录0条，同级单位中位数为0条，不作比较。"
    )


def test_target_gap_is_the_red_status(world):
    zone = lines(world, "880003").line(TARGET_GAP)
    # C 12000 / 30000 = 40 %, gap 40 − 62.5 = −22.5 ≤ −10
    assert zone.flagged
    assert zone.measured["completion_pct"] == 40.0
    assert zone.measured["gap_pp"] == -22.5
    assert zone.comparison == "-22.5 ≤ -10"
    assert zone.text == "丙开发区合同投资额完成率40.00%，落后序时进度22.50个百分点，为红色。"
    county = lines(world, "880001").line(TARGET_GAP)
    assert not county.flagged
    assert county.text == "甲县合同投资额完成率60.00%，落后序时进度2.50个百分点，为黄色。"
    # 丁局 has no target on the primary indicator: no target line at all
    assert TARGET_GAP not in [line.code for line in lines(world, "880004").lines]


def test_target_gap_below_a_passed_milestone(world):
    b.target(world["campaign"], world["A"], 24500)  # 12000 / 24500 = 48.98 % on 11-16
    # required 50 + 50 × 1/20 = 52.5, gap −3.52 (yellow by the gap) but below 50 % of 11-15
    line = lines(world, "880001", date(2026, 11, 16)).line(TARGET_GAP)
    assert line.flagged
    assert line.text == "甲县合同投资额完成率48.98%，低于11月15日节点应完成的50%，为红色。"


def test_information_gap_on_time_share_and_stale_ledger(world):
    d = diagnose(world["campaign"], AS_OF)
    info = {u.name: u.line(INFORMATION_GAP) for u in d.units}
    # A: 3 of 3 on time; ledger changed 11-18 (funds) → 2 days
    assert not info["甲县"].flagged
    assert info["甲县"].measured == {
        "rounds_due": 3,
        "on_time": 3,
        "on_time_pct": 100.0,
        "last_change": "2026-11-18",
        "days_since_change": 2,
    }
    assert info["甲县"].text == "甲县应报调度3次，均按时报送，台账最近一次更新在2天前。"
    # B: the 11-13 report came on 11-14 → 2 of 3 = 66.67 % < 80 %
    assert info["乙县"].flagged
    assert info["乙县"].measured["on_time_pct"] == 66.67
    assert info["乙县"].text == (
        "乙县应报调度3次、按时报送2次（按时率66.67%，低于80%），台账最近一次更新在1天前。"
    )
    # C: reported at 17:00 sharp on 11-13 (in time), nothing for 11-20 → 2 of 3
    assert info["丙开发区"].measured["on_time"] == 2
    # D: never reported; last change its contract of 11-03 → 17 days > 7
    assert info["丁局"].text == (
        "丁局应报调度3次、按时报送0次（按时率0.00%，低于80%），台账最近一次更新在17天前，超过7天。"
    )
    assert info["丁局"].comparison == "按时率 0.00% < 80%；未更新 17 天 > 7 天"


def test_a_ledger_edit_counts_from_its_history_row(world):
    # D's project edited on 11-19: its history row makes the ledger 1 day old
    project = Project.objects.get(code="pD1")
    do_record_funds(project, date(2026, 10, 30), Decimal(1))  # a funds day before: no effect
    row = project.history.order_by("-history_id").first()
    Project.history.filter(pk=row.pk).update(history_date=at(11, 19, 15))
    line = lines(world, "880004").line(INFORMATION_GAP)
    assert line.measured["days_since_change"] == 1
    # edits after the as-of day are not seen by the 11-20 bulletin
    Project.history.filter(pk=row.pk).update(history_date=at(11, 23))
    assert lines(world, "880004").line(INFORMATION_GAP).measured["days_since_change"] == 17


def test_information_without_due_rounds_looks_at_the_ledger_only(world):
    # on 11-05 no round is due yet; A last changed 11-01 (pA1 contract) → 4 days
    line = lines(world, "880001", date(2026, 11, 5)).line(INFORMATION_GAP)
    assert line.measured["rounds_due"] == 0
    assert not line.flagged
    assert line.text == "甲县尚无到期的调度填报，台账最近一次更新在4天前。"


def test_few_contract_projects_by_target_when_there_is_one(world):
    d = diagnose(world["campaign"], AS_OF)
    # shares of 合同-or-later among active projects: A 2/3, B 2/4, C 1/2, D 1/1
    # median of 50, 50, 66.67, 100 = (50 + 66.666…) / 2 = 58.333…
    assert d.share_median == (Decimal(50) + Decimal(200) / 3) / 2
    county = d.for_unit("880001").line(FEW_CONTRACT_PROJECTS)
    # A: 2 of 4 = 50 % < 62.5 % → flagged by its target
    assert county.flagged
    assert county.comparison == "完成率 50.00% < 序时进度 62.50%"
    assert county.text == "甲县合同项目2个，完成率50.00%，低于序时进度62.50%。"
    other = d.for_unit("880002").line(FEW_CONTRACT_PROJECTS)
    # B: 2 of 3 = 66.67 % ≥ 62.5 %: on its target, so never flagged, although its
    # share 50 % is below the median 58.33 %
    assert not other.flagged
    assert other.comparison == "完成率 66.67% ≥ 序时进度 62.50%"
    assert other.text == "乙县合同项目2个，完成率66.67%，达到序时进度。"
    zone = d.for_unit("880003").line(FEW_CONTRACT_PROJECTS)
    # C: 1 of 4 = 25 % < 62.5 %
    assert zone.flagged
    assert zone.text == "丙开发区合同项目1个，完成率25.00%，低于序时进度62.50%。"


def test_few_contract_projects_by_share_without_a_target(world):
    # Two more counties with a primary target but no contract-project target:
    # 戊县 1 of 3 active at 合同 (33.33 %), 己县 1 of 1 (100 %).
    c = world["campaign"]
    E = b.unit("880005", "戊县", world["R"], order=5)
    F = b.unit("880006", "己县", world["R"], order=6)
    b.target(c, E, 10000)
    b.target(c, F, 10000)
    b.project(E, 500, date(2026, 11, 4), code="pE1")
    plain_project("pE2", E, Stage.NEGOTIATING)
    plain_project("pE3", E, Stage.LEAD)
    b.project(F, 800, date(2026, 11, 6), code="pF1")
    d = diagnose(c, AS_OF)
    # shares: A 66.67, B 50, C 50, D 100, E 33.33, F 100
    # sorted 33.33, 50, 50, 66.67, 100, 100 → median (50 + 66.666…) / 2 = 58.333…
    assert d.share_median == (Decimal(50) + Decimal(200) / 3) / 2
    low = d.for_unit("880005").line(FEW_CONTRACT_PROJECTS)
    assert low.flagged
    assert low.comparison == "合同占比 33.33% < 中位数 58.33%"
    assert low.text == (
        "戊县未下达合同项目目标，在库项目3个中合同及以后阶段1个（33.33%），低于同级单位中位数58.33%。"
    )
    high = d.for_unit("880006").line(FEW_CONTRACT_PROJECTS)
    assert not high.flagged
    assert high.text == (
        "己县未下达合同项目目标，在库项目1个中合同及以后阶段1个（100.00%），同级单位中位数58.33%。"
    )


def test_few_top500_with_and_without_target(world):
    d = diagnose(world["campaign"], AS_OF)
    # A: 1 of 1 = 100 %; B: 1 of 2 = 50 % < 62.5 %; C: no target, 1 → fine;
    # D: no target on the primary indicator → no such line
    assert [u.name for u in d.flagged(FEW_TOP500)] == ["乙县"]
    assert d.for_unit("880002").line(FEW_TOP500).text == (
        "乙县引进中国民营企业500强企业1家，完成率50.00%，低于序时进度62.50%。"
    )
    assert d.for_unit("880003").line(FEW_TOP500).text == "丙开发区引进中国民营企业500强企业1家。"


def test_few_park_and_industrial_projects(world):
    d = diagnose(world["campaign"], AS_OF)
    # A: park 2 of 2; B: industrial 1 of 2 = 50 % < 62.5 %; C, D: no targets
    assert [u.name for u in d.flagged(FEW_PARK_INDUSTRIAL)] == ["乙县"]
    assert d.for_unit("880002").line(FEW_PARK_INDUSTRIAL).text == (
        "乙县园区项目0个、工业项目1个（完成率50.00%），工业项目低于序时进度62.50%。"
    )
    assert d.for_unit("880001").line(FEW_PARK_INDUSTRIAL).text == (
        "甲县园区项目2个（完成率100.00%）、工业项目1个，达到序时进度。"
    )
    assert d.for_unit("880003").line(FEW_PARK_INDUSTRIAL).text == (
        "丙开发区园区项目0个、工业项目0个，未下达目标任务，不作判断。"
    )


def test_every_explanation_is_one_sentence(world):
    for u in diagnose(world["campaign"], AS_OF).units:
        for line in u.lines:
            assert line.text.startswith(u.name)
            assert line.text.endswith("。") and line.text.count("。") == 1


def test_drill_down_diagnoses_the_townships(world):
    d = diagnose(world["campaign"], AS_OF, world["A"])
    (township,) = d.units
    assert township.name == "甲镇"
    # the township is not a reporting unit of the prefecture: no rounds expected of it
    assert township.line(INFORMATION_GAP).measured["rounds_due"] == 0
    assert township.line(EFFORT_GAP).measured["follow_ups"] == 2


def test_query_count_is_fixed_whatever_the_tree(world, django_assert_num_queries):
    c = world["campaign"]
    # 6 of the progress engine + settings, follow-ups, rounds, submissions,
    # project history, funds, projects (active, stage days, funnel)
    with django_assert_num_queries(13):
        diagnose(c, AS_OF)
    for i in range(25):
        county = b.unit(f"8801{i:02d}", f"新县{i}", world["R"])
        b.target(c, county, 1000)
        township = b.unit(f"8802{i:02d}", f"新镇{i}", county, kind="乡镇")
        b.project(township, 100, date(2026, 11, 1) + timedelta(days=i % 10))
        follow_ups(township, date(2026, 11, 10), 1)
    with django_assert_num_queries(13):
        d = diagnose(c, AS_OF)
    assert len(d.units) == 29


def test_median_and_plain_numbers_stay_exact():
    assert median([1, 2]) == Decimal("1.5")
    assert median([]) is None
    assert median([Decimal("0.1"), Decimal("0.2"), Decimal("0.3")]) == Decimal("0.2")
    assert plain(Decimal("12.00")) == "12"
    assert plain(Decimal("10")) == "10"
    assert plain(Decimal("58.333333")) == "58.33"
