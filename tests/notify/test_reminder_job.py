"""`remind` as a background job: started from the outbox page, sent by the real
worker, the run's result kept on the job. The world is tests/notify/test_remind.py's:
on Thursday 2026-11-26 three messages are due (黎平县 robot + e-mail, 开发区 robot).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.notify.test_remind import THURSDAY, world  # noqa: F401
from zhaoshang.jobs.models import Job, JobState
from zhaoshang.jobs.services import do_start_job
from zhaoshang.notify.models import Message, MessageState

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_days_run_as_a_job_keeps_its_result(world, personas, run_worker, client_for):  # noqa: F811
    job = do_start_job(
        "reminders",
        user=personas.user("admin"),
        title="发送今日提醒",
        params={"as_of": THURSDAY.isoformat(), "hold": False},
    )
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (3, 3)  # one step per message sent
    assert job.result["queued"] == 3 and job.result["sent"] == 3 and job.result["failed"] == 0
    assert job.result["summary"] == "已发送 3 条提醒，失败 0 条。"
    assert Message.objects.filter(state=MessageState.SENT).count() == 3
    assert len(world["hooks"].received) == 2 and len(world["mailbox"].messages) == 1
    page = client_for("admin").get(reverse("jobs:job", args=[job.code]))
    assert "已发送 3 条提醒，失败 0 条。" in page.text


def test_outbox_button_is_for_the_top_administrator(client_for, personas):
    url = reverse("notify:run_now")
    assert "立即发送今日提醒" in client_for("admin").get(reverse("notify:outbox")).text
    for name in ("leader", "r522601"):
        assert "立即发送今日提醒" not in client_for(name).get(reverse("notify:outbox")).text
        assert client_for(name).post(url).status_code == 403
    assert not Job.objects.exists()
    response = client_for("admin").post(url)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job", args=[job.code])
    assert job.kind == "reminders" and job.params["hold"] is True
