"""Forms of the ledger pages. Every choice is narrowed by the scoping primitive; amounts and
dates are read with the workbook's own parsers, so 1.2亿, 5,000 and 2026年11月5日 work
the same in a form as in Excel."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.codes import code_problem
from zhaoshang.ledger.models import (
    AttachmentKind,
    Enterprise,
    FollowUpKind,
    Industry,
    Ownership,
    Park,
    Project,
    Stage,
)
from zhaoshang.ledger.services import ProjectData
from zhaoshang.ledger.uploads import ACCEPT_ATTR
from zhaoshang.ledger.uscc import normalize_uscc, uscc_format_problem
from zhaoshang.org.models import EDITING_ROLES, Person, Unit
from zhaoshang.org.scope import scope_of, visible
from zhaoshang.stamps import StampField, stamp
from zhaoshang.workbook.values import (
    MAX_AMOUNT,
    ValueProblem,
    clean_text,
    parse_amount,
    parse_date_value,
    parse_tag,
    round_to_cent,
    split_list,
    to_half_width,
)

# ---------------------------------------------------------------- fields and widgets


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # ISO is what <input type="date"> sends and expects.
        super().__init__(format="%Y-%m-%d", **kwargs)


class CnDateField(forms.DateField):
    """A date from a date picker (ISO) or typed as people write it: 2026/11/5, 2026年11月5日."""

    widget = DateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_date_value(value)
        except ValueProblem as problem:
            raise forms.ValidationError(str(problem), code="invalid") from None


class AmountField(forms.CharField):
    """An amount in 万元: 5000, 5,000, 5000万, 1.2亿 (= 12000), full-width digits."""

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # A stored Decimal shows as people type it (12000.50), not 12000.5000.
        if value is None:
            return ""
        return f"{value:f}" if not isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value)
        except ValueProblem as problem:
            raise forms.ValidationError(str(problem), code="invalid") from None
        if amount is None:
            return None
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(_("金额不能为负数。"), code="negative")
        rounded = round_to_cent(amount)
        if abs(rounded) > MAX_AMOUNT:
            raise forms.ValidationError(_("金额过大。"), code="too_large")
        return rounded


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth so the list reads like the organisation chart."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class TouchPicker(forms.CheckboxSelectMultiple):
    """Check boxes in a scrolling box: picked by touch on a phone, no Ctrl key needed."""

    template_name = "ledger/widgets/touch_picker.html"


class PersonChoiceField(forms.ModelChoiceField):
    """A person with their unit: two 王明 in two counties are told apart."""

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.unit.name}）"


class SearchChoice(forms.Widget):
    """A search box with the matches as radio buttons (or check boxes), filled by htmx.

    Only the chosen records are read when the form is drawn, never the whole
    queryset: a prefecture sees tens of thousands of enterprises. The matches
    come from a scoped autocomplete view, which gets the search text and the
    current choice (so a chosen record stays when the user searches again).
    """

    template_name = "ledger/widgets/search_choice.html"
    allow_multiple_selected = False

    def __init__(self, *, kind: str, attrs=None):
        self.kind = kind  # "projects" or "enterprises": which autocomplete answers
        super().__init__(attrs)

    def format_value(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, list | tuple | set | QuerySet):
            return [str(v.pk if hasattr(v, "pk") else v) for v in value if v not in (None, "")]
        return [str(value.pk if hasattr(value, "pk") else value)]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [v for v in context["widget"]["value"] if v.isdigit()]
        chosen = list(self.queryset.filter(pk__in=ids)) if ids else []
        context["widget"].update(
            kind=self.kind,
            multiple=self.allow_multiple_selected,
            options=[(str(obj.pk), self.label(obj)) for obj in chosen],
            url=reverse(f"ledger:autocomplete_{self.kind}"),
        )
        return context

    def label(self, obj) -> str:
        return str(obj)


class SearchChoiceMultiple(SearchChoice):
    allow_multiple_selected = True


class SearchModelChoiceField(forms.ModelChoiceField):
    def __init__(self, *, kind: str, **kwargs):
        super().__init__(queryset=kwargs.pop("queryset"), widget=SearchChoice(kind=kind), **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class SearchModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *, kind: str, **kwargs):
        super().__init__(
            queryset=kwargs.pop("queryset"), widget=SearchChoiceMultiple(kind=kind), **kwargs
        )

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelMultipleChoiceField._get_queryset, _set_queryset)


def visible_or_current(qs: QuerySet, user, current_ids) -> QuerySet:
    """What the user may pick, plus what the record already holds.

    Without the current values a county user saving a project that a
    prefecture department cooperates on would silently drop that department.
    """
    return qs.model.objects.filter(
        Q(pk__in=visible(qs, user).values("pk")) | Q(pk__in=[i for i in current_ids if i])
    )


def editable_units(user) -> QuerySet:
    """Units in which ``user`` may change data (reporters and administrators).

    As in ``Scope.role_at`` the nearest membership decides: a read-only
    membership deeper inside an editable subtree takes that part back.
    """
    scope = scope_of(user)
    if scope.everything:
        return Unit.objects.order_by("code")
    q = Q(pk__in=[])
    for path, role in scope.grants:
        if role not in EDITING_ROLES:
            continue
        part = Q(path__startswith=path)
        for other, other_role in scope.grants:
            if other_role not in EDITING_ROLES and other != path and other.startswith(path):
                part &= ~Q(path__startswith=other)
        q |= part
    return Unit.objects.filter(q).order_by("code")


def may_edit_somewhere(user) -> bool:
    """Whether any membership lets ``user`` change data (no query: the scope is cached)."""
    scope = scope_of(user)
    return scope.everything or any(role in EDITING_ROLES for _path, role in scope.grants)


def home_unit(user) -> Unit | None:
    """The unit a user works for: their first membership's (the top one for a superuser)."""
    membership = user.memberships.select_related("unit").order_by("unit__path").first()
    if membership is not None:
        return membership.unit
    if scope_of(user).everything:
        return Unit.objects.filter(parent__isnull=True).order_by("order", "code").first()
    return None


