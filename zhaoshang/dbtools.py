"""Database housekeeping shared by bulk writers."""

from django.db import connection


def refresh_planner_statistics() -> None:
    """Let SQLite refresh its query-planner statistics after a large write.

    Without statistics SQLite can pick a poor plan once a ledger grows. A
    sampled ANALYZE (``analysis_limit``) takes about 0.1 s on a province-sized
    database. Skipped inside a transaction (the caller's work is not committed
    yet) and on PostgreSQL, whose autovacuum keeps statistics itself.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
