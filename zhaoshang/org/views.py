"""Administration pages: units, responsible people, working teams, accounts.

For 管理员 only, each confined to their own subtree: a unit outside it is a
404 (its existence stays hidden), a unit inside it without the 管理员 role a
403. Writes go through ``org.services``, which check the same again.

Actions post and redirect back to the page; htmx posts them too and swaps only
the changed section (``hx-select``), so the same views serve both.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.org.changes import history_entries
from zhaoshang.org.forms import (
    AccountForm,
    PersonForm,
    TeamMemberForm,
    TeamRoleForm,
    UnitForm,
    managed_units,
)
from zhaoshang.org.models import Account, Membership, Person, Role, TeamMember, TeamRole, Unit
from zhaoshang.org.scope import get_visible_or_404, require_manage, scope_of, visible
from zhaoshang.org.services import (
    do_delete_person,
    do_remove_team_member,
    do_reset_password,
    do_save_account,
    do_save_person,
    do_save_team_member,
    do_save_unit,
    do_set_account_active,
    do_shift_unit,
    do_update_person,
    require_govern,
    require_manage_account,
)
from zhaoshang.security import security_event

User = get_user_model()

TEAM_ORDER = {role: i for i, role in enumerate(TeamRole.values)}


def _unit(request, code: str) -> Unit:
    """A unit the user administers: 404 outside their view, 403 without the 管理员 role."""
    unit = get_visible_or_404(Unit.objects.select_related("parent"), request.user, code=code)
    require_manage(request.user, unit)
    return unit


def _can_govern(user, unit: Unit) -> bool:
    """Whether ``user`` may change the unit's own record (rename, reorder, move)."""
    try:
        require_govern(user, unit)
    except (PermissionDenied, Http404):
        return False
    return True


def _reason(form) -> str | None:
    return (form.cleaned_data.get("reason") or "").strip() or None


def _add_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _trail(user, unit: Unit) -> list[Unit]:
    """The unit's ancestors the user administers, for the breadcrumbs (one query)."""
    ids = [pk for pk in unit.ancestor_ids() if pk != unit.pk]
    return list(managed_units(user).filter(pk__in=ids).order_by("path"))


def _unit_context(request, unit: Unit, tab: str, **extra) -> dict:
    context = {
        "unit": unit,
        "tab": tab,
        "trail": _trail(request.user, unit),
        "can_govern": _can_govern(request.user, unit),
    }
    context.update(extra)
    return context


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages showing a password must not be kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- units


@login_required
@require_GET
def index(request):
    """The units the user administers: straight to the unit page when there is one."""
    scope = scope_of(request.user)
    if scope.everything:
        tops = list(Unit.objects.filter(parent__isnull=True).order_by("order", "code"))
    else:
        paths = [path for path, role in scope.grants if role == Role.ADMIN]
        if not paths:
            raise PermissionDenied
        # A grant inside another grant adds nothing to show.
        paths = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        tops = list(Unit.objects.filter(path__in=paths).order_by("order", "code"))
    if len(tops) == 1:
        return redirect("org:unit", code=tops[0].code)
    return render(request, "org/index.html", {"tops": tops})


def _children(unit: Unit) -> list[Unit]:
    """Direct children with their counts (one query)."""
    return list(
        unit.children.annotate(
            n_children=Count("children", distinct=True),
            n_people=Count("people", distinct=True),
            n_accounts=Count("memberships", distinct=True),
        ).order_by("order", "code")
    )


