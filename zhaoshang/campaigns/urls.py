from django.urls import path

from zhaoshang.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<code:source>/copy/", views.campaign_create, name="copy"),
    path("<code:code>/", views.campaign_settings, name="settings"),
    path("<code:code>/milestones/", views.milestone_add, name="milestone_add"),
    path("<code:code>/milestones/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path(
        "<code:code>/milestones/<int:pk>/delete/",
        views.milestone_delete,
        name="milestone_delete",
    ),
    path("<code:code>/targets/", views.decomposition, name="decomposition"),
    path(
        "<code:code>/targets/<code:unit_code>/<str:indicator>/",
        views.target_save,
        name="target_save",
    ),
    path(
        "<code:code>/targets/<code:unit_code>/<str:indicator>/history/",
        views.target_history,
        name="target_history",
    ),
]
