"""Writes to the organisation tree and accounts; each in one transaction with history."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from zhaoshang.history import mark, save_changes
from zhaoshang.org.models import Account, Membership, Person, Unit
from zhaoshang.org.scope import forget_scope

User = get_user_model()


def _path_for(unit: Unit) -> str:
    return (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"


@transaction.atomic
def do_save_unit(
    code: str, *, name: str, kind: str, parent: Unit | None, order: int = 0,
    official_code: bool = True, actor=None, reason: str | None = None,
) -> tuple[Unit, bool, list[str]]:
    """Create or update the unit ``code``; keeps ``path``/``depth`` of the subtree right.

    Returns (unit, created, changed field names).
    """
    unit = Unit.objects.filter(code=code).first()
    created = unit is None
    if created:
        unit = Unit(code=code)
    if parent is not None and unit.pk is not None and parent.path.startswith(unit.path):
        raise ValidationError(f"单位 {code} 不能挂在自己或下级单位之下")
    old_path = unit.path
    changed = save_changes(
        unit,
        {"name": name, "kind": kind, "parent": parent, "order": order, "official_code": official_code},
        actor=actor, reason=reason,
    )
    new_path = _path_for(unit)
    depth = new_path.count("/") - 2
    if unit.path != new_path or unit.depth != depth:
        # Paths are derived, so moving a unit rewrites its subtree without history rows.
        Unit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
        if old_path:
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child_path = new_path + child.path[len(old_path):]
                Unit.objects.filter(pk=child.pk).update(
                    path=child_path, depth=child_path.count("/") - 2,
                )
        unit.path, unit.depth = new_path, depth
    return unit, created, changed


@transaction.atomic
def do_save_person(
    unit: Unit, name: str, *, title: str = "", phone: str = "", actor=None,
    reason: str | None = None,
) -> Person:
    """The responsible person ``name`` of ``unit``, created when new."""
    person = Person.objects.filter(unit=unit, name=name).first()
    if person is None:
        person = Person(unit=unit, name=name, title=title, phone=phone)
        mark(person, actor, reason)
        person.save()
    return person


@transaction.atomic
def do_save_account(
    username: str, *, full_name: str, unit: Unit, role: str, password: str | None,
    actor=None, must_change: bool = True, reason: str | None = None,
) -> tuple[User, bool, str | None]:
    """Create or update a login with one membership; returns (user, created, generated password).

    The initial password applies when the account is created (a random one is
    generated and reported once when none is given); an existing account keeps
    its password, so re-importing the same sheet changes nothing.
    """
    user = User.objects.filter(username=username).first()
    created = user is None
    generated = None
    if created:
        user = User(username=username, first_name=full_name)
        if not password:
            password = generated = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        Account.objects.create(user=user, must_change_password=must_change)
    elif user.first_name != full_name:
        user.first_name = full_name
        user.save(update_fields=["first_name"])
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        membership = Membership(user=user, unit=unit, role=role)
        save_changes(membership, {}, actor=actor, reason=reason)
    else:
        save_changes(membership, {"unit": unit, "role": role}, actor=actor, reason=reason)
    Membership.objects.filter(user=user).exclude(pk=membership.pk).delete()
    forget_scope(user)
    return user, created, generated


@transaction.atomic
def do_password_changed(user) -> None:
    """Clear the first-login demand once the user has chosen a password of their own."""
    Account.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
