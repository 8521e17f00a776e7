"""A project's change history as readable lines: who, when, field, before → after, reason.

django-simple-history's ``diff_against`` queries the m2m history once per
record and shows foreign keys as ids; here the records, their m2m rows and
the names behind every id are read in a fixed number of queries, whatever the
length of the history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import ForeignKey
from django.utils.translation import gettext as _

from zhaoshang.ledger.models import Enterprise, Project
from zhaoshang.web.templatetags.zs_format import cn_date, user_name, wan

# m2m field → (column of the historical through row, model it points to)
M2M_FIELDS = {
    "cooperating_units": ("unit_id", "Unit"),
    "investors": ("enterprise_id", "Enterprise"),
}
HISTORY_TYPES = {"+": "创建", "~": "修改", "-": "删除"}


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
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _fields():
    # Only what a person can change: version and timestamps are bookkeeping.
    return [f for f in Project._meta.fields if f.editable and f.name not in {"id", "code"}]


def project_changes(project: Project) -> list[ChangeEntry]:
    """Newest first."""
    records = list(
        project.history.select_related("history_user").order_by("history_date", "history_id")
    )
    fields = _fields()
    m2m_ids: dict[int, dict[str, set[int]]] = {
        rec.history_id: {name: set() for name in M2M_FIELDS} for rec in records
    }
    history_model = type(project).history.model
    for name, (col, _model_name) in M2M_FIELDS.items():
        # simple-history keeps a snapshot of the relation per record in its own table.
        m2m_model = getattr(history_model, name).model
        rows = m2m_model.objects.filter(history_id__in=list(m2m_ids)).values_list("history_id", col)
        for history_id, related_id in rows:
            m2m_ids[history_id][name].add(related_id)
    names = _names_for(records, fields, m2m_ids)

    def show(f, value) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(f, ForeignKey):
            return names[f.related_model.__name__].get(value, f"#{value}")
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, Decimal):
            return wan(value)
        if isinstance(value, date):
            return cn_date(value)
        return str(value)

    def show_set(model_name: str, ids: set[int]) -> str:
        if not ids:
            return "—"
        return "、".join(sorted(names[model_name].get(i, f"#{i}") for i in ids))

    entries = []
    previous = None
    for rec in records:
        entry = ChangeEntry(
            when=rec.history_date,
            who=user_name(rec.history_user),
            kind=str(_(HISTORY_TYPES.get(rec.history_type, rec.history_type))),
            reason=rec.history_change_reason or "",
        )
        if previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(rec, f.attname)
                if old != new:
                    entry.changes.append(
                        FieldChange(str(f.verbose_name), show(f, old), show(f, new))
                    )
            for name, (_col, model_name) in M2M_FIELDS.items():
                old, new = m2m_ids[previous.history_id][name], m2m_ids[rec.history_id][name]
                if old != new:
                    label = str(Project._meta.get_field(name).verbose_name)
                    entry.changes.append(
                        FieldChange(label, show_set(model_name, old), show_set(model_name, new))
                    )
        entries.append(entry)
        previous = rec
    entries.reverse()
    return entries


def _names_for(records, fields, m2m_ids) -> dict[str, dict[int, str]]:
    """Names of every object an id in the history points to: one query per related model."""
    wanted: dict[type, set[int]] = defaultdict(set)
    for rec in records:
        for f in fields:
            if isinstance(f, ForeignKey):
                value = getattr(rec, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
        for name, (_col, _model_name) in M2M_FIELDS.items():
            model = Project._meta.get_field(name).related_model
            wanted[model] |= m2m_ids[rec.history_id][name]
    names: dict[str, dict[int, str]] = defaultdict(dict)
    for model, ids in wanted.items():
        if ids:
            names[model.__name__] = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
    names.setdefault(Enterprise.__name__, {})
    return names
