"""The in-memory fakes of domain.analytics: targets behave like the table (set replaces, kept only on commit);
the analytics reader refuses with a clear message (its numbers are SQL aggregates, tested on real databases)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.analytics import Period, Results, Scope, StageConversion, Target
from domain.analytics_json import to_json
from domain.opportunity import Stage
from tests.fakes import FakeStore

AT = datetime(2026, 12, 15, tzinfo=UTC)


async def test_fake_targets_replace_and_are_kept_only_after_commit(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.targets.set(Target("team", 1, "2027Q1", Decimal(5)), by=None, at=AT)
    async with store.uow() as uow:
        assert await uow.targets.get("team", 1, "2027Q1") is None
        await uow.targets.set(Target("team", 1, "2027Q1", Decimal(5)), by=None, at=AT)
        await uow.targets.set(Target("team", 1, "2027Q1", Decimal(6)), by=None, at=AT)
        await uow.targets.set(Target("rep", 7, "2027Q1", Decimal(2)), by=None, at=AT)
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.targets.get("team", 1, "2027Q1") == Target("team", 1, "2027Q1", Decimal(6))
        assert [t.scope_kind for t in await uow.targets.for_period("2027Q1")] == ["rep", "team"]
        assert await uow.targets.for_scopes("rep", [7, 8], "2027Q1") == [Target("rep", 7, "2027Q1", Decimal(2))]


async def test_fake_analytics_reader_says_to_use_a_real_database(store: FakeStore) -> None:
    async with store.uow() as uow:
        with pytest.raises(NotImplementedError, match="SQL aggregates"):
            await uow.analytics.results(Scope(), Period.month(AT.date()))


def test_numbers_turn_into_json_with_exact_amounts_and_derived_rates() -> None:
    december = Period.month(AT.date())
    results = Results(december, won=2, won_amounts={"CNY": Decimal("500000.00")}, lost=1, new_deals=1)
    assert to_json(results) == {
        "period": {"start": "2026-12-01", "end": "2027-01-01", "kind": "month", "code": "2026-12"},
        "won": 2, "won_amounts": {"CNY": "500000.00"}, "lost": 1, "new_deals": 1, "new_leads": 0,
        "win_rate": 2 / 3}
    step = to_json(StageConversion(Stage.NEGOTIATION, Stage.WON, 5, 3))
    assert step == {"source": "negotiation", "target": "won", "reached_source": 5, "reached_target": 3, "rate": 0.6}
    json.dumps(to_json(Scope(team_ids=frozenset({2, 1}))))
