"""Query counts of the dispatch pages: pinned, and the same for 4 units as for 40.

Every signed-in page costs 5 before its own reads: session, user, the
password-change middleware's account, the user's scope (memberships) and the
top bar's memberships. Then, for the office (admin):
  index           visible campaigns with their latest issue and next deadline      1
  rounds list     campaign, the root's children, rounds, submissions               4
  round page      round, its submissions, the root's children, readable units,
                  the round's ordinal, reminders (their units only when there are) 6
  published page  campaign, the bulletin, drillable units, openable projects       4
  draft page      campaign, build_bulletin (22: its events, the forecast's projects
                  and stage events, the latest round's report texts), same-day
                  issue, drillable units                                           25
                  (its project lists are empty here: the openable-projects query,
                  like the reminders' units, runs only when there is something)
  drill-down      campaign, the bulletin, openable projects of the page            3
A county reporter's round page adds its own unit's figures (the engine for a county).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import add_project
from zhaoshang.campaigns.services import do_save_target
from zhaoshang.dispatch.services import do_publish_bulletin, do_submit_report
from zhaoshang.ledger.models import Stage
from zhaoshang.org.models import UnitKind
from zhaoshang.org.services import do_save_unit

C = "/dispatch/MQDH2026"

PINNED_REPORTER_ROUND = 19
PINNED = {
    "index": 6,
    "rounds": 9,
    "round": 11,
    "bulletin": 9,
    # The draft's forecast section reads the ledger's projects and stage events: two more;
    # the latest round's report texts for the 调度填报 sheet: one more; the supervised
    # tasks of the section 督办事项: one more.
    "draft": 31,
    "projects": 8,
}


def grow(personas, cycle, total: int) -> None:
    """Bring the prefecture to ``total`` children, each with a target, a contract and a report."""
    root = personas.unit("522600")
    for i in range(root.children.count(), total):
        code = f"5226X{i:02d}"
        unit = do_save_unit(
            code, name=f"测试县{i}", kind=UnitKind.COUNTY, parent=root, order=50 + i
        )[0]
        do_save_target(personas.campaign, unit, "contract_amount", Decimal("10000"))
        add_project(
            f"T-{code}",
            unit,
            f"测试项目{i}",
            Stage.CONTRACTED,
            amount=str(1000 + i),
            contract=date(2026, 11, 1),
        )
        do_submit_report(cycle["r1"], unit, progress="已报", actor=None)
    # A contract since the previous issue, so the page's project lists are never empty.
    serial = personas.campaign.bulletins.count()
    add_project(
        f"KL-N{serial}",
        personas.unit("522601"),
        f"新签项目{serial}",
        Stage.CONTRACTED,
        amount="100",
        contract=date(2026, 11, 25),
    )
    do_publish_bulletin(personas.campaign, date(2026, 11, 27), actor=None)


def urls(cycle, number: int = 2) -> dict[str, str]:
    """The pages; ``number`` is the latest issue (grow() publishes one each time)."""
    return {
        "rounds": f"{C}/rounds/",
        "round": f"{C}/rounds/{cycle['r1'].pk}/",
        "bulletin": f"{C}/bulletins/{number}/",
        "draft": f"{C}/bulletins/draft/?as_of=2026-11-27",
        "projects": f"{C}/bulletins/{number}/projects/?row=522601",
        "index": "/dispatch/",
    }


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Not "page": that is pytest-playwright's fixture, and the name would drag these
# tests into the browser tests' session group (and its database flushes).
@pytest.mark.parametrize("name", list(PINNED))
def test_query_count_is_pinned_and_does_not_grow_with_units(client_for, personas, cycle, name):
    grow(personas, cycle, 4)
    client = client_for("admin")
    small = count(client, urls(cycle, 2)[name])
    grow(personas, cycle, 40)
    client = client_for("admin")
    large = count(client, urls(cycle, 3)[name])
    assert (small, large) == (PINNED[name], PINNED[name])


def test_a_reporters_round_page_adds_only_its_own_figures(client_for, personas, cycle):
    # The reporter's form shows what reporting confirms: the engine once for its unit
    # (for a county: its siblings' level and its own subtree).
    client = client_for("r522601")
    url = urls(cycle)["round"]
    small = count(client, url)
    grow(personas, cycle, 40)
    assert count(client_for("r522601"), url) == small == PINNED_REPORTER_ROUND
