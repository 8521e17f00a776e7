from django.urls import path

from zhaoshang.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("list.<slug:fmt>", views.task_export, name="export"),
    path("new/", views.task_create, name="create"),
    path("meeting/", views.meeting_create, name="meeting"),
    path("<code:code>/", views.task_detail, name="detail"),
    path("<code:code>/step/<str:step>/", views.task_step, name="step"),
    path("<code:code>/files/<int:pk>/", views.task_file, name="file"),
]
