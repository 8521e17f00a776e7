"""Forms of the campaign pages: what people type, checked with messages they understand.

Business rules live in the services (which raise ``ValidationError`` with
Chinese messages); these forms add what only makes sense on a screen, such as
a reason demanded for a re-allocation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.campaigns.models import Campaign, Indicator, Milestone, ScheduleMode
from zhaoshang.campaigns.services import MAX_PCT
from zhaoshang.codes import code_problem
from zhaoshang.ledger.forms import AmountField
from zhaoshang.org.forms import UnitChoiceField
from zhaoshang.org.models import Unit
from zhaoshang.stamps import StampField, stamp
from zhaoshang.web.forms import DateInput
from zhaoshang.web.templatetags.zs_format import cn_date

REASON_HELP = gettext_lazy("记入变更记录，例如：根据州政府调度会意见调整")


def _reason_field(required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("修改原因"),
        max_length=200,
        required=required,
        help_text=REASON_HELP,
    )


class CampaignForm(forms.Form):
    """The campaign's settings: name, window, schedule mode, primary indicator, thresholds."""

    name = forms.CharField(label=gettext_lazy("行动名称"), max_length=200)
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=DateInput())
    mode = forms.ChoiceField(
        label=gettext_lazy("进度模式"),
        choices=ScheduleMode.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "线性：节点之间按天均匀增长；阶梯：达到节点日期后才要求该节点的比例"
        ),
    )
    primary_indicator = forms.ChoiceField(
        label=gettext_lazy("主指标"),
        choices=Indicator.choices,
        help_text=gettext_lazy("排名和红黄绿状态按此指标计算"),
    )
    green_gap_pp = forms.DecimalField(
        label=gettext_lazy("绿色下限(个百分点)"),
        max_digits=6,
        decimal_places=2,
        help_text=gettext_lazy("完成率减序时进度不低于此值为绿色，通常为 0"),
    )
    red_gap_pp = forms.DecimalField(
        label=gettext_lazy("红色上限(个百分点)"),
        max_digits=6,
        decimal_places=2,
        help_text=gettext_lazy("完成率减序时进度不高于此值为红色，通常为 -10"),
    )
    reason = _reason_field()
    stamp = StampField()

    def __init__(self, *args, milestones: list[Milestone], **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = milestones

    @staticmethod
    def initial_for(campaign: Campaign) -> dict:
        return {
            "name": campaign.name,
            "start": campaign.start,
            "end": campaign.end,
            "mode": campaign.mode,
            "primary_indicator": campaign.primary_indicator,
            "green_gap_pp": campaign.green_gap_pp,
            "red_gap_pp": campaign.red_gap_pp,
            "stamp": stamp(campaign),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("结束日期不能早于开始日期。"))
            else:
                outside = [m for m in self.milestones if not start <= m.on <= end]
                if outside:
                    days = "、".join(cn_date(m.on) for m in outside)
                    self.add_error(
                        None,
                        _("节点 %(days)s 不在新的行动期间内，请先修改或删除这些节点。")
                        % {"days": days},
                    )
        green, red = data.get("green_gap_pp"), data.get("red_gap_pp")
        if green is not None and red is not None and red >= green:
            self.add_error(
                "red_gap_pp",
                _("红色上限须低于绿色下限（否则没有黄色区间）。"),
            )
        return data


class NewCampaignForm(forms.Form):
    """A new campaign, usually next year's set up like this year's."""

    copy_from = forms.ModelChoiceField(
        label=gettext_lazy("参照专项行动"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=gettext_lazy("（不复制，从空白开始）"),
        help_text=gettext_lazy("复制其红黄绿界限、认定规则和节点（按开始日期的变化顺延）"),
    )
    copy_targets = forms.BooleanField(
        label=gettext_lazy("同时复制各单位目标任务"),
        required=False,
        initial=True,
        help_text=gettext_lazy("目标值、责任人和完成时限照搬，之后可在“目标分解”中调整"),
    )
    code = forms.CharField(
        label=gettext_lazy("行动编码"),
        max_length=32,
        help_text=gettext_lazy("字母、数字或汉字，例如 MQDH2027；用于网址和数据工作簿"),
    )
    name = forms.CharField(label=gettext_lazy("行动名称"), max_length=200)
    unit = UnitChoiceField(
        label=gettext_lazy("组织单位"), queryset=Unit.objects.none(), empty_label=None
    )
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=DateInput())
    mode = forms.ChoiceField(
        label=gettext_lazy("进度模式"),
        choices=ScheduleMode.choices,
        initial=ScheduleMode.LINEAR,
        widget=forms.RadioSelect,
    )
    primary_indicator = forms.ChoiceField(
        label=gettext_lazy("主指标"),
        choices=Indicator.choices,
        help_text=gettext_lazy("排名和红黄绿状态按此指标计算"),
    )

    def __init__(self, *args, campaigns, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = campaigns
        self.fields["unit"].queryset = units

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        problem = code_problem(code, label=_("行动编码"), max_length=32)
        if problem:
            raise forms.ValidationError(problem)
        if Campaign.objects.filter(code=code).exists():
            raise forms.ValidationError(_("行动编码 %(code)s 已被使用，请换一个") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data

    @staticmethod
    def initial_from(source: Campaign) -> dict:
        """Next year's campaign as a guess: same window a year later, the name's year bumped."""

        def next_year(day: date) -> date:
            try:
                return day.replace(year=day.year + 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year + 1, day=28)

        year, following = str(source.start.year), str(source.start.year + 1)
        return {
            "copy_from": source.pk,
            "copy_targets": True,
            "code": source.code.replace(year, following) if year in source.code else "",
            "name": source.name.replace(year, following),
            "unit": source.unit_id,
            "start": next_year(source.start),
            "end": next_year(source.end),
            "mode": source.mode,
            "primary_indicator": source.primary_indicator,
        }


class MilestoneForm(forms.Form):
    """One dated share of the target (节点)."""

    on = forms.DateField(label=gettext_lazy("节点日期"), widget=DateInput())
    pct = forms.DecimalField(
        label=gettext_lazy("应完成比例(%)"),
        min_value=Decimal(0),
        max_value=MAX_PCT,
        max_digits=6,
        decimal_places=2,
        error_messages={
            "min_value": gettext_lazy("应完成比例不能为负数。"),
            "max_value": gettext_lazy("应完成比例不能超过 %(limit_value)s%%。"),
        },
    )
    reason = _reason_field()
    stamp = StampField()

    def __init__(self, *args, campaign: Campaign, milestone: Milestone | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.milestone = milestone

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        c = self.campaign
        if not c.start <= on <= c.end:
            raise forms.ValidationError(
                _("节点日期应在行动期间（%(start)s 至 %(end)s）内。")
                % {"start": cn_date(c.start), "end": cn_date(c.end)}
            )
        taken = c.milestones.filter(on=on)
        if self.milestone is not None:
            taken = taken.exclude(pk=self.milestone.pk)
        if taken.exists():
            raise forms.ValidationError(_("这一天已经有节点了，请直接修改那个节点。"))
        return on


class TargetValueField(AmountField):
    """A target typed as people write amounts: 25.5亿 (= 255,000 万元), 5,000万, 3."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            if exc.code == "negative":
                raise forms.ValidationError(_("目标值不能为负数。"), code="negative") from None
            raise


class TargetForm(forms.Form):
    """One cell of the decomposition editor: value, responsible person, deadline, reason."""

    FORM_ID = "target-form"

    value = TargetValueField(label=gettext_lazy("目标值"), required=False)
    person = forms.CharField(
        label=gettext_lazy("责任人"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("填写姓名；本单位还没有这个人时自动登记"),
    )
    deadline = forms.DateField(label=gettext_lazy("完成时限"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=gettext_lazy("调整原因"),
        max_length=200,
        required=False,
    )
    stamp = StampField()

    def __init__(
        self,
        *args,
        campaign: Campaign,
        current=None,
        can_set_value: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.current = current
        # The inputs sit in the cells of a table row while the <form> element sits
        # in the row below it: the HTML form attribute ties them together.
        for name in ("value", "person", "deadline"):
            self.fields[name].widget.attrs["form"] = self.FORM_ID
        self.fields["value"].widget.attrs.update({"step": "0.01", "inputmode": "decimal"})
        self.fields["person"].widget.attrs.update({"list": "people-list", "autocomplete": "off"})
        self.fields["value" if can_set_value else "person"].widget.attrs["autofocus"] = True
        if not can_set_value:
            # Disabled fields keep their initial value whatever is posted.
            self.fields["value"].disabled = True
            self.fields["deadline"].disabled = True

    @staticmethod
    def initial_for(cell) -> dict:
        if cell is None:
            return {}
        return {"value": cell.value, "person": cell.person_name, "deadline": cell.deadline}

    def clean_deadline(self) -> date | None:
        deadline = self.cleaned_data["deadline"]
        c = self.campaign
        if deadline is not None and not c.start <= deadline <= c.end:
            raise forms.ValidationError(
                _("完成时限应在行动期间（%(start)s 至 %(end)s）内。")
                % {"start": cn_date(c.start), "end": cn_date(c.end)}
            )
        return deadline

    def clean(self):
        data = super().clean()
        if "value" not in data:
            return data
        value, current = data["value"], self.current
        reason = (data.get("reason") or "").strip()
        data["reason"] = reason
        if value is None and current is None:
            if data.get("person") or data.get("deadline"):
                self.add_error("value", _("请先填写目标值，再指定责任人和完成时限。"))
            else:
                self.add_error("value", _("请填写目标值。"))
        elif current is not None and value != current.value and not reason:
            # Every re-allocation is accountable: the reason goes into the history.
            self.add_error(
                "reason",
                _("调整已下达的目标值时，请填写调整原因（记入变更记录）。"),
            )
        return data
