"""Who may open what: every persona against every page, with the exact status.

Scope rules (style.md, "Access"): out of scope is 404 (existence hidden), a
read-only role trying to write is 403, signed-out is a redirect to the login.
"""

from __future__ import annotations

import pytest
from django.test import Client

from .helpers import HOME, edit_payload, ledger_snapshot

PERSONAS = ["admin", "leader", "r522601", "r522631", "outsider", "root"]

# (url, expected status per persona); "root" is the Django superuser.
GET_MATRIX = {
    HOME: dict(admin=200, leader=200, r522601=200, r522631=200, outsider=200, root=200),
    # 凯里市: inside the prefecture's and 凯里市's scope, outside 黎平县's.
    "/unit/522601/?as_of=2026-11-27": dict(
        admin=200,
        leader=200,
        r522601=200,
        r522631=404,
        outsider=404,
        root=200,
    ),
    "/unit/522601101/?as_of=2026-11-27": dict(
        admin=200,
        leader=200,
        r522601=200,
        r522631=404,
        outsider=404,
        root=200,
    ),
    "/unit/522631/?as_of=2026-11-27": dict(
        admin=200,
        leader=200,
        r522601=404,
        r522631=200,
        outsider=404,
        root=200,
    ),
    # The prefecture itself is the home page; a county user may not drill into it.
    "/unit/522600/?as_of=2026-11-27": dict(
        admin=200,
        leader=200,
        r522601=404,
        r522631=404,
        outsider=404,
        root=200,
    ),
    "/unit/NO-SUCH-UNIT/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    "/projects/": dict(admin=200, leader=200, r522601=200, r522631=200, outsider=200, root=200),
    "/projects/KL-001/": dict(
        admin=200, leader=200, r522601=200, r522631=404, outsider=404, root=200
    ),
    "/projects/KL-003/": dict(
        admin=200, leader=200, r522601=200, r522631=404, outsider=404, root=200
    ),
    "/projects/LP-001/": dict(
        admin=200, leader=200, r522601=404, r522631=200, outsider=404, root=200
    ),
    "/projects/NO-SUCH/": dict(
        admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
    "/projects/KL-001/edit/": dict(
        admin=200,
        leader=403,
        r522601=200,
        r522631=404,
        outsider=404,
        root=200,
    ),
    "/projects/LP-001/edit/": dict(
        admin=200,
        leader=403,
        r522601=404,
        r522631=200,
        outsider=404,
        root=200,
    ),
    # Django admin is for superusers (is_staff); everyone else is sent to its login.
    "/admin/": dict(admin=302, leader=302, r522601=302, r522631=302, outsider=302, root=200),
}

GET_CASES = [(url, who, statuses[who]) for url, statuses in GET_MATRIX.items() for who in PERSONAS]


@pytest.mark.parametrize(("url", "who", "expected"), GET_CASES)
def test_get_status(client_for, url, who, expected):
    response = client_for(who).get(url)
    assert response.status_code == expected, f"{who} GET {url}"


POST_CASES = [
    # (persona, project, expected status, whether the write happens)
    ("admin", "KL-001", 302, True),
    ("root", "KL-001", 302, True),
    ("r522601", "KL-001", 302, True),
    ("r522601", "KL-003", 302, True),
    ("leader", "KL-001", 403, False),
    ("r522631", "KL-001", 404, False),
    ("outsider", "KL-001", 404, False),
    ("r522601", "LP-001", 404, False),
    ("leader", "LP-001", 403, False),
]


@pytest.mark.parametrize(("who", "code", "expected", "writes"), POST_CASES)
def test_edit_post_status_and_writes(client_for, personas, who, code, expected, writes):
    project = personas.projects[code]
    payload = edit_payload(project, note="调度会后补充说明")
    before = ledger_snapshot()
    response = client_for(who).post(f"/projects/{code}/edit/", payload)
    assert response.status_code == expected, f"{who} POST edit {code}"
    project.refresh_from_db()
    if writes:
        assert response["Location"] == f"/projects/{code}/"
        assert project.note == "调度会后补充说明"
        assert project.history.count() > 0
    else:
        # Nothing written: no project, no history row, no stage event, no version bump.
        assert ledger_snapshot() == before
        assert project.note == ""


@pytest.mark.parametrize(
    "url",
    [HOME, "/unit/522601/", "/projects/", "/projects/KL-001/", "/projects/KL-001/edit/"],
)
def test_signed_out_visitor_is_sent_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_signed_out_post_writes_nothing(personas):
    before = ledger_snapshot()
    response = Client().post("/projects/KL-001/edit/", edit_payload(personas.projects["KL-001"]))
    assert response.status_code == 302
    assert ledger_snapshot() == before


def test_edit_page_refuses_other_methods(client_for):
    assert client_for("admin").put("/projects/KL-001/edit/").status_code == 405
