"""保安服务许可 — security service licence, with 容缺受理 (保安服务管理条例; seed 002 item 4)."""
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
    code="security_licence",
    name_zh="保安服务许可（可容缺受理）",
    name_en="Security service licence (tolerance acceptance available)",
    summary_zh="设立保安服务公司须注册资本不少于100万元、管理人员具有5年以上相关工作经验；"
    "主要材料齐全、非主审要件暂缺的，信用良好的申请人可承诺容缺受理。",
    summary_en="Registered capital of at least RMB 1 million and managers with 5+ years' "
    "experience; with core materials complete, applicants in good standing may file with "
    "non-core materials to follow.",
    unit_kind="security_detachment",
    applicant_kinds=frozenset({ApplicantKind.ENTERPRISE}),
    materials=(
        Material("application_form", "设立保安服务公司申请书", "Application form"),
        Material("capital_proof", "注册资本证明", "Proof of registered capital"),
        Material("manager_resumes", "管理人员工作简历及无犯罪记录证明", "Managers' résumés and records"),
        Material("premises_proof", "住所和经营场所证明", "Premises documents", core=False),
        Material("management_rules", "保安服务管理制度", "Management rules", core=False),
        Material("equipment_list", "保安服务设施设备清单", "Equipment list", core=False),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(15),
        statutory=workdays(15),
        extension=workdays(10),
        delivery=workdays(10),
        commitment=workdays(10),
        sources={
            "promised": "保安服务管理条例：设区的市级公安机关15个工作日审核",
            "statutory": "保安服务管理条例：设区的市级公安机关15个工作日审核；省级15个工作日决定",
            "commitment": "容缺受理地方规定：补齐期限不超过承诺办理时限",
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.EXTENSION, Step.ISSUE, Step.TOLERANCE, Step.SUSPENSION}),
    outcome_documents=("保安服务许可证",),
    legal_basis_zh="《保安服务管理条例》；公安部令第112号",
    number_prefix="BA",
    workflow_built=False,
)

MIN_REGISTERED_CAPITAL_YUAN = 1_000_000
MIN_MANAGER_EXPERIENCE_YEARS = 5
PROVINCE_DECISION = workdays(15)
UNTRUE_COMMITMENT_BAR_YEARS = 3
