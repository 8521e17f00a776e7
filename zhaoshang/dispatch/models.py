"""Dispatch: reporting rounds, units' reports, reminder requests and frozen bulletins."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.campaigns.models import Campaign
from zhaoshang.org.models import Unit


def campaign_scope_q(scope, prefix: str = "campaign") -> Q:
    """Rows of campaigns the user sees (Campaign.scope_q), reached through ``prefix``."""
    visible = Campaign.objects.filter(Campaign.scope_q(scope)).values("pk")
    return Q(**{f"{prefix}__in": visible})


class DispatchSettings(models.Model):
    """A campaign's dispatch thresholds (三大三少 limits, stuck days) and issuing office."""

    campaign = models.OneToOneField(
        Campaign,
        models.CASCADE,
        related_name="dispatch_settings",
        verbose_name=_("专项行动"),
    )
    effort_window_days = models.PositiveSmallIntegerField(
        _("工作力度统计天数"),
        default=14,
        help_text=_("统计最近多少天的跟踪记录"),
    )
    effort_median_share = models.DecimalField(
        _("工作力度下限(占中位数)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text=_("跟踪记录少于同级单位中位数的此比例即提示"),
    )
    on_time_min_pct = models.DecimalField(
        _("按时报送率下限(%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
    )
    stale_ledger_days = models.PositiveSmallIntegerField(
        _("台账未更新天数上限"),
        default=7,
    )
    stuck_key_days = models.PositiveSmallIntegerField(
        _("重点项目停滞天数"),
        default=30,
        help_text=_("重点项目停留在同一阶段超过此天数即列出"),
    )
    # Supervised tasks (督办): when a task is due soon and how its escalation
    # climbs with the working days it is overdue (engine.tasks).
    task_due_soon_workdays = models.PositiveSmallIntegerField(
        _("督办临期提醒(工作日)"),
        default=3,
        help_text=_("办理时限为当天或此后若干个工作日内即为临期"),
    )
    task_blue_max_workdays = models.PositiveSmallIntegerField(
        _("蓝色督办上限(逾期工作日)"),
        default=5,
        help_text=_("逾期不超过此工作日数为蓝色督办"),
    )
    task_orange_max_workdays = models.PositiveSmallIntegerField(
        _("橙色督办上限(逾期工作日)"),
        default=10,
        help_text=_("逾期超过蓝色上限、不超过此工作日数为橙色督办，再多为红色督办"),
    )
    issuing_office = models.CharField(
        _("发文单位"),
        max_length=100,
        blank=True,
        help_text=_("通报落款；为空时用“组织单位名称 + 招商引资工作专班办公室”"),
    )
    # GB/T 9704 parts of the Word bulletin: 发文字号, 版记 (抄送, 印发机关).
    number_style = models.CharField(
        _("期号样式"),
        max_length=10,
        choices=[("issue", _("第N期（简报式）")), ("document", _("〔年份〕N号（文件式）"))],
        default="issue",
    )
    number_prefix = models.CharField(
        _("发文字号前缀"),
        max_length=50,
        blank=True,
        help_text=_("文件式发文字号的机关代字，例如“黔东南招商办”，得到“黔东南招商办〔2026〕3号”"),
    )
    copy_to = models.CharField(
        _("抄送"),
        max_length=300,
        blank=True,
        help_text=_("版记中的抄送机关，用顿号分隔；为空时不印抄送"),
    )
    printing_office = models.CharField(
        _("印发机关"),
        max_length=100,
        blank=True,
        help_text=_("版记中的印发机关；为空时用发文单位"),
    )
    forecast_in_bulletin = models.BooleanField(
        _("通报含完成预测"),
        default=True,
        help_text=_("在通报中列出各单位到下一节点和行动结束的预计完成情况"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调度设置")
        verbose_name_plural = _("调度设置")

    def __str__(self):
        return f"{self.campaign} 调度设置"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.task_orange_max_workdays < self.task_blue_max_workdays:
            raise ValidationError(
                {"task_orange_max_workdays": _("橙色督办上限不能小于蓝色督办上限")}
            )

    @classmethod
    def scope_q(cls, scope):
        return campaign_scope_q(scope)


class ReportingRound(models.Model):
    """A reporting deadline of a campaign (调度轮次): the units report by then."""

    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="reporting_rounds",
        verbose_name=_("专项行动"),
    )
    deadline = models.DateTimeField(_("截止时间"))
    title = models.CharField(_("名称"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调度轮次")
        verbose_name_plural = _("调度轮次")
        ordering = ["campaign", "deadline"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "deadline"],
                name="round_campaign_deadline_unique",
            ),
        ]

    def __str__(self):
        return self.title or f"{timezone.localtime(self.deadline):%Y-%m-%d %H:%M} 调度"

    @classmethod
    def scope_q(cls, scope):
        return campaign_scope_q(scope)


class SubmissionState(models.TextChoices):
    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    MISSING = "missing", _("未报送")


class Submission(models.Model):
    """A unit's report for a round: progress, problems, next steps and its figures at that moment."""

    round = models.ForeignKey(
        ReportingRound,
        models.CASCADE,
        related_name="submissions",
        verbose_name=_("调度轮次"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="dispatch_submissions",
        verbose_name=_("单位"),
    )
    # Empty: the unit is expected in this round but has not reported (an
    # imported 调度填报 row with no 提交时间 says exactly that).
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    plan = models.TextField(_("下步计划"), blank=True)
    # The unit's progress row (contracts/cli.md ROW) on the day it reported:
    # what it confirmed, kept although the ledger changes later.
    figures = models.JSONField(
        _("报送时台账数据"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatch_submissions",
        verbose_name=_("报送人"),
    )
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("调度填报")
        verbose_name_plural = _("调度填报")
        ordering = ["round", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="submission_round_unit_unique"),
        ]

    def __str__(self):
        return f"{self.round} {self.unit}"

    @property
    def state(self) -> str:
        if self.submitted_at is None:
            return SubmissionState.MISSING
        if self.submitted_at > self.round.deadline:
            return SubmissionState.LATE
        return SubmissionState.ON_TIME

    @property
    def is_late(self) -> bool:
        return self.state == SubmissionState.LATE


class ReminderRequest(models.Model):
    """The office asking that units be reminded of a round (sent by the supervision channels)."""

    round = models.ForeignKey(
        ReportingRound,
        models.CASCADE,
        related_name="reminders",
        verbose_name=_("调度轮次"),
    )
    units = models.ManyToManyField(
        Unit, related_name="dispatch_reminders", verbose_name=_("提醒单位")
    )
    requested_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatch_reminders",
        verbose_name=_("提出人"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["round", "-requested_at"]

    def __str__(self):
        return f"{self.round} 催报 {timezone.localtime(self.requested_at):%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, scope):
        return campaign_scope_q(scope, "round__campaign")


class BulletinFrozen(Exception):
    """A published bulletin cannot be changed or deleted."""


class Bulletin(models.Model):
    """A published dispatch bulletin (调度通报 第N期): its frozen document, never changed."""

    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        related_name="bulletins",
        verbose_name=_("专项行动"),
    )
    number = models.PositiveIntegerField(_("期数"))
    as_of = models.DateField(_("统计截止日期"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatch_bulletins",
        verbose_name=_("发布人"),
    )
    # Everything the bulletin shows, as published (see dispatch/bulletin.py);
    # every format of a published bulletin is rendered from this alone.
    document = models.JSONField(_("通报内容"), encoder=DjangoJSONEncoder)
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="following",
        verbose_name=_("上一期"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调度通报")
        verbose_name_plural = _("调度通报")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="bulletin_campaign_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} 调度通报 第{self.number}期"

    def save(self, *args, **kwargs):
        # Frozen means frozen: only the first save (publication) is allowed.
        if not self._state.adding:
            raise BulletinFrozen(f"{self} 已发布，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise BulletinFrozen(f"{self} 已发布，不能删除")

    @classmethod
    def scope_q(cls, scope):
        # Published rankings are for everyone taking part in the campaign.
        return campaign_scope_q(scope)
