"""The digest of the fixture company (tests/analytics_company.py), on SQLite and PostgreSQL, against numbers
worked out by hand. The digest is 华东一组's for Thursday 2026-12-10, judged at 18:00 Shanghai."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from bot.digest.compose import compose_digest
from bot.digest.jsonview import TOP_KEYS, as_json
from bot.digest.settings import DigestSettings
from domain.analytics import Target
from domain.messaging import OutboxItem
from storage.uow import SqlAlchemyUnitOfWork
from tests.analytics_company import Company, at, build_company

Factory = Callable[[], SqlAlchemyUnitOfWork]
DAY = date(2026, 12, 10)
AT = at(12, 10, 18)


@pytest.fixture
async def company(uow_factory: Factory) -> Company:
    company = await build_company(uow_factory)
    team = company.teams["华东一组"]
    async with uow_factory() as uow:
        await uow.targets.set(Target("team", team, "2026-12", Decimal(1_000_000)), by=None, at=AT)
        await uow.targets.set(Target("team", team, "2026Q4", Decimal(2_000_000)), by=None, at=AT)
        item = await uow.outbox.add(OutboxItem("wecom", "zhaomin", "x", AT, dedupe_key="x"))
        assert item is not None and item.id is not None
        await uow.outbox.mark_failed(item.id, "gave up")
        await uow.commit()
    return company


async def east_digest(uow_factory: Factory, company: Company) -> dict[str, Any]:
    async with uow_factory() as uow:
        team = await uow.teams.get(company.teams["华东一组"])
        digest = await compose_digest(uow, team, DAY, AT, DigestSettings(), admin=True)
    return as_json(digest)


def cny(value: int) -> dict[str, str]:
    return {"CNY": f"{value}.00"}


async def test_the_days_news_moves_and_won_deals(uow_factory: Factory, company: Company) -> None:
    j = await east_digest(uow_factory, company)
    assert tuple(j) == TOP_KEYS
    # 12-10: D2 (李娜) negotiation -> won, 200k; nothing created, no lead (leads came 12-02 and 12-12).
    assert j["today"] == {"new_leads": 0, "new_deals": 0, "won": 1, "won_amounts": cny(200_000), "lost": 0}
    assert j["movements"] == [] and j["lost_deals"] == []
    won = j["won_deals"]
    assert isinstance(won, list) and [(w["name"], w["owner"], w["amounts"]) for w in won] == [
        ("ERP", "李娜", cny(200_000))]


async def test_funnel_conversion_and_cycle_time(uow_factory: Factory, company: Company) -> None:
    funnel = (await east_digest(uow_factory, company))["funnel"]
    assert isinstance(funnel, dict)
    # Open now: D6 initial contact 50k, D5 proposal 100k, D4 negotiation 500k.
    assert funnel["stages"] == [{"stage": "initial_contact", "count": 1, "amounts": cny(50_000)},
                                {"stage": "proposal", "count": 1, "amounts": cny(100_000)},
                                {"stage": "negotiation", "count": 1, "amounts": cny(500_000)}]
    # Since 09-11 18:00: D1..D6 reached initial contact (D7 moved before); proposal D1-D5; negotiation D1 D2 D4;
    # won D1 D2.  Cycle: D1 09-01 -> 12-02 = 92 days, D2 11-20 -> 12-10 = 20 days: 56.0.
    assert [(c["reached_from"], c["reached_to"]) for c in funnel["conversions"]] == [(6, 5), (5, 3), (3, 2)]
    assert funnel["conversions"][2]["rate"] == pytest.approx(2 / 3)
    assert funnel["avg_cycle_days"] == pytest.approx(56.0)
    assert funnel["since"] == datetime(2026, 9, 11, 18, 0, tzinfo=AT.tzinfo).isoformat()


async def test_forecast_targets_and_top_reps(uow_factory: Factory, company: Company) -> None:
    j = await east_digest(uow_factory, company)
    # Closing in December: D4 500k x 0.6 + D6 50k x 0.1 = 305k over 2 deals; won D1 300k + D2 200k.
    month = {"period": "2026-12", "weighted": cny(305_000), "open_deals": 2, "won_amounts": cny(500_000)}
    # The quarter adds nothing for this team (D5 is expected in February, D8 is 华北组's).
    assert j["forecast"] == {"month": month, "quarter": {**month, "period": "2026Q4"}}
    targets = j["targets"]
    assert isinstance(targets, list)
    # Month: 500k of 1M = 50%, 10 of 31 days gone: on track. Quarter: 500k of 2M = 25%, 71 of 92 days: behind.
    assert [(t["period"], t["achieved"], t["on_track"]) for t in targets] == [("2026-12", 0.5, True),
                                                                             ("2026Q4", 0.25, False)]
    assert targets[0]["elapsed"] == pytest.approx(10 / 31) and targets[1]["elapsed"] == pytest.approx(71 / 92)
    assert [(r["name"], r["won"], r["won_amounts"]) for r in j["top_reps"]] == [
        ("张伟", 1, cny(300_000)), ("李娜", 1, cny(200_000))]


async def test_stalled_overdue_and_failed_deliveries(uow_factory: Factory, company: Company) -> None:
    j = await east_digest(uow_factory, company)
    stalled, followups, payments = j["stalled"], j["overdue_followups"], j["overdue_payments"]
    assert isinstance(stalled, dict) and isinstance(followups, dict) and isinstance(payments, dict)
    # D6 in initial contact since 10-01 (70 days >= 14), D4 in negotiation since 11-20 (20 >= 7);
    # D5 in proposal since 12-03 (7 < 10) is not stalled.
    assert stalled["count"] == 2 and [d["name"] for d in stalled["deals"]] == ["培训", "数据中台"]
    # D4's next step was due 12-10 10:00 (before 18:00); D5's is 12-14.
    assert followups["count"] == 1 and followups["deals"][0]["name"] == "数据中台"
    # D1's first milestone, 150k due 12-05, unpaid (D8's is 华北组's).
    assert payments["count"] == 1 and payments["deals"][0]["amounts"] == cny(150_000)
    assert j["failed_deliveries"] == 1


async def test_weekly_trend(uow_factory: Factory, company: Company) -> None:
    trend = (await east_digest(uow_factory, company))["trend"]
    assert isinstance(trend, list)
    weeks = {p["week_start"]: (p["won"], p["new_deals"]) for p in trend}
    # Eight Monday weeks 10-19 .. 12-07. Won: D1 12-02 (week 11-30), D2 12-10 (week 12-07).
    # Created: D4 11-01 (a Sunday: week 10-26), D2 11-20 (week 11-16), D5 12-01 (week 11-30).
    assert list(weeks) == ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23",
                           "2026-11-30", "2026-12-07"]
    assert weeks == {"2026-10-19": (0, 0), "2026-10-26": (0, 1), "2026-11-02": (0, 0), "2026-11-09": (0, 0),
                     "2026-11-16": (0, 1), "2026-11-23": (0, 0), "2026-11-30": (1, 1), "2026-12-07": (1, 0)}
