"""Task pages: the list, a task with its flow buttons, creation by hand, from a
meeting, from a leader's instruction and from a bulletin's flagged diagnosis.

Thin on purpose: reads go through ``visible()`` and the engine's task status,
writes through ``supervision/services.py`` (which re-checks scope: a task
out of scope is a 404, a step that is not the user's a 403).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.campaigns.models import Campaign
from zhaoshang.engine.tasks import DUE_SOON, OVERDUE
from zhaoshang.org.models import EDITING_ROLES, Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible
from zhaoshang.supervision import services
from zhaoshang.supervision.forms import (
    DecideExtensionForm,
    ExtensionForm,
    FilterForm,
    MeetingForm,
    MeetingFormSet,
    NoteForm,
    ReviewForm,
    TaskForm,
)
from zhaoshang.supervision.models import Source, Task
from zhaoshang.supervision.queries import filtered, listed, with_status

PER_PAGE = 50


def _editable_units(user):
    """Units the user may assign tasks to: those of their subtrees where they edit."""
    scope = scope_of(user)
    units = Unit.objects.order_by("path")
    if scope.everything:
        return units
    q = Q(pk__in=[])
    for path, role in scope.grants:
        if role in EDITING_ROLES:
            q |= Q(path__startswith=path)
    return units.filter(q)


def can_create(user) -> bool:
    return _editable_units(user).exists()


@login_required
def task_list(request):
    user = request.user
    form = FilterForm(request.GET or None)
    as_of = timezone.localdate()
    views = filtered(user, form.cleaned_data if form.is_valid() else {}, as_of)
    counts = {
        "overdue": sum(v.status.status == OVERDUE for v in views),
        "due_soon": sum(v.status.status == DUE_SOON for v in views),
    }
    page = Paginator(views, PER_PAGE).get_page(request.GET.get("page"))
    campaigns = visible(Campaign.objects.all(), user).order_by("-start", "code")
    return render(
        request,
        "supervision/list.html",
        {
            "form": form,
            "page": page,
            "as_of": as_of,
            "counts": counts,
            "campaigns": campaigns,
            "can_create": can_create(user),
            "query": request.GET.urlencode(),
        },
    )


def _task_or_404(user, code: str) -> Task:
    qs = listed(Task.objects.all())
    return get_visible_or_404(qs, user, code=code)


@login_required
def task_detail(request, code: str):
    user = request.user
    task = _task_or_404(user, code)
    (view,) = with_status([task], max(timezone.localdate(), task.assigned_on))
    steps = task.steps.select_related("by", "unit").order_by("at", "id")
    review = services.can_review(user, task)
    handle = services.can_handle(user, task)
    note = services.can_note(user, task)
    return render(
        request,
        "supervision/detail.html",
        {
            "task": task,
            "view": view,
            "steps": steps,
            "can_review": review,
            "can_handle": handle,
            "can_note": note,
            "note_form": NoteForm(),
            "review_form": ReviewForm(),
            "extension_form": ExtensionForm(),
            "decide_form": DecideExtensionForm(),
            "history": task.history.select_related("history_user").order_by("-history_id")[:50],
        },
    )


@login_required
def task_file(request, code: str, pk: int):
    """A step's file, for those who see the task (else 404)."""
    from zhaoshang.ledger.uploads import serve

    task = _task_or_404(request.user, code)
    step = task.steps.filter(pk=pk).exclude(attachment="").first()
    if step is None:
        raise Http404
    return serve(step.attachment, step.attachment_name or step.attachment.name)


STEPS = {"sign", "progress", "feedback", "review", "extension", "decide"}


