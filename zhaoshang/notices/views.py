"""Notice pages: read a notice, review each proposal, then create what was accepted.

Reading writes nothing: the proposals travel in the review form. Only the
「创建」 button calls the service, which writes everything in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.campaigns.models import Campaign
from zhaoshang.engine.progress import UnknownUnit, campaign_root
from zhaoshang.notices.forms import IntakeForm, NoticeForm, proposal_formsets
from zhaoshang.notices.intake import read_notice
from zhaoshang.notices.models import Notice
from zhaoshang.notices.services import AcceptedMilestone, AcceptedTask, do_accept_notice
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible


def _managed_campaigns(user):
    """The campaigns whose organising unit the user administers (the office's)."""
    scope = scope_of(user)
    codes = []
    for campaign in visible(Campaign.objects.select_related("unit"), user):
        try:
            root = campaign_root(campaign)
        except UnknownUnit:
            continue
        if scope.can_manage(root):
            codes.append(campaign.pk)
    return Campaign.objects.filter(pk__in=codes).select_related("unit").order_by("-start", "code")


def _lead_units(campaign: Campaign) -> list[Unit]:
    """Who may lead a task of the campaign: its organising unit and the units directly below."""
    root = campaign_root(campaign)
    children = Unit.objects.filter(parent=root).order_by("order", "code")
    return [root, *children]


def _guess_lead(sentence: str, units: list[Unit]) -> str:
    for unit in units[1:]:
        if unit.name and unit.name in sentence:
            return unit.code
    return units[0].code


def _default_deadline(reading, campaign: Campaign):
    """A task without a stated deadline: the notice's next milestone, else the campaign's end."""
    after = reading.notice_date or timezone.localdate()
    later = [m.date for m in reading.milestones if m.date > after]
    return min(later) if later else max(campaign.end, after)


def _initial(reading, campaign: Campaign, units: list[Unit]) -> dict:
    existing = {m.on: m.pct for m in campaign.milestones.all()}
    fallback = _default_deadline(reading, campaign)
    return {
        "milestones": [
            {
                "accept": campaign.start <= m.date <= campaign.end,
                "on": m.date,
                "pct": m.pct,
                "quote": m.quote,
                "existing": existing.get(m.date),
            }
            for m in reading.milestones
        ],
        "tasks": [
            {
                "accept": True,
                "content": t.content,
                "deadline": t.deadline or fallback,
                "lead_unit": _guess_lead(t.quote, units),
                "quote": t.quote,
            }
            for t in reading.tasks
        ],
        "problems": [{"accept": True, "code": p.code, "quote": p.quote} for p in reading.problems],
        "units": [
            {"accept": True, "name": u.name, "role": u.role, "quote": u.quote}
            for u in reading.units
        ],
    }


def _title(text: str) -> str:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return first.strip()[:60] or _("未命名通知")


@login_required
def intake(request):
    campaigns = _managed_campaigns(request.user)
    if not campaigns.exists():
        raise PermissionDenied
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, campaigns=campaigns)
        if form.is_valid():
            campaign = form.cleaned_data["campaign"]
            reading = read_notice(form.cleaned_data["raw"], year=form.cleaned_data["year"])
            units = _lead_units(campaign)
            initial = _initial(reading, campaign, units)
            notice_form = NoticeForm(
                initial={
                    "campaign": campaign.pk,
                    "title": _title(reading.text),
                    "source_name": form.cleaned_data["source_name"],
                    "text": reading.text,
                    "assigned_on": reading.notice_date or timezone.localdate(),
                },
                campaigns=campaigns,
            )
            sets = proposal_formsets(campaign=campaign, units=units, initial=initial)
            return _review(request, campaign, notice_form, sets, reading.text)
    else:
        first = campaigns.filter(code=request.GET.get("campaign", "")).first() or campaigns.first()
        form = IntakeForm(campaigns=campaigns, initial={"campaign": first})
    return render(request, "notices/intake.html", {"form": form})


def _review(request, campaign, notice_form, sets, text, status=200):
    existing = {m.on: m.pct for m in campaign.milestones.all()}
    return render(
        request,
        "notices/review.html",
        {
            "campaign": campaign,
            "notice_form": notice_form,
            "text": text,
            "existing": existing,
            **sets,
        },
        status=status,
    )


@login_required
@require_POST
def accept(request):
    campaigns = _managed_campaigns(request.user)
    notice_form = NoticeForm(request.POST, campaigns=campaigns)
    if not notice_form.is_valid():
        # The campaign is not one the user runs (or the form was tampered with).
        raise PermissionDenied
    campaign = notice_form.cleaned_data["campaign"]
    units = _lead_units(campaign)
    sets = proposal_formsets(request.POST, campaign=campaign, units=units)
    text = notice_form.cleaned_data["text"]
    if not all(s.is_valid() for s in sets.values()):
        return _review(request, campaign, notice_form, sets, text, status=400)
    by_code = {u.code: u for u in units}
    accepted = {
        name: [f.cleaned_data for f in s if f.cleaned_data.get("accept")]
        for name, s in sets.items()
    }
    try:
        notice = do_accept_notice(
            campaign,
            title=notice_form.cleaned_data["title"],
            text=text,
            source_name=notice_form.cleaned_data["source_name"],
            milestones=[
                AcceptedMilestone(d["on"], d["pct"], d["quote"]) for d in accepted["milestones"]
            ],
            tasks=[
                AcceptedTask(d["content"], by_code[d["lead_unit"]], d["deadline"], d["quote"])
                for d in accepted["tasks"]
            ],
            problems=list(dict.fromkeys(d["code"] for d in accepted["problems"])),
            units=[d["name"] for d in accepted["units"]],
            actor=request.user,
            assigned_on=notice_form.cleaned_data["assigned_on"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            notice_form.add_error(None, message)
        return _review(request, campaign, notice_form, sets, text, status=400)
    messages.success(
        request,
        _("已按通知创建 %(m)s 个节点、%(t)s 项督办任务。")
        % {"m": len(accepted["milestones"]), "t": len(accepted["tasks"])},
    )
    return redirect("notices:detail", pk=notice.pk)


@login_required
def notice_list(request):
    notices = visible(Notice.objects.select_related("campaign", "created_by"), request.user)
    can_read = _managed_campaigns(request.user).exists()
    return render(request, "notices/list.html", {"notices": notices[:200], "can_read": can_read})


@login_required
def detail(request, pk: int):
    notice = get_visible_or_404(
        Notice.objects.select_related("campaign", "created_by"), request.user, pk=pk
    )
    from zhaoshang.campaigns.models import Milestone
    from zhaoshang.dispatch.diagnostics import LABELS
    from zhaoshang.notices.services import reason_for

    changed = Milestone.history.filter(
        campaign_id=notice.campaign_id, history_change_reason=reason_for(notice)
    ).order_by("on")
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "milestones": changed,
            "tasks": notice.tasks.select_related("lead_unit"),
            "problems": [LABELS.get(code, code) for code in notice.problems],
        },
    )
