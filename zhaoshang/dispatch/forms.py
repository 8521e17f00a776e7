"""Forms of the dispatch pages: a unit's report, opening rounds, the bulletin's day."""

from __future__ import annotations

from datetime import time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.dispatch.models import DispatchSettings, ReminderRequest, ReportingRound
from zhaoshang.stamps import StampField
from zhaoshang.web.forms import DateInput

# Generating a year of weekly rounds is plenty; more is a typo in a date.
MAX_SCHEDULE_DAYS = 400

WEEKDAYS = (
    (0, _("星期一")),
    (1, _("星期二")),
    (2, _("星期三")),
    (3, _("星期四")),
    (4, _("星期五")),
    (5, _("星期六")),
    (6, _("星期日")),
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        # What <input type="datetime-local"> sends and expects.
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SubmissionForm(forms.Form):
    """A unit's report for a round (进展情况 is required; the service says so too)."""

    progress = forms.CharField(
        label=_("进展情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("本轮以来的签约、开工、对接等工作进展"),
        error_messages={"required": _("请填写进展情况。")},
    )
    problems = forms.CharField(
        label=_("存在问题"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("需要协调解决的困难和问题"),
    )
    plan = forms.CharField(
        label=_("下步计划"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    stamp = StampField()


class RoundForm(forms.Form):
    """One reporting round with its deadline."""

    deadline = forms.DateTimeField(
        label=_("截止时间"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    title = forms.CharField(
        label=_("名称"),
        required=False,
        max_length=ReportingRound._meta.get_field("title").max_length,
        help_text=_("可不填，按先后显示为“第N次调度”"),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScheduleForm(forms.Form):
    """A weekly schedule of rounds: every chosen weekday at a time, between two days."""

    first = forms.DateField(label=_("从"), widget=DateInput())
    last = forms.DateField(label=_("到"), widget=DateInput())
    weekday = forms.TypedChoiceField(label=_("每周"), choices=WEEKDAYS, coerce=int, initial=4)
    at = forms.TimeField(label=_("截止时刻"), widget=TimeInput(), initial=time(17))
    # Deadlines already past: asked once ("past": create them too, "future": skip them).
    past = forms.ChoiceField(
        required=False,
        choices=(("", ""), ("past", "past"), ("future", "future")),
        widget=forms.HiddenInput,
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("结束日期早于开始日期。"))
            if last - first > timedelta(days=MAX_SCHEDULE_DAYS):
                raise forms.ValidationError(
                    _("一次最多生成 %(days)d 天内的轮次。") % {"days": MAX_SCHEDULE_DAYS}
                )
        return data


class ReminderForm(forms.Form):
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=ReminderRequest._meta.get_field("note").max_length,
    )


class AsOfForm(forms.Form):
    """The as-of day of a draft bulletin (today when left empty)."""

    as_of = forms.DateField(label=_("统计截止日期"), required=False, widget=DateInput())


SETTINGS_FIELDS = (
    "effort_window_days",
    "effort_median_share",
    "on_time_min_pct",
    "stale_ledger_days",
    "stuck_key_days",
    "task_due_soon_workdays",
    "task_blue_max_workdays",
    "task_orange_max_workdays",
    "issuing_office",
    "number_style",
    "number_prefix",
    "copy_to",
    "printing_office",
    "forecast_in_bulletin",
)


class DispatchSettingsForm(forms.ModelForm):
    """The campaign's dispatch thresholds (三大三少, stuck projects, task escalation)."""

    reason = forms.CharField(
        label=_("修改原因"), required=False, max_length=200, help_text=_("记入变更记录，可不填")
    )

    class Meta:
        model = DispatchSettings
        fields = SETTINGS_FIELDS

    def clean(self):
        data = super().clean()
        share = data.get("effort_median_share")
        if share is not None and not (0 < share <= 1):
            self.add_error("effort_median_share", _("应在 0 到 1 之间，如 0.5 表示中位数的一半"))
        pct = data.get("on_time_min_pct")
        if pct is not None and not (0 <= pct <= 100):
            self.add_error("on_time_min_pct", _("应在 0 到 100 之间"))
        for name in ("effort_window_days", "stale_ledger_days", "stuck_key_days"):
            if data.get(name) == 0:
                self.add_error(name, _("应至少为 1 天"))
        return data
