"""Campaign pages: the list, the settings with milestones, the decomposition editor.

Reads go through ``visible()`` (out of scope is 404); writes through the
campaign services, after a 403 for a user who may see but not change.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.campaigns.editor import DEFAULT_DEPTH, TargetCell, build_tree
from zhaoshang.campaigns.forms import CampaignForm, MilestoneForm, NewCampaignForm, TargetForm
from zhaoshang.campaigns.models import MONEY_INDICATORS, Campaign, Indicator, Milestone, Target
from zhaoshang.campaigns.services import (
    do_change_milestone,
    do_create_campaign,
    do_delete_milestone,
    do_delete_target,
    do_save_campaign,
    do_save_milestone,
    do_save_target,
    target_governor,
)
from zhaoshang.engine.progress import UnknownUnit, campaign_root
from zhaoshang.org.changes import history_entries
from zhaoshang.org.forms import managed_units
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible
from zhaoshang.org.services import do_save_person
from zhaoshang.stamps import NEW, StaleEdit, check_stamp, form_stamp, stamp
from zhaoshang.web.templatetags.zs_format import cn_date


def _campaign(request, code: str) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("unit"), request.user, code=code)


def _root(campaign: Campaign) -> Unit:
    try:
        return campaign_root(campaign)
    except UnknownUnit:
        raise Http404 from None


def _can_manage(user, campaign: Campaign) -> bool:
    return scope_of(user).can_manage(_root(campaign))


def _require_manage_campaign(user, campaign: Campaign) -> None:
    # The campaign is visible here already: a user who may not change it gets 403.
    if not _can_manage(user, campaign):
        raise PermissionDenied


def _fragment_only(request) -> bool:
    """An htmx swap wants the fragment; a history restore (back button) wants the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _reason(form) -> str | None:
    return (form.cleaned_data.get("reason") or "").strip() or None


def _add_service_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


# ---------------------------------------------------------------- list


@login_required
@require_GET
def campaign_list(request):
    campaigns = list(
        visible(Campaign.objects.select_related("unit"), request.user).order_by("-start", "code")
    )
    can_create = managed_units(request.user).exists()
    return render(
        request, "campaigns/list.html", {"campaigns": campaigns, "can_create": can_create}
    )


# ---------------------------------------------------------------- new campaign


