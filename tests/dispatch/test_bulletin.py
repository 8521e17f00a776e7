"""The bulletin document: summary in words, lists, reconciliation and the edge cases."""

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.dispatch.conftest import AS_OF
from tests.engine import builders as b
from zhaoshang.dispatch.bulletin import ADDITIVE, basis_projects, build_bulletin, money_words
from zhaoshang.dispatch.services import do_create_round
from zhaoshang.engine.progress import compute
from zhaoshang.engine.serialize import progress_document

pytestmark = pytest.mark.django_db


def rows(doc):
    return {r["name"]: r for r in doc["children"]}


def test_summary_is_written_from_the_numbers(world):
    doc = build_bulletin(world["campaign"], AS_OF)
    # R = A 12000 + B 17000 + C 12000 + D 1000 = 42000 of 60000 = 70 %, gap 70 − 62.5 = +7.5
    # contracts pA1 pA2 pB1 pB2 pC1 pD1 = 6; top-500 E1, E2 = 2; park pA1 pA2; industrial
    # pA1 pB1; funds 500 (11-18) + 300 (11-19) = 800; 12-05 is 15 days and 10 working days on
    # B 85 % first, C 40 % last; status green B, yellow A, red C, no target D
    assert doc["summary"] == (
        "截至2026年11月20日，样州合同投资额完成4.2亿元，占目标任务6亿元的70.00%，"
        "超序时进度7.50个百分点（序时进度62.50%）。"
        "签订合同项目6个，引进中国民营企业500强企业2家，园区项目2个，工业项目2个，到位资金800万元。"
        "距12月5日节点（应完成100%）还有15天、10个工作日。"
        "4个单位中，绿色（达到或超过序时进度）1个、黄色1个、红色1个，未下达目标1个。"
        "完成率排名第一的是乙县（85.00%），排名末位的是丙开发区（40.00%）。"
        "本期为首期通报。"
        "“三大三少”诊断：工作力度差距大1个单位，工作目标差距大1个单位，信息交流差距大3个单位，"
        "合同项目少2个单位，500强企业少1个单位，园区工业项目少1个单位。"
        "第3次调度（截止11月20日17:00）应报4个单位，按时报送2个、逾期报送0个、未报送2个。"
    )


def test_document_extends_the_progress_document(world):
    c = world["campaign"]
    doc = build_bulletin(c, AS_OF)
    plain = progress_document(compute(c, AS_OF))
    for key in ("campaign", "as_of", "required_pct", "next_milestone", "milestones"):
        assert doc[key] == plain[key]
    for row, plain_row in zip(doc["children"], plain["children"], strict=True):
        assert row["indicators"] == plain_row["indicators"]
        assert row["rank"] == plain_row["rank"]
    # 丁局 has no target on the primary indicator: only the effort and information lines
    assert rows(doc)["丁局"]["diagnostics"] == ["effort_gap", "information_gap"]
    assert [d["code"] for d in rows(doc)["丁局"]["diagnostic_details"]] == [
        "effort_gap",
        "information_gap",
    ]
    assert doc["unit"]["diagnostics"] == []
    detail = rows(doc)["丁局"]["diagnostic_details"][0]
    assert detail == {
        "code": "effort_gap",
        "label": "工作力度差距大",
        "flagged": True,
        "measured": {"follow_ups": 0, "days": 14, "median": 4.0, "share": 0.5},
        "comparison": "0 < 4 × 0.5 = 2",
        "text": "丁局近14天跟踪记录0条，不足同级单位中位数4条的一半。",
    }
    assert doc["bulletin"]["status"] == "draft"
    assert doc["bulletin"]["number"] is None
    # the document is plain JSON: it survives a round trip unchanged
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc


def test_units_listed_per_diagnosis(world):
    lists = {
        e["code"]: [u["name"] for u in e["units"]]
        for e in build_bulletin(world["campaign"], AS_OF)["diagnosis_lists"]
    }
    assert lists == {
        "effort_gap": ["丁局"],
        "target_gap": ["丙开发区"],
        "information_gap": ["乙县", "丙开发区", "丁局"],
        "few_contract_projects": ["甲县", "丙开发区"],
        "few_top500": ["乙县"],
        "few_park_industrial": ["乙县"],
    }


