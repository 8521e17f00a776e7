"""Writes of events, invitations, signings, eligibility rules and promotion material.

Each service runs in one transaction, re-checks the actor's scope inside it
and leaves history (who, when, before/after, reason). Pages, the command line
and the workbook import write through here; ``actor=None`` is a system write
(an operator's import, the demo).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from zhaoshang.campaigns.models import Campaign
from zhaoshang.codes import code_problem
from zhaoshang.engine.eligibility import RuleProblem, parse_rules
from zhaoshang.engine.progress import campaign_root
from zhaoshang.events.models import (
    Event,
    GuestLevel,
    Invitation,
    InvitationStatus,
    PromotionPhoto,
    PromotionProject,
    Signing,
)
from zhaoshang.history import mark, save_changes
from zhaoshang.ledger.models import Enterprise, Project, Stage
from zhaoshang.ledger.services import do_change_stage
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import require_edit, require_manage, scope_of
from zhaoshang.stamps import check_stamp

MAX_AMOUNT = Decimal("99999999999999.99")


def _edit(actor, unit: Unit | None) -> None:
    if actor is None:
        return
    if unit is None:
        if not scope_of(actor).everything:
            raise PermissionDenied
        return
    require_edit(actor, unit)


def _host(event: Event) -> Unit | None:
    if event.host_unit_id:
        return event.host_unit
    if event.campaign_id:
        return campaign_root(event.campaign)
    return Unit.objects.filter(parent__isnull=True).order_by("order", "code").first()


def can_run_event(user, event: Event) -> bool:
    """Editors of the host unit run the whole event: every invitation and the signing list."""
    host = _host(event)
    scope = scope_of(user)
    return scope.everything or (host is not None and scope.can_edit(host))


def _within_event(event: Event, unit: Unit, label: str) -> None:
    host = _host(event)
    if host is not None and not unit.is_within(host):
        raise ValidationError(
            _("%(label)s「%(unit)s」不在主办单位「%(host)s」范围内")
            % {"label": label, "unit": unit.name, "host": host.name}
        )


# ---------------------------------------------------------------- events


@transaction.atomic
def do_save_event(
    code: str,
    *,
    name: str,
    start: date,
    end: date | None = None,
    kind: str = "大会",
    campaign: Campaign | None = None,
    place: str = "",
    host_unit: Unit | None = None,
    note: str = "",
    actor=None,
    reason: str | None = None,
) -> tuple[Event, bool, list[str]]:
    """Create or update event ``code``; its host unit's editors run it."""
    code = (code or "").strip()
    problem = code_problem(code, label=_("活动编码"))
    if problem:
        raise ValidationError(problem)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("「活动名称」：不能为空"))
    if end is not None and end < start:
        raise ValidationError(
            _("结束日期 %(end)s 早于开始日期 %(start)s") % {"end": end, "start": start}
        )
    event = Event.objects.select_for_update().filter(code=code).first()
    created = event is None
    if created:
        event = Event(code=code)
    else:
        _edit(actor, _host(event))
    if host_unit is None and campaign is not None:
        host_unit = campaign_root(campaign)
    _edit(actor, host_unit)
    changed = save_changes(
        event,
        {
            "name": name,
            "kind": kind,
            "campaign": campaign,
            "start": start,
            "end": end,
            "place": place.strip(),
            "host_unit": host_unit,
            "note": note,
        },
        actor=actor,
        reason=reason or (_("新建招商活动") if created else None),
    )
    return event, created, changed


# ---------------------------------------------------------------- invitations


