from django.urls import path

from zhaoshang.assessment import views

app_name = "assessment"
urlpatterns = [
    path("<code:code>/", views.index, name="index"),
    path("<code:code>/scheme/", views.scheme, name="scheme"),
    path("<code:code>/draft/", views.draft, name="draft"),
    path("<code:code>/draft/units/<code:unit_code>/", views.draft_unit, name="draft_unit"),
    path("<code:code>/draft/<str:fmt>/", views.draft_download, name="draft_download"),
    path("<code:code>/publish/", views.publish, name="publish"),
    path("<code:code>/<int:number>/", views.published, name="published"),
    path(
        "<code:code>/<int:number>/units/<code:unit_code>/",
        views.published_unit,
        name="published_unit",
    ),
    path(
        "<code:code>/<int:number>/<str:fmt>/",
        views.published_download,
        name="published_download",
    ),
]
