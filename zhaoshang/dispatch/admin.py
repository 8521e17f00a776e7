"""Django admin for dispatch records: read-only, since writes go through dispatch/services.py
(reports keep the figures they confirmed, published bulletins are frozen)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.dispatch.models import (
    Bulletin,
    DispatchSettings,
    ReminderRequest,
    ReportingRound,
    Submission,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(ReadOnlyAdmin):
    list_display = (
        "campaign",
        "effort_window_days",
        "effort_median_share",
        "on_time_min_pct",
        "stale_ledger_days",
        "stuck_key_days",
        "issuing_office",
        "number_style",
        "number_prefix",
        "copy_to",
        "printing_office",
    )
    list_select_related = ("campaign",)


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "deadline", "title")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)
    date_hierarchy = "deadline"


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("round", "unit", "submitted_at", "submitted_by")
    list_filter = ("round__campaign",)
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("round", "unit", "submitted_by")


@admin.register(ReminderRequest)
class ReminderRequestAdmin(ReadOnlyAdmin):
    list_display = ("round", "requested_at", "requested_by", "note")
    list_select_related = ("round", "requested_by")


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "number", "as_of", "published_at", "published_by")
    list_filter = ("campaign",)
    list_select_related = ("campaign", "published_by")
    exclude = ("document",)
