"""保安服务许可 — licence to set up a security service company (保安服务管理条例 第8–9条;
公安机关实施保安服务管理条例办法, 公安部令第112号), with 容缺受理 (seed 002 item 4).

Two units, two clocks (行政许可法第43条): the city police (治安支队) review within 15 working days
of receiving the materials and forward their opinion; the provincial police decide within 15
working days of receiving it. Conditions come from the registries and the filing: registered
capital (enterprise registry), managers' experience (filing) and records (court registry);
premises, equipment and management rules are materials.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.domain.catalogue.base import (
    ApplicantKind,
    Material,
    RuleViolation,
    Service,
    ServiceLimits,
    Step,
    days,
    workdays,
)
from app.domain.catalogue.documents import licence_refusal, outcome
from app.domain.catalogue.schema import FilingModel, Optional, Text
from app.domain.identifiers import mask_id_number
from app.domain.text import N_, Bilingual, Message
from app.domain.verification import Finding, RegistryCheck, Tone, worst

SERVICE = Service(
    code="security_licence",
    name_zh="保安服务许可（设立保安服务公司）",
    name_en="Security service licence (setting up a security company)",
    summary_zh="设立保安服务公司须注册资本不少于100万元（经营武装守护押运的不少于1000万元且国有控股），"
    "拟任管理人员具有5年以上相关工作经验且无犯罪记录。市公安局治安支队15个工作日内审核后报省公安厅，"
    "省公安厅自收到审核意见起15个工作日内决定。主审要件齐全、非主审要件暂缺的，信用良好的申请人可承诺容缺受理。",
    summary_en="Registered capital of at least RMB 1 million (10 million and state-controlled for armed "
    "escort), managers with 5+ years' experience and no criminal record. The city reviews within 15 "
    "working days, the province decides within 15 working days of the opinion. With the core materials "
    "complete, applicants in good standing may file with non-core materials to follow (tolerance).",
    unit_kind="security_detachment",
    applicant_kinds=frozenset({ApplicantKind.ENTERPRISE}),
    materials=(
        Material("application_form", "设立保安服务公司申请书", "Application form"),
        Material("business_licence", "营业执照（企业名称核准）", "Business licence", shared=True,
                 registry_zh=N_("市场监管部门市场主体登记信息")),
        Material("capital_proof", "注册资本证明", "Proof of registered capital"),
        Material("manager_documents", "拟任法定代表人和主要管理人员的履历及相关工作经验证明",
                 "Managers' résumés and proof of experience",
                 note_zh=N_("身份信息和犯罪记录通过信息共享核验，无需另行提交")),
        Material("premises_proof", "住所和提供保安服务所需的场所证明", "Premises documents", core=False,
                 note_zh=N_("房屋产权证明或租赁合同复印件1份，加盖单位公章")),
        Material("equipment_list", "保安服务所需设施、装备清单", "Equipment list", core=False,
                 note_zh=N_("设施、装备清单原件1份，加盖单位公章")),
        Material("management_rules", "组织机构和保安服务管理制度、岗位责任制度、保安员管理制度",
                 "Organisation and management rules", core=False,
                 note_zh=N_("制度文本1套，加盖单位公章")),
        Material("armed_escort_proof", "国有资本出资证明及武装守护押运业务相关材料",
                 "State capital proof and armed-escort documents", required=False,
                 note_zh=N_("经营范围包括武装守护押运业务的提交")),
    ),
    limits=ServiceLimits(
        acceptance=workdays(5),
        correction_reply=days(30),
        promised=workdays(15),
        statutory=workdays(15),
        extension=workdays(10),  # 行政许可法第42条: once, by 10 working days
        delivery=workdays(10),
        commitment=workdays(10),
        higher_review=workdays(15),
        sources={
            "acceptance": N_("行政许可法第32条"),
            "correction_reply": N_("本系统设置（补正答复期限，可调整）"),
            "promised": N_("保安服务管理条例第9条：设区的市级公安机关自收到申请材料之日起15日内审核"),
            "statutory": N_("保安服务管理条例第9条：设区的市级公安机关自收到申请材料之日起15日内审核"),
            "extension": N_("行政许可法第42条（负责人批准，延长一次）"),
            "delivery": N_("行政许可法第44条"),
            "commitment": N_("容缺受理地方规定（许昌公安2022年便民利民十项措施第4条）：补齐期限不超过承诺办理时限"),
            "higher_review": N_("保安服务管理条例第9条：省级公安机关自收到审核意见之日起15日内作出决定"),
        },
    ),
    steps=frozenset({Step.CORRECTION, Step.SUSPENSION, Step.EXTENSION, Step.ISSUE, Step.TOLERANCE,
                     Step.TWO_TIER}),
    documents=(
        outcome("security_licence", "security_licence.html", N_("保安服务许可证"), "《保安服务管理条例》第八条、第九条"),
        licence_refusal(N_("不予许可决定书"), "《保安服务管理条例》第八条、第九条"),
    ),
    legal_basis_zh="《保安服务管理条例》第八条、第九条；《公安机关实施保安服务管理条例办法》（公安部令第112号）",
    extension_basis_zh="《中华人民共和国行政许可法》第四十二条",
    number_prefix="BA",
    position=70,
    data_labels={
        "company_name": N_("公司名称"), "registered_capital_yuan": N_("注册资本（企业登记信息）"),
        "armed_escort": N_("经营武装守护押运业务"), "state_controlled": N_("国有独资或国有控股"),
        "premises_address": N_("住所和服务场所"), "managers": N_("拟任法定代表人和主要管理人员"),
    },
    higher_unit_kind="provincial_bureau",
)

MIN_REGISTERED_CAPITAL_YUAN = 1_000_000
ARMED_ESCORT_MIN_CAPITAL_YUAN = 10_000_000
MIN_MANAGER_EXPERIENCE_YEARS = 5
MAX_MANAGERS = 10
ARMED_ESCORT_SCOPE = N_("武装守护押运")


@dataclass(frozen=True)
class Manager:
    """A proposed legal representative or principal manager (拟任法定代表人和主要管理人员)."""

    name: str
    id_number: str
    position: str
    experience_years: int


def yuan_text(amount: int) -> str:
    """``2000000`` → ``200万元``."""
    if amount % 10_000 == 0:
        return f"{amount // 10_000}万元"
    return f"{amount}元"


def _yuan(amount: int) -> Bilingual:
    return Bilingual(yuan_text(amount), f"RMB {amount:,}")


def capital_violations(capital_yuan: int, *, armed_escort: bool, state_controlled: bool) -> list[RuleViolation]:
    """保安服务管理条例第8条: capital ≥ 1 million; armed escort ≥ 10 million and state-controlled."""
    violations = []
    if capital_yuan < MIN_REGISTERED_CAPITAL_YUAN:
        violations.append(RuleViolation(
            "capital.too_low",
            N_("企业登记信息显示注册资本为%(capital)s，设立保安服务公司注册资本不得少于%(minimum)s。"),
            params={"capital": _yuan(capital_yuan), "minimum": _yuan(MIN_REGISTERED_CAPITAL_YUAN)},
        ))
    if armed_escort:
        if capital_yuan < ARMED_ESCORT_MIN_CAPITAL_YUAN:
            violations.append(RuleViolation(
                "capital.armed_escort",
                N_("经营%(scope)s业务的，注册资本不得少于%(minimum)s（登记注册资本为%(capital)s）。"),
                "armed_escort",
                {"scope": ARMED_ESCORT_SCOPE, "minimum": _yuan(ARMED_ESCORT_MIN_CAPITAL_YUAN),
                 "capital": _yuan(capital_yuan)},
            ))
        if not state_controlled:
            violations.append(RuleViolation(
                "armed_escort.state_controlled",
                N_("经营%(scope)s业务的，须为国有独资或者国有资本占注册资本总额51%%以上的公司。"),
                "state_controlled",
                {"scope": ARMED_ESCORT_SCOPE},
            ))
    return violations


def manager_violations(number: int, manager: Manager, person, judgments: Iterable) -> list[RuleViolation]:
    """One manager (numbered from 1 for the message): identity in the population registry,
    ≥ 5 years' relevant experience, no effective criminal conviction (court registry)."""
    label = Message(N_("第%(number)s位管理人员（%(name)s）"), {"number": number, "name": manager.name})
    if person is None or person.name != manager.name:
        return [RuleViolation("manager.identity", N_("%(manager)s的姓名与公民身份号码未能通过户籍信息核验。"), "managers",
                              {"manager": label})]
    violations = []
    if manager.experience_years < MIN_MANAGER_EXPERIENCE_YEARS:
        violations.append(RuleViolation(
            "manager.experience",
            N_("%(manager)s相关工作经验为%(years)s年，拟任管理人员须具有%(minimum)s年以上相关工作经验。"),
            "managers",
            {"manager": label, "years": manager.experience_years, "minimum": MIN_MANAGER_EXPERIENCE_YEARS},
        ))
    if has_disqualifying_record(judgments):
        violations.append(RuleViolation(
            "manager.record",
            N_("%(manager)s经法院生效裁判认定有罪，不得担任保安服务公司法定代表人或主要管理人员。"),
            "managers",
            {"manager": label},
        ))
    return violations


