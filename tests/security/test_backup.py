"""`zhaoshang backup` / `restore` on a file SQLite database while another process
writes, `demo --reset` refusing real data (finding 7) and `bulletin -o DIRECTORY`
(finding 8), each run as the command a user types."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(data_dir: Path, *args, db: Path | None = None, stdin=subprocess.DEVNULL):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = f"sqlite:///{db or data_dir / 'zhaoshang.sqlite3'}"
    env["DJANGO_SUPERUSER_PASSWORD"] = "Zs-real-admin-2026!"
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=stdin,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A data directory with the demo loaded and one uploaded file."""
    folder = tmp_path_factory.mktemp("demo")
    done = run(folder, "demo")
    assert done.returncode == 0, done.stderr
    media = folder / "media" / "evidence"
    media.mkdir(parents=True)
    (media / "合同扫描件.pdf").write_bytes(b"%PDF-1.4 demo")
    return folder


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def test_backup_under_writes_restores_to_an_identical_checked_copy(demo_dir, tmp_path):
    db = demo_dir / "zhaoshang.sqlite3"
    conn = sqlite3.connect(db, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS probe_writes (n INTEGER)")
    conn.commit()
    stop = threading.Event()
    written = []

    def writer():
        while not stop.is_set():
            conn.execute("INSERT INTO probe_writes VALUES (?)", (len(written),))
            conn.commit()
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        folder = tmp_path / "backup"
        done = run(demo_dir, "backup", "-o", str(folder))
    finally:
        stop.set()
        thread.join()
        conn.close()
    assert done.returncode == 0, done.stderr
    assert "完整性检查" in done.stdout
    assert written, "the writer ran during the backup"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["ledger_project"] > 0 and manifest["media_files"] == 1
    assert oct((folder).stat().st_mode & 0o777) == oct(0o700)
    assert oct((folder / "database.sqlite3").stat().st_mode & 0o777) == oct(0o600)

    # The drill: restore into a new, empty deployment.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    refused = run(fresh, "restore", str(folder))
    assert refused.returncode == 2 and "未确认" in refused.stderr
    restored = run(fresh, "restore", str(folder), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "与备份清单一致" in restored.stdout
    assert _counts(fresh / "zhaoshang.sqlite3") == manifest["tables"]
    check = sqlite3.connect(fresh / "zhaoshang.sqlite3")
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    assert (fresh / "media" / "evidence" / "合同扫描件.pdf").read_bytes() == b"%PDF-1.4 demo"


def test_bulletin_into_a_directory(demo_dir, tmp_path):
    done = run(
        demo_dir, "bulletin", "--campaign", "MQDH2026", "--format", "json", "-o", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    (written,) = tmp_path.glob("调度通报_MQDH2026_*.json")
    assert json.loads(written.read_text())["campaign"]["code"] == "MQDH2026"


def test_demo_reset_refuses_real_data_then_backs_up_when_confirmed(tmp_path):
    data = tmp_path / "real"
    data.mkdir()
    assert run(data, "demo").returncode == 0
    made = run(
        data, "createsuperuser", "--noinput", "--username", "real_admin", "--email", "a@b.cn"
    )
    assert made.returncode == 0, made.stderr

    plain = run(data, "demo")
    assert plain.returncode == 2
    assert "非演示账号" in plain.stderr and "--reset" not in plain.stderr

    refused = run(data, "demo", "--reset")
    assert refused.returncode == 2 and "未清空" in refused.stderr
    assert "real_admin" in [
        r[0]
        for r in sqlite3.connect(data / "zhaoshang.sqlite3").execute(
            "SELECT username FROM auth_user"
        )
    ]

    confirmed = run(data, "demo", "--reset", "--yes")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "已备份到" in confirmed.stderr
    (backup,) = (data / "backups").iterdir()
    saved = sqlite3.connect(backup / "database.sqlite3")
    assert saved.execute(
        "SELECT COUNT(*) FROM auth_user WHERE username='real_admin'"
    ).fetchone() == (1,)
    live = sqlite3.connect(data / "zhaoshang.sqlite3")
    assert live.execute(
        "SELECT COUNT(*) FROM auth_user WHERE username='real_admin'"
    ).fetchone() == (0,)


def test_secret_key_and_database_are_private(tmp_path):
    data = tmp_path / "fresh"
    done = run(data, "migrate", "-v0")
    assert done.returncode == 0, done.stderr
    assert oct(data.stat().st_mode & 0o777) == oct(0o700)
    assert oct((data / "secret_key").stat().st_mode & 0o777) == oct(0o600)
    assert oct((data / "zhaoshang.sqlite3").stat().st_mode & 0o777) == oct(0o600)