# ---------------------------------------------------------------- projects

STAGE_DATE_FIELDS = (
    (Stage.SIGNED, "signed_on"),
    (Stage.CONTRACTED, "contract_on"),
    (Stage.STARTED, "started_on"),
    (Stage.OPERATING, "operating_on"),
)


class ProjectForm(forms.Form):
    """Editing a project's facts. The stage, its dates and dropping are actions of their
    own on the project page, so they are not in this form."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    responsible_unit = UnitChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.none(),
        empty_label=None,
        help_text=_("只填一个责任单位，合同额只算在这个单位（不重复统计）"),
    )
    cooperating_units = UnitMultipleChoiceField(
        label=_("配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=TouchPicker,
        help_text=_("勾选所有配合单位，可多选"),
    )
    person = PersonChoiceField(
        label=_("责任人"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("（未指定）"),
    )
    investors = SearchModelMultipleChoiceField(
        kind="enterprises",
        label=_("投资方"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("输入企业名称或拼音首字母查找；找不到时请先登记客商"),
    )
    industry = forms.ModelChoiceField(
        label=_("所属行业"),
        queryset=Industry.objects.all(),
        required=False,
        empty_label=_("（未指定）"),
    )
    is_industrial = forms.BooleanField(label=_("工业项目"), required=False)
    park = forms.ModelChoiceField(
        label=_("所在园区"),
        queryset=Park.objects.none(),
        required=False,
        empty_label=_("（不在园区）"),
    )
    is_key = forms.BooleanField(label=_("重点项目"), required=False)
    planned_investment = AmountField(
        label=_("计划总投资(万元)"),
        required=False,
        help_text=_("以万元计，可填 5000、5,000、1.2亿"),
    )
    contract_amount = AmountField(
        label=_("合同投资额(万元)"),
        required=False,
        help_text=_("项目阶段为合同或之后时必填"),
    )
    note = forms.CharField(
        label=_("备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=100,
        help_text=_("记入变更记录，例如：根据正式合同更新投资额"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, project: Project | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.project = project
        unit_id = project.responsible_unit_id if project else None
        cooperating = [u.pk for u in project.cooperating_units.all()] if project else []
        investors = [e.pk for e in project.investors.all()] if project else []
        # A project stays with units the user may edit; an out-of-scope value it
        # already holds is kept so that saving does not silently change it.
        self.fields["responsible_unit"].queryset = Unit.objects.filter(
            Q(pk__in=editable_units(user).values("pk")) | Q(pk=unit_id)
        ).order_by("code")
        self.fields["cooperating_units"].queryset = visible_or_current(
            Unit.objects.all(), user, cooperating
        ).order_by("code")
        self.fields["person"].queryset = (
            visible_or_current(Person.objects.all(), user, [project.person_id if project else None])
            .select_related("unit")
            .order_by("unit__path", "name")
        )
        self.fields["investors"].queryset = visible_or_current(
            Enterprise.objects.all(), user, investors
        ).order_by("name_pinyin")
        self.fields["park"].queryset = visible_or_current(
            Park.objects.all(), user, [project.park_id if project else None]
        ).order_by("name")
        if project is not None and project.pk and code_problem(project.code, max_length=10**6):
            # A code stored before the rule (legacy data) is corrected here, once.
            self.fields = {
                "new_code": forms.CharField(
                    label=_("新项目编号"),
                    max_length=50,
                    # Optional: the API and a quick edit still save the other fields.
                    required=False,
                    help_text=_(
                        "原编号「%(code)s」不符合编号规则，请改为只含字母、数字、汉字和 - _ . 的编号"
                    )
                    % {"code": project.code},
                ),
                **self.fields,
            }

    def clean_new_code(self):
        code = to_half_width(self.cleaned_data["new_code"]).strip()
        if not code:
            return ""
        problem = code_problem(code, label=_("新项目编号"), max_length=50)
        if problem:
            raise forms.ValidationError(problem, code="bad_code")
        if Project.objects.filter(code=code).exclude(pk=self.project.pk).exists():
            raise forms.ValidationError(
                _("项目编号 %(code)s 已被使用，请换一个。") % {"code": code}, code="taken"
            )
        return code

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "name": project.name,
            "responsible_unit": project.responsible_unit_id,
            "cooperating_units": [u.pk for u in project.cooperating_units.all()],
            "person": project.person_id,
            "investors": [e.pk for e in project.investors.all()],
            "industry": project.industry_id,
            "is_industrial": project.is_industrial,
            "park": project.park_id,
            "is_key": project.is_key,
            "planned_investment": project.planned_investment,
            "contract_amount": project.contract_amount,
            "stage": project.stage,
            **{name: getattr(project, name) for _stage, name in STAGE_DATE_FIELDS},
            "dropped_on": project.dropped_on,
            "drop_reason": project.drop_reason,
            "note": project.note,
            "version": project.version,
        }

    def project_data(self) -> ProjectData:
        """The form's values; stage, stage dates and drop stay as the project has them."""
        d = self.cleaned_data
        p = self.project
        return ProjectData(
            name=d["name"].strip(),
            responsible_unit=d["responsible_unit"],
            stage=p.stage,
            cooperating_units=[u for u in d["cooperating_units"] if u != d["responsible_unit"]],
            person=d["person"],
            investors=list(d["investors"]),
            industry=d["industry"],
            is_industrial=d["is_industrial"],
            park=d["park"],
            is_key=d["is_key"],
            planned_investment=d["planned_investment"],
            contract_amount=d["contract_amount"],
            stage_dates={stage: getattr(p, name) for stage, name in STAGE_DATE_FIELDS},
            dropped_on=p.dropped_on,
            drop_reason=p.drop_reason,
            note=d["note"],
        )


