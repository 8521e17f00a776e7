"""The assessment's formulas against the hand-computed world of conftest.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.assessment.conftest import AS_OF
from zhaoshang.assessment.services import do_save_scheme_indicator
from zhaoshang.engine.assessment import (
    IndicatorRule,
    ItemRule,
    NoScheme,
    UnitScore,
    adjustment_points,
    compute_assessment,
    indicator_score,
    rank_by_total,
    records,
)

D = Decimal


def by_code(assessment):
    return {u.code: u for u in assessment.units}


def test_scores_and_ranking_as_computed_by_hand(world):
    result = compute_assessment(world["campaign"], AS_OF)
    units = by_code(result)
    # 丁局 has no target on the primary indicator: not assessed.
    assert [u.code for u in result.units] == ["880001", "880002", "880003"]
    A, B, C = units["880001"], units["880002"], units["880003"]

    # 合同投资额, capped at 60:
    #   A 12000 / 10000 = 1.2 → 60 × min(1.2, 1) = 60.00
    #   B  7000 / 20000 = 0.35 → 60 × 0.35 = 21.00
    #   C  1000 /  5000 = 0.2 → 60 × 0.2 = 12.00
    assert [u.items[0].score for u in (A, B, C)] == [D("60.00"), D("21.00"), D("12.00")]
    assert A.items[0].ratio == D("1.2")

    # 合同项目数, efficacy over A and B (C has no target → 0, 未下达目标):
    #   A 2/2 = 1.0, B 1/4 = 0.25; min 0.25, max 1.0
    #   A 40 × (0.6 + 0.4 × (1.0 − 0.25) / 0.75) = 40 × 1.0 = 40.00
    #   B 40 × (0.6 + 0.4 × 0) = 24.00
    assert A.items[1].score == D("40.00")
    assert B.items[1].score == D("24.00")
    assert C.items[1].score == D("0.00") and C.items[1].no_target and C.items[1].ratio is None

    # 500强企业 +5 each, cap 8: A has E1 and E2 → 10 → capped to 8; B has E1 → 5; C none.
    assert [(a.count, a.points, a.capped) for a in A.adjustments][0] == (2, D("8.00"), True)
    assert B.adjustments[0].points == D("5.00")
    assert C.adjustments[0].points == D("0.00")
    # 逾期填报 −2 each, cap 3: A late once → −2; B missing twice → −4 → −3; C none.
    assert (A.adjustments[1].count, A.adjustments[1].points) == (1, D("-2.00"))
    assert (B.adjustments[1].count, B.adjustments[1].points) == (2, D("-3.00"))
    assert C.adjustments[1].points == D("0.00")

    # Totals: A 60 + 40 + 8 − 2 = 106; B 21 + 24 + 5 − 3 = 47; C 12 + 0 + 0 + 0 = 12.
    assert [(u.code, u.total, u.rank) for u in result.units] == [
        ("880001", D("106.00"), 1),
        ("880002", D("47.00"), 2),
        ("880003", D("12.00"), 3),
    ]


def test_efficacy_when_all_units_are_equal_scores_the_weight(world):
    c = world["campaign"]
    do_save_scheme_indicator(c, "contract_projects", D(40), "efficacy")
    # Make B equal to A on 合同项目数: target 1 for B's one project → ratio 1.0 = A's.
    from tests.engine import builders as b

    b.target(c, world["B"], 1, "contract_projects")
    units = by_code(compute_assessment(c, AS_OF))
    # max = min = 1.0 → every unit with a target scores the full 40.
    assert units["880001"].items[1].score == D("40.00")
    assert units["880002"].items[1].score == D("40.00")
    assert units["880003"].items[1].score == D("0.00")


def test_ratio_is_not_capped_under_efficacy():
    rule = IndicatorRule("contract_amount", D(50), "efficacy")
    # min 0.5, max 2.0: r = 1.25 → 50 × (0.6 + 0.4 × 0.75 / 1.5) = 50 × 0.8 = 40.00
    assert indicator_score(rule, D("1.25"), D("0.5"), D("2.0")) == D("40.00")


def test_each_part_rounds_half_up_to_cents():
    rule = IndicatorRule("contract_amount", D(10), "capped")
    # 10 × 0.12345 = 1.2345 → 1.23; 10 × 0.12355 = 1.2355 → 1.24 (half-up)
    assert indicator_score(rule, D("0.12345"), None, None) == D("1.23")
    assert indicator_score(rule, D("0.12355"), None, None) == D("1.24")
    # 3 × 0.125 = 0.375 → 0.38; a negative item: 3 × −0.125 = −0.375 → −0.38
    assert adjustment_points(ItemRule("top500", D("0.125"), None), 3) == (D("0.38"), False)
    assert adjustment_points(ItemRule("late_reports", D("-0.125"), None), 3) == (D("-0.38"), False)


def test_cap_limits_the_absolute_value_of_an_item():
    # +5 × 3 = 15 → cap 10; −2 × 4 = −8 → cap 5 → −5; within the cap unchanged.
    assert adjustment_points(ItemRule("top500", D(5), D(10)), 3) == (D("10.00"), True)
    assert adjustment_points(ItemRule("late_reports", D(-2), D(5)), 4) == (D("-5.00"), True)
    assert adjustment_points(ItemRule("late_reports", D(-2), D(5)), 2) == (D("-4.00"), False)


def test_equal_totals_share_a_rank_and_are_ordered_by_code():
    units = [
        UnitScore(i, code, code, "", [], [], total=D(total))
        for i, (code, total) in enumerate([("04", "70"), ("03", "80"), ("02", "80"), ("01", "90")])
    ]
    rank_by_total(units)
    assert [(u.code, u.rank) for u in units] == [("01", 1), ("02", 2), ("03", 2), ("04", 4)]


def test_total_is_the_sum_of_rounded_parts(world):
    c = world["campaign"]
    # 合同投资额 weight 33.33 capped: B 33.33 × 0.35 = 11.6655 → 11.67;
    # 合同项目数 weight 40 efficacy: 24.00; B total 11.67 + 24 + 5 − 3 = 37.67.
    do_save_scheme_indicator(c, "contract_amount", D("33.33"), "capped")
    units = by_code(compute_assessment(c, AS_OF))
    assert units["880002"].items[0].score == D("11.67")
    assert units["880002"].total == D("37.67")


def test_before_the_second_round_only_the_first_is_due(world):
    # As of 11-15 only the 11-10 round is due: A on time, B missing, C on time.
    units = by_code(compute_assessment(world["campaign"], date(2026, 11, 15)))
    assert [units[c].adjustments[1].count for c in ("880001", "880002", "880003")] == [0, 1, 0]


def test_no_scheme_is_refused(world):
    from zhaoshang.assessment.models import SchemeAdjustment, SchemeIndicator

    SchemeIndicator.objects.all().delete()
    SchemeAdjustment.objects.all().delete()
    with pytest.raises(NoScheme):
        compute_assessment(world["campaign"], AS_OF)


def test_records_behind_every_point(world):
    result = compute_assessment(world["campaign"], AS_OF)
    found = records(result)
    A = result.unit("880001")
    a = found[A.unit_id]
    # A's counted projects include its township's (A1); enterprises distinct.
    assert [p.code for p in a.projects] == ["PA1", "PA2"]
    assert sorted(e.name for e in a.enterprises) == ["一号集团", "二号集团"]
    assert [r.name for r in a.late_rounds] == ["第2次调度"]
    b = found[result.unit("880002").unit_id]
    assert [r.name for r in b.late_rounds] == ["第1次调度", "第2次调度"]
    assert b.late_rounds[0].submitted_at is None


def test_query_count_does_not_grow_with_units(world, django_assert_max_num_queries):
    result = None
    # progress engine (8) + scheme (2) + paths (1) + rounds and submissions (2)
    with django_assert_max_num_queries(14):
        result = compute_assessment(world["campaign"], AS_OF)
    with django_assert_max_num_queries(8):
        records(result)
