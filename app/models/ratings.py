"""好差评 ratings: one per handled matter, kept as given; a supervisor's flag (误评/恶意差评)
only leaves a rating out of the figures. A bad rating links to its rectification work order
(an application of the `rating_rectification` service)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import Unit, User
from app.models.applications import Application
from app.models.types import UTCDateTime, utcnow


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_unit_created", "unit_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One rating per matter: the database refuses a second, whatever the code does.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    rater_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The unit and service rated, fixed at rating time (the figures group by them).
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    service_code: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    flag: Mapped[str | None] = mapped_column(String(16))  # mistaken / malicious
    flag_reason: Mapped[str] = mapped_column(Text, default="")
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(foreign_keys=[application_id])
    work_order: Mapped[Application | None] = relationship(foreign_keys=[work_order_id])
    rater: Mapped[User] = relationship(foreign_keys=[rater_user_id])
    unit: Mapped[Unit] = relationship()
    flagged_by: Mapped[User | None] = relationship(foreign_keys=[flagged_by_id])
