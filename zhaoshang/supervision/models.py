"""Supervised tasks (督办事项): what was assigned, to whom, by when, and every step since."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.campaigns.models import Campaign
from zhaoshang.org.models import Unit


class Source(models.TextChoices):
    MANUAL = "manual", _("手工交办")
    MEETING = "meeting", _("会议")
    INSTRUCTION = "instruction", _("领导批示")
    DIAGNOSIS = "diagnosis", _("通报诊断")
    NOTICE = "notice", _("通知")


class State(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    FEEDBACK = "feedback", _("已反馈待复核")
    CLOSED = "closed", _("已办结")


class Task(models.Model):
    """An assigned item: content, goal, lead and assisting units, deadline and where it stands."""

    code = models.CharField(_("事项编号"), max_length=50, unique=True)
    content = models.TextField(_("事项内容"))
    goal = models.TextField(_("工作目标"), blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("专项行动"),
    )
    # The office that assigned it and reviews the feedback (交办单位).
    assigning_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="assigned_tasks", verbose_name=_("交办单位")
    )
    lead_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="led_tasks", verbose_name=_("牵头单位")
    )
    assisting_units = models.ManyToManyField(
        Unit, blank=True, related_name="assisted_tasks", verbose_name=_("配合单位")
    )
    person = models.CharField(_("责任人"), max_length=50, blank=True)
    assigned_on = models.DateField(_("交办日期"))
    deadline = models.DateField(_("办理时限"))
    leader_watching = models.BooleanField(_("领导关注"), default=False)
    state = models.CharField(
        _("办理状态"), max_length=16, choices=State.choices, default=State.ASSIGNED
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    # A pending extension request: the deadline asked for (empty: none pending).
    extension_to = models.DateField(_("申请延期至"), null=True, blank=True)
    # Where it came from, e.g. the bulletin's diagnosis and its measured figures.
    basis = models.JSONField(_("来源依据"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_tasks",
        verbose_name=_("交办人"),
    )
    history = HistoricalRecords(m2m_fields=[assisting_units])

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "code"]
        indexes = [models.Index(fields=["deadline"]), models.Index(fields=["closed_on"])]

    def __str__(self):
        return f"{self.code} {self.content[:30]}"

    @property
    def basis_bulletin(self) -> int | None:
        """The number of the published bulletin whose finding this task answers, if any."""
        number = (self.basis or {}).get("bulletin")
        return int(number) if str(number or "").isdigit() else None

    @classmethod
    def scope_q(cls, scope):
        """Tasks a unit leads, assists on or assigned, and those of its subtree."""
        if scope.everything:
            return Q()
        q = Q(pk__in=[])
        for path in scope.paths:
            q |= Q(lead_unit__path__startswith=path) | Q(assigning_unit__path__startswith=path)
            q |= Q(
                pk__in=Task.assisting_units.through.objects.filter(
                    unit__path__startswith=path
                ).values("task_id")
            )
        return q

    @property
    def is_closed(self) -> bool:
        return self.state == State.CLOSED


class StepKind(models.TextChoices):
    ASSIGN = "assign", _("交办")
    SIGN = "sign", _("签收")
    PROGRESS = "progress", _("办理进展")
    FEEDBACK = "feedback", _("反馈")
    ACCEPT = "accept", _("复核通过，办结销号")
    RETURN = "return", _("复核退回")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_APPROVE = "extension_approve", _("同意延期")
    EXTENSION_REFUSE = "extension_refuse", _("不同意延期")
    EDIT = "edit", _("修改")
    REOPEN = "reopen", _("重新办理")


class TaskStep(models.Model):
    """One step of a task's flow: who did what, when, with a note or a file."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="steps", verbose_name=_("督办事项"))
    kind = models.CharField(_("环节"), max_length=24, choices=StepKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="task_steps",
        verbose_name=_("操作人"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="task_steps",
        verbose_name=_("单位"),
    )
    note = models.TextField(_("说明"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="tasks/%Y/%m/", blank=True)
    # The file's own name, given back on download (it is stored under a random one).
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    # For extensions: the deadline asked for, or granted.
    deadline = models.DateField(_("时限"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["task", "at", "id"]

    def __str__(self):
        return f"{self.task.code} {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope):
        return Q(task__in=Task.objects.filter(Task.scope_q(scope)).values("pk"))
