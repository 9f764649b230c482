"""Who may see and act on an application (a leaf: filing, materials and every reader use it).
Another person's application is a 404, not a 403: its existence is not revealed."""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, or_, select

from app.domain.text import N_
from app.domain.workflow import Actor, ActorKind
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application
from app.operations import NotFound


def visibility(user: User) -> tuple[str, dict[str, int | None]]:
    """Applications a user may see: their own (or their enterprise's), or their unit's; as the
    kind of condition (`visibility_condition`) and the values of its parameters."""
    if user.role_enum in (Role.CITIZEN,):
        return "own", {"viewer_id": user.id}
    if user.role_enum == Role.ENTERPRISE:
        return "own_or_enterprise", {"viewer_id": user.id, "viewer_organisation_id": user.organisation_id}
    if user.role_enum in (Role.CLERK, Role.SUPERVISOR, Role.OFFICER):
        return "unit", {"viewer_unit_id": user.unit_id}
    return "none", {}  # admins and others see no one's files


@functools.cache
def visibility_condition(kind: str):
    """The condition of a `visibility` kind with its values as bound parameters, for a statement
    built once and run with the viewer's values."""
    if kind == "own":
        return Application.applicant_user_id == bindparam("viewer_id")
    if kind == "own_or_enterprise":
        return or_(Application.applicant_user_id == bindparam("viewer_id"),
                   Application.organisation_id == bindparam("viewer_organisation_id"))
    if kind == "unit":
        return Application.unit_id == bindparam("viewer_unit_id")
    return Application.id.is_(None)


def visibility_filter(user: User):
    kind, values = visibility(user)
    return visibility_condition(kind).params(values)


def get_visible(user: User, application_id: int, *, for_update: bool = False) -> Application:
    query = select(Application).where(Application.id == application_id, visibility_filter(user))
    if for_update:
        query = query.with_for_update()
    application = db.session.scalar(query)
    if application is None:
        raise NotFound(N_("未找到该办件。"))
    return application


def actor_for(user: User, application: Application) -> Actor:
    """Staff always act as staff (even on an application they recorded at the window)."""
    if user.role_enum == Role.SUPERVISOR:
        return Actor(ActorKind.SUPERVISOR, user.id, user.unit_id)
    if user.role_enum in (Role.CLERK, Role.OFFICER):
        return Actor(ActorKind.CLERK, user.id, user.unit_id)
    own = application.applicant_user_id == user.id or (
        user.role_enum == Role.ENTERPRISE and application.organisation_id == user.organisation_id
    )
    if own:
        return Actor(ActorKind.APPLICANT, user.id, user.unit_id)
    raise NotFound(N_("未找到该办件。"))
