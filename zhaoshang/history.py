"""Shared helpers for services: change-only saves that leave history with who and why."""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def mark(instance: Model, actor, reason: str | None) -> None:
    """Attach the actor and reason the next history row of ``instance`` records."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    if reason:
        instance._change_reason = reason


def assign(instance: Model, values: dict[str, Any]) -> list[str]:
    """Set fields and return the names that really changed (Decimals compare by value)."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        attname = field.attname
        current = getattr(instance, attname)
        if field.is_relation and isinstance(value, Model):
            new_cmp = value.pk
        else:
            new_cmp = value
        if field.is_relation and not isinstance(value, Model) and value is not None:
            raise TypeError(f"{name} expects a model instance")
        if current != new_cmp or (current is None) != (new_cmp is None):
            if field.is_relation:
                setattr(instance, name, value)
            else:
                setattr(instance, attname, value)
            changed.append(name)
    return changed


def save_changes(instance: Model, values: dict[str, Any], *, actor=None, reason=None) -> list[str]:
    """Apply ``values``; save (and write one history row) only when something changed."""
    changed = assign(instance, values)
    if instance.pk is None or changed:
        mark(instance, actor, reason)
        instance.full_clean(validate_unique=False, validate_constraints=False)
        instance.save()
    return changed
