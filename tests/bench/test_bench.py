"""The province generator at a tiny scale, the bulk services, and `zhaoshang bench` on the result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from pypinyin import lazy_pinyin

from zhaoshang.bench.generate import GenerateRefused, generate
from zhaoshang.bench.run import run_benchmarks
from zhaoshang.campaigns.models import Campaign, Target
from zhaoshang.cli import main
from zhaoshang.ledger.bulk import (
    NewFollowUp,
    NewFunds,
    NewProject,
    bulk_add_follow_ups,
    bulk_add_funds,
    bulk_add_projects,
)
from zhaoshang.ledger.models import (
    Enterprise,
    EnterpriseTag,
    FollowUp,
    FundsEntry,
    Project,
    Stage,
    StageEvent,
)
from zhaoshang.ledger.services import do_save_enterprise
from zhaoshang.org.models import Unit
from zhaoshang.org.services import do_save_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return generate(scale=0.01, seed=7)


def test_generate_small(province):
    assert province["units"] == Unit.objects.count() > 20
    assert province["projects"] == Project.objects.count() == 1000
    assert Enterprise.objects.count() == 300
    assert FollowUp.objects.count() == 10_000
    assert FundsEntry.objects.count() > 100
    assert EnterpriseTag.objects.filter(name="中国民营企业500强").exists()
    campaign = Campaign.objects.get(code="BENCH2026")
    assert campaign.milestones.count() == 2
    # Targets for the province, every prefecture and every county and zone.
    with_targets = set(
        Target.objects.filter(campaign=campaign).values_list("unit__kind", flat=True)
    )
    assert {"其他", "州", "县市", "开发区"} <= with_targets
    # Written with history, as the services write.
    assert Project.history.count() == 1000
    assert FollowUp.history.count() == 10_000
    contracted = Project.objects.exclude(contract_on=None).count()
    assert StageEvent.objects.filter(stage=Stage.CONTRACTED).count() == contracted
    assert not Project.objects.filter(stage__gte=Stage.CONTRACTED, contract_on=None).exists()


def test_bench_figures_match(province, capsys):
    assert run_benchmarks(repeat=2) == 0
    out = capsys.readouterr().out
    assert "结果核对：OK" in out and "MISMATCH" not in out
    assert main(["bench", "--repeat", "2"]) == 0


def test_generate_refuses_a_database_with_units():
    do_save_unit("880000", name="样州", kind="州", parent=None)
    with pytest.raises(GenerateRefused):
        generate(scale=0.01, seed=1)
    assert main(["generate", "--scale", "0.01"]) == 2


def test_bench_without_campaign(capsys):
    assert run_benchmarks(repeat=1) == 2


@pytest.fixture
def county():
    root = do_save_unit("880000", name="样州", kind="州", parent=None)[0]
    return do_save_unit("880001", name="甲县", kind="县市", parent=root)[0]


def test_bulk_projects_keep_history_and_stage_events(county):
    investor = do_save_enterprise(name="示例甲有限公司")[0]
    helper = county.parent
    rows = [
        NewProject(
            code="X1",
            name="甲项目",
            responsible_unit_id=county.pk,
            stage=Stage.STARTED,
            stage_dates={
                Stage.SIGNED: date(2026, 10, 1),
                Stage.CONTRACTED: date(2026, 11, 2),
                Stage.STARTED: date(2026, 11, 20),
            },
            contract_amount=Decimal("1200.50"),
            investor_ids=[investor.pk],
            cooperating_unit_ids=[helper.pk],
        ),
        NewProject(
            code="X2",
            name="乙项目",
            responsible_unit_id=county.pk,
            stage=Stage.NEGOTIATING,
            entered_on=date(2026, 9, 9),
        ),
    ]
    assert bulk_add_projects(rows, reason="测试", batch_size=1) == 2
    x1 = Project.objects.get(code="X1")
    assert (x1.signed_on, x1.contract_on, x1.started_on) == (
        date(2026, 10, 1),
        date(2026, 11, 2),
        date(2026, 11, 20),
    )
    assert list(x1.investors.all()) == [investor]
    assert list(x1.cooperating_units.all()) == [helper]
    assert list(x1.stage_events.values_list("stage", "on")) == [
        (Stage.SIGNED, date(2026, 10, 1)),
        (Stage.CONTRACTED, date(2026, 11, 2)),
        (Stage.STARTED, date(2026, 11, 20)),
    ]
    assert list(Project.objects.get(code="X2").stage_events.values_list("stage", "on")) == [
        (Stage.NEGOTIATING, date(2026, 9, 9)),
    ]
    # The derived search keys save() would have written are there too.
    assert x1.name_pinyin and "X1" in x1.search_text.upper()
    created = x1.history.get()
    assert created.history_type == "+" and created.history_change_reason == "测试"
    # The creation history row lists the relations, as for a project saved on its own.
    investors_history = apps.get_model("ledger", "HistoricalProject_investors")
    assert investors_history.objects.filter(history=created, enterprise=investor).exists()
    assert StageEvent.history.count() == 4


def test_bulk_history_rows_copy_every_tracked_value(county, django_user_model):
    """The history the bulk path writes without model instances is the record, field by field."""
    actor = django_user_model.objects.create_user("bulk-actor")
    investor = do_save_enterprise(name="示例乙有限公司")[0]
    row = NewProject(
        code="X9",
        name="重庆长顺项目",
        responsible_unit_id=county.pk,
        stage=Stage.CONTRACTED,
        stage_dates={Stage.SIGNED: date(2026, 10, 1), Stage.CONTRACTED: date(2026, 11, 2)},
        contract_amount=Decimal("1200.50"),
        planned_investment=Decimal("3000.25"),
        investor_ids=[investor.pk],
        cooperating_unit_ids=[county.parent.pk],
    )
    bulk_add_projects([row], actor=actor, reason="导入 台账.xlsx")
    project = Project.objects.get(code="X9")
    created = project.history.get()
    tracked = [f.attname for f in Project.history.model.tracked_fields]
    assert {n: getattr(created, n) for n in tracked} == {n: getattr(project, n) for n in tracked}
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        actor,
        "导入 台账.xlsx",
    )
    assert created.contract_amount == Decimal("1200.50") and created.contract_on == date(
        2026, 11, 2
    )
    events = list(project.stage_events.order_by("stage"))
    assert [(e.stage, e.on, e.recorded_by) for e in events] == [
        (Stage.SIGNED, date(2026, 10, 1), actor),
        (Stage.CONTRACTED, date(2026, 11, 2), actor),
    ]
    for event in events:
        copy = event.history.get()
        assert (copy.stage, copy.on, copy.project_id, copy.recorded_at, copy.history_user) == (
            event.stage,
            event.on,
            event.project_id,
            event.recorded_at,
            actor,
        )
    cooperating = apps.get_model("ledger", "HistoricalProject_cooperating_units")
    assert list(cooperating.objects.filter(history=created).values_list("unit_id", flat=True)) == [
        county.parent.pk
    ]
    # The keys save() would have derived, read through the word cache (pypinyin's
    # own first reading of 长顺 is zhang; the search text holds both).
    assert "|cqcsxm|" in project.search_text and "|cqzsxm|" in project.search_text
    assert project.name_pinyin == " ".join(lazy_pinyin("重庆长顺项目"))


def test_bulk_projects_refuse_bad_rows_before_writing(county):
    rows = [
        NewProject(code="OK1", name="好项目", responsible_unit_id=county.pk, stage=Stage.LEAD),
        NewProject(
            code="BAD", name="坏项目", responsible_unit_id=county.pk, stage=Stage.CONTRACTED
        ),
    ]
    with pytest.raises(ValidationError, match="BAD"):
        bulk_add_projects(rows)
    assert not Project.objects.exists()


def test_bulk_funds_and_follow_ups(county):
    bulk_add_projects(
        [
            NewProject(
                code="F1",
                name="资金项目",
                responsible_unit_id=county.pk,
                stage=Stage.CONTRACTED,
                stage_dates={Stage.CONTRACTED: date(2026, 11, 1)},
                contract_amount=Decimal(500),
            ),
        ]
    )
    project = Project.objects.get(code="F1")
    assert bulk_add_funds([NewFunds(project.pk, date(2026, 11, 5), Decimal("100.25"))]) == 1
    assert FundsEntry.history.count() == 1
    with pytest.raises(ValidationError):
        bulk_add_funds([NewFunds(project.pk, date(2026, 11, 6), Decimal(-1))])
    rows = (
        NewFollowUp(on=date(2026, 11, d), unit_id=county.pk, kind="洽谈", project_id=project.pk)
        for d in range(1, 11)
    )
    assert bulk_add_follow_ups(rows, batch_size=3) == 10
    assert FollowUp.history.count() == 10
    with pytest.raises(ValidationError):
        bulk_add_follow_ups([NewFollowUp(on=date(2026, 11, 1), unit_id=county.pk, kind="喝茶")])
