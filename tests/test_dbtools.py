import pytest
from django.db import connection

from zhaoshang.dbtools import refresh_planner_statistics


@pytest.mark.django_db(transaction=True)
def test_planner_statistics_are_collected_on_sqlite():
    refresh_planner_statistics()
    if connection.vendor != "sqlite":
        return  # PostgreSQL keeps its own statistics; nothing to do there
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone()[0] == 1
