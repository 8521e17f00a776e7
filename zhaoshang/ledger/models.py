from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhaoshang.ledger import pinyin
from zhaoshang.org.models import Person, Unit

# The honour tag whose holders count as top-500 private enterprises (any list year).
TOP500_TAG = "中国民营企业500强"


class Ownership(models.TextChoices):
    PRIVATE = "民营", _("民营")
    STATE = "国有", _("国有")
    FOREIGN = "外资", _("外资")
    HK_MACAO_TAIWAN = "港澳台", _("港澳台")
    OTHER = "其他", _("其他")


class Enterprise(models.Model):
    """An investor enterprise (客商)."""

    name = models.CharField(_("企业名称"), max_length=200, unique=True)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
    )
    ownership = models.CharField(
        _("企业性质"),
        max_length=8,
        choices=Ownership.choices,
        blank=True,
    )
    origin = models.CharField(_("来源地"), max_length=50, blank=True)
    # The unit that registered the enterprise; it and the units of the
    # enterprise's projects see it.
    owner_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("登记单位"),
    )
    note = models.TextField(_("备注"), blank=True)
    # Derived from the name on every save (zhaoshang.ledger.pinyin): pinyin order
    # and initials search where the database has no Chinese collation, and the
    # reduced name that finds the same company typed another way.
    name_pinyin = models.CharField(max_length=400, editable=False, default="", db_index=True)
    search_text = models.TextField(editable=False, default="")
    name_key = models.CharField(max_length=200, editable=False, default="", db_index=True)
    history = HistoricalRecords(excluded_fields=["name_pinyin", "search_text", "name_key"])

    class Meta:
        verbose_name = _("客商")
        verbose_name_plural = _("客商")
        ordering = ["name"]
        # Searches read the keys from this index instead of the whole rows.
        indexes = [models.Index(fields=["search_text"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "uscc"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "search_text", "name_key"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope):
        return scope.unit_q("owner_unit") | scope.unit_q("projects__responsible_unit")

    def stamp_parts(self) -> list:
        """The tags, edited on the same form: a changed tag changes the edit stamp."""
        return sorted(f"{t.name}|{t.year or ''}" for t in self.tags.all())

    def refresh_keys(self) -> None:
        self.name_pinyin = pinyin.sort_key(self.name)
        self.search_text = pinyin.search_text(self.name, self.uscc or "")
        self.name_key = pinyin.enterprise_name_key(self.name)


class EnterpriseTag(models.Model):
    """An honour or list an enterprise carries, with the list year (e.g. 中国民营企业500强 2025)."""

    enterprise = models.ForeignKey(
        Enterprise,
        models.CASCADE,
        related_name="tags",
        verbose_name=_("客商"),
    )
    name = models.CharField(_("荣誉标签"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("荣誉标签")
        verbose_name_plural = _("荣誉标签")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name", "year"],
                name="enterprise_tag_unique",
            ),
        ]
        indexes = [models.Index(fields=["name", "enterprise"])]

    def __str__(self):
        return f"{self.name}({self.year})" if self.year else self.name


class Park(models.Model):
    """An industrial park (园区) belonging to a unit."""

    name = models.CharField(_("园区名称"), max_length=100, unique=True)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="parks", verbose_name=_("所属单位"))
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """A GB/T 4754-2017 section (A–T) or division (two digits); shipped as data."""

    code = models.CharField(_("行业代码"), max_length=4, unique=True)
    name = models.CharField(_("行业名称"), max_length=100)
    section = models.CharField(_("门类"), max_length=1)

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_section(self) -> bool:
        return self.code.isalpha()

    @property
    def is_industry(self) -> bool:
        """Sections B, C, D are what local statistics call industry (工业)."""
        return self.section in {"B", "C", "D"}


class Stage(models.IntegerChoices):
    LEAD = 1, _("线索")
    NEGOTIATING = 2, _("洽谈")
    SIGNED = 3, _("签约")
    CONTRACTED = 4, _("合同")
    STARTED = 5, _("开工")
    OPERATING = 6, _("投产")


# The project field holding the date each stage was reached.
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.CONTRACTED: "contract_on",
    Stage.STARTED: "started_on",
    Stage.OPERATING: "operating_on",
}


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    DROPPED = "dropped", _("终止")


