"""Fake repositories answer queries the way storage/repositories does."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from domain.activity import Reminder, ReminderStatus
from domain.audit import AuditEntry
from domain.customer import Contact, Customer, normalize_name
from domain.lead import Lead, LeadStatus
from domain.money import Money
from domain.opportunity import Opportunity, Stage
from domain.people import Rep, Team
from domain.quote import Quote
from tests.fakes import UNDO_ACTION, FakeStore, FakeUnitOfWork

NOW = datetime(2024, 5, 20, 10, 0, tzinfo=timezone(timedelta(hours=8)))


async def test_customer_search_matches_name_short_name_and_aliases_ignoring_case(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.customers.add(Customer("杭州明途信息技术有限公司", short_name="明途"))
        await uow.customers.add(Customer("Initrode Systems Ltd", aliases=["IniSys"]))
        await uow.customers.add(Customer("明途物流", domain="mtwl.cn", phone="0571-8888 1234"))
        assert [c.id for c in await uow.customers.search("明途")] == [1, 3]
        assert [c.id for c in await uow.customers.search("inisys")] == [2]
        assert [c.id for c in await uow.customers.search("SYSTEMS")] == [2]
        assert len(await uow.customers.search("明途", limit=1)) == 1
        assert (await uow.customers.by_name_key(normalize_name("明途物流有限公司"))) is not None
        assert (await uow.customers.by_domain("@MTWL.cn")).id == 3  # type: ignore[union-attr]
        assert [c.id for c in await uow.customers.list(offset=1, limit=1)] == [2]
        assert await uow.customers.count() == 3


async def test_customer_by_contact_point_checks_customer_then_contacts(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.customers.add(Customer("a", phone="0571-8888 1234"))
        await uow.customers.add(Customer("b"))
        await uow.contacts.add(Contact(2, "王五", email="Wang@B.cn", phone="138 0013 8000"))
        assert (await uow.customers.by_contact_point(phone="057188881234")).name == "a"  # type: ignore[union-attr]
        assert (await uow.customers.by_contact_point(email="wang@b.cn")).name == "b"  # type: ignore[union-attr]
        assert (await uow.customers.by_contact_point(phone="+86 13800138000")).name == "b"  # type: ignore[union-attr]
        assert await uow.customers.by_contact_point() is None
        assert [c.name for c in await uow.contacts.for_customer(2)] == ["王五"]
        assert (await uow.contacts.by_email("WANG@b.cn")) is not None


async def test_reps_and_teams_are_found_by_identity_and_name(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.reps.add(Rep("张三", identities={"wecom": "zhangsan"}))
        await uow.teams.add(Team("East"))
        assert (await uow.reps.by_identity("wecom", "zhangsan")).name == "张三"  # type: ignore[union-attr]
        assert await uow.reps.by_identity("dingtalk", "zhangsan") is None
        assert await uow.reps.by_name("张三") is not None
        assert await uow.teams.by_name("east") is not None


async def test_opportunity_list_filters_and_includes_shared_deals(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.opportunities.add(Opportunity(1, "own", owner_id=7))
        await uow.opportunities.add(Opportunity(1, "shared", owner_id=8, shared_with=[7]))
        await uow.opportunities.add(Opportunity(2, "other", owner_id=8, stage=Stage.WON))
        names = [o.name for o in await uow.opportunities.list(owner_ids=[7])]
        assert names == ["own", "shared"]
        assert len(await uow.opportunities.list()) == 3
        assert [o.name for o in await uow.opportunities.list(stages=[Stage.WON])] == ["other"]
        assert [o.name for o in await uow.opportunities.list(customer_id=2)] == ["other"]
        assert len(await uow.opportunities.list(limit=2)) == 2


async def test_lead_list_filters_by_owner_and_status(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.leads.add(Lead(1, owner_id=7, status=LeadStatus.ASSIGNED))
        await uow.leads.add(Lead(1))
        assert len(await uow.leads.list(owner_ids=[7])) == 1
        assert len(await uow.leads.list(status=LeadStatus.NEW)) == 1


async def test_per_opportunity_rows_come_oldest_first(store: FakeStore) -> None:
    async with store.uow() as uow:
        for version in (2, 1, 3):
            await uow.quotes.add(Quote(5, version, Money(Decimal(version))))
        await uow.quotes.add(Quote(6, 1, Money(Decimal(1))))
        assert [q.version for q in await uow.quotes.for_opportunity(5)] == [1, 2, 3]


async def test_reminders_due_and_pending(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.reminders.add(Reminder(7, NOW + timedelta(hours=1), "later"))
        await uow.reminders.add(Reminder(7, NOW - timedelta(hours=1), "due"))
        await uow.reminders.add(Reminder(7, NOW - timedelta(hours=2), "sent", status=ReminderStatus.SENT))
        assert [r.text for r in await uow.reminders.due(NOW)] == ["due"]
        assert [r.text for r in await uow.reminders.pending_for(7)] == ["due", "later"]
        assert [r.text for r in await uow.reminders.open_for(7)] == ["sent", "due", "later"]


async def test_overdue_reminders_are_sent_not_escalated_ones(store: FakeStore) -> None:
    async with store.uow() as uow:
        for text, sent_hours, escalated in (("old", 30, False), ("new", 2, False), ("told", 30, True)):
            at = NOW - timedelta(hours=sent_hours)
            await uow.reminders.add(Reminder(7, at, text, status=ReminderStatus.SENT, sent_at=at,
                                             escalated_at=NOW if escalated else None))
        assert [r.text for r in await uow.reminders.overdue(NOW - timedelta(hours=24))] == ["old"]


async def add_audit(uow: FakeUnitOfWork, actor: int, batch: str, action: str = "update") -> None:
    await uow.audit.add(AuditEntry(actor, "opportunity", 1, action, NOW, batch=batch))


async def test_audit_last_batch_is_the_newest_batch_newest_entry_first(store: FakeStore) -> None:
    async with store.uow() as uow:
        await add_audit(uow, 7, "a", "create")
        await add_audit(uow, 7, "b", "update")
        await add_audit(uow, 7, "b", "stage")
        await add_audit(uow, 8, "c")
        await add_audit(uow, 7, "")
        newest = await uow.audit.last_batch(7)
        assert [(e.batch, e.action) for e in newest] == [("b", "stage"), ("b", "update")]
        assert [e.action for e in await uow.audit.for_entity("opportunity", 1)] == [
            "create", "update", "stage", "update", "update"]


async def test_audit_mark_undone_moves_last_batch_back_and_undo_entries_never_count(store: FakeStore) -> None:
    async with store.uow() as uow:
        await add_audit(uow, 7, "a")
        await add_audit(uow, 7, "b")
        await uow.audit.mark_undone("b")
        await add_audit(uow, 7, "u", UNDO_ACTION)
        assert [e.batch for e in await uow.audit.last_batch(7)] == ["a"]
        await uow.commit()
    async with store.uow() as uow:
        await uow.audit.mark_undone("a")
        assert await uow.audit.last_batch(7) == []
    async with store.uow() as uow:
        assert [e.batch for e in await uow.audit.last_batch(7)] == ["a"], "the second undo was rolled back"


async def test_names_match_exactly_before_ignoring_case(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.reps.add(Rep("Li"))
        await uow.reps.add(Rep("LI"))
        assert (await uow.reps.by_name("LI")).id == 2  # type: ignore[union-attr]
        assert (await uow.reps.by_name("li")).id == 1  # type: ignore[union-attr]
        assert await uow.reps.by_name("Lee") is None
        assert await uow.contacts.by_email("") is None


async def test_customer_phone_wins_over_a_contact_with_the_same_email(store: FakeStore) -> None:
    async with store.uow() as uow:
        await uow.customers.add(Customer("a"))
        await uow.customers.add(Customer("b", phone="13800138000"))
        await uow.contacts.add(Contact(1, "x", email="x@a.cn"))
        found = await uow.customers.by_contact_point(phone="13800138000", email="x@a.cn")
        assert found is not None and found.name == "b"
