"""The demo runs the whole dispatch cycle: rounds with late and missing reports, two
published bulletins (so 环比 shows), and supervised tasks in every state.

As of the reference day Friday 2026-11-27 (no holiday in November):
  DB2026-002 due 11-06: (11-06, 11-27] = 15 working days → red
  DB2026-001 due 11-13: 10 → orange;  DB2026-003 due 11-24: 11-25, 26, 27 = 3 → blue
  DB2026-004 due Monday 11-30: 1 working day away → due soon
"""

from __future__ import annotations

import pytest

from zhaoshang.demo.scenario import load_demo
from zhaoshang.demo.workbook import REFERENCE_TODAY
from zhaoshang.dispatch.models import Bulletin, ReportingRound, Submission
from zhaoshang.supervision.models import State, Task, TaskStep
from zhaoshang.supervision.queries import with_status

pytestmark = pytest.mark.django_db


def test_tasks_in_every_status_and_state(demo):
    views = {v.task.code: v.status for v in with_status(Task.objects.all(), REFERENCE_TODAY)}
    assert {code: (s.status, s.level) for code, s in views.items()} == {
        "DB2026-001": ("overdue", "orange"),
        "DB2026-002": ("overdue", "red"),
        "DB2026-003": ("overdue", "blue"),
        "DB2026-004": ("due_soon", None),
        "DB2026-005": ("open", None),
        "DB2026-006": ("done", None),
        "DB2026-007": ("done_late", None),
        "DB2026-008": ("open", None),
    }
    states = set(Task.objects.values_list("state", flat=True))
    assert states == set(State.values)
    returned = Task.objects.get(code="DB2026-001")
    assert returned.extension_to is not None
    assert returned.steps.filter(kind="return").exists()


def test_rounds_with_late_and_missing_reports_and_two_bulletins(demo):
    assert ReportingRound.objects.count() == 4
    states = [s.state for s in Submission.objects.select_related("round")]
    assert {"on_time", "late", "missing"} <= set(states)
    first, second = Bulletin.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.previous == first
    assert second.document["bulletin"]["previous"]["number"] == 1
    assert second.document["tasks"]["count"] >= 1


def test_a_reload_the_same_day_adds_no_steps_or_bulletins(demo):
    before = (TaskStep.objects.count(), Bulletin.objects.count(), Submission.objects.count())
    load_demo(today=REFERENCE_TODAY)
    assert (
        TaskStep.objects.count(),
        Bulletin.objects.count(),
        Submission.objects.count(),
    ) == before


def test_the_demo_reminds_every_unit_into_the_local_mailbox(demo, settings, tmp_path):
    """The demo's units have addresses under .invalid: `remind` sends, and nothing leaves."""
    from zhaoshang.notify.models import ChannelSet
    from zhaoshang.notify.services import run_reminders

    settings.DATA_DIR = tmp_path
    # an outside mail server that would fail loudly if anything reached it
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    assert ChannelSet.objects.filter(emails__endswith="@demo.invalid").count() >= 17
    result = run_reminders(REFERENCE_TODAY, hold=False)
    assert result.queued and not result.failed and not result.unreachable
    kinds = {m.kind for m in result.queued}
    assert {"task_overdue", "task_due"} <= kinds
    files = list((tmp_path / "mailbox").iterdir())
    assert files
    text = "".join(f.read_text() for f in files)
    assert "@demo.invalid" in text
    assert run_reminders(REFERENCE_TODAY, hold=False).queued == []
