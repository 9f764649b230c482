"""Accounts: real-name registration, enterprise registration, login with throttling, tokens."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.identifiers import (
    InvalidIdentifier,
    parse_citizen_id,
    validate_mobile,
    validate_uscc,
)
from app.extensions import db
from app.models.accounts import STAFF_ROLES, ApiToken, Organisation, Role, Unit, UsccWhitelist, User
from app.operations import OperationError
from app.registries import get_registries

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
# Compared against when the username does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH or password.isdigit() or password.isalpha():
        raise OperationError(
            "password.weak", str(_l("密码至少10位，且须同时包含字母和数字。")), field="password"
        )


def _identifier(fn, value, field, **kwargs):
    try:
        return fn(value, **kwargs)
    except InvalidIdentifier as exc:
        raise OperationError(exc.code, exc.message, field=field) from exc


def _username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(User.username == username)) is not None


def register_citizen(
    *, username: str, password: str, real_name: str, id_number: str, phone: str, today: date
) -> User:
    """实名注册: the name and ID number must match the population registry."""
    citizen_id = _identifier(parse_citizen_id, id_number, "id_number", today=today)
    phone = _identifier(validate_mobile, phone, "phone")
    check_password_strength(password)
    real_name = real_name.strip()
    person = get_registries().person(citizen_id.number)
    if person is None or person.name != real_name:
        raise OperationError(
            "identity.mismatch",
            str(_l("姓名与身份证号码未能通过户籍信息核验，请核对后重试。")),
            field="id_number",
        )
    if db.session.scalar(select(User.id).where(User.id_number == citizen_id.number)):
        raise OperationError(
            "identity.duplicate",
            str(_l("该身份证号码已注册账号，请直接登录或找回密码。")),
            field="id_number",
        )
    if _username_taken(username):
        raise OperationError("username.taken", str(_l("该用户名已被使用。")), field="username")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=Role.CITIZEN,
        real_name=real_name,
        id_number=citizen_id.number,
        phone=phone,
    )
    return _commit_new(user)


def uscc_whitelist() -> set[str]:

    stored = set(db.session.scalars(select(UsccWhitelist.code)))
    return stored | set(current_app.config.get("USCC_WHITELIST", ()))


def register_enterprise(
    *,
    username: str,
    password: str,
    uscc: str,
    legal_rep_name: str,
    legal_rep_id_number: str,
    contact_name: str,
    phone: str,
    today: date,
) -> User:
    """Enterprise account bound to a credit code, checked against the enterprise registry."""
    code = _identifier(validate_uscc, uscc, "uscc", whitelist=uscc_whitelist())
    rep_id = _identifier(parse_citizen_id, legal_rep_id_number, "legal_rep_id_number", today=today)
    phone = _identifier(validate_mobile, phone, "phone")
    check_password_strength(password)
    enterprise = get_registries().enterprise(code)
    if enterprise is None or enterprise.status != "active":
        raise OperationError(
            "enterprise.not_found",
            str(_l("未在企业登记信息中查到该统一社会信用代码对应的存续企业。")),
            field="uscc",
        )
    if (
        enterprise.legal_rep_id_number != rep_id.number
        or enterprise.legal_rep_name != legal_rep_name.strip()
    ):
        raise OperationError(
            "enterprise.legal_rep_mismatch",
            str(_l("法定代表人信息与企业登记信息不一致。")),
            field="legal_rep_id_number",
        )
    if _username_taken(username):
        raise OperationError("username.taken", str(_l("该用户名已被使用。")), field="username")
    organisation = db.session.scalar(select(Organisation).where(Organisation.uscc == code))
    if organisation is None:
        organisation = Organisation(
            uscc=code,
            name=enterprise.name,
            legal_rep_name=enterprise.legal_rep_name,
            legal_rep_id_number=enterprise.legal_rep_id_number,
        )
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=Role.ENTERPRISE,
        real_name=contact_name.strip(),
        phone=phone,
        organisation=organisation,
    )
    return _commit_new(user)


def _commit_new(user: User) -> User:
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # A concurrent registration won the race: nothing of ours is kept.
        db.session.rollback()
        raise OperationError(
            "account.duplicate", str(_l("该账号信息已注册，请直接登录。"))
        ) from exc
    log.info("account registered user_id=%s role=%s", user.id, user.role)
    return user


class LoginRefused(OperationError):
    pass


def authenticate(username: str, password: str, *, now: datetime, max_failures: int, lock_minutes: int) -> User:
    """Check a password; after `max_failures` failures the account is locked for a while."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise LoginRefused("login.failed", str(_l("用户名或密码错误。")), status=401)
    if user.locked_until is not None and user.locked_until > now:
        raise LoginRefused(
            "login.locked",
            str(_l("登录失败次数过多，账号已临时锁定，请%(minutes)d分钟后再试。", minutes=lock_minutes)),
            status=429,
        )
    if not user.active or not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            log.warning("account locked after failed logins user_id=%s", user.id)
        db.session.commit()
        raise LoginRefused("login.failed", str(_l("用户名或密码错误。")), status=401)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_api_token(user: User, *, now: datetime, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.commit()
    return token


def user_for_api_token(token: str, *, now: datetime) -> User | None:
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest())
    )
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row.user


def create_staff_account(
    *, username: str, password: str, real_name: str, role: str, unit_id: int, phone: str,
    created_by: User,
) -> User:
    """Staff accounts are created only by an admin, each bound to one unit."""

    if Role(role) not in STAFF_ROLES:
        raise OperationError("role.invalid", str(_l("角色无效。")), field="role")
    if db.session.get(Unit, unit_id) is None:
        raise OperationError("unit.invalid", str(_l("所属单位无效。")), field="unit_id")
    phone = _identifier(validate_mobile, phone, "phone")
    check_password_strength(password)
    if _username_taken(username):
        raise OperationError("username.taken", str(_l("该用户名已被使用。")), field="username")
    user = User(username=username, password_hash=hash_password(password), role=role,
                real_name=real_name.strip(), phone=phone, unit_id=unit_id)
    user = _commit_new(user)
    log.info("staff account created user_id=%s by admin_id=%s", user.id, created_by.id)
    return user


def add_uscc_whitelist(*, code: str, note: str) -> UsccWhitelist:
    code = code.strip().upper()
    if not all(ch in "0123456789ABCDEFGHJKLMNPQRTUWXY" for ch in code) or len(code) != 18:
        raise OperationError("uscc.format", str(_l("统一社会信用代码格式不正确。")), field="code")
    entry = db.session.get(UsccWhitelist, code) or UsccWhitelist(code=code)
    entry.note = note.strip()
    db.session.add(entry)
    db.session.commit()
    return entry
