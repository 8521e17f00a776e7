"""Query counts pinned on every ledger list, at 10 and at 100 rows: the same number.

A signed-in request costs 3 (session, user, account of the password-change
middleware) and the top bar 1 (its memberships); the scope is read once (1).
On top of those 5:

  project list   visible units (choices, chosen unit, pinyin unit search),
                 visible parks, one aggregate (count and both totals), saved
                 filters, page rows, their investors                        6 → 11
  htmx table     the same but no saved filters and no top bar               5 → 9
  enterprise list  count, page rows with their project counts, tags         3 → 8
  follow-up feed   visible units, count, page rows (and one grouped count
                   of recent effort when the unit has children)             3 → 8
  autocomplete   matches, and the chosen records when there are (no top bar) 1–2 → 5–6
  project page   project with unit, person, industry, park; cooperating
                 units; investors; their tags; stage events; funds;
                 attachments; project history, its two relation snapshots,
                 one name lookup per related model in it (here unit,
                 person, park, enterprise: 4); funds history; attachment
                 history; follow-ups                                       17 → 22
  export         visible units and parks, projects, cooperating units,
                 investors, enterprises, tags, funds (per batch of 2000
                 rows; no top bar)                                          8 → 12
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from zhaoshang.ledger.models import Stage
from zhaoshang.ledger.services import (
    do_add_follow_up,
    do_record_funds,
    do_save_enterprise,
)

from ..conftest import add_project

HX = {"HX-Request": "true"}


def _grow(personas, n: int) -> None:
    """Give 凯里经济开发区 ``n`` projects, each with an investor (tagged), a park-less
    cooperating unit, a funds entry, and a follow-up; and KL-001 ``n`` funds entries."""
    zone = personas.units["522640"]
    bureau = personas.units["522600-TC"]
    kl1 = personas.projects["KL-001"]
    for i in range(n):
        enterprise, _c, _ch = do_save_enterprise(
            name=f"测试投资{i:03d}有限公司",
            tags=[("中国民营企业500强", 2025)] if i % 3 == 0 else [],
            owner_unit=zone,
        )
        project = add_project(
            f"KF-Q{i:03d}",
            zone,
            f"开发区测试项目{i}",
            Stage.CONTRACTED,
            amount=str(100 + i),
            contract=date(2026, 11, 2),
            investors=[enterprise],
            cooperating_units=[bureau],
        )
        do_record_funds(project, date(2026, 11, 20), Decimal(10))
        do_record_funds(kl1, date(2026, 1, 1) + timedelta(days=i), Decimal(1))
        do_add_follow_up(
            on=date(2026, 11, 1) + timedelta(days=i % 20),
            unit=zone,
            kind="洽谈",
            project=project,
            enterprise=enterprise,
            content=f"第{i}次洽谈",
        )
        do_add_follow_up(
            on=date(2026, 11, 1),
            unit=personas.units["522601"],
            kind="其他",
            project=kl1,
            content=f"KL-001 跟踪 {i}",
        )


ROWS = [10, 100]


@pytest.mark.parametrize("n", ROWS)
def test_project_list(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("admin")
    with django_assert_num_queries(11):
        response = client.get("/projects/?unit=522640&sort=name&per=100")
    assert len(response.context["page"].object_list) == min(n + 1, 100)  # KF-001 too
    with django_assert_num_queries(11):
        client.get("/projects/?q=kfq&top500=0&amount_min=1&per=100")


@pytest.mark.parametrize("n", ROWS)
def test_project_table_fragment(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("admin")
    with django_assert_num_queries(9):
        response = client.get("/projects/?unit=522640&per=100", headers=HX)
    assert len(response.context["page"].object_list) == min(n + 1, 100)


@pytest.mark.parametrize("n", ROWS)
def test_enterprise_list(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("admin")
    with django_assert_num_queries(8):
        response = client.get("/ledger/enterprises/?q=cstz")
    assert len(response.context["page"].object_list) == min(n, 50)


@pytest.mark.parametrize("n", ROWS)
def test_follow_up_feed(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("admin")
    # +1 on each: the page's ids are read off the (on, id) index first, then its
    # rows by id (joined in one query, SQLite sorted every visible follow-up).
    with django_assert_num_queries(9):
        response = client.get("/ledger/follow-ups/?unit=522640")
    assert len(response.context["page"].object_list) == min(n, 50)
    with django_assert_num_queries(10):
        response = client.get("/ledger/follow-ups/")
    assert len(response.context["page"].object_list) == min(2 * n + 1, 50)


@pytest.mark.parametrize("n", ROWS)
def test_autocomplete(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("r522601")
    with django_assert_num_queries(6):
        client.get("/ledger/autocomplete/projects/?name=project&q_project=x&project=1")
    client = client_for("admin")
    with django_assert_num_queries(5):
        response = client.get("/ledger/autocomplete/enterprises/?name=investors&q_investors=cs")
    assert len(response.context["options"]) == min(n, 15)


@pytest.mark.parametrize("n", ROWS)
def test_project_page(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("r522601")
    with django_assert_num_queries(22):
        response = client.get("/projects/KL-001/")
    assert len(response.context["funds"]) == n + 1
    assert len(response.context["follow_ups"]) == n


@pytest.mark.parametrize("n", ROWS)
def test_export(client_for, personas, django_assert_num_queries, n):
    _grow(personas, n)
    client = client_for("admin")
    with django_assert_num_queries(12):
        response = client.get("/ledger/projects/export.xlsx?unit=522640")
    assert response.status_code == 200
