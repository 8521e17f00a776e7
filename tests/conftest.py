"""Personas shared by every test module: a small 黔东南州 tree, one campaign, a
handful of projects and five people (healthchecks' alice/bob/charlie idea).

Everything is built through the services, as the pages, the workbook loader and
the demo build it, so the fixtures carry history rows like real data does.

Figures of the campaign MQDH2026 on 2026-11-27 (required 80 %: linear from
50 % on 11-15 to 100 % on 12-05, 12 of 20 days → 50 + 50 × 12/20):

    unit            target   counted contracts        achieved  completion  gap     status
    凯里市          50000    KL-001 30000 + KL-002 11000  41000   82.00 %   +2.00   green
    凯里经济开发区  40000    KF-001 30000                 30000   75.00 %   −5.00   yellow
    黎平县          30000    LP-001 9000 (LP-003 signed    9000   30.00 %  −50.00   red
                             before the start: not counted)
    州投资促进局    —        —                                0   —         —       none
    黔东南州       120000    all of the above             80000   66.67 %  −13.33   red
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from zhaoshang.campaigns.models import Campaign
from zhaoshang.campaigns.services import do_save_campaign, do_save_milestone, do_save_target
from zhaoshang.ledger.models import TOP500_TAG, Enterprise, Park, Project, Stage
from zhaoshang.ledger.services import (
    ProjectData,
    do_add_follow_up,
    do_record_funds,
    do_save_enterprise,
    do_save_park,
    do_save_project,
)
from zhaoshang.org.models import Role, Unit, UnitKind
from zhaoshang.org.services import do_save_account, do_save_person, do_save_unit

PASSWORD = "Zs-test-pass-2026"
AS_OF = date(2026, 11, 27)
CAMPAIGN = "MQDH2026"


def pytest_configure(config):
    # Tests serve static files through the finders; no collected STATIC_ROOT exists.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning:django")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at a million rounds costs 0.2 s per login on these machines.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Personas:
    """The built world: look things up by code or username."""

    units: dict[str, Unit]
    users: dict[str, object]
    campaign: Campaign
    projects: dict[str, Project]
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    parks: dict[str, Park] = field(default_factory=dict)
    as_of: date = AS_OF
    password: str = PASSWORD

    def unit(self, code: str) -> Unit:
        return self.units[code]

    def user(self, name: str):
        return self.users[name]


def _unit(code, name, kind, parent, order, official=True) -> Unit:
    unit, _created, _changed = do_save_unit(
        code,
        name=name,
        kind=kind,
        parent=parent,
        order=order,
        official_code=official,
    )
    return unit


def add_project(
    code: str,
    unit: Unit,
    name: str,
    stage: int,
    *,
    amount=None,
    signed=None,
    contract=None,
    started=None,
    dropped=None,
    **extra,
) -> Project:
    """A project written through the ledger service (also used by other test modules)."""
    dates = {Stage.SIGNED: signed, Stage.CONTRACTED: contract, Stage.STARTED: started}
    data = ProjectData(
        name=name,
        responsible_unit=unit,
        stage=stage,
        contract_amount=None if amount is None else Decimal(amount),
        stage_dates={s: d for s, d in dates.items() if d},
        dropped_on=dropped,
        drop_reason="投资方撤资" if dropped else "",
        **extra,
    )
    project, _created, _changed = do_save_project(code, data, today=AS_OF)
    return project


def build_personas() -> Personas:
    root = _unit("522600", "黔东南州", UnitKind.PREFECTURE, None, 0)
    kaili = _unit("522601", "凯里市", UnitKind.COUNTY, root, 1)
    liping = _unit("522631", "黎平县", UnitKind.COUNTY, root, 11)
    zone = _unit("522640", "凯里经济开发区", UnitKind.ZONE, root, 20, official=False)
    bureau = _unit("522600-TC", "州投资促进局", UnitKind.DEPARTMENT, root, 90)
    town = _unit("522601101", "三棵树镇", UnitKind.TOWNSHIP, kaili, 1)
    units = {u.code: u for u in (root, kaili, liping, zone, bureau, town)}

    campaign, _c, _ch = do_save_campaign(
        CAMPAIGN,
        name="2026年民营企业发展大会招商签约专项行动",
        start=date(2026, 10, 20),
        end=date(2026, 12, 5),
        mode="linear",
        primary_indicator="contract_amount",
        unit=root,
    )
    do_save_milestone(campaign, date(2026, 11, 15), Decimal("50"))
    do_save_milestone(campaign, date(2026, 12, 5), Decimal("100"))
    for unit, amount, count in (
        (root, "120000", "9"),
        (kaili, "50000", "4"),
        (liping, "30000", "3"),
        (zone, "40000", "2"),
    ):
        do_save_target(campaign, unit, "contract_amount", Decimal(amount))
        do_save_target(campaign, unit, "contract_projects", Decimal(count))
    do_save_target(campaign, kaili, "top500_enterprises", Decimal("1"))

    top500, _c, _ch = do_save_enterprise(
        name="华岳新能源控股集团有限公司",
        uscc="91110000600037341L",
        ownership="民营",
        origin="浙江省",
        tags=[(TOP500_TAG, 2025)],
        owner_unit=kaili,
    )
    local, _c, _ch = do_save_enterprise(
        name="黔东南苗岭农业发展有限公司",
        ownership="民营",
        origin="贵州省",
        owner_unit=liping,
    )
    tourism, _c, _ch = do_save_enterprise(
        name="广州云上文旅投资有限公司",
        ownership="民营",
        origin="广东省",
        owner_unit=kaili,
    )
    kaili_park, _c, _ch = do_save_park(name="凯里市产业园", unit=kaili)
    liping_park, _c, _ch = do_save_park(name="黎平县工业园区", unit=liping)
    wang = do_save_person(kaili, "王明", title="市投资促进局局长", phone="0855-8000001")

    projects = {}
    for p in (
        add_project(
            "KL-001",
            kaili,
            "新能源电池材料生产线项目",
            Stage.CONTRACTED,
            amount="30000",
            signed=date(2026, 10, 25),
            contract=date(2026, 11, 5),
            investors=[top500],
            park=kaili_park,
            is_industrial=True,
            person=wang,
            is_key=True,
            planned_investment=Decimal("50000"),
        ),
        add_project(
            "KL-002",
            kaili,
            "苗侗文旅康养综合体项目",
            Stage.STARTED,
            amount="11000",
            signed=date(2026, 11, 10),
            contract=date(2026, 11, 20),
            started=date(2026, 11, 25),
            investors=[tourism],
            cooperating_units=[bureau],
        ),
        add_project("KL-003", town, "特色农产品精深加工项目", Stage.NEGOTIATING),
        add_project(
            "LP-001",
            liping,
            "林产品精深加工项目",
            Stage.CONTRACTED,
            amount="9000",
            contract=date(2026, 11, 10),
            investors=[local],
            park=liping_park,
            is_industrial=True,
        ),
        add_project(
            "LP-002",
            liping,
            "侗乡文化旅游项目",
            Stage.SIGNED,
            signed=date(2026, 11, 18),
            planned_investment=Decimal("20000"),
        ),
        add_project(
            "LP-003",
            liping,
            "竹木制品加工项目",
            Stage.CONTRACTED,
            amount="5000",
            contract=date(2026, 9, 30),
        ),
        add_project(
            "KF-001",
            zone,
            "智能制造产业园项目",
            Stage.CONTRACTED,
            amount="30000",
            contract=date(2026, 11, 12),
            is_industrial=True,
        ),
        add_project("TC-001", bureau, "全州招商推介中心项目", Stage.NEGOTIATING),
    ):
        projects[p.code] = p
    do_record_funds(projects["KL-001"], date(2026, 11, 20), Decimal("5000"), note="首期到位")
    do_add_follow_up(
        on=date(2026, 11, 26),
        unit=kaili,
        kind="洽谈",
        project=projects["KL-002"],
        content="与投资方商定二期用地",
        participants="王明",
    )

    users = {}
    for username, full_name, unit, role in (
        ("admin", "州招商办管理员", root, Role.ADMIN),
        ("leader", "州领导", root, Role.LEADER),
        ("r522601", "凯里市填报员", kaili, Role.REPORTER),
        ("r522631", "黎平县填报员", liping, Role.REPORTER),
    ):
        user, _created, _generated = do_save_account(
            username,
            full_name=full_name,
            unit=unit,
            role=role,
            password=PASSWORD,
            must_change=False,
        )
        users[username] = user
    # No membership: may sign in, sees nothing.
    users["outsider"] = get_user_model().objects.create_user(
        "outsider",
        password=PASSWORD,
        first_name="未分配人员",
    )
    return Personas(
        units=units,
        users=users,
        campaign=campaign,
        projects=projects,
        enterprises={e.name: e for e in (top500, local, tourism)},
        parks={p.name: p for p in (kaili_park, liping_park)},
    )


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


@pytest.fixture
def superuser(db):
    """A Django superuser (is_staff) for the admin site; holds no membership."""
    return get_user_model().objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def client_for(personas, superuser):
    """client_for("r522601") → a test client signed in as that persona ("root": superuser)."""

    def make(name: str) -> Client:
        client = Client()
        user = superuser if name == "root" else personas.users[name]
        client.force_login(user)
        return client

    return make


@pytest.fixture
def run_worker():
    """Run the real background worker in this process until the queue is empty.

    `zhaoshang worker --batch` is the same django-tasks database worker that
    `zhaoshang serve` starts beside the web server; in-process it shares the
    test database. Tests using it are transactional: the worker commits.
    """
    from zhaoshang.cli import main

    def run() -> None:
        assert main(["worker", "--batch", "--quiet", "--interval", "0"]) == 0

    return run
