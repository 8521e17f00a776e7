"""The office's outbox page: every reminder sent or failed, per unit, with 重发.

Scope: a user sees the messages of units in their subtree (one primitive,
``visible``); retrying one needs an editor of its unit (404 outside scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.notify.models import ChannelKind, ChannelSet, Message, MessageState, ReminderKind
from zhaoshang.notify.services import do_retry
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible

PER_PAGE = 100


@login_required
@require_GET
def outbox(request):
    rows = visible(Message.objects.all(), request.user)
    unit_code = request.GET.get("unit", "").strip()
    state = request.GET.get("state", "")
    about = request.GET.get("about", "").strip()
    unit = None
    if unit_code:
        unit = get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
        rows = rows.filter(unit__path__startswith=unit.path)
    if about:
        rows = rows.filter(about=about)
    # Per-unit totals before the state filter: the office sees where failures are.
    per_unit = list(
        rows.values("unit__code", "unit__name")
        .annotate(
            sent=Count("id", filter=Q(state=MessageState.SENT)),
            failed=Count("id", filter=Q(state=MessageState.FAILED)),
            pending=Count("id", filter=Q(state=MessageState.PENDING)),
        )
        .order_by("unit__path")
    )
    if state in MessageState.values:
        rows = rows.filter(state=state)
    page = Paginator(
        rows.select_related("unit", "person").order_by("-created_at", "-id"), PER_PAGE
    ).get_page(request.GET.get("page"))
    scope = scope_of(request.user)
    return render(
        request,
        "notify/outbox.html",
        {
            "page": page,
            "per_unit": per_unit,
            "unit": unit,
            "state": state,
            "about": about,
            "states": MessageState.choices,
            "kinds": dict(ReminderKind.choices),
            "channels": dict(ChannelKind.choices),
            "editable": {m.pk for m in page if scope.can_edit(m.unit)},
            "failed_total": sum(r["failed"] for r in per_unit),
            "may_run": may_run_reminders(request.user),
        },
    )


def may_run_reminders(user) -> bool:
    """The day's run reaches every unit: only an administrator of every top unit starts it."""
    scope = scope_of(user)
    roots = list(Unit.objects.filter(parent__isnull=True).only("path"))
    return bool(roots) and all(scope.can_manage(root) for root in roots)


@login_required
@require_POST
def run_now(request):
    """Send the day's reminders now, in the background; opens the job's page."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from zhaoshang.jobs.services import do_start_job

    if not may_run_reminders(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    job = do_start_job(
        "reminders",
        user=request.user,
        title=_("发送今日提醒 · %(day)s") % {"day": today.isoformat()},
        params={"as_of": today.isoformat(), "hold": True},
    )
    return redirect("jobs:job", code=job.code)


@login_required
@require_POST
def retry(request, pk: int):
    message = get_visible_or_404(Message.objects.select_related("unit"), request.user, pk=pk)
    if do_retry(message, actor=request.user):
        messages.success(request, _("已重新发送：%(subject)s") % {"subject": message.subject})
    else:
        messages.error(
            request,
            _("重新发送失败：%(error)s") % {"error": message.last_error or _("正由其他任务发送")},
        )
    return redirect(request.POST.get("next") or "notify:outbox")


@login_required
def unit_channels(request, code: str):
    """A unit's reminder channels, for its administrators; 发送测试 tries each at once."""
    from zhaoshang.org.views import _unit

    unit = _unit(request, code)
    return _channels_page(request, unit, unit, reverse("notify:unit_channels", args=[unit.code]))


@login_required
def person_channels(request, pk: int):
    """A responsible person's own channels (their tasks' reminders), for the unit's administrators."""
    from zhaoshang.org.views import _person

    person = _person(request, pk)
    return _channels_page(
        request, person, person.unit, reverse("notify:person_channels", args=[person.pk])
    )


def _channels_page(request, owner, unit, here: str):
    from zhaoshang.notify.channels import DeliveryError, deliver
    from zhaoshang.notify.forms import ChannelsForm
    from zhaoshang.notify.services import KEEP_SECRET, do_set_channels
    from zhaoshang.org.views import _unit_context

    is_unit = owner is unit
    stored = ChannelSet.objects.filter(**{"unit" if is_unit else "person": owner}).first()
    if request.method == "POST" and request.POST.get("action") == "test":
        if stored is None or not stored.kinds():
            messages.error(request, _("尚未设置提醒渠道。"))
        for kind in stored.kinds() if stored else []:
            label = ChannelKind(kind).label
            try:
                deliver(
                    stored,
                    kind,
                    _("【测试】招商调度平台提醒"),
                    _("这是一条测试消息：%(unit)s的提醒将发送到这里。") % {"unit": owner.name},
                )
            except DeliveryError as exc:
                messages.error(request, f"{label}：{exc}")
            else:
                messages.success(request, _("%(channel)s：测试消息已发出。") % {"channel": label})
        return redirect(here)
    form = ChannelsForm(request.POST or None, initial=ChannelsForm.initial_for(stored))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        do_set_channels(
            owner,
            emails=d["emails"],
            wecom_webhook=d["wecom_webhook"],
            dingtalk_webhook=d["dingtalk_webhook"],
            dingtalk_secret=d["dingtalk_secret"] or KEEP_SECRET,
            actor=request.user,
            reason=_("设置提醒渠道"),
        )
        messages.success(request, _("已保存%(unit)s的提醒渠道。") % {"unit": owner.name})
        return redirect(here)
    return render(
        request,
        "notify/unit_channels.html",
        _unit_context(
            request,
            unit,
            "channels" if is_unit else "people",
            form=form,
            stored=stored,
            person=None if is_unit else owner,
            has_secret=bool(stored and stored.dingtalk_secret),
        ),
    )