# Kept at module level so that the project service can write ONE history row
# per change covering the fields and both relations together (simple-history
# would otherwise add a row for every relation it sees changing).
PROJECT_HISTORY = HistoricalRecords(
    m2m_fields=["cooperating_units", "investors"],
    # Derived search keys are rewritten from code and name; history keeps those.
    excluded_fields=["name_pinyin", "search_text"],
)


class Project(models.Model):
    """A project of the ledger: one accountable unit, its stage and amounts (万元)."""

    code = models.CharField(_("项目编号"), max_length=50, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    responsible_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="projects",
        verbose_name=_("责任单位"),
    )
    cooperating_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="cooperating_projects",
        verbose_name=_("配合单位"),
    )
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("责任人"),
    )
    investors = models.ManyToManyField(
        Enterprise,
        blank=True,
        related_name="projects",
        verbose_name=_("投资方"),
    )
    industry = models.ForeignKey(
        Industry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("所属行业"),
    )
    is_industrial = models.BooleanField(_("工业项目"), default=False)
    park = models.ForeignKey(
        Park,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("所在园区"),
    )
    is_key = models.BooleanField(_("重点项目"), default=False)
    planned_investment = models.DecimalField(
        _("计划总投资(万元)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    contract_amount = models.DecimalField(
        _("合同投资额(万元)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    stage = models.PositiveSmallIntegerField(
        _("项目阶段"), choices=Stage.choices, default=Stage.LEAD
    )
    # The day each stage was reached, copied from the stage history so that
    # counting is one indexed range query (contract_on) instead of a join.
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    contract_on = models.DateField(_("合同签订日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    operating_on = models.DateField(_("投产日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=ProjectStatus.choices,
        default=ProjectStatus.ACTIVE,
    )
    dropped_on = models.DateField(_("终止日期"), null=True, blank=True)
    drop_reason = models.CharField(_("终止原因"), max_length=500, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # Facts the eligibility rules of a campaign read (zhaoshang/engine/eligibility.py).
    is_government_funded = models.BooleanField(_("政府投资项目"), default=False)
    earlier_phase = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_phases",
        verbose_name=_("前期项目"),
        help_text=_("本项目为续建或后续分期时，填写已认定的前一期项目"),
    )
    # Incremented on every save; a form posting an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Derived from code and name on every save (zhaoshang.ledger.pinyin): the
    # ledger sorts names by pinyin and finds 凯里 by typing kl.
    name_pinyin = models.CharField(max_length=400, editable=False, default="", db_index=True)
    search_text = models.TextField(editable=False, default="")
    history = PROJECT_HISTORY

    SCOPE_UNIT = "responsible_unit"

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["contract_on", "responsible_unit"]),
            models.Index(fields=["responsible_unit", "stage"]),
            # A text search within a unit's projects reads this index only, not
            # the wide rows: 2 ms instead of 20 ms for a prefecture's 11,000.
            models.Index(fields=["responsible_unit", "search_text"]),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.refresh_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_dropped(self) -> bool:
        return self.status == ProjectStatus.DROPPED

    def refresh_keys(self) -> None:
        self.name_pinyin = pinyin.sort_key(self.name)
        self.search_text = pinyin.search_text(self.code, self.name)


class StageEvent(models.Model):
    """A project reaching (or going back to) a stage on a given day, with who recorded it."""

    project = models.ForeignKey(
        Project,
        models.CASCADE,
        related_name="stage_events",
        verbose_name=_("项目"),
    )
    stage = models.PositiveSmallIntegerField(_("阶段"), choices=Stage.choices)
    on = models.DateField(_("发生日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    evidence = models.TextField(_("佐证说明"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), upload_to="evidence/%Y/%m/", blank=True)
    reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "project__responsible_unit"

    class Meta:
        verbose_name = _("阶段记录")
        verbose_name_plural = _("阶段记录")
        ordering = ["project", "on", "stage", "pk"]

    def __str__(self):
        return f"{self.project.code} {self.get_stage_display()} {self.on}"


class FundsEntry(models.Model):
    """Funds actually arrived for a project on a day (到位资金, 万元)."""

    project = models.ForeignKey(
        Project,
        models.CASCADE,
        related_name="funds",
        verbose_name=_("项目"),
    )
    on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额(万元)"), max_digits=16, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "project__responsible_unit"

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        ordering = ["project", "on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "on"], name="funds_project_day_unique"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.on} {self.amount}"


class FollowUpKind(models.TextChoices):
    OUTBOUND = "外出招商", _("外出招商")
    RECEPTION = "来访接待", _("来访接待")
    NEGOTIATION = "洽谈", _("洽谈")
    CALL = "电话联系", _("电话联系")
    PROMOTION = "推介会", _("推介会")
    INSPECTION = "考察", _("考察")
    OTHER = "其他", _("其他")


class FollowUp(models.Model):
    """A promotion activity of a unit: a visit, reception, negotiation, call or event."""

    on = models.DateField(_("日期"))
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="follow_ups", verbose_name=_("单位")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=FollowUpKind.choices)
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("项目"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("客商"),
    )
    content = models.TextField(_("内容"), blank=True)
    participants = models.CharField(_("参与人"), max_length=200, blank=True)
    # A photo taken on the spot (the phone's camera); stored under a random name,
    # served only to those who may see the follow-up.
    photo = models.FileField(
        _("现场照片"), upload_to="follow-ups/%Y/%m/", max_length=200, blank=True
    )
    photo_type = models.CharField(_("照片类型"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "unit"

    class Meta:
        verbose_name = _("跟踪记录")
        verbose_name_plural = _("跟踪记录")
        ordering = ["-on", "-pk"]
        # (on, unit) serves the diagnostics' "last 14 days, by unit" over a province;
        # (on, id) is the feed's order, so a page of 50 is read off the index
        # instead of sorting every visible follow-up.
        indexes = [
            models.Index(fields=["unit", "on"]),
            models.Index(fields=["on", "unit"]),
            models.Index(fields=["on", "id"], name="followup_on_id"),
        ]

    def __str__(self):
        return f"{self.on} {self.unit} {self.kind}"


class SavedFilter(models.Model):
    """A ledger filter a user named and keeps (the list page's querystring)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("账号"),
    )
    name = models.CharField(_("名称"), max_length=50)
    query = models.CharField(_("筛选条件"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_user_name_unique"),
        ]

    def __str__(self):
        return self.name


class AttachmentKind(models.TextChoices):
    CONTRACT = "合同", _("合同")
    EVIDENCE = "佐证材料", _("佐证材料")
    OTHER = "其他", _("其他")


class Attachment(models.Model):
    """A file kept with a project (contract, evidence), served only through a scoped view."""

    project = models.ForeignKey(
        Project,
        models.CASCADE,
        related_name="attachments",
        verbose_name=_("项目"),
    )
    kind = models.CharField(_("类别"), max_length=8, choices=AttachmentKind.choices)
    # Stored under a random name: the uploaded name is only ever shown, never used as a path.
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE_UNIT = "project__responsible_unit"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["project", "-uploaded_at", "-pk"]

    def __str__(self):
        return self.original_name


def counted_q(start, end, as_of, prefix: str = "") -> Q:
    """Projects that count for a campaign window as of a day (domain.md, counting rules).

    ``prefix`` is the lookup to the project from another model, e.g. "project__".
    """
    last = min(end, as_of)
    return Q(**{f"{prefix}contract_on__gte": start, f"{prefix}contract_on__lte": last}) & (
        Q(**{f"{prefix}dropped_on__isnull": True}) | Q(**{f"{prefix}dropped_on__gt": as_of})
    )
