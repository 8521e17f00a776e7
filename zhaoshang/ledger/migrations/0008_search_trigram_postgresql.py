"""Pinyin/name search (`search_text LIKE '%…%'`) through trigram indexes on PostgreSQL.

A substring LIKE cannot use a B-tree; pg_trgm's GIN index finds the rows for
any query of three or more characters. SQLite keeps its covering
(responsible_unit, search_text) index (0004), read instead of the wide rows;
there this migration does nothing. Creating the extension needs a role that
may create extensions (see docs/performance.md, deployment notes).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = (
    ("ledger_project_search_trgm", "ledger_project"),
    ("ledger_enterprise_search_trgm", "ledger_enterprise"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_followup_feed_order")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
