"""Django admin for campaigns, milestones, targets and the holiday table (superusers only)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.campaigns.models import CalendarDay, Campaign, Milestone, Target


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "start", "end", "mode", "primary_indicator")
    list_filter = ("mode", "primary_indicator")
    search_fields = ("code", "name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "on", "pct")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "unit", "indicator", "value", "person", "deadline")
    list_filter = ("campaign", "indicator", "unit__kind")
    search_fields = ("unit__name", "unit__code")
    autocomplete_fields = ("unit", "person")
    list_select_related = ("campaign", "unit", "person")


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ("on", "is_workday", "note")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "on"
