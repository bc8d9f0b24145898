"""The health facts of customers (storage.repositories.health), on SQLite and PostgreSQL, against seeded rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from storage_helpers import Factory, Parents

from domain.activity import FollowUp
from domain.billing import PaymentMilestone
from domain.customer import Customer
from domain.delivery import ChangeRequest, Rating
from domain.health import HealthFacts, SentMail
from domain.mail import MailKey, MailLink, MailThread
from domain.money import Money
from domain.opportunity import Opportunity, Stage


def cny(value: int) -> Money:
    return Money(Decimal(value))


def before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


async def seed(uow_factory: Factory, parents: Parents, now: datetime) -> dict[str, int]:
    """Customer A (parents): follow-ups, mails, a won deal with a payment plan, delivery rows.
    B: a won deal of the team last June. C: a won deal of the team two years ago."""
    a = parents.customer_id
    async with uow_factory() as uow:
        b = (await uow.customers.add(Customer("华信股份有限公司"))).id
        c = (await uow.customers.add(Customer("云图软件有限公司"))).id
        assert b is not None and c is not None
        won = await uow.opportunities.add(Opportunity(a, "一期", owner_id=parents.rep_id, stage=Stage.WON,
                                                      created_at=datetime(2024, 1, 10, tzinfo=now.tzinfo),
                                                      closed_at=datetime(2024, 2, 1, tzinfo=now.tzinfo)))
        await uow.opportunities.add(Opportunity(a, "输掉的", stage=Stage.LOST, created_at=before(now, 30),
                                                closed_at=before(now, 3)))
        await uow.opportunities.add(Opportunity(b, "B 一期", team_id=parents.team_id, stage=Stage.WON,
                                                created_at=datetime(2024, 3, 1, tzinfo=now.tzinfo),
                                                closed_at=datetime(2024, 6, 1, tzinfo=now.tzinfo)))
        await uow.opportunities.add(Opportunity(c, "C 一期", team_id=parents.team_id, stage=Stage.WON,
                                                closed_at=datetime(2023, 1, 1, tzinfo=now.tzinfo)))
        assert won.id is not None
        await uow.followups.add_many([
            FollowUp(parents.rep_id, "老客户投诉过一次", before(now, 100), customer_id=a),
            FollowUp(parents.rep_id, "客户投诉交付太慢", before(now, 40), customer_id=a),
            FollowUp(parents.rep_id, "去信：投诉处理方案", before(now, 10), customer_id=a),
            FollowUp(parents.rep_id, "一切顺利，没有投诉", before(now, 5), customer_id=a, opportunity_id=won.id),
            FollowUp(parents.rep_id, "报价确认", before(now, 2), customer_id=b)])
        await uow.mail_threads.add_many([
            MailThread.of(MailKey.MESSAGE, "<o1@us>", before(now, 30), MailLink(a), outbound=True),
            MailThread.of(MailKey.MESSAGE, "<i1@them>", before(now, 27), MailLink(a)),
            MailThread.of(MailKey.MESSAGE, "<o2@us>", before(now, 12), MailLink(a), outbound=True),
            MailThread.of(MailKey.MESSAGE, "<o0@us>", before(now, 120), MailLink(a), outbound=True),  # too old
            MailThread.of(MailKey.SENDER, "he@mingtu.com", before(now, 1), MailLink(a)),  # not a message
            MailThread.of(MailKey.MESSAGE, "<ib@them>", before(now, 11), MailLink(b))])  # another customer's
        for seq, due, paid, replaced in ((1, date(2024, 3, 1), 100, None), (2, date(2025, 1, 15), 40, None),
                                         (3, date(2025, 2, 1), 100, None), (4, date(2025, 4, 1), 0, None),
                                         (5, date(2025, 1, 1), 0, before(now, 60))):
            await uow.milestones.add(PaymentMilestone(won.id, seq, cny(100), due, paid=cny(paid) if paid else None,
                                                      replaced_at=replaced))
        await uow.change_requests.add(ChangeRequest(parents.project_id, "加报表", before(now, 20)))
        await uow.change_requests.add(ChangeRequest(parents.project_id, "改流程", before(now, 50), approved=True))
        await uow.ratings.add(Rating(parents.project_id, 4))
        await uow.ratings.add(Rating(parents.project_id, 2))
        await uow.commit()
    return {"a": a, "b": b, "c": c}


async def test_facts_of_one_customer_are_aggregated_from_every_source(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    ids = await seed(uow_factory, parents, now)
    async with uow_factory() as uow:
        facts = await uow.health.facts(ids["a"], now)
    assert facts == HealthFacts(
        ids["a"], last_contact=before(now, 5), contacts=3,
        sent_mails=(SentMail(before(now, 30), before(now, 27)), SentMail(before(now, 12), None)),
        notes=("一切顺利，没有投诉", "客户投诉交付太慢"),
        payments_due=2, overdue=(date(2025, 1, 15),), open_change_requests=1, ratings=(2, 4),
        first_won_at=datetime(2024, 2, 1, tzinfo=now.tzinfo), last_won_at=datetime(2024, 2, 1, tzinfo=now.tzinfo),
        newest_deal_at=now, open_deals=1, created_at=now)


async def test_facts_of_many_customers_and_the_digest_candidates(
        uow_factory: Factory, parents: Parents, now: datetime) -> None:
    ids = await seed(uow_factory, parents, now)
    async with uow_factory() as uow:
        many = await uow.health.facts_many([ids["a"], ids["b"], ids["c"]], now)
        by_team = await uow.health.candidates(now, team_ids=[parents.team_id])
        by_owner = await uow.health.candidates(now, owner_ids=[parents.rep_id])
        nobody = await uow.health.candidates(now)
    assert many[ids["a"]] == (await _one(uow_factory, ids["a"], now))
    june = datetime(2024, 6, 1, tzinfo=now.tzinfo)
    assert many[ids["b"]] == HealthFacts(ids["b"], last_contact=now - timedelta(days=2), contacts=1,
                                         first_won_at=june, last_won_at=june,
                                         newest_deal_at=datetime(2024, 3, 1, tzinfo=now.tzinfo))
    assert many[ids["c"]] == HealthFacts(ids["c"], first_won_at=datetime(2023, 1, 1, tzinfo=now.tzinfo),
                                         last_won_at=datetime(2023, 1, 1, tzinfo=now.tzinfo))
    assert by_team == [ids["b"]]  # C's win is more than a year old
    assert by_owner == [ids["a"]]  # the open deal (the won one is older than a year)
    assert nobody == []


async def _one(uow_factory: Factory, customer_id: int, now: datetime) -> HealthFacts:
    async with uow_factory() as uow:
        facts: HealthFacts = await uow.health.facts(customer_id, now)
    return facts
