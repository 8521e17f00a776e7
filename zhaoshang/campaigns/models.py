from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.org.models import Person, Unit


class Indicator(models.TextChoices):
    CONTRACT_AMOUNT = "contract_amount", _("合同投资额(万元)")
    CONTRACT_PROJECTS = "contract_projects", _("合同项目数")
    TOP500_ENTERPRISES = "top500_enterprises", _("500强企业数")
    PARK_PROJECTS = "park_projects", _("园区项目数")
    INDUSTRIAL_PROJECTS = "industrial_projects", _("工业项目数")
    FUNDS_IN_PLACE = "funds_in_place", _("到位资金(万元)")


# Indicators measured in 万元 (the others are counts).
MONEY_INDICATORS = {Indicator.CONTRACT_AMOUNT, Indicator.FUNDS_IN_PLACE}


class ScheduleMode(models.TextChoices):
    LINEAR = "linear", _("线性")
    STEP = "step", _("阶梯")


class Campaign(models.Model):
    """A time-boxed drive (专项行动) with its window, milestones, targets and thresholds."""

    code = models.CharField(_("行动编码"), max_length=32, unique=True)
    name = models.CharField(_("行动名称"), max_length=200)
    # The organising unit; its subtree takes part and sees the rankings.
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("组织单位"),
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    mode = models.CharField(
        _("进度模式"),
        max_length=8,
        choices=ScheduleMode.choices,
        default=ScheduleMode.LINEAR,
    )
    primary_indicator = models.CharField(
        _("主指标"),
        max_length=32,
        choices=Indicator.choices,
        default=Indicator.CONTRACT_AMOUNT,
    )
    green_gap_pp = models.DecimalField(
        _("绿色下限(个百分点)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("差距不低于此值为绿色"),
    )
    red_gap_pp = models.DecimalField(
        _("红色上限(个百分点)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("-10"),
        help_text=_("差距不高于此值为红色"),
    )
    # The campaign's eligibility rules (认定规则), read by the engine with the
    # campaign itself so that no rule costs no query: zhaoshang/engine/eligibility.py.
    eligibility = models.JSONField(_("认定规则"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start", "code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope):
        """Campaigns organised above or within any of the user's subtrees."""
        q = Q(unit__isnull=True) | scope.unit_q("unit")
        ancestors = {int(part) for path in scope.paths for part in path.strip("/").split("/")}
        return q | Q(unit_id__in=ancestors)


class Milestone(models.Model):
    """A dated share of the target that must be done by that day (节点)."""

    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="milestones",
        verbose_name=_("专项行动"),
    )
    on = models.DateField(_("节点日期"))
    pct = models.DecimalField(_("应完成比例(%)"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["campaign", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "on"], name="milestone_campaign_day_unique"
            ),
        ]

    def __str__(self):
        return f"{self.on} {self.pct}%"


class Target(models.Model):
    """A campaign's target for one unit and one indicator (目标任务)."""

    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="targets",
        verbose_name=_("专项行动"),
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="targets", verbose_name=_("单位"))
    indicator = models.CharField(_("指标"), max_length=32, choices=Indicator.choices)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("责任人"),
    )
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["campaign", "unit__path", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "indicator"],
                name="target_campaign_unit_indicator_unique",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_indicator_display()} {self.value}"


class CalendarDay(models.Model):
    """An administrator's entry for a day: holiday or make-up working day (调休).

    Overrides the built-in calendar; for years it does not know (after 2026)
    these entries are the only source besides the weekend rule.
    """

    on = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["on"]

    def __str__(self):
        return f"{self.on} {'上班' if self.is_workday else '休息'} {self.note}"
