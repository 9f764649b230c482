"""Accounts: real-name registration, enterprise registration, login with throttling, tokens."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import unicodedata
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.catalogue.schema import FieldError
from app.domain.identifiers import (
    InvalidIdentifier,
    parse_citizen_id,
    validate_mobile,
    validate_uscc,
)
from app.domain.text import N_
from app.extensions import db
from app.models.accounts import (
    STAFF_ROLES,
    ApiToken,
    LoginFailure,
    Organisation,
    Role,
    Unit,
    UsccWhitelist,
    User,
)
from app.operations import InvalidInput, OperationError
from app.operations.audit import log_access
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


# --- login throttling --------------------------------------------------------------------------

ALL_ADDRESSES = "*"  # the `client_ip` of the counter over every address
# The counter over every address allows this many times the per-address limit.
GLOBAL_FACTOR = 10
# An address the account logged in from this recently is a known one (see `authenticate`).
KNOWN_ADDRESS_DAYS = 30


def _failed() -> LoginRefused:
    return LoginRefused("login.failed", str(_l("用户名或密码错误。")), status=401)


def _locked(lock_minutes: int) -> LoginRefused:
    return LoginRefused(
        "login.locked",
        str(_l("登录失败次数过多，账号已临时锁定，请%(minutes)d分钟后再试。", minutes=lock_minutes)),
        status=429,
    )


def failure_key(username: str) -> str:
    """The counters' key for a username as typed: an HMAC, so the table names no one, of the
    username normalised (full-width, spaces, case), so variants of one name share a counter."""
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), name.encode(), hashlib.sha256).hexdigest()


def _client_ip(ip: str | None) -> str:
    return (ip or "unknown")[:45]


def _counter(key: str, ip: str) -> LoginFailure | None:
    return db.session.scalar(select(LoginFailure).where(LoginFailure.key_hash == key, LoginFailure.client_ip == ip))


def _is_locked(row: LoginFailure | None, now: datetime) -> bool:
    return row is not None and row.locked_until is not None and row.locked_until > now


def _count_failure(key: str, ip: str, *, limit: int, now: datetime, window: timedelta) -> None:
    """One more failure in the counter's window (a new window once the old one is over); at
    `limit` the counter locks for `window` and starts again. Single UPDATE statements, so two
    failures at once both count."""
    where = (LoginFailure.key_hash == key, LoginFailure.client_ip == ip)
    db.session.execute(update(LoginFailure).where(*where, LoginFailure.window_start <= now - window)
                       .values(failures=0, window_start=now))
    counted = db.session.execute(update(LoginFailure).where(*where).values(failures=LoginFailure.failures + 1))
    if counted.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(LoginFailure(key_hash=key, client_ip=ip, failures=1, window_start=now))
        except IntegrityError:  # another failure made the row first: count on it
            db.session.execute(update(LoginFailure).where(*where).values(failures=LoginFailure.failures + 1))
    db.session.execute(update(LoginFailure).where(*where, LoginFailure.failures >= limit)
                       .values(failures=0, window_start=now, locked_until=now + window))


def _record_success(key: str, ip: str, now: datetime) -> None:
    row = _counter(key, ip)
    if row is None:
        db.session.add(LoginFailure(key_hash=key, client_ip=ip, failures=0, window_start=now, succeeded_at=now))
    else:
        row.failures, row.locked_until, row.succeeded_at = 0, None, now


def _forget_stale(now: datetime, window: timedelta) -> None:
    """Counters whose window is over, not locked and not marking a known address are worth
    nothing: deleted as failures come in, so that sprayed usernames do not pile up."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.window_start < now - window,
        or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < now),
        or_(LoginFailure.succeeded_at.is_(None), LoginFailure.succeeded_at < now - timedelta(days=KNOWN_ADDRESS_DAYS)),
    ))


def authenticate(username: str, password: str, *, now: datetime, max_failures: int, lock_minutes: int,
                 ip: str | None) -> User:
    """Check a password, with failures counted per (username, client address) and per username.

    Nothing in the answer tells whether a username exists: an unknown one costs the same
    password-hash verification, gets the same 401 and, once it has failed as often, the same
    429 as a real one — its failures are counted under the same key whether or not anyone has
    that name. `ip` is the client's address (the web layer's `request.remote_addr`; ProxyFix,
    where configured, makes that the client's).

    Two limits, trading lock-out of the real person against guessing:
    - per (username, address): `max_failures` failures within `lock_minutes` lock that pair for
      `lock_minutes`. Someone guessing from one address is stopped there, and the person
      themselves, logging in from anywhere else, is not affected.
    - per username over all addresses: `GLOBAL_FACTOR` × `max_failures` in the same window lock
      the username everywhere, which bounds a guesser spread over many addresses. Since one
      address is locked after `max_failures`, it takes `GLOBAL_FACTOR` addresses to reach this —
      and even then the lock does not apply at an address the account has logged in from in
      the last `KNOWN_ADDRESS_DAYS` days, so a distributed attacker cannot lock the person out
      of their usual place. The cost: a guesser who happens to share such an address (the same
      office NAT) gets only the per-address limit. An admin can lift either lock (`unlock`).

    A locked attempt is refused without being counted, whatever the password.
    """
    window = timedelta(minutes=lock_minutes)
    key, address = failure_key(username), _client_ip(ip)
    user = _by_username(username)
    here, everywhere = _counter(key, address), _counter(key, ALL_ADDRESSES)
    known = here is not None and here.succeeded_at is not None \
        and here.succeeded_at > now - timedelta(days=KNOWN_ADDRESS_DAYS)
    # Exactly one verification on every path, so that timing tells nothing either.
    password_ok = _verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    if _is_locked(here, now) or (_is_locked(everywhere, now) and not known):
        raise _locked(lock_minutes)
    if user is None or not user.active or not password_ok:
        _count_failure(key, address, limit=max_failures, now=now, window=window)
        _count_failure(key, ALL_ADDRESSES, limit=max_failures * GLOBAL_FACTOR, now=now, window=window)
        _forget_stale(now, window)
        db.session.commit()
        if _is_locked(_counter(key, ALL_ADDRESSES), now):
            log.warning("login locked for a username over all addresses key=%s", key[:12])
        raise _failed()
    # The counter over all addresses stays: a success here does not give a guesser elsewhere a
    # fresh allowance.
    _record_success(key, address, now)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def confirm_password(user: User, password: str, *, now: datetime, max_failures: int, lock_minutes: int,
                     ip: str | None) -> None:
    """Ask a signed-in user for their password again (before showing data in full). A wrong
    one counts as a failed login of that account, so a stolen session cannot guess it."""
    try:
        authenticate(user.username, password, now=now, max_failures=max_failures, lock_minutes=lock_minutes,
                     ip=ip)
    except LoginRefused as exc:
        if exc.code != "login.failed":
            raise
        raise LoginRefused("password.wrong", str(_l("密码不正确。")), field="password", status=401) from None


