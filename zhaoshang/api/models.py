"""API tokens: a secret a program sends as ``Authorization: Bearer …`` to act as its owner.

Only a hash of the secret is stored; the secret itself is shown once when it
is made. A token carries its owner's scope (nothing more), may be read-only,
may expire, and is revoked rather than deleted so its use stays on record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("所属账号"),
    )
    name = models.CharField(_("用途"), max_length=100, blank=True)
    # The first characters of the secret, shown in lists so a person can tell tokens apart.
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    # SHA-256 of the whole secret (the secret has 256 random bits, so no slow hash is needed).
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("只读"), default=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    def is_usable(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and (self.expires_on is None or today <= self.expires_on)
