from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhaoshang.org"
    label = "org"
    verbose_name = _("组织与权限")

    def ready(self):
        from zhaoshang.org import checks  # noqa: F401  (registers system checks)
