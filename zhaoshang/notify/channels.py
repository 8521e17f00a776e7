"""The three ways a reminder leaves the platform, behind one small interface.

``deliver(channels, kind, subject, body)`` sends one message on one channel
of a unit's (or person's) ChannelSet and raises :class:`DeliveryError` with a
Chinese reason when it does not arrive. E-mail goes through Django's mail
backend (the ZHAOSHANG_EMAIL_* settings); the robots are plain HTTPS POSTs of
JSON to the configured webhook, whose host is configuration (政务 deployments
run their own). Addresses under the reserved domain .invalid (the demo's) are
written to the local mailbox folder of the data directory instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote_plus

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from zhaoshang.notify.models import ChannelKind, ChannelSet


class DeliveryError(Exception):
    """A message did not arrive; the text says why, for the outbox page."""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def wecom_payload(subject: str, body: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}


def dingtalk_payload(subject: str, body: str) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {"title": subject, "text": f"#### {subject}\n\n{body}"},
    }


def _post_json(url: str, payload: dict) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ZHAOSHANG_WEBHOOK_TIMEOUT) as reply:
            raw = reply.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"机器人地址返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"无法连接机器人地址：{reason}") from None
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise DeliveryError("机器人返回的不是 JSON") from None
    # Both robots answer {"errcode": 0, "errmsg": "ok"} on success.
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(
            f"机器人拒收：{answer.get('errcode')} {answer.get('errmsg', '')}".strip()
        )


# Addresses in the reserved top-level domain .invalid (RFC 6761; the demo's, training
# databases') never reach a mail server: they are written to this folder of the data directory.
LOCAL_DOMAIN = ".invalid"
LOCAL_MAILBOX = "mailbox"


def local_mailbox() -> Path:
    return Path(settings.DATA_DIR) / LOCAL_MAILBOX


def send_email(channels: ChannelSet, subject: str, body: str) -> None:
    addresses = channels.email_list
    if not addresses:
        raise DeliveryError("未设置通知邮箱")
    local = [a for a in addresses if a.lower().endswith(LOCAL_DOMAIN)]
    outside = [a for a in addresses if a not in local]
    try:
        if local:
            connection = get_connection(
                "django.core.mail.backends.filebased.EmailBackend", file_path=str(local_mailbox())
            )
            EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, local, connection=connection
            ).send()
        if outside:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, outside).send()
    except Exception as exc:  # smtplib and socket errors of many kinds
        raise DeliveryError(f"邮件发送失败：{exc}") from None


def send_wecom(channels: ChannelSet, subject: str, body: str) -> None:
    if not channels.wecom_webhook:
        raise DeliveryError("未设置企业微信机器人")
    _post_json(channels.wecom_webhook, wecom_payload(subject, body))


def send_dingtalk(channels: ChannelSet, subject: str, body: str) -> None:
    url = channels.dingtalk_webhook
    if not url:
        raise DeliveryError("未设置钉钉机器人")
    if channels.dingtalk_secret:
        timestamp = int(time.time() * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(channels.dingtalk_secret, timestamp)}"
    _post_json(url, dingtalk_payload(subject, body))


SENDERS: dict[str, Callable[[ChannelSet, str, str], None]] = {
    ChannelKind.EMAIL: send_email,
    ChannelKind.WECOM: send_wecom,
    ChannelKind.DINGTALK: send_dingtalk,
}


def deliver(channels: ChannelSet, kind: str, subject: str, body: str) -> None:
    """Send one message on one channel; :class:`DeliveryError` when it does not arrive."""
    SENDERS[kind](channels, subject, body)
