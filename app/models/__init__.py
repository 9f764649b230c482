"""All models, imported here so that Alembic and the app see one metadata."""
from app.models import (  # noqa: F401
    accounts,
    applications,
    evidence,
    hotline,
    jobs,
    key_projects,  # foreigner_work_residence: the key-project list
    materials,
    notifications,
    permits,
    provisions,
    ratings,
    registries,
    seals,
    settings,
    terminals,
    tickets,
    tolerance,
)
