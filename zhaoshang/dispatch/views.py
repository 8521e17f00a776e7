"""Dispatch pages: reporting rounds and reports, the bulletin on screen and as files.

Thin on purpose. Reads go through ``visible()`` and the dispatch read
functions (``rounds.py``, ``build_bulletin``, a published bulletin's frozen
document); writes through ``dispatch/services.py``. Nothing here computes a
figure: the bulletin pages print the document, the charts draw it.

Who may do what (the campaign must be visible first, else 404):
- everyone taking part reads the rounds, the published bulletins and the
  roster's states; report texts only of units inside their own scope;
- a unit's editors (填报员, 管理员) report for it: its campaign's participants only;
- editors of the campaign's root unit ask for reminders;
- its administrators open rounds and publish bulletins;
- drafts (征求意见稿) are for those who see the whole campaign (root scope).
A user who sees a page but may not act on it gets 403.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.dispatch import rounds as round_reads
from zhaoshang.dispatch.bulletin import (
    basis_projects,
    basis_units_hidden_from,
    build_bulletin,
    document_for,
    new_contract_projects,
)
from zhaoshang.dispatch.charts import chart_data
from zhaoshang.dispatch.forms import (
    SETTINGS_FIELDS,
    AsOfForm,
    DispatchSettingsForm,
    ReminderForm,
    RoundForm,
    ScheduleForm,
    SubmissionForm,
)
from zhaoshang.dispatch.models import Bulletin, ReportingRound, Submission
from zhaoshang.dispatch.render import CONTENT_TYPES, file_name
from zhaoshang.dispatch.render import render as render_file
from zhaoshang.dispatch.services import (
    do_create_round,
    do_create_schedule,
    do_publish_bulletin,
    do_request_reminder,
    do_save_dispatch_settings,
    do_submit_report,
    settings_for,
    weekly_deadlines,
)
from zhaoshang.dispatch.tables import ranked_rows
from zhaoshang.engine.progress import UnknownUnit, campaign_root, compute
from zhaoshang.ledger.models import Project
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, require_edit, scope_of, visible
from zhaoshang.stamps import NEW, stamp

DOWNLOAD_FORMATS = ("docx", "xlsx", "json")
# Project lists inside the bulletin page stop here; the full list is one click away.
PAGE_LIST_ROWS = 30
PROJECTS_PER_PAGE = 100
# The drill-down's "row" value for the parent's own projects (本级).
DIRECT_ROW = "_self"
# Indicators a drill-down can filter by, and the flag of a counted project each needs.
INDICATOR_FLAGS = {
    Indicator.CONTRACT_AMOUNT: None,
    Indicator.CONTRACT_PROJECTS: None,
    Indicator.TOP500_ENTERPRISES: "top500",
    Indicator.PARK_PROJECTS: "park",
    Indicator.INDUSTRIAL_PROJECTS: "industrial",
    Indicator.FUNDS_IN_PLACE: "funds",
}


# ---------------------------------------------------------------- helpers


def _campaign(request, code: str) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("unit"), request.user, code=code)


def _root(campaign: Campaign) -> Unit:
    try:
        return campaign_root(campaign)
    except UnknownUnit:
        raise Http404 from None


def _roles(user, root: Unit) -> dict:
    """What the user may do with the campaign (no query: the scope is cached per request)."""
    scope = scope_of(user)
    return {
        "sees_all": scope.contains(root),
        "can_remind": scope.can_edit(root),
        "can_manage": scope.can_manage(root),
    }


def _require(allowed: bool) -> None:
    # The page itself is visible (checked before): a missing right is a 403.
    if not allowed:
        raise PermissionDenied


def _fragment(request, target: str) -> bool:
    """An htmx request swapping only ``target`` (not a back-button history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == target


def _as_of(request, source) -> date:
    form = AsOfForm(source)
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"]
    if source.get("as_of"):
        raise BadRequest(_("统计截止日期格式不正确。"))
    return timezone.localdate()


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    """A download whose Chinese file name survives every browser (RFC 6266 / RFC 5987).

    ``filename`` carries an ASCII stand-in for old clients; ``filename*`` the real
    name, UTF-8 and percent-encoded.
    """
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    fallback = fallback.replace('"', "_").replace("\\", "_")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["Content-Length"] = str(len(data))
    return response


# ---------------------------------------------------------------- index


@login_required
@require_GET
def index(request):
    """The campaigns the user takes part in, with their latest round and bulletin."""
    latest_number = (
        Bulletin.objects.filter(campaign=OuterRef("pk")).order_by("-number").values("number")[:1]
    )
    next_deadline = (
        ReportingRound.objects.filter(campaign=OuterRef("pk"), deadline__gte=timezone.now())
        .order_by("deadline")
        .values("deadline")[:1]
    )
    campaigns = list(
        visible(Campaign.objects.select_related("unit"), request.user)
        .annotate(
            latest_number=Subquery(latest_number),
            next_deadline=Subquery(next_deadline),
        )
        .order_by("-start", "code")
    )
    return render(request, "dispatch/index.html", {"campaigns": campaigns})


# ---------------------------------------------------------------- rounds


@login_required
@require_GET
def round_list(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    roles = _roles(request.user, root)
    scope = scope_of(request.user)
    participants = round_reads.participants(campaign)
    own = [u for u in participants if scope.can_edit(u)] if not roles["sees_all"] else []
    summaries = round_reads.overview(campaign, {u.pk for u in own}, expected=participants)
    context = {
        "campaign": campaign,
        "root": root,
        "summaries": list(reversed(summaries)),  # newest first
        "own_units": own,
        "participants": participants,
        "round_form": RoundForm(),
        "schedule_form": ScheduleForm(
            initial={"first": max(timezone.localdate(), campaign.start), "last": campaign.end}
        ),
        **roles,
    }
    return render(request, "dispatch/round_list.html", context)


@login_required
@require_POST
def round_create(request, code: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["can_manage"])
    form = RoundForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dispatch:rounds", code=campaign.code)
    reporting_round, created = do_create_round(
        campaign,
        form.cleaned_data["deadline"],
        title=form.cleaned_data["title"].strip(),
        note=form.cleaned_data["note"].strip(),
        actor=request.user,
    )
    if created:
        messages.success(request, _("已新建调度轮次。"))
    else:
        messages.info(request, _("该截止时间的调度轮次已存在，未重复建立。"))
    return redirect("dispatch:round", code=campaign.code, pk=reporting_round.pk)


@login_required
@require_POST
def round_schedule(request, code: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["can_manage"])
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dispatch:rounds", code=campaign.code)
    data = form.cleaned_data
    deadlines = weekly_deadlines(
        data["first"], data["last"], weekday=data["weekday"], at=data["at"]
    )
    if not deadlines:
        messages.error(request, _("所选期间内没有该星期几，未生成轮次。"))
        return redirect("dispatch:rounds", code=campaign.code)
    existing = set(
        ReportingRound.objects.filter(campaign=campaign, deadline__in=deadlines).values_list(
            "deadline", flat=True
        )
    )
    now = timezone.now()
    past = [d for d in deadlines if d < now and d not in existing]
    if past and not data["past"]:
        # Rounds already over when created: every unit would stand as 未报送. Ask first.
        return render(
            request,
            "dispatch/schedule_confirm.html",
            {
                "campaign": campaign,
                "form": form,
                "past": past,
                "future": [d for d in deadlines if d >= now],
            },
        )
    if data["past"] == "future":
        deadlines = [d for d in deadlines if d >= now]
        if not deadlines:
            messages.info(request, _("没有今后的轮次，未生成轮次。"))
            return redirect("dispatch:rounds", code=campaign.code)
    before = ReportingRound.objects.filter(campaign=campaign).count()
    do_create_schedule(campaign, deadlines, actor=request.user)
    created = ReportingRound.objects.filter(campaign=campaign).count() - before
    messages.success(
        request,
        _("调度计划共 %(total)d 个轮次，新建 %(created)d 个（已有的保持不变）。")
        % {"total": len(deadlines), "created": created},
    )
    return redirect("dispatch:rounds", code=campaign.code)


def _round(request, code: str, pk: int) -> ReportingRound:
    return get_visible_or_404(
        ReportingRound.objects.select_related("campaign", "campaign__unit"),
        request.user,
        pk=pk,
        campaign__code=code,
    )


def _figures(campaign: Campaign, unit: Unit):
    """The unit's progress row today: what reporting now would confirm."""
    try:
        return compute(campaign, timezone.localdate(), unit).unit
    except UnknownUnit:
        return None


@login_required
@require_GET
def round_detail(request, code: str, pk: int):
    reporting_round = _round(request, code, pk)
    campaign = reporting_round.campaign
    root = _root(campaign)
    roles = _roles(request.user, root)
    scope = scope_of(request.user)
    entries = round_reads.roster(reporting_round)
    # Texts only of units in the user's scope (one query); the states are public
    # to the campaign like the bulletin that prints them.
    readable = set(
        visible(Unit.objects.filter(pk__in=[e.unit.pk for e in entries]), request.user).values_list(
            "pk", flat=True
        )
    )
    context = {
        "campaign": campaign,
        "root": root,
        "round": reporting_round,
        "round_name": round_reads.round_name(
            reporting_round, round_reads.ordinal_of(reporting_round)
        ),
        "closed": reporting_round.deadline < timezone.now(),
        "entries": entries,
        "readable": readable,
        "counts": _state_counts(entries),
        "now": timezone.now(),
        **roles,
    }
    if _fragment(request, "roster"):
        return render(request, "dispatch/_roster.html", context)
    # A unit's own staff get their forms on the page; the office (root editors)
    # fills in for a unit through the roster's link instead, one unit at a time.
    own_forms = []
    if not roles["sees_all"]:
        for entry in entries:
            if scope.can_edit(entry.unit):
                own_forms.append(
                    {
                        "entry": entry,
                        "form": _submission_form(entry.submission),
                        "figures": _figures(campaign, entry.unit),
                    }
                )
    reminders = list(
        reporting_round.reminders.select_related("requested_by")
        .prefetch_related("units")
        .order_by("-requested_at")
    )
    context.update(
        own_forms=own_forms,
        reminders=reminders,
        reminder_form=ReminderForm(),
        primary=campaign.primary_indicator,
    )
    return render(request, "dispatch/round_detail.html", context)


def _state_counts(entries) -> dict[str, int]:
    counts = {"on_time": 0, "late": 0, "missing": 0, "pending": 0}
    for entry in entries:
        counts[entry.state] += 1
    return counts


def _submission_form(submission: Submission | None, data=None) -> SubmissionForm:
    if data is not None:
        return SubmissionForm(data)
    if submission is None:
        return SubmissionForm(initial={"stamp": NEW})
    return SubmissionForm(
        initial={
            "progress": submission.progress,
            "problems": submission.problems,
            "plan": submission.plan,
            "stamp": stamp(submission),
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, code: str, pk: int, unit_code: str):
    """A unit's report for the round: its own staff, or the office on its behalf."""
    reporting_round = _round(request, code, pk)
    campaign = reporting_round.campaign
    unit = get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
    entry = next(
        (e for e in round_reads.roster(reporting_round) if e.unit.pk == unit.pk),
        None,
    )
    if entry is None:
        raise Http404  # not a unit this round expects
    # Read-only roles (领导, 查看) may look but not report.
    require_edit(request.user, unit)
    form = _submission_form(entry.submission, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_submit_report(
                reporting_round,
                unit,
                progress=form.cleaned_data["progress"],
                problems=form.cleaned_data["problems"],
                plan=form.cleaned_data["plan"],
                actor=request.user,
                expected_stamp=form.cleaned_data["stamp"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(unit)s的调度填报已提交，并确认了截至今日的台账数据。") % {"unit": unit.name},
            )
            url = reverse(
                "dispatch:round", kwargs={"code": campaign.code, "pk": reporting_round.pk}
            )
            return redirect(f"{url}#unit-{unit.code}")
    context = {
        "campaign": campaign,
        "round": reporting_round,
        "round_name": round_reads.round_name(
            reporting_round, round_reads.ordinal_of(reporting_round)
        ),
        "entry": entry,
        "unit": unit,
        "form": form,
        "figures": _figures(campaign, unit),
        "primary": campaign.primary_indicator,
        "closed": reporting_round.deadline < timezone.now(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "dispatch/submit.html", context, status=status)


@login_required
@require_POST
def remind(request, code: str, pk: int):
    reporting_round = _round(request, code, pk)
    _require(_roles(request.user, _root(reporting_round.campaign))["can_remind"])
    form = ReminderForm(request.POST)
    note = form.cleaned_data["note"].strip() if form.is_valid() else ""
    try:
        reminder = do_request_reminder(reporting_round, actor=request.user, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        from zhaoshang.notify.services import SendAfterResponse, is_quiet, request_messages

        units = list(reminder.units.order_by("order", "code"))
        queued = request_messages(reminder)
        held = is_quiet(timezone.now())
        reached = {m.unit_id for m in queued}
        summary = {"names": "、".join(u.name for u in units), "count": len(queued)}
        if held:
            text = _("已记录催报：%(names)s。现为非工作时间，通知将在下个工作日上午发出。")
        elif queued:
            text = _("已催报：%(names)s。%(count)d 条通知正在发出，发送结果见提醒记录。")
        else:
            text = _("已记录催报：%(names)s。")
        messages.success(request, text % summary)
        silent = [u.name for u in units if u.pk not in reached]
        if silent:
            messages.warning(
                request,
                _("以下单位未设置提醒渠道（邮箱、企业微信或钉钉），请电话催报：%(names)s")
                % {"names": "、".join(silent)},
            )
        url = reverse("dispatch:round", args=[reporting_round.campaign.code, reporting_round.pk])
        # Sent once the page is delivered: the office never waits for a robot or a mail server.
        return SendAfterResponse(url, [] if held else queued)
    return redirect("dispatch:round", code=reporting_round.campaign.code, pk=reporting_round.pk)


# ---------------------------------------------------------------- bulletins


@login_required
@require_GET
def bulletin_list(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    roles = _roles(request.user, root)
    # The frozen documents are large (a province's runs to megabytes): not read here.
    bulletins = list(
        Bulletin.objects.filter(campaign=campaign)
        .select_related("published_by")
        .defer("document")
        .order_by("-number")
    )
    today = timezone.localdate()
    context = {
        "campaign": campaign,
        "root": root,
        "bulletins": bulletins,
        "draft_form": AsOfForm(initial={"as_of": today}),
        "today": today,
        **roles,
    }
    return render(request, "dispatch/bulletin_list.html", context)


def _published(campaign: Campaign, number: int) -> Bulletin:
    found = (
        Bulletin.objects.filter(campaign=campaign, number=number)
        .select_related("published_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _visible_codes(user, model, codes) -> set[str]:
    """Which of ``codes`` (units or projects) the user may open (one query, none when empty)."""
    codes = [c for c in codes if c]
    if not codes:
        return set()
    return set(visible(model.objects.filter(code__in=codes), user).values_list("code", flat=True))


def _bulletin_page(request, campaign: Campaign, root: Unit, document: dict, bulletin=None):
    roles = _roles(request.user, root)
    rows = ranked_rows(document)
    new = document["new_contracts"]
    stuck = document["stuck_key_projects"]
    shown_projects = new["projects"][:PAGE_LIST_ROWS] + stuck["projects"][:PAGE_LIST_ROWS]
    unit_codes = [r["code"] for r in rows]
    primary = document["campaign"]["primary_indicator"]
    as_of = date.fromisoformat(document["as_of"])
    published_same_day = None
    if bulletin is None:
        published_same_day = (
            Bulletin.objects.filter(campaign=campaign, as_of=as_of)
            .defer("document")
            .order_by("-number")
            .first()
        )
    context = {
        "campaign": campaign,
        "root": root,
        "doc": document,
        "bulletin": bulletin,
        "draft": bulletin is None,
        "as_of": as_of,
        "rows": rows,
        "primary": primary,
        "others": [i for i in INDICATOR_FLAGS if i != primary],
        "drillable": _visible_codes(request.user, Unit, unit_codes),
        "openable": _visible_codes(request.user, Project, [p["code"] for p in shown_projects]),
        "can_switch_forecast": roles["can_manage"],
        **_forecast_context(document),
        "new_shown": new["projects"][:PAGE_LIST_ROWS],
        "stuck_shown": stuck["projects"][:PAGE_LIST_ROWS],
        "list_rows": PAGE_LIST_ROWS,
        "charts": chart_data(document),
        "published_same_day": published_same_day,
        "direct_row": DIRECT_ROW,
        "projects_url": _projects_url(campaign, bulletin, as_of),
        # The office turns a flagged line into a task in one click.
        "can_assign": scope_of(request.user).can_edit(root),
        **roles,
    }
    return render(request, "dispatch/bulletin.html", context)


def _projects_url(campaign: Campaign, bulletin, as_of: date) -> str:
    """The drill-down list of a bulletin; query parameters are added by the template."""
    if bulletin is not None:
        return (
            reverse(
                "dispatch:bulletin_projects",
                kwargs={"code": campaign.code, "number": bulletin.number},
            )
            + "?"
        )
    return (
        reverse("dispatch:draft_projects", kwargs={"code": campaign.code})
        + "?"
        + urlencode({"as_of": as_of.isoformat()})
        + "&"
    )


@login_required
@require_GET
def bulletin_detail(request, code: str, number: int):
    campaign = _campaign(request, code)
    bulletin = _published(campaign, number)
    return _bulletin_page(request, campaign, _root(campaign), bulletin.document, bulletin)


@login_required
@require_GET
def draft(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    _require(_roles(request.user, root)["sees_all"])
    as_of = _as_of(request, request.GET)
    return _bulletin_page(request, campaign, root, build_bulletin(campaign, as_of))


def _forecast_context(document: dict) -> dict:
    from zhaoshang.dispatch.forecast_section import COLUMNS, forecast_sentence, unit_rows

    section = document.get("forecast")
    if not section:
        return {}
    return {
        "forecast_sentence": forecast_sentence(section),
        "forecast_rows": unit_rows(section),
        "forecast_columns": COLUMNS,
    }


@login_required
@require_POST
def forecast_switch(request, code: str):
    """The office switches the bulletin's forecast section on or off."""
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["can_manage"])
    on = request.POST.get("on") == "1"
    do_save_dispatch_settings(
        campaign,
        actor=request.user,
        reason=_("通报完成预测：开启") if on else _("通报完成预测：关闭"),
        forecast_in_bulletin=on,
    )
    url = reverse("dispatch:draft", kwargs={"code": campaign.code})
    as_of = _as_of(request, request.POST)
    return redirect(f"{url}?{urlencode({'as_of': as_of.isoformat()})}")


@login_required
@require_POST
def publish(request, code: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["can_manage"])
    as_of = _as_of(request, request.POST)
    try:
        bulletin = do_publish_bulletin(campaign, as_of, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        url = reverse("dispatch:draft", kwargs={"code": campaign.code})
        return redirect(f"{url}?{urlencode({'as_of': as_of.isoformat()})}")
    messages.success(
        request,
        _("已发布调度通报第%(number)d期。此后台账的修改不会改变本期通报，将在下一期中体现。")
        % {"number": bulletin.number},
    )
    return redirect("dispatch:bulletin", code=campaign.code, number=bulletin.number)


def _download(document: dict, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404
    return _attachment(render_file(document, fmt), file_name(document, fmt), CONTENT_TYPES[fmt])


@login_required
@require_GET
def bulletin_download(request, code: str, number: int, fmt: str):
    campaign = _campaign(request, code)
    # Published: rendered from the frozen document alone, never from the ledger;
    # its project-level basis only as far as the user sees the ledger.
    return _download(document_for(_published(campaign, number).document, request.user), fmt)


@login_required
@require_GET
def draft_download(request, code: str, fmt: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["sees_all"])
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404
    document = build_bulletin(campaign, _as_of(request, request.GET))
    return _download(document_for(document, request.user), fmt)


@login_required
@require_POST
def draft_files(request, code: str):
    """The draft in Word, Excel and JSON made in the background; opens the job's page."""
    from zhaoshang.jobs.services import do_start_job

    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["sees_all"])
    as_of = _as_of(request, request.POST)
    job = do_start_job(
        "bulletin",
        user=request.user,
        title=_("调度通报文件 · %(campaign)s · 统计截至 %(day)s")
        % {"campaign": campaign.name, "day": as_of.isoformat()},
        params={"campaign": campaign.code, "as_of": as_of.isoformat()},
    )
    return redirect("jobs:job", code=job.code)


# ---------------------------------------------------------------- drill-down


def _projects_page(request, campaign: Campaign, document: dict, bulletin=None):
    """The counted projects behind a figure of the bulletin, as far as the user may see them."""
    rows = {r["code"]: r for r in document["children"]}
    row = request.GET.get("row", "")
    indicator = request.GET.get("indicator", "")
    chosen = request.GET.get("set", "basis")
    if indicator and indicator not in INDICATOR_FLAGS:
        raise Http404
    if row and row != DIRECT_ROW and row not in rows:
        raise Http404
    if chosen == "new":
        projects = new_contract_projects(document)
    elif chosen == "stuck":
        projects = document["stuck_key_projects"]["projects"]
    elif chosen == "basis":
        projects = basis_projects(document)
    else:
        raise Http404
    if row == DIRECT_ROW:
        projects = [p for p in projects if p.get("row_code") is None]
    elif row:
        projects = [p for p in projects if p.get("row_code") == row]
    flag = INDICATOR_FLAGS.get(indicator)
    if flag == "funds":
        projects = [p for p in projects if Decimal(p.get("funds") or 0)]
    elif flag:
        projects = [p for p in projects if p.get(flag)]
    # Scope: the projects of units the user sees. Whoever sees the campaign's
    # root sees every row (no query); others get one query for the unit codes.
    total = len(projects)
    if not scope_of(request.user).contains(_root(campaign)):
        hidden = basis_units_hidden_from(document, request.user)
        projects = [p for p in projects if p["unit_code"] not in hidden]
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    amount_total = sum((Decimal(p.get("amount") or 0) for p in projects), Decimal(0))
    funds_total = sum((Decimal(p.get("funds") or 0) for p in projects), Decimal(0))
    row_name = None
    if row == DIRECT_ROW:
        row_name = (document.get("direct") or {}).get("name") or _("本级")
    elif row:
        row_name = rows[row]["name"]
    as_of = date.fromisoformat(document["as_of"])
    context = {
        "campaign": campaign,
        "doc": document,
        "bulletin": bulletin,
        "draft": bulletin is None,
        "as_of": as_of,
        "page": page,
        "params": params.urlencode(),
        "row": row,
        "row_name": row_name,
        "indicator": indicator,
        "chosen": chosen,
        "hidden": total - len(projects),
        "listed": len(projects),
        "amount_total": amount_total,
        "funds_total": funds_total,
        "openable": _visible_codes(request.user, Project, [p["code"] for p in page.object_list]),
        "back_url": (
            reverse("dispatch:bulletin", kwargs={"code": campaign.code, "number": bulletin.number})
            if bulletin is not None
            else reverse("dispatch:draft", kwargs={"code": campaign.code})
            + "?"
            + urlencode({"as_of": as_of.isoformat()})
        ),
        "ledger_url": _ledger_url(campaign, document, row, rows),
    }
    return render(request, "dispatch/projects.html", context)


def _ledger_url(campaign: Campaign, document: dict, row: str, rows: dict) -> str | None:
    """The live project ledger filtered like the list (unit, contract days), for a unit row."""
    if not row or row == DIRECT_ROW:
        return None
    last = min(campaign.end, date.fromisoformat(document["as_of"]))
    query = {
        "unit": row,
        "date_field": "contract_on",
        "date_from": campaign.start.isoformat(),
        "date_to": last.isoformat(),
    }
    return reverse("project_list") + "?" + urlencode(query)


@login_required
@require_GET
def bulletin_projects(request, code: str, number: int):
    campaign = _campaign(request, code)
    bulletin = _published(campaign, number)
    return _projects_page(request, campaign, bulletin.document, bulletin)


@login_required
@require_GET
def draft_projects(request, code: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["sees_all"])
    return _projects_page(request, campaign, build_bulletin(campaign, _as_of(request, request.GET)))


@login_required
@require_http_methods(["GET", "POST"])
def dispatch_settings(request, code: str):
    """The campaign's dispatch thresholds: read by everyone in it, changed by its administrators."""
    campaign = _campaign(request, code)
    root = _root(campaign)
    roles = _roles(request.user, root)
    current = settings_for(campaign)
    form = DispatchSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        _require(roles["can_manage"])
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
            try:
                _found, changed = do_save_dispatch_settings(
                    campaign,
                    actor=request.user,
                    reason=form.cleaned_data["reason"] or None,
                    **values,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if changed:
                    messages.success(request, _("调度设置已保存。"))
                else:
                    messages.info(request, _("没有修改任何内容。"))
                return redirect("dispatch:settings", code=campaign.code)
    history = []
    if current.pk:
        history = list(current.history.select_related("history_user").order_by("-history_id")[:20])
    return render(
        request,
        "dispatch/settings.html",
        {"campaign": campaign, "form": form, "current": current, "history": history, **roles},
    )
