from django.urls import path

from zhaoshang.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("run/", views.run_now, name="run_now"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("units/<code:code>/", views.unit_channels, name="unit_channels"),
    path("people/<int:pk>/", views.person_channels, name="person_channels"),
]
