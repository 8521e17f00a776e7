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

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

# Derived columns that change without a person changing the record.
_SKIPPED = {"path", "depth", "name_pinyin", "search_text", "name_key", "updated_at"}


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


def check_stamp(instance: Model, expected: str | None, label: str | None = None) -> None:
    """Refuse when ``expected`` is given and ``instance`` (read under lock) no longer matches."""
    if expected in (None, ""):
        return
    if stamp(instance) != expected:
        what = label or str(instance._meta.verbose_name)
        raise StaleEdit(
            _(
                "您打开表单后，%(what)s已被他人修改，您的修改没有保存。"
                "请重新打开以查看最新内容后再修改。"
            )
            % {"what": what}
        )


def locked(instance: Model) -> Model:
    """The same row read again under a row lock (inside the caller's transaction)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


class StampField(forms.CharField):
    """The hidden field an edit form carries the record's stamp in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
