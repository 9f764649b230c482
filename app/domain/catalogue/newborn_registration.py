"""新生儿出生登记"全省通办" — province-wide newborn registration (户口登记条例第7条; seed 002 item 1)."""
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
    code="newborn_registration",
    name_zh="新生儿出生登记（全省通办）",
    name_en="Newborn registration (province-wide)",
    summary_zh="在河南省内出生、婚内生育、父母户籍均在省内且同民族、随父或随母在省内家庭户落户、"
    "不超过6周岁的新生儿，可在省内任一户籍派出所申报出生登记。",
    summary_en="Children born in the province in wedlock, whose parents both hold hukou in the "
    "province with the same ethnicity, registered into a family household in the province, "
    "aged 6 or under, can be registered at any hukou station in the province.",
    unit_kind="police_station",
    applicant_kinds=frozenset({ApplicantKind.INDIVIDUAL}),
    materials=(
        Material("birth_certificate", "出生医学证明", "Medical birth certificate", shared=True),
        Material("marriage_certificate", "父母结婚证", "Parents' marriage certificate", shared=True),
        Material("household_register", "落户方居民户口簿", "Receiving household register", shared=True),
        Material("parents_id_cards", "父母居民身份证", "Parents' ID cards", shared=True),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(5),
        statutory=workdays(5),
        delivery=workdays(10),
        sources={
            "acceptance": "行政许可法第32条",
            "promised": "许昌公安便民利民服务十项措施第1条：5个工作日",
            "statutory": "许昌公安便民利民服务十项措施第1条：5个工作日",
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.ISSUE}),
    outcome_documents=("户口登记（新生儿入户）",),
    legal_basis_zh="《中华人民共和国户口登记条例》第七条；河南省新生儿出生登记“全省通办”",
    number_prefix="XS",
    workflow_built=False,
)

MAX_AGE_YEARS = 6
# 户口登记条例第7条: register within one month of birth; later registrations are still accepted.
TIMELY_REGISTRATION_MONTHS = 1
