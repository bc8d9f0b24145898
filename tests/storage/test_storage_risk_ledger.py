"""The risk ledger (risk_alerts) on both engines: a warning is stored once per (rule, subject, state)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

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


async def test_the_newest_warnings_of_recipients_and_teams_merge_newest_first(uow_factory: Factory) -> None:
    rows = [replace(BASE, subject_id=n, rep_id=rep, team_id=team)
            for n, (rep, team) in enumerate([(2, 1), (3, 1), (4, 2), (None, 1), (2, 1), (5, 3)], start=1)]
    async with uow_factory() as uow:
        for hours, warning in enumerate(rows):  # subject n stored at hour n - 1
            await uow.risks.record([warning], NOW + timedelta(hours=hours))
        await uow.commit()
    async with uow_factory() as uow:
        everyone = [a.subject_id for a in await uow.risks.recent(None, limit=4)]
        rep_and_team = [a.subject_id for a in await uow.risks.recent([2, 4], [1], limit=10)]
        limited = [a.subject_id for a in await uow.risks.recent([2, 4], [1], limit=2)]
        nobody = await uow.risks.recent([], [], limit=10)
    assert everyone == [6, 5, 4, 3]
    assert rep_and_team == [5, 4, 3, 2, 1]  # rep 2's and 4's, and team 1's (subject 4 has no recipient)
    assert limited == [5, 4] and list(nobody) == []