@login_required
def campaign_create(request, source: str | None = None):
    """新建专项行动, blank or copied from a visible campaign (``/campaigns/<code>/copy/``)."""
    units = managed_units(request.user).order_by("path")
    if not units.exists():
        raise PermissionDenied
    campaigns = visible(Campaign.objects.all(), request.user).order_by("-start", "code")
    initial = {}
    if source is not None:
        initial = NewCampaignForm.initial_from(_campaign(request, source))
    form = NewCampaignForm(request.POST or None, initial=initial, campaigns=campaigns, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign, counts = do_create_campaign(
                d["code"],
                name=d["name"],
                start=d["start"],
                end=d["end"],
                mode=d["mode"],
                primary_indicator=d["primary_indicator"],
                unit=d["unit"],
                copy_from=d["copy_from"],
                copy_targets=d["copy_targets"],
                actor=request.user,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if d["copy_from"] is not None:
                messages.success(
                    request,
                    _("已建立%(name)s，复制了 %(m)d 个节点和 %(t)d 项目标任务。")
                    % {"name": campaign.name, "m": counts["milestones"], "t": counts["targets"]},
                )
            else:
                messages.success(
                    request, _("已建立%(name)s，请设置节点并分解目标。") % {"name": campaign.name}
                )
            return redirect("campaigns:settings", campaign.code)
    return render(request, "campaigns/new.html", {"form": form, "source": source})


# ---------------------------------------------------------------- settings


def _settings_context(request, campaign: Campaign, **extra) -> dict:
    milestones = list(campaign.milestones.order_by("on"))
    context = {
        "campaign": campaign,
        "milestones": milestones,
        "can_manage": _can_manage(request.user, campaign),
        "milestone_form": MilestoneForm(campaign=campaign, prefix="add"),
        "editing_milestone": None,
        "falling": _falling_milestones(milestones),
    }
    context.update(extra)
    return context


def _falling_milestones(milestones: list[Milestone]) -> list[Milestone]:
    """Milestones asking for less than an earlier one: allowed, but almost always a typo."""
    pairs = zip(milestones, milestones[1:], strict=False)
    return [later for earlier, later in pairs if later.pct < earlier.pct]


@login_required
def campaign_settings(request, code: str):
    campaign = _campaign(request, code)
    milestones = list(campaign.milestones.order_by("on"))
    if request.method == "POST":
        _require_manage_campaign(request.user, campaign)
        form = CampaignForm(request.POST, milestones=milestones)
        if form.is_valid():
            d = form.cleaned_data
            try:
                _c, _created, changed = do_save_campaign(
                    campaign.code,
                    name=d["name"].strip(),
                    start=d["start"],
                    end=d["end"],
                    mode=d["mode"],
                    primary_indicator=d["primary_indicator"],
                    green_gap_pp=d["green_gap_pp"],
                    red_gap_pp=d["red_gap_pp"],
                    actor=request.user,
                    reason=_reason(form),
                    expected_stamp=d["stamp"],
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                if changed:
                    messages.success(request, _("专项行动设置已保存。"))
                else:
                    messages.info(request, _("没有修改任何内容。"))
                return redirect("campaigns:settings", code=campaign.code)
    elif request.method == "GET":
        form = CampaignForm(initial=CampaignForm.initial_for(campaign), milestones=milestones)
    else:
        return HttpResponse(status=405)
    context = _settings_context(request, campaign, form=form)
    context["history"] = _settings_history(campaign)
    editing = request.GET.get("milestone")
    if editing and context["can_manage"]:
        # The no-JavaScript way to open a milestone row for editing.
        milestone = next((m for m in context["milestones"] if str(m.pk) == editing), None)
        if milestone is not None:
            context["editing_milestone"] = milestone
            context["edit_form"] = MilestoneForm(
                initial={"on": milestone.on, "pct": milestone.pct, "stamp": stamp(milestone)},
                campaign=campaign,
                milestone=milestone,
                prefix="edit",
            )
    return render(request, "campaigns/settings.html", context)


def _settings_history(campaign: Campaign):
    """Changes of the campaign and its milestones, newest first (two queries + names)."""
    campaign_rows = list(Campaign.history.filter(id=campaign.pk).select_related("history_user"))
    milestone_rows = list(
        Milestone.history.filter(campaign_id=campaign.pk).select_related("history_user")
    )
    entries = history_entries(
        campaign_rows,
        Campaign,
        ["name", "start", "end", "mode", "primary_indicator", "green_gap_pp", "red_gap_pp"],
        subject=lambda r: _("行动设置"),
    )
    entries += history_entries(
        milestone_rows,
        Milestone,
        ["on", "pct"],
        subject=lambda r: _("节点 %(day)s") % {"day": cn_date(r.on)},
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _milestones_response(request, campaign: Campaign, **extra):
    """The milestone panel after a change: a fragment for htmx, else back to the page."""
    if _fragment_only(request):
        context = _settings_context(request, campaign, **extra)
        return render(request, "campaigns/_milestones.html", context)
    if extra.get("milestone_form") is not None or extra.get("edit_form") is not None:
        # A refused form without JavaScript: show the whole page with the messages.
        milestones = list(campaign.milestones.order_by("on"))
        context = _settings_context(request, campaign, **extra)
        context["form"] = CampaignForm(
            initial=CampaignForm.initial_for(campaign), milestones=milestones
        )
        context["history"] = _settings_history(campaign)
        return render(request, "campaigns/settings.html", context, status=200)
    return redirect(reverse("campaigns:settings", args=[campaign.code]) + "#milestones")


@login_required
@require_POST
def milestone_add(request, code: str):
    campaign = _campaign(request, code)
    _require_manage_campaign(request.user, campaign)
    form = MilestoneForm(request.POST, campaign=campaign, prefix="add")
    if form.is_valid():
        try:
            do_save_milestone(
                campaign,
                form.cleaned_data["on"],
                form.cleaned_data["pct"],
                actor=request.user,
                reason=_reason(form) or _("新增节点"),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            return _milestones_response(request, campaign, notice=_("节点已添加。"))
    return _milestones_response(request, campaign, milestone_form=form)


def _milestone(request, code: str, pk: int) -> tuple[Campaign, Milestone]:
    campaign = _campaign(request, code)
    milestone = get_object_or_404(Milestone, pk=pk, campaign=campaign)
    return campaign, milestone


@login_required
def milestone_edit(request, code: str, pk: int):
    campaign, milestone = _milestone(request, code, pk)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    _require_manage_campaign(request.user, campaign)
    if request.method == "GET":
        # Opens the row for editing (htmx) or the page with that row open.
        form = MilestoneForm(
            initial={"on": milestone.on, "pct": milestone.pct, "stamp": stamp(milestone)},
            campaign=campaign,
            milestone=milestone,
            prefix="edit",
        )
        if not _fragment_only(request):
            url = reverse("campaigns:settings", args=[campaign.code])
            return redirect(f"{url}?{urlencode({'milestone': milestone.pk})}#milestones")
        return render(
            request,
            "campaigns/_milestones.html",
            _settings_context(request, campaign, editing_milestone=milestone, edit_form=form),
        )
    form = MilestoneForm(request.POST, campaign=campaign, milestone=milestone, prefix="edit")
    if form.is_valid():
        try:
            changed = do_change_milestone(
                milestone,
                on=form.cleaned_data["on"],
                pct=form.cleaned_data["pct"],
                actor=request.user,
                reason=_reason(form),
                expected_stamp=form.cleaned_data["stamp"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            notice = _("节点已修改。") if changed else _("没有修改任何内容。")
            return _milestones_response(request, campaign, notice=notice)
    return _milestones_response(request, campaign, editing_milestone=milestone, edit_form=form)


@login_required
@require_POST
def milestone_delete(request, code: str, pk: int):
    campaign, milestone = _milestone(request, code, pk)
    _require_manage_campaign(request.user, campaign)
    day = milestone.on
    do_delete_milestone(
        milestone,
        actor=request.user,
        reason=(request.POST.get("reason") or "").strip() or _("删除节点"),
    )
    return _milestones_response(
        request, campaign, notice=_("已删除 %(day)s 的节点。") % {"day": cn_date(day)}
    )


# ---------------------------------------------------------------- decomposition


def _indicator(request, campaign: Campaign) -> str:
    value = request.GET.get("indicator") or request.POST.get("indicator")
    return value if value in Indicator.values else campaign.primary_indicator


def _focus(request, user, root: Unit) -> Unit | None:
    code = request.GET.get("unit") or request.POST.get("focus")
    if not code:
        return None
    unit = get_visible_or_404(Unit.objects.all(), user, code=code)
    if not unit.is_within(root):
        raise Http404
    return unit if unit.pk != root.pk else None


def _trail(user, root: Unit, focus: Unit | None) -> list[Unit]:
    """Units between the campaign root and the focus the user may open (one query)."""
    if focus is None:
        return []
    ids = [pk for pk in focus.ancestor_ids() if pk not in (focus.pk, root.pk)]
    return list(
        visible(Unit.objects.filter(pk__in=ids, path__startswith=root.path), user).order_by("path")
    )


def _editor_query(indicator: str, focus: Unit | None, **more) -> str:
    params = {"indicator": indicator}
    if focus is not None:
        params["unit"] = focus.code
    params.update({k: v for k, v in more.items() if v})
    return urlencode(params)


def _editor_context(request, campaign, *, indicator, focus, edit_code=None, form=None, notice=""):
    user = request.user
    root = _root(campaign)
    tree = build_tree(campaign, root, user, indicator, focus=focus)
    if not tree.rows:
        # The user sees the campaign (it is organised above them) but no unit of its tree.
        raise Http404
    edit_row = tree.row_for(edit_code) if edit_code else None
    if edit_code and edit_row is None:
        # Edit links come from rows shown; any other code is not the user's to open.
        raise Http404
    if edit_row is not None and not edit_row.can_edit:
        raise PermissionDenied
    if edit_row is not None and form is None:
        # The row as stored, for the stamp that refuses the save if somebody changes it meanwhile.
        stored = Target.objects.filter(
            campaign=campaign, unit=edit_row.unit, indicator=indicator
        ).first()
        form = TargetForm(
            initial={**TargetForm.initial_for(edit_row.target), "stamp": form_stamp(stored)},
            campaign=campaign,
            current=edit_row.target,
            can_set_value=edit_row.can_set_value,
        )
    people = []
    if edit_row is not None:
        people = list(
            Person.objects.filter(unit=edit_row.unit)
            .order_by("name")
            .values_list("name", flat=True)
        )
    return {
        "campaign": campaign,
        "tree": tree,
        "indicator": indicator,
        "indicator_label": Indicator(indicator).label,
        "is_money": indicator in MONEY_INDICATORS,
        "indicators": Indicator.choices,
        "focus": focus,
        "trail": _trail(user, root, focus),
        "edit_row": edit_row,
        "form": form,
        "people": people,
        "query": _editor_query(indicator, focus),
        "focus_code": focus.code if focus else "",
        "notice": notice,
        "depth": DEFAULT_DEPTH,
    }


@login_required
@require_GET
def decomposition(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    indicator = _indicator(request, campaign)
    focus = _focus(request, request.user, root)
    context = _editor_context(
        request, campaign, indicator=indicator, focus=focus, edit_code=request.GET.get("edit")
    )
    template = "campaigns/_tree.html" if _fragment_only(request) else "campaigns/decomposition.html"
    return render(request, template, context)


@login_required
@require_POST
def target_save(request, code: str, unit_code: str, indicator: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    if indicator not in Indicator.values:
        raise Http404
    unit = get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
    if not unit.is_within(root):
        raise Http404
    focus = _focus(request, request.user, root)
    scope = scope_of(request.user)
    can_set_value = scope.can_manage(target_governor(campaign, unit))
    if not (can_set_value or scope.can_manage(unit)):
        raise PermissionDenied
    target = (
        Target.objects.filter(campaign=campaign, unit=unit, indicator=indicator)
        .select_related("person")
        .first()
    )
    current = None
    if target is not None:
        current = TargetCell(
            target.pk,
            target.value,
            target.person_id,
            target.person.name if target.person else "",
            target.deadline,
        )
    form = TargetForm(
        request.POST,
        initial=TargetForm.initial_for(current),
        campaign=campaign,
        current=current,
        can_set_value=can_set_value,
    )
    notice = ""
    stale = _stale_target(target, request.POST)
    if stale:
        # Checked before the form's own rules: a stale cell is refused, whatever else it says.
        form.full_clean()
        form._errors.clear()
        form.add_error(None, stale)
    elif form.is_valid():
        d = form.cleaned_data
        try:
            notice = _save_target(request.user, campaign, unit, indicator, target, d)
        except ValidationError as exc:
            _add_service_errors(form, exc)
    if form.errors:
        context = _editor_context(
            request, campaign, indicator=indicator, focus=focus, edit_code=unit.code, form=form
        )
        status = 200 if _fragment_only(request) else 400
        template = (
            "campaigns/_tree.html" if _fragment_only(request) else "campaigns/decomposition.html"
        )
        return render(request, template, context, status=status)
    if not _fragment_only(request):
        messages.success(request, notice)
        url = reverse("campaigns:decomposition", args=[campaign.code])
        return redirect(f"{url}?{_editor_query(indicator, focus)}#row-{unit.code}")
    context = _editor_context(request, campaign, indicator=indicator, focus=focus, notice=notice)
    context["saved_code"] = unit.code
    return render(request, "campaigns/_tree.html", context)


def _stale_target(target: Target | None, data) -> str:
    """Why a posted cell is stale (somebody saved the target after it was opened), or ""."""
    expected = (data.get("stamp") or "").strip() or None
    if target is None:
        if expected in (None, NEW):
            return ""
        return _(
            "您打开表单后，该单位的目标任务已被他人取消，您的修改没有保存。请重新打开后再修改。"
        )
    mine = {"value": data.get("value", ""), "deadline": data.get("deadline", "")}
    try:
        check_stamp(target, expected, _("该单位的目标任务"), mine)
    except StaleEdit as exc:
        return exc.messages[0]
    return ""


def _save_target(actor, campaign, unit, indicator, target, d) -> str:
    """Apply one edited cell; returns the sentence confirming it."""
    reason = d["reason"] or None
    label = Indicator(indicator).label
    expected = d["stamp"] or None
    if d["value"] is None:
        do_delete_target(
            target, actor=actor, reason=reason or _("取消目标任务"), expected_stamp=expected
        )
        return _("已取消 %(unit)s 的「%(label)s」目标。") % {"unit": unit.name, "label": label}
    name = (d["person"] or "").strip()
    person = do_save_person(unit, name, actor=actor, reason=_("目标分解时登记")) if name else None
    _t, created, changed = do_save_target(
        campaign,
        unit,
        indicator,
        d["value"],
        person=person,
        deadline=d["deadline"],
        actor=actor,
        reason=reason or (_("下达目标任务") if target is None else None),
        expected_stamp=expected,
    )
    if not created and not changed:
        return _("%(unit)s 的「%(label)s」没有变化。") % {"unit": unit.name, "label": label}
    return _("已保存 %(unit)s 的「%(label)s」。") % {"unit": unit.name, "label": label}


@login_required
@require_GET
def target_history(request, code: str, unit_code: str, indicator: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    if indicator not in Indicator.values:
        raise Http404
    unit = get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
    if not unit.is_within(root):
        raise Http404
    rows = Target.history.filter(
        campaign_id=campaign.pk, unit_id=unit.pk, indicator=indicator
    ).select_related("history_user")
    entries = history_entries(
        rows,
        Target,
        ["value", "person", "deadline"],
        # A target withdrawn and set again is one story for the reader.
        timeline=lambda r: "one",
    )
    context = {
        "campaign": campaign,
        "unit": unit,
        "indicator": indicator,
        "indicator_label": Indicator(indicator).label,
        "entries": entries,
        "back": reverse("campaigns:decomposition", args=[campaign.code])
        + "?"
        + _editor_query(indicator, None),
    }
    template = (
        "campaigns/_target_history.html"
        if _fragment_only(request)
        else "campaigns/target_history.html"
    )
    return render(request, template, context)
