"""The REST API at /api/v1/: every business record, in the reader's scope, written through
the same services as the pages.

- Lists are the same querysets as the web lists: narrowed by ``visible()``,
  filtered by the same filtersets, paginated (``?page=``, ``?page_size=``).
- Every record has an ``ETag`` (its stamp: a project's version, a digest of
  any other record's values). An update must send it back in ``If-Match``:
  missing → 428, no longer current → 412, and nothing is written.
- Out of scope is 404, as on the pages.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoshang.api import serializers as s
from zhaoshang.api.pagination import Pagination
from zhaoshang.assessment.models import PublishedAssessment
from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.dispatch.models import Bulletin, ReportingRound, Submission
from zhaoshang.events.models import Event, Invitation, PromotionProject, Signing
from zhaoshang.ledger.filtersets import EnterpriseFilter, FollowUpFilter, ProjectFilter
from zhaoshang.ledger.forms import ProjectForm
from zhaoshang.ledger.models import Enterprise, FollowUp, FundsEntry, Park, Project, StageEvent
from zhaoshang.ledger.services import (
    VersionConflict,
    do_add_follow_up,
    do_change_stage,
    do_edit_enterprise,
    do_record_funds,
    do_save_project,
)
from zhaoshang.notices.models import Notice
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import scope_of, visible
from zhaoshang.org.services import do_update_person
from zhaoshang.stamps import StaleEdit, stamp
from zhaoshang.supervision.models import Task


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "记录已被他人修改（If-Match 与当前 ETag 不符），本次修改没有保存"
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "修改须带 If-Match 请求头（取自该记录的 ETag）"
    default_code = "precondition_required"


def etag(obj) -> str:
    return f'"{stamp(obj)}"'


def check_if_match(request, obj) -> str:
    """The stamp the client saw; 428 without If-Match, 412 when it is no longer current."""
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise PreconditionRequired()
    current = etag(obj)
    candidates = {v.strip().removeprefix("W/") for v in given.split(",")}
    if current not in candidates and "*" not in candidates:
        raise PreconditionFailed()
    return stamp(obj)


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class ScopedViewSet(viewsets.GenericViewSet):
    """A read API over one model, narrowed to the reader's scope."""

    pagination_class = Pagination
    model = None
    related: tuple = ()
    prefetch: tuple = ()

    def base_queryset(self):
        qs = self.model._default_manager.all()
        if self.related:
            qs = qs.select_related(*self.related)
        if self.prefetch:
            qs = qs.prefetch_related(*self.prefetch)
        return qs

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        return qs.order_by(*(self.model._meta.ordering or ["pk"]))

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        response = Response(self.get_serializer(obj).data)
        response["ETag"] = etag(obj)
        return response

    def fresh(self, obj):
        """The record as it is now, with what its serializer reads."""
        return self.base_queryset().get(pk=obj.pk)

    def updated(self, obj) -> Response:
        obj = self.fresh(obj)
        response = Response(self.get_serializer(obj).data)
        response["ETag"] = etag(obj)
        return response


def _filtered(request, filterset_class, queryset, **kwargs):
    filterset = filterset_class(request.query_params or None, queryset=queryset, **kwargs)
    if not filterset.is_bound:
        return queryset
    if not filterset.is_valid():
        raise exceptions.ValidationError(
            {k: [str(m) for m in v] for k, v in filterset.form.errors.items()}
        )
    return filterset.qs


def _visible_unit_rows(user):
    from zhaoshang.ledger.views import _visible_units

    return _visible_units(user)


CODE_LOOKUP = r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff][0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff_.\-]*"


def _by_code(qs, params, **lookups):
    """Narrow ``qs`` by the query parameters given: ``{param: lookup}`` (exact codes)."""
    for param, lookup in lookups.items():
        if params.get(param):
            qs = qs.filter(**{lookup: params[param]})
    return qs


@extend_schema_view(
    list=extend_schema(
        summary="单位（本人可见范围）",
        parameters=[
            OpenApiParameter("parent", str, description="上级单位编码：只列其直属下级"),
            OpenApiParameter("kind", str, description="单位类别"),
        ],
    ),
    retrieve=extend_schema(summary="一个单位"),
)
class UnitViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Unit
    serializer_class = s.UnitSerializer
    related = ("parent",)
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        qs = _by_code(qs, self.request.query_params, parent="parent__code", kind="kind")
        return qs.order_by("path")


