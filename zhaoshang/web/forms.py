"""Forms of the pages. Choices are always narrowed by the scoping primitive."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhaoshang.ledger.models import Enterprise, Industry, Park, Project, Stage
from zhaoshang.ledger.services import ProjectData
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import visible


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # ISO format is what <input type="date"> sends and expects.
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgressQueryForm(forms.Form):
    """Which campaign and which day the progress pages show."""

    campaign = forms.ChoiceField(label=_("专项行动"), required=False)
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=DateInput())

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.code, c.name) for c in campaigns]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


def _visible_or_current(qs: QuerySet, user, current_ids) -> QuerySet:
    """What the user may pick, plus what the record already holds.

    Without the current values a county user saving a project that a
    prefecture department cooperates on would silently drop that department.
    """
    return qs.model.objects.filter(
        Q(pk__in=visible(qs, user).values("pk")) | Q(pk__in=[i for i in current_ids if i])
    )


STAGE_DATE_FIELDS = (
    (Stage.SIGNED, "signed_on"),
    (Stage.CONTRACTED, "contract_on"),
    (Stage.STARTED, "started_on"),
    (Stage.OPERATING, "operating_on"),
)


class ProjectForm(forms.Form):
    """The plain project edit form; the service does the business validation."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    responsible_unit = UnitChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.none(),
        empty_label=None,
    )
    cooperating_units = UnitMultipleChoiceField(
        label=_("配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    person = forms.ModelChoiceField(
        label=_("责任人"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("（未指定）"),
    )
    investors = forms.ModelMultipleChoiceField(
        label=_("投资方"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
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
    planned_investment = forms.DecimalField(
        label=_("计划总投资(万元)"),
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    contract_amount = forms.DecimalField(
        label=_("合同投资额(万元)"),
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    stage = forms.TypedChoiceField(label=_("项目阶段"), choices=Stage.choices, coerce=int)
    signed_on = forms.DateField(label=_("签约日期"), required=False, widget=DateInput())
    contract_on = forms.DateField(label=_("合同签订日期"), required=False, widget=DateInput())
    started_on = forms.DateField(label=_("开工日期"), required=False, widget=DateInput())
    operating_on = forms.DateField(label=_("投产日期"), required=False, widget=DateInput())
    dropped_on = forms.DateField(
        label=_("终止日期"),
        required=False,
        widget=DateInput(),
        help_text=_("填写后项目状态为终止"),
    )
    drop_reason = forms.CharField(label=_("终止原因"), max_length=500, required=False)
    note = forms.CharField(
        label=_("备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=200,
        help_text=_("记入变更记录，例如：根据正式合同更新投资额"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        # GB/T 2260 codes sort a county right after its prefecture, so code order
        # with depth indentation reads as the tree.
        self.fields["responsible_unit"].queryset = _visible_or_current(
            Unit.objects.all(),
            user,
            [project.responsible_unit_id],
        ).order_by("code")
        self.fields["cooperating_units"].queryset = _visible_or_current(
            Unit.objects.all(),
            user,
            [u.pk for u in project.cooperating_units.all()],
        ).order_by("code")
        self.fields["person"].queryset = (
            _visible_or_current(
                Person.objects.all(),
                user,
                [project.person_id],
            )
            .select_related("unit")
            .order_by("unit__path", "name")
        )
        self.fields["investors"].queryset = _visible_or_current(
            Enterprise.objects.all(),
            user,
            [e.pk for e in project.investors.all()],
        ).order_by("name")
        self.fields["park"].queryset = _visible_or_current(
            Park.objects.all(),
            user,
            [project.park_id],
        ).order_by("name")

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
        d = self.cleaned_data
        return ProjectData(
            name=d["name"].strip(),
            responsible_unit=d["responsible_unit"],
            stage=d["stage"],
            cooperating_units=list(d["cooperating_units"]),
            person=d["person"],
            investors=list(d["investors"]),
            industry=d["industry"],
            is_industrial=d["is_industrial"],
            park=d["park"],
            is_key=d["is_key"],
            planned_investment=d["planned_investment"],
            contract_amount=d["contract_amount"],
            stage_dates={stage: d[name] for stage, name in STAGE_DATE_FIELDS},
            dropped_on=d["dropped_on"],
            drop_reason=d["drop_reason"].strip(),
            note=d["note"],
        )
