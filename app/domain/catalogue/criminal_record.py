"""无犯罪记录证明 — no-criminal-record certificate (公安机关办理犯罪记录查询工作规定, 2021)."""
from app.domain.catalogue.base import (
    ApplicantKind, Material, Service, ServiceLimits, Step, days, workdays,
)

SERVICE = Service(
    code="criminal_record",
    name_zh="无犯罪记录证明",
    name_en="No-criminal-record certificate",
    summary_zh="个人可在户籍地或居住地派出所申请开具本人无犯罪记录证明；单位可查询在职或拟招录人员。",
    summary_en="Individuals apply at the station of their hukou or residence; units may query "
    "their staff or people they plan to hire.",
    unit_kind="police_station",
    applicant_kinds=frozenset(
        {ApplicantKind.INDIVIDUAL, ApplicantKind.AGENT, ApplicantKind.UNIT, ApplicantKind.FOREIGNER}
    ),
    materials=(
        Material("id_card", "申请人有效身份证件", "Applicant's identity document", shared=True),
        Material("power_of_attorney", "授权委托书及受托人身份证件", "Power of attorney and agent's ID",
                 required=False, note_zh="委托他人代为申请时提交"),
        Material("unit_letter", "单位介绍信及法律依据说明", "Unit letter stating the legal provision",
                 required=False, note_zh="单位查询时提交，写明所依据的法律法规条款"),
        Material("employment_proof", "在职或拟招录证明", "Proof of employment or planned hiring",
                 required=False, note_zh="单位查询时提交"),
        Material("residence_proof", "居住证或居留证件", "Residence permit",
                 required=False, note_zh="在居住地或外国人申请时提交"),
        Material("purpose_proof", "用途证明材料", "Proof of purpose",
                 required=False, note_zh="同一年度内第4次及以上申请时提交"),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(1),
        statutory=workdays(3),
        extension=workdays(10),
        delivery=workdays(10),
        sources={
            "acceptance": "行政许可法第32条",
            "correction_reply": "本系统设置（补正答复期限，可调整）",
            "promised": "本系统设置（承诺时限，可调整）",
            "statutory": "公安机关办理犯罪记录查询工作规定：3个工作日",
            "extension": "行政许可法第42条（负责人批准，延长一次）",
            "delivery": "行政许可法第44条",
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.SUSPENSION, Step.EXTENSION, Step.ISSUE, Step.IMMEDIATE}),
    outcome_documents=("无犯罪记录证明", "不予出具无犯罪记录证明通知书", "查询告知函"),
    legal_basis_zh="《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）",
    number_prefix="FZ",
)

# 异议复核: a written review opinion within 15 working days, extendable to 30 for complex cases.
OBJECTION_REVIEW = workdays(15)
OBJECTION_REVIEW_COMPLEX = workdays(30)
# More than this many requests by one person in a calendar year need a stated purpose.
FREE_REQUESTS_PER_YEAR = 3
FOREIGNER_MIN_RESIDENCE_DAYS = 180
