"""`dealbot demo --deals N`: a scaled demo company written by bulk inserts (storage.bulk).

At N = 1,000,000: 1M deals, 500k customers with contacts, ~5M follow-ups, 2,000 people in 100 teams,
stage history, shares and some open reminders. Deterministic by seed (and N). Everything is written in
one transaction, with the "demo_loaded" marker, so a load either happens whole or not at all, and a
second run adds nothing. Ids continue after whatever the database holds already.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot import demo_data as data
from bot.demo import LOADED_KEY, PROGRESS_KEY, _already_loaded
from bot.demo_deals import work_time
from bot.demo_scale_deals import DEAL_TABLES, Customer, DealRows, IdCounters
from bot.demo_scale_plan import ScaledCompany, customer_names, scaled_company
from domain.customer import Customer as CustomerRecord
from domain.customer import Lifecycle, normalize_name, normalize_phone
from domain.customer_names import name_keys
from domain.people import Role
from storage.bulk import BulkWriter
from storage.repositories.people import DIRECTORY_VERSION

CHUNK = 20_000  # deals generated and written at a time
TABLES = ("teams", "reps", "identities", "customers", "customer_names", "contacts", *DEAL_TABLES)
Report = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def load_scaled_demo(writer: BulkWriter, *, deals: int, seed: int, now: datetime,
                           report: Report = _stderr) -> str:
    """Write the scaled company through `writer` (closed by the caller); a zh + en summary."""
    for key in (LOADED_KEY, PROGRESS_KEY):
        if (marker := await writer.setting(key)) is not None:
            return _already_loaded(marker)
    started = time.monotonic()
    company = scaled_company(deals, seed)
    ids = IdCounters({table: await writer.max_id(table) for table in TABLES})
    rng = random.Random(f"dealbot-scale:{seed}:{deals}")
    people = await _write_people(writer, company, ids)
    customers = await _write_customers(writer, company, rng, ids, people, now)
    report(f"people {len(people)}, customers {len(customers.ids)} ({time.monotonic() - started:.0f} s)")
    totals: dict[str, int] = {}
    for start in range(0, deals, CHUNK):
        chunk = DealRows(rng, ids, now)
        for _ in range(min(CHUNK, deals - start)):
            chunk.add(customers.pick(rng))
        for table, (columns, rows) in chunk.tables().items():
            await writer.write(table, columns, rows)
            totals[table] = totals.get(table, 0) + len(rows)
        for stage, count in chunk.stages.items():
            totals[stage] = totals.get(stage, 0) + count
        done = min(start + CHUNK, deals)
        report(f"deals {done:,}/{deals:,}, follow-ups {totals['followups']:,} "
               f"({time.monotonic() - started:.0f} s)")
    totals.update(teams=len(company.teams), reps=len(people), customers=len(customers.ids),
                  contacts=customers.contacts)
    marker = {"seed": seed, "deals": deals, "at": now.isoformat(timespec="seconds"), **totals}
    # a new directory version: running `serve` processes reread the people the load added
    await writer.finish(TABLES, {LOADED_KEY: marker, DIRECTORY_VERSION: uuid.uuid4().hex})
    report(f"committed ({time.monotonic() - started:.0f} s)")
    return _summary(company, seed, totals)


class _People:
    def __init__(self) -> None:
        self.ids: list[int] = []
        self.by_team: dict[int, list[int]] = {}
        self.team_ids: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.ids)


async def _write_people(writer: BulkWriter, company: ScaledCompany, ids: IdCounters) -> _People:
    people = _People()
    first_rep = ids.peek("reps")
    teams, reps, identities = [], [], []
    taken = await writer.console_ids()
    for number, team in enumerate(company.teams):
        manager = first_rep + company.members(number)[0]
        teams.append((ids.next("teams"), team.name, team.region, manager))
    first_team = teams[0][0]
    for person in company.people:
        rep_id = ids.next("reps")
        team_id = people.team_ids[person.team] = first_team + person.team
        reps.append((rep_id, person.name, person.role.value, team_id, [company.teams[person.team].region],
                     "zh", "Asia/Shanghai", True, f"{person.ident}@{data.STAFF_MAIL_DOMAIN}"))
        if person.ident not in taken:
            identities.append((ids.next("identities"), rep_id, "console", person.ident))
        people.ids.append(rep_id)
        people.by_team.setdefault(person.team, []).append(rep_id)
    await writer.write("teams", ("id", "name", "region", "manager_id"), teams)
    await writer.write("reps", ("id", "name", "role", "team_id", "regions", "locale", "timezone", "active",
                                "email"), reps)
    await writer.write("identities", ("id", "rep_id", "channel", "external_id"), identities)
    return people


class _Customers:
    """What a deal needs of its customer: id, owner, the owner's team, short name and contacts."""

    def __init__(self, people: _People) -> None:
        self.people = people
        self.ids: list[int] = []
        self.owners: list[int] = []
        self.teams: list[int] = []
        self.short: list[str] = []
        self.industry: list[str] = []
        self.calls: list[tuple[tuple[int, str], ...]] = []
        self.contacts = 0

    def pick(self, rng: random.Random) -> Customer:
        n = rng.randrange(len(self.ids))
        team = self.teams[n]
        return (self.ids[n], self.owners[n], self.people.by_team[team], self.people.team_ids[team],
                self.short[n], self.industry[n], self.calls[n])


