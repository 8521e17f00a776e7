"""Every dispatch page and action against every persona, with the exact status.

Rules (style.md, "Access"): a campaign the user does not take part in is a 404
(existence hidden); seeing a page without the right to act on it is a 403; an
action refused writes nothing (the dispatch rows and their history are counted).
"""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import REPORT, dispatch_rows

PERSONAS = ["admin", "leader", "r522601", "r522631", "outsider", "root"]
C = "/dispatch/MQDH2026"


def _expand(url: str, cycle) -> str:
    return url.format(r1=cycle["r1"].pk, r2=cycle["r2"].pk)


GET_MATRIX = {
    "/dispatch/": dict(admin=200, leader=200, r522601=200, r522631=200, outsider=200, root=200),
    f"{C}/rounds/": dict(admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200),
    "/dispatch/NOPE/rounds/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    C + "/rounds/{r1}/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    C + "/rounds/999999/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    # 凯里市's own report form: the office may fill in for it, the leader only reads,
    # 黎平县 cannot even know the unit is there.
    C + "/rounds/{r1}/units/522601/": dict(
        admin=200, leader=403, r522601=200, r522631=404, outsider=404, root=200
    ),
    C + "/rounds/{r1}/units/522631/": dict(
        admin=200, leader=403, r522601=404, r522631=200, outsider=404, root=200
    ),
    # A township is no participant of the prefecture's rounds.
    C + "/rounds/{r1}/units/522601101/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    f"{C}/bulletins/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    # Published rankings are for everyone taking part.
    f"{C}/bulletins/1/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    f"{C}/bulletins/9/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    f"{C}/bulletins/1/docx/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    f"{C}/bulletins/1/xlsx/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    f"{C}/bulletins/1/pdf/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    f"{C}/bulletins/1/projects/?row=522601": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    f"{C}/bulletins/1/projects/?row=NOPE": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    # Drafts are the office's working papers: for those who see the whole campaign.
    f"{C}/bulletins/draft/?as_of=2026-11-27": dict(
        admin=200, leader=200, r522601=403, r522631=403, outsider=404, root=200
    ),
    f"{C}/bulletins/draft/?as_of=2026-13-45": dict(
        admin=400, leader=400, r522601=403, r522631=403, outsider=404, root=400
    ),
    f"{C}/bulletins/draft/docx/?as_of=2026-11-27": dict(
        admin=200, leader=200, r522601=403, r522631=403, outsider=404, root=200
    ),
    f"{C}/bulletins/draft/xlsx/?as_of=2026-11-27": dict(
        admin=200, leader=200, r522601=403, r522631=403, outsider=404, root=200
    ),
    f"{C}/bulletins/draft/projects/?as_of=2026-11-27": dict(
        admin=200, leader=200, r522601=403, r522631=403, outsider=404, root=200
    ),
}


@pytest.mark.parametrize("url", list(GET_MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_get_matrix(client_for, cycle, url, persona):
    before = dispatch_rows()
    response = client_for(persona).get(_expand(url, cycle))
    assert response.status_code == GET_MATRIX[url][persona], (persona, url)
    assert dispatch_rows() == before, "a GET must never write"


@pytest.mark.parametrize("url", ["/dispatch/", f"{C}/rounds/", f"{C}/bulletins/1/"])
def test_signed_out_visitors_are_sent_to_the_login(cycle, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _post_matrix(cycle):
    r1 = cycle["r1"].pk
    return {
        "create round": (
            f"{C}/rounds/new/",
            {"deadline": "2026-12-04T17:00", "title": "专题调度"},
            dict(admin=302, leader=403, r522601=403, r522631=403, outsider=404, root=302),
        ),
        "weekly schedule": (
            f"{C}/rounds/schedule/",
            # (its first Friday may be past by now: confirmed, as the office would)
            {
                "first": "2026-11-23",
                "last": "2026-12-05",
                "weekday": "4",
                "at": "17:00",
                "past": "past",
            },
            dict(admin=302, leader=403, r522601=403, r522631=403, outsider=404, root=302),
        ),
        "report for 凯里市": (
            f"{C}/rounds/{r1}/units/522601/",
            {"progress": "新签约1个", "problems": "", "plan": ""},
            dict(admin=302, leader=403, r522601=302, r522631=404, outsider=404, root=302),
        ),
        "reminder": (
            f"{C}/rounds/{r1}/remind/",
            {"note": "请今日报送"},
            dict(admin=302, leader=403, r522601=403, r522631=403, outsider=404, root=302),
        ),
        "publish": (
            f"{C}/bulletins/publish/",
            {"as_of": "2026-11-27"},
            dict(admin=302, leader=403, r522601=403, r522631=403, outsider=404, root=302),
        ),
    }


ACTIONS = ["create round", "weekly schedule", "report for 凯里市", "reminder", "publish"]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_post_matrix_writes_only_when_allowed(client_for, cycle, action, persona):
    url, data, expected = _post_matrix(cycle)[action]
    before = dispatch_rows()
    response = client_for(persona).post(url, data)
    assert response.status_code == expected[persona], (persona, action)
    if expected[persona] == 302:
        assert dispatch_rows() != before, "an allowed action must leave its rows"
    else:
        assert dispatch_rows() == before, "a refused action must write nothing"


@pytest.mark.parametrize(
    "url",
    [
        f"{C}/rounds/new/",
        f"{C}/rounds/schedule/",
        f"{C}/bulletins/publish/",
    ],
)
def test_actions_refuse_get(client_for, cycle, url):
    assert client_for("admin").get(url).status_code == 405


def test_reporter_cannot_report_for_a_unit_outside_the_round_or_scope(client_for, cycle):
    before = dispatch_rows()
    client = client_for("r522601")
    r1 = cycle["r1"].pk
    # 黎平县 is outside 凯里市's scope: hidden, nothing written
    assert client.post(f"{C}/rounds/{r1}/units/522631/", REPORT).status_code == 404
    # 凯里市's own township is in scope but not expected in the prefecture's round
    assert client.post(f"{C}/rounds/{r1}/units/522601101/", REPORT).status_code == 404
    assert dispatch_rows() == before
