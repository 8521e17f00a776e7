from django.urls import path

from zhaoshang.org import views

app_name = "org"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<code:code>/", views.unit_page, name="unit"),
    path("units/<code:code>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<code:code>/new/", views.unit_new, name="unit_new"),
    path("units/<code:code>/shift/", views.unit_shift, name="unit_shift"),
    path("units/<code:code>/people/", views.people, name="people"),
    path("units/<code:code>/team/", views.team, name="team"),
    path("units/<code:code>/accounts/", views.accounts, name="accounts"),
    path("units/<code:code>/history/", views.unit_history, name="unit_history"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("team/<int:pk>/role/", views.team_member_role, name="team_member_role"),
    path("team/<int:pk>/remove/", views.team_member_remove, name="team_member_remove"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path(
        "accounts/<int:pk>/reset-password/",
        views.account_reset_password,
        name="account_reset_password",
    ),
    path("accounts/<int:pk>/active/", views.account_set_active, name="account_set_active"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("accounts/<int:pk>/totp-off/", views.account_totp_off, name="account_totp_off"),
]
