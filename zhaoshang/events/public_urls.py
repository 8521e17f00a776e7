"""Published promotion projects, for investors without an account (no login, nothing internal)."""

from django.urls import path

from zhaoshang.events import views

app_name = "public"
urlpatterns = [
    path("<code:code>/", views.public_promotion, name="promotion"),
    path("<code:code>/photos/<int:pk>/", views.public_photo, name="photo"),
]
