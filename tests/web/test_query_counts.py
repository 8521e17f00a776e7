"""Query counts pinned on the busy pages, and proof they do not grow with the rows.

The numbers, for a signed-in request:
  session, user, account (password-change middleware)                  3
  home: membership scope, visible campaigns, engine (counted projects
        with funds, top-500 pairs, units, targets, milestones, holiday
        table: 6), linkable rows, top-bar memberships, the user's open
        tasks due soon or overdue (none here; with some, their
        campaigns' thresholds and the holiday table: 2 more)             11  → 14
  drill-down: the home page's plus the unit (and, when deeper, the trail),
        plus the engine's two aggregates at the parent's level to rank
        the unit among its siblings                                        3  → 16
  project list (moved to zhaoshang/ledger): membership scope, the visible
        units (filter choices, the chosen unit and pinyin unit search all
        read this one list), visible parks, one aggregate (count for the
        pager and both totals), saved filters, page rows, their investors,
        top-bar memberships                                              8  → 11
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.campaigns.services import do_save_target
from zhaoshang.ledger.models import Stage
from zhaoshang.org.models import UnitKind
from zhaoshang.org.services import do_save_unit

from ..conftest import add_project
from .helpers import HOME

HOME_QUERIES = 14
LIST_QUERIES = 11


def _grow_children(personas, parent_code: str, total: int) -> None:
    """Bring a unit to ``total`` children, each with targets and a counted project."""
    parent = personas.units[parent_code]
    kind = UnitKind.COUNTY if parent.parent_id is None else UnitKind.TOWNSHIP
    for i in range(parent.children.count(), total):
        code = f"{parent_code}-{i:03d}"
        unit, _c, _ch = do_save_unit(
            code, name=f"测试单位{i}", kind=kind, parent=parent, order=50 + i
        )
        do_save_target(personas.campaign, unit, "contract_amount", Decimal("10000"))
        do_save_target(personas.campaign, unit, "contract_projects", Decimal("2"))
        add_project(
            f"T-{code}",
            unit,
            f"测试项目{i}",
            Stage.CONTRACTED,
            amount=str(1000 + i),
            contract=date(2026, 11, 1),
        )


def _grow_zone_projects(personas, total: int) -> None:
    """Bring 凯里经济开发区 to ``total`` projects."""
    zone = personas.units["522640"]
    for i in range(zone.projects.count(), total):
        add_project(
            f"KF-X{i:03d}",
            zone,
            f"开发区项目{i}",
            Stage.CONTRACTED,
            amount="500",
            contract=date(2026, 11, 2),
        )


@pytest.mark.parametrize("children", [5, 50])
def test_home_query_count_does_not_grow_with_units(
    client_for, personas, django_assert_num_queries, children
):
    _grow_children(personas, "522600", children)
    client = client_for("leader")
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    assert len(response.context["rows"]) == children


@pytest.mark.parametrize("children", [5, 50])
def test_county_drill_down_query_count_does_not_grow_with_townships(
    client_for,
    personas,
    django_assert_num_queries,
    children,
):
    _grow_children(personas, "522601", children)
    client = client_for("r522601")
    # Three more than the home page: the drill-down's unit, and the engine's
    # two aggregates at the parent's level (the unit's rank among its siblings).
    # Its breadcrumb trail below the campaign root is empty here, which Django
    # answers without a query.
    with django_assert_num_queries(HOME_QUERIES + 3):
        response = client.get("/unit/522601/?campaign=MQDH2026&as_of=2026-11-27")
    assert len(response.context["rows"]) == children


@pytest.mark.parametrize("rows", [5, 50])
def test_project_list_query_count_does_not_grow_with_rows(
    client_for, personas, django_assert_num_queries, rows
):
    _grow_zone_projects(personas, rows)
    client = client_for("admin")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/projects/?unit=522640")
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_unfiltered_project_list_query_count_is_fixed(
    client_for, personas, django_assert_num_queries, rows
):
    _grow_zone_projects(personas, rows)
    client = client_for("r522601")
    # No unit chosen: the same count, the chosen unit comes from the units already read.
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/projects/")
    assert response.status_code == 200
