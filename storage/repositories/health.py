"""The facts of customer health (domain.health.HealthFacts) as a handful of grouped SQL statements.

`facts_many` reads customers in chunks of CHUNK ids, six statements per chunk, each bounded by the
customers' ids (indexed foreign keys) and, for follow-ups and mails, by the window. `candidates` picks the
customers a team's digest looks at: those with an open deal of the team, or one won in the last year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.complaints import COMPLAINT_PHRASES
from domain.health import WINDOW_DAYS, HealthFacts, SentMail
from domain.mail import MailKey
from domain.opportunity import OPEN_STAGES, Stage
from storage.models import (
    ChangeRequestRow,
    CustomerRow,
    FollowUpRow,
    MailThreadRow,
    OpportunityRow,
    PaymentMilestoneRow,
    ProjectRow,
    RatingRow,
)
from storage.repositories.analytics_sql import MILESTONES, cents

CHUNK = 1000  # ids per IN (...)
DUE_DAYS = 365  # payment milestones due this far back count as "due"
WON_DAYS = 365  # digest candidates: won this recently
CANDIDATE_LIMIT = 5000
RATINGS_KEPT = 5
NOTES_KEPT = 50  # candidate complaint texts per customer
OWN_MAIL_NOTE = "去信："  # follow-ups recording our own mails (bot.mail.batch): not the customer's words
_OPEN = [stage.value for stage in OPEN_STAGES]
_WON = Stage.WON.value


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


@dataclass
class _Gathered:
    """Mutable per-customer facts while the statements are read."""

    values: dict[str, Any] = field(default_factory=dict)
    mails: list[SentMail] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overdue: list[date] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)


def _slot(into: dict[int, _Gathered], customer_id: int | None) -> _Gathered:
    assert customer_id is not None  # the statements select by customer id
    return into[customer_id]


class SqlAlchemyHealthReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facts(self, customer_id: int, now: datetime) -> HealthFacts:
        return (await self.facts_many([customer_id], now))[customer_id]

    async def facts_many(self, customer_ids: Iterable[int], now: datetime) -> dict[int, HealthFacts]:
        """The facts of each customer (customers without any record get empty facts)."""
        wanted = sorted(set(customer_ids))
        gathered = {cid: _Gathered() for cid in wanted}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            since = now - timedelta(days=WINDOW_DAYS)
            await self._followups(chunk, since, gathered)
            await self._notes(chunk, since, gathered)
            await self._mails(chunk, since, gathered)
            await self._payments(chunk, now.date(), gathered)
            await self._delivery(chunk, gathered)
            await self._deals(chunk, gathered)
        return {cid: HealthFacts(cid, sent_mails=tuple(g.mails), notes=tuple(g.notes), overdue=tuple(g.overdue),
                                 ratings=tuple(g.ratings), **g.values) for cid, g in gathered.items()}

    async def candidates(self, now: datetime, team_ids: Iterable[int] = (), owner_ids: Iterable[int] = (),
                         limit: int = CANDIDATE_LIMIT) -> list[int]:
        """Customers with an open deal, or a deal won in the last WON_DAYS, of these teams or owners."""
        deals = OpportunityRow
        scope = [c for c in (deals.team_id.in_(sorted(set(team_ids))) if team_ids else None,
                             deals.owner_id.in_(sorted(set(owner_ids))) if owner_ids else None) if c is not None]
        if not scope:
            return []
        live = or_(deals.stage.in_(_OPEN),
                   and_(deals.stage == _WON, deals.closed_at >= now - timedelta(days=WON_DAYS)))
        stmt = select(deals.customer_id).where(or_(*scope), live).distinct().limit(limit)
        return sorted(int(cid) for cid in await self.session.scalars(stmt))

    async def names(self, customer_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(customer_ids))
        found: dict[int, str] = {}
        for start in range(0, len(wanted), CHUNK):
            stmt = select(CustomerRow.id, CustomerRow.name).where(CustomerRow.id.in_(wanted[start : start + CHUNK]))
            found.update({int(cid): name for cid, name in (await self.session.execute(stmt)).all()})
        return found

    async def _followups(self, chunk: Sequence[int], since: datetime, into: dict[int, _Gathered]) -> None:
        f = FollowUpRow
        stmt = (select(f.customer_id, func.max(f.at), func.sum(case((f.at >= since, 1), else_=0)))
                .where(f.customer_id.in_(chunk)).group_by(f.customer_id))
        for cid, last, recent in (await self.session.execute(stmt)).all():
            _slot(into, cid).values.update(last_contact=_aware(last), contacts=int(recent or 0))

    async def _notes(self, chunk: Sequence[int], since: datetime, into: dict[int, _Gathered]) -> None:
        """Notes of the window that contain a complaint phrase (the domain judges negations)."""
        f = FollowUpRow
        lowered = func.lower(f.note)
        stmt = (select(f.customer_id, f.note)
                .where(f.customer_id.in_(chunk), f.at >= since, not_(f.note.startswith(OWN_MAIL_NOTE)),
                       or_(*(lowered.contains(phrase, autoescape=True) for phrase in COMPLAINT_PHRASES)))
                .order_by(f.customer_id, f.at.desc()))
        for cid, note in (await self.session.execute(stmt)).all():
            if len(_slot(into, cid).notes) < NOTES_KEPT:
                _slot(into, cid).notes.append(note)

    async def _mails(self, chunk: Sequence[int], since: datetime, into: dict[int, _Gathered]) -> None:
        """Our mails of the window, each with the customer's first captured mail after it."""
        sent, answer = MailThreadRow, aliased(MailThreadRow)
        first_answer = (select(func.min(answer.at))
                        .where(answer.customer_id == sent.customer_id, answer.kind == MailKey.MESSAGE.value,
                               answer.outbound.is_(False), answer.at > sent.at)
                        .correlate(sent).scalar_subquery())
        stmt = (select(sent.customer_id, sent.at, first_answer)
                .where(sent.customer_id.in_(chunk), sent.at >= since, sent.kind == MailKey.MESSAGE.value,
                       sent.outbound.is_(True))
                .order_by(sent.customer_id, sent.at))
        for cid, at, answered in (await self.session.execute(stmt)).all():
            sent_at = _aware(at)
            assert sent_at is not None
            _slot(into, cid).mails.append(SentMail(sent_at, _aware(answered)))

    async def _payments(self, chunk: Sequence[int], today: date, into: dict[int, _Gathered]) -> None:
        """Milestones of the plan in force, on deals not lost: due in the last DUE_DAYS, and unpaid overdue."""
        m, d = PaymentMilestoneRow, OpportunityRow
        owed = cents(MILESTONES.c.amount) - cents(MILESTONES.c.paid)
        base = (m.replaced_at.is_(None), d.customer_id.in_(chunk), d.stage != Stage.LOST.value, m.due_on < today)
        due = (select(d.customer_id, func.count()).select_from(m).join(d, d.id == m.opportunity_id)
               .where(*base, m.due_on >= today - timedelta(days=DUE_DAYS)).group_by(d.customer_id))
        for cid, count in (await self.session.execute(due)).all():
            into[cid].values["payments_due"] = int(count)
        late = (select(d.customer_id, m.due_on).select_from(m).join(d, d.id == m.opportunity_id)
                .where(*base, owed > 0).order_by(d.customer_id, m.due_on, m.id))
        for cid, due_on in (await self.session.execute(late)).all():
            into[cid].overdue.append(due_on)

    async def _delivery(self, chunk: Sequence[int], into: dict[int, _Gathered]) -> None:
        d, p, cr, r = OpportunityRow, ProjectRow, ChangeRequestRow, RatingRow
        projects = select(p.id.label("project_id"), d.customer_id).join(d, d.id == p.opportunity_id) \
            .where(d.customer_id.in_(chunk)).subquery("customer_projects")
        open_requests = (select(projects.c.customer_id, func.count()).join(cr, cr.project_id == projects.c.project_id)
                         .where(cr.approved.is_(None)).group_by(projects.c.customer_id))
        for cid, count in (await self.session.execute(open_requests)).all():
            into[cid].values["open_change_requests"] = int(count)
        ratings = (select(projects.c.customer_id, r.score).join(r, r.project_id == projects.c.project_id)
                   .order_by(projects.c.customer_id, r.id.desc()))
        for cid, score in (await self.session.execute(ratings)).all():
            if len(into[cid].ratings) < RATINGS_KEPT:
                into[cid].ratings.append(int(score))

    async def _deals(self, chunk: Sequence[int], into: dict[int, _Gathered]) -> None:
        d = OpportunityRow
        won_at = case((d.stage == _WON, d.closed_at), else_=None)
        live_created = case((d.stage.in_([*_OPEN, _WON]), d.created_at), else_=None)
        stmt = (select(d.customer_id, func.min(won_at), func.max(won_at), func.max(live_created),
                       func.sum(case((d.stage.in_(_OPEN), 1), else_=0)))
                .where(d.customer_id.in_(chunk)).group_by(d.customer_id))
        for cid, first_won, last_won, newest, open_deals in (await self.session.execute(stmt)).all():
            into[cid].values.update(first_won_at=_aware(first_won), last_won_at=_aware(last_won),
                                    newest_deal_at=_aware(newest), open_deals=int(open_deals or 0))
        customers = select(CustomerRow.id, CustomerRow.created_at).where(CustomerRow.id.in_(chunk))
        for cid, created in (await self.session.execute(customers)).all():
            into[cid].values["created_at"] = _aware(created)
