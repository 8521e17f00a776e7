"""What the API shows of each record (explicit fields) and what it lets a client change.

Read serializers list their fields one by one. Write serializers only
validate the allow-listed fields a client may send; the view hands the
values to the same service the web form uses.
"""

from __future__ import annotations

from rest_framework import serializers

from zhaoshang.api.models import ApiToken
from zhaoshang.assessment.models import PublishedAssessment
from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.dispatch.models import Bulletin, ReportingRound, Submission
from zhaoshang.events.models import Event, Invitation, PromotionProject, Signing
from zhaoshang.ledger.models import (
    Enterprise,
    FollowUp,
    FollowUpKind,
    FundsEntry,
    Project,
    Stage,
    StageEvent,
)
from zhaoshang.notices.models import Notice
from zhaoshang.org.models import Person, Unit
from zhaoshang.supervision.models import Task

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}


class CodeRef(serializers.SlugRelatedField):
    """A related record shown (and chosen) by its code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        # Nullable as the model's foreign key is, so the published schema says so.
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if model is not None:
            try:
                self.allow_null = model._meta.get_field(self.source).null
            except Exception:  # noqa: BLE001 - a source that is not a model field
                pass


class UnitSerializer(serializers.ModelSerializer):
    parent = CodeRef()

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "order", "official_code", "depth"]


class PersonSerializer(serializers.ModelSerializer):
    unit = CodeRef()

    class Meta:
        model = Person
        fields = ["id", "unit", "name", "title", "phone"]


class EnterpriseSerializer(serializers.ModelSerializer):
    owner_unit = CodeRef()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = ["id", "name", "uscc", "ownership", "origin", "owner_unit", "tags", "note"]

    def get_tags(self, obj) -> list[str]:
        return [str(t) for t in obj.tags.all()]


class ProjectSerializer(serializers.ModelSerializer):
    responsible_unit = CodeRef()
    cooperating_units = CodeRef(many=True)
    person = serializers.CharField(
        source="person.name", default=None, read_only=True, allow_null=True
    )
    investors = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    industry = serializers.CharField(
        source="industry.code", default=None, read_only=True, allow_null=True
    )
    park = serializers.CharField(source="park.name", default=None, read_only=True, allow_null=True)
    planned_investment = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    contract_amount = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "responsible_unit",
            "cooperating_units",
            "person",
            "investors",
            "industry",
            "is_industrial",
            "park",
            "is_key",
            "planned_investment",
            "contract_amount",
            "stage",
            "stage_label",
            "signed_on",
            "contract_on",
            "started_on",
            "operating_on",
            "status",
            "dropped_on",
            "drop_reason",
            "note",
            "version",
            "updated_at",
        ]


class ProjectWriteSerializer(serializers.Serializer):
    """The project fields a client may change (PATCH); everything else is left as it is."""

    name = serializers.CharField(max_length=200, required=False)
    is_industrial = serializers.BooleanField(required=False)
    is_key = serializers.BooleanField(required=False)
    planned_investment = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    contract_amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


class StageChangeSerializer(serializers.Serializer):
    """Moving a project to another stage (POST …/projects/CODE/stage/)."""

    stage = serializers.ChoiceField(choices=Stage.choices)
    on = serializers.DateField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    contract_amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class StageEventSerializer(serializers.ModelSerializer):
    project = CodeRef()
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = StageEvent
        fields = ["id", "project", "stage", "stage_label", "on", "evidence", "reason"]


class FundsSerializer(serializers.ModelSerializer):
    project = CodeRef()
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = FundsEntry
        fields = ["id", "project", "on", "amount", "note"]


class FundsWriteSerializer(serializers.Serializer):
    project = serializers.CharField(max_length=50)
    on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer):
    unit = CodeRef()
    project = CodeRef()
    enterprise = serializers.CharField(
        source="enterprise.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = FollowUp
        fields = ["id", "on", "unit", "kind", "project", "enterprise", "content", "participants"]


class FollowUpWriteSerializer(serializers.Serializer):
    on = serializers.DateField()
    unit = serializers.CharField(max_length=32)
    kind = serializers.ChoiceField(choices=FollowUpKind.choices)
    project = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    content = serializers.CharField(required=False, allow_blank=True, default="")
    participants = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class CampaignSerializer(serializers.ModelSerializer):
    unit = CodeRef()
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "code",
            "name",
            "unit",
            "start",
            "end",
            "mode",
            "primary_indicator",
            "green_gap_pp",
            "red_gap_pp",
            "milestones",
        ]

    def get_milestones(self, obj) -> list[dict]:
        return [
            {"date": m.on.isoformat(), "pct": float(m.pct)}
            for m in sorted(obj.milestones.all(), key=lambda m: m.on)
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["on", "pct"]


class TargetSerializer(serializers.ModelSerializer):
    campaign = CodeRef()
    unit = CodeRef()
    person = serializers.CharField(
        source="person.name", default=None, read_only=True, allow_null=True
    )
    value = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Target
        fields = ["id", "campaign", "unit", "indicator", "value", "person", "deadline"]


class RoundSerializer(serializers.ModelSerializer):
    campaign = CodeRef()

    class Meta:
        model = ReportingRound
        fields = ["id", "campaign", "deadline", "title", "note"]


class SubmissionSerializer(serializers.ModelSerializer):
    unit = CodeRef()
    round = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "round", "unit", "submitted_at", "progress", "problems", "plan"]


class BulletinSerializer(serializers.ModelSerializer):
    campaign = CodeRef()

    class Meta:
        model = Bulletin
        fields = ["id", "campaign", "number", "as_of", "published_at"]


class EventSerializer(serializers.ModelSerializer):
    campaign = CodeRef()
    host_unit = CodeRef()

    class Meta:
        model = Event
        fields = ["code", "name", "kind", "campaign", "host_unit", "start", "end", "place"]


class InvitationSerializer(serializers.ModelSerializer):
    event = CodeRef()
    inviting_unit = CodeRef()
    enterprise = serializers.CharField(
        source="enterprise.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = ["id", "event", "inviting_unit", "enterprise", "status"]


class SigningSerializer(serializers.ModelSerializer):
    event = CodeRef()
    project = CodeRef()
    investor = serializers.CharField(
        source="investor.name", default=None, read_only=True, allow_null=True
    )
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Signing
        fields = ["id", "event", "project", "investor", "order", "amount"]


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "read_only", "expires_on", "created_at", "last_used_at"]


class MilestoneRecordSerializer(serializers.ModelSerializer):
    """A campaign's dated share (节点), as a record of its own (id, ETag, If-Match)."""

    campaign = CodeRef()
    pct = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = Milestone
        fields = ["id", "campaign", "on", "pct"]


class MilestoneWriteSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    pct = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, max_value=1000, required=False
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TargetWriteSerializer(serializers.Serializer):
    """The target fields a client may change: the value, the responsible person, the deadline."""

    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)
    person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TaskSerializer(serializers.ModelSerializer):
    """A supervised task (督办事项) with its status as of today, as on the task list."""

    campaign = CodeRef()
    assigning_unit = CodeRef()
    lead_unit = CodeRef()
    assisting_units = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    workdays_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "code",
            "content",
            "goal",
            "source",
            "campaign",
            "assigning_unit",
            "lead_unit",
            "assisting_units",
            "person",
            "assigned_on",
            "deadline",
            "leader_watching",
            "state",
            "signed_at",
            "closed_on",
            "extension_to",
            "status",
            "level",
            "workdays_overdue",
        ]

    def _status(self, obj):
        return self.context.get("statuses", {}).get(obj.pk)

    def get_assisting_units(self, obj) -> list[str]:
        return sorted(u.code for u in obj.assisting_units.all())

    def get_status(self, obj) -> str | None:
        s = self._status(obj)
        return None if s is None else s.status

    def get_level(self, obj) -> str | None:
        s = self._status(obj)
        return None if s is None else s.level

    def get_workdays_overdue(self, obj) -> int | None:
        s = self._status(obj)
        return None if s is None else s.workdays_overdue


class NoticeSerializer(serializers.ModelSerializer):
    campaign = CodeRef()
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "campaign",
            "title",
            "source_name",
            "text",
            "problems",
            "units",
            "created_at",
            "tasks",
        ]

    def get_tasks(self, obj) -> list[dict]:
        return [
            {
                "content": t.content,
                "deadline": t.deadline.isoformat() if t.deadline else None,
                "lead_unit": t.lead_unit.code,
                "task": t.task_code or None,
            }
            for t in obj.tasks.all()
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    """A published assessment as issued: the scheme, every unit's scores and rank.

    The records behind the points (project-level basis) are not included: they
    follow ledger scope and are on the assessment pages.
    """

    campaign = CodeRef()
    scheme = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()

    class Meta:
        model = PublishedAssessment
        fields = ["id", "campaign", "number", "as_of", "published_at", "scheme", "units"]

    def get_scheme(self, obj) -> dict:
        return obj.document.get("scheme", {})

    def get_units(self, obj) -> list[dict]:
        return [
            {k: v for k, v in unit.items() if k != "records"}
            for unit in obj.document.get("units", [])
        ]


class PromotionSerializer(serializers.ModelSerializer):
    unit = CodeRef()
    project = CodeRef()
    industry = serializers.CharField(
        source="industry.code", default=None, read_only=True, allow_null=True
    )
    investment = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)

    class Meta:
        model = PromotionProject
        fields = [
            "code",
            "title",
            "unit",
            "project",
            "industry",
            "description",
            "investment",
            "location",
            "land",
            "conditions",
            "cooperation",
            "contact_name",
            "contact_phone",
            "contact_public",
            "published",
            "internal_note",
            "order",
            "updated_at",
        ]
