"""12345热线转办工单 — a request the 12345 hotline hands to the police, recorded by staff with the
hotline's order number (`filed_by_staff`), then routed, answered and transferred as a
警民直通车 request is (the same kinds, limits and rules: `app.domain.catalogue.public_request`).

The requester has no account here: the answer goes back through the hotline, and a requester
unsatisfied with it calls the hotline again (a new order), so 重新办理 is not offered online.
One order is one request: its number is unique (`app.models.hotline.HotlineOrder`).
"""
from __future__ import annotations

from dataclasses import replace

from app.domain.catalogue import public_request
from app.domain.catalogue.base import RuleViolation, Step
from app.domain.catalogue.schema import Text
from app.domain.text import N_

CODE = "public_request_hotline"
ORDER_NUMBER_PATTERN = r"^[0-9A-Za-z-]{6,32}$"

SERVICE = replace(
    public_request.SERVICE,
    code=CODE,
    name_zh="12345热线转办工单",
    name_en="12345 hotline order",
    summary_zh="12345政务服务便民热线转交公安机关的工单，由工作人员按热线工单编号录入，"
    "按诉求类型限时答复，答复经热线反馈诉求人。",
    summary_en="An order the 12345 government hotline passes to the police: staff record it under the "
    "hotline's order number; it is answered within its kind's limit and the answer goes back through the hotline.",
    steps=frozenset({Step.TRANSFER}),
    filed_by_staff=True,
    # Not applied for on the portal: the requester calls 12345, staff record the order.
    listed=False,
    number_prefix="ZR",
    position=121,
    data_labels={**public_request.SERVICE.data_labels,
                 "hotline_order_number": N_("12345工单编号"), "requester_name": N_("诉求人姓名")},
)


def check_order_number_free(taken: bool) -> None:
    if taken:
        raise RuleViolation("public_request.hotline_order_recorded", N_(
            "该12345工单已录入，不能重复录入；请在办件列表中查找。"), "hotline_order_number")


def check_recording_unit(recording_kind: str | None, routed_kind: str) -> None:
    """The unit the hotline handed the order to records it and, if it is another unit's matter,
    transfers it; a complaint about police conduct (12389) only the inspectorate records, so the
    complainant's identity is never entered anywhere else."""
    if recording_kind is None:
        raise RuleViolation("public_request.hotline_no_unit", N_("只有承办单位的工作人员可以录入热线工单。"))
    if (routed_kind == public_request.INSPECTION) != (recording_kind == public_request.INSPECTION):
        raise RuleViolation("public_request.hotline_conduct_unit", N_(
            "反映民警执法服务问题的热线工单由督察部门录入；其他工单由承办单位录入。"), "police_conduct")


class HotlineOrderFiling(public_request.PublicRequestFiling):
    """热线工单: the request, the hotline's order number and the requester's name."""

    hotline_order_number: Text(32, pattern=ORDER_NUMBER_PATTERN)
    requester_name: Text(60)


FILING = HotlineOrderFiling