def test_first_bulletin_lists_every_contract_as_new(world):
    block = build_bulletin(world["campaign"], AS_OF)["new_contracts"]
    assert block["since"] is None
    assert block["count"] == 6
    assert block["amount"] == "42000.00"
    # largest first
    assert [p["code"] for p in block["projects"]] == ["pB1", "pC1", "pA1", "pA2", "pB2", "pD1"]
    township = next(p for p in block["projects"] if p["code"] == "pA2")
    assert (township["unit_name"], township["row_code"]) == ("甲镇", "880001")


def test_key_projects_stuck_in_their_stage(world):
    block = build_bulletin(world["campaign"], AS_OF)["stuck_key_projects"]
    # pC2 signed on 10-01: 50 days > 30; pB1 (key) contracted 11-05: 15 days
    assert block["days"] == 30
    assert [(p["code"], p["stage_label"], p["since"], p["days"]) for p in block["projects"]] == [
        ("pC2", "签约", "2026-10-01", 50)
    ]


def test_reporting_round_status(world):
    block = build_bulletin(world["campaign"], AS_OF)["rounds"]
    assert block["due"] == 3
    latest = block["latest"]
    assert latest["title"] == "第3次调度"
    assert latest["deadline"] == "2026-11-20T17:00+08:00"
    assert [u["name"] for u in latest["on_time"]] == ["甲县", "乙县"]
    assert latest["late"] == []
    assert [u["name"] for u in latest["missing"]] == ["丙开发区", "丁局"]
    assert block["next"] == {"title": "第4次调度", "deadline": "2026-11-27T17:00+08:00"}


def test_round_seen_as_it_stood_on_the_day(world):
    # as of 11-13, B had not yet sent the report it sent late on 11-14
    latest = build_bulletin(world["campaign"], date(2026, 11, 13))["rounds"]["latest"]
    assert latest["title"] == "第2次调度"
    assert [u["name"] for u in latest["missing"]] == ["乙县", "丁局"]
    latest = build_bulletin(world["campaign"], date(2026, 11, 14))["rounds"]["latest"]
    assert [u["name"] for u in latest["late"]] == ["乙县"]


def test_children_add_up_to_the_parent_to_the_cent(world):
    # a project held by the prefecture itself shows as its own line (本级)
    b.project(world["R"], "1234.56", date(2026, 11, 12), park=world["P"])
    b.project(world["B"], "0.10", date(2026, 11, 13))
    b.project(world["B"], "0.20", date(2026, 11, 14))
    b.funds(b.project(world["C"], "999.99", date(2026, 11, 15)), date(2026, 11, 16), "0.01")
    doc = build_bulletin(world["campaign"], AS_OF)
    # the prefecture's own project: R's figures minus the four children's
    assert doc["direct"] == {
        "name": "样州本级",
        "indicators": {
            "contract_amount": {"achieved": "1234.56"},
            "contract_projects": {"achieved": 1},
            "park_projects": {"achieved": 1},
            "industrial_projects": {"achieved": 0},
            "funds_in_place": {"achieved": "0.00"},
        },
    }

    def value(fig):
        return Decimal(str(fig["achieved"]))

    for indicator in ADDITIVE:
        children = sum(value(r["indicators"][indicator]) for r in doc["children"])
        direct = Decimal(str(doc["direct"]["indicators"][indicator]["achieved"]))
        assert children + direct == value(doc["unit"]["indicators"][indicator]), indicator
    # 42000 + 1234.56 + 0.10 + 0.20 + 999.99 = 44234.85, exact
    assert doc["unit"]["indicators"]["contract_amount"]["achieved"] == "44234.85"
    # the counted projects behind the figures add up too
    assert sum(Decimal(p["amount"]) for p in basis_projects(doc)) == Decimal("44234.85")


def test_no_direct_line_when_the_children_hold_everything(world):
    assert build_bulletin(world["campaign"], AS_OF)["direct"] is None


