"""A job's page (polled by htmx until it finishes) and its files.

A job is seen by the person who started it (and the system administrator);
anyone else gets 404, as for any record out of scope.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhaoshang.jobs.models import Job

# How often the page asks how far the job got, in seconds.
POLL_SECONDS = 1


def visible_jobs(user):
    """The jobs ``user`` may open: their own (all of them for the system administrator)."""
    jobs = Job.objects.all()
    if user.is_superuser:
        return jobs
    return jobs.filter(user=user)


def _job(request, code: str) -> Job:
    job = visible_jobs(request.user).filter(code=code).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def job_detail(request, code: str):
    job = _job(request, code)
    context = {"job": job, "files": list(job.files.defer("data")), "poll": POLL_SECONDS}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "jobs/_status.html", context)
    return render(request, "jobs/job.html", context)


@login_required
@require_GET
def job_file(request, code: str, fmt: str):
    job = _job(request, code)
    kept = job.files.filter(key=fmt).first()
    if kept is None:
        raise Http404
    return FileResponse(
        io.BytesIO(bytes(kept.data)),
        as_attachment=True,
        filename=kept.name,
        content_type=kept.content_type,
    )
