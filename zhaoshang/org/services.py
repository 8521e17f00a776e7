"""Writes to the organisation tree and accounts; each in one transaction with history."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.codes import code_problem
from zhaoshang.history import assign, mark, save_changes
from zhaoshang.org.models import Account, Membership, Person, TeamMember, Unit
from zhaoshang.org.scope import forget_scope, require_manage, scope_of
from zhaoshang.stamps import StaleEdit, check_stamp

User = get_user_model()


def _path_for(unit: Unit) -> str:
    return (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"


def _require_everything(actor) -> None:
    """Only a superuser (whose scope is everything) may act above every unit."""
    if actor is not None and not scope_of(actor).everything:
        raise PermissionDenied


def governing_unit(unit: Unit) -> Unit | None:
    """The unit whose administrators decide ``unit``'s own record (its parent; None for a root).

    A unit is set up by the level above it, so a county administrator runs
    everything below the county but cannot rename, reorder or move the county.
    """
    return unit.parent if unit.parent_id else None


def require_govern(actor, unit: Unit) -> None:
    """Raise unless ``actor`` administers the level that decides ``unit``'s own record."""
    if actor is None:
        return
    governing = governing_unit(unit)
    if governing is None:
        _require_everything(actor)
    else:
        require_manage(actor, governing)


