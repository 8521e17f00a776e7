"""Starting a job, and the job's own reports of how far it got.

``do_start_job`` writes the job and puts it on the queue in one transaction:
either both exist or neither. The worker then calls the kind's runner
(``RUNNERS``) with a :class:`Progress` that saves each step at once, so the
page that polls the job sees it move.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from zhaoshang.jobs.models import Job, JobFile, JobState

# kind → "module.function(job, progress) -> dict" (the result kept on the job).
RUNNERS = {
    "bulletin": "zhaoshang.dispatch.jobs.bulletin_files",
    "reminders": "zhaoshang.notify.jobs.send_reminders",
}


def do_start_job(kind: str, *, user, title: str, params: dict | None = None) -> Job:
    """Create the job and queue it; returns the job (state 排队中)."""
    from zhaoshang.jobs.tasks import run_job

    if kind not in RUNNERS:
        raise ValueError(f"未知的后台任务类型「{kind}」")
    with transaction.atomic():
        job = Job.objects.create(kind=kind, user=user, title=title, params=params or {})
        queued = run_job.enqueue(job.pk)
        job.task_id = str(queued.id)
        job.save(update_fields=["task_id"])
    return job


class Progress:
    """What a runner reports as it goes; every call is saved at once (one UPDATE)."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, done: int | None = None, total: int | None = None, step: str | None = None):
        fields = {}
        if done is not None:
            fields["done"] = self.job.done = done
        if total is not None:
            fields["total"] = self.job.total = total
        if step is not None:
            fields["step"] = self.job.step = step[:200]
        if fields:
            Job.objects.filter(pk=self.job.pk).update(**fields)

    def keep_file(self, key: str, name: str, content_type: str, data: bytes) -> JobFile:
        """Keep a finished file of the job (replacing one of the same key)."""
        JobFile.objects.filter(job=self.job, key=key).delete()
        return JobFile.objects.create(
            job=self.job, key=key, name=name, content_type=content_type, size=len(data), data=data
        )


def run(job_id: int) -> dict:
    """Run the job now (the worker calls this); the result is kept on the job."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return job.result
    job.state = JobState.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["state", "started_at"])
    progress = Progress(job)
    try:
        result = import_string(RUNNERS[job.kind])(job, progress)
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=_failure_text(exc), finished_at=timezone.now()
        )
        raise
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        result=result or {},
        done=job.total or job.done,
        step="",
        finished_at=timezone.now(),
    )
    return result or {}


def _failure_text(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    if messages:
        return "；".join(str(m) for m in messages)
    return str(exc) or exc.__class__.__name__
