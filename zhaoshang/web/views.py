"""Pages. Thin on purpose: reads go through ``visible()`` and the progress engine,
writes through the ledger services; figures are only formatted here, never computed."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, F, Sum
from django.db.models.functions import Cast, Round
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.engine.progress import UnknownUnit, campaign_root, compute
from zhaoshang.ledger.models import Project
from zhaoshang.ledger.services import VersionConflict, do_save_project
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, require_edit, scope_of, visible
from zhaoshang.org.services import do_password_changed
from zhaoshang.web.changes import project_changes
from zhaoshang.web.filters import ProjectFilter
from zhaoshang.web.forms import ProgressQueryForm, ProjectForm

PAGE_SIZE = 50


# ---------------------------------------------------------------- accounts


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


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
    if campaign is not None:
        try:
            progress = compute(campaign, as_of, unit)
        except UnknownUnit:
            raise Http404 from None
        rows = progress.ranked_children()
        # A row links to its drill-down only when the user may open it (one query).
        linkable = set(
            visible(Unit.objects.filter(pk__in=[r.unit_id for r in rows]), user).values_list(
                "pk", flat=True
            )
        )
        primary = campaign.primary_indicator
        context.update(
            progress=progress,
            rows=rows,
            linkable=linkable,
            primary=primary,
            primary_label=Indicator(primary).label,
            others=[(i.value, i.label) for i in Indicator if i.value != primary],
            breadcrumbs=_breadcrumbs(unit, progress, user) if unit else [],
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


# ---------------------------------------------------------------- projects


def _cents_total(qs) -> int:
    # Summing whole cents keeps SQLite, which stores decimals as REAL, exact to the cent
    # (the engine sums the same way, so this total and the progress table agree).
    return (
        qs.aggregate(cents=Sum(Cast(Round(F("contract_amount") * 100), BigIntegerField())))["cents"]
        or 0
    )


@login_required
def project_list(request):
    base = visible(Project.objects.select_related("responsible_unit"), request.user)
    filterset = ProjectFilter(request.GET or None, queryset=base, request=request)
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if filterset.is_bound and not filterset.is_valid():
        projects = base.none()
    # Unit codes (GB/T 2260) group a county's projects and keep the official order.
    projects = projects.order_by("responsible_unit__code", "code")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    total = _cents_total(projects)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "total_contract_amount": _cents_to_wan(total),
        "params": params.urlencode(),
    }
    template = "web/projects/_table.html" if _fragment_only(request) else "web/projects/list.html"
    return render(request, template, context)


def _cents_to_wan(cents: int) -> Decimal:
    return Decimal(cents) / 100


@login_required
def project_detail(request, code: str):
    project = get_visible_or_404(
        Project.objects.select_related("responsible_unit", "person", "industry", "park"),
        request.user,
        code=code,
    )
    context = {
        "project": project,
        "cooperating_units": list(project.cooperating_units.order_by("path")),
        "investors": list(project.investors.prefetch_related("tags").order_by("name")),
        "stage_events": list(
            project.stage_events.select_related("recorded_by").order_by("on", "stage", "pk")
        ),
        "funds": list(project.funds.order_by("on")),
        "follow_ups": list(
            project.follow_ups.select_related("unit", "enterprise", "created_by").order_by(
                "-on", "-pk"
            )
        ),
        "changes": project_changes(project),
        "can_edit": scope_of(request.user).can_edit(project.responsible_unit),
    }
    return render(request, "web/projects/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, code: str):
    # Out of scope is a 404 (existence stays hidden); read-only roles get 403.
    project = get_visible_or_404(
        Project.objects.select_related("responsible_unit"),
        request.user,
        code=code,
    )
    require_edit(request.user, project.responsible_unit)
    if request.method == "POST":
        form = ProjectForm(request.POST, user=request.user, project=project)
        if form.is_valid():
            try:
                do_save_project(
                    project.code,
                    form.project_data(),
                    actor=request.user,
                    reason=form.cleaned_data["reason"].strip(),
                    expected_version=form.cleaned_data["version"],
                )
            except VersionConflict:
                form.add_error(
                    None,
                    _(
                        "项目 %(code)s 在您打开此页后已被他人修改，您的修改未保存。"
                        "请重新打开编辑页，在最新内容上修改。"
                    )
                    % {"code": project.code},
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except PermissionDenied:
                # E.g. moving the project to a unit the user may not edit.
                form.add_error(None, _("您无权把项目改到所选单位。"))
            else:
                messages.success(request, _("项目 %(code)s 已保存。") % {"code": project.code})
                return redirect("project_detail", code=project.code)
    else:
        form = ProjectForm(
            initial=ProjectForm.initial_for(project), user=request.user, project=project
        )
    return render(
        request,
        "web/projects/edit.html",
        {
            "project": project,
            "form": form,
            "cancel_url": reverse("project_detail", args=[project.code]),
        },
    )
