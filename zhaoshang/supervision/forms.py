"""Forms of the task pages: a task by hand, several from a meeting, each flow step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.supervision.models import Source
from zhaoshang.web.forms import DateInput

STATUS_CHOICES = (
    ("", _("全部")),
    ("active", _("未办结")),
    ("overdue", _("逾期")),
    ("due_soon", _("临期")),
    ("open", _("在办")),
    ("done", _("按期办结")),
    ("done_late", _("逾期办结")),
)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class TaskForm(forms.Form):
    """One task (交办): what, who leads, who helps, by when."""

    content = forms.CharField(
        label=_("事项内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("请填写事项内容。")},
    )
    goal = forms.CharField(
        label=_("工作目标"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("办结时应达到的结果，如“签订正式合同2个”"),
    )
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.MANUAL)
    lead_unit = UnitChoiceField(label=_("牵头单位"), queryset=None)
    assisting_units = UnitsChoiceField(
        label=_("配合单位"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    deadline = forms.DateField(
        label=_("办理时限"),
        widget=DateInput(),
        error_messages={"required": _("请填写办理时限。")},
    )
    leader_watching = forms.BooleanField(label=_("领导关注"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["assisting_units"].queryset = units


class MeetingRowForm(forms.Form):
    """One decision of a meeting: content, lead unit, deadline."""

    content = forms.CharField(
        label=_("事项内容"), max_length=2000, required=False, widget=forms.TextInput()
    )
    lead_unit = UnitChoiceField(label=_("牵头单位"), queryset=None, required=False)
    deadline = forms.DateField(label=_("办理时限"), widget=DateInput(), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units

    def clean(self):
        data = super().clean()
        filled = [data.get("content"), data.get("lead_unit"), data.get("deadline")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("事项内容、牵头单位和办理时限须一并填写。"))
        return data


MeetingFormSet = forms.formset_factory(MeetingRowForm, extra=5, max_num=30)


class MeetingForm(forms.Form):
    """What a meeting's decisions share."""

    meeting = forms.CharField(
        label=_("会议名称"),
        max_length=200,
        help_text=_("如“全州招商引资工作第三次调度会”，记入每项事项的交办说明"),
        error_messages={"required": _("请填写会议名称。")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("附件"), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("复核意见"), choices=(("accept", _("通过，办结销号")), ("return", _("退回重办")))
    )
    reason = forms.CharField(
        label=_("意见说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时须写明原因"),
    )


class ExtensionForm(forms.Form):
    deadline = forms.DateField(label=_("延期至"), widget=DateInput())
    reason = forms.CharField(
        label=_("延期原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批意见"), choices=(("approve", _("同意延期")), ("refuse", _("不同意延期")))
    )
    reason = forms.CharField(
        label=_("意见说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不同意时须写明原因"),
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    source = forms.ChoiceField(
        label=_("来源"), choices=(("", _("全部")), *Source.choices), required=False
    )
    campaign = forms.CharField(label=_("专项行动"), required=False)
    unit = forms.CharField(label=_("单位编码"), required=False)
    watching = forms.BooleanField(label=_("仅领导关注"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
