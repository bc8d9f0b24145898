"""What the deal-money and delivery resources of the open API share (bot.api.quotes, contracts,
payment_milestones, invoices, projects, tasks): a record is visible iff its deal is; a hidden deal named in a
body answers exactly like a missing one; chat's `load_deal` rule (checked_deal) gives the right to write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.api.call import ApiCall
from bot.api.problems import field_problem
from bot.api.schema import Field
from bot.handlers.common import checked_deal
from domain.approval_state import ApprovalState
from domain.opportunity import Opportunity
from storage.repositories.api_lists_work import WorkLists

CURRENCIES = ("CNY", "USD", "EUR", "HKD")
APPROVALS = ("none", *(a.value for a in ApprovalState if a.value))
DEAL_FILTERS = (Field("opportunity_id", "id"), Field("customer_id", "id", "records of this customer's deals"),
                Field("updated_since", "datetime", "created or changed at or after this time"))


def lists(call: ApiCall) -> WorkLists:
    return WorkLists(call.uow.session)


def at(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def approval(state: ApprovalState) -> str:
    return state.value or "none"


def read_filters(call: ApiCall) -> dict[str, Any]:
    """The list filters as the page query wants them (approval "none" is stored as "")."""
    filters = dict(call.filters)
    if filters.get("approval") == "none":
        filters["approval"] = ""
    return filters


async def page(call: ApiCall, kind: str, after: int, limit: int) -> Sequence[Any]:
    return await lists(call).deal_child_page(kind, call.scope, read_filters(call), after, limit)


async def visible(call: ApiCall, item: Any) -> Any:
    """`item` when its deal is one the token may view, else None (answered as missing)."""
    if item is None:
        return None
    deal = await call.uow.opportunities.find(item.opportunity_id)
    return item if deal is not None and call.scope.deals.admits(deal) else None


async def deal_to_change(call: ApiCall, deal_id: int) -> Opportunity:
    """The body's deal for a write, with chat's rights (load_deal: WORK); a deal the token may not view
    answers like one that does not exist."""
    deal = await call.uow.opportunities.find(deal_id)
    if deal is None or not call.scope.deals.admits(deal):
        raise field_problem([{"field": "opportunity_id", "detail": "no such deal"}])
    return checked_deal(call.context, deal)


def checked_person(call: ApiCall, rep_id: int, field: str) -> int:
    """A person the token may name (manager, assignee): active and of its team for a team token; anyone
    else answers like a person that does not exist."""
    rep = call.directory.rep(rep_id)
    if rep is None or not rep.active or rep_id not in call.team_members():
        raise field_problem([{"field": field, "detail": "must be an active rep this token sees (of its team, "
                                                        "for a team token)"}])
    return rep_id
