"""The assessment (考核) of a campaign: its scheme and the published, frozen assessments."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.dispatch.models import campaign_scope_q


class Method(models.TextChoices):
    CAPPED = "capped", _("封顶比例")
    EFFICACY = "efficacy", _("功效系数")


class Item(models.TextChoices):
    TOP500 = "top500", _("500强企业")
    OVERDUE_TASKS = "overdue_tasks", _("逾期督办事项")
    LATE_REPORTS = "late_reports", _("逾期填报")


class SchemeIndicator(models.Model):
    """One scored indicator of a campaign's assessment scheme (考核方案): weight and method."""

    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="assessment_indicators",
        verbose_name=_("专项行动"),
    )
    indicator = models.CharField(_("指标"), max_length=32, choices=Indicator.choices)
    weight = models.DecimalField(_("权重(分)"), max_digits=7, decimal_places=2)
    method = models.CharField(_("计分方法"), max_length=16, choices=Method.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator"], name="scheme_indicator_campaign_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.weight}分 {self.get_method_display()}"

    @classmethod
    def scope_q(cls, scope):
        return campaign_scope_q(scope)


class SchemeAdjustment(models.Model):
    """A bonus or penalty item of a scheme (加减分): points per occurrence and a cap."""

    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="assessment_adjustments",
        verbose_name=_("专项行动"),
    )
    item = models.CharField(_("事项"), max_length=16, choices=Item.choices)
    points = models.DecimalField(
        _("每项分值"),
        max_digits=7,
        decimal_places=2,
        help_text=_("正数加分，负数减分"),
    )
    cap = models.DecimalField(
        _("上限(分)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("本事项合计分值绝对值的上限；为空表示不设上限"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("加减分事项")
        verbose_name_plural = _("加减分事项")
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "item"], name="scheme_adjustment_campaign_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()} {self.points}分/项"

    @classmethod
    def scope_q(cls, scope):
        return campaign_scope_q(scope)


class AssessmentFrozen(Exception):
    """A published assessment cannot be changed or deleted."""


class PublishedAssessment(models.Model):
    """A published assessment (考核结果): its frozen document, never changed."""

    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        related_name="published_assessments",
        verbose_name=_("专项行动"),
    )
    number = models.PositiveIntegerField(_("序号"))
    as_of = models.DateField(_("考核截止日期"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_assessments",
        verbose_name=_("发布人"),
    )
    # The scores, ranking and the records behind every point, as published
    # (assessment/document.py); every format is rendered from this alone.
    document = models.JSONField(_("考核内容"), encoder=DjangoJSONEncoder)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="assessment_campaign_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} 考核通报 第{self.number}期"

    def save(self, *args, **kwargs):
        # Frozen like a bulletin: only the first save (publication) is allowed.
        if not self._state.adding:
            raise AssessmentFrozen(f"{self} 已发布，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AssessmentFrozen(f"{self} 已发布，不能删除")

    @classmethod
    def scope_q(cls, scope):
        # The published ranking goes to everyone taking part in the campaign.
        return campaign_scope_q(scope)
