"""Couriers (寄递企业) behind one interface, as the registries and message senders are.

The clerk records the courier and its waybill number (运单号) after posting a result; the
courier poll (`flask --app wsgi courier poll`, also run by the sweep) asks the courier what
became of each parcel in the post. A courier has one method, ``status(...)``; a real one
(an EMS or SF tracking API) plugs in through the ``COURIER`` setting (``module:factory``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from werkzeug.utils import import_string

from app.domain.text import N_

POSTED = "posted"  # 已寄出（在途）
DELIVERED = "delivered"  # 已签收

# The couriers a clerk may name (code → name).
COURIERS = {"ems": N_("中国邮政EMS"), "sf": N_("顺丰速运"), "jd": N_("京东物流")}
COURIER_STATUS_NAMES = {POSTED: N_("已寄出"), DELIVERED: N_("已送达")}


@dataclass(frozen=True)
class ParcelStatus:
    status: str  # POSTED or DELIVERED
    at: datetime  # when the courier reports it happened


class Courier(Protocol):
    def status(self, courier: str, tracking_number: str, *, posted_at: datetime, now: datetime) -> ParcelStatus:
        """What the courier says of the parcel now (raises when it cannot be asked)."""


class SimulatedCourier:
    """A courier whose parcels are signed for a fixed time after posting (the demo and tests)."""

    def __init__(self, transit: timedelta = timedelta(days=1)):
        self.transit = transit

    def status(self, courier: str, tracking_number: str, *, posted_at: datetime, now: datetime) -> ParcelStatus:
        arrival = posted_at + self.transit
        return ParcelStatus(DELIVERED, arrival) if now >= arrival else ParcelStatus(POSTED, posted_at)


def courier_from_config(config: Mapping[str, Any]) -> Courier:
    name = str(config.get("COURIER") or "simulated").strip()
    if name == "simulated":
        return SimulatedCourier(timedelta(hours=float(config.get("SIMULATED_COURIER_TRANSIT_HOURS") or 24)))
    return import_string(name)(config)
