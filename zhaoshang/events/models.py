"""The conference itself: events, invited enterprises and their guests, the
signing ceremony, and the projects promoted to investors (推介资料)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.campaigns.models import Campaign
from zhaoshang.ledger.models import Enterprise, Industry, Project
from zhaoshang.org.models import Unit


class EventKind(models.TextChoices):
    CONFERENCE = "大会", _("大会")
    PROMOTION = "推介会", _("推介会")
    MISSION = "外出招商", _("外出招商")
    OTHER = "其他", _("其他")


class Event(models.Model):
    """An event of a campaign: the conference, a 推介会, an investment mission."""

    code = models.CharField(_("活动编码"), max_length=50, unique=True)
    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(
        _("活动类型"), max_length=8, choices=EventKind.choices, default=EventKind.CONFERENCE
    )
    campaign = models.ForeignKey(
        Campaign,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("专项行动"),
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    # The host runs the event and sees every invitation and signing; the units
    # of its subtree invite and sign for it.
    host_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("主办单位"),
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("招商活动")
        verbose_name_plural = _("招商活动")
        ordering = ["-start", "code"]

    def __str__(self):
        return self.name

    @property
    def last_day(self):
        return self.end or self.start

    @classmethod
    def scope_q(cls, scope):
        """Events hosted above, at or within any of the user's subtrees."""
        q = Q(host_unit__isnull=True) | scope.unit_q("host_unit")
        ancestors = {int(part) for path in scope.paths for part in path.strip("/").split("/")}
        return q | Q(host_unit_id__in=ancestors)


class InvitationStatus(models.TextChoices):
    PLANNED = "拟邀", _("拟邀")
    INVITED = "已邀", _("已邀")
    CONFIRMED = "已确认", _("已确认")
    ATTENDED = "已到会", _("已到会")
    DECLINED = "婉拒", _("婉拒")


# The keys of `event --json` (contracts/cli.md) for each status.
STATUS_KEYS = {
    InvitationStatus.PLANNED: "planned",
    InvitationStatus.INVITED: "invited",
    InvitationStatus.CONFIRMED: "confirmed",
    InvitationStatus.ATTENDED: "attended",
    InvitationStatus.DECLINED: "declined",
}


class GuestLevel(models.TextChoices):
    HEAD = "主要负责人", _("主要负责人")
    EXECUTIVE = "高管", _("高管")
    OTHER = "其他", _("其他")


class Invitation(models.Model):
    """An enterprise invited to an event by a unit, with its guest and the guest's logistics."""

    event = models.ForeignKey(
        Event, models.CASCADE, related_name="invitations", verbose_name=_("招商活动")
    )
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="invitations", verbose_name=_("客商")
    )
    inviting_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="invitations", verbose_name=_("邀请单位")
    )
    inviter = models.CharField(_("邀请人"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PLANNED,
    )
    decline_reason = models.CharField(_("婉拒原因"), max_length=300, blank=True)
    guest_name = models.CharField(_("嘉宾姓名"), max_length=50, blank=True)
    guest_title = models.CharField(_("嘉宾职务"), max_length=100, blank=True)
    guest_level = models.CharField(
        _("嘉宾级别"), max_length=8, choices=GuestLevel.choices, blank=True
    )
    guest_phone = models.CharField(_("嘉宾电话"), max_length=50, blank=True)
    companions = models.PositiveSmallIntegerField(_("随行人数"), default=0)
    arrival_on = models.DateField(_("抵达日期"), null=True, blank=True)
    travel = models.CharField(_("航班车次"), max_length=100, blank=True)
    hotel = models.CharField(_("住宿酒店"), max_length=100, blank=True)
    pickup = models.CharField(_("接站安排"), max_length=200, blank=True)
    dietary = models.CharField(_("饮食禁忌"), max_length=200, blank=True)
    seat = models.CharField(_("签约仪式座位"), max_length=30, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("邀约")
        verbose_name_plural = _("邀约")
        ordering = ["event", "inviting_unit__path", "enterprise__name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"], name="invitation_event_enterprise_unique"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.event.code} {self.enterprise.name}"

    # A county sees the invitations it (or a unit below it) made; the host all of its event's.
    SCOPE_UNIT = "inviting_unit"

    @classmethod
    def scope_q(cls, scope):
        return scope.unit_q("inviting_unit") | scope.unit_q("event__host_unit")


class Signing(models.Model):
    """A project signed at an event's ceremony: investor, amount, signatories, order."""

    event = models.ForeignKey(
        Event, models.CASCADE, related_name="signings", verbose_name=_("招商活动")
    )
    project = models.ForeignKey(
        Project, models.PROTECT, related_name="signings", verbose_name=_("项目")
    )
    investor = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signings",
        verbose_name=_("签约客商"),
    )
    order = models.PositiveIntegerField(_("签约顺序"), null=True, blank=True)
    # What was announced on stage; the ledger's amounts never change from it.
    amount = models.DecimalField(_("签约金额(万元)"), max_digits=16, decimal_places=2)
    our_signatory = models.CharField(_("我方签约代表"), max_length=100, blank=True)
    their_signatory = models.CharField(_("对方签约代表"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "project__responsible_unit"

    class Meta:
        verbose_name = _("签约项目")
        verbose_name_plural = _("签约项目")
        ordering = ["event", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "project"], name="signing_event_project_unique"
            ),
        ]

    def __str__(self):
        return f"{self.event.code} {self.project.code}"

    @classmethod
    def scope_q(cls, scope):
        return scope.unit_q("project__responsible_unit") | scope.unit_q("event__host_unit")


class PromotionProject(models.Model):
    """A project offered to investors (招商项目库), shown in booklets and, once published, publicly."""

    code = models.CharField(_("推介项目编号"), max_length=50, unique=True)
    title = models.CharField(_("项目名称"), max_length=200)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="promotion_projects", verbose_name=_("责任单位")
    )
    # The ledger project it became (or came from), when there is one; nothing of
    # it is shown publicly.
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="promotions",
        verbose_name=_("台账项目"),
    )
    industry = models.ForeignKey(
        Industry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="promotions",
        verbose_name=_("所属行业"),
    )
    description = models.TextField(_("项目简介"))
    investment = models.DecimalField(
        _("估算总投资(万元)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    land = models.CharField(_("用地情况"), max_length=300, blank=True)
    conditions = models.TextField(_("建设条件与优惠政策"), blank=True)
    cooperation = models.CharField(_("合作方式"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    contact_public = models.BooleanField(
        _("公开联系电话"), default=False, help_text=_("勾选后，联系电话显示在公开页面和推介手册中")
    )
    published = models.BooleanField(_("公开发布"), default=False)
    internal_note = models.TextField(_("内部备注"), blank=True)
    order = models.IntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("推介项目")
        verbose_name_plural = _("推介项目")
        ordering = ["unit__path", "order", "code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class PromotionPhoto(models.Model):
    """A photo of a promoted project (site, park, renderings)."""

    promotion = models.ForeignKey(
        PromotionProject, models.CASCADE, related_name="photos", verbose_name=_("推介项目")
    )
    # Stored under a random name; served only through the project's pages.
    file = models.FileField(_("照片"), upload_to="promotion/%Y/%m/", max_length=200)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    content_type = models.CharField(max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "promotion__unit"

    class Meta:
        verbose_name = _("推介项目照片")
        verbose_name_plural = _("推介项目照片")
        ordering = ["promotion", "pk"]

    def __str__(self):
        return self.caption or self.file.name
