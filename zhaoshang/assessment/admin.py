"""Django admin for the assessment: read-only, since writes go through assessment/services.py
(the scheme keeps its history, published assessments are frozen)."""

from django.contrib import admin

from zhaoshang.assessment.models import PublishedAssessment, SchemeAdjustment, SchemeIndicator
from zhaoshang.dispatch.admin import ReadOnlyAdmin


@admin.register(SchemeIndicator)
class SchemeIndicatorAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "indicator", "weight", "method")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)


@admin.register(SchemeAdjustment)
class SchemeAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "item", "points", "cap")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)


@admin.register(PublishedAssessment)
class PublishedAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "number", "as_of", "published_at", "published_by")
    list_filter = ("campaign",)
    list_select_related = ("campaign", "published_by")
    exclude = ("document",)
