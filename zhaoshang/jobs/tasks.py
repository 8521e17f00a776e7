"""The one django-tasks task: run a job by its id (the job row says what to do)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> dict:
    from zhaoshang.jobs.services import run

    return run(job_id)
