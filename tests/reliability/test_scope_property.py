"""Scope property test (issue 10): for random ledgers over several counties and random
users (any memberships, any roles), every face returns exactly the records in the
user's scope — the project list and its totals, search, the Excel export, the API
list, the bulletin file's project basis, and the unit progress pages.

The expectation is computed here from the tree itself (a project is in scope when
its responsible unit lies in the subtree of one of the user's units), never through
the scoping code under test. One database (the personas) serves every example;
each example writes its ledger and user inside a transaction that is rolled back.
``ZHAOSHANG_SCOPE_EXAMPLES`` sets the number of examples (the reviewer runs more).
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import add_project
from zhaoshang.dispatch.bulletin import build_bulletin, document_for
from zhaoshang.ledger.models import Project, Stage
from zhaoshang.org.models import Membership, Role, Unit, UnitKind
from zhaoshang.org.services import do_save_unit

EXAMPLES = int(os.environ.get("ZHAOSHANG_SCOPE_EXAMPLES", "12"))
CODE = re.compile(r"^(PT|KL|LP|KF|TC)-\d{3}$")
LINK = re.compile(r'href="/projects/((?:PT|KL|LP|KF|TC)-\d{3})/"')

# Units of the world, by index: the personas' tree plus a third county with a township.
UNIT_CODES = [
    "522600",
    "522601",
    "522631",
    "522640",
    "522600-TC",
    "522601101",
    "522622",
    "522622100",
]

project_rows = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=len(UNIT_CODES) - 1),  # responsible unit
        st.sampled_from([Stage.LEAD, Stage.NEGOTIATING, Stage.CONTRACTED, Stage.STARTED]),
        st.integers(min_value=1, max_value=50_000),  # contract amount, 万元
    ),
    max_size=10,
)
memberships = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(UNIT_CODES) - 1),
        st.sampled_from([Role.REPORTER, Role.LEADER, Role.ADMIN]),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda m: m[0],
)


@pytest.fixture
def world(personas):
    root = personas.unit("522600")
    huangping, _c, _ch = do_save_unit("522622", name="黄平县", kind=UnitKind.COUNTY, parent=root)
    do_save_unit("522622100", name="新州镇", kind=UnitKind.TOWNSHIP, parent=huangping)
    return personas


def _in_scope(units: list[Unit]) -> set[str]:
    """Codes of projects whose responsible unit is in one of ``units``' subtrees (by path)."""
    paths = [u.path for u in units]
    return {
        code
        for code, path in Project.objects.values_list("code", "responsible_unit__path")
        if any(path.startswith(p) for p in paths)
    }


def _make_ledger(rows) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_CODES)}
    for n, (unit_index, stage, amount) in enumerate(rows):
        counted = stage >= Stage.CONTRACTED
        add_project(
            f"PT-{n:03d}",
            units[UNIT_CODES[unit_index]],
            f"属性测试项目{n:03d}",
            stage,
            amount=str(amount) if counted else None,
            contract=date(2026, 11, 5) if counted else None,
            started=date(2026, 11, 10) if stage >= Stage.STARTED else None,
        )


def _xlsx_codes(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {
        cell
        for sheet in book.worksheets
        if sheet.title == "项目"
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str) and CODE.match(cell)
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=project_rows, grants=memberships)
def test_every_face_returns_exactly_the_records_in_scope(world, rows, grants):
    with transaction.atomic():
        _make_ledger(rows)
        user = get_user_model().objects.create_user("scope-probe", password=None)
        units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_CODES)}
        mine = [units[UNIT_CODES[i]] for i, _role in grants]
        for unit, (_i, role) in zip(mine, grants, strict=True):
            Membership.objects.create(user=user, unit=unit, role=role)
        expected = _in_scope(mine)
        random_expected = {c for c in expected if c.startswith("PT-")}
        client = Client()
        client.force_login(user)

        # The ledger list: the rows, their count and their contract total.
        page = client.get("/projects/", {"page_size": 200})
        assert page.status_code == 200
        assert set(LINK.findall(page.content.decode())) == expected
        assert page.context["page"].paginator.count == len(expected)
        total = sum(
            (p.contract_amount or Decimal(0))
            for p in Project.objects.filter(code__in=expected, dropped_on__isnull=True)
        )
        assert Decimal(page.context["total_contract_amount"] or 0) == total

        # Search (the names of the random projects share 属性测试).
        found = client.get("/projects/", {"q": "属性测试", "page_size": 200})
        assert set(LINK.findall(found.content.decode())) == random_expected

        # The Excel export of the ledger.
        export = client.get("/ledger/projects/export.xlsx")
        assert export.status_code == 200
        assert _xlsx_codes(export.content) == expected

        # The API list.
        api = client.get("/api/v1/projects/", {"page_size": 500})
        assert api.status_code == 200
        assert {r["code"] for r in api.json()["results"]} == expected

        # The bulletin file: the project basis follows scope; the ranking stays whole.
        whole = build_bulletin(world.campaign, world.as_of)
        taken = document_for(whole, user)
        where = whole["basis"]["columns"].index("code")
        basis_all = {row[where] for row in whole["basis"]["rows"]}
        assert {row[where] for row in taken["basis"]["rows"]} == basis_all & expected
        assert taken["children"] == whole["children"]

        # Aggregates per unit: open exactly for the units in scope.
        paths = [u.path for u in mine]
        for unit in units.values():
            status = client.get(f"/unit/{unit.code}/").status_code
            inside = any(unit.path.startswith(p) for p in paths)
            assert status == (200 if inside else 404), (unit.code, status)
        transaction.set_rollback(True)
