"""What the bot says unasked and what managers measure against (issue #11): risk warnings already
sent (so one is never repeated while its deal's state stays the same), sales targets, daily reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, Currency, LongText, Ratio
from storage.types import ExactDecimal


class RiskAlertRow(Base):
    """One risk warning about one subject in one state: unique on (rule, subject, state), so a warning is
    stored, and sent, once until the subject's state (the `state` fingerprint) changes."""

    __tablename__ = "risk_alerts"
    __table_args__ = (UniqueConstraint("rule", "subject_kind", "subject_id", "state"),
                      Index("ix_risk_alerts_rep_id_created_at", "rep_id", "created_at"),
                      Index("ix_risk_alerts_unsent", "team_id", "rep_id", "rule", "id",
                            sqlite_where=text("sent_at IS NULL"), postgresql_where=text("sent_at IS NULL")),
                      Index("ix_risk_alerts_created_at_id", "created_at", "id"),
                      Index("ix_risk_alerts_team_id_created_at_id", "team_id", "created_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[Code]
    subject_kind: Mapped[Code]  # deal, lead, milestone, invoice
    subject_id: Mapped[int]
    state: Mapped[str]  # what the subject looked like when warned about (stage, dates, amounts)
    rep_id: Mapped[int | None]
    team_id: Mapped[int | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class TargetRow(Base):
    """A sales target for one team or rep over one month ("2027-01") or quarter ("2027Q1")."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("scope_kind", "scope_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_kind: Mapped[Code]  # team, rep
    scope_id: Mapped[int]
    period: Mapped[Code]
    amount: Mapped[Decimal]
    amount_currency: Mapped[Currency]
    set_by: Mapped[int | None]
    updated_at: Mapped[datetime | None]


class DailyReportRow(Base):
    """A rep's daily report: drafted by the bot in the evening, confirmed (and added to) by the rep."""

    __tablename__ = "daily_reports"
    __table_args__ = (UniqueConstraint("rep_id", "day"), Index("ix_daily_reports_day_status", "day", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int]
    team_id: Mapped[int | None]
    day: Mapped[date]
    status: Mapped[Code]  # draft, submitted
    lines: Mapped[list[str]]
    plan: Mapped[list[str]]
    note: Mapped[LongText] = mapped_column(server_default="")
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]


class WinScoreRow(Base):
    """The latest win probability of an open deal (issue #13), from the nightly scoring job: P(won), P(won
    within 30 days), the P(won) of the run before (what the digest's movers compare), its factors in words."""

    __tablename__ = "win_scores"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(index=True)
    p_win: Mapped[Ratio]
    p_win_30d: Mapped[Ratio]
    previous: Mapped[Decimal | None] = mapped_column(ExactDecimal(9, 4))
    source: Mapped[Code]
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    scored_at: Mapped[datetime]