class PersonWrite(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="责任人"),
    retrieve=extend_schema(summary="一位责任人"),
    partial_update=extend_schema(
        summary="修改责任人（须带 If-Match）",
        request=PersonWrite,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    ),
)
class PersonViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Person
    serializer_class = s.PersonSerializer
    related = ("unit",)
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return visible(self.base_queryset(), self.request.user).order_by("unit__code", "name")

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        expected = check_if_match(request, person)
        data = _valid(PersonWrite, request.data)
        try:
            do_update_person(
                person,
                name=data.get("name", person.name),
                title=data.get("title", person.title),
                phone=data.get("phone", person.phone),
                user=person.user,
                actor=request.user,
                reason=data.get("reason") or _("接口修改"),
                expected_stamp=expected,
            )
        except StaleEdit:
            raise PreconditionFailed() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(person)


def _valid(serializer_class, data) -> dict:
    unknown = sorted(set(data) - set(serializer_class().fields)) if hasattr(data, "keys") else []
    if unknown:
        raise exceptions.ValidationError({name: [_("不能通过接口修改此字段")] for name in unknown})
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class EnterpriseWrite(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True, allow_null=True)
    origin = serializers.CharField(max_length=50, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="客商（与网页客商库同样的筛选：q、ownership、tag …）"),
    retrieve=extend_schema(summary="一家客商"),
    partial_update=extend_schema(
        summary="修改客商资料（须带 If-Match）",
        request=EnterpriseWrite,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    ),
)
class EnterpriseViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Enterprise
    serializer_class = s.EnterpriseSerializer
    related = ("owner_unit",)
    prefetch = ("tags",)
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        if self.action == "list":
            qs = _filtered(self.request, EnterpriseFilter, qs)
        return qs.order_by("name_pinyin", "pk")

    def partial_update(self, request, *args, **kwargs):
        from zhaoshang.ledger.services import can_edit_enterprise
        from zhaoshang.ledger.uscc import normalize_uscc

        enterprise = self.get_object()
        if not can_edit_enterprise(request.user, enterprise):
            raise exceptions.PermissionDenied(_("您无权修改此客商资料"))
        expected = check_if_match(request, enterprise)
        data = _valid(EnterpriseWrite, request.data)
        uscc = data.get("uscc", enterprise.uscc)
        try:
            do_edit_enterprise(
                enterprise,
                name=data.get("name", enterprise.name),
                uscc=normalize_uscc(uscc or "") or None,
                ownership=enterprise.ownership,
                origin=data.get("origin", enterprise.origin),
                tags=[(t.name, t.year) for t in enterprise.tags.all()],
                note=data.get("note", enterprise.note),
                actor=request.user,
                reason=data.get("reason") or _("接口修改"),
                expected_stamp=expected,
            )
        except StaleEdit:
            raise PreconditionFailed() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(enterprise)


@extend_schema_view(
    list=extend_schema(
        summary="项目台账（与网页台账同样的筛选：q、unit、stage、status、industry、park …）"
    ),
    retrieve=extend_schema(summary="一个项目（ETag 为其版本）"),
    partial_update=extend_schema(
        summary="修改项目（须带 If-Match；可改字段见请求体）",
        request=s.ProjectWriteSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    ),
)
class ProjectViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Project
    serializer_class = s.ProjectSerializer
    related = ("responsible_unit", "person", "industry", "park")
    prefetch = ("cooperating_units", "investors")
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        if self.action == "list":
            units = _visible_unit_rows(self.request.user)
            parks = list(visible(Park.objects.only("id", "name"), self.request.user))
            qs = _filtered(self.request, ProjectFilter, qs, units=units, parks=parks)
            if not self.request.query_params.get("sort"):
                qs = qs.order_by("code")
            return qs
        return qs.order_by("code")

    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        if not scope_of(request.user).can_edit(project.responsible_unit):
            raise exceptions.PermissionDenied(_("您无权修改此项目"))
        check_if_match(request, project)
        data = _valid(s.ProjectWriteSerializer, request.data)
        reason = data.pop("reason", "") or _("接口修改")
        # Through the edit form's own validation, so the API accepts exactly what the page does.
        values = {**ProjectForm.initial_for(project), **data, "reason": reason}
        form = ProjectForm(_form_data(values), user=request.user, project=project)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in form.errors.items()}
            )
        try:
            do_save_project(
                project.code,
                form.project_data(),
                actor=request.user,
                reason=reason,
                expected_version=project.version,
            )
        except VersionConflict:
            raise PreconditionFailed() from None
        except PermissionDenied:
            raise exceptions.PermissionDenied() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(project)

    @extend_schema(
        summary="变更项目阶段（须带 If-Match）",
        request=s.StageChangeSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    )
    @action(detail=True, methods=["post"])
    def stage(self, request, code=None):
        project = self.get_object()
        if not scope_of(request.user).can_edit(project.responsible_unit):
            raise exceptions.PermissionDenied(_("您无权修改此项目"))
        check_if_match(request, project)
        data = _valid(s.StageChangeSerializer, request.data)
        try:
            do_change_stage(
                project,
                int(data["stage"]),
                data["on"],
                actor=request.user,
                evidence=data.get("evidence", ""),
                reason=data.get("reason", ""),
                contract_amount=data.get("contract_amount"),
                expected_version=project.version,
            )
        except VersionConflict:
            raise PreconditionFailed() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(project)