def has_disqualifying_record(judgments: Iterable) -> bool:
    """Only guilt confirmed by an effective court judgment disqualifies."""
    return any(j.effective for j in judgments)


def enterprise_violations(enterprise) -> list[RuleViolation]:
    if enterprise is None:
        return [RuleViolation("enterprise.unknown", N_("未在企业登记信息中查询到本单位，请核对统一社会信用代码。"))]
    if enterprise.status != "active":
        return [RuleViolation("enterprise.inactive", N_("企业登记信息显示本单位已注销或吊销，不能申请保安服务许可。"))]
    return []


def approval_violations(enterprise, managers: list[Manager], people: dict, *, armed_escort: bool,
                        state_controlled: bool) -> list[RuleViolation]:
    """Every condition the licence rests on, as the registries stand at the decision
    (`people`: each manager's ID number → (population record, court judgments))."""
    return [v for _label, found in _approval_findings(enterprise, managers, people, armed_escort=armed_escort,
                                                      state_controlled=state_controlled) for v in found]


def _approval_findings(enterprise, managers, people, *, armed_escort, state_controlled):
    """(what was checked, its violations) for the enterprise, then each manager."""
    violations = enterprise_violations(enterprise)
    if violations:
        return [(None, violations)]
    rows = [(None, capital_violations(enterprise.registered_capital_yuan, armed_escort=armed_escort,
                                      state_controlled=state_controlled))]
    for number, manager in enumerate(managers, 1):
        person, judgments = people.get(manager.id_number, (None, []))
        rows.append((manager, manager_violations(number, manager, person, judgments)))
    return rows


