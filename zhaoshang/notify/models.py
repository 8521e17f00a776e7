"""Reminders: where each unit (or person) is reached, and the outbox of every message."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.org.models import Person, Unit


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信机器人")
    DINGTALK = "dingtalk", _("钉钉机器人")


class ChannelSet(models.Model):
    """Where one unit's (or one person's) reminders go: e-mail, WeChat Work and DingTalk robots."""

    unit = models.OneToOneField(
        Unit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("单位"),
    )
    person = models.OneToOneField(
        Person,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("人员"),
    )
    emails = models.CharField(
        _("通知邮箱"), max_length=500, blank=True, help_text=_("多个用 ; 分隔")
    )
    wecom_webhook = models.URLField(_("企业微信机器人"), max_length=500, blank=True)
    dingtalk_webhook = models.URLField(_("钉钉机器人"), max_length=500, blank=True)
    # Never shown back, exported or kept in the history rows.
    dingtalk_secret = models.CharField(_("钉钉加签密钥"), max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["dingtalk_secret"])

    class Meta:
        verbose_name = _("提醒渠道")
        verbose_name_plural = _("提醒渠道")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, person__isnull=True)
                | Q(unit__isnull=True, person__isnull=False),
                name="channelset_unit_or_person",
            ),
        ]

    def __str__(self):
        return str(self.unit or self.person)

    @classmethod
    def scope_q(cls, scope):
        return scope.unit_q("unit") | scope.unit_q("person__unit")

    @property
    def email_list(self) -> list[str]:
        return [a.strip() for a in self.emails.replace("；", ";").split(";") if a.strip()]

    def kinds(self) -> list[str]:
        """The channels that are set, in a fixed order."""
        found = []
        if self.email_list:
            found.append(ChannelKind.EMAIL)
        if self.wecom_webhook:
            found.append(ChannelKind.WECOM)
        if self.dingtalk_webhook:
            found.append(ChannelKind.DINGTALK)
        return found


class ReminderKind(models.TextChoices):
    ROUND_DUE = "round_due", _("调度报送即将截止")
    ROUND_LATE = "round_late", _("调度报送逾期")
    ROUND_REQUEST = "round_request", _("催报")
    TASK_DUE = "task_due", _("督办事项即将到期")
    TASK_OVERDUE = "task_overdue", _("督办事项逾期")


class MessageState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Message(models.Model):
    """One reminder to one recipient on one channel (the outbox): its text, state and attempts."""

    # kind|about|recipient|day: the same reminder is never queued twice.
    key = models.CharField(_("幂等键"), max_length=255, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    # What the reminder is about: "round:12", "task:T-01", "request:5".
    about = models.CharField(_("事由"), max_length=100)
    day = models.DateField(_("提醒日期"))
    unit = models.ForeignKey(
        Unit, models.CASCADE, related_name="notify_messages", verbose_name=_("单位")
    )
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="notify_messages",
        verbose_name=_("人员"),
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=ChannelKind.choices)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=8, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送成功时间"), null=True, blank=True)

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("提醒消息")
        verbose_name_plural = _("提醒消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="notify_msg_state_idx")]

    def __str__(self):
        return f"{self.unit} {self.get_channel_display()} {self.subject}"

    @property
    def recipient(self) -> str:
        return self.person.name if self.person_id else self.unit.name
