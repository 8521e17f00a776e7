"""Ledger services: one history row per change, with who and why; conflicts refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.engine import builders as b
from zhaoshang.ledger.models import Project, Stage
from zhaoshang.ledger.services import (
    ProjectData,
    VersionConflict,
    do_change_stage,
    do_drop_project,
    do_record_funds,
    do_save_project,
)
from zhaoshang.org.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    R = b.unit("522600", "黔东南州")
    kl = b.unit("522601", "凯里市", R)
    lp = b.unit("522631", "黎平县", R)
    user = get_user_model().objects.create_user("r522601", first_name="填报员")
    Membership.objects.create(user=user, unit=kl, role="reporter")
    viewer = get_user_model().objects.create_user("v522601")
    Membership.objects.create(user=viewer, unit=kl, role="viewer")
    return {"R": R, "kl": kl, "lp": lp, "user": user, "viewer": viewer}


def data(unit, **kw):
    base = {"name": "示例项目", "responsible_unit": unit, "stage": Stage.NEGOTIATING}
    base.update(kw)
    return ProjectData(**base)


def test_create_with_relations_leaves_one_history_row_holding_them(tree):
    investor = b.enterprise("示例投资集团")
    project, created, _ = do_save_project(
        "KL-1",
        data(tree["kl"], cooperating_units=[tree["lp"]], investors=[investor]),
        actor=tree["user"],
        reason="新建",
    )
    assert created
    (row,) = project.history.all()
    assert row.history_type == "+"
    assert row.history_user == tree["user"]
    assert row.history_change_reason == "新建"
    assert [u.unit_id for u in row.cooperating_units.all()] == [tree["lp"].pk]
    assert [i.enterprise_id for i in row.investors.all()] == [investor.pk]


def test_update_keeps_before_and_after(tree):
    project, *_ = do_save_project("KL-2", data(tree["kl"], planned_investment=Decimal(30000)))
    do_save_project(
        "KL-2",
        data(tree["kl"], planned_investment=Decimal(32000)),
        actor=tree["user"],
        reason="调整计划投资",
        expected_version=1,
    )
    new, old = project.history.all()[:2]
    delta = new.diff_against(old)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("planned_investment", Decimal("30000.00"), Decimal("32000.00")),
    ]
    assert new.history_change_reason == "调整计划投资"
    assert Project.objects.get(code="KL-2").version == 2


def test_saving_the_same_values_writes_nothing(tree):
    project, *_ = do_save_project("KL-3", data(tree["kl"]))
    _, created, changed = do_save_project("KL-3", data(tree["kl"]))
    assert (created, changed) == (False, [])
    assert project.history.count() == 1
    assert Project.objects.get(code="KL-3").version == 1


def test_stale_version_is_refused(tree):
    do_save_project("KL-4", data(tree["kl"]))
    do_save_project("KL-4", data(tree["kl"], name="改名一次"), expected_version=1)
    with pytest.raises(VersionConflict):
        do_save_project("KL-4", data(tree["kl"], name="过期的修改"), expected_version=1)
    assert Project.objects.get(code="KL-4").name == "改名一次"


def test_stage_change_records_the_day_it_happened(tree):
    project, *_ = do_save_project("KL-5", data(tree["kl"]))
    do_change_stage(
        project,
        Stage.CONTRACTED,
        date(2026, 11, 3),
        actor=tree["user"],
        contract_amount=Decimal("8800.50"),
        evidence="合同已签",
    )
    project.refresh_from_db()
    assert (project.stage, project.contract_on, project.contract_amount) == (
        Stage.CONTRACTED,
        date(2026, 11, 3),
        Decimal("8800.50"),
    )
    event = project.stage_events.get(stage=Stage.CONTRACTED)
    assert (event.on, event.recorded_by, event.evidence) == (
        date(2026, 11, 3),
        tree["user"],
        "合同已签",
    )


def test_going_back_needs_a_reason_and_clears_later_dates(tree):
    project, *_ = do_save_project(
        "KL-6",
        data(
            tree["kl"],
            stage=Stage.CONTRACTED,
            contract_amount=Decimal(100),
            stage_dates={Stage.CONTRACTED: date(2026, 11, 1)},
        ),
    )
    with pytest.raises(ValidationError):
        do_change_stage(project, Stage.NEGOTIATING, date(2026, 11, 5), actor=tree["user"])
    do_change_stage(
        project, Stage.NEGOTIATING, date(2026, 11, 5), actor=tree["user"], reason="合同作废"
    )
    project.refresh_from_db()
    assert (project.stage, project.contract_on) == (Stage.NEGOTIATING, None)


def test_stage_dates_cannot_go_backwards(tree):
    project, *_ = do_save_project(
        "KL-7",
        data(
            tree["kl"],
            stage=Stage.SIGNED,
            stage_dates={Stage.SIGNED: date(2026, 11, 10)},
        ),
    )
    with pytest.raises(ValidationError, match="阶段日期不能倒退"):
        do_change_stage(
            project,
            Stage.CONTRACTED,
            date(2026, 11, 1),
            actor=tree["user"],
            contract_amount=Decimal(1),
        )


def test_drop_and_funds_leave_history_with_the_actor(tree):
    project, *_ = do_save_project(
        "KL-8",
        data(
            tree["kl"],
            stage=Stage.CONTRACTED,
            contract_amount=Decimal(100),
            stage_dates={Stage.CONTRACTED: date(2026, 11, 1)},
        ),
    )
    entry, created, _ = do_record_funds(
        project, date(2026, 11, 9), Decimal("12.34"), actor=tree["user"]
    )
    assert created and entry.history.get().history_user == tree["user"]
    do_drop_project(project, date(2026, 11, 20), "企业撤资", actor=tree["user"])
    latest = project.history.first()
    assert (latest.status, latest.dropped_on, latest.history_change_reason) == (
        "dropped",
        date(2026, 11, 20),
        "企业撤资",
    )


def test_out_of_scope_and_read_only_writes_are_refused_and_leave_nothing(tree):
    project, *_ = do_save_project("LP-1", data(tree["lp"]))
    with pytest.raises(Http404):
        do_save_project("LP-1", data(tree["lp"], name="越权修改"), actor=tree["user"])
    with pytest.raises(Http404):
        do_save_project("KL-9", data(tree["lp"]), actor=tree["user"])
    with pytest.raises(PermissionDenied):
        do_save_project("KL-9", data(tree["kl"]), actor=tree["viewer"])
    assert not Project.objects.filter(code="KL-9").exists()
    assert Project.objects.get(code="LP-1").name == "示例项目"
    assert project.history.count() == 1
