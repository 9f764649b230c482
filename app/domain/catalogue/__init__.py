"""The service catalogue (事项目录): one module per service."""
from app.domain.catalogue import (
    accident_evidence,
    criminal_record,
    criminal_record_objection,
    newborn_registration,
    rating_rectification,
    seal_engraving,
    security_licence,
    truck_permit,
)
from app.domain.catalogue.base import Service

CATALOGUE: dict[str, Service] = {
    module.SERVICE.code: module.SERVICE
    for module in (
        criminal_record,
        criminal_record_objection,
        newborn_registration,
        seal_engraving,
        accident_evidence,
        truck_permit,
        security_licence,
        rating_rectification,
    )
}


def get_service(code: str) -> Service:
    return CATALOGUE[code]
