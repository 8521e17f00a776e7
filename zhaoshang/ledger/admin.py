"""Django admin for the ledger (superusers only).

Projects and their stage history are read-only here: their version, stage
dates and stage events must move together, which only the ledger services
guarantee. Edit projects on the project pages or by importing a workbook.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.ledger.models import (
    Attachment,
    Enterprise,
    EnterpriseTag,
    FollowUp,
    FundsEntry,
    Industry,
    Park,
    Project,
    SavedFilter,
    StageEvent,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EnterpriseTagInline(admin.TabularInline):
    model = EnterpriseTag
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "uscc", "ownership", "origin", "owner_unit")
    list_filter = ("ownership", "tags__name")
    search_fields = ("name", "uscc", "origin")
    autocomplete_fields = ("owner_unit",)
    list_select_related = ("owner_unit",)
    inlines = [EnterpriseTagInline]


@admin.register(EnterpriseTag)
class EnterpriseTagAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "name", "year")
    list_filter = ("name", "year")
    search_fields = ("enterprise__name", "name")
    autocomplete_fields = ("enterprise",)
    list_select_related = ("enterprise",)


@admin.register(Park)
class ParkAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit")
    list_filter = ("unit__kind",)
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "section")
    list_filter = ("section",)
    search_fields = ("code", "name")


class StageEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StageEvent
    extra = 0
    fields = ("stage", "on", "recorded_by", "recorded_at", "evidence", "reason")
    readonly_fields = fields


class FundsEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FundsEntry
    extra = 0
    fields = ("on", "amount", "note")
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "responsible_unit",
        "stage",
        "contract_amount",
        "contract_on",
        "status",
    )
    list_filter = ("stage", "status", "is_industrial", "is_key", "responsible_unit__kind")
    search_fields = ("code", "name", "responsible_unit__name", "investors__name")
    date_hierarchy = "contract_on"
    list_select_related = ("responsible_unit",)
    inlines = [StageEventInline, FundsEntryInline]


@admin.register(StageEvent)
class StageEventAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("project", "stage", "on", "recorded_by", "recorded_at")
    list_filter = ("stage",)
    search_fields = ("project__code", "project__name")
    date_hierarchy = "on"
    list_select_related = ("project", "recorded_by")


@admin.register(FundsEntry)
class FundsEntryAdmin(SimpleHistoryAdmin):
    list_display = ("project", "on", "amount", "note")
    search_fields = ("project__code", "project__name")
    date_hierarchy = "on"
    autocomplete_fields = ("project",)
    list_select_related = ("project",)


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("on", "unit", "kind", "project", "enterprise", "created_by")
    list_filter = ("kind", "unit__kind")
    search_fields = ("content", "participants", "unit__name", "project__code", "enterprise__name")
    date_hierarchy = "on"
    autocomplete_fields = ("unit", "project", "enterprise")
    list_select_related = ("unit", "project", "enterprise", "created_by")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Files are handed out only by the scoped download view on the project page;
    # here the superuser sees what was uploaded, by whom, without a file link.
    list_display = ("original_name", "project", "kind", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "project__code", "project__name")
    fields = ("project", "kind", "original_name", "size", "content_type", "note", "uploaded_by")
    readonly_fields = fields
    list_select_related = ("project", "uploaded_by")


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "query", "created_at")
    search_fields = ("name", "user__username")
    list_select_related = ("user",)