def test_curve_ends_on_the_achieved_figure(world):
    curve = build_bulletin(world["campaign"], AS_OF)["curve"]
    points = {p["date"]: p for p in curve["points"]}
    assert curve["points"][0] == {"date": "2026-10-15", "achieved": "0.00", "required": "0.00"}
    # 11-15: 50 % of 60000; 11-20: 62.5 % = 37500; 12-05: 60000
    assert points["2026-11-15"]["required"] == "30000.00"
    assert points["2026-11-20"] == {
        "date": "2026-11-20",
        "achieved": "42000.00",
        "required": "37500.00",
    }
    assert points["2026-12-05"] == {"date": "2026-12-05", "achieved": None, "required": "60000.00"}
    # contracts of 11-18 (pC1 12000) lift the curve that day
    assert points["2026-11-17"]["achieved"] == "30000.00"
    assert points["2026-11-18"]["achieved"] == "42000.00"


# ---------------------------------------------------------------- edge cases


def test_no_milestones_no_targets_still_generates(db):
    R = b.unit("770000", "空州")
    A = b.unit("770001", "空县", R)
    b.unit("770002", "闲县", R)
    c = b.campaign("EMPTY", root=R, milestones=[(date(2026, 12, 5), 100)])
    c.milestones.all().delete()
    b.project(A, 500, date(2026, 11, 1))
    doc = build_bulletin(c, AS_OF)
    assert doc["required_pct"] == 0.0
    assert doc["next_milestone"] is None
    assert "本行动未设置时间节点，序时进度按0%计算。" in doc["summary"]
    assert "空州合同投资额完成500万元（未下达目标任务，不计算完成率）。" in doc["summary"]
    assert (
        "2个单位中，绿色（达到或超过序时进度）0个、黄色0个、红色0个，未下达目标2个。"
        in doc["summary"]
    )
    assert "各单位均未下达合同投资额目标任务，不排名。" in doc["notes"]
    assert "闲县暂无计入的项目。" in doc["notes"]
    assert "截至统计日尚无到期的调度填报。" in doc["summary"]
    assert doc["curve"]["target"] is None
    assert all(p["required"] is None for p in doc["curve"]["points"])
    # the idle county: nothing at all and no target, so only the effort and
    # information lines, each still explained in words
    idle = rows(doc)["闲县"]
    assert idle["diagnostics"] == ["information_gap"]
    texts = [d["text"] for d in idle["diagnostic_details"]]
    assert texts == [
        "闲县近14天跟踪记录0条，同级单位中位数为0条，不作比较。",
        "闲县尚无到期的调度填报，台账尚无任何项目记录。",
    ]


def test_before_the_start(world):
    doc = build_bulletin(world["campaign"], date(2026, 10, 10))
    assert doc["summary"].startswith(
        "截至2026年10月10日，本行动尚未开始（2026年10月15日开始），暂无计入的项目。"
        "目前，样州合同投资额完成0万元，占目标任务6亿元的0.00%，与序时进度持平（序时进度0.00%）。"
    )
    assert "距11月15日节点（应完成50%）还有36天" in doc["summary"]
    assert doc["new_contracts"]["count"] == 0
    assert all(p["achieved"] is None for p in doc["curve"]["points"])


def test_after_the_end(world):
    doc = build_bulletin(world["campaign"], date(2026, 12, 20))
    assert doc["summary"].startswith(
        "本行动已于2026年12月5日结束，以下为结束日的完成情况。最终，样州合同投资额完成4.2亿元"
    )
    assert doc["next_milestone"] is None
    assert doc["required_pct"] == 100.0


def test_a_round_nobody_submitted(world):
    do_create_round(world["campaign"], date(2026, 11, 19), title="专题调度")
    doc = build_bulletin(world["campaign"], date(2026, 11, 19))
    assert doc["rounds"]["latest"]["title"] == "专题调度"
    assert doc["rounds"]["latest"]["expected"] == 4
    assert "专题调度（截止11月19日23:59）应报4个单位，均未报送。" in doc["summary"]
    assert "专题调度（截止11月19日23:59）各单位均未报送。" in doc["notes"]


def test_a_unit_without_children(world):
    doc = build_bulletin(world["campaign"], AS_OF, world["B"])
    assert doc["children"] == []
    assert "乙县无下级单位。" in doc["summary"]
    assert doc["direct"] is None


