"""The conference of the personas' campaign, built through the services.

Event MQDH-HY (hosted by 黔东南州, 2026-12-01…02). Invitations:

    enterprise                  top-500  inviting unit    status
    华岳新能源控股集团有限公司     yes      凯里市           已到会
    广州云上文旅投资有限公司       no       凯里市           已确认
    重庆山城物流有限公司           no       凯里市           拟邀
    远景智造集团有限公司           yes      凯里经济开发区   已确认
    黔东南苗岭农业发展有限公司     no       黎平县           婉拒
    深圳鹏城电子科技有限公司       no       黎平县           已邀
    东方钢铁集团有限公司           yes      黎平县           婉拒
    (州投资促进局 invites nobody)

Signing list (signing amount; what the ledger says):

    1 KL-001  32000  contract 2026-11-05, 5000 funds 11-20 (re-signed: 签约 10-25 kept)
    2 KL-002  11000  contract 11-20, started 11-25, no funds
    3 LP-002  20000  签约 11-18; contract 2026-12-25 (after 12-20)
    4 KL-003   8000  洽谈 → 签约 on the event's first day; 3000 funds 12-10
    5 LP-001   9000  contract 11-10, 2000 funds 11-30, dropped 12-15
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.events.services import Guest, do_save_event, do_save_invitation, do_save_signing
from zhaoshang.ledger.models import TOP500_TAG, Stage
from zhaoshang.ledger.services import (
    do_change_stage,
    do_drop_project,
    do_record_funds,
    do_save_enterprise,
)

EVENT = "MQDH-HY"
FIRST_DAY = date(2026, 12, 1)


@dataclass
class World:
    personas: object
    event: object
    enterprises: dict


def build_event_world(personas) -> World:
    p = personas
    root, kaili, liping, zone = (p.unit(c) for c in ("522600", "522601", "522631", "522640"))
    event, _c, _ch = do_save_event(
        EVENT,
        name="2026年民营企业助推贵州发展大会",
        start=FIRST_DAY,
        end=date(2026, 12, 2),
        campaign=p.campaign,
        place="贵阳国际会议中心",
        host_unit=root,
    )
    ents = dict(p.enterprises)
    for name, origin, tags in (
        ("重庆山城物流有限公司", "重庆市", []),
        ("远景智造集团有限公司", "江苏省", [(TOP500_TAG, 2024)]),
        ("深圳鹏城电子科技有限公司", "广东省", []),
        ("东方钢铁集团有限公司", "上海市", [(TOP500_TAG, 2025)]),
    ):
        e, _c, _ch = do_save_enterprise(
            name=name, ownership="民营", origin=origin, tags=tags, owner_unit=root
        )
        ents[name] = e
    for name, unit, status, guest in (
        (
            "华岳新能源控股集团有限公司",
            kaili,
            "已到会",
            Guest(
                guest_name="陈华岳",
                guest_title="董事长",
                guest_level="主要负责人",
                companions=2,
                arrival_on=date(2026, 11, 30),
                travel="CA1234",
                hotel="贵阳喜来登酒店",
                dietary="清真",
            ),
        ),
        (
            "广州云上文旅投资有限公司",
            kaili,
            "已确认",
            Guest(
                guest_name="李云",
                guest_title="副总裁",
                guest_level="高管",
                arrival_on=date(2026, 11, 30),
                travel="G1520",
                hotel="贵阳喜来登酒店",
            ),
        ),
        ("重庆山城物流有限公司", kaili, "拟邀", Guest()),
        (
            "远景智造集团有限公司",
            zone,
            "已确认",
            Guest(
                guest_name="张远",
                guest_title="总裁",
                guest_level="主要负责人",
                arrival_on=date(2026, 12, 1),
                travel="MU5678",
                hotel="贵州饭店",
            ),
        ),
        ("深圳鹏城电子科技有限公司", liping, "已邀", Guest(guest_name="刘鹏")),
    ):
        do_save_invitation(event, ents[name], inviting_unit=unit, status=status, guest=guest)
    for name in ("黔东南苗岭农业发展有限公司", "东方钢铁集团有限公司"):
        do_save_invitation(
            event, ents[name], inviting_unit=liping, status="婉拒", decline_reason="会期冲突"
        )

    projects = p.projects
    do_record_funds(projects["LP-001"], date(2026, 11, 30), Decimal("2000"))
    for order, code, amount in (
        (1, "KL-001", "32000"),
        (2, "KL-002", "11000"),
        (3, "LP-002", "20000"),
        (4, "KL-003", "8000"),
        (5, "LP-001", "9000"),
    ):
        do_save_signing(
            event,
            projects[code],
            amount=Decimal(amount),
            order=order,
            our_signatory="州人民政府副州长",
            their_signatory="投资方代表",
        )
    do_record_funds(projects["KL-003"], date(2026, 12, 10), Decimal("3000"))
    do_drop_project(projects["LP-001"], date(2026, 12, 15), "投资方资金链断裂", actor=None)
    do_change_stage(
        projects["LP-002"],
        Stage.CONTRACTED,
        date(2026, 12, 25),
        actor=None,
        contract_amount=Decimal("18000"),
    )
    event.refresh_from_db()
    return World(personas=p, event=event, enterprises=ents)


@pytest.fixture
def world(personas) -> World:
    return build_event_world(personas)
