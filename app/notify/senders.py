"""The default senders: a file (the demo phone and mailbox) and the console.

Neither is a real channel, so both show the recipient masked: the file and the terminal are
read by developers, not by the applicant.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TextIO

from app.domain.identifiers import mask_phone
from app.notify import OutgoingMessage


def masked_recipient(message: OutgoingMessage) -> str:
    if message.channel == "email":
        local, _, domain = message.recipient.partition("@")
        return f"{local[:1]}***@{domain}" if domain else "***"
    return mask_phone(message.recipient)


def render(message: OutgoingMessage) -> str:
    header = f"--- message #{message.id} · {message.channel} · to {masked_recipient(message)} · {message.language}"
    lines = [header]
    if message.channel == "email":
        lines.append(f"Subject: {message.subject}")
    lines += [message.body.rstrip(), ""]
    return "\n".join(lines) + "\n"


class ConsoleSender:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, message: OutgoingMessage) -> None:
        stream = self.stream or sys.stdout
        stream.write(render(message))
        stream.flush()


class FileSender:
    _lock = threading.Lock()

    def __init__(self, path: Path):
        self.path = Path(path)

    def send(self, message: OutgoingMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(render(message))


class MemorySender:
    """Keeps what it was given (tests, previews); `fail` makes every send raise."""

    def __init__(self, *, fail: bool = False):
        self.sent: list[OutgoingMessage] = []
        self.fail = fail

    def send(self, message: OutgoingMessage) -> None:
        if self.fail:
            from app.notify import DeliveryError

            raise DeliveryError("gateway unavailable")
        self.sent.append(message)
