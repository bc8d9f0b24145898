"""The demo company as plain data, drawn from one seed: people, customers with contacts, deal outlines.

Nothing here depends on the clock or on database ids, so the same seed always gives the same company.
Deal details (dates, quotes, payments) are drawn later, per deal, by bot.demo_deals.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from bot import demo_data as data
from domain.customer import Lifecycle
from domain.opportunity import Stage
from domain.people import Role

CUSTOMERS = 200


@dataclass(frozen=True, slots=True)
class PersonPlan:
    name: str
    ident: str  # console id
    role: Role
    team: str
    region: str


@dataclass(frozen=True, slots=True)
class ContactPlan:
    name: str
    title: str
    call: str  # how the rep says it: 何总, 宋经理, 马工
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    name: str
    short_name: str
    industry: str
    region: str
    tags: tuple[str, ...]
    phone: str
    email: str
    domain: str
    owner: str  # ident of a PersonPlan
    contacts: tuple[ContactPlan, ...]
    age_days: float  # how long ago the customer was entered


@dataclass(frozen=True, slots=True)
class DealOutline:
    index: int
    customer: int  # index into CompanyPlan.customers
    stage: Stage  # where the deal ends up
    topic: str
    name: str
    owner: str  # ident of a PersonPlan


@dataclass(frozen=True, slots=True)
class CompanyPlan:
    seed: int
    people: tuple[PersonPlan, ...]
    customers: tuple[CustomerPlan, ...]
    deals: tuple[DealOutline, ...]

    def lifecycle(self, customer: int) -> Lifecycle:
        stages = {d.stage for d in self.deals if d.customer == customer}
        if Stage.WON in stages:
            return Lifecycle.CUSTOMER
        if stages - {Stage.LOST}:
            return Lifecycle.ACTIVE
        return Lifecycle.PROSPECT


def plan_company(seed: int) -> CompanyPlan:
    rng = random.Random(seed)
    people = _people(rng)
    customers = _customers(rng, people)
    return CompanyPlan(seed, tuple(people), tuple(customers), tuple(_deals(rng, people, customers)))


def _people(rng: random.Random) -> list[PersonPlan]:
    """One manager and three reps per team."""
    staff = rng.sample(data.STAFF, 4 * len(data.TEAMS))
    people = []
    for number, (team, region, _) in enumerate(data.TEAMS):
        members = staff[4 * number:4 * number + 4]
        people += [PersonPlan(name, ident, Role.MANAGER if i == 0 else Role.REP, team, region)
                   for i, (name, ident) in enumerate(members)]
    return people


def _customers(rng: random.Random, people: list[PersonPlan]) -> list[CustomerPlan]:
    customers: list[CustomerPlan] = []
    used: set[str] = set()  # names, short names and mail domains already taken
    industries = list(data.INDUSTRIES)
    weights = [data.INDUSTRIES[i][0] for i in industries]
    while len(customers) < CUSTOMERS:
        team, region, cities = rng.choices(data.TEAMS, data.REGION_WEIGHTS)[0]
        city = rng.choice(cities)
        industry = rng.choices(industries, weights)[0]
        make = _government if industry == "政府" else _company
        name, short, domain, tags = make(rng, city, industry)
        if {name, short, domain} & used:
            continue
        used |= {name, short, domain}
        owners = [p for p in people if p.team == team]
        owner = rng.choices(owners, [1 if p.role is Role.MANAGER else 3 for p in owners])[0]
        phone = f"{city[2]}-{rng.randint(5, 8)}{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.8 else ""
        email = f"{rng.choice(data.COMPANY_MAILBOXES)}@{domain}" if rng.random() < 0.5 else ""
        contacts = _contacts(rng, domain, gov=industry == "政府")
        customers.append(CustomerPlan(name, short, industry, region, tags, phone, email, domain, owner.ident,
                                      contacts, rng.uniform(240, 900)))
    return customers


def _company(rng: random.Random, city: tuple[str, str, str],
             industry: str) -> tuple[str, str, str, tuple[str, ...]]:
    (first, first_py), (second, second_py) = rng.choice(data.BRAND_FIRST), rng.choice(data.BRAND_SECOND)
    brand = first + second
    legal = "股份有限公司" if rng.random() < 0.15 else "有限公司"
    name = f"{city[0]}{brand}{rng.choice(data.INDUSTRIES[industry][1])}{legal}"
    domain = f"{first_py}{second_py}{rng.choice(data.MAIL_SUFFIXES)}"
    tags = rng.sample(data.TAGS, rng.choices((0, 1, 2, 3), (3, 4, 2, 1))[0])
    if legal == "股份有限公司" and "上市公司" not in tags and rng.random() < 0.5:
        tags.append("上市公司")
    return name, brand, domain, tuple(tags)


def _government(rng: random.Random, city: tuple[str, str, str],
                industry: str) -> tuple[str, str, str, tuple[str, ...]]:
    bureau, short, mail = rng.choice(data.BUREAUS)
    tags = ("招投标", "战略客户") if rng.random() < 0.3 else ("招投标",)
    return f"{city[0]}市{bureau}", f"{city[0]}{short}", f"{mail}.{city[1]}.gov.cn", tags


def _contacts(rng: random.Random, domain: str, *, gov: bool) -> tuple[ContactPlan, ...]:
    surnames = rng.sample(data.SURNAMES, rng.choices((1, 2, 3), (4, 4, 2))[0])  # one 何总 per customer
    contacts = []
    for surname, surname_py in surnames:
        given, given_py = rng.choice(data.GIVEN_NAMES)
        title, address = rng.choice(data.GOV_TITLES if gov else data.TITLES)
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        mailbox = rng.choice((surname_py + given_py, f"{given_py}.{surname_py}", f"{surname_py}.{given_py}"))
        contacts.append(ContactPlan(surname + given, title, surname + address, phone, f"{mailbox}@{domain}"))
    return tuple(contacts)


def _deals(rng: random.Random, people: list[PersonPlan], customers: list[CustomerPlan]) -> list[DealOutline]:
    stages = [stage for stage, count in data.STAGE_COUNTS.items() for _ in range(count)]
    rng.shuffle(stages)
    weights = [rng.choice((1, 1, 2, 2, 3, 5)) for _ in customers]
    names: Counter[str] = Counter()
    deals = []
    for index, stage in enumerate(stages):
        number = rng.choices(range(len(customers)), weights)[0]
        customer = customers[number]
        topic = rng.choice(data.INDUSTRIES[customer.industry][2])
        name = f"{customer.short_name}{topic}"
        names[name] += 1
        if names[name] > 1:
            name += "一二三四五六七八九十"[min(names[name], 10) - 1] + "期"
        team = next(p.team for p in people if p.ident == customer.owner)
        others = [p.ident for p in people if p.team == team and p.ident != customer.owner]
        owner = customer.owner if rng.random() < 0.85 else rng.choice(others)
        deals.append(DealOutline(index, number, stage, topic, name, owner))
    return deals
