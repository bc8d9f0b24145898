"""Customer health end to end, on SQLite and PostgreSQL: the customer card in chat shows the score the domain
computes from the stored rows, with its reasons, to those who may see it; the team digest lists the at-risk
customer (and not the healthy one) in text and JSON."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot.digest.compose import compose_digest
from bot.digest.html import render_html
from bot.digest.jsonview import as_json
from bot.digest.markdown import render_markdown
from bot.digest.messages import plain
from bot.digest.settings import DigestSettings
from domain.activity import FollowUp
from domain.billing import PaymentMilestone
from domain.customer import Customer
from domain.health import Band, assess
from domain.mail import MailKey, MailLink, MailThread
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.ports import UnitOfWork
from storage.uow import SqlAlchemyUnitOfWork
from tests.e2e.conftest import NOW
from tests.e2e.harness import Console


def days_ago(days: int) -> timedelta:
    return timedelta(days=days)


def sql(uow: UnitOfWork) -> SqlAlchemyUnitOfWork:
    """The console's unit of work is the SQLAlchemy one (with the health reader)."""
    assert isinstance(uow, SqlAlchemyUnitOfWork)
    return uow


async def _seed_mingtu(console: Console) -> int:
    """C1 明途 (deal #1 of 张伟): two follow-ups 50 and 60 days ago, one a complaint; a payment 20 days
    overdue; one of our mails unanswered for 30 days."""
    async with console.app.uow_factory() as uow:
        deal = await uow.opportunities.get(1)
        rep = await uow.reps.by_name("张伟")
        assert rep is not None
        await uow.followups.add_many([
            FollowUp(rep.id, "客户投诉交付太慢", NOW - days_ago(60), customer_id=deal.customer_id),
            FollowUp(rep.id, "讨论方案", NOW - days_ago(50), customer_id=deal.customer_id, opportunity_id=1)])
        await uow.milestones.add(PaymentMilestone(1, 1, Money(Decimal(100000)), (NOW - days_ago(20)).date()))
        await uow.mail_threads.add_many([MailThread.of(MailKey.MESSAGE, "<o1@us>", NOW - days_ago(30),
                                                       MailLink(deal.customer_id), outbound=True)])
        await uow.commit()
        return deal.customer_id


async def test_the_customer_card_shows_the_health_score_and_its_reasons(console_with_deal: Console) -> None:
    customer_id = await _seed_mingtu(console_with_deal)
    async with console_with_deal.app.uow_factory() as uow:
        health = assess(await sql(uow).health.facts(customer_id, NOW), NOW)
    # recency 50 days 13 + 2 contacts 5 + unanswered mail 0 + one complaint 10 + one overdue 10 + 5 + 5
    assert (health.score, health.band) == (48, Band.FAIR)
    card = await console_with_deal.say("客户 明途")
    assert f"健康度 {health.score}/100（一般）" in card
    assert "· 我们的 1 封邮件超过 7 天没有回复" in card
    assert "· 近 90 天跟进 2 次" in card
    assert "· 已 50 天没有跟进（上次 10月5日）" in card
    manager = await console_with_deal.say("客户 明途", as_user="wang")
    assert f"健康度 {health.score}/100" in manager
    other_team = await console_with_deal.say("customer 明途", as_user="chen")
    assert "明途" in other_team and "Health" not in other_team and "健康度" not in other_team


async def _seed_team(uow: SqlAlchemyUnitOfWork) -> tuple[int, int, int]:
    """华东一组: 明途 at risk (last contact 100 days ago, two payments 40 days overdue), 华信 healthy (eight
    follow-ups this month). Both with an open deal of the team."""
    rep = await uow.reps.by_name("张伟")
    assert rep is not None and rep.team_id is not None
    ids = []
    for name in ("杭州明途信息技术有限公司", "华信股份有限公司"):
        customer = await uow.customers.add(Customer(name))
        assert customer.id is not None
        deal = await uow.opportunities.add(Opportunity(customer.id, f"{name[:2]}项目", owner_id=rep.id,
                                                       team_id=rep.team_id, stage=Stage.PROPOSAL,
                                                       created_at=NOW - days_ago(200)))
        assert deal.id is not None
        ids.append((customer.id, deal.id))
    (risky, risky_deal), (fine, _) = ids
    await uow.followups.add_many([FollowUp(rep.id, "电话沟通", NOW - days_ago(100), customer_id=risky)]
                                 + [FollowUp(rep.id, "例行拜访", NOW - days_ago(n), customer_id=fine)
                                    for n in range(1, 9)])
    for seq in (1, 2):
        await uow.milestones.add(PaymentMilestone(risky_deal, seq, Money(Decimal(5000)), (NOW - days_ago(40)).date()))
    await uow.commit()
    return rep.team_id, risky, fine


async def test_the_team_digest_lists_the_at_risk_customer_in_text_and_json(console: Console) -> None:
    async with console.app.uow_factory() as uow:
        team_id, risky, fine = await _seed_team(sql(uow))
    async with console.app.uow_factory() as uow:
        team = await uow.teams.get(team_id)
        digest = await compose_digest(uow, team, NOW.date(), NOW, DigestSettings())
        expected = assess(await sql(uow).health.facts(risky, NOW), NOW)
        healthy = assess(await sql(uow).health.facts(fine, NOW), NOW)
    assert expected.band is Band.AT_RISK and healthy.band is Band.HEALTHY
    # recency 100 days 4 + no contact 0 + neutral mail 7 + neutral complaints 7 + payments 0 + 5 + 5
    assert expected.score == 28
    text = plain(render_markdown(digest, "zh"))
    assert "客户健康预警" in text
    assert f"C{risky} 杭州明途信息技术有限公司（28 分）：已 100 天没有跟进（上次 8月16日）" in text
    assert "华信股份有限公司" not in text
    english = plain(render_markdown(digest, "en"))
    assert f"C{risky} 杭州明途信息技术有限公司 (28/100): No contact for 100 days (last Aug 16)" in english
    page = render_html(digest, "zh")
    assert "<h3>客户健康预警</h3>" in page and "杭州明途信息技术有限公司（28 分）" in page
    assert "华信股份有限公司" not in page
    listed = as_json(digest)["at_risk_customers"]
    assert listed == [{"id": risky, "name": "杭州明途信息技术有限公司", "score": 28,
                       "reason_zh": "已 100 天没有跟进（上次 8月16日）",
                       "reason_en": "No contact for 100 days (last Aug 16)"}]
