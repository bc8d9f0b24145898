"""A small company whose numbers the analytics tests compute by hand (tests/storage/test_storage_analytics.py,
tests/e2e/test_analytics_questions.py). "Now" is Tuesday 2026-12-15 10:00 in Shanghai.

Team 华东一组 (manager 赵敏): 张伟, 李娜.  Team 华北组 (manager 钱进): 王强.  管理员 is an admin.
Deals (CNY unless said; every time 10:00 local unless said):
  D1 云平台   张伟 won 300,000   created 09-01; →proposal 10-10, →negotiation 11-05, →won 12-02
  D2 ERP      李娜 won 200,000   created 11-20; →proposal 11-25, →negotiation 12-01, →won 12-10
  D3 CRM      张伟 lost 150,000  created 10-01; →proposal 10-20, →lost 12-05 (price)
  D4 数据中台 张伟 negotiation 500,000 created 11-01; →proposal 11-10, →negotiation 11-20;
              expected close 12-28 18:00, next step 12-10 (overdue)
  D5 安全     李娜 proposal 100,000 created 12-01; →proposal 12-03; expected 2027-02-15; next step 12-14 09:00
  D6 培训     李娜 initial contact 50,000 created 10-01; expected 12-20 18:00
  D7 旧项目   张伟 won 80,000    created 03-01; →proposal 04-01, →negotiation 05-01, →won 06-30
  D8 物流     王强 won 400,000   created 10-15; →proposal 10-20, →negotiation 11-01, →won 11-15
  D9 仓储     王强 negotiation 1,000,000 created 11-01; →proposal 11-05, →negotiation 11-10;
              expected 12-31 18:00; next step 12-20
  D10 海外    王强 proposal USD 20,000 created 12-05; →proposal 12-06; expected 12-20 18:00
Leads: 华东一组 12-02, 12-12, 11-15; 华北组 12-03.
Payment milestones: D1 #1 150,000 due 12-05 unpaid, #2 150,000 due 2027-01-10; D8 #1 200,000 due 11-30 paid
50,000, and a replaced plan-1 milestone due 11-01 (ignored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from domain.billing import MilestoneStatus, PaymentMilestone
from domain.customer import Customer
from domain.lead import Lead
from domain.money import Money
from domain.opportunity import LostReason, Opportunity, Stage, StageChange
from domain.people import Rep, Role, Team
from domain.ports import UnitOfWork

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 15, 10, 0, tzinfo=SHANGHAI)
IC, P, N, W, L = Stage.INITIAL_CONTACT, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.WON, Stage.LOST


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


@dataclass
class Company:
    teams: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)
    deals: dict[str, int] = field(default_factory=dict)
    customer_id: int = 0


# name: (owner, stage, amount, currency, created, [(source, target, at)], extra fields)
DEALS: dict[str, tuple[str, Stage, int, str, datetime, list[tuple[Stage, Stage, datetime]], dict[str, Any]]] = {
    "D1": ("张伟", W, 300_000, "CNY", at(9, 1), [(IC, P, at(10, 10)), (P, N, at(11, 5)), (N, W, at(12, 2))], {}),
    "D2": ("李娜", W, 200_000, "CNY", at(11, 20), [(IC, P, at(11, 25)), (P, N, at(12, 1)), (N, W, at(12, 10))], {}),
    "D3": ("张伟", L, 150_000, "CNY", at(10, 1), [(IC, P, at(10, 20)), (P, L, at(12, 5))],
           {"lost_reason": LostReason.PRICE, "lost_note": "竞品低价"}),
    "D4": ("张伟", N, 500_000, "CNY", at(11, 1), [(IC, P, at(11, 10)), (P, N, at(11, 20))],
           {"expected_close": at(12, 28, 18), "next_at": at(12, 10), "next_step": "报价"}),
    "D5": ("李娜", P, 100_000, "CNY", at(12, 1), [(IC, P, at(12, 3))],
           {"expected_close": at(2, 15, 18, 2027), "next_at": at(12, 14, 9), "next_step": "演示"}),
    "D6": ("李娜", IC, 50_000, "CNY", at(10, 1), [], {"expected_close": at(12, 20, 18)}),
    "D7": ("张伟", W, 80_000, "CNY", at(3, 1), [(IC, P, at(4, 1)), (P, N, at(5, 1)), (N, W, at(6, 30))], {}),
    "D8": ("王强", W, 400_000, "CNY", at(10, 15), [(IC, P, at(10, 20)), (P, N, at(11, 1)), (N, W, at(11, 15))], {}),
    "D9": ("王强", N, 1_000_000, "CNY", at(11, 1), [(IC, P, at(11, 5)), (P, N, at(11, 10))],
           {"expected_close": at(12, 31, 18), "next_at": at(12, 20), "next_step": "签约"}),
    "D10": ("王强", P, 20_000, "USD", at(12, 5), [(IC, P, at(12, 6))], {"expected_close": at(12, 20, 18)}),
}
NAMES = {"D1": "云平台", "D2": "ERP", "D3": "CRM", "D4": "数据中台", "D5": "安全", "D6": "培训", "D7": "旧项目",
         "D8": "物流", "D9": "仓储", "D10": "海外"}


# The people as `dealbot serve` config ([[teams]], [[users]]; console identity = the name).
CONFIG_TEAMS = [{"name": "华东一组", "region": "华东"}, {"name": "华北组", "region": "华北"}]
CONFIG_USERS = [{"name": name, "role": role, **({"team": team} if team else {}), "console": name,
                 **({"locale": "en"} if name == "王强" else {})}
                for name, role, team in (("赵敏", "manager", "华东一组"), ("钱进", "manager", "华北组"),
                                         ("张伟", "rep", "华东一组"), ("李娜", "rep", "华东一组"),
                                         ("王强", "rep", "华北组"), ("管理员", "admin", None))]


async def build_company(uow_factory: Callable[[], Any], people: bool = True, identities: bool = False) -> Company:
    """Store the company; `people=False`: the teams and people exist already (from config), by name;
    `identities`: each person stored here gets a console identity (their name)."""
    company = Company()
    async with uow_factory() as uow:
        if people:
            await _people(uow, company, identities)
        else:
            company.teams = {t.name: t.id for t in await uow.teams.list()}
            company.reps = {r.name: r.id for r in await uow.reps.list()}
        customer = await uow.customers.add(Customer("明途信息技术有限公司", created_at=at(1, 5)))
        company.customer_id = customer.id
        for key, (owner, stage, amount, code, created, moves, extra) in DEALS.items():
            owner_id = company.reps[owner]
            team = company.teams["华北组" if owner == "王强" else "华东一组"]
            history = [StageChange(s, t, when, owner_id) for s, t, when in moves]
            closed = moves[-1][2] if stage.is_closed else None
            deal = await uow.opportunities.add(Opportunity(
                customer.id, NAMES[key], owner_id=owner_id, team_id=team, stage=stage,
                amount=Money(Decimal(amount), code), created_at=created, updated_at=created, closed_at=closed,
                history=history, **extra))
            company.deals[key] = deal.id
        await _leads_and_money(uow, company)
        await uow.commit()
    return company


async def _people(uow: UnitOfWork, company: Company, identities: bool) -> None:
    for name, region in (("华东一组", "华东"), ("华北组", "华北")):
        team = await uow.teams.add(Team(name, region=region))
        company.teams[name] = team.id or 0
    people = (("赵敏", Role.MANAGER, "华东一组"), ("钱进", Role.MANAGER, "华北组"), ("张伟", Role.REP, "华东一组"),
              ("李娜", Role.REP, "华东一组"), ("王强", Role.REP, "华北组"), ("管理员", Role.ADMIN, None))
    for name, role, team_name in people:
        rep = await uow.reps.add(Rep(name, role=role, team_id=company.teams.get(team_name or ""),
                                     identities={"console": name} if identities else {}))
        company.reps[name] = rep.id or 0
    for team_name, manager in (("华东一组", "赵敏"), ("华北组", "钱进")):
        team = await uow.teams.get(company.teams[team_name])
        team.manager_id = company.reps[manager]
        await uow.teams.save(team)


async def _leads_and_money(uow: UnitOfWork, company: Company) -> None:
    east, north = company.teams["华东一组"], company.teams["华北组"]
    for team, owner, created in ((east, "张伟", at(12, 2)), (east, "李娜", at(12, 12)), (east, "张伟", at(11, 15)),
                                 (north, "王强", at(12, 3))):
        await uow.leads.add(Lead(company.customer_id, title="线索", owner_id=company.reps[owner], team_id=team,
                                 created_at=created))
    d1, d8 = company.deals["D1"], company.deals["D8"]
    cny = Decimal(150_000)
    await uow.milestones.add(PaymentMilestone(d1, 1, Money(cny), date(2026, 12, 5)))
    await uow.milestones.add(PaymentMilestone(d1, 2, Money(cny), date(2027, 1, 10)))
    await uow.milestones.add(PaymentMilestone(d8, 1, Money(Decimal(200_000)), date(2026, 11, 30),
                                              paid=Money(Decimal(50_000)), status=MilestoneStatus.PARTIAL, plan=2))
    await uow.milestones.add(PaymentMilestone(d8, 1, Money(Decimal(200_000)), date(2026, 11, 1), plan=1,
                                              replaced_at=at(11, 2)))