@dataclass
class Guest:
    """What an invitation says about its guest and the guest's logistics."""

    inviter: str = ""
    guest_name: str = ""
    guest_title: str = ""
    guest_level: str = ""
    guest_phone: str = ""
    companions: int = 0
    arrival_on: date | None = None
    travel: str = ""
    hotel: str = ""
    pickup: str = ""
    dietary: str = ""
    seat: str = ""
    note: str = ""

    def values(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.strip() if isinstance(value, str) else value
        return out


def _check_status(status: str, decline_reason: str) -> None:
    if status not in InvitationStatus.values:
        raise ValidationError(
            _("「状态」：须为 %(list)s 之一") % {"list": "、".join(InvitationStatus.values)}
        )
    if status == InvitationStatus.DECLINED and not decline_reason.strip():
        raise ValidationError(_("「婉拒原因」：状态为婉拒时须填写原因"))


def _check_guest(guest: Guest) -> None:
    if guest.guest_level and guest.guest_level not in GuestLevel.values:
        raise ValidationError(
            _("「嘉宾级别」：须为 %(list)s 之一") % {"list": "、".join(GuestLevel.values)}
        )
    if guest.companions is None or guest.companions < 0 or guest.companions > 999:
        raise ValidationError(_("「随行人数」：须为 0 到 999 的整数"))


def _check_invitation_edit(actor, invitation: Invitation) -> None:
    """The inviting unit's editors, or the host's, may change an invitation."""
    if actor is None:
        return
    scope = scope_of(actor)
    if scope.can_edit(invitation.inviting_unit) or can_run_event(actor, invitation.event):
        return
    if scope.contains(invitation.inviting_unit) or scope.contains(_host(invitation.event)):
        raise PermissionDenied
    raise Http404


@transaction.atomic
def do_save_invitation(
    event: Event,
    enterprise: Enterprise,
    *,
    inviting_unit: Unit,
    status: str = InvitationStatus.PLANNED,
    decline_reason: str = "",
    guest: Guest | None = None,
    actor=None,
    reason: str | None = None,
) -> tuple[Invitation, bool, list[str]]:
    """Invite ``enterprise`` to ``event`` for ``inviting_unit``, or update that invitation."""
    guest = guest or Guest()
    _check_status(status, decline_reason)
    _check_guest(guest)
    _within_event(event, inviting_unit, _("邀请单位"))
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("event", "inviting_unit")
        .filter(event=event, enterprise=enterprise)
        .first()
    )
    created = invitation is None
    if created:
        invitation = Invitation(event=event, enterprise=enterprise)
        if actor is not None and not can_run_event(actor, event):
            _edit(actor, inviting_unit)
    else:
        _check_invitation_edit(actor, invitation)
        if invitation.inviting_unit_id != inviting_unit.pk and actor is not None:
            if not can_run_event(actor, event):
                _edit(actor, inviting_unit)
    changed = save_changes(
        invitation,
        {
            "inviting_unit": inviting_unit,
            "status": status,
            "decline_reason": decline_reason.strip() if status == InvitationStatus.DECLINED else "",
            **guest.values(),
        },
        actor=actor,
        reason=reason or (_("邀请客商") if created else None),
    )
    return invitation, created, changed


@transaction.atomic
def do_create_invitation(
    event: Event,
    enterprise: Enterprise,
    *,
    inviting_unit: Unit,
    inviter: str = "",
    actor,
) -> Invitation:
    """Add an enterprise to the invitee list (拟邀); an enterprise already invited is refused."""
    existing = (
        Invitation.objects.filter(event=event, enterprise=enterprise)
        .select_related("inviting_unit")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _("「%(name)s」已由%(unit)s邀请，不能重复邀请")
            % {"name": enterprise.name, "unit": existing.inviting_unit.name}
        )
    invitation, _created, _changed = do_save_invitation(
        event, enterprise, inviting_unit=inviting_unit, guest=Guest(inviter=inviter), actor=actor
    )
    return invitation


@transaction.atomic
def do_set_invitation_status(
    invitation: Invitation,
    status: str,
    *,
    reason: str = "",
    actor,
    expected_stamp: str | None = None,
) -> Invitation:
    """Move an invitation along 拟邀 → 已邀 → 已确认 → 已到会, or to 婉拒 with a reason."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("event", "inviting_unit")
        .get(pk=invitation.pk)
    )
    _check_invitation_edit(actor, invitation)
    check_stamp(invitation, expected_stamp, _("这条邀约"), {"status": status})
    _check_status(status, reason)
    if status == invitation.status:
        raise ValidationError(
            _("邀约已是「%(status)s」") % {"status": invitation.get_status_display()}
        )
    values = {"status": status}
    values["decline_reason"] = reason.strip() if status == InvitationStatus.DECLINED else ""
    save_changes(
        invitation,
        values,
        actor=actor,
        reason=(reason.strip() or _("状态改为%(status)s") % {"status": status})[:100],
    )
    return invitation


@transaction.atomic
def do_save_guest(
    invitation: Invitation,
    guest: Guest,
    *,
    actor,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> list[str]:
    """Change the guest and logistics of an invitation; returns the changed fields."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("event", "inviting_unit")
        .get(pk=invitation.pk)
    )
    _check_invitation_edit(actor, invitation)
    check_stamp(invitation, expected_stamp, _("这条邀约的嘉宾信息"), guest.values())
    _check_guest(guest)
    return save_changes(invitation, guest.values(), actor=actor, reason=reason or _("更新嘉宾信息"))


