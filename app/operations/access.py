"""Who may see and act on an application (a leaf: filing, materials and every reader use it).
Another person's application is a 404, not a 403: its existence is not revealed."""
from __future__ import annotations

from sqlalchemy import or_, select

from app.domain.text import N_
from app.domain.workflow import Actor, ActorKind
from app.extensions import db
from app.models.accounts import Role, User
from app.models.applications import Application
from app.operations import NotFound


def visibility_filter(user: User):
    """Applications a user may see: their own (or their enterprise's), or their unit's."""
    if user.role_enum in (Role.CITIZEN,):
        return Application.applicant_user_id == user.id
    if user.role_enum == Role.ENTERPRISE:
        return or_(
            Application.applicant_user_id == user.id,
            Application.organisation_id == user.organisation_id,
        )
    if user.role_enum in (Role.CLERK, Role.SUPERVISOR, Role.OFFICER):
        return Application.unit_id == user.unit_id
    return Application.id.is_(None)  # admins and others see no one's files


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
