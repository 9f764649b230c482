"""Units (police organs), user accounts, enterprises bound to a credit code, API tokens."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    CITIZEN = "citizen"
    ENTERPRISE = "enterprise"
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    OFFICER = "officer"
    SHOP = "shop"

    @property
    def is_staff(self) -> bool:
        return self in STAFF_ROLES

    @property
    def is_applicant(self) -> bool:
        return self in (Role.CITIZEN, Role.ENTERPRISE)


STAFF_ROLES = frozenset({Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.OFFICER})


class UnitKind(StrEnum):
    CITY_BUREAU = "city_bureau"  # 市公安局
    BRANCH = "branch"  # 分局
    POLICE_STATION = "police_station"  # 派出所
    TRAFFIC_BRIGADE = "traffic_brigade"  # 交警大队
    SECURITY_DETACHMENT = "security_detachment"  # 治安支队
    EXIT_ENTRY = "exit_entry"  # 出入境管理
    PROVINCIAL_BUREAU = "provincial_bureau"  # 省公安厅
    INSPECTION = "inspection"  # 督察部门（public_request: 12389 投诉举报）


class Unit(db.Model):
    """A police organ that handles services (派出所, 交警大队, 治安支队, 出入境…); a tree."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    kind: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # 本级人民政府: the 行政复议 body for the unit's acts (行政复议法第二十四条); "" for a station or
    # detachment, which takes its bureau's (see app.domain.catalogue.remedies).
    government_name: Mapped[str] = mapped_column(String(120), default="", server_default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Organisation(db.Model):
    """An enterprise account bound to its unified social credit code (统一社会信用代码)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_rep_name: Mapped[str] = mapped_column(String(60))
    legal_rep_id_number: Mapped[str] = mapped_column(String(18))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(UserMixin, db.Model):
    """Any account: a real-name citizen, an enterprise's staff member, or police staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    real_name: Mapped[str] = mapped_column(String(60))
    # Citizens: the real-name identity. Staff: optional. Never put in URLs or logs.
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    phone: Mapped[str] = mapped_column(String(11), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(5), default="zh")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # The engraving shop a `shop` account operates (seal engraving service).
    shop_id: Mapped[int | None] = mapped_column(index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised to end every session of the user at once (logout, sign out everywhere): the
    # session cookie carries the version it was made with (`get_id`).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[Unit | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session version it was made with."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        return self.role_enum.is_staff


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class UsccWhitelist(db.Model):
    """Legal legacy credit codes that fail the GB 32100 checksum (admin-maintained)."""

    __tablename__ = "uscc_whitelist"

    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessLog(db.Model):
    """Audit of every access to someone else's personal data (no PII stored here)."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200), default="")


class LoginFailure(db.Model):
    """Failed logins counted per (username, client address), and per username over all
    addresses (`client_ip` "*"), whether or not the username exists; see
    `app.operations.accounts.authenticate`. `key_hash` is an HMAC of the normalised username, so
    the table names no one."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("key_hash", "client_ip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    client_ip: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last successful login of this username from this address: it is then a known address,
    # which the lock over all addresses does not shut out.
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
