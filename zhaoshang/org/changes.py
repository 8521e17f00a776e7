"""History rows of administrative records as readable lines: who, when, what, before → after, why.

Works on any model with django-simple-history. Each record is compared with
the previous record of the same object (or of the same timeline, for targets
that were withdrawn and set again); the names behind foreign-key ids are read
in one query per related model, whatever the length of the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import ForeignKey, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.web.templatetags.zs_format import cn_date, user_name

HISTORY_KINDS = {
    "+": gettext_lazy("新增"),
    "~": gettext_lazy("修改"),
    "-": gettext_lazy("删除"),
}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ChangeEntry:
    when: datetime
    who: str
    kind: str
    subject: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def number(value: Decimal) -> str:
    """50000.00 → 50,000; 12.50 → 12.5: how people write targets and percentages."""
    return f"{Decimal(value).normalize():,f}"


def _show(f, value, names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(f, ForeignKey):
        return names[f.related_model].get(value, f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, datetime | date):
        return cn_date(value)
    return str(value)


def history_entries(
    records: Iterable[Model],
    model: type[Model],
    fields: Iterable[str],
    *,
    subject: Callable[[Model], str] | None = None,
    timeline: Callable[[Model], Any] | None = None,
) -> list[ChangeEntry]:
    """Newest first. ``records`` are historical rows (with ``history_user`` selected).

    ``fields`` are the model fields worth showing; ``subject`` names the object
    a row is about (e.g. "节点 11月15日"); ``timeline`` groups rows compared
    with each other (default: the object's id).
    """
    fields = [model._meta.get_field(name) for name in fields]
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    timeline = timeline or (lambda r: (type(r), r.id))
    names = _names_for(records, fields)
    previous: dict[Any, Model] = {}
    entries = []
    for rec in records:
        key = timeline(rec)
        before = previous.get(key)
        entry = ChangeEntry(
            when=rec.history_date,
            who=user_name(rec.history_user),
            kind=str(HISTORY_KINDS.get(rec.history_type, rec.history_type)),
            subject=subject(rec) if subject else "",
            reason=rec.history_change_reason or "",
        )
        for f in fields:
            new = getattr(rec, f.attname)
            if rec.history_type == "-":
                # A deletion row holds the last values: show what went away.
                old, new = new, None
            else:
                old = getattr(before, f.attname) if before is not None else None
                if before is not None and before.history_type == "-":
                    old = None
            if old != new and not (old in (None, "") and new in (None, "")):
                entry.changes.append(
                    FieldChange(str(f.verbose_name), _show(f, old, names), _show(f, new, names))
                )
        entries.append(entry)
        previous[key] = rec
    entries.reverse()
    return entries


def _names_for(records, fields) -> dict[type, dict[int, str]]:
    wanted: dict[type, set[int]] = defaultdict(set)
    for rec in records:
        for f in fields:
            if isinstance(f, ForeignKey):
                value = getattr(rec, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    names: dict[type, dict[int, str]] = defaultdict(dict)
    for model, ids in wanted.items():
        names[model] = {obj.pk: _label(obj) for obj in model.objects.filter(pk__in=ids)}
    return names


def _label(obj: Model) -> str:
    # Accounts read better as "姓名（登录名）" than as a bare login name.
    full = getattr(obj, "get_full_name", None)
    if callable(full) and full():
        return f"{full()}（{obj.get_username()}）"
    return str(obj)
