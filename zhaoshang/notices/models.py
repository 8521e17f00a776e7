from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.campaigns.models import Campaign
from zhaoshang.org.models import Unit


class Notice(models.Model):
    """A notice the office read into a campaign: its cleaned text and what it accepted from it."""

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="notices", verbose_name=_("专项行动")
    )
    title = models.CharField(_("通知标题"), max_length=200)
    source_name = models.CharField(_("来源文件"), max_length=200, blank=True)
    text = models.TextField(_("通知正文（简体）"))
    # The 三大三少 diagnosis codes and the unit names the office accepted.
    problems = models.JSONField(_("问题"), default=list, blank=True)
    units = models.JSONField(_("单位"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_q(cls, scope):
        """Notices of the campaigns the user sees."""
        return models.Q(campaign__in=Campaign.objects.filter(Campaign.scope_q(scope)))


class NoticeTask(models.Model):
    """A task the office accepted from a notice, and the supervised task made of it."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="tasks", verbose_name=_("通知"))
    content = models.TextField(_("任务内容"))
    quote = models.TextField(_("原文"), blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    lead_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    # The code of the supervised task (督办事项) created from it, once supervision has it.
    task_code = models.CharField(_("督办事项编号"), max_length=32, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("通知任务")
        verbose_name_plural = _("通知任务")
        ordering = ["notice", "pk"]

    def __str__(self):
        return self.content[:40]
