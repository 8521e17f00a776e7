"""`zhaoshang backup` / `zhaoshang restore` (docs/security.md, the restore drill).

A backup is a folder (0700) holding the database copy, the uploaded files and
``manifest.json`` with every table's row count. SQLite is copied with its
online backup API, so the platform keeps writing meanwhile; PostgreSQL with
``pg_dump`` in custom format. A backup is verified as it is written (SQLite:
``PRAGMA integrity_check`` of the copy; PostgreSQL: ``pg_restore --list``) and
a restore re-counts every table against the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore that could not be made or did not verify (Chinese message)."""


@dataclass
class BackupResult:
    folder: Path
    tables: dict[str, int]
    files: int

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def default_folder() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"zhaoshang-{stamp}"


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _sqlite_check(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"数据库副本 {path} 未通过完整性检查：{result}")
        return _sqlite_counts(conn)
    finally:
        conn.close()


def _database_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"未找到 {name}：请安装 PostgreSQL 客户端（Debian：postgresql-client）")


def _pg_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _copy_media(source: Path, target: Path) -> int:
    if not source.exists():
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


def backup(folder: Path | None = None) -> BackupResult:
    """Writes and verifies a backup of the database and the uploaded files."""
    folder = Path(folder) if folder else default_folder()
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"备份目录 {folder} 已存在且不为空，请换一个目录")
    _private_dir(folder)
    old_umask = os.umask(0o077)
    try:
        if connection.vendor == "sqlite":
            target = folder / SQLITE_FILE
            source = sqlite3.connect(_database_name(), timeout=60)
            copy = sqlite3.connect(target)
            try:
                # The online backup API: a consistent copy while others keep writing.
                source.backup(copy)
            finally:
                copy.close()
                source.close()
            tables = _sqlite_check(target)
            engine = "sqlite"
        elif connection.vendor == "postgresql":
            target = folder / PG_FILE
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            # The counts and the dump read one snapshot, so the manifest matches the dump.
            with connection.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                    tables = _pg_counts()
                    run = subprocess.run(
                        [
                            _pg_tool("pg_dump"),
                            "-Fc",
                            "--no-owner",
                            f"--snapshot={snapshot}",
                            "-f",
                            str(target),
                        ],
                        env=_pg_env(),
                        capture_output=True,
                        text=True,
                    )
                finally:
                    cursor.execute("COMMIT")
            if run.returncode != 0:
                raise BackupError(f"pg_dump 失败：{run.stderr.strip()}")
            listed = subprocess.run(
                [_pg_tool("pg_restore"), "--list", str(target)], capture_output=True, text=True
            )
            if listed.returncode != 0 or "TABLE DATA" not in listed.stdout:
                raise BackupError(f"数据库副本 {target} 无法读取：{listed.stderr.strip()}")
            engine = "postgresql"
        else:
            raise BackupError(f"不支持备份 {connection.vendor} 数据库")
        files = _copy_media(Path(settings.MEDIA_ROOT), folder / MEDIA_DIR)
        manifest = {
            "created": timezone.now().isoformat(timespec="seconds"),
            "engine": engine,
            "tables": tables,
            "media_files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    finally:
        os.umask(old_umask)
    return BackupResult(folder, tables, files)


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} 不是本平台的备份（缺少 {MANIFEST}）")
    return json.loads(path.read_text())


def restore(folder: Path) -> BackupResult:
    """Replaces the database and the uploaded files by the backup's, then re-counts every table."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    expected = manifest["tables"]
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['engine']} 数据库，当前数据库是 {connection.vendor}，不能直接恢复"
        )
    connection.close()
    if connection.vendor == "sqlite":
        source_path = folder / SQLITE_FILE
        _sqlite_check(source_path)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        live = sqlite3.connect(_database_name(), timeout=60)
        try:
            # Page by page into the live file, under its write lock: other
            # connections see the old database or the restored one, nothing between.
            source.backup(live)
        finally:
            live.close()
            source.close()
        tables = _sqlite_check(Path(_database_name()))
    else:
        run = subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                _pg_env()["PGDATABASE"],
                str(folder / PG_FILE),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise BackupError(f"pg_restore 失败：{run.stderr.strip()}")
        tables = _pg_counts()
    differ = {
        name: (count, tables.get(name))
        for name, count in expected.items()
        if tables.get(name) != count
    }
    if differ:
        details = "，".join(
            f"{n}：应为 {a} 行，实为 {b}" for n, (a, b) in sorted(differ.items())[:5]
        )
        raise BackupError(f"恢复后的行数与备份清单不符：{details}")
    media = Path(settings.MEDIA_ROOT)
    files = 0
    if (folder / MEDIA_DIR).exists():
        with tempfile.TemporaryDirectory(dir=media.parent) as spare:
            if media.exists():
                media.rename(Path(spare) / "old")
            files = _copy_media(folder / MEDIA_DIR, media)
    return BackupResult(folder, tables, files)
