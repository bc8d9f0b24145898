"""Audit entity names → the unit-of-work repository and the domain class behind them."""

from __future__ import annotations

from typing import Any

from domain.activity import FollowUp, Reminder
from domain.approvals import ApprovalRequest
from domain.billing import Contract, Invoice, Payment, PaymentMilestone
from domain.customer import Contact, Customer
from domain.delivery import Milestone, Project, ProjectEvent, Task
from domain.lead import Lead
from domain.opportunity import CloseDateMove, Opportunity
from domain.pool_ports import PoolEvent
from domain.ports import UnitOfWork
from domain.quote import Quote
from domain.visit import Visit

ENTITIES: dict[str, tuple[str, type[Any]]] = {
    "customer": ("customers", Customer), "contact": ("contacts", Contact), "lead": ("leads", Lead),
    "opportunity": ("opportunities", Opportunity), "followup": ("followups", FollowUp),
    "reminder": ("reminders", Reminder), "quote": ("quotes", Quote), "contract": ("contracts", Contract),
    "milestone": ("milestones", PaymentMilestone), "payment": ("payments", Payment),
    "invoice": ("invoices", Invoice), "close_move": ("close_moves", CloseDateMove),
    "pool_event": ("pool", PoolEvent),  # the lead pool's log (issue #14): undo removes a claim's line with it
    "visit": ("visits", Visit),  # beyond the UnitOfWork protocol: storage's unit of work has it
    "approval": ("approvals", ApprovalRequest),
    # issue #15 delivery (beyond the UnitOfWork protocol): a project, its milestones, tasks and timeline
    "project": ("projects", Project), "project_milestone": ("project_milestones", Milestone),
    "task": ("tasks", Task), "project_event": ("project_events", ProjectEvent),
}


def repository(uow: UnitOfWork, entity: str) -> Any:
    return getattr(uow, ENTITIES[entity][0])
