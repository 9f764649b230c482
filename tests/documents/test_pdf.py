"""PDF documents: every kind renders, says what it must, escapes user text, fetches nothing
outside static/, embeds HarfBuzz-subsetted CJK fonts, and the certificate's QR code is real."""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jinja2
import pytest

from app.documents.pdf import (
    StaticUrlFetcher,
    chinese_date,
    harfbuzz_subsetting_active,
    html_to_pdf,
    render_html,
    render_pdf,
)
from app.documents.qr import qr_matrix, qr_svg
from app.domain.catalogue import document_acts, get_service
from app.domain.catalogue.remedies import remedies_for

REPO = Path(__file__).resolve().parents[2]
STATIC_DIR = REPO / "static"

ORGAN = "许昌市公安局魏都分局西大街派出所"
BASE = {
    "organ_name": ORGAN,
    "issue_date": date(2026, 11, 22),
    "doc_number": "许公（西大街）受字〔2026〕第00012号",
    "tracking_number": "XC2026112000012",
}
VERIFY_URL = "http://localhost/verify/WCR-2026-000123?s=test2.Ab-_c0dEfGhIjKlMnOpQrStUvWxYz0123456789ab"
TRACK_URL = "http://localhost/track/Qm9vbGVhbi10cmFja2luZy10b2tlbg"
CORRECTION_ITEMS = [
    {"material": "居民身份证", "problem": "复印件模糊，无法辨认", "requirement": "提交清晰的正反面复印件"},
    {"material": "户口簿", "problem": "缺少本人页", "requirement": "补充户口簿本人页复印件"},
    {"material": "申请表", "problem": "未签名", "requirement": "申请人本人签名"},
    {"material": "委托书", "problem": "未注明委托权限", "requirement": "载明委托事项和权限"},
    "用途证明材料：本年度第4次申请，需提交用途证明",
]

# The facts both listing-review decisions (违诺认定) open with (see _untrue_facts.html).
UNTRUE_FACTS = {
    "applicant_name": "许昌市某某保安服务有限公司",
    "organisation": True,
    "application_number": "XC2026112000012",
    "service_name": "保安服务公司设立许可",
    "accepted_date": date(2026, 11, 2),
    "commitment_due": "2026年11月12日24时",
    "materials": "消防验收意见书",
    "revoked": True,
    "cause_due": "2026年11月19日24时",
    "cause_kind": "",
    "cause_statement": "",
    "cause_stated_date": None,
    "tracking_url": "http://localhost/t/sample",
}

