"""The people and customers of a scaled demo company (`dealbot demo --deals N`), drawn from one seed.

Sizes follow N: 0.5 customers per deal, one team per 10,000 deals and one person per 500 deals (each
team a manager and reps), never fewer than the small demo's three teams of four. Names come from the
small demo's word pools (bot.demo_data). Pure: the same seed and N always give the same company, so the
benchmark can compute who is who without asking the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot import demo_data as data
from domain.people import Role

CUSTOMERS_PER_DEAL = 0.5
DEALS_PER_TEAM = 10_000
DEALS_PER_PERSON = 500
MIN_TEAMS, MIN_PEOPLE = 3, 12


@dataclass(frozen=True, slots=True)
class ScaledTeam:
    name: str
    region: str
    cities: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class ScaledPerson:
    name: str
    ident: str  # console id
    role: Role
    team: int  # index into ScaledCompany.teams


@dataclass(frozen=True, slots=True)
class ScaledCompany:
    deals: int
    customers: int
    teams: tuple[ScaledTeam, ...]
    people: tuple[ScaledPerson, ...]

    def members(self, team: int) -> list[int]:
        """Indexes into `people` of the team's members, the manager first."""
        return [i for i, p in enumerate(self.people) if p.team == team]


def scaled_company(deals: int, seed: int) -> ScaledCompany:
    if deals < 1:
        raise ValueError("deals must be at least 1")
    rng = random.Random(f"dealbot-scale:{seed}")
    team_count = max(MIN_TEAMS, deals // DEALS_PER_TEAM)
    per_team = max(MIN_PEOPLE // MIN_TEAMS, (deals // DEALS_PER_PERSON) // team_count)
    teams = tuple(_team(number) for number in range(team_count))
    names = _names(rng, team_count * per_team)
    people = []
    taken: set[str] = set()
    for index, (name, pinyin) in enumerate(names):
        ident = pinyin
        suffix = 2
        while ident in taken:
            ident, suffix = f"{pinyin}{suffix}", suffix + 1
        taken.add(ident)
        team, seat = divmod(index, per_team)
        people.append(ScaledPerson(name, ident, Role.MANAGER if seat == 0 else Role.REP, team))
    return ScaledCompany(deals, max(1, int(deals * CUSTOMERS_PER_DEAL)), teams, tuple(people))


_NUMERALS = "一二三四五六七八九十"


def _team(number: int) -> ScaledTeam:
    name, region, cities = data.TEAMS[number % len(data.TEAMS)]
    group = number // len(data.TEAMS) + 1
    if group > 1:
        word = _NUMERALS[group - 1] if group <= 10 else str(group)
        name = f"{region}{word}组"
    return ScaledTeam(name, region, cities)


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct Chinese names with their pinyin: surname + given name, then surname + two
    one-character given names."""
    singles = [g for g in data.GIVEN_NAMES if len(g[0]) == 1]
    pool = [(s + g, sp + gp) for s, sp in data.SURNAMES for g, gp in data.GIVEN_NAMES]
    pool += [(s + a + b, sp + ap + bp) for s, sp in data.SURNAMES for a, ap in singles for b, bp in singles
             if a != b]
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} people")
    return rng.sample(pool, count)


@dataclass(frozen=True, slots=True)
class ScaledCustomer:
    name: str
    short_name: str
    industry: str
    city: tuple[str, str, str]
    domain: str
    team: int


def customer_names(rng: random.Random, company: ScaledCompany) -> list[ScaledCustomer]:
    """Distinct company names: city + brand + industry word + legal form (government bureaus left out)."""
    industries = [i for i in data.INDUSTRIES if data.INDUSTRIES[i][1]]
    weights = [data.INDUSTRIES[i][0] for i in industries]
    used: set[str] = set()
    customers: list[ScaledCustomer] = []
    while len(customers) < company.customers:
        team = rng.randrange(len(company.teams))
        city = rng.choice(company.teams[team].cities)
        industry = rng.choices(industries, weights)[0]
        (first, first_py), (second, second_py) = rng.choice(data.BRAND_FIRST), rng.choice(data.BRAND_SECOND)
        legal = "股份有限公司" if rng.random() < 0.15 else "有限公司"
        name = f"{city[0]}{first}{second}{rng.choice(data.INDUSTRIES[industry][1])}{legal}"
        if name in used:
            continue
        used.add(name)
        domain = f"{first_py}{second_py}{len(customers)}{rng.choice(data.MAIL_SUFFIXES)}"
        customers.append(ScaledCustomer(name, f"{city[0]}{first}{second}", industry, city, domain, team))
    return customers
