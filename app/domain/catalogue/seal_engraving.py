"""公章刻制 — seals for a new enterprise (印铸刻字业暂行管理规则, 2024; seed 004 item 4)."""
from typing import Annotated, Literal

from pydantic import Field

from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    workdays,
)
from app.domain.catalogue.documents import outcome, service_refusal
from app.domain.catalogue.schema import MAX_ID, FilingModel, Text, rule
from app.domain.identifiers import citizen_id_shape, validate_mobile
from app.domain.text import N_

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
        Material("business_licence", "营业执照", "Business licence", shared=True,
                 registry_zh=N_("市场监管部门市场主体登记信息")),
        Material("legal_rep_id", "法定代表人身份证号码及手机号码", "Legal representative's ID number and phone",
                 entered=True),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=None,  # accepted at once: there is no correction step
        promised=workdays("0.5"),
        statutory=workdays(1),
        extension=None,
        sources={
            "extension": N_("不适用延长：新设立企业公章刻制限时完成"),
            "acceptance": N_("行政许可法第32条（信息共享核验通过后由系统即时受理）"),
            "promised": N_("优化营商环境措施第4条：新设立企业0.5个工作日完成公章刻制（按工作时间计算）"),
            "statutory": N_("本系统设置（可调整）"),
        },
    ),
    # The registry checks run at filing, so the system accepts at once; the engraving shop
    # (not police staff) reports completion and the system approves and records the seals.
    steps=frozenset({Step.AUTOMATIC}),
    documents=(
        outcome("seal_record", "seal_record.html", N_("印章备案信息"),
                "《印铸刻字业暂行管理规则》（2024年12月6日修订）"),
        service_refusal(N_("印章刻制不予办理决定书"), "不予办理印章刻制备案",
                        "《印铸刻字业暂行管理规则》（2024年12月6日修订）"),
    ),
    legal_basis_zh="《印铸刻字业暂行管理规则》（2024年12月6日修订）",
    number_prefix="KZ",
    position=40,
    data_labels={
        "enterprise_name": N_("企业名称"), "uscc": N_("统一社会信用代码"), "address": N_("住所"),
        "legal_rep_name": N_("法定代表人"), "legal_rep_phone": N_("法定代表人手机号码"), "shop_name": N_("刻章单位"),
        "shop_record_number": N_("刻章单位备案编号"), "seals": N_("刻制印章"), "engraving_started_at": N_("开始刻制时间"),
    },
    workflow_built=True,
)

SEAL_KINDS = {
    "company": N_("公章"),
    "finance": N_("财务专用章"),
    "invoice": N_("发票专用章"),
    "contract": N_("合同专用章"),
    "legal_rep": N_("法定代表人名章"),
}
SEAL_KINDS_EN = {
    "company": "Company seal",
    "finance": "Finance seal",
    "invoice": "Invoice seal",
    "contract": "Contract seal",
    "legal_rep": "Legal representative's name seal",
}
# Each recorded seal gets a 13-digit anti-counterfeit code (防伪码) (RULES.md, R).
CODE_LENGTH = 13
SEAL_ACTIVE = "active"
SEAL_CANCELLED = "cancelled"
SEAL_STATUS_NAMES = {SEAL_ACTIVE: N_("备案有效"), SEAL_CANCELLED: N_("已挂失注销")}
SHOP_RECORDED = "recorded"


def check_enterprise(enterprise) -> None:
    """Only an enterprise that exists (存续) in the enterprise registry may have seals made."""
    if enterprise is None:
        raise RuleViolation(
            "enterprise.unknown",
            N_("未在市场主体登记信息中查询到本企业，请核对统一社会信用代码或到窗口办理。"),
        )
    if enterprise.status != "active":
        raise RuleViolation(
            "enterprise.cancelled",
            N_("%(name)s在市场主体登记信息中的状态为已注销，已注销的企业不能申请刻制印章。"),
            params={"name": enterprise.name},
        )


def check_legal_rep(enterprise, legal_rep_id_number: str) -> None:
    """The ID number given must be that of the legal representative on the registry."""
    if legal_rep_id_number != enterprise.legal_rep_id_number:
        raise RuleViolation(
            "legal_rep.mismatch",
            N_("填写的法定代表人身份证号码与市场主体登记信息不一致，请核对；如法定代表人已变更，请先办理变更登记。"),
            "legal_rep_id_number",
        )


def _region_rank(shop, region_code: str) -> int | None:
    """0: same county, 1: same city, None: elsewhere."""
    if shop.region_code == region_code:
        return 0
    if shop.region_code[:4] == region_code[:4]:
        return 1
    return None


