"""What follows a recorded event, wired in one place (called by `create_app`).

Each subscriber runs inside the transaction that records the event and only adds rows: a
document to render and its job, a message and the job that sends it, the 容缺 commitment's
bookkeeping, revoked certificates, handed-in files made their slots' current version. The slow work is done afterwards by the jobs.
"""
from __future__ import annotations

from app.operations import audit, certificates, documents, materials, notifications, sla, tolerance
from app.operations.events import event_recorded

# In this order: the documents of an event exist before the message that announces them.
SUBSCRIBERS = (
    materials.on_event_recorded,
    documents.on_event_recorded,
    tolerance.on_event_recorded,
    certificates.on_event_recorded,
    notifications.on_event_recorded,
)
# The modules whose jobs and periodic tasks a worker must know (imported for their registrations).
TASK_MODULES = (audit, documents, materials, notifications, sla)


def on_event_recorded(application, **kwargs) -> None:
    """The one receiver of `event_recorded`: blinker calls its receivers in no set order (a set
    of ids), so the subscribers are called from here, in the order above."""
    for subscriber in SUBSCRIBERS:
        subscriber(application, **kwargs)


def connect() -> None:
    event_recorded.connect(on_event_recorded)  # blinker keeps one connection per receiver
