"""The form of a unit's (or person's) reminder channels."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.notify.models import ChannelSet


class ChannelsForm(forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("通知邮箱"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("多个用 ; 分隔"),
    )
    wecom_webhook = forms.URLField(
        label=gettext_lazy("企业微信机器人"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("群聊 → 添加群机器人 → 复制 Webhook 地址"),
    )
    dingtalk_webhook = forms.URLField(
        label=gettext_lazy("钉钉机器人"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("群设置 → 机器人 → 自定义机器人的 Webhook 地址"),
    )
    dingtalk_secret = forms.CharField(
        label=gettext_lazy("钉钉加签密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "机器人安全设置选“加签”时填写（SEC 开头）；不显示已保存的密钥，留空则保持不变"
        ),
    )

    def clean_emails(self):
        addresses = [
            a.strip()
            for a in self.cleaned_data["emails"].replace("；", ";").split(";")
            if a.strip()
        ]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(_("「%(a)s」不是有效的邮箱地址") % {"a": address}) from None
        return ";".join(addresses)

    @staticmethod
    def initial_for(channels: ChannelSet | None) -> dict:
        if channels is None:
            return {}
        return {
            "emails": channels.emails,
            "wecom_webhook": channels.wecom_webhook,
            "dingtalk_webhook": channels.dingtalk_webhook,
        }
