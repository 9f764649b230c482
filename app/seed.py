"""Demo data: units, demo accounts, and synthetic but consistent registries (许昌, 河南).

``seed_demo`` is idempotent — it inserts only what is missing, by natural key — and
deterministic: the bulk population comes from per-household ``random.Random`` seeds,
dated against a fixed anchor, so re-running it (even on another day, or with a larger
``scale``) never duplicates anyone. The hand-made cases that exercise each service
rule are dated relative to ``today`` when first inserted and are not moved afterwards;
seed a fresh database to get fresh relative dates.

Never run in production (the CLI refuses unless ``SEED_DEMO_ALLOWED``).
"""
from __future__ import annotations

import calendar
import random
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.identifiers import make_citizen_id, make_uscc
from app.domain.records import (  # residence_permit
    AccidentCaseRecord,
    AccidentPartyRecord,
    BirthCertificateRecord,
    DriverRecord,
    EngravingShopRecord,
    EnterpriseRecord,
    EvidenceItemRecord,
    HouseholdMemberRecord,
    HouseholdRecord,
    JudgmentRecord,
    MarriageRecord,
    PersonRecord,
    PolicePenaltyRecord,
    PropertyRecord,
    RelativeRecord,
    ResidencePermitRecord,
    ResidenceRegistrationRecord,
    SocialInsuranceRecord,
    VehicleRecord,
    ViolationRecord,
)
from app.models.accounts import Organisation, Role, Unit, UnitKind, User
from app.models.key_projects import KeyProjectChange, KeyProjectEnterprise  # foreigner_work_residence
from app.models.registries import (  # residence_permit
    RegAccidentCase,
    RegAccidentParty,
    RegBirthCertificate,
    RegCloseRelative,
    RegDriver,
    RegEngravingShop,
    RegEnterprise,
    RegEvidenceItem,
    RegHousehold,
    RegHouseholdMember,
    RegJudgment,
    RegMarriage,
    RegPerson,
    RegPolicePenalty,
    RegProperty,
    RegResidencePermit,
    RegResidenceRegistration,
    RegSocialInsurance,
    RegVehicle,
    RegViolation,
)
from app.timeutil import LOCAL_TZ

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 — published demo password, never in production

# The bulk population is dated against this fixed day, not `today`, so that it is the
# same whenever it is seeded (idempotence across days). Use `today` >= this date.
BULK_ANCHOR = date(2024, 1, 1)
BULK_HOUSEHOLDS_PER_SCALE = 60

# --- Units ----------------------------------------------------------------------------

UNIT_CODES = {
    "province": "410000-PB",
    "city": "411000-CB",
    "weidu_branch": "411002-BR",
    "xidajie": "411002-PS-XDJ",
    "wuyilu": "411002-PS-WYL",
    "jianan_branch": "411003-BR",
    "jiangguanchi": "411003-PS-JGC",
    "traffic_detachment": "411000-TP",
    "weidu_traffic": "411002-TB-WD",
    "security": "411000-SD",
    "exit_entry": "411000-EE",
}

# code, name, name_en, kind, region, parent code, address, phone
_UNITS: tuple[tuple[str, str, str, str, str, str | None, str, str], ...] = (
    ("410000-PB", "河南省公安厅", "Henan Provincial Public Security Department",
     UnitKind.PROVINCIAL_BUREAU, "410000", None, "郑州市金水区金水路", "0371-69622110"),
    ("411000-CB", "许昌市公安局", "Xuchang Municipal Public Security Bureau",
     UnitKind.CITY_BUREAU, "411000", "410000-PB", "许昌市魏都区七一路", "0374-2336110"),
    ("411002-BR", "许昌市公安局魏都分局", "Weidu Branch, Xuchang Public Security Bureau",
     UnitKind.BRANCH, "411002", "411000-CB", "许昌市魏都区劳动路", "0374-4396110"),
    ("411002-PS-XDJ", "西大街派出所", "Xidajie Police Station",
     UnitKind.POLICE_STATION, "411002", "411002-BR", "许昌市魏都区西大街", "0374-4396201"),
    ("411002-PS-WYL", "五一路派出所", "Wuyilu Police Station",
     UnitKind.POLICE_STATION, "411002", "411002-BR", "许昌市魏都区五一路", "0374-4396202"),
    ("411003-BR", "许昌市公安局建安分局", "Jian'an Branch, Xuchang Public Security Bureau",
     UnitKind.BRANCH, "411003", "411000-CB", "许昌市建安区新元大道", "0374-5126110"),
    ("411003-PS-JGC", "将官池派出所", "Jiangguanchi Police Station",
     UnitKind.POLICE_STATION, "411003", "411003-BR", "许昌市建安区将官池镇", "0374-5126201"),
    ("411000-TP", "许昌市公安局交通警察支队", "Traffic Police Detachment, Xuchang Public Security Bureau",
     UnitKind.BRANCH, "411000", "411000-CB", "许昌市魏都区许继大道", "0374-2962122"),
    ("411002-TB-WD", "魏都交警大队", "Weidu Traffic Police Brigade",
     UnitKind.TRAFFIC_BRIGADE, "411002", "411000-TP", "许昌市魏都区建安大道", "0374-2962301"),
    ("411000-SD", "许昌市公安局治安支队", "Public Order Detachment, Xuchang Public Security Bureau",
     UnitKind.SECURITY_DETACHMENT, "411000", "411000-CB", "许昌市魏都区七一路", "0374-2336201"),
    ("411000-EE", "许昌市公安局出入境管理支队", "Exit-Entry Administration Detachment, Xuchang PSB",
     UnitKind.EXIT_ENTRY, "411000", "411000-CB", "许昌市东城区市民之家", "0374-2336301"),
    # public_request (警民直通车): the bureau's inspectorate takes complaints about police conduct (12389).
    ("411000-DC", "许昌市公安局督察支队", "Inspectorate, Xuchang Public Security Bureau",
     UnitKind.INSPECTION, "411000", "411000-CB", "许昌市魏都区七一路", "0374-12389"),
)

# --- Hand-made people -----------------------------------------------------------------


@dataclass(frozen=True)
class _Hand:
    key: str
    name: str
    sex: str
    birth: date
    id_region: str  # region in the ID number (where first registered)
    household: str | None  # key in _HOUSEHOLDS
    relation: str
    ethnicity: str = "汉族"
    residence: str | None = None
    deceased: bool = False