@login_required
@require_POST
def task_step(request, code: str, step: str):
    if step not in STEPS:
        raise Http404
    user = request.user
    task = _task_or_404(user, code)
    try:
        if step == "sign":
            services.do_sign(task, actor=user)
            messages.success(request, _("已签收。"))
        elif step in ("progress", "feedback"):
            form = NoteForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("附件或说明有误。"))
            note, attachment = form.cleaned_data["note"], form.cleaned_data["attachment"]
            if step == "progress":
                services.do_add_progress(task, note, actor=user, attachment=attachment)
                messages.success(request, _("已记录办理进展。"))
            else:
                services.do_feedback(task, note, actor=user, attachment=attachment)
                messages.success(request, _("已反馈，等待交办单位复核。"))
        elif step == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请选择复核意见。"))
            accept = form.cleaned_data["decision"] == "accept"
            services.do_review(task, accept=accept, actor=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已办结销号。") if accept else _("已退回重办。"))
        elif step == "extension":
            form = ExtensionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写延期时限和原因。"))
            services.do_request_extension(
                task, form.cleaned_data["deadline"], form.cleaned_data["reason"], actor=user
            )
            messages.success(request, _("已提交延期申请。"))
        else:
            form = DecideExtensionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请选择审批意见。"))
            approve = form.cleaned_data["decision"] == "approve"
            services.do_decide_extension(
                task, approve=approve, actor=user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已同意延期。") if approve else _("已不同意延期。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("supervision:detail", code=task.code)


def _campaign_choice(user, code: str | None):
    if not code:
        return None
    return get_visible_or_404(Campaign.objects.all(), user, code=code)


def _diagnosis_prefill(user, campaign, unit_code: str, diagnosis: str, as_of: date) -> dict:
    """The task a bulletin's flagged line suggests: "丙县 合同项目少 → 整改事项", with its figures."""
    from zhaoshang.dispatch.diagnostics import CODES, LABELS, diagnose

    if campaign is None or diagnosis not in CODES:
        raise Http404
    unit = get_visible_or_404(Unit.objects.all(), user, code=unit_code)
    found = diagnose(campaign, as_of)
    try:
        line = found.for_unit(unit.code).line(diagnosis)
    except StopIteration:
        raise Http404 from None
    label = LABELS[diagnosis]
    return {
        "initial": {
            "content": _("%(unit)s%(label)s问题整改") % {"unit": unit.name, "label": label},
            "goal": line.text,
            "source": Source.DIAGNOSIS,
            "lead_unit": unit,
            "deadline": as_of + timedelta(days=14),
        },
        "basis": {
            "diagnosis": diagnosis,
            "label": label,
            "as_of": as_of.isoformat(),
            "unit": unit.code,
            "measured": line.measured,
            "comparison": line.comparison,
            "text": line.text,
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    user = request.user
    units = _editable_units(user)
    if not units.exists():
        raise PermissionDenied
    source = request.GET.get("source") or Source.MANUAL
    if source not in Source.values:
        raise Http404
    campaign = _campaign_choice(user, request.GET.get("campaign"))
    basis: dict = {}
    initial: dict = {"source": source}
    diagnosis = request.GET.get("diagnosis")
    if diagnosis:
        try:
            as_of = date.fromisoformat(request.GET.get("as_of") or "")
        except ValueError:
            as_of = timezone.localdate()
        prefill = _diagnosis_prefill(user, campaign, request.GET.get("unit", ""), diagnosis, as_of)
        initial, basis = prefill["initial"], prefill["basis"]
        if request.GET.get("bulletin", "").isdigit():
            basis["bulletin"] = int(request.GET["bulletin"])
    form = TaskForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.create_task(
                data["content"],
                data["lead_unit"],
                data["deadline"],
                actor=user,
                source=data["source"],
                campaign=campaign,
                goal=data["goal"],
                assisting_units=data["assisting_units"],
                person=data["person"],
                leader_watching=data["leader_watching"],
                basis=basis,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已交办 %(code)s。") % {"code": task.code})
            return redirect("supervision:detail", code=task.code)
    return render(
        request,
        "supervision/create.html",
        {"form": form, "campaign": campaign, "basis": basis, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    """Several tasks at once from a meeting's decisions: all of them or none."""
    user = request.user
    units = _editable_units(user)
    if not units.exists():
        raise PermissionDenied
    campaign = _campaign_choice(user, request.GET.get("campaign"))
    head = MeetingForm(request.POST or None)
    rows = MeetingFormSet(request.POST or None, form_kwargs={"units": units}, prefix="t")
    if request.method == "POST" and head.is_valid() and rows.is_valid():
        items = [
            services.TaskData(r["content"], r["lead_unit"], r["deadline"])
            for r in rows.cleaned_data
            if r.get("content")
        ]
        if not items:
            head.add_error(None, _("请至少填写一项事项。"))
        else:
            try:
                tasks = services.create_tasks(
                    items,
                    actor=user,
                    source=Source.MEETING,
                    campaign=campaign,
                    note=head.cleaned_data["meeting"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    head.add_error(None, message)
            else:
                messages.success(request, _("已交办 %(n)d 项会议事项。") % {"n": len(tasks)})
                url = reverse("supervision:list")
                return redirect(f"{url}?source={Source.MEETING}")
    return render(
        request, "supervision/meeting.html", {"head": head, "rows": rows, "campaign": campaign}
    )


def attention(user, as_of: date, limit: int = 10) -> dict:
    """The home page's and the bulletin's list: overdue and due-soon tasks in the user's scope."""
    qs = visible(Task.objects.filter(closed_on__isnull=True, assigned_on__lte=as_of), user)
    soon = as_of + timedelta(days=21)
    qs = qs.filter(deadline__lte=soon).select_related("lead_unit").order_by("deadline", "code")
    views = with_status(qs, as_of)
    overdue = [v for v in views if v.status.status == OVERDUE]
    due = [v for v in views if v.status.status == DUE_SOON]
    return {
        "overdue": overdue[:limit],
        "overdue_count": len(overdue),
        "due": due[:limit],
        "due_count": len(due),
    }
