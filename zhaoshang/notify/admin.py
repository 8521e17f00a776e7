"""Django admin for reminders: read-only (writes go through notify/services.py); the
DingTalk secret is never shown."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.notify.models import ChannelSet, Message


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChannelSet)
class ChannelSetAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("unit", "person", "emails", "wecom_webhook", "dingtalk_webhook", "signed")
    list_select_related = ("unit", "person")
    fields = readonly_fields = ("unit", "person", "emails", "wecom_webhook", "dingtalk_webhook")

    @admin.display(boolean=True, description=_("加签"))
    def signed(self, obj):
        return bool(obj.dingtalk_secret)


@admin.register(Message)
class MessageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "created_at",
        "unit",
        "person",
        "channel",
        "kind",
        "subject",
        "state",
        "attempts",
    )
    list_filter = ("state", "channel", "kind")
    list_select_related = ("unit", "person")
    search_fields = ("subject", "unit__name", "unit__code", "about")
