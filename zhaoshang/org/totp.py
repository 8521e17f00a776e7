"""Optional two-step login (TOTP, RFC 6238) with one-use recovery codes.

The secret lives on ``Account`` (never in the history or the security log);
recovery codes are kept only as Django password hashes and each works once.
"""

from __future__ import annotations

import secrets

import pyotp
import segno
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.history import save_changes
from zhaoshang.org.models import Account
from zhaoshang.org.services import require_manage_account

ISSUER = "招商调度"
RECOVERY_COUNT = 10
# Accept the code of the previous and next 30-second step too (clock drift).
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(secret: str, username: str) -> str:
    """The enrolment QR code as inline SVG markup (no script, no external file)."""
    qr = segno.make(provisioning_uri(secret, username), error="m")
    return qr.svg_inline(scale=4, border=2, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The manual key in groups of four, as authenticator apps accept it."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def code_ok(secret: str, code: str) -> bool:
    code = _clean(code)
    return (
        bool(secret)
        and len(code) == 6
        and code.isdigit()
        and (pyotp.TOTP(secret).verify(code, valid_window=VALID_WINDOW))
    )


def enabled(user) -> bool:
    account = Account.objects.filter(user=user).only("totp_enabled_at").first()
    return account is not None and account.totp_enabled_at is not None


def _account_of(user) -> Account:
    account = Account.objects.filter(user=user).first()
    return account if account is not None else Account(user=user)


def _recovery_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "-".join("".join(secrets.choice(alphabet) for _i in range(4)) for _j in range(2))
        for _k in range(RECOVERY_COUNT)
    ]


@transaction.atomic
def do_enable_totp(user, secret: str, code: str) -> list[str] | None:
    """Turn two-step login on once ``code`` proves the app holds ``secret``.

    Returns the recovery codes (shown once, kept hashed) or None when the code is wrong."""
    if not code_ok(secret, code):
        return None
    codes = _recovery_codes()
    account = _account_of(user)
    account.totp_secret = secret
    account.totp_recovery = [make_password(_clean(c)) for c in codes]
    save_changes(account, {"totp_enabled_at": timezone.now()}, actor=user, reason=_("启用两步验证"))
    return codes


@transaction.atomic
def do_disable_totp(user, *, actor, reason: str | None = None) -> bool:
    """Turn two-step login off (the user, or an administrator who manages the account)."""
    if actor is None or actor.pk != user.pk:
        require_manage_account(actor, user)
    account = Account.objects.select_for_update().filter(user=user).first()
    if account is None or account.totp_enabled_at is None:
        return False
    account.totp_secret = ""
    account.totp_recovery = []
    save_changes(account, {"totp_enabled_at": None}, actor=actor, reason=reason)
    return True


@transaction.atomic
def verify_second_step(user, code: str) -> str | None:
    """Check a 6-digit code or a recovery code; returns "code", "recovery" or None.

    A recovery code that matches is used up in the same transaction."""
    account = Account.objects.select_for_update().filter(user=user).first()
    if account is None or account.totp_enabled_at is None:
        return None
    if code_ok(account.totp_secret, code):
        return "code"
    cleaned = _clean(code)
    if len(cleaned) != 8:
        return None
    for i, hashed in enumerate(account.totp_recovery):
        if check_password(cleaned, hashed):
            account.totp_recovery = account.totp_recovery[:i] + account.totp_recovery[i + 1 :]
            account.save(update_fields=["totp_recovery"])
            return "recovery"
    return None


def recovery_left(user) -> int:
    account = Account.objects.filter(user=user).only("totp_recovery").first()
    return len(account.totp_recovery) if account else 0
