"""#10 finding 3 on a real file SQLite database with a second connection holding the lock.

- `load --dry-run` never writes and never takes the write lock: it succeeds
  while another connection holds it;
- a real import validates before it takes the lock and, when it cannot get it,
  says so (nothing written) instead of a traceback;
- a web save that cannot get the lock gets 503 「正在导入，请稍后再试」, not a 500.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workbook.conftest import base_sheets, write_sheets

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def file_db(tmp_path):
    database = tmp_path / "zhaoshang.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        ZHAOSHANG_DATA_DIR=str(tmp_path / "data"),
        ZHAOSHANG_SQLITE_TIMEOUT="1",
        PYTHONPATH=str(ROOT),
    )
    return database, env


def _zhaoshang(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def _counts(database: Path) -> tuple:
    with sqlite3.connect(database) as con:
        return tuple(
            con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("org_unit", "ledger_project", "ledger_historicalproject")
        )


def _hold_write_lock(database: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(database, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_dry_run_succeeds_while_another_connection_holds_the_write_lock(tmp_path, file_db):
    database, env = file_db
    assert _zhaoshang(["migrate", "-v", "0"], env).returncode == 0
    book = write_sheets(tmp_path / "数据.xlsx", base_sheets())
    before = _counts(database)
    holder = _hold_write_lock(database)
    try:
        done = _zhaoshang(["load", str(book), "--dry-run", "--json"], env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["dry_run"] is True and document["counts"]["项目"]["created"] == 3
    assert _counts(database) == before


def test_a_real_import_that_cannot_get_the_lock_says_so_and_writes_nothing(tmp_path, file_db):
    database, env = file_db
    assert _zhaoshang(["migrate", "-v", "0"], env).returncode == 0
    book = write_sheets(tmp_path / "数据.xlsx", base_sheets())
    before = _counts(database)
    holder = _hold_write_lock(database)
    try:
        done = _zhaoshang(["load", str(book), "--json"], env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"] == [
        "数据库正忙（另一项写入正在进行），未写入任何数据，请稍后再试"
    ]
    assert _counts(database) == before
    # Once the lock is free the same import goes through.
    assert _zhaoshang(["load", str(book)], env).returncode == 0


def test_a_web_save_that_cannot_get_the_lock_gets_503_not_500(file_db):
    database, env = file_db
    script = [sys.executable, "-m", "tests.workbook.scripts.web_save"]
    setup = subprocess.run(
        [*script, "setup"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert setup.returncode == 0, setup.stderr
    saver = subprocess.Popen(
        [*script, "save"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert json.loads(saver.stdout.readline()) == {"signed_in": True}
        holder = _hold_write_lock(database)
        try:
            saver.stdin.write("go\n")
            saver.stdin.flush()
            outcome = json.loads(saver.stdout.readline())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    finally:
        saver.communicate(timeout=60)
    assert outcome == {"status": 503, "busy": True, "note": ""}