class ProjectCreateForm(ProjectForm):
    """A new project: its code, and the stage it has already reached with the dates."""

    code = forms.CharField(
        label=_("项目编号"),
        max_length=50,
        help_text=_("全州唯一；已有本单位编号规则的按原规则填写"),
    )
    stage = forms.TypedChoiceField(
        label=_("目前阶段"),
        choices=Stage.choices,
        coerce=int,
        initial=Stage.LEAD,
    )
    signed_on = CnDateField(label=_("签约日期"), required=False)
    contract_on = CnDateField(label=_("合同签订日期"), required=False)
    started_on = CnDateField(label=_("开工日期"), required=False)
    operating_on = CnDateField(label=_("投产日期"), required=False)
    field_order = [
        "code",
        "name",
        "responsible_unit",
        "stage",
        "signed_on",
        "contract_on",
        "started_on",
        "operating_on",
        "contract_amount",
        "planned_investment",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]
        del self.fields["version"]

    def clean_code(self):
        # The one rule (zhaoshang/codes.py): a code must be safe in URLs, files and sheets.
        code = to_half_width(self.cleaned_data["code"]).strip()
        problem = code_problem(code, label=_("项目编号"), max_length=50)
        if problem:
            raise forms.ValidationError(problem, code="bad_code")
        return code

    def project_data(self) -> ProjectData:
        d = self.cleaned_data
        return ProjectData(
            name=d["name"].strip(),
            responsible_unit=d["responsible_unit"],
            stage=d["stage"],
            cooperating_units=[u for u in d["cooperating_units"] if u != d["responsible_unit"]],
            person=d["person"],
            investors=list(d["investors"]),
            industry=d["industry"],
            is_industrial=d["is_industrial"],
            park=d["park"],
            is_key=d["is_key"],
            planned_investment=d["planned_investment"],
            contract_amount=d["contract_amount"],
            stage_dates={stage: d[name] for stage, name in STAGE_DATE_FIELDS},
            note=d["note"],
        )


