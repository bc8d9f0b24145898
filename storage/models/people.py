"""Reps, their channel identities, and teams."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Code, optional_parent, parent


class TeamRow(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(index=True)
    region: Mapped[str]
    manager_id: Mapped[int | None]  # reps.id; no foreign key, reps.team_id already points this way


class RepRow(Base):
    __tablename__ = "reps"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(index=True)
    role: Mapped[Code]
    team_id: Mapped[int | None] = optional_parent("teams.id")
    regions: Mapped[list[str]]
    locale: Mapped[Code]
    timezone: Mapped[str]
    quiet_hours: Mapped[str] = mapped_column(server_default="")  # "21:00-08:00"; "" = the configured default
    active: Mapped[bool]
    email: Mapped[str]
    identities: Mapped[list[IdentityRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by="IdentityRow.id")


class IdentityRow(Base):
    """Who a rep is on one channel: (channel, external_id) names exactly one rep."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"), UniqueConstraint("rep_id", "channel"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = parent("reps.id", cascade=True)
    channel: Mapped[Code]
    external_id: Mapped[str]
