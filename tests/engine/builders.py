"""Small ledgers built through the services, for hand-computed engine tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhaoshang.campaigns.services import do_save_campaign, do_save_milestone, do_save_target
from zhaoshang.ledger.models import Stage
from zhaoshang.ledger.services import (
    ProjectData,
    do_drop_project,
    do_record_funds,
    do_save_enterprise,
    do_save_park,
    do_save_project,
)
from zhaoshang.org.services import do_save_unit


def unit(code, name, parent=None, kind=None, order=0):
    kind = kind or ("州" if parent is None else "县市")
    return do_save_unit(code, name=name, kind=kind, parent=parent, order=order)[0]


def campaign(
    code="T2026",
    start=date(2026, 10, 15),
    end=date(2026, 12, 5),
    milestones=None,
    mode="linear",
    root=None,
    primary="contract_amount",
):
    c = do_save_campaign(
        code, name="测试行动", start=start, end=end, mode=mode, primary_indicator=primary, unit=root
    )[0]
    for on, pct in milestones or [(date(2026, 11, 15), 50), (date(2026, 12, 5), 100)]:
        do_save_milestone(c, on, Decimal(pct))
    return c


def target(c, u, value, indicator="contract_amount"):
    return do_save_target(c, u, indicator, Decimal(value))[0]


def enterprise(name, top500=False):
    tags = [("中国民营企业500强", 2025)] if top500 else []
    return do_save_enterprise(name=name, tags=tags)[0]


def park(name, u):
    return do_save_park(name=name, unit=u)[0]


_serial = iter(range(1, 10_000))


def project(
    u,
    amount,
    contract_on,
    *,
    stage=Stage.CONTRACTED,
    investors=(),
    park=None,
    industrial=False,
    cooperating=(),
    dropped_on=None,
    code=None,
):
    code = code or f"P{next(_serial):04d}"
    dates = {Stage.CONTRACTED: contract_on} if stage >= Stage.CONTRACTED else {}
    p = do_save_project(
        code,
        ProjectData(
            name=f"项目{code}",
            responsible_unit=u,
            stage=stage,
            contract_amount=Decimal(amount) if amount is not None else None,
            stage_dates=dates,
            investors=list(investors),
            park=park,
            is_industrial=industrial,
            cooperating_units=list(cooperating),
        ),
    )[0]
    if dropped_on:
        p = do_drop_project(p, dropped_on, "投资方撤回", actor=None)
    return p


def funds(p, on, amount):
    return do_record_funds(p, on, Decimal(amount))[0]
