"""The shared-data interface (信息共享): what the portal may ask other agencies' systems.

Services and operations depend only on :class:`Registries` and the records in
``app.domain.records``. :func:`get_registries` returns the configured implementation:
today the simulated one over the ``reg_`` tables; a real data-sharing adapter (政务
数据共享交换平台) would be plugged in here, through the ``REGISTRIES_FACTORY`` setting.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from werkzeug.utils import import_string

from app.domain.records import (  # residence_permit
    AccidentCaseRecord,
    BirthCertificateRecord,
    DriverRecord,
    EngravingShopRecord,
    EnterpriseRecord,
    EvidenceItemRecord,
    HouseholdRecord,
    JudgmentRecord,
    MarriageRecord,
    PersonRecord,
    PolicePenaltyRecord,
    PropertyRecord,
    RelativeRecord,
    ResidencePermitRecord,
    ResidenceRegistrationRecord,
    SchoolEnrolmentRecord,
    SocialInsuranceRecord,
    VehicleRecord,
    ViolationRecord,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@runtime_checkable
class Registries(Protocol):
    """Read-only questions to the registries. Every answer is a record, a list, or None."""

    # Population and hukou (人口信息 / 户籍)
    def person(self, id_number: str) -> PersonRecord | None: ...

    def household(self, household_number: str) -> HouseholdRecord | None: ...

    def household_of(self, id_number: str) -> HouseholdRecord | None: ...

    # Courts: every judgment on the person, effective or not (the service decides).
    def judgments(self, id_number: str) -> list[JudgmentRecord]: ...

    # Enterprises
    def enterprise(self, uscc: str) -> EnterpriseRecord | None: ...

    def enterprises_by_legal_rep(self, id_number: str) -> list[EnterpriseRecord]: ...

    # Vehicles, drivers, violations
    def vehicle(self, plate: str) -> VehicleRecord | None: ...

    def driver(self, id_number: str) -> DriverRecord | None: ...

    def violations(
        self,
        *,
        plate: str | None = None,
        driver_id_number: str | None = None,
        unhandled_only: bool = True,
    ) -> list[ViolationRecord]: ...

    # Accident cases and their evidence (confidential items included: callers filter)
    def accident_case(self, case_number: str) -> AccidentCaseRecord | None: ...

    def accident_cases_of_person(self, id_number: str) -> list[AccidentCaseRecord]: ...

    def evidence_items(self, case_number: str) -> list[EvidenceItemRecord]: ...

    def evidence_content(self, item_id: int) -> tuple[str, str, bytes] | None: ...

    # Births, marriages, relatives
    def birth_certificate(self, number: str) -> BirthCertificateRecord | None: ...

    def marriage_between(self, id_a: str, id_b: str) -> MarriageRecord | None: ...

    def close_relatives_of(self, deceased_id_number: str) -> list[RelativeRecord]: ...

    # Seal-engraving shops (印章刻制业备案)
    def engraving_shop(self, shop_id: int) -> EngravingShopRecord | None: ...

    def engraving_shops(self, region_code: str | None = None) -> list[EngravingShopRecord]: ...

    # residence_permit: 居住登记, the Art. 2 proofs held by other agencies, and the permits issued
    def residence_registration(self, id_number: str) -> ResidenceRegistrationRecord | None: ...

    def social_insurance(self, id_number: str) -> list[SocialInsuranceRecord]: ...

    def school_enrolments(self, id_number: str) -> list[SchoolEnrolmentRecord]: ...

    def properties(self, id_number: str) -> list[PropertyRecord]: ...

    def residence_permit_of(self, id_number: str) -> ResidencePermitRecord | None: ...
    # credit_repair: police administrative penalties on an enterprise and the credit marks they
    # caused (an enterprise's `credit_status` is "bad" while such a mark stands).
    def police_penalties(self, uscc: str) -> list[PolicePenaltyRecord]: ...


RegistriesFactory = Callable[["Session"], Registries]


def get_registries(session: Session | None = None) -> Registries:
    """The configured registries, bound to ``session`` (default: the app's ``db.session``).

    ``app.config["REGISTRIES_FACTORY"]`` (a callable, or ``"module:factory"`` naming one: the
    ``REGISTRIES_FACTORY`` environment variable), if set, is called with the session and must
    return a :class:`Registries`; otherwise the simulated registries are used.
    """
    from flask import current_app, has_app_context

    from app.extensions import db
    from app.registries.simulated import SimulatedRegistries

    if session is None:
        session = db.session
    factory: RegistriesFactory | str | None = (
        current_app.config.get("REGISTRIES_FACTORY") if has_app_context() else None
    )
    if isinstance(factory, str):  # "module:factory", from the environment
        factory = import_string(factory)
    if factory is not None:
        return factory(session)
    return SimulatedRegistries(session)


__all__ = ["Registries", "RegistriesFactory", "get_registries"]
