from django.urls import path

from zhaoshang.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.intake, name="intake"),
    path("accept/", views.accept, name="accept"),
    path("<int:pk>/", views.detail, name="detail"),
]