@transaction.atomic
def do_save_unit(
    code: str,
    *,
    name: str,
    kind: str,
    parent: Unit | None,
    order: int = 0,
    official_code: bool = True,
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> tuple[Unit, bool, list[str]]:
    """Create or update the unit ``code``; keeps ``path``/``depth`` of the subtree right.

    With an ``actor``, a change needs the administrator of the unit's parent
    (of the new parent too when it moves). Returns (unit, created, changed field names).
    """
    unit = Unit.objects.select_for_update().filter(code=code).first()
    created = unit is None
    if created:
        problem = code_problem(
            code, label=_("单位编码"), max_length=Unit._meta.get_field("code").max_length
        )
        if problem:
            raise ValidationError(problem)
        unit = Unit(code=code)
    else:
        check_stamp(unit, expected_stamp, _("单位信息"))
    if parent is not None and unit.pk is not None and parent.path.startswith(unit.path):
        raise ValidationError(_("单位 %(code)s 不能挂在自己或下级单位之下") % {"code": code})
    old_path = unit.path
    old_parent = None if created else unit.parent
    changed = assign(
        unit,
        {
            "name": name,
            "kind": kind,
            "parent": parent,
            "order": order,
            "official_code": official_code,
        },
    )
    if actor is not None and (created or changed):
        if created:
            if parent is None:
                _require_everything(actor)
            else:
                require_manage(actor, parent)
        else:
            if old_parent is None:
                _require_everything(actor)
            else:
                require_manage(actor, old_parent)
            if "parent" in changed:
                if parent is None:
                    _require_everything(actor)
                else:
                    require_manage(actor, parent)
    if created or changed:
        mark(unit, actor, reason)
        unit.full_clean(validate_unique=False, validate_constraints=False)
        unit.save()
    new_path = _path_for(unit)
    depth = new_path.count("/") - 2
    if unit.path != new_path or unit.depth != depth:
        # Paths are derived, so moving a unit rewrites its subtree without history rows.
        Unit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
        if old_path:
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child_path = new_path + child.path[len(old_path) :]
                Unit.objects.filter(pk=child.pk).update(
                    path=child_path,
                    depth=child_path.count("/") - 2,
                )
        unit.path, unit.depth = new_path, depth
    return unit, created, changed


def _sibling_order_key(unit: Unit) -> tuple:
    return (unit.order, unit.code)


@transaction.atomic
def do_shift_unit(unit: Unit, offset: int, *, actor=None, reason: str | None = None) -> bool:
    """Move ``unit`` one place up (-1) or down (+1) among its siblings; False at either end.

    Two siblings with distinct ``order`` values swap them (two history rows);
    when the values tie, the siblings are renumbered 10, 20, 30… so the
    order becomes explicit.
    """
    require_govern(actor, unit)
    siblings = sorted(Unit.objects.filter(parent_id=unit.parent_id), key=_sibling_order_key)
    index = next(i for i, s in enumerate(siblings) if s.pk == unit.pk)
    other_index = index + offset
    if offset not in (-1, 1) or not 0 <= other_index < len(siblings):
        return False
    me, other = siblings[index], siblings[other_index]
    if me.order != other.order:
        new_orders = {me.pk: other.order, other.pk: me.order}
    else:
        siblings[index], siblings[other_index] = other, me
        new_orders = {s.pk: (i + 1) * 10 for i, s in enumerate(siblings)}
    for sibling in siblings:
        save_changes(
            sibling,
            {"order": new_orders.get(sibling.pk, sibling.order)},
            actor=actor,
            reason=reason,
        )
    return True


@transaction.atomic
def do_save_person(
    unit: Unit,
    name: str,
    *,
    title: str = "",
    phone: str = "",
    actor=None,
    reason: str | None = None,
) -> Person:
    """The responsible person ``name`` of ``unit``, created when new."""
    name = name.strip()
    if not name:
        raise ValidationError(_("责任人姓名不能为空"))
    person = Person.objects.filter(unit=unit, name=name).first()
    if person is None:
        if actor is not None:
            require_manage(actor, unit)
        person = Person(unit=unit, name=name, title=title, phone=phone)
        mark(person, actor, reason)
        person.full_clean(validate_unique=False, validate_constraints=False)
        person.save()
    return person


@transaction.atomic
def do_update_person(
    person: Person,
    *,
    name: str,
    title: str = "",
    phone: str = "",
    user=None,
    actor=None,
    reason: str | None = None,
    expected_stamp: str | None = None,
) -> list[str]:
    """Change a responsible person's details and login link; returns the changed fields."""
    if actor is not None:
        require_manage(actor, person.unit)
    fresh = Person.objects.select_for_update().filter(pk=person.pk).first()
    if fresh is None:
        raise StaleEdit(_("您打开表单后，该责任人已被他人删除，您的修改没有保存。"))
    check_stamp(fresh, expected_stamp, _("责任人信息"))
    name = name.strip()
    if not name:
        raise ValidationError(_("责任人姓名不能为空"))
    if Person.objects.filter(unit_id=person.unit_id, name=name).exclude(pk=person.pk).exists():
        raise ValidationError(_("本单位已有名为「%(name)s」的责任人") % {"name": name})
    return save_changes(
        person,
        {"name": name, "title": title.strip(), "phone": phone.strip(), "user": user},
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def do_delete_person(person: Person, *, actor=None, reason: str | None = None) -> None:
    """Remove a person who is responsible for nothing; their team roles go with them."""
    if actor is not None:
        require_manage(actor, person.unit)
    projects = person.projects.count()
    targets = person.targets.count()
    if projects or targets:
        raise ValidationError(
            _(
                "%(name)s 仍是 %(projects)d 个项目、%(targets)d 项目标任务的责任人，"
                "请先改为其他责任人再删除"
            )
            % {"name": person.name, "projects": projects, "targets": targets}
        )
    for member in TeamMember.objects.filter(person=person):
        mark(member, actor, reason)
        member.delete()
    mark(person, actor, reason)
    person.delete()


@transaction.atomic
def do_save_team_member(
    unit: Unit,
    person: Person,
    role: str,
    *,
    actor=None,
    reason: str | None = None,
) -> tuple[TeamMember, bool, list[str]]:
    """Put ``person`` into ``unit``'s working team with ``role`` (or change the role)."""
    if actor is not None:
        require_manage(actor, unit)
    if not person.unit.is_within(unit):
        raise ValidationError(
            _("%(person)s 不是 %(unit)s 或其下级单位的人员")
            % {"person": person.name, "unit": unit.name}
        )
    member = TeamMember.objects.filter(unit=unit, person=person).first()
    created = member is None
    if created:
        member = TeamMember(unit=unit, person=person)
    return member, created, save_changes(member, {"role": role}, actor=actor, reason=reason)


@transaction.atomic
def do_remove_team_member(member: TeamMember, *, actor=None, reason: str | None = None) -> None:
    if actor is not None:
        require_manage(actor, member.unit)
    mark(member, actor, reason)
    member.delete()


# Letters and digits that cannot be mistaken for one another when read aloud
# or copied from paper (no 0/O, 1/l/I).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_password() -> str:
    """A random initial password like ``k7Pm-x3Rt-9hQw`` (about 70 bits)."""
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def require_manage_account(actor, user) -> None:
    """Raise unless ``actor`` administers every unit where ``user`` works.

    An account working nowhere, or a superuser, belongs to no subtree: only a
    superuser may change it. 404 when none of the account's units is visible.
    """
    if actor is None:
        return
    scope = scope_of(actor)
    if scope.everything:
        return
    units = [m.unit for m in Membership.objects.filter(user=user).select_related("unit")]
    if not any(scope.contains(u) for u in units):
        raise Http404
    if user.is_superuser or not all(scope.can_manage(u) for u in units):
        raise PermissionDenied


@transaction.atomic
def do_save_account(
    username: str,
    *,
    full_name: str,
    unit: Unit,
    role: str,
    password: str | None,
    actor=None,
    must_change: bool = True,
    reason: str | None = None,
) -> tuple[User, bool, str | None]:
    """Create or update a login with one membership; returns (user, created, generated password).

    The initial password applies when the account is created (a random one is
    generated and reported once when none is given); an existing account keeps
    its password, so re-importing the same sheet changes nothing. With an
    ``actor``, the new unit and every unit the account already works in must be
    in the actor's administration.
    """
    if actor is not None:
        require_manage(actor, unit)
    user = User.objects.filter(username=username).first()
    created = user is None
    generated = None
    if created:
        user = User(username=username, first_name=full_name)
        if not password:
            password = generated = readable_password()
        user.set_password(password)
        user.save()
        account = Account(user=user, must_change_password=must_change)
        mark(account, actor, reason)
        account.save()
    else:
        require_manage_account(actor, user)
        if user.first_name != full_name:
            user.first_name = full_name
            user.save(update_fields=["first_name"])
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        membership = Membership(user=user, unit=unit, role=role)
        save_changes(membership, {}, actor=actor, reason=reason)
    else:
        save_changes(membership, {"unit": unit, "role": role}, actor=actor, reason=reason)
    for other in Membership.objects.filter(user=user).exclude(pk=membership.pk):
        mark(other, actor, reason)
        other.delete()
    forget_scope(user)
    return user, created, generated


def _account_of(user) -> Account:
    account = Account.objects.filter(user=user).first()
    return account if account is not None else Account(user=user)


@transaction.atomic
def do_reset_password(user, *, actor=None, reason: str | None = None) -> str:
    """Give ``user`` a new random password they must change at the next login; returns it."""
    require_manage_account(actor, user)
    password = readable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    save_changes(
        _account_of(user),
        {"must_change_password": True, "password_reset_at": timezone.now()},
        actor=actor,
        reason=reason,
    )
    return password


@transaction.atomic
def do_set_account_active(user, active: bool, *, actor=None, reason: str | None = None) -> bool:
    """Deactivate (no more sign-in) or reactivate an account; returns whether it changed."""
    require_manage_account(actor, user)
    if not active and actor is not None and actor.pk == user.pk:
        raise ValidationError(_("不能停用自己正在使用的账号"))
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    save_changes(
        _account_of(user),
        {"deactivated_at": None if active else timezone.now()},
        actor=actor,
        reason=reason,
    )
    return True


@transaction.atomic
def do_password_changed(user) -> None:
    """Clear the first-login demand once the user has chosen a password of their own."""
    Account.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
