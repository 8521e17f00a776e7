"""Ledger URLs under /ledger/. The project list, page and edit form keep their older
addresses /projects/… (names project_list, project_detail, project_edit, in web/urls.py)."""

from django.urls import path

from zhaoshang.ledger import views

app_name = "ledger"
urlpatterns = [
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/export.xlsx", views.project_export, name="project_export"),
    path("<slug:kind>/list.<slug:fmt>", views.list_export, name="list_export"),
    path("funds/", views.funds_list, name="funds_list"),
    path("filters/", views.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
    path("projects/<code:code>/stage/<int:target>/", views.stage_change, name="stage_change"),
    path("projects/<code:code>/drop/", views.project_drop, name="project_drop"),
    path("projects/<code:code>/restore/", views.project_restore, name="project_restore"),
    path("projects/<code:code>/funds/", views.funds_add, name="funds_add"),
    path("projects/<code:code>/funds/<int:pk>/", views.funds_correct, name="funds_correct"),
    path("projects/<code:code>/funds/<int:pk>/delete/", views.funds_delete, name="funds_delete"),
    path("projects/<code:code>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "projects/<code:code>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "projects/<code:code>/attachments/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "projects/<code:code>/events/<int:pk>/evidence/",
        views.stage_evidence_download,
        name="stage_evidence",
    ),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/check/", views.enterprise_check, name="enterprise_check"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("follow-ups/", views.follow_up_feed, name="follow_up_feed"),
    path("follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("follow-ups/<int:pk>/photo/", views.follow_up_photo, name="follow_up_photo"),
    path("autocomplete/projects/", views.autocomplete_projects, name="autocomplete_projects"),
    path(
        "autocomplete/enterprises/",
        views.autocomplete_enterprises,
        name="autocomplete_enterprises",
    ),
]
