"""Pages. Thin on purpose: reads go through ``visible()`` and the progress engine,
writes through the ledger services; figures are only formatted here, never computed.
The project ledger's pages live in zhaoshang/ledger/views.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.engine.progress import UnknownUnit, campaign_root, compute
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible
from zhaoshang.org.services import do_password_changed
from zhaoshang.web.forms import ProgressQueryForm

# ---------------------------------------------------------------- accounts


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None):
    """The answer to a login from a locked account or address: 429, in Chinese."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "web/lockout.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    # Not registration/…: the admin app ships templates under that name and comes first.
    template_name = "web/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The first-login demand is met once the user has chosen a password.
        do_password_changed(self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "web/password_change_done.html"


# ---------------------------------------------------------------- progress


def _progress_page(request, unit_code: str | None):
    """Home page (the campaign root's ranking) and a unit's drill-down share this."""
    user = request.user
    # Out of scope is a 404 before anything else, so existence never leaks.
    unit = get_visible_or_404(Unit.objects.all(), user, code=unit_code) if unit_code else None
    if scope_of(user).empty:
        # Signed in but attached to no unit: nothing to show, and no figures leak.
        return render(request, "web/no_unit.html")
    campaigns = list(
        visible(Campaign.objects.select_related("unit"), user).order_by("-start", "code")
    )
    form = ProgressQueryForm(request.GET or None, campaigns=campaigns)
    code = request.GET.get("campaign")
    if code:
        campaign = next((c for c in campaigns if c.code == code), None)
        if campaign is None:
            raise Http404
    else:
        campaign = campaigns[0] if campaigns else None
    as_of = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]

    context = {"form": form, "campaign": campaign, "as_of": as_of, "unit": unit}
    if not _fragment_only(request):
        from zhaoshang.supervision.views import attention

        # Nothing overdue goes unnoticed: the user's overdue and due-soon tasks.
        context["attention"] = attention(user, timezone.localdate())
        if unit is None:
            from zhaoshang.web.todo import todo_for

            # A reporter's home starts with what is waiting for their own unit.
            context["todo"] = todo_for(user, campaign, timezone.localdate())
    if campaign is not None:
        try:
            progress = compute(campaign, as_of, unit)
        except UnknownUnit:
            raise Http404 from None
        rows = progress.ranked_children()
        # A row links to its drill-down only when the user may open it (one query).
        visible_rows = list(
            visible(Unit.objects.filter(pk__in=[r.unit_id for r in rows]), user).values_list(
                "pk", "path"
            )
        )
        linkable = {pk for pk, _path in visible_rows}
        # The user's own units (a reporter's county) are highlighted in the ranking.
        own_paths = set(scope_of(user).paths)
        mine = {pk for pk, path in visible_rows if path in own_paths}
        primary = campaign.primary_indicator
        context.update(
            progress=progress,
            rows=rows,
            linkable=linkable,
            mine=mine,
            primary=primary,
            primary_label=Indicator(primary).label,
            others=[(i.value, i.label) for i in Indicator if i.value != primary],
            breadcrumbs=_breadcrumbs(unit, progress, user) if unit else [],
            # The forecast names projects: only for a unit inside the user's own scope.
            forecast_unit=progress.unit.code
            if scope_of(user).contains(unit or campaign_root(campaign))
            else None,
            query=_query(campaign, as_of, request),
        )
    template = "web/_progress.html" if _fragment_only(request) else "web/progress.html"
    return render(request, template, context)


def _query(campaign, as_of, request) -> str:
    """The campaign/as-of part of links, so drill-downs keep the chosen day."""
    params = {"campaign": campaign.code}
    if request.GET.get("as_of"):
        params["as_of"] = as_of.isoformat()
    return urlencode(params)


def _fragment_only(request) -> bool:
    """An htmx swap wants the fragment; a history restore (back button) wants the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _breadcrumbs(unit: Unit, progress, user) -> list[Unit]:
    """The unit's ancestors below the campaign root that the user may open (one query).

    The campaign root's ranking is the home page, linked first in the trail.
    """
    root = campaign_root(progress.campaign)
    ids = [pk for pk in unit.ancestor_ids() if pk not in (unit.pk, root.pk)]
    return list(
        visible(Unit.objects.filter(pk__in=ids, path__startswith=root.path), user).order_by("path")
    )


@login_required
def home(request):
    return _progress_page(request, None)


@login_required
def unit_progress(request, code: str):
    return _progress_page(request, code)


# ---------------------------------------------------------------- forecast


@login_required
def unit_forecast(request, code: str):
    """The forecast panel of a unit's page (loaded after the page, so the ranking stays fast)."""
    from zhaoshang.engine.forecast import forecast

    user = request.user
    unit = get_visible_or_404(Unit.objects.all(), user, code=code)
    campaign = get_visible_or_404(
        Campaign.objects.select_related("unit"), user, code=request.GET.get("campaign", "")
    )
    as_of = timezone.localdate()
    form = ProgressQueryForm(request.GET, campaigns=[campaign])
    if form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    try:
        result = forecast(campaign, as_of, unit)
    except UnknownUnit:
        raise Http404 from None
    return render(
        request,
        "web/_forecast.html",
        {
            "f": result,
            "campaign": campaign,
            "unit": unit,
            "money": campaign.primary_indicator in ("contract_amount", "funds_in_place"),
        },
    )
