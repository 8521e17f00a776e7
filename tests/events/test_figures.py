"""Invitation counts and fulfilment (履约) against the hand-computed fixture of conftest.py."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhaoshang.events.figures import compute, event_document, pct
from zhaoshang.events.models import Event
from zhaoshang.events.services import Guest, do_save_invitation, do_save_signing
from zhaoshang.ledger.services import do_save_enterprise
from zhaoshang.org.scope import scope_of

from .conftest import EVENT

DAY = date(2026, 12, 20)


def test_invitations_are_counted_by_current_status(world):
    doc = event_document(compute(world.event, DAY))
    # 拟邀 重庆山城; 已邀 深圳鹏城; 已确认 广州云上 + 远景智造 (attended and declined are not
    # "confirmed"); 已到会 华岳; 婉拒 苗岭 + 东方钢铁.
    assert doc["invitations"] == {
        "planned": 1,
        "invited": 1,
        "confirmed": 2,
        "attended": 1,
        "declined": 2,
    }
    # 华岳 (已到会) and 远景 (已确认) are top-500; 东方钢铁 is too, but declined.
    assert doc["top500_confirmed"] == 2


def test_fulfilment_as_of_a_day_after_the_event(world):
    doc = event_document(compute(world.event, DAY))
    # 32000 + 11000 + 20000 + 8000 + 9000 = 80000 signed on stage.
    assert doc["signings"] == {"count": 5, "amount": "80000.00"}
    # contract by 12-20: KL-001 (11-05), KL-002 (11-20) = 2; LP-002's contract is
    #   12-25, after the day; LP-001 was dropped on 12-15, so it counts in none.
    # started: KL-002 (11-25) = 1.
    # funded: KL-001 (5000 on 11-20), KL-003 (3000 on 12-10) = 2; LP-001's 2000
    #   does not count, dropped.
    # 2/5 = 40 %, 1/5 = 20 %, 2/5 = 40 %; funds 5000 + 3000 = 8000.
    assert doc["fulfilment"] == {
        "projects": 5,
        "contract": 2,
        "started": 1,
        "funded": 2,
        "contract_pct": 40.0,
        "started_pct": 20.0,
        "funded_pct": 40.0,
        "funds_in_place": "8000.00",
    }


def test_fulfilment_moves_with_the_day(world):
    # On 12-31 LP-002's contract of 12-25 has happened: 3/5 = 60 %.
    later = event_document(compute(world.event, date(2026, 12, 31)))["fulfilment"]
    assert (later["contract"], later["contract_pct"]) == (3, 60.0)
    # On 12-10, before LP-001 was dropped: KL-001, KL-002, LP-001 contracted = 3;
    # funded KL-001 (11-20), LP-001 (11-30), KL-003 (12-10) = 3; funds 5000+2000+3000.
    earlier = event_document(compute(world.event, date(2026, 12, 10)))["fulfilment"]
    assert earlier["contract"] == 3
    assert earlier["funded"] == 3
    assert earlier["funds_in_place"] == "10000.00"
    assert earlier["funded_pct"] == 60.0


def test_percentages_round_half_up_and_nothing_signed_is_null(db, personas):
    assert pct(2, 3) == Decimal("66.67")
    assert pct(1, 8) == Decimal("12.50")
    assert pct(1, 800) == Decimal("0.13")  # 0.125: half-up, not to even
    assert pct(0, 0) is None
    from zhaoshang.events.services import do_save_event

    empty, _c, _ch = do_save_event("TJH-1", name="推介会", start=date(2026, 11, 1))
    doc = event_document(compute(empty, DAY))
    assert doc["fulfilment"]["contract_pct"] is None
    assert doc["signings"] == {"count": 0, "amount": "0.00"}


def test_per_unit_figures_and_units_that_invited_nobody(world):
    root = world.personas.unit("522600")
    figures = compute(world.event, DAY, by_unit=root)
    rows = {u.code: u for u in figures.units}
    kaili = rows["522601"].tally
    # 凯里市: 华岳 已到会, 广州云上 已确认, 重庆山城 拟邀; top-500 华岳;
    # signed KL-001, KL-002 and the town's KL-003: 32000 + 11000 + 8000 = 51000;
    # contract KL-001, KL-002; started KL-002; funded KL-001, KL-003; 5000 + 3000.
    assert kaili.invitations == {
        "planned": 1,
        "invited": 0,
        "confirmed": 1,
        "attended": 1,
        "declined": 0,
    }
    assert kaili.top500_confirmed == 1
    assert (kaili.signings, kaili.signing_amount) == (3, Decimal("51000.00"))
    f = kaili.fulfilment
    assert (f.contract, f.started, f.funded, f.funds_in_place) == (2, 1, 2, Decimal("8000.00"))
    liping = rows["522631"].tally
    assert liping.invitations["declined"] == 2 and liping.invitations["invited"] == 1
    assert liping.top500_confirmed == 0  # 东方钢铁 declined
    assert (liping.signings, liping.signing_amount) == (2, Decimal("29000.00"))
    assert rows["522640"].tally.top500_confirmed == 1
    assert [u.code for u in figures.idle_units] == ["522600-TC"]
    # The prefecture's totals are the event's.
    assert figures.total.invitations == compute(world.event, DAY).total.invitations


def test_a_county_counts_only_its_own_share(world):
    kaili_user = world.personas.user("r522601")
    mine = compute(world.event, DAY, restrict_to=scope_of(kaili_user)).total
    assert mine.invited_total == 3
    assert mine.signings == 3


def test_query_counts_do_not_grow_with_the_lists(world):
    root = world.personas.unit("522600")
    with CaptureQueriesContext(connection) as small:
        compute(world.event, DAY)
    with CaptureQueriesContext(connection) as small_units:
        compute(world.event, DAY, by_unit=root)
    for i in range(12):
        e, _c, _ch = do_save_enterprise(name=f"测试客商{i}有限公司", owner_unit=root)
        do_save_invitation(
            world.event,
            e,
            inviting_unit=world.personas.unit("522631"),
            status="已确认",
            guest=Guest(guest_name=f"嘉宾{i}"),
        )
    do_save_signing(world.event, world.personas.projects["TC-001"], amount=Decimal("100"))
    with CaptureQueriesContext(connection) as big:
        compute(world.event, DAY)
    with CaptureQueriesContext(connection) as big_units:
        compute(world.event, DAY, by_unit=root)
    assert len(small) == len(big) == 3
    assert len(small_units) == len(big_units) == 4


def test_event_command_prints_the_contract_json(world, capsys):
    from zhaoshang.cli import main

    assert main(["event", EVENT, "--as-of", "2026-12-20", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["code"] == EVENT
    assert doc["name"] == "2026年民营企业助推贵州发展大会"
    assert doc["as_of"] == "2026-12-20"
    assert doc["fulfilment"]["contract"] == 2
    assert [line["project"] for line in doc["signing_list"]] == [
        "KL-001",
        "KL-002",
        "LP-002",
        "KL-003",
        "LP-001",
    ]
    assert doc["signing_list"][4]["dropped"] is True


def test_event_command_refuses_an_unknown_event(db, capsys):
    from zhaoshang.cli import main

    assert main(["event", "NO-SUCH", "--json"]) == 2
    err = capsys.readouterr().err
    assert "NO-SUCH" in err and "Traceback" not in err
    assert not Event.objects.exists()
