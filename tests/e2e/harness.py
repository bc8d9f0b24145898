"""Drive the real bot through the console channel path: inbox → router → handler → outbox → console."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.bootstrap import App, bootstrap
from bot.config import Config, load_config
from connectors.console import ConsoleConnector
from domain.opportunity import Opportunity
from scheduler.jobs import deliver_due_reminders

TEAMS = [{"name": "华东一组", "region": "华东"}, {"name": "华南一组", "region": "华南"}]
USERS = [
    {"name": "王经理", "role": "manager", "team": "华东一组", "console": "wang"},
    {"name": "张伟", "role": "rep", "team": "华东一组", "console": "zhangwei"},
    {"name": "李娜", "role": "rep", "team": "华东一组", "console": "lina"},
    {"name": "陈晨", "role": "rep", "team": "华南一组", "console": "chen", "locale": "en"},
    {"name": "管理员", "role": "admin", "console": "admin"},
]
RULES = [{"regions": ["华东"], "team": "华东一组"}, {"regions": ["华南"], "rep": "陈晨"}]


def make_config(db_url: str, **sections: Any) -> Config:
    config = load_config(environ={})
    config.sections["database"]["url"] = db_url
    config.sections.update({"teams": TEAMS, "users": USERS, "assignment": RULES, **sections})
    return config


class Console:
    """A person at a terminal: `say` returns what the bot printed back."""

    def __init__(self, app: App, connector: ConsoleConnector, out: io.StringIO, clock: Clock) -> None:
        self.app, self.connector, self.out, self.clock = app, connector, out, clock
        self._seen = 0

    async def say(self, text: str, as_user: str | None = None) -> str:
        self.connector.user = as_user or self.connector.user
        await self.app.bot.receive(self.connector.message(text))
        await self.app.dispatcher.drain()
        return self.read()

    async def tick(self, delta: timedelta) -> str:
        self.clock.now += delta
        await deliver_due_reminders(self.app.uow_factory, self.clock.now)
        await self.app.dispatcher.drain()
        return self.read()

    def read(self) -> str:
        text = self.out.getvalue()[self._seen:]
        self._seen += len(text)
        return text


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def start_console(db_url: str, user: str, now: datetime, **sections: Any) -> Console:
    out = io.StringIO()
    clock = Clock(now)
    connector = ConsoleConnector(user, stdin=io.StringIO(), stdout=out, clock=clock)
    app = await bootstrap(make_config(db_url, **sections), {"console": connector}, clock=clock)
    return Console(app, connector, out, clock)


async def stored_state(console: Console, deal_fields: Callable[[Opportunity], tuple[Any, ...]]) -> dict[str, Any]:
    """What a write would change: customers, deals (`deal_fields` of each), follow-up notes, pending reminders."""
    async with console.app.uow_factory() as uow:
        deals = await uow.opportunities.list()
        notes = [f.note for d in deals for f in await uow.followups.for_opportunity(d.id or 0)]
        reps = await uow.reps.list()
        reminders = [(r.text, r.due_at) for rep in reps for r in await uow.reminders.pending_for(rep.id or 0)]
        return {"customers": await uow.customers.count(), "notes": notes, "reminders": reminders,
                "deals": [deal_fields(d) for d in deals]}


async def stored_counts(console: Console) -> tuple[int, int, int]:
    """(customers, deals, follow-ups on deals): what a refused write must leave as it was."""
    async with console.app.uow_factory() as uow:
        deals = await uow.opportunities.list()
        followups = sum([len(await uow.followups.for_opportunity(d.id or 0)) for d in deals])
        return await uow.customers.count(), len(deals), followups