def shops_offered(shops, region_code: str) -> list:
    """Recorded (已备案) shops in the enterprise's city, those of its own county first.
    Suspended shops are never offered."""
    offered = [s for s in shops if s.status == SHOP_RECORDED and _region_rank(s, region_code) is not None]
    return sorted(offered, key=lambda s: (_region_rank(s, region_code), s.name, s.id))


def check_shop(shop, region_code: str) -> None:
    if shop is None:
        raise RuleViolation("shop.unknown", N_("请选择一家已备案的刻章单位。"), "shop_id")
    if shop.status != SHOP_RECORDED:
        raise RuleViolation(
            "shop.suspended",
            N_("%(shop)s的备案已暂停，暂不能承接印章刻制，请选择其他已备案的刻章单位。"),
            "shop_id",
            {"shop": shop.name},
        )
    if _region_rank(shop, region_code) is None:
        raise RuleViolation("shop.out_of_region", N_("请选择本企业所在地已备案的刻章单位。"), "shop_id")


def choose_seals(kinds, *, held: set[str], pending: set[str]) -> tuple[str, ...]:
    """The seals asked for, in catalogue order. At least one; none that the enterprise holds
    and has not cancelled (挂失注销), nor one already in an application being handled."""
    violations = seal_violations(kinds, held=held, pending=pending)
    if violations:
        raise violations[0]
    return tuple(k for k in SEAL_KINDS if k in ([kinds] if isinstance(kinds, str) else kinds))


def seal_violations(kinds, *, held: set[str], pending: set[str]) -> list[RuleViolation]:
    """Everything wrong with the seals asked for: none or an unknown kind (nothing more to say
    then), else seals already held and seals already applied for, both."""
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list | tuple) or not kinds:
        return [RuleViolation("seals.none", N_("请至少选择一枚需要刻制的印章。"), "seals")]
    unknown = [k for k in kinds if k not in SEAL_KINDS]
    if unknown:
        return [RuleViolation("seals.unknown", N_(
            "印章种类有误，请从公章、财务专用章、发票专用章、合同专用章、法定代表人名章中选择。"), "seals")]
    chosen = tuple(k for k in SEAL_KINDS if k in kinds)
    violations = []
    duplicate = [k for k in chosen if k in held]
    if duplicate:
        names = "、".join(SEAL_KINDS[k] for k in duplicate)
        violations.append(RuleViolation(
            "seals.duplicate",
            N_("本企业已持有%(names)s（备案有效，未挂失注销），不能重复刻制；如印章遗失，请先在“我的印章”中挂失。"),
            "seals",
            {"names": names},
        ))
    in_progress = [k for k in chosen if k in pending]
    if in_progress:
        names = "、".join(SEAL_KINDS[k] for k in in_progress)
        violations.append(RuleViolation(
            "seals.pending",
            N_("本企业已有正在办理的%(names)s刻制申请，请勿重复申请。"),
            "seals",
            {"names": names},
        ))
    return violations


def anti_counterfeit_code(randbelow) -> str:
    """A 13-digit code with no leading zero, drawn from `randbelow` (use `secrets.randbelow`)."""
    low = 10 ** (CODE_LENGTH - 1)
    return str(low + randbelow(9 * low))


def is_anti_counterfeit_code(value: object) -> bool:
    return isinstance(value, str) and len(value) == CODE_LENGTH and value.isascii() and value.isdigit()


class SealEngravingFiling(FilingModel):
    """The application: everything else comes from the enterprise registry."""

    legal_rep_id_number: Annotated[Text(18), rule(citizen_id_shape)]
    legal_rep_phone: Annotated[Text(20), rule(validate_mobile)]
    shop_id: int = Field(ge=1, le=MAX_ID, description="a recorded (已备案) engraving shop of the enterprise's area")
    seals: list[Literal[tuple(SEAL_KINDS)]] = Field(min_length=1, max_length=len(SEAL_KINDS))

    missing_messages = {
        "shop_id": ("shop.unknown", N_("请选择一家已备案的刻章单位。")),
        "seals": ("seals.none", N_("请至少选择一枚需要刻制的印章。")),
    }
    invalid_messages = {"shop_id": missing_messages["shop_id"], "seals.*": ("seals.unknown", N_(
        "印章种类有误，请从公章、财务专用章、发票专用章、合同专用章、法定代表人名章中选择。"))}


FILING = SealEngravingFiling