def _form_data(values: dict) -> dict:
    """Initial values as the POST body a form would send."""
    data = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    from django.http import QueryDict

    body = QueryDict(mutable=True)
    for name, value in data.items():
        if isinstance(value, list):
            body.setlist(name, value)
        else:
            body[name] = value
    return body


@extend_schema_view(
    list=extend_schema(summary="阶段记录"),
    retrieve=extend_schema(summary="一条阶段记录"),
)
class StageEventViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = StageEvent
    serializer_class = s.StageEventSerializer
    related = ("project",)

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        project = self.request.query_params.get("project")
        if project:
            qs = qs.filter(project__code=project)
        return qs.order_by("project__code", "on", "stage", "pk")


@extend_schema_view(
    list=extend_schema(summary="到位资金"),
    retrieve=extend_schema(summary="一笔到位资金"),
    create=extend_schema(
        summary="录入到位资金（同一项目同一天已有记录时请用 PATCH 更正）",
        request=s.FundsWriteSerializer,
    ),
    partial_update=extend_schema(
        summary="更正到位资金（须带 If-Match）",
        request=inline_serializer(
            "FundsCorrect",
            {
                "amount": serializers.DecimalField(max_digits=16, decimal_places=2),
                "note": serializers.CharField(required=False),
                "reason": serializers.CharField(required=False),
            },
        ),
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    ),
)
class FundsViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = FundsEntry
    serializer_class = s.FundsSerializer
    related = ("project",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        project = self.request.query_params.get("project")
        if project:
            qs = qs.filter(project__code=project)
        return qs.order_by("project__code", "on")

    def create(self, request, *args, **kwargs):
        data = _valid(s.FundsWriteSerializer, request.data)
        project = (
            visible(Project.objects.select_related("responsible_unit"), request.user)
            .filter(code=data["project"])
            .first()
        )
        if project is None:
            raise exceptions.ValidationError({"project": [_("没有这个项目，或不在您的范围内")]})
        if not scope_of(request.user).can_edit(project.responsible_unit):
            raise exceptions.PermissionDenied(_("您无权修改此项目"))
        if project.funds.filter(on=data["on"]).exists():
            raise exceptions.ValidationError(
                {"on": [_("这一天已有到位资金记录，请用 PATCH 更正那一条")]}
            )
        entry, _created, _changed = do_record_funds(
            project,
            data["on"],
            data["amount"],
            note=data.get("note", ""),
            actor=request.user,
            reason=_("接口录入到位资金"),
        )
        response = self.updated(entry)
        response.status_code = status.HTTP_201_CREATED
        return response

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        if not scope_of(request.user).can_edit(entry.project.responsible_unit):
            raise exceptions.PermissionDenied(_("您无权修改此项目"))
        expected = check_if_match(request, entry)
        amount = request.data.get("amount", entry.amount)
        field = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
        try:
            amount = field.to_internal_value(amount)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({"amount": exc.detail}) from None
        try:
            do_record_funds(
                entry.project,
                entry.on,
                amount,
                note=str(request.data.get("note", entry.note))[:200],
                actor=request.user,
                reason=str(request.data.get("reason") or _("接口更正到位资金"))[:100],
                expected_stamp=expected,
            )
        except StaleEdit:
            raise PreconditionFailed() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(entry)


@extend_schema_view(
    list=extend_schema(summary="跟进记录（与网页动态同样的筛选）"),
    retrieve=extend_schema(summary="一条跟进记录"),
    create=extend_schema(summary="登记跟进记录", request=s.FollowUpWriteSerializer),
)
class FollowUpViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = FollowUp
    serializer_class = s.FollowUpSerializer
    related = ("unit", "project", "enterprise")
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        if self.action == "list":
            units = _visible_unit_rows(self.request.user)
            qs = _filtered(self.request, FollowUpFilter, qs, units=units)
        return qs.order_by("-on", "-pk")

    def create(self, request, *args, **kwargs):
        data = _valid(s.FollowUpWriteSerializer, request.data)
        user = request.user
        unit = visible(Unit.objects.all(), user).filter(code=data["unit"]).first()
        if unit is None:
            raise exceptions.ValidationError({"unit": [_("没有这个单位，或不在您的范围内")]})
        if not scope_of(user).can_edit(unit):
            raise exceptions.PermissionDenied(_("您无权为此单位登记"))
        project = None
        if data.get("project"):
            project = visible(Project.objects.all(), user).filter(code=data["project"]).first()
            if project is None:
                raise exceptions.ValidationError({"project": [_("没有这个项目，或不在您的范围内")]})
        try:
            follow_up, _created = do_add_follow_up(
                on=data["on"],
                unit=unit,
                kind=data["kind"],
                project=project,
                content=data.get("content", ""),
                participants=data.get("participants", ""),
                actor=user,
                reason=_("接口登记跟进"),
            )
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        except Http404:
            raise exceptions.NotFound() from None
        response = self.updated(follow_up)
        response.status_code = status.HTTP_201_CREATED
        return response


@extend_schema_view(
    list=extend_schema(summary="专项行动"),
    retrieve=extend_schema(summary="一项专项行动（含时间节点）"),
)
class CampaignViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Campaign
    serializer_class = s.CampaignSerializer
    related = ("unit",)
    prefetch = ("milestones",)
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP


@extend_schema_view(
    list=extend_schema(
        summary="目标任务",
        parameters=[OpenApiParameter("campaign", str), OpenApiParameter("unit", str)],
    ),
    retrieve=extend_schema(summary="一项目标任务"),
    partial_update=extend_schema(
        summary="调整目标任务（须带 If-Match；目标值和时限由上级单位管理员下达）",
        request=s.TargetWriteSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    ),
)
class TargetViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Target
    serializer_class = s.TargetSerializer
    related = ("campaign", "unit", "person")
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        target = self.get_object()
        expected = check_if_match(request, target)
        data = _valid(s.TargetWriteSerializer, request.data)
        try:
            _save_target_through_api(request, target, data, expected)
        except StaleEdit:
            raise PreconditionFailed() from None
        except PermissionDenied:
            raise exceptions.PermissionDenied() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(target)

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        params = self.request.query_params
        if params.get("campaign"):
            qs = qs.filter(campaign__code=params["campaign"])
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        return qs.order_by("campaign__code", "unit__code", "indicator")


@extend_schema_view(
    list=extend_schema(summary="调度轮次", parameters=[OpenApiParameter("campaign", str)]),
)
class RoundViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = ReportingRound
    serializer_class = s.RoundSerializer
    related = ("campaign",)

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        qs = _by_code(qs, self.request.query_params, campaign="campaign__code")
        return qs.order_by(*(self.model._meta.ordering or ["pk"]))


@extend_schema_view(
    list=extend_schema(
        summary="调度填报",
        parameters=[OpenApiParameter("round", int), OpenApiParameter("unit", str)],
    ),
)
class SubmissionViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Submission
    serializer_class = s.SubmissionSerializer
    related = ("unit", "round")

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        params = self.request.query_params
        if params.get("round", "").isdigit():
            qs = qs.filter(round_id=int(params["round"]))
        qs = _by_code(qs, params, unit="unit__code")
        return qs.order_by("round_id", "unit__code")


class BulletinViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Published bulletins (the list of issues; the documents are on the bulletin pages)."""

    model = Bulletin
    serializer_class = s.BulletinSerializer
    related = ("campaign",)

    def base_queryset(self):
        return super().base_queryset().defer("document")


@extend_schema_view(
    list=extend_schema(summary="招商活动", parameters=[OpenApiParameter("campaign", str)]),
)
class EventViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Event
    serializer_class = s.EventSerializer
    related = ("campaign", "host_unit")
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        qs = _by_code(qs, self.request.query_params, campaign="campaign__code")
        return qs.order_by("start", "code")


@extend_schema_view(
    list=extend_schema(
        summary="邀约",
        parameters=[
            OpenApiParameter("event", str),
            OpenApiParameter("status", str),
            OpenApiParameter("unit", str, description="邀请单位编码"),
        ],
    ),
)
class InvitationViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Invitation
    serializer_class = s.InvitationSerializer
    related = ("event", "inviting_unit", "enterprise")

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        qs = _by_code(
            qs,
            self.request.query_params,
            event="event__code",
            status="status",
            unit="inviting_unit__code",
        )
        return qs.order_by("event__code", "pk")


@extend_schema_view(
    list=extend_schema(summary="签约项目", parameters=[OpenApiParameter("event", str)]),
)
class SigningViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Signing
    serializer_class = s.SigningSerializer
    related = ("event", "project", "investor")

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        qs = _by_code(qs, self.request.query_params, event="event__code")
        return qs.order_by("event__code", "pk")


class ProgressView(APIView):
    """The progress of a unit's children in a campaign: the same document as
    ``zhaoshang progress --json`` (contracts/cli.md)."""

    @extend_schema(
        summary="进度（与 progress --json 相同的文档）",
        parameters=[
            OpenApiParameter("campaign", str, required=True),
            OpenApiParameter("unit", str, description="单位编码；默认为行动的牵头单位"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计截止日期，默认今天"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        from zhaoshang.engine.progress import UnknownUnit, campaign_root, compute
        from zhaoshang.engine.serialize import progress_document

        params = request.query_params
        campaign = (
            visible(Campaign.objects.all(), request.user)
            .filter(code=params.get("campaign", ""))
            .first()
        )
        if campaign is None:
            raise exceptions.NotFound(_("没有这个专项行动，或不在您的范围内"))
        if params.get("unit"):
            unit = visible(Unit.objects.all(), request.user).filter(code=params["unit"]).first()
        else:
            root = campaign_root(campaign)
            unit = root if scope_of(request.user).contains(root) else None
            if unit is None:
                unit = visible(Unit.objects.all(), request.user).order_by("depth", "code").first()
        if unit is None:
            raise exceptions.NotFound(_("没有这个单位，或不在您的范围内"))
        as_of = date.today()
        if params.get("as_of"):
            try:
                as_of = date.fromisoformat(params["as_of"])
            except ValueError:
                raise exceptions.ValidationError(
                    {"as_of": [_("日期格式应为 YYYY-MM-DD")]}
                ) from None
        try:
            progress = compute(campaign, as_of, unit)
        except UnknownUnit as exc:
            raise exceptions.NotFound(str(exc)) from None
        return Response(progress_document(progress))


@extend_schema_view(
    destroy=extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
)
class TokenViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """The caller's own tokens (never the secret), and revoking one."""

    serializer_class = s.TokenSerializer
    pagination_class = Pagination
    http_method_names = ["get", "delete", "head", "options"]

    def get_queryset(self):
        from zhaoshang.api.models import ApiToken

        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)

    def destroy(self, request, pk=None):
        from zhaoshang.api.tokens import do_revoke_token

        token = self.get_queryset().filter(pk=pk).first()
        if token is None:
            raise exceptions.NotFound()
        with transaction.atomic():
            do_revoke_token(token, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- campaigns: milestones, targets


@extend_schema_view(
    list=extend_schema(
        summary="时间节点",
        parameters=[OpenApiParameter("campaign", str, description="专项行动编码")],
    ),
    retrieve=extend_schema(summary="一个时间节点"),
    partial_update=extend_schema(
        summary="修改时间节点（须带 If-Match；仅行动牵头单位管理员）",
        request=s.MilestoneWriteSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
    ),
)
class MilestoneViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Milestone
    serializer_class = s.MilestoneRecordSerializer
    related = ("campaign", "campaign__unit")
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        campaigns = visible(Campaign.objects.all(), self.request.user)
        qs = self.base_queryset().filter(campaign__in=campaigns)
        code = self.request.query_params.get("campaign")
        if code:
            qs = qs.filter(campaign__code=code)
        return qs.order_by("campaign__code", "on")

    def partial_update(self, request, *args, **kwargs):
        from zhaoshang.campaigns.services import do_change_milestone

        milestone = self.get_object()
        if not scope_of(request.user).can_manage(milestone.campaign.unit):
            raise exceptions.PermissionDenied(_("只有专项行动牵头单位的管理员可以修改节点"))
        expected = check_if_match(request, milestone)
        data = _valid(s.MilestoneWriteSerializer, request.data)
        on = data.get("on", milestone.on)
        campaign = milestone.campaign
        if not campaign.start <= on <= campaign.end:
            raise exceptions.ValidationError({"on": [_("节点日期应在行动期间内")]})
        try:
            do_change_milestone(
                milestone,
                on=on,
                pct=data.get("pct", milestone.pct),
                actor=request.user,
                reason=data.get("reason") or _("接口修改"),
                expected_stamp=expected,
            )
        except StaleEdit:
            raise PreconditionFailed() from None
        except PermissionDenied:
            raise exceptions.PermissionDenied() from None
        except ValidationError as exc:
            raise exceptions.ValidationError(_messages(exc)) from None
        return self.updated(milestone)


def _save_target_through_api(request, target: Target, data: dict, expected: str) -> None:
    from zhaoshang.campaigns.services import do_save_target, target_governor
    from zhaoshang.org.services import do_save_person

    scope = scope_of(request.user)
    sets_value = "value" in data or "deadline" in data
    governor = target_governor(target.campaign, target.unit)
    if not (scope.can_manage(governor) or (not sets_value and scope.can_manage(target.unit))):
        raise exceptions.PermissionDenied(_("您无权调整此目标任务"))
    value = data.get("value", target.value)
    if value != target.value and not (data.get("reason") or "").strip():
        raise exceptions.ValidationError(
            {"reason": [_("调整已下达的目标值时，请填写调整原因（记入变更记录）。")]}
        )
    deadline = data.get("deadline", target.deadline)
    campaign = target.campaign
    if deadline is not None and not campaign.start <= deadline <= campaign.end:
        raise exceptions.ValidationError({"deadline": [_("完成时限应在行动期间内")]})
    with transaction.atomic():
        person = target.person
        if "person" in data:
            name = data["person"].strip()
            person = (
                do_save_person(target.unit, name, actor=request.user, reason=_("目标分解时登记"))
                if name
                else None
            )
        do_save_target(
            campaign,
            target.unit,
            target.indicator,
            value,
            person=person,
            deadline=deadline,
            actor=request.user,
            reason=(data.get("reason") or "").strip() or _("接口修改"),
            expected_stamp=expected,
        )


# ---------------------------------------------------------------- supervision, notices, assessment


class TaskFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["", "active", "overdue", "due_soon", "open", "done", "done_late"],
        required=False,
        allow_blank=True,
    )
    source = serializers.CharField(required=False, allow_blank=True)
    campaign = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True)
    watching = serializers.BooleanField(required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


@extend_schema_view(
    list=extend_schema(
        summary="督办事项（与网页督办清单同样的筛选：status、source、campaign、unit、watching、q）",
        parameters=[TaskFilterSerializer],
    ),
    retrieve=extend_schema(summary="一项督办事项（含截至今天的办理状态）"),
)
class TaskViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Task
    serializer_class = s.TaskSerializer
    related = ("campaign", "assigning_unit", "lead_unit")
    prefetch = ("assisting_units",)
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP

    def list(self, request, *args, **kwargs):
        from django.utils import timezone

        from zhaoshang.supervision.queries import filtered

        params = TaskFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            views = filtered(request.user, params.validated_data, timezone.localdate())
        except Http404:
            raise exceptions.NotFound(_("没有这个单位，或不在您的范围内")) from None
        page = self.paginate_queryset(views)
        context = {**self.get_serializer_context(), "statuses": {v.task.pk: v.status for v in page}}
        data = s.TaskSerializer([v.task for v in page], many=True, context=context).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        from django.utils import timezone

        from zhaoshang.supervision.queries import with_status

        task = self.get_object()
        found = with_status([task], timezone.localdate())
        context = {
            **self.get_serializer_context(),
            "statuses": {v.task.pk: v.status for v in found},
        }
        response = Response(s.TaskSerializer(task, context=context).data)
        response["ETag"] = etag(task)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="通知（已录入的上级通知及从中确认的任务）",
        parameters=[OpenApiParameter("campaign", str)],
    ),
    retrieve=extend_schema(summary="一份通知"),
)
class NoticeViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = Notice
    serializer_class = s.NoticeSerializer
    related = ("campaign",)
    prefetch = ("tasks__lead_unit",)

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        if self.request.query_params.get("campaign"):
            qs = qs.filter(campaign__code=self.request.query_params["campaign"])
        return qs.order_by("-created_at", "-pk")


