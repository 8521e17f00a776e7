"""The bulletin in three formats as a background job: queued from the draft page,
made by the real worker, progress on the job page (polled by htmx), files kept.

Personas (tests/conftest.py): admin and leader see the whole 黔东南州 tree;
r522601 reports for 凯里市 only and may not take the prefecture's bulletin.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from zhaoshang.jobs.models import Job, JobState
from zhaoshang.jobs.services import do_start_job

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2026-11-27"


def _start(client, personas) -> Job:
    url = reverse("dispatch:draft_files", args=[personas.campaign.code])
    response = client.post(url, {"as_of": AS_OF})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job", args=[job.code])
    return job


def test_draft_page_offers_the_background_files(client_for, personas):
    page = client_for("admin").get(
        reverse("dispatch:draft", args=[personas.campaign.code]), {"as_of": AS_OF}
    )
    assert reverse("dispatch:draft_files", args=[personas.campaign.code]) in page.text
    assert "后台生成全部文件" in page.text


def test_job_runs_in_the_worker_and_keeps_three_files(client_for, personas, run_worker):
    admin = client_for("admin")
    job = _start(admin, personas)
    assert job.state == JobState.QUEUED and job.task_id

    # Before the worker ran: the page says it is queued and keeps polling.
    page = admin.get(reverse("jobs:job", args=[job.code]))
    assert "排队中" in page.text
    assert 'hx-trigger="every 1s"' in page.text

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.done, job.total) == (4, 4)  # the figures, then Word, Excel, JSON
    assert job.result["as_of"] == AS_OF

    # The poll's answer: finished, three downloads, and no further polling.
    fragment = admin.get(reverse("jobs:job", args=[job.code]), headers={"HX-Request": "true"})
    assert 'id="job-status"' in fragment.text and "<html" not in fragment.text
    assert "已完成" in fragment.text
    assert "hx-trigger" not in fragment.text
    for fmt in ("docx", "xlsx", "json"):
        assert reverse("jobs:file", args=[job.code, fmt]) in fragment.text

    # The kept JSON is the same document the draft download gives.
    kept = admin.get(reverse("jobs:file", args=[job.code, "json"]))
    direct = admin.get(
        reverse("dispatch:draft_download", args=[personas.campaign.code, "json"]),
        {"as_of": AS_OF},
    )
    kept_doc, direct_doc = json.loads(b"".join(kept.streaming_content)), json.loads(direct.content)
    # Only the moment each was made differs.
    assert kept_doc["bulletin"].pop("generated_at") <= direct_doc["bulletin"].pop("generated_at")
    assert kept_doc == direct_doc
    assert "filename*=utf-8''" in kept["Content-Disposition"]
    assert "MQDH2026" in kept["Content-Disposition"]

    word = admin.get(reverse("jobs:file", args=[job.code, "docx"]))
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(word.streaming_content)[:2] == b"PK"


def test_only_the_owner_sees_the_job(client_for, personas, run_worker):
    job = _start(client_for("leader"), personas)  # a leader reads: may take the files
    run_worker()
    for name in ("admin", "r522601", "outsider"):
        client = client_for(name)
        assert client.get(reverse("jobs:job", args=[job.code])).status_code == 404
        assert client.get(reverse("jobs:file", args=[job.code, "json"])).status_code == 404
    # The system administrator sees every job.
    assert client_for("root").get(reverse("jobs:job", args=[job.code])).status_code == 200


def test_a_reporter_cannot_start_the_prefecture_bulletin(client_for, personas):
    url = reverse("dispatch:draft_files", args=[personas.campaign.code])
    assert client_for("r522601").post(url, {"as_of": AS_OF}).status_code == 403
    assert not Job.objects.exists()


def test_scope_is_checked_again_when_the_job_runs(client_for, personas, run_worker):
    # Queued for someone who does not (or no longer) see the campaign's root.
    job = do_start_job(
        "bulletin",
        user=personas.user("r522601"),
        title="调度通报文件",
        params={"campaign": personas.campaign.code, "as_of": AS_OF},
    )
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "无权查看该行动的调度通报"
    assert not job.files.exists()
    page = client_for("r522601").get(reverse("jobs:job", args=[job.code]))
    assert "任务失败：无权查看该行动的调度通报" in page.text
