"""`dealbot demo`: the sample company is complete, consistent with the domain rules, and loaded once."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.demo import load_demo
from bot.demo_plan import plan_company
from domain.customer import normalize_name
from domain.opportunity import LEGAL_TRANSITIONS, Opportunity, Stage
from domain.people import Rep, Role
from domain.ports import UnitOfWork
from tests.fakes import FakeStore, FakeUnitOfWork

NOW = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)
SEED = 7


@dataclass
class Loaded:
    store: FakeStore
    summary: str

    def rows(self, table: str) -> list[Any]:
        return list(self.store.tables[table].values())

    def by_deal(self, table: str) -> dict[int, list[Any]]:
        grouped: dict[int, list[Any]] = {}
        for row in self.rows(table):
            grouped.setdefault(row.opportunity_id, []).append(row)
        return grouped


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    store = FakeStore()
    summary = asyncio.run(load_demo(store.uow, seed=SEED, now=NOW))
    return Loaded(store, summary)


def deals(loaded: Loaded) -> list[Opportunity]:
    return loaded.rows("opportunities")


def test_demo_has_three_teams_with_regions_and_a_manager_each(loaded: Loaded) -> None:
    teams = {t.name: t for t in loaded.rows("teams")}
    regions = {name: t.region for name, t in teams.items()}
    assert regions == {"华东一组": "华东", "华南一组": "华南", "华北一组": "华北"}
    reps = {r.id: r for r in loaded.rows("reps")}
    for team in teams.values():
        assert reps[team.manager_id].role is Role.MANAGER and reps[team.manager_id].team_id == team.id
        assert sum(r.team_id == team.id for r in reps.values()) == 4


def test_demo_has_three_managers_and_nine_reps_with_ascii_console_ids(loaded: Loaded) -> None:
    reps: list[Rep] = loaded.rows("reps")
    assert Counter(r.role for r in reps) == {Role.MANAGER: 3, Role.REP: 9}
    for rep in reps:
        assert re.fullmatch(r"[a-z]+", rep.identities["console"])
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", rep.name)
    assert len({r.identities["console"] for r in reps}) == 12


def test_demo_has_200_realistic_customers(loaded: Loaded) -> None:
    customers = loaded.rows("customers")
    assert len(customers) == 200
    assert len({normalize_name(c.name) for c in customers}) == 200
    assert len({c.short_name for c in customers}) == 200
    assert {c.region for c in customers} == {"华东", "华南", "华北"}
    assert {c.industry for c in customers} == set("制造 金融 医疗 教育 政府 零售 能源 物流 互联网".split())
    for customer in customers:
        if customer.industry == "政府":
            assert re.fullmatch(r"\w{2,3}市\w+(局|委员会)", customer.name), customer.name
        else:
            assert customer.name.endswith("有限公司") and customer.short_name in customer.name
        assert not customer.phone or re.fullmatch(r"0\d{2,3}-\d{8}", customer.phone)
        assert not customer.email or customer.email.endswith("@" + customer.domain)
        assert customer.owner_id is not None


def test_contacts_have_titles_mobiles_and_company_mail(loaded: Loaded) -> None:
    domains = {c.id: c.domain for c in loaded.rows("customers")}
    contacts = loaded.rows("contacts")
    assert set(domains) == {c.customer_id for c in contacts}  # every customer has someone to talk to
    for contact in contacts:
        assert contact.title and re.fullmatch(r"1[3-9]\d{9}", contact.phone)
        assert contact.email.endswith("@" + domains[contact.customer_id])


def test_400_deals_across_all_five_stages(loaded: Loaded) -> None:
    stages = Counter(o.stage for o in deals(loaded))
    assert sum(stages.values()) == 400
    assert set(stages) == set(Stage)
    open_share = sum(stages[s] for s in (Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION)) / 400
    assert 0.4 <= open_share <= 0.6
    assert 0.15 <= stages[Stage.WON] / 400 <= 0.3 and 0.15 <= stages[Stage.LOST] / 400 <= 0.3


def test_deal_amounts_are_between_50k_and_5m(loaded: Loaded) -> None:
    for opp in deals(loaded):
        assert opp.amount is not None and Decimal(50_000) <= opp.amount.amount <= Decimal(5_000_000)


def test_stage_histories_are_legal_and_in_time_order(loaded: Loaded) -> None:
    for opp in deals(loaded):
        stage, last = Stage.INITIAL_CONTACT, opp.created_at
        assert last is not None
        for change in opp.history:
            assert change.source is stage and change.target in LEGAL_TRANSITIONS[stage]
            assert change.at >= last and change.by == opp.owner_id
            stage, last = change.target, change.at
        assert stage is opp.stage
        assert opp.closed_at == (opp.history[-1].at if opp.stage.is_closed else None)


def test_lost_deals_have_a_reason_and_open_deals_a_next_step(loaded: Loaded) -> None:
    for opp in deals(loaded):
        if opp.stage is Stage.LOST:
            assert opp.lost_reason is not None and opp.lost_note
        elif opp.stage is not Stage.WON:
            assert opp.next_step and opp.next_at is not None and opp.expected_close is not None


def test_quote_versions_start_at_1_for_every_deal_that_reached_proposal(loaded: Loaded) -> None:
    quotes = loaded.by_deal("quotes")
    for opp in deals(loaded):
        versions = sorted(q.version for q in quotes.get(opp.id or 0, []))
        reached_proposal = any(c.target is Stage.PROPOSAL for c in opp.history)
        assert versions == list(range(1, len(versions) + 1))
        assert (1 <= len(versions) <= 3) if reached_proposal else not versions
    assert Counter(len(v) for v in quotes.values()).keys() == {1, 2, 3}


def test_followups_cover_the_past_90_days_and_every_deal(loaded: Loaded) -> None:
    followups = loaded.rows("followups")
    assert {f.opportunity_id for f in followups} == {o.id for o in deals(loaded)}
    for followup in followups:
        assert NOW - timedelta(days=90) <= followup.at <= NOW and followup.note
    assert max(f.at for f in followups) > NOW - timedelta(days=3)
    assert min(f.at for f in followups) < NOW - timedelta(days=80)


def test_won_deals_have_contract_payment_plan_payments_and_invoices(loaded: Loaded) -> None:
    contracts, milestones = loaded.by_deal("contracts"), loaded.by_deal("milestones")
    payments, invoices = loaded.by_deal("payments"), loaded.by_deal("invoices")
    won = [o for o in deals(loaded) if o.stage is Stage.WON]
    assert set(contracts) == set(milestones) == {o.id for o in won}
    for opp in won:
        assert opp.amount is not None
        [contract] = contracts[opp.id or 0]
        assert contract.amount == opp.amount
        assert sum(m.amount.amount for m in milestones[opp.id or 0]) == opp.amount.amount
        received = sum(p.amount.amount for p in payments.get(opp.id or 0, []))
        assert received == sum(m.paid.amount for m in milestones[opp.id or 0] if m.paid is not None)
        assert sum(i.amount.amount for i in invoices.get(opp.id or 0, [])) <= opp.amount.amount
    assert set(payments) <= {o.id for o in won} and len(payments) > len(won) / 2
    assert len(invoices) > len(won) / 2


def test_reminders_are_for_upcoming_next_steps_of_open_deals(loaded: Loaded) -> None:
    by_id = {o.id: o for o in deals(loaded)}
    reminders = loaded.rows("reminders")
    assert len(reminders) > 50
    for reminder in reminders:
        opp = by_id[reminder.opportunity_id]
        assert not opp.stage.is_closed and opp.next_at is not None
        assert NOW < reminder.due_at < opp.next_at and reminder.rep_id == opp.owner_id


def test_summary_gives_the_counts_in_chinese_and_english(loaded: Loaded) -> None:
    assert "3 个团队，12 名销售" in loaded.summary and "200 个客户" in loaded.summary
    assert "400 个商机" in loaded.summary and "400 deals" in loaded.summary
    assert "dealbot chat --as" in loaded.summary


async def test_second_run_adds_nothing_and_says_so() -> None:
    store = FakeStore()
    await load_demo(store.uow, seed=SEED, now=NOW)
    before = {name: len(rows) for name, rows in store.tables.items()}
    again = await load_demo(store.uow, seed=SEED + 1, now=NOW + timedelta(days=1))
    assert "已经加载过" in again and "already loaded" in again
    assert {name: len(rows) for name, rows in store.tables.items()} == before


def company(store: FakeStore) -> tuple[list[str], list[str]]:
    """Customer names and deals, in id order."""
    customers = sorted(store.tables["customers"].values(), key=lambda c: c.id)
    opportunities = sorted(store.tables["opportunities"].values(), key=lambda o: o.id)
    return [c.name for c in customers], [f"{o.name} {o.stage} {o.amount} {o.history}" for o in opportunities]


async def test_same_seed_gives_the_same_company(loaded: Loaded) -> None:
    store = FakeStore()
    await load_demo(store.uow, seed=SEED, now=NOW)
    assert company(store) == company(loaded.store)


def test_another_seed_gives_another_company() -> None:
    assert plan_company(SEED + 1).customers != plan_company(SEED).customers
    assert plan_company(SEED + 1).deals != plan_company(SEED).deals


async def test_existing_admin_and_people_of_the_same_name_are_kept() -> None:
    store = FakeStore()
    planned = plan_company(SEED).people[5]
    async with store.uow() as uow:
        admin = await uow.reps.add(Rep(name="admin", role=Role.ADMIN, identities={"console": "admin"}))
        known = await uow.reps.add(Rep(name=planned.name, identities={"wecom": "w1"}))
        await uow.commit()
    summary = await load_demo(store.uow, seed=SEED, now=NOW)
    reps = {r.id: r for r in store.tables["reps"].values()}
    assert len(reps) == 13 and reps[admin.id or 0].role is Role.ADMIN
    assert reps[known.id or 0].identities == {"wecom": "w1"}
    assert [r.name for r in reps.values()].count(planned.name) == 1
    assert "kept as is: reps 1" in summary


class FailingStore(FakeStore):
    """Commits fail from the `fail_at`-th on, as if the process died mid-way."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.commits, self.fail_at = 0, fail_at

    def uow(self) -> FakeUnitOfWork:
        return _CountingUnitOfWork(self)


class _CountingUnitOfWork(FakeUnitOfWork):
    store: FailingStore

    async def commit(self) -> None:
        self.store.commits += 1
        if self.store.commits >= self.store.fail_at:
            raise RuntimeError("power cut")
        await super().commit()


async def test_interrupted_load_resumes_with_its_seed_without_duplicates(loaded: Loaded) -> None:
    store = FailingStore(fail_at=3)  # people+customers and the first 100 deals get in
    with pytest.raises(RuntimeError):
        await load_demo(store.uow, seed=SEED, now=NOW)
    assert len(store.tables["opportunities"]) == 100
    store.fail_at = 10_000
    factory: Callable[[], UnitOfWork] = store.uow
    await load_demo(factory, seed=SEED + 5, now=NOW)  # the seed of the interrupted run wins
    for table in ("reps", "customers", "contacts", "opportunities", "quotes", "followups", "reminders"):
        assert len(store.tables[table]) == len(loaded.store.tables[table]), table
    assert company(store) == company(loaded.store)
