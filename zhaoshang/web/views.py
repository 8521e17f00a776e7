"""Pages. Thin on purpose: reads go through ``visible()`` and the progress engine,
writes through the ledger services; figures are only formatted here, never computed.
The project ledger's pages live in zhaoshang/ledger/views.py."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.engine.progress import UnknownUnit, campaign_root, compute
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible
from zhaoshang.org.services import do_password_changed
from zhaoshang.security import security_event
from zhaoshang.web.forms import ProgressQueryForm

# ---------------------------------------------------------------- accounts


TOTP_PENDING = "totp_pending"
# How long the second step waits for the code after a correct password.
TOTP_PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        from zhaoshang.org.totp import enabled

        user = form.get_user()
        if not enabled(user):
            return super().form_valid(form)
        # Password right, but the session is not logged in until the code is given.
        self.request.session.cycle_key()
        self.request.session[TOTP_PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_redirect_url(),
        }
        security_event("totp_asked", self.request, user=user)
        return redirect("login_code")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy("手机验证器应用中显示的 6 位数字；手机不在身边时可输入一个恢复码"),
    )


@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second login step of an account with two-step login: the code or a recovery code."""
    from axes.handlers.proxy import AxesProxyHandler
    from django.contrib.auth import get_user_model
    from django.contrib.auth import login as auth_login
    from django.contrib.auth.signals import user_login_failed

    from zhaoshang.org.totp import recovery_left, verify_second_step

    pending = request.session.get(TOTP_PENDING)
    if not pending or time.time() - pending.get("at", 0) > TOTP_PENDING_SECONDS:
        request.session.pop(TOTP_PENDING, None)
        if pending:
            messages.error(request, gettext("验证超时，请重新输入账号和密码。"))
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(TOTP_PENDING, None)
        return redirect("login")
    credentials = {"username": user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(TOTP_PENDING, None)
        return locked_out(request, credentials=credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        how = verify_second_step(user, form.cleaned_data["code"])
        if how:
            request.session.pop(TOTP_PENDING, None)
            security_event("totp_passed", request, user=user, method=how)
            auth_login(request, user, backend=pending["backend"])
            if how == "recovery":
                messages.warning(
                    request,
                    gettext("已用掉一个恢复码，还剩 %(n)d 个。") % {"n": recovery_left(user)},
                )
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = resolve_url(settings.LOGIN_REDIRECT_URL)
            return redirect(target)
        security_event("totp_failed", request, user=user)
        # Counted by axes like a wrong password (and locked out after the same number).
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", gettext("验证码不正确或已过期，请重新输入。"))
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(TOTP_PENDING, None)
            return locked_out(request, credentials=credentials)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/login_code.html", {"form": form, "account": user}, status=status)


def locked_out(request, response=None, credentials=None):
    """The answer to a login from a locked account or address: 429, in Chinese."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "web/lockout.html", context, status=429)


TOTP_ENROL = "totp_enrol"


@login_required
@require_http_methods(["GET", "POST"])
def two_step(request):
    """The user's own two-step login: turn on (QR code, key, confirm), recovery codes, turn off."""
    from django.utils.safestring import mark_safe

    from zhaoshang.org import totp

    user = request.user
    is_on = totp.enabled(user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = CodeForm(request.POST if action in ("confirm", "off") else None)
    secret = request.session.get(TOTP_ENROL) if not is_on else None
    context = {"form": form, "is_on": is_on}
    if action == "start" and not is_on:
        secret = request.session[TOTP_ENROL] = totp.new_secret()
        security_event("totp_enrol_started", request, user=user)
    elif action == "confirm" and secret and form.is_valid():
        codes = totp.do_enable_totp(user, secret, form.cleaned_data["code"])
        if codes:
            request.session.pop(TOTP_ENROL, None)
            security_event("totp_enabled", request, user=user)
            response = render(request, "web/two_step.html", {**context, "codes": codes})
            response["Cache-Control"] = "no-store"
            return response
        form.add_error("code", gettext("验证码不正确，请核对手机时间后重新输入。"))
    elif action == "off" and is_on and form.is_valid():
        from zhaoshang.org.totp import verify_second_step

        if verify_second_step(user, form.cleaned_data["code"]):
            totp.do_disable_totp(user, actor=user, reason=gettext("本人关闭两步验证"))
            security_event("totp_disabled", request, account=user.username)
            messages.success(request, gettext("两步验证已关闭。"))
            return redirect("two_step")
        security_event("totp_failed", request, user=user)
        form.add_error("code", gettext("验证码不正确或已过期，请重新输入。"))
    if is_on:
        context["left"] = totp.recovery_left(user)
    elif secret:
        context.update(
            secret=secret,
            secret_grouped=totp.grouped(secret),
            qr=mark_safe(totp.qr_svg(secret, user.username)),  # segno's own markup
        )
    status = 400 if form.is_bound and form.errors else 200
    response = render(request, "web/two_step.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


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
