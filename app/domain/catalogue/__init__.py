"""The service catalogue (事项目录): one module per service, each with its declaration
(`SERVICE`), its filing schema (`FILING`) and its rule functions."""
import importlib
import pkgutil

from app.domain.catalogue.base import Service, Step
from app.domain.catalogue.documents import LIFECYCLE, DocumentAct
from app.domain.catalogue.schema import FilingModel, with_delivery, with_tolerance

# The catalogue's own machinery; every other module of the package is one service.
_SUPPORT_MODULES = frozenset({"base", "defaults", "documents", "remedies", "schema"})


def _service_modules() -> list:
    """Every service module of this package, in the order the catalogue lists them
    (`Service.position`): adding a service is adding its module, not editing a list here."""
    loaded = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)
              if info.name not in _SUPPORT_MODULES]
    return sorted((module for module in loaded if isinstance(getattr(module, "SERVICE", None), Service)),
                  key=lambda module: (module.SERVICE.position, module.SERVICE.code))


_MODULES = _service_modules()

CATALOGUE: dict[str, Service] = {module.SERVICE.code: module.SERVICE for module in _MODULES}

def _filing_schema(service: Service, model: type[FilingModel]) -> type[FilingModel]:
    """The service's own schema plus the fields its steps bring (容缺, 寄递)."""
    if service.has(Step.TOLERANCE):
        model = with_tolerance(model)
    if service.has(Step.ISSUE):
        model = with_delivery(model)
    return model


FILING_SCHEMAS: dict[str, type[FilingModel]] = {
    module.SERVICE.code: _filing_schema(module.SERVICE, module.FILING) for module in _MODULES
}


def get_service(code: str) -> Service:
    return CATALOGUE[code]


def document_acts() -> list[DocumentAct]:
    """Every document the portal issues: the shared lifecycle ones, then each service's own."""
    return [*LIFECYCLE.values(), *(act for service in CATALOGUE.values() for act in service.documents)]
