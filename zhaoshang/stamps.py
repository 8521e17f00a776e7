"""Optimistic edit checks for every editable record: the stamp a form or API client saw.

A record's *stamp* is a short digest of the values it holds now (a project's
is its ``version``). A web form carries the stamp of the record it was opened
on in a hidden field; the API sends it as the ``ETag`` and expects it back in
``If-Match``. A service that gets an ``expected_stamp`` locks the row, computes
the stamp again and refuses with :class:`StaleEdit` when somebody else changed
the record in between, so nothing they saved is silently overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

# Derived columns that change without a person changing the record.
_SKIPPED = {"path", "depth", "name_pinyin", "search_text", "name_key", "updated_at"}


# The stamp a form carries when it was opened on a record that did not exist yet
# (a target cell, a unit's first report): somebody creating it meanwhile is a change too.
NEW = "new"


def form_stamp(instance: Model | None) -> str:
    """What an edit form's hidden stamp field starts with."""
    return NEW if instance is None else stamp(instance)


class StaleEdit(ValidationError):
    """Somebody saved the record after the form (or API client) read it."""


def stamp(instance: Model) -> str:
    """The stamp of ``instance`` as it is in memory (call on a freshly read row)."""
    version = getattr(instance, "version", None)
    if isinstance(version, int):
        return f"v{version}"
    values = []
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        value = getattr(instance, field.attname)
        values.append([field.attname, value if isinstance(value, int | bool) else str(value)])
    extra = getattr(instance, "stamp_parts", None)
    if extra is not None:
        # What the record's edit form also changes in other rows (an enterprise's tags).
        values.append(["+", [str(v) for v in extra()]])
    digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
    return digest[:20]


def check_stamp(
    instance: Model,
    expected: str | None,
    label: str | None = None,
    mine: dict | None = None,
) -> None:
    """Refuse when ``expected`` is given and ``instance`` (read under lock) no longer matches.

    The refusal names who saved the record last and when, what they changed
    (before → after) and, from ``mine`` (field name → the value the refused
    form or client sent), what this user had typed for the same fields.
    """
    if expected in (None, ""):
        return
    if stamp(instance) != expected:
        what = label or str(instance._meta.verbose_name)
        raise StaleEdit(
            _(
                "您打开表单后，%(what)s已被他人修改，您的修改没有保存。"
                "%(change)s请重新打开以查看最新内容后再修改。"
            )
            % {"what": what, "change": describe_last_change(instance, mine)}
        )


def describe_last_change(instance: Model, mine: dict | None = None) -> str:
    """「王明于2026年12月3日 17:20修改：名称由「黎平县」改为「黎平县人民政府」（您填写的是「…」）。」"""
    from zhaoshang.formatting import cn_date
    from zhaoshang.org.changes import _show, history_entries

    model = type(instance)
    history = getattr(model, "history", None)
    if history is None:
        return ""
    kept = {f.name for f in history.model._meta.fields}
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name in kept and not f.primary_key and f.name not in _SKIPPED | {"version"}
    ]
    records = list(
        history.filter(id=instance.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:2]
    )
    if not records:
        return ""
    entry = history_entries(records, model, [f.name for f in fields])[0]
    mine = mine or {}
    by_label = {str(f.verbose_name): f for f in fields}
    parts = []
    for change in entry.changes:
        text = _("%(field)s由「%(before)s」改为「%(after)s」") % {
            "field": change.label,
            "before": change.before,
            "after": change.after,
        }
        f = by_label.get(change.label)
        if f is not None and f.name in mine:
            value = mine[f.name]
            if isinstance(value, Model):
                shown = str(value)
            else:
                shown = _show(f, value, defaultdict(dict))
            text += _("（您填写的是「%(mine)s」）") % {"mine": shown}
        parts.append(text)
    when = cn_date(entry.when, with_time=True)
    if not parts:
        return _("%(who)s于%(when)s保存了它。") % {"who": entry.who, "when": when}
    return _("%(who)s于%(when)s修改：%(changes)s。") % {
        "who": entry.who,
        "when": when,
        "changes": "；".join(parts),
    }


def locked(instance: Model) -> Model:
    """The same row read again under a row lock (inside the caller's transaction)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


class StampField(forms.CharField):
    """The hidden field an edit form carries the record's stamp in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
