"""Which customers, contacts and leads a person may see, as one filter for lists and single reads (issue #16,
the open API; deals keep domain.listing.ViewScope, built by domain.permissions.view_scope).

- Deals: `deals` (the circles of domain.permissions.right_on).
- Customers: everything for an admin; else those owned by someone whose deals they see (`deals.owner_ids`),
  those in a pool they see (no owner; the company pool, or a team pool of `pool_team_ids`), and those with a
  deal they see. A customer outside all of these does not exist for them.
- Contacts: those of a customer they see.
- Leads: an admin's all; else their own and those of a team they manage (bot.handlers.leads.can_see_lead).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.customer import Customer
from domain.lead import Lead
from domain.listing import ViewScope
from domain.opportunity import Opportunity
from domain.people import Rep, Team
from domain.permissions import managed_team_ids, pool_team_ids, view_scope


@dataclass(frozen=True, slots=True)
class RecordScope:
    deals: ViewScope
    pool_team_ids: frozenset[int] | None = None  # team pools seen; None: every pool
    lead_owner_id: int | None = None  # leads owned by this person
    lead_team_ids: frozenset[int] = frozenset()  # leads of these teams

    @property
    def everything(self) -> bool:
        return self.deals.everything

    def admits_customer(self, customer: Customer, deals: Iterable[Opportunity] = ()) -> bool:
        if self.everything or (customer.owner_id is not None and customer.owner_id in self.deals.owner_ids):
            return True
        if customer.owner_id is None and (customer.pool_team_id is None or self.pool_team_ids is None
                                          or customer.pool_team_id in self.pool_team_ids):
            return True
        return any(self.deals.admits(opp) for opp in deals if opp.customer_id == customer.id)

    def admits_lead(self, lead: Lead) -> bool:
        return (self.everything or (lead.owner_id is not None and lead.owner_id == self.lead_owner_id)
                or (lead.team_id is not None and lead.team_id in self.lead_team_ids))


def record_scope(rep: Rep, reps: Iterable[Rep], teams: Iterable[Team] = ()) -> RecordScope:
    teams = tuple(teams)
    deals = view_scope(rep, reps, teams)
    if deals.empty:
        return RecordScope(deals, frozenset())
    return RecordScope(deals, pool_team_ids(rep, teams), rep.id, managed_team_ids(rep, teams))