CUSTOMER_COLUMNS = ("id", "name", "short_name", "industry", "region", "tags", "aliases", "lifecycle", "phone",
                    "email", "domain", "owner_id", "created_at", "name_key", "phone_key", "search_text")
CONTACT_COLUMNS = ("id", "customer_id", "name", "title", "phone", "email", "bouncing", "email_unverified",
                   "phone_key")


async def _write_customers(writer: BulkWriter, company: ScaledCompany, rng: random.Random, ids: IdCounters,
                           people: _People, now: datetime) -> _Customers:
    found = _Customers(people)
    rows: list[tuple[Any, ...]] = []
    names: list[tuple[Any, ...]] = []  # customer_names: how search finds them (storage.repositories.customer_search)
    contacts: list[tuple[Any, ...]] = []
    for planned in customer_names(rng, company):
        customer_id = ids.next("customers")
        team = people.by_team[planned.team]
        owner = rng.choice(team[1:] or team)
        phone = f"{planned.city[2]}-{rng.randint(5, 8)}{rng.randint(0, 9_999_999):07d}"
        email = f"{rng.choice(data.COMPANY_MAILBOXES)}@{planned.domain}" if rng.random() < 0.5 else ""
        created = work_time(now - timedelta(days=rng.uniform(240, 900)))
        tags = rng.sample(data.TAGS, rng.choices((0, 1, 2), (4, 4, 2))[0])
        search = f"{planned.name.casefold()}\n{planned.short_name.casefold()}"  # domain.customer_names.search_text
        rows.append((customer_id, planned.name, planned.short_name, planned.industry, company.teams[planned.team]
                     .region, tags, [], Lifecycle.ACTIVE.value, phone, email, planned.domain, owner, created,
                     normalize_name(planned.name), normalize_phone(phone), search))
        names += [(ids.next("customer_names"), customer_id, kind, key)
                  for kind, key in name_keys(CustomerRecord(planned.name, planned.short_name))]
        calls = []
        for surname, surname_py in rng.sample(data.SURNAMES, rng.choice((1, 1, 2))):
            given, given_py = rng.choice(data.GIVEN_NAMES)
            title, address = rng.choice(data.TITLES)
            mobile = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            contact_id = ids.next("contacts")
            contacts.append((contact_id, customer_id, surname + given, title, mobile,
                             f"{surname_py}{given_py}@{planned.domain}", False, False, normalize_phone(mobile)))
            calls.append((contact_id, surname + address))
        found.ids.append(customer_id)
        found.owners.append(owner)
        found.teams.append(planned.team)
        found.short.append(planned.short_name)
        found.industry.append(planned.industry)
        found.calls.append(tuple(calls))
        if len(rows) >= CHUNK:
            await _flush_customers(writer, rows, names, contacts)
            found.contacts += len(contacts)
            rows, names, contacts = [], [], []
    await _flush_customers(writer, rows, names, contacts)
    found.contacts += len(contacts)
    return found


async def _flush_customers(writer: BulkWriter, rows: list[tuple[Any, ...]], names: list[tuple[Any, ...]],
                           contacts: list[tuple[Any, ...]]) -> None:
    await writer.write("customers", CUSTOMER_COLUMNS, rows)
    await writer.write("customer_names", ("id", "customer_id", "kind", "key"), names)
    await writer.write("contacts", CONTACT_COLUMNS, contacts)


def _summary(company: ScaledCompany, seed: int, t: dict[str, int]) -> str:
    managers = sum(p.role is Role.MANAGER for p in company.people)
    manager = next(p for p in company.people if p.role is Role.MANAGER)
    rep = next(p for p in company.people if p.role is Role.REP)
    return "\n".join([
        f"已加载大规模示例公司（种子 {seed}）：{t['teams']} 个团队，{t['reps']} 名销售（含 {managers} 名经理），"
        f"{t['customers']:,} 个客户（{t['contacts']:,} 位联系人），{t['opportunities']:,} 个商机，"
        f"{t['followups']:,} 条跟进，{t['opportunity_shares']:,} 个共享，{t['reminders']:,} 条提醒。",
        f"Scaled demo company loaded (seed {seed}): {t['teams']} teams, {t['reps']} people ({managers} managers), "
        f"{t['customers']:,} customers ({t['contacts']:,} contacts), {t['opportunities']:,} deals, "
        f"{t['followups']:,} follow-ups, {t['opportunity_shares']:,} shares, {t['reminders']:,} reminders.",
        f"试试 / Try: dealbot chat --as {manager.ident}（{manager.name}，经理 manager）"
        f" · dealbot chat --as {rep.ident}（{rep.name}，销售 rep）",
    ])
