"""Eligibility rules (认定规则) take effect in the engine, the bulletin and every count.

Without rules, the personas' figures on 2026-11-27 (tests/conftest.py):
凯里市 41000 (KL-001 30000 + KL-002 11000), 开发区 30000 (KF-001), 黎平县 9000
(LP-001, its investor 黔东南苗岭农业 comes from 贵州省), prefecture 80000.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.dispatch.bulletin import build_bulletin
from zhaoshang.engine.eligibility import hits, parse_rules, rules_of
from zhaoshang.engine.progress import compute
from zhaoshang.events.services import do_save_eligibility_rules, do_set_project_facts
from zhaoshang.ledger.models import Industry, Project

AS_OF = "2026-11-27"


def amounts(personas):
    progress = compute(personas.campaign, personas.as_of)
    rows = {r.code: r.indicators for r in progress.children}
    return {
        "root": progress.unit.indicators["contract_amount"].achieved,
        **{code: rows[code]["contract_amount"].achieved for code in ("522601", "522640", "522631")},
    }


def set_rules(personas, rules):
    do_save_eligibility_rules(personas.campaign, rules, actor=personas.user("admin"))
    personas.campaign.refresh_from_db()


def test_no_rule_leaves_the_figures_as_they_were(personas):
    assert rules_of(personas.campaign) == []
    assert amounts(personas) == {
        "root": Decimal("80000"),
        "522601": Decimal("41000"),
        "522640": Decimal("30000"),
        "522631": Decimal("9000"),
    }


def test_local_capital_only_projects_are_not_counted(personas):
    set_rules(personas, [{"kind": "local_capital", "action": "exclude"}])
    # LP-001's only investor comes from 贵州省: excluded. KL-001 (浙江省) and KL-002
    # (广东省) stay; KF-001 has no investor recorded, so nothing proves it local.
    assert amounts(personas) == {
        "root": Decimal("71000"),
        "522601": Decimal("41000"),
        "522640": Decimal("30000"),
        "522631": Decimal("0"),
    }


def test_amount_under_the_threshold_is_not_counted_and_shows_its_rule(personas):
    set_rules(personas, [{"kind": "below_threshold", "action": "exclude", "amount": "12000"}])
    # KL-002 11000 and LP-001 9000 are under 12000: 80000 − 11000 − 9000 = 60000.
    assert amounts(personas)["root"] == Decimal("60000")
    assert amounts(personas)["522601"] == Decimal("30000")
    ids = Project.objects.filter(code__in=["KL-001", "KL-002", "LP-001"]).values_list(
        "pk", flat=True
    )
    found = {
        Project.objects.get(pk=pk).code: [r.label for r in rules]
        for pk, rules in hits(personas.campaign, personas.as_of, ids).items()
    }
    assert found == {
        "KL-002": ["合同投资额低于12000万元的项目不予认定"],
        "LP-001": ["合同投资额低于12000万元的项目不予认定"],
    }


def test_government_funded_and_real_estate_projects_are_not_counted(personas):
    admin = personas.user("admin")
    do_set_project_facts(
        personas.projects["KF-001"], is_government_funded=True, earlier_phase=None, actor=admin
    )
    kl2 = personas.projects["KL-002"]
    Project.objects.filter(pk=kl2.pk).update(industry=Industry.objects.get(code="70"))
    set_rules(
        personas,
        [
            {"kind": "government_funded", "action": "exclude"},
            {"kind": "real_estate", "action": "exclude"},
        ],
    )
    # KF-001 (government) and KL-002 (70 房地产业, section K) go: 80000 − 30000 − 11000.
    assert amounts(personas) == {
        "root": Decimal("39000"),
        "522601": Decimal("30000"),
        "522640": Decimal("0"),
        "522631": Decimal("9000"),
    }
    history = personas.projects["KF-001"].history.first()
    assert history.is_government_funded is True and history.history_user == admin


def test_a_later_phase_of_a_counted_project_is_not_counted_again(personas):
    do_set_project_facts(
        personas.projects["KL-002"],
        is_government_funded=False,
        earlier_phase=personas.projects["KL-001"],
        actor=personas.user("r522601"),
    )
    set_rules(personas, [{"kind": "later_phase", "action": "exclude"}])
    # KL-002 continues KL-001 (contract 11-05): only KL-001's 30000 counts for 凯里市.
    assert amounts(personas)["522601"] == Decimal("30000")


def test_a_flag_rule_counts_the_project_and_only_marks_it(personas):
    set_rules(personas, [{"kind": "local_capital", "action": "flag"}])
    assert amounts(personas)["522631"] == Decimal("9000")
    lp = personas.projects["LP-001"]
    assert [r.label for r in hits(personas.campaign, personas.as_of, [lp.pk])[lp.pk]] == [
        "纯本地资本项目提示核查"
    ]


def test_the_bulletin_and_its_top500_agree_with_the_rules(personas):
    admin = personas.user("admin")
    # KL-001 carries 凯里市's top-500 investor; government-funded, it no longer counts.
    do_set_project_facts(
        personas.projects["KL-001"], is_government_funded=True, earlier_phase=None, actor=admin
    )
    set_rules(personas, [{"kind": "government_funded", "action": "exclude"}])
    doc = build_bulletin(personas.campaign, personas.as_of)
    kaili = next(r for r in doc["children"] if r["code"] == "522601")
    assert kaili["indicators"]["contract_amount"]["achieved"] == "11000.00"
    assert kaili["indicators"]["top500_enterprises"]["achieved"] == 0
    from zhaoshang.dispatch.bulletin import basis_projects

    codes = {p["code"] for p in basis_projects(doc)}
    assert "KL-001" not in codes and "KL-002" in codes


def test_rule_sets_are_checked_and_kept_with_history(personas):
    with pytest.raises(ValidationError, match="门槛"):
        set_rules(personas, [{"kind": "below_threshold", "amount": "-5"}])
    with pytest.raises(ValidationError, match="门类"):
        set_rules(personas, [{"kind": "real_estate", "sections": ["KK"]}])
    with pytest.raises(PermissionDenied):
        do_save_eligibility_rules(personas.campaign, [], actor=personas.user("r522601"))
    set_rules(personas, [{"kind": "real_estate"}])
    assert personas.campaign.eligibility == [
        {"kind": "real_estate", "action": "exclude", "sections": ["K"]}
    ]
    assert personas.campaign.history.first().history_change_reason == "修改认定规则"
    assert parse_rules(personas.campaign.eligibility)[0].label == "房地产项目不予认定"


def test_a_project_cannot_be_its_own_earlier_phase_nor_form_a_cycle(personas):
    admin = personas.user("admin")
    kl1, kl2 = personas.projects["KL-001"], personas.projects["KL-002"]
    with pytest.raises(ValidationError, match="本身"):
        do_set_project_facts(kl1, is_government_funded=False, earlier_phase=kl1, actor=admin)
    do_set_project_facts(kl2, is_government_funded=False, earlier_phase=kl1, actor=admin)
    kl2.refresh_from_db()
    with pytest.raises(ValidationError, match="成环"):
        do_set_project_facts(kl1, is_government_funded=False, earlier_phase=kl2, actor=admin)
