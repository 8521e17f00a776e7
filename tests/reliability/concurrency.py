"""One process of the concurrency test: ``python -m tests.reliability.concurrency ROLE …``.

The database is whatever ``DATABASE_URL`` names (a file SQLite database, or a
PostgreSQL database of its own); each role prints one JSON line of what it saw.

- ``setup``: migrate, build the personas' world.
- ``rmw N [STOPFILE]``: N (then on until STOPFILE exists) read-modify-write transactions through the target service (read the
  凯里市 contract target, write it back plus one, with the stamp it was read with).
- ``api N ID``: N edits of one project through the REST API as the 凯里市 reporter:
  read its ETag, PATCH a note of its own with If-Match; 200 applied, 412 refused.
- ``workbook FILE ROWS``: write a 项目 sheet of ROWS new 凯里市 projects to import.
- ``state``: what the database holds afterwards, for the test to compare.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from decimal import Decimal

CAMPAIGN_UNIT = "522601"
INDICATOR = "contract_amount"
API_PROJECT = "KL-002"


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()


def setup() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.conftest import build_personas

    build_personas()
    return {"ok": True}


def _target():
    from zhaoshang.campaigns.models import Target

    return Target.objects.select_related("campaign", "unit").get(
        unit__code=CAMPAIGN_UNIT, indicator=INDICATOR
    )


def rmw(count: int, stop: str | None = None) -> dict:
    """``count`` transactions; with ``stop`` (a file path), at least ``count`` and then on
    until that file exists."""
    from django.db import OperationalError, transaction

    from zhaoshang.campaigns.models import Target
    from zhaoshang.campaigns.services import do_save_target
    from zhaoshang.stamps import StaleEdit, stamp

    seen = Counter()
    k = 0
    while k < count or (stop and not os.path.exists(stop)):
        k += 1
        try:
            with transaction.atomic():
                # SQLite: IMMEDIATE takes the write lock here; PostgreSQL: the row lock.
                target = Target.objects.select_for_update().get(pk=_target().pk)
                do_save_target(
                    target.campaign,
                    target.unit,
                    INDICATOR,
                    target.value + Decimal(1),
                    actor=None,
                    reason=f"并发写入 {os.getpid()}-{k}",
                    expected_stamp=stamp(target),
                )
            seen["applied"] += 1
        except StaleEdit:
            seen["stale"] += 1
        except OperationalError as exc:
            seen["locked" if "locked" in str(exc) else "operational"] += 1
    return dict(seen)


def api(count: int, worker: str) -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="r522601"))
    url = f"/api/v1/projects/{API_PROJECT}/"
    statuses = Counter()
    applied = []
    for k in range(count):
        read = client.get(url)
        if read.status_code != 200:
            statuses[str(read.status_code)] += 1
            continue
        note = f"接口编辑 {worker}-{k}"
        response = client.patch(
            url, {"note": note, "reason": note}, format="json", HTTP_IF_MATCH=read["ETag"]
        )
        statuses[str(response.status_code)] += 1
        if response.status_code == 200:
            applied.append(note)
    return {"statuses": dict(statuses), "applied": applied}


def state() -> dict:
    from zhaoshang.ledger.models import Project

    target = _target()
    project = Project.objects.get(code=API_PROJECT)
    return {
        "target": str(target.value),
        "target_history": target.history.count(),
        "target_writes": target.history.filter(
            history_change_reason__startswith="并发写入"
        ).count(),
        "project_notes": list(project.history.values_list("note", flat=True)),
        "project_note": project.note,
        "imported": Project.objects.filter(code__startswith="IMP-").count(),
    }


def workbook(path: str, rows: int) -> dict:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("项目")
    sheet.append(["项目编号", "项目名称", "责任单位编码", "项目阶段"])
    for n in range(rows):
        sheet.append([f"IMP-{n:05d}", f"导入并发测试项目{n}", CAMPAIGN_UNIT, "洽谈"])
    book.save(path)
    return {"rows": rows}


def main(argv: list[str]) -> None:
    role, *rest = argv
    if role == "workbook":
        result = workbook(rest[0], int(rest[1]))
    else:
        _django()
        if role == "setup":
            result = setup()
        elif role == "rmw":
            result = rmw(int(rest[0]), *rest[1:2])
        elif role == "state":
            result = state()
        elif role == "api":
            result = api(int(rest[0]), rest[1])
        else:
            raise SystemExit(f"unknown role {role}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
