from django.urls import path

from zhaoshang.workbook import views

app_name = "workbook"
urlpatterns = [
    path("", views.start, name="start"),
    path("template.xlsx", views.template, name="template"),
    path("<code:token>/", views.preview, name="preview"),
    path("<code:token>/errors.xlsx", views.errors, name="errors"),
    path("<code:token>/confirm/", views.confirm, name="confirm"),
    path("<code:token>/result/", views.result, name="result"),
]
