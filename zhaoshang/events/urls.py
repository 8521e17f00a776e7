from django.urls import path

from zhaoshang.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("promotion/", views.promotion_list, name="promotion_list"),
    path("promotion/new/", views.promotion_edit, name="promotion_create"),
    path("promotion/booklet.<str:fmt>", views.booklet_download, name="booklet"),
    path("promotion/<code:code>/", views.promotion_edit, name="promotion"),
    path("promotion/<code:code>/photos/", views.promotion_photo_add, name="photo_add"),
    path("promotion/<code:code>/photos/<int:pk>/", views.promotion_photo, name="photo"),
    path(
        "promotion/<code:code>/photos/<int:pk>/delete/",
        views.promotion_photo_delete,
        name="photo_delete",
    ),
    path("eligibility/<code:code>/", views.eligibility, name="eligibility"),
    path("<code:code>/", views.event_detail, name="detail"),
    path("<code:code>/invitations/", views.invitation_list, name="invitations"),
    path("<code:code>/invitations/add/", views.invitation_add, name="invitation_add"),
    path("<code:code>/invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path(
        "<code:code>/invitations/<int:pk>/status/",
        views.invitation_status,
        name="invitation_status",
    ),
    path(
        "<code:code>/invitations/<int:pk>/remove/",
        views.invitation_remove,
        name="invitation_remove",
    ),
    path("<code:code>/signings/", views.signing_list_page, name="signings"),
    path("<code:code>/signings/<int:pk>/remove/", views.signing_remove, name="signing_remove"),
    path("<code:code>/logistics.xlsx", views.logistics_download, name="logistics"),
    path("<code:code>/namecards.docx", views.namecards_download, name="namecards"),
    path("<code:code>/programme.docx", views.programme_download, name="programme"),
]
