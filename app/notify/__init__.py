"""Sending messages to applicants: one channel interface, and the senders behind it.

The operations (`app.operations.notifications`) write each message to the outbox table in the
same transaction as the change it reports; `flask notify send` hands pending ones to a
`Sender`. A sender has one method, ``send(message) -> None``, which raises on failure (the
outbox then retries up to a limit). Which sender runs is the ``NOTIFY_SENDER`` setting:

- ``file`` (default): appends each message to ``instance/outbox.log`` — the demo "phone";
- ``console``: prints each message to stdout;
- ``package.module:factory``: any callable taking the app config and returning a sender.
  ``app.notify.gateways:from_config`` is the real one: SMS through an HTTP gateway and e-mail
  through SMTP (settings in that module). A province's own SMS platform plugs in the same way:
  write a class with ``send(message)`` and point ``NOTIFY_SENDER`` at its factory.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from werkzeug.utils import import_string


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as a gateway sees it. `body` is final text: ID numbers already masked."""

    id: int
    channel: str  # "sms" or "email"
    recipient: str  # phone number or e-mail address
    subject: str
    body: str
    language: str = "zh"


class Sender(Protocol):
    def send(self, message: OutgoingMessage) -> None:
        """Deliver the message or raise (any exception counts as a failed attempt)."""


class DeliveryError(RuntimeError):
    """A gateway refused or could not take the message."""


def sender_from_config(config: Mapping[str, Any], *, instance_path: str | Path) -> Sender:
    from app.notify.senders import ConsoleSender, FileSender

    name = str(config.get("NOTIFY_SENDER") or "file").strip()
    if name == "file":
        return FileSender(Path(config.get("NOTIFY_OUTBOX_FILE") or Path(instance_path) / "outbox.log"))
    if name == "console":
        return ConsoleSender()
    if ":" not in name:
        raise ValueError(f"NOTIFY_SENDER must be 'file', 'console' or 'module:factory', not {name!r}")
    return import_string(name)(config)
