"""The service catalogue (事项目录): one module per service, each with its declaration
(`SERVICE`), its filing schema (`FILING`) and its rule functions."""
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
from app.domain.catalogue.base import Service, Step
from app.domain.catalogue.documents import LIFECYCLE, DocumentAct
from app.domain.catalogue.schema import FilingModel, with_tolerance

_MODULES = (criminal_record, criminal_record_objection, newborn_registration, seal_engraving, accident_evidence,
            truck_permit, security_licence, rating_rectification)

CATALOGUE: dict[str, Service] = {module.SERVICE.code: module.SERVICE for module in _MODULES}
FILING_SCHEMAS: dict[str, type[FilingModel]] = {
    module.SERVICE.code: with_tolerance(module.FILING) if module.SERVICE.has(Step.TOLERANCE) else module.FILING
    for module in _MODULES
}


def get_service(code: str) -> Service:
    return CATALOGUE[code]


def document_acts() -> list[DocumentAct]:
    """Every document the portal issues: the shared lifecycle ones, then each service's own."""
    return [*LIFECYCLE.values(), *(act for service in CATALOGUE.values() for act in service.documents)]
