"""The catalogue's numbers (目录中的数值), each with its default and where it comes from.

RULES.md tags each number: **V** verified in the legal text (fixed: the law's own number, not a
setting), **L** verified only in a local rule and **R** common practice (both settings an
administrator may change; these are their defaults). The service modules keep the constants
their rules read; this table names them, cites their source, and says which are settings.
`tests/domain/test_rules_numbers.py` holds every V-number of docs/RULES.md to this table.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.catalogue import (
    criminal_record,
    newborn_registration,
    public_request,
    residence_permit,  # residence_permit
    security_licence,
    truck_permit,
)
from app.domain.catalogue import foreigner_accommodation as accommodation
from app.domain.catalogue import foreigner_work_residence as work_residence
from app.domain.catalogue.base import RuleViolation
from app.domain.text import N_
from app.domain.tolerance import UNTRUE_COMMITMENT_BAR_YEARS


@dataclass(frozen=True)
class Default:
    """One number: its setting key, name, default, source (law and article) and RULES.md tag."""

    key: str
    name_zh: str
    value: int | str
    source_zh: str
    tag: str  # "V", "L" or "R"
    # L and R numbers are settings; a V number is the law's own. False for an L number that
    # names its rule rather than tuning it (the province code: another province is another rule).
    setting: bool | None = None

    @property
    def adjustable(self) -> bool:
        return self.tag in ("L", "R") if self.setting is None else self.setting



DEFAULTS: tuple[Default, ...] = (
    Default("criminal_record.free_requests_per_year", N_("同一人一年内无须说明用途的查询次数"),
            criminal_record.FREE_REQUESTS_PER_YEAR,
            N_("公安机关办理犯罪记录查询工作规定：同一人一个自然年度内申请超过3次的，须提供用途证明"), "V"),
    Default("criminal_record.foreigner_min_residence_days", N_("外国人在华居住满（日）"),
            criminal_record.FOREIGNER_MIN_RESIDENCE_DAYS,
            N_("公安机关办理犯罪记录查询工作规定：在中国境内居住满180日的外国人，向居住地县级公安机关出入境管理部门申请"),
            "V"),
    Default("criminal_record.juvenile_age", N_("未成年人犯罪记录封存：犯罪时不满（周岁）"), criminal_record.JUVENILE_AGE,
            N_("公安机关办理犯罪记录查询工作规定：犯罪时不满18周岁、被判处5年有期徒刑以下刑罚的，犯罪记录封存"), "V"),
    Default("criminal_record.sealed_max_sentence_months", N_("未成年人犯罪记录封存：刑期不超过（月）"),
            criminal_record.SEALED_MAX_SENTENCE_MONTHS,
            N_("公安机关办理犯罪记录查询工作规定：犯罪时不满18周岁、被判处5年有期徒刑以下刑罚的，犯罪记录封存"), "V"),
    Default("newborn_registration.timely_registration_months", N_("出生登记期限（月）"),
            newborn_registration.TIMELY_REGISTRATION_MONTHS,
            N_("户口登记条例第7条：婴儿出生后一个月以内申报出生登记"), "V"),
    Default("newborn_registration.province_code", N_("全省通办的省份代码"), newborn_registration.PROVINCE_CODE,
            N_("河南省新生儿出生登记“全省通办”（GB/T 2260 省级代码41）"), "L", setting=False),
    Default("newborn_registration.max_age_years", N_("全省通办的新生儿年龄上限（周岁）"),
            newborn_registration.MAX_AGE_YEARS, N_("河南省新生儿出生登记“全省通办”：新生儿年龄不超过6周岁"), "L"),
    Default("tolerance.untrue_commitment_bar_years", N_("违诺后不予容缺受理的年限"), UNTRUE_COMMITMENT_BAR_YEARS,
            N_("容缺受理地方规定：逾期未补齐或提供虚假材料的，列入违诺名单，3年内不适用容缺受理"), "L"),
    Default("security_licence.min_registered_capital_yuan", N_("保安服务公司注册资本下限（元）"),
            security_licence.MIN_REGISTERED_CAPITAL_YUAN, N_("保安服务管理条例第8条：注册资本不低于人民币100万元"), "V"),
    Default("security_licence.armed_escort_min_capital_yuan", N_("武装守护押运注册资本下限（元）"),
            security_licence.ARMED_ESCORT_MIN_CAPITAL_YUAN,
            N_("保安服务管理条例第10条：提供武装守护押运服务的，注册资本不低于人民币1000万元"), "V"),
    Default("security_licence.min_manager_experience_years", N_("保安服务公司管理人员相关工作经验（年）"),
            security_licence.MIN_MANAGER_EXPERIENCE_YEARS,
            N_("公安机关实施保安服务管理条例办法（公安部令第112号）：拟任的法定代表人和主要管理人员具有5年以上相关工作经验"), "V"),
    Default("truck_permit.min_daily_window_hours", N_("货车每日通行时段不少于（小时）"),
            truck_permit.MIN_DAILY_WINDOW_HOURS,
            N_("公安部交通管理局2021年货车通行管理指导意见：设置通行时段的，每日不少于6小时"), "V"),
    Default("truck_permit.max_validity_days", N_("货车通行证有效期上限（日）"), truck_permit.MAX_VALIDITY_DAYS,
            N_("公安部交通管理局2021年货车通行管理指导意见（常见做法：有效期一日至一年），可调整"), "R"),
    # residence_permit
    Default("residence_permit.min_residence_months", N_("申领居住证须在居住地居住满（月）"),
            residence_permit.MIN_RESIDENCE_MONTHS, N_("居住证暂行条例第2条：在居住地居住半年以上"), "V"),
    # foreigner_work_residence
    Default("foreigner_work_residence.key_project_workdays", N_("重点项目单位外籍人员工作类居留许可签发时限（工作日）"),
            work_residence.KEY_PROJECT_WORKDAYS,
            N_("许昌公安2022年便民利民十项措施第5条：重点工程、重大项目外企工作人员工作类居留许可签发时限缩短至5个工作日"), "L"),
    Default("foreigner_work_residence.min_period_days", N_("工作类居留证件有效期最短（日）"),
            work_residence.MIN_PERIOD_DAYS, N_("出境入境管理法第30条：工作类居留证件的有效期最短为九十日"), "V"),
    Default("foreigner_work_residence.max_period_years", N_("工作类居留证件有效期最长（年）"),
            work_residence.MAX_PERIOD_YEARS, N_("出境入境管理法第30条：工作类居留证件的有效期最长为五年"), "V"),
    # foreigner_accommodation
    Default("foreigner_accommodation.report_within_hours", N_("境外人员住宿登记申报期限（入住后小时）"),
            accommodation.REPORT_WITHIN_HOURS,
            N_("出境入境管理法第39条：在宾馆以外的居所住宿的，应当在入住后24小时内由本人或者留宿人向居住地公安机关办理登记"),
            "V"),
    # public_request (警民直通车): each kind's answer limit, fixed at filing; the reopening window.
    Default(public_request.KIND_LIMIT_KEYS["enquiry"], N_("警民直通车：咨询类答复时限（工作日）"),
            public_request.ENQUIRY_WORKDAYS, public_request.HOTLINE_RULE, "L"),
    Default(public_request.KIND_LIMIT_KEYS["help"], N_("警民直通车：求助、建议类答复时限（工作日）"),
            public_request.HELP_SUGGESTION_WORKDAYS, public_request.HOTLINE_RULE, "L"),
    Default(public_request.KIND_LIMIT_KEYS["complaint"], N_("警民直通车：投诉、举报类答复时限（工作日）"),
            public_request.COMPLAINT_REPORT_WORKDAYS, public_request.HOTLINE_RULE, "L"),
    Default(public_request.REOPEN_WINDOW_KEY, N_("警民直通车：答复后可申请重新办理的期限（日）"),
            public_request.REOPEN_WINDOW_DAYS,
            N_("常见做法：诉求人对答复不满意的，可在答复后10日内申请重新办理一次"), "R"),
)

GLOBAL_DEFAULTS: dict[str, Default] = {default.key: default for default in DEFAULTS}


class SettingValueRefused(RuleViolation):
    """A system-wide value the rules refuse."""


def check_global_change(key: str, value: object) -> int | str:
    """The value to record for a system-wide number: only L and R numbers are settings, and a
    setting keeps its default's type (a positive whole number, or a 2-digit code)."""
    default = GLOBAL_DEFAULTS.get(key)
    if default is None or not default.adjustable:
        raise SettingValueRefused("settings.fixed_by_law", N_("该数值由法律规定，不能修改。"), key)
    text = str(value).strip()
    if isinstance(default.value, str):
        if not (text.isdigit() and len(text) == len(default.value)):
            raise SettingValueRefused("settings.code", N_("请填写%(n)s位数字代码。"), key, {"n": len(default.value)})
        return text
    if not text.isdigit() or int(text) <= 0:
        raise SettingValueRefused("settings.whole_number", N_("请填写大于0的整数。"), key)
    return int(text)