@login_required
@require_GET
def unit_page(request, code: str):
    unit = _unit(request, code)
    context = _unit_context(
        request,
        unit,
        "units",
        children=_children(unit),
        moved=request.GET.get("moved", ""),
        moved_dir=request.GET.get("dir", ""),
    )
    return render(request, "org/unit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request, code: str):
    parent = _unit(request, code)
    if request.method == "POST":
        form = UnitForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                unit, _created, _changed = do_save_unit(
                    d["code"],
                    name=d["name"],
                    kind=d["kind"],
                    parent=parent,
                    order=d["order"],
                    official_code=d["official_code"],
                    actor=request.user,
                    reason=_reason(form) or _("新建单位"),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已新建单位 %(name)s。") % {"name": unit.name})
                return redirect("org:unit", code=parent.code)
    else:
        next_order = (max((c.order for c in parent.children.all()), default=0) // 10 + 1) * 10
        form = UnitForm(user=request.user, initial={"order": next_order, "official_code": False})
    return render(request, "org/unit_form.html", _unit_context(request, parent, "units", form=form))


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, code: str):
    unit = _unit(request, code)
    if not _can_govern(request.user, unit):
        # The unit's own record belongs to the level above (a county admin runs
        # everything below the county, not the county's name or place).
        raise PermissionDenied
    if request.method == "POST":
        form = UnitForm(request.POST, user=request.user, unit=unit)
        if form.is_valid():
            d = form.cleaned_data
            try:
                _u, _created, changed = do_save_unit(
                    unit.code,
                    name=d["name"],
                    kind=d["kind"],
                    parent=d["parent"],
                    order=d["order"],
                    official_code=d["official_code"],
                    actor=request.user,
                    reason=_reason(form),
                    expected_stamp=d["stamp"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if changed:
                    messages.success(request, _("单位信息已保存。"))
                else:
                    messages.info(request, _("没有修改任何内容。"))
                return redirect("org:unit", code=unit.code)
    else:
        form = UnitForm(initial=UnitForm.initial_for(unit), user=request.user, unit=unit)
    return render(request, "org/unit_form.html", _unit_context(request, unit, "units", form=form))


@login_required
@require_POST
def unit_shift(request, code: str):
    unit = _unit(request, code)
    if unit.parent is None or not _can_govern(request.user, unit):
        raise PermissionDenied
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(status=400)
    do_shift_unit(unit, -1 if direction == "up" else 1, actor=request.user, reason=_("调整排序"))
    url = reverse("org:unit", args=[unit.parent.code])
    # The moved unit's button keeps the keyboard focus after the list is redrawn.
    return redirect(f"{url}?{urlencode({'moved': unit.code, 'dir': direction})}#children")


# ---------------------------------------------------------------- people


@login_required
@require_http_methods(["GET", "POST"])
def people(request, code: str):
    unit = _unit(request, code)
    form = PersonForm(request.POST or None, unit=unit, prefix="new")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            person = do_save_person(
                unit,
                d["name"],
                title=d["title"].strip(),
                phone=d["phone"].strip(),
                actor=request.user,
                reason=_reason(form) or _("登记责任人"),
            )
            if d["user"] is not None:
                do_update_person(
                    person,
                    name=person.name,
                    title=person.title,
                    phone=person.phone,
                    user=d["user"],
                    actor=request.user,
                    reason=_reason(form) or _("关联登录账号"),
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已登记责任人 %(name)s。") % {"name": person.name})
            return redirect(reverse("org:people", args=[unit.code]) + "#people")
    rows = list(
        unit.people.select_related("user")
        .prefetch_related(Prefetch("team_roles", queryset=TeamMember.objects.filter(unit=unit)))
        .annotate(
            n_projects=Count("projects", distinct=True),
            n_targets=Count("targets", distinct=True),
        )
        .order_by("name")
    )
    context = _unit_context(request, unit, "people", rows=rows, form=form)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "org/people.html", context, status=status)


def _person(request, pk: int) -> Person:
    person = get_visible_or_404(Person.objects.select_related("unit"), request.user, pk=pk)
    require_manage(request.user, person.unit)
    return person


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = _person(request, pk)
    unit = person.unit
    if request.method == "POST":
        form = PersonForm(request.POST, unit=unit, person=person)
        if form.is_valid():
            d = form.cleaned_data
            try:
                changed = do_update_person(
                    person,
                    name=d["name"],
                    title=d["title"],
                    phone=d["phone"],
                    user=d["user"],
                    actor=request.user,
                    reason=_reason(form),
                    expected_stamp=d["stamp"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if changed:
                    messages.success(request, _("已保存 %(name)s 的信息。") % {"name": person.name})
                else:
                    messages.info(request, _("没有修改任何内容。"))
                return redirect(reverse("org:people", args=[unit.code]) + "#people")
    else:
        form = PersonForm(initial=PersonForm.initial_for(person), unit=unit, person=person)
    context = _unit_context(request, unit, "people", form=form, person=person)
    return render(request, "org/person_form.html", context)


@login_required
@require_POST
def person_delete(request, pk: int):
    person = _person(request, pk)
    unit = person.unit
    try:
        do_delete_person(person, actor=request.user, reason=_("删除责任人"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已删除责任人 %(name)s。") % {"name": person.name})
    return redirect(reverse("org:people", args=[unit.code]) + "#people")


# ---------------------------------------------------------------- working team


@login_required
@require_http_methods(["GET", "POST"])
def team(request, code: str):
    unit = _unit(request, code)
    form = TeamMemberForm(request.POST or None, unit=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            person = d["person"] or do_save_person(
                unit, d["new_name"], actor=request.user, reason=_("登记专班人员")
            )
            _m, created, _changed = do_save_team_member(
                unit, person, d["role"], actor=request.user, reason=_("调整工作专班")
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                text = _("%(name)s 已加入工作专班。")
            else:
                text = _("%(name)s 已在专班中，职务已更新。")
            messages.success(request, text % {"name": person.name})
            return redirect(reverse("org:team", args=[unit.code]) + "#team")
    members = sorted(
        unit.team.select_related("person", "person__unit"),
        key=lambda m: (TEAM_ORDER.get(m.role, 99), m.person.name),
    )
    context = _unit_context(
        request, unit, "team", members=members, form=form, roles=TeamRole.choices
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "org/team.html", context, status=status)


def _member(request, pk: int) -> TeamMember:
    member = get_visible_or_404(
        TeamMember.objects.select_related("unit", "person"), request.user, pk=pk
    )
    require_manage(request.user, member.unit)
    return member


@login_required
@require_POST
def team_member_role(request, pk: int):
    member = _member(request, pk)
    form = TeamRoleForm(request.POST)
    if form.is_valid():
        do_save_team_member(
            member.unit,
            member.person,
            form.cleaned_data["role"],
            actor=request.user,
            reason=_("调整专班职务"),
        )
        messages.success(request, _("已更新 %(name)s 的专班职务。") % {"name": member.person.name})
    else:
        messages.error(request, _("请选择专班职务。"))
    return redirect(reverse("org:team", args=[member.unit.code]) + "#team")


@login_required
@require_POST
def team_member_remove(request, pk: int):
    member = _member(request, pk)
    do_remove_team_member(member, actor=request.user, reason=_("移出工作专班"))
    messages.success(request, _("%(name)s 已移出工作专班。") % {"name": member.person.name})
    return redirect(reverse("org:team", args=[member.unit.code]) + "#team")


# ---------------------------------------------------------------- accounts


def _account_rows(unit: Unit) -> list[Membership]:
    """Memberships in the unit's subtree with their users and account facts (one query)."""
    return list(
        Membership.objects.filter(unit__path__startswith=unit.path)
        .select_related("user", "user__account", "unit")
        .order_by("unit__code", "user__username")
    )


def _locked_usernames(rows: list[Membership]) -> set[str]:
    """Which of the listed accounts are locked by too many failed logins (one query)."""
    from axes.models import AccessAttempt

    names = {m.user.username for m in rows}
    if not names:
        return set()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=names,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def _password_page(request, user, unit: Unit | None, password: str, *, created: bool):
    context = {"unit": unit, "account": user, "password": password, "created": created}
    return _no_store(render(request, "org/password_once.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def accounts(request, code: str):
    unit = _unit(request, code)
    form = AccountForm(request.POST or None, user=request.user, within=unit, prefix="new")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, _created, password = do_save_account(
                d["username"],
                full_name=d["full_name"],
                unit=d["unit"],
                role=d["role"],
                password=None,
                actor=request.user,
                reason=_reason(form) or _("新建账号"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _password_page(request, user, unit, password, created=True)
    rows = _account_rows(unit)
    context = _unit_context(
        request, unit, "accounts", rows=rows, form=form, locked=_locked_usernames(rows)
    )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "org/accounts.html", context, status=status)


def _account(request, pk: int):
    """An account the user may see (one of its units is visible), checked for administration."""
    memberships = list(
        visible(Membership.objects.filter(user_id=pk), request.user).select_related("unit", "user")
    )
    if not memberships and not scope_of(request.user).everything:
        raise Http404
    user = memberships[0].user if memberships else User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    require_manage_account(request.user, user)
    unit = memberships[0].unit if memberships else None
    return user, unit


def _back(request, unit: Unit | None) -> str:
    """Where an account action returns: the list it came from, if that is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("org:accounts", args=[unit.code]) if unit else reverse("org:index")


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk: int):
    account, unit = _account(request, pk)
    if unit is None:
        raise Http404
    if request.method == "POST":
        form = AccountForm(request.POST, user=request.user, editing=account)
        if form.is_valid():
            d = form.cleaned_data
            try:
                do_save_account(
                    account.username,
                    full_name=d["full_name"],
                    unit=d["unit"],
                    role=d["role"],
                    password=None,
                    actor=request.user,
                    reason=_reason(form),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已保存账号 %(name)s。") % {"name": account.username})
                return redirect(reverse("org:accounts", args=[unit.code]) + "#accounts")
    else:
        membership = Membership.objects.get(user=account, unit=unit)
        form = AccountForm(
            initial={"full_name": account.first_name, "unit": unit.pk, "role": membership.role},
            user=request.user,
            editing=account,
        )
    context = _unit_context(request, unit, "accounts", form=form, account=account)
    return render(request, "org/account_form.html", context)


@login_required
@require_POST
def account_reset_password(request, pk: int):
    account, unit = _account(request, pk)
    password = do_reset_password(account, actor=request.user, reason=_("管理员重置密码"))
    return _password_page(request, account, unit, password, created=False)


@login_required
@require_POST
def account_set_active(request, pk: int):
    account, unit = _account(request, pk)
    active = request.POST.get("active") == "1"
    try:
        do_set_account_active(
            account,
            active,
            actor=request.user,
            reason=_("启用账号") if active else _("停用账号"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if active:
            messages.success(request, _("账号 %(name)s 已启用。") % {"name": account.username})
        else:
            messages.success(
                request, _("账号 %(name)s 已停用，不能再登录。") % {"name": account.username}
            )
    return redirect(_back(request, unit))


@login_required
@require_POST
def account_unlock(request, pk: int):
    """Lifts a lockout after too many failed logins (the address's lock ends by itself)."""
    from axes.utils import reset

    account, unit = _account(request, pk)
    cleared = reset(username=account.username)
    security_event("unlock", request, account=account.username, cleared=cleared)
    messages.success(
        request, _("账号 %(name)s 已解锁，可以重新登录。") % {"name": account.username}
    )
    return redirect(_back(request, unit))


@login_required
@require_POST
def account_totp_off(request, pk: int):
    """An administrator turns off another user's two-step login (lost phone and codes)."""
    from zhaoshang.org.totp import do_disable_totp

    account, unit = _account(request, pk)
    if do_disable_totp(account, actor=request.user, reason=_("管理员关闭两步验证")):
        security_event("totp_disabled", request, account=account.username)
        messages.success(
            request,
            _("账号 %(name)s 的两步验证已关闭，下次登录只需密码。") % {"name": account.username},
        )
    return redirect(_back(request, unit))


# ---------------------------------------------------------------- history


@login_required
@require_GET
def unit_history(request, code: str):
    """Changes of the unit, its people, its team and the accounts working in it."""
    unit = _unit(request, code)
    user_ids = list(Membership.objects.filter(unit=unit).values_list("user_id", flat=True))
    entries = history_entries(
        Unit.history.filter(id=unit.pk).select_related("history_user"),
        Unit,
        ["name", "kind", "parent", "order", "official_code"],
        subject=lambda r: _("单位信息"),
    )
    entries += history_entries(
        Person.history.filter(unit_id=unit.pk).select_related("history_user"),
        Person,
        ["name", "title", "phone", "user"],
        subject=lambda r: _("责任人 %(name)s") % {"name": r.name},
    )
    entries += history_entries(
        TeamMember.history.filter(unit_id=unit.pk).select_related("history_user"),
        TeamMember,
        ["person", "role"],
        subject=lambda r: _("工作专班"),
    )
    entries += history_entries(
        Membership.history.filter(unit_id=unit.pk).select_related("history_user"),
        Membership,
        ["user", "unit", "role"],
        subject=lambda r: _("账号权限"),
    )
    entries += history_entries(
        Account.history.filter(user_id__in=user_ids).select_related("history_user", "user"),
        Account,
        ["must_change_password", "password_reset_at", "deactivated_at"],
        subject=lambda r: _("账号 %(name)s") % {"name": r.user.username},
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    context = _unit_context(request, unit, "history", entries=entries)
    return render(request, "org/history.html", context)
