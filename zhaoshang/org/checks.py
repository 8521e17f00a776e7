"""Start-up checks: the SQLite database must run in WAL mode with IMMEDIATE transactions."""

from django.core.checks import Error, Tags, register
from django.db import connection


@register(Tags.database, deploy=True)
def sqlite_concurrency(app_configs, databases=None, **kwargs):
    if connection.vendor != "sqlite" or not databases:
        return []
    errors = []
    if connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
        errors.append(
            Error(
                "SQLite 未使用 IMMEDIATE 事务模式，并发写入会出现“database is locked”。",
                id="zhaoshang.E001",
            )
        )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    if mode.lower() not in {"wal", "memory"}:
        errors.append(Error(f"SQLite 日志模式为 {mode}，应为 WAL。", id="zhaoshang.E002"))
    return errors


def check_sqlite_now() -> list[str]:
    """The same check, run eagerly by `zhaoshang serve` before it accepts requests."""
    return [e.msg for e in sqlite_concurrency(None, databases=["default"])]
