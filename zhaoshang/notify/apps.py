from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "zhaoshang.notify"
    label = "notify"
    verbose_name = _("提醒通知")

    def ready(self):
        # The reminder sources register themselves on import.
        from zhaoshang.notify import sources  # noqa: F401
