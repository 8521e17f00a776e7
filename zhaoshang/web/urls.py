from django.contrib.auth import views as auth_views
from django.urls import path

from zhaoshang.ledger import views as ledger_views
from zhaoshang.web import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    # Django 5 logs out on POST only; the top bar posts a form.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/two-step/", views.two_step, name="two_step"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", views.home, name="home"),
    path("unit/<code:code>/", views.unit_progress, name="unit_progress"),
    path("forecast/<code:code>/", views.unit_forecast, name="unit_forecast"),
    # The ledger's pages, at the addresses people have bookmarked (zhaoshang/ledger).
    path("projects/", ledger_views.project_list, name="project_list"),
    path("projects/<code:code>/", ledger_views.project_detail, name="project_detail"),
    path("projects/<code:code>/edit/", ledger_views.project_edit, name="project_edit"),
]
