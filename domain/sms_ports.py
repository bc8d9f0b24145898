"""What SMS (issue #16) needs from storage (storage.repositories.sms implements it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from domain.ports import UnitOfWork
from domain.sms import DuePayment, SmsSend, SmsSubscription


class SmsRepository(Protocol):
    async def subscription(self, rep_id: int) -> SmsSubscription | None: ...

    async def save_subscription(self, subscription: SmsSubscription) -> None:
        """Insert or replace the person's row."""
        ...

    async def enabled_for(self, rep_ids: Iterable[int]) -> dict[int, str]:
        """rep id -> mobile of those who turned SMS reminders on."""
        ...

    async def opted_out(self, customer_id: int) -> bool: ...

    async def set_opt_out(self, customer_id: int, stopped: bool, by: int | None, at: datetime) -> bool:
        """Stop (or resume) SMS to the customer's contacts. False: it already was so."""
        ...

    async def record(self, send: SmsSend) -> None:
        """The provider accepted this SMS (once per outbox row: its delivery key)."""
        ...

    async def sent_since(self, phone: str, since: datetime) -> list[datetime]:
        """When SMS went to `phone` from `since` on (what the throttle counts)."""
        ...

    async def for_customer(self, customer_id: int, limit: int = 10) -> Sequence[SmsSend]:
        """The customer's latest SMS, newest first."""
        ...

    async def payments_sent(self, milestone_ids: Iterable[int]) -> dict[int, datetime]:
        """milestone id -> when its latest payment reminder SMS went out (the ledger: kept after the outbox
        row is pruned)."""
        ...

    async def due_payments(self, first: date, last: date, limit: int = 500) -> list[DuePayment]:
        """Milestones of plans in force due from `first` to `last` (earliest first), not fully paid, of deals
        not lost, whose customer did not opt out and has a contact with a mainland mobile (the first such
        contact)."""
        ...


class SmsUnitOfWork(UnitOfWork, Protocol):
    sms: SmsRepository
