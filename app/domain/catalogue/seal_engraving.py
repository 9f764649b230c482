"""公章刻制 — seals for a new enterprise (印铸刻字业暂行管理规则, 2024; seed 004 item 4)."""
from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    Service,
    ServiceLimits,
    Step,
    days,
    workdays,
)

SERVICE = Service(
    code="seal_engraving",
    name_zh="新办企业公章刻制",
    name_en="Seal engraving for a new enterprise",
    summary_zh="新办企业只需提供法定代表人身份证号码和手机号码，其余信息通过企业登记信息共享获取，"
    "0.5个工作日内完成刻制备案。",
    summary_en="A new enterprise gives only the legal representative's ID number and phone; "
    "seals are engraved and recorded within half a working day.",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.ENTERPRISE}),
    materials=(
        Material("business_licence", "营业执照", "Business licence", shared=True),
        Material("legal_rep_id", "法定代表人身份证号码及手机号码", "Legal representative's ID number and phone"),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays("0.5"),
        statutory=workdays(1),
        sources={
            "promised": "优化营商环境措施（seed 004第4条）：0.5个工作日",
            "statutory": "本系统设置（可调整）",
        },
    ),
    steps=frozenset({Step.CORRECTION}),
    outcome_documents=("印章备案信息（含防伪码）",),
    legal_basis_zh="《印铸刻字业暂行管理规则》（2024年12月6日修订）",
    number_prefix="KZ",
    workflow_built=False,
)

SEAL_KINDS = {
    "company": "公章",
    "finance": "财务专用章",
    "invoice": "发票专用章",
    "contract": "合同专用章",
    "legal_rep": "法定代表人名章",
}
