"""The win model's reads and the win_scores table on both engines (issue #13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from domain.analytics import Period, Scope
from domain.insights import STAGE_BASE_RATES
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage
from domain.win_ports import StoredScore
from domain.win_snapshot import DealRecord
from storage.uow import SqlAlchemyUnitOfWork
from tests.win_world import DATE, build_world

Factory = Callable[[], SqlAlchemyUnitOfWork]


async def _all(factory: Factory, closed: bool, limit: int = 7) -> list[DealRecord]:
    found: list[DealRecord] = []
    after = 0
    while True:
        async with factory() as uow:
            page = await (uow.wins.closed_page if closed else uow.wins.open_page)(DATE, after, limit)
        if not page:
            return found
        assert len(page) <= limit
        found += page
        after = page[-1].deal.id or 0


async def test_pages_split_the_deals_into_closed_before_and_open_at_the_date(uow_factory: Factory) -> None:
    world = await build_world(uow_factory)
    closed, still_open = await _all(uow_factory, True), await _all(uow_factory, False)
    async with uow_factory() as uow:
        every = await uow.opportunities.many(world.deals)
    want_closed = {i for i, d in every.items() if d.closed_at is not None and d.closed_at < DATE}
    want_open = {i for i, d in every.items() if d.created_at is not None and d.created_at <= DATE
                 and (d.closed_at is None or d.closed_at >= DATE)}
    assert [r.deal.id for r in closed] == sorted(want_closed) and want_closed
    assert [r.deal.id for r in still_open] == sorted(want_open) and want_open
    assert any(every[r.deal.id or 0].stage.is_closed for r in still_open)  # closed later: open at DATE


async def test_a_record_carries_what_the_model_reads(uow_factory: Factory) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        [record] = await uow.wins.records([world.deals[5]])
        deal = await uow.opportunities.get(world.deals[5])
        customer = await uow.customers.get(deal.customer_id)
        followups = await uow.followups.for_opportunity(world.deals[5])
        quotes = await uow.quotes.for_opportunity(world.deals[5])
    assert record.deal.history == [c.__class__(c.source, c.target, c.at, None) for c in deal.history]
    assert (record.deal.stage, record.deal.ref, record.deal.amount) == (deal.stage, deal.ref, deal.amount)
    assert list(record.followups) == sorted(f.at for f in followups) and record.followups
    assert list(record.quotes) == sorted(q.created_at for q in quotes if q.created_at)
    assert (record.industry, record.region, record.source) == (customer.industry, customer.region, deal.source)
    assert record.team == str(deal.team_id)


async def test_saving_a_score_again_keeps_the_one_before_and_movers_rank_by_the_move(uow_factory: Factory) -> None:
    world = await build_world(uow_factory, deals=30)
    async with uow_factory() as uow:
        open_ids = [d.id for d in await uow.opportunities.list() if not d.stage.is_closed and d.id]
    a, b, c = open_ids[:3]
    team = world.teams["华东一组"]
    first = [StoredScore(i, team, 0.5, 0.2, "pooled", DATE, ({"feature": "idle", "zh": "3天没有跟进"},))
             for i in (a, b, c)]
    later = DATE + timedelta(days=1)
    second = [StoredScore(a, team, 0.8, 0.3, "pooled", later), StoredScore(b, team, 0.45, 0.1, "pooled", later),
              StoredScore(c, None, 0.1, 0.0, "team", later)]
    async with uow_factory() as uow:
        await uow.wins.save_scores(first)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.wins.scores([a]))[a] == first[0]
        await uow.wins.save_scores(second)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.wins.scores([a, b, c])
        movers = await uow.wins.movers(None, later, 10)
        team_movers = await uow.wins.movers([team], later, 10)
        assert await uow.wins.movers(None, later + timedelta(seconds=1), 10) == []
    assert (stored[a].p_win, stored[a].previous, stored[a].factors) == (0.8, 0.5, ())
    assert round(stored[c].moved, 4) == -0.4 and stored[c].team_id is None
    assert [m.score.opportunity_id for m in movers] == [c, a, b]
    assert [m.score.opportunity_id for m in team_movers] == [a, b]
    async with uow_factory() as uow:
        deal = await uow.opportunities.get(c)
    assert (movers[0].name, movers[0].owner_id) == (deal.name, deal.owner_id)


async def test_scores_of_deals_that_closed_are_dropped(uow_factory: Factory) -> None:
    await build_world(uow_factory, deals=30)
    async with uow_factory() as uow:
        deals = await uow.opportunities.list()
        still_open = [d for d in deals if not d.stage.is_closed]
        await uow.wins.save_scores([StoredScore(d.id or 0, None, 0.3, 0.1, "pooled", DATE) for d in still_open])
        await uow.commit()
    deal = still_open[0]
    async with uow_factory() as uow:
        stored = await uow.opportunities.get(deal.id or 0)
        stored.lose(LostReason.BUDGET, by=None, at=DATE)
        await uow.opportunities.save(stored)
        assert await uow.wins.drop_closed() == 1
        await uow.commit()
    async with uow_factory() as uow:
        left = await uow.wins.scores(d.id or 0 for d in still_open)
    assert deal.id not in left and len(left) == len(still_open) - 1


async def test_the_weighted_forecast_uses_a_deals_score_and_else_its_stage_rate(uow_factory: Factory) -> None:
    world = await build_world(uow_factory, deals=0)
    close = DATE + timedelta(days=10)
    async with uow_factory() as uow:
        scored, unscored = [await uow.opportunities.add(Opportunity(
            world.customers[0], name, stage=Stage.NEGOTIATION, amount=Money(Decimal(amount)), created_at=DATE,
            expected_close=close)) for name, amount in (("甲", 100_000), ("乙", 300_000))]
        assert scored.id is not None and unscored.id is not None
        await uow.wins.save_scores([StoredScore(scored.id, None, 0.8123, 0.3, "pooled", DATE)])
        await uow.commit()
    async with uow_factory() as uow:
        forecast = await uow.analytics.forecast(Scope(), Period.month(close.date()))
    expected = Decimal("81230.00") + (Decimal(300_000) * Decimal(str(STAGE_BASE_RATES[Stage.NEGOTIATION]))).quantize(
        Decimal("0.01"))
    assert forecast.open_deals == 2 and forecast.weighted == {"CNY": expected}
