"""差评整改 — the rectification work order a bad rating opens (国办发〔2019〕51号; RULES.md).

A 不满意 or 非常不满意 rating is filed by the system, on the rater's behalf and in the rater's
name (the rater owns the work order and tracks it like any application), to the unit that
handled the rated matter. The system accepts it at once (即办), so the 15-working-day clock
(Sichuan: bad ratings rectified within 15 working days) runs on the same engine and calendar as
every other service, with the same lights and the same escalation when it runs out. The unit's
supervisor closes it with `approve`, recording the call-back (回访) and the rectification
measures (整改措施); the rules for those are in `app.domain.ratings`.
"""
from pydantic import Field

from app.domain.catalogue.base import ApplicantKind, Service, ServiceLimits, Step, workdays
from app.domain.catalogue.documents import outcome
from app.domain.catalogue.schema import MAX_ID, FilingModel
from app.domain.text import N_

CODE = "rating_rectification"

SERVICE = Service(
    code=CODE,
    name_zh="差评整改",
    name_en="Follow-up of a bad rating",
    summary_zh="对办件作出“不满意”或“非常不满意”评价后，系统自动生成差评整改工单，交承办单位在15个工作日内"
    "回访核实并整改反馈，无需另行申请。",
    summary_en="A 'dissatisfied' or 'very dissatisfied' rating opens a work order for the handling unit, "
    "which calls the rater back and reports its rectification within 15 working days. Nothing to file.",
    unit_kind="any",  # the unit that handled the rated matter
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL, ApplicantKind.ENTERPRISE}),
    materials=(),
    limits=ServiceLimits(
        acceptance=None,  # accepted by the system when filed
        correction_reply=None,
        promised=workdays(15),
        statutory=workdays(15),
        extension=None,
        sources={
            "extension": N_("不适用延长：差评须在15个工作日内整改"),
            "promised": N_("政务服务“好差评”制度（国办发〔2019〕51号）；四川：差评15个工作日内整改"),
            "statutory": N_("政务服务“好差评”制度（国办发〔2019〕51号）；四川：差评15个工作日内整改"),
        },
    ),
    steps=frozenset({Step.IMMEDIATE}),
    documents=(outcome("rectification_notice", "rectification_notice.html", N_("差评整改情况告知书"),
                       "《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》（国办发〔2019〕51号）"),),
    legal_basis_zh="《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》（国办发〔2019〕51号）",
    number_prefix="PJ",
    position=80,
    data_labels={
        "rating_id": N_("评价编号"), "rated_number": N_("被评办件编号"), "rated_service": N_("被评事项"),
        "level": N_("评价等级"), "comment": N_("评价内容"),
    },
    listed=False,
)

# Actions a rectification work order never takes: it is closed only with a call-back record.
REFUSED_ACTIONS = {
    "reject": N_("差评整改工单须回访评价人并登记整改情况后办结，不能作出不予许可决定；"
                 "如属误评或恶意差评，请在评价管理中甄别。"),
    "withdraw": N_("差评整改工单由承办单位回访办结，不能撤回。"),
    "revoke": N_("差评整改工单已办结，不能撤销。"),
}


class WorkOrderFiling(FilingModel):
    """差评整改工单: the bad rating it answers."""

    rating_id: int = Field(ge=1, le=MAX_ID)


FILING = WorkOrderFiling
