"""Every command migrates first: `zhaoshang load FILE` on a new, empty database works.

Run as a separate process against a database nobody has created yet: a new
SQLite file, and (when the suite runs on PostgreSQL) a new PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.workbook.conftest import base_sheets, write_sheets

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], database_url: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url, ZHAOSHANG_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _check_load(tmp_path: Path, database_url: str) -> None:
    book = write_sheets(tmp_path / "数据.xlsx", base_sheets())
    done = _run(["load", str(book), "--json"], database_url, tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    document = json.loads(done.stdout)
    assert document["counts"]["项目"]["created"] == 3
    # The second command finds the schema in place and the data loaded.
    again = _run(["load", str(book), "--json"], database_url, tmp_path / "data")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["counts"]["项目"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }


def test_load_on_a_new_sqlite_file(tmp_path):
    database = tmp_path / "新库" / "zhaoshang.sqlite3"
    database.parent.mkdir()
    _check_load(tmp_path, f"sqlite:///{database}")
    assert database.exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the suite runs on SQLite; the PostgreSQL case runs in the PostgreSQL pass",
)
def test_load_on_a_new_postgresql_database(tmp_path):
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"zs_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _check_load(tmp_path, f"{server}/{name}")
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
