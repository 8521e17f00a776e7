"""A dispatch cycle on top of the personas (tests/conftest.py).

Rounds of MQDH2026, opened by the office (admin):
  r1  Friday 2026-11-20 17:00 (passed)
      凯里市 reported 11-20 16:00 (on time, by r522601), 黎平县 11-21 09:00 (late),
      凯里经济开发区 and 州投资促进局 not at all (missing)
  r2  a week from now (open: everyone is still "pending")
第1期 published as of 2026-11-20 by admin. On that day the personas' figures
are 凯里市 30000 (KL-002 comes on 11-20: contract 11-20, so counted: 41000),
开发区 30000, 黎平县 9000 — see tests/dispatch_web/test_bulletin_pages.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from zhaoshang.dispatch.models import Bulletin, ReminderRequest, ReportingRound, Submission
from zhaoshang.dispatch.services import do_create_round, do_publish_bulletin, do_submit_report

FIRST_AS_OF = date(2026, 11, 20)
REPORT = {"progress": "本周签约项目2个", "problems": "用地指标紧张", "plan": "继续跟进"}


def at(month, day, hour, minute=0) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


@pytest.fixture
def cycle(personas):
    admin = personas.user("admin")
    r1, _ = do_create_round(personas.campaign, at(11, 20, 17), actor=admin)
    r2, _ = do_create_round(
        personas.campaign,
        (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0),
        actor=admin,
    )
    do_submit_report(
        r1, personas.unit("522601"), actor=personas.user("r522601"), at=at(11, 20, 16), **REPORT
    )
    do_submit_report(
        r1,
        personas.unit("522631"),
        actor=personas.user("r522631"),
        at=at(11, 21, 9),
        progress="黎平县推进在谈项目",
        problems="黎平县的困难",
        plan="",
    )
    first = do_publish_bulletin(personas.campaign, FIRST_AS_OF, actor=admin)
    return {"r1": r1, "r2": r2, "first": first}


def dispatch_rows() -> tuple:
    """Counts any dispatch write would change, history included."""
    return tuple(
        model.objects.count()
        for model in (
            ReportingRound,
            ReportingRound.history.model,
            Submission,
            Submission.history.model,
            ReminderRequest,
            ReminderRequest.history.model,
            Bulletin,
            Bulletin.history.model,
        )
    )