SAMPLES: dict[str, dict] = {
    "receipt.html": {
        **BASE,
        "doc_number": "许公（西大街）收字〔2026〕第00012号",
        "application_number": "XC2026112000012",
        "service_name": "无犯罪记录证明",
        "applicant_name": "张三",
        "applicant_id_masked": "4110021990********",
        "received_at": datetime(2026, 11, 20, 2, 15, tzinfo=UTC),
        "materials": [
            {"name": "居民身份证", "form": "原件", "copies": 1},
            {"name": "户口簿", "form": "复印件", "copies": 1},
            "申请表",
        ],
        "next_steps": [
            "本机关将在5个工作日内审查材料并决定是否受理。",
            "材料齐全的，3个工作日内出具证明；可扫描下方二维码查询进度。",
        ],
        "tracking_url": TRACK_URL,
        "promised_limit": "3个工作日",
        "received_by": "警号 012345",
    },
    "acceptance_notice.html": {
        **BASE,
        "applicant_name": "许昌市某某保安服务有限公司",
        "application_number": "XC2026112000013",
        "service_name": "保安服务公司设立许可",
        "received_date": date(2026, 11, 18),
        "accepted_date": date(2026, 11, 20),
        "promised_limit": "10个工作日",
        "promised_due": date(2026, 12, 4),
        "statutory_limit": "15个工作日",
        "statutory_due": date(2026, 12, 11),
    },
    "correction_notice.html": {
        **BASE,
        "doc_number": "许公（西大街）补字〔2026〕第00007号",
        "applicant_name": "李四",
        "application_number": "XC2026112000014",
        "service_name": "无犯罪记录证明",
        "received_date": date(2026, 11, 20),
        "items": CORRECTION_ITEMS,
        "reply_deadline": date(2026, 12, 18),
    },
    "non_acceptance_decision.html": {
        **BASE,
        "applicant_name": "王五",
        "application_number": "XC2026112000015",
        "service_name": "城市配送货车电子通行证",
        "received_date": date(2026, 11, 20),
        "reasons": ["申请事项不属于本机关职权范围。"],
        "redirect_agency": "许昌市公安局交通管理支队",
    },
    "refusal_decision.html": {
        **BASE,
        "title": "不予许可决定书",
        "applicant_name": "许昌市某某保安服务有限公司",
        "application_number": "XC2026112000016",
        "service_name": "保安服务公司设立许可",
        "accepted_date": date(2026, 11, 2),
        "reasons": [
            "注册资本为人民币50万元，低于《保安服务管理条例》规定的人民币100万元。",
            "拟任总经理从事相关工作不满5年。",
        ],
    },
    "no_record_refusal.html": {
        **BASE,
        "applicant_name": "钱九",
        "application_number": "XC2026112000020",
        "service_name": "无犯罪记录证明",
        "received_date": date(2026, 11, 20),
        "query_date": date(2026, 11, 22),
        "person_name": "钱九",
        "id_type": "居民身份证",
        "id_number": "1101**********002X",
        "has_record": True,
        "reasons": ["法院生效判决信息显示有犯罪记录。"],
    },
    "service_refusal.html": {
        **BASE,
        "applicant_name": "李明",
        "application_number": "XC2026112000021",
        "service_name": "新生儿出生登记",
        "accepted_date": date(2026, 11, 20),
        "reasons": ["父母双方户籍均不在本省，不符合“全省通办”条件。"],
    },
    "revocation_decision.html": {
        **BASE,
        "applicant_name": "许昌市某某保安服务有限公司",
        "application_number": "XC2026112000022",
        "service_name": "保安服务公司设立许可",
        "decided_date": date(2026, 11, 10),
        "reasons": ["容缺受理后，未在承诺期限内补齐消防验收意见书。"],
    },
    "termination_notice.html": {
        **BASE,
        "applicant_name": "许昌市某某保安服务有限公司",
        "application_number": "XC2026112000023",
        "service_name": "保安服务公司设立许可",
        "accepted_date": date(2026, 11, 10),
        "reasons": ["容缺承诺期限届满未补齐材料，按承诺处理"],
        "tracking_url": TRACK_URL,
    },
    "forwarding_notice.html": {
        **BASE,
        "applicant_name": "许昌市某某保安服务有限公司",
        "application_number": "XC2026112000024",
        "service_name": "保安服务公司设立许可",
        "accepted_date": date(2026, 11, 10),
        "higher_organ": "河南省公安厅",
        "higher_limit": "15个工作日",
        "tracking_url": TRACK_URL,
    },
    "review_opinion.html": {
        **BASE,
        "applicant_name": "钱九",
        "objected_date": date(2026, 11, 25),
        "original_number": "FZ2026112000020",
        "objection": "该判决已经再审撤销",
        "opinion": "经核实，原判决已于再审中撤销。",
        "conclusion": "更正原查询结果",
        "corrected": True,
    },
    "rectification_notice.html": {
        **BASE,
        "applicant_name": "张三",
        "rated_date": date(2026, 11, 16),
        "rated_service": "无犯罪记录证明",
        "rated_number": "FZ2026111600001",
        "level_name": "不满意",
        "callback_date": date(2026, 11, 17),
        "contact_made": True,
        "measures": "增开一个窗口并在高峰时段安排预约分流。",
    },
    "suspension_notice.html": {
        **BASE,
        "applicant_name": "赵六",
        "application_number": "XC2026112000017",
        "service_name": "保安服务公司设立许可",
        "accepted_date": date(2026, 11, 2),
        "procedure": "专家评审",
        "reason": "申请人提交的武装守护押运方案涉及专业技术问题",
        "legal_basis": "《中华人民共和国行政许可法》第四十五条",
        "suspended_from": date(2026, 11, 10),
        "expected_resume": date(2026, 11, 30),
    },
    "extension_notice.html": {
        **BASE,
        "applicant_name": "孙七",
        "application_number": "XC2026112000018",
        "service_name": "保安服务公司设立许可",
        "accepted_date": date(2026, 11, 2),
        "reason": "需要对申请人的经营场所进行实地核查",
        "approver_title": "本机关负责人",
        "extension_phrase": "延长10个工作日",
        "original_due": date(2026, 11, 30),
        "new_due": date(2026, 12, 14),
    },
    "certificate.html": {
        **BASE,
        "doc_number": None,
        "certificate_number": "WCR-2026-000123",
        "name": "张三",
        "id_type": "居民身份证",
        "id_number": "11010519491231002X",
        "query_date": date(2026, 11, 22),
        "purpose": "出国留学",
        "validity_note": "本证明自开具之日起3个月内有效",
        "verification_url": VERIFY_URL,
        "verify_site": "警务通办网站",
    },
    "unit_result_letter.html": {
        **BASE,
        "recipient_unit": "许昌市某某校车服务有限公司",
        "application_number": "XC2026112000019",
        "received_date": date(2026, 11, 20),
        "person_name": "周八",
        "id_type": "居民身份证",
        "id_number": "11010519491231002X",
        "legal_provision": "《校车安全管理条例》第二十三条",
        "job": "校车驾驶人",
        "purpose": "拟录用校车驾驶人",
        "query_date": date(2026, 11, 22),
        "has_record": False,
    },
    "truck_permit.html": {
        **BASE,
        "doc_number": "许公（魏都交警大队）证字〔2026〕第000001-03号",
        "certificate_number": "TXZ20261122000001",
        "plate": "豫K8A001",
        "vehicle_type": "轻型厢式货车",
        "vehicle_class": "",
        "holder": "许昌瑞丰物流有限公司",
        "driver_name": "刘建军",
        "driver_id_number": "4110021985********",
        "zones": [("魏都区中心城区", "限行，高峰禁行07:00–09:00、17:00–19:30；允许国VI及新能源货车"),
                  ("东城区", "限行，高峰禁行07:30–09:00、17:30–19:00；允许国V、国VI及新能源货车")],
        "restricted": True,
        "windows": "06:00–07:00、09:00–17:00",
        "daily_hours": "9小时",
        "valid_from": date(2026, 11, 22),
        "valid_until": date(2026, 12, 21),
        "verification_url": VERIFY_URL,
    },
    "seal_record.html": {
        **BASE,
        "doc_number": "许公（西大街）章备字〔2026〕第00031号",
        "certificate_number": "YZBA-2026-000031",
        "enterprise_name": "许昌瑞丰物流有限公司",
        "uscc": "91411002MA45X7K31P",
        "address": "许昌市魏都区西大街168号",
        "legal_rep_name": "陈立新",
        "shop_name": "许昌市魏都区诚信刻章服务部",
        "shop_record_number": "KZ4110020017",
        "recorded_date": date(2026, 11, 22),
        "seals": [
            {"name": "公章", "code": "4110020261122"},
            {"name": "财务专用章", "code": "4110020261123"},
            {"name": "发票专用章", "code": "4110020261124"},
        ],
        "verification_url": VERIFY_URL,
        "verify_site": "警务通办网站",
    },
    "evidence_voucher.html": {
        **BASE,
        "doc_number": "许公交（魏都）证查字〔2026〕第00005号",
        "case_number": "4110022026000317",
        "accident_time": "2026年11月03日 18:42",
        "accident_location": "许昌市魏都区许继大道与八一路交叉口",
        "person_name": "王秀兰",
        "person_type_name": "当事人近亲属",
        "person_relation": "死者曹文的配偶",
        "id_type_name": "居民身份证",
        "id_number_masked": "4110021992********",
        "query_code": "K7QM-3XPR-W9TD-HN4B",
        "issued_at": "2026年11月22日 09:30",
        "expires_at": "2026年12月22日 09:30",
        "valid_days": 30,
        "evidence_url": "http://localhost/evidence/",
        "id_tail_length": 6,
        "max_attempts": 5,
        "lockout_minutes": 30,
    },
    "newborn_registration_result.html": {
        **BASE,
        "doc_number": None,
        "certificate_number": "XSE-2026-000087",
        "verification_url": VERIFY_URL,
        "verify_site": "警务通办网站",
        "application_number": "XC2026112000012",
        "father_name": "李明",
        "mother_name": "王芳",
        "child_name": "李沐阳",
        "child_sex": "男",
        "ethnicity": "汉族",
        "child_birth_date": date(2026, 11, 2),
        "child_id_number": "411002202611020035",
        "relation": "子",
        "receiving": "随父落户",
        "household_number": "411002012345",
        "household_head": "李明",
        "household_address": "河南省许昌市魏都区西大街道文峰路56号3单元201室",
        "birth_certificate_number": "Q410123456",
        "hospital": "许昌市中心医院",
        "registered_on": date(2026, 11, 22),
        "late": False,
    },
    "security_licence.html": {
        **BASE,
        "doc_number": None,
        "certificate_number": "豫公保服20260017号",
        "company_name": "许昌市某某保安服务有限公司",
        "uscc": "91411000MA46B2Q80C",
        "legal_rep_name": "郑国强",
        "address": "许昌市东城区魏武大道1688号",
        "registered_capital": "200万元",
        "service_scope": "门卫、巡逻、守护、随身护卫、安全检查、安全技术防范、安全风险评估",
        "decision_date": date(2026, 11, 22),
        "verification_url": VERIFY_URL,
        "verify_site": "警务通办网站",
    },
    "commitment_letter.html": {
        "addressee": ORGAN,
        "applicant_name": "许昌市某某保安服务有限公司",
        "organisation": True,
        "id_label": "统一社会信用代码",
        "id_text": "91411000MA46B2Q80C",
        "legal_rep_name": "郑国强",
        "service_name": "保安服务公司设立许可",
        "application_number": "XC2026112000012",
        "items": [
            {"name": "消防验收意见书", "problem": "暂缺", "form": "复印件1份（加盖公章）"},
            {"name": "经营场所租赁合同", "problem": "瑕疵", "form": "原件1份，补签出租人签名"},
        ],
        "commitment_days": 10,
        "promised_limit": "15个工作日",
        "signatory": "agent",
        "agent_name": "吴晓梅",
        "agent_id_masked": "4110021978********",
        "bar_years": 1,
        "cause_window": "5个工作日",
        "letter_date": date(2026, 11, 22),
        "tracking_number": "XC2026112000012",
    },
    "tolerance_notice.html": {
        **BASE,
        "doc_number": "许公（西大街）容字〔2026〕第000012-03号",
        "applicant_name": "许昌市某某保安服务有限公司",
        "organisation": True,
        "application_number": "XC2026112000012",
        "service_name": "保安服务公司设立许可",
        "received_date": date(2026, 11, 20),
        "accepted_date": date(2026, 11, 22),
        "items": [
            {"name": "消防验收意见书", "problem": "暂缺", "form": "复印件1份（加盖公章）",
             "deadline": "2026年12月04日24时"},
            {"name": "经营场所租赁合同", "problem": "瑕疵", "form": "原件1份，补签出租人签名",
             "deadline": "2026年12月04日24时"},
        ],
        "commitment_days": 10,
        "commitment_due": "2026年12月04日24时",
        "capped": False,
        "promised_limit": "15个工作日",
        "promised_due": date(2026, 12, 11),
        "two_tier": True,
        "bar_years": 1,
        "cause_window": "5个工作日",
        "tracking_url": TRACK_URL,
    },
    "untrue_listing_decision.html": {
        **BASE,
        **UNTRUE_FACTS,
        "reasons": ["所述“其他部门办理延误”经向消防救援机构核实不属实，逾期无正当理由。"],
        "bar_years": 3,
        "bar_from": date(2026, 11, 22),
        "bar_until": date(2029, 11, 22),
    },
    "untrue_non_listing_decision.html": {
        **BASE,
        **UNTRUE_FACTS,
        "cause_kind": "其他部门办理延误",
        "cause_statement": "消防验收意见书因消防救援机构排期延误，至期限届满后第二日方出具",
        "cause_stated_date": date(2026, 11, 18),
        "reasons": ["经向消防救援机构核实，逾期系其排期延误所致，属于正当理由。"],
    },
    # residence_permit
    "residence_permit.html": {
        **BASE,
        "doc_number": "许公（西大街）居证字〔2026〕第00001号",
        "certificate_number": "JZZ20261116000042",
        "verification_url": VERIFY_URL,
        "verify_site": "警务通办网站",
        "holder_name": "刘晓东",
        "id_number": "3201021990********",
        "permit_number": "JZ4110022026000001",
        "residence_address": "许昌市魏都区西大街街道文峰路18号",
        "issued_on": date(2026, 11, 16),
        "endorsement_due": date(2027, 11, 16),
        "endorsed_on": None,
        "restored": False,
        "kind_name": "首次申领",
        "station_name": "西大街派出所",
    },
    "residence_permit_collection.html": {
        **BASE,
        "doc_number": "许公（西大街）居领字〔2026〕第00001号",
        "application_number": "JZ20261116000042",
        "holder_name": "刘晓东",
        "id_number": "3201021990********",
        "permit_number": "JZ4110022026000001",
        "residence_address": "许昌市魏都区西大街街道文峰路18号",
        "issued_on": date(2026, 11, 16),
        "endorsement_opens": date(2027, 10, 16),
        "endorsement_due": date(2027, 11, 16),
        "station_name": "西大街派出所",
        "station_address": "许昌市魏都区西大街",
        "station_phone": "0374-4396201",
    },
    # foreigner_work_residence
    "foreigner_work_residence.html": {
        **BASE,
        "holder_name": "KIM MINJUN 金敏俊",
        "nationality": "KOR",
        "passport_number": "M70312845",
        "work_permit_number": "WP411000202611",
        "employer_name": "许昌瑞丰物流有限公司",
        "position": "工程师",
        "residence_until": date(2027, 12, 31),
        "decision_date": date(2026, 11, 22),
        "appointment": "2026年11月23日（星期一）09:30",
        "office_address": "许昌市东城区市民之家",
        "application_number": "WJ20261120000012",
    },
    # credit_repair
    "credit_repair_decision.html": {
        **BASE,
        "applicant_name": "许昌市某某运输有限公司",
        "uscc": "91411002MA3X9C7Q4M",
        "application_number": "XF2026111600001",
        "received_date": date(2026, 11, 16),
        "penalty_decision_number": "许公魏（治）行罚决字〔2026〕0318号",
        "penalty_authority": "许昌市公安局魏都分局",
        "penalty_date": date(2026, 9, 2),
        "penalty_conduct": "未落实货物运输安全查验制度",
        "penalty_sanction": "罚款人民币二万元",
        "carried_out_on": date(2026, 9, 17),
        "correction_measures": "已建立货物运输安全查验登记制度并开展员工培训。",
        "decided_date": date(2026, 11, 20),
    },
    # foreigner_accommodation: a late report (arrival + 24 h passed before filing).
    "accommodation_receipt.html": {
        **BASE,
        "application_number": "ZS20261122000001",
        "registered_at": datetime(2026, 11, 22, 2, 30, tzinfo=UTC),
        "station_name": "五一路派出所",
        "filer_role": "留宿人",
        "foreigner_name": "SMITH JOHN",
        "nationality": "USA",
        "passport_masked": "E********",
        "visa_type": "S字签证（探亲、私人事务）",
        "arrived_at": datetime(2026, 11, 20, 20, 0, tzinfo=UTC),
        "report_due_at": datetime(2026, 11, 21, 20, 0, tzinfo=UTC),
        "address": "许昌市魏都区五一路88号3单元502室",
        "expected_departure": "2026-12-05",
        "host_name": "李明",
        "host_relation": "朋友",
        "late": True,
        "hours_late": 7,
    },
    # public_request (警民直通车)
    "public_request_answer.html": {
        **BASE,
        "applicant_name": "李明",
        "filed_date": date(2026, 11, 20),
        "kind_name": "咨询",
        "topic_name": "户籍",
        "subject": "迁移户口需要哪些材料",
        "content": "我想把户口从郑州迁到许昌，需要准备什么？",
        "opinion": "请携带居民身份证、户口簿和准予迁入证明到西大街派出所办理。",
        "reopened": False,
        "reopen_days": 10,
    },
}