def locked_usernames(usernames: list[str], *, now: datetime) -> set[str]:
    """Those of `usernames` that a lock (at one address, or at all) holds now (the admin's list)."""
    keys = {failure_key(name): name for name in usernames}
    if not keys:
        return set()
    locked = db.session.scalars(select(LoginFailure.key_hash).where(
        LoginFailure.key_hash.in_(list(keys)), LoginFailure.locked_until > now))
    return {keys[key] for key in locked}


def is_locked(username: str, *, now: datetime) -> bool:
    return bool(locked_usernames([username], now=now))


def unlock(username: str, *, by: User, now: datetime) -> bool:
    """An admin lifts every lock and failure count of a username (the known addresses stay).
    Audited. Returns whether anything was locked."""
    key = failure_key(username)
    was_locked = is_locked(username, now=now)
    db.session.execute(update(LoginFailure).where(LoginFailure.key_hash == key)
                       .values(failures=0, locked_until=None))
    log_access(actor=by, action="account.unlock", subject_kind="login", subject_id=key[:16],
               detail="locked" if was_locked else "not locked")
    db.session.commit()
    log.info("login unlocked key=%s by admin_id=%s", key[:12], by.id)
    return was_locked


def _by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip()))


def sign_out_everywhere(username: str, *, by: User) -> bool:
    """An admin ends every session of an account (a lost phone, a departed member of staff)."""
    user = _by_username(username)
    if user is None:
        return False
    end_all_sessions(user, by=by)
    return True


def password_change_problems(user: User, current: str, new: str, *, now: datetime, max_failures: int,
                             lock_minutes: int, ip: str | None) -> list[FieldError]:
    """What stops `user` changing to `new`, all of it at once: a weak new password, a wrong
    current one (counted as a failed login; a lock is raised, not listed), the same password."""
    problems = []
    try:
        check_password_strength(new)
    except OperationError as weak:
        problems.append(FieldError("password", weak.code, weak.template))
    try:
        confirm_password(user, current, now=now, max_failures=max_failures, lock_minutes=lock_minutes, ip=ip)
    except LoginRefused as refused:
        if refused.status == 429:
            raise
        problems.append(FieldError("current_password", refused.code, refused.template))
    else:
        if _verify(user.password_hash, new):
            problems.append(FieldError("password", "password.unchanged", N_("新密码不能与当前密码相同。")))
    return problems


def change_password(user: User, current: str, new: str, *, now: datetime, max_failures: int, lock_minutes: int,
                    ip: str | None) -> None:
    """修改密码: every problem at once (InvalidInput), else the new password, and every session
    and API token of the account ends — the one making the change starts again."""
    problems = password_change_problems(user, current, new, now=now, max_failures=max_failures,
                                        lock_minutes=lock_minutes, ip=ip)
    if problems:
        raise InvalidInput(problems)
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    log.info("password changed user_id=%s", user.id)


def set_active(username: str, active: bool, *, by: User) -> User | None:
    """停用 / 启用 an account (an admin; audited). A disabled account's sessions and API tokens
    end at once, and it cannot log in until enabled again. None: no such username."""
    user = _by_username(username)
    if user is None:
        return None
    if user.id == by.id:
        raise OperationError("account.self", N_("不能停用当前登录的管理员账号。"), status=409)
    user.active = active
    log_access(actor=by, action="account.enable" if active else "account.disable", subject_kind="user",
               subject_id=str(user.id))
    if active:
        db.session.commit()
    else:
        end_all_sessions(user, by=by)
    return user


def end_all_sessions(user: User, *, by: User | None = None) -> None:
    """Every session cookie and API token of `user` stops working at once (logout; an admin's
    sign-out everywhere, audited)."""
    user.session_version += 1
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    if by is not None and by.id != user.id:
        log_access(actor=by, action="account.sign_out_everywhere", subject_kind="user", subject_id=str(user.id))
    db.session.commit()


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


# Built once: SQLAlchemy keys its compiled-statement cache by the statement, and a statement
# built per call pays for that key again on every API request.
_TOKEN_USER = (select(User, ApiToken.expires_at).join(ApiToken, ApiToken.user_id == User.id)
               .where(ApiToken.token_hash == bindparam("token_hash")))


def user_for_api_token(token: str, *, now: datetime) -> User | None:
    """The token's user in one query (every API request asks)."""
    row = db.session.execute(_TOKEN_USER, {"token_hash": hashlib.sha256(token.encode()).hexdigest()}).first()
    if row is None or row.expires_at <= now or not row.User.active:
        return None
    return row.User


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
