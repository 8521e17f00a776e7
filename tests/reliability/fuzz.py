"""Schemathesis against the live API's own OpenAPI schema, as one persona at a time.

For every operation of ``/api/v1/schema/`` it sends generated requests
(valid and invalid parameters, bodies, headers) with the persona's token and
checks each response:

- no 5xx;
- the body matches the schema the API publishes (status documented → its
  schema; content type as declared);
- no record of another county: none of ``forbidden`` (another county's unit
  code, project codes, enterprise and person names) appears in the body.

``fuzz`` returns one line per failing operation (empty: all green), so a test
and the reviewer's command can both call it with their own number of examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Revoking tokens at random would sign the fuzzer itself out half-way.
SKIPPED = {("DELETE", "/api/v1/tokens/{id}/")}


class Leak(AssertionError):
    """A response carried a record the persona must not see."""


@dataclass
class Persona:
    name: str
    token: str
    forbidden: tuple[str, ...] = ()
    # Words only noted when seen (for a persona who may see them: proves the check bites).
    watched: tuple[str, ...] = ()
    sightings: set[str] = field(default_factory=set)
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def _leak_check(persona: Persona, response) -> None:
    if not (persona.forbidden or persona.watched):
        return
    text = response.text
    try:
        # Compare the decoded text: JSON may escape Chinese as \\uXXXX.
        text = json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        pass
    persona.sightings.update(word for word in persona.watched if word in text)
    found = [word for word in persona.forbidden if word in text]
    if found:
        raise Leak(f"{persona.name} 看到了范围外的记录：{found}（{response.request.url}）")


def _runner(operation, persona: Persona, session, headers: dict, base_url: str, examples: int):
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(base_url=base_url, session=session, headers=headers)
        persona.requests += 1
        persona.statuses[response.status_code] = persona.statuses.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS, headers=headers)
        _leak_check(persona, response)

    return run


def fuzz(base_url: str, personas: Iterable[Persona], *, examples: int) -> list[str]:
    """Run every operation ``examples`` times per persona; the failures, one line each."""
    failures: list[str] = []
    for persona in personas:
        headers = {"Authorization": f"Bearer {persona.token}"}
        schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/schema/", headers=headers)
        session = requests.Session()
        session.headers.update(headers)
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue

            run = _runner(operation, persona, session, headers, base_url, examples)
            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report, go on
                first = str(exc).strip().splitlines()
                failures.append(
                    f"{persona.name} {operation.method.upper()} {operation.path}: "
                    f"{type(exc).__name__}: {' '.join(first[:6])[:600]}"
                )
        # Let the live server's threads end (and close their database connections).
        session.close()
    return failures