REGISTRY_SOURCES = N_("企业登记信息（市场监管部门）；人口信息（公安户籍）；法院刑事裁判信息（人民法院信息共享）")


def registry_check(enterprise, managers: list[Manager], people: dict, *, armed_escort: bool,
                   state_controlled: bool) -> RegistryCheck:
    """The enterprise's registration and capital, each manager's identity, experience and
    convictions, as the licence's conditions read them (ID numbers masked)."""
    findings = []
    for manager, violations in _approval_findings(enterprise, managers, people, armed_escort=armed_escort,
                                                  state_controlled=state_controlled):
        problems = "；".join(v.message.rstrip("。") for v in violations)
        if manager is None:
            label, params = N_("企业登记"), {}
            ok = N_("存续，注册资本%(capital)s")
            params = {"capital": yuan_text(enterprise.registered_capital_yuan)} if enterprise else {}
        else:
            label = N_("%(position)s %(name)s（%(id_number)s）")
            params = {"position": manager.position, "name": manager.name,
                      "id_number": mask_id_number(manager.id_number)}
            ok = N_("身份核验一致；相关工作%(years)s年；未查询到生效有罪裁判")
            params["years"] = manager.experience_years
        if violations:
            findings.append(Finding(label, N_("%(problems)s。"), Tone.BAD, {**params, "problems": problems}))
        else:
            findings.append(Finding(label, ok, Tone.OK, params))
    tone = worst(f.tone for f in findings)
    conclusion = (N_("不符合许可条件：不能准予许可，请在审查意见或不予许可决定中写明理由。") if tone == Tone.BAD
                  else N_("符合许可条件。"))
    return RegistryCheck(REGISTRY_SOURCES, tuple(findings), conclusion, tone)


class ManagerRow(BaseModel):
    """One proposed manager as filed (the form's blank rows are allowed and left out)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    name: Optional(Text(60)) = None
    id_number: Optional(Text(18)) = None
    position: Optional(Text(40)) = None
    experience_years: Optional(Annotated[int, Field(ge=0, le=60)]) = None


class SecurityLicenceFiling(FilingModel):
    """保安服务许可申请: premises, business scope, the proposed managers (capital and court
    records come from the registries)."""

    premises_address: Text(200)
    armed_escort: bool = Field(default=False, description="business scope includes 武装守护押运")
    state_controlled: bool = Field(default=False, description="state-owned or ≥51% state capital")
    managers: list[ManagerRow] = Field(min_length=1, max_length=MAX_MANAGERS,
                                       description="must include the legal representative; each ≥ 5 years' "
                                                   "relevant experience")

    missing_messages = {"managers": ("managers.missing", N_("请填写拟任法定代表人和主要管理人员的信息。")),
                        "premises_address": ("premises.missing", N_("请填写住所和提供保安服务所需场所的地址。"))}
    invalid_messages = {
        "managers": ("managers.too_many", N_("管理人员最多填写%(max_length)s位。")),
        "managers.*": ("managers.invalid", N_("第%(row)s位管理人员的信息格式有误。")),
        "managers.*.experience_years": ("managers.experience_years", N_(
            "请填写第%(row)s位管理人员的相关工作年限（0至60之间的整数）。")),
    }


FILING = SecurityLicenceFiling