@transaction.atomic
def do_remove_invitation(invitation: Invitation, *, actor, reason: str) -> None:
    """Take an enterprise off the list (typed in error); its history keeps what it said."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("event", "inviting_unit")
        .get(pk=invitation.pk)
    )
    _check_invitation_edit(actor, invitation)
    if not reason.strip():
        raise ValidationError(_("删除邀约须填写原因"))
    mark(invitation, actor, reason.strip()[:100])
    invitation.delete()


# ---------------------------------------------------------------- signing


@transaction.atomic
def do_save_signing(
    event: Event,
    project: Project,
    *,
    amount: Decimal,
    order: int | None = None,
    investor: Enterprise | None = None,
    our_signatory: str = "",
    their_signatory: str = "",
    note: str = "",
    actor=None,
    reason: str | None = None,
) -> tuple[Signing, bool, list[str]]:
    """Put ``project`` on the event's signing list (or update its line).

    A project not yet at 签约 reaches it on the event's first day through the
    ledger service (with its history); one already at 签约 or later keeps its
    stage and dates (集中签约 of projects agreed earlier). The signed amount is
    the event's own figure and never changes the ledger's amounts.
    """
    project = (
        Project.objects.select_for_update().select_related("responsible_unit").get(pk=project.pk)
    )
    _edit(actor, project.responsible_unit)
    _within_event(event, project.responsible_unit, _("项目责任单位"))
    if amount is None or amount < 0 or amount > MAX_AMOUNT:
        raise ValidationError(_("「签约金额(万元)」：须为不小于 0 的金额"))
    if order is not None and order < 1:
        raise ValidationError(_("「签约顺序」：须为正整数"))
    signing = Signing.objects.select_for_update().filter(event=event, project=project).first()
    created = signing is None
    if created:
        if project.is_dropped:
            raise ValidationError(
                _("项目 %(code)s 已终止，不能列入签约名单") % {"code": project.code}
            )
        signing = Signing(event=event, project=project)
        if investor is None:
            # The signing investor defaults to the project's (first) investor.
            investor = project.investors.order_by("name").first()
    changed = save_changes(
        signing,
        {
            "amount": amount,
            "order": order,
            "investor": investor,
            "our_signatory": our_signatory.strip(),
            "their_signatory": their_signatory.strip(),
            "note": note.strip(),
        },
        actor=actor,
        reason=reason or (_("列入签约名单") if created else None),
    )
    if project.stage < Stage.SIGNED and not project.is_dropped:
        do_change_stage(
            project,
            Stage.SIGNED,
            event.start,
            actor=actor,
            evidence=_("在%(event)s上签约") % {"event": event.name},
        )
    return signing, created, changed


@transaction.atomic
def do_remove_signing(signing: Signing, *, actor, reason: str) -> None:
    """Take a project off the signing list; the ledger keeps the stage it reached."""
    signing = (
        Signing.objects.select_for_update()
        .select_related("project__responsible_unit")
        .get(pk=signing.pk)
    )
    _edit(actor, signing.project.responsible_unit)
    if not reason.strip():
        raise ValidationError(_("移出签约名单须填写原因"))
    mark(signing, actor, reason.strip()[:100])
    signing.delete()


@transaction.atomic
def do_reorder_signings(event: Event, codes: list[str], *, actor) -> int:
    """Number the signing list 1, 2, 3 … in the order of ``codes``; returns lines renumbered."""
    if actor is not None and not can_run_event(actor, event):
        raise PermissionDenied
    by_code = {
        s.project.code: s
        for s in Signing.objects.select_for_update().filter(event=event).select_related("project")
    }
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise ValidationError(_("签约名单中没有项目 %(codes)s") % {"codes": "、".join(unknown)})
    changed = 0
    for position, code in enumerate(codes, start=1):
        if save_changes(by_code[code], {"order": position}, actor=actor, reason=_("调整签约顺序")):
            changed += 1
    return changed


# ---------------------------------------------------------------- eligibility


@transaction.atomic
def do_save_eligibility_rules(campaign: Campaign, rules: list[dict], *, actor, reason=None) -> list:
    """Replace the campaign's rule set; the campaign administrators decide what counts."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None:
        root = campaign_root(campaign)
        if not scope_of(actor).contains(root):
            # Units taking part see the campaign; only its root's administrators decide.
            raise PermissionDenied
        require_manage(actor, root)
    try:
        parsed = parse_rules(rules)
    except RuleProblem as exc:
        raise ValidationError(str(exc)) from None
    stored = [r.as_dict() for r in parsed]
    save_changes(campaign, {"eligibility": stored}, actor=actor, reason=reason or _("修改认定规则"))
    return parsed


