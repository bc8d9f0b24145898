"""One API request's world: the token, the principal it acts as, the open unit of work, what it may see,
and a chat `Context` for the use cases (bot.capture…), so that writes run exactly the code chat runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.context import Context, Directory, Settings
from domain.api_tokens import ApiToken
from domain.people import Rep
from domain.record_scope import RecordScope, record_scope
from storage.repositories.api_lists import ApiLists
from storage.repositories.api_lists_deals import DealLists
from storage.uow import SqlAlchemyUnitOfWork


@dataclass(slots=True)
class ApiCall:
    token: ApiToken
    rep: Rep  # the principal (bot.api.auth.principal)
    uow: SqlAlchemyUnitOfWork
    directory: Directory
    now: datetime
    settings: Settings
    body: dict[str, Any] = field(default_factory=dict)  # the validated request body
    filters: dict[str, Any] = field(default_factory=dict)  # the validated list filters
    _context: Context | None = None
    _scope: RecordScope | None = None

    @property
    def scope(self) -> RecordScope:
        if self._scope is None:
            self._scope = record_scope(self.rep, self.directory.reps, self.directory.teams)
        return self._scope

    @property
    def lists(self) -> ApiLists:
        return ApiLists(self.uow.session)

    @property
    def deal_lists(self) -> DealLists:
        return DealLists(self.uow.session)

    @property
    def context(self) -> Context:
        """The chat context the use cases take (channel "api"); its audit entries and messages are written
        by the framework when the request succeeds (bot.api.endpoints)."""
        if self._context is None:
            self._context = Context(uow=self.uow, rep=self.rep, now=self.now, channel="api", conversation_id="",
                                    batch=uuid.uuid4().hex, settings=self.settings, directory=self.directory)
        return self._context

    def pending_changes(self, entity: str) -> dict[int, datetime]:
        """When this request's own writes changed each `entity` record: audit entries not stored yet (they are
        written when the request succeeds), so an answer can say what a later read will."""
        entries = self._context.audit_log if self._context is not None else []
        changed: dict[int, datetime] = {}
        for e in entries:
            if e.entity == entity:
                changed[e.entity_id] = max(e.at, changed.get(e.entity_id, e.at))
        return changed

    def team_members(self) -> set[int]:
        """Ids of the people whose records this token sees by ownership (everyone for an unscoped token)."""
        return {r.id for r in self.directory.reps if r.id is not None
                and (self.token.team_id is None or r.team_id == self.token.team_id)}
