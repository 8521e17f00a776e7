from django.apps import AppConfig


class WorkbookConfig(AppConfig):
    name = "zhaoshang.workbook"
    label = "workbook"
    verbose_name = "数据工作簿"
