"""The forecast on hand-computed pipelines (docs/forecast.md).

Campaign T2026: 2026-10-15 … 2026-12-05, milestones 11-15 50 %, 12-05 100 %.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from tests.engine import builders as b
from zhaoshang.engine.forecast import PRIOR, StageModel, forecast, quantiles
from zhaoshang.ledger.models import Stage
from zhaoshang.ledger.services import ProjectData, do_save_project

pytestmark = pytest.mark.django_db


def signed(u, planned, signed_on, *, contract_on=None, code=None):
    stage = Stage.CONTRACTED if contract_on else Stage.SIGNED
    dates = {Stage.SIGNED: signed_on}
    if contract_on:
        dates[Stage.CONTRACTED] = contract_on
    return do_save_project(
        code,
        ProjectData(
            name=f"项目{code}",
            responsible_unit=u,
            stage=stage,
            planned_investment=Decimal(planned),
            contract_amount=Decimal(planned) if contract_on else None,
            stage_dates=dates,
        ),
        today=signed_on,
    )[0]


@pytest.fixture
def tree():
    R = b.unit("880000", "样州")
    A = b.unit("880001", "甲县", R)
    B = b.unit("880002", "乙县", R)
    c = b.campaign(root=R)
    b.target(c, R, 30000)
    b.target(c, A, 20000)
    b.target(c, B, 10000)
    b.project(A, 9000, date(2026, 11, 1))
    b.project(B, 12000, date(2026, 11, 2))
    return c, R, A, B


def test_a_unit_with_no_pipeline_and_no_contracts_ends_where_it_stands(tree):
    c, R, A, B = tree
    C = b.unit("880003", "丙县", R)
    b.target(c, C, 5000)
    f = forecast(c, date(2026, 11, 20))
    cc = next(u for u in f.children if u.code == "880003")
    assert (cc.pipeline_count, cc.arrivals) == (0, 0)
    assert (cc.end.expected, cc.end.low, cc.end.high) == (0, 0, 0)
    assert cc.end.verdict == "unlikely" and cc.end.shortfall == Decimal(5000)


def test_a_unit_without_pipeline_still_expects_contracts_at_its_pace(tree):
    c, R, A, B = tree
    f = forecast(c, date(2026, 11, 20))
    a = next(u for u in f.children if u.code == "880001")
    assert a.pipeline_count == 0
    assert a.next.on == a.end.on == date(2026, 12, 5)  # the next milestone is the end
    # Not yet recorded: L = 10-15 … 11-20 = 37 days, h = 11-20 → 12-05 = 15 days; A's one
    # contract (9000, recorded the day it was signed: lag 0) weighs (15 − 0) / 37 = 0.405405.
    assert (f.elapsed_days, a.arrivals) == (37, 1)
    assert a.unrecorded_end == Decimal("3648.64")  # 0.405405 × 9000 = 3648.645
    # Expected 9000 + 3648.64; the range: 0 or 9000 more (P10 0, P90 9000).
    assert (a.end.expected, a.end.low, a.end.high) == (
        Decimal("12648.64"),
        Decimal(9000),
        Decimal(18000),
    )
    # Needed 20000 × 100 % = 20000 > expected: unlikely, 7351.36 short.
    assert a.end.verdict == "unlikely"
    assert a.end.shortfall == Decimal("7351.36")
    # Average contract: (9000 + 12000) / 2 = 10500; 7351.36 / 10500 → 1 more project.
    assert f.average_size == Decimal("10500.00")
    assert a.end.more_projects == 1


def test_contracts_recorded_late_weigh_by_their_lag_and_split_into_sure_repeats(tree):
    c, R, A, B = tree
    # Signed 10-16, contracted 10-20 for 5000: lag 4 days. As of 10-28: L = 10-15 … 10-28
    # = 14 days.
    signed(A, 5000, date(2026, 10, 16), contract_on=date(2026, 10, 20), code="L-1")
    f = forecast(c, date(2026, 10, 28))
    a = next(u for u in f.children if u.code == "880001")
    assert (f.elapsed_days, a.arrivals, a.achieved) == (14, 1, Decimal(5000))
    # Next milestone 11-15: h = 18, weight (18 − 4) / 14 = 1 → 5000 more, for sure.
    assert a.unrecorded_next == Decimal("5000.00")
    assert (a.next.expected, a.next.low, a.next.high) == (
        Decimal("10000.00"),
        Decimal(10000),
        Decimal(10000),
    )
    # End 12-05: h = 38, weight (38 − 4) / 14 = 2.428571 → 2 sure repeats and one at
    # 0.428571: 10000 + 2142.855 = 12142.86; the range 10000 … 15000 more.
    assert a.unrecorded_end == Decimal("12142.86")
    assert a.end.expected == Decimal("17142.86")
    assert (a.end.low, a.end.high) == (Decimal(15000), Decimal(20000))
    # needed 20000 > 17142.86 → 难以完成, 2857.14 short
    assert a.end.verdict == "unlikely" and a.end.shortfall == Decimal("2857.14")


def test_the_pace_is_never_taken_from_fewer_than_14_days(tree):
    c, R, A, B = tree
    signed(A, 5000, date(2026, 10, 16), contract_on=date(2026, 10, 20), code="L-1")
    # As of 10-24 only 10 days have passed; L = 14 all the same.
    f = forecast(c, date(2026, 10, 24))
    a = next(u for u in f.children if u.code == "880001")
    assert f.elapsed_days == 14
    # Next milestone 11-15: h = 22, weight (22 − 4) / 14 = 1.285714 → 6428.57.
    assert a.unrecorded_next == Decimal("6428.57")


def test_a_unit_already_complete(tree):
    c, R, A, B = tree
    f = forecast(c, date(2026, 11, 20))
    bb = next(u for u in f.children if u.code == "880002")
    # 12000 of 10000: done, nothing short.
    assert bb.end.verdict == "done"
    assert bb.end.shortfall == 0 and bb.end.more_projects == 0
    # 12000 achieved + 12000 × 15 / 37 not yet recorded (4864.86) = 16864.86 of 10000.
    assert bb.end.expected_pct == Decimal("168.6486")


def test_a_signed_project_with_no_history_takes_the_prior(tree):
    c, R, A, B = tree
    # Signed on 10-21, as of 10-21: 0 days in stage, 45 days to the end (12-05).
    signed(A, 20000, date(2026, 10, 21), code="S-1")
    f = forecast(c, date(2026, 10, 21))
    a = next(u for u in f.children if u.code == "880001")
    (k,) = a.key_projects
    # Prior for 签约: 60 % ever contract, median 45 days → 0.6 × (1 − ½) = 0.30 by the end.
    assert PRIOR[Stage.SIGNED] == (0.60, 45)
    assert k.p_end == pytest.approx(0.30)
    # By 11-15 (25 days): 0.6 × (1 − 2^(−25/45)).
    assert k.p_next == pytest.approx(0.6 * (1 - 2 ** (-25 / 45)))
    # Nothing achieved as of 10-21 (A's contract is 11-01): expected 0.3 × 20000 = 6000;
    # outcomes 0 (70 %) or 20000 (30 %): P10 = 0, P90 = 20000.
    assert a.achieved == 0
    assert a.end.expected == Decimal("6000.00")
    assert (a.end.low, a.end.high) == (Decimal(0), Decimal(20000))
    assert a.end.verdict == "unlikely"


def test_the_ledgers_own_history_is_blended_with_the_prior(tree):
    c, R, A, B = tree
    # Ten projects signed 09-01 and contracted 10 days later (before the campaign:
    # they count for nobody, but they are the ledger's history of 签约).
    for i in range(10):
        signed(B, 1000, date(2026, 9, 1), contract_on=date(2026, 9, 11), code=f"H-{i}")
    signed(A, 20000, date(2026, 10, 21), code="S-1")
    f = forecast(c, date(2026, 10, 21))
    a = next(u for u in f.children if u.code == "880001")
    (k,) = a.key_projects
    # Measured: all 10 at risk at day 0 contracted within 45 days → 1.0;
    # prior 0.30 with weight 10: (10 × 1.0 + 10 × 0.30) / 20 = 0.65.
    assert k.p_end == pytest.approx(0.65)
    assert a.end.expected == Decimal("13000.00")


def test_the_prefecture_sums_its_childrens_pipeline(tree):
    c, R, A, B = tree
    signed(A, 20000, date(2026, 10, 21), code="S-1")
    signed(B, 10000, date(2026, 10, 21), code="S-2")
    f = forecast(c, date(2026, 10, 21))
    # 0.3 × 20000 + 0.3 × 10000 = 9000; outcomes 0 / 10000 / 20000 / 30000 with
    # probabilities .49 / .21 / .21 / .09: P10 = 0, P90 = 20000 (.49 + .21 + .21 = .91).
    assert f.unit.pipeline_count == 2
    assert f.unit.end.expected == Decimal("9000.00")
    assert (f.unit.end.low, f.unit.end.high) == (Decimal(0), Decimal(20000))


def test_quantiles_of_a_sum_exactly():
    assert quantiles([]) == (0, 0)
    # One project, p = 0.95: P10 already has it.
    assert quantiles([(0.95, Decimal(100))]) == (Decimal(100), Decimal(100))


def test_stage_model_without_history_is_the_prior():
    model = StageModel({})
    share, median = PRIOR[Stage.NEGOTIATING]
    rate = math.log(2) / median
    # 30 days in 洽谈 already, 60 more: conditional on not contracted by day 30.
    survive = 1 - share + share * math.exp(-rate * 30)
    expected = share * math.exp(-rate * 30) * (1 - math.exp(-rate * 60)) / survive
    assert model.probability(Stage.NEGOTIATING, 30, 60) == pytest.approx(expected)
    assert model.probability(Stage.NEGOTIATING, 30, 0) == 0


def test_backtest_reports_calibration_against_what_happened(tree, capsys):
    from zhaoshang.cli import main

    c, R, A, B = tree
    # A project signed 10-10 and contracted 11-10 for 20000; as of 10-15 and 10-22
    # it is in A's pipeline. A's outcome at 11-15: 9000 + 20000 = 29000.
    signed(A, 20000, date(2026, 10, 10), code="S-1")
    p = do_save_project(
        "S-1",
        ProjectData(
            name="项目S-1",
            responsible_unit=A,
            stage=Stage.CONTRACTED,
            planned_investment=Decimal(20000),
            contract_amount=Decimal(20000),
            stage_dates={Stage.SIGNED: date(2026, 10, 10), Stage.CONTRACTED: date(2026, 11, 10)},
        ),
        today=date(2026, 11, 10),
    )[0]
    assert p.contract_on == date(2026, 11, 10)
    assert (
        main(["forecast-backtest", "--campaign", "T2026", "--until", "2026-11-20", "--json"]) == 0
    )
    import json

    doc = json.loads(capsys.readouterr().out)
    # Forecast days 10-15, 10-22, …, 11-19; only the 11-15 milestone has passed by 11-20:
    # 5 days before it (10-15 … 11-12) × 2 units = 10 checks.
    assert doc["forecast_days"][:2] == ["2026-10-15", "2026-10-22"]
    assert doc["checks"] == 10
    total = doc["inside_pct"] + doc["above_pct"] + doc["below_pct"]
    assert total == pytest.approx(100)
    assert main(["forecast-backtest", "--campaign", "T2026", "--until", "2026-11-20"]) == 0
    assert "落在 10%–90% 区间内" in capsys.readouterr().out
