"""Real channels: SMS through an HTTP gateway, e-mail through SMTP.

Use with ``NOTIFY_SENDER=app.notify.gateways:from_config``. Settings (app config first, then
the environment):

- ``NOTIFY_SMS_URL``: the gateway's send endpoint; it receives a JSON POST
  ``{"phone": ..., "text": ..., "sign": ..., "client_ref": ...}`` with
  ``Authorization: Bearer <NOTIFY_SMS_TOKEN>`` and must answer 2xx; ``client_ref`` is the
  outbox id, so a gateway that deduplicates on it never delivers one message twice;
- ``NOTIFY_SMS_SIGN``: the registered SMS signature (default 警务通办);
- ``NOTIFY_SMTP_HOST``, ``NOTIFY_SMTP_PORT`` (587), ``NOTIFY_SMTP_USER``,
  ``NOTIFY_SMTP_PASSWORD``, ``NOTIFY_SMTP_STARTTLS`` (1), ``NOTIFY_MAIL_FROM``.

A channel without settings is not configured: its messages fail and are retried, so nothing is
lost while a gateway is being set up. Gateways differ (Alibaba Cloud, Tencent Cloud, a
province's own platform); one whose API does not fit `HttpSmsSender` gets its own small class
with the same ``send(message)``.
"""
from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from app.notify import DeliveryError, OutgoingMessage, Sender


def _setting(config: Mapping[str, Any], name: str, default: str = "") -> str:
    value = config.get(name)
    if value in (None, ""):
        value = os.environ.get(name, default)
    return str(value)


class HttpSmsSender:
    def __init__(self, url: str, token: str, *, sign: str = "警务通办", timeout: float = 10.0):
        if not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
            raise ValueError("the SMS gateway must be reached over HTTPS")
        self.url, self.token, self.sign, self.timeout = url, token, sign, timeout

    def send(self, message: OutgoingMessage) -> None:
        body = json.dumps({"phone": message.recipient, "text": message.body, "sign": self.sign,
                           "client_ref": str(message.id)}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={  # noqa: S310 (https only)
            "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (https only)
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"SMS gateway answered {response.status}")
        except OSError as exc:  # URLError, HTTPError, timeouts
            raise DeliveryError(f"SMS gateway unreachable: {type(exc).__name__}") from exc


class SmtpEmailSender:
    def __init__(self, host: str, port: int, *, sender: str, user: str = "", password: str = "",
                 starttls: bool = True, timeout: float = 20.0):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, message: OutgoingMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Message-ID"] = f"<outbox-{message.id}@{self.sender.partition('@')[2] or 'localhost'}>"
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP failed: {type(exc).__name__}") from exc


class NotConfigured:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, message: OutgoingMessage) -> None:
        raise DeliveryError(f"no {self.channel} gateway configured")


class ChannelRouter:
    """One sender per channel."""

    def __init__(self, senders: Mapping[str, Sender]):
        self.senders = dict(senders)

    def send(self, message: OutgoingMessage) -> None:
        sender = self.senders.get(message.channel)
        if sender is None:
            raise DeliveryError(f"no sender for channel {message.channel}")
        sender.send(message)


def from_config(config: Mapping[str, Any]) -> ChannelRouter:
    sms_url = _setting(config, "NOTIFY_SMS_URL")
    smtp_host = _setting(config, "NOTIFY_SMTP_HOST")
    sms: Sender = (HttpSmsSender(sms_url, _setting(config, "NOTIFY_SMS_TOKEN"),
                                 sign=_setting(config, "NOTIFY_SMS_SIGN", "警务通办"))
                   if sms_url else NotConfigured("sms"))
    email: Sender = (SmtpEmailSender(
        smtp_host, int(_setting(config, "NOTIFY_SMTP_PORT", "587")),
        sender=_setting(config, "NOTIFY_MAIL_FROM", "noreply@localhost"),
        user=_setting(config, "NOTIFY_SMTP_USER"), password=_setting(config, "NOTIFY_SMTP_PASSWORD"),
        starttls=_setting(config, "NOTIFY_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
    ) if smtp_host else NotConfigured("email"))
    return ChannelRouter({"sms": sms, "email": email})