@transaction.atomic
def do_set_project_facts(
    project: Project,
    *,
    is_government_funded: bool,
    earlier_phase: Project | None,
    actor,
    reason: str | None = None,
) -> list[str]:
    """Record whether a project is government-funded and which earlier phase it continues."""
    project = (
        Project.objects.select_for_update().select_related("responsible_unit").get(pk=project.pk)
    )
    _edit(actor, project.responsible_unit)
    if earlier_phase is not None:
        if earlier_phase.pk == project.pk:
            raise ValidationError(_("「前期项目」：不能是项目本身"))
        if actor is not None and not scope_of(actor).contains(earlier_phase.responsible_unit):
            raise Http404
        seen = {project.pk}
        current = earlier_phase
        while current is not None:
            if current.pk in seen:
                raise ValidationError(_("「前期项目」：分期关系不能成环"))
            seen.add(current.pk)
            current = current.earlier_phase
    values = {"is_government_funded": is_government_funded, "earlier_phase": earlier_phase}
    from zhaoshang.history import assign

    changed = assign(project, values)
    if changed:
        project.version += 1
        mark(project, actor, reason or _("修改认定信息"))
        project.save()
    return changed


# ---------------------------------------------------------------- promotion material


@dataclass
class PromotionData:
    title: str
    unit: Unit
    description: str
    project: Project | None = None
    industry: object = None
    investment: Decimal | None = None
    location: str = ""
    land: str = ""
    conditions: str = ""
    cooperation: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_public: bool = False
    published: bool = False
    internal_note: str = ""
    order: int = 0


@transaction.atomic
def do_save_promotion(
    code: str,
    data: PromotionData,
    *,
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> tuple[PromotionProject, bool, list[str]]:
    """Create or update a project of the 招商项目库."""
    code = (code or "").strip()
    problem = code_problem(code, label=_("推介项目编号"))
    if problem:
        raise ValidationError(problem)
    if not data.title.strip():
        raise ValidationError(_("「项目名称」：不能为空"))
    if not data.description.strip():
        raise ValidationError(_("「项目简介」：不能为空"))
    if data.investment is not None and (data.investment < 0 or data.investment > MAX_AMOUNT):
        raise ValidationError(_("「估算总投资(万元)」：须为不小于 0 的金额"))
    promotion = PromotionProject.objects.select_for_update().filter(code=code).first()
    created = promotion is None
    if created:
        promotion = PromotionProject(code=code)
    else:
        _edit(actor, promotion.unit)
        mine = {f.name: getattr(data, f.name) for f in fields(data)}
        check_stamp(promotion, expected_stamp, _("该推介项目"), mine)
    _edit(actor, data.unit)
    if (
        data.project is not None
        and actor is not None
        and not scope_of(actor).contains(data.project.responsible_unit)
    ):
        raise Http404
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    for key in ("title", "location", "land", "cooperation", "contact_name", "contact_phone"):
        values[key] = values[key].strip()
    changed = save_changes(
        promotion, values, actor=actor, reason=reason or (_("新建推介项目") if created else None)
    )
    return promotion, created, changed


IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ("png", "image/png"), b"\xff\xd8\xff": ("jpg", "image/jpeg")}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


@transaction.atomic
def do_add_photo(
    promotion: PromotionProject, upload, *, caption: str = "", actor
) -> PromotionPhoto:
    """Keep a JPEG or PNG photo with a promoted project, stored under a random name."""
    import uuid

    _edit(actor, promotion.unit)
    if upload.size == 0 or upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片须为 8 MB 以内的 JPEG 或 PNG 文件"))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((v for sig, v in IMAGE_TYPES.items() if head.startswith(sig)), None)
    if kind is None:
        raise ValidationError(_("照片须为 JPEG 或 PNG 文件"))
    upload.name = f"{uuid.uuid4().hex}.{kind[0]}"
    photo = PromotionPhoto(
        promotion=promotion,
        file=upload,
        caption=caption.strip()[:100],
        content_type=kind[1],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    mark(photo, actor, _("上传照片"))
    photo.save()
    return photo


@transaction.atomic
def do_delete_photo(photo: PromotionPhoto, *, actor) -> None:
    _edit(actor, photo.promotion.unit)
    mark(photo, actor, _("删除照片"))
    photo.delete()