class StageChangeForm(forms.Form):
    """One stage action: 推进到合同 on a day, with what that stage requires."""

    on = CnDateField(label=_("发生日期"), help_text=_("阶段实际达到的日期，不是录入日期"))
    contract_amount = AmountField(label=_("合同投资额(万元)"), required=False)
    evidence = forms.CharField(
        label=_("佐证说明"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("如：合同编号、签约仪式")}),
    )
    evidence_file = forms.FileField(
        label=_("佐证材料（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )
    reason = forms.CharField(label=_("退回原因"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, project: Project, target: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.target = target
        self.going_back = target < project.stage
        if self.going_back:
            self.fields["reason"].required = True
            del self.fields["contract_amount"]
        else:
            del self.fields["reason"]
            if target < Stage.CONTRACTED:
                del self.fields["contract_amount"]
            elif project.contract_amount is None:
                self.fields["contract_amount"].required = True
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())
            self.initial.setdefault("version", project.version)
            if "contract_amount" in self.fields:
                self.initial.setdefault("contract_amount", project.contract_amount)

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            from zhaoshang.ledger.uploads import check_upload

            check_upload(upload)
        return upload


class DropForm(forms.Form):
    on = CnDateField(label=_("终止日期"))
    reason = forms.CharField(label=_("终止原因"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("恢复原因"), max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FundsForm(forms.Form):
    on = CnDateField(label=_("到位日期"))
    amount = AmountField(label=_("金额(万元)"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class FundsCorrectForm(forms.Form):
    stamp = StampField()
    amount = AmountField(label=_("金额(万元)"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)
    reason = forms.CharField(label=_("更正原因"), max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=100)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text=_("PDF、OFD、图片、Word、Excel 或 WPS 文件，不超过 20 MB"),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def clean_file(self):
        from zhaoshang.ledger.uploads import check_upload

        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50)


# ---------------------------------------------------------------- enterprises


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("18 位；外资或未注册的可不填"),
    )
    ownership = forms.ChoiceField(
        label=_("企业性质"),
        choices=[("", _("（未填）")), *Ownership.choices],
        required=False,
    )
    origin = forms.CharField(
        label=_("来源地"),
        max_length=50,
        required=False,
        help_text=_("如 省外、省内 或省份名称"),
    )
    tags = forms.CharField(
        label=_("荣誉标签"),
        required=False,
        max_length=500,
        help_text=_("多个用 ; 分隔，每个写作 名称(年份)，如 中国民营企业500强(2025);上市公司"),
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_name(self):
        return clean_text(self.cleaned_data["name"])

    def clean_uscc(self):
        code = normalize_uscc(self.cleaned_data.get("uscc") or "")
        if not code:
            return None
        # Wrong length or letters outside the code alphabet cannot be a USCC at
        # all; a wrong check character can (early pilot regions) and is only a warning.
        problem = uscc_format_problem(code)
        if problem:
            raise forms.ValidationError(problem)
        return code

    def clean_tags(self):
        tags = []
        for item in split_list(self.cleaned_data.get("tags") or ""):
            try:
                tags.append(parse_tag(item))
            except ValueProblem as problem:
                raise forms.ValidationError(str(problem)) from None
        return list(dict.fromkeys(tags))

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        return {
            "name": enterprise.name,
            "uscc": enterprise.uscc or "",
            "ownership": enterprise.ownership,
            "origin": enterprise.origin,
            "tags": ";".join(str(t) for t in enterprise.tags.all()),
            "note": enterprise.note,
        }


class EnterpriseCreateForm(EnterpriseForm):
    owner_unit = UnitChoiceField(
        label=_("登记单位"),
        queryset=Unit.objects.none(),
        empty_label=None,
        help_text=_("本单位及其上级可修改此客商资料"),
    )
    # The name and code whose warnings the user has seen; saving goes ahead only
    # for those, so changing the name after a warning checks it again.
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = editable_units(user)

    @staticmethod
    def seen(name: str, uscc: str | None) -> str:
        """The value of ``confirm`` once the warnings for this name and code were shown."""
        return f"{name}|{uscc or ''}"


class EnterpriseEditForm(EnterpriseForm):
    stamp = StampField()
    reason = forms.CharField(label=_("修改原因"), max_length=100)

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        return {**EnterpriseForm.initial_for(enterprise), "stamp": stamp(enterprise)}


# ---------------------------------------------------------------- follow-ups


class FollowUpForm(forms.Form):
    """The quick entry: a phone screen's worth of fields."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=FollowUpKind.choices,
        widget=forms.RadioSelect,
    )
    on = CnDateField(label=_("日期"))
    unit = UnitChoiceField(label=_("单位"), queryset=Unit.objects.none(), empty_label=None)
    project = SearchModelChoiceField(
        kind="projects",
        label=_("项目"),
        queryset=Project.objects.none(),
        required=False,
    )
    enterprise = SearchModelChoiceField(
        kind="enterprises",
        label=_("客商"),
        queryset=Enterprise.objects.none(),
        required=False,
    )
    participants = forms.CharField(
        label=_("参与人"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：王明、李华")}),
    )
    content = forms.CharField(
        label=_("内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("谈了什么，下一步做什么")}),
    )
    # On a phone this opens the camera; on a desktop it picks a picture file.
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("可拍照或选择图片，JPEG 或 PNG，不超过 10 MB"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = editable_units(user)
        self.fields["project"].queryset = visible(Project.objects.all(), user)
        self.fields["enterprise"].queryset = visible(Enterprise.objects.all(), user)

    def clean_photo(self):
        from zhaoshang.ledger.uploads import check_photo

        upload = self.cleaned_data.get("photo")
        if upload:
            check_photo(upload)
        return upload or None

    def clean(self):
        data = super().clean()
        if not data.get("project") and not data.get("enterprise") and not data.get("content"):
            raise forms.ValidationError(_("请至少选择项目或客商，或填写内容。"))
        return data
