from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UnitKind(models.TextChoices):
    PREFECTURE = "州", _("州")
    COUNTY = "县市", _("县市")
    ZONE = "开发区", _("开发区")
    DEPARTMENT = "州直部门", _("州直部门")
    TOWNSHIP = "乡镇", _("乡镇")
    COUNTY_DEPARTMENT = "县直部门", _("县直部门")
    OTHER = "其他", _("其他")


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and everything below it: one indexed prefix query."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A node of the organisation tree: prefecture, county, zone, department, township."""

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=8, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    # Materialized path of primary keys, "/1/7/42/": a subtree is one prefix
    # query on an index, on SQLite and PostgreSQL alike. Kept by services.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    order = models.IntegerField(_("排序"), default=0)
    official_code = models.BooleanField(
        _("国标代码"),
        default=True,
        help_text=_("编码取自 GB/T 2260；开发区等内部编码取消勾选"),
    )
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()
    SCOPE_UNIT = ""

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Role(models.TextChoices):
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("管理员")
    REPORTER = "reporter", _("填报员")
    VIEWER = "viewer", _("查看")


# Roles that may change the ledger and campaign data of their subtree.
EDITING_ROLES = {Role.ADMIN, Role.REPORTER}


class Membership(models.Model):
    """A login account working in a unit's subtree with a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("账号"),
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("账号权限")
        verbose_name_plural = _("账号权限")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_user_unit_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"


class Account(models.Model):
    """Login facts beside Django's user: first-login password change, demo marker."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="account")
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    # The password hash the demo set; equal to the current hash means the
    # well-known demo password is still in use (checked without hashing).
    demo_password_hash = models.CharField(max_length=255, blank=True, default="")
    # Django's User keeps no history; these two dates put a reset and a
    # deactivation into this model's history rows (who, when, before → after).
    password_reset_at = models.DateTimeField(_("上次重置密码"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    # Two-step login (docs/security.md): the TOTP secret and the hashed recovery
    # codes never enter the history; the date it was turned on does (None = off).
    totp_secret = models.CharField(max_length=64, blank=True, default="")
    totp_recovery = models.JSONField(default=list, blank=True)
    totp_enabled_at = models.DateTimeField(_("启用两步验证"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=["demo_password_hash", "totp_secret", "totp_recovery"]
    )

    class Meta:
        verbose_name = _("账号设置")
        verbose_name_plural = _("账号设置")

    def __str__(self):
        return str(self.user)


class Person(models.Model):
    """A named responsible person of a unit (责任人), with or without a login."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="people", verbose_name=_("单位"))
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("登录账号"),
    )
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("责任人")
        verbose_name_plural = _("责任人")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="person_unit_name_unique"),
        ]
        ordering = ["unit__path", "name"]

    def __str__(self):
        return self.name


class TeamRole(models.TextChoices):
    HEAD = "组长", _("组长")
    DEPUTY = "副组长", _("副组长")
    LIAISON = "联络员", _("联络员")
    MEMBER = "成员", _("成员")


class TeamMember(models.Model):
    """A person's role in a unit's working team (工作专班)."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="team", verbose_name=_("单位"))
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="team_roles", verbose_name=_("人员")
    )
    role = models.CharField(_("专班职务"), max_length=8, choices=TeamRole.choices)
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("工作专班成员")
        verbose_name_plural = _("工作专班成员")
        constraints = [
            models.UniqueConstraint(fields=["unit", "person"], name="team_unit_person_unique"),
        ]

    def __str__(self):
        return f"{self.unit} {self.get_role_display()} {self.person}"
