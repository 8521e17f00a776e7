from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhaoshang.org"
    label = "org"
    verbose_name = _("组织与权限")

    def ready(self):
        from django.db.models.signals import post_save

        from zhaoshang.org import checks  # noqa: F401  (registers system checks)
        from zhaoshang.org.models import Account
        from zhaoshang.org.passwords import mark_new_account

        post_save.connect(mark_new_account, sender=Account, dispatch_uid="demo-password-mark")
