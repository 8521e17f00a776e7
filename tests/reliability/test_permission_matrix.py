"""Every URL route × persona × method × {own, other unit}: the declared status holds and a
refused request writes nothing. A route missing from routes.py fails the suite."""

from __future__ import annotations

import os

import pytest
from django.test import Client
from django.urls import reverse

from .matrix import PERSONAS, all_routes, snapshot
from .routes import EXPECT, args

LOGINS = {"admin": "admin", "leader": "leader", "own": "r522601", "other": "r522631"}


def test_every_route_is_declared():
    names = {r.name for r in all_routes()}
    missing = sorted(names - EXPECT.keys())
    assert not missing, "add these routes to tests/reliability/routes.py: " + ", ".join(missing)
    stale = sorted(EXPECT.keys() - names)
    assert not stale, "routes.py declares routes that no longer exist: " + ", ".join(stale)


def _clients(personas):
    clients = {"anon": Client()}
    for persona, username in LOGINS.items():
        c = Client()
        c.force_login(personas.users[username if persona != "other" else "r522601"])
        clients[persona] = c
    return clients


def _side(persona: str) -> str:
    return "own" if persona in ("anon", "own") else "other"


def _matches(expected: str, response) -> bool:
    status = response.status_code
    if expected == "-":
        return True
    if expected == "L":
        return status == 302 and "/login/" in response.get("Location", "")
    if expected == "x":
        return status < 500 and status != 200
    return status == int(expected)


def observe(personas, world, routes, method: str) -> dict:
    clients = _clients(personas)
    seen = {}
    for route in routes:
        row = []
        declared = EXPECT.get(route.name, ("", ""))[0 if method == "get" else 1].split()
        for i, persona in enumerate(PERSONAS):
            if declared and declared[i] == "-":
                row.append((None, False))
                continue
            url = reverse(route.name, kwargs=args(route.name, route.params, world, _side(persona)))
            before = snapshot() if method == "post" else None
            response = getattr(clients[persona], method)(url)
            wrote = method == "post" and snapshot() != before
            row.append((response, wrote))
        seen[route.name] = row
    return seen


@pytest.mark.parametrize("method", ["get", "post"])
def test_matrix(personas, world, method):
    dump = os.environ.get("ZHAOSHANG_MATRIX_DUMP")
    routes = [r for r in all_routes() if (r.name not in EXPECT if dump else r.name in EXPECT)]
    seen = observe(personas, world, routes, method)
    wrong = []
    for name, row in seen.items():
        if name not in EXPECT:
            continue
        expected = EXPECT[name][0 if method == "get" else 1].split()
        for persona, want, (response, wrote) in zip(PERSONAS, expected, row, strict=True):
            if response is None:
                continue
            if not _matches(want, response):
                wrong.append(
                    f"{method.upper()} {name} as {persona}: {response.status_code}, declared {want}"
                )
            if wrote:
                # Only refusals are tried by POST (the admin's and own reporter's are "-").
                wrong.append(f"{method.upper()} {name} as {persona}: wrote something")
    if dump:
        for name, row in seen.items():
            print(name, " ".join(_code(r) if r is not None else "-" for r, _w in row))
    assert not wrong, "\n".join(wrong)


def _code(response) -> str:
    if response.status_code == 302 and "/login/" in response.get("Location", ""):
        return "L"
    return str(response.status_code)
