"""Schemathesis against /api/v1/schema/ on a live server, as the prefecture administrator
and as 凯里市's reporter: no 5xx, no schema violation, no record of 黎平县 for 凯里市.

CI runs a few examples per operation (ZHAOSHANG_FUZZ_EXAMPLES, default 3);
the reviewer's run sets it higher, e.g. ZHAOSHANG_FUZZ_EXAMPLES=50.
"""

from __future__ import annotations

import os

import pytest

from zhaoshang.api.tokens import do_create_token

from .fuzz import Persona, fuzz

EXAMPLES = int(os.environ.get("ZHAOSHANG_FUZZ_EXAMPLES", "3"))

# What only 黎平县 holds in the world (tests/reliability/conftest.py): its unit code,
# its projects, its enterprise and the person registered there.
LIPING = ("522631", "LP-001", "LP-002", "LP-003", "黔东南苗岭农业发展有限公司", "李华")


@pytest.mark.django_db(transaction=True)
def test_api_fuzz_two_personas(live_server, world, personas):
    admin = do_create_token(personas.users["admin"], read_only=False)[1]
    county = do_create_token(personas.users["r522601"], read_only=False)[1]
    everyone = [
        Persona("州管理员", admin, watched=LIPING),
        Persona("凯里市填报员", county, forbidden=LIPING),
    ]
    failures = fuzz(live_server.url, everyone, examples=EXAMPLES)
    assert not failures, "\n".join(failures)
    # The same words do reach the administrator, so the county's check would catch them.
    assert {"522631", "LP-001", "黔东南苗岭农业发展有限公司"} <= everyone[0].sightings
    # The run really reached the API: most answers are not refusals of the token.
    for persona in everyone:
        assert persona.requests > 50, persona
        assert persona.statuses.get(200, 0) > 20, persona.statuses
        assert persona.statuses.get(401, 0) == 0, persona.statuses