# key: household number, region, station, kind, address
_HOUSEHOLDS: dict[str, tuple[str, str, str, str, str]] = {
    "li": ("411002900001", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道文峰路88号院3号楼2单元501"),
    "sun": ("411002900002", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道七一路126号2号楼1单元302"),
    "qian": ("411002900003", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道健康路17号"),
    "zheng": ("411003900004", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇将官池村三组45号"),
    "gao": ("410105900005", "410105", "410105-PS-DFL", "family", "郑州市金水区东风路街道东风路28号院6号楼1单元1102"),
    "zhang": ("411002900006", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道八一路56号院1号楼3单元402"),
    "chen": ("411003900007", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇新元大道209号"),
    "zhao": ("411002900008", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道西大街201号"),
    "sunli": ("411002900009", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道劳动路33号"),
    "zhou": ("320102900010", "320102", "320102-PS-XWM", "family", "南京市玄武区玄武门街道湖南路12号"),
    "wu": ("411002900011", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道七一路99号院2号楼602"),
    "ma": ("411002900012", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道清真寺街8号"),
    "collective": ("411002900013", "411002", "411002-PS-WYL", "collective", "许昌市魏都区五一路街道人才交流中心集体户"),
    "he": ("411003900014", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇许由路318号"),
    "chenzq": ("411002900015", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道魏文路66号院5号楼1单元201"),
    "xu": ("411002900016", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道南大街12号"),
    "yao": ("411002900017", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道莲城大道150号"),
    "pan": ("411003900018", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇建安大道77号"),
    "cui": ("411002900019", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道北大街30号"),
    "jiang": ("411002900020", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道文峰路12号"),
    "tian": ("411002900021", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道五一路18号"),
    "fan": ("411002900022", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道天宝路9号"),
    "liujj": ("411002900023", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道西关路44号"),
    "song": ("411002900024", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道学院路70号"),
    "han": ("411003900025", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇将官池村一组8号"),
    "feng": ("411002900026", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道东大街55号"),
    "yang": ("411002900027", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道建设路101号"),
    "tang": ("411002900028", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道前进路6号"),
    "bai": ("411002900029", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道延安路20号"),
    "zhoujie": ("411003900030", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇兴业路16号"),
    "wulei": ("411002900031", "411002", "411002-PS-WYL", "family", "许昌市魏都区五一路街道魏武大道88号"),
    "cao": ("411002900032", "411002", "411002-PS-XDJ", "family", "许昌市魏都区西大街街道文峰路156号院1号楼101"),
    "peng": ("411003900033", "411003", "411003-PS-JGC", "family", "许昌市建安区将官池镇长村张村19号"),
}

_HAND: tuple[_Hand, ...] = (
    # the `citizen` account and spouse: parents of the eligible newborn
    _Hand("li_ming", "李明", "M", date(1991, 3, 12), "411002", "li", "户主"),
    _Hand("wang_fang", "王芳", "F", date(1993, 7, 8), "411023", "li", "配偶"),
    # `citizen2`: effective conviction
    _Hand("sun_hao", "孙浩", "M", date(1988, 11, 2), "411002", "sun", "户主"),
    _Hand("liu_guilan", "刘桂兰", "F", date(1962, 4, 19), "411002", "sun", "母亲"),
    # only a non-effective judgment (appeal pending): no record
    _Hand("qian_yong", "钱勇", "M", date(1985, 6, 30), "411002", "qian", "户主"),
    # sealed juvenile record: reported as none
    _Hand("zheng_guoqiang", "郑国强", "M", date(1972, 9, 9), "411023", "zheng", "户主"),
    _Hand("zheng_kai", "郑凯", "M", date(2000, 5, 21), "411023", "zheng", "子"),
    # hukou in Zhengzhou, residence permit in Weidu
    _Hand("gao_xiang", "高翔", "M", date(1990, 1, 15), "410105", "gao", "户主", residence="411002"),
    # newborn cases
    _Hand("zhang_lei", "张磊", "M", date(1992, 2, 14), "411002", "zhang", "户主"),
    _Hand("liu_yang", "刘洋", "F", date(1994, 10, 1), "411002", "zhang", "配偶"),
    _Hand("chen_gang", "陈刚", "M", date(1989, 8, 8), "411023", "chen", "户主"),
    _Hand("yang_jing", "杨静", "F", date(1991, 12, 12), "411023", "chen", "配偶"),
    _Hand("zhao_peng", "赵鹏", "M", date(1995, 3, 3), "411002", "zhao", "户主"),
    _Hand("sun_li", "孙丽", "F", date(1996, 6, 6), "411002", "sunli", "户主"),
    _Hand("zhou_qiang", "周强", "M", date(1990, 7, 7), "320102", "zhou", "户主"),
    _Hand("wu_min", "吴敏", "F", date(1992, 9, 19), "411002", "wu", "户主"),
    _Hand("ma_jun", "马军", "M", date(1990, 5, 5), "411002", "ma", "户主", ethnicity="回族"),
    _Hand("guo_hong", "郭红", "F", date(1991, 4, 4), "411002", "ma", "配偶"),
    _Hand("huang_wei", "黄伟", "M", date(1993, 11, 11), "411081", "collective", "集体户成员"),
    _Hand("lin_na", "林娜", "F", date(1994, 1, 21), "411082", "collective", "集体户成员"),
    _Hand("he_tao", "何涛", "M", date(1987, 2, 2), "411023", "he", "户主"),
    _Hand("luo_dan", "罗丹", "F", date(1988, 8, 18), "411023", "he", "配偶"),
    # legal representatives
    _Hand("chen_zhiqiang", "陈志强", "M", date(1984, 10, 10), "411002", "chenzq", "户主"),
    _Hand("xu_hua", "许华", "M", date(1970, 3, 15), "411002", "xu", "户主"),
    _Hand("yao_jian", "姚建", "M", date(1975, 12, 1), "411002", "yao", "户主"),
    _Hand("pan_yue", "潘越", "M", date(1980, 6, 16), "411023", "pan", "户主"),
    _Hand("cui_lei", "崔磊", "M", date(1978, 7, 27), "411002", "cui", "户主"),
    _Hand("jiang_hong", "蒋红", "F", date(1976, 2, 28), "411002", "jiang", "户主"),
    _Hand("tian_bo", "田波", "M", date(1969, 9, 30), "411002", "tian", "户主"),
    _Hand("fan_li", "范丽", "F", date(1982, 11, 25), "411002", "fan", "户主"),
    # drivers
    _Hand("liu_jianjun", "刘建军", "M", date(1982, 5, 12), "411002", "liujj", "户主"),
    _Hand("song_tao", "宋涛", "M", date(1979, 3, 21), "411002", "song", "户主"),
    _Hand("han_lei", "韩磊", "M", date(1986, 8, 30), "411023", "han", "户主"),
    _Hand("feng_jun", "冯军", "M", date(1983, 1, 11), "411002", "feng", "户主"),
    # accident parties
    _Hand("yang_fan", "杨帆", "M", date(1990, 9, 9), "411002", "yang", "户主"),
    _Hand("tang_liang", "唐亮", "M", date(1985, 4, 23), "411002", "tang", "户主"),
    _Hand("bai_xue", "白雪", "F", date(1997, 12, 24), "411002", "bai", "户主"),
    _Hand("zhou_jie", "周杰", "M", date(1994, 6, 18), "411023", "zhoujie", "户主"),
    _Hand("wu_lei", "吴磊", "M", date(1999, 8, 1), "411002", "wulei", "户主"),
    _Hand("cao_wen", "曹文", "M", date(1965, 10, 3), "411002", "cao", "户主", deceased=True),
    _Hand("deng_lin", "邓琳", "F", date(1967, 5, 16), "411002", "cao", "配偶"),
    _Hand("cao_yu", "曹宇", "M", date(1992, 3, 29), "411002", "cao", "子"),
    _Hand("peng_hui", "彭辉", "M", date(1980, 12, 12), "411023", "peng", "户主"),
)


def _hand_ids() -> dict[str, str]:
    ids: dict[str, str] = {}
    counters = {"M": 901, "F": 902}  # bulk sequences stay below 901
    for hand in _HAND:
        ids[hand.key] = make_citizen_id(hand.id_region, hand.birth, counters[hand.sex])
        counters[hand.sex] += 2
    return ids


# ID numbers of the hand-made people, by key (for tests; never print them in docs).
DEMO_IDS: dict[str, str] = _hand_ids()
_HAND_BY_KEY = {hand.key: hand for hand in _HAND}

# Foreigners: the passport number is their key in the population registry.
FOREIGNERS = {
    "resident_400_days": "M70312845",  # KOR, may apply (>= 180 days)
    "resident_90_days": "TK4415923",  # JPN, may not yet
}

BIRTH_CERTIFICATES = {
    "eligible": "Q411000101",
    "late": "Q411000102",  # born 3 months ago, otherwise eligible (late registration)
    "born_outside_henan": "Q320000103",
    "parents_not_married": "Q411000104",
    "father_hukou_outside_henan": "Q411000105",
    "different_ethnicity": "Q411000106",
    "collective_household": "Q411000107",
    "older_than_six": "Q411000108",
}

PLATES = {
    "pass": "豫K8A001",
    "inspection_expired": "豫K8A002",
    "scrapped": "豫K8A003",
    "emission_iv": "豫K8A004",
    "vehicle_violation": "豫K8A005",
    "other_owner": "豫K8A006",
    "new_energy": "豫K08007D",
    "refrigerated": "豫K8A008",
}

# Driver key -> hand-made person key
DRIVERS = {
    "pass": "liu_jianjun",
    "licence_expired": "song_tao",
    "driver_violation": "han_lei",
    "suspended": "feng_jun",
}

ACCIDENT_CASES = {
    "served": "WD-SG-0001",  # general procedure, determination served; `citizen` is a party
    "not_served": "WD-SG-0002",  # general procedure, determination not yet served
    "simple": "WD-SG-0003",  # simple procedure
    "fatal": "WD-SG-0004",  # general, fatal, served; deceased with two close relatives
}

USCCS = {
    "demo": make_uscc("91411002MA9G7K3L2"),  # 许昌瑞丰物流有限公司 (the `enterprise` account)
    "cancelled": make_uscc("91411002MA44R8T1X"),
    "security_2m": make_uscc("91411000MA9K2P5N8"),
    "security_500k": make_uscc("91411000MA47W6D3B"),
    "bad_credit": make_uscc("91411002MA3X9C7Q4"),
    "shop_1": make_uscc("91411002MA45H2J8U"),
    "shop_2": make_uscc("92411002MA4A1B2C3"),
    "shop_3": make_uscc("92411002MA4D5E6F7"),
}

ENGRAVING_SHOP_RECORDS = {
    "recorded_1": "豫许公刻备〔2025〕001号",
    "recorded_2": "豫许公刻备〔2025〕002号",
    "suspended": "豫许公刻备〔2025〕003号",
}

# The legal-provision list is reference data, seeded by migration l1provision1 (production has
# it too); the ids of its entries, for the demo and the tests.
LEGAL_PROVISIONS = {
    "civil_servants": 1,  # 《中华人民共和国公务员法》第二十六条 — 公务员
    "teachers": 2,  # 《中华人民共和国教师法》第十四条 — 教师
    "judges": 3,  # 《中华人民共和国法官法》第十三条
    "prosecutors": 4,  # 《中华人民共和国检察官法》第十三条
    "lawyers": 5,  # 《中华人民共和国律师法》第七条
    "police": 6,  # 《中华人民共和国人民警察法》第二十六条
    "minors": 7,  # 《中华人民共和国未成年人保护法》第六十二条
    "security_guards": 8,  # 《保安服务管理条例》第十七条 — 保安员
    "entertainment": 9,  # 《娱乐场所管理条例》第五条
    "school_bus_drivers": 10,  # 《校车安全管理条例》第二十三条 — 校车驾驶人
}

# --- Demo accounts ------------------------------------------------------------------

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("citizen", "群众", "李明：户籍在西大街派出所辖区，无犯罪记录；已送达认定书的交通事故当事人；"
     "与妻子王芳有一名可“全省通办”登记的新生儿"),
    ("citizen2", "群众", "孙浩：法院生效判决认定有罪（无犯罪记录证明将不予出具）"),
    ("enterprise", "企业", "许昌瑞丰物流有限公司：新设立、尚未刻章、信用良好，名下有货车"),
    ("clerk", "窗口民警", "西大街派出所（citizen 的户籍派出所）"),
    ("supervisor", "负责人", "西大街派出所"),
    ("admin", "管理员", "许昌市公安局"),
    ("officer", "办案民警", "魏都交警大队（办理演示交通事故）"),
    ("shop", "刻章店", "许昌诚信刻章有限公司（已备案）"),
    ("clerk_jianan", "窗口民警", "将官池派出所（建安分局）"),
    ("clerk_wyl", "窗口民警", "五一路派出所（办理演示企业的公章刻制备案）"),
    ("clerk_exit", "窗口民警", "许昌市公安局出入境管理支队"),
    ("clerk_security", "窗口民警", "许昌市公安局治安支队"),
    ("clerk_traffic", "窗口民警", "魏都交警大队"),
    ("province_clerk", "窗口民警", "河南省公安厅"),
    ("foreigner", "外国人", "在许昌居住满400日的外国人（可申请无犯罪记录证明）"),
    ("foreigner2", "外国人", "在许昌居住仅90日的外国人（未满180日，不能申请）"),
    ("security", "企业", "许昌安泰保安服务有限公司：注册资本200万元、信用良好（保安服务许可，可申请容缺受理）"),
    # residence_permit
    ("migrant", "群众", "周强：户籍在南京，在许昌居住登记满一年、无社保记录（申领居住证，上传就业证明或签署承诺书）"),
    ("migrant2", "群众", "高翔：户籍在郑州，持许昌居住证，已进入签注期（居住证签注）"),
    # foreigner_work_residence
    ("supervisor_exit", "负责人", "许昌市公安局出入境管理支队（外国人工作类居留许可的统计与超期件）"),
    # credit_repair
    ("credit", "企业", "许昌鑫达运输有限公司：因公安行政处罚（已履行完毕）信用等级降低，可申请信用修复"),
    # public_request (警民直通车)
    ("clerk_inspection", "窗口民警", "许昌市公安局督察支队（受理12389投诉举报）"),
]


@dataclass(frozen=True)
class _Account:
    username: str
    role: Role
    real_name: str
    phone: str
    unit: str | None = None  # unit code
    person: str | None = None  # hand-made person key (citizens)
    organisation: str | None = None  # USCCS key
    shop: str | None = None  # ENGRAVING_SHOP_RECORDS key
    foreigner: str | None = None  # FOREIGNERS key: real-name by passport number


_ACCOUNTS: tuple[_Account, ...] = (
    _Account("citizen", Role.CITIZEN, "李明", "13803740001", person="li_ming"),
    _Account("citizen2", Role.CITIZEN, "孙浩", "13803740002", person="sun_hao"),
    _Account("enterprise", Role.ENTERPRISE, "陈志强", "13803740003", organisation="demo"),
    _Account("clerk", Role.CLERK, "周晓燕", "13903741001", unit="411002-PS-XDJ"),
    _Account("supervisor", Role.SUPERVISOR, "高建华", "13903741002", unit="411002-PS-XDJ"),
    _Account("admin", Role.ADMIN, "许昌市公安局管理员", "13903741003", unit="411000-CB"),
    _Account("officer", Role.OFFICER, "魏涛", "13903741004", unit="411002-TB-WD"),
    _Account("shop", Role.SHOP, "蒋红", "13803740004", shop="recorded_1"),
    _Account("clerk_jianan", Role.CLERK, "郭亮", "13903741005", unit="411003-PS-JGC"),
    _Account("clerk_wyl", Role.CLERK, "孟凡", "13903741010", unit="411002-PS-WYL"),
    _Account("clerk_exit", Role.CLERK, "宋佳", "13903741006", unit="411000-EE"),
    _Account("clerk_security", Role.CLERK, "梁超", "13903741007", unit="411000-SD"),
    _Account("clerk_traffic", Role.CLERK, "杜鹏", "13903741008", unit="411002-TB-WD"),
    _Account("province_clerk", Role.CLERK, "黄晓", "13903741009", unit="410000-PB"),
    _Account("foreigner", Role.CITIZEN, "KIM MINJUN 金敏俊", "13803740005", foreigner="resident_400_days"),
    _Account("foreigner2", Role.CITIZEN, "SATO YUKI 佐藤优希", "13803740006", foreigner="resident_90_days"),
    _Account("security", Role.ENTERPRISE, "姚建", "13803740007", organisation="security_2m"),
    # residence_permit
    _Account("migrant", Role.CITIZEN, "周强", "13803740008", person="zhou_qiang"),
    _Account("migrant2", Role.CITIZEN, "高翔", "13803740009", person="gao_xiang"),
    # foreigner_work_residence
    _Account("supervisor_exit", Role.SUPERVISOR, "冯立", "13903741011", unit="411000-EE"),
    # credit_repair
    _Account("credit", Role.ENTERPRISE, "崔磊", "13803740012", organisation="bad_credit"),
    # public_request (警民直通车): the inspectorate's clerk (12389 complaints).
    _Account("clerk_inspection", Role.CLERK, "韩磊", "13903741019", unit="411000-DC"),
)

_PHONES = {account.person: account.phone for account in _ACCOUNTS if account.person}


def _phone(key: str) -> str:
    if key in _PHONES:
        return _PHONES[key]
    index = list(_HAND_BY_KEY).index(key)
    return f"1370374{index:04d}"


# --- Date helpers ---------------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


# --- Small real files for the accident evidence -----------------------------------------


def _png(width: int, height: int, seed: int) -> bytes:
    """A tiny RGB PNG (road, lane marks and a 'vehicle'), made with zlib and struct only."""
    rows = []
    car_x = 12 + seed * 11 % (width - 36)
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            if y < height // 3:
                pixel = (150 + seed * 20 % 80, 190, 230)  # sky
            elif abs(y - height * 2 // 3) <= 1 and (x // 6) % 2 == 0:
                pixel = (240, 240, 240)  # lane marking
            elif car_x <= x < car_x + 24 and height // 2 <= y < height // 2 + 10:
                pixel = (200, 40 + seed * 30 % 150, 40)  # vehicle
            else:
                pixel = (90, 90, 95)  # road
            row.extend(pixel)
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _scene_svg(case_number: str, location: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320">
  <title>道路交通事故现场图 {case_number}</title>
  <rect width="480" height="320" fill="#ffffff"/>
  <rect x="0" y="120" width="480" height="80" fill="#d9d9d9"/>
  <rect x="200" y="0" width="80" height="320" fill="#d9d9d9"/>
  <line x1="0" y1="160" x2="480" y2="160" stroke="#ffffff" stroke-width="2" stroke-dasharray="12 8"/>
  <rect x="150" y="132" width="44" height="22" fill="#3366cc"/>
  <text x="150" y="126" font-size="11">甲车</text>
  <rect x="224" y="166" width="22" height="40" fill="#cc3333"/>
  <text x="250" y="190" font-size="11">乙车</text>
  <circle cx="214" cy="160" r="6" fill="none" stroke="#000000"/>
  <text x="10" y="20" font-size="13">{location}</text>
  <text x="10" y="310" font-size="11">比例 1:200　绘图：魏都交警大队</text>
</svg>
""".encode()


def _text_file(title: str, case_number: str, body: str) -> bytes:
    return f"{title}\n案件编号：{case_number}\n办案单位：魏都交警大队\n\n{body}\n".encode()


# --- The dataset ------------------------------------------------------------------------


@dataclass
class _Dataset:
    persons: list[PersonRecord] = field(default_factory=list)
    households: list[HouseholdRecord] = field(default_factory=list)
    marriages: list[MarriageRecord] = field(default_factory=list)
    judgments: list[JudgmentRecord] = field(default_factory=list)
    enterprises: list[EnterpriseRecord] = field(default_factory=list)
    shops: list[EngravingShopRecord] = field(default_factory=list)
    vehicles: list[VehicleRecord] = field(default_factory=list)
    drivers: list[DriverRecord] = field(default_factory=list)
    violations: list[ViolationRecord] = field(default_factory=list)
    accidents: list[AccidentCaseRecord] = field(default_factory=list)
    evidence: list[tuple[EvidenceItemRecord, bytes]] = field(default_factory=list)
    relatives: list[RelativeRecord] = field(default_factory=list)
    birth_certificates: list[BirthCertificateRecord] = field(default_factory=list)
    # residence_permit
    residence_registrations: list[ResidenceRegistrationRecord] = field(default_factory=list)
    social_insurance: list[SocialInsuranceRecord] = field(default_factory=list)
    properties: list[PropertyRecord] = field(default_factory=list)
    residence_permits: list[ResidencePermitRecord] = field(default_factory=list)
    penalties: list[PolicePenaltyRecord] = field(default_factory=list)  # credit_repair
    bulk_persons: int = 0
    bulk_households: int = 0


def _build_hand_made(data: _Dataset, today: date) -> None:
    ids = DEMO_IDS
    members: dict[str, list[HouseholdMemberRecord]] = {key: [] for key in _HOUSEHOLDS}
    for hand in _HAND:
        number, region = _HOUSEHOLDS[hand.household][:2] if hand.household else (None, "")
        data.persons.append(PersonRecord(
            id_number=ids[hand.key], name=hand.name, sex=hand.sex, birth_date=hand.birth,
            ethnicity=hand.ethnicity, nationality="CHN", hukou_region_code=region,
            household_number=number, residence_permit_region_code=hand.residence,
            deceased=hand.deceased,
        ))
        if hand.household:
            members[hand.household].append(HouseholdMemberRecord(ids[hand.key], hand.name, hand.relation))
    for key, (number, region, station, kind, address) in _HOUSEHOLDS.items():
        data.households.append(HouseholdRecord(number, region, address, kind, station, tuple(members[key])))

    # Foreigners: no hukou; residence in Weidu.
    data.persons.append(PersonRecord(
        id_number=FOREIGNERS["resident_400_days"], name="KIM MINJUN 金敏俊", sex="M",
        birth_date=date(1988, 4, 12), ethnicity="", nationality="KOR", hukou_region_code="",
        residence_permit_region_code="411002", resident_since=today - timedelta(days=400),
        passport_number=FOREIGNERS["resident_400_days"],
    ))
    data.persons.append(PersonRecord(
        id_number=FOREIGNERS["resident_90_days"], name="SATO YUKI 佐藤优希", sex="F",
        birth_date=date(1995, 10, 3), ethnicity="", nationality="JPN", hukou_region_code="",
        residence_permit_region_code="411002", resident_since=today - timedelta(days=90),
        passport_number=FOREIGNERS["resident_90_days"],
    ))

    for husband, wife, registered in (
        ("li_ming", "wang_fang", date(2018, 10, 1)),
        ("zhang_lei", "liu_yang", date(2019, 5, 20)),
        ("chen_gang", "yang_jing", date(2016, 1, 8)),
        ("zhou_qiang", "wu_min", date(2020, 10, 10)),
        ("ma_jun", "guo_hong", date(2017, 2, 14)),
        ("huang_wei", "lin_na", date(2021, 6, 18)),
        ("he_tao", "luo_dan", date(2012, 5, 1)),
        ("cao_wen", "deng_lin", date(1990, 3, 8)),
    ):
        data.marriages.append(MarriageRecord(ids[husband], ids[wife], registered))
    # 赵鹏 and 孙丽 are not married (the "born out of wedlock" newborn case).

    court = "许昌市魏都区人民法院"
    data.judgments += [
        JudgmentRecord("（2023）豫1002刑初215号", court, "危险驾驶罪", date(2023, 9, 14),
                       effective=True, sentence_months=4, offence_at_age=34, sealed_juvenile=False,
                       id_number=ids["sun_hao"]),
        JudgmentRecord("（2025）豫1002刑初88号", court, "盗窃罪", date(2025, 6, 20),
                       effective=False, sentence_months=8, offence_at_age=39, sealed_juvenile=False,
                       id_number=ids["qian_yong"]),
        JudgmentRecord("（2016）豫1023刑初301号", "许昌县人民法院", "抢夺罪", date(2016, 11, 8),
                       effective=True, sentence_months=24, offence_at_age=16, sealed_juvenile=True,
                       id_number=ids["zheng_kai"]),
    ]

    # Birth certificates, one per newborn case.
    bc = BIRTH_CERTIFICATES
    center, maternity = "许昌市中心医院", "许昌市妇幼保健院"
    data.birth_certificates += [
        BirthCertificateRecord(bc["eligible"], "李沐阳", "M", today - timedelta(days=12), "41", center,
                               ids["wang_fang"], ids["li_ming"]),
        BirthCertificateRecord(bc["late"], "张一诺", "F", _months_before(today, 3), "41", maternity,
                               ids["liu_yang"], ids["zhang_lei"]),
        BirthCertificateRecord(bc["born_outside_henan"], "陈思远", "M", today - timedelta(days=20), "32",
                               "南京市妇幼保健院", ids["yang_jing"], ids["chen_gang"]),
        BirthCertificateRecord(bc["parents_not_married"], "赵子涵", "F", today - timedelta(days=15), "41",
                               center, ids["sun_li"], ids["zhao_peng"]),
        BirthCertificateRecord(bc["father_hukou_outside_henan"], "周宇航", "M", today - timedelta(days=18),
                               "41", maternity, ids["wu_min"], ids["zhou_qiang"]),
        BirthCertificateRecord(bc["different_ethnicity"], "马欣怡", "F", today - timedelta(days=9), "41",
                               center, ids["guo_hong"], ids["ma_jun"]),
        BirthCertificateRecord(bc["collective_household"], "黄子轩", "M", today - timedelta(days=14), "41",
                               maternity, ids["lin_na"], ids["huang_wei"]),
        BirthCertificateRecord(bc["older_than_six"], "何雨桐", "F", _years_before(today, 7), "41",
                               "许昌市建安区人民医院", ids["luo_dan"], ids["he_tao"]),
    ]

    # Enterprises.
    scope_logistics = "普通货物道路运输；城市配送；仓储服务（不含危险化学品）"
    scope_security = "门卫、巡逻、守护、随身护卫、安全检查、区域秩序维护等保安服务"
    scope_seal = "印章刻制；刻字服务；办公用品销售"

    def enterprise(key: str, name: str, rep: str, address: str, capital: int, established: date,
                   scope: str, status: str = "active", credit: str = "good") -> EnterpriseRecord:
        hand = _HAND_BY_KEY[rep]
        uscc = USCCS[key]
        return EnterpriseRecord(uscc, name, address, uscc[2:8], hand.name, ids[rep], status, capital,
                                established, scope, credit)

    data.enterprises += [
        enterprise("demo", "许昌瑞丰物流有限公司", "chen_zhiqiang", "许昌市魏都区魏文路66号",
                   1_000_000, today - timedelta(days=5), scope_logistics),
        enterprise("cancelled", "许昌恒达商贸有限公司", "xu_hua", "许昌市魏都区南大街12号",
                   500_000, date(2015, 3, 1), "日用百货销售", status="cancelled"),
        enterprise("security_2m", "许昌安泰保安服务有限公司", "yao_jian", "许昌市魏都区莲城大道150号",
                   2_000_000, date(2024, 8, 15), scope_security),
        enterprise("security_500k", "许昌金盾安保服务有限公司", "pan_yue", "许昌市建安区建安大道77号",
                   500_000, date(2025, 2, 10), scope_security),
        # Bad credit through the police penalty below (POLICE_PENALTIES["carried_out"]), until repaired.
        enterprise("bad_credit", "许昌鑫达运输有限公司", "cui_lei", "许昌市魏都区北大街30号",
                   800_000, date(2018, 4, 2), scope_logistics),
        enterprise("shop_1", "许昌诚信刻章有限公司", "jiang_hong", "许昌市魏都区文峰路12号",
                   300_000, date(2019, 7, 1), scope_seal),
        enterprise("shop_2", "许昌市魏都区鼎新印章店", "tian_bo", "许昌市魏都区五一路18号",
                   50_000, date(2012, 3, 5), scope_seal),
        enterprise("shop_3", "许昌市魏都区华艺刻字社", "fan_li", "许昌市魏都区天宝路9号",
                   30_000, date(2010, 9, 9), scope_seal),
    ]
    data.shops += [
        EngravingShopRecord(0, "许昌诚信刻章有限公司", ENGRAVING_SHOP_RECORDS["recorded_1"], USCCS["shop_1"],
                            "411002", "许昌市魏都区文峰路12号", "recorded"),
        EngravingShopRecord(0, "许昌市魏都区鼎新印章店", ENGRAVING_SHOP_RECORDS["recorded_2"], USCCS["shop_2"],
                            "411002", "许昌市魏都区五一路18号", "recorded"),
        EngravingShopRecord(0, "许昌市魏都区华艺刻字社", ENGRAVING_SHOP_RECORDS["suspended"], USCCS["shop_3"],
                            "411002", "许昌市魏都区天宝路9号", "suspended"),
    ]

    # Vehicles and drivers.
    demo_name = "许昌瑞丰物流有限公司"
    valid_until = today + timedelta(days=300)

    def truck(key: str, **changes) -> VehicleRecord:
        base = VehicleRecord(PLATES[key], USCCS["demo"], demo_name, "轻型厢式货车", "fuel", False, "国VI",
                             valid_until, False)
        return replace(base, **changes)

    data.vehicles += [
        truck("pass"),
        truck("inspection_expired", inspection_valid_until=today - timedelta(days=10)),
        truck("scrapped", scrapped=True, emission_standard="国V"),
        truck("emission_iv", emission_standard="国IV", vehicle_type="中型厢式货车"),
        truck("vehicle_violation", emission_standard="国V"),
        truck("other_owner", owner_id=USCCS["bad_credit"], owner_name="许昌鑫达运输有限公司"),
        truck("new_energy", energy="new_energy", vehicle_type="轻型厢式货车（纯电动）"),
        truck("refrigerated", refrigerated=True, vehicle_type="轻型冷藏车"),
    ]
    for key, status, until in (
        ("pass", "valid", today + timedelta(days=900)),
        ("licence_expired", "valid", today - timedelta(days=30)),
        ("driver_violation", "valid", today + timedelta(days=1200)),
        ("suspended", "suspended", today + timedelta(days=600)),
    ):
        hand = _HAND_BY_KEY[DRIVERS[key]]
        id_number = ids[hand.key]
        data.drivers.append(DriverRecord(id_number, hand.name, id_number, "C1", until, status))
    data.violations += [
        ViolationRecord("4110022600000001", PLATES["vehicle_violation"], None,
                        _at(today - timedelta(days=21), 9, 12), "机动车违反禁令标志指示（货车闯禁行）", False),
        ViolationRecord("4110022600000002", None, ids["han_lei"],
                        _at(today - timedelta(days=14), 18, 40), "驾驶机动车不按规定使用安全带", False),
        ViolationRecord("4110022600000003", PLATES["pass"], ids["liu_jianjun"],
                        _at(today - timedelta(days=120), 10, 5), "机动车违反规定停放", True),
    ]

    _build_accidents(data, today)
    _build_police_penalties(data, today)


# --- credit_repair: police administrative penalties that lowered a credit rating ---------------

POLICE_PENALTIES = {
    "carried_out": "许公魏（治）行罚决字〔2026〕0318号",  # 许昌鑫达运输: fine paid, may apply for repair
    "not_carried_out": "许公建（治）行罚决字〔2026〕0127号",  # 许昌金盾安保: fine not yet paid
}


def _build_police_penalties(data: _Dataset, today: date) -> None:
    data.penalties += [
        PolicePenaltyRecord(
            POLICE_PENALTIES["carried_out"], USCCS["bad_credit"], "许昌市公安局魏都分局", today - timedelta(days=75),
            "未落实货物运输安全查验制度，对客户身份、物品进行查验并登记（《中华人民共和国反恐怖主义法》第八十五条）",
            "罚款人民币二万元", today - timedelta(days=60), True,
        ),
        PolicePenaltyRecord(
            POLICE_PENALTIES["not_carried_out"], USCCS["security_500k"], "许昌市公安局建安分局",
            today - timedelta(days=20), "招用未取得保安员证的人员从事保安服务", "警告并处罚款人民币一万元", None, True,
        ),
    ]


def _build_accidents(data: _Dataset, today: date) -> None:
    ids = DEMO_IDS
    unit = UNIT_CODES["weidu_traffic"]

    def party(key: str, role: str) -> AccidentPartyRecord:
        return AccidentPartyRecord(ids[key], _HAND_BY_KEY[key].name, _phone(key), role)

    driver_role = "当事人（机动车驾驶人）"
    cases = [
        AccidentCaseRecord(
            ACCIDENT_CASES["served"], unit, "general", False, _at(today - timedelta(days=40), 8, 35),
            "许昌市魏都区文峰路与七一路交叉口",
            "小型轿车与轻型货车在交叉口发生碰撞，造成一人受伤、两车损坏。",
            _at(today - timedelta(days=25), 10, 0),
            (party("li_ming", driver_role), party("yang_fan", driver_role)),
        ),
        AccidentCaseRecord(
            ACCIDENT_CASES["not_served"], unit, "general", False, _at(today - timedelta(days=6), 17, 50),
            "许昌市魏都区五一路与劳动路交叉口",
            "电动自行车与小型轿车发生碰撞，造成一人受伤，事故认定尚在进行。",
            None,
            (party("tang_liang", driver_role), party("bai_xue", "当事人（非机动车驾驶人）")),
        ),
        AccidentCaseRecord(
            ACCIDENT_CASES["simple"], unit, "simple", False, _at(today - timedelta(days=3), 12, 10),
            "许昌市魏都区建安大道中段",
            "两车追尾，仅造成车辆轻微损坏，适用简易程序当场认定。",
            _at(today - timedelta(days=3), 12, 40),
            (party("zhou_jie", driver_role), party("wu_lei", driver_role)),
        ),
        AccidentCaseRecord(
            ACCIDENT_CASES["fatal"], unit, "general", True, _at(today - timedelta(days=60), 21, 20),
            "许昌市魏都区许由路与魏武大道交叉口",
            "重型货车与行人发生碰撞，造成行人死亡。",
            _at(today - timedelta(days=45), 15, 30),
            (party("peng_hui", driver_role), party("cao_wen", "当事人（行人，死亡）")),
            (ids["cao_wen"],),
        ),
    ]
    data.accidents += cases
    data.relatives += [
        RelativeRecord(ids["deng_lin"], ids["cao_wen"], "配偶", "邓琳"),
        RelativeRecord(ids["cao_yu"], ids["cao_wen"], "子", "曹宇"),
    ]

    def item(case_key: str, kind: str, title: str, filename: str, content: bytes,
             reason: str | None = None) -> tuple[EvidenceItemRecord, bytes]:
        mime = {"png": "image/png", "svg": "image/svg+xml", "txt": "text/plain; charset=utf-8"}[
            filename.rsplit(".", 1)[1]
        ]
        record = EvidenceItemRecord(0, ACCIDENT_CASES[case_key], kind, title, filename, mime,
                                    reason is not None, reason)
        return record, content

    served, fatal = ACCIDENT_CASES["served"], ACCIDENT_CASES["fatal"]
    data.evidence += [
        item("served", "scene_diagram", "道路交通事故现场图", "scene-diagram.svg",
             _scene_svg(served, cases[0].location)),
        item("served", "photo", "现场照片（全景）", "photo-overview.png", _png(96, 64, 1)),
        item("served", "photo", "现场照片（车辆碰撞部位）", "photo-damage.png", _png(96, 64, 2)),
        item("served", "photo", "伤者伤情照片", "photo-injury.png", _png(96, 64, 3), reason="privacy"),
        item("served", "inspection_record", "现场勘查笔录", "inspection-record.txt",
             _text_file("现场勘查笔录", served, "勘查时间：事故当日08时50分至09时40分。\n"
                        "现场位于交叉口东进口，路面干燥，视线良好，信号灯工作正常。")),
        item("served", "inspection_record", "证人询问笔录（证人要求保密）", "witness-statement.txt",
             _text_file("证人询问笔录", served, "证人要求对其身份及陈述内容保密。"),
             reason="witness_protection"),
        item("served", "test_report", "车辆安全技术检验报告", "vehicle-inspection-report.txt",
             _text_file("车辆安全技术检验报告", served, "两车制动、转向、灯光系统检验合格。")),
        item("served", "test_report", "货车行驶记录数据分析报告（涉及商业秘密）", "tachograph-report.txt",
             _text_file("行驶记录数据分析报告", served, "含运输企业运营数据。"), reason="trade_secret"),
        item("served", "appraisal_opinion", "人体损伤程度鉴定意见书", "injury-appraisal.txt",
             _text_file("人体损伤程度鉴定意见书", served, "鉴定意见：被鉴定人之损伤构成轻微伤。")),
        item("not_served", "scene_diagram", "道路交通事故现场图", "scene-diagram.svg",
             _scene_svg(ACCIDENT_CASES["not_served"], cases[1].location)),
        item("not_served", "photo", "现场照片", "photo-overview.png", _png(96, 64, 4)),
        item("simple", "photo", "现场照片", "photo-overview.png", _png(96, 64, 5)),
        item("fatal", "scene_diagram", "道路交通事故现场图", "scene-diagram.svg",
             _scene_svg(fatal, cases[3].location)),
        item("fatal", "photo", "现场照片（全景）", "photo-overview.png", _png(96, 64, 6)),
        item("fatal", "photo", "死者体表照片", "photo-deceased.png", _png(96, 64, 7), reason="privacy"),
        item("fatal", "inspection_record", "现场勘查笔录", "inspection-record.txt",
             _text_file("现场勘查笔录", fatal, "现场位于许由路与魏武大道交叉口北侧人行横道附近。")),
        item("fatal", "test_report", "驾驶人血液酒精含量检验报告", "alcohol-test-report.txt",
             _text_file("血液酒精含量检验报告", fatal, "检验结果：未检出乙醇。")),
        item("fatal", "appraisal_opinion", "尸体检验鉴定意见书", "autopsy-appraisal.txt",
             _text_file("尸体检验鉴定意见书", fatal, "鉴定意见：符合交通事故致颅脑损伤死亡。")),
    ]


# --- Bulk synthetic population ----------------------------------------------------------

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
_MALE_CHARS = "伟强磊军勇杰涛斌超明辉刚鹏浩宇轩建国志华文博晨阳凯俊峰亮"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪梅琳欣怡雨萱佳慧颖洁倩晶蕾瑶"
_STREETS_411002 = ("西大街", "五一路", "文峰路", "七一路", "八一路", "劳动路", "建安大道", "许由路", "魏文路")
_STREETS_411003 = ("新元大道", "将官池镇兴业路", "将官池镇许由路", "建安大道南段", "长村张镇府前街")
_ETHNIC_MINORITIES = ("回族", "满族", "蒙古族")
_BULK_STATIONS = (
    ("411002-PS-XDJ", "411002"), ("411002-PS-XDJ", "411002"), ("411002-PS-WYL", "411002"),
    ("411002-PS-WYL", "411002"), ("411003-PS-JGC", "411003"),
)
_INDUSTRIES = (("商贸", "日用百货、五金交电销售"), ("建材", "建筑材料销售"), ("发制品", "发制品加工、销售"),
               ("电气", "电气设备制造、销售"), ("餐饮管理", "餐饮服务"), ("科技", "软件开发、技术服务"))
_OFFENCES = ("盗窃罪", "危险驾驶罪", "故意伤害罪", "诈骗罪", "寻衅滋事罪")
_PLATE_LETTERS = "BCDEFGHJLMNPQRTUWXY"


class _Bulk:
    """Generates household after household; each from its own seeded Random."""

    def __init__(self, data: _Dataset) -> None:
        self.data = data
        self.used_ids: set[str] = set(DEMO_IDS.values())
        self.used_usccs: set[str] = set(USCCS.values())
        self.used_plates: set[str] = set(PLATES.values())

    def person_id(self, rng: random.Random, region: str, birth: date, sex: str) -> str:
        parity = 1 if sex == "M" else 2
        slot = rng.randrange(450)
        for step in range(450):
            sequence = (slot + step) % 450 * 2 + parity  # 1…900; 901+ are hand-made
            candidate = make_citizen_id(region, birth, sequence)
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate
        raise RuntimeError("no free ID sequence")  # pragma: no cover

    @staticmethod
    def name(rng: random.Random, sex: str, surname: str | None = None) -> str:
        chars = _MALE_CHARS if sex == "M" else _FEMALE_CHARS
        given = "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2))))
        return (surname or rng.choice(_SURNAMES)) + given

    @staticmethod
    def birth(rng: random.Random, min_age: int, max_age: int) -> date:
        earliest = _years_before(BULK_ANCHOR, max_age)
        latest = _years_before(BULK_ANCHOR, min_age)
        return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))

    @staticmethod
    def id_region(rng: random.Random, hukou_region: str, birth: date) -> str:
        if hukou_region == "411003":  # 建安区 was 许昌县 (411023) until 2017
            return "411003" if birth >= date(2017, 1, 1) else "411023"
        return rng.choice(("411002", "411002", "411002", "411023", "411081", "411082", "411024"))

    def household(self, index: int) -> None:
        rng = random.Random(f"xuchang-demo-household-{index}")  # noqa: S311 — synthetic data
        station, region = rng.choice(_BULK_STATIONS)
        number = f"{region}{index + 1:06d}"
        streets = _STREETS_411002 if region == "411002" else _STREETS_411003
        district = "魏都区" if region == "411002" else "建安区"
        collective = index % 12 == 11
        if collective:
            address = f"许昌市{district}{rng.choice(streets)}{rng.randint(1, 300)}号{rng.choice('甲乙丙')}单位集体户"
        else:
            address = (f"许昌市{district}{rng.choice(streets)}{rng.randint(1, 300)}号院"
                       f"{rng.randint(1, 12)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}")
        people: list[tuple[PersonRecord, str]] = []

        def add(name: str, sex: str, birth: date, ethnicity: str, relation: str) -> PersonRecord:
            id_number = self.person_id(rng, self.id_region(rng, region, birth), birth, sex)
            person = PersonRecord(id_number, name, sex, birth, ethnicity, "CHN", region, number)
            people.append((person, relation))
            return person

        if collective:
            for _ in range(rng.randint(3, 5)):
                sex = rng.choice("MF")
                add(self.name(rng, sex), sex, self.birth(rng, 20, 35), "汉族", "集体户成员")
        else:
            ethnicity = "汉族" if rng.random() < 0.93 else rng.choice(_ETHNIC_MINORITIES)
            surname = rng.choice(_SURNAMES)
            head = add(self.name(rng, "M", surname), "M", self.birth(rng, 25, 68), ethnicity, "户主")
            spouse_birth = head.birth_date + timedelta(days=rng.randint(-3 * 365, 4 * 365))
            spouse_ethnicity = ethnicity if rng.random() < 0.9 else "汉族"
            spouse = add(self.name(rng, "F"), "F", spouse_birth, spouse_ethnicity, "配偶")
            adult = max(_years_before(head.birth_date, -22), _years_before(spouse.birth_date, -22))
            married = adult + timedelta(days=rng.randint(0, 6 * 365))
            married = min(married, BULK_ANCHOR - timedelta(days=60))
            self.data.marriages.append(MarriageRecord(head.id_number, spouse.id_number, married))
            child_birth = married + timedelta(days=rng.randint(300, 900))
            for _ in range(rng.choices((0, 1, 2, 3), weights=(15, 40, 35, 10))[0]):
                if child_birth >= BULK_ANCHOR - timedelta(days=30):
                    break
                sex = rng.choice("MF")
                add(self.name(rng, sex, surname), sex, child_birth, ethnicity, "子" if sex == "M" else "女")
                child_birth += timedelta(days=rng.randint(500, 2000))
            if rng.random() < 0.25:
                sex = rng.choice("MF")
                parent_birth = _years_before(head.birth_date, rng.randint(24, 32))
                add(self.name(rng, sex, surname if sex == "M" else None), sex, parent_birth, ethnicity,
                    "父亲" if sex == "M" else "母亲")
            if index % 6 == 3:
                self.enterprise(rng, head, region, address)
            if rng.random() < 0.3:
                self.car(rng, head)

        for person, _relation in people:
            self.data.persons.append(person)
            age = (BULK_ANCHOR - person.birth_date).days // 365
            if 18 <= age <= 65 and rng.random() < 0.4:
                until = BULK_ANCHOR + timedelta(days=rng.randint(400, 3000))
                self.data.drivers.append(DriverRecord(person.id_number, person.name, person.id_number,
                                                      rng.choice(("C1", "C1", "C2", "B2")), until, "valid"))
            if age >= 18 and rng.random() < 0.03:
                self.judgment(rng, person, index)
        self.data.households.append(HouseholdRecord(
            number, region, address, "collective" if collective else "family", station,
            tuple(HouseholdMemberRecord(p.id_number, p.name, relation) for p, relation in people),
        ))
        self.data.bulk_households += 1
        self.data.bulk_persons += len(people)

    def enterprise(self, rng: random.Random, rep: PersonRecord, region: str, address: str) -> None:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        while True:
            uscc = make_uscc(f"91{region}MA" + "".join(rng.choice(alphabet) for _ in range(7)))
            if uscc not in self.used_usccs:
                self.used_usccs.add(uscc)
                break
        trade, scope = rng.choice(_INDUSTRIES)
        name = f"许昌{rep.name[-1]}{rng.choice('鑫恒泰华盛源达丰')}{trade}有限公司"
        established = BULK_ANCHOR - timedelta(days=rng.randint(200, 4000))
        self.data.enterprises.append(EnterpriseRecord(
            uscc, name, address.split("号")[0] + "号", region, rep.name, rep.id_number, "active",
            rng.choice((100_000, 500_000, 1_000_000, 3_000_000)), established, scope,
            "good" if rng.random() < 0.9 else "bad",
        ))

    def car(self, rng: random.Random, owner: PersonRecord) -> None:
        while True:
            plate = f"豫K{rng.choice(_PLATE_LETTERS)}{rng.randrange(10000):04d}"
            if plate not in self.used_plates:
                self.used_plates.add(plate)
                break
        self.data.vehicles.append(VehicleRecord(
            plate, owner.id_number, owner.name, "小型轿车", "fuel", False, rng.choice(("国V", "国VI")),
            BULK_ANCHOR + timedelta(days=rng.randint(200, 1500)), False,
        ))
        if rng.random() < 0.2:
            reference = f"41100223{len(self.data.violations):08d}"
            self.data.violations.append(ViolationRecord(
                reference, plate, owner.id_number,
                _at(BULK_ANCHOR - timedelta(days=rng.randint(10, 300)), rng.randint(7, 21)),
                rng.choice(("机动车违反规定停放", "驾驶机动车超速不足20%", "不按导向车道行驶")),
                rng.random() < 0.7,
            ))

    def judgment(self, rng: random.Random, person: PersonRecord, index: int) -> None:
        judgment_date = BULK_ANCHOR - timedelta(days=rng.randint(100, 3000))
        age = (judgment_date - person.birth_date).days // 365
        if age < 18:
            return
        self.data.judgments.append(JudgmentRecord(
            f"（{judgment_date.year}）豫1002刑初{index + 1000}号", "许昌市魏都区人民法院",
            rng.choice(_OFFENCES), judgment_date, rng.random() < 0.7, rng.choice((3, 6, 10, 18, 36)),
            age, False, person.id_number,
        ))


def _build_residence(data: _Dataset, today: date) -> None:
    """residence_permit: 周强 (hukou Nanjing) registered in Weidu a year ago, no social insurance
    (proves employment by an upload, or signs the commitment); 高翔 (hukou Zhengzhou) holds a
    permit whose endorsement is due in two weeks, with social insurance and a flat in Weidu."""
    ids = DEMO_IDS
    data.residence_registrations += [
        ResidenceRegistrationRecord(ids["zhou_qiang"], "411002", "许昌市魏都区西大街街道七一路99号院2号楼602",
                                    _months_before(today, 13), "411002-PS-XDJ"),
        ResidenceRegistrationRecord(ids["gao_xiang"], "411002", "许昌市魏都区西大街街道文峰路18号",
                                    _years_before(today, 2) - timedelta(days=14), "411002-PS-XDJ"),
    ]
    data.social_insurance.append(SocialInsuranceRecord(ids["gao_xiang"], "411002", "许昌瑞丰物流有限公司",
                                                       _years_before(today, 2)))
    data.properties.append(PropertyRecord(ids["gao_xiang"], "411002", "许昌市魏都区西大街街道文峰路18号",
                                          "豫（2024）许昌市不动产权第0012345号", _years_before(today, 2)))
    issued = _years_before(today, 1) + timedelta(days=14)
    data.residence_permits.append(ResidencePermitRecord(
        "JZ4110022025000001", ids["gao_xiang"], "高翔", "411002", "许昌市魏都区西大街街道文峰路18号",
        "411002-PS-XDJ", issued, _years_before(issued, -1)))


def build_dataset(*, today: date, scale: int = 1) -> _Dataset:
    """Everything the seed inserts, as records (deterministic; no database needed)."""
    data = _Dataset()
    _build_hand_made(data, today)
    _build_residence(data, today)
    bulk = _Bulk(data)
    for index in range(BULK_HOUSEHOLDS_PER_SCALE * scale):
        bulk.household(index)
    return data


# --- Persistence ------------------------------------------------------------------------


def _existing(session: Session, *columns) -> set:
    rows = session.execute(select(*columns))
    if len(columns) == 1:
        return {row[0] for row in rows}
    return {tuple(row) for row in rows}


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: dict[str, int] = {}

    def insert(self, table: str, objects: Iterable[object]) -> None:
        objects = list(objects)
        self.session.add_all(objects)
        self.created[table] = self.created.get(table, 0) + len(objects)


def _persist_registries(session: Session, data: _Dataset, writer: _Writer) -> None:
    known = _existing(session, RegPerson.id_number)
    new_persons = []
    for person in data.persons:
        if person.id_number not in known:
            known.add(person.id_number)
            new_persons.append(RegPerson.from_record(person))
    writer.insert("persons", new_persons)

    known = _existing(session, RegHousehold.household_number)
    in_household = _existing(session, RegHouseholdMember.id_number)
    for record in data.households:
        if record.household_number in known:
            continue
        known.add(record.household_number)
        household = RegHousehold(
            household_number=record.household_number, region_code=record.region_code,
            address=record.address, kind=record.kind, station_unit_code=record.station_unit_code,
        )
        members = []
        for position, member in enumerate(record.members):
            if member.id_number in in_household:
                continue
            in_household.add(member.id_number)
            members.append(RegHouseholdMember(household=household, id_number=member.id_number,
                                              relation=member.relation, position=position))
        writer.insert("households", [household])
        writer.insert("household_members", members)

    known = _existing(session, RegMarriage.husband_id_number, RegMarriage.wife_id_number,
                      RegMarriage.registered_on)
    writer.insert("marriages", [
        RegMarriage(husband_id_number=m.husband_id_number, wife_id_number=m.wife_id_number,
                    registered_on=m.registered_on, dissolved_on=m.dissolved_on)
        for m in _new(data.marriages, known,
                      lambda m: (m.husband_id_number, m.wife_id_number, m.registered_on))
    ])

    known = _existing(session, RegJudgment.case_number, RegJudgment.id_number)
    writer.insert("judgments", [
        RegJudgment(case_number=j.case_number, id_number=j.id_number, court=j.court, offence=j.offence,
                    judgment_date=j.judgment_date, effective=j.effective,
                    sentence_months=j.sentence_months, offence_at_age=j.offence_at_age,
                    sealed_juvenile=j.sealed_juvenile)
        for j in _new(data.judgments, known, lambda j: (j.case_number, j.id_number))
    ])

    known = _existing(session, RegEnterprise.uscc)
    writer.insert("enterprises", [
        RegEnterprise(uscc=e.uscc, name=e.name, address=e.address, region_code=e.region_code,
                      legal_rep_name=e.legal_rep_name, legal_rep_id_number=e.legal_rep_id_number,
                      status=e.status, registered_capital_yuan=e.registered_capital_yuan,
                      established_on=e.established_on, business_scope=e.business_scope,
                      credit_status=e.credit_status)
        for e in _new(data.enterprises, known, lambda e: e.uscc)
    ])

    known = _existing(session, RegEngravingShop.record_number)
    writer.insert("engraving_shops", [
        RegEngravingShop(name=s.name, record_number=s.record_number, uscc=s.uscc,
                         region_code=s.region_code, address=s.address, status=s.status)
        for s in _new(data.shops, known, lambda s: s.record_number)
    ])

    known = _existing(session, RegVehicle.plate)
    writer.insert("vehicles", [
        RegVehicle(plate=v.plate, owner_id=v.owner_id, owner_name=v.owner_name,
                   vehicle_type=v.vehicle_type, energy=v.energy, refrigerated=v.refrigerated,
                   emission_standard=v.emission_standard,
                   inspection_valid_until=v.inspection_valid_until, scrapped=v.scrapped)
        for v in _new(data.vehicles, known, lambda v: v.plate)
    ])

    known = _existing(session, RegDriver.id_number)
    writer.insert("drivers", [
        RegDriver(id_number=d.id_number, name=d.name, licence_number=d.licence_number,
                  licence_class=d.licence_class, licence_valid_until=d.licence_valid_until,
                  status=d.status)
        for d in _new(data.drivers, known, lambda d: d.id_number)
    ])

    known = _existing(session, RegViolation.reference)
    writer.insert("violations", [
        RegViolation(reference=v.reference, plate=v.plate, driver_id_number=v.driver_id_number,
                     occurred_at=v.occurred_at, description=v.description, handled=v.handled)
        for v in _new(data.violations, known, lambda v: v.reference)
    ])

    known = _existing(session, RegBirthCertificate.number)
    writer.insert("birth_certificates", [
        RegBirthCertificate(number=b.number, child_name=b.child_name, sex=b.sex, birth_date=b.birth_date,
                            birth_province_code=b.birth_province_code, hospital=b.hospital,
                            mother_id_number=b.mother_id_number, father_id_number=b.father_id_number)
        for b in _new(data.birth_certificates, known, lambda b: b.number)
    ])

    known = _existing(session, RegCloseRelative.deceased_id_number, RegCloseRelative.id_number)
    writer.insert("close_relatives", [
        RegCloseRelative(deceased_id_number=r.relative_of, id_number=r.id_number, name=r.name,
                         relation=r.relation)
        for r in _new(data.relatives, known, lambda r: (r.relative_of, r.id_number))
    ])

    # credit_repair
    known = _existing(session, RegPolicePenalty.decision_number)
    writer.insert("police_penalties", [RegPolicePenalty.from_record(p)
                                       for p in _new(data.penalties, known, lambda p: p.decision_number)])

    cases = {row.case_number: row for row in session.scalars(select(RegAccidentCase))}
    for record in data.accidents:
        if record.case_number in cases:
            continue
        case = RegAccidentCase(
            case_number=record.case_number, unit_code=record.unit_code, procedure=record.procedure,
            fatal=record.fatal, occurred_at=record.occurred_at, location=record.location,
            summary=record.summary, determination_served_at=record.determination_served_at,
        )
        cases[record.case_number] = case
        writer.insert("accident_cases", [case])
        writer.insert("accident_parties", [
            RegAccidentParty(case=case, id_number=p.id_number, name=p.name, phone=p.phone,
                             role_zh=p.role_zh, deceased=p.id_number in record.deceased)
            for p in record.parties
        ])
    known = {
        (case_number, filename)
        for case_number, filename in session.execute(
            select(RegAccidentCase.case_number, RegEvidenceItem.filename).join(
                RegAccidentCase, RegEvidenceItem.case_id == RegAccidentCase.id
            )
        )
    }
    writer.insert("evidence_items", [
        RegEvidenceItem(case=cases[e.case_number], kind=e.kind, title=e.title, filename=e.filename,
                        mime=e.mime, confidential=e.confidential,
                        confidential_reason=e.confidential_reason, content=content)
        for e, content in data.evidence
        if (e.case_number, e.filename) not in known
    ])


def _persist_residence(session: Session, data: _Dataset, writer: _Writer) -> None:
    """residence_permit: the registrations, proofs and permits, by natural key."""
    # Keyed by person (one of each per demo resident): dated relative to `today` when first seeded.
    known = _existing(session, RegResidenceRegistration.id_number)
    writer.insert("residence_registrations", [
        RegResidenceRegistration(id_number=r.id_number, region_code=r.region_code, address=r.address,
                                 registered_on=r.registered_on, station_unit_code=r.station_unit_code)
        for r in _new(data.residence_registrations, known, lambda r: r.id_number)])
    known = _existing(session, RegSocialInsurance.id_number)
    writer.insert("social_insurance", [
        RegSocialInsurance(id_number=r.id_number, region_code=r.region_code, employer=r.employer, since=r.since,
                           until=r.until)
        for r in _new(data.social_insurance, known, lambda r: r.id_number)])
    known = _existing(session, RegProperty.certificate_number)
    writer.insert("properties", [
        RegProperty(id_number=r.id_number, region_code=r.region_code, address=r.address,
                    certificate_number=r.certificate_number, since=r.since)
        for r in _new(data.properties, known, lambda r: r.certificate_number)])
    known = _existing(session, RegResidencePermit.number)
    writer.insert("residence_permits", [
        RegResidencePermit(number=p.number, id_number=p.id_number, name=p.name, region_code=p.region_code,
                           address=p.address, station_unit_code=p.station_unit_code, issued_on=p.issued_on,
                           endorsement_due=p.endorsement_due, last_endorsed_on=p.last_endorsed_on)
        for p in _new(data.residence_permits, known, lambda p: p.number)])


def _new(records, known: set, key) -> list:
    fresh = []
    for record in records:
        natural_key = key(record)
        if natural_key not in known:
            known.add(natural_key)
            fresh.append(record)
    return fresh


# 本级人民政府 of the bureaus (行政复议机关, 行政复议法第二十四条); stations and detachments take their bureau's.
_GOVERNMENTS = {"410000-PB": "河南省人民政府", "411000-CB": "许昌市人民政府",
                "411002-BR": "许昌市魏都区人民政府", "411003-BR": "许昌市建安区人民政府"}


def _persist_units(session: Session, writer: _Writer) -> dict[str, Unit]:
    units = {unit.code: unit for unit in session.scalars(select(Unit))}
    for code, name, name_en, kind, region, parent, address, phone in _UNITS:
        if code in units:
            continue
        unit = Unit(code=code, name=name, name_en=name_en, kind=str(kind), region_code=region,
                    address=address, phone=phone, parent=units.get(parent) if parent else None,
                    government_name=_GOVERNMENTS.get(code, ""))
        units[code] = unit
        writer.insert("units", [unit])
    return units


def _persist_accounts(session: Session, units: dict[str, Unit], password: str, writer: _Writer) -> None:
    usernames = _existing(session, User.username)
    taken_ids = _existing(session, User.id_number)
    hasher = PasswordHasher()
    for account in _ACCOUNTS:
        if account.username in usernames:
            continue
        id_number = DEMO_IDS[account.person] if account.person else FOREIGNERS.get(account.foreigner or "")
        if id_number is not None and id_number in taken_ids:
            continue  # someone registered this identity already; never two accounts for one person
        user = User(username=account.username, password_hash=hasher.hash(password), role=str(account.role),
                    real_name=account.real_name, id_number=id_number, phone=account.phone)
        if account.unit:
            user.unit = units[account.unit]
        if account.organisation:
            uscc = USCCS[account.organisation]
            organisation = session.scalar(select(Organisation).where(Organisation.uscc == uscc))
            if organisation is None:
                enterprise = session.scalar(select(RegEnterprise).where(RegEnterprise.uscc == uscc))
                organisation = Organisation(uscc=uscc, name=enterprise.name,
                                            legal_rep_name=enterprise.legal_rep_name,
                                            legal_rep_id_number=enterprise.legal_rep_id_number)
                writer.insert("organisations", [organisation])
            user.organisation = organisation
        if account.shop:
            user.shop_id = session.scalar(select(RegEngravingShop.id).where(
                RegEngravingShop.record_number == ENGRAVING_SHOP_RECORDS[account.shop]))
        writer.insert("users", [user])


_COUNTED = {
    "units": Unit, "users": User, "organisations": Organisation,
    "persons": RegPerson, "households": RegHousehold, "household_members": RegHouseholdMember,
    "marriages": RegMarriage, "judgments": RegJudgment, "enterprises": RegEnterprise,
    "engraving_shops": RegEngravingShop, "vehicles": RegVehicle, "drivers": RegDriver,
    "violations": RegViolation, "birth_certificates": RegBirthCertificate,
    "accident_cases": RegAccidentCase, "accident_parties": RegAccidentParty,
    "close_relatives": RegCloseRelative, "evidence_items": RegEvidenceItem,
    "police_penalties": RegPolicePenalty,  # credit_repair
}


# --- foreigner_work_residence: the key-project list (重点项目单位名单) ----------------------

# The demo enterprise listed: its foreign staff get the work-type residence permit in 5 working days.
KEY_PROJECT_ENTERPRISES = {"demo": "许昌市智慧物流园区建设项目"}


def _persist_key_projects(session: Session, data, today: date) -> None:
    """List the demo key-project enterprises once (an "add" change by no one: the demo's own list)."""
    enterprises = {record.uscc: record for record in data.enterprises}
    at = datetime.combine(today, time(0), tzinfo=LOCAL_TZ)
    for key, project in KEY_PROJECT_ENTERPRISES.items():
        uscc = USCCS[key]
        if session.scalar(select(KeyProjectEnterprise.id).where(KeyProjectEnterprise.uscc == uscc)) is not None:
            continue
        row = KeyProjectEnterprise(uscc=uscc, name=enterprises[uscc].name, project=project, listed=True,
                                   created_at=at, updated_at=at)
        session.add(row)
        session.flush()
        session.add(KeyProjectChange(enterprise_id=row.id, action="add", changed_by_id=None, changed_at=at,
                                     before=None, after={"uscc": uscc, "name": row.name, "project": project,
                                                         "listed": True}))


def seed_demo(session: Session, *, scale: int = 1, password: str = DEMO_PASSWORD, today: date) -> dict:
    """Create the demo units, accounts and registries; return a summary.

    The summary holds the total rows per table (``persons``, ``households`` …), what this
    run created (``created``), the bulk size (``bulk``), the demo usernames (``accounts``)
    and, under ``demo``, the fixed keys of the hand-made cases (unit codes, plates,
    accident case numbers, birth-certificate numbers, USCCs, shop record numbers).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    data = build_dataset(today=today, scale=scale)
    writer = _Writer(session)
    # One flush for everything, so that the unit of work orders the inserts by foreign
    # key (households before persons before members); the key look-ups must not flush.
    with session.no_autoflush:
        units = _persist_units(session, writer)
        _persist_registries(session, data, writer)
        _persist_residence(session, data, writer)
    session.flush()
    _persist_accounts(session, units, password, writer)
    _persist_key_projects(session, data, today)  # foreigner_work_residence
    session.commit()

    summary: dict = {
        name: session.scalar(select(func.count()).select_from(model)) for name, model in _COUNTED.items()
    }
    summary.update(
        created={name: count for name, count in writer.created.items() if count},
        accounts=[account.username for account in _ACCOUNTS],
        bulk={"households": data.bulk_households, "persons": data.bulk_persons},
        demo={
            "units": dict(UNIT_CODES),
            "birth_certificates": dict(BIRTH_CERTIFICATES),
            "plates": dict(PLATES),
            "accident_cases": dict(ACCIDENT_CASES),
            "enterprises": dict(USCCS),
            "engraving_shops": dict(ENGRAVING_SHOP_RECORDS),
            "foreigners": dict(FOREIGNERS),
            "legal_provisions": dict(LEGAL_PROVISIONS),
            "police_penalties": dict(POLICE_PENALTIES),  # credit_repair
        },
    )
    return summary
