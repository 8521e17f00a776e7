"""A task of the prefecture office for 凯里市, with 州投资促进局 assisting."""

from datetime import date

import pytest

from zhaoshang.supervision.services import create_task


@pytest.fixture
def task(personas):
    return create_task(
        "新能源电池材料项目二期用地报批",
        personas.unit("522601"),
        date(2026, 12, 10),
        actor=personas.user("admin"),
        campaign=personas.campaign,
        goal="12月10日前完成用地预审",
        assisting_units=[personas.unit("522600-TC")],
        person="王明",
        leader_watching=True,
        assigned_on=date(2026, 11, 27),
    )
