"""Forms of the event pages. Choices are narrowed by the scoping primitive; dates and
amounts are read with the ledger's fields (2026年12月1日, 1.2亿 work as in Excel)."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.events.models import EventKind, GuestLevel, InvitationStatus
from zhaoshang.events.services import Guest, PromotionData
from zhaoshang.ledger.forms import AmountField, CnDateField, UnitChoiceField
from zhaoshang.ledger.models import TOP500_TAG, Enterprise, EnterpriseTag, Industry, Project
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import scope_of, visible
from zhaoshang.stamps import StampField

LISTED_TAG = "上市公司"


def editable_units(user, within: Unit | None):
    """Units inside ``within`` the user may write for (their editing subtrees)."""
    scope = scope_of(user)
    qs = Unit.objects.all()
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    if scope.everything:
        return qs.order_by("path")
    paths = [p for p, role in scope.grants if role in ("admin", "reporter")]
    if not paths:
        return qs.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return qs.filter(q).order_by("path")


class EventForm(forms.Form):
    code = forms.CharField(label=_("活动编码"), max_length=50)
    name = forms.CharField(label=_("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    campaign = forms.ModelChoiceField(label=_("专项行动"), queryset=None, required=False)
    start = CnDateField(label=_("开始日期"))
    end = CnDateField(label=_("结束日期"), required=False)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    host_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from zhaoshang.campaigns.models import Campaign

        self.fields["campaign"].queryset = visible(Campaign.objects.all(), user)
        self.fields["host_unit"].queryset = editable_units(user, None)


class InviteeFilterForm(forms.Form):
    """The enterprise library filtered as a 招商局 draws up its invitee list."""

    q = forms.CharField(label=_("企业名称"), required=False)
    top500 = forms.BooleanField(label=_("民营企业500强"), required=False)
    listed = forms.BooleanField(label=_("上市公司"), required=False)
    origin = forms.CharField(label=_("来源地"), required=False)
    section = forms.ModelChoiceField(
        label=_("项目所属行业"),
        queryset=Industry.objects.filter(code__regex=r"^[A-T]$"),
        required=False,
    )
    has_projects = forms.ChoiceField(
        label=_("已有项目"),
        choices=[("", _("不限")), ("yes", _("有在库项目")), ("no", _("尚无项目"))],
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=_("跟进单位"), queryset=None, required=False, to_field_name="code"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = visible(Unit.objects.all(), user).order_by("path")

    def filter(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["q"]:
            qs = qs.filter(
                Q(name__contains=d["q"].strip()) | Q(search_text__contains=d["q"].strip().lower())
            )
        if d["top500"]:
            qs = qs.filter(
                Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), name=TOP500_TAG))
            )
        if d["listed"]:
            qs = qs.filter(
                Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), name=LISTED_TAG))
            )
        if d["origin"]:
            qs = qs.filter(origin__contains=d["origin"].strip())
        if d["section"]:
            qs = qs.filter(
                Exists(
                    Project.objects.filter(
                        investors=OuterRef("pk"), industry__section=d["section"].section
                    )
                )
            )
        projects = Project.objects.filter(investors=OuterRef("pk"))
        if d["has_projects"] == "yes":
            qs = qs.filter(Exists(projects))
        elif d["has_projects"] == "no":
            qs = qs.filter(~Exists(projects))
        if d["unit"]:
            path = d["unit"].path
            qs = qs.filter(
                Q(owner_unit__path__startswith=path)
                | Exists(projects.filter(responsible_unit__path__startswith=path))
            )
        return qs


class AddInviteesForm(forms.Form):
    enterprises = forms.ModelMultipleChoiceField(
        label=_("客商"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少勾选一家客商")},
    )
    inviting_unit = UnitChoiceField(label=_("邀请单位"), queryset=None)
    inviter = forms.CharField(label=_("邀请人"), max_length=50, required=False)

    def __init__(self, *args, user, event, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = candidates
        from zhaoshang.events.services import _host

        units = editable_units(user, _host(event))
        field = self.fields["inviting_unit"]
        field.queryset = units
        # The user's own unit first (the top of their editing subtrees), no empty choice.
        field.empty_label = None
        first = units.first()
        if first is not None:
            field.initial = first.pk


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=InvitationStatus.choices)
    reason = forms.CharField(label=_("婉拒原因"), max_length=300, required=False)
    stamp = StampField()

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == InvitationStatus.DECLINED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("状态为婉拒时须填写原因"))
        return data


class GuestForm(forms.Form):
    inviter = forms.CharField(label=_("邀请人"), max_length=50, required=False)
    guest_name = forms.CharField(label=_("嘉宾姓名"), max_length=50, required=False)
    guest_title = forms.CharField(label=_("嘉宾职务"), max_length=100, required=False)
    guest_level = forms.ChoiceField(
        label=_("嘉宾级别"), choices=[("", "—"), *GuestLevel.choices], required=False
    )
    guest_phone = forms.CharField(label=_("嘉宾电话"), max_length=50, required=False)
    companions = forms.IntegerField(label=_("随行人数"), min_value=0, max_value=999, initial=0)
    arrival_on = CnDateField(label=_("抵达日期"), required=False)
    travel = forms.CharField(label=_("航班车次"), max_length=100, required=False)
    hotel = forms.CharField(label=_("住宿酒店"), max_length=100, required=False)
    pickup = forms.CharField(label=_("接站安排"), max_length=200, required=False)
    dietary = forms.CharField(label=_("饮食禁忌"), max_length=200, required=False)
    seat = forms.CharField(label=_("签约仪式座位"), max_length=30, required=False)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    stamp = StampField()

    def guest(self) -> Guest:
        d = self.cleaned_data
        return Guest(
            **{
                k: (d[k] if d[k] is not None else Guest.__dataclass_fields__[k].default)
                for k in Guest.__dataclass_fields__
            }
        )


class SigningForm(forms.Form):
    project = forms.CharField(label=_("项目编号"), max_length=50)
    amount = AmountField(label=_("签约金额(万元)"))
    order = forms.IntegerField(label=_("签约顺序"), min_value=1, required=False)
    investor = forms.CharField(
        label=_("签约客商"),
        max_length=200,
        required=False,
        help_text=_("留空则取项目的第一个投资方"),
    )
    our_signatory = forms.CharField(label=_("我方签约代表"), max_length=100, required=False)
    their_signatory = forms.CharField(label=_("对方签约代表"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_project(self):
        code = self.cleaned_data["project"].strip()
        project = (
            visible(Project.objects.select_related("responsible_unit"), self.user)
            .filter(code=code)
            .first()
        )
        if project is None:
            raise forms.ValidationError(_("未找到项目编号为「%(code)s」的项目") % {"code": code})
        return project

    def clean(self):
        data = super().clean()
        project = data.get("project")
        name = (data.get("investor") or "").strip()
        if name:
            investor = Enterprise.objects.filter(name=name).first()
            if investor is None:
                self.add_error("investor", _("客商库中没有「%(name)s」") % {"name": name})
            data["investor"] = investor
        elif isinstance(project, Project):
            data["investor"] = project.investors.order_by("name").first()
        else:
            data["investor"] = None
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


RULE_KIND_FIELDS = (
    ("real_estate", _("房地产项目（按行业门类）")),
    ("local_capital", _("纯本地资本项目（投资方均来自本地）")),
    ("government_funded", _("政府投资项目")),
    ("later_phase", _("已认定项目的后续分期")),
    ("below_threshold", _("合同投资额低于门槛的项目")),
)
ACTION_CHOICES = [("", _("不适用")), ("exclude", _("不予认定")), ("flag", _("提示核查"))]


class RulesForm(forms.Form):
    """One line per kind of rule: off, exclude or flag, with its parameter."""

    real_estate = forms.ChoiceField(label=_("房地产项目"), choices=ACTION_CHOICES, required=False)
    sections = forms.CharField(
        label=_("行业门类"),
        required=False,
        initial="K",
        help_text=_("GB/T 4754 门类字母，多个以 ; 分隔"),
    )
    local_capital = forms.ChoiceField(
        label=_("纯本地资本项目"), choices=ACTION_CHOICES, required=False
    )
    places = forms.CharField(
        label=_("本地范围"),
        required=False,
        initial="贵州",
        help_text=_("来源地以此开头即为本地，多个以 ; 分隔；省内、州内、本地、本州总视为本地"),
    )
    government_funded = forms.ChoiceField(
        label=_("政府投资项目"), choices=ACTION_CHOICES, required=False
    )
    later_phase = forms.ChoiceField(label=_("后续分期项目"), choices=ACTION_CHOICES, required=False)
    below_threshold = forms.ChoiceField(
        label=_("低于门槛的项目"), choices=ACTION_CHOICES, required=False
    )
    amount = AmountField(label=_("合同投资额门槛(万元)"), required=False)

    @classmethod
    def initial_from(cls, rules) -> dict:
        initial = {}
        for rule in rules:
            initial[rule.kind] = rule.action
            if rule.kind == "real_estate":
                initial["sections"] = ";".join(rule.sections)
            elif rule.kind == "local_capital":
                initial["places"] = ";".join(rule.places)
            elif rule.kind == "below_threshold":
                initial["amount"] = rule.amount
        return initial

    def rules(self) -> list[dict]:
        d = self.cleaned_data
        out = []
        for kind, _label in RULE_KIND_FIELDS:
            if not d.get(kind):
                continue
            rule = {"kind": kind, "action": d[kind]}
            if kind == "real_estate":
                rule["sections"] = [
                    s for s in (d["sections"] or "K").replace("；", ";").split(";") if s.strip()
                ]
            elif kind == "local_capital":
                rule["places"] = [
                    s for s in (d["places"] or "").replace("；", ";").split(";") if s.strip()
                ]
            elif kind == "below_threshold":
                rule["amount"] = str(d.get("amount") or "")
            out.append(rule)
        return out


class ProjectFactsForm(forms.Form):
    project = forms.CharField(label=_("项目编号"), max_length=50)
    is_government_funded = forms.BooleanField(label=_("政府投资项目"), required=False)
    earlier_phase = forms.CharField(label=_("前期项目编号"), max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _project(self, code):
        project = visible(Project.objects.all(), self.user).filter(code=code.strip()).first()
        if project is None:
            raise forms.ValidationError(_("未找到项目编号为「%(code)s」的项目") % {"code": code})
        return project

    def clean_project(self):
        return self._project(self.cleaned_data["project"])

    def clean_earlier_phase(self):
        code = self.cleaned_data["earlier_phase"].strip()
        return self._project(code) if code else None


class PromotionForm(forms.Form):
    code = forms.CharField(label=_("推介项目编号"), max_length=50)
    title = forms.CharField(label=_("项目名称"), max_length=200)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    industry = forms.ModelChoiceField(
        label=_("所属行业"), queryset=Industry.objects.all(), required=False
    )
    description = forms.CharField(label=_("项目简介"), widget=forms.Textarea(attrs={"rows": 4}))
    investment = AmountField(label=_("估算总投资(万元)"), required=False)
    location = forms.CharField(label=_("建设地点"), max_length=200, required=False)
    land = forms.CharField(label=_("用地情况"), max_length=300, required=False)
    conditions = forms.CharField(
        label=_("建设条件与优惠政策"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cooperation = forms.CharField(label=_("合作方式"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    contact_public = forms.BooleanField(label=_("公开联系电话"), required=False)
    published = forms.BooleanField(label=_("公开发布"), required=False)
    project = forms.CharField(label=_("台账项目编号"), max_length=50, required=False)
    internal_note = forms.CharField(
        label=_("内部备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.IntegerField(label=_("排序"), initial=0, required=False)
    stamp = StampField()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = editable_units(user, None)

    def clean_project(self):
        code = self.cleaned_data["project"].strip()
        if not code:
            return None
        project = visible(Project.objects.all(), self.user).filter(code=code).first()
        if project is None:
            raise forms.ValidationError(_("未找到项目编号为「%(code)s」的项目") % {"code": code})
        return project

    def data_object(self) -> PromotionData:
        d = self.cleaned_data
        return PromotionData(
            title=d["title"],
            unit=d["unit"],
            description=d["description"],
            project=d["project"],
            industry=d["industry"],
            investment=d["investment"],
            location=d["location"],
            land=d["land"],
            conditions=d["conditions"],
            cooperation=d["cooperation"],
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
            contact_public=d["contact_public"],
            published=d["published"],
            internal_note=d["internal_note"],
            order=d["order"] or 0,
        )


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"})
    )
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)