def test_money_words():
    assert money_words(Decimal("9000")) == "9000万元"
    assert money_words(Decimal("42000")) == "4.2亿元"
    assert money_words(Decimal("123456.78")) == "12.35亿元"
    assert money_words(Decimal("0.3")) == "0.3万元"


def test_bulletin_query_count_is_fixed(world, django_assert_num_queries):
    c = world["campaign"]
    # 13 of the diagnostics (the stage funnel included) + previous bulletin, projects
    # with a top-500 investor, counted projects, their funds, key projects, the
    # campaign's events (none here); the forecast section: the ledger's projects and
    # their stage events (two more, whatever the size); the texts of the latest round's
    # reports (进展情况 / 存在问题 / 下步计划 for the Excel 调度填报 sheet); the
    # supervised tasks of the section 督办事项 (one)
    with django_assert_num_queries(23):
        build_bulletin(c, AS_OF)
    for i in range(20):
        county = b.unit(f"8801{i:02d}", f"新县{i}", world["R"])
        b.target(c, county, 1000)
        b.project(county, 100, date(2026, 11, 2))
    with django_assert_num_queries(23):
        doc = build_bulletin(c, AS_OF)
    assert len(doc["children"]) == 24


def test_stage_funnel_counts_projects_by_the_furthest_stage_reached(world):
    # Ten projects, none dropped by 11-20: pA3 线索; pB3 pB4 洽谈; pC2 签约 (10-01);
    # pA1 pA2 pB1 pB2 pC1 pD1 合同 by 11-18. Each level counts those at it or beyond:
    # 线索 10, 洽谈 10 − 1 = 9, 签约 9 − 2 = 7, 合同 7 − 1 = 6, 开工 0, 投产 0.
    doc = build_bulletin(world["campaign"], AS_OF)
    assert [(s["label"], s["count"]) for s in doc["stages"]["levels"]] == [
        ("线索", 10),
        ("洽谈", 9),
        ("签约", 7),
        ("合同", 6),
        ("开工", 0),
        ("投产", 0),
    ]
    # pC1 was contracted on 11-18: a bulletin of 11-17 still sees it short of 合同
    # (its current stage still puts it at the 洽谈 level).
    earlier = build_bulletin(world["campaign"], date(2026, 11, 17))
    assert earlier["stages"]["levels"][3]["count"] == 5


def test_basis_carries_each_counted_projects_funds_adding_up_to_the_figure(world):
    doc = build_bulletin(world["campaign"], AS_OF)
    funds = {p["code"]: p["funds"] for p in basis_projects(doc)}
    # pA1 500 on 11-18, pB1 300 on 11-19, nothing else
    assert funds == {
        "pA1": "500.00",
        "pA2": "0.00",
        "pB1": "300.00",
        "pB2": "0.00",
        "pC1": "0.00",
        "pD1": "0.00",
    }
    total = sum(Decimal(v) for v in funds.values())
    assert str(total) == doc["unit"]["indicators"]["funds_in_place"]["achieved"] == "800.00"
    # funds after the as-of day are not in: 11-18 sees only pA1's 500
    earlier = {
        p["code"]: p["funds"]
        for p in basis_projects(build_bulletin(world["campaign"], date(2026, 11, 18)))
    }
    assert earlier["pA1"] == "500.00" and earlier["pB1"] == "0.00"


def test_new_contracts_name_every_project_and_spell_out_the_first_thirty(world):
    from zhaoshang.dispatch.bulletin import NEW_LISTED, new_contract_projects

    # 6 counted in the fixture + 34 more of 100 … 133 万元 = 40 new in the first issue
    for i in range(34):
        b.project(world["B"], 100 + i, date(2026, 11, 3), code=f"pX{i:02d}")
    doc = build_bulletin(world["campaign"], AS_OF)
    block = doc["new_contracts"]
    assert block["count"] == len(block["codes"]) == 40
    assert len(block["projects"]) == NEW_LISTED == 30
    assert [p["code"] for p in block["projects"]] == block["codes"][:30]
    full = new_contract_projects(doc)
    assert [p["code"] for p in full] == block["codes"]
    assert full[-1]["code"] == "pX00" and full[-1]["amount"] == "100.00"
    assert sum(Decimal(p["amount"]) for p in full) == Decimal(block["amount"])
    assert all(p["late_entry"] is False for p in full)
