"""Fake mail-thread, mail-quarantine and settings repositories."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.lead import LeadStatus
from domain.mail import HeldStatus, MailKey, MailLink, MailThread, QuarantineEntry
from domain.opportunity import OPEN_STAGES
from tests.fakes.store import (
    _Table,
)

if TYPE_CHECKING:
    from tests.fakes.uow import FakeUnitOfWork


class FakeMailThreadRepository(_Table[MailThread]):
    async def find(self, keys: Iterable[str]) -> Sequence[MailThread]:
        wanted = set(keys)
        return self._select(lambda t: t.key in wanted)

    async def add_many(self, threads: Iterable[MailThread]) -> None:
        for thread in threads:
            same = next((r for r in self._rows.values() if (r.kind, r.key) == (thread.kind, thread.key)), None)
            if same is None:
                self._insert(copy.copy(thread))
            elif thread.kind is MailKey.SENDER:
                self._put(dataclasses.replace(thread, id=same.id))

    async def settle_held(self, code: str, status: str) -> bool:
        held = self._select(lambda t: t.kind is MailKey.HELD and t.key == code and t.status == HeldStatus.HELD)
        for thread in held:
            self._put(dataclasses.replace(thread, status=status))
        return bool(held)

    async def recent(self, senders: Iterable[str], since: datetime) -> Sequence[tuple[str, datetime]]:
        wanted = set(senders)
        return [(t.sender, t.at) for t in self._select(
            lambda t: t.kind is MailKey.MESSAGE and not t.outbound and t.sender in wanted and t.at >= since)]

    async def token_for(self, *, lead_id: int | None = None, opportunity_id: int | None = None) -> str | None:
        tokens = self._select(lambda t: t.kind is MailKey.TOKEN)
        for token in tokens:
            if opportunity_id is not None and token.opportunity_id == opportunity_id:
                return token.key
        for token in tokens:
            if lead_id is not None and token.lead_id == lead_id:
                return token.key
        return None

    async def messages_of(self, *, lead_id: int | None = None, opportunity_id: int | None = None,
                          limit: int = 10) -> Sequence[MailThread]:
        def mine(t: MailThread) -> bool:
            return t.kind is MailKey.MESSAGE and (
                (opportunity_id is not None and t.opportunity_id == opportunity_id)
                or (lead_id is not None and t.lead_id == lead_id))
        return list(reversed(self._select(mine, key=lambda t: (t.at, t.id))))[:limit]

    async def open_work(self, customer_ids: Iterable[int]) -> Sequence[MailLink]:
        wanted = set(customer_ids)
        deals = sorted((o for o in self._uow.data["opportunities"].values()
                        if o.customer_id in wanted and o.stage in OPEN_STAGES),
                       key=lambda o: (o.updated_at is not None, o.updated_at, o.id), reverse=True)
        leads = sorted((x for x in self._uow.data["leads"].values() if x.customer_id in wanted
                        and x.status in (LeadStatus.NEW, LeadStatus.ASSIGNED)), key=lambda x: x.id, reverse=True)
        return ([MailLink(o.customer_id, o.contact_id, o.lead_id, o.id) for o in deals]
                + [MailLink(x.customer_id, x.contact_id, x.id) for x in leads])


class FakeSettingsRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    async def get(self, key: str) -> Any | None:
        return copy.deepcopy(self._uow.data["settings"].get(key))

    async def put(self, key: str, value: Any) -> None:
        self._uow.data["settings"][key] = copy.deepcopy(value)
        self._uow.dirty.add(("settings", key))

    async def take(self, key: str) -> Any | None:
        value = self._uow.data["settings"].pop(key, None)
        self._uow.dirty.add(("settings", key))
        return value

    async def claim(self, key: str, value: Any) -> bool:
        if key in self._uow.data["settings"]:
            return False
        await self.put(key, value)
        return True




class FakeMailQuarantineRepository(_Table[QuarantineEntry]):
    async def add(self, entry: QuarantineEntry) -> bool:
        key = (entry.mailbox, entry.uidvalidity, entry.uid)
        if self._select(lambda e: (e.mailbox, e.uidvalidity, e.uid) == key):
            return False
        self._insert(copy.copy(entry))
        return True

    async def latest(self, limit: int = 20) -> Sequence[QuarantineEntry]:
        return sorted(self._select(), key=lambda e: (e.at, e.id or 0), reverse=True)[:limit]

    async def count(self) -> int:
        return len(self._select())
