"""城市配送货车电子通行证 — city-entry truck permits (seed 002 items 8 and 10; MPS guideline 2021)."""
from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    Service,
    ServiceLimits,
    Step,
    days,
    hours,
    workdays,
)

SERVICE = Service(
    code="truck_permit",
    name_zh="城市配送货车电子通行证",
    name_en="City delivery truck electronic permit",
    summary_zh="网上申请货车通行证，系统自动比对车辆检验、报废、排放标准、驾驶证及交通违法信息，"
    "全部符合的即时核发，节假日和周末照常办理。",
    summary_en="Apply online; vehicle and driver checks run at once and a passing application is "
    "approved immediately, weekends and holidays included.",
    unit_kind="traffic_brigade",
    applicant_kinds=frozenset({ApplicantKind.ENTERPRISE, ApplicantKind.INDIVIDUAL}),
    materials=(
        Material("vehicle_licence", "机动车行驶证", "Vehicle registration", shared=True),
        Material("driver_licence", "机动车驾驶证", "Driver licence", shared=True),
    ),
    limits=ServiceLimits(
        acceptance=hours(24),
        correction_reply=days(7),
        promised=hours(24),
        statutory=workdays(3),
        sources={
            "acceptance": "本系统设置：自然时间，节假日照常",
            "promised": "本系统设置：自然时间24小时（符合条件的即时核发）",
            "statutory": "公安部交管局2021年指导意见（当日至3个工作日），可调整",
        },
    ),
    steps=frozenset({Step.AUTOMATIC, Step.CORRECTION}),
    outcome_documents=("城市配送货车电子通行证",),
    legal_basis_zh="公安部交通管理局《关于进一步优化货车通行管理的指导意见》（2021）",
    number_prefix="TX",
    workflow_built=False,
)

MIN_DAILY_WINDOW_HOURS = 6
ALLOWED_EMISSION_STANDARDS = ("国V", "国VI")
MAX_VALIDITY_DAYS = 365
