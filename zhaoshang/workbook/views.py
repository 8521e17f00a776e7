"""Import in the browser: upload → whole-file check → preview → confirm → result.

The uploaded file is kept in the data directory under a random token, only
for the user who sent it. The preview validates it (nothing is written, no
lock is taken); confirming validates it again and commits it in one
transaction through the same engine as ``zhaoshang load``, with the user's
scope enforced and history whose reason names the file, the user and the
batch. If the plan inside that transaction differs from the preview the
user confirmed (the ledger changed meanwhile), nothing is written and the
new preview is shown.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.org.models import EDITING_ROLES
from zhaoshang.org.scope import scope_of
from zhaoshang.workbook import schema
from zhaoshang.workbook.loader import Import
from zhaoshang.workbook.reader import MAX_FILE_BYTES, UnusableWorkbook, read_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = (".xlsx", ".xlsm", ".xls", ".csv")
# Rows listed per sheet and action in the preview; the counts are always complete.
SHOWN_ROWS = 200
TOKEN_LENGTH = 32


def _root() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _may_import(user) -> bool:
    scope = scope_of(user)
    return scope.everything or any(role in EDITING_ROLES for _path, role in scope.grants)


def _upload(request, token: str) -> tuple[Path, dict]:
    """The user's own upload (anyone else's, or an unknown token, is a 404)."""
    if len(token) != TOKEN_LENGTH or not all(c in "0123456789abcdef" for c in token):
        raise Http404
    folder = _root() / token
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user") != request.user.pk:
        raise Http404
    return folder, meta


def _job(request, folder: Path, meta: dict) -> tuple[Import, object | None]:
    """The import of the upload, validated as the user; (job, None) or (None, message)."""
    path = folder / meta["stored"]
    user = request.user
    reason = f"网页导入 {meta['name']}（{user.get_username()}，批次 {folder.name[:8]}）"
    job = Import(meta["name"], actor=user, reason=reason)
    try:
        book = read_file(path, name=meta["name"], sheet=meta.get("sheet") or None)
        job.validate(book)
    except UnusableWorkbook as exc:
        return None, str(exc)
    return job, None


def _sheet_rows(job: Import) -> list[dict]:
    """Per sheet: counts, and the rows to create and to update (each change old → new)."""
    sheets = []
    for name, counts in job.ctx.counts.items():
        handler = job.ctx.handlers[name]
        creates, updates = [], []
        for plan in handler.plans:
            if plan.action == "create" and len(creates) < SHOWN_ROWS:
                creates.append({"row": plan.row.number, "key": plan.key})
            elif plan.action == "update" and len(updates) < SHOWN_ROWS:
                updates.append(
                    {
                        "row": plan.row.number,
                        "key": plan.key,
                        "changes": [
                            {"column": c, "old": old, "new": new}
                            for c, (old, new) in plan.changes.items()
                        ],
                    }
                )
        sheets.append(
            {
                "name": name,
                "counts": counts,
                "creates": creates,
                "updates": updates,
                "more_creates": max(0, counts.created - len(creates)),
                "more_updates": max(0, counts.updated - len(updates)),
            }
        )
    return sheets


def _preview(request, folder: Path, meta: dict, job: Import, status: int = 200, stale=False):
    result = job.result(dry_run=True)
    context = {
        "token": folder.name,
        "name": meta["name"],
        "errors": result.errors,
        "warnings": result.warnings,
        "sheets": _sheet_rows(job),
        "digest": job.digest(),
        "persons": result.persons_created,
        "nothing_to_do": not result.errors
        and all(c.created == 0 and c.updated == 0 for c in result.counts.values()),
        "stale": stale,
    }
    response = render(request, "workbook/preview.html", context, status=status)
    response["X-Preview-URL"] = reverse("workbook:preview", args=[folder.name])
    return response


@login_required
def start(request):
    """The upload form (GET) and the upload itself (POST → the preview)."""
    if not _may_import(request.user):
        raise PermissionDenied
    context = {
        "accepted": ",".join(ACCEPTED),
        "limit_mb": MAX_FILE_BYTES // (1024 * 1024),
        "sheets": [s.name for s in schema.SHEETS if s.supported],
    }
    if request.method != "POST":
        return render(request, "workbook/start.html", context)
    upload = request.FILES.get("file")
    problem = None
    if upload is None:
        problem = _("请选择要导入的文件（.xlsx、.xls 或 .csv）")
    elif upload.size > MAX_FILE_BYTES:
        problem = _("文件「%(name)s」超过上限 %(mb)s MB，未导入") % {
            "name": upload.name,
            "mb": MAX_FILE_BYTES // (1024 * 1024),
        }
    elif not upload.name.lower().endswith(ACCEPTED):
        problem = _("文件「%(name)s」不是 .xlsx、.xls 或 .csv 文件") % {"name": upload.name}
    if problem:
        context["problem"] = problem
        return render(request, "workbook/start.html", context, status=400)
    token = secrets.token_hex(TOKEN_LENGTH // 2)
    folder = _root() / token
    folder.mkdir(parents=True)
    stored = "upload" + Path(upload.name).suffix.lower()
    with (folder / stored).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    sheet = request.POST.get("sheet", "")
    meta = {
        "user": request.user.pk,
        "name": Path(upload.name).name[:200],
        "stored": stored,
        "sheet": sheet if sheet in context["sheets"] else "",
        "at": timezone.now().isoformat(),
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    job, unusable = _job(request, folder, meta)
    if unusable:
        shutil.rmtree(folder, ignore_errors=True)
        context["problem"] = unusable
        return render(request, "workbook/start.html", context, status=400)
    return _preview(request, folder, meta, job)


@login_required
@require_GET
def preview(request, token: str):
    folder, meta = _upload(request, token)
    job, unusable = _job(request, folder, meta)
    if unusable:
        messages.error(request, unusable)
        return redirect("workbook:start")
    return _preview(request, folder, meta, job)


@login_required
@require_GET
def errors(request, token: str):
    """The uploaded workbook with the bad cells highlighted and a 错误说明 column."""
    from zhaoshang.workbook.annotate import write_annotated

    folder, meta = _upload(request, token)
    job, unusable = _job(request, folder, meta)
    if unusable:
        messages.error(request, unusable)
        return redirect("workbook:start")
    handle = tempfile.TemporaryFile()
    write_annotated(handle, job.book, job.ctx)
    handle.seek(0)
    stem = Path(meta["name"]).stem
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-错误说明.xlsx")
    return response


@login_required
@require_POST
def confirm(request, token: str):
    folder, meta = _upload(request, token)
    job, unusable = _job(request, folder, meta)
    if unusable:
        messages.error(request, unusable)
        return redirect("workbook:start")
    if job.ctx.findings.has_errors:
        return _preview(request, folder, meta, job, status=400)
    job.commit(expect=request.POST.get("digest", ""))
    if job.stale:
        return _preview(request, folder, meta, job, status=409, stale=True)
    result = job.result(dry_run=False)
    if result.errors:
        return _preview(request, folder, meta, job, status=400)
    document = result.as_dict()
    # Generated passwords are shown once, from the session, never kept on disk.
    request.session[f"import-passwords-{token}"] = document.pop("passwords")
    document["persons_created"] = result.persons_created
    document["at"] = timezone.now().isoformat()
    from zhaoshang.security import security_event

    security_event("import", request, file=meta.get("name") or meta.get("stored"), errors=0)
    (folder / "result.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (folder / meta["stored"]).unlink(missing_ok=True)
    return redirect("workbook:result", token)


@login_required
@require_GET
def result(request, token: str):
    folder, meta = _upload(request, token)
    try:
        document = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return redirect("workbook:preview", token)
    document["passwords"] = request.session.pop(f"import-passwords-{token}", [])
    return render(request, "workbook/result.html", {"name": meta["name"], "result": document})


@login_required
@require_GET
def template(request):
    """The empty data workbook (or one sheet of it: ?sheet=项目) to fill in."""
    from zhaoshang.workbook.template import write_template

    sheet = request.GET.get("sheet") or None
    if sheet is not None and sheet not in schema.BY_NAME:
        raise Http404
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")
    write_template(handle.name, sheets=[sheet] if sheet else None, scope=scope_of(request.user))
    name = f"{sheet}-导入模板.xlsx" if sheet else "数据工作簿模板.xlsx"
    response = FileResponse(open(handle.name, "rb"), content_type=XLSX)  # noqa: SIM115
    handle.close()
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