OBJECTION_URL = "http://localhost/my/apply/criminal_record_objection"
RECONSIDERATION_ORGAN = "许昌市魏都区人民政府"


# The samples of templates several services declare are about one of them.
SAMPLE_SERVICES = {"refusal_decision.html": "security_licence", "service_refusal.html": "newborn_registration",
                   "public_request_answer.html": "public_request"}


def declared(template: str) -> dict:
    """What the declaration using `template` puts into it (see queue_documents)."""
    acts = (get_service(SAMPLE_SERVICES[template]).documents if template in SAMPLE_SERVICES else document_acts())
    act = next(a for a in acts if a.template == template)
    context = {"title": act.title, "basis": act.legal_basis, "operative": act.operative}
    if act.remedies:
        remedies = remedies_for(RECONSIDERATION_ORGAN, objection_url=OBJECTION_URL if act.objection_review else None)
        context["remedies"] = remedies.__dict__
    return context


SAMPLES = {name: {**declared(name), **ctx} for name, ctx in SAMPLES.items()}

# Strings each PDF's text must contain (compared with all whitespace removed).
EXPECTED: dict[str, list[str]] = {
    "receipt.html": ["收件回执", "XC2026112000012", "无犯罪记录证明", "4110021990********",
                     "2026年11月20日10:15", "居民身份证", "户口簿", "申请表", "5个工作日内", TRACK_URL],
    "acceptance_notice.html": ["受理通知书", "予以受理", "2026年11月20日", "10个工作日",
                               "2026年12月4日", "15个工作日", "2026年12月11日"],
    "correction_notice.html": ["补正告知书", "一次性告知", "2026年12月18日", "收到你补正的全部材料"]
    + [part for item in CORRECTION_ITEMS
       for part in (item.values() if isinstance(item, dict) else [item])],
    "non_acceptance_decision.html": ["不予受理决定书", "申请事项不属于本机关职权范围",
                                     "许昌市公安局交通管理支队"],
    "refusal_decision.html": ["不予许可决定书", "注册资本为人民币50万元", "不满5年", "本机关决定不予行政许可",
                              "第三十八条第二款"],
    "no_record_refusal.html": ["不予出具无犯罪记录证明通知书", "经查询，截至2026年11月22日，发现钱九（居民身份证：1101**********002X）有犯罪记录",
                               "本机关决定不予出具无犯罪记录证明", "《公安机关办理犯罪记录查询工作规定》", "15个工作日",
                               "30个工作日", "无犯罪记录证明异议复核", OBJECTION_URL, "六十日内向许昌市魏都区人民政府申请行政复议",
                               "《中华人民共和国行政复议法》（2023年修订）第二十条、第二十四条", "六个月内依法向人民法院提起行政诉讼",
                               "《中华人民共和国行政诉讼法》第四十六条"],
    "service_refusal.html": ["不予办理户口登记决定书", "本机关决定不予办理新生儿出生登记", "《中华人民共和国户口登记条例》第七条", "不符合“全省通办”条件", "行政复议", "行政诉讼"],
    "revocation_decision.html": ["撤销决定书", "2026年11月10日", "本机关决定撤销上述决定", "第六十九条", "消防验收意见书",
                                 "行政复议"],
    "termination_notice.html": ["终止办理告知书", "容缺受理", "本机关决定终止办理", "可以重新提出申请"],
    "forwarding_notice.html": ["审查意见转报告知书", "第四十三条", "报送河南省公安厅作出决定", "15个工作日内"],
    "review_opinion.html": ["复核意见书", "FZ2026112000020", "该判决已经再审撤销", "原判决已于再审中撤销", "更正原查询结果",
                            "可以重新申请开具无犯罪记录证明"],
    "rectification_notice.html": ["差评整改情况告知书", "FZ2026111600001", "“不满意”", "2026年11月17日与你取得联系",
                                  "增开一个窗口", "12345"],
    "suspension_notice.html": ["中止办理告知书", "专家评审", "第四十五条", "不计算在办理期限内",
                               "2026年11月10日"],
    "extension_notice.html": ["延长办理期限告知书", "本机关负责人", "10个工作日", "2026年12月14日",
                              "第四十二条"],
    "certificate.html": ["无犯罪记录证明", "经查询，截至2026年11月22日，未发现张三（居民身份证：11010519491231002X）有犯罪记录。",
                         "WCR-2026-000123", "出国留学", "本证明自开具之日起3个月内有效",
                         "扫描二维码或登录警务通办网站核验真伪", VERIFY_URL],
    "unit_result_letter.html": ["查询告知函", "许昌市某某校车服务有限公司", "《校车安全管理条例》第二十三条",
                                "经查询，截至2026年11月22日，未发现周八（居民身份证：11010519491231002X）有犯罪记录。",
                                "根据《公安机关办理犯罪记录查询工作规定》", "不载明犯罪记录的具体内容"],
    "truck_permit.html": ["城市配送货车电子通行证", "TXZ20261122000001", "豫K8A001（轻型厢式货车）",
                          "刘建军（4110021985********）", "2026年11月22日至2026年12月21日",
                          "06:00–07:00、09:00–17:00（每日合计9小时）", "东城区：限行", "交通警察扫码核查通行证状态",
                          VERIFY_URL.replace("/verify/", "/permit/")],
    "seal_record.html": ["印章备案信息", "YZBA-2026-000031", "许昌瑞丰物流有限公司", "91411002MA45X7K31P",
                         "许昌市魏都区诚信刻章服务部", "财务专用章", "4110020261123", "4110020261124",
                         "扫描二维码或登录警务通办网站核验真伪", VERIFY_URL],
    "evidence_voucher.html": ["事故证据材料查询凭证", "4110022026000317", "王秀兰（死者曹文的配偶）",
                              "4110021992********", "K7QM-3XPR-W9TD-HN4B", "2026年12月22日09:30（30日）",
                              "http://localhost/evidence/", "连续输错5次，查询码锁定30分钟",
                              "二维码中不含查询码"],
    "newborn_registration_result.html": ["新生儿入户登记证明", "XSE-2026-000087", "李明、王芳",
                                         "李沐阳", "411002202611020035", "随父落户", "411002012345",
                                         "Q410123456（许昌市中心医院）", "出生登记（出生后一个月内申报）",
                                         VERIFY_URL],
    "security_licence.html": ["保安服务许可证", "豫公保服20260017号", "许昌市某某保安服务有限公司",
                              "91411000MA46B2Q80C", "郑国强", "200万元", "安全风险评估",
                              "不得伪造、变造、出租、出借", VERIFY_URL],
    "commitment_letter.html": ["申请容缺受理承诺书", "本单位许昌市某某保安服务有限公司（统一社会信用代码：91411000MA46B2Q80C）",
                               "保安服务公司设立许可", "自受理之日起10个工作日内", "15个工作日", "消防验收意见书",
                               "经营场所租赁合同", "瑕疵", "1年内不再适用容缺受理", "受托人：吴晓梅",
                               "4110021978********", "附：授权委托书", "加盖单位公章"],
    "untrue_listing_decision.html": ["容缺受理违诺认定决定书", "你单位于2026年11月2日经本机关容缺受理",
                                     "应于2026年11月12日24时前补齐补正消防验收意见书", "撤销已作出的准予决定",
                                     "你单位在上述期限内未陈述正当理由", "经向消防救援机构核实不属实",
                                     "列入违诺（失信）名单", "自2026年11月22日起至2029年11月22日止（3年）"],
    "untrue_non_listing_decision.html": ["不予列入违诺名单决定书", "你单位于2026年11月18日陈述逾期的理由为“其他部门办理延误”",
                                         "属于正当理由", "不予列入违诺（失信）名单", "仍可依规定申请容缺受理",
                                         "本决定不改变本机关已作出的撤销准予决定"],
    "tolerance_notice.html": ["容缺受理通知书", "予以容缺受理", "许昌市某某保安服务有限公司",
                              "你单位于2026年11月20日提交的保安服务公司设立许可申请", "2026年12月04日24时前",
                              "消防验收意见书", "经营场所租赁合同", "报送上级机关作出决定", "15个工作日",
                              "1年内不再适用容缺受理", "扫描二维码查询办理进度"],
    # residence_permit
    "residence_permit.html": ["居住证（电子证照）", "JZZ20261116000042", "JZ4110022026000001", "刘晓东",
                              "3201021990********", "许昌市魏都区西大街街道文峰路18号", "2026年11月16日",
                              "请于2027年11月16日前一个月内到居住地派出所办理签注", "使用功能中止", VERIFY_URL],
    "residence_permit_collection.html": ["居住证领取通知书", "刘晓东", "JZ4110022026000001",
                                         "许昌市魏都区西大街", "2027年10月16日至2027年11月16日",
                                         "携带居民身份证原件", "我的证照"],
    # foreigner_work_residence
    "foreigner_work_residence.html": ["准予签发外国人工作类居留证件决定书", "KIMMINJUN金敏俊", "M70312845",
                                      "WP411000202611", "许昌瑞丰物流有限公司", "2027年12月31日",
                                      "请于2026年11月23日（星期一）09:30持本人护照原件", "许昌市东城区市民之家"],
    # credit_repair
    "credit_repair_decision.html": ["信用修复决定书", "许昌市某某运输有限公司", "91411002MA3X9C7Q4M",
                                    "XF2026111600001", "许公魏（治）行罚决字〔2026〕0318号", "罚款人民币二万元",
                                    "2026年9月17日", "准予信用修复", "自2026年11月20日起", "市场监管部门"],
    # foreigner_accommodation
    "accommodation_receipt.html": ["境外人员住宿登记回执", "ZS20261122000001", "SMITH JOHN", "E********",
                                   "《中华人民共和国出境入境管理法》第三十九条", "逾期申报", "逾期约7小时",
                                   "2026年11月22日04:00"],
    # public_request (警民直通车)
    "public_request_answer.html": ["诉求答复意见书", "2026年11月20日", "户籍类咨询", "迁移户口需要哪些材料",
                                   "准予迁入证明", "10日内", "申请重新办理一次"],
}
COMMON = [ORGAN, "二〇二六年十一月二十二日", "办件编号：XC2026112000012"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdftotext(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pdfinfo_pages(pdf_path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {name: render_pdf(name, ctx, static_dir=STATIC_DIR) for name, ctx in SAMPLES.items()}


def test_poppler_tools_present():
    for tool in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo"):
        assert shutil.which(tool), f"{tool} (poppler-utils) is required by these tests"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_kind_renders_with_its_content(name, rendered, tmp_path):
    pdf = rendered[name]
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    text = _squash(_pdftotext(pdf, tmp_path))
    for needle in EXPECTED[name] + COMMON:
        assert _squash(needle) in text, f"{name}: {needle!r} missing from the PDF text"
    assert "�" not in text


def test_every_document_template_has_a_sample():
    templates = {p.name for p in (REPO / "templates" / "documents").glob("*.html") if not p.name.startswith("_")}
    assert templates == set(SAMPLES)


DECISIONS = sorted({a.template for a in document_acts() if a.remedies})


def test_the_challengeable_decisions_are_the_refusals_and_revocations():
    assert DECISIONS == ["no_record_refusal.html", "non_acceptance_decision.html", "refusal_decision.html",
                         "revocation_decision.html", "service_refusal.html", "untrue_listing_decision.html"]


@pytest.mark.parametrize("name", DECISIONS)
def test_decisions_state_the_remedy(name, rendered, tmp_path):
    """行政许可法第三十八条第二款; 行政复议法第二十条 (60 days, to the body named), 第二十四条;
    行政诉讼法第四十六条 (6 months)."""
    clause = ("如不服本决定，可以自知道该决定之日起六十日内向许昌市魏都区人民政府申请行政复议"
              "（《中华人民共和国行政复议法》（2023年修订）第二十条、第二十四条），也可以自知道该决定之日起"
              "六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。")
    assert _squash(clause) in _squash(_pdftotext(rendered[name], tmp_path))


@pytest.mark.parametrize("act", document_acts(), ids=lambda a: f"{a.title}:{a.template}")
def test_every_declared_document_names_its_legal_basis(act, tmp_path):
    """Each declared document (shared or a service's own) prints the basis it is declared with,
    naming a law, rule or regulation."""
    assert "《" in act.legal_basis or "制度" in act.legal_basis, act
    ctx = {**SAMPLES[act.template], "title": act.title, "basis": act.legal_basis, "operative": act.operative}
    text = _squash(_pdftotext(render_pdf(act.template, ctx, static_dir=STATIC_DIR), tmp_path))
    assert _squash(act.legal_basis) in text, act
    if act.operative:
        assert _squash(f"本机关决定{act.operative}") in text


def test_every_template_is_declared_once_per_act():
    templates = {p.name for p in (REPO / "templates" / "documents").glob("*.html") if not p.name.startswith("_")}
    assert {a.template for a in document_acts()} == templates


def test_the_no_record_refusal_is_not_a_licence(rendered, tmp_path):
    """The rule's own act: 不予出具, its basis and the objection route with its limits; never 许可."""
    text = _squash(_pdftotext(rendered["no_record_refusal.html"], tmp_path))
    assert "许可" not in text
    assert "15个工作日内进行复核并出具书面复核意见" in text and "最长不超过30个工作日" in text


def test_a_no_record_refusal_without_a_record_states_none(tmp_path):
    ctx = {**SAMPLES["no_record_refusal.html"], "has_record": False, "reasons": ["申请人身份信息存在冲突，无法核实。"]}
    text = _squash(_pdftotext(render_pdf("no_record_refusal.html", ctx, static_dir=STATIC_DIR), tmp_path))
    assert "有犯罪记录" not in text.replace("无犯罪记录", "")
    assert "申请人身份信息存在冲突" in text and "不予出具无犯罪记录证明" in text


def test_a_refusal_without_an_objection_route_does_not_mention_one(rendered, tmp_path):
    assert "异议" not in _squash(_pdftotext(rendered["refusal_decision.html"], tmp_path))


def test_deemed_acceptance_wording(tmp_path):
    ctx = {**SAMPLES["acceptance_notice.html"], "deemed": True, "accepted_date": date(2026, 11, 18)}
    text = _squash(_pdftotext(render_pdf("acceptance_notice.html", ctx, static_dir=STATIC_DIR), tmp_path))
    assert "视为受理" in text
    assert "第三十二条第一款第（四）项" in text
    assert "受理日期为收到申请材料之日，即2026年11月18日" in text


def test_unit_letter_with_record_is_neutral(tmp_path):
    ctx = {**SAMPLES["unit_result_letter.html"], "has_record": True}
    text = _squash(_pdftotext(render_pdf("unit_result_letter.html", ctx, static_dir=STATIC_DIR), tmp_path))
    assert "周八（居民身份证：11010519491231002X）有犯罪记录" in text
    assert "未发现" not in text


def test_unit_letter_quotes_the_provision_and_the_job_as_filed(tmp_path):
    text = _squash(_pdftotext(render_pdf("unit_result_letter.html", SAMPLES["unit_result_letter.html"],
                                         static_dir=STATIC_DIR), tmp_path))
    assert "你单位依据《校车安全管理条例》第二十三条关于校车驾驶人的规定，因拟录用校车驾驶人" in text


def test_missing_required_key_fails_loudly():
    ctx = dict(SAMPLES["certificate.html"])
    del ctx["id_number"]
    with pytest.raises(jinja2.UndefinedError):
        render_html("certificate.html", ctx)


@pytest.mark.parametrize("bad", ["_base.html", "_macros.html", "../base.html", "documents/../x.html",
                                 "certificate.txt"])
def test_only_document_templates_render(bad):
    with pytest.raises((ValueError, jinja2.TemplateNotFound)):
        render_html(bad, {})


def test_chinese_date():
    assert chinese_date(date(2026, 11, 22)) == "二〇二六年十一月二十二日"
    assert chinese_date(date(2026, 1, 1)) == "二〇二六年一月一日"
    assert chinese_date(date(2030, 10, 10)) == "二〇三〇年十月十日"
    assert chinese_date(date(2026, 12, 31)) == "二〇二六年十二月三十一日"
    assert chinese_date(date(2026, 2, 20)) == "二〇二六年二月二十日"
    # aware datetimes are read in Asia/Shanghai
    assert chinese_date(datetime(2026, 11, 21, 17, 0, tzinfo=UTC)) == "二〇二六年十一月二十二日"


# --------------------------------------------------------------------- escaping, fetching

class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def canary_url():
    """A real local HTTP server: if WeasyPrint fetched anything, it would show up here."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


def test_user_text_is_escaped_and_nothing_is_fetched(canary_url, tmp_path):
    base, hits = canary_url
    evil = (f'<script>alert(1)</script><img src="{base}/user.png">'
            '<img src="http://example.invalid/x.png"><img src="file:///etc/passwd">')
    ctx = {**SAMPLES["correction_notice.html"], "applicant_name": evil,
           "items": [{"material": f'<i>{base}/cell.png</i>', "problem": "<b>x</b>", "requirement": "&amp;"}]}
    html = render_html("correction_notice.html", ctx)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = _squash(_pdftotext(render_pdf("correction_notice.html", ctx, static_dir=STATIC_DIR), tmp_path))
    assert _squash("<script>alert(1)</script>") in text  # shown as text, not run or dropped
    assert "<b>x</b>" in text and "&amp;" in text and "<i>" in text
    assert hits == []


def test_organ_and_seal_text_are_escaped():
    ctx = {**SAMPLES["termination_notice.html"], "organ_name": '<img src="http://example.invalid/o.png">',
           "seal_subtitle": "<script>x</script>"}
    html = render_html("termination_notice.html", ctx)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;script&gt;" in html


def test_fetcher_refuses_everything_outside_static_even_from_templates(canary_url, tmp_path):
    base, hits = canary_url
    html = f"""<html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="static:documents/print.css">
      <style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png"); }}</style>
      </head><body>
      <img src="{base}/a.png"><img src="https://example.invalid/x.png">
      <img src="file:///etc/passwd"><img src="../../../../etc/passwd"><img src="static:../../etc/passwd">
      <svg><image href="{base}/svg.png" width="10" height="10"/></svg>
      <p>正文</p></body></html>"""
    pdf = html_to_pdf(html, static_dir=STATIC_DIR)
    assert pdf.startswith(b"%PDF-")
    assert hits == []
    assert "正文" in _pdftotext(pdf, tmp_path)


def test_static_url_fetcher_rules(tmp_path):
    static = tmp_path / "static"
    (static / "documents").mkdir(parents=True)
    (static / "documents" / "a.css").write_text("p{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (static / "documents" / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetch = StaticUrlFetcher(static)

    assert fetch("static:documents/a.css")["string"] == b"p{}"
    assert fetch("static:/documents/a.css")["mime_type"] == "text/css"
    assert fetch((static / "documents" / "a.css").as_uri())["string"] == b"p{}"
    assert fetch("data:text/plain;base64,aGk=")["string"] == b"hi"
    assert fetch("data:,a%20b")["string"] == b"a b"
    for url in [
        "http://example.invalid/x.png",
        "https://example.invalid/x.png",
        "ftp://example.invalid/x",
        "file:///etc/passwd",
        (tmp_path / "secret.txt").as_uri(),
        (static / "documents" / ".." / ".." / "secret.txt").as_uri(),
        "static:../secret.txt",
        "static:documents/link.txt",  # symlink pointing outside
        "static:documents/missing.css",
        "file://otherhost" + str(static / "documents" / "a.css"),
        "javascript:alert(1)",
        "x.png",
    ]:
        with pytest.raises(ValueError):
            fetch(url)
    assert len(fetch.refused) == 12


# --------------------------------------------------------------------- fonts

def test_harfbuzz_subsetting_active():
    # Must FAIL (not skip) when libharfbuzz-subset is missing: fontTools subsetting of
    # the CJK fonts is an order of magnitude slower.
    assert harfbuzz_subsetting_active() is True


def test_render_really_uses_harfbuzz_subsetting(monkeypatch):
    from weasyprint.pdf.fonts import Font

    calls = []
    original = Font._harfbuzz_subset

    def spy(self, cmap, hinting):
        calls.append(self.family)
        return original(self, cmap, hinting)

    def no_fonttools(self, cmap, hinting):
        raise AssertionError("fontTools subsetting was used")

    monkeypatch.setattr(Font, "_harfbuzz_subset", spy)
    monkeypatch.setattr(Font, "_fonttools_subset", no_fonttools)
    render_pdf("certificate.html", SAMPLES["certificate.html"], static_dir=STATIC_DIR)
    assert calls, "HarfBuzz subsetting was never called"
    assert any(b"CJK" in family for family in calls)


def test_pdf_embeds_cjk_font_subsets(rendered, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(rendered["certificate.html"])
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    cjk = [row for row in rows if "CJK" in row.split()[0]]
    assert cjk, out
    for row in rows:
        name, *_rest = row.split()
        cols = row.split()
        assert re.match(r"^[A-Z]{6}\+", name), f"not a subset font name: {row}"
        assert cols[-5:-3] == ["yes", "yes"], f"font not embedded as a subset: {row}"
    # a subset is small: a full Noto CJK face is ~20 MB
    assert len(rendered["certificate.html"]) < 400_000


def test_every_one_page_document_fits_one_page(rendered, tmp_path):
    for name in ("certificate.html", "acceptance_notice.html", "refusal_decision.html",
                 "correction_notice.html", "receipt.html", "truck_permit.html"):
        path = tmp_path / name.replace(".html", ".pdf")
        path.write_bytes(rendered[name])
        assert _pdfinfo_pages(path) == 1, name


# --------------------------------------------------------------------- QR code

def _dark(pixel) -> bool:
    r, g, b = pixel
    return r + g + b < 300 and max(pixel) - min(pixel) < 60  # black or grey, not seal red


def _finder_candidates(img):
    """Rows where a 1:1:3:1:1 dark/light/dark/light/dark run sequence occurs."""
    width, height = img.size
    px = img.load()
    found = []
    for y in range(height):
        runs, start, state = [], 0, _dark(px[0, y])
        for x in range(1, width + 1):
            cur = _dark(px[x, y]) if x < width else not state
            if cur != state:
                runs.append((state, start, x - start))
                start, state = x, cur
        for i in range(len(runs) - 4):
            window = runs[i:i + 5]
            if not window[0][0]:
                continue
            widths = [w for _, _, w in window]
            unit = sum(widths) / 7
            if unit < 2:
                continue
            want = [1, 1, 3, 1, 1]
            if all(abs(w - k * unit) <= 0.6 * unit for w, k in zip(widths, want, strict=True)):
                found.append((window[0][1], sum(widths), y))
    return found


def _sample_qr(png_path: Path, n: int, border: int) -> list[list[bool]]:
    from PIL import Image

    img = Image.open(png_path).convert("RGB")
    groups: list[list[tuple[int, int, int]]] = []  # same x and width, consecutive rows
    for x, total, y in _finder_candidates(img):
        for group in groups:
            gx, gtotal, gy = group[-1]
            if abs(gx - x) <= 2 and abs(gtotal - total) <= 3 and 0 < y - gy <= 2:
                group.append((x, total, y))
                break
        else:
            groups.append([(x, total, y)])
    finders = []
    for group in groups:
        x, total = group[0][0], group[0][1]
        if len(group) >= 2 * total / 7:  # the 3-module core band, seen on many pixel rows
            finders.append((x, total, (group[0][2] + group[-1][2]) / 2))
    for ax, atotal, ay in finders:  # top-left finder: one to its right, one below, same size
        right = [f for f in finders if abs(f[2] - ay) < 3 and f[0] > ax and abs(f[1] - atotal) <= 3]
        below = [f for f in finders if abs(f[0] - ax) <= 3 and f[2] > ay and abs(f[1] - atotal) <= 3]
        for bx, _, _ in right:
            for _, _, cy in below:
                if abs((bx - ax) - (cy - ay)) > 3:
                    continue
                unit = (bx + atotal - ax) / (n - 2 * border)
                top = ay - 3.5 * unit
                size = n - 2 * border
                px = img.load()
                return [[_dark(px[int(ax + (c + 0.5) * unit), int(top + (r + 0.5) * unit)])
                         for c in range(size)] for r in range(size)]
    raise AssertionError("no QR code found on the page")


def test_certificate_carries_the_verification_qr(rendered, tmp_path):
    html = render_html("certificate.html", SAMPLES["certificate.html"])
    assert qr_svg(VERIFY_URL) in html  # the inline vector QR of exactly this URL

    pdf_path = tmp_path / "certificate.pdf"
    pdf_path.write_bytes(rendered["certificate.html"])
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf_path),
                    str(tmp_path / "cert")], check=True)
    matrix = qr_matrix(VERIFY_URL)
    border = 2
    expected = [row[border:-border] for row in matrix[border:-border]]
    sampled = _sample_qr(tmp_path / "cert.png", len(matrix), border)
    assert sampled == expected  # every module of the printed code matches the signed URL


def test_receipt_carries_the_tracking_qr():
    html = render_html("receipt.html", SAMPLES["receipt.html"])
    assert qr_svg(TRACK_URL) in html


def test_qr_data_uri_renders_through_the_fetcher(tmp_path):
    from app.documents.qr import qr_data_uri_svg

    html = f'<html><body><img style="width:40mm;height:40mm" src="{qr_data_uri_svg(VERIFY_URL)}"></body></html>'
    pdf_path = tmp_path / "img.pdf"
    pdf_path.write_bytes(html_to_pdf(html, static_dir=STATIC_DIR))
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf_path), str(tmp_path / "img")],
                   check=True)
    matrix = qr_matrix(VERIFY_URL)
    expected = [row[2:-2] for row in matrix[2:-2]]
    assert _sample_qr(tmp_path / "img.png", len(matrix), 2) == expected
