"""Forms of the notice pages: the notice to read, then one row per proposal to accept or drop."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.campaigns.models import Campaign
from zhaoshang.campaigns.services import MAX_PCT
from zhaoshang.dispatch.diagnostics import LABELS
from zhaoshang.notices.intake import UnreadableNotice, read_bytes
from zhaoshang.web.forms import DateInput
from zhaoshang.web.templatetags.zs_format import cn_date

MAX_NOTICE_BYTES = 5 * 1024 * 1024


class IntakeForm(forms.Form):
    """The notice: pasted text or an uploaded .txt/.docx, and the campaign it is for."""

    campaign = forms.ModelChoiceField(
        label=gettext_lazy("专项行动"), queryset=Campaign.objects.none(), empty_label=None
    )
    text = forms.CharField(
        label=gettext_lazy("粘贴通知或新闻稿全文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(
        label=gettext_lazy("或上传文件（.txt / .docx）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("未写年份的日期按"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("留空则取通知落款日期的年份，没有落款则取今年"),
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_NOTICE_BYTES:
                raise forms.ValidationError(_("文件超过 5 MB，请只上传通知本身。"))
            try:
                data["raw"] = read_bytes(upload.read(), upload.name)
            except UnreadableNotice as exc:
                raise forms.ValidationError(str(exc)) from None
            data["source_name"] = upload.name
        elif (data.get("text") or "").strip():
            data["raw"] = data["text"]
            data["source_name"] = ""
        else:
            raise forms.ValidationError(_("请粘贴通知全文，或上传 .txt / .docx 文件。"))
        return data


class NoticeForm(forms.Form):
    """What travels from the review screen back to the server: the notice itself."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), widget=forms.HiddenInput)
    title = forms.CharField(
        label=gettext_lazy("通知标题"), max_length=200, widget=forms.TextInput(attrs={"size": 60})
    )
    source_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    assigned_on = forms.DateField(
        label=gettext_lazy("交办日期"),
        widget=DateInput(),
        help_text=gettext_lazy("督办任务的交办日期，默认取通知落款日期"),
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class ProposalForm(forms.Form):
    accept = forms.BooleanField(label=gettext_lazy("采用"), required=False)
    quote = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)


class MilestoneProposalForm(ProposalForm):
    on = forms.DateField(label=gettext_lazy("节点日期"), widget=DateInput())
    pct = forms.DecimalField(
        label=gettext_lazy("应完成比例(%)"),
        min_value=Decimal(0),
        max_value=MAX_PCT,
        max_digits=6,
        decimal_places=2,
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self):
        data = super().clean()
        on = data.get("on")
        c = self.campaign
        if data.get("accept") and on and not c.start <= on <= c.end:
            self.add_error(
                "on",
                _("节点日期应在行动期间（%(start)s 至 %(end)s）内；请修改日期或不采用。")
                % {"start": cn_date(c.start), "end": cn_date(c.end)},
            )
        return data


class TaskProposalForm(ProposalForm):
    """A required action; a supervised task needs a deadline, so an accepted one must have it."""

    content = forms.CharField(
        label=gettext_lazy("任务内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=gettext_lazy("完成时限"), required=False, widget=DateInput())
    lead_unit = forms.ChoiceField(label=gettext_lazy("牵头单位"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        self.fields["lead_unit"].choices = [(u.code, u.name) for u in units]

    def clean(self):
        data = super().clean()
        if data.get("accept") and not data.get("deadline") and "deadline" not in self.errors:
            self.add_error("deadline", _("督办任务须有完成时限；请填写或不采用。"))
        return data


class ProblemProposalForm(ProposalForm):
    code = forms.ChoiceField(choices=list(LABELS.items()), widget=forms.HiddenInput)

    def label(self) -> str:
        return LABELS.get(self["code"].value(), "")


class UnitProposalForm(ProposalForm):
    name = forms.CharField(label=gettext_lazy("单位"), max_length=100)
    role = forms.CharField(required=False, widget=forms.HiddenInput)


def proposal_formsets(data=None, *, campaign, units, initial=None):
    """The four lists of proposals, each a formset with its own prefix."""
    initial = initial or {}
    milestone_set = forms.formset_factory(MilestoneProposalForm, extra=0)
    task_set = forms.formset_factory(TaskProposalForm, extra=0)
    problem_set = forms.formset_factory(ProblemProposalForm, extra=0)
    unit_set = forms.formset_factory(UnitProposalForm, extra=0)
    return {
        "milestones": milestone_set(
            data,
            prefix="m",
            initial=initial.get("milestones"),
            form_kwargs={"campaign": campaign},
        ),
        "tasks": task_set(
            data, prefix="t", initial=initial.get("tasks"), form_kwargs={"units": units}
        ),
        "problems": problem_set(data, prefix="p", initial=initial.get("problems")),
        "units": unit_set(data, prefix="u", initial=initial.get("units")),
    }
