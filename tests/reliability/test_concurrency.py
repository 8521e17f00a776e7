"""Concurrency (issue 10): 8 processes of read-modify-write transactions on a file
database while a workbook import runs — no "database is locked" reaches anyone and
no update is lost; 8 API editors on one project — each edit is applied or refused
with 412, and every applied one is in the history.

CI runs a reduced size; the reviewer command (``zhaoshang review``) runs the full one
(300 transactions per process) through the ``ZHAOSHANG_CONCURRENCY_*`` variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 8
TXNS = int(os.environ.get("ZHAOSHANG_CONCURRENCY_TXNS", "25"))
API_EDITS = int(os.environ.get("ZHAOSHANG_CONCURRENCY_API", "8"))
IMPORT_ROWS = int(os.environ.get("ZHAOSHANG_CONCURRENCY_IMPORT_ROWS", "1500"))

pytestmark = pytest.mark.concurrency


def _pg_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A database of the test's own: a file SQLite one, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'zhaoshang.sqlite3'}"}
        return
    url = _pg_url()
    if not url:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    import psycopg

    name = f"zs_concurrency_{uuid.uuid4().hex[:8]}"
    base, _slash, _db = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": f"{base}/{name}"}
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(tmp_path: Path, database: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW_ASYNC")}
    env.update(database)
    env["ZHAOSHANG_DATA_DIR"] = str(tmp_path)
    env["ZHAOSHANG_ALLOWED_HOSTS"] = "testserver"
    env["DJANGO_SETTINGS_MODULE"] = "zhaoshang.settings"
    return env


def _start(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=1800)
    assert process.returncode == 0, (out[-2000:], err[-3000:])
    return out


def _role(env, *args) -> dict:
    out = _finish(_start(env, "-m", "tests.reliability.concurrency", *args))
    return json.loads(out.strip().splitlines()[-1])


def test_concurrent_writers_during_an_import_lose_nothing(tmp_path, database):
    env = _env(tmp_path, database)
    _role(env, "setup")
    book = tmp_path / "import.xlsx"
    _role(env, "workbook", str(book), str(IMPORT_ROWS))
    before = _role(env, "state")

    # Read-modify-write transactions in 8 processes while the import writes.
    importer = _start(env, "-m", "zhaoshang", "load", str(book), "--json")
    writers = [
        _start(env, "-m", "tests.reliability.concurrency", "rmw", str(TXNS))
        for _ in range(PROCESSES)
    ]
    seen = [json.loads(_finish(w).strip().splitlines()[-1]) for w in writers]
    imported = _finish(importer)
    totals = {
        k: sum(s.get(k, 0) for s in seen) for k in ("applied", "stale", "locked", "operational")
    }
    assert totals == {"applied": PROCESSES * TXNS, "stale": 0, "locked": 0, "operational": 0}, seen
    after = _role(env, "state")
    # No lost update: the value went up by exactly one per transaction, each one in history.
    assert Decimal(after["target"]) == Decimal(before["target"]) + PROCESSES * TXNS
    assert after["target_history"] == before["target_history"] + PROCESSES * TXNS
    assert after["imported"] == IMPORT_ROWS, imported[-2000:]

    # 8 API editors on one project: each edit applied (200) or refused as stale (412).
    editors = [
        _start(env, "-m", "tests.reliability.concurrency", "api", str(API_EDITS), f"e{n}")
        for n in range(PROCESSES)
    ]
    results = [json.loads(_finish(e).strip().splitlines()[-1]) for e in editors]
    statuses = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    assert set(statuses) <= {"200", "412"}, statuses
    assert sum(statuses.values()) == PROCESSES * API_EDITS
    applied = [note for r in results for note in r["applied"]]
    assert len(applied) == statuses.get("200", 0) >= 1
    final = _role(env, "state")
    history = final["project_notes"]
    # Every applied edit is one history row of its own; the record holds the last one.
    assert sorted(n for n in history if n.startswith("接口编辑")) == sorted(applied)
    assert final["project_note"] in applied
