from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "zhaoshang.web"
    label = "web"
    verbose_name = _("页面")

    def ready(self):
        from zhaoshang.web import signals  # noqa: F401  (security log receivers)
