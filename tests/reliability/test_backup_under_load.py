"""Backup under load (issue 10): ``zhaoshang backup`` taken while two processes keep
writing (read-modify-write transactions, each with its history row) restores —
into a new, empty database — to a copy that passes the integrity checks, whose
every table has the manifest's row count, and whose figures agree with their own
history (the copy is one consistent moment, not a mix of before and after).
On a file SQLite database, and on PostgreSQL when ``DATABASE_URL`` points at it."""

from __future__ import annotations

import json
import sqlite3
import uuid
from decimal import Decimal

import pytest

from .test_concurrency import _env, _finish, _pg_url, _role, _start, database  # noqa: F401

# The 凯里市 contract target of the personas' world, before any concurrent write.
INITIAL_TARGET = Decimal("50000")
WRITES = 20

pytestmark = pytest.mark.concurrency


def _empty_database(engine: str, tmp_path) -> dict:
    if engine == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored' / 'zhaoshang.sqlite3'}"}
    import psycopg

    url = _pg_url()
    name = f"zs_restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return {"DATABASE_URL": f"{url.rpartition('/')[0]}/{name}", "drop": name}


def test_backup_while_writing_restores_to_a_consistent_checked_copy(tmp_path, database):  # noqa: F811
    engine = "sqlite" if database["DATABASE_URL"].startswith("sqlite") else "postgresql"
    live_dir = tmp_path / "live"
    live_dir.mkdir()
    env = _env(live_dir, database)
    _role(env, "setup")
    stop = tmp_path / "stop-writing"
    writers = [
        _start(env, "-m", "tests.reliability.concurrency", "rmw", str(WRITES), str(stop))
        for _ in range(2)
    ]
    folder = tmp_path / "backup"
    try:
        # The backup starts once the writers are writing (a condition, not a delay).
        while _role(env, "state")["target_writes"] == 0:
            assert all(w.poll() is None for w in writers), "the writers stopped before writing"
        backup = _start(env, "-m", "zhaoshang", "backup", "-o", str(folder))
        _finish(backup)
    finally:
        stop.touch()
        applied = sum(json.loads(_finish(w).strip().splitlines()[-1])["applied"] for w in writers)
    manifest = json.loads((folder / "manifest.json").read_text())
    live = _role(env, "state")
    assert live["target_writes"] == applied >= 2 * WRITES

    (tmp_path / "restored").mkdir()
    fresh = _empty_database(engine, tmp_path)
    drop = fresh.pop("drop", None)
    try:
        restored_env = _env(tmp_path / "restored", fresh)
        done = _start(restored_env, "-m", "zhaoshang", "restore", str(folder), "--yes")
        assert "与备份清单一致" in _finish(done)
        copy = _role(restored_env, "state")
        # One consistent moment: the figure is the start plus exactly the writes in history.
        assert Decimal(copy["target"]) == INITIAL_TARGET + copy["target_writes"]
        # Taken while they wrote: some writes are in the copy, and some came after it.
        assert 0 < copy["target_writes"] < applied, (copy["target_writes"], applied)
        if engine == "sqlite":
            db = tmp_path / "restored" / "zhaoshang.sqlite3"
            check = sqlite3.connect(db)
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = [
                r[0]
                for r in check.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            counts = {t: check.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
            check.close()
            assert counts == manifest["tables"]
    finally:
        if drop:
            import psycopg

            with psycopg.connect(_pg_url(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')
