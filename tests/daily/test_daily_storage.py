"""The reads and writes daily reports rely on, held equal on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.activity import FollowUp, ReminderStatus
from domain.audit import AuditEntry
from domain.daily_report import DailyReport, DailyReportSettings
from domain.messaging import OutboxItem
from domain.opportunity import Opportunity, Stage
from scheduler.daily_reports import draft_daily_reports
from tests.daily.conftest import Factory
from tests.daily.world import DAY, at, make_world, outbox, remind


async def test_a_second_report_for_the_same_rep_and_day_is_not_stored(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        first = await uow.daily_reports.add(DailyReport(w.zhang, DAY, at(18), lines=["a"], plan=["b"]))
        assert first is not None and first.id is not None
        assert await uow.daily_reports.add(DailyReport(w.zhang, DAY, at(19), lines=["x"])) is None
        await uow.daily_reports.add(DailyReport(w.li, DAY, at(18)))
        await uow.daily_reports.add(DailyReport(w.zhang, DAY + timedelta(days=1), at(18)))
        await uow.commit()
    async with factory() as uow:
        report = await uow.daily_reports.get(w.zhang, DAY)
        assert report is not None
        report.add_line("补一句")
        report.submit(at(20))
        await uow.daily_reports.save(report)
        await uow.commit()
    async with factory() as uow:
        again = await uow.daily_reports.get(w.zhang, DAY)
        both = await uow.daily_reports.for_reps([w.li, w.zhang, 999], DAY)
    assert again == report and again.lines == ["a"] and again.plan == ["b"] and again.submitted_at == at(20)
    assert [(r.rep_id, r.day) for r in both] == [(w.zhang, DAY), (w.li, DAY)]


async def test_a_reps_day_is_read_within_its_bounds(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        for hour in (0, 12, 23):
            await uow.followups.add(FollowUp(w.zhang, f"h{hour}", at(hour), w.deal))
        await uow.followups.add(FollowUp(w.zhang, "next day", at(0) + timedelta(days=1), w.deal))
        await uow.followups.add(FollowUp(w.li, "other rep", at(12), w.deal))
        await uow.audit.add_many([AuditEntry(w.zhang, "quote", n, "create", at(9 + n), batch=f"b{n}")
                                  for n in range(3)] + [AuditEntry(w.li, "quote", 7, "create", at(9), batch="x"),
                                                        AuditEntry(w.zhang, "quote", 8, "create",
                                                                   at(9) - timedelta(days=1), batch="y")])
        await uow.audit.mark_undone("b1")
        await uow.commit()
    start, end = at(0), at(0) + timedelta(days=1)
    async with factory() as uow:
        notes = [f.note for f in await uow.followups.by_rep(w.zhang, start, end)]
        first_two = [f.note for f in await uow.followups.by_rep(w.zhang, start, end, limit=2)]
        entries = [e.entity_id for e in await uow.audit.by_actor(w.zhang, start, end)]
    assert notes == ["h0", "h12", "h23"] and first_two == ["h0", "h12"]
    assert entries == [0, 2]  # not undone, not another actor's, not another day's


async def test_open_reminders_are_pending_or_sent_ones_in_the_window(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        await remind(uow, w.zhang, at(15), "pending")
        await remind(uow, w.zhang, at(9), "sent", status=ReminderStatus.SENT)
        await remind(uow, w.zhang, at(10), "done", status=ReminderStatus.DONE)
        await remind(uow, w.zhang, at(11), "cancelled", status=ReminderStatus.CANCELLED)
        await remind(uow, w.zhang, at(12) + timedelta(days=1), "tomorrow")
        await remind(uow, w.li, at(12), "hers")
        await uow.commit()
    async with factory() as uow:
        found = await uow.reminders.open_due(w.zhang, at(0), at(0) + timedelta(days=1))
    assert [r.text for r in found] == ["sent", "pending"]


async def test_existing_keys_are_the_queued_dedupe_keys(factory: Factory) -> None:
    async with factory() as uow:
        for key in ("morning:1:2026-11-24", None):
            await uow.outbox.add(OutboxItem("console", "x", "t", at(9), dedupe_key=key))
        await uow.commit()
    async with factory() as uow:
        assert await uow.outbox.existing_keys(["morning:1:2026-11-24", "morning:2:2026-11-24"]) == {
            "morning:1:2026-11-24"}
        assert await uow.outbox.existing_keys([]) == set()


async def test_two_processes_drafting_at_once_send_each_draft_once(factory: Factory) -> None:
    await make_world(factory)
    settings = DailyReportSettings()
    counts = await asyncio.gather(*(draft_daily_reports(factory, at(18, 30), settings) for _ in range(2)))
    assert sum(counts) == 2
    assert sorted(i.recipient for i in await outbox(factory)) == ["lina", "zhangwei"]


async def test_next_steps_due_are_the_owners_open_deals_in_the_window(factory: Factory) -> None:
    w = await make_world(factory)
    async with factory() as uow:
        for n in range(5):  # stale next steps a month old do not crowd out today's
            await uow.opportunities.add(Opportunity(w.customer, f"old{n}", owner_id=w.zhang,
                                                    next_at=at(9) - timedelta(days=30)))
        for name, when, stage, owner in (("today", at(15), Stage.PROPOSAL, w.zhang),
                                         ("early", at(8), Stage.NEGOTIATION, w.zhang),
                                         ("won", at(10), Stage.WON, w.zhang), ("hers", at(10), Stage.PROPOSAL, w.li),
                                         ("tomorrow", at(0) + timedelta(days=1), Stage.PROPOSAL, w.zhang)):
            await uow.opportunities.add(Opportunity(w.customer, name, owner_id=owner, stage=stage, next_at=when))
        await uow.commit()
    async with factory() as uow:
        found = await uow.opportunities.next_steps_due(w.zhang, at(0), at(0) + timedelta(days=1), limit=3)
    assert [d.name for d in found] == ["early", "today"]
