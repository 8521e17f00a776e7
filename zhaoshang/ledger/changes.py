"""A project's change history as readable lines: who, when, field, before → after, reason.

django-simple-history's ``diff_against`` queries the m2m history once per
record and shows foreign keys as ids; here the records, their m2m rows and
the names behind every id are read in a fixed number of queries, whatever the
length of the history. The same lines tell a user whose save was refused what
changed since they opened the form (:func:`changes_since`), and the history of
the project's funds entries and attachments joins them on the project page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import ForeignKey
from django.utils.translation import gettext as _

from zhaoshang.ledger.models import Attachment, Enterprise, FundsEntry, Project
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
    # The project version this change produced (None for funds and attachments).
    version: int | None = None


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
            version=rec.version,
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


def changes_since(project: Project, version: int) -> list[ChangeEntry]:
    """What others changed after ``version`` (the version a refused form was opened at), oldest first."""
    return [e for e in reversed(project_changes(project)) if (e.version or 0) > version]


def changed_labels(entries: list[ChangeEntry]) -> set[str]:
    return {c.label for e in entries for c in e.changes}


def related_changes(project: Project) -> list[ChangeEntry]:
    """The history of the project's funds entries and attachments (deleted ones too), newest first."""
    entries = []
    funds = FundsEntry.history.filter(project_id=project.pk).select_related("history_user")
    previous: dict[int, object] = {}
    for rec in funds.order_by("history_date", "history_id"):
        before = previous.get(rec.id)
        label = _("到位资金 %(day)s") % {"day": cn_date(rec.on)}
        if rec.history_type == "+":
            kind, change = _("新增"), FieldChange(label, "—", wan(rec.amount))
        elif rec.history_type == "-":
            kind, change = _("删除"), FieldChange(label, wan(rec.amount), "—")
        else:
            kind = _("更正")
            change = FieldChange(label, wan(before.amount) if before else "—", wan(rec.amount))
        previous[rec.id] = rec
        entries.append(
            ChangeEntry(
                when=rec.history_date,
                who=user_name(rec.history_user),
                kind=str(kind),
                reason=rec.history_change_reason or "",
                changes=[change],
            )
        )
    files = Attachment.history.filter(project_id=project.pk).select_related("history_user")
    for rec in files.order_by("history_date", "history_id"):
        label = _("附件（%(kind)s）") % {"kind": rec.get_kind_display()}
        if rec.history_type == "+":
            kind, change = _("上传"), FieldChange(str(label), "—", rec.original_name)
        elif rec.history_type == "-":
            kind, change = _("删除"), FieldChange(str(label), rec.original_name, "—")
        else:
            continue
        entries.append(
            ChangeEntry(
                when=rec.history_date,
                who=user_name(rec.history_user),
                kind=str(kind),
                reason=rec.history_change_reason or "",
                changes=[change],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --------------------------------------------------------------------------- concurrent edits


def _comparable(value):
    if value in ("", None):
        return None
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def project_values(project: Project) -> dict:
    """The editable values of a project now, ids for relations, sorted id lists for sets."""
    values = {f.name: _comparable(getattr(project, f.attname)) for f in _fields()}
    values["cooperating_units"] = sorted(u.pk for u in project.cooperating_units.all())
    values["investors"] = sorted(e.pk for e in project.investors.all())
    return values


def values_at_version(project: Project, version: int) -> dict | None:
    """The same values as they were at ``version``, from the history; None when unknown."""
    rec = project.history.filter(version=version).order_by("-history_date", "-history_id").first()
    if rec is None:
        return None
    values = {f.name: _comparable(getattr(rec, f.attname)) for f in _fields()}
    history_model = type(project).history.model
    for name, (col, _model_name) in M2M_FIELDS.items():
        m2m_model = getattr(history_model, name).model
        values[name] = sorted(
            m2m_model.objects.filter(history_id=rec.history_id).values_list(col, flat=True)
        )
    return values


def submitted_values(cleaned: dict) -> dict:
    """A valid edit form's values in the shape of :func:`project_values`."""
    values = {}
    for name, value in cleaned.items():
        if name in M2M_FIELDS:
            values[name] = sorted(obj.pk for obj in value)
        elif hasattr(value, "pk"):
            values[name] = value.pk
        else:
            values[name] = _comparable(value.strip() if isinstance(value, str) else value)
    return values


@dataclass
class Rebase:
    """A refused form redone on the latest version: others' changes taken in, the user's kept."""

    initial: dict
    taken_over: list[str]  # labels of fields others changed and the user had not
    clashes: dict[str, str]  # field name → the other person's value, where both changed


def rebase(opened: dict | None, current: dict, mine: dict, labels: dict[str, str]) -> Rebase:
    initial, taken, clashes = {}, [], {}
    for name, value in mine.items():
        if name not in current:
            initial[name] = value
            continue
        theirs = current[name]
        before = opened.get(name, theirs) if opened is not None else value
        if before != theirs and value == before:
            initial[name] = theirs
            taken.append(labels.get(name, name))
        else:
            initial[name] = value
            if before != theirs and value != theirs:
                clashes[name] = theirs
    return Rebase(initial=initial, taken_over=taken, clashes=clashes)