@extend_schema_view(
    list=extend_schema(
        summary="已发布的考核结果（得分与排名；计分依据的项目明细见考核页面）",
        parameters=[OpenApiParameter("campaign", str)],
    ),
    retrieve=extend_schema(summary="一期考核结果"),
)
class AssessmentViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = PublishedAssessment
    serializer_class = s.AssessmentSerializer
    related = ("campaign",)

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        if self.request.query_params.get("campaign"):
            qs = qs.filter(campaign__code=self.request.query_params["campaign"])
        return qs.order_by("campaign__code", "-number")


@extend_schema_view(
    list=extend_schema(
        summary="招商项目库（推介项目）",
        parameters=[
            OpenApiParameter("unit", str, description="责任单位编码（含下级）"),
            OpenApiParameter("published", bool),
        ],
    ),
    retrieve=extend_schema(summary="一个推介项目"),
)
class PromotionViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = PromotionProject
    serializer_class = s.PromotionSerializer
    related = ("unit", "project", "industry")
    lookup_field = "code"
    lookup_value_regex = CODE_LOOKUP

    def get_queryset(self):
        qs = visible(self.base_queryset(), self.request.user)
        params = self.request.query_params
        if params.get("unit"):
            unit = visible(Unit.objects.all(), self.request.user).filter(code=params["unit"])
            unit = unit.first()
            if unit is None:
                return qs.none()
            qs = qs.filter(unit__path__startswith=unit.path)
        if params.get("published") in ("true", "1"):
            qs = qs.filter(published=True)
        elif params.get("published") in ("false", "0"):
            qs = qs.filter(published=False)
        return qs.order_by("unit__path", "order", "code")


