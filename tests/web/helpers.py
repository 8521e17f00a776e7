"""Small helpers shared by the page tests."""

from __future__ import annotations

import re
from datetime import date

from zhaoshang.ledger.forms import ProjectForm
from zhaoshang.ledger.models import Project, StageEvent

HOME = "/?campaign=MQDH2026&as_of=2026-11-27"


def edit_payload(project: Project, **changes) -> dict:
    """The POST body the edit form would send for ``project``, with ``changes`` applied."""
    project.refresh_from_db()
    data = {}
    for name, value in {
        **ProjectForm.initial_for(project),
        "reason": "测试修改",
        **changes,
    }.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def ledger_snapshot() -> tuple:
    """Counts that any write to the ledger would change."""
    return (
        Project.objects.count(),
        Project.history.count(),
        StageEvent.objects.count(),
        tuple(Project.objects.order_by("code").values_list("code", "version", "contract_amount")),
    )


def ranking_rows(html: str) -> list[str]:
    """The <tr> blocks of the ranking table body, in page order."""
    body = (
        html.split('<table class="data ranking">', 1)[1]
        .split("<tbody>", 1)[1]
        .split("</tbody>", 1)[0]
    )
    return ["<tr" + row for row in re.split(r"<tr\b", body) if "</tr>" in row]


def text(html: str) -> str:
    """Markup removed and whitespace collapsed, for phrase assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
