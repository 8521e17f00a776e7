"""Event pages: the event and its figures, the invitee list and guests, logistics
files, the signing list, eligibility rules and the promotion material.

Thin on purpose: reads go through ``visible()`` and ``events.figures``; writes
through ``events/services.py``. Who may do what (the event must be visible
first, else 404):
- everyone whose unit takes part (the host's subtree) sees the event and the
  invitations and signings of their own subtree; the host sees all;
- editors (填报员, 管理员) invite and update guests for their units; the host's
  editors run the whole list, the signing order and the logistics files;
- a user who sees a page but may not act on it gets 403.
The public page of a published promotion project needs no login and shows
nothing internal.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.campaigns.models import Campaign
from zhaoshang.dispatch.forms import AsOfForm
from zhaoshang.engine.eligibility import EXCLUDE, hits, rules_of
from zhaoshang.engine.progress import campaign_root
from zhaoshang.events import documents
from zhaoshang.events.figures import compute, signing_list
from zhaoshang.events.forms import (
    AddInviteesForm,
    EventForm,
    GuestForm,
    InviteeFilterForm,
    PhotoForm,
    ProjectFactsForm,
    PromotionForm,
    ReasonForm,
    RulesForm,
    SigningForm,
    StatusForm,
)
from zhaoshang.events.models import (
    Event,
    Invitation,
    InvitationStatus,
    PromotionPhoto,
    PromotionProject,
    Signing,
)
from zhaoshang.events.services import (
    Guest,
    _host,
    can_run_event,
    do_add_photo,
    do_create_invitation,
    do_delete_photo,
    do_remove_invitation,
    do_remove_signing,
    do_save_eligibility_rules,
    do_save_event,
    do_save_guest,
    do_save_promotion,
    do_save_signing,
    do_set_invitation_status,
    do_set_project_facts,
)
from zhaoshang.ledger.models import TOP500_TAG, Enterprise, EnterpriseTag, Project, counted_q
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible
from zhaoshang.stamps import stamp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CANDIDATES_SHOWN = 100


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    return response


def _event(request, code: str) -> Event:
    return get_visible_or_404(
        Event.objects.select_related("host_unit", "campaign__unit"), request.user, code=code
    )


def _as_of(request):
    form = AsOfForm(request.GET)
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"]
    if request.GET.get("as_of"):
        raise BadRequest(_("统计截止日期格式不正确。"))
    return timezone.localdate()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _can_invite(user) -> bool:
    scope = scope_of(user)
    return scope.everything or any(role in ("admin", "reporter") for _p, role in scope.grants)


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _invitations(request, event):
    return visible(
        Invitation.objects.filter(event=event).select_related("enterprise", "inviting_unit"),
        request.user,
    ).annotate(
        top500=Exists(
            EnterpriseTag.objects.filter(enterprise=OuterRef("enterprise_id"), name=TOP500_TAG)
        )
    )


# ---------------------------------------------------------------- events


@login_required
@require_GET
def event_list(request):
    events = list(visible(Event.objects.select_related("host_unit", "campaign"), request.user))
    return render(
        request,
        "events/list.html",
        {"events": events, "can_create": bool(_can_invite(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    _require(_can_invite(request.user))
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if Event.objects.filter(code=d["code"].strip()).exists():
            form.add_error("code", _("活动编码已被使用，请换一个编码"))
        else:
            try:
                event, _c, _ch = do_save_event(
                    d["code"],
                    name=d["name"],
                    kind=d["kind"],
                    campaign=d["campaign"],
                    start=d["start"],
                    end=d["end"],
                    place=d["place"],
                    host_unit=d["host_unit"],
                    note=d["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已新建招商活动「%(name)s」") % {"name": event.name})
                return redirect("events:detail", event.code)
    return render(request, "events/event_form.html", {"form": form})


@login_required
@require_GET
def event_detail(request, code: str):
    event = _event(request, code)
    as_of = _as_of(request)
    user = request.user
    host = _host(event)
    runs = can_run_event(user, event)
    scope = scope_of(user)
    sees_all = scope.everything or (host is not None and scope.contains(host))
    if sees_all and host is not None:
        figures = compute(event, as_of, by_unit=host)
    else:
        figures = compute(event, as_of, restrict_to=scope)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "as_of": as_of,
            "figures": figures,
            "total": figures.total,
            "sees_all": sees_all,
            "runs": runs,
            "tab": "overview",
        },
    )


# ---------------------------------------------------------------- invitations


@login_required
@require_GET
def invitation_list(request, code: str):
    event = _event(request, code)
    qs = _invitations(request, event)
    status = request.GET.get("status")
    if status in InvitationStatus.values:
        qs = qs.filter(status=status)
    unit_code = request.GET.get("unit")
    if unit_code:
        unit = get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
        qs = qs.filter(inviting_unit__path__startswith=unit.path)
    invitations = list(qs)
    can_write = {i.pk for i in invitations if _may_edit(request.user, i, event)}
    filter_form = InviteeFilterForm(request.GET or None, user=request.user)
    candidates = []
    add_form = None
    if _can_invite(request.user) and request.GET.get("find"):
        cands = _candidates(request, event, filter_form)
        candidates = list(cands[:CANDIDATES_SHOWN])
        add_form = AddInviteesForm(user=request.user, event=event, candidates=cands)
    return render(
        request,
        "events/invitations.html",
        {
            "event": event,
            "invitations": invitations,
            "can_write": can_write,
            "statuses": InvitationStatus.choices,
            "status": status,
            "filter_form": filter_form,
            "candidates": candidates,
            "candidates_more": len(candidates) >= CANDIDATES_SHOWN,
            "add_form": add_form,
            "can_invite": _can_invite(request.user),
            "runs": can_run_event(request.user, event),
            "tab": "invitations",
        },
    )


def _may_edit(user, invitation, event) -> bool:
    scope = scope_of(user)
    return scope.can_edit(invitation.inviting_unit) or can_run_event(user, event)


def _candidates(request, event, filter_form):
    invited = Invitation.objects.filter(event=event, enterprise=OuterRef("pk"))
    qs = visible(Enterprise.objects.all(), request.user).filter(~Exists(invited))
    qs = filter_form.filter(qs)
    return qs.annotate(
        top500=Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), name=TOP500_TAG)),
        listed=Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), name="上市公司")),
    ).order_by("name_pinyin")


@login_required
@require_POST
def invitation_add(request, code: str):
    event = _event(request, code)
    _require(_can_invite(request.user))
    filter_form = InviteeFilterForm(None, user=request.user)
    form = AddInviteesForm(
        request.POST,
        user=request.user,
        event=event,
        candidates=_candidates(request, event, filter_form),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("events:invitations", event.code)
    added = 0
    for enterprise in form.cleaned_data["enterprises"]:
        try:
            do_create_invitation(
                event,
                enterprise,
                inviting_unit=form.cleaned_data["inviting_unit"],
                inviter=form.cleaned_data["inviter"],
                actor=request.user,
            )
            added += 1
        except ValidationError as exc:
            _errors(request, exc)
    if added:
        messages.success(request, _("已将 %(n)d 家客商列入拟邀名单") % {"n": added})
    return redirect("events:invitations", event.code)


def _invitation(request, event, pk) -> Invitation:
    return get_visible_or_404(
        Invitation.objects.filter(event=event).select_related(
            "enterprise", "inviting_unit", "event"
        ),
        request.user,
        pk=pk,
    )


@login_required
@require_POST
def invitation_status(request, code: str, pk: int):
    event = _event(request, code)
    invitation = _invitation(request, event, pk)
    _require(_may_edit(request.user, invitation, event))
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            do_set_invitation_status(
                invitation,
                form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                expected_stamp=form.cleaned_data["stamp"],
            )
            messages.success(
                request,
                _("「%(name)s」已改为%(status)s")
                % {"name": invitation.enterprise.name, "status": form.cleaned_data["status"]},
            )
        except ValidationError as exc:
            _errors(request, exc)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("events:invitations", args=[event.code])
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, code: str, pk: int):
    event = _event(request, code)
    invitation = _invitation(request, event, pk)
    may_edit = _may_edit(request.user, invitation, event)
    initial = {f: getattr(invitation, f) for f in Guest.__dataclass_fields__}
    initial["stamp"] = stamp(invitation)
    form = GuestForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _require(may_edit)
        if form.is_valid():
            try:
                do_save_guest(
                    invitation,
                    form.guest(),
                    actor=request.user,
                    expected_stamp=form.cleaned_data["stamp"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("嘉宾信息已保存"))
                return redirect("events:invitation", event.code, invitation.pk)
    return render(
        request,
        "events/invitation.html",
        {
            "event": event,
            "invitation": invitation,
            "form": form,
            "may_edit": may_edit,
            "statuses": InvitationStatus.choices,
            "history": invitation.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
            "tab": "invitations",
        },
    )


@login_required
@require_POST
def invitation_remove(request, code: str, pk: int):
    event = _event(request, code)
    invitation = _invitation(request, event, pk)
    _require(_may_edit(request.user, invitation, event))
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("删除邀约须填写原因"))
        do_remove_invitation(invitation, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("events:invitation", event.code, invitation.pk)
    messages.success(request, _("已删除「%(name)s」的邀约") % {"name": invitation.enterprise.name})
    return redirect("events:invitations", event.code)


# ---------------------------------------------------------------- logistics files


@login_required
@require_GET
def logistics_download(request, code: str):
    event = _event(request, code)
    invitations = list(_invitations(request, event))
    data = documents.logistics_xlsx(event, invitations)
    return _attachment(data, f"{event.name}-后勤保障.xlsx", XLSX)


@login_required
@require_GET
def namecards_download(request, code: str):
    event = _event(request, code)
    invitations = list(_invitations(request, event))
    return _attachment(
        documents.namecards_docx(event, invitations), f"{event.name}-桌签.docx", DOCX
    )


@login_required
@require_GET
def programme_download(request, code: str):
    event = _event(request, code)
    lines = signing_list(event, timezone.localdate(), _signings(request, event))
    guests = list(_invitations(request, event))
    return _attachment(
        documents.programme_docx(event, lines, guests), f"{event.name}-签约仪式议程.docx", DOCX
    )


# ---------------------------------------------------------------- signing


def _signings(request, event):
    return visible(Signing.objects.filter(event=event), request.user)


@login_required
@require_http_methods(["GET", "POST"])
def signing_list_page(request, code: str):
    event = _event(request, code)
    as_of = _as_of(request)
    form = SigningForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require(_can_invite(request.user))
        if form.is_valid():
            d = form.cleaned_data
            try:
                do_save_signing(
                    event,
                    d["project"],
                    amount=d["amount"],
                    order=d["order"],
                    investor=d["investor"],
                    our_signatory=d["our_signatory"],
                    their_signatory=d["their_signatory"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("项目 %(code)s 已列入签约名单") % {"code": d["project"].code}
                )
                return redirect("events:signings", event.code)
    qs = _signings(request, event)
    lines = signing_list(event, as_of, qs)
    ids = dict(qs.values_list("project__code", "pk"))
    for line in lines:
        line["pk"] = ids[line["project"]]
    return render(
        request,
        "events/signings.html",
        {
            "event": event,
            "as_of": as_of,
            "lines": lines,
            "form": form,
            "can_sign": _can_invite(request.user),
            "runs": can_run_event(request.user, event),
            "tab": "signings",
        },
    )


@login_required
@require_POST
def signing_remove(request, code: str, pk: int):
    event = _event(request, code)
    signing = get_visible_or_404(
        _signings(request, event).select_related("project"), request.user, pk=pk
    )
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("移出签约名单须填写原因"))
        do_remove_signing(signing, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("项目 %(code)s 已移出签约名单") % {"code": signing.project.code}
        )
    return redirect("events:signings", event.code)


# ---------------------------------------------------------------- eligibility


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request, code: str):
    campaign = get_visible_or_404(Campaign.objects.select_related("unit"), request.user, code=code)
    root = campaign_root(campaign)
    scope = scope_of(request.user)
    can_manage = scope.contains(root) and scope.can_manage(root)
    can_edit = _can_invite(request.user)
    rules = rules_of(campaign)
    form = RulesForm(initial=RulesForm.initial_from(rules))
    facts_form = ProjectFactsForm(user=request.user)
    if request.method == "POST":
        if request.POST.get("form") == "facts":
            _require(can_edit)
            facts_form = ProjectFactsForm(request.POST, user=request.user)
            if facts_form.is_valid():
                d = facts_form.cleaned_data
                try:
                    do_set_project_facts(
                        d["project"],
                        is_government_funded=d["is_government_funded"],
                        earlier_phase=d["earlier_phase"],
                        actor=request.user,
                    )
                except ValidationError as exc:
                    facts_form.add_error(None, exc)
                else:
                    messages.success(
                        request, _("项目 %(code)s 的认定信息已保存") % {"code": d["project"].code}
                    )
                    return redirect("events:eligibility", campaign.code)
        else:
            _require(can_manage)
            form = RulesForm(request.POST)
            if form.is_valid():
                try:
                    do_save_eligibility_rules(campaign, form.rules(), actor=request.user)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("认定规则已保存"))
                    return redirect("events:eligibility", campaign.code)
    as_of = _as_of(request)
    # Projects contracted in the campaign's window, and the rules that hit each.
    window = visible(
        Project.objects.filter(counted_q(campaign.start, campaign.end, as_of)).select_related(
            "responsible_unit", "industry", "earlier_phase"
        ),
        request.user,
    )
    ids = list(window.values_list("pk", flat=True))
    found = hits(campaign, as_of, ids)
    hit_projects = [
        {
            "project": p,
            "rules": found[p.pk],
            "excluded": any(r.action == EXCLUDE for r in found[p.pk]),
        }
        for p in window.filter(pk__in=list(found))
    ]
    return render(
        request,
        "events/eligibility.html",
        {
            "campaign": campaign,
            "as_of": as_of,
            "rules": rules,
            "form": form,
            "facts_form": facts_form,
            "can_manage": can_manage,
            "can_edit": can_edit,
            "hit_projects": hit_projects,
            "marked": visible(
                Project.objects.filter(is_government_funded=True)
                | Project.objects.filter(earlier_phase__isnull=False),
                request.user,
            ).select_related("earlier_phase", "responsible_unit"),
        },
    )


# ---------------------------------------------------------------- promotion material


def _promotions(request):
    return visible(PromotionProject.objects.select_related("unit", "industry"), request.user)


@login_required
@require_GET
def promotion_list(request):
    units = visible(
        Unit.objects.filter(promotion_projects__isnull=False).distinct(), request.user
    ).order_by("path")
    return render(
        request,
        "events/promotion_list.html",
        {
            "promotions": list(_promotions(request)),
            "units": list(units),
            "can_edit": _can_invite(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def promotion_edit(request, code: str | None = None):
    promotion = get_visible_or_404(_promotions(request), request.user, code=code) if code else None
    if promotion is not None:
        initial = {
            f: getattr(promotion, f)
            for f in PromotionForm.base_fields
            if f not in ("project", "stamp")
        }
        initial["project"] = promotion.project.code if promotion.project_id else ""
        initial["stamp"] = stamp(promotion)
    else:
        initial = {}
    form = PromotionForm(request.POST or None, initial=initial, user=request.user)
    can_edit = (
        promotion is None
        and _can_invite(request.user)
        or (promotion is not None and scope_of(request.user).can_edit(promotion.unit))
    )
    if request.method == "POST":
        _require(can_edit)
        if form.is_valid():
            new_code = form.cleaned_data["code"].strip()
            if (
                promotion is None or new_code != promotion.code
            ) and PromotionProject.objects.filter(code=new_code).exists():
                form.add_error("code", _("推介项目编号已被使用"))
            elif promotion is not None and new_code != promotion.code:
                form.add_error("code", _("推介项目编号不能修改"))
            else:
                try:
                    saved, _c, _ch = do_save_promotion(
                        new_code,
                        form.data_object(),
                        actor=request.user,
                        expected_stamp=form.cleaned_data["stamp"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("推介项目已保存"))
                    return redirect("events:promotion", saved.code)
    if promotion is not None and request.method == "GET" and not can_edit:
        pass
    return render(
        request,
        "events/promotion_form.html",
        {
            "form": form,
            "promotion": promotion,
            "can_edit": can_edit,
            "photo_form": PhotoForm(),
            "photos": list(promotion.photos.all()) if promotion else [],
        },
    )


@login_required
@require_POST
def promotion_photo_add(request, code: str):
    promotion = get_visible_or_404(_promotions(request), request.user, code=code)
    _require(scope_of(request.user).can_edit(promotion.unit))
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            do_add_photo(
                promotion,
                form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                actor=request.user,
            )
            messages.success(request, _("照片已上传"))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("请选择要上传的照片"))
    return redirect("events:promotion", promotion.code)


@login_required
@require_POST
def promotion_photo_delete(request, code: str, pk: int):
    promotion = get_visible_or_404(_promotions(request), request.user, code=code)
    photo = get_visible_or_404(
        PromotionPhoto.objects.filter(promotion=promotion), request.user, pk=pk
    )
    _require(scope_of(request.user).can_edit(promotion.unit))
    do_delete_photo(photo, actor=request.user)
    messages.success(request, _("照片已删除"))
    return redirect("events:promotion", promotion.code)


@login_required
@require_GET
def promotion_photo(request, code: str, pk: int):
    promotion = get_visible_or_404(_promotions(request), request.user, code=code)
    photo = get_visible_or_404(
        PromotionPhoto.objects.filter(promotion=promotion), request.user, pk=pk
    )
    return _photo_response(photo)


def _photo_response(photo):
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def booklet_download(request, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise Http404
    qs = _promotions(request).prefetch_related(Prefetch("photos"))
    unit_code = request.GET.get("unit")
    if unit_code:
        unit = get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
        qs = qs.filter(unit__path__startswith=unit.path)
    else:
        memberships = scope_of(request.user)
        unit = None
        if not memberships.everything and len(memberships.paths) == 1:
            unit = Unit.objects.filter(path=memberships.paths[0]).first()
        if unit is None:
            unit = Unit.objects.filter(parent__isnull=True).order_by("order", "code").first()
    title = f"{unit.name if unit else ''}招商引资项目推介手册"
    promotions = list(qs.filter(published=True) if request.GET.get("published") else qs)
    if fmt == "docx":
        return _attachment(documents.booklet_docx(title, promotions), f"{title}.docx", DOCX)
    return _attachment(documents.booklet_pdf(title, promotions), f"{title}.pdf", "application/pdf")


# ---------------------------------------------------------------- public pages


def _published(code: str) -> PromotionProject:
    promotion = (
        PromotionProject.objects.select_related("unit", "industry")
        .filter(code=code, published=True)
        .first()
    )
    if promotion is None:
        raise Http404
    return promotion


@require_GET
def public_promotion(request, code: str):
    """A published project for investors: no login, nothing internal."""
    promotion = _published(code)
    response = render(
        request,
        "events/public_promotion.html",
        {"p": promotion, "photos": list(promotion.photos.all())},
    )
    response["X-Robots-Tag"] = "noarchive"
    return response


@require_GET
def public_photo(request, code: str, pk: int):
    promotion = _published(code)
    photo = PromotionPhoto.objects.filter(promotion=promotion, pk=pk).first()
    if photo is None:
        raise Http404
    return _photo_response(photo)
