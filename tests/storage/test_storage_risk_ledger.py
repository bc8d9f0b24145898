"""The risk ledger (risk_alerts) on both engines: a warning is stored once per (rule, subject, state)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from storage_helpers import SHANGHAI, Factory

from domain.risks import RiskRule, Warning, Words
from storage.models import RiskAlertRow

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
BASE = Warning(RiskRule.NEXT_STEP_OVERDUE, "deal", 1, "2026-11-23T02:00:00Z", 2, 1, "#1", "MES",
               lambda: Words("why", "why", "todo", "todo", "查看 #1", "deal #1"))


def warnings(count: int, state: str = "s1") -> list[Warning]:
    return [replace(BASE, subject_id=n, state=state) for n in range(1, count + 1)]


async def stored(uow_factory: Factory) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(RiskAlertRow)) or 0)


async def test_each_warning_is_stored_once_however_many_come_in_one_go(uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        assert await uow.risks.record(warnings(12000), NOW) == 12000  # more than one INSERT page
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.risks.record(warnings(12000), NOW) == 0
        assert await uow.risks.record([*warnings(3), replace(BASE, subject_id=2, state="s2")], NOW) == 1
        await uow.commit()
    assert await stored(uow_factory) == 12001


async def test_unsent_warnings_are_counted_per_team_recipient_and_rule_and_marked_once(
        uow_factory: Factory) -> None:
    async with uow_factory() as uow:
        await uow.risks.record([*warnings(3), replace(BASE, rule=RiskRule.STAGE_STALLED, rep_id=None)], NOW)
        await uow.commit()
    async with uow_factory() as uow:
        groups = sorted(await uow.risks.unsent(), key=lambda g: (g.rep_id or 0, g.rule))
        assert [(g.team_id, g.rep_id, g.rule, g.count) for g in groups] == [
            (1, None, "stage_stalled", 1), (1, 2, "next_step_overdue", 3)]
        assert await uow.risks.mark_sent(1, 2, groups[1].max_id, NOW) == 3
        assert await uow.risks.mark_sent(1, 2, groups[1].max_id, NOW) == 0
        await uow.commit()
    async with uow_factory() as uow:
        assert [g.rep_id for g in await uow.risks.unsent()] == [None]


async def test_a_stored_warning_keeps_every_column_as_given(uow_factory: Factory) -> None:
    odd = replace(BASE, subject_id=7, state="谈判|2026-11-01T02:00:00Z|\"引号\"", rep_id=None, team_id=None)
    async with uow_factory() as uow:
        assert await uow.risks.record([BASE, odd], NOW) == 2
        await uow.commit()
    async with uow_factory() as uow:
        rows = (await uow.session.execute(select(RiskAlertRow).order_by(RiskAlertRow.subject_id))).scalars().all()
        stored_rows = [(r.rule, r.subject_kind, r.subject_id, r.state, r.rep_id, r.team_id, r.created_at, r.sent_at)
                       for r in rows]
    assert stored_rows == [
        ("next_step_overdue", "deal", 1, "2026-11-23T02:00:00Z", 2, 1, NOW, None),
        ("next_step_overdue", "deal", 7, odd.state, None, None, NOW, None)]
