"""交通事故证据材料查询码 — evidence query codes (道路交通事故处理程序规定第65条; seed 002 item 6)."""
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
    code="accident_evidence",
    name_zh="交通事故证据材料查阅（查询码）",
    name_en="Traffic accident evidence query code",
    summary_zh="一般程序处理的交通事故，在送达事故认定书或事故证明后，当事人、代理人或死亡事故中死者的近亲属"
    "及其代理人可书面申请查询码，凭码在线查阅、复制证据材料。",
    summary_en="After the accident determination is served, parties, their agents or (fatal "
    "accidents) close relatives apply for a query code to view and copy the evidence online.",
    unit_kind="traffic_brigade",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL, ApplicantKind.AGENT}),
    materials=(
        Material("written_request", "书面申请", "Written request"),
        Material("id_document", "身份证明", "Identity document"),
        Material("power_of_attorney", "授权委托书", "Power of attorney", required=False,
                 note_zh="代理人申请时提交"),
        Material("kinship_proof", "近亲属关系证明", "Proof of close kinship", required=False,
                 note_zh="死亡事故近亲属申请时提交"),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(1),
        statutory=workdays(3),
        sources={
            "promised": "本系统设置（法律未设定提供期限，可调整）",
            "statutory": "本系统设置（法律未设定提供期限，可调整）",
        },
    ),
    steps=frozenset({Step.CORRECTION}),
    outcome_documents=("事故证据材料查询凭证",),
    legal_basis_zh="《道路交通事故处理程序规定》（公安部令第146号）第六十五条",
    number_prefix="SG",
    workflow_built=False,
)

QUERY_CODE_VALID_DAYS = 30
