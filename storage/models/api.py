"""The open API (issue #16, migration 0022): tokens (hashed secrets only) and idempotency records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the secret
    access: Mapped[Code]
    resources: Mapped[list[str]]
    team_id: Mapped[int | None]
    created_by: Mapped[int | None]
    created_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ApiIdempotencyRow(Base):
    """The answer to a POST sent with an Idempotency-Key, replayed when the same key comes again."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(255))
    request: Mapped[str] = mapped_column(String(255))  # "POST /api/v1/customers"
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    response: Mapped[LongText]
    created_at: Mapped[datetime] = mapped_column(index=True)


__all__ = ["ApiIdempotencyRow", "ApiTokenRow"]

