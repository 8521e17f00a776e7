from django.urls import path

from zhaoshang.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<code:code>/", views.job_detail, name="job"),
    path("<code:code>/files/<code:fmt>/", views.job_file, name="file"),
]