class ForecastView(APIView):
    """The completion forecast of a unit and its children: the same data as the unit page's
    forecast panel and the bulletin's forecast section."""

    @extend_schema(
        summary="完成预测（单位及其下级；与单位页面的预测相同）",
        parameters=[
            OpenApiParameter("campaign", str, required=True),
            OpenApiParameter("unit", str, description="单位编码；默认为本人可见的最上级单位"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计截止日期，默认今天"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        from zhaoshang.engine.forecast import forecast, forecast_document
        from zhaoshang.engine.progress import UnknownUnit, campaign_root

        params = request.query_params
        campaign = (
            visible(Campaign.objects.all(), request.user)
            .filter(code=params.get("campaign", ""))
            .first()
        )
        if campaign is None:
            raise exceptions.NotFound(_("没有这个专项行动，或不在您的范围内"))
        units = visible(Unit.objects.all(), request.user)
        if params.get("unit"):
            unit = units.filter(code=params["unit"]).first()
        else:
            root = campaign_root(campaign)
            unit = root if scope_of(request.user).contains(root) else None
            if unit is None:
                unit = units.order_by("depth", "code").first()
        if unit is None:
            raise exceptions.NotFound(_("没有这个单位，或不在您的范围内"))
        as_of = date.today()
        if params.get("as_of"):
            try:
                as_of = date.fromisoformat(params["as_of"])
            except ValueError:
                raise exceptions.ValidationError(
                    {"as_of": [_("日期格式应为 YYYY-MM-DD")]}
                ) from None
        try:
            result = forecast(campaign, as_of, unit)
        except UnknownUnit as exc:
            raise exceptions.NotFound(str(exc)) from None
        if result is None:
            return Response({"as_of": as_of.isoformat(), "indicator": campaign.primary_indicator})
        return Response(forecast_document(result))
