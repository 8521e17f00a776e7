from django.urls import path

from zhaoshang.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.index, name="index"),
    path("<code:code>/settings/", views.dispatch_settings, name="settings"),
    path("<code:code>/rounds/", views.round_list, name="rounds"),
    path("<code:code>/rounds/new/", views.round_create, name="round_create"),
    path("<code:code>/rounds/schedule/", views.round_schedule, name="round_schedule"),
    path("<code:code>/rounds/<int:pk>/", views.round_detail, name="round"),
    path("<code:code>/rounds/<int:pk>/remind/", views.remind, name="remind"),
    path("<code:code>/rounds/<int:pk>/units/<code:unit_code>/", views.submit, name="submit"),
    path("<code:code>/bulletins/", views.bulletin_list, name="bulletins"),
    path("<code:code>/bulletins/draft/", views.draft, name="draft"),
    path("<code:code>/bulletins/draft/projects/", views.draft_projects, name="draft_projects"),
    path("<code:code>/bulletins/draft/files/", views.draft_files, name="draft_files"),
    path("<code:code>/bulletins/draft/<str:fmt>/", views.draft_download, name="draft_download"),
    path("<code:code>/bulletins/publish/", views.publish, name="publish"),
    path("<code:code>/bulletins/forecast/", views.forecast_switch, name="forecast_switch"),
    path("<code:code>/bulletins/<int:number>/", views.bulletin_detail, name="bulletin"),
    path(
        "<code:code>/bulletins/<int:number>/projects/",
        views.bulletin_projects,
        name="bulletin_projects",
    ),
    path(
        "<code:code>/bulletins/<int:number>/<str:fmt>/",
        views.bulletin_download,
        name="bulletin_download",
    ),
]
