from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "zhaoshang.dispatch"
    label = "dispatch"
    verbose_name = _("调度填报与通报")
