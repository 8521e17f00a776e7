from django.urls import path

from zhaoshang.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/settings/", views.dispatch_settings, name="settings"),
    path("<str:code>/rounds/", views.round_list, name="rounds"),
    path("<str:code>/rounds/new/", views.round_create, name="round_create"),
    path("<str:code>/rounds/schedule/", views.round_schedule, name="round_schedule"),
    path("<str:code>/rounds/<int:pk>/", views.round_detail, name="round"),
    path("<str:code>/rounds/<int:pk>/remind/", views.remind, name="remind"),
    path("<str:code>/rounds/<int:pk>/units/<str:unit_code>/", views.submit, name="submit"),
    path("<str:code>/bulletins/", views.bulletin_list, name="bulletins"),
    path("<str:code>/bulletins/draft/", views.draft, name="draft"),
    path("<str:code>/bulletins/draft/projects/", views.draft_projects, name="draft_projects"),
    path("<code:code>/bulletins/draft/files/", views.draft_files, name="draft_files"),
    path("<str:code>/bulletins/draft/<str:fmt>/", views.draft_download, name="draft_download"),
    path("<str:code>/bulletins/publish/", views.publish, name="publish"),
    path("<code:code>/bulletins/forecast/", views.forecast_switch, name="forecast_switch"),
    path("<str:code>/bulletins/<int:number>/", views.bulletin_detail, name="bulletin"),
    path(
        "<str:code>/bulletins/<int:number>/projects/",
        views.bulletin_projects,
        name="bulletin_projects",
    ),
    path(
        "<str:code>/bulletins/<int:number>/<str:fmt>/",
        views.bulletin_download,
        name="bulletin_download",
    ),
]
