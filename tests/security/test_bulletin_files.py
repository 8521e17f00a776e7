"""Finding 2: a county reporter downloading a published bulletin gets the bulletin
as issued (every unit's ranking and figures, the named lists) but the
project-level basis only of the units it sees — in JSON, Excel and Word alike,
as the drill-down shows it.

第1期 (as of 2026-11-20, tests/dispatch_web/conftest.py) counts KL-001, KL-002
(凯里市), KF-001 (开发区) and LP-001 (黎平县)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

URL = "/dispatch/MQDH2026/bulletins/1/"


def _json(client):
    response = client.get(URL + "json/")
    assert response.status_code == 200
    return json.loads(response.content)


def _basis_units(document) -> set[str]:
    where = document["basis"]["columns"].index("unit_code")
    return {row[where] for row in document["basis"]["rows"]}


def test_office_gets_every_county_basis(client_for, cycle):
    document = _json(client_for("admin"))
    assert _basis_units(document) == {"522601", "522640", "522631"}


@pytest.mark.parametrize(
    "who, sees",
    [("r522601", {"522601"}), ("r522631", {"522631"})],
)
def test_county_file_keeps_the_ranking_and_only_its_own_basis(client_for, cycle, who, sees):
    whole = _json(client_for("admin"))
    document = _json(client_for(who))
    assert _basis_units(document) == sees
    # The bulletin as issued: every row of the ranking with the same figures,
    # the new-contracts list with every county's projects.
    assert document["children"] == whole["children"]
    assert document["new_contracts"]["count"] == whole["new_contracts"]["count"]
    assert {p["code"] for p in document["new_contracts"]["projects"]} == {
        "KL-001",
        "KL-002",
        "KF-001",
        "LP-001",
    }

    book = openpyxl.load_workbook(io.BytesIO(client_for(who).get(URL + "xlsx/").content))
    basis = book["项目明细"]
    units = {row[2] for row in basis.iter_rows(min_row=2, values_only=True) if row[0]}
    assert units == sees
    assert client_for(who).get(URL + "docx/").status_code == 200


def test_drill_down_and_file_agree(client_for, cycle):
    page = client_for("r522601").get(URL + "projects/").content.decode()
    assert "KL-001" in page and "LP-001" not in page
